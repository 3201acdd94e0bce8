/*
 * Raw IP endpoints: receive every datagram of one IP protocol number (IPv4
 * header included) and send datagrams of that protocol.
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

/* Receive callback. p starts at the IPv4 header. Return true to take
 * ownership of p (the stack stops processing it); return false to let the
 * stack go on, in which case p must not be kept or modified. */
typedef bool (*tern_raw_recv_fn)(void *ctx, tern_raw_pcb *pcb, tern_pbuf *p, const tern_addr *src);

struct tern_raw_pcb {
    struct tern_stack *stack;
    tern_raw_recv_fn recv;
    void *ctx;
    uint32_t local_ip, remote_ip; /* host order, 0 = any */
    uint8_t proto;                /* 0 = free */
    uint8_t ttl, tos;
};

typedef struct tern_raw_state {
    tern_raw_pcb pcbs[TERN_CFG_RAW_PCBS];
} tern_raw_state;

tern_raw_pcb *tern_raw_new(struct tern_stack *s, uint8_t proto);
void tern_raw_free(tern_raw_pcb *pcb);
tern_err tern_raw_bind(tern_raw_pcb *pcb, const tern_addr *addr);
tern_err tern_raw_connect(tern_raw_pcb *pcb, const tern_addr *addr);
void tern_raw_set_recv(tern_raw_pcb *pcb, tern_raw_recv_fn fn, void *ctx);
/* Send p (the protocol payload, no IP header) to dst. Consumes p. */
tern_err tern_raw_sendto(tern_raw_pcb *pcb, tern_pbuf *p, const tern_addr *dst);

#endif
