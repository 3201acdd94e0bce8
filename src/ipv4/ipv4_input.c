/* IPv4 input: validate, accept (unicast, broadcast, multicast) or forward,
 * reassemble, then hand to raw endpoints and the transport demux table. */
#include "ipv4/ipv4_priv.h"

#if TERN_CFG_IPV4

/* The transports compiled into this build. Lower layers call upward only
 * through this table, so a transport compiled out leaves no reference. */
typedef struct ipv4_proto {
    uint8_t proto;
    tern_ipv4_input_fn input;
    tern_ipv4_err_fn err;
} ipv4_proto;

static const ipv4_proto protos[] = {
#if TERN_CFG_ICMP
    {TERN_IP_PROTO_ICMP, tern_icmp_input, NULL},
#endif
#if TERN_CFG_IGMP
    {TERN_IP_PROTO_IGMP, tern_igmp_input, NULL},
#endif
#if TERN_CFG_TCP
    {TERN_IP_PROTO_TCP, tern_tcp_input, tern_tcp_icmp_error},
#endif
#if TERN_CFG_UDP
    {TERN_IP_PROTO_UDP, tern_udp_input, tern_udp_icmp_error},
#endif
    {0, NULL, NULL},
};

static const ipv4_proto *find_proto(uint8_t proto) {
    for (const ipv4_proto *p = protos; p->input; p++)
        if (p->proto == proto)
            return p;
    return NULL;
}

void tern_ipv4_deliver_error(tern_stack *s, const tern_icmp_error *e) {
    const ipv4_proto *p = find_proto(e->proto);
    if (p && p->err)
        p->err(s, e);
}

void tern_ipv4_init(tern_stack *s) {
    s->ipv4.next_id = (uint16_t)tern_random(s);
#if TERN_CFG_IPV4_FRAG
    tern_ipv4_reass_init(s);
#endif
}

void tern_ipv4_deinit(tern_stack *s) {
#if TERN_CFG_IPV4_FRAG
    tern_ipv4_reass_deinit(s);
#else
    (void)s;
#endif
}

static void drop(tern_stack *s, tern_pbuf *p) {
    tern_pbuf_free(s, p);
}

static bool count_parse_error(tern_stack *s, enum tern_ipv4_parse_result r) {
    switch (r) {
    case TERN_IPV4_PARSE_OK:
        return false;
    case TERN_IPV4_PARSE_SHORT:
        TERN_STAT_INC(s, IPV4_DROP_SHORT);
        break;
    case TERN_IPV4_PARSE_VERSION:
        TERN_STAT_INC(s, IPV4_DROP_VERSION);
        break;
    case TERN_IPV4_PARSE_HLEN:
        TERN_STAT_INC(s, IPV4_DROP_HLEN);
        break;
    case TERN_IPV4_PARSE_LEN:
        TERN_STAT_INC(s, IPV4_DROP_LEN);
        break;
    case TERN_IPV4_PARSE_CHECKSUM:
        TERN_STAT_INC(s, IPV4_DROP_CHECKSUM);
        break;
    case TERN_IPV4_PARSE_OPTIONS:
        TERN_STAT_INC(s, IPV4_DROP_OPTIONS);
        break;
    }
    return true;
}

/* Multicast groups this host listens to on nif. */
static bool multicast_member(const tern_stack *s, const tern_netif *nif, uint32_t group) {
#if TERN_CFG_IGMP
    return tern_igmp_is_member(s, nif, group);
#else
    (void)s, (void)nif;
    return group == TERN_IPV4_ALL_HOSTS;
#endif
}

enum dest_kind { DEST_OTHER, DEST_LOCAL, DEST_BCAST, DEST_MCAST };

static enum dest_kind classify(tern_stack *s, const tern_netif *nif, uint32_t dst, uint8_t proto) {
    if (tern_ipv4_is_multicast(dst))
        return multicast_member(s, nif, dst) ? DEST_MCAST : DEST_OTHER;
    if (tern_ipv4_is_broadcast(nif, dst))
        return DEST_BCAST;
    /* Only the loopback interface receives 127/8; every interface accepts
     * any of the host's addresses (RFC 1122 weak host model). */
    if (tern_ipv4_is_loopback(dst))
        return (nif->flags & TERN_NETIF_LOOPBACK) ? DEST_LOCAL : DEST_OTHER;
    if (tern_ipv4_is_local(s, dst))
        return DEST_LOCAL;
    /* An interface without an address takes unicast UDP for itself: a DHCP
     * server may send the offer to the address it offers (RFC 2131 4.1).
     * Nothing else: answering pings for an address not yet ours could make
     * a server's conflict check think it is taken. */
    return nif->ip4 == 0 && proto == TERN_IP_PROTO_UDP ? DEST_LOCAL : DEST_OTHER;
}

static bool bad_source(const tern_netif *nif, uint32_t src) {
    if (tern_ipv4_is_multicast(src) || tern_ipv4_is_broadcast(nif, src))
        return true;
    return tern_ipv4_is_loopback(src) && !(nif->flags & TERN_NETIF_LOOPBACK);
}

static void deliver(tern_netif *nif, tern_pbuf *p, const tern_ipv4_repr *ip, enum dest_kind kind) {
    tern_stack *s = nif->stack;
#if TERN_CFG_RAW
    if (tern_raw_input(s, p, ip))
        return;
#endif
    const ipv4_proto *tp = find_proto(ip->proto);
    if (!tp) {
        TERN_STAT_INC(s, IPV4_DROP_PROTO);
        if (kind == DEST_LOCAL && TERN_CFG_ICMP)
            tern_icmp_error_about(s, p, ip, TERN_ICMP_DEST_UNREACH, TERN_ICMP_UNREACH_PROTO, 0);
        drop(s, p);
        return;
    }
    if (kind != DEST_LOCAL)
        p->flags |= TERN_PBUF_F_IP_GROUP;
    TERN_STAT_INC(s, IPV4_DELIVER);
    /* Usually a pull inside the first segment, leaving the header in the
     * headroom for ICMP errors; a chain split inside the header loses it. */
    p = tern_pbuf_strip(s, p, ip->hlen);
    tp->input(nif, p, ip);
}

void tern_ipv4_input(tern_netif *nif, tern_pbuf *p) {
    tern_stack *s = nif->stack;
    uint8_t scratch[TERN_WIRE_IPV4_MAX_HLEN];
    tern_ipv4_repr ip;
    TERN_STAT_INC(s, IPV4_RX);
    uint16_t avail = p->tot_len < TERN_WIRE_IPV4_MAX_HLEN ? p->tot_len : TERN_WIRE_IPV4_MAX_HLEN;
    const uint8_t *h = tern_pbuf_view(p, 0, avail, scratch);
    bool verify = !(nif->offload & TERN_OFFLOAD_RX_IPV4);
    if (count_parse_error(s,
                          h ? tern_ipv4_parse(h, avail, p->tot_len, verify, &ip) : TERN_IPV4_PARSE_SHORT)) {
        drop(s, p);
        return;
    }
    tern_pbuf_trim(s, p, ip.total_len); /* link padding */
    if (bad_source(nif, ip.src)) {
        TERN_STAT_INC(s, IPV4_DROP_SRC);
        drop(s, p);
        return;
    }
    enum dest_kind kind = classify(s, nif, ip.dst, ip.proto);
    if (kind == DEST_OTHER) {
#if TERN_CFG_IPV4_FORWARD
        if (s->ipv4.forward && !(p->flags & (TERN_PBUF_F_LL_BCAST | TERN_PBUF_F_LL_MCAST)) &&
            !tern_ipv4_is_multicast(ip.dst)) {
            tern_ipv4_forward(nif, p, &ip);
            return;
        }
#endif
        TERN_STAT_INC(s, IPV4_DROP_NOT_OURS);
        drop(s, p);
        return;
    }
    if (ip.mf || ip.frag_off) {
#if TERN_CFG_IPV4_FRAG
        p = tern_ipv4_reass_input(s, p, &ip);
        if (!p)
            return;
#else
        TERN_STAT_INC(s, IPV4_DROP_FRAG);
        drop(s, p);
        return;
#endif
    }
    deliver(nif, p, &ip, kind);
}

#endif /* TERN_CFG_IPV4 */
