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

void tern_tcp_cc_init(tern_tcp_pcb *pcb) {
    uint32_t iw = (uint32_t)TERN_CFG_TCP_INIT_CWND * pcb->mss;
    pcb->cwnd = iw;
    pcb->ssthresh = 0x7FFFFFFFu;
    tern_tcp_cc_algo_init(pcb);
}

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
#else
    (void)pcb, (void)seq, (void)len;
#endif
}

/* New data acknowledged (not in recovery, or recovery ended). */
void tern_tcp_cc_ack(tern_tcp_pcb *pcb, uint32_t acked) {
    if (pcb->flags & TERN_TCPF_RECOVERY) {
        if (SEQ_GEQ(pcb->snd_una, pcb->recover)) {
            /* Full acknowledgement: leave recovery with a deflated window. */
            uint32_t f = tern_tcp_flight(pcb) + pcb->mss;
            pcb->cwnd = pcb->ssthresh < f ? pcb->ssthresh : f;
            pcb->flags &= (uint16_t)~TERN_TCPF_RECOVERY;
            pcb->dupacks = 0;
        } else {
            /* Partial acknowledgement: retransmit the next hole, deflate. */
            if (!retransmit_next_hole(pcb) && !SEQ_LT(pcb->snd_una, HIGH_RXT(pcb))) {
                uint16_t n = first_segment(pcb);
                (void)tern_tcp_send_data(pcb, pcb->snd_una, n, TERN_TCP_ACK);
                TERN_STAT_INC(pcb->stack, TCP_RETRANSMIT);
                note_retransmitted(pcb, pcb->snd_una, n);
            }
            pcb->cwnd = pcb->cwnd > acked ? pcb->cwnd - acked : 0;
            pcb->cwnd += pcb->mss;
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
        pcb->cwnd += acked < pcb->mss ? acked : pcb->mss;
    } else {
        tern_tcp_cc_avoid(pcb, acked);
    }
}

void tern_tcp_cc_dupack(tern_tcp_pcb *pcb) {
    if (pcb->flags & TERN_TCPF_RECOVERY) {
        pcb->cwnd += pcb->mss; /* each duplicate means a segment left the network */
        (void)retransmit_next_hole(pcb);
        return;
    }
    if (++pcb->dupacks != 3)
        return;
    /* RFC 6582 3.2 step 2: only if this loss is after the last recovery point. */
    if (SEQ_LEQ(pcb->snd_una, pcb->recover))
        return;
    pcb->ssthresh = tern_tcp_cc_loss(pcb);
    pcb->recover = pcb->snd_max;
    pcb->flags |= TERN_TCPF_RECOVERY;
    pcb->flags &= (uint16_t)~TERN_TCPF_RTT_RUNNING; /* Karn */
    uint16_t n = first_segment(pcb);
#if TERN_CFG_TCP_SACK
    pcb->high_rxt = pcb->snd_una;
#endif
    (void)tern_tcp_send_data(pcb, pcb->snd_una, n, TERN_TCP_ACK);
    TERN_STAT_INC(pcb->stack, TCP_FAST_RETRANSMIT);
    note_retransmitted(pcb, pcb->snd_una, n);
    pcb->cwnd = pcb->ssthresh + 3u * pcb->mss;
}

void tern_tcp_cc_timeout(tern_tcp_pcb *pcb) {
    pcb->ssthresh = tern_tcp_cc_loss(pcb);
    pcb->cwnd = pcb->mss;
    pcb->recover = pcb->snd_max;
    pcb->flags &= (uint16_t)~TERN_TCPF_RECOVERY;
    pcb->dupacks = 0;
#if TERN_CFG_TCP_SACK
    tern_tcp_sack_clear(pcb); /* RFC 6675 5.1: after a timeout, trust nothing */
#endif
}

#endif
