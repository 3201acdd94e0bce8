/*
 * ICMPv4 (RFC 792, RFC 1122 3.2.2): echo replies in place, errors to the
 * transports, and rate-limited error generation.
 */
#include "core/chksum.h"
#include "ipv4/ipv4_priv.h"
#include "wire/transport.h"
#include "wire/wire.h"

#if TERN_CFG_IPV4

#if TERN_CFG_ICMP

/* A fresh buffer with transport headroom keeps at least the ICMP header in
 * its first segment. */
_Static_assert(TERN_CFG_PBUF_SIZE >= TERN_PBUF_TRANSPORT_HEADROOM, "tern: packet buffers too small for ICMP");

/* Largest error message: RFC 1812 4.3.2.3, 576 bytes with the IP header. */
#define ICMP_ERR_MAX_QUOTE (576u - TERN_WIRE_IPV4_HLEN - TERN_WIRE_ICMP_HLEN)

void tern_icmp_init(tern_stack *s) {
    s->icmp.tokens = TERN_CFG_ICMP_ERR_BURST;
    s->icmp.last_refill = s->now;
}

static void reply_echo(tern_netif *nif, tern_pbuf *p, const tern_ipv4_repr *ip) {
    tern_stack *s = nif->stack;
    /* The request's buffer becomes the reply: type 8 -> 0, checksum anew. */
    p = tern_pbuf_make_writable(s, p, TERN_PBUF_TRANSPORT_HEADROOM - TERN_WIRE_ICMP_HLEN,
                                TERN_WIRE_ICMP_HLEN);
    if (!p)
        return;
    uint8_t *b = p->payload;
    b[0] = TERN_ICMP_ECHO_REPLY;
    tern_wr16(b + 2, 0);
    tern_csum_store(b + 2, tern_csum_finish(tern_csum_pbuf(p, 0, p->tot_len, 0)));
    tern_ipv4_tx tx = {.src = ip->dst, .dst = ip->src, .proto = TERN_IP_PROTO_ICMP, .tos = ip->tos};
    TERN_STAT_INC(s, ICMP_TX);
    (void)tern_ipv4_output(s, p, &tx);
    (void)nif;
}

/* An error about a datagram we sent: check the quote, tell its transport. */
static void error_input(tern_stack *s, const tern_pbuf *p, const tern_icmp_repr *icmp) {
    uint8_t scratch[TERN_WIRE_IPV4_MAX_HLEN + 8];
    unsigned qlen = p->tot_len - TERN_WIRE_ICMP_HLEN; /* the header was there */
    unsigned avail = qlen < sizeof scratch ? qlen : sizeof scratch;
    const uint8_t *q = tern_pbuf_view(p, TERN_WIRE_ICMP_HLEN, (uint16_t)avail, scratch);
    tern_ipv4_repr qip;
    /* The quote is a header we wrote plus at least 8 bytes of its payload;
     * its total length may exceed what was quoted, so pass it as available. */
    if (!q || tern_ipv4_parse(q, avail, 0xFFFFu, false, &qip) != TERN_IPV4_PARSE_OK ||
        qip.hlen + 8u > avail || !tern_ipv4_is_local(s, qip.src)) {
        TERN_STAT_INC(s, ICMP_DROP_QUOTE);
        return;
    }
    TERN_STAT_INC(s, ICMP_ERR_RX);
    tern_icmp_error e = {
        .type = icmp->type,
        .code = icmp->code,
        .mtu =
            icmp->type == TERN_ICMP_DEST_UNREACH && icmp->code == TERN_ICMP_UNREACH_NEEDFRAG ? icmp->seq : 0,
        .src = qip.src,
        .dst = qip.dst,
        .sport = tern_rd16(q + qip.hlen),
        .dport = tern_rd16(q + qip.hlen + 2),
        .seq = tern_rd32(q + qip.hlen + 4),
        .proto = qip.proto,
    };
    tern_ipv4_deliver_error(s, &e);
}

void tern_icmp_input(tern_netif *nif, tern_pbuf *p, const tern_ipv4_repr *ip) {
    tern_stack *s = nif->stack;
    uint8_t scratch[TERN_WIRE_ICMP_HLEN];
    tern_icmp_repr icmp;
    TERN_STAT_INC(s, ICMP_RX);
    const uint8_t *h = tern_pbuf_view(p, 0, TERN_WIRE_ICMP_HLEN, scratch);
    if (!h) {
        TERN_STAT_INC(s, ICMP_DROP_SHORT);
        tern_pbuf_free(s, p);
        return;
    }
    if (!(nif->offload & TERN_OFFLOAD_RX_ICMP) && !tern_csum_ok(tern_csum_pbuf(p, 0, p->tot_len, 0))) {
        TERN_STAT_INC(s, ICMP_DROP_CHECKSUM);
        tern_pbuf_free(s, p);
        return;
    }
    tern_icmp_read(h, &icmp);
    switch (icmp.type) {
    case TERN_ICMP_ECHO:
        if (p->flags & TERN_PBUF_F_IP_GROUP) { /* no replies to broadcast pings */
            TERN_STAT_INC(s, ICMP_DROP_BCAST);
            break;
        }
        reply_echo(nif, p, ip);
        return;
    case TERN_ICMP_ECHO_REPLY:
#if TERN_CFG_PING
        if (tern_ping_input(s, p, ip, icmp.id, icmp.seq))
            break;
#endif
        TERN_STAT_INC(s, ICMP_DROP_TYPE);
        break;
    case TERN_ICMP_DEST_UNREACH:
    case TERN_ICMP_TIME_EXCEEDED:
    case TERN_ICMP_PARAM_PROBLEM:
        error_input(s, p, &icmp);
        break;
    default:
        TERN_STAT_INC(s, ICMP_DROP_TYPE);
        break;
    }
    tern_pbuf_free(s, p);
}

static bool rate_ok(tern_stack *s) {
    uint32_t elapsed = s->now - s->icmp.last_refill;
    if (elapsed >= TERN_CFG_ICMP_ERR_INTERVAL_MS) {
        uint32_t add = elapsed / TERN_CFG_ICMP_ERR_INTERVAL_MS;
        uint32_t t = s->icmp.tokens + add;
        s->icmp.tokens = (uint16_t)(t > TERN_CFG_ICMP_ERR_BURST ? TERN_CFG_ICMP_ERR_BURST : t);
        s->icmp.last_refill += add * TERN_CFG_ICMP_ERR_INTERVAL_MS;
    }
    if (!s->icmp.tokens)
        return false;
    s->icmp.tokens--;
    return true;
}

/* RFC 1122 3.2.2: never about ICMP errors, non-first fragments, or
 * datagrams to or from broadcast/multicast or unspecified addresses. */
static bool may_report(tern_stack *s, const tern_pbuf *orig, const tern_ipv4_repr *ip) {
    if (orig->flags & (TERN_PBUF_F_LL_BCAST | TERN_PBUF_F_LL_MCAST | TERN_PBUF_F_IP_GROUP))
        return false;
    if (ip->frag_off || !ip->src || ip->src == TERN_IPV4_BROADCAST || tern_ipv4_is_multicast(ip->src) ||
        tern_ipv4_is_multicast(ip->dst) || ip->dst == TERN_IPV4_BROADCAST)
        return false;
    if (ip->proto == TERN_IP_PROTO_ICMP) {
        uint8_t type;
        if (tern_pbuf_copy_out(orig, ip->hlen, &type, 1) != 1)
            return false;
        if (type != TERN_ICMP_ECHO && type != TERN_ICMP_ECHO_REPLY)
            return false;
    }
    (void)s;
    return true;
}

void tern_icmp_send_error(tern_stack *s, const tern_pbuf *orig, uint8_t type, uint8_t code, uint16_t mtu) {
    uint8_t scratch[TERN_WIRE_IPV4_MAX_HLEN];
    tern_ipv4_repr ip;
    uint16_t avail = orig->tot_len < (uint16_t)sizeof scratch ? orig->tot_len : (uint16_t)sizeof scratch;
    const uint8_t *h = tern_pbuf_view(orig, 0, avail, scratch);
    /* orig may be shorter than its header says (a transport trimmed it):
     * only the header itself must be there. */
    if (h && tern_ipv4_parse(h, avail, 0xFFFFu, false, &ip) == TERN_IPV4_PARSE_OK)
        tern_icmp_error_about(s, orig, &ip, type, code, mtu);
}

void tern_icmp_error_about(tern_stack *s, const tern_pbuf *orig, const tern_ipv4_repr *ip, uint8_t type,
                           uint8_t code, uint16_t mtu) {
    if (!may_report(s, orig, ip))
        return;
    if (!rate_ok(s)) {
        TERN_STAT_INC(s, ICMP_ERR_RATELIMIT);
        return;
    }
    unsigned quote = orig->tot_len < ICMP_ERR_MAX_QUOTE ? orig->tot_len : ICMP_ERR_MAX_QUOTE;
    tern_pbuf *p = tern_pbuf_alloc(s, TERN_PBUF_TRANSPORT_HEADROOM - TERN_WIRE_ICMP_HLEN,
                                   (uint16_t)(TERN_WIRE_ICMP_HLEN + quote));
    if (!p)
        return;
    /* The header lies in the first segment (asserted above). */
    tern_icmp_repr r = {.type = type, .code = code, .id = 0, .seq = mtu};
    tern_icmp_write(p->payload, &r);
    tern_pbuf_copy_pbuf(p, TERN_WIRE_ICMP_HLEN, orig, 0, (uint16_t)quote);
    tern_csum_store(p->payload + 2, tern_csum_finish(tern_csum_pbuf(p, 0, p->tot_len, 0)));
    tern_ipv4_tx tx = {
        .src = tern_ipv4_is_local(s, ip->dst) ? ip->dst : 0, .dst = ip->src, .proto = TERN_IP_PROTO_ICMP};
    TERN_STAT_INC(s, ICMP_ERR_TX);
    TERN_STAT_INC(s, ICMP_TX);
    (void)tern_ipv4_output(s, p, &tx);
}

#endif

#endif /* TERN_CFG_IPV4 */
