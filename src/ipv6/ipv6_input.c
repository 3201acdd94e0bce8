/* IPv6 input (RFC 8200): validate the fixed header, accept packets for our
 * addresses and groups, walk the extension header chain (bounded in count
 * and length), then hand the upper-layer header to the demux table. */
#include "ipv6/ipv6_priv.h"

#if TERN_CFG_IPV6

#include <string.h>

typedef struct ipv6_proto {
    uint8_t proto;
    tern_ipv6_input_fn input;
} ipv6_proto;

/* The upper layers compiled into this build (called only through here). */
static const ipv6_proto protos[] = {
    {TERN_IP_PROTO_ICMPV6, tern_icmp6_input},
#if TERN_CFG_UDP
    {TERN_IP_PROTO_UDP, tern_udp_input6},
#endif
#if TERN_CFG_TCP
    {TERN_IP_PROTO_TCP, tern_tcp_input6},
#endif
    {0, NULL},
};

/* A raw IPv6 endpoint takes this datagram (then it is no "unknown next header"). */
static bool raw_wants(tern_stack *s, uint8_t proto, const tern_ipv6_repr *ip) {
#if TERN_CFG_RAW
    return tern_raw_wants6(s, proto, ip);
#else
    (void)s, (void)proto, (void)ip;
    return false;
#endif
}

static const ipv6_proto *find_proto(uint8_t proto) {
    for (const ipv6_proto *p = protos; p->input; p++)
        if (p->proto == proto)
            return p;
    return NULL;
}

static void ipv6_timer(tern_stack *s, tern_timer *t) {
    (void)t;
    tern_nd_timer(s);
#if TERN_CFG_IPV6_MLD
    tern_mld_timer(s);
#endif
#if TERN_CFG_IPV6_FRAG
    tern_ipv6_reass_timer(s);
#endif
    tern_ipv6_addr_timer(s);
    tern_ipv6_rearm(s);
}

void tern_ipv6_rearm(tern_stack *s) {
    bool any = false;
    uint32_t next = 0;
    tern_nd_next_due(s, &any, &next);
#if TERN_CFG_IPV6_MLD
    tern_mld_next_due(s, &any, &next);
#endif
#if TERN_CFG_IPV6_FRAG
    tern_ipv6_reass_next_due(s, &any, &next);
#endif
    tern_ipv6_addr_next_due(s, &any, &next);
    if (any)
        tern_timer_arm_at(s, &s->ipv6.timer, next);
    else
        tern_timer_cancel(s, &s->ipv6.timer);
}

void tern_ipv6_init(tern_stack *s) {
    tern_timer_init(&s->ipv6.timer, ipv6_timer);
    s->ipv6.err_tokens = TERN_CFG_ICMP_ERR_BURST;
    s->ipv6.err_refill = s->now;
}

void tern_ipv6_deinit(tern_stack *s) {
    for (tern_netif *nif = s->netifs; nif; nif = nif->next)
        tern_nd_netif_removed(s, nif);
#if TERN_CFG_IPV6_FRAG
    tern_ipv6_reass_deinit(s);
#endif
    tern_timer_cancel(s, &s->ipv6.timer);
}

static void drop(tern_stack *s, tern_pbuf *p) {
    tern_pbuf_free(s, p);
}

static bool count_parse_error(tern_stack *s, enum tern_ipv6_parse_result r) {
    switch (r) {
    case TERN_IPV6_PARSE_OK:
        return false;
    case TERN_IPV6_PARSE_SHORT:
        TERN_STAT_INC(s, IPV6_DROP_SHORT);
        break;
    case TERN_IPV6_PARSE_VERSION:
        TERN_STAT_INC(s, IPV6_DROP_VERSION);
        break;
    case TERN_IPV6_PARSE_LEN:
        TERN_STAT_INC(s, IPV6_DROP_LEN);
        break;
    }
    return true;
}

/* Is dst ours on nif? Tentative addresses take only ND (RFC 4862 5.4). */
static bool accept_dst(tern_netif *nif, const tern_ipv6_repr *ip) {
    if (tern_ipv6_is_multicast(ip->dst))
        return tern_ipv6_is_member(nif, ip->dst);
    return tern_ipv6_is_local(nif, ip->dst) ||
           (ip->next_header == TERN_IP_PROTO_ICMPV6 && tern_ipv6_find_addr(nif, ip->dst));
}

enum walk_result { WALK_DELIVER, WALK_DROPPED, WALK_FRAGMENT };

/* One options header (hop-by-hop or destination options) at off, hlen bytes:
 * every option must end inside it; unknown options act by their top bits. */
static bool options_ok(tern_netif *nif, const tern_pbuf *p, uint16_t off, uint16_t hlen,
                       const tern_ipv6_repr *ip) {
    tern_stack *s = nif->stack;
    uint16_t i = (uint16_t)(off + 2), end = (uint16_t)(off + hlen);
    while (i < end) {
        uint8_t t[2];
        if (tern_pbuf_copy_out(p, i, t, 1) != 1)
            return false;
        if (t[0] == 0) { /* Pad1 */
            i++;
            continue;
        }
        if (i + 2u > end || tern_pbuf_copy_out(p, i, t, 2) != 2 || i + 2u + t[1] > end) {
            TERN_STAT_INC(s, IPV6_DROP_OPTION);
            tern_icmp6_send_error(nif, p, TERN_ICMP6_PARAM_PROBLEM, 0, (uint32_t)i + 1u, false);
            return false;
        }
        /* PadN (1) and Router Alert (5) are known; everything else is not. */
        if (t[0] != 1 && t[0] != 5) {
            enum tern_ipv6_opt_action a = tern_ipv6_opt_action(t[0]);
            if (a != TERN_IPV6_OPT_SKIP) {
                TERN_STAT_INC(s, IPV6_DROP_OPTION);
                if (a == TERN_IPV6_OPT_ICMP ||
                    (a == TERN_IPV6_OPT_ICMP_UNICAST && !tern_ipv6_is_multicast(ip->dst)))
                    tern_icmp6_send_error(nif, p, TERN_ICMP6_PARAM_PROBLEM, 2, i, a == TERN_IPV6_OPT_ICMP);
                return false;
            }
        }
        i = (uint16_t)(i + 2u + t[1]);
    }
    return true;
}

/* Walk the extension headers from the fixed header on. On WALK_DELIVER,
 * *off is the upper-layer header's offset and *proto its protocol. */
static enum walk_result walk(tern_netif *nif, tern_pbuf *p, const tern_ipv6_repr *ip, uint16_t *off,
                             uint8_t *proto, uint16_t *nh_field, tern_ipv6_frag_repr *frag) {
    tern_stack *s = nif->stack;
    uint8_t nh = ip->next_header;
    uint16_t o = TERN_WIRE_IPV6_HLEN, field = 6;
    for (unsigned count = 0;; count++) {
        if (count > TERN_CFG_IPV6_MAX_EXT_HEADERS) {
            TERN_STAT_INC(s, IPV6_DROP_EXT_COUNT);
            return WALK_DROPPED;
        }
        uint8_t h[8];
        switch (nh) {
        case TERN_IP_PROTO_HOPOPT:
            if (o != TERN_WIRE_IPV6_HLEN) { /* only right after the fixed header (RFC 8200 4.1) */
                TERN_STAT_INC(s, IPV6_DROP_HBH_ORDER);
                tern_icmp6_send_error(nif, p, TERN_ICMP6_PARAM_PROBLEM, 1, field, false);
                return WALK_DROPPED;
            }
            /* fall through */
        case TERN_IP_PROTO_DSTOPTS:
        case TERN_IP_PROTO_ROUTING: {
            if (tern_pbuf_copy_out(p, o, h, 8) != 8 || o + tern_ipv6_ext_len(h) > p->tot_len) {
                TERN_STAT_INC(s, IPV6_DROP_EXT_TRUNC);
                return WALK_DROPPED;
            }
            uint16_t hlen = tern_ipv6_ext_len(h);
            if (nh == TERN_IP_PROTO_ROUTING) {
                /* Segments left 0: ignore the header. Otherwise, as a host, we
                 * cannot process it; type 0 is deprecated (RFC 5095). */
                if (h[3] != 0) {
                    TERN_STAT_INC(s, IPV6_DROP_ROUTING);
                    tern_icmp6_send_error(nif, p, TERN_ICMP6_PARAM_PROBLEM, 0, (uint32_t)o + 2u, false);
                    return WALK_DROPPED;
                }
            } else if (!options_ok(nif, p, o, hlen, ip)) {
                return WALK_DROPPED;
            }
            field = o;
            nh = tern_ipv6_ext_next(h);
            o = (uint16_t)(o + hlen);
            break;
        }
        case TERN_IP_PROTO_FRAGMENT: {
            tern_ipv6_frag_repr fr;
            if (tern_pbuf_copy_out(p, o, h, 8) != 8) {
                TERN_STAT_INC(s, IPV6_DROP_EXT_TRUNC);
                return WALK_DROPPED;
            }
            tern_ipv6_frag_parse(h, &fr);
            if (fr.offset || fr.more) {
                if (!TERN_CFG_IPV6_FRAG) {
                    TERN_STAT_INC(s, IPV6_DROP_FRAG);
                    return WALK_DROPPED;
                }
                *off = o;
                *nh_field = field;
                *frag = fr;
                return WALK_FRAGMENT;
            }
            TERN_STAT_INC(s, IPV6_ATOMIC_FRAG); /* RFC 6946: a whole packet */
            field = o;
            nh = fr.next_header;
            o = (uint16_t)(o + TERN_WIRE_IPV6_FRAG_HLEN);
            break;
        }
        case TERN_IP_PROTO_NONE:
            TERN_STAT_INC(s, IPV6_DROP_NO_NEXT);
            return WALK_DROPPED;
        default:
            *off = o;
            *proto = nh;
            *nh_field = field;
            return WALK_DELIVER;
        }
    }
}

void tern_ipv6_input(tern_netif *nif, tern_pbuf *p) {
    tern_stack *s = nif->stack;
    uint8_t scratch[TERN_WIRE_IPV6_HLEN];
    tern_ipv6_repr ip;
    TERN_STAT_INC(s, IPV6_RX);
    const uint8_t *h = tern_pbuf_view(p, 0, TERN_WIRE_IPV6_HLEN, scratch);
    if (!nif->ip6.enabled || count_parse_error(s, h ? tern_ipv6_parse(h, TERN_WIRE_IPV6_HLEN, p->tot_len, &ip)
                                                    : TERN_IPV6_PARSE_SHORT)) {
        if (!nif->ip6.enabled)
            TERN_STAT_INC(s, IPV6_DROP_NOT_OURS);
        drop(s, p);
        return;
    }
    tern_pbuf_trim(s, p, (uint16_t)(TERN_WIRE_IPV6_HLEN + ip.payload_len)); /* link padding */
    if (tern_ipv6_is_multicast(ip.src) || tern_ipv6_is_loopback(ip.src) || tern_ipv6_is_loopback(ip.dst)) {
        TERN_STAT_INC(s, IPV6_DROP_SRC);
        drop(s, p);
        return;
    }
    if (!accept_dst(nif, &ip)) {
        TERN_STAT_INC(s, IPV6_DROP_NOT_OURS);
        drop(s, p);
        return;
    }
    uint16_t off, field;
    uint8_t proto;
    tern_ipv6_frag_repr frag;
    enum walk_result w;
    while ((w = walk(nif, p, &ip, &off, &proto, &field, &frag)) != WALK_DELIVER) {
        if (w == WALK_DROPPED) {
            drop(s, p);
            return;
        }
#if TERN_CFG_IPV6_FRAG
        /* The whole datagram comes back without its fragment header: walk it again. */
        p = tern_ipv6_reass_input(nif, p, &ip, off, field, &frag);
        if (!p)
            return;
        uint8_t nh;
        (void)tern_pbuf_copy_out(p, 6, &nh, 1);
        ip.next_header = nh;
        ip.payload_len = (uint16_t)(p->tot_len - TERN_WIRE_IPV6_HLEN);
#endif
    }
    const ipv6_proto *tp = find_proto(proto);
    if (!tp && !raw_wants(s, proto, &ip)) {
        TERN_STAT_INC(s, IPV6_DROP_PROTO);
        tern_icmp6_send_error(nif, p, TERN_ICMP6_PARAM_PROBLEM, 1, field, false);
        drop(s, p);
        return;
    }
    if (tern_ipv6_is_multicast(ip.dst))
        p->flags |= TERN_PBUF_F_IP_GROUP;
    ip.next_header = proto; /* the upper layer's protocol, for its pseudo header */
    ip.hlen = off;
    TERN_STAT_INC(s, IPV6_DELIVER);
    p = tern_pbuf_strip(s, p, off);
#if TERN_CFG_RAW
    if (tern_raw_input6(s, p, &ip))
        return; /* a raw endpoint kept it */
    if (!tp) {
        drop(s, p); /* raw endpoints only (counted as delivered) */
        return;
    }
#endif
    tp->input(nif, p, &ip);
}

#endif
