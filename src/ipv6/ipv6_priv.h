/*
 * IPv6 internals shared by the IPv6 files (input, output, ICMPv6, ND,
 * addresses) and the transports.
 *
 * Path of a received packet: tern_eth_input -> tern_ipv6_input (validate the
 * fixed header, accept for one of our addresses or groups, walk the
 * extension headers) -> the upper-layer input from the demux table in
 * ipv6_input.c, called with p at the upper-layer header and the IPv6 header
 * plus extension headers still in the headroom in front of it.
 */
#ifndef TERN_IPV6_PRIV_H
#define TERN_IPV6_PRIV_H

#include "core/core.h"
#include "tern/ipv6.h"
#include "wire/ipv6.h"

#if TERN_CFG_IPV6

#define TERN_IPV6_MIN_MTU 1280u
#define TERN_ND_REACHABLE_MS 30000u /* RFC 4861 10: REACHABLE_TIME */
#define TERN_ND_RETRANS_MS 1000u    /* RETRANS_TIMER */
#define TERN_ND_DELAY_MS 5000u      /* DELAY_FIRST_PROBE_TIME */
#define TERN_ND_MAX_SOLICIT 3u      /* MAX_MULTICAST_SOLICIT, MAX_UNICAST_SOLICIT */
#define TERN_ND_RS_COUNT 3u         /* MAX_RTR_SOLICITATIONS */
#define TERN_ND_RS_INTERVAL_MS 4000u

/* Upper-layer input: p at the upper-layer header. Consumes p. */
typedef void (*tern_ipv6_input_fn)(tern_netif *nif, tern_pbuf *p, const tern_ipv6_repr *ip);

/* Pick the interface and next hop for tx. */
tern_err tern_ipv6_route(tern_stack *s, const tern_ipv6_tx *tx, tern_netif **nif, uint8_t next_hop[16]);
/* The link MTU IPv6 uses on nif. */
uint16_t tern_ipv6_mtu(const tern_netif *nif);
/* The hosts's multicast memberships on nif (all-nodes, solicited-node groups). */
bool tern_ipv6_is_member(const tern_netif *nif, const uint8_t group[16]);
/* Our address on nif with this value in any state, or NULL. */
tern_ipv6_ifaddr *tern_ipv6_find_addr(tern_netif *nif, const uint8_t addr[16]);

/* ICMPv6: p at the ICMPv6 header, checksum field anything; fills in the
 * source (unless given) and the checksum, then sends. Consumes p. */
tern_err tern_icmp6_send(tern_stack *s, tern_pbuf *p, tern_ipv6_tx *tx);
void tern_icmp6_input(tern_netif *nif, tern_pbuf *p, const tern_ipv6_repr *ip);
/* An ICMPv6 error about the packet p (at its IPv6 header; not consumed),
 * rate-limited, never about an error or a multicast packet (except when
 * `even_multicast`: Packet Too Big, unknown option code 2). */
void tern_icmp6_send_error(tern_netif *nif, const tern_pbuf *p, uint8_t type, uint8_t code, uint32_t param,
                           bool even_multicast);

#if TERN_CFG_PING
/* An echo reply (p at the ICMPv6 header). True if a ping took it. */
bool tern_ping_input6(tern_stack *s, const tern_pbuf *p, const uint8_t src[16], uint8_t hop_limit,
                      uint16_t id, uint16_t seq);
#endif

#if TERN_CFG_IPV6_FRAG
/* A fragment (fragment header at off, named by the next-header field at
 * nh_field). Returns the reassembled datagram (IPv6 header first, no
 * fragment header) once complete, else NULL. Consumes p. */
tern_pbuf *tern_ipv6_reass_input(tern_netif *nif, tern_pbuf *p, const tern_ipv6_repr *ip, uint16_t off,
                                 uint16_t nh_field, const tern_ipv6_frag_repr *f);
void tern_ipv6_reass_timer(tern_stack *s);
void tern_ipv6_reass_next_due(tern_stack *s, bool *any, uint32_t *next);
void tern_ipv6_reass_deinit(tern_stack *s);
/* Send p (IPv6 header first, unfrag_len bytes unfragmentable) in fragments
 * that fit mtu. Consumes p. */
tern_err tern_ipv6_fragment(tern_netif *nif, tern_pbuf *p, const uint8_t next_hop[16], uint16_t mtu,
                            uint16_t unfrag_len);
#endif
/* Path MTU towards dst over nif (the link MTU, or less after a Packet Too Big). */
uint16_t tern_ipv6_path_mtu(tern_stack *s, const tern_netif *nif, const uint8_t dst[16]);
/* A Packet Too Big for dst: remember mtu (at least 1280) for a while. */
void tern_ipv6_pmtu_update(tern_stack *s, const uint8_t dst[16], uint32_t mtu);
/* A Redirect's lesson: packets to dst go to next_hop on interface ifindex. */
void tern_ipv6_redirect_set(tern_stack *s, const uint8_t dst[16], const uint8_t next_hop[16],
                            uint8_t ifindex);

#if TERN_CFG_UDP
void tern_udp_input6(tern_netif *nif, tern_pbuf *p, const tern_ipv6_repr *ip);
#if TERN_CFG_RAW
/* Raw IPv6 endpoints (transport/raw.c): does one take this datagram with
 * next header proto; hand it p (at the upper-layer header): true if one kept it. */
bool tern_raw_wants6(tern_stack *s, uint8_t proto, const tern_ipv6_repr *ip);
bool tern_raw_input6(tern_stack *s, tern_pbuf *p, const tern_ipv6_repr *ip);
#endif
void tern_udp_icmp_error(tern_stack *s, const tern_icmp_error *e);
#endif

#if TERN_CFG_TCP
void tern_tcp_input6(tern_netif *nif, tern_pbuf *p, const tern_ipv6_repr *ip);
/* ICMPv6 errors reach it as family TERN_AF_INET6 tern_icmp_errors. */
void tern_tcp_icmp_error(tern_stack *s, const tern_icmp_error *e);
/* The path MTU toward dst went down (Packet Too Big): connections to it send smaller segments. */
void tern_tcp_pmtu_lowered(tern_stack *s, const uint8_t dst[16]);
#endif

#if TERN_CFG_IPV6_MLD
/* MLD (mld.c). */
void tern_mld_input(tern_netif *nif, tern_pbuf *p, const tern_ipv6_repr *ip, uint8_t type);
/* Report a group we just joined (true) or left. */
void tern_mld_report_change(tern_netif *nif, const uint8_t group[16], bool join);
void tern_mld_timer(tern_stack *s);
void tern_mld_next_due(tern_stack *s, bool *any, uint32_t *next);
#endif

/* Neighbor Discovery (nd.c). */
tern_err tern_nd_output(tern_netif *nif, tern_pbuf *p, const uint8_t next_hop[16]);
void tern_nd_input(tern_netif *nif, tern_pbuf *p, const tern_ipv6_repr *ip, uint8_t type);
tern_err tern_nd_send_ns(tern_netif *nif, const uint8_t target[16], bool dad, bool unicast);
void tern_nd_timer(tern_stack *s);
void tern_nd_next_due(tern_stack *s, bool *any, uint32_t *next);
void tern_nd_netif_removed(tern_stack *s, tern_netif *nif);
/* Learn ip -> mac (STALE) from an RS/RA/NS source link-layer option. */
void tern_nd_learn(tern_netif *nif, const uint8_t ip[16], const uint8_t mac[6], bool router);

/* Addresses, DAD, SLAAC, router advertisements (ipv6_addr.c). */
void tern_ipv6_dad_failed(tern_netif *nif, tern_ipv6_ifaddr *a);
void tern_ipv6_ra_input(tern_netif *nif, const uint8_t *msg, uint16_t len, const tern_ipv6_repr *ip,
                        const tern_nd_opts *o);
void tern_ipv6_addr_timer(tern_stack *s);
/* Add, refresh or (lifetime 0) remove a DNS server of nif in the list the
 * DNS client asks after its configured servers (RDNSS from RAs, DHCPv6).
 * The caller re-arms the IPv6 timer (tern_ipv6_rearm). */
void tern_ipv6_dns_update(tern_netif *nif, const uint8_t ip[16], uint32_t lifetime_s);
void tern_ipv6_addr_next_due(tern_stack *s, bool *any, uint32_t *next);
/* Re-arm the one IPv6 timer at the earliest deadline. */
void tern_ipv6_rearm(tern_stack *s);

static inline void tern_ipv6_due_min(bool *any, uint32_t *next, uint32_t due) {
    if (!*any || tern_time_before(due, *next))
        *next = due;
    *any = true;
}

#endif
#endif
