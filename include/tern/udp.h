/*
 * UDP (RFC 768) with a zero-copy callback API.
 *
 *   pcb = tern_udp_new(s);
 *   tern_udp_bind(pcb, NULL, 7);
 *   tern_udp_set_recv(pcb, on_datagram, ctx);   // on_datagram owns the pbuf
 *   tern_udp_sendto(pcb, p, &dst, port);        // consumes p
 *
 * With TERN_CFG_IPV6 an endpoint is dual-stack: bound to "any" it receives
 * both families; addresses of either family bind, connect and send.
 */
#ifndef TERN_UDP_H
#define TERN_UDP_H

#include <stdbool.h>
#include <stdint.h>

#include "tern/addr.h"
#include "tern/config.h"
#include "tern/err.h"
#include "tern/icmp.h"
#include "tern/pbuf.h"

struct tern_stack;
typedef struct tern_udp_pcb tern_udp_pcb;

#define TERN_UDP_HLEN 8

/* What the stack knows about a received datagram. */
typedef struct tern_udp_info {
    tern_addr src, dst;
    uint16_t sport, dport;
    uint8_t ifindex;
    uint8_t ttl;
    uint8_t broadcast; /* sent to a broadcast or multicast address */
} tern_udp_info;

/* Receive callback: owns p (the payload, UDP header removed). */
typedef void (*tern_udp_recv_fn)(void *ctx, tern_udp_pcb *pcb, tern_pbuf *p, const tern_udp_info *info);
/* ICMP error reported for a datagram this endpoint sent (soft error). */
typedef void (*tern_udp_err_fn)(void *ctx, tern_udp_pcb *pcb, tern_err err, const tern_icmp_error *e);

#define TERN_UDP_F_USED 0x01u
#define TERN_UDP_F_CONNECTED 0x02u
#define TERN_UDP_F_BROADCAST 0x04u   /* may send to broadcast addresses */
#define TERN_UDP_F_NO_CHECKSUM 0x08u /* send without checksum */
#define TERN_UDP_F_REUSE 0x10u       /* several pcbs may bind the same port */
#define TERN_UDP_F_SRC_ZERO 0x20u    /* send from 0.0.0.0 (a DHCP client without a lease) */

struct tern_udp_pcb {
    struct tern_stack *stack;
    tern_udp_recv_fn recv;
    tern_udp_err_fn err;
    void *ctx;
#if TERN_CFG_IPV4
    uint32_t local_ip, remote_ip; /* host order, 0 = any (read with tern_udp_local_ip4) */
#endif
    uint16_t local_port, remote_port;
    uint8_t flags;
    uint8_t ttl, tos;
    uint8_t ifindex;       /* send broadcasts out of this interface (0 = route) */
    uint8_t mcast_ttl;     /* TTL of multicast datagrams (0 = 1) */
    uint8_t mcast_ifindex; /* interface for multicast datagrams (0 = default) */
#if TERN_CFG_IPV6
    uint8_t v6;          /* TERN_UDP_V6_* */
    uint8_t local6[16];  /* with TERN_UDP_V6_LOCAL */
    uint8_t remote6[16]; /* with TERN_UDP_V6_REMOTE */
    uint8_t remote6_zone;
#endif
};
#define TERN_UDP_V6_LOCAL 0x01u  /* bound to one IPv6 address (receives no IPv4) */
#define TERN_UDP_V6_REMOTE 0x02u /* connected to an IPv6 peer */

/* The IPv4 address an endpoint is bound to, host order (0: any; always 0
 * in an IPv6-only build, whose endpoints have no IPv4 addresses). */
static inline uint32_t tern_udp_local_ip4(const tern_udp_pcb *pcb) {
#if TERN_CFG_IPV4
    return pcb->local_ip;
#else
    (void)pcb;
    return 0;
#endif
}

typedef struct tern_udp_state {
    tern_udp_pcb pcbs[TERN_CFG_UDP_PCBS];
    uint16_t next_port;
} tern_udp_state;

/* Allocate an endpoint; NULL when none is free. */
tern_udp_pcb *tern_udp_new(struct tern_stack *s);
/* Release it (it stops receiving at once). */
void tern_udp_free(tern_udp_pcb *pcb);
/* Bind to addr (NULL or any = all addresses) and port (0 = ephemeral). */
tern_err tern_udp_bind(tern_udp_pcb *pcb, const tern_addr *addr, uint16_t port);
/* Set the default destination; only datagrams from it are received. */
tern_err tern_udp_connect(tern_udp_pcb *pcb, const tern_addr *addr, uint16_t port);
void tern_udp_disconnect(tern_udp_pcb *pcb);
void tern_udp_set_recv(tern_udp_pcb *pcb, tern_udp_recv_fn fn, void *ctx);
void tern_udp_set_err(tern_udp_pcb *pcb, tern_udp_err_fn fn);
void tern_udp_set_flags(tern_udp_pcb *pcb, uint8_t flags, bool on);
/* Send to the connected destination. Consumes p. */
tern_err tern_udp_send(tern_udp_pcb *pcb, tern_pbuf *p);
/* Send to dst:port. Consumes p. */
tern_err tern_udp_sendto(tern_udp_pcb *pcb, tern_pbuf *p, const tern_addr *dst, uint16_t port);

#endif
