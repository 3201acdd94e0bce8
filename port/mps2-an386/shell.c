/*
 * The firmware's shell on the UART: its command table (the commands are
 * apps/shell's, the host program's, plus mem, perf and fault), its output
 * through the console, the LAN9118's lines, and lines typed byte by byte.
 */
#include <string.h>

#include "board.h"
#include "fw.h"

/* ---- mem, perf, fault: the firmware's own commands ------------------------------- */

static uint32_t stack_used(void) {
    return (uint32_t)(board_stack_size() - board_stack_unused());
}

static cmd_result cmd_mem(sh_shell *sh, int argc, char **argv, char *err, size_t errlen) {
    const fw *f = sh->ctx;
    (void)argc, (void)argv, (void)err, (void)errlen;
    out("stack %u/%u bytes used (high-water mark of the painted stack)\n", (unsigned)stack_used(),
        (unsigned)board_stack_size());
    out("stack object %u bytes\n", (unsigned)sizeof f->stack);
    sh_show_pools(sh->out, sh->stack);
    return CMD_OK;
}

static const sh_cmd fw_cmd_mem = {
    .name = "mem",
    .fn = cmd_mem,
    .min_args = 0,
    .max_args = 0,
    .usage = "mem",
    .help = "stack high-water mark and pools",
};

/* Instructions per received frame: core clock ticks spent in the receive path
 * (driver, stack, replies sent from it) x 40 (QEMU -icount shift=0). */
static cmd_result cmd_perf(sh_shell *sh, int argc, char **argv, char *err, size_t errlen) {
    fw *f = sh->ctx;
    fw_perf *p = &f->perf;
    if (argc == 2) {
        if (strcmp(argv[1], "reset") != 0)
            return sh_fail(sh, err, errlen, "usage: perf [reset]");
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

static const sh_cmd fw_cmd_perf = {
    .name = "perf",
    .fn = cmd_perf,
    .min_args = 0,
    .max_args = 1,
    .usage = "perf [reset]",
    .help = "instructions spent per received frame (QEMU -icount)",
};

static cmd_result cmd_fault(sh_shell *sh, int argc, char **argv, char *err, size_t errlen) {
    if (argc == 2 && strcmp(argv[1], "undefined") == 0)
        board_fault(0);
    else if (argc == 2 && strcmp(argv[1], "unaligned") == 0)
        board_fault(1);
    else
        return sh_fail(sh, err, errlen, "usage: fault undefined|unaligned");
    return CMD_OK; /* unaligned without the trap: no fault */
}

static const sh_cmd fw_cmd_fault = {
    .name = "fault",
    .fn = cmd_fault,
    .min_args = 1,
    .max_args = 1,
    .usage = "fault undefined|unaligned",
    .help = "fault on purpose (tests the fault handler)",
};

/* ---- The table: every command of the firmware, in help's order ---------------------- */

static const sh_cmd *const commands[] = {
    &sh_cmd_help,     /* apps/shell/shell.c */
    &sh_cmd_ifconfig, /* apps/shell/shell_cmd_info.c, with show_lan9118 below */
    &sh_cmd_arp,      /* apps/shell/shell_cmd_info.c */
    &sh_cmd_route,    /* apps/shell/shell_cmd_info.c */
    &sh_cmd_stats,    /* apps/shell/shell_cmd_info.c, with show_lan9118_stats below */
    &sh_cmd_ping,     /* apps/shell/shell_cmd_net.c */
    &sh_cmd_udp,      /* apps/shell/shell_cmd_net.c */
    &sh_cmd_tcp,      /* apps/shell/shell_cmd_tcp.c */
    &sh_cmd_iperf,    /* apps/shell/shell_cmd_tcp.c (the server runs from boot: main.c) */
    &sh_cmd_dns,      /* apps/shell/shell_cmd_dns.c */
    &sh_cmd_dhcp,     /* apps/shell/shell_cmd_dhcp.c */
    &sh_cmd_mcast,    /* apps/shell/shell_cmd_mcast.c */
    &fw_cmd_mem,      /* above */
    &fw_cmd_perf,     /* above */
    &fw_cmd_fault,    /* above */
    &sh_cmd_quit,     /* apps/shell/shell.c */
};

/* ---- What the shell needs from the firmware: the UART, the LAN9118's lines ------------ */

static void vprint_uart(void *ctx, const char *fmt, va_list ap) {
    (void)ctx;
    fw_vout(fmt, ap);
}

static void show_lan9118(sh_shell *sh, const tern_netif *nif) {
    fw *f = sh->ctx;
    const lan9118_counters *d = &f->eth.counters;
    uint32_t hh, hl;
    if (nif != &f->nif)
        return;
    lan9118_hash_filter(&f->eth, &hh, &hl);
    out("    driver lan9118 at 0x%08x link %s rx_nomem %u rx_errors %u rx_hw_drops %u tx_errors %u\n",
        (unsigned)f->eth.base, f->eth.link ? "up" : "down", (unsigned)d->rx_nomem, (unsigned)d->rx_errors,
        (unsigned)d->rx_hw_drops, (unsigned)d->tx_errors);
    out("    driver hash filter 0x%08x%08x\n", (unsigned)hh, (unsigned)hl);
}

static void show_lan9118_stats(sh_shell *sh, bool nz) {
    const fw *f = sh->ctx;
    const lan9118_counters *c = &f->eth.counters;
    const struct {
        const char *name;
        uint32_t v;
    } rows[] = {{"lan9118.rx_frames", c->rx_frames},
                {"lan9118.rx_bytes", c->rx_bytes},
                {"lan9118.rx_nomem", c->rx_nomem},
                {"lan9118.rx_errors", c->rx_errors},
                {"lan9118.rx_hw_drops", c->rx_hw_drops},
                {"lan9118.tx_frames", c->tx_frames},
                {"lan9118.tx_bytes", c->tx_bytes},
                {"lan9118.tx_errors", c->tx_errors},
                {"lan9118.link_changes", c->link_changes},
                {"fw.stack_used", stack_used()},
                {"fw.stack_size", (uint32_t)board_stack_size()}};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        sh_show_counter(sh->out, rows[i].name, rows[i].v, nz);
}

static const sh_port fw_port = {
    .out = {vprint_uart, NULL, NULL},
    .vformat = fw_vformat,
    .show_driver = show_lan9118,
    .show_driver_stats = show_lan9118_stats,
    .cmds = commands,
    .ncmds = sizeof commands / sizeof commands[0],
};

void shell_init(fw *f) {
    sh_init(&f->sh, &fw_port, f, &f->stack, &f->nif);
}

/* ---- Lines from the UART ---------------------------------------------------------- */

/* One byte from the UART; a complete line runs at once (the loop reads no
 * more while a command is pending). */
void shell_input(fw *f, int c) {
    if (c == '\n' || c == '\r') {
        if (f->in_overflow) {
            f->in_overflow = false;
            f->in_len = 0;
            sh_answer(f->sh.out, CMD_ERROR, "line too long");
            return;
        }
        if (f->in_len == 0)
            return; /* an empty line, or the LF of CR LF */
        f->in[f->in_len] = '\0';
        f->in_len = 0;
        sh_exec(&f->sh, f->in);
        return;
    }
    if (f->in_len >= FW_LINE_MAX) {
        f->in_overflow = true;
        return;
    }
    f->in[f->in_len++] = (char)c;
}
