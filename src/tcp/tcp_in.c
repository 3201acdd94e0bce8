/*
 * TCP input. After validation and lookup, a segment for a synchronized
 * connection goes through the steps of RFC 9293 3.10.7.4 in order, one
 * function each: sequence check (with PAWS), RST, SYN, ACK, data, FIN.
 * RFC 5961 protections: in-window RST and any SYN draw a challenge ACK.
 */
#include <string.h>

#include "core/chksum.h"
#include "tcp/tcp_priv.h"
#include "wire/wire.h"

#if TERN_CFG_TCP

enum step { CONTINUE, DONE };

/* Callbacks may abort the connection: after one, check it is still alive. */
static bool dead(tern_tcp_pcb *pcb) {
    return (pcb->flags & TERN_TCPF_DEAD) != 0;
}

static uint32_t seg_space(const tcp_seg *seg) {
    return seg->len + ((seg->h.flags & TERN_TCP_SYN) ? 1u : 0u) + ((seg->h.flags & TERN_TCP_FIN) ? 1u : 0u);
}

/* The application's recv callback, if any, with p (NULL: the peer
 * closed), pcb marked active while it runs. */
TERN_NOINLINE static void app_recv(tern_tcp_pcb *pcb, tern_pbuf *p) {
    if (!pcb->cb || !pcb->cb->recv)
        return;
    pcb->stack->tcp.active = pcb;
    pcb->cb->recv(pcb->ctx, pcb, p);
    pcb->stack->tcp.active = NULL;
}

/* An active open (or a simultaneous one) completed: tell the application. */
static void app_connected(tern_tcp_pcb *pcb) {
    tern_stack *s = pcb->stack;
    s->tcp.active = pcb;
    if (pcb->cb && pcb->cb->connected)
        pcb->cb->connected(pcb->ctx, pcb, TERN_OK);
    s->tcp.active = NULL;
}

#define OOW_ACK_INTERVAL_MS 10u

/* ACKs for segments we do not accept are rate-limited per connection, so
 * two confused ends cannot ping-pong ACKs (as Linux's tcp_invalid_ratelimit). */
static void oow_ack(tern_tcp_pcb *pcb) {
    uint32_t now = pcb->stack->now;
    if (pcb->oow_ack_at && (uint16_t)((uint16_t)now - pcb->oow_ack_at) < OOW_ACK_INTERVAL_MS)
        return;
    pcb->oow_ack_at = (uint16_t)now ? (uint16_t)now : 1u;
    tern_tcp_send_ack(pcb);
}

static void challenge_ack(tern_tcp_pcb *pcb) {
    TERN_STAT_INC(pcb->stack, TCP_CHALLENGE_ACK);
    oow_ack(pcb);
}

/* The peer's SYN: its sequence number and window, and its options (MSS,
 * window scale, timestamps, SACK); then the initial congestion window. */
TERN_NOINLINE static void take_syn(tern_tcp_pcb *pcb, const tern_tcp_repr *h) {
    pcb->rcv_nxt = pcb->rcv_adv = h->seq + 1u;
    pcb->snd_wnd = h->wnd; /* never scaled in a SYN */
    pcb->snd_wl1 = h->seq;
    pcb->mss = tern_tcp_mss_for(pcb->stack, &pcb->remote_ip, TCP_ZONE(pcb), h->mss ? h->mss : 536u);
#if TERN_CFG_TCP_WSCALE
    if (h->wscale != TERN_TCP_NO_WSCALE) {
        pcb->flags |= TERN_TCPF_WSCALE;
        pcb->snd_wscale = h->wscale;
    } else {
        pcb->flags &= (uint16_t)~TERN_TCPF_WSCALE;
        pcb->snd_wscale = 0;
        pcb->rcv_wscale = 0;
    }
#endif
#if TERN_CFG_TCP_TIMESTAMPS
    if (h->has_ts) {
        pcb->flags |= TERN_TCPF_TS;
        pcb->ts_recent = h->tsval;
    } else {
        pcb->flags &= (uint16_t)~TERN_TCPF_TS;
    }
#endif
#if TERN_CFG_TCP_SACK
    if (h->sack_ok)
        pcb->flags |= TERN_TCPF_SACK;
    else
        pcb->flags &= (uint16_t)~TERN_TCPF_SACK;
#endif
    tern_tcp_cc_init(pcb);
}

/* Does ack acknowledge something sent and not yet acknowledged (snd_una <
 * ack <= snd_max)? One unsigned compare, as snd_max - snd_una < 2^31. */
static bool acks_new(const tern_tcp_pcb *pcb, uint32_t ack) {
    return ack - pcb->snd_una - 1u < pcb->snd_max - pcb->snd_una;
}

/* ---- LISTEN ------------------------------------------------------------- */

static void listen_input(tern_tcp_listener *l, tcp_seg *seg) {
    tern_stack *s = l->stack;
    if (seg->h.flags & TERN_TCP_RST)
        return;
    if (seg->h.flags & TERN_TCP_ACK) {
        tern_tcp_send_rst_for(s, seg);
        return;
    }
    if (!(seg->h.flags & TERN_TCP_SYN) || (seg->h.flags & TERN_TCP_FIN)) {
        TERN_STAT_INC(s, TCP_DROP_FLAGS);
        return;
    }
    tern_tcp_pcb *pcb = l->pending < l->backlog ? tern_tcp_alloc(s) : NULL;
    if (!pcb) {
        if (l->pending >= l->backlog)
            TERN_STAT_INC(s, TCP_DROP_BACKLOG);
        else
            TERN_STAT_INC(s, TCP_DROP_NOMEM);
#if TERN_CFG_TCP_SYNCOOKIES
        tern_tcp_cookie_reply(s, seg); /* no state kept: the ACK brings it back */
#endif
        return;
    }
    pcb->local_ip = seg->dst;
    pcb->local_port = seg->h.dport;
    pcb->remote_ip = seg->src;
    pcb->remote_port = seg->h.sport;
#if TERN_CFG_IPV6
    pcb->zone = seg->zone;
#endif
    pcb->snd_una = pcb->snd_nxt = pcb->snd_max = pcb->recover = tern_tcp_isn(s, pcb);
    take_syn(pcb, &seg->h);
    pcb->state = TERN_TCP_SYN_RCVD;
    pcb->ctx = l;
    pcb->flags |= TERN_TCPF_PASSIVE;
    l->pending++;
    tern_tcp_hash_insert(pcb);
    (void)tern_tcp_send_syn(pcb);
}

/* ---- SYN-SENT (RFC 9293 3.10.7.3) -------------------------------------------- */

static void syn_sent_input(tern_tcp_pcb *pcb, tcp_seg *seg) {
    tern_stack *s = pcb->stack;
    const tern_tcp_repr *h = &seg->h;
    /* From here on, an ACK is an acceptable one. */
    if ((h->flags & TERN_TCP_ACK) && !acks_new(pcb, h->ack)) {
        if (!(h->flags & TERN_TCP_RST))
            tern_tcp_send_rst_for(s, seg);
        return;
    }
    if (h->flags & TERN_TCP_RST) {
        if (h->flags & TERN_TCP_ACK) {
            TERN_STAT_INC(s, TCP_RST_RX);
            tern_tcp_free(pcb, TERN_ERR_REFUSED);
        }
        return;
    }
    if (!(h->flags & TERN_TCP_SYN))
        return;
    take_syn(pcb, h);
    if (!(h->flags & TERN_TCP_ACK)) {
        /* Simultaneous open: answer with SYN-ACK and wait (RFC 9293 3.5). */
        pcb->state = TERN_TCP_SYN_RCVD;
        (void)tern_tcp_send_syn(pcb); /* (it sets snd_nxt) */
        return;
    }
    /* (No data has gone out yet, so no segment is being timed: RTT_RUNNING is clear.) */
    if (!TCP_TS_ON(pcb) && pcb->nrtx == 0)
        tern_tcp_rtt_sample(pcb, s->now - (pcb->rto_due - pcb->rto));
    pcb->snd_una = h->ack;
    pcb->nrtx = 0;
    pcb->state = TERN_TCP_ESTABLISHED;
    tern_tcp_timer_clear(pcb, TCP_T_RTO);
    tern_tcp_heard(pcb);
    pcb->flags |= TERN_TCPF_ACK_NOW;
    app_connected(pcb);
    if (dead(pcb)) {
        tern_tcp_free(pcb, TERN_OK);
        return;
    }
    (void)tern_tcp_output(pcb);
}

/* ---- Synchronized states: the RFC 9293 steps --------------------------------- */

/* Step 1: is the segment acceptable (RFC 9293 3.10.7.4, table)? PAWS first. */
static enum step check_sequence(tern_tcp_pcb *pcb, tcp_seg *seg) {
    const tern_tcp_repr *h = &seg->h;
#if TERN_CFG_TCP_TIMESTAMPS
    if ((pcb->flags & TERN_TCPF_TS) && h->has_ts && !(h->flags & TERN_TCP_RST) &&
        SEQ_LT(h->tsval, pcb->ts_recent)) {
        TERN_STAT_INC(pcb->stack, TCP_DROP_PAWS);
        oow_ack(pcb);
        return DONE;
    }
#endif
    uint32_t wnd = tern_tcp_wnd_offered(pcb);
    /* Offsets from rcv_nxt: x lies in the window when x - rcv_nxt < wnd
     * (unsigned; the window is below 2^31). Acceptable: the first or the
     * last sequence number the segment occupies in the window; with the
     * window closed, one without data at exactly rcv_nxt (ACKs, a FIN). */
    uint32_t space = seg_space(seg);
    uint32_t seq = h->seq, d = seq - pcb->rcv_nxt;
    if (d < wnd || d + (space ? space - 1u : 0u) < wnd ||
        (d | seg->len | wnd) == 0) /* (branch-free "all 0") */
        return CONTINUE;
    TERN_STAT_INC(pcb->stack, TCP_DROP_SEQ);
    if (h->flags & TERN_TCP_RST)
        return DONE;
    /* With our window closed nothing is acceptable, "but special allowance
     * should be made to accept valid ACKs" (RFC 9293 3.10.7.4): the peer's
     * ACK may sit one past rcv_nxt after its zero-window probe. */
    bool closed_window_ack = (wnd | (d >> 1)) == 0; /* !wnd && d <= 1 */
    if (pcb->state == TERN_TCP_TIME_WAIT && (h->flags & TERN_TCP_FIN) && d + space == 0) {
        /* The peer's FIN again: our last ACK was lost. Acknowledge every
         * copy and restart the 2 MSL wait (RFC 9293 3.10.7.4, TIME-WAIT). */
        tern_tcp_send_ack(pcb);
        tern_tcp_timer_set(pcb, TCP_T_KEEP, 2u * TERN_CFG_TCP_MSL_MS);
        return DONE;
    }
    if ((int32_t)(d + space) <= 0 || closed_window_ack) { /* seq + space at or before rcv_nxt */
        /* A duplicate (BSD's "todrop" case): its data is old, but its ACK
         * may be news, e.g. when both sides went back after a timeout. A
         * duplicate with data is acknowledged at once (the sender learns
         * what we have); an empty one only within the rate limit. */
        seg->old = 1;
        if (seg->len)
            pcb->flags |= TERN_TCPF_ACK_NOW;
        else
            oow_ack(pcb);
        seg->len = 0;
        seg->h.flags &= (uint8_t)~TERN_TCP_FIN;
        return CONTINUE;
    }
    if (seg->len)
        tern_tcp_send_ack(pcb);
    else
        oow_ack(pcb);
    return DONE;
}

/* Step 2: RST. Exact sequence resets; anywhere else in the window challenges. */
static enum step check_rst(tern_tcp_pcb *pcb, tcp_seg *seg) {
    if (!(seg->h.flags & TERN_TCP_RST))
        return CONTINUE;
    TERN_STAT_INC(pcb->stack, TCP_RST_RX);
    if (seg->h.seq != pcb->rcv_nxt) {
        challenge_ack(pcb);
        return DONE;
    }
    /* A passive open that is reset just goes away (RFC 9293 3.10.7.4). */
    tern_tcp_free(pcb, (pcb->flags & TERN_TCPF_PASSIVE) ? TERN_OK : TERN_ERR_RESET);
    return DONE;
}

/* Step 4: a SYN in a synchronized state draws a challenge ACK (RFC 5961 4). */
static enum step check_syn(tern_tcp_pcb *pcb, tcp_seg *seg) {
    if (!(seg->h.flags & TERN_TCP_SYN))
        return CONTINUE;
    if (pcb->state == TERN_TCP_SYN_RCVD && seg->h.seq == pcb->rcv_nxt - 1u) { /* its SYN again */
        if (seg->h.flags & TERN_TCP_ACK) {
            /* Simultaneous open: the peer's SYN-ACK. Its SYN is the one we
             * have; its ACK completes the handshake (RFC 9293 figure 8). */
            seg->h.flags &= (uint8_t)~TERN_TCP_SYN;
            return CONTINUE;
        }
        (void)tern_tcp_send_syn(pcb); /* the peer lost our SYN-ACK */
        return DONE;
    }
    challenge_ack(pcb);
    return DONE;
}

/* SYN-RECEIVED -> ESTABLISHED, and the listener's accept callback. */
static enum step establish(tern_tcp_pcb *pcb, tcp_seg *seg) {
    tern_stack *s = pcb->stack;
    if (!acks_new(pcb, seg->h.ack)) {
        tern_tcp_send_rst_for(s, seg);
        return DONE;
    }
    pcb->state = TERN_TCP_ESTABLISHED;
    pcb->snd_una += 1u; /* our SYN */
    pcb->nrtx = 0;
    pcb->snd_wnd = tern_tcp_wnd_of((uint32_t)seg->h.wnd << TCP_SND_WSCALE(pcb));
    pcb->snd_wl1 = seg->h.seq;
    if (pcb->flags & TERN_TCPF_FIN_QUEUED)
        pcb->state = TERN_TCP_FIN_WAIT_1;
    tern_tcp_timer_clear(pcb, TCP_T_RTO);
    tern_tcp_listener *l = tern_tcp_listener_of(pcb);
    if (!l) { /* simultaneous open: ours */
        app_connected(pcb);
    } else {
        l->pending--;
        pcb->flags &= (uint16_t)~TERN_TCPF_PASSIVE;
        pcb->ctx = NULL;
        s->tcp.active = pcb;
        tern_err err = l->accept(l->ctx, l, pcb);
        s->tcp.active = NULL;
        if (err != TERN_OK && !dead(pcb))
            tern_tcp_abort(pcb);
    }
    if (dead(pcb) || !pcb->stack) {
        if (pcb->stack)
            tern_tcp_free(pcb, TERN_OK);
        return DONE;
    }
    return CONTINUE; /* (established_input calls tern_tcp_heard after the ACK) */
}

static void update_window(tern_tcp_pcb *pcb, const tern_tcp_repr *h) {
    if (pcb->flags & TERN_TCPF_PERSIST)
        pcb->nrtx = 0; /* the peer answers our probes: it is alive */
    /* RFC 9293 3.10.7.4: SND.WL1 < SEG.SEQ, or equal and SND.WL2 =< SEG.ACK.
     * The ACKs that reach here are at or past snd_una, which is at or past
     * the last SND.WL2, so that second test always holds and WL2 is not kept. */
    if (SEQ_LEQ(pcb->snd_wl1, h->seq)) {
        pcb->snd_wnd = tern_tcp_wnd_of((uint32_t)h->wnd << TCP_SND_WSCALE(pcb));
        pcb->snd_wl1 = h->seq;
        if (pcb->snd_wnd && (pcb->flags & TERN_TCPF_PERSIST)) {
            pcb->flags &= (uint16_t)~TERN_TCPF_PERSIST;
            pcb->persist_shift = 0;
            tern_tcp_timer_clear(pcb, TCP_T_RTO);
        }
    }
}

/* An echoed timestamp is the peer's word: only one from the past, and not
 * older than the longest RTO, can time anything (a forged one could push
 * the RTO to its ceiling otherwise). */
static bool tsecr_usable(const tern_stack *s, uint32_t tsecr) {
    return tsecr && SEQ_LEQ(tsecr - 1u, s->now) && s->now - (tsecr - 1u) <= TERN_CFG_TCP_RTO_MAX_MS;
}

static void rtt_from_ack(tern_tcp_pcb *pcb, const tern_tcp_repr *h) {
    tern_stack *s = pcb->stack;
    if (TCP_TS_ON(pcb) && h->has_ts && pcb->nrtx == 0) {
        if (tsecr_usable(s, h->tsecr))
            tern_tcp_rtt_sample(pcb, s->now - (h->tsecr - 1u)); /* we send ms + 1 */
    } else if ((pcb->flags & TERN_TCPF_RTT_RUNNING) && SEQ_GT(h->ack, pcb->rtt_seq)) {
        pcb->flags &= (uint16_t)~TERN_TCPF_RTT_RUNNING;
        tern_tcp_rtt_sample(pcb, (uint16_t)((uint16_t)s->now - pcb->rtt_start));
    }
}

/* New data acknowledged: free it, time it, grow the window, tell the app. */
static bool take_ack(tern_tcp_pcb *pcb, const tern_tcp_repr *h) {
    uint32_t acked = h->ack - pcb->snd_una;
    /* An ACK past the data covers our FIN: it can only have been sent (the
     * ACK is within snd_max), even if a timeout has since taken snd_nxt
     * back before it and cleared FIN_SENT until it goes out again. */
    bool fin_acked = (pcb->flags & TERN_TCPF_FIN_QUEUED) && acked > pcb->sndq_len;
    uint32_t data = acked < pcb->sndq_len ? acked : pcb->sndq_len; /* (less the FIN, when acked) */
    rtt_from_ack(pcb, h);
    tern_tcp_sndq_ack(pcb, data);
    pcb->snd_una = h->ack;
    if (SEQ_LT(pcb->snd_nxt, pcb->snd_una))
        pcb->snd_nxt = pcb->snd_una; /* after a go-back-N, an old segment got through */
    pcb->nrtx = 0;
    tern_tcp_cc_ack(pcb, acked);
    if (tern_tcp_flight(pcb))
        tern_tcp_arm_rto(pcb);
    else
        tern_tcp_timer_clear(pcb, TCP_T_RTO);
    if (data && pcb->cb && pcb->cb->sent) {
        pcb->stack->tcp.active = pcb;
        pcb->cb->sent(pcb->ctx, pcb, data);
        pcb->stack->tcp.active = NULL;
    }
    return fin_acked;
}

/* Our FIN was acknowledged: move the closing states on. */
static enum step fin_acked(tern_tcp_pcb *pcb) {
    switch (pcb->state) {
    case TERN_TCP_FIN_WAIT_1:
        pcb->state = TERN_TCP_FIN_WAIT_2;
        return CONTINUE;
    case TERN_TCP_CLOSING:
        tern_tcp_enter_time_wait(pcb);
        return DONE;
    case TERN_TCP_LAST_ACK:
        tern_tcp_free(pcb, TERN_OK);
        return DONE;
    default:
        return CONTINUE;
    }
}

/* Step 5: the ACK field. */
static enum step check_ack(tern_tcp_pcb *pcb, tcp_seg *seg) {
    const tern_tcp_repr *h = &seg->h;
    if (!(h->flags & TERN_TCP_ACK))
        return DONE;
    if (pcb->state == TERN_TCP_SYN_RCVD && establish(pcb, seg) == DONE)
        return DONE;
    if (SEQ_GT(h->ack, pcb->snd_max)) { /* acknowledges what we never sent */
        TERN_STAT_INC(pcb->stack, TCP_DROP_ACK);
        oow_ack(pcb);
        return DONE;
    }
    /* RFC 5961 5.2: an ACK far behind is dropped with a challenge ACK. */
    if (SEQ_LT(h->ack, pcb->snd_una - 0x40000000u)) {
        TERN_STAT_INC(pcb->stack, TCP_DROP_ACK);
        challenge_ack(pcb);
        return DONE;
    }
#if TERN_CFG_TCP_SACK
    tern_tcp_sack_update(pcb, h);
#endif
    if (SEQ_LT(h->ack, pcb->snd_una)) /* old: only its data and FIN count */
        return CONTINUE;
    uint32_t old_wnd = pcb->snd_wnd;
    update_window(pcb, h);
    if (h->ack != pcb->snd_una) { /* new data acknowledged */
        if (take_ack(pcb, h) && fin_acked(pcb) == DONE)
            return DONE;
        if (dead(pcb))
            return DONE;
    } else if (!seg->len && !seg->old && !(h->flags & TERN_TCP_FIN) && pcb->snd_wnd == old_wnd &&
               tern_tcp_flight(pcb)) {
        tern_tcp_cc_dupack(pcb);
    }
    return CONTINUE;
}

/* ---- Data and FIN ---------------------------------------------------------- */

/* An out-of-order segment keeps its TCP header: set (fin: TERN_TCP_FIN) or
 * clear (0) the FIN flag in it. */
TERN_NOINLINE static void set_fin(tern_pbuf *q, uint32_t fin) {
    uint8_t f;
    tern_pbuf_copy_out(q, 13, &f, 1);
    f = (uint8_t)((f & ~TERN_TCP_FIN) | fin);
    tern_pbuf_copy_in(q, 13, &f, 1);
}

/* What the kept header of an out-of-order segment says, read at once. */
typedef struct ooseq_hdr {
    uint32_t seq, end; /* its data: [seq, end) */
    uint32_t hlen;
    uint32_t fin; /* TERN_TCP_FIN or 0 */
} ooseq_hdr;

TERN_NOINLINE static void read_kept(const tern_pbuf *q, ooseq_hdr *k) {
    uint8_t b[10]; /* bytes 4-13: sequence number ... flags */
    tern_pbuf_copy_out(q, 4, b, sizeof b);
    k->seq = tern_rd32(b);
    k->hlen = (uint32_t)(b[8] >> 4) * 4u;
    k->end = k->seq + q->tot_len - k->hlen;
    k->fin = b[9] & TERN_TCP_FIN;
}

/* Hand in-order data to the application (it owns p from here). */
static void deliver(tern_tcp_pcb *pcb, tern_pbuf *p) {
    if (p->tot_len && !(pcb->flags & TERN_TCPF_RX_CLOSED) && pcb->cb && pcb->cb->recv) {
        pcb->rcv_pending = tern_tcp_wnd_of((uint32_t)pcb->rcv_pending + p->tot_len); /* within the window */
        app_recv(pcb, p);
        return;
    }
    tern_pbuf_free(pcb->stack, p); /* nobody takes it */
}

/* Data arriving right after a kept run joins it (its header stripped), so
 * the queue holds one entry per contiguous run (per hole, as SACK sees
 * them), however many segments a large window brings in behind a loss. */
static bool ooseq_extend(tern_tcp_pcb *pcb, tern_pbuf *run, const ooseq_hdr *rk, tern_pbuf *whole,
                         uint16_t hlen, uint16_t len, bool fin) {
    if (rk->fin || (uint32_t)run->tot_len + len > 0xFFFFu)
        return false;
    tern_pbuf *data = tern_pbuf_strip(pcb->stack, whole, hlen);
    if (data && tern_pbuf_cat(run, data) != TERN_OK)
        tern_pbuf_free(pcb->stack, data); /* cannot happen: the length was checked */
    if (fin)
        set_fin(run, TERN_TCP_FIN);
    return true;
}

/* Keep a segment that arrived ahead of a hole (its TCP header kept; fin:
 * its FIN flag). */
static void ooseq_insert(tern_tcp_pcb *pcb, tern_pbuf *whole, uint32_t seq, uint16_t hlen, uint16_t len,
                         bool fin) {
    if (!len) {
        tern_pbuf_free(pcb->stack, whole);
        return;
    }
    tern_pbuf **pp = &pcb->ooseq;
    for (; *pp; pp = &(*pp)->next_pkt) {
        ooseq_hdr k;
        read_kept(*pp, &k);
        if (k.seq == seq) { /* duplicate start: keep the one we have */
            tern_pbuf_free(pcb->stack, whole);
            return;
        }
        if (SEQ_GT(k.seq, seq))
            break;
        if (k.end == seq && ooseq_extend(pcb, *pp, &k, whole, hlen, len, fin)) {
#if TERN_CFG_TCP_SACK
            pcb->ooseq_recent = seq;
#endif
            return;
        }
    }
    if (pcb->ooseq_n >= TERN_CFG_TCP_OOSEQ_MAX) {
        TERN_STAT_INC(pcb->stack, TCP_DROP_OOSEQ);
        tern_pbuf_free(pcb->stack, whole);
        return;
    }
    whole->next_pkt = *pp;
    *pp = whole;
    pcb->ooseq_n++;
#if TERN_CFG_TCP_SACK
    pcb->ooseq_recent = seq;
#endif
}

/* Move what the hole's filling made contiguous from ooseq to the app.
 * Returns true if a FIN came out of the queue. */
static bool ooseq_drain(tern_tcp_pcb *pcb) {
    while (pcb->ooseq) {
        tern_pbuf *q = pcb->ooseq;
        ooseq_hdr k;
        read_kept(q, &k);
        if (SEQ_GT(k.seq, pcb->rcv_nxt))
            return false;
        pcb->ooseq = q->next_pkt;
        q->next_pkt = NULL;
        pcb->ooseq_n--;
        if (SEQ_LEQ(k.end, pcb->rcv_nxt) && !(k.fin && k.end == pcb->rcv_nxt)) {
            tern_pbuf_free(pcb->stack, q); /* entirely old */
            continue;
        }
        q = tern_pbuf_strip(pcb->stack, q, (uint16_t)(k.hlen + (pcb->rcv_nxt - k.seq)));
        pcb->rcv_nxt = k.end;
        deliver(pcb, q);
        if (k.fin)
            return true;
    }
    return false;
}

/* Schedule the ACK for in-order data: every second full segment at once,
 * otherwise after the delayed-ACK time (RFC 9293 3.8.6.3, RFC 5681 4.2).
 * A full segment carries the MSS less the options (timestamps), as ours do. */
static void ack_data(tern_tcp_pcb *pcb, uint16_t len) {
    uint16_t smss = tern_tcp_smss(pcb);
    /* A segment of two MSS or more (coalesced by the driver: GRO/LRO) is
     * already the second full segment. */
    if ((pcb->flags & TERN_TCPF_ACK_DELAY) || (uint32_t)len - smss >= smss /* not one full segment */ ||
        pcb->ooseq) {
        pcb->flags |= TERN_TCPF_ACK_NOW;
        return;
    }
    pcb->flags |= TERN_TCPF_ACK_DELAY;
    tern_tcp_timer_set(pcb, TCP_T_DELACK, TERN_CFG_TCP_DELACK_MS);
}

static bool receives_data(const tern_tcp_pcb *pcb) {
    return pcb->state == TERN_TCP_ESTABLISHED || pcb->state == TERN_TCP_FIN_WAIT_1 ||
           pcb->state == TERN_TCP_FIN_WAIT_2;
}

/* Step 7: segment text. Returns true when a FIN is now in order. */
static bool process_data(tern_tcp_pcb *pcb, tcp_seg *seg, tern_pbuf *whole) {
    uint32_t seq = seg->h.seq;
    bool fin = (seg->h.flags & TERN_TCP_FIN) != 0;
    uint16_t len = seg->len;
    if (!receives_data(pcb) || (!len && !fin)) {
        tern_pbuf_free(pcb->stack, whole);
        return false;
    }
    if ((pcb->flags & TERN_TCPF_CLOSED_BY_APP) && len) {
        /* Data for an application that closed: reset (RFC 9293 3.10.7.4 / RFC 2525). */
        tern_pbuf_free(pcb->stack, whole);
        tern_tcp_send_rst(pcb);
        pcb->flags |= TERN_TCPF_DEAD;
        return false;
    }
    /* In-order data is worth more than out-of-order data kept for later: the
     * pool's reserve gives way to it by dropping what waits behind holes. */
    if (len && tern_tcp_pool_free(pcb->stack) < TCP_POOL_RESERVE &&
        !(SEQ_LEQ(seq, pcb->rcv_nxt) && tern_tcp_reclaim(pcb->stack) &&
          tern_tcp_pool_free(pcb->stack) >= TCP_POOL_RESERVE)) {
        /* Keeping it would leave the pool without its reserve: drop the data
         * (its ACK field has been used); the peer sends it again. */
        TERN_STAT_INC(pcb->stack, TCP_DROP_NOMEM);
        tern_pbuf_free(pcb->stack, whole);
        return false;
    }
    if (SEQ_GT(seq, pcb->rcv_nxt)) {
        /* Out of order: keep only what lies inside the window offered. */
        uint32_t edge = pcb->rcv_nxt + tern_tcp_rcv_wnd(pcb);
        if (SEQ_GT(pcb->rcv_adv, edge))
            edge = pcb->rcv_adv;
        if (SEQ_GT(seq + len, edge)) {
            len = SEQ_GT(edge, seq) ? (uint16_t)(edge - seq) : 0;
            tern_pbuf_trim(pcb->stack, whole, (uint16_t)(seg->h.hlen + len));
            if (fin) /* the FIN lies beyond the window too: clear it in the kept header */
                set_fin(whole, 0);
            fin = false;
        }
        ooseq_insert(pcb, whole, seq, seg->h.hlen, len, fin);
        pcb->flags |= TERN_TCPF_ACK_NOW; /* a duplicate ACK tells the sender */
        return false;
    }
    /* Trim what we already have, and what lies beyond the window. */
    uint32_t skip = pcb->rcv_nxt - seq;
    if (skip > len)
        skip = len;
    tern_pbuf *p = tern_pbuf_strip(pcb->stack, whole, (uint16_t)(seg->h.hlen + skip));
    len = (uint16_t)(len - skip);
    uint32_t wnd = tern_tcp_rcv_wnd(pcb);
    if (len > wnd) {
        tern_pbuf_trim(pcb->stack, p, (uint16_t)wnd);
        len = (uint16_t)wnd;
        fin = false;
    }
    pcb->rcv_nxt += len;
    bool filled_hole = pcb->ooseq != NULL;
    deliver(pcb, p);
    if (dead(pcb))
        return false;
    if (!fin && filled_hole)
        fin = ooseq_drain(pcb);
    if (len || filled_hole)
        ack_data(pcb, filled_hole ? 0 : len);
    return fin;
}

/* Step 8: FIN. */
static void process_fin(tern_tcp_pcb *pcb) {
    pcb->rcv_nxt += 1u;
    pcb->flags |= TERN_TCPF_ACK_NOW;
    /* ESTABLISHED -> CLOSE-WAIT, FIN-WAIT-1 -> CLOSING (our FIN is not
     * acknowledged yet): both three states on. */
    _Static_assert(TERN_TCP_CLOSE_WAIT == TERN_TCP_ESTABLISHED + 3 &&
                       TERN_TCP_CLOSING == TERN_TCP_FIN_WAIT_1 + 3 &&
                       TERN_TCP_FIN_WAIT_1 == TERN_TCP_ESTABLISHED + 1,
                   "tcp state order");
    if ((unsigned)pcb->state - TERN_TCP_ESTABLISHED < 2u) {
        pcb->state = (uint8_t)(pcb->state + 3u);
    } else if (pcb->state == TERN_TCP_FIN_WAIT_2) {
        tern_tcp_send_ack(pcb);
        tern_tcp_enter_time_wait(pcb);
    }
    if (!(pcb->flags & TERN_TCPF_RX_CLOSED))
        app_recv(pcb, NULL);
}

static void established_input(tern_tcp_pcb *pcb, tcp_seg *seg, tern_pbuf *whole) {
    tern_stack *s = pcb->stack; /* a step may free pcb */
    if (check_sequence(pcb, seg) == DONE || check_rst(pcb, seg) == DONE || check_syn(pcb, seg) == DONE ||
        check_ack(pcb, seg) == DONE || dead(pcb)) {
        tern_pbuf_free(s, whole);
        return;
    }
#if TERN_CFG_TCP_TIMESTAMPS
    if ((pcb->flags & TERN_TCPF_TS) && seg->h.has_ts && SEQ_LEQ(seg->h.seq, pcb->rcv_nxt))
        pcb->ts_recent = seg->h.tsval;
#endif
    tern_tcp_heard(pcb);
    if (process_data(pcb, seg, whole) && !dead(pcb))
        process_fin(pcb);
}

/* ---- Entry ------------------------------------------------------------------ */

/* A SYN for a 4-tuple in TIME-WAIT may open a new incarnation when it is
 * newer than the old one: a newer timestamp when both used them (RFC 6191),
 * else a sequence number beyond the old rcv_nxt (RFC 9293 3.10.7.4 note,
 * BSD and Linux behave so). */
static bool time_wait_reusable(const tern_tcp_pcb *pcb, const tcp_seg *seg) {
    if (pcb->state != TERN_TCP_TIME_WAIT ||
        (seg->h.flags & (TERN_TCP_SYN | TERN_TCP_ACK | TERN_TCP_RST | TERN_TCP_FIN)) != TERN_TCP_SYN)
        return false;
#if TERN_CFG_TCP_TIMESTAMPS
    if ((pcb->flags & TERN_TCPF_TS) && seg->h.has_ts)
        return SEQ_GT(seg->h.tsval, pcb->ts_recent);
#endif
    return SEQ_GT(seg->h.seq, pcb->rcv_nxt);
}

/* Segments that match no connection (or a TIME-WAIT one being reopened). */
static void no_connection(tern_stack *s, tcp_seg *seg) {
    tern_tcp_listener *l = tern_tcp_find_listener(s, &seg->dst, seg->h.dport);
    if (l) {
        listen_input(l, seg);
    } else {
        TERN_STAT_INC(s, TCP_DROP_NOPORT);
        tern_tcp_send_rst_for(s, seg);
    }
}

/* Validate and parse p; pseudo is its pseudo-header sum (either family). */
static bool parse(tern_stack *s, const tern_netif *nif, tern_pbuf *p, uint32_t pseudo, tcp_seg *seg) {
    uint8_t scratch[TERN_WIRE_TCP_MAX_HLEN];
    /* Checksum first: a corrupted segment is counted as such, not as
     * whatever its damaged header looks like. */
    if (p->tot_len >= TERN_WIRE_TCP_HLEN && !(nif->offload & TERN_OFFLOAD_RX_TCP) &&
        !(p->flags & TERN_PBUF_F_CSUM_OK) && !tern_csum_ok(tern_csum_pbuf(p, 0, p->tot_len, pseudo))) {
        TERN_STAT_INC(s, TCP_DROP_CHECKSUM);
        return false;
    }
    uint16_t avail = p->tot_len < sizeof scratch ? p->tot_len : (uint16_t)sizeof scratch;
    const uint8_t *b = tern_pbuf_view(p, 0, avail, scratch);
    enum tern_tcp_parse_result r = b ? tern_tcp_parse(b, avail, p->tot_len, &seg->h) : TERN_TCP_PARSE_SHORT;
    if (r != TERN_TCP_PARSE_OK) {
        if (r == TERN_TCP_PARSE_SHORT)
            TERN_STAT_INC(s, TCP_DROP_SHORT);
        else if (r == TERN_TCP_PARSE_HLEN)
            TERN_STAT_INC(s, TCP_DROP_HLEN);
        else
            TERN_STAT_INC(s, TCP_DROP_OPTIONS);
        return false;
    }
    return true; /* (segment_input checks the flags and ports) */
}

/* A parsed segment (seg: header, addresses) with its payload p: to its
 * connection, a listener, or a reset. Consumes p. Out of line: its steps
 * then reach seg through a register, where Thumb has short loads, not
 * through the stack pointer, where it has none for bytes and halfwords. */
TERN_NOINLINE static void segment_input(tern_stack *s, tern_pbuf *p, tcp_seg *seg);

#if TERN_CFG_IPV4
void tern_tcp_input(tern_netif *nif, tern_pbuf *p, const tern_ipv4_repr *ip) {
    tern_stack *s = nif->stack;
    tcp_seg seg;
    TERN_STAT_INC(s, TCP_RX);
    if (!parse(s, nif, p, tern_csum_pseudo4(ip->src, ip->dst, TERN_IP_PROTO_TCP, p->tot_len), &seg)) {
        tern_pbuf_free(s, p);
        return;
    }
    seg.src = tcp_ip_from_v4(ip->src);
    seg.dst = tcp_ip_from_v4(ip->dst);
#if TERN_CFG_IPV6
    seg.zone = 0;
#endif
    segment_input(s, p, &seg);
}
#endif

#if TERN_CFG_IPV6
void tern_tcp_input6(tern_netif *nif, tern_pbuf *p, const tern_ipv6_repr *ip) {
    tern_stack *s = nif->stack;
    tcp_seg seg;
    TERN_STAT_INC(s, TCP_RX);
    seg.src = tcp_ip_from_v6(ip->src);
    seg.dst = tcp_ip_from_v6(ip->dst);
    /* Never to a group (RFC 9293 3.9.1: no multicast), nor from "::"; and no
     * IPv4-mapped address on the wire (RFC 4291 2.5.5.2): those name IPv4
     * connections here. */
    if ((p->flags & TERN_PBUF_F_IP_GROUP) || tern_ipv6_is_multicast(ip->dst) ||
        tern_ipv6_is_unspecified(ip->src) || tcp_ip_is_v4(&seg.src) || tcp_ip_is_v4(&seg.dst)) {
        TERN_STAT_INC(s, TCP_DROP_ADDR);
        tern_pbuf_free(s, p);
        return;
    }
    if (!parse(s, nif, p, tern_csum_pseudo6(ip->src, ip->dst, TERN_IP_PROTO_TCP, p->tot_len), &seg)) {
        tern_pbuf_free(s, p);
        return;
    }
    seg.zone = tern_ipv6_is_linklocal(ip->src) ? nif->index : 0;
    segment_input(s, p, &seg);
}
#endif

TERN_NOINLINE static void segment_input(tern_stack *s, tern_pbuf *p, tcp_seg *seg) {
    uint32_t f = seg->h.flags;
    if (((f & TERN_TCP_SYN) && (f & (TERN_TCP_FIN | TERN_TCP_RST))) || (p->flags & TERN_PBUF_F_IP_GROUP) ||
        !seg->h.sport || !seg->h.dport) {
        TERN_STAT_INC(s, TCP_DROP_FLAGS);
        tern_pbuf_free(s, p);
        return;
    }
    seg->len = (uint16_t)(p->tot_len - seg->h.hlen);
    seg->old = 0;
    tern_tcp_pcb *pcb = tern_tcp_lookup(s, &seg->dst, seg->h.dport, &seg->src, seg->h.sport);
    if (pcb && time_wait_reusable(pcb, seg) && tern_tcp_find_listener(s, &seg->dst, seg->h.dport)) {
        tern_tcp_free(pcb, TERN_OK);
        pcb = NULL;
    }
#if TERN_CFG_TCP_SYNCOOKIES
    if (!pcb && (seg->h.flags & (TERN_TCP_ACK | TERN_TCP_SYN | TERN_TCP_RST)) == TERN_TCP_ACK) {
        tern_tcp_listener *l = tern_tcp_find_listener(s, &seg->dst, seg->h.dport);
        pcb = l ? tern_tcp_cookie_accept(l, seg) : NULL; /* then its ACK completes it below */
    }
#endif
    if (!pcb) {
        no_connection(s, seg);
        tern_pbuf_free(s, p);
        return;
    }
    if (pcb->state == TERN_TCP_SYN_SENT) {
        syn_sent_input(pcb, seg);
        tern_pbuf_free(s, p);
        return;
    }
    established_input(pcb, seg, p);
    if (!pcb->stack)
        return;
    if (dead(pcb)) {
        tern_tcp_free(pcb, TERN_OK);
        return;
    }
    (void)tern_tcp_output(pcb);
}

/* A smaller MSS for pcb; with resend, go back and send the unacknowledged
 * data again at once in segments of the new size. */
static void lower_mss(tern_tcp_pcb *pcb, uint16_t mss, bool resend) {
    if (mss >= pcb->mss)
        return;
    pcb->mss = mss;
    if (!resend || pcb->state == TERN_TCP_SYN_SENT || pcb->state == TERN_TCP_SYN_RCVD)
        return;
    tern_tcp_go_back(pcb);
}

void tern_tcp_icmp_error(tern_stack *s, const tern_icmp_error *e) {
    tern_tcp_ip lip, rip;
#if TERN_CFG_IPV6
    bool v6 = e->family == TERN_AF_INET6;
    lip = v6 ? tcp_ip_from_v6(e->src6) : tcp_ip_from_v4(e->src);
    rip = v6 ? tcp_ip_from_v6(e->dst6) : tcp_ip_from_v4(e->dst);
#else
    lip = e->src, rip = e->dst;
#endif
    tern_tcp_pcb *pcb = tern_tcp_lookup(s, &lip, e->sport, &rip, e->dport);
    /* The quoted segment must be one we have in flight (RFC 5927 4.1):
     * a blind attacker must not shrink our segments. (snd_una <= seq <
     * snd_max as one unsigned compare: snd_max - snd_una < 2^31.) */
    if (!pcb || e->seq - pcb->snd_una >= pcb->snd_max - pcb->snd_una)
        return;
#if TERN_CFG_IPV6
    if (v6) {
        /* The destination cache has the new path MTU (RFC 8201 5.2): every
         * connection to it follows (tern_tcp_pmtu_lowered); this one resends. */
        if (e->type == TERN_ICMP6_PACKET_TOO_BIG)
            lower_mss(pcb, tern_tcp_mss_for(s, &rip, TCP_ZONE(pcb), pcb->mss), true);
        return;
    }
#endif
    if (e->type == TERN_ICMP_DEST_UNREACH && e->code == TERN_ICMP_UNREACH_NEEDFRAG && e->mtu >= 68u + 40u)
        lower_mss(pcb, (uint16_t)(e->mtu - 40u), true); /* RFC 1191: a smaller path MTU lowers the MSS */
    /* Other errors are soft (RFC 1122 4.2.3.9): the retransmission timer decides. */
}

#if TERN_CFG_IPV6
void tern_tcp_pmtu_lowered(tern_stack *s, const uint8_t dst[16]) {
    for (uint32_t i = 0; i < s->tcp.used_hi; i++) {
        tern_tcp_pcb *pcb = &s->tcp.pcbs[i];
        if (pcb->stack && pcb->state != TERN_TCP_CLOSED && memcmp(pcb->remote_ip.b, dst, 16) == 0)
            lower_mss(pcb, tern_tcp_mss_for(s, &pcb->remote_ip, pcb->zone, pcb->mss), false);
    }
}
#endif

#endif
