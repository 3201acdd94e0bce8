/* Simulation: stacks on virtual wires with a virtual clock and seeded
 * impairments. Ping and UDP echo across lossy, reordering, duplicating and
 * corrupting links; a router between two networks; a rate-limited link. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "wire/wire.h"

#define A_IP IP4(192, 0, 2, 1)
#define B_IP IP4(192, 0, 2, 2)

static sim *sim_new(void) {
    sim *sm = calloc(1, sizeof *sm);
    assert_non_null(sm);
    sim_init(sm);
    return sm;
}

static void sim_done(sim *sm) {
    sim_free_checked(sm);
    free(sm);
}

/* Two hosts, A and B, on wire 0. */
static sim *two_hosts(void) {
    sim *sm = sim_new();
    sim_attach(sm, sim_add_host(sm, 1), 0, A_IP, 24, 0);
    sim_attach(sm, sim_add_host(sm, 2), 0, B_IP, 24, 0);
    return sm;
}

static void static_arp(sim_host *h, unsigned nif, uint32_t ip, const sim_host *peer, unsigned peer_nif) {
    tern_addr a = tern_addr_ipv4(ip);
    assert_int_equal(tern_arp_add_static(&h->nif[nif], &a, peer->nif[peer_nif].hwaddr), TERN_OK);
}

static void impair_rx(sim_host *h, unsigned nif, const char *spec) {
    tern_impair_config cfg;
    const char *bad = NULL;
    assert_true(tern_impair_parse(spec, &cfg, &bad));
    tern_impair_attach(&h->nif[nif], &h->impair_rx[nif], &cfg, false);
}

static uint32_t stat_sum(const sim *sm, const char *name) {
    uint32_t n = 0;
    for (unsigned i = 0; i < sm->nhosts; i++)
        n += stat(sm->hosts[i].stack, name);
    return n;
}

/* ---- Ping ---- */

#define MAX_SEQ 256
typedef struct ping_log {
    int done;
    uint16_t replies, timeouts, errors;
    uint8_t replied[MAX_SEQ];
    uint8_t last_ttl;
    tern_ping_result final;
} ping_log;

static void on_ping(void *ctx, tern_ping *ping, const tern_ping_result *r) {
    ping_log *log = ctx;
    (void)ping;
    switch (r->event) {
    case TERN_PING_REPLY:
        assert_true(r->seq < MAX_SEQ);
        assert_int_equal(log->replied[r->seq], 0);
        log->replied[r->seq] = 1;
        log->replies++;
        log->last_ttl = r->ttl;
        break;
    case TERN_PING_TIMEOUT:
        log->timeouts++;
        break;
    case TERN_PING_ERROR:
        log->errors++;
        break;
    case TERN_PING_DONE:
        log->final = *r;
        log->done = 1;
        break;
    }
}

static void run_ping(sim *sm, sim_host *from, uint32_t dst, uint16_t count, uint32_t interval,
                     uint32_t timeout, ping_log *log) {
    tern_ping ping;
    memset(log, 0, sizeof *log);
    tern_addr d = tern_addr_ipv4(dst);
    assert_int_equal(tern_ping_start(from->stack, &ping, &d, count, 32, interval, timeout, on_ping, log),
                     TERN_OK);
    assert_true(sim_run_until(sm, &log->done, (uint32_t)count * interval + timeout + 5000));
}

static void test_two_hosts_ping_with_arp_on_the_wire(void **state) {
    (void)state;
    sim *sm = two_hosts();
    sim_host *a = &sm->hosts[0], *b = &sm->hosts[1];
    ping_log log;
    run_ping(sm, a, B_IP, 3, 100, 1000, &log);
    assert_int_equal(log.replies, 3);
    assert_int_equal(log.timeouts, 0);
    assert_int_equal(log.final.received, 3);
    uint8_t mac[6];
    tern_addr bip = tern_addr_ipv4(B_IP), aip = tern_addr_ipv4(A_IP);
    assert_true(tern_arp_lookup(a->stack, &bip, mac));
    assert_memory_equal(mac, b->nif[0].hwaddr, 6);
    assert_true(tern_arp_lookup(b->stack, &aip, mac));
    assert_memory_equal(mac, a->nif[0].hwaddr, 6);
    assert_true(stat(a->stack, "arp.tx") >= 1);
    /* And the other way round. */
    run_ping(sm, b, A_IP, 2, 100, 1000, &log);
    assert_int_equal(log.replies, 2);
    sim_done(sm);
}

/* Which echo requests B received and which replies A received (seen by a
 * tee, i.e. after the receive impairment). */
typedef struct survived {
    uint8_t request[MAX_SEQ], reply[MAX_SEQ];
} survived;

static void tee_icmp(uint8_t *seen, uint8_t type, const tern_pbuf *p) {
    uint8_t h[42];
    if (tern_pbuf_copy_out(p, 0, h, sizeof h) != sizeof h || tern_rd16(h + 12) != 0x0800 || h[23] != 1 ||
        h[34] != type)
        return;
    uint16_t seq = tern_rd16(h + 40);
    if (seq < MAX_SEQ)
        seen[seq] = 1;
}

static void tee_b(void *ctx, tern_netif *nif, const tern_pbuf *p, bool outgoing) {
    (void)nif;
    if (!outgoing)
        tee_icmp(((survived *)ctx)->request, TERN_ICMP_ECHO, p);
}

static void tee_a(void *ctx, tern_netif *nif, const tern_pbuf *p, bool outgoing) {
    (void)nif;
    if (!outgoing)
        tee_icmp(((survived *)ctx)->reply, TERN_ICMP_ECHO_REPLY, p);
}

static unsigned count_set(const uint8_t *v, unsigned n) {
    unsigned c = 0;
    for (unsigned i = 0; i < n; i++)
        c += v[i];
    return c;
}

/* 200 pings over 10% loss each way; returns which sequence numbers were
 * answered (whatever number the client starts from). */
static void lossy_pings(uint32_t seed, uint8_t replied[MAX_SEQ]) {
    sim *sm = two_hosts();
    sim_host *a = &sm->hosts[0], *b = &sm->hosts[1];
    static_arp(a, 0, B_IP, b, 0);
    static_arp(b, 0, A_IP, a, 0);
    char spec[64];
    snprintf(spec, sizeof spec, "loss=10,seed=%u", seed);
    impair_rx(a, 0, spec);
    snprintf(spec, sizeof spec, "loss=10,seed=%u", seed + 1000);
    impair_rx(b, 0, spec);
    survived sv;
    memset(&sv, 0, sizeof sv);
    tern_netif_set_tee(&a->nif[0], tee_a, &sv);
    tern_netif_set_tee(&b->nif[0], tee_b, &sv);
    ping_log log;
    run_ping(sm, a, B_IP, 200, 20, 15, &log);
    unsigned both = 0;
    for (unsigned i = 0; i < MAX_SEQ; i++) {
        assert_int_equal(log.replied[i], sv.request[i] && sv.reply[i]);
        assert_true(sv.request[i] || !sv.reply[i]); /* no reply without a request */
        both += log.replied[i];
    }
    assert_int_equal(log.replies, both);
    assert_int_equal(log.timeouts, 200 - both);
    assert_int_equal(log.final.sent, 200);
    assert_int_equal(log.final.received, both);
    /* The impairment's own books agree with what was seen. */
    unsigned reqs = count_set(sv.request, MAX_SEQ);
    assert_int_equal(b->impair_rx[0].counters.lost, 200 - reqs);
    assert_int_equal(a->impair_rx[0].counters.lost, reqs - count_set(sv.reply, MAX_SEQ));
    /* About 19% of round trips lose a packet: loose bounds, no flakiness
     * (the run is deterministic). */
    assert_true(both >= 130 && both <= 190);
    memcpy(replied, log.replied, MAX_SEQ);
    sim_done(sm);
}

static void test_ping_under_loss_answers_exactly_the_survivors(void **state) {
    (void)state;
    uint8_t first[MAX_SEQ], second[MAX_SEQ], other[MAX_SEQ];
    lossy_pings(7, first);
    lossy_pings(7, second);
    assert_memory_equal(first, second, MAX_SEQ); /* same seed, same run */
    lossy_pings(8, other);
    assert_memory_not_equal(first, other, MAX_SEQ); /* the seed matters */
}

/* ---- UDP echo across impaired links ---- */

#define MAX_DGRAMS 300
typedef struct echo_run {
    uint16_t size[MAX_DGRAMS];
    unsigned ndgrams;
    unsigned got[MAX_DGRAMS]; /* copies received back */
    unsigned wrong;           /* arrivals matching nothing we sent */
} echo_run;

static uint8_t pattern(unsigned k, unsigned i) {
    return (uint8_t)(k * 37u + i * 11u + (i >> 8) * 3u + 1u);
}

static void on_echo_back(void *ctx, tern_udp_pcb *pcb, tern_pbuf *p, const tern_udp_info *info) {
    echo_run *r = ctx;
    (void)info;
    uint16_t len = p->tot_len;
    uint8_t *buf = malloc(len ? len : 1);
    assert_int_equal(tern_pbuf_copy_out(p, 0, buf, len), len);
    tern_pbuf_free(pcb->stack, p);
    bool matched = false;
    for (unsigned k = 0; k < r->ndgrams && !matched; k++) {
        if (r->size[k] != len)
            continue;
        unsigned i = 0;
        while (i < len && buf[i] == pattern(k, i))
            i++;
        if (i == len) {
            r->got[k]++;
            matched = true;
        }
    }
    r->wrong += !matched;
    free(buf);
}

static void send_dgram(sim_host *h, tern_udp_pcb *pcb, echo_run *r, uint16_t size, uint32_t dst) {
    unsigned k = r->ndgrams++;
    assert_true(k < MAX_DGRAMS);
    r->size[k] = size;
    tern_pbuf *p = tern_pbuf_alloc(h->stack, TERN_PBUF_TRANSPORT_HEADROOM, size);
    assert_non_null(p);
    uint8_t *buf = malloc(size);
    for (unsigned i = 0; i < size; i++)
        buf[i] = pattern(k, i);
    assert_int_equal(tern_pbuf_copy_in(p, 0, buf, size), TERN_OK);
    free(buf);
    tern_addr d = tern_addr_ipv4(dst);
    assert_int_equal(tern_udp_sendto(pcb, p, &d, 7), TERN_OK);
}

static tern_udp_pcb *echo_client(sim_host *h, echo_run *r) {
    memset(r, 0, sizeof *r);
    tern_udp_pcb *pcb = tern_udp_new(h->stack);
    assert_int_equal(tern_udp_bind(pcb, NULL, 4000), TERN_OK);
    tern_udp_set_recv(pcb, on_echo_back, r);
    return pcb;
}

static void test_udp_echo_reorder_dup_byte_identical(void **state) {
    (void)state;
    sim *sm = two_hosts();
    sim_host *a = &sm->hosts[0], *b = &sm->hosts[1];
    assert_int_equal(tern_echo_start(b->stack), TERN_OK);
    impair_rx(a, 0, "reorder=20,dup=5,seed=3");
    impair_rx(b, 0, "reorder=20,dup=5,seed=4");
    echo_run *r = malloc(sizeof *r);
    tern_udp_pcb *pcb = echo_client(a, r);
    static const uint16_t sizes[] = {1, 1472, 8000};
    for (unsigned round = 0; round < 20; round++) {
        for (unsigned s = 0; s < 3; s++) {
            send_dgram(a, pcb, r, sizes[s], B_IP);
            sim_run(sm, 10);
        }
    }
    sim_run(sm, 2000);
    assert_int_equal(r->wrong, 0);
    for (unsigned k = 0; k < r->ndgrams; k++)
        assert_true(r->got[k] >= 1); /* nothing lost: every datagram came back */
    assert_true(stat(b->stack, "ipv4.reass.ok") >= 20);
    assert_true(stat(a->stack, "ipv4.reass.ok") >= 20);
    assert_true(a->impair_rx[0].counters.reordered + b->impair_rx[0].counters.reordered > 0);
    assert_true(a->impair_rx[0].counters.duplicated + b->impair_rx[0].counters.duplicated > 0);
    free(r);
    sim_done(sm);
}

static void test_corruption_is_caught_by_checksums(void **state) {
    (void)state;
    sim *sm = two_hosts();
    sim_host *a = &sm->hosts[0], *b = &sm->hosts[1];
    static_arp(a, 0, B_IP, b, 0);
    static_arp(b, 0, A_IP, a, 0);
    assert_int_equal(tern_echo_start(b->stack), TERN_OK);
    impair_rx(a, 0, "corrupt=5,seed=11");
    impair_rx(b, 0, "corrupt=5,seed=12");
    echo_run *r = malloc(sizeof *r);
    tern_udp_pcb *pcb = echo_client(a, r);
    for (unsigned k = 0; k < 250; k++) {
        send_dgram(a, pcb, r, (uint16_t)(16 + (k * 97u) % 2900u), B_IP);
        sim_run(sm, 5);
    }
    sim_run(sm, 1000);
    assert_int_equal(r->wrong, 0);
    unsigned back = 0;
    for (unsigned k = 0; k < r->ndgrams; k++)
        back += r->got[k] != 0;
    assert_true(back >= r->ndgrams / 2);
    assert_true(back < r->ndgrams); /* corruption did cost something */
    uint32_t csum_drops = stat_sum(sm, "ipv4.drop.checksum") + stat_sum(sm, "udp.drop.checksum");
    assert_true(csum_drops > 0);
    assert_true(a->impair_rx[0].counters.corrupted + b->impair_rx[0].counters.corrupted > 0);
    free(r);
    sim_done(sm);
}

/* ---- A router between two networks ---- */

#define R0_IP IP4(192, 0, 2, 1)
#define R1_IP IP4(198, 51, 100, 1)
#define H0_IP IP4(192, 0, 2, 10)
#define H1_IP IP4(198, 51, 100, 10)

/* hosts[0] = router (nif0 on wire 0, nif1 on wire 1), [1] = H0, [2] = H1. */
static sim *routed_net(void) {
    sim *sm = sim_new();
    sim_host *r = sim_add_host(sm, 10), *h0 = sim_add_host(sm, 11), *h1 = sim_add_host(sm, 12);
    sim_attach(sm, r, 0, R0_IP, 24, 0);
    sim_attach(sm, r, 1, R1_IP, 24, 0);
    sim_attach(sm, h0, 0, H0_IP, 24, R0_IP);
    sim_attach(sm, h1, 1, H1_IP, 24, R1_IP);
    assert_int_equal(tern_ipv4_set_forwarding(r->stack, true), TERN_OK);
    return sm;
}

typedef struct icmp_seen {
    unsigned count;
    uint8_t type, code;
    uint16_t mtu;
    uint32_t from;
} icmp_seen;

/* Sees every ICMP message the host receives, leaves it to the stack. */
static bool on_icmp(void *ctx, tern_raw_pcb *pcb, tern_pbuf *p, const tern_addr *src) {
    icmp_seen *s = ctx;
    (void)pcb;
    uint8_t h[28];
    if (tern_pbuf_copy_out(p, 0, h, sizeof h) == sizeof h && h[20] != TERN_ICMP_ECHO_REPLY) {
        s->count++;
        s->type = h[20];
        s->code = h[21];
        s->mtu = tern_rd16(h + 26);
        s->from = tern_addr_get_ipv4(src);
    }
    return false;
}

typedef struct udp_seen {
    unsigned count;
    uint16_t len;
    uint8_t ttl;
    uint32_t src;
    int err_calls;
    tern_icmp_error err;
    uint8_t data[2000];
} udp_seen;

static void on_udp(void *ctx, tern_udp_pcb *pcb, tern_pbuf *p, const tern_udp_info *info) {
    udp_seen *u = ctx;
    u->count++;
    u->len = tern_pbuf_copy_out(p, 0, u->data, sizeof u->data);
    u->ttl = info->ttl;
    u->src = tern_addr_get_ipv4(&info->src);
    tern_pbuf_free(pcb->stack, p);
}

static void on_udp_err(void *ctx, tern_udp_pcb *pcb, tern_err err, const tern_icmp_error *e) {
    udp_seen *u = ctx;
    (void)pcb, (void)err;
    u->err_calls++;
    u->err = *e;
}

static tern_udp_pcb *udp_endpoint(sim_host *h, uint16_t port, udp_seen *u) {
    memset(u, 0, sizeof *u);
    tern_udp_pcb *pcb = tern_udp_new(h->stack);
    assert_int_equal(tern_udp_bind(pcb, NULL, port), TERN_OK);
    tern_udp_set_recv(pcb, on_udp, u);
    tern_udp_set_err(pcb, on_udp_err);
    return pcb;
}

static void udp_send(sim_host *h, tern_udp_pcb *pcb, uint32_t dst, uint16_t size) {
    tern_pbuf *p = tern_pbuf_alloc(h->stack, TERN_PBUF_TRANSPORT_HEADROOM, size);
    for (tern_pbuf *q = p; q; q = q->next)
        memset(q->payload, 0xA5, q->len);
    tern_addr d = tern_addr_ipv4(dst);
    assert_int_equal(tern_udp_sendto(pcb, p, &d, 5000), TERN_OK);
}

static void test_router_forwards_ping_and_decrements_ttl(void **state) {
    (void)state;
    sim *sm = routed_net();
    sim_host *r = &sm->hosts[0], *h0 = &sm->hosts[1], *h1 = &sm->hosts[2];
    ping_log log;
    run_ping(sm, h0, H1_IP, 3, 100, 1000, &log);
    assert_int_equal(log.replies, 3);
    assert_int_equal(log.last_ttl, TERN_CFG_IPV4_DEFAULT_TTL - 1);
    assert_true(stat(r->stack, "ipv4.forward") >= 6);
    udp_seen u1, u0;
    tern_udp_pcb *rx = udp_endpoint(h1, 5000, &u1);
    tern_udp_pcb *tx = udp_endpoint(h0, 4000, &u0);
    udp_send(h0, tx, H1_IP, 100);
    sim_run(sm, 10);
    assert_int_equal(u1.count, 1);
    assert_int_equal(u1.ttl, TERN_CFG_IPV4_DEFAULT_TTL - 1);
    assert_int_equal(u1.src, H0_IP);
    tern_udp_free(rx);
    tern_udp_free(tx);
    sim_done(sm);
}

static void test_router_sends_time_exceeded_for_ttl_1(void **state) {
    (void)state;
    sim *sm = routed_net();
    sim_host *r = &sm->hosts[0], *h0 = &sm->hosts[1], *h1 = &sm->hosts[2];
    udp_seen u1, u0;
    icmp_seen seen = {0};
    tern_raw_pcb *raw = tern_raw_new(h0->stack, TERN_IP_PROTO_ICMP);
    tern_raw_set_recv(raw, on_icmp, &seen);
    tern_udp_pcb *rx = udp_endpoint(h1, 5000, &u1);
    tern_udp_pcb *tx = udp_endpoint(h0, 4000, &u0);
    tx->ttl = 1;
    udp_send(h0, tx, H1_IP, 100);
    sim_run(sm, 10);
    assert_int_equal(u1.count, 0);
    assert_int_equal(stat(r->stack, "ipv4.drop.ttl"), 1);
    assert_int_equal(seen.count, 1);
    assert_int_equal(seen.type, TERN_ICMP_TIME_EXCEEDED);
    assert_int_equal(seen.code, 0);
    assert_int_equal(seen.from, R0_IP);
    assert_int_equal(u0.err_calls, 1);
    assert_int_equal(u0.err.type, TERN_ICMP_TIME_EXCEEDED);
    assert_int_equal(u0.err.dst, H1_IP);
    /* TTL 2 makes it. */
    tx->ttl = 2;
    udp_send(h0, tx, H1_IP, 100);
    sim_run(sm, 10);
    assert_int_equal(u1.count, 1);
    assert_int_equal(u1.ttl, 1);
    tern_raw_free(raw);
    tern_udp_free(rx);
    tern_udp_free(tx);
    sim_done(sm);
}

/* A UDP datagram with DF set, built by hand (the UDP API never sets DF). */
static void send_df_udp(sim_host *h, uint16_t sport, uint32_t dst, uint16_t size) {
    tern_pbuf *p = tern_pbuf_alloc(h->stack, TERN_PBUF_TRANSPORT_HEADROOM - 8, (uint16_t)(8 + size));
    assert_non_null(p);
    assert_int_equal(tern_pbuf_count(p), 1);
    memset(p->payload, 0x5A, p->len);
    tern_wr16(p->payload, sport);
    tern_wr16(p->payload + 2, 5000);
    tern_wr16(p->payload + 4, (uint16_t)(8 + size));
    tern_wr16(p->payload + 6, 0); /* no checksum */
    tern_ipv4_tx tx = {.dst = dst, .proto = TERN_IP_PROTO_UDP, .dont_frag = 1};
    assert_int_equal(tern_ipv4_output(h->stack, p, &tx), TERN_OK);
}

static void test_router_reports_fragmentation_needed_with_mtu(void **state) {
    (void)state;
    sim *sm = routed_net();
    sim_host *r = &sm->hosts[0], *h0 = &sm->hosts[1], *h1 = &sm->hosts[2];
    r->nif[1].mtu = 1000;
    udp_seen u1, u0;
    icmp_seen seen = {0};
    tern_raw_pcb *raw = tern_raw_new(h0->stack, TERN_IP_PROTO_ICMP);
    tern_raw_set_recv(raw, on_icmp, &seen);
    tern_udp_pcb *rx = udp_endpoint(h1, 5000, &u1);
    tern_udp_pcb *tx = udp_endpoint(h0, 4000, &u0);
    send_df_udp(h0, 4000, H1_IP, 1200);
    sim_run(sm, 10);
    assert_int_equal(u1.count, 0);
    assert_int_equal(stat(r->stack, "ipv4.drop.needs_fragment"), 1);
    assert_int_equal(seen.count, 1);
    assert_int_equal(seen.type, TERN_ICMP_DEST_UNREACH);
    assert_int_equal(seen.code, TERN_ICMP_UNREACH_NEEDFRAG);
    assert_int_equal(seen.mtu, 1000);
    assert_int_equal(seen.from, R0_IP);
    assert_int_equal(u0.err_calls, 1);
    assert_int_equal(u0.err.mtu, 1000);
    /* DF that fits goes through; without DF the router fragments. */
    send_df_udp(h0, 4000, H1_IP, 900);
    udp_send(h0, tx, H1_IP, 1200);
    sim_run(sm, 10);
    assert_int_equal(u1.count, 2);
    assert_int_equal(u1.len, 1200);
    for (unsigned i = 0; i < 1200; i++)
        assert_int_equal(u1.data[i], 0xA5);
    assert_true(stat(r->stack, "ipv4.frag.tx") >= 2);
    tern_raw_free(raw);
    tern_udp_free(rx);
    tern_udp_free(tx);
    sim_done(sm);
}

/* ---- Rate-limited link ---- */

typedef struct arrivals {
    const sim *sm;
    unsigned n;
    uint32_t at[8];
} arrivals;

static void on_arrival(void *ctx, tern_udp_pcb *pcb, tern_pbuf *p, const tern_udp_info *info) {
    arrivals *a = ctx;
    (void)info;
    if (a->n < 8)
        a->at[a->n++] = a->sm->now;
    tern_pbuf_free(pcb->stack, p);
}

static void test_rate_limit_delays_by_serialisation_time(void **state) {
    (void)state;
    sim *sm = two_hosts();
    sim_host *a = &sm->hosts[0], *b = &sm->hosts[1];
    static_arp(a, 0, B_IP, b, 0);
    static_arp(b, 0, A_IP, a, 0);
    arrivals arr = {.sm = sm};
    tern_udp_pcb *rx = tern_udp_new(b->stack);
    assert_int_equal(tern_udp_bind(rx, NULL, 5000), TERN_OK);
    tern_udp_set_recv(rx, on_arrival, &arr);
    tern_udp_pcb *tx = tern_udp_new(a->stack);
    sim_run(sm, 10);
    /* Unlimited: same millisecond. */
    uint32_t t0 = sm->now;
    udp_send(a, tx, B_IP, 1000);
    sim_run(sm, 50);
    assert_int_equal(arr.n, 1);
    assert_int_equal(arr.at[0], t0);
    /* 1 Mbit/s: a 1042-byte frame takes 8.3 ms; a second one queues behind. */
    impair_rx(b, 0, "rate=1000000");
    const uint32_t ser = (14 + 20 + 8 + 1000) * 8u * 1000u / 1000000u;
    assert_int_equal(ser, 8);
    t0 = sm->now;
    udp_send(a, tx, B_IP, 1000);
    udp_send(a, tx, B_IP, 1000);
    sim_run(sm, 100);
    assert_int_equal(arr.n, 3);
    assert_int_equal(arr.at[1], t0 + ser);
    assert_int_equal(arr.at[2], t0 + 2 * ser);
    tern_udp_free(rx);
    tern_udp_free(tx);
    sim_done(sm);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_hosts_ping_with_arp_on_the_wire),
        cmocka_unit_test(test_ping_under_loss_answers_exactly_the_survivors),
        cmocka_unit_test(test_udp_echo_reorder_dup_byte_identical),
        cmocka_unit_test(test_corruption_is_caught_by_checksums),
        cmocka_unit_test(test_router_forwards_ping_and_decrements_ttl),
        cmocka_unit_test(test_router_sends_time_exceeded_for_ttl_1),
        cmocka_unit_test(test_router_reports_fragmentation_needed_with_mtu),
        cmocka_unit_test(test_rate_limit_delays_by_serialisation_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
