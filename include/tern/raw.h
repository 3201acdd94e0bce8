/*
 * Raw IP endpoints: receive every datagram of one IP protocol number and
 * send datagrams of that protocol. IPv4 endpoints see the IPv4 header;
 * IPv6 ones (tern_raw_new6) see the upper-layer bytes after the extension
 * headers, as RFC 3542 raw sockets do, and an ICMPv6 endpoint's checksum is
 * computed on output.
 */
#ifndef TERN_RAW_H
#define TERN_RAW_H

#include <stdbool.h>
#include <stdint.h>

#include "tern/addr.h"
#include "tern/config.h"
#include "tern/err.h"
#include "tern/pbuf.h"

struct tern_stack;
typedef struct tern_raw_pcb tern_raw_pcb;

/* Receive callback. p starts at the IPv4 header (IPv6: at the upper-layer
 * header). Return true to take
 * ownership of p (the stack stops processing it); return false to let the
 * stack go on, in which case p must not be kept or modified. */
typedef bool (*tern_raw_recv_fn)(void *ctx, tern_raw_pcb *pcb, tern_pbuf *p, const tern_addr *src);

struct tern_raw_pcb {
    struct tern_stack *stack;
    tern_raw_recv_fn recv;
    void *ctx;
#if TERN_CFG_IPV4
    uint32_t local_ip, remote_ip; /* host order, 0 = any */
#endif
    uint8_t proto;    /* 0 = free */
    uint8_t ttl, tos; /* IPv6: hop limit (0 = the interface's) and traffic class */
#if TERN_CFG_IPV6
    uint8_t v6;                      /* an IPv6 endpoint */
    uint8_t local6[16], remote6[16]; /* all zero = any */
#endif
};

typedef struct tern_raw_state {
    tern_raw_pcb pcbs[TERN_CFG_RAW_PCBS];
} tern_raw_state;

tern_raw_pcb *tern_raw_new(struct tern_stack *s, uint8_t proto);
#if TERN_CFG_IPV6
/* An IPv6 endpoint for next header proto; bind, connect and sendto then take IPv6 addresses. */
tern_raw_pcb *tern_raw_new6(struct tern_stack *s, uint8_t proto);
#endif
void tern_raw_free(tern_raw_pcb *pcb);
tern_err tern_raw_bind(tern_raw_pcb *pcb, const tern_addr *addr);
tern_err tern_raw_connect(tern_raw_pcb *pcb, const tern_addr *addr);
/* Receive from any source again. */
void tern_raw_disconnect(tern_raw_pcb *pcb);
void tern_raw_set_recv(tern_raw_pcb *pcb, tern_raw_recv_fn fn, void *ctx);
/* Send p (the protocol payload, no IP header) to dst. Consumes p. */
tern_err tern_raw_sendto(tern_raw_pcb *pcb, tern_pbuf *p, const tern_addr *dst);

#endif
