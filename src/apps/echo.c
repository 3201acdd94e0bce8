/* UDP echo (RFC 862, port 7) and discard (RFC 863, port 9). The echo reply
 * reuses the received buffer: the headers are prepended in its headroom. */
#include "tern/echo.h"

#include "tern/stack.h"
#include "tern/udp.h"

#if TERN_CFG_APP_ECHO

static void on_echo(void *ctx, tern_udp_pcb *pcb, tern_pbuf *p, const tern_udp_info *info) {
    (void)ctx;
    (void)tern_udp_sendto(pcb, p, &info->src, info->sport);
}

static void on_discard(void *ctx, tern_udp_pcb *pcb, tern_pbuf *p, const tern_udp_info *info) {
    (void)ctx, (void)info;
    tern_pbuf_free(pcb->stack, p);
}

static tern_err serve(tern_stack *s, uint16_t port, tern_udp_recv_fn fn) {
    tern_udp_pcb *pcb = tern_udp_new(s);
    if (!pcb)
        return TERN_ERR_NOMEM;
    tern_err err = tern_udp_bind(pcb, NULL, port);
    if (err) {
        tern_udp_free(pcb);
        return err;
    }
    tern_udp_set_recv(pcb, fn, NULL);
    return TERN_OK;
}

#if TERN_CFG_TCP
/* TCP echo (7) and discard (9). Echo data not yet written back waits in
 * the connection's callback context: a queue of packets (next_pkt), each a
 * chain of under 64 KB. It is not given back to the window until written,
 * so a slow reader slows the writer. The context's low bit remembers that
 * the peer has closed. */
#define ECHO_EOF ((uintptr_t)1)
#define ECHO_POLL_MS 50u

static const tern_tcp_callbacks echo_cbs;

/* Write one packet's bytes while the send buffer has room; returns it with
 * what is left (possibly empty). */
static tern_pbuf *echo_write(tern_tcp_pcb *pcb, tern_pbuf *p) {
    tern_stack *s = pcb->stack;
    p = tern_pbuf_strip(s, p, 0);
    while (p->tot_len) {
        uint32_t room = tern_tcp_sndbuf(pcb);
        uint16_t n = p->len < room ? p->len : (uint16_t)room;
        if (!n || tern_tcp_write(pcb, p->payload, n) != TERN_OK)
            break;
        tern_tcp_recved(pcb, n);
        p = tern_pbuf_strip(s, p, n);
    }
    return p;
}

static tern_pbuf *echo_flush(tern_tcp_pcb *pcb, tern_pbuf *pending) {
    while (pending) {
        tern_pbuf *next = pending->next_pkt;
        pending->next_pkt = NULL;
        pending = echo_write(pcb, pending);
        if (pending->tot_len) {
            pending->next_pkt = next;
            return pending;
        }
        tern_pbuf_free(pcb->stack, pending);
        pending = next;
    }
    return NULL;
}

static void echo_free_all(tern_stack *s, tern_pbuf *q) {
    while (q) {
        tern_pbuf *next = q->next_pkt;
        q->next_pkt = NULL;
        tern_pbuf_free(s, q);
        q = next;
    }
}

static void echo_update(tern_tcp_pcb *pcb, tern_pbuf *pending, bool eof) {
    pending = echo_flush(pcb, pending);
    if (eof && !pending) {
        (void)tern_tcp_close(pcb);
        return;
    }
    /* Data left over with nothing in flight: no ACK will call us back (e.g.
     * the pool was empty), so poll until it is written. */
    bool stuck = pending && !tern_tcp_get_unacked(pcb);
    if (stuck != (pcb->poll_ms != 0))
        tern_tcp_set_poll(pcb, stuck ? ECHO_POLL_MS : 0);
    tern_tcp_set_callbacks(pcb, &echo_cbs, (void *)((uintptr_t)pending | (eof ? ECHO_EOF : 0u)));
    (void)tern_tcp_output(pcb);
}

static void echo_recv(void *ctx, tern_tcp_pcb *pcb, tern_pbuf *p) {
    tern_pbuf *pending = (tern_pbuf *)((uintptr_t)ctx & ~ECHO_EOF);
    bool eof = ((uintptr_t)ctx & ECHO_EOF) || !p;
    if (p && pending) {
        tern_pbuf *last = pending;
        while (last->next_pkt)
            last = last->next_pkt;
        if (tern_pbuf_cat(last, p) != TERN_OK)
            last->next_pkt = p; /* the chain would pass 64 KB: queue a new packet */
    } else if (p) {
        pending = p;
    }
    echo_update(pcb, pending, eof);
}

static void echo_sent(void *ctx, tern_tcp_pcb *pcb, uint32_t len) {
    (void)len;
    echo_update(pcb, (tern_pbuf *)((uintptr_t)ctx & ~ECHO_EOF), ((uintptr_t)ctx & ECHO_EOF) != 0);
}

static void echo_err(void *ctx, tern_stack *s, tern_err err) {
    (void)err;
    echo_free_all(s, (tern_pbuf *)((uintptr_t)ctx & ~ECHO_EOF));
}

static void echo_poll(void *ctx, tern_tcp_pcb *pcb) {
    echo_sent(ctx, pcb, 0);
}

static const tern_tcp_callbacks echo_cbs = {
    .recv = echo_recv, .sent = echo_sent, .err = echo_err, .poll = echo_poll};

static void discard_recv(void *ctx, tern_tcp_pcb *pcb, tern_pbuf *p) {
    (void)ctx;
    if (!p) {
        (void)tern_tcp_close(pcb);
        return;
    }
    uint16_t n = p->tot_len;
    tern_pbuf_free(pcb->stack, p);
    tern_tcp_recved(pcb, n);
}

static const tern_tcp_callbacks discard_cbs = {.recv = discard_recv};

static tern_err accept_echo(void *ctx, tern_tcp_listener *l, tern_tcp_pcb *pcb) {
    (void)ctx, (void)l;
    tern_tcp_set_callbacks(pcb, &echo_cbs, NULL);
    return TERN_OK;
}

static tern_err accept_discard(void *ctx, tern_tcp_listener *l, tern_tcp_pcb *pcb) {
    (void)ctx, (void)l;
    tern_tcp_set_callbacks(pcb, &discard_cbs, NULL);
    return TERN_OK;
}

tern_err tern_echo_attach(tern_tcp_pcb *pcb) {
    if (!pcb)
        return TERN_ERR_INVAL;
    tern_tcp_set_callbacks(pcb, &echo_cbs, NULL);
    return TERN_OK;
}

static tern_err serve_tcp(tern_stack *s) {
    if (!tern_tcp_listen(s, NULL, 7, 8, accept_echo, NULL) ||
        !tern_tcp_listen(s, NULL, 9, 8, accept_discard, NULL))
        return TERN_ERR_NOMEM;
    return TERN_OK;
}
#endif

tern_err tern_echo_start(tern_stack *s) {
    tern_err err = serve(s, 7, on_echo);
    if (!err)
        err = serve(s, 9, on_discard);
#if TERN_CFG_TCP
    if (!err)
        err = serve_tcp(s);
#endif
    return err;
}

#else
tern_err tern_echo_start(tern_stack *s) {
    (void)s;
    return TERN_ERR_NOTSUP;
}
#endif
