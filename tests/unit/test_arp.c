/* ARP: replies, learning, resolution queue, retries, aging, static entries,
 * conflicts, malformed packets, and RFC 5227 probing. */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "wire/wire.h"

static const uint8_t zero_mac[6];
static const uint8_t other_mac[6] = {0x02, 0, 0, 0, 0, 0x99};

typedef struct fixture {
    tern_stack *s;
    cap_netif cap;
} fixture;

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    f->s = stack_new(5);
    cap_init(&f->cap, f->s);
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

static void test_request_for_us_gets_reply_and_learns(void **state) {
    fixture *f = *state;
    uint8_t fr[64];
    size_t n = build_arp(fr, 1, test_mac_peer, IP4(192, 0, 2, 1), zero_mac, IP4(192, 0, 2, 2));
    inject(&f->cap.nif, fr, n);
    assert_int_equal(f->cap.count, 1);
    const cap_frame *r = cap_get(&f->cap, 0);
    assert_int_equal(r->len, 42);
    assert_memory_equal(r->data, test_mac_peer, 6);       /* unicast back */
    assert_int_equal(tern_rd16(r->data + 20), 2);         /* reply */
    assert_memory_equal(r->data + 22, test_mac_stack, 6); /* sha */
    assert_int_equal(tern_rd32(r->data + 28), IP4(192, 0, 2, 2));
    assert_memory_equal(r->data + 32, test_mac_peer, 6); /* tha */
    uint8_t mac[6];
    tern_addr peer = TERN_ADDR4(192, 0, 2, 1);
    assert_true(tern_arp_lookup(f->s, &peer, mac));
    assert_memory_equal(mac, test_mac_peer, 6);
}

static void test_request_for_other_does_not_create_entry(void **state) {
    fixture *f = *state;
    uint8_t fr[64];
    size_t n = build_arp(fr, 1, test_mac_peer, IP4(192, 0, 2, 1), zero_mac, IP4(192, 0, 2, 77));
    inject(&f->cap.nif, fr, n);
    assert_int_equal(f->cap.count, 0);
    tern_addr peer = TERN_ADDR4(192, 0, 2, 1);
    assert_false(tern_arp_lookup(f->s, &peer, NULL));
}

static void test_malformed_dropped_with_reason(void **state) {
    fixture *f = *state;
    uint8_t fr[64];
    size_t n = build_arp(fr, 1, test_mac_peer, IP4(192, 0, 2, 1), zero_mac, IP4(192, 0, 2, 2));
    inject(&f->cap.nif, fr, 30); /* truncated */
    assert_int_equal(stat(f->s, "arp.drop.short"), 1);
    fr[18] = 8; /* hardware length 8 */
    inject(&f->cap.nif, fr, n);
    fr[18] = 6;
    fr[19] = 16; /* protocol length 16 */
    inject(&f->cap.nif, fr, n);
    assert_int_equal(stat(f->s, "arp.drop.format"), 2);
    fr[19] = 4;
    fr[21] = 9; /* op 9 */
    inject(&f->cap.nif, fr, n);
    assert_int_equal(stat(f->s, "arp.drop.op"), 1);
    fr[21] = 1;
    fr[22] = 0x01; /* multicast sender MAC */
    inject(&f->cap.nif, fr, n);
    assert_int_equal(stat(f->s, "arp.drop.bad_sender"), 1);
    inject(&f->cap.nif, fr, 10); /* not even an Ethernet header */
    assert_int_equal(stat(f->s, "eth.drop.short"), 1);
    assert_int_equal(f->cap.count, 0);
}

static void test_resolution_queues_then_sends(void **state) {
    fixture *f = *state;
    tern_udp_pcb *pcb = tern_udp_new(f->s);
    tern_addr dst = TERN_ADDR4(192, 0, 2, 9);
    for (int i = 0; i < 5; i++) {
        tern_pbuf *p = tern_pbuf_alloc(f->s, TERN_PBUF_TRANSPORT_HEADROOM, 4);
        memcpy(p->payload, "abcd", 4);
        p->payload[0] = (uint8_t)('0' + i);
        assert_int_equal(tern_udp_sendto(pcb, p, &dst, 5000), TERN_OK);
    }
    /* One request, packets held (the oldest dropped beyond the queue length). */
    assert_int_equal(f->cap.count, 1);
    assert_int_equal(tern_rd16(f->cap.frames[0].data + 12), 0x0806);
    assert_int_equal(stat(f->s, "arp.drop.queue"), 5 - TERN_CFG_ARP_QUEUE_LEN);
    uint8_t fr[64];
    size_t n = build_arp(fr, 2, other_mac, IP4(192, 0, 2, 9), test_mac_stack, IP4(192, 0, 2, 2));
    inject(&f->cap.nif, fr, n);
    assert_int_equal(f->cap.count, 1 + TERN_CFG_ARP_QUEUE_LEN);
    for (unsigned i = 1; i < f->cap.count; i++) {
        assert_memory_equal(f->cap.frames[i].data, other_mac, 6);
        assert_int_equal(f->cap.frames[i].data[42],
                         '0' + 5 - TERN_CFG_ARP_QUEUE_LEN + (int)i - 1); /* in order */
    }
    tern_udp_free(pcb);
}

static void test_unanswered_gives_up_and_frees(void **state) {
    fixture *f = *state;
    tern_udp_pcb *pcb = tern_udp_new(f->s);
    tern_addr dst = TERN_ADDR4(192, 0, 2, 9);
    unsigned base = tern_stack_buffers_in_use(f->s);
    tern_pbuf *p = tern_pbuf_alloc(f->s, TERN_PBUF_TRANSPORT_HEADROOM, 4);
    assert_int_equal(tern_udp_sendto(pcb, p, &dst, 5000), TERN_OK);
    for (uint32_t t = 0; t <= 10000; t += 100)
        tern_stack_poll(f->s, t);
    assert_int_equal(f->cap.count, TERN_CFG_ARP_MAX_TRIES); /* requests, then nothing */
    assert_int_equal(stat(f->s, "arp.drop.unresolved"), 1);
    assert_int_equal(tern_stack_buffers_in_use(f->s), base);
    assert_int_equal(tern_stack_poll(f->s, 10001), TERN_POLL_IDLE);
    tern_udp_free(pcb);
}

static void test_entries_age_out_static_stays(void **state) {
    fixture *f = *state;
    uint8_t fr[64];
    size_t n = build_arp(fr, 1, test_mac_peer, IP4(192, 0, 2, 1), zero_mac, IP4(192, 0, 2, 2));
    inject(&f->cap.nif, fr, n);
    tern_addr st = TERN_ADDR4(192, 0, 2, 50), peer = TERN_ADDR4(192, 0, 2, 1);
    assert_int_equal(tern_arp_add_static(&f->cap.nif, &st, other_mac), TERN_OK);
    tern_stack_poll(f->s, TERN_CFG_ARP_MAX_AGE_MS + 1);
    assert_false(tern_arp_lookup(f->s, &peer, NULL));
    assert_true(tern_arp_lookup(f->s, &st, NULL));
    assert_int_equal(tern_arp_remove(f->s, &st), TERN_OK);
    assert_false(tern_arp_lookup(f->s, &st, NULL));
}

static int conflicts;
static void on_conflict(void *ctx, tern_netif *nif, const tern_addr *ip, const uint8_t mac[6]) {
    (void)ctx, (void)nif, (void)ip, (void)mac;
    conflicts++;
}

static void test_conflict_reported(void **state) {
    fixture *f = *state;
    conflicts = 0;
    tern_arp_set_conflict_cb(f->s, on_conflict, NULL);
    uint8_t fr[64];
    size_t n = build_arp(fr, 1, other_mac, IP4(192, 0, 2, 2), zero_mac, IP4(192, 0, 2, 2));
    inject(&f->cap.nif, fr, n);
    assert_int_equal(conflicts, 1);
    assert_int_equal(stat(f->s, "arp.conflict"), 1);
}

static void test_gratuitous_arp_on_address_set(void **state) {
    fixture *f = *state;
    tern_addr ip = TERN_ADDR4(192, 0, 2, 3);
    assert_int_equal(tern_netif_set_ipv4(&f->cap.nif, &ip, 24, NULL), TERN_OK);
    assert_int_equal(f->cap.count, 1);
    const uint8_t *a = f->cap.frames[0].data + 14;
    assert_int_equal(tern_rd32(a + 14), IP4(192, 0, 2, 3)); /* spa */
    assert_int_equal(tern_rd32(a + 24), IP4(192, 0, 2, 3)); /* tpa */
}

#if TERN_CFG_ARP_ACD
static int acd_events[2];
static void on_acd(void *ctx, tern_acd *acd, enum tern_acd_event ev) {
    (void)ctx, (void)acd;
    acd_events[ev]++;
}

static void test_acd_probe_announce_ok(void **state) {
    fixture *f = *state;
    tern_acd acd;
    memset(acd_events, 0, sizeof acd_events);
    tern_addr ip = TERN_ADDR4(192, 0, 2, 44);
    assert_int_equal(tern_acd_start(&f->cap.nif, &acd, &ip, on_acd, NULL), TERN_OK);
    for (uint32_t t = 0; t < 12000; t += 10)
        tern_stack_poll(f->s, t);
    assert_int_equal(acd_events[TERN_ACD_OK], 1);
    assert_int_equal(f->cap.count, 5); /* 3 probes, 2 announcements */
    for (unsigned i = 0; i < 3; i++)
        assert_int_equal(tern_rd32(f->cap.frames[i].data + 28), 0); /* probe: sender 0.0.0.0 */
    assert_int_equal(tern_rd32(f->cap.frames[3].data + 28), IP4(192, 0, 2, 44));
    /* Defends once, then loses to a second claim within 10 s. */
    uint8_t fr[64];
    size_t n = build_arp(fr, 1, other_mac, IP4(192, 0, 2, 44), zero_mac, IP4(192, 0, 2, 44));
    inject(&f->cap.nif, fr, n);
    assert_int_equal(f->cap.count, 6);
    assert_int_equal(acd_events[TERN_ACD_CONFLICT], 0);
    inject(&f->cap.nif, fr, n);
    assert_int_equal(acd_events[TERN_ACD_CONFLICT], 1);
}

static void test_acd_conflict_during_probe(void **state) {
    fixture *f = *state;
    tern_acd acd;
    memset(acd_events, 0, sizeof acd_events);
    tern_addr ip = TERN_ADDR4(192, 0, 2, 45);
    assert_int_equal(tern_acd_start(&f->cap.nif, &acd, &ip, on_acd, NULL), TERN_OK);
    tern_stack_poll(f->s, 1500);
    uint8_t fr[64];
    size_t n = build_arp(fr, 2, other_mac, IP4(192, 0, 2, 45), test_mac_stack, 0);
    inject(&f->cap.nif, fr, n);
    assert_int_equal(acd_events[TERN_ACD_CONFLICT], 1);
    for (uint32_t t = 1500; t < 12000; t += 10)
        tern_stack_poll(f->s, t);
    assert_int_equal(acd_events[TERN_ACD_OK], 0);
}
#endif

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_request_for_us_gets_reply_and_learns, setup, teardown),
        cmocka_unit_test_setup_teardown(test_request_for_other_does_not_create_entry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed_dropped_with_reason, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resolution_queues_then_sends, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unanswered_gives_up_and_frees, setup, teardown),
        cmocka_unit_test_setup_teardown(test_entries_age_out_static_stays, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conflict_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gratuitous_arp_on_address_set, setup, teardown),
#if TERN_CFG_ARP_ACD
        cmocka_unit_test_setup_teardown(test_acd_probe_announce_ok, setup, teardown),
        cmocka_unit_test_setup_teardown(test_acd_conflict_during_probe, setup, teardown),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
