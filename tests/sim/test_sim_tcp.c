/* TCP over the virtual wire: transfers through the echo service, clean and
 * impaired, checked byte for byte; open and close handshakes. */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define SERVER IP4(192, 0, 2, 1)
#define CLIENT IP4(192, 0, 2, 2)

static uint8_t pattern(uint32_t i) {
    return (uint8_t)(i * 7u + 3u + (i >> 11));
}

typedef struct client {
    tern_tcp_pcb *pcb;
    uint32_t total, written, received;
    int connected, closed, eof, bad, err_seen;
    tern_err err;
} client;

static void pump(client *c) {
    uint8_t buf[1024];
    while (c->written < c->total) {
        uint32_t room = tern_tcp_sndbuf(c->pcb);
        uint32_t n = c->total - c->written;
        if (n > sizeof buf)
            n = sizeof buf;
        if (n > room)
            n = room;
        if (!n)
            break;
        for (uint32_t i = 0; i < n; i++)
            buf[i] = pattern(c->written + i);
        if (tern_tcp_write(c->pcb, buf, n) != TERN_OK)
            break;
        c->written += n;
    }
    tern_tcp_output(c->pcb);
}

static void on_connected(void *ctx, tern_tcp_pcb *pcb, tern_err err) {
    client *c = ctx;
    c->err = err;
    if (err == TERN_OK) {
        c->connected = 1;
        c->pcb = pcb;
        pump(c);
    }
}

static void on_sent(void *ctx, tern_tcp_pcb *pcb, uint32_t len) {
    (void)pcb, (void)len;
    pump(ctx);
}

static void on_recv(void *ctx, tern_tcp_pcb *pcb, tern_pbuf *p) {
    client *c = ctx;
    if (!p) {
        c->eof = 1;
        tern_tcp_close(pcb);
        return;
    }
    uint32_t at = c->received;
    for (tern_pbuf *q = p; q; q = q->next)
        for (uint16_t i = 0; i < q->len; i++, at++)
            if (q->payload[i] != pattern(at))
                c->bad++;
    uint32_t n = p->tot_len;
    c->received += n;
    tern_pbuf_free(pcb->stack, p);
    tern_tcp_recved(pcb, n);
    if (c->received == c->total && !c->closed) {
        c->closed = 1;
        tern_tcp_shutdown(pcb, false, true); /* half-close; the echo server then closes */
    }
}

static void on_err(void *ctx, tern_stack *s, tern_err err) {
    client *c = ctx;
    (void)s;
    c->err_seen = 1;
    c->err = err;
}

static const tern_tcp_callbacks client_cbs = {
    .recv = on_recv, .sent = on_sent, .connected = on_connected, .err = on_err};

#include <stdio.h>
#include "wire/wire.h"
static void trace_tee(void *ctx, tern_netif *nif, const tern_pbuf *p, bool out) {
    uint8_t b[80];
    uint16_t n = tern_pbuf_copy_out(p, 0, b, sizeof b);
    (void)ctx;
    if (n < 54 || b[23] != 6)
        return;
    const uint8_t *t = b + 34;
    fprintf(stderr, "%u %s %s seq=%u ack=%u fl=%02x len=%u wnd=%u\n", nif->stack->now, nif->name,
            out ? ">" : "<", tern_rd32(t + 4), tern_rd32(t + 8), t[13], p->tot_len - 34u - (t[12] >> 4) * 4u,
            tern_rd16(t + 14));
}

/* What a transfer cost: virtual time, and the recovery events of both ends. */
typedef struct cost {
    uint32_t ms, rto, tlp, fast;
} cost;

/* 2001:db8::1 (the server) and 2001:db8::2. */
static tern_addr addr6(uint8_t last) {
    const uint8_t b[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, last};
    return tern_addr_ipv6(b, 0);
}

/* An echo transfer of total bytes, over IPv6 when v6 (else IPv4). */
static cost run_transfer_af(uint32_t total, const char *impair, uint32_t ms_limit, bool v6) {
    cost k = {0};
    sim sm;
    sim_init(&sm);
    sim_host *a = sim_add_host(&sm, 1), *b = sim_add_host(&sm, 2);
    tern_netif *na = sim_attach(&sm, a, 0, SERVER, 24, 0);
    tern_netif *nb = sim_attach(&sm, b, 0, CLIENT, 24, 0);
    tern_addr dst = tern_addr_ipv4(SERVER);
    if (v6) {
        tern_addr a6 = addr6(1), b6 = addr6(2);
        assert_int_equal(tern_ipv6_enable(na, false), TERN_OK);
        assert_int_equal(tern_ipv6_enable(nb, false), TERN_OK);
        assert_int_equal(tern_ipv6_add_addr(na, &a6, 64), TERN_OK);
        assert_int_equal(tern_ipv6_add_addr(nb, &b6, 64), TERN_OK);
        sim_run(&sm, 3000); /* DAD, before the wire turns bad */
        dst = a6;
    }
    if (impair) {
        tern_impair_config cfg;
        assert_true(tern_impair_parse(impair, &cfg, NULL));
        tern_impair_attach(na, &a->impair_rx[0], &cfg, false);
        cfg.seed += 17;
        tern_impair_attach(nb, &b->impair_rx[0], &cfg, false);
    }
    assert_int_equal(tern_echo_start(a->stack), TERN_OK);
    if (getenv("TCP_TRACE"))
        tern_netif_set_tee(nb, trace_tee, NULL);
    client c = {.total = total};
    tern_tcp_pcb *pcb = tern_tcp_new(b->stack);
    assert_non_null(pcb);
    c.pcb = pcb;
    tern_tcp_set_callbacks(pcb, &client_cbs, &c);
    assert_int_equal(tern_tcp_connect(pcb, &dst, 7), TERN_OK);
    if (v6) {
        tern_tcp_info info;
        tern_tcp_get_info(pcb, &info);
        assert_int_equal(info.local.family, TERN_AF_INET6);
        assert_memory_equal(info.local.bytes, addr6(2).bytes, 16); /* the global source for a global peer */
    }
    uint32_t t0 = sm.now;
    sim_run_until(&sm, &c.eof, ms_limit);
    k.ms = sm.now - t0;
    for (unsigned h = 0; h < 2; h++) {
        k.rto += stat(sm.hosts[h].stack, "tcp.rto");
        k.tlp += stat(sm.hosts[h].stack, "tcp.tail_loss_probe");
        k.fast += stat(sm.hosts[h].stack, "tcp.fast_retransmit");
    }
    if (getenv("TCP_COST"))
        print_message("%u bytes, %s: %u ms, %u RTO, %u TLP, %u fast retransmits\n", total,
                      impair ? impair : "clean", k.ms, k.rto, k.tlp, k.fast);
    assert_true(c.connected);
    if (c.err_seen && getenv("TCP_DEBUG")) {
        for (unsigned h = 0; h < 2; h++)
            for (unsigned i = 0; i < TERN_STAT_COUNT; i++)
                if (tern_stats_get(sm.hosts[h].stack, i))
                    print_message("host%u %s %u\n", h, tern_stats_name(i),
                                  tern_stats_get(sm.hosts[h].stack, i));
    }
    if (c.err_seen)
        fail_msg("connection error %d after %u of %u bytes", c.err, c.received, total);
    assert_int_equal(c.received, total);
    assert_int_equal(c.bad, 0);
    assert_true(c.eof);
    if (v6) { /* it all went over IPv6: the server saw no IPv4 TCP */
        assert_true(stat(a->stack, "ipv6.rx") > total / 1500u);
        assert_true(stat(a->stack, "ipv4.rx") < 10u);
    }
    sim_free_checked(&sm);
    return k;
}

static cost run_transfer(uint32_t total, const char *impair, uint32_t ms_limit) {
    return run_transfer_af(total, impair, ms_limit, false);
}

static void test_echo_small_clean(void **state) {
    (void)state;
    run_transfer(1000, NULL, 5000);
}

static void test_echo_1mb_clean(void **state) {
    (void)state;
    run_transfer(1u << 20, NULL, 60000);
}

static void test_echo_impaired(void **state) {
    (void)state;
    run_transfer(getenv("TCP_BIG") ? 5000000u : 1000000u, "loss=5,reorder=5,dup=1,corrupt=1,seed=3", 6000000);
}

/* Loss recovery without timeouts where the losses allow it: at 5% loss each
 * way (data and ACKs, about 10% of round trips hit), limited transmit,
 * early retransmit, tail loss probes, SACK recovery after a timeout and the
 * detection of lost retransmissions keep most losses off the retransmission
 * timer. Without them this transfer took 240+ timeouts and 3x as long. */
static void test_loss_recovery_mostly_without_timeouts(void **state) {
    (void)state;
    cost k = run_transfer(1000000u, "loss=5,seed=11", 600000);
    assert_true(k.tlp > 0);
    if (k.rto * 3u > k.fast)
        fail_msg("%u retransmission timeouts against %u fast retransmits", k.rto, k.fast);
}

/* The same over IPv6 (2001:db8::/64 on the wire): loss, reordering,
 * duplicates and corruption, every byte checked. */
static void test_echo_impaired_ipv6(void **state) {
    (void)state;
    run_transfer_af(1000000u, "loss=5,reorder=5,dup=1,corrupt=1,seed=5", 6000000, true);
}

static void test_echo_1mb_clean_ipv6(void **state) {
    (void)state;
    run_transfer_af(1u << 20, NULL, 60000, true);
}

static void test_connect_refused(void **state) {
    (void)state;
    sim sm;
    sim_init(&sm);
    sim_host *a = sim_add_host(&sm, 1), *b = sim_add_host(&sm, 2);
    sim_attach(&sm, a, 0, SERVER, 24, 0);
    sim_attach(&sm, b, 0, CLIENT, 24, 0);
    client c = {.total = 10};
    tern_tcp_pcb *pcb = tern_tcp_new(b->stack);
    tern_tcp_set_callbacks(pcb, &client_cbs, &c);
    tern_addr dst = tern_addr_ipv4(SERVER);
    assert_int_equal(tern_tcp_connect(pcb, &dst, 4444), TERN_OK);
    int done = 0;
    sim_run_until(&sm, &done, 2000);
    assert_false(c.connected);
    assert_int_equal(c.err, TERN_ERR_REFUSED);
    sim_free_checked(&sm);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_echo_small_clean),
        cmocka_unit_test(test_echo_1mb_clean),
        cmocka_unit_test(test_echo_impaired),
        cmocka_unit_test(test_echo_impaired_ipv6),
        cmocka_unit_test(test_echo_1mb_clean_ipv6),
        cmocka_unit_test(test_loss_recovery_mostly_without_timeouts),
        cmocka_unit_test(test_connect_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
