/*
 * Congestion control, the part every algorithm shares: initial window (RFC
 * 6928), slow start (RFC 5681), fast retransmit and fast recovery with
 * NewReno partial ACKs (RFC 6582) or SACK holes (RFC 6675), and the RTO.
 * How the window grows in congestion avoidance and how far it falls after a
 * loss is the algorithm's, behind two calls (tcp_priv.h): tcp_cc_newreno.c
 * or tcp_cc_cubic.c, chosen by TERN_CFG_TCP_CC.
 */
#include "tcp/tcp_priv.h"

#if TERN_CFG_TCP

#if TERN_CFG_TCP_SACK
#define HIGH_RXT(pcb) ((pcb)->high_rxt)
#else
#define HIGH_RXT(pcb) ((pcb)->snd_una)
#endif

/* Length of the oldest unacknowledged segment to retransmit (data only). */
static uint16_t first_segment(const tern_tcp_pcb *pcb) {
    uint32_t n = tern_tcp_flight(pcb);
    if (n > pcb->sndq_len)
        n = pcb->sndq_len; /* a FIN in flight is not data */
    return (uint16_t)(n < tern_tcp_smss(pcb) ? n : tern_tcp_smss(pcb));
}

/* With SACK: retransmit the next hole after what recovery already resent.
 * Returns false when the scoreboard shows none. */
static bool retransmit_next_hole(tern_tcp_pcb *pcb) {
#if TERN_CFG_TCP_SACK
    uint32_t seq;
    uint16_t len;
    if (!(pcb->flags & TERN_TCPF_SACK) || !tern_tcp_sack_next_hole(pcb, pcb->high_rxt, &seq, &len))
        return false;
    (void)tern_tcp_send_data(pcb, seq, len, TERN_TCP_ACK);
    TERN_STAT_INC(pcb->stack, TCP_RETRANSMIT);
    pcb->high_rxt = seq + len;
    pcb->rxt_mark = pcb->snd_max;
    return true;
#else
    (void)pcb;
    return false;
#endif
}

static void note_retransmitted(tern_tcp_pcb *pcb, uint32_t seq, uint16_t len) {
#if TERN_CFG_TCP_SACK
    if (SEQ_GT(seq + len, pcb->high_rxt))
        pcb->high_rxt = seq + len;
    pcb->rxt_mark = pcb->snd_max;
#else
    (void)pcb, (void)seq, (void)len;
#endif
}

/* Send the oldest unacknowledged segment again. */
TERN_NOINLINE static void retransmit_first(tern_tcp_pcb *pcb) {
    uint16_t n = first_segment(pcb);
    (void)tern_tcp_send_data(pcb, pcb->snd_una, n, TERN_TCP_ACK);
    note_retransmitted(pcb, pcb->snd_una, n);
}

/* A loss: the algorithm's new ssthresh, and recovery reaches to what was sent. */
TERN_NOINLINE static void on_loss(tern_tcp_pcb *pcb) {
    pcb->ssthresh = tern_tcp_wnd_of(tern_tcp_cc_loss(pcb));
    pcb->recover = pcb->snd_max;
}

/* New data acknowledged (not in recovery, or recovery ended). */
void tern_tcp_cc_ack(tern_tcp_pcb *pcb, uint32_t acked) {
    if (pcb->flags & TERN_TCPF_RECOVERY) {
        if (SEQ_GEQ(pcb->snd_una, pcb->recover)) {
            /* Full acknowledgement: leave recovery with a deflated window. */
            uint32_t f = tern_tcp_flight(pcb) + pcb->mss;
            pcb->cwnd = tern_tcp_wnd_of(pcb->ssthresh < f ? pcb->ssthresh : f);
            pcb->flags &= (uint16_t)~TERN_TCPF_RECOVERY;
            pcb->dupacks = 0;
        } else {
            /* Partial acknowledgement: retransmit the next hole, deflate. */
            if (!retransmit_next_hole(pcb) && !SEQ_LT(pcb->snd_una, HIGH_RXT(pcb))) {
                retransmit_first(pcb);
                TERN_STAT_INC(pcb->stack, TCP_RETRANSMIT);
            }
            pcb->cwnd = tern_tcp_wnd_of((pcb->cwnd > acked ? pcb->cwnd - acked : 0u) + pcb->mss);
        }
        return;
    }
    pcb->dupacks = 0;
    /* Keep the recovery point just behind snd_una once passed, so it never
     * looks ahead again after the sequence space wraps (2 GB later). */
    if (SEQ_GT(pcb->snd_una, pcb->recover))
        pcb->recover = pcb->snd_una - 1u;
    if (pcb->cwnd < pcb->ssthresh) {
        /* Slow start, with appropriate byte counting limited to one MSS (RFC 3465). */
        pcb->cwnd = tern_tcp_wnd_of(pcb->cwnd + (acked < pcb->mss ? acked : pcb->mss));
    } else {
        tern_tcp_cc_avoid(pcb, acked);
    }
}

void tern_tcp_cc_dupack(tern_tcp_pcb *pcb) {
    if (pcb->flags & TERN_TCPF_RECOVERY) {
        pcb->cwnd = tern_tcp_wnd_of((uint32_t)pcb->cwnd + pcb->mss); /* each duplicate: a segment left */
        (void)retransmit_next_hole(pcb);
        return;
    }
    /* Fast retransmit on the third duplicate ACK; with fewer than four
     * segments out and nothing new to send (so limited transmit cannot make
     * more duplicates), one fewer than are out (early retransmit, RFC 5827). */
    uint32_t thresh = 3;
    if (!tern_tcp_unsent(pcb)) {
        uint32_t smss = tern_tcp_smss(pcb), segs = (tern_tcp_flight(pcb) + smss - 1u) / smss;
        if (segs >= 2u && segs < 4u) /* one segment out draws no duplicates at all */
            thresh = segs - 1u;
    }
    if (pcb->dupacks < 0xFFu)
        pcb->dupacks++;
    if (pcb->dupacks < thresh)
        return;
    /* RFC 6582 3.2 step 2: only if this loss is after the last recovery point
     * (without SACK, duplicates from that window's retransmissions would
     * halve the window again). With SACK the scoreboard tells a new loss
     * apart (RFC 6675 5), so recovery starts, also after a timeout. */
    if (SEQ_LEQ(pcb->snd_una, pcb->recover) && !(TERN_CFG_TCP_SACK && (pcb->flags & TERN_TCPF_SACK)))
        return;
    on_loss(pcb);
    pcb->flags |= TERN_TCPF_RECOVERY;
    pcb->flags &= (uint16_t)~TERN_TCPF_RTT_RUNNING; /* Karn */
#if TERN_CFG_TCP_SACK
    pcb->high_rxt = pcb->snd_una;
#endif
    retransmit_first(pcb);
    TERN_STAT_INC(pcb->stack, TCP_FAST_RETRANSMIT);
    pcb->cwnd = tern_tcp_wnd_of(pcb->ssthresh + 3u * pcb->mss);
}

void tern_tcp_cc_timeout(tern_tcp_pcb *pcb) {
    on_loss(pcb);
    pcb->cwnd = pcb->mss;
    pcb->flags &= (uint16_t)~TERN_TCPF_RECOVERY;
    pcb->dupacks = 0;
#if TERN_CFG_TCP_SACK
    tern_tcp_sack_clear(pcb); /* RFC 6675 5.1: after a timeout, trust nothing */
#endif
}

#endif
