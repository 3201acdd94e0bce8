/* Packet buffers and pools. */
#include <string.h>

#include "testutil.h"

static void test_alloc_single_and_chain(void **state) {
    (void)state;
    tern_stack *s = stack_new(1);
    tern_pbuf *p = tern_pbuf_alloc(s, 42, 100);
    assert_non_null(p);
    assert_int_equal(p->len, 100);
    assert_int_equal(p->tot_len, 100);
    assert_int_equal(p->headroom, 42);
    assert_null(p->next);
    tern_pbuf_free(s, p);

    p = tern_pbuf_alloc(s, 100, 4000); /* 1436 + 1536 + 1028 */
    assert_non_null(p);
    assert_int_equal(tern_pbuf_count(p), 3);
    assert_int_equal(p->tot_len, 4000);
    assert_int_equal(p->len + p->next->len + p->next->next->len, 4000);
    assert_int_equal(p->next->tot_len, 4000 - p->len);
    tern_pbuf_free(s, p);
    stack_free_checked(s);
}

static void test_exhaustion_is_counted(void **state) {
    (void)state;
    tern_stack *s = stack_new(1);
    tern_pbuf *all[TERN_CFG_PBUF_COUNT];
    for (unsigned i = 0; i < TERN_CFG_PBUF_COUNT; i++)
        assert_non_null(all[i] = tern_pbuf_alloc(s, 0, 10));
    assert_null(tern_pbuf_alloc(s, 0, 10));
    tern_pool_usage u[2];
    assert_true(tern_stack_pools(s, u, 2) >= 1);
    assert_int_equal(u[0].used, TERN_CFG_PBUF_COUNT);
    assert_int_equal(u[0].peak, TERN_CFG_PBUF_COUNT);
    assert_int_equal(u[0].fails, 1);
    for (unsigned i = 0; i < TERN_CFG_PBUF_COUNT; i++)
        tern_pbuf_free(s, all[i]);
    /* A chain that cannot be completed gives back what it took. */
    stack_free_checked(s);
}

static void test_push_pull_strip_trim(void **state) {
    (void)state;
    tern_stack *s = stack_new(1);
    tern_pbuf *p = tern_pbuf_alloc(s, 20, 3000);
    assert_int_equal(tern_pbuf_push(p, 20), TERN_OK);
    assert_int_equal(tern_pbuf_push(p, 1), TERN_ERR_BUF);
    assert_int_equal(p->tot_len, 3020);
    assert_int_equal(tern_pbuf_pull(p, 10), TERN_OK);
    assert_int_equal(p->tot_len, 3010);
    uint16_t first = p->len;
    p = tern_pbuf_strip(s, p, (uint16_t)(first + 5)); /* drops the whole first segment */
    assert_int_equal(p->tot_len, 3010 - first - 5);
    tern_pbuf_trim(s, p, 7);
    assert_int_equal(p->tot_len, 7);
    assert_int_equal(tern_pbuf_count(p), 1);
    tern_pbuf_free(s, p);
    stack_free_checked(s);
}

static void test_copy_view_clone(void **state) {
    (void)state;
    tern_stack *s = stack_new(1);
    uint8_t data[3000], back[3000], scratch[64];
    for (unsigned i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 7);
    tern_pbuf *p = tern_pbuf_alloc(s, 0, sizeof data);
    assert_int_equal(tern_pbuf_copy_in(p, 0, data, sizeof data), TERN_OK);
    assert_int_equal(tern_pbuf_copy_in(p, 2999, data, 2), TERN_ERR_BUF);
    assert_int_equal(tern_pbuf_copy_out(p, 0, back, sizeof back), sizeof back);
    assert_memory_equal(data, back, sizeof data);
    /* A view across the segment boundary is copied into scratch. */
    uint16_t edge = (uint16_t)(p->len - 10);
    const uint8_t *v = tern_pbuf_view(p, edge, 20, scratch);
    assert_ptr_equal(v, scratch);
    assert_memory_equal(v, data + edge, 20);
    v = tern_pbuf_view(p, 0, 20, scratch);
    assert_ptr_equal(v, p->payload);
    assert_null(tern_pbuf_view(p, 2990, 20, scratch));
    tern_pbuf *c = tern_pbuf_clone(s, 50, p);
    assert_int_equal(c->headroom, 50);
    assert_int_equal(tern_pbuf_copy_out(c, 0, back, sizeof back), sizeof back);
    assert_memory_equal(data, back, sizeof data);
    tern_pbuf_free(s, c);
    tern_pbuf_free(s, p);
    stack_free_checked(s);
}

static int ext_freed;
static void ext_free(void *ctx, void *data) {
    (void)ctx, (void)data;
    ext_freed++;
}

static void test_ref_ext_and_refcount(void **state) {
    (void)state;
    tern_stack *s = stack_new(1);
    static const uint8_t rom[] = "hello from flash";
    tern_pbuf *r = tern_pbuf_alloc_ref(s, rom, sizeof rom);
    assert_non_null(r);
    assert_int_equal(r->kind, TERN_PBUF_REF);
    assert_int_equal(tern_pbuf_push(r, 1), TERN_ERR_BUF); /* never written */
    /* Prepending to a REF chains a pool header in front. */
    r = tern_pbuf_prepend(s, r, 8, 16);
    assert_non_null(r);
    assert_int_equal(r->kind, TERN_PBUF_POOL);
    assert_int_equal(r->tot_len, 8 + sizeof rom);
    tern_pbuf_free(s, r);

    uint8_t dma[256];
    ext_freed = 0;
    tern_pbuf *e = tern_pbuf_alloc_ext(s, dma, 32, 100, ext_free, NULL);
    assert_non_null(e);
    assert_int_equal(tern_pbuf_push(e, 32), TERN_OK);
    tern_pbuf_ref(e);
    tern_pbuf_free(s, e);
    assert_int_equal(ext_freed, 0);
    tern_pbuf_free(s, e);
    assert_int_equal(ext_freed, 1);
    stack_free_checked(s);
}

static void test_make_writable_shared(void **state) {
    (void)state;
    tern_stack *s = stack_new(1);
    tern_pbuf *p = tern_pbuf_alloc(s, 0, 100);
    memset(p->payload, 0xAB, 100);
    tern_pbuf_ref(p); /* shared: must be copied before writing */
    tern_pbuf *w = tern_pbuf_make_writable(s, p, 40, 20);
    assert_non_null(w);
    assert_ptr_not_equal(w, p);
    assert_int_equal(w->tot_len, 100);
    assert_true(w->headroom >= 40);
    w->payload[0] = 1;
    assert_int_equal(p->payload[0], 0xAB);
    tern_pbuf_free(s, w);
    tern_pbuf_free(s, p);
    stack_free_checked(s);
}

/* The waiting-packet FIFO (ARP and ND queues): oldest out when full, lent
 * memory copied in, nothing changed when the copy fails. */
static void test_fifo_and_lists(void **state) {
    (void)state;
    tern_stack *s = stack_new(1);
    tern_pbuf *fifo = NULL, *p[3];
    for (unsigned i = 0; i < 3; i++)
        assert_non_null(p[i] = tern_pbuf_alloc(s, 0, 10));
    assert_int_equal(tern_pbuf_fifo_push(s, &fifo, 2, p[0]), 0);
    assert_int_equal(tern_pbuf_fifo_push(s, &fifo, 2, p[1]), 0);
    assert_int_equal(tern_pbuf_fifo_push(s, &fifo, 2, p[2]), 1); /* full: p[0] freed */

    static const uint8_t rom[] = "lent, not owned";
    tern_pbuf *r = tern_pbuf_alloc_ref(s, rom, sizeof rom);
    assert_int_equal(tern_pbuf_fifo_push(s, &fifo, 3, r), 0);
    tern_pbuf *list = fifo, *q;
    fifo = NULL;
    unsigned n = 0;
    while ((q = tern_pbuf_list_pop(&list)) != NULL) {
        assert_null(q->next_pkt);
        if (n < 2)
            assert_ptr_equal(q, p[n + 1]); /* in arrival order */
        else
            assert_int_equal(q->kind, TERN_PBUF_POOL); /* the copy, not the lent memory */
        tern_pbuf_free(s, q);
        n++;
    }
    assert_int_equal(n, 3);

    /* Out of pool: the lent packet cannot be copied, the FIFO is unchanged. */
    tern_pbuf *keep = tern_pbuf_alloc(s, 0, 10);
    assert_int_equal(tern_pbuf_fifo_push(s, &fifo, 2, keep), 0);
    tern_pbuf *all[TERN_CFG_PBUF_COUNT];
    unsigned used = 0;
    while (used < TERN_CFG_PBUF_COUNT && (all[used] = tern_pbuf_alloc(s, 0, 10)) != NULL)
        used++;
    r = tern_pbuf_alloc_ref(s, rom, sizeof rom); /* REF headers have their own pool */
    assert_non_null(r);
    assert_int_equal(tern_pbuf_fifo_push(s, &fifo, 2, r), -1);
    assert_ptr_equal(fifo, keep);
    assert_null(keep->next_pkt);
    for (unsigned i = 0; i < used; i++)
        tern_pbuf_free(s, all[i]);
    assert_int_equal(tern_pbuf_list_free(s, fifo), 1);
    stack_free_checked(s); /* p[0] was freed by the FIFO, r by the failed push */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alloc_single_and_chain), cmocka_unit_test(test_exhaustion_is_counted),
        cmocka_unit_test(test_push_pull_strip_trim),   cmocka_unit_test(test_copy_view_clone),
        cmocka_unit_test(test_ref_ext_and_refcount),   cmocka_unit_test(test_make_writable_shared),
        cmocka_unit_test(test_fifo_and_lists),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
