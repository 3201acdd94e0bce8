/*
 * Network interfaces. The application (or its driver) owns the tern_netif
 * object; tern_netif_add() links it into a stack. A driver supplies
 * tern_netif_ops and calls tern_netif_input() for every received frame.
 */
#ifndef TERN_NETIF_H
#define TERN_NETIF_H

#include <stdbool.h>
#include <stdint.h>

#include "tern/addr.h"
#include "tern/config.h"
#include "tern/err.h"
#include "tern/ipv6.h"
#include "tern/pbuf.h"

struct tern_stack;
struct tern_netif;
struct tern_impair;

/* Interface kinds: how IP packets are framed on it. */
enum tern_link_type {
    TERN_LINK_ETHERNET = 1, /* Ethernet II with ARP; link_output gets whole frames */
    TERN_LINK_IP = 2,       /* IP packets straight to output (loopback, PPP, virtual) */
};

/* Flags (netif->flags). */
#define TERN_NETIF_UP 0x01u        /* administratively up */
#define TERN_NETIF_LINK_UP 0x02u   /* carrier present */
#define TERN_NETIF_BROADCAST 0x04u /* link supports broadcast */
#define TERN_NETIF_LOOPBACK 0x08u  /* the stack's loopback interface */

/* Checksum offload (netif->offload): hardware computes or verifies these. */
#define TERN_OFFLOAD_TX_IPV4 0x01u
#define TERN_OFFLOAD_TX_UDP 0x02u
#define TERN_OFFLOAD_TX_ICMP 0x04u
#define TERN_OFFLOAD_TX_TCP 0x08u
#define TERN_OFFLOAD_RX_IPV4 0x10u
#define TERN_OFFLOAD_RX_UDP 0x20u
#define TERN_OFFLOAD_RX_ICMP 0x40u
#define TERN_OFFLOAD_RX_TCP 0x80u

typedef struct tern_netif_ops {
    /* Send one link frame. Borrows p (see pbuf.h); returns TERN_OK or an error. */
    tern_err (*link_output)(struct tern_netif *nif, tern_pbuf *p);
    /* TERN_LINK_IP interfaces: send one IP packet. Consumes p. */
    tern_err (*ip_output)(struct tern_netif *nif, tern_pbuf *p, const tern_addr *next_hop);
    /* Optional: add (true) or remove a multicast MAC from the receive filter. */
    void (*mcast_filter)(struct tern_netif *nif, const uint8_t mac[6], bool add);
} tern_netif_ops;

typedef void (*tern_netif_status_fn)(struct tern_netif *nif, void *ctx);

/* Frame tee (pcap capture): sees every frame received and sent. */
typedef void (*tern_netif_tee_fn)(void *ctx, struct tern_netif *nif, const tern_pbuf *p, bool outgoing);

typedef struct tern_netif_counters {
    uint32_t rx_packets, rx_bytes, rx_drops;
    uint32_t tx_packets, tx_bytes, tx_errors;
} tern_netif_counters;

typedef struct tern_netif {
    struct tern_netif *next;
    struct tern_stack *stack;
    const tern_netif_ops *ops;
    void *driver;      /* driver state */
    uint8_t index;     /* 1-based, assigned by tern_netif_add */
    uint8_t link_type; /* enum tern_link_type */
    uint8_t flags;
    uint8_t offload;
    uint16_t mtu;
#if TERN_CFG_NETIF_OFFLOAD
    uint16_t gso_max; /* TCP payload bytes per segment the driver cuts up itself (TSO); 0: none */
#endif
    uint8_t hwaddr[6];
#if TERN_CFG_IPV4
    /* IPv4 configuration, host byte order (0 = unset) */
    uint32_t ip4, mask4, gw4;
#endif
    tern_netif_counters counters;
    tern_netif_status_fn status_cb; /* address or up/down changes */
    tern_netif_status_fn link_cb;   /* link up/down changes */
    void *cb_ctx;
#if TERN_CFG_NETIF_TEE
    tern_netif_tee_fn tee;
    void *tee_ctx;
#endif
#if TERN_CFG_IMPAIR
    struct tern_impair *impair_rx; /* impairments applied to received frames */
    struct tern_impair *impair_tx; /* impairments applied to sent frames */
#endif
#if TERN_CFG_IPV6
    tern_ipv6_netif ip6;
#endif
#if TERN_CFG_IGMP
    uint32_t igmp_older_until; /* an older-version querier was heard until then */
    uint8_t igmp_version;      /* 3, or 2/1 while an older querier is present */
#endif
    char name[8];
} tern_netif;

/* Prepare a netif; set ops, name and (for Ethernet) hwaddr before adding. */
void tern_netif_init(tern_netif *nif, const char *name, enum tern_link_type type, const tern_netif_ops *ops,
                     void *driver);
/* Link nif into the stack. Assigns its index. */
tern_err tern_netif_add(struct tern_stack *s, tern_netif *nif);
/* Unlink nif (frees its ARP entries and queued packets). */
void tern_netif_remove(struct tern_stack *s, tern_netif *nif);

void tern_netif_set_up(tern_netif *nif, bool up);
void tern_netif_set_link(tern_netif *nif, bool up);
static inline bool tern_netif_is_up(const tern_netif *nif) {
    return (nif->flags & (TERN_NETIF_UP | TERN_NETIF_LINK_UP)) == (TERN_NETIF_UP | TERN_NETIF_LINK_UP);
}

#if TERN_CFG_IPV4
/* Set the IPv4 address, prefix length and gateway (gw may be NULL). A
 * non-zero address on an Ethernet interface that is up sends a gratuitous
 * ARP. Pass addr NULL to clear. */
tern_err tern_netif_set_ipv4(tern_netif *nif, const tern_addr *addr, uint8_t prefix_len, const tern_addr *gw);
#endif

tern_netif *tern_netif_find(struct tern_stack *s, const char *name);
tern_netif *tern_netif_by_index(struct tern_stack *s, uint8_t index);

/* Driver entry point: one received frame (Ethernet) or IP packet. Consumes p. */
void tern_netif_input(tern_netif *nif, tern_pbuf *p);

/* Hand a complete link frame to the driver (through tee and impairment).
 * Consumes p. */
tern_err tern_netif_link_output(tern_netif *nif, tern_pbuf *p);

#if TERN_CFG_NETIF_TEE
void tern_netif_set_tee(tern_netif *nif, tern_netif_tee_fn fn, void *ctx);
#endif

#endif
