/* Packet buffers (see tern/pbuf.h for the model and ownership rules). */
#include "tern/pbuf.h"

#include <string.h>

#include "core/core.h"

/* A segment lending read-only memory (never written). Without reference
 * buffers (TERN_CFG_PBUF_REF_COUNT 0) there are none: the checks vanish. */
#define IS_REF(p) (TERN_CFG_PBUF_REF_COUNT && (p)->kind == TERN_PBUF_REF)

/* Carry the receive flags and interface over to a new head segment: the two
 * adjacent bytes as one copy. */
_Static_assert(offsetof(tern_pbuf, ifindex) == offsetof(tern_pbuf, flags) + 1, "tern: pbuf flags, ifindex");
static inline void copy_meta(tern_pbuf *to, const tern_pbuf *from) {
    memcpy(&to->flags, &from->flags, 2);
}

static tern_pbuf *pool_segment(tern_stack *s, uint16_t headroom, uint16_t len) {
    tern_pbuf_pool_elem *e = tern_pool_get(&s->pbuf_pool);
#if TERN_CFG_TCP
    if (!e && tern_tcp_reclaim(s))
        e = tern_pool_get(&s->pbuf_pool);
#endif
    if (!e)
        return NULL;
    tern_pbuf *p = &e->p;
    p->next = NULL;
    p->next_pkt = NULL;
    p->payload = e->data + headroom;
    p->len = len;
    p->tot_len = len;
    p->headroom = headroom;
    p->kind = TERN_PBUF_POOL;
    p->ref = 1;
    p->flags = 0;
    p->ifindex = 0;
#if TERN_CFG_NETIF_OFFLOAD
    p->gso_size = 0;
#endif
    return p;
}

tern_pbuf *tern_pbuf_alloc(tern_stack *s, uint16_t headroom, uint16_t len) {
    if (headroom > TERN_CFG_PBUF_SIZE)
        return NULL;
    unsigned first = TERN_CFG_PBUF_SIZE - headroom;
    if (first > len)
        first = len;
    tern_pbuf *head = pool_segment(s, headroom, (uint16_t)first);
    if (!head)
        return NULL;
    unsigned left = len - first;
    tern_pbuf *tail = head;
    while (left) {
        uint16_t n = left > TERN_CFG_PBUF_SIZE ? TERN_CFG_PBUF_SIZE : (uint16_t)left;
        tern_pbuf *seg = pool_segment(s, 0, n);
        if (!seg) {
            tern_pbuf_free(s, head);
            return NULL;
        }
        tail->next = seg;
        tail = seg;
        left -= n;
    }
    /* tot_len of each segment covers it and everything after it. */
    unsigned tot = len;
    for (tern_pbuf *q = head; q; q = q->next) {
        q->tot_len = (uint16_t)tot;
        tot -= q->len;
    }
    return head;
}

#if TERN_CFG_PBUF_REF_COUNT
static tern_pbuf *ref_segment(tern_stack *s, uint8_t kind, void *data, uint16_t headroom, uint16_t len) {
    tern_pbuf_ref_elem *e = tern_pool_get(&s->ref_pool);
    if (!e)
        return NULL;
    tern_pbuf *p = &e->p;
    memset(e, 0, sizeof *e);
    p->payload = (uint8_t *)data + headroom;
    p->len = len;
    p->tot_len = len;
    p->headroom = headroom;
    p->kind = kind;
    p->ref = 1;
    e->data = data;
    return p;
}

tern_pbuf *tern_pbuf_alloc_ref(tern_stack *s, const void *data, uint16_t len) {
    /* The stack never writes a REF segment: headroom stays 0 and the
     * const is only shed to fit the common payload pointer. */
    return ref_segment(s, TERN_PBUF_REF, (void *)(uintptr_t)data, 0, len);
}

tern_pbuf *tern_pbuf_alloc_ext(tern_stack *s, void *data, uint16_t headroom, uint16_t len,
                               tern_pbuf_free_fn free_fn, void *ctx) {
    tern_pbuf *p = ref_segment(s, TERN_PBUF_EXT, data, headroom, len);
    if (!p) {
        if (free_fn)
            free_fn(ctx, data);
        return NULL;
    }
    tern_pbuf_ref_elem *e = (tern_pbuf_ref_elem *)(void *)p;
    e->free_fn = free_fn;
    e->ctx = ctx;
    return p;
}
#else
tern_pbuf *tern_pbuf_alloc_ref(tern_stack *s, const void *data, uint16_t len) {
    (void)s, (void)data, (void)len;
    return NULL;
}
tern_pbuf *tern_pbuf_alloc_ext(tern_stack *s, void *data, uint16_t headroom, uint16_t len,
                               tern_pbuf_free_fn free_fn, void *ctx) {
    (void)s, (void)headroom, (void)len;
    if (free_fn)
        free_fn(ctx, data);
    return NULL;
}
#endif

void tern_pbuf_ref(tern_pbuf *p) {
    if (p)
        p->ref++;
}

static void release_segment(tern_stack *s, tern_pbuf *p) {
#if TERN_CFG_PBUF_REF_COUNT
    if (p->kind != TERN_PBUF_POOL) {
        tern_pbuf_ref_elem *e = (tern_pbuf_ref_elem *)(void *)p;
        if (p->kind == TERN_PBUF_EXT && e->free_fn)
            e->free_fn(e->ctx, e->data);
        tern_pool_put(&s->ref_pool, e);
        return;
    }
#endif
    tern_pool_put(&s->pbuf_pool, p);
}

void tern_pbuf_free(tern_stack *s, tern_pbuf *p) {
    while (p) {
        if (--p->ref)
            return; /* still referenced: so is the rest of the chain */
        tern_pbuf *next = p->next;
        release_segment(s, p);
        p = next;
    }
}

tern_err tern_pbuf_cat(tern_pbuf *head, tern_pbuf *tail) {
    if ((uint32_t)head->tot_len + tail->tot_len > 0xFFFFu)
        return TERN_ERR_BUF;
    tern_pbuf *q = head;
    for (;;) {
        q->tot_len = (uint16_t)(q->tot_len + tail->tot_len);
        if (!q->next)
            break;
        q = q->next;
    }
    q->next = tail;
    return TERN_OK;
}

tern_err tern_pbuf_push(tern_pbuf *p, uint16_t n) {
    if (n > p->headroom || IS_REF(p))
        return TERN_ERR_BUF;
    if ((uint32_t)p->tot_len + n > 0xFFFFu)
        return TERN_ERR_BUF;
    p->payload -= n;
    p->headroom = (uint16_t)(p->headroom - n);
    p->len = (uint16_t)(p->len + n);
    p->tot_len = (uint16_t)(p->tot_len + n);
    return TERN_OK;
}

tern_err tern_pbuf_pull(tern_pbuf *p, uint16_t n) {
    if (n > p->len)
        return TERN_ERR_BUF;
    p->payload += n;
    p->headroom = (uint16_t)(p->headroom + n);
    p->len = (uint16_t)(p->len - n);
    p->tot_len = (uint16_t)(p->tot_len - n);
    return TERN_OK;
}

tern_pbuf *tern_pbuf_prepend(tern_stack *s, tern_pbuf *p, uint16_t n, uint16_t headroom) {
    if ((uint32_t)p->tot_len + n > 0xFFFFu) {
        tern_pbuf_free(s, p);
        return NULL;
    }
    if (p->ref == 1 && tern_pbuf_push(p, n) == TERN_OK)
        return p;
    tern_pbuf *h = tern_pbuf_alloc(s, headroom, n);
    if (!h) {
        tern_pbuf_free(s, p);
        return NULL;
    }
    copy_meta(h, p);
#if TERN_CFG_NETIF_OFFLOAD
    h->gso_size = p->gso_size;
#endif
    tern_pbuf_cat(h, p);
    return h;
}

tern_pbuf *tern_pbuf_strip(tern_stack *s, tern_pbuf *p, uint16_t n) {
    unsigned left = n;
    while (p && left >= p->len && p->next) {
        tern_pbuf *next = p->next;
        left -= p->len;
        tern_pbuf_ref(next); /* keep the rest alive while releasing this segment */
        copy_meta(next, p);
        tern_pbuf_free(s, p);
        p = next;
    }
    if (p && tern_pbuf_pull(p, (uint16_t)(left < p->len ? left : p->len)) != TERN_OK) {
        tern_pbuf_free(s, p);
        return NULL;
    }
    return p;
}

void tern_pbuf_trim(tern_stack *s, tern_pbuf *p, uint16_t new_len) {
    if (new_len >= p->tot_len)
        return;
    tern_pbuf *q = p;
    uint16_t left = new_len; /* bytes kept from q on */
    while (left > q->len) {
        q->tot_len = left;
        left = (uint16_t)(left - q->len);
        q = q->next;
    }
    q->len = left;
    q->tot_len = left;
    tern_pbuf *rest = q->next;
    q->next = NULL;
    tern_pbuf_free(s, rest);
}

/* Copy len bytes between the chain at offset and buf (into the chain when
 * in); stops short at the end of the chain, or at a read-only segment when
 * writing. Returns the bytes copied. */
static unsigned copy(const tern_pbuf *p, unsigned offset, uint8_t *buf, unsigned len, bool in) {
    unsigned done = 0;
    for (; p && done < len; p = p->next) {
        if (offset >= p->len) {
            offset -= p->len;
            continue;
        }
        if (in && IS_REF(p))
            break;
        unsigned n = p->len - offset;
        if (n > len - done)
            n = len - done;
        if (in)
            memcpy(p->payload + offset, buf + done, n);
        else
            memcpy(buf + done, p->payload + offset, n);
        done += n;
        offset = 0;
    }
    return done;
}

uint16_t tern_pbuf_copy_out(const tern_pbuf *p, uint16_t offset, void *dst, uint16_t len) {
    return (uint16_t)copy(p, offset, dst, len, false); /* at most len */
}

tern_err tern_pbuf_copy_in(tern_pbuf *p, uint16_t offset, const void *src, uint16_t len) {
    if ((uint32_t)offset + len > p->tot_len || copy(p, offset, (uint8_t *)(uintptr_t)src, len, true) != len)
        return TERN_ERR_BUF;
    return TERN_OK;
}

tern_err tern_pbuf_copy_pbuf(tern_pbuf *dst, uint16_t dst_off, const tern_pbuf *src, uint16_t src_off,
                             uint16_t len) {
    if ((uint32_t)dst_off + len > dst->tot_len || (uint32_t)src_off + len > src->tot_len)
        return TERN_ERR_BUF;
    unsigned doff = dst_off, soff = src_off, left = len;
    for (tern_pbuf *seg = dst; seg && left; seg = seg->next) {
        if (doff >= seg->len) {
            doff -= seg->len;
            continue;
        }
        if (IS_REF(seg))
            return TERN_ERR_BUF;
        unsigned n = seg->len - doff;
        if (n > left)
            n = left;
        copy(src, soff, seg->payload + doff, n, false);
        soff += n;
        left -= n;
        doff = 0;
    }
    return TERN_OK;
}

const uint8_t *tern_pbuf_view(const tern_pbuf *p, uint16_t offset, uint16_t len, uint8_t *scratch) {
    if ((uint32_t)offset + len > p->tot_len)
        return NULL;
    if ((uint32_t)offset + len <= p->len)
        return p->payload + offset;
    tern_pbuf_copy_out(p, offset, scratch, len);
    return scratch;
}

tern_pbuf *tern_pbuf_clone(tern_stack *s, uint16_t headroom, const tern_pbuf *p) {
    tern_pbuf *q = tern_pbuf_alloc(s, headroom, p->tot_len);
    if (!q)
        return NULL;
    (void)tern_pbuf_copy_pbuf(q, 0, p, 0, p->tot_len); /* fresh pool segments: cannot fail */
    copy_meta(q, p);
    return q;
}

tern_pbuf *tern_pbuf_make_writable(tern_stack *s, tern_pbuf *p, uint16_t headroom, uint16_t len) {
    if (len > p->tot_len)
        len = p->tot_len;
    if (!IS_REF(p) && p->ref == 1 && p->headroom >= headroom && p->len >= len)
        return p;
    /* Copy the first len bytes into a fresh segment; chain the rest behind. */
    if ((uint32_t)headroom + len > TERN_CFG_PBUF_SIZE) {
        tern_pbuf_free(s, p);
        return NULL;
    }
    tern_pbuf *q = pool_segment(s, headroom, len);
    if (!q) {
        tern_pbuf_free(s, p);
        return NULL;
    }
    tern_pbuf_copy_out(p, 0, q->payload, len);
    copy_meta(q, p);
    tern_pbuf *rest = tern_pbuf_strip(s, p, len);
    if (rest && rest->tot_len)
        tern_pbuf_cat(q, rest);
    else
        tern_pbuf_free(s, rest);
    return q;
}

unsigned tern_pbuf_count(const tern_pbuf *p) {
    unsigned n = 0;
    for (; p; p = p->next)
        n++;
    return n;
}

tern_pbuf *tern_pbuf_list_pop(tern_pbuf **list) {
    tern_pbuf *p = *list;
    if (p) {
        *list = p->next_pkt;
        p->next_pkt = NULL;
    }
    return p;
}

unsigned tern_pbuf_list_free(tern_stack *s, tern_pbuf *list) {
    unsigned n = 0;
    while (list) {
        tern_pbuf *next = list->next_pkt;
        list->next_pkt = NULL;
        tern_pbuf_free(s, list);
        list = next;
        n++;
    }
    return n;
}

int tern_pbuf_fifo_push(tern_stack *s, tern_pbuf **fifo, unsigned max, tern_pbuf *p) {
#if TERN_CFG_PBUF_REF_COUNT
    /* Lent memory may be gone before the packet leaves the queue: copy it. */
    for (const tern_pbuf *q = p; q; q = q->next) {
        if (q->kind == TERN_PBUF_REF) {
            tern_pbuf *c = tern_pbuf_clone(s, TERN_PBUF_LINK_HEADROOM, p);
            tern_pbuf_free(s, p);
            if (!c)
                return -1;
            p = c;
            break;
        }
    }
#endif
    tern_pbuf **pp = fifo;
    unsigned n = 0;
    for (; *pp; pp = &(*pp)->next_pkt)
        n++;
    p->next_pkt = NULL;
    *pp = p;
    if (n < max)
        return 0;
    tern_pbuf_free(s, tern_pbuf_list_pop(fifo)); /* the oldest */
    return 1;
}
