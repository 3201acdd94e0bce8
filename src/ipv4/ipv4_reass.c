/*
 * IPv4 reassembly with hard limits: TERN_CFG_IPV4_REASS_MAX datagrams at
 * once, TERN_CFG_IPV4_REASS_MAX_PBUFS buffers held in all, datagrams of at
 * most TERN_CFG_IPV4_REASS_MAX_SIZE bytes, and a timeout. Any fragment that
 * overlaps another kills its datagram (the RFC 5722 rule, applied to IPv4);
 * an exact duplicate is dropped alone.
 *
 * Fragments are kept whole (IP header included) in a list sorted by offset;
 * their offsets are re-read from the headers, so no side table is needed.
 */
#include "core/chksum.h"
#include "ipv4/ipv4_priv.h"
#include "wire/wire.h"

#if TERN_CFG_IPV4

#if TERN_CFG_IPV4_FRAG

typedef struct frag_range {
    uint16_t off, end; /* payload bytes [off, end) */
    uint8_t hlen;
} frag_range;

static frag_range range_of(const tern_pbuf *q) {
    uint8_t scratch[8];
    const uint8_t *h = tern_pbuf_view(q, 0, 8, scratch); /* validated on input */
    frag_range r;
    r.hlen = (uint8_t)((h[0] & 0x0Fu) * 4u);
    r.off = (uint16_t)((tern_rd16(h + 6) & 0x1FFFu) * 8u);
    r.end = (uint16_t)(r.off + tern_rd16(h + 2) - r.hlen);
    return r;
}

static void free_slot(tern_stack *s, tern_ipv4_reass *r) {
    (void)tern_pbuf_list_free(s, r->frags);
    s->ipv4.reass_pbufs = (uint16_t)(s->ipv4.reass_pbufs - r->nbufs);
    r->frags = NULL;
    r->nbufs = 0;
    r->have = 0;
    r->total = 0;
}

static bool slot_used(const tern_ipv4_reass *r) {
    return r->frags != NULL;
}

static void rearm(tern_stack *s) {
    bool any = false;
    uint32_t next = 0;
    for (unsigned i = 0; i < TERN_CFG_IPV4_REASS_MAX; i++) {
        const tern_ipv4_reass *r = &s->ipv4.reass[i];
        if (slot_used(r) && (!any || tern_time_before(r->deadline, next))) {
            next = r->deadline;
            any = true;
        }
    }
    if (!any)
        tern_timer_cancel(s, &s->ipv4.reass_timer);
    else
        tern_timer_arm_at(s, &s->ipv4.reass_timer, next);
}

static void reass_timer(tern_stack *s, tern_timer *t) {
    (void)t;
    for (unsigned i = 0; i < TERN_CFG_IPV4_REASS_MAX; i++) {
        tern_ipv4_reass *r = &s->ipv4.reass[i];
        if (!slot_used(r) || tern_time_before(s->now, r->deadline))
            continue;
        TERN_STAT_INC(s, IPV4_REASS_TIMEOUT);
        /* RFC 792: time exceeded (reassembly) only if the first fragment came. */
        if (TERN_CFG_ICMP && range_of(r->frags).off == 0)
            tern_icmp_send_error(s, r->frags, TERN_ICMP_TIME_EXCEEDED, 1, 0);
        free_slot(s, r);
    }
    rearm(s);
}

void tern_ipv4_reass_init(tern_stack *s) {
    tern_timer_init(&s->ipv4.reass_timer, reass_timer);
}

void tern_ipv4_reass_deinit(tern_stack *s) {
    for (unsigned i = 0; i < TERN_CFG_IPV4_REASS_MAX; i++)
        if (slot_used(&s->ipv4.reass[i]))
            free_slot(s, &s->ipv4.reass[i]);
    tern_timer_cancel(s, &s->ipv4.reass_timer);
}

static tern_ipv4_reass *oldest_other(tern_stack *s, const tern_ipv4_reass *keep) {
    tern_ipv4_reass *old = NULL;
    for (unsigned i = 0; i < TERN_CFG_IPV4_REASS_MAX; i++) {
        tern_ipv4_reass *r = &s->ipv4.reass[i];
        if (r != keep && slot_used(r) && (!old || tern_time_before(r->deadline, old->deadline)))
            old = r;
    }
    return old;
}

/* The datagram's slot; a new one (evicting the oldest when full) if none. */
static tern_ipv4_reass *find_slot(tern_stack *s, const tern_ipv4_repr *ip) {
    tern_ipv4_reass *free_r = NULL;
    for (unsigned i = 0; i < TERN_CFG_IPV4_REASS_MAX; i++) {
        tern_ipv4_reass *r = &s->ipv4.reass[i];
        if (!slot_used(r)) {
            if (!free_r)
                free_r = r;
            continue;
        }
        if (r->src == ip->src && r->dst == ip->dst && r->id == ip->id && r->proto == ip->proto)
            return r;
    }
    if (!free_r) {
        free_r = oldest_other(s, NULL);
        TERN_STAT_INC(s, IPV4_REASS_DROP_FULL);
        free_slot(s, free_r);
    }
    free_r->src = ip->src;
    free_r->dst = ip->dst;
    free_r->id = ip->id;
    free_r->proto = ip->proto;
    free_r->deadline = s->now + TERN_CFG_IPV4_REASS_TIMEOUT_MS;
    return free_r;
}

/* Make room for n more held buffers by evicting other datagrams. */
static bool reserve_buffers(tern_stack *s, const tern_ipv4_reass *keep, unsigned n) {
    while (s->ipv4.reass_pbufs + n > TERN_CFG_IPV4_REASS_MAX_PBUFS) {
        tern_ipv4_reass *victim = oldest_other(s, keep);
        if (!victim)
            return false;
        TERN_STAT_INC(s, IPV4_REASS_DROP_FULL);
        free_slot(s, victim);
    }
    return true;
}

enum insert_result { INSERTED, DUPLICATE, OVERLAP };

static enum insert_result insert(tern_ipv4_reass *r, tern_pbuf *p, frag_range fr) {
    tern_pbuf **pp = &r->frags;
    for (; *pp; pp = &(*pp)->next_pkt) {
        frag_range q = range_of(*pp);
        if (fr.off == q.off && fr.end == q.end)
            return DUPLICATE;
        if (fr.off < q.end && q.off < fr.end)
            return OVERLAP;
        if (fr.end <= q.off)
            break;
    }
    p->next_pkt = *pp;
    *pp = p;
    return INSERTED;
}

/* Join the sorted fragments into one datagram behind the first header. */
static tern_pbuf *assemble(tern_stack *s, tern_ipv4_reass *r, tern_ipv4_repr *ip) {
    tern_pbuf *first = r->frags;
    tern_pbuf *rest = first->next_pkt;
    frag_range f0 = range_of(first);
    r->frags = NULL;
    s->ipv4.reass_pbufs = (uint16_t)(s->ipv4.reass_pbufs - r->nbufs);
    r->nbufs = 0;
    first->next_pkt = NULL;
    uint32_t total = (uint32_t)f0.hlen + r->total;
    first = tern_pbuf_make_writable(s, first, 0, f0.hlen);
    for (tern_pbuf *q; (q = tern_pbuf_list_pop(&rest)) != NULL;) {
        q = tern_pbuf_strip(s, q, range_of(q).hlen);
        if (!first || tern_pbuf_cat(first, q) != TERN_OK)
            tern_pbuf_free(s, q); /* cannot pass 65535: size checked before */
    }
    r->have = 0;
    r->total = 0;
    if (!first)
        return NULL;
    if (total > 0xFFFFu) {
        TERN_STAT_INC(s, IPV4_REASS_DROP_SIZE);
        tern_pbuf_free(s, first);
        return NULL;
    }
    uint8_t *h = first->payload;
    tern_wr16(h + 2, (uint16_t)total);
    tern_wr16(h + 6, 0);
    h[10] = 0;
    h[11] = 0;
    tern_csum_store(h + 10, tern_csum_finish(tern_csum_partial(h, f0.hlen, 0)));
    ip->total_len = (uint16_t)total;
    ip->hlen = f0.hlen;
    ip->mf = 0;
    ip->frag_off = 0;
    TERN_STAT_INC(s, IPV4_REASS_OK);
    return first;
}

static tern_pbuf *kill(tern_stack *s, tern_ipv4_reass *r, tern_pbuf *p) {
    tern_pbuf_free(s, p);
    free_slot(s, r);
    rearm(s);
    return NULL;
}

tern_pbuf *tern_ipv4_reass_input(tern_stack *s, tern_pbuf *p, tern_ipv4_repr *ip) {
    uint16_t len = (uint16_t)(ip->total_len - ip->hlen);
    uint32_t end = (uint32_t)ip->frag_off + len; /* may pass 65535: checked before use */
    if (!len || (ip->mf && (len & 7u))) {
        TERN_STAT_INC(s, IPV4_REASS_DROP_BAD);
        tern_pbuf_free(s, p);
        return NULL;
    }
    tern_ipv4_reass *r = find_slot(s, ip);
    if (end + TERN_WIRE_IPV4_HLEN > TERN_CFG_IPV4_REASS_MAX_SIZE) {
        TERN_STAT_INC(s, IPV4_REASS_DROP_SIZE);
        return kill(s, r, p);
    }
    frag_range fr = {ip->frag_off, (uint16_t)end, ip->hlen};
    /* The last fragment fixes the size; nothing may lie beyond it. */
    if ((r->total && (fr.end > r->total || (!ip->mf && fr.end != r->total)))) {
        TERN_STAT_INC(s, IPV4_REASS_DROP_BAD);
        return kill(s, r, p);
    }
    unsigned nbufs = tern_pbuf_count(p);
    if (!reserve_buffers(s, r, nbufs)) {
        TERN_STAT_INC(s, IPV4_REASS_DROP_FULL);
        tern_pbuf_free(s, p);
        if (!slot_used(r))
            rearm(s);
        return NULL;
    }
    switch (insert(r, p, fr)) {
    case DUPLICATE:
        TERN_STAT_INC(s, IPV4_REASS_DROP_OVERLAP);
        tern_pbuf_free(s, p);
        return NULL;
    case OVERLAP:
        TERN_STAT_INC(s, IPV4_REASS_DROP_OVERLAP);
        return kill(s, r, p);
    case INSERTED:
        break;
    }
    r->nbufs = (uint16_t)(r->nbufs + nbufs);
    s->ipv4.reass_pbufs = (uint16_t)(s->ipv4.reass_pbufs + nbufs);
    r->have = (uint16_t)(r->have + (fr.end - fr.off));
    if (!ip->mf) {
        /* A fragment already beyond the end makes the datagram impossible. */
        for (tern_pbuf *q = r->frags; q; q = q->next_pkt)
            if (range_of(q).end > fr.end) {
                TERN_STAT_INC(s, IPV4_REASS_DROP_BAD);
                return kill(s, r, NULL);
            }
        r->total = fr.end;
    }
    if (r->total && r->have == r->total) {
        p = assemble(s, r, ip);
        rearm(s);
        return p;
    }
    rearm(s);
    return NULL;
}

#endif

#endif /* TERN_CFG_IPV4 */
