/*
 * Neighbor Discovery (RFC 4861): the neighbor cache (INCOMPLETE, REACHABLE,
 * STALE, DELAY, PROBE; bounded, least recently confirmed entry evicted),
 * Neighbor Solicitation / Advertisement in both directions with the RFC's
 * validity checks, and the dispatch of Router Advertisements to SLAAC.
 * Redirects are validated (RFC 4861 8.1) before they change the first hop
 * of a destination in the destination cache (8.3).
 */
#include "ipv6/ipv6_priv.h"

#if TERN_CFG_IPV6

#include <string.h>

#include "link/link.h"
#include "wire/eth.h"

static tern_nd_entry *find(tern_stack *s, const uint8_t ip[16], uint8_t ifindex) {
    for (unsigned i = 0; i < TERN_CFG_IPV6_NEIGHBORS; i++) {
        tern_nd_entry *e = &s->ipv6.nd[i];
        if (e->state != TERN_ND_FREE && e->ifindex == ifindex && memcmp(e->ip, ip, 16) == 0)
            return e;
    }
    return NULL;
}

static void drop_queue(tern_stack *s, tern_nd_entry *e) {
    TERN_STAT_ADD(s, ND_RESOLVE_FAIL, tern_pbuf_list_free(s, e->queue));
    e->queue = NULL;
}

static void free_entry(tern_stack *s, tern_nd_entry *e) {
    drop_queue(s, e);
    memset(e, 0, sizeof *e);
}

/* A free slot, else the least recently confirmed entry (STALE first). */
static tern_nd_entry *alloc_entry(tern_stack *s) {
    tern_nd_entry *victim = NULL;
    for (unsigned i = 0; i < TERN_CFG_IPV6_NEIGHBORS; i++) {
        tern_nd_entry *e = &s->ipv6.nd[i];
        if (e->state == TERN_ND_FREE)
            return e;
        bool e_stale = e->state == TERN_ND_STALE, v_stale = victim && victim->state == TERN_ND_STALE;
        if (!victim || (e_stale && !v_stale) ||
            (e_stale == v_stale && tern_time_before(e->stamp, victim->stamp)))
            victim = e;
    }
    TERN_STAT_INC(s, ND_CACHE_FULL);
    free_entry(s, victim);
    return victim;
}

static void set_state(tern_stack *s, tern_nd_entry *e, uint8_t state) {
    e->state = state;
    e->stamp = s->now;
    e->tries = 0;
    if (state == TERN_ND_REACHABLE)
        e->due = s->now + TERN_ND_REACHABLE_MS;
    else if (state == TERN_ND_DELAY)
        e->due = s->now + TERN_ND_DELAY_MS;
}

static void send_frame(tern_netif *nif, tern_pbuf *p, const uint8_t mac[6]) {
    (void)tern_eth_output(nif, p, mac, TERN_ETH_TYPE_IPV6);
}

static void flush_queue(tern_netif *nif, tern_nd_entry *e) {
    tern_pbuf *list = e->queue, *q;
    e->queue = NULL;
    while ((q = tern_pbuf_list_pop(&list)) != NULL)
        send_frame(nif, q, e->mac);
}

tern_err tern_nd_send_ns(tern_netif *nif, const uint8_t target[16], bool dad, bool unicast) {
    tern_stack *s = nif->stack;
    uint16_t len = (uint16_t)(TERN_WIRE_NS_LEN + (dad ? 0 : 8));
    tern_pbuf *p = tern_pbuf_alloc(s, TERN_PBUF_TRANSPORT_HEADROOM, len);
    if (!p)
        return TERN_ERR_NOMEM;
    memset(p->payload, 0, len);
    p->payload[0] = TERN_ICMP6_NS;
    memcpy(p->payload + 8, target, 16);
    if (!dad)
        tern_nd_opt_lla_emit(p->payload + TERN_WIRE_NS_LEN, TERN_ND_OPT_SLLA, nif->hwaddr);
    uint8_t dst[16];
    if (unicast)
        memcpy(dst, target, 16);
    else
        tern_ipv6_solicited_node(target, dst);
    tern_ipv6_tx tx = {.hop_limit = 255, .ifindex = nif->index, .src_unspecified = dad};
    tx.dst = tern_addr_ipv6(dst, nif->index);
    TERN_STAT_INC(s, ND_TX);
    return tern_icmp6_send(s, p, &tx);
}

static void send_na(tern_netif *nif, const uint8_t target[16], const uint8_t dst[16], bool solicited) {
    tern_stack *s = nif->stack;
    tern_pbuf *p = tern_pbuf_alloc(s, TERN_PBUF_TRANSPORT_HEADROOM, TERN_WIRE_NS_LEN + 8);
    if (!p)
        return;
    memset(p->payload, 0, TERN_WIRE_NS_LEN + 8);
    p->payload[0] = TERN_ICMP6_NA;
    p->payload[4] = (uint8_t)((solicited ? 0x40u : 0u) | 0x20u); /* S, O */
    memcpy(p->payload + 8, target, 16);
    tern_nd_opt_lla_emit(p->payload + TERN_WIRE_NS_LEN, TERN_ND_OPT_TLLA, nif->hwaddr);
    tern_ipv6_tx tx = {.hop_limit = 255, .ifindex = nif->index};
    tx.dst = tern_addr_ipv6(dst, nif->index);
    memcpy(tx.src, target, 16);
    TERN_STAT_INC(s, ND_TX);
    (void)tern_icmp6_send(s, p, &tx);
}

static bool queue_packet(tern_stack *s, tern_nd_entry *e, tern_pbuf *p) {
    int r = tern_pbuf_fifo_push(s, &e->queue, TERN_CFG_IPV6_ND_QUEUE_LEN, p);
    if (r > 0)
        TERN_STAT_INC(s, ND_QUEUE_DROP);
    return r >= 0;
}

tern_err tern_nd_output(tern_netif *nif, tern_pbuf *p, const uint8_t next_hop[16]) {
    tern_stack *s = nif->stack;
    uint8_t mac[6];
    if (tern_ipv6_is_multicast(next_hop)) {
        tern_ipv6_mcast_mac(next_hop, mac);
        send_frame(nif, p, mac);
        return TERN_OK;
    }
    tern_nd_entry *e = find(s, next_hop, nif->index);
    if (e && e->state != TERN_ND_INCOMPLETE) {
        if (e->state == TERN_ND_STALE) { /* RFC 4861 7.3.3: first use of a stale entry */
            set_state(s, e, TERN_ND_DELAY);
            tern_ipv6_rearm(s);
        }
        send_frame(nif, p, e->mac);
        return TERN_OK;
    }
    if (!e) {
        e = alloc_entry(s);
        memcpy(e->ip, next_hop, 16);
        e->ifindex = nif->index;
        set_state(s, e, TERN_ND_INCOMPLETE);
        e->tries = 1;
        e->due = s->now + TERN_ND_RETRANS_MS;
        (void)tern_nd_send_ns(nif, next_hop, false, false);
        tern_ipv6_rearm(s);
    }
    return queue_packet(s, e, p) ? TERN_OK : TERN_ERR_NOMEM;
}

void tern_nd_learn(tern_netif *nif, const uint8_t ip[16], const uint8_t mac[6], bool router) {
    tern_stack *s = nif->stack;
    tern_nd_entry *e = find(s, ip, nif->index);
    if (!e) {
        e = alloc_entry(s);
        memcpy(e->ip, ip, 16);
        e->ifindex = nif->index;
        memcpy(e->mac, mac, 6);
        set_state(s, e, TERN_ND_STALE);
    } else if (e->state == TERN_ND_INCOMPLETE || memcmp(e->mac, mac, 6) != 0) {
        memcpy(e->mac, mac, 6);
        set_state(s, e, TERN_ND_STALE);
        flush_queue(nif, e);
    }
    if (router)
        e->router = 1;
    tern_ipv6_rearm(s);
}

static void ns_input(tern_netif *nif, const uint8_t *m, uint16_t len, const tern_ipv6_repr *ip,
                     const tern_nd_opts *o) {
    tern_stack *s = nif->stack;
    const uint8_t *target = m + 8;
    bool from_unspec = tern_ipv6_is_unspecified(ip->src);
    uint8_t sn[16];
    tern_ipv6_solicited_node(target, sn);
    (void)len;
    /* RFC 4861 7.1.1: from :: only to the solicited-node group, without SLLA. */
    if (from_unspec && (memcmp(ip->dst, sn, 16) != 0 || o->has_slla)) {
        TERN_STAT_INC(s, ND_DROP_INVALID);
        return;
    }
    tern_ipv6_ifaddr *a = tern_ipv6_find_addr(nif, target);
    if (!a || a->state == TERN_IPV6_ADDR_DUPLICATE)
        return; /* not for us (no proxy ND) */
    if (a->state == TERN_IPV6_ADDR_TENTATIVE) {
        if (from_unspec) /* someone else is probing the same address (RFC 4862 5.4.3) */
            tern_ipv6_dad_failed(nif, a);
        return;
    }
    if (!from_unspec && o->has_slla)
        tern_nd_learn(nif, ip->src, o->slla, false);
    send_na(nif, target, from_unspec ? tern_ipv6_all_nodes : ip->src, !from_unspec);
}

static void na_input(tern_netif *nif, const uint8_t *m, const tern_ipv6_repr *ip, const tern_nd_opts *o) {
    tern_stack *s = nif->stack;
    const uint8_t *target = m + 8;
    bool router = (m[4] & 0x80u) != 0, solicited = (m[4] & 0x40u) != 0, override = (m[4] & 0x20u) != 0;
    if (solicited && tern_ipv6_is_multicast(ip->dst)) {
        TERN_STAT_INC(s, ND_DROP_INVALID);
        return;
    }
    tern_ipv6_ifaddr *a = tern_ipv6_find_addr(nif, target);
    if (a) {
        if (a->state == TERN_IPV6_ADDR_TENTATIVE)
            tern_ipv6_dad_failed(nif, a);
        else if (a->state != TERN_IPV6_ADDR_DUPLICATE)
            TERN_STAT_INC(s, ND_CONFLICT);
        return;
    }
    tern_nd_entry *e = find(s, target, nif->index);
    if (!e)
        return; /* unsolicited, for nobody we talk to */
    if (e->state == TERN_ND_INCOMPLETE) {
        if (!o->has_tlla)
            return;
        memcpy(e->mac, o->tlla, 6);
        set_state(s, e, solicited ? TERN_ND_REACHABLE : TERN_ND_STALE);
        e->router = router;
        flush_queue(nif, e);
        tern_ipv6_rearm(s);
        return;
    }
    bool differs = o->has_tlla && memcmp(e->mac, o->tlla, 6) != 0;
    if (!override && differs) {
        if (e->state == TERN_ND_REACHABLE) {
            set_state(s, e, TERN_ND_STALE);
            tern_ipv6_rearm(s);
        }
        return;
    }
    if (o->has_tlla)
        memcpy(e->mac, o->tlla, 6);
    if (solicited)
        set_state(s, e, TERN_ND_REACHABLE);
    else if (differs)
        set_state(s, e, TERN_ND_STALE);
    e->router = router;
    tern_ipv6_rearm(s);
}

/* RFC 4861 8.1 and 8.3: a Redirect from the router we use for its
 * destination, whose target is a link-local router or the destination
 * itself (on-link), moves that destination's first hop to the target. */
static void redirect_input(tern_netif *nif, const uint8_t *m, const tern_ipv6_repr *ip,
                           const tern_nd_opts *o) {
    tern_stack *s = nif->stack;
    const uint8_t *target = m + 8, *dst = m + 24;
    tern_ipv6_tx tx = {.dst = tern_addr_ipv6(dst, 0)};
    tern_netif *out;
    uint8_t first_hop[16];
    bool onlink = memcmp(target, dst, 16) == 0;
    if (!tern_ipv6_is_linklocal(ip->src) || tern_ipv6_is_multicast(dst) || tern_ipv6_is_linklocal(dst) ||
        (!onlink && !tern_ipv6_is_linklocal(target)) || tern_ipv6_route(s, &tx, &out, first_hop) != TERN_OK ||
        out != nif || memcmp(first_hop, ip->src, 16) != 0) {
        TERN_STAT_INC(s, ND_DROP_REDIRECT);
        return;
    }
    if (o->has_tlla)
        tern_nd_learn(nif, target, o->tlla, !onlink);
    tern_ipv6_redirect_set(s, dst, target, nif->index);
    TERN_STAT_INC(s, ND_REDIRECT);
}

/* RFC 4861 6.1 / 7.1: checks every ND message must pass. */
static bool valid(tern_stack *s, const uint8_t *m, uint16_t len, const tern_ipv6_repr *ip, uint8_t type,
                  uint16_t *opt_off) {
    uint16_t min = type == TERN_ICMP6_RA         ? TERN_WIRE_RA_LEN
                   : type == TERN_ICMP6_RS       ? TERN_WIRE_RS_LEN
                   : type == TERN_ICMP6_REDIRECT ? 40
                                                 : TERN_WIRE_NS_LEN;
    if (ip->hop_limit != 255) {
        TERN_STAT_INC(s, ND_DROP_HOPLIMIT);
        return false;
    }
    if (m[1] != 0 || len < min) {
        TERN_STAT_INC(s, ND_DROP_INVALID);
        return false;
    }
    if ((type == TERN_ICMP6_NS || type == TERN_ICMP6_NA) && tern_ipv6_is_multicast(m + 8)) {
        TERN_STAT_INC(s, ND_DROP_INVALID);
        return false;
    }
    if (type == TERN_ICMP6_RA && !tern_ipv6_is_linklocal(ip->src)) {
        TERN_STAT_INC(s, ND_DROP_INVALID);
        return false;
    }
    *opt_off = min;
    return true;
}

void tern_nd_input(tern_netif *nif, tern_pbuf *p, const tern_ipv6_repr *ip, uint8_t type) {
    tern_stack *s = nif->stack;
    uint16_t len = p->tot_len, opt_off = 0;
    tern_nd_opts o;
    TERN_STAT_INC(s, ND_RX);
    /* ND messages are never fragmented (RFC 6980): the message is one segment. */
    if (p->len != len) {
        TERN_STAT_INC(s, ND_DROP_INVALID);
        tern_pbuf_free(s, p);
        return;
    }
    const uint8_t *m = p->payload;
    if (!valid(s, m, len, ip, type, &opt_off)) {
        tern_pbuf_free(s, p);
        return;
    }
    if (!tern_nd_opts_parse(m + opt_off, (size_t)(len - opt_off), &o)) {
        TERN_STAT_INC(s, ND_DROP_OPTION);
        tern_pbuf_free(s, p);
        return;
    }
    if (tern_ipv6_is_unspecified(ip->src) && o.has_slla) {
        TERN_STAT_INC(s, ND_DROP_INVALID); /* RFC 4861 6.1.1, 7.1.1 */
        tern_pbuf_free(s, p);
        return;
    }
    switch (type) {
    case TERN_ICMP6_NS:
        ns_input(nif, m, len, ip, &o);
        break;
    case TERN_ICMP6_NA:
        na_input(nif, m, ip, &o);
        break;
    case TERN_ICMP6_RA:
        TERN_STAT_INC(s, ND_RA_RX);
        tern_ipv6_ra_input(nif, m, len, ip, &o);
        break;
    case TERN_ICMP6_REDIRECT:
        redirect_input(nif, m, ip, &o);
        break;
    default: /* RS: hosts do not answer them */
        break;
    }
    tern_pbuf_free(s, p);
}

static void expire(tern_stack *s, tern_nd_entry *e) {
    tern_netif *nif = tern_netif_by_index(s, e->ifindex);
    switch (e->state) {
    case TERN_ND_REACHABLE:
        set_state(s, e, TERN_ND_STALE);
        return;
    case TERN_ND_DELAY:
        set_state(s, e, TERN_ND_PROBE);
        /* fall through */
    case TERN_ND_INCOMPLETE:
    case TERN_ND_PROBE:
        if (!nif || e->tries >= TERN_ND_MAX_SOLICIT) {
            free_entry(s, e);
            return;
        }
        e->tries++;
        e->due = s->now + TERN_ND_RETRANS_MS;
        (void)tern_nd_send_ns(nif, e->ip, false, e->state == TERN_ND_PROBE);
        return;
    default:
        return;
    }
}

static bool timed(const tern_nd_entry *e) {
    return e->state != TERN_ND_FREE && e->state != TERN_ND_STALE;
}

void tern_nd_timer(tern_stack *s) {
    for (unsigned i = 0; i < TERN_CFG_IPV6_NEIGHBORS; i++) {
        tern_nd_entry *e = &s->ipv6.nd[i];
        if (timed(e) && !tern_time_before(s->now, e->due))
            expire(s, e);
    }
}

void tern_nd_next_due(tern_stack *s, bool *any, uint32_t *next) {
    for (unsigned i = 0; i < TERN_CFG_IPV6_NEIGHBORS; i++) {
        const tern_nd_entry *e = &s->ipv6.nd[i];
        if (timed(e))
            tern_ipv6_due_min(any, next, e->due);
    }
}

void tern_nd_netif_removed(tern_stack *s, tern_netif *nif) {
    for (unsigned i = 0; i < TERN_CFG_IPV6_NEIGHBORS; i++)
        if (s->ipv6.nd[i].ifindex == nif->index)
            free_entry(s, &s->ipv6.nd[i]);
    /* What RAs and joins taught us about this interface goes with it. */
    for (unsigned i = 0; i < TERN_CFG_IPV6_ROUTERS; i++)
        if (s->ipv6.routers[i].ifindex == nif->index)
            memset(&s->ipv6.routers[i], 0, sizeof s->ipv6.routers[i]);
    for (unsigned i = 0; i < TERN_CFG_IPV6_PREFIXES; i++)
        if (s->ipv6.prefixes[i].ifindex == nif->index)
            memset(&s->ipv6.prefixes[i], 0, sizeof s->ipv6.prefixes[i]);
    for (unsigned i = 0; i < TERN_CFG_IPV6_RDNSS; i++)
        if (s->ipv6.dns[i].ifindex == nif->index)
            memset(&s->ipv6.dns[i], 0, sizeof s->ipv6.dns[i]);
#if TERN_CFG_IPV6_MLD
    for (unsigned i = 0; i < TERN_CFG_IPV6_MLD_GROUPS; i++)
        if (s->ipv6.groups[i].ifindex == nif->index)
            memset(&s->ipv6.groups[i], 0, sizeof s->ipv6.groups[i]);
#endif
    nif->ip6.enabled = 0;
    tern_ipv6_rearm(s);
}

unsigned tern_nd_entries(tern_stack *s, tern_nd_info *out, unsigned max) {
    unsigned n = 0;
    for (unsigned i = 0; i < TERN_CFG_IPV6_NEIGHBORS; i++) {
        const tern_nd_entry *e = &s->ipv6.nd[i];
        if (e->state == TERN_ND_FREE)
            continue;
        if (n < max) {
            tern_nd_info *o = &out[n];
            o->ip = tern_addr_ipv6(e->ip, tern_ipv6_is_linklocal(e->ip) ? e->ifindex : 0);
            memcpy(o->mac, e->mac, 6);
            o->state = e->state;
            o->ifindex = e->ifindex;
            o->router = e->router;
            o->age_ms = s->now - e->stamp;
        }
        n++;
    }
    return n;
}

const char *tern_nd_state_name(uint8_t state) {
    static const char *const names[] = {"FREE", "INCOMPLETE", "REACHABLE", "STALE", "DELAY", "PROBE"};
    return state < sizeof names / sizeof names[0] ? names[state] : "?";
}

#endif
