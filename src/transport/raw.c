/* Raw IP endpoints: one IP protocol number each, IPv4 or IPv6 (tern/raw.h). */
#include <string.h>

#include "core/chksum.h"
#include "ipv4/ipv4_priv.h"
#include "tern/raw.h"
#if TERN_CFG_IPV6
#include "ipv6/ipv6_priv.h"
#endif

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

/* The endpoint's family. */
static uint8_t family(const tern_raw_pcb *pcb) {
#if TERN_CFG_IPV6
    if (pcb->v6)
        return TERN_AF_INET6;
#else
    (void)pcb;
#endif
    return TERN_AF_INET;
}

/* Set the local or the remote end to addr, of the endpoint's family. */
static tern_err set_end(tern_raw_pcb *pcb, const tern_addr *addr, bool local) {
    if (!pcb || !addr || addr->family != family(pcb))
        return TERN_ERR_INVAL;
#if TERN_CFG_IPV6
    if (pcb->v6) {
        memcpy(local ? pcb->local6 : pcb->remote6, addr->bytes, 16);
        return TERN_OK;
    }
#endif
#if TERN_CFG_IPV4
    *(local ? &pcb->local_ip : &pcb->remote_ip) = tern_addr_get_ipv4(addr);
    return TERN_OK;
#else
    return TERN_ERR_NOTSUP;        /* an IPv4 endpoint in an IPv6-only build */
#endif
}

tern_err tern_raw_bind(tern_raw_pcb *pcb, const tern_addr *addr) {
    return set_end(pcb, addr, true);
}

tern_err tern_raw_connect(tern_raw_pcb *pcb, const tern_addr *addr) {
    return set_end(pcb, addr, false);
}

void tern_raw_disconnect(tern_raw_pcb *pcb) {
#if TERN_CFG_IPV4
    pcb->remote_ip = 0;
#endif
#if TERN_CFG_IPV6
    memset(pcb->remote6, 0, sizeof pcb->remote6);
#endif
}

void tern_raw_set_recv(tern_raw_pcb *pcb, tern_raw_recv_fn fn, void *ctx) {
    pcb->recv = fn;
    pcb->ctx = ctx;
}

#if TERN_CFG_IPV6
tern_raw_pcb *tern_raw_new6(tern_stack *s, uint8_t proto) {
    tern_raw_pcb *pcb = tern_raw_new(s, proto);
    if (pcb)
        pcb->v6 = 1;
    return pcb;
}

static bool is_any6(const uint8_t a[16]) {
    static const uint8_t zero[16];
    return memcmp(a, zero, 16) == 0;
}

/* IPv6 output: the source (bound, or picked for dst), and for ICMPv6 the
 * checksum (RFC 3542 3.1: the stack computes it). */
static tern_err sendto6(tern_raw_pcb *pcb, tern_pbuf *p, const tern_addr *dst) {
    tern_stack *s = pcb->stack;
    tern_ipv6_tx tx = {.dst = *dst, .proto = pcb->proto, .hop_limit = pcb->ttl, .tclass = pcb->tos};
    if (!is_any6(pcb->local6) && !tern_ipv6_is_multicast(pcb->local6))
        memcpy(tx.src, pcb->local6, 16);
    else if (!tern_ipv6_source_for(s, dst, tx.src)) {
        TERN_STAT_INC(s, IPV6_DROP_NOROUTE);
        tern_pbuf_free(s, p);
        return TERN_ERR_NOROUTE;
    }
    if (pcb->proto == TERN_IP_PROTO_ICMPV6) {
        uint16_t len = p->tot_len;
        if (len < 4) {
            tern_pbuf_free(s, p);
            return TERN_ERR_INVAL;
        }
        static const uint8_t zero[2];
        tern_pbuf_copy_in(p, 2, zero, 2);
        uint32_t acc = tern_csum_pseudo6(tx.src, dst->bytes, pcb->proto, len);
        uint8_t c[2];
        tern_csum_store(c, tern_csum_finish(tern_csum_pbuf(p, 0, len, acc)));
        tern_pbuf_copy_in(p, 2, c, 2);
    }
    TERN_STAT_INC(s, RAW_TX);
    return tern_ipv6_output(s, p, &tx);
}

static bool match6(const tern_raw_pcb *pcb, uint8_t proto, const tern_ipv6_repr *ip) {
    return pcb->v6 && pcb->proto == proto && pcb->recv &&
           (is_any6(pcb->local6) || memcmp(pcb->local6, ip->dst, 16) == 0) &&
           (is_any6(pcb->remote6) || memcmp(pcb->remote6, ip->src, 16) == 0);
}

bool tern_raw_wants6(tern_stack *s, uint8_t proto, const tern_ipv6_repr *ip) {
    for (unsigned i = 0; i < TERN_CFG_RAW_PCBS; i++)
        if (match6(&s->raw.pcbs[i], proto, ip))
            return true;
    return false;
}

bool tern_raw_input6(tern_stack *s, tern_pbuf *p, const tern_ipv6_repr *ip) {
    for (unsigned i = 0; i < TERN_CFG_RAW_PCBS; i++) {
        tern_raw_pcb *pcb = &s->raw.pcbs[i];
        if (!match6(pcb, ip->next_header, ip))
            continue;
        TERN_STAT_INC(s, RAW_RX);
        tern_addr src = tern_addr_ipv6(ip->src, tern_ipv6_is_linklocal(ip->src) ? p->ifindex : 0);
        if (pcb->recv(pcb->ctx, pcb, p, &src))
            return true;
    }
    return false;
}
#endif

tern_err tern_raw_sendto(tern_raw_pcb *pcb, tern_pbuf *p, const tern_addr *dst) {
    if (!pcb || !p || !dst || dst->family != family(pcb)) {
        if (pcb && p)
            tern_pbuf_free(pcb->stack, p);
        return TERN_ERR_INVAL;
    }
#if TERN_CFG_IPV6
    if (pcb->v6)
        return sendto6(pcb, p, dst);
#endif
#if TERN_CFG_IPV4
    tern_ipv4_tx tx = {.src = pcb->local_ip,
                       .dst = tern_addr_get_ipv4(dst),
                       .proto = pcb->proto,
                       .ttl = pcb->ttl,
                       .tos = pcb->tos};
    TERN_STAT_INC(pcb->stack, RAW_TX);
    return tern_ipv4_output(pcb->stack, p, &tx);
#else
    tern_pbuf_free(pcb->stack, p); /* an IPv4 endpoint in an IPv6-only build */
    return TERN_ERR_NOTSUP;
#endif
}

#if TERN_CFG_IPV4
bool tern_raw_input(tern_stack *s, tern_pbuf *p, const tern_ipv4_repr *ip) {
    for (unsigned i = 0; i < TERN_CFG_RAW_PCBS; i++) {
        tern_raw_pcb *pcb = &s->raw.pcbs[i];
        if (family(pcb) != TERN_AF_INET || pcb->proto != ip->proto || !pcb->recv ||
            (pcb->local_ip && pcb->local_ip != ip->dst) || (pcb->remote_ip && pcb->remote_ip != ip->src))
            continue;
        TERN_STAT_INC(s, RAW_RX);
        tern_addr src = tern_addr_ipv4(ip->src);
        if (pcb->recv(pcb->ctx, pcb, p, &src))
            return true;
    }
    return false;
}
#endif

#endif
