/*
 * ARP (RFC 826): the neighbour cache for IPv4 over Ethernet.
 *
 * Entries are PENDING (requests outstanding, packets queued), STABLE (aging
 * out after TERN_CFG_ARP_MAX_AGE_MS) or STATIC. One timer serves the whole
 * table and is armed only while some entry has a deadline.
 */
#include <string.h>

#include "core/core.h"
#include "link/link.h"
#include "wire/eth.h"

#if TERN_CFG_IPV4

#define ARP_RETRY_MS 1000u

static tern_arp_entry *find(tern_stack *s, uint32_t ip, uint8_t ifindex) {
    for (unsigned i = 0; i < TERN_CFG_ARP_TABLE_SIZE; i++) {
        tern_arp_entry *e = &s->arp.table[i];
        if (e->state != TERN_ARP_FREE && e->ip == ip && (!ifindex || e->ifindex == ifindex))
            return e;
    }
    return NULL;
}

static void drop_queue(tern_stack *s, tern_arp_entry *e) {
#if TERN_CFG_ARP_QUEUE
    TERN_STAT_ADD(s, ARP_RESOLVE_FAIL, tern_pbuf_list_free(s, e->queue));
    e->queue = NULL;
#else
    (void)s;
#endif
}

static void free_entry(tern_stack *s, tern_arp_entry *e) {
    drop_queue(s, e);
    memset(e, 0, sizeof *e);
}

/* A free slot, else the oldest dynamic entry (stable before pending). */
static tern_arp_entry *alloc_entry(tern_stack *s) {
    tern_arp_entry *victim = NULL;
    for (unsigned i = 0; i < TERN_CFG_ARP_TABLE_SIZE; i++) {
        tern_arp_entry *e = &s->arp.table[i];
        if (e->state == TERN_ARP_FREE)
            return e;
        if (e->state == TERN_ARP_STATIC)
            continue;
        if (!victim || (e->state == TERN_ARP_STABLE && victim->state == TERN_ARP_PENDING) ||
            (e->state == victim->state && tern_time_before(e->stamp, victim->stamp)))
            victim = e;
    }
    if (victim) {
        TERN_STAT_INC(s, ARP_CACHE_FULL);
        free_entry(s, victim);
    }
    return victim;
}

static uint32_t entry_deadline(const tern_arp_entry *e) {
    return e->stamp + (e->state == TERN_ARP_PENDING ? ARP_RETRY_MS : TERN_CFG_ARP_MAX_AGE_MS);
}

static void rearm(tern_stack *s) {
    bool any = false;
    uint32_t next = 0;
    for (unsigned i = 0; i < TERN_CFG_ARP_TABLE_SIZE; i++) {
        const tern_arp_entry *e = &s->arp.table[i];
        if (e->state != TERN_ARP_PENDING && e->state != TERN_ARP_STABLE)
            continue;
        uint32_t d = entry_deadline(e);
        if (!any || tern_time_before(d, next))
            next = d;
        any = true;
    }
    if (!any)
        tern_timer_cancel(s, &s->arp.timer);
    else
        tern_timer_arm_at(s, &s->arp.timer, next);
}

static void expire(tern_stack *s, tern_arp_entry *e) {
    if (e->state == TERN_ARP_STABLE) {
        free_entry(s, e);
        return;
    }
    tern_netif *nif = tern_netif_by_index(s, e->ifindex);
    if (!nif || e->tries >= TERN_CFG_ARP_MAX_TRIES) {
        free_entry(s, e);
        return;
    }
    e->tries++;
    e->stamp = s->now;
    (void)tern_arp_request(nif, e->ip);
}

static void arp_timer(tern_stack *s, tern_timer *t) {
    (void)t;
    for (unsigned i = 0; i < TERN_CFG_ARP_TABLE_SIZE; i++) {
        tern_arp_entry *e = &s->arp.table[i];
        if ((e->state == TERN_ARP_PENDING || e->state == TERN_ARP_STABLE) &&
            !tern_time_before(s->now, entry_deadline(e)))
            expire(s, e);
    }
    rearm(s);
}

void tern_arp_init(tern_stack *s) {
    tern_timer_init(&s->arp.timer, arp_timer);
}

void tern_arp_deinit(tern_stack *s) {
    for (unsigned i = 0; i < TERN_CFG_ARP_TABLE_SIZE; i++)
        free_entry(s, &s->arp.table[i]);
    tern_timer_cancel(s, &s->arp.timer);
}

void tern_arp_netif_removed(tern_stack *s, tern_netif *nif) {
    for (unsigned i = 0; i < TERN_CFG_ARP_TABLE_SIZE; i++)
        if (s->arp.table[i].ifindex == nif->index)
            free_entry(s, &s->arp.table[i]);
#if TERN_CFG_ARP_ACD
    tern_acd_netif_removed(s, nif);
#endif
    rearm(s);
}

tern_err tern_arp_send(tern_netif *nif, uint16_t op, const uint8_t dst_mac[6], const uint8_t tha[6],
                       uint32_t spa, uint32_t tpa) {
    tern_stack *s = nif->stack;
    tern_pbuf *p = tern_pbuf_alloc(s, TERN_PBUF_LINK_HEADROOM, TERN_WIRE_ARP_LEN);
    if (!p)
        return TERN_ERR_NOMEM;
    tern_arp_emit(p->payload, op, nif->hwaddr, spa, tha, tpa);
    TERN_STAT_INC(s, ARP_TX);
    return tern_eth_output(nif, p, dst_mac, TERN_ETH_TYPE_ARP);
}

static const uint8_t zero_mac[6];

tern_err tern_arp_request(tern_netif *nif, uint32_t ip) {
    return tern_arp_send(nif, TERN_ARP_OP_REQUEST, tern_eth_broadcast, zero_mac, nif->ip4, ip);
}

tern_err tern_arp_announce(tern_netif *nif) {
    if (!nif->ip4)
        return TERN_ERR_INVAL;
    return tern_arp_request(nif, nif->ip4); /* a request for our own address */
}

/* Send the packets that waited for this entry. */
static void flush_queue(tern_netif *nif, tern_arp_entry *e) {
#if TERN_CFG_ARP_QUEUE
    tern_pbuf *list = e->queue, *q;
    e->queue = NULL;
    while ((q = tern_pbuf_list_pop(&list)) != NULL)
        (void)tern_eth_output(nif, q, e->mac, TERN_ETH_TYPE_IPV4);
#else
    (void)nif, (void)e;
#endif
}

/* Learn ip -> mac; create an entry only when `create` (RFC 826 merge rule). */
static void update(tern_netif *nif, uint32_t ip, const uint8_t mac[6], bool create) {
    tern_stack *s = nif->stack;
    tern_arp_entry *e = find(s, ip, nif->index);
    if (!e) {
        if (!create || !(e = alloc_entry(s)))
            return;
        e->ip = ip;
        e->ifindex = nif->index;
    }
    if (e->state == TERN_ARP_STATIC)
        return;
    memcpy(e->mac, mac, 6);
    e->state = TERN_ARP_STABLE;
    e->stamp = s->now;
    e->tries = 0;
    flush_queue(nif, e);
    rearm(s);
}

static bool ip_is_unusable_source(const tern_netif *nif, uint32_t ip) {
    return (ip >> 28) == 0xE || ip == 0xFFFFFFFFu || (nif->mask4 && (ip | nif->mask4) == 0xFFFFFFFFu);
}

/* Someone else uses our address: tell the application, defend it. */
static void conflict(tern_netif *nif, const tern_arp_repr *r) {
    tern_stack *s = nif->stack;
    TERN_STAT_INC(s, ARP_CONFLICT);
    if (s->arp.conflict_cb) {
        tern_addr ip = tern_addr_ipv4(r->spa);
        s->arp.conflict_cb(s->arp.conflict_ctx, nif, &ip, r->sha);
    }
}

void tern_arp_input(tern_netif *nif, tern_pbuf *p) {
    tern_stack *s = nif->stack;
    uint8_t scratch[TERN_WIRE_ARP_LEN];
    tern_arp_repr r;
    const uint8_t *b = tern_pbuf_view(p, 0, TERN_WIRE_ARP_LEN, scratch);
    enum tern_arp_parse_result res = b ? tern_arp_parse(b, TERN_WIRE_ARP_LEN, &r) : TERN_ARP_PARSE_SHORT;
    if (res != TERN_ARP_PARSE_OK) {
        if (res == TERN_ARP_PARSE_SHORT)
            TERN_STAT_INC(s, ARP_DROP_SHORT);
        else if (res == TERN_ARP_PARSE_FORMAT)
            TERN_STAT_INC(s, ARP_DROP_FORMAT);
        else
            TERN_STAT_INC(s, ARP_DROP_OP);
        tern_pbuf_free(s, p);
        return;
    }
    TERN_STAT_INC(s, ARP_RX);
    if (tern_mac_is_group(r.sha) || tern_mac_is_zero(r.sha) || ip_is_unusable_source(nif, r.spa) ||
        memcmp(r.sha, nif->hwaddr, 6) == 0) {
        TERN_STAT_INC(s, ARP_DROP_SRC);
        tern_pbuf_free(s, p);
        return;
    }
#if TERN_CFG_ARP_ACD
    tern_acd_arp_input(nif, &r);
#endif
    if (nif->ip4 && r.spa == nif->ip4) {
        conflict(nif, &r);
        tern_pbuf_free(s, p);
        return;
    }
    bool for_us = nif->ip4 && r.tpa == nif->ip4;
    if (r.spa)
        update(nif, r.spa, r.sha, for_us);
    tern_pbuf_free(s, p); /* before the reply takes a buffer of its own */
    if (for_us && r.op == TERN_ARP_OP_REQUEST)
        (void)tern_arp_send(nif, TERN_ARP_OP_REPLY, r.sha, r.sha, nif->ip4, r.spa);
}

static bool queue_packet(tern_stack *s, tern_arp_entry *e, tern_pbuf *p) {
#if TERN_CFG_ARP_QUEUE
    int r = tern_pbuf_fifo_push(s, &e->queue, TERN_CFG_ARP_QUEUE_LEN, p);
    if (r > 0)
        TERN_STAT_INC(s, ARP_QUEUE_DROP);
    return r >= 0;
#else
    TERN_STAT_INC(s, ARP_QUEUE_DROP);
    tern_pbuf_free(s, p);
    (void)e;
    return false;
#endif
}

static tern_err resolve(tern_netif *nif, tern_arp_entry *e, tern_pbuf *p, uint32_t next_hop);

tern_err tern_arp_output(tern_netif *nif, tern_pbuf *p, uint32_t next_hop) {
    tern_stack *s = nif->stack;
    uint8_t group[6];
    const uint8_t *mac = group; /* one send for every resolved case */
    if (next_hop == 0xFFFFFFFFu || (nif->mask4 && (next_hop & ~nif->mask4) == ~nif->mask4 &&
                                    (next_hop & nif->mask4) == (nif->ip4 & nif->mask4))) {
        mac = tern_eth_broadcast;
    } else if ((next_hop >> 28) == 0xE) {
        tern_eth_ipv4_multicast(next_hop, group);
    } else {
        tern_arp_entry *e = find(s, next_hop, nif->index);
        if (e && (e->state == TERN_ARP_STABLE || e->state == TERN_ARP_STATIC))
            mac = e->mac;
        else
            return resolve(nif, e, p, next_hop);
    }
    return tern_eth_output(nif, p, mac, TERN_ETH_TYPE_IPV4);
}

/* No usable entry for next_hop (e: a pending one, or NULL): queue p, asking first if new. */
static tern_err resolve(tern_netif *nif, tern_arp_entry *e, tern_pbuf *p, uint32_t next_hop) {
    tern_stack *s = nif->stack;
    if (!e) {
        e = alloc_entry(s);
        if (!e) {
            tern_pbuf_free(s, p);
            return TERN_ERR_NOMEM;
        }
        e->ip = next_hop;
        e->ifindex = nif->index;
        e->state = TERN_ARP_PENDING;
        e->stamp = s->now;
        e->tries = 1;
        (void)tern_arp_request(nif, next_hop);
        rearm(s);
    }
    return queue_packet(s, e, p) ? TERN_OK : TERN_ERR_NOMEM;
}

tern_err tern_arp_add_static(tern_netif *nif, const tern_addr *ip, const uint8_t mac[6]) {
    tern_stack *s = nif->stack;
    if (!s || !ip || ip->family != TERN_AF_INET || !mac)
        return TERN_ERR_INVAL;
    uint32_t a = tern_addr_get_ipv4(ip);
    tern_arp_entry *e = find(s, a, nif->index);
    if (!e && !(e = alloc_entry(s)))
        return TERN_ERR_NOMEM;
    e->ip = a;
    e->ifindex = nif->index;
    memcpy(e->mac, mac, 6);
    e->state = TERN_ARP_STATIC;
    flush_queue(nif, e);
    rearm(s);
    return TERN_OK;
}

tern_err tern_arp_remove(tern_stack *s, const tern_addr *ip) {
    if (!ip || ip->family != TERN_AF_INET)
        return TERN_ERR_INVAL;
    tern_arp_entry *e = find(s, tern_addr_get_ipv4(ip), 0);
    if (!e)
        return TERN_ERR_INVAL;
    free_entry(s, e);
    rearm(s);
    return TERN_OK;
}

bool tern_arp_lookup(tern_stack *s, const tern_addr *ip, uint8_t mac_out[6]) {
    if (!ip || ip->family != TERN_AF_INET)
        return false;
    tern_arp_entry *e = find(s, tern_addr_get_ipv4(ip), 0);
    if (!e || (e->state != TERN_ARP_STABLE && e->state != TERN_ARP_STATIC))
        return false;
    if (mac_out)
        memcpy(mac_out, e->mac, 6);
    return true;
}

void tern_arp_set_conflict_cb(tern_stack *s, tern_arp_conflict_fn fn, void *ctx) {
    s->arp.conflict_cb = fn;
    s->arp.conflict_ctx = ctx;
}

unsigned tern_arp_entries(tern_stack *s, tern_arp_info *out, unsigned max) {
    unsigned n = 0;
    for (unsigned i = 0; i < TERN_CFG_ARP_TABLE_SIZE; i++) {
        const tern_arp_entry *e = &s->arp.table[i];
        if (e->state == TERN_ARP_FREE)
            continue;
        if (n < max) {
            tern_arp_info *o = &out[n];
            o->ip = tern_addr_ipv4(e->ip);
            memcpy(o->mac, e->mac, 6);
            o->state = e->state;
            o->ifindex = e->ifindex;
            o->age_ms = s->now - e->stamp;
        }
        n++;
    }
    return n;
}

#endif /* TERN_CFG_IPV4 */
