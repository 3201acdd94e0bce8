/* TCP behaviour between two stacks on a virtual wire: simultaneous open
 * and close, keepalive against a vanished peer, a stalled receiver (zero
 * window), reordering, and a transfer through an almost empty buffer pool.
 * Every test ends with the leak check. */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include <stdio.h>
#include "wire/wire.h"
/* Frames seen on B's interface: SYNs counted per direction; TCP_TRACE=1 prints them. */
typedef struct tap {
    unsigned syn_out, syn_in;
} tap;

static void trace_tee(void *ctx, tern_netif *nif, const tern_pbuf *p, bool out) {
    tap *tp = ctx;
    uint8_t b[80];
    uint16_t n = tern_pbuf_copy_out(p, 0, b, sizeof b);
    if (n < 54 || b[23] != 6)
        return;
    const uint8_t *t = b + 34;
    if (t[13] & 0x02)
        (*(out ? &tp->syn_out : &tp->syn_in))++;
    if (getenv("TCP_TRACE"))
        fprintf(stderr, "%u %s %s seq=%u ack=%u fl=%02x len=%u wnd=%u\n", nif->stack->now, nif->name,
                out ? ">" : "<", tern_rd32(t + 4), tern_rd32(t + 8), t[13],
                p->tot_len - 34u - (t[12] >> 4) * 4u, tern_rd16(t + 14));
}

#define HOST_A IP4(192, 0, 2, 1)
#define HOST_B IP4(192, 0, 2, 2)

static uint8_t pattern(uint32_t i) {
    return (uint8_t)(i * 11u + 1u + (i >> 9));
}

/* One end of a connection: sends total bytes of the pattern, checks what arrives. */
typedef struct end {
    tern_tcp_pcb *pcb;
    uint32_t total, written, received, pending;
    int connected, eof, bad, err_seen, stall; /* stall: do not consume (no tern_tcp_recved) */
    tern_err err;
} end;

static void pump(end *e) {
    uint8_t buf[1024];
    while (e->pcb && e->written < e->total) {
        uint32_t n = e->total - e->written, room = tern_tcp_sndbuf(e->pcb);
        n = n < sizeof buf ? n : sizeof buf;
        n = n < room ? n : room;
        if (!n)
            break;
        for (uint32_t i = 0; i < n; i++)
            buf[i] = pattern(e->written + i);
        if (tern_tcp_write(e->pcb, buf, n) != TERN_OK)
            break;
        e->written += n;
    }
    if (e->pcb)
        (void)tern_tcp_output(e->pcb);
}

static void on_connected(void *ctx, tern_tcp_pcb *pcb, tern_err err) {
    end *e = ctx;
    e->err = err;
    if (err == TERN_OK) {
        e->connected = 1;
        e->pcb = pcb;
        pump(e);
    }
}

static void on_sent(void *ctx, tern_tcp_pcb *pcb, uint32_t len) {
    (void)pcb, (void)len;
    pump(ctx);
}

static void on_recv(void *ctx, tern_tcp_pcb *pcb, tern_pbuf *p) {
    end *e = ctx;
    if (!p) {
        e->eof = 1;
        return;
    }
    uint32_t at = e->received;
    for (const tern_pbuf *q = p; q; q = q->next)
        for (uint16_t i = 0; i < q->len; i++, at++)
            if (q->payload[i] != pattern(at))
                e->bad++;
    uint32_t n = p->tot_len;
    e->received += n;
    tern_pbuf_free(pcb->stack, p);
    if (e->stall)
        e->pending += n;
    else
        tern_tcp_recved(pcb, n);
}

static void on_err(void *ctx, tern_stack *s, tern_err err) {
    end *e = ctx;
    (void)s;
    e->err_seen = 1;
    e->err = err;
    e->pcb = NULL;
}

static const tern_tcp_callbacks end_cbs = {
    .recv = on_recv, .sent = on_sent, .connected = on_connected, .err = on_err};

static tern_err on_accept(void *ctx, tern_tcp_listener *l, tern_tcp_pcb *pcb) {
    end *e = ctx;
    (void)l;
    e->pcb = pcb;
    e->connected = 1;
    tern_tcp_set_callbacks(pcb, &end_cbs, e);
    pump(e);
    return TERN_OK;
}

typedef struct world {
    sim sm;
    sim_host *a, *b;
    tern_netif *na, *nb;
    tap tp;
} world;

static void world_init(world *w) {
    memset(w, 0, sizeof *w);
    sim_init(&w->sm);
    w->a = sim_add_host(&w->sm, 11);
    w->b = sim_add_host(&w->sm, 22);
    w->na = sim_attach(&w->sm, w->a, 0, HOST_A, 24, 0);
    w->nb = sim_attach(&w->sm, w->b, 0, HOST_B, 24, 0);
    tern_netif_set_tee(w->nb, trace_tee, &w->tp);
}

static void count_cb(void *ctx, const tern_tcp_pcb *pcb) {
    (void)pcb;
    (*(unsigned *)ctx)++;
}

static unsigned conns(tern_stack *s) {
    unsigned n = 0;
    tern_tcp_foreach(s, count_cb, &n);
    return n;
}

static void state_cb(void *ctx, const tern_tcp_pcb *pcb) {
    *(int *)ctx = pcb->state;
}

static int only_state(tern_stack *s) {
    int st = -1;
    assert_true(conns(s) <= 1);
    tern_tcp_foreach(s, state_cb, &st);
    return st;
}

/* B connects to a listener on A (port 5000); returns when both are up. */
static tern_tcp_listener *connect_ab(world *w, end *ea, end *eb) {
    tern_tcp_listener *l = tern_tcp_listen(w->a->stack, NULL, 5000, 4, on_accept, ea);
    assert_non_null(l);
    eb->pcb = tern_tcp_new(w->b->stack);
    assert_non_null(eb->pcb);
    tern_tcp_set_callbacks(eb->pcb, &end_cbs, eb);
    tern_addr dst = tern_addr_ipv4(HOST_A);
    assert_int_equal(tern_tcp_connect(eb->pcb, &dst, 5000), TERN_OK);
    sim_run_until(&w->sm, &eb->connected, 1000);
    assert_true(eb->connected && ea->connected);
    return l;
}

/* ---- 10. Simultaneous open ----------------------------------------------------- */

static void test_simultaneous_open(void **state) {
    (void)state;
    world w;
    world_init(&w);
    end ea = {.total = 20000}, eb = {.total = 30000};
    ea.pcb = tern_tcp_new(w.a->stack);
    eb.pcb = tern_tcp_new(w.b->stack);
    tern_tcp_set_callbacks(ea.pcb, &end_cbs, &ea);
    tern_tcp_set_callbacks(eb.pcb, &end_cbs, &eb);
    assert_int_equal(tern_tcp_bind(ea.pcb, NULL, 1111), TERN_OK);
    assert_int_equal(tern_tcp_bind(eb.pcb, NULL, 2222), TERN_OK);
    tern_addr to_b = tern_addr_ipv4(HOST_B), to_a = tern_addr_ipv4(HOST_A);
    /* Both SYNs leave before either arrives; no listener anywhere. */
    assert_int_equal(tern_tcp_connect(ea.pcb, &to_b, 2222), TERN_OK);
    assert_int_equal(tern_tcp_connect(eb.pcb, &to_a, 1111), TERN_OK);
    sim_run(&w.sm, 200);
    assert_true(ea.connected);
    assert_true(eb.connected);
    assert_int_equal(ea.pcb->state, TERN_TCP_ESTABLISHED);
    assert_int_equal(eb.pcb->state, TERN_TCP_ESTABLISHED);
    /* Each side sent its SYN and one SYN-ACK, nothing more (RFC 9293 figure 8). */
    assert_int_equal(w.tp.syn_out, 2);
    assert_int_equal(w.tp.syn_in, 2);
    sim_run(&w.sm, 2000);
    assert_int_equal(ea.received, eb.total);
    assert_int_equal(eb.received, ea.total);
    assert_int_equal(ea.bad + eb.bad, 0);
    assert_int_equal(stat(w.a->stack, "tcp.rst.tx") + stat(w.b->stack, "tcp.rst.tx"), 0);
    assert_false(ea.err_seen || eb.err_seen);
    tern_tcp_close(ea.pcb);
    tern_tcp_close(eb.pcb);
    sim_run(&w.sm, 2u * TERN_CFG_TCP_MSL_MS + 1000u);
    assert_int_equal(conns(w.a->stack) + conns(w.b->stack), 0);
    sim_free_checked(&w.sm);
}

/* ---- 11. Simultaneous close ---------------------------------------------------- */

static void test_simultaneous_close(void **state) {
    (void)state;
    world w;
    world_init(&w);
    end ea = {.total = 3000}, eb = {.total = 3000};
    tern_tcp_listener *l = connect_ab(&w, &ea, &eb);
    sim_run(&w.sm, 500);
    assert_int_equal(ea.received, 3000);
    assert_int_equal(eb.received, 3000);
    /* Both close in the same instant: the FINs cross. */
    tern_tcp_close(ea.pcb);
    tern_tcp_close(eb.pcb);
    ea.pcb = eb.pcb = NULL;
    sim_run(&w.sm, 1000);
    assert_int_equal(only_state(w.a->stack), TERN_TCP_TIME_WAIT);
    assert_int_equal(only_state(w.b->stack), TERN_TCP_TIME_WAIT);
    assert_int_equal(stat(w.a->stack, "tcp.rst.tx") + stat(w.b->stack, "tcp.rst.tx"), 0);
    assert_int_equal(stat(w.a->stack, "tcp.rst.rx") + stat(w.b->stack, "tcp.rst.rx"), 0);
    sim_run(&w.sm, 2u * TERN_CFG_TCP_MSL_MS);
    assert_int_equal(conns(w.a->stack) + conns(w.b->stack), 0);
    assert_false(ea.err_seen || eb.err_seen);
    tern_tcp_listener_close(l);
    sim_free_checked(&w.sm);
}

/* ---- 13. Keepalive finds a dead peer ------------------------------------------- */

static void test_keepalive_dead_peer(void **state) {
    (void)state;
    world w;
    world_init(&w);
    end ea = {0}, eb = {0};
    tern_tcp_listener *l = connect_ab(&w, &ea, &eb);
    const uint32_t idle = 2000, intvl = 1000; /* kept in whole seconds */
    const uint8_t cnt = 4;
    tern_tcp_set_keepalive(eb.pcb, true, idle, intvl, cnt);
    /* While the peer answers, probes keep the connection up. */
    uint32_t tx0 = stat(w.b->stack, "tcp.tx");
    sim_run(&w.sm, 5u * idle);
    assert_false(eb.err_seen);
    assert_true(stat(w.b->stack, "tcp.tx") - tx0 >= 4); /* probes were sent */
    /* The peer vanishes: everything towards B is lost. */
    tern_impair_config cfg = {.loss_ppm = 1000000u, .seed = 1};
    tern_impair_attach(w.nb, &w.b->impair_rx[0], &cfg, false);
    uint32_t t0 = w.sm.now;
    sim_run_until(&w.sm, &eb.err_seen, idle + cnt * intvl + 1000u);
    assert_true(eb.err_seen);
    assert_int_equal(eb.err, TERN_ERR_TIMEOUT);
    uint32_t took = w.sm.now - t0;
    assert_true(took >= cnt * intvl);
    assert_true(took <= idle + cnt * intvl + 1u);
    assert_int_equal(conns(w.b->stack), 0);
    tern_impair_detach(&w.b->impair_rx[0]);
    if (ea.pcb)
        tern_tcp_abort(ea.pcb);
    tern_tcp_listener_close(l);
    sim_free_checked(&w.sm);
}

/* ---- 3. A receiver that stops reading, then resumes ------------------------------ */

static void test_zero_window_stall_and_resume(void **state) {
    (void)state;
    world w;
    world_init(&w);
    end ea = {.stall = 1}, eb = {.total = 300000};
    tern_tcp_listener *l = connect_ab(&w, &ea, &eb);
    /* Run until A's window is full and all B sent is acknowledged. */
    tern_tcp_info info;
    for (unsigned t = 0; t < 5000; t++) {
        sim_run(&w.sm, 1);
        tern_tcp_get_info(eb.pcb, &info);
        if (!info.snd_wnd && !info.unacked)
            break;
    }
    /* The whole window is taken, to the granularity of A's window scale (a
     * remainder below 1 << scale cannot be advertised). */
    uint32_t filled = ea.received, grain = 1u << ea.pcb->rcv_wscale;
    assert_in_range(filled, TERN_CFG_TCP_WND - grain + 1u, TERN_CFG_TCP_WND);
    assert_int_equal(info.snd_wnd, 0);
    assert_true(info.sndq > 0);
    uint32_t tx0 = stat(w.b->stack, "tcp.tx");
    sim_run(&w.sm, 6000);
    uint32_t probes = stat(w.b->stack, "tcp.tx") - tx0;
    if (probes < 3 || probes > 8)
        fail_msg("%u probes in 6 s", probes); /* backing off, not flooding */
    assert_int_equal(ea.received, filled);
    assert_false(eb.err_seen);
    /* A reads what it has and keeps reading: the transfer completes. */
    ea.stall = 0;
    tern_tcp_recved(ea.pcb, ea.pending);
    ea.pending = 0;
    sim_run(&w.sm, 5000);
    assert_int_equal(ea.received, eb.total);
    assert_int_equal(ea.bad, 0);
    tern_tcp_close(ea.pcb);
    tern_tcp_close(eb.pcb);
    sim_run(&w.sm, 2u * TERN_CFG_TCP_MSL_MS + 1000u);
    tern_tcp_listener_close(l);
    sim_free_checked(&w.sm);
}

/* ---- 6. Reordering on the wire: the application sees the exact stream ---------------- */

static void test_reordered_stream(void **state) {
    (void)state;
    world w;
    world_init(&w);
    tern_impair_config cfg;
    assert_true(tern_impair_parse("reorder=25,seed=5", &cfg, NULL));
    tern_impair_attach(w.na, &w.a->impair_rx[0], &cfg, false);
    end ea = {0}, eb = {.total = 200000};
    tern_tcp_listener *l = connect_ab(&w, &ea, &eb);
    sim_run(&w.sm, 10000);
    assert_true(w.a->impair_rx[0].counters.reordered > 10);
    assert_int_equal(ea.received, eb.total);
    assert_int_equal(ea.bad, 0);
    tern_tcp_abort(ea.pcb);
    tern_tcp_abort(eb.pcb);
    tern_impair_detach(&w.a->impair_rx[0]);
    tern_tcp_listener_close(l);
    sim_free_checked(&w.sm);
}

/* ---- 16. Buffer pool nearly exhausted ------------------------------------------------ */

#define HOLD_MAX 4096

/* Take every free packet buffer of s but `leave`; returns how many are held. */
static unsigned hold_buffers(tern_stack *s, tern_pbuf **held, unsigned leave) {
    unsigned n = 0;
    while (n < HOLD_MAX && (held[n] = tern_pbuf_alloc(s, 0, 64)) != NULL)
        n++;
    while (leave-- && n)
        tern_pbuf_free(s, held[--n]);
    return n;
}

static void release_buffers(tern_stack *s, tern_pbuf **held, unsigned n) {
    while (n)
        tern_pbuf_free(s, held[--n]);
}

static uint32_t pool_fails(const tern_stack *s) {
    tern_pool_usage u[8];
    unsigned n = tern_stack_pools(s, u, 8);
    uint32_t fails = 0;
    for (unsigned i = 0; i < n; i++)
        fails += u[i].fails;
    return fails;
}

static void test_pool_exhaustion(void **state) {
    (void)state;
    world w;
    world_init(&w);
    end ea = {0}, eb = {.total = 100000};
    tern_tcp_listener *l = connect_ab(&w, &ea, &eb);
    tern_pbuf **held_a = calloc(HOLD_MAX, sizeof *held_a), **held_b = calloc(HOLD_MAX, sizeof *held_b);
    unsigned na = hold_buffers(w.a->stack, held_a, 6);
    unsigned nb = hold_buffers(w.b->stack, held_b, 40);
    assert_true(na > 100 && nb > 100);
    sim_run(&w.sm, 60000);
    assert_int_equal(ea.received, eb.total);
    assert_int_equal(ea.bad, 0);
    assert_false(ea.err_seen || eb.err_seen);
    assert_true(pool_fails(w.a->stack) + pool_fails(w.b->stack) > 0); /* buffers really ran out */
    release_buffers(w.a->stack, held_a, na);
    release_buffers(w.b->stack, held_b, nb);
    free(held_a);
    free(held_b);
    tern_tcp_close(ea.pcb);
    tern_tcp_close(eb.pcb);
    sim_run(&w.sm, 2u * TERN_CFG_TCP_MSL_MS + 1000u);
    assert_int_equal(conns(w.a->stack) + conns(w.b->stack), 0);
    tern_tcp_listener_close(l);
    sim_free_checked(&w.sm);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simultaneous_open),   cmocka_unit_test(test_simultaneous_close),
        cmocka_unit_test(test_keepalive_dead_peer), cmocka_unit_test(test_zero_window_stall_and_resume),
        cmocka_unit_test(test_reordered_stream),    cmocka_unit_test(test_pool_exhaustion),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
