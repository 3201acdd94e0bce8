/*
 * SYN cookies (RFC 4987 3.6). When a listener's backlog (or the connection
 * pool) is full, the SYN-ACK's sequence number carries the state instead of
 * a connection block:
 *   bits 31..27  a time counter (65.5 s periods, mod 32)
 *   bits 26..24  an index into a table of MSS values
 *   bits 23..0   a keyed hash of the 4-tuple, the peer's ISN, time and MSS
 * The ACK that returns cookie + 1 from the same peer within two periods
 * rebuilds the connection. Options other than the MSS are not remembered.
 */
#include "tcp/tcp_priv.h"

#if TERN_CFG_TCP_SYNCOOKIES

static const uint16_t cookie_mss[8] = {536, 1024, 1200, 1300, 1360, 1400, 1440, 1460};

static uint32_t period(const tern_stack *s) {
    return (s->now >> 16) & 0x1Fu;
}

static uint32_t cookie_hash(const tern_stack *s, const tcp_seg *seg, uint32_t peer_isn, uint32_t t,
                            uint32_t idx) {
    uint32_t m[9]; /* both whole addresses (16 bytes each with IPv6), then the ports */
    unsigned n = tern_tcp_ip_words(&seg->src, m);
    n += tern_tcp_ip_words(&seg->dst, m + n);
    m[0] ^= peer_isn;
    m[n - 1u] ^= t << 3 | idx;
    m[n++] = (uint32_t)seg->h.sport << 16 | seg->h.dport;
    return tern_tcp_hash(s, m, n) & 0x00FFFFFFu;
}

void tern_tcp_cookie_reply(tern_stack *s, const tcp_seg *seg) {
    uint16_t mss = tern_tcp_mss_for(s, &seg->src, TCP_ZONE(seg), seg->h.mss ? seg->h.mss : 536u);
    uint32_t idx = 7;
    while (idx && cookie_mss[idx] > mss)
        idx--;
    uint32_t t = period(s);
    uint32_t cookie = t << 27 | idx << 24 | cookie_hash(s, seg, seg->h.seq, t, idx);
    TERN_STAT_INC(s, TCP_SYNCOOKIE_TX);
    tern_tcp_send_stateless(s, seg, cookie, seg->h.seq + 1u, TERN_TCP_SYN | TERN_TCP_ACK, cookie_mss[idx]);
}

tern_tcp_pcb *tern_tcp_cookie_accept(tern_tcp_listener *l, const tcp_seg *seg) {
    tern_stack *s = l->stack;
    uint32_t cookie = seg->h.ack - 1u, peer_isn = seg->h.seq - 1u;
    uint32_t t = cookie >> 27, idx = (cookie >> 24) & 7u;
    if (((period(s) - t) & 0x1Fu) > 1u || (cookie & 0x00FFFFFFu) != cookie_hash(s, seg, peer_isn, t, idx)) {
        TERN_STAT_INC(s, TCP_SYNCOOKIE_BAD);
        return NULL;
    }
    tern_tcp_pcb *pcb = tern_tcp_alloc(s);
    if (!pcb) {
        TERN_STAT_INC(s, TCP_DROP_NOMEM);
        return NULL;
    }
    TERN_STAT_INC(s, TCP_SYNCOOKIE_OK);
    pcb->local_ip = seg->dst;
    pcb->local_port = seg->h.dport;
    pcb->remote_ip = seg->src;
    pcb->remote_port = seg->h.sport;
#if TERN_CFG_IPV6
    pcb->zone = seg->zone;
#endif
    pcb->rcv_nxt = pcb->rcv_adv = seg->h.seq; /* the peer's ISN + 1 */
    pcb->snd_una = pcb->recover = cookie;
    pcb->snd_nxt = pcb->snd_max = cookie + 1u;
    pcb->snd_wl1 = seg->h.seq;
    pcb->mss = cookie_mss[idx];
    tern_tcp_cc_init(pcb);
    pcb->state = TERN_TCP_SYN_RCVD;
    pcb->ctx = l;
    pcb->flags |= TERN_TCPF_PASSIVE;
    l->pending++;
    tern_tcp_hash_insert(pcb);
    return pcb;
}

#endif
