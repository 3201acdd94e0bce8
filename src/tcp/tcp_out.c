/* TCP output: segments cut from the send buffer, ACKs, resets. */
#include <string.h>

#include "core/chksum.h"
#include "tcp/tcp_priv.h"
#include "wire/wire.h"

#if TERN_CFG_TCP

static bool syn_unacked(const tern_tcp_pcb *pcb) {
    return pcb->state == TERN_TCP_SYN_SENT || pcb->state == TERN_TCP_SYN_RCVD;
}

/* Sequence number of the first byte of the send buffer. */
static uint32_t data_seq0(const tern_tcp_pcb *pcb) {
    return pcb->snd_una + (syn_unacked(pcb) ? 1u : 0u);
}

uint32_t tern_tcp_unsent(const tern_tcp_pcb *pcb) {
    uint32_t off = pcb->snd_nxt - data_seq0(pcb);
    if (syn_unacked(pcb) && pcb->snd_nxt == pcb->snd_una)
        off = 0;
    return off < pcb->sndq_len ? pcb->sndq_len - off : 0;
}

uint32_t tern_tcp_rcv_wnd(const tern_tcp_pcb *pcb) {
    uint32_t size = tern_tcp_rcv_buf(pcb);
    return pcb->rcv_pending >= size ? 0 : size - pcb->rcv_pending;
}

uint32_t tern_tcp_wnd_offered(const tern_tcp_pcb *pcb) {
    uint32_t wnd = tern_tcp_rcv_wnd(pcb);
    if (SEQ_GT(pcb->rcv_adv, pcb->rcv_nxt) && pcb->rcv_adv - pcb->rcv_nxt > wnd)
        wnd = pcb->rcv_adv - pcb->rcv_nxt;
    return wnd;
}

/* The window field to send, never moving the advertised right edge back. */
static uint16_t window_field(tern_tcp_pcb *pcb, bool syn) {
    uint32_t avail = tern_tcp_wnd_offered(pcb);
    uint8_t shift = syn ? 0 : (uint8_t)TCP_RCV_WSCALE(pcb);
    uint32_t field = avail >> shift;
    /* (Without window scaling no window passes 64 KB: config.h asserts the
     * window and buffer sizes, and the advertised edge is at most one such
     * window ahead.) */
    if (TERN_CFG_TCP_WSCALE && field > 0xFFFFu)
        field = 0xFFFFu;
    uint32_t edge = pcb->rcv_nxt + (field << shift);
    if (SEQ_GT(edge, pcb->rcv_adv))
        pcb->rcv_adv = edge;
    return (uint16_t)field;
}

#if TERN_CFG_TCP_WSCALE
static uint8_t our_wscale(void) {
    uint8_t shift = 0;
    while (shift < 14 && (TERN_CFG_TCP_BUF_MAX >> shift) > 0xFFFFu)
        shift++;
    return shift;
}
#endif

#if TERN_CFG_TCP_SACK
/* The data range [*start, *end) of an out-of-order segment (header kept). */
static void ooseq_range(const tern_pbuf *q, uint32_t *start, uint32_t *end) {
    uint8_t h[13];
    tern_pbuf_copy_out(q, 0, h, sizeof h);
    *start = tern_rd32(h + 4);
    *end = *start + q->tot_len - (uint32_t)((h[12] >> 4) * 4u);
}

/* SACK blocks for what waits beyond the hole (RFC 2018 4): contiguous runs of
 * the out-of-order queue, the one holding the latest arrival first. */
static void sack_blocks(const tern_tcp_pcb *pcb, tern_tcp_opts *o) {
    uint32_t runs[TERN_TCP_MAX_SACK][2];
#if TERN_CFG_TCP_TIMESTAMPS
    unsigned max = o->has_ts ? 3u : 4u;
#else
    unsigned max = 4u;
#endif
    unsigned n = 0, first = 0;
    for (const tern_pbuf *q = pcb->ooseq; q; q = q->next_pkt) {
        uint32_t s, e;
        ooseq_range(q, &s, &e);
        if (n && SEQ_LEQ(s, runs[n - 1][1])) {
            if (SEQ_GT(e, runs[n - 1][1]))
                runs[n - 1][1] = e;
        } else if (n < TERN_TCP_MAX_SACK) {
            runs[n][0] = s, runs[n][1] = e;
            n++;
        }
    }
    for (unsigned i = 0; i < n; i++)
        if (SEQ_GEQ(pcb->ooseq_recent, runs[i][0]) && SEQ_LT(pcb->ooseq_recent, runs[i][1]))
            first = i;
    o->sack[0][0] = runs[first][0], o->sack[0][1] = runs[first][1];
    o->nsack = 1;
    for (unsigned i = 0; i < n && o->nsack < max; i++) {
        if (i == first)
            continue;
        o->sack[o->nsack][0] = runs[i][0], o->sack[o->nsack][1] = runs[i][1];
        o->nsack++;
    }
}
#endif

static void fill_options(tern_tcp_pcb *pcb, uint8_t flags, uint16_t len, tern_tcp_opts *o) {
    *o = (tern_tcp_opts){0};
#if TERN_CFG_TCP_WSCALE
    o->wscale = TERN_TCP_NO_WSCALE;
#endif
    if (flags & TERN_TCP_SYN) {
        o->mss = tern_tcp_mss_for(pcb->stack, &pcb->remote_ip, TCP_ZONE(pcb), 0);
        bool offer = pcb->state == TERN_TCP_SYN_SENT;
        (void)offer; /* (no option to offer in a minimal build) */
#if TERN_CFG_TCP_WSCALE
        if (offer || (pcb->flags & TERN_TCPF_WSCALE)) {
            pcb->rcv_wscale = our_wscale();
            o->wscale = pcb->rcv_wscale;
        }
#endif
#if TERN_CFG_TCP_TIMESTAMPS
        if (offer || TCP_TS_ON(pcb))
            o->has_ts = 1;
#endif
#if TERN_CFG_TCP_SACK
        o->sack_ok = offer || (pcb->flags & TERN_TCPF_SACK);
#endif
    }
#if TERN_CFG_TCP_TIMESTAMPS
    else if (TCP_TS_ON(pcb)) {
        o->has_ts = 1;
    }
    if (o->has_ts) {
        o->tsval = pcb->stack->now + 1u; /* our timestamp clock: ms + 1, never the "no echo" 0 */
        o->tsecr = pcb->ts_recent;
    }
#endif
#if TERN_CFG_TCP_SACK
    /* On data-less ACKs only: the blocks then never push a full segment
     * past the MSS. Duplicate ACKs, the ones that matter, carry no data. */
    if (!len && !(flags & (TERN_TCP_SYN | TERN_TCP_RST)) && (pcb->flags & TERN_TCPF_SACK) && pcb->ooseq)
        sack_blocks(pcb, o);
#else
    (void)len;
#endif
}

/* Copy n bytes of the send buffer, starting off bytes after its first
 * unacknowledged byte, into p at dst_off. With large buffers (window
 * scaling) the walk starts where the previous segment was cut, not at the
 * head of the buffer, so sending a window is linear in its size. */
static void sndq_copy(tern_tcp_pcb *pcb, uint32_t off, tern_pbuf *p, uint32_t dst_off, uint32_t n) {
    off += pcb->sndq_off;
    tern_pbuf *q = tern_tcp_sndq_head(pcb);
#if TERN_CFG_TCP_WSCALE
    uint32_t head_seq = data_seq0(pcb) - pcb->sndq_off, qseq = head_seq;
    if (pcb->sndq_cur && SEQ_GEQ(pcb->sndq_cur_seq, head_seq) && SEQ_GEQ(head_seq + off, pcb->sndq_cur_seq)) {
        q = pcb->sndq_cur;
        qseq = pcb->sndq_cur_seq;
        off = head_seq + off - qseq;
    }
#endif
#if TERN_CFG_TCP_WSCALE
    for (; q && n; qseq += q->len, q = tern_tcp_sndq_next(pcb, q)) {
#else
    for (; q && n; q = tern_tcp_sndq_next(pcb, q)) {
#endif
        if (off >= q->len) {
            off -= q->len;
            continue;
        }
        uint32_t k = q->len - off < n ? q->len - off : n;
        tern_pbuf_copy_in(p, (uint16_t)dst_off, q->payload + off, (uint16_t)k);
        dst_off += k;
        n -= k;
        off = 0;
#if TERN_CFG_TCP_WSCALE
        pcb->sndq_cur = q;
        pcb->sndq_cur_seq = qseq;
#endif
    }
}

/* The interface toward the peer when it takes TCP offloads, else NULL. */
static const tern_netif *offload_nif(const tern_tcp_pcb *pcb) {
#if TERN_CFG_NETIF_OFFLOAD
    bool any = false; /* most stacks have none: then no route lookup per segment */
    for (const tern_netif *nif = pcb->stack->netifs; nif && !any; nif = nif->next)
        any = (nif->offload & TERN_OFFLOAD_TX_TCP) != 0;
    if (!any)
        return NULL;
#if TERN_CFG_IPV4
    tern_ipv4_hop hop;
    if (tcp_ip_is_v4(&pcb->remote_ip) &&
        tern_ipv4_route_lookup(pcb->stack, tern_tcp_ip_v4(&pcb->remote_ip), &hop) == TERN_OK &&
        (hop.nif->offload & TERN_OFFLOAD_TX_TCP))
        return hop.nif;
#endif
#else
    (void)pcb;
#endif
    return NULL;
}

/* The most payload one segment may carry: the MSS, or with TSO a whole
 * number of MSS-sized pieces up to what the driver takes. */
static uint32_t max_segment(const tern_tcp_pcb *pcb) {
    uint32_t smss = tern_tcp_smss(pcb);
#if TERN_CFG_NETIF_OFFLOAD
    const tern_netif *nif = offload_nif(pcb);
    if (nif && nif->gso_max > smss)
        return nif->gso_max / smss * smss;
#endif
    return smss;
}

/* The pseudo-header sum of a segment from src to dst, len bytes (RFC 9293 3.1, RFC 8200 8.1). */
static uint32_t pseudo(const tern_tcp_ip *src, const tern_tcp_ip *dst, uint16_t len) {
#if TERN_CFG_IPV6
    if (!tcp_ip_is_v4(dst))
        return tern_csum_pseudo6(src->b, dst->b, TERN_IP_PROTO_TCP, len);
#endif
#if TERN_CFG_IPV4
    return tern_csum_pseudo4(tern_tcp_ip_v4(src), tern_tcp_ip_v4(dst), TERN_IP_PROTO_TCP, len);
#else
    return 0; /* not reached: every address is an IPv6 one */
#endif
}

/* Send p (TCP header first) from src to dst by the IP of their family,
 * with its checksum filled in unless the interface computes it (csum
 * false: the field is left 0). */
TERN_NOINLINE static tern_err ip_output(tern_stack *s, tern_pbuf *p, const tern_tcp_ip *src,
                                        const tern_tcp_ip *dst, bool csum, uint8_t zone, uint8_t ttl,
                                        uint8_t tos) {
    if (csum) {
        uint32_t acc = pseudo(src, dst, p->tot_len);
        tern_csum_store(p->payload + 16, tern_csum_finish(tern_csum_pbuf(p, 0, p->tot_len, acc)));
    }
    TERN_STAT_INC(s, TCP_TX);
#if TERN_CFG_IPV6
    if (!tcp_ip_is_v4(dst)) {
        tern_ipv6_tx tx = {.proto = TERN_IP_PROTO_TCP, .hop_limit = ttl, .tclass = tos};
        tx.dst = tern_addr_ipv6(dst->b, zone);
        memcpy(tx.src, src->b, 16);
        return tern_ipv6_output(s, p, &tx);
    }
#endif
    (void)zone;
#if TERN_CFG_IPV4
    tern_ipv4_tx tx = {.src = tern_tcp_ip_v4(src), .dst = tern_tcp_ip_v4(dst), .proto = TERN_IP_PROTO_TCP};
    tx.ttl = ttl;
    tx.tos = tos;
    return tern_ipv4_output(s, p, &tx);
#else
    (void)src, (void)ttl, (void)tos;
    tern_pbuf_free(s, p); /* not reached: every address is an IPv6 one */
    return TERN_ERR_NOTSUP;
#endif
}

tern_err tern_tcp_send_data(tern_tcp_pcb *pcb, uint32_t seq, uint16_t len, uint8_t flags) {
    tern_stack *s = pcb->stack;
    tern_tcp_opts o;
    fill_options(pcb, flags, len, &o);
    uint8_t hlen = (uint8_t)(TERN_WIRE_TCP_HLEN + tern_tcp_opts_len(&o));
    tern_pbuf *p = tern_pbuf_alloc(s, (uint16_t)(TERN_PBUF_TRANSPORT_HEADROOM - 8 + hlen), len);
    if (!p) {
        TERN_STAT_INC(s, TCP_DROP_NOMEM);
        return TERN_ERR_NOMEM;
    }
    if (len)
        sndq_copy(pcb, seq - data_seq0(pcb), p, 0, len);
    (void)tern_pbuf_push(p, hlen);
    bool syn = (flags & TERN_TCP_SYN) != 0;
    if (pcb->state != TERN_TCP_SYN_SENT || !syn)
        flags |= TERN_TCP_ACK;
    uint32_t ack = (flags & TERN_TCP_ACK) ? pcb->rcv_nxt : 0;
    tern_tcp_emit(p->payload, pcb->local_port, pcb->remote_port, seq, ack, flags, window_field(pcb, syn), &o);
#if TERN_CFG_NETIF_OFFLOAD
    if (len > tern_tcp_smss(pcb))
        p->gso_size = tern_tcp_smss(pcb);
#endif
    pcb->flags &= (uint16_t) ~(TERN_TCPF_ACK_NOW | TERN_TCPF_ACK_DELAY);
    pcb->tmask &= (uint8_t)~TCP_T_DELACK;
    bool csum = !TERN_CFG_NETIF_OFFLOAD || !offload_nif(pcb);
#if TERN_CFG_TCP_IP_OPTS
    return ip_output(s, p, &pcb->local_ip, &pcb->remote_ip, csum, TCP_ZONE(pcb), pcb->ip_ttl, pcb->ip_tos);
#else
    return ip_output(s, p, &pcb->local_ip, &pcb->remote_ip, csum, TCP_ZONE(pcb), 0, 0);
#endif
}

/* A pure ACK carries the highest sequence number sent: after a timeout sent
 * us back, snd_nxt may lie before what the peer already has, and an ACK
 * from there would look like an old duplicate to it. */
void tern_tcp_send_ack(tern_tcp_pcb *pcb) {
    (void)tern_tcp_send_data(pcb, pcb->snd_max, 0, TERN_TCP_ACK);
}

/* (From snd_una, the ISS, whatever snd_nxt was: it is set here.) */
tern_err tern_tcp_send_syn(tern_tcp_pcb *pcb) {
    tern_err err = tern_tcp_send_data(pcb, pcb->snd_una, 0, TERN_TCP_SYN); /* snd_una is still the ISS */
    /* (Only in SYN-SENT and SYN-RECEIVED, where nothing but the SYN is
     * ever sent: it is also the highest sequence number sent.) */
    pcb->snd_nxt = pcb->snd_max = pcb->snd_una + 1u;
    tern_tcp_timer_set(pcb, TCP_T_RTO, pcb->rto);
    return err == TERN_ERR_NOMEM ? TERN_OK : err; /* lost SYNs are retransmitted */
}

void tern_tcp_send_rst(tern_tcp_pcb *pcb) {
    TERN_STAT_INC(pcb->stack, TCP_RST_TX);
    (void)tern_tcp_send_data(pcb, pcb->snd_nxt, 0, TERN_TCP_RST | TERN_TCP_ACK);
}

/* RFC 9293 3.10.7.1: a reset for a segment that matches no connection. */
#if TERN_CFG_TCP_SYNCOOKIES
#define STATELESS_LINKAGE
#else
#define STATELESS_LINKAGE static /* resets only: inlined into their one call */
#endif
STATELESS_LINKAGE void tern_tcp_send_stateless(tern_stack *s, const tcp_seg *seg, uint32_t seq, uint32_t ack,
                                               uint8_t flags, uint16_t mss) {
    tern_tcp_opts o = {.mss = mss};
#if TERN_CFG_TCP_WSCALE
    o.wscale = TERN_TCP_NO_WSCALE;
#endif
    uint8_t hlen = (uint8_t)(TERN_WIRE_TCP_HLEN + tern_tcp_opts_len(&o));
    tern_pbuf *p = tern_pbuf_alloc(s, TERN_PBUF_TRANSPORT_HEADROOM - 8, hlen);
    if (!p)
        return;
    uint16_t wnd = TERN_CFG_TCP_WND > 0xFFFFu ? 0xFFFFu : (uint16_t)TERN_CFG_TCP_WND;
    tern_tcp_emit(p->payload, seg->h.dport, seg->h.sport, seq, ack, flags, (flags & TERN_TCP_RST) ? 0 : wnd,
                  &o);
    (void)ip_output(s, p, &seg->dst, &seg->src, true, TCP_ZONE(seg), 0, 0);
}

void tern_tcp_send_rst_for(tern_stack *s, const tcp_seg *seg) {
    if (seg->h.flags & TERN_TCP_RST)
        return;
    TERN_STAT_INC(s, TCP_RST_TX);
    uint32_t seq = 0, ack = seg->h.seq + seg->len + ((seg->h.flags & TERN_TCP_SYN) ? 1u : 0u) +
                            ((seg->h.flags & TERN_TCP_FIN) ? 1u : 0u);
    unsigned flags = TERN_TCP_RST | TERN_TCP_ACK;
    if (seg->h.flags & TERN_TCP_ACK) /* from its ACK field, acknowledging nothing */
        seq = seg->h.ack, ack = 0, flags = TERN_TCP_RST;
    tern_tcp_send_stateless(s, seg, seq, ack, (uint8_t)flags, 0);
}

/* Unlink the first pbuf of the send buffer. */
static tern_pbuf *sndq_pop(tern_tcp_pcb *pcb) {
    tern_pbuf *tail = pcb->sndq_tail, *q = tail->next_pkt;
    if (q == tail)
        pcb->sndq_tail = NULL;
    else
        tail->next_pkt = q->next_pkt;
    q->next_pkt = NULL;
    pcb->sndq_off = 0;
#if TERN_CFG_TCP_WSCALE
    if (pcb->sndq_cur == q)
        pcb->sndq_cur = NULL;
#endif
    return q;
}

void tern_tcp_sndq_ack(tern_tcp_pcb *pcb, uint32_t n) {
    pcb->sndq_len = (tern_tcp_wnd)(pcb->sndq_len - n);
    while (n && pcb->sndq_tail) {
        uint32_t left = (uint32_t)tern_tcp_sndq_head(pcb)->len - pcb->sndq_off;
        if (n < left) {
            pcb->sndq_off = (uint16_t)(pcb->sndq_off + n);
            return;
        }
        n -= left;
        tern_pbuf_free(pcb->stack, sndq_pop(pcb)); /* runs the write_ref completion */
    }
}

void tern_tcp_sndq_free(tern_tcp_pcb *pcb) {
    tern_tcp_sndq_ack(pcb, UINT32_MAX); /* more than any buffer holds: every pbuf goes */
    pcb->sndq_len = 0;
}

static bool may_send_data(const tern_tcp_pcb *pcb) {
    return pcb->state == TERN_TCP_ESTABLISHED || pcb->state == TERN_TCP_CLOSE_WAIT ||
           pcb->state == TERN_TCP_FIN_WAIT_1 || pcb->state == TERN_TCP_LAST_ACK ||
           pcb->state == TERN_TCP_CLOSING;
}

/* How much of the unsent data may go out now (windows, Nagle, SWS). */
static uint16_t sendable(const tern_tcp_pcb *pcb, uint32_t unsent) {
    uint16_t smss = tern_tcp_smss(pcb);
    uint32_t cwnd = pcb->cwnd;
    /* Limited transmit (RFC 3042): the first two duplicate ACKs each let one
     * new segment out, so a small window still draws the third. */
    if (pcb->dupacks && pcb->dupacks < 3u && !(pcb->flags & TERN_TCPF_RECOVERY))
        cwnd += (uint32_t)pcb->dupacks * smss;
    uint32_t wnd = pcb->snd_wnd < cwnd ? pcb->snd_wnd : cwnd;
    uint32_t flight = tern_tcp_flight(pcb);
    uint32_t room = wnd > flight ? wnd - flight : 0;
    uint32_t max = TERN_CFG_NETIF_OFFLOAD ? max_segment(pcb) : smss;
    uint32_t n = unsent < max ? unsent : max;
    if (n > room)
        n = room;
    if (!n)
        return 0;
    /* With data in flight, a small segment waits: for more window while
     * more data waits (sender SWS avoidance), and for the ACK (Nagle, RFC
     * 9293 3.7.4: one small segment in flight at a time) unless Nagle is
     * off or it is the last before our FIN. */
    if (n < smss && flight && (n != unsent || !(pcb->flags & (TERN_TCPF_NODELAY | TERN_TCPF_FIN_QUEUED))))
        return 0;
    return (uint16_t)n;
}

static void start_rtt(tern_tcp_pcb *pcb, uint32_t seq) {
    if (!TCP_TS_ON(pcb) && !(pcb->flags & TERN_TCPF_RTT_RUNNING)) {
        pcb->flags |= TERN_TCPF_RTT_RUNNING;
        pcb->rtt_seq = seq;
        pcb->rtt_start = (uint16_t)pcb->stack->now;
    }
}

/* Send one segment of new data (maybe carrying the FIN); false when nothing may go. */
static bool send_next(tern_tcp_pcb *pcb) {
    uint32_t unsent = tern_tcp_unsent(pcb);
    bool fin_due = (pcb->flags & TERN_TCPF_FIN_QUEUED) && !(pcb->flags & TERN_TCPF_FIN_SENT);
    uint16_t n = unsent ? sendable(pcb, unsent) : 0;
    if (!n && !(fin_due && !unsent))
        return false;
    uint8_t flags = TERN_TCP_ACK;
    if (n && n == unsent)
        flags |= TERN_TCP_PSH;
    if (fin_due && n == unsent) {
        flags |= TERN_TCP_FIN;
        pcb->flags |= TERN_TCPF_FIN_SENT;
    }
    uint32_t seq = pcb->snd_nxt;
    if (tern_tcp_send_data(pcb, seq, n, flags) == TERN_ERR_NOMEM) {
        pcb->flags &= (uint16_t)~TERN_TCPF_FIN_SENT;
        return false;
    }
    start_rtt(pcb, seq);
    pcb->snd_nxt += n + ((flags & TERN_TCP_FIN) ? 1u : 0u);
    if (SEQ_GT(pcb->snd_nxt, pcb->snd_max))
        pcb->snd_max = pcb->snd_nxt;
    if (!(pcb->tmask & TCP_T_RTO) || (pcb->flags & TERN_TCPF_PERSIST)) {
        pcb->flags &= (uint16_t)~TERN_TCPF_PERSIST;
        tern_tcp_arm_rto(pcb);
    }
    return true;
}

void tern_tcp_go_back(tern_tcp_pcb *pcb) {
    pcb->snd_nxt = pcb->snd_una;
    pcb->flags &= (uint16_t)~TERN_TCPF_FIN_SENT;
    (void)tern_tcp_output(pcb);
}

tern_err tern_tcp_output(tern_tcp_pcb *pcb) {
    if (!pcb || !pcb->stack)
        return TERN_ERR_INVAL;
    if (may_send_data(pcb)) {
        unsigned budget = 64; /* segments per call: input keeps flowing */
        while (budget-- && send_next(pcb))
            ;
        /* A closed window with data waiting and nothing in flight: probe it. */
        if (!pcb->snd_wnd && tern_tcp_unsent(pcb) && !tern_tcp_flight(pcb) && !(pcb->tmask & TCP_T_RTO))
            tern_tcp_persist_start(pcb);
    }
    if ((pcb->flags & TERN_TCPF_ACK_NOW) && pcb->state != TERN_TCP_SYN_SENT && pcb->state != TERN_TCP_CLOSED)
        tern_tcp_send_ack(pcb);
    return TERN_OK;
}

#endif
