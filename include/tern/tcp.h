/*
 * TCP (RFC 9293) with a zero-copy callback API.
 *
 *   tern_tcp_listen(s, NULL, 7, 4, on_accept, ctx);       // a listener
 *   on_accept(ctx, l, pcb): tern_tcp_set_callbacks(pcb, &cbs, ctx2);
 *   cbs.recv(ctx2, pcb, p): the application owns p (NULL = end of stream),
 *                           and calls tern_tcp_recved(pcb, n) as it consumes
 *                           data, which reopens the window;
 *   tern_tcp_write(pcb, data, len): copies into the send buffer;
 *   tern_tcp_write_ref(pcb, data, len, done, ctx): references caller memory,
 *                           done(ctx, data) runs once the peer acknowledged it;
 *   tern_tcp_close(pcb): the stack frees pcb when the close completes, and
 *                        calls no callback of it after this returns.
 * After a reset, timeout or abort the err callback runs and the pcb is gone.
 */
#ifndef TERN_TCP_H
#define TERN_TCP_H

#include <stdbool.h>
#include <stdint.h>

#include "tern/addr.h"
#include "tern/config.h"
#include "tern/err.h"
#include "tern/pbuf.h"
#include "tern/timer.h"

struct tern_stack;
typedef struct tern_tcp_pcb tern_tcp_pcb;
typedef struct tern_tcp_listener tern_tcp_listener;

enum tern_tcp_state {
    TERN_TCP_CLOSED,
    TERN_TCP_LISTEN,
    TERN_TCP_SYN_SENT,
    TERN_TCP_SYN_RCVD,
    TERN_TCP_ESTABLISHED,
    TERN_TCP_FIN_WAIT_1,
    TERN_TCP_FIN_WAIT_2,
    TERN_TCP_CLOSE_WAIT,
    TERN_TCP_CLOSING,
    TERN_TCP_LAST_ACK,
    TERN_TCP_TIME_WAIT,
};

typedef struct tern_tcp_callbacks {
    /* Data arrived (p owned by the application), or p == NULL: the peer closed. */
    void (*recv)(void *ctx, tern_tcp_pcb *pcb, tern_pbuf *p);
    /* len more bytes were acknowledged: send-buffer space is free again. */
    void (*sent)(void *ctx, tern_tcp_pcb *pcb, uint32_t len);
    /* An active open completed (TERN_OK) or failed; on failure pcb is gone. */
    void (*connected)(void *ctx, tern_tcp_pcb *pcb, tern_err err);
    /* The connection is gone and pcb with it: it died (reset, timeout), or,
     * with TERN_OK, it finished closing after the application shut its
     * sending side down without tern_tcp_close (LAST_ACK acknowledged,
     * TIME-WAIT over). Not called once the application has closed pcb. */
    void (*err)(void *ctx, struct tern_stack *s, tern_err err);
    /* Periodic call while tern_tcp_set_poll() asks for it (retry work that
     * failed for lack of memory, idle timeouts, ...). */
    void (*poll)(void *ctx, tern_tcp_pcb *pcb);
} tern_tcp_callbacks;

/* A new connection on a listener: return TERN_OK to keep it (set its
 * callbacks here); anything else resets it. */
typedef tern_err (*tern_tcp_accept_fn)(void *ctx, tern_tcp_listener *l, tern_tcp_pcb *pcb);

/* Per-connection flags (pcb->flags). */
#define TERN_TCPF_NODELAY 0x0001u    /* Nagle off */
#define TERN_TCPF_ACK_NOW 0x0002u    /* send an ACK at the next output */
#define TERN_TCPF_ACK_DELAY 0x0004u  /* an ACK is owed (delayed-ACK timer runs) */
#define TERN_TCPF_FIN_QUEUED 0x0008u /* the application closed its side */
#define TERN_TCPF_FIN_SENT 0x0010u
#define TERN_TCPF_RX_CLOSED 0x0020u /* the application does not want more data */
#define TERN_TCPF_WSCALE 0x0040u    /* window scaling in use */
#define TERN_TCPF_TS 0x0080u        /* timestamps in use */
#define TERN_TCPF_KEEPALIVE 0x0100u
#define TERN_TCPF_RECOVERY 0x0200u      /* in fast recovery (NewReno) */
#define TERN_TCPF_CLOSED_BY_APP 0x0400u /* freed when the close completes */
#define TERN_TCPF_PERSIST 0x0800u       /* zero window: probing */
#define TERN_TCPF_RTT_RUNNING 0x1000u   /* timing one segment (no timestamps) */
#define TERN_TCPF_DEAD 0x2000u          /* aborted inside a callback: freed when input returns */
#define TERN_TCPF_SACK 0x4000u          /* the peer takes SACK blocks (RFC 2018) */
#define TERN_TCPF_PASSIVE 0x8000u       /* SYN_RCVD from a listener: ctx holds the listener until accepted */

/* A connection endpoint's address. With IPv6 compiled in: 16 bytes in
 * network order, an IPv4 address in its IPv4-mapped form (::ffff:a.b.c.d,
 * RFC 4291 2.5.5.2), so one compare and one hash serve both families and
 * "::" is the unspecified address of either. IPv4 only: the host-order
 * value, as before (no byte more). */
#if TERN_CFG_IPV6
typedef struct tern_tcp_ip {
    uint8_t b[16];
} tern_tcp_ip;
#else
typedef uint32_t tern_tcp_ip;
#endif

/* The IPv4 address (host order) in a, or 0 when a is IPv6. */
#if TERN_CFG_IPV6
uint32_t tern_tcp_ip_v4(const tern_tcp_ip *a);
#else
static inline uint32_t tern_tcp_ip_v4(const tern_tcp_ip *a) {
    return *a;
}
#endif

/* a as a tern_addr (an IPv4-mapped one as IPv4); zone: the interface of a
 * link-local IPv6 address (a connection's pcb->zone), else ignored. */
tern_addr tern_tcp_ip_addr(const tern_tcp_ip *a, uint8_t zone);

/* Window-sized quantities (windows, buffers, cwnd): 16 bits when no window
 * can pass 64 KB (no window scaling), else 32. */
#if TERN_CFG_TCP_WSCALE
typedef uint32_t tern_tcp_wnd;
#define TERN_TCP_WND_MAX 0x7FFFFFFFu
#else
typedef uint16_t tern_tcp_wnd;
#define TERN_TCP_WND_MAX 0xFFFFu
#endif

struct tern_tcp_pcb {
    /* Ordered for small code: the fields used most come first, bytes
     * within 32 bytes of the start, halfwords within 64 and words within
     * 128, where a Thumb load or store of them is one 16-bit instruction. */
    tern_tcp_pcb *next; /* lookup bucket chain */
    struct tern_stack *stack;
    const tern_tcp_callbacks *cb;
    void *ctx; /* the application's; the listener while TERN_TCPF_PASSIVE */
    uint16_t flags;
    uint8_t state;
    uint8_t tmask; /* armed timers */
    uint8_t nrtx;  /* retransmissions of the current segment, or unanswered probes */
    uint8_t dupacks;
    uint8_t ooseq_n;
    uint8_t persist_shift; /* zero-window probe backoff: interval = rto << shift (0..16) */
    uint8_t keep_cnt, keep_sent;
#if TERN_CFG_TCP_WSCALE
    uint8_t snd_wscale, rcv_wscale;
#endif
#if TERN_CFG_IPV6
    uint8_t zone; /* interface index of a link-local peer, else 0 */
#endif
    uint16_t mss;                     /* send MSS */
    uint16_t sndq_off;                /* bytes of the first send-buffer pbuf already acked */
    uint16_t rto;                     /* ms */
    uint16_t srtt, rttvar;            /* ms, scaled by 8 and 4 (RFC 6298 in fixed point; RTTs up to 8 s) */
    uint16_t rtt_start;               /* when the timed segment left (low 16 bits of the ms clock) */
    uint16_t oow_ack_at;              /* last ACK sent for an unacceptable empty segment (low 16 bits) */
    uint16_t local_port, remote_port; /* (every lookup and segment: kept near) */
    uint16_t poll_ms;                 /* poll callback interval, 0 = off */
    uint16_t poll_at;                 /* next poll, low 16 bits of the ms clock */
    tern_tcp_wnd snd_wnd;             /* window from the peer (scaled), last updated by seq snd_wl1 */
    tern_tcp_wnd rcv_pending;         /* delivered, not yet consumed by the application */
    tern_tcp_wnd sndq_len;            /* bytes in the send buffer */
    tern_tcp_wnd cwnd, ssthresh;
    uint32_t snd_una, snd_nxt,
        snd_max;               /* snd_max: highest sequence sent (snd_una = ISS until the SYN is acked) */
    uint32_t rcv_nxt, rcv_adv; /* rcv_adv: right edge advertised */
    uint32_t snd_wl1;
    uint32_t recover;
    uint32_t rtt_seq;           /* RTT sample in flight (no timestamps): its sequence number */
    uint32_t rto_due, keep_due; /* deadlines (when armed; delayed ACKs share the stack's) */
    tern_pbuf *sndq_tail; /* send buffer (unacked then unsent bytes): a next_pkt ring held by its last pbuf */
    tern_pbuf *ooseq;     /* out-of-order segments, TCP header kept, by sequence */
    uint16_t keep_idle_s, keep_intvl_s; /* keepalive timing, seconds */
    tern_tcp_ip local_ip, remote_ip;
#if TERN_CFG_TCP_TIMESTAMPS
    uint32_t ts_recent; /* the peer's timestamp to echo (RFC 7323 4.3) */
#endif
#if TERN_CFG_TCP_SACK
    uint32_t ooseq_recent; /* start of the latest out-of-order segment (first SACK block) */
    uint32_t high_rxt;     /* loss recovery: retransmitted up to here (RFC 6675 HighRxt) */
    uint32_t rxt_mark;     /* snd_max when the last hole was retransmitted */
    uint32_t sacked[TERN_CFG_TCP_SACK_BLOCKS]
                   [2]; /* scoreboard: ranges the peer holds beyond snd_una, sorted */
    uint8_t nsacked;
#endif
#if TERN_CFG_TCP_BUF_PER_CONN
    uint32_t rcv_buf, snd_buf; /* this connection's receive window and send buffer */
#endif
#if TERN_CFG_TCP_IP_OPTS
    uint8_t ip_ttl, ip_tos; /* 0 TTL: the default */
#endif
#if TERN_CFG_TCP_WSCALE
    tern_pbuf *sndq_cur;   /* large send buffers: the pbuf the last segment was cut from ... */
    uint32_t sndq_cur_seq; /* ... and the sequence number of its first byte */
#endif
#if TERN_CFG_TCP_CC == TERN_TCP_CC_CUBIC
    uint32_t cubic_wmax;   /* W_max: the window before the last reduction */
    uint32_t cubic_origin; /* the window the cubic curve levels off at */
    uint32_t cubic_epoch;  /* when this avoidance epoch began (ms), 0 = not yet */
    uint32_t cubic_k;      /* ms from the epoch until the curve reaches cubic_origin */
    uint32_t cubic_west;   /* W_est: what Reno would have now (RFC 9438 4.3) */
#endif
};

struct tern_tcp_listener {
    struct tern_stack *stack;
    tern_tcp_accept_fn accept;
    void *ctx;
    tern_tcp_ip
        local_ip; /* unspecified: any; with IPv6, "::" takes both families, ::ffff:0.0.0.0 IPv4 only */
    uint16_t local_port;
    uint8_t backlog, pending; /* half-open + not yet accepted connections */
    uint8_t used;
#if TERN_CFG_IPV6
    uint8_t v6only; /* bound to "::": IPv6 only (IPV6_V6ONLY) */
#endif
};

typedef struct tern_tcp_state_s {
    tern_tcp_pcb *active; /* the connection input is working on */
    tern_tcp_pcb *free;
    uint32_t used_hi;      /* connections ever allocated lie below this index (the timer's walk) */
    uint32_t delack_due;   /* when the owed delayed ACKs go out (if delack_armed) */
    uint16_t delack_armed; /* 0 or 1 (16 bits: in reach of a short load) */
    uint16_t next_port;
    tern_timer timer; /* one timer for every connection: the earliest deadline */
    uint32_t isn_secret[4];
    tern_tcp_pcb *buckets[TERN_CFG_TCP_HASH];
#if TERN_CFG_TCP_LISTENERS
    tern_tcp_listener listeners[TERN_CFG_TCP_LISTENERS];
#endif
    tern_tcp_pcb pcbs[TERN_CFG_TCP_PCBS];
} tern_tcp_state_s;

/* What tern_tcp_info reports. */
typedef struct tern_tcp_info {
    uint8_t state;
    tern_addr local, remote;
    uint16_t local_port, remote_port;
    uint32_t cwnd, ssthresh, snd_wnd, rcv_wnd;
    uint32_t srtt_ms, rto_ms;
    uint32_t sndq, unacked, ooseq;
    uint32_t rcvq; /* received, not yet consumed by the application */
    uint8_t wscale_ok, ts_ok, sack_ok;
} tern_tcp_info;

tern_tcp_pcb *tern_tcp_new(struct tern_stack *s);
tern_err tern_tcp_bind(tern_tcp_pcb *pcb, const tern_addr *addr, uint16_t port);
/* Active open. connected() reports the result. */
tern_err tern_tcp_connect(tern_tcp_pcb *pcb, const tern_addr *addr, uint16_t port);
void tern_tcp_set_callbacks(tern_tcp_pcb *pcb, const tern_tcp_callbacks *cb, void *ctx);

/* A listener on addr (NULL: any address of either family; an IPv4
 * 0.0.0.0: any IPv4 address; IPv6 "::": any address of either family until
 * tern_tcp_listener_set_v6only). The most specific listener takes a SYN. */
tern_tcp_listener *tern_tcp_listen(struct tern_stack *s, const tern_addr *addr, uint16_t port,
                                   uint8_t backlog, tern_tcp_accept_fn accept, void *ctx);
#if TERN_CFG_IPV6
/* A listener on "::" takes IPv6 connections only (on) or both families. */
void tern_tcp_listener_set_v6only(tern_tcp_listener *l, bool on);
#endif
void tern_tcp_listener_close(tern_tcp_listener *l);

/* Queue len bytes (copied). TERN_ERR_WOULDBLOCK when the send buffer is full. */
tern_err tern_tcp_write(tern_tcp_pcb *pcb, const void *data, uint32_t len);
/* Queue caller memory without copying; done(ctx, data) once acknowledged. */
tern_err tern_tcp_write_ref(tern_tcp_pcb *pcb, const void *data, uint16_t len, tern_pbuf_free_fn done,
                            void *ctx);
/* Send what the window allows now (writes are also flushed after input). */
tern_err tern_tcp_output(tern_tcp_pcb *pcb);
/* Free space in the send buffer, bytes. */
uint32_t tern_tcp_sndbuf(const tern_tcp_pcb *pcb);
/* Bytes in the send buffer: not yet sent, or sent and not yet acknowledged. */
uint32_t tern_tcp_queued(const tern_tcp_pcb *pcb);
/* Bytes sent and not yet acknowledged. */
uint32_t tern_tcp_get_unacked(const tern_tcp_pcb *pcb);
/* The application consumed len received bytes. */
void tern_tcp_recved(tern_tcp_pcb *pcb, uint32_t len);

tern_err tern_tcp_shutdown(tern_tcp_pcb *pcb, bool rx, bool tx);
tern_err tern_tcp_close(tern_tcp_pcb *pcb);
void tern_tcp_abort(tern_tcp_pcb *pcb);

void tern_tcp_set_nodelay(tern_tcp_pcb *pcb, bool on);
/* The IP TTL (0: the default) and TOS of this connection's segments.
 * TERN_ERR_NOTSUP without TERN_CFG_TCP_IP_OPTS. */
tern_err tern_tcp_set_ip_opts(tern_tcp_pcb *pcb, uint8_t ttl, uint8_t tos);
/* This connection's receive window and send buffer, bytes (0: leave as is),
 * each MSS..TERN_CFG_TCP_BUF_MAX, clamped to half of what the packet-buffer
 * pool can hold. A window larger than 64 KB is only usable when the peer
 * agreed to window scaling. TERN_ERR_NOTSUP without
 * TERN_CFG_TCP_BUF_PER_CONN, TERN_ERR_INVAL out of range. */
tern_err tern_tcp_set_bufsize(tern_tcp_pcb *pcb, uint32_t rcvbuf, uint32_t sndbuf);
/* Call the poll callback every interval_ms, 1..32767 (more is 32767; 0 stops it). */
void tern_tcp_set_poll(tern_tcp_pcb *pcb, uint32_t interval_ms);
void tern_tcp_set_keepalive(tern_tcp_pcb *pcb, bool on, uint32_t idle_ms, uint32_t intvl_ms, uint8_t cnt);
void tern_tcp_get_info(const tern_tcp_pcb *pcb, tern_tcp_info *info);
const char *tern_tcp_state_name(uint8_t state);
/* Visit every connection (for listings). */
void tern_tcp_foreach(struct tern_stack *s, void (*fn)(void *ctx, const tern_tcp_pcb *pcb), void *ctx);

#endif
