/*
 * The firmware shell's network commands, with the host program's lines and
 * answers (port/posix/host/cmd_tcp.c, cmd_dns.c):
 *
 *   tcp connect ADDR PORT [echo]   pending until "tcp ID: connected" + ok
 *   tcp send ID TEXT               TEXT and a newline
 *   tcp close ID
 *   iperf client ADDR [SECONDS]    pending until the report + ok
 *   dns NAME | server [N ADDR|none] | flush
 *   mcast send GROUP PORT TEXT     (the rest of mcast is in shell.c)
 */
#include <ctype.h>
#include <string.h>

#include "board.h"
#include "fw.h"

#define TCP_SHOW_MAX 200u
#define IPERF_DEFAULT_SECONDS 10u
#define DNS_WATCHDOG_MS (TERN_CFG_DNS_SERVERS * TERN_CFG_DNS_TRIES * TERN_CFG_DNS_TIMEOUT_MS + 5000u)

/* ---- tcp connect / send / close -------------------------------------------------- */

static int conn_id(const struct fw_tcp *c) {
    return (int)(c - c->f->tcp) + 1;
}

static void conn_recv(void *ctx, tern_tcp_pcb *pcb, tern_pbuf *p) {
    struct fw_tcp *c = ctx;
    if (!p) {
        out("tcp %d: closed by peer\n", conn_id(c));
        (void)tern_tcp_close(pcb);
        c->pcb = NULL;
        return;
    }
    char text[TCP_SHOW_MAX + 1];
    uint16_t n = tern_pbuf_copy_out(p, 0, text, TCP_SHOW_MAX);
    for (uint16_t i = 0; i < n; i++)
        if (!isprint((unsigned char)text[i]))
            text[i] = '.';
    text[n] = '\0';
    out("tcp %d: %u bytes: %s%s\n", conn_id(c), p->tot_len, text, p->tot_len > n ? "..." : "");
    tern_tcp_recved(pcb, p->tot_len);
    tern_pbuf_free(pcb->stack, p);
}

static void conn_connected(void *ctx, tern_tcp_pcb *pcb, tern_err err) {
    struct fw_tcp *c = ctx;
    c->connecting = false;
    if (err != TERN_OK) {
        c->pcb = NULL;
        out("error: connect: %s\n", tern_strerror(err));
    } else if (c->echo) {
        out("tcp %d: connected, echoing\nok\n", conn_id(c));
        c->pcb = NULL; /* the echo service owns it now */
        (void)tern_echo_attach(pcb);
    } else {
        c->pcb = pcb;
        out("tcp %d: connected\nok\n", conn_id(c));
    }
}

static void conn_err(void *ctx, tern_stack *s, tern_err err) {
    struct fw_tcp *c = ctx;
    (void)s;
    if (c->connecting) {
        conn_connected(ctx, NULL, err == TERN_OK ? TERN_ERR_RESET : err);
        return;
    }
    out("tcp %d: %s\n", conn_id(c), err == TERN_OK ? "closed" : tern_strerror(err));
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

static cmd_result tcp_connect(fw *f, char **argv, char *err, size_t errlen) {
    tern_addr dst;
    uint32_t port;
    char *opt = tcp_connect_option(argv[3]);
    if (!tern_addr_parse(argv[2], &dst) || !sh_parse_uint(argv[3], 1, 65535, &port) ||
        (opt && strcmp(opt, "echo") != 0)) {
        fw_snprintf(err, errlen, "usage: tcp connect ADDR PORT [echo]");
        return CMD_ERROR;
    }
    struct fw_tcp *c = NULL;
    for (unsigned i = 0; i < FW_TCP_CONNS && !c; i++)
        if (!f->tcp[i].pcb && !f->tcp[i].connecting)
            c = &f->tcp[i];
    tern_tcp_pcb *pcb = c ? tern_tcp_new(&f->stack) : NULL;
    if (!pcb) {
        fw_snprintf(err, errlen, "no free connection");
        return CMD_ERROR;
    }
    c->f = f;
    c->pcb = pcb;
    c->connecting = true;
    c->echo = opt != NULL;
    tern_tcp_set_callbacks(pcb, &conn_cbs, c);
    tern_err e = tern_tcp_connect(pcb, &dst, (uint16_t)port);
    if (e != TERN_OK) {
        tern_tcp_abort(pcb);
        c->pcb = NULL;
        c->connecting = false;
        fw_snprintf(err, errlen, "connect: %s", tern_strerror(e));
        return CMD_ERROR;
    }
    return CMD_PENDING;
}

static struct fw_tcp *conn_arg(fw *f, const char *arg) {
    uint32_t id;
    if (!sh_parse_uint(arg, 1, FW_TCP_CONNS, &id) || !f->tcp[id - 1].pcb || f->tcp[id - 1].connecting)
        return NULL;
    return &f->tcp[id - 1];
}

static cmd_result tcp_send(fw *f, char **argv, char *err, size_t errlen) {
    struct fw_tcp *c = conn_arg(f, argv[2]);
    if (!c) {
        fw_snprintf(err, errlen, "no connection '%.20s' (see tcp connect)", argv[2]);
        return CMD_ERROR;
    }
    char line[FW_LINE_MAX + 2];
    size_t n = fw_snprintf(line, sizeof line, "%s\n", argv[3]);
    if (n >= sizeof line)
        n = sizeof line - 1u;
    tern_err e = tern_tcp_write(c->pcb, line, (uint32_t)n);
    if (e == TERN_OK)
        e = tern_tcp_output(c->pcb);
    if (e != TERN_OK) {
        fw_snprintf(err, errlen, "send: %s", tern_strerror(e));
        return CMD_ERROR;
    }
    return CMD_OK;
}

static cmd_result tcp_close(fw *f, char **argv, char *err, size_t errlen) {
    struct fw_tcp *c = conn_arg(f, argv[2]);
    if (!c) {
        fw_snprintf(err, errlen, "no connection '%.20s'", argv[2]);
        return CMD_ERROR;
    }
    (void)tern_tcp_close(c->pcb);
    c->pcb = NULL;
    return CMD_OK;
}

cmd_result fw_cmd_tcp(fw *f, int argc, char **argv, char *err, size_t errlen) {
    if (argc == 4 && strcmp(argv[1], "connect") == 0)
        return tcp_connect(f, argv, err, errlen);
    if (argc == 4 && strcmp(argv[1], "send") == 0)
        return tcp_send(f, argv, err, errlen);
    if (argc == 3 && strcmp(argv[1], "close") == 0)
        return tcp_close(f, argv, err, errlen);
    fw_snprintf(err, errlen, "usage: tcp list | connect ADDR PORT [echo] | send ID TEXT | close ID");
    return CMD_ERROR;
}

/* ---- iperf client ------------------------------------------------------------------- */

static void on_client_report(void *ctx, const tern_iperf_report *r) {
    fw *f = ctx;
    uint32_t ms = r->ms ? r->ms : 1u;
    /* Mbit/s to one decimal without floating point: bytes * 8 / ms / 1000. */
    uint64_t tenths = r->bytes * 8u / ms / 100u;
    out("iperf client: %lu bytes in %u ms = %lu.%lu Mbit/s%s%s\n", (unsigned long)r->bytes, (unsigned)r->ms,
        (unsigned long)(tenths / 10u), (unsigned long)(tenths % 10u), r->err ? ", ended: " : "",
        r->err ? tern_strerror(r->err) : "");
    if (r->err)
        out("error: iperf client: %s\n", tern_strerror(r->err));
    else
        out("ok\n");
    f->iperf_cli_on = false;
}

cmd_result fw_cmd_iperf_client(fw *f, int argc, char **argv, char *err, size_t errlen) {
    tern_addr dst;
    uint32_t secs = IPERF_DEFAULT_SECONDS;
    if (argc < 3 || !tern_addr_parse(argv[2], &dst) ||
        (argc > 3 && !sh_parse_uint(argv[3], 1, 3600, &secs))) {
        fw_snprintf(err, errlen, "usage: iperf server | client ADDR [SECONDS]");
        return CMD_ERROR;
    }
    tern_err e = tern_iperf_client_start(&f->stack, &f->iperf_cli, &dst, TERN_IPERF_PORT, secs * 1000u, 0,
                                         on_client_report, f);
    if (e != TERN_OK) {
        fw_snprintf(err, errlen, "iperf client: %s", tern_strerror(e));
        return CMD_ERROR;
    }
    f->iperf_cli_on = true;
    return CMD_PENDING;
}

/* ---- dns -------------------------------------------------------------------------------- */

#if TERN_CFG_DNS
static const char *dns_reason(tern_err err) {
    switch (err) {
    case TERN_ERR_NOTFOUND:
        return "not found";
    case TERN_ERR_TIMEOUT:
        return "timed out";
    default:
        return tern_strerror(err);
    }
}

/* Runs inside tern_dns_lookup (answer known at once) or later from the stack. */
static void dns_done(void *ctx, const char *name, tern_err err, const tern_addr *addrs, unsigned count) {
    fw *f = ctx;
    struct fw_dns *d = &f->dns_q;
    char ip[TERN_ADDR_STRLEN];
    if (!d->active && d->done)
        return; /* a late answer after the watchdog gave up */
    if (err == TERN_OK && count == 0)
        err = TERN_ERR_NOTFOUND;
    for (unsigned i = 0; err == TERN_OK && i < count; i++)
        out("%s has address %s\n", name, tern_addr_format(&addrs[i], ip, sizeof ip));
    d->done = true;
    d->err = err;
    if (d->active) {
        d->active = false;
        if (err == TERN_OK)
            out("ok\n");
        else
            out("error: %s: %s\n", name, dns_reason(err));
    }
}

static cmd_result dns_server(fw *f, int argc, char **argv, char *err, size_t errlen) {
    uint32_t index;
    tern_addr a;
    char ip[TERN_ADDR_STRLEN];
    if (argc == 2) {
        for (unsigned i = 0; i < TERN_CFG_DNS_SERVERS; i++) {
            const tern_addr *s = &f->stack.dns.servers[i];
            out("server %u %s\n", i, tern_addr_is_any(s) ? "none" : tern_addr_format(s, ip, sizeof ip));
        }
        return CMD_OK;
    }
    bool clear = argc == 4 && strcmp(argv[3], "none") == 0;
    if (argc != 4 || !sh_parse_uint(argv[2], 0, TERN_CFG_DNS_SERVERS - 1u, &index) ||
        (!clear && (!tern_addr_parse(argv[3], &a) || a.family != TERN_AF_INET))) {
        fw_snprintf(err, errlen, "usage: dns server [N ADDR|none] (N 0..%u)", TERN_CFG_DNS_SERVERS - 1u);
        return CMD_ERROR;
    }
    tern_err e = tern_dns_set_server(&f->stack, index, clear ? NULL : &a);
    if (e != TERN_OK) {
        fw_snprintf(err, errlen, "dns server: %s", tern_strerror(e));
        return CMD_ERROR;
    }
    return CMD_OK;
}
#endif

cmd_result fw_cmd_dns(fw *f, int argc, char **argv, char *err, size_t errlen) {
#if TERN_CFG_DNS
    if (strcmp(argv[1], "server") == 0)
        return dns_server(f, argc, argv, err, errlen);
    if (argc == 2 && strcmp(argv[1], "flush") == 0) {
        tern_dns_flush(&f->stack);
        return CMD_OK;
    }
    if (argc != 2) {
        fw_snprintf(err, errlen, "usage: dns NAME | dns server [N ADDR|none] | dns flush");
        return CMD_ERROR;
    }
    struct fw_dns *d = &f->dns_q;
    memset(d, 0, sizeof *d);
    tern_err e = tern_dns_lookup(&f->stack, argv[1], TERN_AF_INET, dns_done, f);
    if (e == TERN_ERR_INPROGRESS) {
        d->active = true;
        d->deadline = board_millis() + DNS_WATCHDOG_MS;
        return CMD_PENDING;
    }
    if (e == TERN_OK && d->done)
        e = d->err;
    d->done = true;
    if (e == TERN_OK)
        return CMD_OK;
    fw_snprintf(err, errlen, "%.200s: %s", argv[1], dns_reason(e));
    return CMD_ERROR;
#else
    (void)f, (void)argc, (void)argv;
    fw_snprintf(err, errlen, "this build has no DNS client");
    return CMD_ERROR;
#endif
}

/* ---- mcast send ----------------------------------------------------------------------- */

cmd_result fw_mcast_send(fw *f, const tern_addr *group, uint16_t port, const char *text, char *err,
                         size_t errlen) {
    tern_udp_pcb *pcb = tern_udp_new(&f->stack);
    if (!pcb) {
        fw_snprintf(err, errlen, "no free UDP endpoint");
        return CMD_ERROR;
    }
    uint16_t len = (uint16_t)strlen(text);
    tern_pbuf *p = tern_pbuf_alloc(&f->stack, TERN_PBUF_TRANSPORT_HEADROOM, len);
    if (!p || tern_pbuf_copy_in(p, 0, text, len) != TERN_OK) {
        tern_pbuf_free(&f->stack, p);
        tern_udp_free(pcb);
        fw_snprintf(err, errlen, "out of packet buffers");
        return CMD_ERROR;
    }
    tern_err e = tern_udp_sendto(pcb, p, group, port);
    tern_udp_free(pcb);
    if (e != TERN_OK) {
        fw_snprintf(err, errlen, "send: %s", tern_strerror(e));
        return CMD_ERROR;
    }
    return CMD_OK;
}

/* ---- pending commands ------------------------------------------------------------------- */

bool fw_net_busy(const fw *f) {
    for (unsigned i = 0; i < FW_TCP_CONNS; i++)
        if (f->tcp[i].connecting)
            return true;
    return f->iperf_cli_on || f->dns_q.active;
}

void fw_net_check(fw *f, uint32_t now) {
    struct fw_dns *d = &f->dns_q;
    if (d->active && (int32_t)(now - d->deadline) >= 0) {
        d->active = false;
        d->done = true;
        out("error: dns lookup did not complete in time\n");
    }
}
