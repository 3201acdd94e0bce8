/*
 * TCP timers: one tern_timer per connection, armed for the earliest of its
 * deadlines (retransmission or persist, delayed ACK, keepalive or TIME-WAIT).
 */
#include "tcp/tcp_priv.h"

#if TERN_CFG_TCP

static tern_tcp_pcb *pcb_of(tern_timer *t) {
    return (tern_tcp_pcb *)(void *)((uint8_t *)t - offsetof(tern_tcp_pcb, timer));
}

static void rearm(tern_tcp_pcb *pcb) {
    tern_stack *s = pcb->stack;
    uint32_t next = 0;
    bool any = false;
    const uint32_t due[4] = {pcb->rto_due, pcb->delack_due, pcb->keep_due, pcb->poll_due};
    for (unsigned i = 0; i < 4; i++) {
        if (!(pcb->tmask & (1u << i)))
            continue;
        if (!any || tern_time_before(due[i], next))
            next = due[i];
        any = true;
    }
    if (!any)
        tern_timer_cancel(s, &pcb->timer);
    else
        tern_timer_arm_at(s, &pcb->timer, next);
}

void tern_tcp_timer_set(tern_tcp_pcb *pcb, uint8_t which, uint32_t delay_ms) {
    uint32_t due = pcb->stack->now + delay_ms;
    if (which == TCP_T_RTO)
        pcb->rto_due = due;
    else if (which == TCP_T_DELACK)
        pcb->delack_due = due;
    else if (which == TCP_T_KEEP)
        pcb->keep_due = due;
    else
        pcb->poll_due = due;
    pcb->tmask |= which;
    rearm(pcb);
}

void tern_tcp_timer_clear(tern_tcp_pcb *pcb, uint8_t which) {
    if (!(pcb->tmask & which))
        return;
    pcb->tmask &= (uint8_t)~which;
    rearm(pcb);
}

/* RFC 6298 2.2-2.3, in fixed point: srtt scaled by 8, rttvar by 4. */
void tern_tcp_rtt_sample(tern_tcp_pcb *pcb, uint32_t rtt_ms) {
    if (rtt_ms > TERN_CFG_TCP_RTO_MAX_MS) /* never a real sample: keep the fixed point sane */
        rtt_ms = TERN_CFG_TCP_RTO_MAX_MS;
    int32_t r = (int32_t)(rtt_ms ? rtt_ms : 1u);
    if (!pcb->srtt) {
        pcb->srtt = r << 3;
        pcb->rttvar = r << 1; /* r/2, scaled by 4 */
    } else {
        int32_t err = r - (pcb->srtt >> 3);
        pcb->srtt += err; /* srtt += err/8 (scaled) */
        if (err < 0)
            err = -err;
        pcb->rttvar += err - (pcb->rttvar >> 2); /* rttvar += (|err| - rttvar)/4 (scaled) */
    }
    uint32_t rto = (uint32_t)((pcb->srtt >> 3) + (pcb->rttvar > 1 ? pcb->rttvar : 1));
    if (rto < TERN_CFG_TCP_RTO_MIN_MS)
        rto = TERN_CFG_TCP_RTO_MIN_MS;
    if (rto > TERN_CFG_TCP_RTO_MAX_MS)
        rto = TERN_CFG_TCP_RTO_MAX_MS;
    pcb->rto = rto;
}

void tern_tcp_heard(tern_tcp_pcb *pcb) {
    pcb->keep_sent = 0;
    if ((pcb->flags & TERN_TCPF_KEEPALIVE) && pcb->state == TERN_TCP_ESTABLISHED)
        tern_tcp_timer_set(pcb, TCP_T_KEEP, pcb->keep_idle);
    else if (pcb->state != TERN_TCP_TIME_WAIT)
        tern_tcp_timer_clear(pcb, TCP_T_KEEP);
}

void tern_tcp_enter_time_wait(tern_tcp_pcb *pcb) {
    pcb->state = TERN_TCP_TIME_WAIT;
    tern_tcp_sndq_free(pcb);
    tern_tcp_timer_clear(pcb, TCP_T_RTO);
    tern_tcp_timer_set(pcb, TCP_T_KEEP, 2u * TERN_CFG_TCP_MSL_MS);
}

static void backoff(tern_tcp_pcb *pcb) {
    uint32_t rto = pcb->rto * 2u;
    pcb->rto = rto > TERN_CFG_TCP_RTO_MAX_MS ? TERN_CFG_TCP_RTO_MAX_MS : rto;
}

static void give_up(tern_tcp_pcb *pcb, bool syn) {
    TERN_STAT_INC(pcb->stack, TCP_TIMEOUT);
    if (!syn)
        tern_tcp_send_rst(pcb);
    tern_tcp_free(pcb, TERN_ERR_TIMEOUT);
}

/* rto << persist_shift, bounded by the RTO ceiling. */
static uint32_t persist_interval(const tern_tcp_pcb *pcb) {
    uint32_t t = pcb->rto;
    for (unsigned i = 0; i < pcb->persist_shift && t < TERN_CFG_TCP_RTO_MAX_MS; i++)
        t *= 2u;
    return t < TERN_CFG_TCP_RTO_MAX_MS ? t : TERN_CFG_TCP_RTO_MAX_MS;
}

void tern_tcp_persist_start(tern_tcp_pcb *pcb) {
    pcb->flags |= TERN_TCPF_PERSIST;
    pcb->nrtx = 0;
    pcb->persist_shift = 0;
    tern_tcp_timer_set(pcb, TCP_T_RTO, persist_interval(pcb));
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
    (void)tern_tcp_send_data(pcb, pcb->snd_una - 1u, 0, TERN_TCP_ACK);
    if (pcb->persist_shift < 0xFFu)
        pcb->persist_shift++;
    tern_tcp_timer_set(pcb, TCP_T_RTO, persist_interval(pcb));
    return true;
}

/* Retransmission timeout (RFC 6298 5.4-5.7) or a zero-window probe. */
static bool on_rto(tern_tcp_pcb *pcb) {
    tern_stack *s = pcb->stack;
    if (pcb->flags & TERN_TCPF_PERSIST)
        return on_persist(pcb);
    bool syn = pcb->state == TERN_TCP_SYN_SENT || pcb->state == TERN_TCP_SYN_RCVD;
    if (++pcb->nrtx > (syn ? TERN_CFG_TCP_SYN_MAX_RTX : TERN_CFG_TCP_MAX_RTX)) {
        give_up(pcb, syn);
        return false;
    }
    TERN_STAT_INC(s, TCP_RETRANSMIT);
    backoff(pcb);
    pcb->flags &= (uint16_t)~TERN_TCPF_RTT_RUNNING; /* Karn: no sample from a retransmission */
    if (syn) {
        (void)tern_tcp_send_syn(pcb);
        return true;
    }
    tern_tcp_cc_timeout(pcb);
    /* Go back to the first unacknowledged byte and send from there. */
    pcb->snd_nxt = pcb->snd_una;
    pcb->flags &= (uint16_t)~TERN_TCPF_FIN_SENT;
    tern_tcp_timer_clear(pcb, TCP_T_RTO);
    (void)tern_tcp_output(pcb);
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
        TERN_STAT_INC(pcb->stack, TCP_TIMEOUT);
        tern_tcp_send_rst(pcb);
        tern_tcp_free(pcb, TERN_ERR_TIMEOUT);
        return false;
    }
    /* A keepalive probe: an old sequence number draws an ACK (RFC 9293 3.8.4). */
    pcb->keep_sent++;
    (void)tern_tcp_send_data(pcb, pcb->snd_una - 1u, 0, TERN_TCP_ACK);
    tern_tcp_timer_set(pcb, TCP_T_KEEP, pcb->keep_intvl);
    return true;
}

static void tcp_timer(tern_stack *s, tern_timer *t) {
    tern_tcp_pcb *pcb = pcb_of(t);
    uint32_t now = s->now;
    if ((pcb->tmask & TCP_T_DELACK) && !tern_time_before(now, pcb->delack_due)) {
        pcb->tmask &= (uint8_t)~TCP_T_DELACK;
        tern_tcp_send_ack(pcb);
    }
    if ((pcb->tmask & TCP_T_KEEP) && !tern_time_before(now, pcb->keep_due)) {
        pcb->tmask &= (uint8_t)~TCP_T_KEEP;
        if (!on_keep(pcb))
            return; /* freed */
    }
    if ((pcb->tmask & TCP_T_RTO) && !tern_time_before(now, pcb->rto_due)) {
        pcb->tmask &= (uint8_t)~TCP_T_RTO;
        if (!on_rto(pcb))
            return;
    }
    if ((pcb->tmask & TCP_T_POLL) && !tern_time_before(now, pcb->poll_due)) {
        pcb->tmask &= (uint8_t)~TCP_T_POLL;
        if (pcb->poll_ms)
            pcb->poll_due = now + pcb->poll_ms, pcb->tmask |= TCP_T_POLL;
        if (pcb->cb && pcb->cb->poll) {
            s->tcp.active = pcb;
            pcb->cb->poll(pcb->ctx, pcb);
            s->tcp.active = NULL;
            if (pcb->flags & TERN_TCPF_DEAD) {
                tern_tcp_free(pcb, TERN_OK);
                return;
            }
        }
    }
    rearm(pcb);
}

void tern_tcp_timer_init(tern_tcp_pcb *pcb) {
    tern_timer_init(&pcb->timer, tcp_timer);
}

void tern_tcp_set_poll(tern_tcp_pcb *pcb, uint32_t interval_ms) {
    if (!pcb || !pcb->stack)
        return;
    pcb->poll_ms = interval_ms;
    if (interval_ms)
        tern_tcp_timer_set(pcb, TCP_T_POLL, interval_ms);
    else
        tern_tcp_timer_clear(pcb, TCP_T_POLL);
}

#endif
