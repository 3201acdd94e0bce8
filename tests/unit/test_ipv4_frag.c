/* IPv4 reassembly limits and fragmentation on output. */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "wire/wire.h"

#define PEER IP4(192, 0, 2, 1)
#define US IP4(192, 0, 2, 2)

typedef struct fixture {
    tern_stack *s;
    cap_netif cap;
    unsigned base;
} fixture;

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    f->s = stack_new(11);
    cap_init(&f->cap, f->s);
    tern_addr peer = TERN_ADDR4(192, 0, 2, 1);
    assert_int_equal(tern_arp_add_static(&f->cap.nif, &peer, test_mac_peer), TERN_OK);
    f->base = tern_stack_buffers_in_use(f->s);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    cap_clear(&f->cap);
    stack_free_checked(f->s);
    free(f);
    return 0;
}

/* An ICMP echo request of `size` payload bytes as raw IP payload bytes. */
static uint8_t *echo_message(uint16_t size, size_t *len) {
    *len = 8u + size;
    uint8_t *m = malloc(*len);
    m[0] = 8;
    m[1] = 0;
    m[2] = m[3] = 0;
    tern_wr16(m + 4, 0x4242);
    tern_wr16(m + 6, 7);
    for (size_t i = 8; i < *len; i++)
        m[i] = (uint8_t)(i * 13);
    tern_wr16(m + 2, inet_checksum(m, *len, 0));
    return m;
}

static void send_frag(fixture *f, uint16_t id, uint16_t off, int mf, const uint8_t *data, size_t len) {
    uint8_t fr[1600];
    size_t n = build_ipv4_frag(fr, PEER, US, 1, id, off, mf, data, len);
    inject(&f->cap.nif, fr, n);
}

/* Reassembled reply: collect the fragments the stack sent back. */
static size_t collect_reply(fixture *f, uint8_t *out, size_t max) {
    size_t total = 0;
    for (unsigned i = 0; i < f->cap.count; i++) {
        const cap_frame *c = &f->cap.frames[i];
        if (c->len < 34 || tern_rd16(c->data + 12) != 0x0800)
            continue;
        uint16_t off = (uint16_t)((tern_rd16(c->data + 20) & 0x1FFF) * 8);
        uint16_t tl = tern_rd16(c->data + 16);
        assert_true(tl <= 1500);
        assert_int_equal(inet_checksum(c->data + 14, 20, 0), 0);
        assert_true(off + tl - 20u <= max);
        memcpy(out + off, c->data + 34, tl - 20u);
        total += tl - 20u;
    }
    return total;
}

static void test_out_of_order_reassembly_and_fragmented_reply(void **state) {
    fixture *f = *state;
    size_t len;
    uint8_t *m = echo_message(4000, &len);
    /* Three fragments sent last, first, middle. */
    send_frag(f, 9, 2960, 0, m + 2960, len - 2960);
    send_frag(f, 9, 0, 1, m, 1480);
    assert_int_equal(f->cap.count, 0);
    send_frag(f, 9, 1480, 1, m + 1480, 1480);
    assert_int_equal(stat(f->s, "ipv4.reass.ok"), 1);
    assert_true(f->cap.count >= 3);
    uint8_t *back = calloc(1, len);
    assert_int_equal(collect_reply(f, back, len), len);
    assert_int_equal(back[0], 0); /* echo reply */
    assert_memory_equal(back + 4, m + 4, len - 4);
    assert_int_equal(inet_checksum(back, len, 0), 0);
    assert_int_equal(tern_stack_buffers_in_use(f->s), f->base);
    free(back);
    free(m);
}

static void test_overlap_kills_datagram(void **state) {
    fixture *f = *state;
    uint8_t data[1480] = {0};
    send_frag(f, 5, 0, 1, data, 1480);
    send_frag(f, 5, 1472, 1, data, 16); /* overlaps the first by 8 bytes */
    assert_int_equal(stat(f->s, "ipv4.reass.drop.overlap"), 1);
    assert_int_equal(tern_stack_buffers_in_use(f->s), f->base);
    /* The rest of the datagram now starts a new one that never completes. */
    send_frag(f, 5, 1480, 0, data, 100);
    tern_stack_poll(f->s, TERN_CFG_IPV4_REASS_TIMEOUT_MS + 1);
    assert_int_equal(stat(f->s, "ipv4.reass.ok"), 0);
    assert_int_equal(tern_stack_buffers_in_use(f->s), f->base);
}

static void test_duplicate_fragment_dropped_alone(void **state) {
    fixture *f = *state;
    size_t len;
    uint8_t *m = echo_message(2000, &len);
    send_frag(f, 6, 0, 1, m, 1480);
    send_frag(f, 6, 0, 1, m, 1480);
    send_frag(f, 6, 1480, 0, m + 1480, len - 1480);
    assert_int_equal(stat(f->s, "ipv4.reass.drop.overlap"), 1);
    assert_int_equal(stat(f->s, "ipv4.reass.ok"), 1);
    free(m);
}

static void test_train_beyond_65535(void **state) {
    fixture *f = *state;
    uint8_t data[1480] = {0};
    send_frag(f, 7, 0, 1, data, 1480);
    send_frag(f, 7, 65000, 1, data, 1480); /* ends past 65535 */
    assert_int_equal(stat(f->s, "ipv4.reass.drop.too_big"), 1);
    /* A single fragment whose end wraps a 16-bit counter. */
    send_frag(f, 8, 65528, 0, data, 16);
    assert_int_equal(stat(f->s, "ipv4.reass.drop.too_big"), 2);
    assert_int_equal(tern_stack_buffers_in_use(f->s), f->base);
}

static void test_thousands_of_incomplete_stay_bounded(void **state) {
    fixture *f = *state;
    uint8_t data[64] = {0};
    for (unsigned i = 0; i < 3000; i++)
        send_frag(f, (uint16_t)(1000 + i), 0, 1, data, 64);
    assert_true(tern_stack_buffers_in_use(f->s) <= f->base + TERN_CFG_IPV4_REASS_MAX);
    assert_int_equal(stat(f->s, "ipv4.reass.drop.no_slot"), 3000 - TERN_CFG_IPV4_REASS_MAX);
    tern_stack_poll(f->s, TERN_CFG_IPV4_REASS_TIMEOUT_MS + 1);
    assert_int_equal(stat(f->s, "ipv4.reass.timeout"), TERN_CFG_IPV4_REASS_MAX);
    assert_int_equal(tern_stack_buffers_in_use(f->s), f->base);
    /* First fragments timed out: "time exceeded in reassembly", rate-limited. */
    int i = cap_find(&f->cap, 0, 0x0800, 1);
    assert_true(i >= 0);
    assert_int_equal(f->cap.frames[i].data[34], 11);
    assert_int_equal(f->cap.frames[i].data[35], 1);
}

static void test_bad_fragment_lengths(void **state) {
    fixture *f = *state;
    uint8_t data[100] = {0};
    send_frag(f, 3, 0, 1, data, 100); /* MF with a length not a multiple of 8 */
    send_frag(f, 3, 8, 1, data, 0);   /* empty */
    assert_int_equal(stat(f->s, "ipv4.reass.drop.bad_fragment"), 2);
    assert_int_equal(tern_stack_buffers_in_use(f->s), f->base);
}

static void test_udp_fragmented_on_output(void **state) {
    fixture *f = *state;
    tern_udp_pcb *pcb = tern_udp_new(f->s);
    tern_addr dst = TERN_ADDR4(192, 0, 2, 1);
    tern_pbuf *p = tern_pbuf_alloc(f->s, TERN_PBUF_TRANSPORT_HEADROOM, 8000);
    assert_non_null(p);
    assert_int_equal(tern_udp_sendto(pcb, p, &dst, 7), TERN_OK);
    assert_int_equal(f->cap.count, 6); /* 8008 bytes / 1480 */
    assert_int_equal(stat(f->s, "ipv4.frag.tx"), 6);
    uint16_t id = tern_rd16(f->cap.frames[0].data + 18);
    for (unsigned i = 0; i < 6; i++) {
        const uint8_t *h = f->cap.frames[i].data + 14;
        assert_int_equal(tern_rd16(h + 4), id);
        assert_int_equal((tern_rd16(h + 6) & 0x1FFF) * 8, i * 1480);
        assert_int_equal(!!(tern_rd16(h + 6) & 0x2000), i < 5);
    }
    /* Don't-fragment: refused. */
    tern_udp_free(pcb);
    assert_int_equal(tern_stack_buffers_in_use(f->s), f->base);
}

int main(void) {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_out_of_order_reassembly_and_fragmented_reply),
        T(test_overlap_kills_datagram),
        T(test_duplicate_fragment_dropped_alone),
        T(test_train_beyond_65535),
        T(test_thousands_of_incomplete_stay_bounded),
        T(test_bad_fragment_lengths),
        T(test_udp_fragmented_on_output),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
