/*
 * The host program's shell on standard input: its command table (the
 * commands are apps/shell's, plus nd and sockecho), its output on stdout,
 * the TAP driver's lines, and lines read from stdin. A command may answer
 * later (ping, dns, ...): further lines then wait in the buffer.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "host.h"

/* ---- nd (IPv6 only) ------------------------------------------------------------ */

#if TERN_CFG_IPV6
static const char *netif_name(tern_stack *s, uint8_t index) {
    tern_netif *nif = tern_netif_by_index(s, index);
    return nif ? nif->name : "?";
}

static void show_neighbors(tern_stack *s) {
    tern_nd_info entries[TERN_CFG_IPV6_NEIGHBORS];
    char ip[TERN_ADDR_STRLEN], mac[18];
    unsigned n = tern_nd_entries(s, entries, TERN_CFG_IPV6_NEIGHBORS);
    for (unsigned i = 0; i < n && i < TERN_CFG_IPV6_NEIGHBORS; i++) {
        const tern_nd_info *e = &entries[i];
        printf("%s at %s %s%s on %s age %us\n", tern_addr_format(&e->ip, ip, sizeof(ip)),
               e->state == TERN_ND_INCOMPLETE ? "(incomplete)" : sh_format_mac(e->mac, mac),
               tern_nd_state_name(e->state), e->router ? " router" : "", netif_name(s, e->ifindex),
               (unsigned)(e->age_ms / 1000u));
    }
}

static void show_router_info(tern_stack *s) {
    char ip[TERN_ADDR_STRLEN];
    for (unsigned i = 0; i < TERN_CFG_IPV6_ROUTERS; i++) {
        const tern_ipv6_router *r = &s->ipv6.routers[i];
        if (!r->ifindex)
            continue;
        tern_addr a = tern_addr_ipv6(r->ip, r->ifindex);
        printf("router %s dev %s lifetime %ds\n", tern_addr_format(&a, ip, sizeof(ip)),
               netif_name(s, r->ifindex), (int)(r->until - s->now) / 1000);
    }
    for (unsigned i = 0; i < TERN_CFG_IPV6_PREFIXES; i++) {
        const tern_ipv6_prefix *p = &s->ipv6.prefixes[i];
        if (!p->len)
            continue;
        tern_addr a = tern_addr_ipv6(p->prefix, 0);
        printf("prefix %s/%u dev %s on-link\n", tern_addr_format(&a, ip, sizeof(ip)), p->len,
               netif_name(s, p->ifindex));
    }
    for (unsigned i = 0; i < TERN_CFG_IPV6_RDNSS; i++) {
        const tern_ipv6_dns *d = &s->ipv6.dns[i];
        if (!d->ifindex)
            continue;
        tern_addr a = tern_addr_ipv6(d->ip, 0);
        printf("rdnss %s dev %s\n", tern_addr_format(&a, ip, sizeof(ip)), netif_name(s, d->ifindex));
    }
    if (s->ipv6.dnssl[0])
        printf("dnssl %s\n", s->ipv6.dnssl);
}

static cmd_result cmd_nd(sh_shell *sh, int argc, char **argv, char *err, size_t errlen) {
    (void)argc, (void)argv, (void)err, (void)errlen;
    show_neighbors(sh->stack);
    show_router_info(sh->stack);
    return CMD_OK;
}

static const sh_cmd host_cmd_nd = {
    .name = "nd",
    .fn = cmd_nd,
    .min_args = 0,
    .max_args = 0,
    .usage = "nd",
    .help = "IPv6 neighbor cache, default routers, on-link prefixes, DNS from RAs",
};
#endif

/* ---- The table: every command of the host program, in help's order ---------------- */

static const sh_cmd *const commands[] = {
    &sh_cmd_help,     /* apps/shell/shell.c */
    &sh_cmd_ifconfig, /* apps/shell/shell_cmd_info.c, with show_tap below */
    &sh_cmd_arp,      /* apps/shell/shell_cmd_info.c */
#if TERN_CFG_IPV6
    &host_cmd_nd, /* above */
#endif
    &sh_cmd_route, /* apps/shell/shell_cmd_info.c */
    &sh_cmd_stats, /* apps/shell/shell_cmd_info.c, with show_tap_stats below */
    &sh_cmd_ping,  /* apps/shell/shell_cmd_net.c */
    &sh_cmd_udp,   /* apps/shell/shell_cmd_net.c */
    &sh_cmd_tcp,   /* apps/shell/shell_cmd_tcp.c */
    &sh_cmd_iperf, /* apps/shell/shell_cmd_tcp.c */
    &sh_cmd_dhcp,  /* apps/shell/shell_cmd_dhcp.c */
    &sh_cmd_dns,   /* apps/shell/shell_cmd_dns.c */
    &sh_cmd_mcast, /* apps/shell/shell_cmd_mcast.c */
#if TERN_CFG_SOCKETS
    &host_cmd_sockecho, /* cmd_sock.c */
#endif
    &sh_cmd_quit, /* apps/shell/shell.c */
};

/* ---- What the shell needs from the host: stdout, the TAP's lines -------------------- */

static void vprint_stdout(void *ctx, const char *fmt, va_list ap) {
    (void)ctx;
    vprintf(fmt, ap);
}

static void flush_stdout(void *ctx) {
    (void)ctx;
    fflush(stdout);
}

static size_t vformat(char *buf, size_t size, const char *fmt, va_list ap) {
    int n = vsnprintf(buf, size, fmt, ap);
    return n < 0 ? 0 : (size_t)n;
}

static void show_tap(sh_shell *sh, const tern_netif *nif) {
    const host *h = sh->ctx;
    const tern_tap_counters *c = &h->tap.counters;
    if (nif != &h->nif)
        return;
    printf("    driver tap %s fd %d rx_nomem %u rx_errors %u tx_errors %u\n", h->tap.ifname, h->tap.fd,
           c->rx_nomem, c->rx_errors, c->tx_errors);
}

#if TERN_CFG_IMPAIR
static void show_impair_stats(const sh_out *o, const char *dir, const tern_impair_counters *c, bool nz) {
    char name[48];
    const struct {
        const char *n;
        uint32_t v;
    } rows[] = {{"passed", c->passed},       {"lost", c->lost},           {"duplicated", c->duplicated},
                {"reordered", c->reordered}, {"corrupted", c->corrupted}, {"delayed", c->delayed},
                {"overflow", c->overflow}};
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        snprintf(name, sizeof(name), "impair.%s.%s", dir, rows[i].n);
        sh_show_counter(o, name, rows[i].v, nz);
    }
}
#endif

static void show_tap_stats(sh_shell *sh, bool nz) {
    const host *h = sh->ctx;
    const tern_tap_counters *c = &h->tap.counters;
    const struct {
        const char *name;
        uint32_t v;
    } rows[] = {
        {"tap.rx_frames", c->rx_frames},   {"tap.rx_bytes", c->rx_bytes},  {"tap.rx_nomem", c->rx_nomem},
        {"tap.rx_errors", c->rx_errors},   {"tap.rx_gso", c->rx_gso},      {"tap.tx_gso", c->tx_gso},
        {"tap.tx_frames", c->tx_frames},   {"tap.tx_bytes", c->tx_bytes},  {"tap.tx_errors", c->tx_errors},
        {"pcap.packets", h->pcap.packets}, {"pcap.errors", h->pcap.errors}};
    size_t nrows = sizeof(rows) / sizeof(rows[0]) - (h->pcap_on ? 0u : 2u);
    for (size_t i = 0; i < nrows; i++)
        sh_show_counter(sh->out, rows[i].name, rows[i].v, nz);
#if TERN_CFG_IMPAIR
    if (h->impair_on) {
        show_impair_stats(sh->out, "rx", &h->impair_rx.counters, nz);
        show_impair_stats(sh->out, "tx", &h->impair_tx.counters, nz);
    }
#endif
}

static const sh_port host_port = {
    .out = {vprint_stdout, flush_stdout, NULL},
    .vformat = vformat,
    .show_driver = show_tap,
    .show_driver_stats = show_tap_stats,
    .cmds = commands,
    .ncmds = sizeof(commands) / sizeof(commands[0]),
};

void shell_init(host *h) {
    sh_init(&h->sh, &host_port, h, &h->stack, &h->nif);
}

/* ---- Lines from standard input ----------------------------------------------------- */

/* Execute the first complete line of the buffer; false if there is none. */
static bool run_one_line(host *h) {
    char *nl = memchr(h->in, '\n', h->in_len);
    if (nl == NULL)
        return false;
    *nl = '\0';
    size_t used = (size_t)(nl - h->in) + 1;
    if (nl > h->in && nl[-1] == '\r')
        nl[-1] = '\0';
    if (h->in_overflow) {
        h->in_overflow = false;
        sh_answer(h->sh.out, CMD_ERROR, "line too long");
    } else {
        sh_exec(&h->sh, h->in);
    }
    memmove(h->in, h->in + used, h->in_len - used);
    h->in_len -= used;
    return true;
}

void shell_run_pending(host *h) {
    while (!h->sh.quit && !sh_busy(&h->sh) && run_one_line(h)) {
    }
}

/* At end of input, a last line without a newline still runs. */
static void terminate_last_line(host *h) {
    if (h->in_len > 0 && h->in_len < sizeof(h->in))
        h->in[h->in_len++] = '\n';
}

void shell_read_input(host *h) {
    size_t space = HOST_LINE_MAX - h->in_len;
    if (space == 0) { /* no newline in a full buffer: discard up to the next one */
        h->in_overflow = true;
        h->in_len = 0;
        space = HOST_LINE_MAX;
    }
    ssize_t n = read(STDIN_FILENO, h->in + h->in_len, space);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) {
        h->stdin_open = false; /* end of input ends the shell, not the program */
        terminate_last_line(h);
    } else {
        h->in_len += (size_t)n;
    }
    shell_run_pending(h);
}
