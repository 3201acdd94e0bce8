/* Congestion control, driven directly with a scripted ACK clock on one
 * connection block: the window after a loss and its growth afterwards.
 * Built with the configured algorithm (CUBIC on the host config, NewReno in
 * the `newreno` variant); each case checks what that algorithm must do and
 * what the other one would not. */
#include "tcp/tcp_priv.h"
#include "testutil.h"

#define MSS 1000u
#define RTT_MS 100u

static tern_tcp_pcb *conn(tern_stack *s, uint32_t cwnd) {
    tern_tcp_pcb *pcb = tern_tcp_new(s);
    assert_non_null(pcb);
    pcb->mss = MSS;
    tern_tcp_cc_init(pcb);
    pcb->cwnd = cwnd;
    pcb->snd_una = 5000u;
    pcb->snd_nxt = pcb->snd_max = pcb->snd_una + cwnd; /* a full window in flight */
    pcb->srtt = (int32_t)(RTT_MS << 3);
    return pcb;
}

/* One round trip: every byte of the window comes back, one ACK per MSS. */
static void round_trip(tern_stack *s, tern_tcp_pcb *pcb) {
    uint32_t w = pcb->cwnd;
    for (uint32_t done = 0; done < w; done += MSS) {
        pcb->snd_una += MSS;
        pcb->snd_nxt = pcb->snd_max = pcb->snd_una + pcb->cwnd;
        tern_tcp_cc_ack(pcb, MSS);
    }
    s->now += RTT_MS;
}

/* Segments of window after `ms` of round trips. */
static uint32_t grow_for(tern_stack *s, tern_tcp_pcb *pcb, uint32_t ms) {
    for (uint32_t t = 0; t < ms; t += RTT_MS)
        round_trip(s, pcb);
    return pcb->cwnd / MSS;
}

/* A loss at a 1000-segment window. */
static void test_reduction_after_loss(void **state) {
    (void)state;
    tern_stack *s = stack_new(1);
    s->now = 1000;
    tern_tcp_pcb *pcb = conn(s, 1000u * MSS);
    uint32_t ss = tern_tcp_cc_loss(pcb);
#if TERN_CFG_TCP_CC == TERN_TCP_CC_CUBIC
    assert_int_equal(ss, 700u * MSS); /* beta_cubic = 0.7 of the window (RFC 9438 4.6) */
    assert_int_equal(pcb->cubic_wmax, 1000u * MSS);
    /* A second loss below W_max: fast convergence lowers W_max (4.7). */
    pcb->cwnd = 800u * MSS;
    tern_tcp_cc_loss(pcb);
    assert_int_equal(pcb->cubic_wmax, 680u * MSS); /* 800 x (1 + 0.7) / 2 */
#else
    assert_int_equal(ss, 500u * MSS); /* half the flight (RFC 5681 3.1) */
#endif
    /* Never below two segments. */
    pcb->cwnd = MSS;
    pcb->snd_nxt = pcb->snd_una + MSS;
    assert_int_equal(tern_tcp_cc_loss(pcb), 2u * MSS);
    tern_tcp_abort(pcb);
    stack_free_checked(s);
}

/* After the loss the window climbs back: CUBIC on its curve (concave up to
 * W_max at time K, flat near it, convex beyond), NewReno one MSS per RTT. */
static void test_growth_after_loss(void **state) {
    (void)state;
    tern_stack *s = stack_new(2);
    s->now = 1000;
#if TERN_CFG_TCP_CC == TERN_TCP_CC_CUBIC
    tern_tcp_pcb *pcb = conn(s, 1000u * MSS);
#else
    tern_tcp_pcb *pcb = conn(s, 40u * MSS);
#endif
    pcb->ssthresh = tern_tcp_cc_loss(pcb);
    pcb->cwnd = pcb->ssthresh; /* recovery over: congestion avoidance from here */
#if TERN_CFG_TCP_CC == TERN_TCP_CC_CUBIC
    /* K = cbrt((1000 - 700) / 0.4) s = 9.09 s. W(t) = 0.4 (t - K)^3 + 1000. */
    uint32_t w1 = grow_for(s, pcb, 1000);
    assert_in_range(w1, 770, 800);            /* fast at first: W(1 s) = 788, +88 segments */
    uint32_t w_half = grow_for(s, pcb, 3500); /* t = 4.5 s = K/2: 962 on the curve */
    assert_in_range(w_half, 950, 985);
    uint32_t w_k = grow_for(s, pcb, 4600); /* t = K: back at W_max, and flat there */
    assert_in_range(w_k, 995, 1010);
    assert_int_equal(pcb->cubic_k / 100u, 90u); /* K in ms, from the integer cube root */
    uint32_t w_2k = grow_for(s, pcb, 9100);     /* t = 2K: 0.4 x 9.09^3 = +300 beyond W_max */
    assert_in_range(w_2k, 1250, 1350);
#else
    /* RFC 5681 (3): cwnd += MSS * MSS / cwnd per ACK, about one MSS per RTT. */
    assert_int_equal(pcb->cwnd, 20u * MSS);
    uint32_t w1 = grow_for(s, pcb, 1000); /* 10 RTTs: +10 segments */
    assert_in_range(w1, 29, 30);
    uint32_t w10 = grow_for(s, pcb, 9000); /* 100 RTTs: +100 */
    assert_in_range(w10, 114, 120);        /* (integer division loses a little) */
#endif
    tern_tcp_abort(pcb);
    stack_free_checked(s);
}

/* Small windows at a short RTT: Reno would be faster than the curve, so the
 * window follows Reno's estimate (RFC 9438 4.3), never less than NewReno's
 * ~0.53 MSS per RTT; without that region CUBIC would crawl here. */
static void test_small_window_keeps_reno_pace(void **state) {
    (void)state;
    tern_stack *s = stack_new(3);
    s->now = 1000;
    tern_tcp_pcb *pcb = conn(s, 20u * MSS);
    pcb->ssthresh = tern_tcp_cc_loss(pcb);
    pcb->cwnd = pcb->ssthresh;
    uint32_t start = pcb->cwnd / MSS;
    uint32_t w = grow_for(s, pcb, 2000); /* 20 RTTs */
    assert_true(w >= start + 9);
    tern_tcp_abort(pcb);
    stack_free_checked(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reduction_after_loss),
        cmocka_unit_test(test_growth_after_loss),
        cmocka_unit_test(test_small_window_keeps_reno_pace),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
