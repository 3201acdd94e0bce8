/* IGMP host behaviour: v3 reports, queries, v2 fallback, leave, filters,
 * multicast UDP delivery, malformed messages. */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "wire/wire.h"

#define QUERIER IP4(192, 0, 2, 1)
#define GROUP IP4(239, 1, 2, 3)

typedef struct fixture {
    tern_stack *s;
    cap_netif cap;
    int filter_adds, filter_removes;
    tern_netif_ops ops;
} fixture;

static fixture *current;
static void on_filter(tern_netif *nif, const uint8_t mac[6], bool add) {
    (void)nif;
    assert_int_equal(mac[0], 0x01);
    assert_int_equal(mac[2], 0x5e);
    if (add)
        current->filter_adds++;
    else
        current->filter_removes++;
}

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    f->s = stack_new(21);
    cap_init(&f->cap, f->s);
    f->ops = *f->cap.nif.ops;
    f->ops.mcast_filter = on_filter;
    f->cap.nif.ops = &f->ops;
    current = f;
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

static void run(fixture *f, uint32_t until) {
    for (uint32_t t = f->s->now; t <= until; t++)
        tern_stack_poll(f->s, t);
}

/* IGMP payload of frame i, after checking the IP header shape. */
static const uint8_t *igmp_of(fixture *f, int i, uint32_t *dst) {
    assert_true(i >= 0);
    const uint8_t *ip = f->cap.frames[i].data + 14;
    assert_int_equal(ip[8], 1); /* TTL 1 */
    *dst = tern_rd32(ip + 16);
    unsigned hlen = (ip[0] & 15u) * 4u;
    if (ip[0] == 0x46) {
        assert_int_equal(ip[20], 0x94); /* router alert */
    }
    assert_int_equal(inet_checksum(ip + hlen, tern_rd16(ip + 2) - hlen, 0), 0);
    return ip + hlen;
}

static void inject_igmp(fixture *f, uint32_t dst, const uint8_t *msg, size_t len, int fix_csum) {
    uint8_t m[64], fr[128];
    memcpy(m, msg, len);
    if (fix_csum) {
        m[2] = m[3] = 0;
        tern_wr16(m + 2, inet_checksum(m, len, 0));
    }
    size_t n = build_ipv4(fr, QUERIER, dst, 2, m, len);
    fr[22] = 1; /* TTL 1 */
    fix_ipv4_checksum(fr);
    fr[0] = 0x01, fr[1] = 0x00, fr[2] = 0x5e;
    inject(&f->cap.nif, fr, n);
}

static void test_join_sends_v3_change_report_twice(void **state) {
    fixture *f = *state;
    tern_addr g = tern_addr_ipv4(GROUP);
    assert_int_equal(tern_igmp_join(f->s, &f->cap.nif, &g), TERN_OK);
    assert_int_equal(f->filter_adds, 1);
    uint32_t dst;
    const uint8_t *m = igmp_of(f, cap_find(&f->cap, 0, 0x0800, 2), &dst);
    assert_int_equal(dst, IP4(224, 0, 0, 22));
    assert_int_equal(m[0], 0x22);
    assert_int_equal(tern_rd16(m + 6), 1); /* one record */
    assert_int_equal(m[8], 4);             /* CHANGE_TO_EXCLUDE */
    assert_int_equal(tern_rd32(m + 12), GROUP);
    run(f, 1000);
    assert_int_equal(f->cap.count, 2); /* robustness: one retransmission within 1 s */
    run(f, 5000);
    assert_int_equal(f->cap.count, 2);
}

static void test_general_query_answered_within_max_response(void **state) {
    fixture *f = *state;
    tern_addr g = tern_addr_ipv4(GROUP);
    tern_igmp_join(f->s, &f->cap.nif, &g);
    run(f, 2000);
    cap_clear(&f->cap);
    const uint8_t q3[12] = {0x11, 50, 0, 0, 0, 0, 0, 0, 0x02, 125, 0, 0}; /* 5 s */
    inject_igmp(f, IP4(224, 0, 0, 1), q3, sizeof q3, 1);
    assert_int_equal(stat(f->s, "igmp.query.rx"), 1);
    run(f, 2000 + 5000);
    assert_int_equal(f->cap.count, 1);
    uint32_t dst;
    const uint8_t *m = igmp_of(f, 0, &dst);
    assert_int_equal(m[8], 2); /* MODE_IS_EXCLUDE */
}

static void test_v2_query_switches_to_v2_and_suppression(void **state) {
    fixture *f = *state;
    tern_addr g = tern_addr_ipv4(GROUP);
    tern_igmp_join(f->s, &f->cap.nif, &g);
    run(f, 2000);
    cap_clear(&f->cap);
    const uint8_t q2[8] = {0x11, 100, 0, 0, 0, 0, 0, 0}; /* v2, 10 s */
    inject_igmp(f, IP4(224, 0, 0, 1), q2, sizeof q2, 1);
    run(f, 12000);
    assert_int_equal(f->cap.count, 1);
    uint32_t dst;
    const uint8_t *m = igmp_of(f, 0, &dst);
    assert_int_equal(m[0], 0x16);
    assert_int_equal(dst, GROUP);
    /* Another member's report suppresses ours. */
    cap_clear(&f->cap);
    inject_igmp(f, IP4(224, 0, 0, 1), q2, sizeof q2, 1);
    uint8_t rep[8] = {0x16, 0, 0, 0};
    tern_wr32(rep + 4, GROUP);
    inject_igmp(f, GROUP, rep, sizeof rep, 1);
    run(f, 24000);
    assert_int_equal(f->cap.count, 0);
    /* Leave in v2: to all-routers. */
    assert_int_equal(tern_igmp_leave(f->s, &f->cap.nif, &g), TERN_OK);
    m = igmp_of(f, 0, &dst);
    assert_int_equal(m[0], 0x17);
    assert_int_equal(dst, IP4(224, 0, 0, 2));
    assert_int_equal(f->filter_removes, 1);
}

static int received;
static void on_rx(void *ctx, tern_udp_pcb *pcb, tern_pbuf *p, const tern_udp_info *info) {
    (void)ctx;
    assert_int_equal(tern_addr_get_ipv4(&info->dst), GROUP);
    assert_true(info->broadcast);
    received++;
    tern_pbuf_free(pcb->stack, p);
}

static void test_multicast_udp_only_while_joined(void **state) {
    fixture *f = *state;
    tern_udp_pcb *a = tern_udp_new(f->s), *b = tern_udp_new(f->s);
    tern_udp_set_flags(a, TERN_UDP_F_REUSE, true);
    tern_udp_set_flags(b, TERN_UDP_F_REUSE, true);
    assert_int_equal(tern_udp_bind(a, NULL, 5000), TERN_OK);
    assert_int_equal(tern_udp_bind(b, NULL, 5000), TERN_OK);
    tern_udp_set_recv(a, on_rx, NULL);
    tern_udp_set_recv(b, on_rx, NULL);
    uint8_t fr[128];
    size_t n = build_udp(fr, QUERIER, GROUP, 1234, 5000, (const uint8_t *)"hi", 2);
    received = 0;
    inject(&f->cap.nif, fr, n);
    assert_int_equal(received, 0);
    assert_int_equal(stat(f->s, "ipv4.drop.not_ours"), 1);
    tern_addr g = tern_addr_ipv4(GROUP);
    tern_igmp_join(f->s, &f->cap.nif, &g);
    inject(&f->cap.nif, fr, n);
    assert_int_equal(received, 2); /* both endpoints */
    tern_igmp_leave(f->s, &f->cap.nif, &g);
    inject(&f->cap.nif, fr, n);
    assert_int_equal(received, 2);
    tern_udp_free(a);
    tern_udp_free(b);
}

static void test_malformed_igmp_counted(void **state) {
    fixture *f = *state;
    const uint8_t short_msg[6] = {0x11, 10, 0, 0, 0, 0};
    inject_igmp(f, IP4(224, 0, 0, 1), short_msg, sizeof short_msg, 1);
    assert_int_equal(stat(f->s, "igmp.drop.short"), 1);
    const uint8_t q2[8] = {0x11, 100, 0x12, 0x34, 0, 0, 0, 0};
    inject_igmp(f, IP4(224, 0, 0, 1), q2, sizeof q2, 0);
    assert_int_equal(stat(f->s, "igmp.drop.checksum"), 1);
    const uint8_t q3[12] = {0x11, 50, 0, 0, 0, 0, 0, 0, 0x02, 125, 0x01, 0x00}; /* 256 sources, none there */
    inject_igmp(f, IP4(224, 0, 0, 1), q3, sizeof q3, 1);
    assert_int_equal(stat(f->s, "igmp.drop.format"), 1);
    assert_int_equal(stat(f->s, "igmp.query.rx"), 0);
}

static void test_join_errors(void **state) {
    fixture *f = *state;
    tern_addr unicast = TERN_ADDR4(192, 0, 2, 9), allhosts = TERN_ADDR4(224, 0, 0, 1);
    assert_int_equal(tern_igmp_join(f->s, &f->cap.nif, &unicast), TERN_ERR_INVAL);
    assert_int_equal(tern_igmp_join(f->s, &f->cap.nif, &allhosts), TERN_ERR_INVAL);
    assert_int_equal(tern_igmp_leave(f->s, &f->cap.nif, &unicast), TERN_ERR_INVAL);
    for (unsigned i = 0; i < TERN_CFG_IGMP_GROUPS; i++) {
        tern_addr g = TERN_ADDR4(239, 0, 0, 1 + i);
        assert_int_equal(tern_igmp_join(f->s, &f->cap.nif, &g), TERN_OK);
    }
    tern_addr extra = TERN_ADDR4(239, 0, 1, 1);
    assert_int_equal(tern_igmp_join(f->s, &f->cap.nif, &extra), TERN_ERR_NOMEM);
}

int main(void) {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_join_sends_v3_change_report_twice),
        T(test_general_query_answered_within_max_response),
        T(test_v2_query_switches_to_v2_and_suppression),
        T(test_multicast_udp_only_while_joined),
        T(test_malformed_igmp_counted),
        T(test_join_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
