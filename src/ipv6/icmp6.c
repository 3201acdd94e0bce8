/* ICMPv6 (RFC 4443): echo replies, rate-limited error generation, and the
 * dispatch of Neighbor Discovery messages. */
#include "core/chksum.h"
#include "ipv6/ipv6_priv.h"

#if TERN_CFG_IPV6

#include <string.h>

/* An error message, its IPv6 header included, fits the minimum MTU (RFC 4443 2.4 c). */
#define ICMP6_ERR_MAX_QUOTE (TERN_IPV6_MIN_MTU - TERN_WIRE_IPV6_HLEN - TERN_WIRE_ICMP6_HLEN)

tern_err tern_icmp6_send(tern_stack *s, tern_pbuf *p, tern_ipv6_tx *tx) {
    tx->proto = TERN_IP_PROTO_ICMPV6;
    if (!tx->src_unspecified && tern_ipv6_is_unspecified(tx->src)) {
        tern_netif *nif;
        uint8_t nh[16];
        if (tern_ipv6_route(s, tx, &nif, nh) != TERN_OK ||
            !tern_ipv6_select_source(nif, tx->dst.bytes, tx->src)) {
            TERN_STAT_INC(s, IPV6_DROP_NOROUTE);
            tern_pbuf_free(s, p);
            return TERN_ERR_NOROUTE;
        }
    }
    p->payload[2] = 0;
    p->payload[3] = 0;
    uint32_t acc = tern_csum_pseudo6(tx->src, tx->dst.bytes, TERN_IP_PROTO_ICMPV6, p->tot_len);
    tern_csum_store(p->payload + 2, tern_csum_finish(tern_csum_pbuf(p, 0, p->tot_len, acc)));
    TERN_STAT_INC(s, ICMP6_TX);
    return tern_ipv6_output(s, p, tx);
}

static bool take_token(tern_stack *s) {
    uint32_t elapsed = s->now - s->ipv6.err_refill;
    if (elapsed >= TERN_CFG_ICMP_ERR_INTERVAL_MS) {
        uint32_t add = elapsed / TERN_CFG_ICMP_ERR_INTERVAL_MS;
        uint32_t t = s->ipv6.err_tokens + add;
        s->ipv6.err_tokens = (uint16_t)(t > TERN_CFG_ICMP_ERR_BURST ? TERN_CFG_ICMP_ERR_BURST : t);
        s->ipv6.err_refill += add * TERN_CFG_ICMP_ERR_INTERVAL_MS;
    }
    if (!s->ipv6.err_tokens)
        return false;
    s->ipv6.err_tokens--;
    return true;
}

static bool is_error_message(const tern_pbuf *p) {
    /* Only when ICMPv6 follows the fixed header directly: good enough to
     * never answer an error with an error (RFC 4443 2.4 e.1). */
    uint8_t h[41];
    if (tern_pbuf_copy_out(p, 0, h, sizeof h) != sizeof h)
        return false;
    return h[6] == TERN_IP_PROTO_ICMPV6 && h[40] < 128;
}

void tern_icmp6_send_error(tern_netif *nif, const tern_pbuf *p, uint8_t type, uint8_t code, uint32_t param,
                           bool even_multicast) {
    tern_stack *s = nif->stack;
    uint8_t h[TERN_WIRE_IPV6_HLEN];
    if (tern_pbuf_copy_out(p, 0, h, sizeof h) != sizeof h)
        return;
    const uint8_t *src = h + 8, *dst = h + 24;
    if ((tern_ipv6_is_multicast(dst) && !even_multicast) || (p->flags & (TERN_PBUF_F_LL_BCAST)) ||
        tern_ipv6_is_unspecified(src) || tern_ipv6_is_multicast(src) || is_error_message(p))
        return;
    if (!take_token(s)) {
        TERN_STAT_INC(s, ICMP6_ERR_RATELIMIT);
        return;
    }
    uint16_t qlen = p->tot_len < ICMP6_ERR_MAX_QUOTE ? p->tot_len : (uint16_t)ICMP6_ERR_MAX_QUOTE;
    tern_pbuf *e = tern_pbuf_alloc(s, TERN_PBUF_TRANSPORT_HEADROOM, (uint16_t)(TERN_WIRE_ICMP6_HLEN + qlen));
    if (!e)
        return;
    e->payload[0] = type;
    e->payload[1] = code;
    e->payload[4] = (uint8_t)(param >> 24);
    e->payload[5] = (uint8_t)(param >> 16);
    e->payload[6] = (uint8_t)(param >> 8);
    e->payload[7] = (uint8_t)param;
    if (tern_pbuf_copy_pbuf(e, TERN_WIRE_ICMP6_HLEN, p, 0, qlen) != TERN_OK) {
        tern_pbuf_free(s, e);
        return;
    }
    tern_ipv6_tx tx = {.ifindex = nif->index};
    tx.dst = tern_addr_ipv6(src, tern_ipv6_is_linklocal(src) ? nif->index : 0);
    if (!tern_ipv6_is_multicast(dst) && tern_ipv6_is_local(nif, dst))
        memcpy(tx.src, dst, 16);
    TERN_STAT_INC(s, ICMP6_ERR_TX);
    (void)tern_icmp6_send(s, e, &tx);
}

static bool local_anywhere(tern_stack *s, const uint8_t a[16]) {
    for (tern_netif *n = s->netifs; n; n = n->next)
        if (tern_ipv6_is_local(n, a))
            return true;
    return false;
}

/* An error about a packet we sent: check the quote, lower the path MTU
 * (Packet Too Big), tell the transport that sent it. */
static void error_input(tern_stack *s, const tern_pbuf *p, uint8_t type, uint8_t code) {
    uint8_t q[TERN_WIRE_ICMP6_HLEN + TERN_WIRE_IPV6_HLEN + 8];
    tern_ipv6_repr qip;
    uint16_t got = tern_pbuf_copy_out(p, 0, q, sizeof q);
    if (got < TERN_WIRE_ICMP6_HLEN + TERN_WIRE_IPV6_HLEN ||
        tern_ipv6_parse(q + 8, TERN_WIRE_IPV6_HLEN, 0xFFFFu, &qip) != TERN_IPV6_PARSE_OK ||
        !local_anywhere(s, qip.src)) {
        TERN_STAT_INC(s, ICMP_DROP_QUOTE);
        return;
    }
    TERN_STAT_INC(s, ICMP6_ERR_RX);
    uint32_t param = ((uint32_t)q[4] << 24) | ((uint32_t)q[5] << 16) | ((uint32_t)q[6] << 8) | q[7];
    if (type == TERN_ICMP6_PACKET_TOO_BIG)
        tern_ipv6_pmtu_update(s, qip.dst, param);
#if TERN_CFG_UDP || TERN_CFG_TCP
    /* The transport header right after the quoted fixed header (we send no
     * extension headers with UDP or TCP). */
    if ((qip.next_header == TERN_IP_PROTO_UDP || qip.next_header == TERN_IP_PROTO_TCP) && got == sizeof q) {
        tern_icmp_error e = {.type = type, .code = code, .proto = qip.next_header, .family = TERN_AF_INET6};
        e.mtu = type == TERN_ICMP6_PACKET_TOO_BIG ? (uint16_t)(param > 0xFFFFu ? 0xFFFFu : param) : 0;
        memcpy(e.src6, qip.src, 16);
        memcpy(e.dst6, qip.dst, 16);
        e.sport = (uint16_t)((q[48] << 8) | q[49]);
        e.dport = (uint16_t)((q[50] << 8) | q[51]);
        e.seq = ((uint32_t)q[52] << 24) | ((uint32_t)q[53] << 16) | ((uint32_t)q[54] << 8) | q[55];
#if TERN_CFG_UDP
        if (e.proto == TERN_IP_PROTO_UDP)
            tern_udp_icmp_error(s, &e);
#endif
#if TERN_CFG_TCP
        if (e.proto == TERN_IP_PROTO_TCP)
            tern_tcp_icmp_error(s, &e); /* the quoted connection resends at once */
#endif
    }
#else
    (void)code;
#endif
#if TERN_CFG_TCP
    if (type == TERN_ICMP6_PACKET_TOO_BIG)
        tern_tcp_pmtu_lowered(s, qip.dst); /* every connection to that destination */
#endif
}

static void reply_echo(tern_netif *nif, tern_pbuf *p, const tern_ipv6_repr *ip) {
    tern_stack *s = nif->stack;
    p = tern_pbuf_make_writable(s, p, TERN_PBUF_TRANSPORT_HEADROOM - TERN_WIRE_ICMP6_HLEN,
                                TERN_WIRE_ICMP6_HLEN);
    if (!p)
        return;
    p->payload[0] = TERN_ICMP6_ECHO_REPLY;
    tern_ipv6_tx tx = {.ifindex = nif->index, .tclass = ip->tclass};
    tx.dst = tern_addr_ipv6(ip->src, tern_ipv6_is_linklocal(ip->src) ? nif->index : 0);
    if (!tern_ipv6_is_multicast(ip->dst))
        memcpy(tx.src, ip->dst, 16);
    (void)tern_icmp6_send(s, p, &tx);
}

void tern_icmp6_input(tern_netif *nif, tern_pbuf *p, const tern_ipv6_repr *ip) {
    tern_stack *s = nif->stack;
    uint8_t h[4];
    if (tern_pbuf_copy_out(p, 0, h, 4) != 4) {
        TERN_STAT_INC(s, ICMP6_DROP_SHORT);
        tern_pbuf_free(s, p);
        return;
    }
    uint32_t acc = tern_csum_pseudo6(ip->src, ip->dst, TERN_IP_PROTO_ICMPV6, p->tot_len);
    if (!tern_csum_ok(tern_csum_pbuf(p, 0, p->tot_len, acc))) {
        TERN_STAT_INC(s, ICMP6_DROP_CHECKSUM);
        tern_pbuf_free(s, p);
        return;
    }
    TERN_STAT_INC(s, ICMP6_RX);
    switch (h[0]) {
    case TERN_ICMP6_ECHO_REQUEST:
        if (p->tot_len < TERN_WIRE_ICMP6_HLEN ||
            (tern_ipv6_find_addr(nif, ip->dst) != NULL && !tern_ipv6_is_local(nif, ip->dst))) {
            TERN_STAT_INC(s, ICMP6_DROP_SHORT); /* short, or to a tentative address */
            break;
        }
        reply_echo(nif, p, ip);
        return;
    case TERN_ICMP6_ECHO_REPLY: {
#if TERN_CFG_PING
        uint8_t e[8];
        if (tern_pbuf_copy_out(p, 0, e, 8) == 8 &&
            tern_ping_input6(s, p, ip->src, ip->hop_limit, (uint16_t)((e[4] << 8) | e[5]),
                             (uint16_t)((e[6] << 8) | e[7])))
            break;
#endif
        TERN_STAT_INC(s, ICMP6_DROP_TYPE);
        break;
    }
#if TERN_CFG_IPV6_MLD
    case TERN_ICMP6_MLD_QUERY:
    case TERN_ICMP6_MLD1_REPORT:
    case TERN_ICMP6_MLD1_DONE:
    case TERN_ICMP6_MLD2_REPORT:
        tern_mld_input(nif, p, ip, h[0]);
        break;
#endif
    case TERN_ICMP6_RS:
    case TERN_ICMP6_RA:
    case TERN_ICMP6_NS:
    case TERN_ICMP6_NA:
    case TERN_ICMP6_REDIRECT:
        tern_nd_input(nif, p, ip, h[0]);
        return;
    case TERN_ICMP6_DEST_UNREACH:
    case TERN_ICMP6_PACKET_TOO_BIG:
    case TERN_ICMP6_TIME_EXCEEDED:
    case TERN_ICMP6_PARAM_PROBLEM:
        error_input(s, p, h[0], h[1]);
        break;
    default:
        TERN_STAT_INC(s, ICMP6_DROP_TYPE);
        break;
    }
    tern_pbuf_free(s, p);
}

#endif
