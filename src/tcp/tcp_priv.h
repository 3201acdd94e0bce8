/*
 * TCP internals, split by role as BSD and lwIP do:
 *   tcp.c        connection table, lookup, ISNs, the application API
 *   tcp_in.c     segment arrival, step by step as RFC 9293 3.10.7 reads
 *   tcp_out.c    building and sending segments, the send buffer
 *   tcp_timer.c  retransmission, persist, delayed ACK, keepalive, TIME-WAIT
 *   tcp_cc.c     congestion control: slow start, fast retransmit and recovery
 *   tcp_cc_newreno.c, tcp_cc_cubic.c   window growth and reduction (one of them)
 *
 * The send buffer is a list of pbufs holding the unacknowledged and unsent
 * byte stream; segments are cut from it when sent and again when
 * retransmitted, so there is no separate retransmission queue.
 */
#ifndef TERN_TCP_PRIV_H
#define TERN_TCP_PRIV_H

#include <string.h>

#include "core/core.h"
#include "ipv4/ipv4_priv.h"
#include "ipv6/ipv6_priv.h"
#include "tern/tcp.h"
#include "wire/tcp.h"

#define SEQ_LT(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
#define SEQ_LEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)
#define SEQ_GT(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) > 0)
#define SEQ_GEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) >= 0)

/* Timer bits (pcb->tmask). */
#define TCP_T_RTO 0x01u /* retransmission, or persist when TERN_TCPF_PERSIST */
#define TCP_T_DELACK 0x02u
#define TCP_T_KEEP 0x04u       /* keepalive, or the 2 MSL wait in TIME-WAIT */
#define TCP_T_POLL 0x08u       /* the application's poll callback */
#define TCP_T_TLP 0x10u        /* the RTO timer runs as a tail loss probe timer (RFC 8985 7) */
#define TCP_POLL_MAX_MS 32767u /* poll deadlines are 16-bit */
#define TCP_RTT_MAX_MS 8191u   /* RTT samples are clamped here: srtt x 8 fits 16 bits */

/* ---- Addresses of either family (tern_tcp_ip, see tern/tcp.h) ---- */

static inline bool tcp_ip_eq(const tern_tcp_ip *a, const tern_tcp_ip *b) {
#if TERN_CFG_IPV6
    return memcmp(a->b, b->b, 16) == 0;
#else
    return *a == *b;
#endif
}

#if TERN_CFG_IPV6
/* (tcp.c: out of line, they are used everywhere) */
bool tern_tcp_ip_is_v4(const tern_tcp_ip *a);
bool tern_tcp_ip_is_any(const tern_tcp_ip *a);
void tern_tcp_ip_set_v4(tern_tcp_ip *a, uint32_t v4);
#endif

/* Does a hold an IPv4 address (IPv4-mapped)? */
static inline bool tcp_ip_is_v4(const tern_tcp_ip *a) {
#if TERN_CFG_IPV6
    return tern_tcp_ip_is_v4(a);
#else
    (void)a;
    return true;
#endif
}

/* The unspecified address: "::" or IPv4 0.0.0.0 (mapped). */
static inline bool tcp_ip_is_any(const tern_tcp_ip *a) {
#if TERN_CFG_IPV6
    return tern_tcp_ip_is_any(a);
#else
    return *a == 0;
#endif
}

static inline tern_tcp_ip tcp_ip_from_v4(uint32_t v4) {
#if TERN_CFG_IPV6
    tern_tcp_ip a;
    tern_tcp_ip_set_v4(&a, v4);
    return a;
#else
    return v4;
#endif
}

#if TERN_CFG_IPV6
static inline tern_tcp_ip tcp_ip_from_v6(const uint8_t b[16]) {
    tern_tcp_ip a;
    memcpy(a.b, b, 16);
    return a;
}
#define TCP_ZONE(x) ((x)->zone)
#else
#define TCP_ZONE(x) 0u
#endif

/* The 32-bit words of a into m (1 for IPv4-only builds, else 4); returns the count. */
static inline unsigned tern_tcp_ip_words(const tern_tcp_ip *a, uint32_t *m) {
#if TERN_CFG_IPV6
    for (unsigned i = 0; i < 4; i++)
        m[i] = (uint32_t)a->b[4 * i] << 24 | (uint32_t)a->b[4 * i + 1] << 16 |
               (uint32_t)a->b[4 * i + 2] << 8 | a->b[4 * i + 3];
    return 4;
#else
    m[0] = *a;
    return 1;
#endif
}

/* A received segment, parsed. */
typedef struct tcp_seg {
    tern_tcp_repr h;
    tern_pbuf *p; /* the payload (header stripped), may be empty */
    uint16_t len; /* payload bytes */
    uint16_t
        old; /* entirely before rcv_nxt: only its ACK field counts (16 bits: in reach of a short store) */
    tern_tcp_ip src, dst; /* addresses */
#if TERN_CFG_IPV6
    uint8_t zone; /* the arrival interface when the source is link-local, else 0 */
#endif
} tcp_seg;

/* tcp.c */
tern_tcp_pcb *tern_tcp_lookup(tern_stack *s, const tern_tcp_ip *lip, uint16_t lport, const tern_tcp_ip *rip,
                              uint16_t rport);
/* The listener for a segment to lip:lport (the most specific one), or NULL. */
tern_tcp_listener *tern_tcp_find_listener(tern_stack *s, const tern_tcp_ip *lip, uint16_t lport);
tern_tcp_pcb *tern_tcp_alloc(tern_stack *s);
void tern_tcp_hash_insert(tern_tcp_pcb *pcb);
/* Remove and free pcb; report err to the application if it still listens. */
void tern_tcp_free(tern_tcp_pcb *pcb, tern_err err);
uint32_t tern_tcp_isn(tern_stack *s, const tern_tcp_pcb *pcb);
/* The keyed hash (HalfSipHash-2-4, per-boot secret) of n words behind ISNs and cookies. */
uint32_t tern_tcp_hash(const tern_stack *s, const uint32_t *m, unsigned n);
/* The MSS toward remote_ip: with peer_mss 0, the one to advertise (from the
 * interface MTU); else the send MSS, also bounded by peer_mss and the path
 * MTU (IPv6 destination cache). */
uint16_t tern_tcp_mss_for(tern_stack *s, const tern_tcp_ip *remote_ip, uint8_t zone, uint16_t peer_mss);

/* tcp_out.c */
tern_err tern_tcp_send_syn(tern_tcp_pcb *pcb);
void tern_tcp_send_ack(tern_tcp_pcb *pcb);
tern_err tern_tcp_send_data(tern_tcp_pcb *pcb, uint32_t seq, uint16_t len, uint8_t flags);
/* A reset in answer to seg (no connection). */
void tern_tcp_send_rst_for(tern_stack *s, const tcp_seg *seg);
/* A segment in answer to seg without a connection (RST, cookie SYN-ACK). */
#if TERN_CFG_TCP_SYNCOOKIES /* (else only resets use it: tcp_out.c keeps it to itself) */
void tern_tcp_send_stateless(tern_stack *s, const tcp_seg *seg, uint32_t seq, uint32_t ack, uint8_t flags,
                             uint16_t mss);
#endif

/* tcp_sack.c: the sender's use of the peer's SACK blocks (RFC 6675, simplified) */
#if TERN_CFG_TCP_SACK
void tern_tcp_sack_update(tern_tcp_pcb *pcb, const tern_tcp_repr *h);
void tern_tcp_sack_clear(tern_tcp_pcb *pcb);
/* The first hole (not acknowledged, not SACKed) at or after from, below the
 * highest SACKed byte: true with its start and length (at most one segment). */
bool tern_tcp_sack_next_hole(const tern_tcp_pcb *pcb, uint32_t from, uint32_t *seq, uint16_t *len);
#endif

/* tcp_syncookie.c */
#if TERN_CFG_TCP_SYNCOOKIES
/* Answer a SYN for a full listener with a cookie SYN-ACK. */
void tern_tcp_cookie_reply(tern_stack *s, const tcp_seg *seg);
/* An ACK for a listener: if it returns a valid cookie, a connection in
 * SYN-RECEIVED rebuilt from it (its ACK then completes it); else NULL. */
tern_tcp_pcb *tern_tcp_cookie_accept(tern_tcp_listener *l, const tcp_seg *seg);
#endif
void tern_tcp_send_rst(tern_tcp_pcb *pcb);
uint32_t tern_tcp_rcv_wnd(const tern_tcp_pcb *pcb);
/* The receive window from rcv_nxt: what we can take now, or what was
 * advertised already if that is more (the right edge never moves back). */
uint32_t tern_tcp_wnd_offered(const tern_tcp_pcb *pcb);
/* Drop n acknowledged bytes from the send buffer. */
void tern_tcp_sndq_ack(tern_tcp_pcb *pcb, uint32_t n);
void tern_tcp_sndq_free(tern_tcp_pcb *pcb);
/* Go back to the first unacknowledged byte and send from there again. */
void tern_tcp_go_back(tern_tcp_pcb *pcb);
/* Bytes of the send buffer not yet sent. */
uint32_t tern_tcp_unsent(const tern_tcp_pcb *pcb);

/* tcp_timer.c */
void tern_tcp_timer_init(tern_stack *s);
void tern_tcp_timer_set(tern_tcp_pcb *pcb, uint8_t which, uint32_t delay_ms);
/* Disarming leaves the stack's timer alone: it finds nothing due and
 * re-arms for what is left. (Inline: a bit cleared in place.) */
static inline void tern_tcp_timer_clear(tern_tcp_pcb *pcb, unsigned which) {
    if (TERN_CFG_TCP_SACK && (which & TCP_T_RTO)) /* (only SACK arms tail loss probes) */
        which |= TCP_T_TLP;
    pcb->tmask &= (uint8_t)~which;
}
void tern_tcp_rtt_sample(tern_tcp_pcb *pcb, uint32_t rtt_ms);
/* Data is in flight: start the retransmission timer (or, with SACK and an
 * RTT estimate, the shorter tail loss probe timer in front of it). */
void tern_tcp_arm_rto(tern_tcp_pcb *pcb);
void tern_tcp_enter_time_wait(tern_tcp_pcb *pcb);
/* The window is closed with data waiting: start zero-window probing. */
void tern_tcp_persist_start(tern_tcp_pcb *pcb);
/* Keepalive/idle bookkeeping after any segment from the peer. */
void tern_tcp_heard(tern_tcp_pcb *pcb);

/* tcp_cc.c */
void tern_tcp_cc_ack(tern_tcp_pcb *pcb, uint32_t acked);
void tern_tcp_cc_dupack(tern_tcp_pcb *pcb);
void tern_tcp_cc_timeout(tern_tcp_pcb *pcb);

/* The congestion-control algorithm (tcp_cc_newreno.c or tcp_cc_cubic.c,
 * one compiled in by TERN_CFG_TCP_CC). */
#if TERN_CFG_TCP_CC == TERN_TCP_CC_CUBIC
void tern_tcp_cc_algo_init(tern_tcp_pcb *pcb);
#else
static inline void tern_tcp_cc_algo_init(tern_tcp_pcb *pcb) {
    (void)pcb;
}
#endif
/* Congestion avoidance (cwnd >= ssthresh): acked new bytes arrived. */
void tern_tcp_cc_avoid(tern_tcp_pcb *pcb, uint32_t acked);
/* A loss (third duplicate ACK or a timeout): the new ssthresh. */
uint32_t tern_tcp_cc_loss(tern_tcp_pcb *pcb);

/* tcp_in.c */
void tern_tcp_input(tern_netif *nif, tern_pbuf *p, const tern_ipv4_repr *ip);
void tern_tcp_icmp_error(tern_stack *s, const tern_icmp_error *e);
/* (tern_tcp_input6 and tern_tcp_pmtu_lowered: ipv6/ipv6_priv.h) */

/* Timestamps in use on pcb: constant false when they are compiled out (the
 * flag is then never set), so the tests of it cost nothing. */
#define TCP_TS_ON(pcb) (TERN_CFG_TCP_TIMESTAMPS && ((pcb)->flags & TERN_TCPF_TS))

/* Payload bytes per full segment: the MSS less the options every segment
 * carries (RFC 6691). */
static inline uint16_t tern_tcp_smss(const tern_tcp_pcb *pcb) {
    return (uint16_t)(pcb->mss - (TCP_TS_ON(pcb) ? 12u : 0u));
}

/* Packet buffers TCP never keeps for itself (send buffer, received data):
 * with the pool shared by receiving and sending, data held on both sides
 * could otherwise take every buffer, and the ACK that would free some could
 * not be received, nor the segment that would draw it sent. (Buffer sizes
 * set per connection are also clamped to half the pool: tcp.c.) */
#define TCP_POOL_RESERVE 2u

static inline uint32_t tern_tcp_pool_free(const tern_stack *s) {
    return (uint32_t)(s->pbuf_pool.count - s->pbuf_pool.used);
}

/* A window-sized value, saturated to what tern_tcp_wnd holds. */
static inline tern_tcp_wnd tern_tcp_wnd_of(uint32_t v) {
    return (tern_tcp_wnd)(v > TERN_TCP_WND_MAX ? TERN_TCP_WND_MAX : v);
}

/* The send buffer is a ring of pbufs (next_pkt) held by its last one: the
 * first is sndq_tail->next_pkt, so appending at the end and releasing at
 * the front both take one pointer and no walk. */
static inline tern_pbuf *tern_tcp_sndq_head(const tern_tcp_pcb *pcb) {
    return pcb->sndq_tail ? pcb->sndq_tail->next_pkt : NULL;
}

static inline tern_pbuf *tern_tcp_sndq_next(const tern_tcp_pcb *pcb, const tern_pbuf *q) {
    return q == pcb->sndq_tail ? NULL : q->next_pkt;
}

/* The listener of a passive open still in SYN-RECEIVED, else NULL. It
 * waits where the application's context goes, as there is none yet. */
static inline tern_tcp_listener *tern_tcp_listener_of(const tern_tcp_pcb *pcb) {
    return (pcb->flags & TERN_TCPF_PASSIVE) ? (tern_tcp_listener *)pcb->ctx : NULL;
}

/* Window scale shifts (0 without TERN_CFG_TCP_WSCALE). */
#if TERN_CFG_TCP_WSCALE
#define TCP_SND_WSCALE(pcb) ((pcb)->snd_wscale)
#define TCP_RCV_WSCALE(pcb) ((pcb)->rcv_wscale)
#else
#define TCP_SND_WSCALE(pcb) 0u
#define TCP_RCV_WSCALE(pcb) 0u
#endif

/* This connection's receive window and send buffer sizes. */
static inline uint32_t tern_tcp_rcv_buf(const tern_tcp_pcb *pcb) {
#if TERN_CFG_TCP_BUF_PER_CONN
    return pcb->rcv_buf;
#else
    (void)pcb;
    return TERN_CFG_TCP_WND;
#endif
}

static inline uint32_t tern_tcp_snd_buf(const tern_tcp_pcb *pcb) {
#if TERN_CFG_TCP_BUF_PER_CONN
    return pcb->snd_buf;
#else
    (void)pcb;
    return TERN_CFG_TCP_SND_BUF;
#endif
}

static inline uint32_t tern_tcp_flight(const tern_tcp_pcb *pcb) {
    return pcb->snd_nxt - pcb->snd_una;
}

/* tcp_cc.c's part of a new connection, inline (two callers, a few stores):
 * the initial window (RFC 6928), no ssthresh yet, the algorithm's state. */
static inline void tern_tcp_cc_init(tern_tcp_pcb *pcb) {
    pcb->cwnd = tern_tcp_wnd_of((uint32_t)TERN_CFG_TCP_INIT_CWND * pcb->mss);
    pcb->ssthresh = TERN_TCP_WND_MAX;
    tern_tcp_cc_algo_init(pcb);
}

#endif
