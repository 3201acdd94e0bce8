/* IPv4 input validation: every malformed header is dropped, counted with
 * its reason, and leaves no buffer behind; valid traffic still flows. */
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
    f->s = stack_new(9);
    cap_init(&f->cap, f->s);
    tern_addr peer = TERN_ADDR4(192, 0, 2, 1);
    assert_int_equal(tern_arp_add_static(&f->cap.nif, &peer, test_mac_peer), TERN_OK);
    f->base = tern_stack_buffers_in_use(f->s);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    assert_int_equal(tern_stack_buffers_in_use(f->s), f->base);
    cap_clear(&f->cap);
    stack_free_checked(f->s);
    free(f);
    return 0;
}

/* The stack still answers a ping after whatever came before. */
static void assert_still_answers(fixture *f) {
    uint8_t fr[128];
    unsigned before = f->cap.count;
    size_t n = build_icmp_echo(fr, PEER, US, 77, 1, (const uint8_t *)"ping", 4);
    inject(&f->cap.nif, fr, n);
    int i = cap_find(&f->cap, before, 0x0800, 1);
    assert_true(i >= 0);
    assert_int_equal(f->cap.frames[i].data[34], 0); /* echo reply */
}

static void inject_and_expect(fixture *f, const uint8_t *fr, size_t n, const char *counter) {
    uint32_t before = stat(f->s, counter);
    unsigned sent = f->cap.count;
    inject(&f->cap.nif, fr, n);
    assert_int_equal(stat(f->s, counter), before + 1);
    assert_int_equal(f->cap.count, sent); /* nothing answered */
    assert_int_equal(tern_stack_buffers_in_use(f->s), f->base);
}

static void test_truncated_headers(void **state) {
    fixture *f = *state;
    uint8_t fr[128];
    size_t n = build_udp(fr, PEER, US, 1000, 9, (const uint8_t *)"x", 1);
    inject_and_expect(f, fr, 14 + 10, "ipv4.drop.short");
    /* A UDP header cut short: IP total length says 20+4. */
    n = build_ipv4(fr, PEER, US, 17, (const uint8_t *)"\x03\xe8\x00", 3);
    inject_and_expect(f, fr, n, "udp.drop.short");
    n = build_ipv4(fr, PEER, US, 1, (const uint8_t *)"\x08\x00\xf7", 3);
    inject_and_expect(f, fr, n, "icmp.drop.short");
    assert_still_answers(f);
}

static void test_bad_version_and_ihl(void **state) {
    fixture *f = *state;
    uint8_t fr[128];
    size_t n = build_udp(fr, PEER, US, 1000, 9, (const uint8_t *)"abcd", 4);
    fr[14] = 0x65;
    fix_ipv4_checksum(fr);
    inject_and_expect(f, fr, n, "ipv4.drop.version");
    fr[14] = 0x44; /* IHL 4 < 5 */
    inject_and_expect(f, fr, n, "ipv4.drop.header_length");
    fr[14] = 0x4F; /* IHL 15: 60 bytes, beyond this 32-byte packet */
    inject_and_expect(f, fr, n, "ipv4.drop.header_length");
    assert_still_answers(f);
}

static void test_total_length_mismatch(void **state) {
    fixture *f = *state;
    uint8_t fr[128];
    size_t n = build_udp(fr, PEER, US, 1000, 9, (const uint8_t *)"abcd", 4);
    tern_wr16(fr + 16, 200); /* larger than the frame */
    fix_ipv4_checksum(fr);
    inject_and_expect(f, fr, n, "ipv4.drop.total_length");
    tern_wr16(fr + 16, 12); /* smaller than the header */
    fix_ipv4_checksum(fr);
    inject_and_expect(f, fr, n, "ipv4.drop.total_length");
    /* Smaller than the frame but valid: trailing bytes are link padding. */
    n = build_udp(fr, PEER, US, 1000, 9, (const uint8_t *)"abcd", 4);
    memset(fr + n, 0xEE, 20);
    uint32_t ok = stat(f->s, "udp.rx");
    inject(&f->cap.nif, fr, n + 20);
    assert_int_equal(stat(f->s, "udp.rx"), ok + 1);
    assert_int_equal(stat(f->s, "udp.drop.checksum"), 0);
    assert_still_answers(f);
}

static void test_bad_header_checksum(void **state) {
    fixture *f = *state;
    uint8_t fr[128];
    size_t n = build_icmp_echo(fr, PEER, US, 1, 1, NULL, 0);
    fr[24] ^= 0x55;
    inject_and_expect(f, fr, n, "ipv4.drop.checksum");
    assert_still_answers(f);
}

/* A header with options: IHL 6 or more, then a checksum fix. */
static size_t with_options(uint8_t *fr, const uint8_t *opts, size_t olen) {
    uint8_t payload[8] = {8, 0, 0xf7, 0xff, 0, 0, 0, 0}; /* echo id 0 seq 0 */
    uint8_t tmp[128];
    size_t n = build_ipv4(tmp, PEER, US, 1, payload, sizeof payload);
    memcpy(fr, tmp, 34);
    memcpy(fr + 34, opts, olen);
    memcpy(fr + 34 + olen, tmp + 34, n - 34);
    fr[14] = (uint8_t)(0x40 | ((20 + olen) / 4));
    tern_wr16(fr + 16, (uint16_t)(20 + olen + sizeof payload));
    fix_ipv4_checksum(fr);
    return n + olen;
}

static void test_options(void **state) {
    fixture *f = *state;
    uint8_t fr[128];
    const uint8_t zero_len[4] = {0x07, 0x00, 0x00, 0x00};          /* record route, length 0 */
    const uint8_t past_end[4] = {0x07, 0x09, 0x04, 0x00};          /* length runs past the header */
    const uint8_t lone_type[4] = {0x01, 0x01, 0x01, 0x44};         /* NOPs then a type without length */
    const uint8_t valid[8] = {0x01, 0x07, 0x07, 0x04, 0, 0, 0, 0}; /* NOP + record route */
    inject_and_expect(f, fr, with_options(fr, zero_len, 4), "ipv4.drop.options");
    inject_and_expect(f, fr, with_options(fr, past_end, 4), "ipv4.drop.options");
    inject_and_expect(f, fr, with_options(fr, lone_type, 4), "ipv4.drop.options");
    /* Valid options are skipped and the packet is served. */
    unsigned before = f->cap.count;
    inject(&f->cap.nif, fr, with_options(fr, valid, 8));
    assert_true(cap_find(&f->cap, before, 0x0800, 1) >= 0);
    assert_still_answers(f);
}

static void test_bad_sources_and_not_ours(void **state) {
    fixture *f = *state;
    uint8_t fr[128];
    size_t n = build_icmp_echo(fr, IP4(224, 0, 0, 9), US, 1, 1, NULL, 0);
    inject_and_expect(f, fr, n, "ipv4.drop.bad_source");
    n = build_icmp_echo(fr, IP4(127, 0, 0, 1), US, 1, 1, NULL, 0);
    inject_and_expect(f, fr, n, "ipv4.drop.bad_source");
    n = build_icmp_echo(fr, PEER, IP4(198, 51, 100, 7), 1, 1, NULL, 0);
    inject_and_expect(f, fr, n, "ipv4.drop.not_ours");
    n = build_icmp_echo(fr, PEER, IP4(127, 0, 0, 1), 1, 1, NULL, 0);
    inject_and_expect(f, fr, n, "ipv4.drop.not_ours");
    assert_still_answers(f);
}

static void test_unknown_protocol_gets_unreachable(void **state) {
    fixture *f = *state;
    uint8_t fr[128];
    size_t n = build_ipv4(fr, PEER, US, 99, (const uint8_t *)"data1234", 8);
    inject(&f->cap.nif, fr, n);
    assert_int_equal(stat(f->s, "ipv4.drop.protocol"), 1);
    int i = cap_find(&f->cap, 0, 0x0800, 1);
    assert_true(i >= 0);
    assert_int_equal(f->cap.frames[i].data[34], 3); /* destination unreachable */
    assert_int_equal(f->cap.frames[i].data[35], 2); /* protocol */
}

static void test_broadcast_ping_ignored(void **state) {
    fixture *f = *state;
    uint8_t fr[128];
    size_t n = build_icmp_echo(fr, PEER, IP4(192, 0, 2, 255), 1, 1, NULL, 0);
    inject_and_expect(f, fr, n, "icmp.drop.broadcast");
    n = build_icmp_echo(fr, PEER, IP4(255, 255, 255, 255), 1, 1, NULL, 0);
    inject_and_expect(f, fr, n, "icmp.drop.broadcast");
}

static void test_unknown_ethertype(void **state) {
    fixture *f = *state;
    uint8_t fr[64] = {0};
    build_eth(fr, test_mac_stack, test_mac_peer, 0x88B5);
    inject_and_expect(f, fr, 60, "eth.drop.type");
    build_eth(fr, (const uint8_t *)"\x02\x00\x00\x00\x00\x77", test_mac_peer, 0x0800);
    inject_and_expect(f, fr, 60, "eth.drop.not_ours");
}

static int udp_seen;
static void on_udp(void *ctx, tern_udp_pcb *pcb, tern_pbuf *p, const tern_udp_info *info) {
    (void)ctx, (void)info;
    udp_seen++;
    tern_pbuf_free(pcb->stack, p);
}

/* Without an address an interface takes unicast UDP (a DHCP offer to the
 * offered address) but answers nothing else for an address not yet its own. */
static void test_unconfigured_interface_takes_only_udp(void **state) {
    fixture *f = *state;
    assert_int_equal(tern_netif_set_ipv4(&f->cap.nif, NULL, 0, NULL), TERN_OK);
    cap_clear(&f->cap);
    tern_udp_pcb *pcb = tern_udp_new(f->s);
    assert_int_equal(tern_udp_bind(pcb, NULL, 68), TERN_OK);
    tern_udp_set_recv(pcb, on_udp, NULL);
    uint8_t fr[128];
    size_t n = build_udp(fr, PEER, IP4(192, 0, 2, 150), 67, 68, (const uint8_t *)"offer", 5);
    udp_seen = 0;
    inject(&f->cap.nif, fr, n);
    assert_int_equal(udp_seen, 1);
    n = build_icmp_echo(fr, PEER, IP4(192, 0, 2, 150), 1, 1, NULL, 0);
    inject_and_expect(f, fr, n, "ipv4.drop.not_ours");
    tern_udp_free(pcb);
}

int main(void) {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_truncated_headers),
        T(test_bad_version_and_ihl),
        T(test_total_length_mismatch),
        T(test_bad_header_checksum),
        T(test_options),
        T(test_bad_sources_and_not_ours),
        T(test_unknown_protocol_gets_unreachable),
        T(test_broadcast_ping_ignored),
        T(test_unknown_ethertype),
        T(test_unconfigured_interface_takes_only_udp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
