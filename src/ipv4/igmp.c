/*
 * IGMP host (see tern/igmp.h). One timer serves all groups; each group
 * remembers when its next report is due.
 */
#include <string.h>

#include "core/chksum.h"
#include "ipv4/ipv4_priv.h"
#include "tern/igmp.h"
#include "wire/eth.h"
#include "wire/igmp.h"

#if TERN_CFG_IPV4

#if TERN_CFG_IGMP

#define ALL_ROUTERS 0xE0000002u  /* 224.0.0.2, v2 leaves */
#define V3_ROUTERS 0xE0000016u   /* 224.0.0.22, v3 reports */
#define OLDER_QUERIER_MS 260000u /* RFC 3376 8.12: 2 x 125 s + 10 s */
#define UNSOLICITED_V3_MS 1000u  /* RFC 3376 8.11 */
#define UNSOLICITED_V2_MS 10000u /* RFC 2236 8.10 */

/* What is pending: nothing, or the IGMPv3 record type of the report. */
enum {
    PENDING_NONE = 0,
    PENDING_RESPONSE = TERN_IGMP_MODE_IS_EXCLUDE, /* to a query */
    PENDING_CHANGE = TERN_IGMP_CHANGE_TO_EXCLUDE, /* after a join */
};

static TERN_NOINLINE unsigned version_of(tern_stack *s, tern_netif *nif) {
    if (nif->igmp_version && nif->igmp_version < 3 && tern_time_before(s->now, nif->igmp_older_until))
        return nif->igmp_version;
    nif->igmp_version = 3;
    return 3;
}

static tern_igmp_group *find(const tern_stack *s, unsigned ifindex, uint32_t group) {
    for (const tern_igmp_group *g = s->igmp.groups; g < s->igmp.groups + TERN_CFG_IGMP_GROUPS; g++) {
        if (g->group == group && g->ifindex == ifindex)
            return (tern_igmp_group *)(uintptr_t)g;
    }
    return NULL;
}

bool tern_igmp_is_member(const tern_stack *s, const tern_netif *nif, uint32_t group) {
    return group == TERN_IPV4_ALL_HOSTS || find(s, nif->index, group);
}

/* Build and send one report (or leave) for group on nif. record is what
 * IGMPv3 says: TERN_IGMP_CHANGE_TO_EXCLUDE (joined), TERN_IGMP_MODE_IS_EXCLUDE
 * (answering a query) or TERN_IGMP_CHANGE_TO_INCLUDE (left). */
static void send_message(tern_stack *s, tern_netif *nif, uint32_t group, unsigned record) {
    unsigned version = version_of(s, nif);
    bool leave = record == TERN_IGMP_CHANGE_TO_INCLUDE;
    if (leave && version == 1)
        return; /* IGMPv1 has no leave */
    unsigned len = version == 3 ? TERN_WIRE_IGMP_V3_REPORT_LEN : TERN_WIRE_IGMP_V2_LEN;
    tern_pbuf *p = tern_pbuf_alloc(s, TERN_PBUF_TRANSPORT_HEADROOM + 4, (uint16_t)len);
    if (!p)
        return;
    uint8_t *b = p->payload;
    memset(b, 0, len);
    uint32_t dst = group;
    if (version == 3) { /* one group record */
        b[0] = TERN_IGMP_V3_REPORT;
        b[7] = 1;
        b[8] = (uint8_t)record;
        dst = V3_ROUTERS;
    } else {
        b[0] = (uint8_t)(leave          ? TERN_IGMP_V2_LEAVE
                         : version == 2 ? TERN_IGMP_V2_REPORT
                                        : TERN_IGMP_V1_REPORT);
        if (leave)
            dst = ALL_ROUTERS;
    }
    tern_wr32(b + len - 4u, group); /* the last field of either format */
    tern_csum_store(b + 2, tern_csum_finish(tern_csum_partial(b, len, 0)));
    tern_ipv4_tx tx = {.src = nif->ip4,
                       .dst = dst,
                       .proto = TERN_IP_PROTO_IGMP,
                       .ttl = 1,
                       .ifindex = nif->index,
                       .router_alert = version >= 2};
    TERN_STAT_INC(s, IGMP_TX);
    (void)tern_ipv4_output(s, p, &tx);
}

static void rearm(tern_stack *s) {
    bool any = false;
    uint32_t next = 0;
    for (const tern_igmp_group *g = s->igmp.groups; g < s->igmp.groups + TERN_CFG_IGMP_GROUPS; g++) {
        if (g->pending && (!any || tern_time_before(g->due, next))) {
            next = g->due;
            any = true;
        }
    }
    if (!any)
        tern_timer_cancel(s, &s->igmp.timer);
    else
        tern_timer_arm_at(s, &s->igmp.timer, next);
}

/* Between unsolicited reports (RFC 3376 8.11, RFC 2236 8.10). */
static uint32_t unsolicited_ms(tern_stack *s, tern_netif *nif) {
    return version_of(s, nif) == 3 ? UNSOLICITED_V3_MS : UNSOLICITED_V2_MS;
}

static void schedule(tern_stack *s, tern_igmp_group *g, unsigned kind, uint32_t max_ms) {
    uint32_t due = s->now + (max_ms ? tern_random(s) % (max_ms + 1u) : 0);
    /* A pending report keeps its time if that is sooner (RFC 2236 3). */
    if (g->pending && tern_time_before(g->due, due))
        return;
    g->pending = (uint8_t)kind;
    g->due = due;
}

static void igmp_timer(tern_stack *s, tern_timer *t) {
    (void)t;
    for (unsigned i = 0; i < TERN_CFG_IGMP_GROUPS; i++) {
        tern_igmp_group *g = &s->igmp.groups[i];
        if (!g->pending || tern_time_before(s->now, g->due)) /* (only joined groups have one) */
            continue;
        tern_netif *nif = tern_netif_by_index(s, g->ifindex);
        unsigned kind = g->pending;
        g->pending = PENDING_NONE;
        if (nif)
            send_message(s, nif, g->group, kind);
    }
    rearm(s);
}

void tern_igmp_init(tern_stack *s) {
    tern_timer_init(&s->igmp.timer, igmp_timer);
}

static tern_netif *pick_netif(tern_stack *s, tern_netif *nif) {
    if (nif)
        return nif;
    tern_ipv4_hop hop;
    return tern_ipv4_route_lookup(s, TERN_IPV4_ALL_HOSTS, &hop) == TERN_OK ? hop.nif : NULL;
}

static void program_filter(tern_netif *nif, uint32_t group, bool add) {
    if (nif->ops && nif->ops->mcast_filter) {
        uint8_t mac[6];
        tern_eth_ipv4_multicast(group, mac);
        nif->ops->mcast_filter(nif, mac, add);
    }
}

tern_err tern_igmp_join(tern_stack *s, tern_netif *nif, const tern_addr *group) {
    uint32_t g = group ? tern_addr_get_ipv4(group) : 0; /* (0 unless IPv4) */
    if (!tern_ipv4_is_multicast(g) || g == TERN_IPV4_ALL_HOSTS || !(nif = pick_netif(s, nif)))
        return TERN_ERR_INVAL;
    tern_igmp_group *slot = find(s, nif->index, g);
    if (slot) {
        if (slot->refs == 255)
            return TERN_ERR_NOMEM;
        slot->refs++;
        return TERN_OK;
    }
    if (!(slot = find(s, 0, 0)))
        return TERN_ERR_NOMEM;
    memset(slot, 0, sizeof *slot);
    slot->group = g;
    slot->ifindex = nif->index;
    slot->refs = 1;
    program_filter(nif, g, true);
    /* Unsolicited report now, and once more later (robustness 2). */
    send_message(s, nif, g, TERN_IGMP_CHANGE_TO_EXCLUDE);
    schedule(s, slot, PENDING_CHANGE, unsolicited_ms(s, nif)); /* (the last one) */
    rearm(s);
    return TERN_OK;
}

tern_err tern_igmp_leave(tern_stack *s, tern_netif *nif, const tern_addr *group) {
    uint32_t g = group ? tern_addr_get_ipv4(group) : 0; /* (0 unless IPv4) */
    nif = pick_netif(s, nif);
    tern_igmp_group *slot = nif && g ? find(s, nif->index, g) : NULL;
    if (!slot)
        return TERN_ERR_INVAL;
    if (--slot->refs)
        return TERN_OK;
    send_message(s, nif, g, TERN_IGMP_CHANGE_TO_INCLUDE);
    program_filter(nif, g, false);
    memset(slot, 0, sizeof *slot);
    rearm(s);
    return TERN_OK;
}

static void on_query(tern_netif *nif, const tern_igmp_repr *q) {
    tern_stack *s = nif->stack;
    if (q->group && !tern_ipv4_is_multicast(q->group))
        return; /* a group-specific query names a group */
    TERN_STAT_INC(s, IGMP_QUERY_RX);
    if (q->version < 3) {
        nif->igmp_version = q->version;
        nif->igmp_older_until = s->now + OLDER_QUERIER_MS;
    }
    for (unsigned i = 0; i < TERN_CFG_IGMP_GROUPS; i++) {
        tern_igmp_group *g = &s->igmp.groups[i];
        if (g->ifindex == nif->index && (!q->group || q->group == g->group)) /* (free slots: ifindex 0) */
            schedule(s, g, PENDING_RESPONSE, q->max_resp_ms);
    }
    rearm(s);
}

/* Another host reported the group: in v1/v2 our own report is suppressed. */
static void on_report(tern_netif *nif, uint32_t group) {
    tern_stack *s = nif->stack;
    tern_igmp_group *g = find(s, nif->index, group);
    if (g && g->pending == PENDING_RESPONSE && version_of(s, nif) < 3) {
        g->pending = PENDING_NONE;
        rearm(s);
    }
}

void tern_igmp_input(tern_netif *nif, tern_pbuf *p, const tern_ipv4_repr *ip) {
    tern_stack *s = nif->stack;
    uint8_t scratch[TERN_WIRE_IGMP_V3_QUERY_MIN];
    tern_igmp_repr r;
    (void)ip;
    TERN_STAT_INC(s, IGMP_RX);
    uint16_t len = p->tot_len;
    const uint8_t *b = tern_pbuf_view(p, 0, len < sizeof scratch ? len : (uint16_t)sizeof scratch, scratch);
    enum tern_igmp_parse_result res = TERN_IGMP_PARSE_SHORT;
    if (len >= TERN_WIRE_IGMP_V2_LEN) { /* (b is never NULL: at most tot_len bytes asked for) */
        if (!tern_csum_ok(tern_csum_pbuf(p, 0, len, 0))) {
            TERN_STAT_INC(s, IGMP_DROP_CHECKSUM);
            tern_pbuf_free(s, p);
            return;
        }
        /* b holds the first min(len, 12) bytes, all the parser reads:
         * sources beyond the fixed part are checked against len, not read. */
        res = tern_igmp_parse(b, len, &r);
    }
    if (res != TERN_IGMP_PARSE_OK) {
        if (res == TERN_IGMP_PARSE_SHORT)
            TERN_STAT_INC(s, IGMP_DROP_SHORT);
        else
            TERN_STAT_INC(s, IGMP_DROP_FORMAT);
    } else if (r.type == TERN_IGMP_QUERY) {
        on_query(nif, &r);
    } else if (r.type == TERN_IGMP_V1_REPORT || r.type == TERN_IGMP_V2_REPORT) {
        on_report(nif, r.group);
    }
    tern_pbuf_free(s, p);
}

void tern_igmp_netif_removed(tern_stack *s, tern_netif *nif) {
    for (unsigned i = 0; i < TERN_CFG_IGMP_GROUPS; i++)
        if (s->igmp.groups[i].ifindex == nif->index)
            memset(&s->igmp.groups[i], 0, sizeof s->igmp.groups[i]);
    rearm(s);
}

#endif

#endif /* TERN_CFG_IPV4 */
