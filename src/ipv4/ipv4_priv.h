/*
 * IPv4 internals shared by the IPv4 files, ICMP and the transports.
 *
 * Path of a received packet: tern_ipv4_input (validate, accept or forward)
 * -> tern_ipv4_reass (fragments) -> raw endpoints -> the transport's input
 * from the demux table in ipv4_input.c, called with p at the transport
 * header and the IP header still in the headroom in front of it.
 */
#ifndef TERN_IPV4_PRIV_H
#define TERN_IPV4_PRIV_H

#include "core/core.h"
#include "tern/icmp.h"
#include "tern/ipv4.h"
#include "wire/ipv4.h"

#define TERN_IPV4_BROADCAST 0xFFFFFFFFu
#define TERN_IPV4_ALL_HOSTS 0xE0000001u /* 224.0.0.1 */

static inline bool tern_ipv4_is_multicast(uint32_t a) {
    return (a >> 28) == 0xEu;
}
static inline bool tern_ipv4_is_loopback(uint32_t a) {
    return (a >> 24) == 127u;
}

/* Transport input: p starts at the transport header; ip->hlen bytes of IP
 * header lie in the headroom just before it. Consumes p. */
typedef void (*tern_ipv4_input_fn)(tern_netif *nif, tern_pbuf *p, const tern_ipv4_repr *ip);
/* ICMP error reported for a datagram of this protocol. */
typedef void (*tern_ipv4_err_fn)(tern_stack *s, const tern_icmp_error *e);

/* Directed or limited broadcast for nif. */
bool tern_ipv4_is_broadcast(const tern_netif *nif, uint32_t a);
/* Hand an IP packet (header in place) to nif for next_hop. Consumes p. */
tern_err tern_ipv4_send_on(tern_netif *nif, tern_pbuf *p, uint32_t next_hop);
/* Fragment a datagram that starts with its IP header to fit nif's MTU, and
 * send each fragment. Consumes p. */
tern_err tern_ipv4_fragment(tern_netif *nif, tern_pbuf *p, const tern_ipv4_repr *ip, uint32_t next_hop);
#if TERN_CFG_IPV4_FRAG
/* Add a fragment (IP header at its front). Returns the whole datagram
 * (header fixed up, *ip updated) once complete, else NULL. Consumes p. */
tern_pbuf *tern_ipv4_reass_input(tern_stack *s, tern_pbuf *p, tern_ipv4_repr *ip);
void tern_ipv4_reass_init(tern_stack *s);
void tern_ipv4_reass_deinit(tern_stack *s);
#endif
#if TERN_CFG_IPV4_FORWARD
void tern_ipv4_forward(tern_netif *in, tern_pbuf *p, const tern_ipv4_repr *ip);
#endif

void tern_icmp_input(tern_netif *nif, tern_pbuf *p, const tern_ipv4_repr *ip);
/* tern_icmp_send_error for a datagram whose header the caller has parsed
 * (ip: that header; orig: the datagram from its header on). */
void tern_icmp_error_about(tern_stack *s, const tern_pbuf *orig, const tern_ipv4_repr *ip, uint8_t type,
                           uint8_t code, uint16_t mtu);
#if TERN_CFG_PING
/* An echo reply arrived (p at the ICMP header). Returns true if a ping took it. */
bool tern_ping_input(tern_stack *s, const tern_pbuf *p, const tern_ipv4_repr *ip, uint16_t id, uint16_t seq);
#endif
void tern_igmp_input(tern_netif *nif, tern_pbuf *p, const tern_ipv4_repr *ip);
void tern_tcp_input(tern_netif *nif, tern_pbuf *p, const tern_ipv4_repr *ip);
void tern_tcp_icmp_error(tern_stack *s, const tern_icmp_error *e);
void tern_udp_input(tern_netif *nif, tern_pbuf *p, const tern_ipv4_repr *ip);
void tern_udp_icmp_error(tern_stack *s, const tern_icmp_error *e);
#if TERN_CFG_RAW
/* Offer p (at its IP header) to raw endpoints; true if one took it. */
bool tern_raw_input(tern_stack *s, tern_pbuf *p, const tern_ipv4_repr *ip);
#endif
/* Deliver an ICMP error to the transport of the quoted datagram. */
void tern_ipv4_deliver_error(tern_stack *s, const tern_icmp_error *e);

#endif
