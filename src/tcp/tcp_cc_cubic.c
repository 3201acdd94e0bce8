/*
 * CUBIC window growth and reduction (RFC 9438), in integer arithmetic.
 *
 * After a loss the window falls to beta = 0.7 of what it was (W_max) and
 * then follows W(t) = C (t - K)^3 + W_max, C = 0.4 segments/s^3: fast at
 * first, flat near W_max, probing beyond it afterwards. K is when the curve
 * gets back to W_max. Where Reno would be faster (short RTTs, small
 * windows) the window follows Reno's estimate W_est instead (4.3). Windows
 * are in bytes, time in ms; the cube and cube root are 64-bit.
 */
#include "tcp/tcp_priv.h"

#if TERN_CFG_TCP && TERN_CFG_TCP_CC == TERN_TCP_CC_CUBIC

#define BETA_NUM 7u /* beta_cubic = 0.7 */
#define BETA_DEN 10u
#define T_MAX_MS (1u << 18) /* |t - K| is clamped here (262 s), so the cube fits */

/* Integer cube root (bit by bit, as in Hacker's Delight). */
static uint32_t cbrt64(uint64_t x) {
    uint64_t y = 0;
    for (int sh = 63; sh >= 0; sh -= 3) {
        y += y;
        uint64_t b = 3u * y * (y + 1u) + 1u;
        if ((x >> sh) >= b) {
            x -= b << sh;
            y++;
        }
    }
    return (uint32_t)y;
}

/* The curve t ms after the epoch began: C (t - K)^3 + origin, in bytes.
 * C (d/1000 s)^3 segments = 4 d^3 mss / 10^10 bytes. */
static uint32_t w_cubic(const tern_tcp_pcb *pcb, uint32_t t) {
    bool before = t < pcb->cubic_k;
    uint64_t d = before ? pcb->cubic_k - t : t - pcb->cubic_k;
    if (d > T_MAX_MS)
        d = T_MAX_MS;
    uint64_t delta = (d * d * d / 10000u) * 4u * pcb->mss / 1000000u;
    if (before)
        return delta < pcb->cubic_origin ? pcb->cubic_origin - (uint32_t)delta : 0;
    uint64_t w = pcb->cubic_origin + delta;
    return w > 0x7FFFFFFFu ? 0x7FFFFFFFu : (uint32_t)w;
}

void tern_tcp_cc_algo_init(tern_tcp_pcb *pcb) {
    pcb->cubic_wmax = 0;
    pcb->cubic_epoch = 0;
}

/* A new epoch: the curve starts at today's window and levels off at W_max
 * (or right here, when the window is already past it). */
static void begin_epoch(tern_tcp_pcb *pcb, uint32_t now) {
    pcb->cubic_epoch = now ? now : 1u;
    pcb->cubic_west = pcb->cwnd;
    if (pcb->cwnd < pcb->cubic_wmax) {
        /* K = cbrt((W_max - cwnd) / C) s = cbrt(2.5e9 (W_max - cwnd) / mss) ms */
        uint64_t x = (uint64_t)(pcb->cubic_wmax - pcb->cwnd) * 2500000000u / pcb->mss;
        pcb->cubic_k = cbrt64(x);
        pcb->cubic_origin = pcb->cubic_wmax;
    } else {
        pcb->cubic_k = 0;
        pcb->cubic_origin = pcb->cwnd;
    }
}

void tern_tcp_cc_avoid(tern_tcp_pcb *pcb, uint32_t acked) {
    uint32_t now = pcb->stack->now, cwnd = pcb->cwnd ? pcb->cwnd : 1u;
    if (!pcb->cubic_epoch)
        begin_epoch(pcb, now);
    uint32_t t = now - pcb->cubic_epoch;
    /* Reno's window, grown by alpha = 3 (1 - beta) / (1 + beta) = 9/17 MSS per RTT. */
    pcb->cubic_west += (uint32_t)((uint64_t)9u * pcb->mss * acked / (17u * (uint64_t)cwnd));
    if (w_cubic(pcb, t) < pcb->cubic_west) {
        if (pcb->cubic_west > pcb->cwnd)
            pcb->cwnd = pcb->cubic_west; /* the Reno-friendly region */
        return;
    }
    /* Aim at where the curve will be one RTT from now, at most 1.5 cwnd. */
    uint32_t target = w_cubic(pcb, t + (uint32_t)(pcb->srtt > 0 ? pcb->srtt >> 3 : 0));
    if (target > cwnd + cwnd / 2u)
        target = cwnd + cwnd / 2u;
    if (target > cwnd)
        pcb->cwnd += (uint32_t)((uint64_t)(target - cwnd) * acked / cwnd);
}

uint32_t tern_tcp_cc_loss(tern_tcp_pcb *pcb) {
    uint32_t cwnd = pcb->cwnd;
    /* Fast convergence (4.7): a flow that lost before reaching its last
     * W_max gives some of it up for newcomers. */
    if (cwnd < pcb->cubic_wmax)
        pcb->cubic_wmax = (uint32_t)((uint64_t)cwnd * (BETA_DEN + BETA_NUM) / (2u * BETA_DEN));
    else
        pcb->cubic_wmax = cwnd;
    pcb->cubic_epoch = 0;
    uint32_t ss = (uint32_t)((uint64_t)cwnd * BETA_NUM / BETA_DEN);
    uint32_t floor = 2u * pcb->mss;
    return ss > floor ? ss : floor;
}

#endif
