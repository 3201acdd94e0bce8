/* Raw IP endpoints: one IP protocol number each. */
#include <string.h>

#include "ipv4/ipv4_priv.h"
#include "tern/raw.h"

#if TERN_CFG_RAW

tern_raw_pcb *tern_raw_new(tern_stack *s, uint8_t proto) {
    if (!proto)
        return NULL;
    for (unsigned i = 0; i < TERN_CFG_RAW_PCBS; i++) {
        tern_raw_pcb *pcb = &s->raw.pcbs[i];
        if (!pcb->proto) {
            memset(pcb, 0, sizeof *pcb);
            pcb->stack = s;
            pcb->proto = proto;
            return pcb;
        }
    }
    return NULL;
}

void tern_raw_free(tern_raw_pcb *pcb) {
    if (pcb)
        memset(pcb, 0, sizeof *pcb);
}

tern_err tern_raw_bind(tern_raw_pcb *pcb, const tern_addr *addr) {
    if (!pcb || !addr || addr->family != TERN_AF_INET)
        return TERN_ERR_INVAL;
    pcb->local_ip = tern_addr_get_ipv4(addr);
    return TERN_OK;
}

tern_err tern_raw_connect(tern_raw_pcb *pcb, const tern_addr *addr) {
    if (!pcb || !addr || addr->family != TERN_AF_INET)
        return TERN_ERR_INVAL;
    pcb->remote_ip = tern_addr_get_ipv4(addr);
    return TERN_OK;
}

void tern_raw_set_recv(tern_raw_pcb *pcb, tern_raw_recv_fn fn, void *ctx) {
    pcb->recv = fn;
    pcb->ctx = ctx;
}

tern_err tern_raw_sendto(tern_raw_pcb *pcb, tern_pbuf *p, const tern_addr *dst) {
    if (!pcb || !p || !dst || dst->family != TERN_AF_INET) {
        if (pcb && p)
            tern_pbuf_free(pcb->stack, p);
        return TERN_ERR_INVAL;
    }
    tern_ipv4_tx tx = {.src = pcb->local_ip,
                       .dst = tern_addr_get_ipv4(dst),
                       .proto = pcb->proto,
                       .ttl = pcb->ttl,
                       .tos = pcb->tos};
    TERN_STAT_INC(pcb->stack, RAW_TX);
    return tern_ipv4_output(pcb->stack, p, &tx);
}

bool tern_raw_input(tern_stack *s, tern_pbuf *p, const tern_ipv4_repr *ip) {
    for (unsigned i = 0; i < TERN_CFG_RAW_PCBS; i++) {
        tern_raw_pcb *pcb = &s->raw.pcbs[i];
        if (pcb->proto != ip->proto || !pcb->recv || (pcb->local_ip && pcb->local_ip != ip->dst) ||
            (pcb->remote_ip && pcb->remote_ip != ip->src))
            continue;
        TERN_STAT_INC(s, RAW_RX);
        tern_addr src = tern_addr_ipv4(ip->src);
        if (pcb->recv(pcb->ctx, pcb, p, &src))
            return true;
    }
    return false;
}

#endif
