/*
 * ARP (RFC 826) cache and resolution, with RFC 5227 address conflict
 * detection (probe, announce, defend) when TERN_CFG_ARP_ACD is on.
 */
#ifndef TERN_ARP_H
#define TERN_ARP_H

#include <stdbool.h>
#include <stdint.h>

#include "tern/addr.h"
#include "tern/config.h"
#include "tern/err.h"
#include "tern/pbuf.h"
#include "tern/timer.h"

struct tern_stack;
struct tern_netif;

enum tern_arp_state { TERN_ARP_FREE = 0, TERN_ARP_PENDING, TERN_ARP_STABLE, TERN_ARP_STATIC };

typedef struct tern_arp_entry {
    uint32_t ip;    /* host order */
    uint32_t stamp; /* last confirmation, or last request while pending */
#if TERN_CFG_ARP_QUEUE
    tern_pbuf *queue; /* packets waiting for resolution (next_pkt list) */
#endif
    uint8_t mac[6];
    uint8_t state; /* enum tern_arp_state */
    uint8_t ifindex;
    uint8_t tries;
} tern_arp_entry;

/* Called when another host claims one of our addresses. */
typedef void (*tern_arp_conflict_fn)(void *ctx, struct tern_netif *nif, const tern_addr *ip,
                                     const uint8_t mac[6]);

#if TERN_CFG_ARP_ACD
enum tern_acd_event {
    TERN_ACD_OK,       /* probing found no conflict; address announced */
    TERN_ACD_CONFLICT, /* another host uses the address (during probe, or a defence was lost) */
};
typedef struct tern_acd tern_acd;
typedef void (*tern_acd_fn)(void *ctx, tern_acd *acd, enum tern_acd_event ev);
struct tern_acd {
    tern_acd *next;
    struct tern_netif *nif;
    tern_timer timer;
    uint8_t state; /* (bytes within 32 of the start: short loads) */
    uint8_t count;
    uint32_t ip;          /* host order */
    uint32_t last_defend; /* time of the last defence */
    tern_acd_fn cb;
    void *ctx;
};
#endif

typedef struct tern_arp_state_s {
    tern_arp_entry table[TERN_CFG_ARP_TABLE_SIZE];
    tern_timer timer;
    tern_arp_conflict_fn conflict_cb;
    void *conflict_ctx;
#if TERN_CFG_ARP_ACD
    tern_acd *acd_list;
#endif
} tern_arp_state_s;

/* The calls exist only in builds with IPv4 (TERN_CFG_IPV4). */
#if TERN_CFG_IPV4
/* Send IP packet p to next_hop (host order) on nif, resolving its MAC;
 * queues p while resolving. Consumes p. */
tern_err tern_arp_output(struct tern_netif *nif, tern_pbuf *p, uint32_t next_hop);

/* Static entries never age and are never replaced. */
tern_err tern_arp_add_static(struct tern_netif *nif, const tern_addr *ip, const uint8_t mac[6]);
tern_err tern_arp_remove(struct tern_stack *s, const tern_addr *ip);
/* Look up a resolved entry; copies the MAC to mac_out when found. */
bool tern_arp_lookup(struct tern_stack *s, const tern_addr *ip, uint8_t mac_out[6]);
/* Send a gratuitous ARP request announcing nif's address. */
tern_err tern_arp_announce(struct tern_netif *nif);
/* Send an ARP request for ip on nif. */
tern_err tern_arp_request(struct tern_netif *nif, uint32_t ip);
/* A cache entry as reported to the application. */
typedef struct tern_arp_info {
    tern_addr ip;
    uint8_t mac[6];
    uint8_t state; /* enum tern_arp_state */
    uint8_t ifindex;
    uint32_t age_ms; /* since last confirmed (or last request while pending) */
} tern_arp_info;

/* Copy up to max cache entries into out; returns how many are in use. */
unsigned tern_arp_entries(struct tern_stack *s, tern_arp_info *out, unsigned max);

void tern_arp_set_conflict_cb(struct tern_stack *s, tern_arp_conflict_fn fn, void *ctx);
#endif

#if TERN_CFG_ARP_ACD
/* Probe ip (RFC 5227: 3 probes, then 2 announcements) on nif; cb reports the
 * result. After TERN_ACD_OK the acd keeps defending ip until tern_acd_stop().
 * acd is owned by the caller and must stay valid until stopped. */
tern_err tern_acd_start(struct tern_netif *nif, tern_acd *acd, const tern_addr *ip, tern_acd_fn cb,
                        void *ctx);
void tern_acd_stop(struct tern_stack *s, tern_acd *acd);
#endif

#endif
