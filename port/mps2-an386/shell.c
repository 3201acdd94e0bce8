/*
 * The firmware's line shell on the UART: the host program's commands and
 * answer format (every answer ends with "ok" or "error: REASON"), for the
 * commands that exist without an OS (the network ones are in
 * shell_net.c), plus `mem`, `perf` and `fault`.
 */
#include <ctype.h>
#include <string.h>

#include "board.h"
#include "fw.h"
#include "shell_line.h"
#include "shell_show.h"

#define SHELL_MAX_ARGS 8
#define PING_DEFAULT_COUNT 4u
#define PING_DEFAULT_SIZE 56u
#define PING_DEFAULT_INTERVAL_MS 1000u
#define PING_TIMEOUT_MS 1000u
#define PING_MAX_SIZE 1472u /* no fragmentation in this build */
#define PING_WATCHDOG_SLACK_MS 3000u
#define UDP_SHOW_MAX 200u

typedef cmd_result (*cmd_fn)(fw *f, int argc, char **argv, char *err, size_t errlen);

typedef struct shell_cmd {
    const char *name;
    cmd_fn fn;
    int min_args, max_args;
    bool rest;
    const char *usage;
    const char *help;
} shell_cmd;

/* ---- ifconfig, arp, route ------------------------------------------------------ */

static void print_netif(fw *f, const tern_netif *nif) {
    sh_show_netif(&fw_out, nif);
    if (nif == &f->nif) {
        const lan9118_counters *d = &f->eth.counters;
        uint32_t hh, hl;
        lan9118_hash_filter(&f->eth, &hh, &hl);
        out("    driver lan9118 at 0x%08x link %s rx_nomem %u rx_errors %u rx_hw_drops %u tx_errors %u\n",
            (unsigned)f->eth.base, f->eth.link ? "up" : "down", (unsigned)d->rx_nomem, (unsigned)d->rx_errors,
            (unsigned)d->rx_hw_drops, (unsigned)d->tx_errors);
        out("    driver hash filter 0x%08x%08x\n", (unsigned)hh, (unsigned)hl);
    }
}

static cmd_result cmd_ifconfig(fw *f, int argc, char **argv, char *err, size_t errlen) {
    unsigned shown = 0;
    for (tern_netif *nif = f->stack.netifs; nif != NULL; nif = nif->next) {
        if (argc == 2 && strcmp(argv[1], nif->name) != 0)
            continue;
        print_netif(f, nif);
        shown++;
    }
    if (argc == 2 && shown == 0) {
        fw_snprintf(err, errlen, "no interface '%s'", argv[1]);
        return CMD_ERROR;
    }
    return CMD_OK;
}

static cmd_result cmd_arp(fw *f, int argc, char **argv, char *err, size_t errlen) {
    (void)argc, (void)argv, (void)err, (void)errlen;
    sh_show_arp(&fw_out, &f->stack);
    return CMD_OK;
}

static cmd_result cmd_route(fw *f, int argc, char **argv, char *err, size_t errlen) {
    (void)argc, (void)argv, (void)err, (void)errlen;
    sh_show_routes(&fw_out, &f->stack);
    return CMD_OK;
}

/* ---- stats, mem, perf ---------------------------------------------------------------- */

static void counter(const char *name, uint32_t v, bool nz) {
    sh_show_counter(&fw_out, name, v, nz);
}

static uint32_t stack_used(void) {
    return (uint32_t)(board_stack_size() - board_stack_unused());
}

void shell_print_stats(fw *f, bool nz) {
    sh_show_counters(&fw_out, &f->stack, nz);
    const lan9118_counters *c = &f->eth.counters;
    counter("lan9118.rx_frames", c->rx_frames, nz);
    counter("lan9118.rx_bytes", c->rx_bytes, nz);
    counter("lan9118.rx_nomem", c->rx_nomem, nz);
    counter("lan9118.rx_errors", c->rx_errors, nz);
    counter("lan9118.rx_hw_drops", c->rx_hw_drops, nz);
    counter("lan9118.tx_frames", c->tx_frames, nz);
    counter("lan9118.tx_bytes", c->tx_bytes, nz);
    counter("lan9118.tx_errors", c->tx_errors, nz);
    counter("lan9118.link_changes", c->link_changes, nz);
    counter("fw.stack_used", stack_used(), nz);
    counter("fw.stack_size", (uint32_t)board_stack_size(), nz);
    sh_show_pools(&fw_out, &f->stack);
}

static cmd_result cmd_stats(fw *f, int argc, char **argv, char *err, size_t errlen) {
    (void)argc, (void)argv, (void)err, (void)errlen;
    shell_print_stats(f, false);
    return CMD_OK;
}

static cmd_result cmd_mem(fw *f, int argc, char **argv, char *err, size_t errlen) {
    (void)argc, (void)argv, (void)err, (void)errlen;
    out("stack %u/%u bytes used (high-water mark of the painted stack)\n", (unsigned)stack_used(),
        (unsigned)board_stack_size());
    out("stack object %u bytes\n", (unsigned)sizeof f->stack);
    sh_show_pools(&fw_out, &f->stack);
    return CMD_OK;
}

/* Instructions per received frame: core clock ticks spent in the receive path
 * (driver, stack, replies sent from it) x 40 (QEMU -icount shift=0). */
static cmd_result cmd_perf(fw *f, int argc, char **argv, char *err, size_t errlen) {
    fw_perf *p = &f->perf;
    if (argc == 2) {
        if (strcmp(argv[1], "reset") != 0) {
            fw_snprintf(err, errlen, "usage: perf [reset]");
            return CMD_ERROR;
        }
        memset(p, 0, sizeof *p);
        return CMD_OK;
    }
    uint32_t insns = (uint32_t)(p->rx_ticks * BOARD_INSNS_PER_TICK);
    out("perf.rx_frames %u\n", (unsigned)p->rx_frames);
    out("perf.rx_calls %u\n", (unsigned)p->rx_calls);
    out("perf.rx_insns %u\n", (unsigned)insns);
    out("perf.insns_per_frame %u\n", p->rx_frames ? (unsigned)(insns / p->rx_frames) : 0u);
    return CMD_OK;
}

static cmd_result cmd_fault(fw *f, int argc, char **argv, char *err, size_t errlen) {
    (void)f;
    if (argc == 2 && strcmp(argv[1], "undefined") == 0)
        board_fault(0);
    else if (argc == 2 && strcmp(argv[1], "unaligned") == 0)
        board_fault(1);
    else {
        fw_snprintf(err, errlen, "usage: fault undefined|unaligned");
        return CMD_ERROR;
    }
    return CMD_OK; /* unaligned without the trap: no fault */
}

static cmd_result cmd_quit(fw *f, int argc, char **argv, char *err, size_t errlen) {
    (void)argc, (void)argv, (void)err, (void)errlen;
    f->quit = true;
    return CMD_OK;
}

/* ---- ping ---------------------------------------------------------------------------- */

static void ping_summary(fw *f, uint16_t sent, uint16_t received) {
    fw_ping *hp = &f->ping;
    sh_show_ping_summary(&fw_out, &hp->dst, sent, received, hp->rtt_min, hp->rtt_sum, hp->rtt_max);
}

static void ping_event(void *ctx, tern_ping *ping, const tern_ping_result *r) {
    fw *f = ctx;
    fw_ping *hp = &f->ping;
    char dst[TERN_ADDR_STRLEN];
    (void)ping;
    if (!hp->active)
        return;
    switch (r->event) {
    case TERN_PING_REPLY:
        if (r->rtt_ms < hp->rtt_min)
            hp->rtt_min = r->rtt_ms;
        if (r->rtt_ms > hp->rtt_max)
            hp->rtt_max = r->rtt_ms;
        hp->rtt_sum += r->rtt_ms;
        sh_show_ping_reply(&fw_out, &hp->dst, r);
        break;
    case TERN_PING_TIMEOUT:
        out("no answer from %s: icmp_seq=%u\n", tern_addr_format(&hp->dst, dst, sizeof dst), r->seq);
        break;
    case TERN_PING_ERROR:
        out("send error: icmp_seq=%u: %s\n", r->seq, tern_strerror(r->err));
        break;
    case TERN_PING_DONE:
        ping_summary(f, r->sent, r->received);
        hp->active = false;
        out("ok\n");
        break;
    }
}

static cmd_result cmd_ping(fw *f, int argc, char **argv, char *err, size_t errlen) {
    fw_ping *hp = &f->ping;
    uint32_t count = PING_DEFAULT_COUNT, size = PING_DEFAULT_SIZE, interval = PING_DEFAULT_INTERVAL_MS;
    char dst[TERN_ADDR_STRLEN];
    if (!tern_addr_parse(argv[1], &hp->dst) || hp->dst.family != TERN_AF_INET) {
        fw_snprintf(err, errlen, "bad address '%.40s'", argv[1]);
        return CMD_ERROR;
    }
    if ((argc > 2 && !sh_parse_uint(argv[2], 1, 65535, &count)) ||
        (argc > 3 && !sh_parse_uint(argv[3], 0, PING_MAX_SIZE, &size)) ||
        (argc > 4 && !sh_parse_uint(argv[4], 10, 60000, &interval))) {
        fw_snprintf(err, errlen, "usage: ping ADDR [COUNT 1..65535] [SIZE 0..%u] [INTERVAL_MS 10..60000]",
                    PING_MAX_SIZE);
        return CMD_ERROR;
    }
    hp->count = (uint16_t)count;
    hp->size = (uint16_t)size;
    hp->rtt_min = UINT32_MAX;
    hp->rtt_max = 0;
    hp->rtt_sum = 0;
    hp->active = true;
    hp->deadline = board_millis() + count * interval + PING_TIMEOUT_MS + PING_WATCHDOG_SLACK_MS;
    out("PING %s %u(%u) bytes of data.\n", tern_addr_format(&hp->dst, dst, sizeof dst), hp->size,
        hp->size + 28u);
    tern_err e = tern_ping_start(&f->stack, &hp->ping, &hp->dst, hp->count, hp->size, interval,
                                 PING_TIMEOUT_MS, ping_event, f);
    if (e != TERN_OK) {
        hp->active = false;
        fw_snprintf(err, errlen, "ping: %s", tern_strerror(e));
        return CMD_ERROR;
    }
    return CMD_PENDING;
}

/* ---- udp send --------------------------------------------------------------------------- */

static void udp_received(void *ctx, tern_udp_pcb *pcb, tern_pbuf *p, const tern_udp_info *info) {
    fw *f = ctx;
    char src[TERN_ADDR_STRLEN], text[UDP_SHOW_MAX + 1];
    (void)pcb;
    uint16_t n = tern_pbuf_copy_out(p, 0, text, UDP_SHOW_MAX);
    for (uint16_t i = 0; i < n; i++)
        if (!isprint((unsigned char)text[i]))
            text[i] = '.';
    text[n] = '\0';
    out("udp from %s:%u %u bytes: %s%s\n", tern_addr_format(&info->src, src, sizeof src), info->sport,
        p->tot_len, text, p->tot_len > n ? "..." : "");
    tern_pbuf_free(&f->stack, p);
}

static cmd_result cmd_udp(fw *f, int argc, char **argv, char *err, size_t errlen) {
    tern_addr dst;
    uint32_t port;
    (void)argc;
    if (strcmp(argv[1], "send") != 0 || !tern_addr_parse(argv[2], &dst) || dst.family != TERN_AF_INET ||
        !sh_parse_uint(argv[3], 1, 65535, &port)) {
        fw_snprintf(err, errlen, "usage: udp send ADDR PORT TEXT");
        return CMD_ERROR;
    }
    if (f->udp == NULL) {
        tern_udp_pcb *pcb = tern_udp_new(&f->stack);
        if (pcb == NULL || tern_udp_bind(pcb, NULL, 0) != TERN_OK) {
            if (pcb)
                tern_udp_free(pcb);
            fw_snprintf(err, errlen, "no free UDP endpoint");
            return CMD_ERROR;
        }
        tern_udp_set_recv(pcb, udp_received, f);
        f->udp = pcb;
    }
    uint16_t len = (uint16_t)strlen(argv[4]);
    tern_pbuf *p = tern_pbuf_alloc(&f->stack, TERN_PBUF_TRANSPORT_HEADROOM, len);
    if (p == NULL || tern_pbuf_copy_in(p, 0, argv[4], len) != TERN_OK) {
        tern_pbuf_free(&f->stack, p);
        fw_snprintf(err, errlen, "out of packet buffers");
        return CMD_ERROR;
    }
    tern_err e = tern_udp_sendto(f->udp, p, &dst, (uint16_t)port);
    if (e != TERN_OK) {
        fw_snprintf(err, errlen, "send: %s", tern_strerror(e));
        return CMD_ERROR;
    }
    return CMD_OK;
}

/* ---- tcp list, iperf ---------------------------------------------------------------------- */

static cmd_result cmd_tcp(fw *f, int argc, char **argv, char *err, size_t errlen) {
    if (argc == 2 && strcmp(argv[1], "list") == 0) {
        sh_show_tcp(&fw_out, &f->stack);
        return CMD_OK;
    }
    return fw_cmd_tcp(f, argc, argv, err, errlen);
}

static cmd_result cmd_iperf(fw *f, int argc, char **argv, char *err, size_t errlen) {
    if (strcmp(argv[1], "client") == 0)
        return fw_cmd_iperf_client(f, argc, argv, err, errlen);
    if (argc == 2 && strcmp(argv[1], "server") == 0) {
        if (!f->iperf_on) {
            fw_snprintf(err, errlen, "the iperf server is not running");
            return CMD_ERROR;
        }
        out("iperf server listening on port %u\n", TERN_IPERF_PORT);
        return CMD_OK;
    }
    fw_snprintf(err, errlen,
                "usage: iperf server | client ADDR [SECONDS] (the server runs from boot on port %u)",
                TERN_IPERF_PORT);
    return CMD_ERROR;
}

/* ---- mcast join/leave: the host program's lines, the LAN9118 hash filter under them ---- */

static void mcast_received(void *ctx, tern_udp_pcb *pcb, tern_pbuf *p, const tern_udp_info *info) {
    fw *f = ctx;
    char group[TERN_ADDR_STRLEN], src[TERN_ADDR_STRLEN], text[UDP_SHOW_MAX + 1];
    for (unsigned i = 0; i < FW_MCAST_MAX; i++) {
        if (f->mcast[i].pcb != pcb)
            continue;
        uint16_t n = tern_pbuf_copy_out(p, 0, text, UDP_SHOW_MAX);
        for (uint16_t j = 0; j < n; j++)
            if (!isprint((unsigned char)text[j]))
                text[j] = '.';
        text[n] = '\0';
        out("mcast %s:%u from %s:%u %u bytes: %s%s\n",
            tern_addr_format(&f->mcast[i].group, group, sizeof group), f->mcast[i].port,
            tern_addr_format(&info->src, src, sizeof src), info->sport, p->tot_len, text,
            p->tot_len > n ? "..." : "");
    }
    tern_pbuf_free(&f->stack, p);
}

static cmd_result mcast_join(fw *f, const tern_addr *group, uint16_t port, char *err, size_t errlen) {
    struct fw_mcast *m = NULL;
    for (unsigned i = 0; i < FW_MCAST_MAX && !m; i++)
        if (f->mcast[i].pcb == NULL)
            m = &f->mcast[i];
    tern_udp_pcb *pcb = m ? tern_udp_new(&f->stack) : NULL;
    if (pcb == NULL) {
        fw_snprintf(err, errlen, "no free UDP endpoint");
        return CMD_ERROR;
    }
    tern_udp_set_flags(pcb, TERN_UDP_F_REUSE, true);
    tern_err e = tern_udp_bind(pcb, group, port);
    if (e == TERN_OK)
        e = tern_igmp_join(&f->stack, &f->nif, group);
    if (e != TERN_OK) {
        tern_udp_free(pcb);
        fw_snprintf(err, errlen, "join: %s", tern_strerror(e));
        return CMD_ERROR;
    }
    tern_udp_set_recv(pcb, mcast_received, f);
    m->pcb = pcb;
    m->group = *group;
    m->port = port;
    return CMD_OK;
}

static cmd_result cmd_mcast(fw *f, int argc, char **argv, char *err, size_t errlen) {
    tern_addr group;
    uint32_t port = 0;
    char text[TERN_ADDR_STRLEN];
    if (argc == 1) { /* the groups joined, as the host lists them */
        for (unsigned i = 0; i < FW_MCAST_MAX; i++)
            if (f->mcast[i].pcb)
                out("group %s port %u\n", tern_addr_format(&f->mcast[i].group, text, sizeof text),
                    f->mcast[i].port);
        return CMD_OK;
    }
    bool ok = argc >= 3 && tern_addr_parse(argv[2], &group) && group.family == TERN_AF_INET &&
              (tern_addr_get_ipv4(&group) >> 28) == 0xEu;
    if (ok && argc == 4 && strcmp(argv[1], "join") == 0 && sh_parse_uint(argv[3], 1, 65535, &port))
        return mcast_join(f, &group, (uint16_t)port, err, errlen);
    if (ok && argc == 5 && strcmp(argv[1], "send") == 0 && sh_parse_uint(argv[3], 1, 65535, &port))
        return fw_mcast_send(f, &group, (uint16_t)port, argv[4], err, errlen);
    if (ok && argc == 3 && strcmp(argv[1], "leave") == 0) {
        bool found = false;
        for (unsigned i = 0; i < FW_MCAST_MAX; i++) {
            if (f->mcast[i].pcb && tern_addr_equal(&f->mcast[i].group, &group)) {
                tern_udp_free(f->mcast[i].pcb);
                (void)tern_igmp_leave(&f->stack, &f->nif, &group);
                memset(&f->mcast[i], 0, sizeof f->mcast[i]);
                found = true;
            }
        }
        if (found)
            return CMD_OK;
        fw_snprintf(err, errlen, "not a member of %s", argv[2]);
        return CMD_ERROR;
    }
    fw_snprintf(err, errlen,
                "usage: mcast [join GROUP PORT | leave GROUP | send GROUP PORT TEXT] (GROUP 224.0.0.0/4)");
    return CMD_ERROR;
}

/* ---- dhcp ------------------------------------------------------------------------------------ */

cmd_result cmd_dhcp(fw *f, int argc, char **argv, char *err, size_t errlen) {
#if TERN_CFG_DHCP
    if (!f->dhcp_on) {
        fw_snprintf(err, errlen, "DHCP is not running (start with --dhcp)");
        return CMD_ERROR;
    }
    tern_err e;
    if (argc == 1) {
        tern_dhcp_info info;
        tern_dhcp_get_info(&f->dhcp, &info);
        sh_show_dhcp(&fw_out, &info);
        return CMD_OK;
    }
    if (strcmp(argv[1], "renew") == 0) {
        e = tern_dhcp_renew(&f->dhcp);
    } else if (strcmp(argv[1], "release") == 0) {
        e = tern_dhcp_release(&f->dhcp);
    } else {
        fw_snprintf(err, errlen, "usage: dhcp [renew|release]");
        return CMD_ERROR;
    }
    if (e != TERN_OK) {
        fw_snprintf(err, errlen, "dhcp %s: %s", argv[1], tern_strerror(e));
        return CMD_ERROR;
    }
    return CMD_OK;
#else
    (void)f, (void)argc, (void)argv;
    fw_snprintf(err, errlen, "this build has no DHCP client");
    return CMD_ERROR;
#endif
}

/* ---- The table, parsing, dispatch ------------------------------------------------------------ */

static cmd_result cmd_help(fw *f, int argc, char **argv, char *err, size_t errlen);

static const shell_cmd commands[] = {
    {"help", cmd_help, 0, 0, false, "help", "list the commands"},
    {"ifconfig", cmd_ifconfig, 0, 1, false, "ifconfig [NAME]", "interfaces: flags, MTU, MAC, IPv4, counters"},
    {"arp", cmd_arp, 0, 0, false, "arp", "the ARP cache"},
    {"route", cmd_route, 0, 0, false, "route", "connected networks, default gateways"},
    {"stats", cmd_stats, 0, 0, false, "stats", "counters (name value) and pool usage"},
    {"ping", cmd_ping, 1, 4, false, "ping ADDR [COUNT] [SIZE] [INTERVAL_MS]",
     "ICMP echo (default 4 x 56 bytes, 1000 ms apart)"},
    {"udp", cmd_udp, 4, 4, true, "udp send ADDR PORT TEXT",
     "send TEXT in one datagram from an ephemeral port"},
    {"tcp", cmd_tcp, 1, 3, true, "tcp list | connect ADDR PORT [echo] | send ID TEXT | close ID",
     "TCP connections: list (state, windows, RTT, queues), open, send a line, close"},
    {"iperf", cmd_iperf, 1, 3, false, "iperf server | client ADDR [SECONDS]",
     "iperf2-compatible TCP throughput: the server (port 5001, from boot), or send to Linux iperf -s"},
    {"dns", fw_cmd_dns, 1, 3, false, "dns NAME | server [N ADDR|none] | flush",
     "name lookup through the DNS client (and mDNS for .local), its servers, its cache"},
    {"dhcp", cmd_dhcp, 0, 1, false, "dhcp [renew|release]",
     "DHCP client state and lease, or renew/release it"},
    {"mcast", cmd_mcast, 0, 4, true, "mcast [join GROUP PORT | leave GROUP | send GROUP PORT TEXT]",
     "multicast: list the groups, join (IGMP + the MAC's hash filter), leave, send a datagram"},
    {"mem", cmd_mem, 0, 0, false, "mem", "stack high-water mark and pools"},
    {"perf", cmd_perf, 0, 1, false, "perf [reset]", "instructions spent per received frame (QEMU -icount)"},
    {"fault", cmd_fault, 1, 1, false, "fault undefined|unaligned",
     "fault on purpose (tests the fault handler)"},
    {"quit", cmd_quit, 0, 0, false, "quit", "stop the firmware (QEMU exits)"},
};
#define SHELL_NCMDS (sizeof commands / sizeof commands[0])

static cmd_result cmd_help(fw *f, int argc, char **argv, char *err, size_t errlen) {
    (void)f, (void)argc, (void)argv, (void)err, (void)errlen;
    for (size_t i = 0; i < SHELL_NCMDS; i++)
        out("%-40s %s\n", commands[i].usage, commands[i].help);
    return CMD_OK;
}

static void answer(cmd_result r, const char *err) {
    sh_answer(&fw_out, r, err);
}

static void shell_exec(fw *f, char *line) {
    char *p = line;
    char *name = sh_next_word(&p);
    char err[160] = "";
    if (name == NULL || name[0] == '#')
        return;
    const shell_cmd *cmd = NULL;
    for (size_t i = 0; i < SHELL_NCMDS && !cmd; i++)
        if (strcmp(commands[i].name, name) == 0)
            cmd = &commands[i];
    if (cmd == NULL) {
        fw_snprintf(err, sizeof err, "unknown command '%.40s' (try help)", name);
        answer(CMD_ERROR, err);
        return;
    }
    char *argv[SHELL_MAX_ARGS + 1];
    argv[0] = name;
    int argc = sh_split_args(&p, cmd->max_args, cmd->rest, argv);
    if (argc - 1 < cmd->min_args || sh_skip_space(p)[0] != '\0') {
        fw_snprintf(err, sizeof err, "usage: %s", cmd->usage);
        answer(CMD_ERROR, err);
        return;
    }
    argv[argc] = NULL;
    answer(cmd->fn(f, argc, argv, err, sizeof err), err);
}

bool shell_busy(const fw *f) {
    return f->ping.active || fw_net_busy(f);
}

/* One byte from the UART; a complete line runs when the shell is not busy. */
void shell_input(fw *f, int c) {
    if (c == '\n' || c == '\r') {
        if (f->in_overflow) {
            f->in_overflow = false;
            f->in_len = 0;
            answer(CMD_ERROR, "line too long");
            return;
        }
        if (f->in_len == 0)
            return; /* an empty line, or the LF of CR LF */
        f->in[f->in_len] = '\0';
        f->in_len = 0;
        shell_exec(f, f->in);
        return;
    }
    if (f->in_len >= FW_LINE_MAX) {
        f->in_overflow = true;
        return;
    }
    f->in[f->in_len++] = (char)c;
}

void shell_check(fw *f, uint32_t now) {
    fw_ping *hp = &f->ping;
    fw_net_check(f, now);
    if (!hp->active || (int32_t)(now - hp->deadline) < 0)
        return;
    uint16_t sent = hp->ping.sent, received = hp->ping.received;
    tern_ping_stop(&f->stack, &hp->ping);
    hp->active = false;
    ping_summary(f, sent, received);
    out("error: ping did not complete in time\n");
}
