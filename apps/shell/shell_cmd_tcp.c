/*
 * Shell commands tcp and iperf.
 *
 *   tcp list                        one line per connection (shell_show.c)
 *   tcp connect ADDR PORT [echo]    pending until "tcp ID: connected" + ok
 *   tcp send ID TEXT                TEXT and a newline
 *   tcp close ID
 *   iperf server [PORT]             the iperf2-compatible server (a program may start it itself)
 *   iperf client ADDR [SECONDS]     pending until the report + ok
 *
 * Data received on a connection prints "tcp ID: N bytes: TEXT"; the peer
 * closing prints "tcp ID: closed by peer".
 */
#include <string.h>

#include "shell.h"

#define IPERF_DEFAULT_SECONDS 10u
#define TCP_SHOW_MAX 200u

#if TERN_CFG_TCP

/* ---- tcp connect / send / close: the connection's callbacks ------------------- */

static int conn_id(const sh_tcp_conn *c) {
    return (int)(c - c->sh->tcp) + 1;
}

static void conn_recv(void *ctx, tern_tcp_pcb *pcb, tern_pbuf *p) {
    sh_tcp_conn *c = ctx;
    const sh_out *o = c->sh->out;
    if (!p) {
        sh_printf(o, "tcp %d: closed by peer\n", conn_id(c));
        (void)tern_tcp_close(pcb);
        c->pcb = NULL;
    } else {
        char text[TCP_SHOW_MAX + 1];
        uint16_t n = sh_format_data(p, text, TCP_SHOW_MAX);
        sh_printf(o, "tcp %d: %u bytes: %s%s\n", conn_id(c), (unsigned)p->tot_len, text,
                  p->tot_len > n ? "..." : "");
        tern_tcp_recved(pcb, p->tot_len);
        tern_pbuf_free(pcb->stack, p);
    }
    sh_flush(o);
}

static void conn_connected(void *ctx, tern_tcp_pcb *pcb, tern_err err) {
    sh_tcp_conn *c = ctx;
    const sh_out *o = c->sh->out;
    c->connecting = false;
    if (err != TERN_OK) {
        c->pcb = NULL;
        sh_printf(o, "error: connect: %s\n", tern_strerror(err));
    } else if (c->echo) {
        sh_printf(o, "tcp %d: connected, echoing\nok\n", conn_id(c));
        c->pcb = NULL; /* the echo service owns it now */
        (void)tern_echo_attach(pcb);
    } else {
        c->pcb = pcb;
        sh_printf(o, "tcp %d: connected\nok\n", conn_id(c));
    }
    sh_flush(o);
}

/* The connection is gone (TERN_OK: an orderly end the application did not ask for). */
static void conn_err(void *ctx, tern_stack *s, tern_err err) {
    sh_tcp_conn *c = ctx;
    (void)s;
    if (c->connecting) {
        conn_connected(ctx, NULL, err == TERN_OK ? TERN_ERR_RESET : err);
        return;
    }
    sh_printf(c->sh->out, "tcp %d: %s\n", conn_id(c), err == TERN_OK ? "closed" : tern_strerror(err));
    sh_flush(c->sh->out);
    c->pcb = NULL;
}

static const tern_tcp_callbacks conn_cbs = {.recv = conn_recv, .connected = conn_connected, .err = conn_err};

/* ---- tcp connect / send / close: the subcommands ---------------------------------- */

/* "PORT" or "PORT echo": the last argument keeps the rest of the line (for
 * tcp send's text), so the option is cut off the port here. */
static char *tcp_connect_option(char *port_and_option) {
    char *opt = strchr(port_and_option, ' ');
    if (!opt)
        return NULL;
    *opt++ = '\0';
    while (*opt == ' ')
        opt++;
    return *opt ? opt : NULL;
}

static sh_tcp_conn *free_conn(sh_shell *sh) {
    for (unsigned i = 0; i < SH_TCP_CONNS; i++)
        if (!sh->tcp[i].pcb && !sh->tcp[i].connecting)
            return &sh->tcp[i];
    return NULL;
}

static cmd_result tcp_connect(sh_shell *sh, char **argv, char *err, size_t errlen) {
    tern_addr dst;
    uint32_t port;
    char *opt = tcp_connect_option(argv[3]);
    if (!tern_addr_parse(argv[2], &dst) || !sh_parse_uint(argv[3], 1, 65535, &port) ||
        (opt && strcmp(opt, "echo") != 0))
        return sh_fail(sh, err, errlen, "usage: tcp connect ADDR PORT [echo]");
    sh_tcp_conn *c = free_conn(sh);
    tern_tcp_pcb *pcb = c ? tern_tcp_new(sh->stack) : NULL;
    if (!pcb)
        return sh_fail(sh, err, errlen, "no free connection");
    *c = (sh_tcp_conn){.sh = sh, .pcb = pcb, .connecting = true, .echo = opt != NULL};
    tern_tcp_set_callbacks(pcb, &conn_cbs, c);
    tern_err e = tern_tcp_connect(pcb, &dst, (uint16_t)port);
    if (e != TERN_OK) {
        tern_tcp_abort(pcb);
        c->pcb = NULL;
        c->connecting = false;
        return sh_fail(sh, err, errlen, "connect: %s", tern_strerror(e));
    }
    return CMD_PENDING;
}

/* The connection an ID names, once it is connected; NULL otherwise. */
static sh_tcp_conn *conn_arg(sh_shell *sh, const char *arg) {
    uint32_t id;
    if (!sh_parse_uint(arg, 1, SH_TCP_CONNS, &id) || !sh->tcp[id - 1].pcb || sh->tcp[id - 1].connecting)
        return NULL;
    return &sh->tcp[id - 1];
}

static cmd_result tcp_send(sh_shell *sh, char **argv, char *err, size_t errlen) {
    sh_tcp_conn *c = conn_arg(sh, argv[2]);
    if (!c)
        return sh_fail(sh, err, errlen, "no connection '%s' (see tcp connect)", argv[2]);
    /* TEXT is the rest of the line: its terminator becomes the newline sent after it. */
    char *text = argv[3];
    size_t n = strlen(text);
    text[n] = '\n';
    tern_err e = tern_tcp_write(c->pcb, text, (uint32_t)n + 1u);
    text[n] = '\0';
    if (e == TERN_OK)
        e = tern_tcp_output(c->pcb);
    if (e != TERN_OK)
        return sh_fail(sh, err, errlen, "send: %s", tern_strerror(e));
    return CMD_OK;
}

static cmd_result tcp_close(sh_shell *sh, char **argv, char *err, size_t errlen) {
    sh_tcp_conn *c = conn_arg(sh, argv[2]);
    if (!c)
        return sh_fail(sh, err, errlen, "no connection '%s'", argv[2]);
    (void)tern_tcp_close(c->pcb);
    c->pcb = NULL;
    return CMD_OK;
}
#endif

static cmd_result cmd_tcp(sh_shell *sh, int argc, char **argv, char *err, size_t errlen) {
#if TERN_CFG_TCP
    if (argc == 2 && strcmp(argv[1], "list") == 0) {
        sh_show_tcp(sh->out, sh->stack);
        return CMD_OK;
    }
    if (argc == 4 && strcmp(argv[1], "connect") == 0)
        return tcp_connect(sh, argv, err, errlen);
    if (argc == 4 && strcmp(argv[1], "send") == 0)
        return tcp_send(sh, argv, err, errlen);
    if (argc == 3 && strcmp(argv[1], "close") == 0)
        return tcp_close(sh, argv, err, errlen);
    return sh_fail(sh, err, errlen, "usage: tcp list | connect ADDR PORT [echo] | send ID TEXT | close ID");
#else
    (void)argc, (void)argv;
    return sh_fail(sh, err, errlen, "TCP is not in this build");
#endif
}

const sh_cmd sh_cmd_tcp = {
    .name = "tcp",
    .fn = cmd_tcp,
    .min_args = 1,
    .max_args = 3,
    .rest = true,
    .usage = "tcp list | connect ADDR PORT [echo] | send ID TEXT | close ID",
    .help = "TCP connections: list (state, windows, RTT, queues), open, send a line, close",
};

/* ---- iperf ------------------------------------------------------------------------------ */

#if TERN_CFG_TCP
/* v in decimal (buf: 21 bytes); the firmware's formatter has no 64-bit conversions. */
static const char *format_u64(uint64_t v, char *buf) {
    char *p = buf + 20;
    *p = '\0';
    do {
        *--p = (char)('0' + (unsigned)(v % 10u));
        v /= 10u;
    } while (v);
    return p;
}

/* "iperf WHO: N bytes in T ms = X.Y Mbit/s": X.Y rounded, in integers (no floating point on the firmware). */
static void print_report(const sh_shell *sh, const char *who, const tern_iperf_report *r) {
    char bytes[21];
    uint32_t ms = r->ms ? r->ms : 1u;
    uint64_t tenths = (r->bytes * 8u + (uint64_t)ms * 50u) / ((uint64_t)ms * 100u);
    sh_printf(sh->out, "iperf %s: %s bytes in %u ms = %u.%u Mbit/s%s%s\n", who, format_u64(r->bytes, bytes),
              (unsigned)r->ms, (unsigned)(tenths / 10u), (unsigned)(tenths % 10u), r->err ? ", ended: " : "",
              r->err ? tern_strerror(r->err) : "");
}

static void on_server_report(void *ctx, const tern_iperf_report *r) {
    sh_shell *sh = ctx;
    print_report(sh, "server", r);
    sh_flush(sh->out);
}

static void on_client_report(void *ctx, const tern_iperf_report *r) {
    sh_shell *sh = ctx;
    print_report(sh, "client", r);
    if (r->err)
        sh_printf(sh->out, "error: iperf client: %s\n", tern_strerror(r->err));
    else
        sh_printf(sh->out, "ok\n");
    sh_flush(sh->out);
}

tern_err sh_iperf_start_server(sh_shell *sh, uint16_t port, bool report) {
    tern_err e =
        tern_iperf_server_start(sh->stack, &sh->iperf_srv, port, report ? on_server_report : NULL, sh);
    sh->iperf_srv_on = e == TERN_OK;
    return e;
}

static cmd_result iperf_server(sh_shell *sh, int argc, char **argv, char *err, size_t errlen) {
    uint32_t port = TERN_IPERF_PORT;
    if (argc == 3 && !sh_parse_uint(argv[2], 1, 65535, &port))
        return sh_fail(sh, err, errlen, "bad port '%s'", argv[2]);
    if (sh->iperf_srv_on)
        return sh_fail(sh, err, errlen, "the iperf server is already running");
    if (sh_iperf_start_server(sh, (uint16_t)port, true) != TERN_OK)
        return sh_fail(sh, err, errlen, "cannot listen on port %u", (unsigned)port);
    sh_printf(sh->out, "iperf server listening on port %u\n", (unsigned)port);
    return CMD_OK;
}

static cmd_result iperf_client(sh_shell *sh, const tern_addr *dst, uint32_t secs, char *err, size_t errlen) {
    tern_err e = tern_iperf_client_start(sh->stack, &sh->iperf_cli, dst, TERN_IPERF_PORT, secs * 1000u, 0,
                                         on_client_report, sh);
    if (e != TERN_OK)
        return sh_fail(sh, err, errlen, "iperf client: %s", tern_strerror(e));
    return CMD_PENDING;
}
#endif

static cmd_result cmd_iperf(sh_shell *sh, int argc, char **argv, char *err, size_t errlen) {
#if TERN_CFG_TCP
    uint32_t secs = IPERF_DEFAULT_SECONDS;
    tern_addr dst;
    if (strcmp(argv[1], "server") == 0 && argc <= 3)
        return iperf_server(sh, argc, argv, err, errlen);
    if (strcmp(argv[1], "client") == 0 && argc >= 3 && tern_addr_parse(argv[2], &dst) &&
        (argc < 4 || sh_parse_uint(argv[3], 1, 3600, &secs)))
        return iperf_client(sh, &dst, secs, err, errlen);
    return sh_fail(sh, err, errlen, "usage: iperf server [PORT] | client ADDR [SECONDS]");
#else
    (void)argc, (void)argv;
    return sh_fail(sh, err, errlen, "TCP is not in this build");
#endif
}

const sh_cmd sh_cmd_iperf = {
    .name = "iperf",
    .fn = cmd_iperf,
    .min_args = 1,
    .max_args = 3,
    .usage = "iperf server [PORT] | client ADDR [SECONDS] [PORT]",
    .help = "iperf2-compatible TCP throughput: serve (Linux iperf -c), or send (to Linux iperf -s)",
};
