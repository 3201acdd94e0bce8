/* IPv6 output: route (on-link prefixes, default routers, zones), source
 * address, header (with a hop-by-hop Router Alert when asked), hand-off to
 * Neighbor Discovery. */
#include "ipv6/ipv6_priv.h"

#if TERN_CFG_IPV6

#include <string.h>

uint16_t tern_ipv6_mtu(const tern_netif *nif) {
    return nif->ip6.mtu ? nif->ip6.mtu : nif->mtu;
}

#define PMTU_AGE_MS (10u * 60u * 1000u) /* RFC 8201 4: try a larger MTU again after 10 minutes */

uint16_t tern_ipv6_path_mtu(tern_stack *s, const tern_netif *nif, const uint8_t dst[16]) {
    uint16_t mtu = tern_ipv6_mtu(nif);
    for (unsigned i = 0; i < TERN_CFG_IPV6_DEST_CACHE; i++) {
        tern_ipv6_dest *d = &s->ipv6.dests[i];
        if (!d->pmtu || memcmp(d->dst, dst, 16) != 0)
            continue;
        if (!tern_time_before(s->now, d->until))
            d->pmtu = 0;
        else if (d->pmtu < mtu)
            mtu = d->pmtu;
    }
    return mtu;
}

/* The live destination cache entry for dst, or NULL. */
static tern_ipv6_dest *dest_find(tern_stack *s, const uint8_t dst[16]) {
    for (unsigned i = 0; i < TERN_CFG_IPV6_DEST_CACHE; i++) {
        tern_ipv6_dest *d = &s->ipv6.dests[i];
        if (!d->pmtu || memcmp(d->dst, dst, 16) != 0)
            continue;
        if (tern_time_before(s->now, d->until))
            return d;
        d->pmtu = 0; /* aged out */
    }
    return NULL;
}

/* The entry for dst: the live one, else a free or the oldest slot, fresh. */
static tern_ipv6_dest *dest_get(tern_stack *s, const uint8_t dst[16]) {
    tern_ipv6_dest *slot = dest_find(s, dst);
    if (slot)
        return slot;
    for (unsigned i = 0; i < TERN_CFG_IPV6_DEST_CACHE; i++) {
        tern_ipv6_dest *d = &s->ipv6.dests[i];
        if (!slot || (slot->pmtu && (!d->pmtu || tern_time_before(d->until, slot->until))))
            slot = d;
    }
    memset(slot, 0, sizeof *slot);
    memcpy(slot->dst, dst, 16);
    slot->pmtu = 0xFFFFu;
    return slot;
}

void tern_ipv6_pmtu_update(tern_stack *s, const uint8_t dst[16], uint32_t mtu) {
    if (mtu < TERN_IPV6_MIN_MTU) /* RFC 8201 4: never below the minimum (no atomic fragments) */
        mtu = TERN_IPV6_MIN_MTU;
    if (mtu > 0xFFFFu)
        return;
    tern_ipv6_dest *d = dest_get(s, dst);
    if (d->pmtu <= mtu)
        return; /* a Packet Too Big never raises the estimate */
    d->pmtu = (uint16_t)mtu;
    d->until = s->now + PMTU_AGE_MS;
    TERN_STAT_INC(s, IPV6_PMTU_UPDATE);
}

void tern_ipv6_redirect_set(tern_stack *s, const uint8_t dst[16], const uint8_t next_hop[16],
                            uint8_t ifindex) {
    tern_ipv6_dest *d = dest_get(s, dst);
    memcpy(d->next_hop, next_hop, 16);
    d->via = ifindex;
    d->until = s->now + PMTU_AGE_MS;
}

static tern_netif *first_enabled(tern_stack *s) {
    if (s->default_netif && s->default_netif->ip6.enabled)
        return s->default_netif;
    for (tern_netif *nif = s->netifs; nif; nif = nif->next)
        if (nif->ip6.enabled && nif->link_type == TERN_LINK_ETHERNET)
            return nif;
    return NULL;
}

/* An interface whose addresses or learnt prefixes put dst on-link. */
static tern_netif *onlink(tern_stack *s, const uint8_t dst[16]) {
    for (tern_netif *nif = s->netifs; nif; nif = nif->next) {
        if (!nif->ip6.enabled)
            continue;
        for (unsigned i = 0; i < TERN_CFG_IPV6_ADDRS; i++) {
            const tern_ipv6_ifaddr *a = &nif->ip6.addrs[i];
            if ((a->state == TERN_IPV6_ADDR_PREFERRED || a->state == TERN_IPV6_ADDR_DEPRECATED) &&
                !a->autoconf && tern_ipv6_prefix_match(dst, a->addr, a->prefix_len))
                return nif;
        }
    }
    for (unsigned i = 0; i < TERN_CFG_IPV6_PREFIXES; i++) {
        const tern_ipv6_prefix *pr = &s->ipv6.prefixes[i];
        if (pr->len && tern_ipv6_prefix_match(dst, pr->prefix, pr->len))
            return tern_netif_by_index(s, pr->ifindex);
    }
    return NULL;
}

tern_err tern_ipv6_route(tern_stack *s, const tern_ipv6_tx *tx, tern_netif **out, uint8_t next_hop[16]) {
    const uint8_t *dst = tx->dst.bytes;
    uint8_t index = tx->ifindex ? tx->ifindex : tx->dst.zone;
    tern_netif *nif = index ? tern_netif_by_index(s, index) : NULL;
    tern_ipv6_dest *d;
    memcpy(next_hop, dst, 16);
    if (tern_ipv6_is_multicast(dst) || tern_ipv6_is_linklocal(dst)) {
        if (!nif)
            nif = first_enabled(s);
    } else if ((d = dest_find(s, dst)) != NULL && d->via && (!nif || nif->index == d->via)) {
        nif = tern_netif_by_index(s, d->via); /* redirected (RFC 4861 8.3) */
        memcpy(next_hop, d->next_hop, 16);
    } else {
        tern_netif *direct = onlink(s, dst);
        if (direct && (!nif || nif == direct)) {
            nif = direct;
        } else { /* off-link: the first default router (on the given interface, if one is) */
            tern_netif *via = NULL;
            for (unsigned i = 0; i < TERN_CFG_IPV6_ROUTERS && !via; i++) {
                const tern_ipv6_router *r = &s->ipv6.routers[i];
                if (r->ifindex && (!nif || r->ifindex == nif->index)) {
                    via = tern_netif_by_index(s, r->ifindex);
                    memcpy(next_hop, r->ip, 16);
                }
            }
            nif = via;
        }
    }
    if (!nif || !nif->ip6.enabled || !tern_netif_is_up(nif) || nif->link_type != TERN_LINK_ETHERNET)
        return TERN_ERR_NOROUTE;
    *out = nif;
    return TERN_OK;
}

bool tern_ipv6_source_for(tern_stack *s, const tern_addr *dst, uint8_t out[16]) {
    tern_ipv6_tx tx = {.dst = *dst};
    tern_netif *nif;
    uint8_t nh[16];
    return dst->family == TERN_AF_INET6 && tern_ipv6_route(s, &tx, &nif, nh) == TERN_OK &&
           tern_ipv6_select_source(nif, dst->bytes, out);
}

tern_err tern_ipv6_output(tern_stack *s, tern_pbuf *p, const tern_ipv6_tx *tx) {
    tern_netif *nif;
    uint8_t nh[16];
    tern_ipv6_repr ip = {.tclass = tx->tclass, .next_header = tx->proto};
    if (tx->dst.family != TERN_AF_INET6 || tern_ipv6_route(s, tx, &nif, nh) != TERN_OK) {
        TERN_STAT_INC(s, IPV6_DROP_NOROUTE);
        tern_pbuf_free(s, p);
        return TERN_ERR_NOROUTE;
    }
    if (!tx->src_unspecified) {
        if (!tern_ipv6_is_unspecified(tx->src))
            memcpy(ip.src, tx->src, 16);
        else if (!tern_ipv6_select_source(nif, tx->dst.bytes, ip.src)) {
            TERN_STAT_INC(s, IPV6_DROP_NOROUTE);
            tern_pbuf_free(s, p);
            return TERN_ERR_NOROUTE;
        }
    }
    memcpy(ip.dst, tx->dst.bytes, 16);
    uint16_t ext = tx->router_alert ? 8 : 0;
    if ((uint32_t)p->tot_len + ext > 0xFFFFu - TERN_WIRE_IPV6_HLEN) {
        tern_pbuf_free(s, p);
        return TERN_ERR_MSGSIZE;
    }
    p = tern_pbuf_prepend(s, p, (uint16_t)(TERN_WIRE_IPV6_HLEN + ext), TERN_PBUF_LINK_HEADROOM);
    if (!p) {
        TERN_STAT_INC(s, IPV6_DROP_NOMEM);
        return TERN_ERR_NOMEM;
    }
    ip.payload_len = (uint16_t)(p->tot_len - TERN_WIRE_IPV6_HLEN);
    ip.hop_limit = tx->hop_limit ? tx->hop_limit : nif->ip6.hop_limit;
    if (ext) {
        ip.next_header = TERN_IP_PROTO_HOPOPT;
        /* Hop-by-hop header: next, length 0, Router Alert (RFC 2711, value 0: MLD), PadN(0). */
        uint8_t *h = p->payload + TERN_WIRE_IPV6_HLEN;
        const uint8_t hbh[8] = {tx->proto, 0, 5, 2, 0, 0, 1, 0};
        memcpy(h, hbh, 8);
    }
    tern_ipv6_emit(p->payload, &ip);
    uint16_t mtu = tern_ipv6_path_mtu(s, nif, ip.dst);
    TERN_STAT_INC(s, IPV6_TX);
    if (p->tot_len > mtu) {
#if TERN_CFG_IPV6_FRAG
        return tern_ipv6_fragment(nif, p, nh, mtu, (uint16_t)(TERN_WIRE_IPV6_HLEN + ext));
#else
        TERN_STAT_INC(s, IPV6_DROP_TOO_BIG);
        tern_pbuf_free(s, p);
        return TERN_ERR_MSGSIZE;
#endif
    }
    return tern_nd_output(nif, p, nh);
}

#endif
