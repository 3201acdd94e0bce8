/* IPv4 routing: connected networks, static routes, default gateway. */
#include "ipv4/ipv4_priv.h"

#if TERN_CFG_IPV4

uint32_t tern_ipv4_mask(uint8_t prefix_len) {
    if (prefix_len == 0)
        return 0;
    if (prefix_len >= 32)
        return 0xFFFFFFFFu;
    return 0xFFFFFFFFu << (32u - prefix_len);
}

static int prefix_of(uint32_t mask) {
    int n = 0;
    while (mask & 0x80000000u) {
        n++;
        mask <<= 1;
    }
    return n;
}

bool tern_ipv4_is_broadcast(const tern_netif *nif, uint32_t a) {
    if (a == TERN_IPV4_BROADCAST)
        return true;
    return nif->ip4 && nif->mask4 != 0xFFFFFFFFu && (a & nif->mask4) == (nif->ip4 & nif->mask4) &&
           (a | nif->mask4) == TERN_IPV4_BROADCAST;
}

bool tern_ipv4_is_local(tern_stack *s, uint32_t addr) {
    if (!addr)
        return false;
    for (tern_netif *nif = s->netifs; nif; nif = nif->next)
        if (nif->ip4 == addr)
            return true;
    return false;
}

/* The interface broadcasts and multicasts leave by when none is forced. */
static tern_netif *default_out(tern_stack *s) {
    if (s->default_netif && tern_netif_is_up(s->default_netif))
        return s->default_netif;
    for (tern_netif *nif = s->netifs; nif; nif = nif->next)
        if (tern_netif_is_up(nif) && !(nif->flags & TERN_NETIF_LOOPBACK))
            return nif;
    return NULL;
}

tern_err tern_ipv4_route_lookup(tern_stack *s, uint32_t dst, tern_ipv4_hop *hop) {
    int best = -1;
    hop->nif = NULL;
    if (dst == TERN_IPV4_BROADCAST || tern_ipv4_is_multicast(dst)) {
        hop->nif = default_out(s);
        hop->next_hop = dst;
        return hop->nif ? TERN_OK : TERN_ERR_NOROUTE;
    }
    for (tern_netif *nif = s->netifs; nif; nif = nif->next) {
        if (!nif->ip4 || !tern_netif_is_up(nif) || (dst & nif->mask4) != (nif->ip4 & nif->mask4))
            continue;
        int len = prefix_of(nif->mask4);
        if (len > best) {
            best = len;
            hop->nif = nif;
            hop->next_hop = dst;
        }
    }
#if TERN_CFG_IPV4_ROUTES
    for (unsigned i = 0; i < TERN_CFG_IPV4_ROUTES; i++) {
        const tern_ipv4_route *r = &s->ipv4.routes[i];
        if (!r->ifindex || (dst & r->mask) != r->dest)
            continue;
        tern_netif *nif = tern_netif_by_index(s, r->ifindex);
        int len = prefix_of(r->mask);
        if (nif && tern_netif_is_up(nif) && len > best) {
            best = len;
            hop->nif = nif;
            hop->next_hop = r->gw ? r->gw : dst;
        }
    }
#endif
    if (hop->nif)
        return TERN_OK;
    /* Default route: the default interface's gateway, else any gateway. */
    tern_netif *d = s->default_netif;
    if (d && d->gw4 && tern_netif_is_up(d)) {
        hop->nif = d;
        hop->next_hop = d->gw4;
        return TERN_OK;
    }
    for (tern_netif *nif = s->netifs; nif; nif = nif->next) {
        if (nif->gw4 && tern_netif_is_up(nif)) {
            hop->nif = nif;
            hop->next_hop = nif->gw4;
            return TERN_OK;
        }
    }
    return TERN_ERR_NOROUTE;
}

uint32_t tern_ipv4_source_for(tern_stack *s, uint32_t dst) {
    if (tern_ipv4_is_local(s, dst))
        return dst;
    tern_ipv4_hop hop;
    if (tern_ipv4_route_lookup(s, dst, &hop) != TERN_OK)
        return 0;
    return hop.nif->ip4;
}

tern_err tern_ipv4_route_add(tern_stack *s, const tern_addr *dest, uint8_t prefix_len, const tern_addr *gw,
                             tern_netif *nif) {
#if TERN_CFG_IPV4_ROUTES
    if (!dest || dest->family != TERN_AF_INET || prefix_len > 32 || !nif || nif->stack != s ||
        (gw && gw->family != TERN_AF_INET))
        return TERN_ERR_INVAL;
    uint32_t mask = tern_ipv4_mask(prefix_len);
    uint32_t d = tern_addr_get_ipv4(dest) & mask;
    tern_ipv4_route *slot = NULL;
    for (unsigned i = 0; i < TERN_CFG_IPV4_ROUTES; i++) {
        tern_ipv4_route *r = &s->ipv4.routes[i];
        if (r->ifindex && r->dest == d && r->mask == mask) {
            slot = r; /* replace */
            break;
        }
        if (!r->ifindex && !slot)
            slot = r;
    }
    if (!slot)
        return TERN_ERR_NOMEM;
    slot->dest = d;
    slot->mask = mask;
    slot->gw = gw ? tern_addr_get_ipv4(gw) : 0;
    slot->ifindex = nif->index;
    return TERN_OK;
#else
    (void)s, (void)dest, (void)prefix_len, (void)gw, (void)nif;
    return TERN_ERR_NOTSUP;
#endif
}

tern_err tern_ipv4_route_del(tern_stack *s, const tern_addr *dest, uint8_t prefix_len) {
#if TERN_CFG_IPV4_ROUTES
    if (!dest || dest->family != TERN_AF_INET || prefix_len > 32)
        return TERN_ERR_INVAL;
    uint32_t mask = tern_ipv4_mask(prefix_len);
    uint32_t d = tern_addr_get_ipv4(dest) & mask;
    for (unsigned i = 0; i < TERN_CFG_IPV4_ROUTES; i++) {
        tern_ipv4_route *r = &s->ipv4.routes[i];
        if (r->ifindex && r->dest == d && r->mask == mask) {
            r->ifindex = 0;
            return TERN_OK;
        }
    }
    return TERN_ERR_INVAL;
#else
    (void)s, (void)dest, (void)prefix_len;
    return TERN_ERR_NOTSUP;
#endif
}

unsigned tern_ipv4_routes(tern_stack *s, tern_ipv4_route_info *out, unsigned max) {
    unsigned n = 0;
#if TERN_CFG_IPV4_ROUTES
    for (unsigned i = 0; i < TERN_CFG_IPV4_ROUTES; i++) {
        const tern_ipv4_route *r = &s->ipv4.routes[i];
        if (!r->ifindex)
            continue;
        if (n < max) {
            out[n].dest = tern_addr_ipv4(r->dest);
            out[n].gw = r->gw ? tern_addr_ipv4(r->gw) : (tern_addr){0};
            out[n].prefix_len = (uint8_t)prefix_of(r->mask);
            out[n].ifindex = r->ifindex;
        }
        n++;
    }
#else
    (void)s, (void)out, (void)max;
#endif
    return n;
}

void tern_ipv4_set_default_netif(tern_stack *s, tern_netif *nif) {
    s->default_netif = nif;
}

tern_err tern_ipv4_set_forwarding(tern_stack *s, bool on) {
    if (!TERN_CFG_IPV4_FORWARD)
        return on ? TERN_ERR_NOTSUP : TERN_OK;
    s->ipv4.forward = on;
    return TERN_OK;
}

#endif /* TERN_CFG_IPV4 */
