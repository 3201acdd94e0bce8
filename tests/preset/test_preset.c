/* The size presets (configs/minimal.h, typical.h, full.h, ipv6only.h) are
 * what `make size` measures, so their code must work: this test is built
 * against each of them (CMake variants preset_minimal, preset_typical,
 * preset_full, preset_ipv6only) and drives two hosts over the virtual wire
 * through what every preset has: UDP to the echo service and a TCP transfer
 * through the echo service with its close, over IPv4 (ARP) where the preset
 * has IPv4 and over IPv6 link-local (Neighbor Discovery) where it has IPv6,
 * with every packet buffer back in its pool at the end. An IPv6-only preset
 * must also drop, count and leave unanswered the IPv4 and ARP frames it gets. */
#include <string.h>

#include "testutil.h"

#define SERVER IP4(192, 0, 2, 1)
#define CLIENT IP4(192, 0, 2, 2)
#define TCP_BYTES (64u * 1024u)

static uint8_t pattern(uint32_t i) {
    return (uint8_t)(i * 13u + 5u);
}

/* ---- UDP ---- */

typedef struct udp_client {
    uint32_t got, bad;
} udp_client;

static void udp_recv(void *ctx, tern_udp_pcb *pcb, tern_pbuf *p, const tern_udp_info *info) {
    udp_client *c = ctx;
    (void)info;
    uint8_t b[64];
    uint16_t n = tern_pbuf_copy_out(p, 0, b, sizeof b);
    for (uint16_t i = 0; i < n; i++)
        if (b[i] != pattern(i))
            c->bad++;
    c->got += n;
    tern_pbuf_free(pcb->stack, p);
}

#if TERN_CFG_IPV4
static void test_udp_echo(void **state) {
    (void)state;
    sim sm;
    sim_init(&sm);
    sim_host *a = sim_add_host(&sm, 1), *b = sim_add_host(&sm, 2);
    sim_attach(&sm, a, 0, SERVER, 24, 0);
    sim_attach(&sm, b, 0, CLIENT, 24, 0);
    assert_int_equal(tern_echo_start(a->stack), TERN_OK);
    udp_client c = {0};
    tern_udp_pcb *u = tern_udp_new(b->stack);
    assert_non_null(u);
    tern_udp_set_recv(u, udp_recv, &c);
    tern_addr dst = tern_addr_ipv4(SERVER);
    for (int i = 0; i < 3; i++) { /* the first waits for ARP */
        tern_pbuf *p = tern_pbuf_alloc(b->stack, TERN_PBUF_TRANSPORT_HEADROOM, 48);
        assert_non_null(p);
        for (uint16_t k = 0; k < 48; k++)
            p->payload[k] = pattern(k);
        assert_int_equal(tern_udp_sendto(u, p, &dst, 7), TERN_OK);
        sim_run(&sm, 50);
    }
    assert_int_equal(c.got, 3u * 48u);
    assert_int_equal(c.bad, 0);
    tern_udp_free(u);
    sim_free_checked(&sm);
}
#endif

/* ---- TCP ---- */

typedef struct tcp_client {
    tern_tcp_pcb *pcb;
    uint32_t written, received, bad;
    int eof, err;
} tcp_client;

static void pump(tcp_client *c) {
    uint8_t buf[512];
    while (c->written < TCP_BYTES) {
        uint32_t n = TCP_BYTES - c->written, room = tern_tcp_sndbuf(c->pcb);
        n = n < sizeof buf ? n : sizeof buf;
        n = n < room ? n : room;
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
    tcp_client *c = ctx;
    (void)pcb;
    if (err != TERN_OK)
        c->err = 1;
    else
        pump(c);
}

static void on_sent(void *ctx, tern_tcp_pcb *pcb, uint32_t len) {
    (void)pcb, (void)len;
    pump(ctx);
}

static void on_recv(void *ctx, tern_tcp_pcb *pcb, tern_pbuf *p) {
    tcp_client *c = ctx;
    if (!p) {
        c->eof = 1;
        tern_tcp_close(pcb);
        return;
    }
    for (tern_pbuf *q = p; q; q = q->next)
        for (uint16_t i = 0; i < q->len; i++, c->received++)
            if (q->payload[i] != pattern(c->received))
                c->bad++;
    uint32_t n = p->tot_len;
    tern_pbuf_free(pcb->stack, p);
    tern_tcp_recved(pcb, n);
    if (c->received == TCP_BYTES)
        tern_tcp_shutdown(pcb, false, true);
}

static void on_err(void *ctx, tern_stack *s, tern_err err) {
    (void)s, (void)err;
    ((tcp_client *)ctx)->err = 1;
}

static const tern_tcp_callbacks client_cbs = {
    .recv = on_recv, .sent = on_sent, .connected = on_connected, .err = on_err};

/* Connect b to a's echo service at dst (NULL: a's IPv6 link-local address,
 * once DAD is over), send TCP_BYTES and read them back, then close. */
static void tcp_echo_transfer(const tern_addr *dst4) {
    sim sm;
    sim_init(&sm);
    sim_host *a = sim_add_host(&sm, 3), *b = sim_add_host(&sm, 4);
    tern_netif *na = sim_attach(&sm, a, 0, SERVER, 24, 0);
    tern_netif *nb = sim_attach(&sm, b, 0, CLIENT, 24, 0);
    assert_int_equal(tern_echo_start(a->stack), TERN_OK);
    tern_addr dst;
    if (dst4) {
        dst = *dst4;
    } else {
#if TERN_CFG_IPV6
        assert_int_equal(tern_ipv6_enable(na, false), TERN_OK);
        assert_int_equal(tern_ipv6_enable(nb, false), TERN_OK);
        sim_run(&sm, 3000);
        assert_int_equal(na->ip6.addrs[0].state, TERN_IPV6_ADDR_PREFERRED);
        dst = tern_addr_ipv6(na->ip6.addrs[0].addr, nb->index);
#else
        fail();
#endif
    }
    (void)na, (void)nb;
    tcp_client c = {0};
    c.pcb = tern_tcp_new(b->stack);
    assert_non_null(c.pcb);
    tern_tcp_set_callbacks(c.pcb, &client_cbs, &c);
    assert_int_equal(tern_tcp_connect(c.pcb, &dst, 7), TERN_OK);
    sim_run_until(&sm, &c.eof, 60000);
    assert_int_equal(c.err, 0);
    assert_int_equal(c.received, TCP_BYTES);
    assert_int_equal(c.bad, 0);
    assert_true(c.eof);
    sim_run(&sm, 2u * TERN_CFG_TCP_MSL_MS + 1000u); /* TIME-WAIT over */
    sim_free_checked(&sm);
}

#if TERN_CFG_IPV4
static void test_tcp_echo_transfer(void **state) {
    (void)state;
    tern_addr dst = tern_addr_ipv4(SERVER);
    tcp_echo_transfer(&dst);
}
#endif

#if TERN_CFG_IPV6
/* IPv6 presets: link-local addresses after DAD, UDP echo over IPv6, and a
 * datagram bigger than the MTU through fragmentation and reassembly. */
static void test_ipv6_udp_echo(void **state) {
    (void)state;
    sim sm;
    sim_init(&sm);
    sim_host *a = sim_add_host(&sm, 1), *b = sim_add_host(&sm, 2);
    tern_netif *na = sim_attach(&sm, a, 0, SERVER, 24, 0);
    tern_netif *nb = sim_attach(&sm, b, 0, CLIENT, 24, 0);
    assert_int_equal(tern_echo_start(a->stack), TERN_OK);
    assert_int_equal(tern_ipv6_enable(na, false), TERN_OK);
    assert_int_equal(tern_ipv6_enable(nb, false), TERN_OK);
    sim_run(&sm, 3000);
    assert_int_equal(na->ip6.addrs[0].state, TERN_IPV6_ADDR_PREFERRED);
    tern_addr dst = tern_addr_ipv6(na->ip6.addrs[0].addr, nb->index);
    udp_client c = {0};
    tern_udp_pcb *u = tern_udp_new(b->stack);
    assert_non_null(u);
    tern_udp_set_recv(u, udp_recv, &c);
    uint16_t sizes[] = {32, 32, TERN_CFG_IPV6_FRAG ? 3000 : 64};
    uint32_t want = 0;
    for (int i = 0; i < 3; i++) { /* the first waits for neighbor discovery */
        tern_pbuf *p = tern_pbuf_alloc(b->stack, TERN_PBUF_TRANSPORT_HEADROOM, sizes[i]);
        assert_non_null(p);
        for (uint16_t k = 0; k < sizes[i]; k++) {
            uint8_t v = pattern(k);
            tern_pbuf_copy_in(p, k, &v, 1);
        }
        assert_int_equal(tern_udp_sendto(u, p, &dst, 7), TERN_OK);
        want += sizes[i] < 64 ? sizes[i] : 64; /* udp_recv checks the first 64 bytes */
        sim_run(&sm, 200);
    }
    assert_int_equal(c.got, want);
    assert_int_equal(c.bad, 0);
    tern_udp_free(u);
    sim_free_checked(&sm);
}

#if TERN_CFG_PING
typedef struct ping_seen {
    unsigned replies, done;
} ping_seen;

static void on_ping(void *ctx, tern_ping *ping, const tern_ping_result *r) {
    ping_seen *seen = ctx;
    (void)ping;
    seen->replies += r->event == TERN_PING_REPLY;
    seen->done += r->event == TERN_PING_DONE;
}

/* The ping client over IPv6 link-local (in an IPv6-only build too). */
static void test_ipv6_ping(void **state) {
    (void)state;
    sim sm;
    sim_init(&sm);
    sim_host *a = sim_add_host(&sm, 1), *b = sim_add_host(&sm, 2);
    tern_netif *na = sim_attach(&sm, a, 0, SERVER, 24, 0);
    tern_netif *nb = sim_attach(&sm, b, 0, CLIENT, 24, 0);
    assert_int_equal(tern_ipv6_enable(na, false), TERN_OK);
    assert_int_equal(tern_ipv6_enable(nb, false), TERN_OK);
    sim_run(&sm, 3000);
    tern_addr dst = tern_addr_ipv6(na->ip6.addrs[0].addr, nb->index);
    tern_ping ping;
    ping_seen seen = {0};
    assert_int_equal(tern_ping_start(b->stack, &ping, &dst, 3, 56, 100, 1000, on_ping, &seen), TERN_OK);
    sim_run(&sm, 2000);
    assert_int_equal(seen.replies, 3);
    assert_int_equal(seen.done, 1);
    sim_free_checked(&sm);
}
#endif

/* TCP over IPv6 link-local: 64 KB through the echo service and back. */
static void test_ipv6_tcp_echo_transfer(void **state) {
    (void)state;
    tcp_echo_transfer(NULL);
}
#endif

#if !TERN_CFG_IPV4
/* An IPv6-only stack takes no IPv4: an ARP request and an IPv4 echo request
 * are dropped and counted (as an unknown EtherType), never answered, and
 * their buffers go back to the pool. */
static void test_ipv4_frames_dropped(void **state) {
    (void)state;
    tern_stack *s = stack_new(5);
    cap_netif c;
    cap_init(&c, s);
    assert_int_equal(tern_ipv6_enable(&c.nif, false), TERN_OK);
    tern_stack_poll(s, 3000); /* DAD over */
    cap_clear(&c);
    static const uint8_t zero_mac[6];
    uint8_t frame[128];
    size_t n = build_arp(frame, 1, test_mac_peer, IP4(192, 0, 2, 1), zero_mac, IP4(192, 0, 2, 2));
    inject(&c.nif, frame, n);
    static const uint8_t data[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    n = build_icmp_echo(frame, IP4(192, 0, 2, 1), IP4(192, 0, 2, 2), 7, 1, data, sizeof data);
    inject(&c.nif, frame, n);
    tern_stack_poll(s, 4000);
    assert_int_equal(c.count, 0);
    assert_int_equal(c.nif.counters.rx_packets, 2);
#if TERN_CFG_STATS
    assert_int_equal(stat(s, "eth.drop.type"), 2);
    assert_int_equal(tern_stats_get_by_name(s, "ipv4.rx"), -1); /* no IPv4 counters at all */
    assert_int_equal(tern_stats_get_by_name(s, "arp.rx"), -1);
#endif
    assert_int_equal(tern_stack_buffers_in_use(s), 0);
    cap_clear(&c);
    stack_free_checked(s);
}
#endif

int main(void) {
    const struct CMUnitTest tests[] = {
#if TERN_CFG_IPV4
        cmocka_unit_test(test_udp_echo),
        cmocka_unit_test(test_tcp_echo_transfer),
#endif
#if TERN_CFG_IPV6
        cmocka_unit_test(test_ipv6_udp_echo),
        cmocka_unit_test(test_ipv6_tcp_echo_transfer),
#if TERN_CFG_PING
        cmocka_unit_test(test_ipv6_ping),
#endif
#endif
#if !TERN_CFG_IPV4
        cmocka_unit_test(test_ipv4_frames_dropped),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
