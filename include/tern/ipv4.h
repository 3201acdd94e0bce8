/*
 * IPv4 (RFC 791, RFC 1122): input validation, delivery, routing, forwarding,
 * fragmentation and reassembly.
 */
#ifndef TERN_IPV4_H
#define TERN_IPV4_H

#include <stdbool.h>
#include <stdint.h>

#include "tern/addr.h"
#include "tern/config.h"
#include "tern/err.h"
#include "tern/pbuf.h"
#include "tern/timer.h"

struct tern_stack;
struct tern_netif;

#define TERN_IP_PROTO_ICMP 1
#define TERN_IP_PROTO_IGMP 2
#define TERN_IP_PROTO_TCP 6
#define TERN_IP_PROTO_UDP 17

#define TERN_IPV4_HLEN 20

/* A static route: dest/prefix via gw (0 = directly connected) out of ifindex. */
typedef struct tern_ipv4_route {
    uint32_t dest, mask, gw; /* host order */
    uint8_t ifindex;         /* 0 = free slot */
} tern_ipv4_route;

#if TERN_CFG_IPV4_FRAG
typedef struct tern_ipv4_reass {
    tern_pbuf *frags; /* fragments sorted by offset (next_pkt list), IP headers kept */
    uint32_t src, dst;
    uint32_t deadline;
    uint16_t id;
    uint16_t total; /* payload length once the last fragment is seen, else 0 */
    uint16_t have;  /* payload bytes received */
    uint16_t nbufs; /* buffers held */
    uint8_t proto;
} tern_ipv4_reass;
#endif

typedef struct tern_ipv4_state {
#if TERN_CFG_IPV4_ROUTES
    tern_ipv4_route routes[TERN_CFG_IPV4_ROUTES];
#endif
#if TERN_CFG_IPV4_FRAG
    tern_ipv4_reass reass[TERN_CFG_IPV4_REASS_MAX];
    tern_timer reass_timer;
    uint16_t reass_pbufs;
#endif
    uint16_t next_id;
    uint8_t forward; /* runtime switch when TERN_CFG_IPV4_FORWARD */
} tern_ipv4_state;

/* Options for sending one datagram. */
typedef struct tern_ipv4_tx {
    uint32_t src; /* host order; 0 = choose from the outgoing interface */
    uint32_t dst; /* host order */
    uint8_t proto;
    uint8_t ttl; /* 0 = default */
    uint8_t tos;
    uint8_t dont_frag;
    uint8_t ifindex;         /* force this interface (multicast/broadcast), 0 = route */
    uint8_t router_alert;    /* add the Router Alert option (RFC 2113), for IGMP */
    uint8_t src_unspecified; /* send from 0.0.0.0 even if the interface has an address (DHCP) */
} tern_ipv4_tx;

/* Where a datagram would go: interface and next hop. */
typedef struct tern_ipv4_hop {
    struct tern_netif *nif;
    uint32_t next_hop; /* host order */
} tern_ipv4_hop;

/* The calls exist only in builds with IPv4 (TERN_CFG_IPV4). */
#if TERN_CFG_IPV4
/* Build the IPv4 header in front of p (the transport segment) and send it,
 * fragmenting when needed. Consumes p. */
tern_err tern_ipv4_output(struct tern_stack *s, tern_pbuf *p, const tern_ipv4_tx *tx);

/* Longest-prefix route lookup. Returns TERN_ERR_NOROUTE if none. */
tern_err tern_ipv4_route_lookup(struct tern_stack *s, uint32_t dst, tern_ipv4_hop *hop);
/* Source address the stack would use to reach dst (0 if no route). */
uint32_t tern_ipv4_source_for(struct tern_stack *s, uint32_t dst);

tern_err tern_ipv4_route_add(struct tern_stack *s, const tern_addr *dest, uint8_t prefix_len,
                             const tern_addr *gw, struct tern_netif *nif);
/* A static route as reported to the application. */
typedef struct tern_ipv4_route_info {
    tern_addr dest, gw; /* gw unspecified for directly connected */
    uint8_t prefix_len;
    uint8_t ifindex;
} tern_ipv4_route_info;
/* Copy up to max static routes into out; returns how many there are. */
unsigned tern_ipv4_routes(struct tern_stack *s, tern_ipv4_route_info *out, unsigned max);

tern_err tern_ipv4_route_del(struct tern_stack *s, const tern_addr *dest, uint8_t prefix_len);
/* Interface used for the default route when no interface has a gateway. */
void tern_ipv4_set_default_netif(struct tern_stack *s, struct tern_netif *nif);
/* Enable forwarding between interfaces (needs TERN_CFG_IPV4_FORWARD). */
tern_err tern_ipv4_set_forwarding(struct tern_stack *s, bool on);

/* True if addr (host order) is one of the stack's own unicast addresses. */
bool tern_ipv4_is_local(struct tern_stack *s, uint32_t addr);

/* Input from the link layer: one IPv4 packet. Consumes p. */
void tern_ipv4_input(struct tern_netif *nif, tern_pbuf *p);

/* Prefix length <-> mask helpers (host order). */
uint32_t tern_ipv4_mask(uint8_t prefix_len);
#endif

#endif
