/* ICMP: echo replies, errors we send (port unreachable, the RFC 1122 "never
 * about" rules, rate limiting), errors we receive (quote checks, delivery to
 * the UDP endpoint), and the ping client. */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "wire/wire.h"

#define PEER IP4(192, 0, 2, 1)
#define US IP4(192, 0, 2, 2)
#define US2 IP4(198, 51, 100, 2) /* our address on the second interface */
#define FAR IP4(203, 0, 113, 9)

static const uint8_t mac_two[6] = {0x02, 0, 0, 0, 0, 0x22};
static const uint8_t bcast_mac[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t mcast_mac[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};

typedef struct fixture {
    tern_stack *s;
    cap_netif cap;
    cap_netif cap2;
    unsigned base;
} fixture;

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    f->s = stack_new(21);
    cap_init(&f->cap, f->s);
    cap_init_as(&f->cap2, f->s, "cap1", mac_two, US2, 24, 0);
    tern_addr peer = tern_addr_ipv4(PEER);
    assert_int_equal(tern_arp_add_static(&f->cap.nif, &peer, test_mac_peer), TERN_OK);
    f->base = tern_stack_buffers_in_use(f->s);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    assert_int_equal(tern_stack_buffers_in_use(f->s), f->base);
    cap_clear(&f->cap);
    cap_clear(&f->cap2);
    stack_free_checked(f->s);
    free(f);
    return 0;
}

/* Offsets inside a captured frame (Ethernet + 20-byte IPv4 header). */
#define IPH 14
#define L4 34

static void assert_ipv4_header_ok(const cap_frame *c) {
    assert_true(c->len >= L4);
    assert_int_equal(tern_rd16(c->data + 12), 0x0800);
    assert_int_equal(c->data[IPH], 0x45);
    assert_int_equal(inet_checksum(c->data + IPH, 20, 0), 0);
    assert_int_equal(tern_rd16(c->data + IPH + 2), c->len - IPH);
}

/* The single ICMP frame sent since `from`, checked for valid headers. */
static const cap_frame *only_icmp(const fixture *f, unsigned from) {
    int i = cap_find(&f->cap, from, 0x0800, 1);
    assert_true(i >= 0);
    assert_int_equal(cap_find(&f->cap, (unsigned)i + 1, 0x0800, 1), -1);
    const cap_frame *c = &f->cap.frames[i];
    assert_ipv4_header_ok(c);
    assert_int_equal(inet_checksum(c->data + L4, c->len - L4, 0), 0);
    return c;
}

static unsigned icmp_frames(const fixture *f) {
    unsigned n = 0;
    for (int i = cap_find(&f->cap, 0, 0x0800, 1); i >= 0; i = cap_find(&f->cap, (unsigned)i + 1, 0x0800, 1))
        n++;
    return n;
}

static void udp_to(fixture *f, uint32_t dst, uint16_t dport) {
    uint8_t fr[128];
    size_t n = build_udp(fr, PEER, dst, 40000, dport, (const uint8_t *)"hello, closed port", 18);
    inject(&f->cap.nif, fr, n);
}

/* ---- Echo ---- */

static void test_echo_reply_mirrors_request(void **state) {
    fixture *f = *state;
    uint8_t data[40], fr[128];
    for (unsigned i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 7 + 1);
    size_t n = build_icmp_echo(fr, PEER, US, 0xBEEF, 0x0102, data, sizeof data);
    inject(&f->cap.nif, fr, n);
    assert_int_equal(f->cap.count, 1);
    const cap_frame *c = only_icmp(f, 0);
    assert_memory_equal(c->data, test_mac_peer, 6);
    assert_int_equal(tern_rd32(c->data + IPH + 12), US);
    assert_int_equal(tern_rd32(c->data + IPH + 16), PEER);
    assert_int_equal(c->data[IPH + 8], TERN_CFG_IPV4_DEFAULT_TTL);
    assert_int_equal(c->len, L4 + 8 + sizeof data);
    assert_int_equal(c->data[L4], TERN_ICMP_ECHO_REPLY);
    assert_int_equal(c->data[L4 + 1], 0);
    assert_int_equal(tern_rd16(c->data + L4 + 4), 0xBEEF);
    assert_int_equal(tern_rd16(c->data + L4 + 6), 0x0102);
    assert_memory_equal(c->data + L4 + 8, data, sizeof data);
    assert_int_equal(stat(f->s, "icmp.tx"), 1);
}

/* Weak host model: our other interface's address, pinged through cap0, is
 * the source of the reply (not cap0's own address). */
static void test_echo_reply_source_is_address_pinged(void **state) {
    fixture *f = *state;
    uint8_t fr[128];
    size_t n = build_icmp_echo(fr, PEER, US2, 1, 1, (const uint8_t *)"abcd", 4);
    inject(&f->cap.nif, fr, n);
    const cap_frame *c = only_icmp(f, 0);
    assert_int_equal(tern_rd32(c->data + IPH + 12), US2);
    assert_int_equal(tern_rd32(c->data + IPH + 16), PEER);
    assert_int_equal(f->cap2.count, 0);
}

static void test_bad_checksum_dropped(void **state) {
    fixture *f = *state;
    uint8_t fr[128];
    size_t n = build_icmp_echo(fr, PEER, US, 1, 1, (const uint8_t *)"abcd", 4);
    fr[L4 + 2] ^= 0x01;
    inject(&f->cap.nif, fr, n);
    assert_int_equal(stat(f->s, "icmp.drop.checksum"), 1);
    assert_int_equal(f->cap.count, 0);
}

static void test_no_reply_to_broadcast_ping(void **state) {
    fixture *f = *state;
    uint8_t fr[128];
    size_t n = build_icmp_echo(fr, PEER, IP4(192, 0, 2, 255), 1, 1, (const uint8_t *)"abcd", 4);
    memcpy(fr, bcast_mac, 6);
    inject(&f->cap.nif, fr, n);
    assert_int_equal(stat(f->s, "icmp.drop.broadcast"), 1);
    assert_int_equal(f->cap.count, 0);
}

/* ---- Errors we send ---- */

static void test_port_unreachable_quotes_header_and_8_bytes(void **state) {
    fixture *f = *state;
    uint8_t fr[128];
    size_t n = build_udp(fr, PEER, US, 40000, 4444, (const uint8_t *)"hello, closed port", 18);
    inject(&f->cap.nif, fr, n);
    assert_int_equal(stat(f->s, "udp.drop.no_port"), 1);
    const cap_frame *c = only_icmp(f, 0);
    assert_memory_equal(c->data, test_mac_peer, 6);
    assert_int_equal(tern_rd32(c->data + IPH + 12), US);
    assert_int_equal(tern_rd32(c->data + IPH + 16), PEER);
    assert_int_equal(c->data[L4], TERN_ICMP_DEST_UNREACH);
    assert_int_equal(c->data[L4 + 1], TERN_ICMP_UNREACH_PORT);
    assert_int_equal(tern_rd32(c->data + L4 + 4), 0); /* unused */
    assert_true(c->len >= L4 + 8 + 28);
    assert_memory_equal(c->data + L4 + 8, fr + IPH, 28); /* original IP header + 8 bytes */
    assert_int_equal(stat(f->s, "icmp.err.tx"), 1);
}

/* A UDP length shorter than the IP payload is legal (the rest is ignored)
 * and must not stop the port unreachable (it once did: the quote, trimmed to
 * the UDP length, failed the IP total-length check). */
static void test_port_unreachable_for_datagram_with_trailing_bytes(void **state) {
    fixture *f = *state;
    uint8_t fr[128];
    size_t n = build_udp(fr, PEER, US, 40000, 4444, (const uint8_t *)"0123456789", 10);
    tern_wr16(fr + L4 + 4, 8 + 4); /* UDP covers 4 of the 10 bytes */
    fix_udp_checksum(fr, 12);
    inject(&f->cap.nif, fr, n);
    assert_int_equal(stat(f->s, "udp.drop.no_port"), 1);
    const cap_frame *c = only_icmp(f, 0);
    assert_int_equal(c->data[L4], TERN_ICMP_DEST_UNREACH);
    assert_memory_equal(c->data + L4 + 8, fr + IPH, 28);
}

static void test_no_error_for_broadcast_or_multicast_udp(void **state) {
    fixture *f = *state;
    uint8_t fr[128];
    struct {
        uint32_t dst;
        const uint8_t *mac;
    } cases[] = {
        {IP4(255, 255, 255, 255), bcast_mac},
        {IP4(192, 0, 2, 255), bcast_mac},
        {IP4(192, 0, 2, 255), test_mac_stack}, /* directed broadcast, unicast MAC */
        {IP4(224, 0, 0, 1), mcast_mac},
        {IP4(224, 0, 0, 1), test_mac_stack},
        {US, bcast_mac}, /* our address, link broadcast */
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = build_udp(fr, PEER, cases[i].dst, 40000, 4444, (const uint8_t *)"x", 1);
        memcpy(fr, cases[i].mac, 6);
        inject(&f->cap.nif, fr, n);
        assert_int_equal(stat(f->s, "udp.drop.no_port"), i + 1);
    }
    assert_int_equal(f->cap.count, 0);
    assert_int_equal(stat(f->s, "icmp.err.tx"), 0);
}

/* tern_icmp_send_error on a datagram (IPv4 header first) in a pbuf. */
static void send_error_about(fixture *f, const uint8_t *ip, size_t len) {
    tern_pbuf *orig = tern_pbuf_alloc(f->s, 0, (uint16_t)len);
    assert_int_equal(tern_pbuf_copy_in(orig, 0, ip, (uint16_t)len), TERN_OK);
    tern_icmp_send_error(f->s, orig, TERN_ICMP_DEST_UNREACH, TERN_ICMP_UNREACH_PROTO, 0);
    tern_pbuf_free(f->s, orig);
}

static void test_no_error_about_an_icmp_error(void **state) {
    fixture *f = *state;
    uint8_t quote[28] = {0x45}, fr[128];
    size_t n =
        build_icmp(fr, PEER, US, TERN_ICMP_DEST_UNREACH, TERN_ICMP_UNREACH_PORT, 0, quote, sizeof quote);
    send_error_about(f, fr + IPH, n - IPH);
    n = build_icmp(fr, PEER, US, TERN_ICMP_TIME_EXCEEDED, 0, 0, quote, sizeof quote);
    send_error_about(f, fr + IPH, n - IPH);
    assert_int_equal(f->cap.count, 0);
    /* Control: the same call about an echo request does produce an error. */
    n = build_icmp_echo(fr, PEER, US, 1, 1, quote, 8);
    send_error_about(f, fr + IPH, n - IPH);
    assert_int_equal(f->cap.count, 1);
    assert_int_equal(only_icmp(f, 0)->data[L4], TERN_ICMP_DEST_UNREACH);
}

static void test_no_error_about_non_first_fragment(void **state) {
    fixture *f = *state;
    uint8_t fr[128], data[16] = {0};
    size_t n = build_ipv4_frag(fr, PEER, US, 17, 9, 1480, 0, data, sizeof data);
    send_error_about(f, fr + IPH, n - IPH);
    assert_int_equal(f->cap.count, 0);
}

static void test_errors_rate_limited_then_refilled(void **state) {
    fixture *f = *state;
    for (uint16_t i = 0; i < 100; i++)
        udp_to(f, US, (uint16_t)(1000 + i));
    assert_int_equal(icmp_frames(f), TERN_CFG_ICMP_ERR_BURST);
    assert_int_equal(stat(f->s, "icmp.err.rate_limited"), 100 - TERN_CFG_ICMP_ERR_BURST);
    /* One interval later: exactly one more token. */
    tern_stack_poll(f->s, TERN_CFG_ICMP_ERR_INTERVAL_MS);
    cap_clear(&f->cap);
    for (uint16_t i = 0; i < 5; i++)
        udp_to(f, US, (uint16_t)(2000 + i));
    assert_int_equal(icmp_frames(f), 1);
    /* A long pause refills the bucket, but only up to the burst. */
    tern_stack_poll(f->s, 1000u * TERN_CFG_ICMP_ERR_INTERVAL_MS);
    cap_clear(&f->cap);
    for (uint16_t i = 0; i < 100; i++)
        udp_to(f, US, (uint16_t)(3000 + i));
    assert_int_equal(icmp_frames(f), TERN_CFG_ICMP_ERR_BURST);
}

/* ---- Errors we receive ---- */

static int err_calls;
static tern_err err_seen;
static tern_icmp_error err_info;
static void on_udp_err(void *ctx, tern_udp_pcb *pcb, tern_err err, const tern_icmp_error *e) {
    (void)ctx, (void)pcb;
    err_calls++;
    err_seen = err;
    err_info = *e;
}

/* Send one datagram from a fresh pcb on port 5000 to FAR:53 (through the
 * gateway PEER) and return a copy of the IP packet as sent. */
static tern_udp_pcb *send_from_pcb(fixture *f, uint8_t *ip_out, size_t *len) {
    tern_udp_pcb *pcb = tern_udp_new(f->s);
    assert_int_equal(tern_udp_bind(pcb, NULL, 5000), TERN_OK);
    tern_udp_set_err(pcb, on_udp_err);
    err_calls = 0;
    tern_pbuf *p = tern_pbuf_alloc(f->s, TERN_PBUF_TRANSPORT_HEADROOM, 12);
    memcpy(p->payload, "query-bytes!", 12);
    tern_addr dst = tern_addr_ipv4(FAR);
    assert_int_equal(tern_udp_sendto(pcb, p, &dst, 53), TERN_OK);
    assert_int_equal(f->cap.count, 1);
    *len = f->cap.frames[0].len - IPH;
    memcpy(ip_out, f->cap.frames[0].data + IPH, *len);
    cap_clear(&f->cap);
    return pcb;
}

static void inject_error(fixture *f, uint8_t type, uint8_t code, const uint8_t *quote, size_t qlen) {
    uint8_t fr[256];
    size_t n = build_icmp(fr, PEER, US, type, code, 0, quote, qlen);
    inject(&f->cap.nif, fr, n);
}

static void test_port_unreachable_reaches_udp_err_callback(void **state) {
    fixture *f = *state;
    uint8_t ip[128];
    size_t len;
    tern_udp_pcb *pcb = send_from_pcb(f, ip, &len);
    inject_error(f, TERN_ICMP_DEST_UNREACH, TERN_ICMP_UNREACH_PORT, ip, 28);
    assert_int_equal(err_calls, 1);
    assert_int_equal(err_seen, TERN_ERR_REFUSED);
    assert_int_equal(err_info.type, TERN_ICMP_DEST_UNREACH);
    assert_int_equal(err_info.code, TERN_ICMP_UNREACH_PORT);
    assert_int_equal(err_info.src, US);
    assert_int_equal(err_info.dst, FAR);
    assert_int_equal(err_info.sport, 5000);
    assert_int_equal(err_info.dport, 53);
    assert_int_equal(err_info.proto, TERN_IP_PROTO_UDP);
    assert_int_equal(stat(f->s, "icmp.err.rx"), 1);
    assert_int_equal(f->cap.count, 0); /* never an error about an error */
    tern_udp_free(pcb);
}

static void test_error_for_other_port_not_delivered(void **state) {
    fixture *f = *state;
    uint8_t ip[128];
    size_t len;
    tern_udp_pcb *pcb = send_from_pcb(f, ip, &len);
    tern_wr16(ip + 20, 5001); /* quoted source port: not this pcb */
    inject_error(f, TERN_ICMP_DEST_UNREACH, TERN_ICMP_UNREACH_PORT, ip, 28);
    assert_int_equal(err_calls, 0);
    tern_udp_free(pcb);
}

static void expect_bad_quote(fixture *f, const uint8_t *quote, size_t qlen, uint32_t expected) {
    inject_error(f, TERN_ICMP_DEST_UNREACH, TERN_ICMP_UNREACH_PORT, quote, qlen);
    assert_int_equal(stat(f->s, "icmp.drop.bad_quote"), expected);
    assert_int_equal(err_calls, 0);
    assert_int_equal(f->cap.count, 0);
}

static void test_garbage_quotes_dropped(void **state) {
    fixture *f = *state;
    uint8_t ip[128], q[128];
    size_t len;
    tern_udp_pcb *pcb = send_from_pcb(f, ip, &len);
    expect_bad_quote(f, ip, 27, 1); /* shorter than header + 8 */
    expect_bad_quote(f, ip, 20, 2);
    memcpy(q, ip, 28);
    q[0] = 0x65; /* version 6 */
    expect_bad_quote(f, q, 28, 3);
    memcpy(q, ip, 28);
    q[0] = 0x4F; /* IHL 60 bytes: beyond the 28 quoted */
    expect_bad_quote(f, q, 28, 4);
    memcpy(q, ip, 28);
    tern_wr32(q + 12, IP4(192, 0, 2, 77)); /* source not ours */
    expect_bad_quote(f, q, 28, 5);
    memcpy(q, ip, 28);
    q[0] = 0x44; /* IHL below 5 */
    expect_bad_quote(f, q, 28, 6);
    /* Control: the untouched quote is accepted. */
    inject_error(f, TERN_ICMP_DEST_UNREACH, TERN_ICMP_UNREACH_PORT, ip, 28);
    assert_int_equal(err_calls, 1);
    tern_udp_free(pcb);
}

/* ---- Ping client ---- */

#define MAX_EVENTS 16
static tern_ping_result events[MAX_EVENTS];
static unsigned nevents;
static void on_ping(void *ctx, tern_ping *ping, const tern_ping_result *r) {
    (void)ctx, (void)ping;
    assert_true(nevents < MAX_EVENTS);
    events[nevents++] = *r;
}

/* The echo request in frame i: checks it, returns its id and sequence. */
static uint16_t check_request(const fixture *f, unsigned i, uint16_t size, uint16_t *seq) {
    const cap_frame *c = &f->cap.frames[i];
    assert_ipv4_header_ok(c);
    assert_int_equal(inet_checksum(c->data + L4, c->len - L4, 0), 0);
    assert_int_equal(c->data[IPH + 9], TERN_IP_PROTO_ICMP);
    assert_int_equal(tern_rd32(c->data + IPH + 16), PEER);
    assert_int_equal(c->data[L4], TERN_ICMP_ECHO);
    *seq = tern_rd16(c->data + L4 + 6);
    assert_int_equal(c->len, L4 + 8 + size);
    return tern_rd16(c->data + L4 + 4);
}

static void reply_to(fixture *f, uint16_t id, uint16_t seq, uint16_t size) {
    uint8_t data[64], fr[160];
    for (unsigned i = 0; i < size; i++)
        data[i] = (uint8_t)i;
    size_t n = build_icmp(fr, PEER, US, TERN_ICMP_ECHO_REPLY, 0, (uint32_t)id << 16 | seq, data, size);
    fr[IPH + 8] = 57; /* TTL as it reaches us */
    fix_ipv4_checksum(fr);
    inject(&f->cap.nif, fr, n);
}

static void test_ping_reply_timeout_done(void **state) {
    fixture *f = *state;
    tern_ping ping;
    nevents = 0;
    tern_addr dst = tern_addr_ipv4(PEER);
    assert_int_equal(tern_ping_start(f->s, &ping, &dst, 2, 16, 1000, 500, on_ping, NULL), TERN_OK);
    tern_stack_poll(f->s, 0);
    assert_int_equal(f->cap.count, 1);
    uint16_t seq0, seq1;
    uint16_t id = check_request(f, 0, 16, &seq0);
    tern_stack_poll(f->s, 30);
    reply_to(f, id, seq0, 16);
    assert_int_equal(nevents, 1);
    assert_int_equal(events[0].event, TERN_PING_REPLY);
    assert_int_equal(events[0].seq, seq0);
    assert_int_equal(events[0].rtt_ms, 30);
    assert_int_equal(events[0].bytes, 16);
    assert_int_equal(events[0].ttl, 57);
    assert_int_equal(events[0].received, 1);
    /* The second request is sent on time and never answered. */
    tern_stack_poll(f->s, 999);
    assert_int_equal(f->cap.count, 1);
    tern_stack_poll(f->s, 1000);
    assert_int_equal(f->cap.count, 2);
    assert_int_equal(check_request(f, 1, 16, &seq1), id);
    assert_int_equal(seq1, (uint16_t)(seq0 + 1));
    tern_stack_poll(f->s, 1499);
    assert_int_equal(nevents, 1);
    tern_stack_poll(f->s, 1500);
    assert_int_equal(nevents, 3);
    assert_int_equal(events[1].event, TERN_PING_TIMEOUT);
    assert_int_equal(events[1].seq, seq1);
    assert_int_equal(events[2].event, TERN_PING_DONE);
    assert_int_equal(events[2].sent, 2);
    assert_int_equal(events[2].received, 1);
    assert_int_equal(tern_stack_poll(f->s, 5000), TERN_POLL_IDLE);
    assert_int_equal(nevents, 3);
}

static void test_ping_ignores_wrong_id_or_seq(void **state) {
    fixture *f = *state;
    tern_ping ping;
    nevents = 0;
    tern_addr dst = tern_addr_ipv4(PEER);
    assert_int_equal(tern_ping_start(f->s, &ping, &dst, 1, 8, 1000, 500, on_ping, NULL), TERN_OK);
    tern_stack_poll(f->s, 0);
    uint16_t seq;
    uint16_t id = check_request(f, 0, 8, &seq);
    reply_to(f, (uint16_t)(id + 1), seq, 8);
    reply_to(f, id, (uint16_t)(seq + 5), 8);
    assert_int_equal(nevents, 0);
    tern_stack_poll(f->s, 500);
    assert_int_equal(nevents, 2);
    assert_int_equal(events[0].event, TERN_PING_TIMEOUT);
    assert_int_equal(events[1].event, TERN_PING_DONE);
}

static void test_ping_stop_silences_it(void **state) {
    fixture *f = *state;
    tern_ping ping;
    nevents = 0;
    tern_addr dst = tern_addr_ipv4(PEER);
    assert_int_equal(tern_ping_start(f->s, &ping, &dst, 5, 8, 100, 50, on_ping, NULL), TERN_OK);
    assert_int_equal(tern_ping_start(f->s, &ping, &dst, 5, 8, 100, 50, on_ping, NULL), TERN_ERR_ALREADY);
    tern_stack_poll(f->s, 0);
    assert_int_equal(f->cap.count, 1);
    uint16_t seq;
    uint16_t id = check_request(f, 0, 8, &seq);
    tern_ping_stop(f->s, &ping);
    reply_to(f, id, seq, 8);
    for (uint32_t t = 0; t <= 2000; t += 10)
        tern_stack_poll(f->s, t);
    assert_int_equal(f->cap.count, 1);
    assert_int_equal(nevents, 0);
    assert_int_equal(tern_stack_poll(f->s, 3000), TERN_POLL_IDLE);
}

static void test_ping_own_address_over_loopback(void **state) {
    fixture *f = *state;
    uint32_t targets[] = {IP4(127, 0, 0, 1), US, US2};
    for (unsigned i = 0; i < 3; i++) {
        tern_ping ping;
        nevents = 0;
        tern_addr dst = tern_addr_ipv4(targets[i]);
        assert_int_equal(tern_ping_start(f->s, &ping, &dst, 1, 24, 100, 50, on_ping, NULL), TERN_OK);
        for (uint32_t t = 0; t < 5 && nevents < 2; t++)
            tern_stack_poll(f->s, 1000 * i + t);
        assert_int_equal(nevents, 2);
        assert_int_equal(events[0].event, TERN_PING_REPLY);
        assert_int_equal(events[0].bytes, 24);
        assert_int_equal(events[1].event, TERN_PING_DONE);
    }
    assert_int_equal(f->cap.count + f->cap2.count, 0);
}

static void test_ping_start_rejects_bad_args(void **state) {
    fixture *f = *state;
    tern_ping ping;
    tern_addr dst = tern_addr_ipv4(PEER), none = {0};
    assert_int_equal(tern_ping_start(f->s, &ping, &none, 1, 8, 100, 50, on_ping, NULL), TERN_ERR_INVAL);
    assert_int_equal(tern_ping_start(f->s, &ping, &dst, 0, 8, 100, 50, on_ping, NULL), TERN_ERR_INVAL);
    assert_int_equal(tern_ping_start(f->s, &ping, &dst, 1, 8, 100, 0, on_ping, NULL), TERN_ERR_INVAL);
    assert_int_equal(tern_ping_start(f->s, NULL, &dst, 1, 8, 100, 50, on_ping, NULL), TERN_ERR_INVAL);
    assert_int_equal(tern_stack_poll(f->s, 0), TERN_POLL_IDLE);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_echo_reply_mirrors_request, setup, teardown),
        cmocka_unit_test_setup_teardown(test_echo_reply_source_is_address_pinged, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_checksum_dropped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_reply_to_broadcast_ping, setup, teardown),
        cmocka_unit_test_setup_teardown(test_port_unreachable_quotes_header_and_8_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_port_unreachable_for_datagram_with_trailing_bytes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_no_error_for_broadcast_or_multicast_udp, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_error_about_an_icmp_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_error_about_non_first_fragment, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors_rate_limited_then_refilled, setup, teardown),
        cmocka_unit_test_setup_teardown(test_port_unreachable_reaches_udp_err_callback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_error_for_other_port_not_delivered, setup, teardown),
        cmocka_unit_test_setup_teardown(test_garbage_quotes_dropped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ping_reply_timeout_done, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ping_ignores_wrong_id_or_seq, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ping_stop_silences_it, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ping_own_address_over_loopback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ping_start_rejects_bad_args, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
