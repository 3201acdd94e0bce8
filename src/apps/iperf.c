/* iperf2-compatible TCP throughput server and client (see tern/iperf.h). */
#include "tern/iperf.h"

#include <string.h>

#include "tern/stack.h"

#if TERN_CFG_TCP

#define CLIENT_POLL_MS 50u

/* The stream iperf2 sends: the digits 0-9 over and over (1000 bytes of
 * flash, so each write moves a useful amount). */
#define P10 "0123456789"
#define P100 P10 P10 P10 P10 P10 P10 P10 P10 P10 P10
static const uint8_t pattern[] = P100 P100 P100 P100 P100 P100 P100 P100 P100 P100;
#define PATTERN_LEN 1000u

/* ---- Server ---------------------------------------------------------------- */

static void session_end(tern_iperf_session *ss, tern_err err) {
    tern_iperf_server *srv = ss->server;
    tern_iperf_report r = {
        .bytes = ss->bytes, .ms = srv->stack->now - ss->start, .err = err, .client = false};
    ss->pcb = NULL;
    if (srv->cb)
        srv->cb(srv->ctx, &r);
}

static void server_recv(void *ctx, tern_tcp_pcb *pcb, tern_pbuf *p) {
    tern_iperf_session *ss = ctx;
    if (!p) {
        (void)tern_tcp_close(pcb);
        session_end(ss, TERN_OK);
        return;
    }
    uint16_t n = p->tot_len;
    ss->bytes += n;
    tern_pbuf_free(pcb->stack, p);
    tern_tcp_recved(pcb, n);
}

static void server_err(void *ctx, tern_stack *s, tern_err err) {
    (void)s;
    session_end(ctx, err);
}

static const tern_tcp_callbacks server_cbs = {.recv = server_recv, .err = server_err};

static tern_err server_accept(void *ctx, tern_tcp_listener *l, tern_tcp_pcb *pcb) {
    tern_iperf_server *srv = ctx;
    (void)l;
    for (unsigned i = 0; i < TERN_IPERF_SESSIONS; i++) {
        tern_iperf_session *ss = &srv->sessions[i];
        if (ss->pcb)
            continue;
        ss->server = srv;
        ss->pcb = pcb;
        ss->bytes = 0;
        ss->start = srv->stack->now;
        tern_tcp_set_callbacks(pcb, &server_cbs, ss);
        return TERN_OK;
    }
    return TERN_ERR_NOMEM;
}

tern_err tern_iperf_server_start(tern_stack *s, tern_iperf_server *srv, uint16_t port, tern_iperf_fn cb,
                                 void *ctx) {
    if (!s || !srv)
        return TERN_ERR_INVAL;
    memset(srv, 0, sizeof *srv);
    srv->stack = s;
    srv->cb = cb;
    srv->ctx = ctx;
    srv->listener =
        tern_tcp_listen(s, NULL, port ? port : TERN_IPERF_PORT, TERN_IPERF_SESSIONS, server_accept, srv);
    return srv->listener ? TERN_OK : TERN_ERR_INUSE;
}

void tern_iperf_server_stop(tern_iperf_server *srv) {
    tern_tcp_listener_close(srv->listener);
    for (unsigned i = 0; i < TERN_IPERF_SESSIONS; i++)
        if (srv->sessions[i].pcb)
            tern_tcp_abort(srv->sessions[i].pcb);
    memset(srv, 0, sizeof *srv);
}

/* ---- Client ---------------------------------------------------------------- */

static void client_end(tern_iperf_client *c, tern_err err) {
    tern_iperf_report r = {.bytes = c->sent, .ms = c->stack->now - c->start, .err = err, .client = true};
    c->active = false;
    c->pcb = NULL;
    if (c->cb)
        c->cb(c->ctx, &r);
}

static bool time_is_up(const tern_iperf_client *c) {
    if (c->limit)
        return c->sent >= c->limit;
    return c->stack->now - c->start >= c->duration_ms;
}

static void client_fill(tern_iperf_client *c) {
    while (!c->stopping) {
        if (time_is_up(c)) {
            c->stopping = true;
            break;
        }
        uint32_t room = tern_tcp_sndbuf(c->pcb);
        uint32_t n = (uint32_t)(c->limit ? c->limit - c->sent : PATTERN_LEN);
        if (n > PATTERN_LEN)
            n = PATTERN_LEN;
        if (n > room || tern_tcp_write(c->pcb, pattern, n) != TERN_OK)
            break;
        c->sent += n;
    }
    (void)tern_tcp_output(c->pcb);
    /* Done when everything written is acknowledged: close and report. */
    if (c->stopping && !tern_tcp_get_unacked(c->pcb) && !tern_tcp_queued(c->pcb)) {
        tern_tcp_pcb *pcb = c->pcb;
        client_end(c, TERN_OK);
        (void)tern_tcp_close(pcb);
    }
}

static void client_connected(void *ctx, tern_tcp_pcb *pcb, tern_err err) {
    tern_iperf_client *c = ctx;
    if (err != TERN_OK) {
        client_end(c, err);
        return;
    }
    c->pcb = pcb;
    c->start = c->stack->now;
    tern_tcp_set_poll(pcb, CLIENT_POLL_MS);
    client_fill(c);
}

static void client_sent(void *ctx, tern_tcp_pcb *pcb, uint32_t len) {
    (void)pcb, (void)len;
    client_fill(ctx);
}

static void client_poll(void *ctx, tern_tcp_pcb *pcb) {
    (void)pcb;
    client_fill(ctx);
}

static void client_recv(void *ctx, tern_tcp_pcb *pcb, tern_pbuf *p) {
    (void)ctx;
    if (p) {
        uint16_t n = p->tot_len;
        tern_pbuf_free(pcb->stack, p);
        tern_tcp_recved(pcb, n);
    }
}

static void client_err(void *ctx, tern_stack *s, tern_err err) {
    (void)s;
    client_end(ctx, err);
}

static const tern_tcp_callbacks client_cbs = {.recv = client_recv,
                                              .sent = client_sent,
                                              .connected = client_connected,
                                              .err = client_err,
                                              .poll = client_poll};

tern_err tern_iperf_client_start(tern_stack *s, tern_iperf_client *c, const tern_addr *dst, uint16_t port,
                                 uint32_t duration_ms, uint64_t bytes, tern_iperf_fn cb, void *ctx) {
    if (!s || !c || !dst || (!duration_ms && !bytes))
        return TERN_ERR_INVAL;
    memset(c, 0, sizeof *c);
    c->stack = s;
    c->cb = cb;
    c->ctx = ctx;
    c->limit = bytes;
    c->duration_ms = duration_ms;
    tern_tcp_pcb *pcb = tern_tcp_new(s);
    if (!pcb)
        return TERN_ERR_NOMEM;
    tern_tcp_set_callbacks(pcb, &client_cbs, c);
    tern_err err = tern_tcp_connect(pcb, dst, port ? port : TERN_IPERF_PORT);
    if (err != TERN_OK) {
        tern_tcp_abort(pcb);
        return err;
    }
    c->pcb = pcb;
    c->active = true;
    return TERN_OK;
}

void tern_iperf_client_stop(tern_iperf_client *c) {
    if (c->active && c->pcb)
        tern_tcp_abort(c->pcb);
    c->active = false;
    c->pcb = NULL;
}

#endif
