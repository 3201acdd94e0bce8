/* IPv4 output: header, routing, loopback to ourselves, hand-off to the link. */
#include "ipv4/ipv4_priv.h"

#include "tern/arp.h"
#include "wire/wire.h"

#if TERN_CFG_IPV4

tern_err tern_ipv4_send_on(tern_netif *nif, tern_pbuf *p, uint32_t next_hop) {
#if TERN_CFG_ETHERNET
    if (nif->link_type == TERN_LINK_ETHERNET)
        return tern_arp_output(nif, p, next_hop);
#endif
    if (!nif->ops->ip_output) {
        tern_pbuf_free(nif->stack, p);
        return TERN_ERR_NETIF;
    }
    tern_addr nh = tern_addr_ipv4(next_hop);
    return nif->ops->ip_output(nif, p, &nh);
}

/* Pick the interface and next hop for tx. */
static tern_err select_hop(tern_stack *s, const tern_ipv4_tx *tx, tern_ipv4_hop *hop) {
#if TERN_CFG_LOOPBACK
    if (tern_ipv4_is_loopback(tx->dst) || tern_ipv4_is_local(s, tx->dst)) {
        hop->nif = &s->loop;
        hop->next_hop = tx->dst;
        return TERN_OK;
    }
#endif
    if (tx->ifindex) {
        hop->nif = tern_netif_by_index(s, tx->ifindex);
        if (!hop->nif || !tern_netif_is_up(hop->nif))
            return TERN_ERR_NOROUTE;
        hop->next_hop = tx->dst;
        return TERN_OK;
    }
    return tern_ipv4_route_lookup(s, tx->dst, hop);
}

static uint32_t pick_source(tern_stack *s, const tern_ipv4_tx *tx, const tern_ipv4_hop *hop) {
    if (tx->src || tx->src_unspecified)
        return tx->src;
    if (tern_ipv4_is_local(s, tx->dst))
        return tx->dst; /* talking to ourselves */
    return hop->nif->ip4;
}

tern_err tern_ipv4_output(tern_stack *s, tern_pbuf *p, const tern_ipv4_tx *tx) {
    tern_ipv4_hop hop;
    if (select_hop(s, tx, &hop) != TERN_OK) {
        TERN_STAT_INC(s, IPV4_DROP_NOROUTE);
        tern_pbuf_free(s, p);
        return TERN_ERR_NOROUTE;
    }
    if ((uint32_t)p->tot_len + TERN_WIRE_IPV4_HLEN > 0xFFFFu) {
        tern_pbuf_free(s, p);
        return TERN_ERR_MSGSIZE;
    }
    bool ra = TERN_CFG_IGMP && tx->router_alert; /* only IGMP asks for it */
    uint8_t hlen = ra ? TERN_WIRE_IPV4_HLEN + 4 : TERN_WIRE_IPV4_HLEN;
    p = tern_pbuf_prepend(s, p, hlen, TERN_PBUF_LINK_HEADROOM);
    if (!p) {
        TERN_STAT_INC(s, IPV4_DROP_NOMEM);
        return TERN_ERR_NOMEM;
    }
    tern_ipv4_repr ip; /* every field set: no zeroing first */
    ip.src = pick_source(s, tx, &hop);
    ip.dst = tx->dst;
    ip.total_len = p->tot_len;
    ip.id = s->ipv4.next_id++;
    ip.frag_off = 0;
    ip.hlen = hlen;
    ip.tos = tx->tos;
    ip.ttl = tx->ttl ? tx->ttl : TERN_CFG_IPV4_DEFAULT_TTL;
    ip.proto = tx->proto;
    ip.df = tx->dont_frag;
    ip.mf = 0;
    TERN_STAT_INC(s, IPV4_TX);
    if (ra)
        tern_wr32(p->payload + TERN_WIRE_IPV4_HLEN, TERN_WIRE_IPV4_OPT_ROUTER_ALERT);
    tern_ipv4_emit(p->payload, &ip, !(hop.nif->offload & TERN_OFFLOAD_TX_IPV4));
    bool gso = false;
#if TERN_CFG_NETIF_OFFLOAD
    gso = p->gso_size && hop.nif->gso_max; /* the driver cuts it to the MTU */
#endif
    if (ip.total_len > hop.nif->mtu && !gso) {
        if (ip.df || !TERN_CFG_IPV4_FRAG) {
            TERN_STAT_INC(s, IPV4_DROP_DF);
            tern_pbuf_free(s, p);
            return TERN_ERR_MSGSIZE;
        }
#if TERN_CFG_IPV4_FRAG
        return tern_ipv4_fragment(hop.nif, p, &ip, hop.next_hop);
#endif
    }
    return tern_ipv4_send_on(hop.nif, p, hop.next_hop);
}

#endif /* TERN_CFG_IPV4 */
