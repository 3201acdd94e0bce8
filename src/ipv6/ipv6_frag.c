/*
 * IPv6 fragmentation (RFC 8200 4.5): reassembly with hard limits
 * (TERN_CFG_IPV6_REASS_MAX datagrams, TERN_CFG_IPV6_REASS_MAX_PBUFS buffers,
 * TERN_CFG_IPV6_REASS_MAX_SIZE bytes, a timeout); overlapping fragments
 * discard the datagram (RFC 5722); a first fragment must carry the whole
 * header chain through the upper-layer header (RFC 7112). Output splits a
 * packet larger than the path MTU (only the source fragments in IPv6).
 */
#include "ipv6/ipv6_priv.h"

#if TERN_CFG_IPV6 && TERN_CFG_IPV6_FRAG

#include <string.h>

#include "wire/wire.h"

typedef struct frag_range {
    uint16_t off, end; /* fragmentable bytes [off, end) */
    uint16_t hdr;      /* where its fragment header is in the buffer */
    uint8_t more;
} frag_range;

static frag_range range_of(const tern_ipv6_reass *r, const tern_pbuf *q) {
    uint8_t h[8];
    frag_range fr;
    fr.hdr = (r->have_first && q == r->frags) ? r->unfrag_len : 0;
    (void)tern_pbuf_copy_out(q, fr.hdr, h, 8); /* checked on input */
    tern_ipv6_frag_repr f;
    tern_ipv6_frag_parse(h, &f);
    fr.off = f.offset;
    fr.end = (uint16_t)(f.offset + (q->tot_len - fr.hdr - TERN_WIRE_IPV6_FRAG_HLEN));
    fr.more = f.more;
    return fr;
}

static void free_slot(tern_stack *s, tern_ipv6_reass *r) {
    (void)tern_pbuf_list_free(s, r->frags);
    s->ipv6.reass_pbufs = (uint16_t)(s->ipv6.reass_pbufs - r->nbufs);
    memset(r, 0, sizeof *r);
}

void tern_ipv6_reass_timer(tern_stack *s) {
    for (unsigned i = 0; i < TERN_CFG_IPV6_REASS_MAX; i++) {
        tern_ipv6_reass *r = &s->ipv6.reass[i];
        if (!r->frags || tern_time_before(s->now, r->deadline))
            continue;
        TERN_STAT_INC(s, IPV6_REASS_TIMEOUT);
        tern_netif *nif = tern_netif_by_index(s, r->ifindex);
        if (nif && r->have_first) /* RFC 8200 4.5: time exceeded, only with the first fragment */
            tern_icmp6_send_error(nif, r->frags, TERN_ICMP6_TIME_EXCEEDED, 1, 0, false);
        free_slot(s, r);
    }
}

void tern_ipv6_reass_next_due(tern_stack *s, bool *any, uint32_t *next) {
    for (unsigned i = 0; i < TERN_CFG_IPV6_REASS_MAX; i++)
        if (s->ipv6.reass[i].frags)
            tern_ipv6_due_min(any, next, s->ipv6.reass[i].deadline);
}

void tern_ipv6_reass_deinit(tern_stack *s) {
    for (unsigned i = 0; i < TERN_CFG_IPV6_REASS_MAX; i++)
        if (s->ipv6.reass[i].frags)
            free_slot(s, &s->ipv6.reass[i]);
}

static tern_ipv6_reass *oldest_other(tern_stack *s, const tern_ipv6_reass *keep) {
    tern_ipv6_reass *old = NULL;
    for (unsigned i = 0; i < TERN_CFG_IPV6_REASS_MAX; i++) {
        tern_ipv6_reass *r = &s->ipv6.reass[i];
        if (r != keep && r->frags && (!old || tern_time_before(r->deadline, old->deadline)))
            old = r;
    }
    return old;
}

static tern_ipv6_reass *find_slot(tern_netif *nif, const tern_ipv6_repr *ip, uint32_t id) {
    tern_stack *s = nif->stack;
    tern_ipv6_reass *free_r = NULL;
    for (unsigned i = 0; i < TERN_CFG_IPV6_REASS_MAX; i++) {
        tern_ipv6_reass *r = &s->ipv6.reass[i];
        if (!r->frags) {
            if (!free_r)
                free_r = r;
            continue;
        }
        if (r->id == id && r->ifindex == nif->index && memcmp(r->src, ip->src, 16) == 0 &&
            memcmp(r->dst, ip->dst, 16) == 0)
            return r;
    }
    if (!free_r) {
        free_r = oldest_other(s, NULL);
        TERN_STAT_INC(s, IPV6_REASS_DROP_FULL);
        free_slot(s, free_r);
    }
    memcpy(free_r->src, ip->src, 16);
    memcpy(free_r->dst, ip->dst, 16);
    free_r->id = id;
    free_r->ifindex = nif->index;
    free_r->deadline = s->now + TERN_CFG_IPV6_REASS_TIMEOUT_MS;
    return free_r;
}

static bool reserve_buffers(tern_stack *s, const tern_ipv6_reass *keep, unsigned n) {
    while (s->ipv6.reass_pbufs + n > TERN_CFG_IPV6_REASS_MAX_PBUFS) {
        tern_ipv6_reass *victim = oldest_other(s, keep);
        if (!victim)
            return false;
        TERN_STAT_INC(s, IPV6_REASS_DROP_FULL);
        free_slot(s, victim);
    }
    return true;
}

/* RFC 7112: from the fragment header at off, the rest of the chain and the
 * start of the upper-layer header are all inside this first fragment. */
static bool chain_complete(const tern_pbuf *p, uint16_t off, uint8_t nh) {
    uint32_t o = (uint32_t)off + TERN_WIRE_IPV6_FRAG_HLEN;
    for (unsigned count = 0; count <= TERN_CFG_IPV6_MAX_EXT_HEADERS; count++) {
        uint8_t h[2];
        switch (nh) {
        case TERN_IP_PROTO_HOPOPT:
        case TERN_IP_PROTO_ROUTING:
        case TERN_IP_PROTO_DSTOPTS:
            if (tern_pbuf_copy_out(p, (uint16_t)o, h, 2) != 2)
                return false;
            nh = h[0];
            o += (h[1] + 1u) * 8u;
            if (o > p->tot_len)
                return false;
            break;
        case TERN_IP_PROTO_FRAGMENT:
            return false;
        case TERN_IP_PROTO_NONE:
            return true;
        default: {
            uint32_t need = nh == TERN_IP_PROTO_ICMPV6 ? 4u : nh == 17 ? 8u : nh == 6 ? 20u : 1u;
            return o + need <= p->tot_len;
        }
        }
    }
    return false;
}

enum insert_result { INSERTED, DUPLICATE, OVERLAP };

static enum insert_result insert(tern_ipv6_reass *r, tern_pbuf *p, frag_range fr) {
    tern_pbuf **pp = &r->frags;
    for (; *pp; pp = &(*pp)->next_pkt) {
        frag_range q = range_of(r, *pp);
        if (fr.off == q.off && fr.end == q.end)
            return DUPLICATE;
        if (fr.off < q.end && q.off < fr.end)
            return OVERLAP;
        if (fr.off < q.off)
            break;
    }
    p->next_pkt = *pp;
    *pp = p;
    return INSERTED;
}

/* Every fragment is in: the first one's unfragmentable part, then all the
 * payloads in order, without fragment headers. */
static tern_pbuf *assemble(tern_stack *s, tern_ipv6_reass *r) {
    tern_pbuf *head = r->frags, *rest = head->next_pkt;
    uint16_t ulen = r->unfrag_len, field = r->nh_field;
    head->next_pkt = NULL;
    r->frags = NULL;
    s->ipv6.reass_pbufs = (uint16_t)(s->ipv6.reass_pbufs - r->nbufs);
    memset(r, 0, sizeof *r);
    head = tern_pbuf_make_writable(s, head, TERN_PBUF_LINK_HEADROOM,
                                   (uint16_t)(ulen + TERN_WIRE_IPV6_FRAG_HLEN));
    bool ok = head != NULL;
    if (ok) {
        uint8_t nh = head->payload[ulen];
        memmove(head->payload + TERN_WIRE_IPV6_FRAG_HLEN, head->payload, ulen);
        (void)tern_pbuf_pull(head, TERN_WIRE_IPV6_FRAG_HLEN);
        head->payload[field] = nh;
    }
    for (tern_pbuf *q; (q = tern_pbuf_list_pop(&rest)) != NULL;) {
        if (!ok) {
            tern_pbuf_free(s, q);
            continue;
        }
        q = tern_pbuf_strip(s, q, TERN_WIRE_IPV6_FRAG_HLEN);
        if (tern_pbuf_cat(head, q) != TERN_OK) {
            tern_pbuf_free(s, q);
            ok = false;
        }
    }
    if (!ok) {
        TERN_STAT_INC(s, IPV6_REASS_DROP_SIZE);
        tern_pbuf_free(s, head);
        return NULL;
    }
    tern_wr16(head->payload + 4, (uint16_t)(head->tot_len - TERN_WIRE_IPV6_HLEN));
    TERN_STAT_INC(s, IPV6_REASS_OK);
    return head;
}

/* The checks that need no reassembly state (RFC 8200 4.5, RFC 7112); false,
 * with p counted and freed, if the fragment goes. */
static bool fragment_ok(tern_netif *nif, tern_pbuf *p, uint16_t off, const tern_ipv6_frag_repr *f,
                        uint32_t len) {
    tern_stack *s = nif->stack;
    if (f->more && (len == 0 || len % 8u)) { /* pointer at the payload length */
        TERN_STAT_INC(s, IPV6_REASS_DROP_BAD);
        tern_icmp6_send_error(nif, p, TERN_ICMP6_PARAM_PROBLEM, 0, 4, false);
    } else if (f->offset + len > 65535u - TERN_WIRE_IPV6_HLEN) { /* pointer at the offset */
        TERN_STAT_INC(s, IPV6_REASS_DROP_SIZE);
        tern_icmp6_send_error(nif, p, TERN_ICMP6_PARAM_PROBLEM, 0, (uint32_t)off + 2u, false);
    } else if (f->offset + len > TERN_CFG_IPV6_REASS_MAX_SIZE) {
        TERN_STAT_INC(s, IPV6_REASS_DROP_SIZE);
    } else if (f->offset == 0 && !chain_complete(p, off, f->next_header)) {
        TERN_STAT_INC(s, IPV6_REASS_DROP_CHAIN);
        tern_icmp6_send_error(nif, p, TERN_ICMP6_PARAM_PROBLEM, 3, 0, false);
    } else {
        return true;
    }
    tern_pbuf_free(s, p);
    return false;
}

/* Whether fr fits what the datagram's last fragment said its end is. */
static bool fits_total(const tern_ipv6_reass *r, frag_range fr) {
    if (!r->total)
        return true;
    return fr.more ? fr.end <= r->total : fr.end == r->total;
}

/* Drop p and the whole datagram r was collecting. */
static tern_pbuf *drop_datagram(tern_stack *s, tern_ipv6_reass *r, tern_pbuf *p) {
    free_slot(s, r);
    tern_pbuf_free(s, p);
    return NULL;
}

tern_pbuf *tern_ipv6_reass_input(tern_netif *nif, tern_pbuf *p, const tern_ipv6_repr *ip, uint16_t off,
                                 uint16_t nh_field, const tern_ipv6_frag_repr *f) {
    tern_stack *s = nif->stack;
    uint32_t len = (uint32_t)p->tot_len - off - TERN_WIRE_IPV6_FRAG_HLEN;
    if (!fragment_ok(nif, p, off, f, len))
        return NULL;
    tern_ipv6_reass *r = find_slot(nif, ip, f->id);
    if (f->offset) {
        p = tern_pbuf_strip(s, p, off); /* only the first keeps its headers */
    } else if (r->have_first) {
        TERN_STAT_INC(s, IPV6_REASS_DROP_OVERLAP); /* a second first fragment */
        return drop_datagram(s, r, p);
    }
    frag_range fr = {.off = f->offset, .end = (uint16_t)(f->offset + len), .more = f->more};
    if (!fits_total(r, fr)) {
        TERN_STAT_INC(s, IPV6_REASS_DROP_BAD);
        return drop_datagram(s, r, p);
    }
    unsigned nbufs = tern_pbuf_count(p);
    if (!reserve_buffers(s, r, nbufs) || r->nbufs + nbufs > 255u) {
        TERN_STAT_INC(s, IPV6_REASS_DROP_FULL);
        return drop_datagram(s, r, p);
    }
    enum insert_result ir = insert(r, p, fr);
    if (ir == DUPLICATE) { /* the slot holds the original: keep it */
        tern_pbuf_free(s, p);
        return NULL;
    }
    if (ir == OVERLAP) { /* RFC 5722: the whole datagram goes */
        TERN_STAT_INC(s, IPV6_REASS_DROP_OVERLAP);
        return drop_datagram(s, r, p);
    }
    if (fr.off == 0) {
        r->have_first = 1;
        r->unfrag_len = off;
        r->nh_field = nh_field;
    }
    r->nbufs = (uint8_t)(r->nbufs + nbufs);
    s->ipv6.reass_pbufs = (uint16_t)(s->ipv6.reass_pbufs + nbufs);
    r->have = (uint16_t)(r->have + len);
    if (!fr.more)
        r->total = fr.end;
    tern_ipv6_rearm(s);
    if (!r->have_first || !r->total || r->have != r->total)
        return NULL;
    return assemble(s, r);
}

tern_err tern_ipv6_fragment(tern_netif *nif, tern_pbuf *p, const uint8_t next_hop[16], uint16_t mtu,
                            uint16_t unfrag_len) {
    tern_stack *s = nif->stack;
    uint16_t chunk = (uint16_t)(((unsigned)mtu - unfrag_len - TERN_WIRE_IPV6_FRAG_HLEN) & ~7u);
    uint16_t total = (uint16_t)(p->tot_len - unfrag_len);
    uint16_t field = unfrag_len == TERN_WIRE_IPV6_HLEN ? 6 : TERN_WIRE_IPV6_HLEN; /* ours: HBH or nothing */
    uint8_t nh = 0;
    tern_err err = TERN_OK;
    (void)tern_pbuf_copy_out(p, field, &nh, 1);
    tern_ipv6_frag_repr f = {.next_header = nh, .id = ++s->ipv6.frag_id};
    if (f.id == 1)
        f.id = s->ipv6.frag_id = tern_random(s) | 1u;
    for (uint16_t o = 0; o < total && err == TERN_OK; o = (uint16_t)(o + chunk)) {
        uint16_t len = (uint16_t)(total - o < chunk ? total - o : chunk);
        uint16_t flen = (uint16_t)(unfrag_len + TERN_WIRE_IPV6_FRAG_HLEN + len);
        tern_pbuf *q = tern_pbuf_alloc(s, TERN_PBUF_LINK_HEADROOM, flen);
        if (!q) {
            err = TERN_ERR_NOMEM;
            break;
        }
        uint8_t fh[8], plen[2], fnh = TERN_IP_PROTO_FRAGMENT;
        f.offset = o;
        f.more = (uint8_t)(o + len < total);
        tern_ipv6_frag_emit(fh, &f);
        tern_wr16(plen, (uint16_t)(flen - TERN_WIRE_IPV6_HLEN));
        if (tern_pbuf_copy_pbuf(q, 0, p, 0, unfrag_len) != TERN_OK ||
            tern_pbuf_copy_pbuf(q, (uint16_t)(unfrag_len + 8u), p, (uint16_t)(unfrag_len + o), len) !=
                TERN_OK ||
            tern_pbuf_copy_in(q, unfrag_len, fh, 8) != TERN_OK ||
            tern_pbuf_copy_in(q, 4, plen, 2) != TERN_OK || tern_pbuf_copy_in(q, field, &fnh, 1) != TERN_OK) {
            tern_pbuf_free(s, q);
            err = TERN_ERR_BUF;
            break;
        }
        TERN_STAT_INC(s, IPV6_FRAG_TX);
        err = tern_nd_output(nif, q, next_hop);
    }
    tern_pbuf_free(s, p);
    return err;
}

#endif
