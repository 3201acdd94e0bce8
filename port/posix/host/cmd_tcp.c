/* Shell: TCP connections (`tcp ...`) and the iperf tool (`iperf ...`). */
#include <stdio.h>
#include <string.h>

#include "host.h"

#define IPERF_DEFAULT_SECONDS 10u
#define TCP_SHOW_MAX 200u

#if TERN_CFG_TCP
static int conn_id(const host *h, const host_tcp_conn *c) {
    return (int)(c - h->tcp) + 1;
}

static void conn_recv(void *ctx, tern_tcp_pcb *pcb, tern_pbuf *p) {
    host_tcp_conn *c = ctx;
    int id = conn_id(c->h, c);
    if (!p) {
        printf("tcp %d: closed by peer\n", id);
        (void)tern_tcp_close(pcb);
        c->pcb = NULL;
    } else {
        char text[TCP_SHOW_MAX + 1];
        uint16_t n = tern_pbuf_copy_out(p, 0, text, TCP_SHOW_MAX);
        for (uint16_t i = 0; i < n; i++)
            if (text[i] < 32 || text[i] > 126)
                text[i] = '.';
        text[n] = '\0';
        printf("tcp %d: %u bytes: %s%s\n", id, (unsigned)p->tot_len, text, p->tot_len > n ? "..." : "");
        tern_tcp_recved(pcb, p->tot_len);
        tern_pbuf_free(pcb->stack, p);
    }
    fflush(stdout);
}

static void conn_connected(void *ctx, tern_tcp_pcb *pcb, tern_err err) {
    host_tcp_conn *c = ctx;
    c->connecting = false;
    if (err != TERN_OK) {
        c->pcb = NULL;
        printf("error: connect: %s\n", tern_strerror(err));
    } else if (c->echo) {
        printf("tcp %d: connected, echoing\nok\n", conn_id(c->h, c));
        c->pcb = NULL; /* the echo service owns it now */
        (void)tern_echo_attach(pcb);
    } else {
        c->pcb = pcb;
        printf("tcp %d: connected\nok\n", conn_id(c->h, c));
    }
    fflush(stdout);
}

static void conn_err(void *ctx, tern_stack *s, tern_err err) {
    host_tcp_conn *c = ctx;
    (void)s;
    if (c->connecting) {
        conn_connected(ctx, NULL, err);
        return;
    }
    printf("tcp %d: %s\n", conn_id(c->h, c), tern_strerror(err));
    fflush(stdout);
    c->pcb = NULL;
}

static const tern_tcp_callbacks conn_cbs = {.recv = conn_recv, .connected = conn_connected, .err = conn_err};

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

static cmd_result tcp_connect(host *h, char **argv, char *err, size_t errlen) {
    tern_addr dst;
    uint32_t port;
    char *opt = tcp_connect_option(argv[3]);
    if (!tern_addr_parse(argv[2], &dst) || !sh_parse_uint(argv[3], 1, 65535, &port) ||
        (opt && strcmp(opt, "echo") != 0)) {
        snprintf(err, errlen, "usage: tcp connect ADDR PORT [echo]");
        return CMD_ERROR;
    }
    host_tcp_conn *c = NULL;
    for (unsigned i = 0; i < HOST_TCP_CONNS && !c; i++)
        if (!h->tcp[i].pcb && !h->tcp[i].connecting)
            c = &h->tcp[i];
    tern_tcp_pcb *pcb = c ? tern_tcp_new(&h->stack) : NULL;
    if (!pcb) {
        snprintf(err, errlen, "no free connection");
        return CMD_ERROR;
    }
    c->h = h;
    c->pcb = pcb;
    c->connecting = true;
    c->echo = opt != NULL;
    tern_tcp_set_callbacks(pcb, &conn_cbs, c);
    tern_err e = tern_tcp_connect(pcb, &dst, (uint16_t)port);
    if (e != TERN_OK) {
        tern_tcp_abort(pcb);
        c->pcb = NULL;
        c->connecting = false;
        snprintf(err, errlen, "connect: %s", tern_strerror(e));
        return CMD_ERROR;
    }
    return CMD_PENDING;
}

static host_tcp_conn *conn_arg(host *h, const char *arg) {
    uint32_t id;
    if (!sh_parse_uint(arg, 1, HOST_TCP_CONNS, &id) || !h->tcp[id - 1].pcb || h->tcp[id - 1].connecting)
        return NULL;
    return &h->tcp[id - 1];
}

static cmd_result tcp_send(host *h, char **argv, char *err, size_t errlen) {
    host_tcp_conn *c = conn_arg(h, argv[2]);
    if (!c) {
        snprintf(err, errlen, "no connection '%s' (see tcp connect)", argv[2]);
        return CMD_ERROR;
    }
    char line[HOST_LINE_MAX + 2];
    int n = snprintf(line, sizeof line, "%s\n", argv[3]);
    tern_err e = tern_tcp_write(c->pcb, line, (uint32_t)n);
    if (e == TERN_OK)
        e = tern_tcp_output(c->pcb);
    if (e != TERN_OK) {
        snprintf(err, errlen, "send: %s", tern_strerror(e));
        return CMD_ERROR;
    }
    return CMD_OK;
}

static cmd_result tcp_close(host *h, char **argv, char *err, size_t errlen) {
    host_tcp_conn *c = conn_arg(h, argv[2]);
    if (!c) {
        snprintf(err, errlen, "no connection '%s'", argv[2]);
        return CMD_ERROR;
    }
    (void)tern_tcp_close(c->pcb);
    c->pcb = NULL;
    return CMD_OK;
}
#endif

bool host_tcp_busy(const host *h) {
#if TERN_CFG_TCP
    for (unsigned i = 0; i < HOST_TCP_CONNS; i++)
        if (h->tcp[i].connecting)
            return true;
    return h->iperf_cli.active;
#else
    (void)h;
    return false;
#endif
}

cmd_result cmd_tcp(host *h, int argc, char **argv, char *err, size_t errlen) {
#if TERN_CFG_TCP
    if (argc == 2 && strcmp(argv[1], "list") == 0) {
        sh_show_tcp(&host_out, &h->stack);
        return CMD_OK;
    }
    if (argc == 4 && strcmp(argv[1], "connect") == 0)
        return tcp_connect(h, argv, err, errlen);
    if (argc == 4 && strcmp(argv[1], "send") == 0)
        return tcp_send(h, argv, err, errlen);
    if (argc == 3 && strcmp(argv[1], "close") == 0)
        return tcp_close(h, argv, err, errlen);
    snprintf(err, errlen, "usage: tcp list | connect ADDR PORT [echo] | send ID TEXT | close ID");
#else
    (void)h, (void)argc, (void)argv;
    snprintf(err, errlen, "TCP is not in this build");
#endif
    return CMD_ERROR;
}

#if TERN_CFG_TCP
static void print_report(const char *who, const tern_iperf_report *r) {
    uint32_t ms = r->ms ? r->ms : 1u;
    double mbit = (double)r->bytes * 8.0 / (double)ms / 1000.0;
    printf("iperf %s: %llu bytes in %u ms = %.1f Mbit/s%s%s\n", who, (unsigned long long)r->bytes, r->ms,
           mbit, r->err ? ", ended: " : "", r->err ? tern_strerror(r->err) : "");
}

static void on_server_report(void *ctx, const tern_iperf_report *r) {
    (void)ctx;
    print_report("server", r);
    fflush(stdout);
}

static void on_client_report(void *ctx, const tern_iperf_report *r) {
    (void)ctx;
    print_report("client", r);
    printf(r->err ? "error: iperf client: %s\n" : "ok\n", tern_strerror(r->err));
    fflush(stdout);
}
#endif

cmd_result cmd_iperf(host *h, int argc, char **argv, char *err, size_t errlen) {
#if TERN_CFG_TCP
    uint32_t port = TERN_IPERF_PORT, secs = IPERF_DEFAULT_SECONDS;
    if (strcmp(argv[1], "server") == 0 && argc <= 3) {
        if (argc == 3 && !sh_parse_uint(argv[2], 1, 65535, &port)) {
            snprintf(err, errlen, "bad port '%s'", argv[2]);
            return CMD_ERROR;
        }
        if (h->iperf_srv_on) {
            snprintf(err, errlen, "the iperf server is already running");
            return CMD_ERROR;
        }
        if (tern_iperf_server_start(&h->stack, &h->iperf_srv, (uint16_t)port, on_server_report, h) !=
            TERN_OK) {
            snprintf(err, errlen, "cannot listen on port %u", port);
            return CMD_ERROR;
        }
        h->iperf_srv_on = true;
        printf("iperf server listening on port %u\n", port);
        return CMD_OK;
    }
    tern_addr dst;
    if (strcmp(argv[1], "client") == 0 && argc >= 3 && tern_addr_parse(argv[2], &dst) &&
        (argc < 4 || sh_parse_uint(argv[3], 1, 3600, &secs))) {
        tern_err e = tern_iperf_client_start(&h->stack, &h->iperf_cli, &dst, (uint16_t)port, secs * 1000u, 0,
                                             on_client_report, h);
        if (e != TERN_OK) {
            snprintf(err, errlen, "iperf client: %s", tern_strerror(e));
            return CMD_ERROR;
        }
        return CMD_PENDING;
    }
    snprintf(err, errlen, "usage: iperf server [PORT] | client ADDR [SECONDS]");
#else
    (void)h, (void)argc, (void)argv;
    snprintf(err, errlen, "TCP is not in this build");
#endif
    return CMD_ERROR;
}
