/*
 * TCP timers. One tern_timer per stack serves every connection: it is armed
 * for the earliest deadline any connection has (retransmission or persist,
 * keepalive or TIME-WAIT, poll), and when it fires it walks the connection
 * table and runs what is due. Delayed ACKs share one stack-wide deadline:
 * every connection that owes one sends it then (at most the delayed-ACK
 * time after the first was owed, as BSD's fast timer does). A connection
 * keeps only its deadlines and a bit per armed timer: no list node of its
 * own, which is most of a control block's timer cost.
 */
#include "tcp/tcp_priv.h"

#if TERN_CFG_TCP

/* Arm the stack's timer for due unless it will already fire sooner. */
static void arm_by(tern_stack *s, uint32_t due) {
    tern_timer *t = &s->tcp.timer;
    if (!tern_timer_armed(s, t) || tern_time_before(due, t->due))
        tern_timer_arm_at(s, t, due);
}

void tern_tcp_timer_set(tern_tcp_pcb *pcb, uint8_t which, uint32_t delay_ms) {
    tern_stack *s = pcb->stack;
    uint32_t due = s->now + delay_ms;
    if (which == TCP_T_RTO) {
        pcb->rto_due = due;
    } else if (which == TCP_T_DELACK) {
        if (!s->tcp.delack_armed) {
            s->tcp.delack_armed = true;
            s->tcp.delack_due = due;
        }
        due = s->tcp.delack_due;
    } else if (which == TCP_T_KEEP) {
        pcb->keep_due = due;
    } else {
        pcb->poll_at = (uint16_t)due;
    }
    pcb->tmask |= which;
    arm_by(s, due);
}

/* Tail loss probe (RFC 8985 7): when the last segments of a flight are
 * lost no duplicate ACK comes back and only the retransmission timeout
 * would find out. Two smoothed RTTs after the last ACK (plus a delayed
 * ACK's worth when one segment is out) one segment is sent again; its
 * SACK then starts fast recovery, round trips instead of an RTO. */
#define TLP_MIN_MS 10u
#define TLP_DELACK_MS 200u /* WCDelAckT */

void tern_tcp_arm_rto(tern_tcp_pcb *pcb) {
    uint32_t t = pcb->rto;
#if TERN_CFG_TCP_SACK
    pcb->tmask &= (uint8_t)~TCP_T_TLP;
    if ((pcb->flags & TERN_TCPF_SACK) && pcb->srtt &&
        !(pcb->flags & (TERN_TCPF_RECOVERY | TERN_TCPF_PERSIST)) && !pcb->nrtx) {
        uint32_t pto = (uint32_t)pcb->srtt >> 2; /* 2 x srtt (srtt is scaled by 8) */
        if (pto < TLP_MIN_MS)
            pto = TLP_MIN_MS;
        if (tern_tcp_flight(pcb) <= tern_tcp_smss(pcb))
            pto += TLP_DELACK_MS;
        if (pto < t) {
            t = pto;
            pcb->tmask |= TCP_T_TLP;
        }
    }
#endif
    tern_tcp_timer_set(pcb, TCP_T_RTO, t);
}

#if TERN_CFG_TCP_SACK
/* The probe: the last segment in flight again (with the FIN if that was sent). */
static void send_probe(tern_tcp_pcb *pcb) {
    uint32_t flight = tern_tcp_flight(pcb);
    uint32_t data = flight < pcb->sndq_len ? flight : pcb->sndq_len;
    uint16_t n = (uint16_t)(data < tern_tcp_smss(pcb) ? data : tern_tcp_smss(pcb));
    uint8_t flags = TERN_TCP_ACK;
    if ((pcb->flags & TERN_TCPF_FIN_SENT) && flight > pcb->sndq_len)
        flags |= TERN_TCP_FIN;
    TERN_STAT_INC(pcb->stack, TCP_TLP);
    pcb->flags &= (uint16_t)~TERN_TCPF_RTT_RUNNING; /* Karn */
    (void)tern_tcp_send_data(pcb, pcb->snd_una + data - n, n, flags);
    tern_tcp_timer_set(pcb, TCP_T_RTO, pcb->rto); /* and if that goes unanswered too: the RTO */
}
#endif

/* RFC 6298 2.2-2.3, in fixed point: srtt scaled by 8, rttvar by 4. */
void tern_tcp_rtt_sample(tern_tcp_pcb *pcb, uint32_t rtt_ms) {
    if (rtt_ms > TCP_RTT_MAX_MS)
        rtt_ms = TCP_RTT_MAX_MS; /* the 16-bit fixed point holds up to here (and no sample is longer) */
    int32_t r = (int32_t)(rtt_ms ? rtt_ms : 1u);
    int32_t srtt = pcb->srtt, rttvar = pcb->rttvar;
    if (!srtt) {
        srtt = r << 3;
        rttvar = r << 1; /* r/2, scaled by 4 */
    } else {
        int32_t err = r - (srtt >> 3);
        srtt += err; /* srtt += err/8 (scaled) */
        if (err < 0)
            err = -err;
        rttvar += err - (rttvar >> 2); /* rttvar += (|err| - rttvar)/4 (scaled) */
    }
    pcb->srtt = (uint16_t)srtt;
    /* (With samples of 1..8191 ms, |err| stays below 8191 and rttvar (x4)
     * within 2..32763: it fits its 16 bits without a clamp, and is already
     * above the clock granularity RFC 6298 2.3 puts under it.) */
    pcb->rttvar = (uint16_t)rttvar;
    uint32_t rto = (uint32_t)((srtt >> 3) + rttvar); /* at most 8191 + 32763 */
    if (rto < TERN_CFG_TCP_RTO_MIN_MS)
        rto = TERN_CFG_TCP_RTO_MIN_MS;
    if (TERN_CFG_TCP_RTO_MAX_MS < 8191u + 32763u && rto > TERN_CFG_TCP_RTO_MAX_MS)
        rto = TERN_CFG_TCP_RTO_MAX_MS;
    pcb->rto = (uint16_t)rto;
}

void tern_tcp_heard(tern_tcp_pcb *pcb) {
    pcb->keep_sent = 0;
    if ((pcb->flags & TERN_TCPF_KEEPALIVE) && pcb->state == TERN_TCP_ESTABLISHED)
        tern_tcp_timer_set(pcb, TCP_T_KEEP, (uint32_t)pcb->keep_idle_s * 1000u);
    else if (pcb->state != TERN_TCP_TIME_WAIT)
        tern_tcp_timer_clear(pcb, TCP_T_KEEP);
}

void tern_tcp_enter_time_wait(tern_tcp_pcb *pcb) {
    pcb->state = TERN_TCP_TIME_WAIT;
    tern_tcp_sndq_free(pcb);
    tern_tcp_timer_clear(pcb, TCP_T_RTO);
    tern_tcp_timer_set(pcb, TCP_T_KEEP, 2u * TERN_CFG_TCP_MSL_MS);
}

/* A retransmission: the RTO doubles, and no RTT sample comes of it (Karn). */
TERN_NOINLINE static void backoff(tern_tcp_pcb *pcb) {
    uint32_t rto = pcb->rto * 2u;
    pcb->rto = (uint16_t)(rto > TERN_CFG_TCP_RTO_MAX_MS ? TERN_CFG_TCP_RTO_MAX_MS : rto);
    pcb->flags &= (uint16_t)~TERN_TCPF_RTT_RUNNING;
}

static void give_up(tern_tcp_pcb *pcb, bool syn) {
    TERN_STAT_INC(pcb->stack, TCP_TIMEOUT);
    if (!syn)
        tern_tcp_send_rst(pcb);
    tern_tcp_free(pcb, TERN_ERR_TIMEOUT);
}

/* A segment one below the window (snd_una - 1, no data) draws an ACK: the
 * zero-window and keepalive probes (RFC 9293 3.8.4; Linux probes so). */
TERN_NOINLINE static void send_old_ack(tern_tcp_pcb *pcb) {
    (void)tern_tcp_send_data(pcb, pcb->snd_una - 1u, 0, TERN_TCP_ACK);
}

/* rto << persist_shift, bounded by the RTO ceiling. */
static uint32_t persist_interval(const tern_tcp_pcb *pcb) {
    /* (The RTO is 1..65535 and the ceiling at most 65535: 16 doublings
     * reach it, and the shifted value still fits 32 bits.) */
    uint32_t t = (uint32_t)pcb->rto << pcb->persist_shift; /* (the shift stops at 16) */
    return t < TERN_CFG_TCP_RTO_MAX_MS ? t : TERN_CFG_TCP_RTO_MAX_MS;
}

void tern_tcp_persist_start(tern_tcp_pcb *pcb) {
    pcb->flags |= TERN_TCPF_PERSIST;
    pcb->nrtx = 0;
    pcb->persist_shift = 0;
    tern_tcp_timer_set(pcb, TCP_T_RTO, pcb->rto); /* the first interval (the RTO never exceeds its ceiling) */
}

/* Zero-window probe (RFC 1122 4.2.2.17): a segment below the window draws
 * an ACK with the current window, as Linux probes; the interval doubles up
 * to the RTO ceiling. The connection stays open while the probes are
 * answered (the ACK resets nrtx) and times out when they are not. */
static bool on_persist(tern_tcp_pcb *pcb) {
    if (++pcb->nrtx > TERN_CFG_TCP_MAX_RTX) {
        give_up(pcb, false);
        return false;
    }
    send_old_ack(pcb);
    if (pcb->persist_shift < 16u) /* 16 doublings reach the ceiling from any RTO */
        pcb->persist_shift++;
    tern_tcp_timer_set(pcb, TCP_T_RTO, persist_interval(pcb));
    return true;
}

/* Retransmission timeout (RFC 6298 5.4-5.7) or a zero-window probe. */
static bool on_rto(tern_tcp_pcb *pcb) {
    tern_stack *s = pcb->stack;
    if (pcb->flags & TERN_TCPF_PERSIST)
        return on_persist(pcb);
#if TERN_CFG_TCP_SACK
    if (pcb->tmask & TCP_T_TLP) {
        pcb->tmask &= (uint8_t)~TCP_T_TLP;
        send_probe(pcb);
        return true;
    }
#endif
    bool syn = pcb->state == TERN_TCP_SYN_SENT || pcb->state == TERN_TCP_SYN_RCVD;
    if (++pcb->nrtx > (syn ? TERN_CFG_TCP_SYN_MAX_RTX : TERN_CFG_TCP_MAX_RTX)) {
        give_up(pcb, syn);
        return false;
    }
    TERN_STAT_INC(s, TCP_RETRANSMIT);
    TERN_STAT_INC(s, TCP_RTO);
    backoff(pcb);
    if (syn) {
        (void)tern_tcp_send_syn(pcb);
        return true;
    }
    tern_tcp_cc_timeout(pcb);
    tern_tcp_go_back(pcb); /* (run_due has cleared the RTO bit, and the TLP bit is clear) */
    if (!(pcb->tmask & TCP_T_RTO) && tern_tcp_flight(pcb))
        tern_tcp_timer_set(pcb, TCP_T_RTO, pcb->rto);
    return true;
}

static bool on_keep(tern_tcp_pcb *pcb) {
    if (pcb->state == TERN_TCP_TIME_WAIT) {
        tern_tcp_free(pcb, TERN_OK);
        return false;
    }
    if (!(pcb->flags & TERN_TCPF_KEEPALIVE) || pcb->state != TERN_TCP_ESTABLISHED)
        return true;
    if (pcb->keep_sent >= pcb->keep_cnt) {
        give_up(pcb, false);
        return false;
    }
    /* A keepalive probe: an old sequence number draws an ACK (RFC 9293 3.8.4). */
    pcb->keep_sent++;
    send_old_ack(pcb);
    tern_tcp_timer_set(pcb, TCP_T_KEEP, (uint32_t)pcb->keep_intvl_s * 1000u);
    return true;
}

/* The poll deadline is kept in 16 bits (intervals are under 32 s): it has
 * come when now is at or past it. */
static bool poll_due(const tern_tcp_pcb *pcb, uint32_t now) {
    return !((uint16_t)((uint16_t)now - pcb->poll_at) & 0x8000u);
}

/* Run what is due on one connection; false if it is gone. delack:
 * TCP_T_DELACK when the delayed ACKs are due, else 0. */
static bool run_due(tern_tcp_pcb *pcb, uint32_t now, uint32_t delack) {
    tern_stack *s = pcb->stack;
    if (pcb->tmask & delack) {
        pcb->tmask &= (uint8_t)~TCP_T_DELACK;
        tern_tcp_send_ack(pcb);
    }
    if ((pcb->tmask & TCP_T_KEEP) && !tern_time_before(now, pcb->keep_due)) {
        pcb->tmask &= (uint8_t)~TCP_T_KEEP;
        if (!on_keep(pcb))
            return false;
    }
    if ((pcb->tmask & TCP_T_RTO) && !tern_time_before(now, pcb->rto_due)) {
        pcb->tmask &= (uint8_t)~TCP_T_RTO;
        if (!on_rto(pcb))
            return false;
    }
    if ((pcb->tmask & TCP_T_POLL) && poll_due(pcb, now)) {
        pcb->tmask &= (uint8_t)~TCP_T_POLL;
        if (pcb->poll_ms)
            pcb->poll_at = (uint16_t)(now + pcb->poll_ms), pcb->tmask |= TCP_T_POLL;
        if (pcb->cb && pcb->cb->poll) {
            s->tcp.active = pcb;
            pcb->cb->poll(pcb->ctx, pcb);
            s->tcp.active = NULL;
            if (pcb->flags & TERN_TCPF_DEAD) {
                tern_tcp_free(pcb, TERN_OK);
                return false;
            }
        }
    }
    return true;
}

static void tcp_timer(tern_stack *s, tern_timer *t) {
    (void)t;
    uint32_t now = s->now, far = now + 0x7FFFFFFFu, next = far;
    uint32_t delack = 0;
    if (s->tcp.delack_armed && !tern_time_before(now, s->tcp.delack_due)) {
        s->tcp.delack_armed = false;
        delack = TCP_T_DELACK;
    }
    for (uint32_t i = 0; i < s->tcp.used_hi; i++) {
        tern_tcp_pcb *pcb = &s->tcp.pcbs[i];
        if (!pcb->stack || !pcb->tmask || !run_due(pcb, now, delack))
            continue;
        /* What is left armed on it: the earliest sets the next run. */
        uint8_t m = pcb->tmask;
        if ((m & TCP_T_DELACK) && !s->tcp.delack_armed) { /* owed since the sweep began */
            s->tcp.delack_armed = true;
            s->tcp.delack_due = now + TERN_CFG_TCP_DELACK_MS;
        }
        if ((m & TCP_T_RTO) && tern_time_before(pcb->rto_due, next))
            next = pcb->rto_due;
        if ((m & TCP_T_KEEP) && tern_time_before(pcb->keep_due, next))
            next = pcb->keep_due;
        if (m & TCP_T_POLL) {
            uint16_t left = (uint16_t)(pcb->poll_at - (uint16_t)now);
            uint32_t due = (left & 0x8000u) ? now : now + left;
            if (tern_time_before(due, next))
                next = due;
        }
    }
    if (s->tcp.delack_armed && tern_time_before(s->tcp.delack_due, next))
        next = s->tcp.delack_due;
    /* A callback above may have armed it already (for a connection the
     * walk had passed): keep whichever is sooner. */
    if (next != far)
        arm_by(s, next);
}

void tern_tcp_timer_init(tern_stack *s) {
    tern_timer_init(&s->tcp.timer, tcp_timer); /* (delack_armed is 0: the stack was zeroed) */
}

void tern_tcp_set_poll(tern_tcp_pcb *pcb, uint32_t interval_ms) {
    if (!pcb || !pcb->stack)
        return;
    if (interval_ms > TCP_POLL_MAX_MS)
        interval_ms = TCP_POLL_MAX_MS;
    pcb->poll_ms = (uint16_t)interval_ms;
    if (interval_ms)
        tern_tcp_timer_set(pcb, TCP_T_POLL, interval_ms);
    else
        tern_tcp_timer_clear(pcb, TCP_T_POLL);
}

#endif
