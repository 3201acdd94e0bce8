/* UDP: binding and ports, demultiplexing, header and checksum validation,
 * sending (broadcast, zero-copy, bad arguments), the echo/discard services,
 * and raw IP endpoints. */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "wire/wire.h"

#define PEER IP4(192, 0, 2, 1)
#define OTHER IP4(192, 0, 2, 9)
#define UNRESOLVED IP4(192, 0, 2, 10) /* no ARP entry, nobody answers */
#define US IP4(192, 0, 2, 2)
#define IPH 14
#define L4 34
#define DATA 42

static const uint8_t other_mac[6] = {0x02, 0, 0, 0, 0, 0x09};

typedef struct fixture {
    tern_stack *s;
    cap_netif cap;
    unsigned base;
} fixture;

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    f->s = stack_new(33);
    cap_init(&f->cap, f->s);
    tern_addr peer = tern_addr_ipv4(PEER);
    assert_int_equal(tern_arp_add_static(&f->cap.nif, &peer, test_mac_peer), TERN_OK);
    tern_addr other = tern_addr_ipv4(OTHER);
    assert_int_equal(tern_arp_add_static(&f->cap.nif, &other, other_mac), TERN_OK);
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

/* What the receive callback saw. */
typedef struct rx_log {
    unsigned count;
    uint8_t data[2048];
    uint16_t len;
    tern_udp_info info;
} rx_log;

static void on_recv(void *ctx, tern_udp_pcb *pcb, tern_pbuf *p, const tern_udp_info *info) {
    rx_log *log = ctx;
    log->count++;
    log->len = tern_pbuf_copy_out(p, 0, log->data, sizeof log->data);
    assert_int_equal(log->len, p->tot_len);
    log->info = *info;
    tern_pbuf_free(pcb->stack, p);
}

static tern_udp_pcb *listen_on(fixture *f, uint16_t port, rx_log *log) {
    tern_udp_pcb *pcb = tern_udp_new(f->s);
    assert_non_null(pcb);
    assert_int_equal(tern_udp_bind(pcb, NULL, port), TERN_OK);
    memset(log, 0, sizeof *log);
    tern_udp_set_recv(pcb, on_recv, log);
    return pcb;
}

static void inject_udp(fixture *f, uint32_t src, uint16_t sport, uint16_t dport, const char *text) {
    uint8_t fr[256];
    size_t n = build_udp(fr, src, US, sport, dport, (const uint8_t *)text, strlen(text));
    inject(&f->cap.nif, fr, n);
}

static tern_pbuf *payload(fixture *f, const char *text) {
    uint16_t n = (uint16_t)strlen(text);
    tern_pbuf *p = tern_pbuf_alloc(f->s, TERN_PBUF_TRANSPORT_HEADROOM, n);
    assert_non_null(p);
    memcpy(p->payload, text, n);
    return p;
}

static uint16_t pseudo_checksum_of(const cap_frame *c) {
    uint16_t ulen = tern_rd16(c->data + L4 + 4);
    uint8_t ph[12];
    memcpy(ph, c->data + IPH + 12, 8);
    ph[8] = 0;
    ph[9] = 17;
    tern_wr16(ph + 10, ulen);
    return inet_checksum(c->data + L4, ulen, (uint16_t)~inet_checksum(ph, 12, 0));
}

/* ---- Binding ---- */

static void test_bind_port_in_use(void **state) {
    fixture *f = *state;
    tern_udp_pcb *a = tern_udp_new(f->s), *b = tern_udp_new(f->s);
    tern_addr us = tern_addr_ipv4(US);
    assert_int_equal(tern_udp_bind(a, NULL, 5000), TERN_OK);
    assert_int_equal(tern_udp_bind(b, NULL, 5000), TERN_ERR_INUSE);
    assert_int_equal(tern_udp_bind(b, &us, 5000), TERN_ERR_INUSE);
    assert_int_equal(tern_udp_bind(b, NULL, 5001), TERN_OK);
    tern_udp_free(a);
    assert_int_equal(tern_udp_bind(b, NULL, 5000), TERN_OK); /* free releases the port */
    tern_udp_free(b);
}

static void test_bind_rejects_foreign_address(void **state) {
    fixture *f = *state;
    tern_udp_pcb *a = tern_udp_new(f->s);
    tern_addr foreign = TERN_ADDR4(203, 0, 113, 1);
    assert_int_equal(tern_udp_bind(a, &foreign, 5000), TERN_ERR_INVAL);
    tern_udp_free(a);
}

static void test_ephemeral_ports_in_range_and_distinct(void **state) {
    fixture *f = *state;
    tern_udp_pcb *pcbs[TERN_CFG_UDP_PCBS];
    for (unsigned i = 0; i < TERN_CFG_UDP_PCBS; i++) {
        pcbs[i] = tern_udp_new(f->s);
        assert_non_null(pcbs[i]);
        assert_int_equal(tern_udp_bind(pcbs[i], NULL, 0), TERN_OK);
        assert_true(pcbs[i]->local_port >= 49152);
        for (unsigned j = 0; j < i; j++)
            assert_int_not_equal(pcbs[i]->local_port, pcbs[j]->local_port);
    }
    assert_null(tern_udp_new(f->s)); /* table full */
    for (unsigned i = 0; i < TERN_CFG_UDP_PCBS; i++)
        tern_udp_free(pcbs[i]);
}

/* Ports from a sendto without bind are ephemeral too. */
static void test_sendto_binds_ephemeral_port(void **state) {
    fixture *f = *state;
    tern_udp_pcb *pcb = tern_udp_new(f->s);
    tern_addr dst = tern_addr_ipv4(PEER);
    assert_int_equal(tern_udp_sendto(pcb, payload(f, "x"), &dst, 53), TERN_OK);
    assert_int_equal(f->cap.count, 1);
    uint16_t sport = tern_rd16(f->cap.frames[0].data + L4);
    assert_true(sport >= 49152);
    assert_int_equal(sport, pcb->local_port);
    tern_udp_free(pcb);
}

/* ---- Receiving ---- */

static void test_recv_gets_payload_and_info(void **state) {
    fixture *f = *state;
    rx_log log;
    tern_udp_pcb *pcb = listen_on(f, 5000, &log);
    inject_udp(f, PEER, 1234, 5000, "payload!");
    assert_int_equal(log.count, 1);
    assert_int_equal(log.len, 8);
    assert_memory_equal(log.data, "payload!", 8);
    assert_int_equal(tern_addr_get_ipv4(&log.info.src), PEER);
    assert_int_equal(tern_addr_get_ipv4(&log.info.dst), US);
    assert_int_equal(log.info.sport, 1234);
    assert_int_equal(log.info.dport, 5000);
    assert_int_equal(log.info.ifindex, f->cap.nif.index);
    assert_int_equal(log.info.ttl, 64);
    assert_int_equal(log.info.broadcast, 0);
    assert_int_equal(f->cap.count, 0);
    tern_udp_free(pcb);
}

static void test_broadcast_datagram_flagged(void **state) {
    fixture *f = *state;
    rx_log log;
    tern_udp_pcb *pcb = listen_on(f, 5000, &log);
    uint8_t fr[128];
    size_t n = build_udp(fr, PEER, IP4(192, 0, 2, 255), 1234, 5000, (const uint8_t *)"all", 3);
    memset(fr, 0xff, 6);
    inject(&f->cap.nif, fr, n);
    assert_int_equal(log.count, 1);
    assert_int_equal(log.info.broadcast, 1);
    assert_int_equal(tern_addr_get_ipv4(&log.info.dst), IP4(192, 0, 2, 255));
    tern_udp_free(pcb);
}

static void test_connect_filters_other_senders(void **state) {
    fixture *f = *state;
    rx_log log;
    tern_udp_pcb *pcb = listen_on(f, 5000, &log);
    tern_addr peer = tern_addr_ipv4(PEER);
    assert_int_equal(tern_udp_connect(pcb, &peer, 53), TERN_OK);
    inject_udp(f, PEER, 54, 5000, "wrong port");
    inject_udp(f, OTHER, 53, 5000, "wrong host");
    assert_int_equal(log.count, 0);
    assert_int_equal(stat(f->s, "udp.drop.no_port"), 2);
    inject_udp(f, PEER, 53, 5000, "right");
    assert_int_equal(log.count, 1);
    assert_memory_equal(log.data, "right", 5);
    tern_udp_disconnect(pcb);
    inject_udp(f, OTHER, 53, 5000, "any");
    assert_int_equal(log.count, 2);
    tern_udp_free(pcb);
}

static void test_freed_pcb_stops_receiving(void **state) {
    fixture *f = *state;
    rx_log log;
    tern_udp_pcb *pcb = listen_on(f, 5000, &log);
    tern_udp_free(pcb);
    inject_udp(f, PEER, 53, 5000, "late");
    assert_int_equal(log.count, 0);
    assert_int_equal(stat(f->s, "udp.drop.no_port"), 1);
}

static void test_zero_checksum_accepted(void **state) {
    fixture *f = *state;
    rx_log log;
    tern_udp_pcb *pcb = listen_on(f, 5000, &log);
    uint8_t fr[128];
    size_t n = build_udp(fr, PEER, US, 1, 5000, (const uint8_t *)"nocsum", 6);
    fr[L4 + 6] = fr[L4 + 7] = 0;
    inject(&f->cap.nif, fr, n);
    assert_int_equal(log.count, TERN_CFG_UDP_ALLOW_NO_CHECKSUM ? 1 : 0);
    tern_udp_free(pcb);
}

static void test_bad_checksum_dropped(void **state) {
    fixture *f = *state;
    rx_log log;
    tern_udp_pcb *pcb = listen_on(f, 5000, &log);
    uint8_t fr[128];
    size_t n = build_udp(fr, PEER, US, 1, 5000, (const uint8_t *)"csum", 4);
    fr[DATA] ^= 0x20; /* payload changed after the checksum */
    inject(&f->cap.nif, fr, n);
    assert_int_equal(stat(f->s, "udp.drop.checksum"), 1);
    assert_int_equal(log.count, 0);
    assert_int_equal(f->cap.count, 0);
    tern_udp_free(pcb);
}

static void test_bad_length_dropped(void **state) {
    fixture *f = *state;
    rx_log log;
    tern_udp_pcb *pcb = listen_on(f, 5000, &log);
    uint8_t fr[128];
    size_t n = build_udp(fr, PEER, US, 1, 5000, (const uint8_t *)"0123456789", 10);
    tern_wr16(fr + L4 + 4, 19); /* one more than the datagram holds */
    fix_udp_checksum(fr, 18);
    inject(&f->cap.nif, fr, n);
    assert_int_equal(stat(f->s, "udp.drop.length"), 1);
    tern_wr16(fr + L4 + 4, 7); /* less than the header */
    inject(&f->cap.nif, fr, n);
    assert_int_equal(stat(f->s, "udp.drop.length"), 2);
    n = build_udp(fr, PEER, US, 1, 5000, NULL, 0);
    inject(&f->cap.nif, fr, n - 1); /* IP payload shorter than a UDP header */
    assert_int_equal(log.count, 0);
    assert_int_equal(f->cap.count, 0);
    tern_udp_free(pcb);
}

static void test_short_udp_length_trims_trailing_bytes(void **state) {
    fixture *f = *state;
    rx_log log;
    tern_udp_pcb *pcb = listen_on(f, 5000, &log);
    uint8_t fr[128];
    size_t n = build_udp(fr, PEER, US, 1, 5000, (const uint8_t *)"0123456789", 10);
    tern_wr16(fr + L4 + 4, 8 + 4); /* UDP says 4 bytes; IP carries 10 */
    fix_udp_checksum(fr, 12);
    inject(&f->cap.nif, fr, n);
    assert_int_equal(log.count, 1);
    assert_int_equal(log.len, 4);
    assert_memory_equal(log.data, "0123", 4);
    tern_udp_free(pcb);
}

/* ---- Sending ---- */

static void test_sent_datagram_is_well_formed(void **state) {
    fixture *f = *state;
    tern_udp_pcb *pcb = tern_udp_new(f->s);
    assert_int_equal(tern_udp_bind(pcb, NULL, 4321), TERN_OK);
    tern_addr dst = tern_addr_ipv4(PEER);
    assert_int_equal(tern_udp_sendto(pcb, payload(f, "datagram"), &dst, 53), TERN_OK);
    assert_int_equal(f->cap.count, 1);
    const cap_frame *c = &f->cap.frames[0];
    assert_memory_equal(c->data, test_mac_peer, 6);
    assert_int_equal(c->len, DATA + 8);
    assert_int_equal(c->data[IPH + 9], 17);
    assert_int_equal(tern_rd32(c->data + IPH + 12), US);
    assert_int_equal(tern_rd32(c->data + IPH + 16), PEER);
    assert_int_equal(inet_checksum(c->data + IPH, 20, 0), 0);
    assert_int_equal(tern_rd16(c->data + L4), 4321);
    assert_int_equal(tern_rd16(c->data + L4 + 2), 53);
    assert_int_equal(tern_rd16(c->data + L4 + 4), 16);
    assert_int_not_equal(tern_rd16(c->data + L4 + 6), 0);
    assert_int_equal(pseudo_checksum_of(c), 0);
    assert_memory_equal(c->data + DATA, "datagram", 8);
    tern_udp_free(pcb);
}

static void test_limited_broadcast_needs_flag(void **state) {
    fixture *f = *state;
    tern_udp_pcb *pcb = tern_udp_new(f->s);
    tern_addr bc = TERN_ADDR4(255, 255, 255, 255);
    assert_int_not_equal(tern_udp_sendto(pcb, payload(f, "bc"), &bc, 67), TERN_OK);
    assert_int_equal(f->cap.count, 0);
    assert_int_equal(tern_stack_buffers_in_use(f->s), f->base);
    tern_udp_set_flags(pcb, TERN_UDP_F_BROADCAST, true);
    assert_int_equal(tern_udp_sendto(pcb, payload(f, "bc"), &bc, 67), TERN_OK);
    assert_int_equal(f->cap.count, 1);
    const cap_frame *c = &f->cap.frames[0];
    static const uint8_t all_ones[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    assert_memory_equal(c->data, all_ones, 6);
    assert_int_equal(tern_rd32(c->data + IPH + 16), 0xFFFFFFFFu);
    assert_int_equal(tern_rd16(c->data + L4 + 2), 67);
    tern_udp_free(pcb);
}

static void test_bad_send_arguments_free_the_packet(void **state) {
    fixture *f = *state;
    tern_udp_pcb *pcb = tern_udp_new(f->s);
    tern_addr dst = tern_addr_ipv4(PEER), unspec = {0};
    assert_int_equal(tern_udp_sendto(pcb, payload(f, "a"), NULL, 53), TERN_ERR_INVAL);
    assert_int_equal(tern_udp_sendto(pcb, payload(f, "b"), &unspec, 53), TERN_ERR_INVAL);
    assert_int_equal(tern_udp_sendto(pcb, payload(f, "c"), &dst, 0), TERN_ERR_INVAL);
    assert_int_equal(tern_udp_send(pcb, payload(f, "d")), TERN_ERR_NOTCONN);
    assert_int_equal(tern_udp_sendto(pcb, NULL, &dst, 53), TERN_ERR_INVAL);
    assert_int_equal(tern_udp_sendto(NULL, NULL, &dst, 53), TERN_ERR_INVAL);
    assert_int_equal(tern_udp_send(NULL, NULL), TERN_ERR_NOTCONN);
    assert_int_equal(f->cap.count, 0);
    assert_int_equal(tern_stack_buffers_in_use(f->s), f->base);
    tern_udp_free(pcb);
}

/* Sending on a freed pcb fails and still consumes the packet (it once
 * leaked: tern_udp_free() wiped the stack pointer). */
static void test_sendto_on_freed_pcb_fails_without_leak(void **state) {
    fixture *f = *state;
    tern_udp_pcb *pcb = tern_udp_new(f->s);
    tern_udp_free(pcb);
    tern_addr dst = tern_addr_ipv4(PEER);
    assert_int_not_equal(tern_udp_sendto(pcb, payload(f, "zombie"), &dst, 53), TERN_OK);
    assert_int_equal(f->cap.count, 0);
    assert_int_equal(tern_stack_buffers_in_use(f->s), f->base);
}

static const uint8_t rom_data[] = "constant data that lives in flash";

static void test_zero_copy_ref_send(void **state) {
    fixture *f = *state;
    uint8_t before[sizeof rom_data];
    memcpy(before, rom_data, sizeof rom_data);
    tern_udp_pcb *pcb = tern_udp_new(f->s);
    tern_pbuf *p = tern_pbuf_alloc_ref(f->s, rom_data, sizeof rom_data);
    assert_non_null(p);
    assert_int_equal(p->kind, TERN_PBUF_REF);
    tern_addr dst = tern_addr_ipv4(PEER);
    assert_int_equal(tern_udp_sendto(pcb, p, &dst, 9999), TERN_OK);
    assert_int_equal(f->cap.count, 1);
    const cap_frame *c = &f->cap.frames[0];
    assert_int_equal(c->len, DATA + sizeof rom_data);
    assert_memory_equal(c->data + DATA, rom_data, sizeof rom_data);
    assert_int_equal(pseudo_checksum_of(c), 0);
    assert_memory_equal(rom_data, before, sizeof rom_data);
    tern_udp_free(pcb);
}

/* A REF packet waiting for ARP is copied: the frame sent later still
 * carries the data even if the caller's memory changed meanwhile. */
static void test_ref_send_waiting_for_arp_is_copied(void **state) {
    fixture *f = *state;
    static uint8_t buf[16];
    memcpy(buf, "original payload", 16);
    tern_udp_pcb *pcb = tern_udp_new(f->s);
    tern_addr dst = tern_addr_ipv4(UNRESOLVED);
    assert_int_equal(tern_udp_sendto(pcb, tern_pbuf_alloc_ref(f->s, buf, 16), &dst, 9999), TERN_OK);
    memcpy(buf, "CHANGED CHANGED!", 16);
    uint8_t fr[64];
    size_t n = build_arp(fr, 2, other_mac, UNRESOLVED, test_mac_stack, US);
    inject(&f->cap.nif, fr, n);
    int i = cap_find(&f->cap, 0, 0x0800, 17);
    assert_true(i >= 0);
    assert_memory_equal(f->cap.frames[i].data + DATA, "original payload", 16);
    tern_udp_free(pcb);
}

/* ---- Echo and discard ---- */

static void test_echo_returns_datagram_discard_swallows(void **state) {
    fixture *f = *state;
    assert_int_equal(tern_echo_start(f->s), TERN_OK);
    uint8_t data[300], fr[400];
    for (unsigned i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i ^ 0x5A);
    size_t n = build_udp(fr, PEER, US, 40001, 7, data, sizeof data);
    inject(&f->cap.nif, fr, n);
    assert_int_equal(f->cap.count, 1);
    const cap_frame *c = &f->cap.frames[0];
    assert_int_equal(tern_rd32(c->data + IPH + 16), PEER);
    assert_int_equal(tern_rd16(c->data + L4), 7);
    assert_int_equal(tern_rd16(c->data + L4 + 2), 40001);
    assert_int_equal(c->len, DATA + sizeof data);
    assert_memory_equal(c->data + DATA, data, sizeof data);
    assert_int_equal(pseudo_checksum_of(c), 0);
    n = build_udp(fr, PEER, US, 40001, 9, data, sizeof data);
    inject(&f->cap.nif, fr, n);
    assert_int_equal(f->cap.count, 1);
    assert_int_equal(stat(f->s, "udp.drop.no_port"), 0);
}

/* ---- Raw endpoints ---- */

typedef struct raw_log {
    unsigned count;
    bool consume;
    uint8_t first[24];
    uint32_t src;
} raw_log;

static bool on_raw(void *ctx, tern_raw_pcb *pcb, tern_pbuf *p, const tern_addr *src) {
    raw_log *log = ctx;
    log->count++;
    log->src = tern_addr_get_ipv4(src);
    tern_pbuf_copy_out(p, 0, log->first, sizeof log->first);
    if (log->consume)
        tern_pbuf_free(pcb->stack, p);
    return log->consume;
}

static void inject_proto99(fixture *f) {
    uint8_t fr[128];
    size_t n = build_ipv4(fr, PEER, US, 99, (const uint8_t *)"raw-payload", 11);
    inject(&f->cap.nif, fr, n);
}

static void test_raw_endpoint_consumes_its_protocol(void **state) {
    fixture *f = *state;
    raw_log log = {.consume = true};
    tern_raw_pcb *raw = tern_raw_new(f->s, 99);
    assert_non_null(raw);
    tern_raw_set_recv(raw, on_raw, &log);
    inject_proto99(f);
    assert_int_equal(log.count, 1);
    assert_int_equal(log.src, PEER);
    assert_int_equal(log.first[0], 0x45); /* starts at the IP header */
    assert_int_equal(log.first[9], 99);
    assert_memory_equal(log.first + 20, "raw", 3);
    assert_int_equal(f->cap.count, 0); /* no protocol unreachable */
    assert_int_equal(stat(f->s, "ipv4.drop.protocol"), 0);
    tern_raw_free(raw);
}

static void test_raw_endpoint_declining_lets_stack_answer(void **state) {
    fixture *f = *state;
    raw_log log = {.consume = false};
    tern_raw_pcb *raw = tern_raw_new(f->s, 99);
    tern_raw_set_recv(raw, on_raw, &log);
    inject_proto99(f);
    assert_int_equal(log.count, 1);
    int i = cap_find(&f->cap, 0, 0x0800, 1);
    assert_true(i >= 0);
    assert_int_equal(f->cap.frames[i].data[L4], TERN_ICMP_DEST_UNREACH);
    assert_int_equal(f->cap.frames[i].data[L4 + 1], TERN_ICMP_UNREACH_PROTO);
    tern_raw_free(raw);
}

static void test_raw_sendto_emits_protocol(void **state) {
    fixture *f = *state;
    tern_raw_pcb *raw = tern_raw_new(f->s, 99);
    tern_pbuf *p = payload(f, "raw out");
    tern_addr dst = tern_addr_ipv4(PEER);
    assert_int_equal(tern_raw_sendto(raw, p, &dst), TERN_OK);
    assert_int_equal(f->cap.count, 1);
    const cap_frame *c = &f->cap.frames[0];
    assert_int_equal(c->data[IPH + 9], 99);
    assert_int_equal(tern_rd32(c->data + IPH + 12), US);
    assert_int_equal(tern_rd32(c->data + IPH + 16), PEER);
    assert_int_equal(inet_checksum(c->data + IPH, 20, 0), 0);
    assert_int_equal(c->len, L4 + 7);
    assert_memory_equal(c->data + L4, "raw out", 7);
    assert_int_equal(stat(f->s, "raw.tx"), 1);
    tern_raw_free(raw);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_bind_port_in_use, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bind_rejects_foreign_address, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ephemeral_ports_in_range_and_distinct, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sendto_binds_ephemeral_port, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recv_gets_payload_and_info, setup, teardown),
        cmocka_unit_test_setup_teardown(test_broadcast_datagram_flagged, setup, teardown),
        cmocka_unit_test_setup_teardown(test_connect_filters_other_senders, setup, teardown),
        cmocka_unit_test_setup_teardown(test_freed_pcb_stops_receiving, setup, teardown),
        cmocka_unit_test_setup_teardown(test_zero_checksum_accepted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_checksum_dropped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_length_dropped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_short_udp_length_trims_trailing_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sent_datagram_is_well_formed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_limited_broadcast_needs_flag, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_send_arguments_free_the_packet, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sendto_on_freed_pcb_fails_without_leak, setup, teardown),
        cmocka_unit_test_setup_teardown(test_zero_copy_ref_send, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ref_send_waiting_for_arp_is_copied, setup, teardown),
        cmocka_unit_test_setup_teardown(test_echo_returns_datagram_discard_swallows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_raw_endpoint_consumes_its_protocol, setup, teardown),
        cmocka_unit_test_setup_teardown(test_raw_endpoint_declining_lets_stack_answer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_raw_sendto_emits_protocol, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
