/*
 * MLDv2 listener (RFC 3810) with MLDv1 fallback (RFC 2710). The groups are
 * the solicited-node groups of the interface's addresses plus the groups the
 * application joined (ff02::1 is never reported, RFC 3810 6). Joins and
 * leaves are reported at once; queries are answered after a random delay up
 * to their Maximum Response Delay. Reports carry a hop-by-hop Router Alert,
 * hop limit 1, from the link-local address (or :: before it exists).
 */
#include "ipv6/ipv6_priv.h"

#if TERN_CFG_IPV6 && TERN_CFG_IPV6_MLD

#include <string.h>

#include "wire/wire.h"

#define MLD_V1_TIMEOUT_MS 260000u /* Older Version Querier Present Timeout (RFC 3810 9.12) */
#define MLD2_REC_LEN 20u
#define MLD_MAX_RECORDS (TERN_CFG_IPV6_ADDRS + TERN_CFG_IPV6_MLD_GROUPS)

static const uint8_t all_mld_routers_v1[16] = {0xFF, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};

/* The groups to report on nif, deduplicated; returns how many. */
static unsigned groups_of(const tern_netif *nif, uint8_t out[][16], unsigned max) {
    unsigned n = 0;
    for (unsigned i = 0; i < TERN_CFG_IPV6_ADDRS + TERN_CFG_IPV6_MLD_GROUPS && n < max; i++) {
        uint8_t g[16];
        if (i < TERN_CFG_IPV6_ADDRS) {
            const tern_ipv6_ifaddr *a = &nif->ip6.addrs[i];
            if (a->state == TERN_IPV6_ADDR_NONE || a->state == TERN_IPV6_ADDR_DUPLICATE)
                continue;
            tern_ipv6_solicited_node(a->addr, g);
        } else {
            const tern_ipv6_group *ag = &nif->stack->ipv6.groups[i - TERN_CFG_IPV6_ADDRS];
            if (ag->ifindex != nif->index)
                continue;
            memcpy(g, ag->group, 16);
        }
        bool dup = false;
        for (unsigned k = 0; k < n && !dup; k++)
            dup = memcmp(out[k], g, 16) == 0;
        if (!dup)
            memcpy(out[n++], g, 16);
    }
    return n;
}

static void send_msg(tern_netif *nif, tern_pbuf *p, const uint8_t dst[16]) {
    tern_stack *s = nif->stack;
    tern_ipv6_tx tx = {.hop_limit = 1, .ifindex = nif->index, .router_alert = 1};
    tx.dst = tern_addr_ipv6(dst, nif->index);
    uint8_t src[16];
    /* From the link-local address; :: while it is still tentative (RFC 3810 5.2.13). */
    if (nif->ip6.addrs[0].state == TERN_IPV6_ADDR_PREFERRED && tern_ipv6_is_linklocal(nif->ip6.addrs[0].addr))
        memcpy(src, nif->ip6.addrs[0].addr, 16);
    else if (!tern_ipv6_select_source(nif, dst, src) || !tern_ipv6_is_linklocal(src))
        tx.src_unspecified = 1;
    if (!tx.src_unspecified)
        memcpy(tx.src, src, 16);
    TERN_STAT_INC(s, MLD_TX);
    (void)tern_icmp6_send(s, p, &tx);
}

/* An MLDv2 report with one record of `type` per group. */
static void send_v2(tern_netif *nif, uint8_t (*groups)[16], unsigned n, uint8_t type) {
    if (!n)
        return;
    tern_pbuf *p =
        tern_pbuf_alloc(nif->stack, TERN_PBUF_TRANSPORT_HEADROOM + 8, (uint16_t)(8u + n * MLD2_REC_LEN));
    if (!p)
        return;
    uint8_t h[8] = {TERN_ICMP6_MLD2_REPORT, 0, 0, 0, 0, 0, (uint8_t)(n >> 8), (uint8_t)n};
    (void)tern_pbuf_copy_in(p, 0, h, 8);
    for (unsigned i = 0; i < n; i++) {
        uint8_t rec[MLD2_REC_LEN] = {type, 0, 0, 0};
        memcpy(rec + 4, groups[i], 16);
        (void)tern_pbuf_copy_in(p, (uint16_t)(8u + i * MLD2_REC_LEN), rec, MLD2_REC_LEN);
    }
    send_msg(nif, p, tern_ipv6_mldv2_routers);
}

/* MLDv1: a report (131) to the group, or a done (132) to all routers. */
static void send_v1(tern_netif *nif, const uint8_t group[16], uint8_t type) {
    tern_pbuf *p = tern_pbuf_alloc(nif->stack, TERN_PBUF_TRANSPORT_HEADROOM + 8, 24);
    if (!p)
        return;
    memset(p->payload, 0, 24);
    p->payload[0] = type;
    memcpy(p->payload + 8, group, 16);
    send_msg(nif, p, type == TERN_ICMP6_MLD1_DONE ? all_mld_routers_v1 : group);
}

static bool v1_mode(const tern_netif *nif) {
    return nif->ip6.mld_v1 && tern_time_before(nif->stack->now, nif->ip6.mld_v1_until);
}

void tern_mld_report_change(tern_netif *nif, const uint8_t group[16], bool join) {
    uint8_t g[1][16];
    if (!nif->ip6.enabled || tern_ipv6_scope(group) < 2 || memcmp(group, tern_ipv6_all_nodes, 16) == 0)
        return;
    if (v1_mode(nif)) {
        send_v1(nif, group, join ? TERN_ICMP6_MLD1_REPORT : TERN_ICMP6_MLD1_DONE);
        return;
    }
    memcpy(g[0], group, 16);
    send_v2(nif, g, 1, join ? 4 : 3); /* CHANGE_TO_EXCLUDE {} / CHANGE_TO_INCLUDE {} */
}

static void answer(tern_netif *nif) {
    uint8_t groups[MLD_MAX_RECORDS][16];
    unsigned n = groups_of(nif, groups, MLD_MAX_RECORDS);
    if (nif->ip6.mld_pending == 2) { /* group-specific: only if we are still in it */
        bool member = false;
        for (unsigned i = 0; i < n && !member; i++)
            member = memcmp(groups[i], nif->ip6.mld_group, 16) == 0;
        if (!member)
            return;
        memcpy(groups[0], nif->ip6.mld_group, 16);
        n = 1;
    }
    if (v1_mode(nif)) {
        for (unsigned i = 0; i < n; i++)
            send_v1(nif, groups[i], TERN_ICMP6_MLD1_REPORT);
        return;
    }
    send_v2(nif, groups, n, 2); /* MODE_IS_EXCLUDE {} */
}

void tern_mld_timer(tern_stack *s) {
    for (tern_netif *nif = s->netifs; nif; nif = nif->next) {
        if (nif->ip6.mld_pending && !tern_time_before(s->now, nif->ip6.mld_due)) {
            answer(nif);
            nif->ip6.mld_pending = 0;
        }
    }
}

void tern_mld_next_due(tern_stack *s, bool *any, uint32_t *next) {
    for (tern_netif *nif = s->netifs; nif; nif = nif->next)
        if (nif->ip6.mld_pending)
            tern_ipv6_due_min(any, next, nif->ip6.mld_due);
}

void tern_mld_input(tern_netif *nif, tern_pbuf *p, const tern_ipv6_repr *ip, uint8_t type) {
    tern_stack *s = nif->stack;
    uint8_t q[28];
    uint16_t len = p->tot_len;
    if (type != TERN_ICMP6_MLD_QUERY) /* other listeners' reports: nothing to do (no suppression in v2) */
        return;
    /* RFC 3810 5.1.14 / RFC 2710 5: link-local source, hop limit 1, 24 (v1) or 28+ (v2) bytes. */
    if (!tern_ipv6_is_linklocal(ip->src) || ip->hop_limit != 1 || (len != 24 && len < 28) ||
        tern_pbuf_copy_out(p, 0, q, len == 24 ? 24 : 28) < 24 || q[1] != 0) {
        TERN_STAT_INC(s, MLD_DROP_INVALID);
        return;
    }
    TERN_STAT_INC(s, MLD_QUERY_RX);
    uint32_t max_delay = tern_rd16(q + 4); /* ms; v2 codes >= 32768 are floating point */
    if (len >= 28 && max_delay >= 32768u)
        max_delay = ((max_delay & 0x0FFFu) | 0x1000u) << (((max_delay >> 12) & 7u) + 3u);
    if (len == 24) {
        nif->ip6.mld_v1 = 1;
        nif->ip6.mld_v1_until = s->now + MLD_V1_TIMEOUT_MS;
    }
    const uint8_t *group = q + 8;
    bool general = tern_ipv6_is_unspecified(group);
    if (!general && !tern_ipv6_is_multicast(group)) {
        TERN_STAT_INC(s, MLD_DROP_INVALID);
        return;
    }
    uint32_t due = s->now + (max_delay ? tern_random(s) % max_delay : 0);
    if (nif->ip6.mld_pending == 1 && !tern_time_before(due, nif->ip6.mld_due))
        return; /* a general answer already comes sooner */
    if (!general && nif->ip6.mld_pending == 2 && memcmp(nif->ip6.mld_group, group, 16) != 0)
        general = true; /* two different groups asked: answer for all */
    nif->ip6.mld_pending = general ? 1 : 2;
    if (!general)
        memcpy(nif->ip6.mld_group, group, 16);
    nif->ip6.mld_due = due;
    tern_ipv6_rearm(s);
}

tern_err tern_ipv6_join(tern_netif *nif, const tern_addr *group) {
    if (!nif || !nif->stack || !group || group->family != TERN_AF_INET6 ||
        !tern_ipv6_is_multicast(group->bytes))
        return TERN_ERR_INVAL;
    tern_ipv6_group *free_g = NULL;
    for (unsigned i = 0; i < TERN_CFG_IPV6_MLD_GROUPS; i++) {
        tern_ipv6_group *g = &nif->stack->ipv6.groups[i];
        if (g->ifindex == nif->index && memcmp(g->group, group->bytes, 16) == 0)
            return TERN_ERR_ALREADY;
        if (!g->ifindex && !free_g)
            free_g = g;
    }
    if (!free_g)
        return TERN_ERR_NOMEM;
    memcpy(free_g->group, group->bytes, 16);
    free_g->ifindex = nif->index;
    if (nif->ops && nif->ops->mcast_filter) {
        uint8_t mac[6];
        tern_ipv6_mcast_mac(group->bytes, mac);
        nif->ops->mcast_filter(nif, mac, true);
    }
    tern_mld_report_change(nif, group->bytes, true);
    return TERN_OK;
}

tern_err tern_ipv6_leave(tern_netif *nif, const tern_addr *group) {
    if (!nif || !nif->stack || !group || group->family != TERN_AF_INET6)
        return TERN_ERR_INVAL;
    for (unsigned i = 0; i < TERN_CFG_IPV6_MLD_GROUPS; i++) {
        tern_ipv6_group *g = &nif->stack->ipv6.groups[i];
        if (g->ifindex == nif->index && memcmp(g->group, group->bytes, 16) == 0) {
            memset(g, 0, sizeof *g);
            if (nif->ops && nif->ops->mcast_filter) {
                uint8_t mac[6];
                tern_ipv6_mcast_mac(group->bytes, mac);
                nif->ops->mcast_filter(nif, mac, false);
            }
            tern_mld_report_change(nif, group->bytes, false);
            return TERN_OK;
        }
    }
    return TERN_ERR_INVAL;
}

#endif
