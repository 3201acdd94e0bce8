/*
 * The line shell on standard input. Every command's answer ends with a line
 * "ok" or "error: REASON". Commands are looked up in a table; a command may
 * answer later (CMD_PENDING, e.g. ping), and further lines wait until then.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "host.h"

#define SHELL_MAX_ARGS 8

typedef cmd_result (*cmd_fn)(host *h, int argc, char **argv, char *err, size_t errlen);

typedef struct shell_cmd {
    const char *name;
    cmd_fn fn;
    int min_args, max_args; /* arguments after the command name */
    bool rest;              /* the last argument takes the rest of the line */
    const char *usage;
    const char *help;
} shell_cmd;

static cmd_result cmd_help(host *h, int argc, char **argv, char *err, size_t errlen);
static cmd_result cmd_ifconfig(host *h, int argc, char **argv, char *err, size_t errlen);
static cmd_result cmd_arp(host *h, int argc, char **argv, char *err, size_t errlen);
static cmd_result cmd_route(host *h, int argc, char **argv, char *err, size_t errlen);
#if TERN_CFG_IPV6
static cmd_result cmd_nd(host *h, int argc, char **argv, char *err, size_t errlen);
#endif
static cmd_result cmd_stats(host *h, int argc, char **argv, char *err, size_t errlen);
static cmd_result cmd_quit(host *h, int argc, char **argv, char *err, size_t errlen);

static const shell_cmd commands[] = {
    {"help", cmd_help, 0, 0, false, "help", "list the commands"},
    {"ifconfig", cmd_ifconfig, 0, 1, false, "ifconfig [NAME]", "interfaces: flags, MTU, MAC, IPv4, counters"},
    {"arp", cmd_arp, 0, 0, false, "arp", "the ARP cache"},
#if TERN_CFG_IPV6
    {"nd", cmd_nd, 0, 0, false, "nd", "IPv6 neighbor cache, default routers, on-link prefixes, DNS from RAs"},
#endif
    {"route", cmd_route, 0, 0, false, "route", "connected networks, static routes, default gateways"},
    {"stats", cmd_stats, 0, 0, false, "stats", "counters (name value) and pool usage"},
    {"ping", cmd_ping, 1, 4, false, "ping ADDR [COUNT] [SIZE] [INTERVAL_MS]",
     "ICMP echo (default 4 x 56 bytes, 1000 ms apart)"},
    {"udp", cmd_udp, 4, 4, true, "udp send ADDR PORT TEXT | udp fill ADDR PORT SIZE",
     "send TEXT in one datagram from an ephemeral port"},
    {"tcp", cmd_tcp, 1, 3, true, "tcp list | connect ADDR PORT [echo] | send ID TEXT | close ID",
     "TCP connections: list (state, windows, RTT, queues), open, send a line, close"},
    {"iperf", cmd_iperf, 1, 3, false, "iperf server [PORT] | client ADDR [SECONDS] [PORT]",
     "iperf2-compatible TCP throughput: serve (Linux iperf -c), or send (to Linux iperf -s)"},
    {"dhcp", cmd_dhcp, 0, 1, false, "dhcp [renew|release]",
     "DHCP client state and lease, or renew/release it"},
    {"dns", cmd_dns, 1, 3, false, "dns NAME [a|aaaa] | server [N ADDR|none] | flush",
     "look NAME up (A records), show or set the DNS servers, empty the cache"},
    {"mcast", cmd_mcast, 0, 4, true, "mcast [join GROUP PORT | leave GROUP | send GROUP PORT TEXT]",
     "list, join or leave multicast groups; send TEXT to GROUP:PORT"},
#if TERN_CFG_SOCKETS
    {"sockecho", cmd_sockecho, 1, 1, false, "sockecho PORT",
     "serve TCP echo on PORT from a thread using the sockets API (examples/echo_server.c)"},
#endif
    {"quit", cmd_quit, 0, 0, false, "quit", "stop the program"},
};
#define SHELL_NCMDS (sizeof(commands) / sizeof(commands[0]))

/* ---- Informational commands ------------------------------------------------ */

static cmd_result cmd_help(host *h, int argc, char **argv, char *err, size_t errlen) {
    (void)h, (void)argc, (void)argv, (void)err, (void)errlen;
    for (size_t i = 0; i < SHELL_NCMDS; i++)
        printf("%-40s %s\n", commands[i].usage, commands[i].help);
    return CMD_OK;
}

static void print_tap_driver(const tern_tap *tap) {
    const tern_tap_counters *c = &tap->counters;
    printf("    driver tap %s fd %d rx_nomem %u rx_errors %u tx_errors %u\n", tap->ifname, tap->fd,
           c->rx_nomem, c->rx_errors, c->tx_errors);
}

static void print_netif(host *h, const tern_netif *nif) {
    sh_show_netif(&host_out, nif);
    if (nif == &h->nif)
        print_tap_driver(&h->tap);
}

static cmd_result cmd_ifconfig(host *h, int argc, char **argv, char *err, size_t errlen) {
    unsigned shown = 0;
    for (tern_netif *nif = h->stack.netifs; nif != NULL; nif = nif->next) {
        if (argc == 2 && strcmp(argv[1], nif->name) != 0)
            continue;
        print_netif(h, nif);
        shown++;
    }
    if (argc == 2 && shown == 0) {
        snprintf(err, errlen, "no interface '%s'", argv[1]);
        return CMD_ERROR;
    }
    return CMD_OK;
}

static cmd_result cmd_arp(host *h, int argc, char **argv, char *err, size_t errlen) {
    (void)argc, (void)argv, (void)err, (void)errlen;
    sh_show_arp(&host_out, &h->stack);
    return CMD_OK;
}

#if TERN_CFG_IPV6
static const char *netif_name(host *h, uint8_t index) {
    tern_netif *nif = tern_netif_by_index(&h->stack, index);
    return nif ? nif->name : "?";
}

static cmd_result cmd_nd(host *h, int argc, char **argv, char *err, size_t errlen) {
    (void)argc, (void)argv, (void)err, (void)errlen;
    tern_nd_info entries[TERN_CFG_IPV6_NEIGHBORS];
    char ip[TERN_ADDR_STRLEN], mac[18];
    tern_stack *s = &h->stack;
    unsigned n = tern_nd_entries(s, entries, TERN_CFG_IPV6_NEIGHBORS);
    for (unsigned i = 0; i < n && i < TERN_CFG_IPV6_NEIGHBORS; i++) {
        const tern_nd_info *e = &entries[i];
        printf("%s at %s %s%s on %s age %us\n", tern_addr_format(&e->ip, ip, sizeof(ip)),
               e->state == TERN_ND_INCOMPLETE ? "(incomplete)" : sh_format_mac(e->mac, mac),
               tern_nd_state_name(e->state), e->router ? " router" : "", netif_name(h, e->ifindex),
               (unsigned)(e->age_ms / 1000u));
    }
    for (unsigned i = 0; i < TERN_CFG_IPV6_ROUTERS; i++) {
        const tern_ipv6_router *r = &s->ipv6.routers[i];
        if (!r->ifindex)
            continue;
        tern_addr a = tern_addr_ipv6(r->ip, r->ifindex);
        printf("router %s dev %s lifetime %ds\n", tern_addr_format(&a, ip, sizeof(ip)),
               netif_name(h, r->ifindex), (int)(r->until - s->now) / 1000);
    }
    for (unsigned i = 0; i < TERN_CFG_IPV6_PREFIXES; i++) {
        const tern_ipv6_prefix *p = &s->ipv6.prefixes[i];
        if (!p->len)
            continue;
        tern_addr a = tern_addr_ipv6(p->prefix, 0);
        printf("prefix %s/%u dev %s on-link\n", tern_addr_format(&a, ip, sizeof(ip)), p->len,
               netif_name(h, p->ifindex));
    }
    for (unsigned i = 0; i < TERN_CFG_IPV6_RDNSS; i++) {
        const tern_ipv6_dns *d = &s->ipv6.dns[i];
        if (!d->ifindex)
            continue;
        tern_addr a = tern_addr_ipv6(d->ip, 0);
        printf("rdnss %s dev %s\n", tern_addr_format(&a, ip, sizeof(ip)), netif_name(h, d->ifindex));
    }
    if (s->ipv6.dnssl[0])
        printf("dnssl %s\n", s->ipv6.dnssl);
    return CMD_OK;
}
#endif

static cmd_result cmd_route(host *h, int argc, char **argv, char *err, size_t errlen) {
    (void)argc, (void)argv, (void)err, (void)errlen;
    sh_show_routes(&host_out, &h->stack);
    return CMD_OK;
}

/* ---- Statistics ---------------------------------------------------------------- */

static void print_counter(const char *name, uint32_t v, bool nonzero_only) {
    sh_show_counter(&host_out, name, v, nonzero_only);
}

static void print_driver_stats(host *h, bool nz) {
    const tern_tap_counters *c = &h->tap.counters;
    print_counter("tap.rx_frames", c->rx_frames, nz);
    print_counter("tap.rx_bytes", c->rx_bytes, nz);
    print_counter("tap.rx_nomem", c->rx_nomem, nz);
    print_counter("tap.rx_errors", c->rx_errors, nz);
    print_counter("tap.rx_gso", c->rx_gso, nz);
    print_counter("tap.tx_gso", c->tx_gso, nz);
    print_counter("tap.tx_frames", c->tx_frames, nz);
    print_counter("tap.tx_bytes", c->tx_bytes, nz);
    print_counter("tap.tx_errors", c->tx_errors, nz);
    if (h->pcap_on) {
        print_counter("pcap.packets", h->pcap.packets, nz);
        print_counter("pcap.errors", h->pcap.errors, nz);
    }
}

#if TERN_CFG_IMPAIR
static void print_impair(const char *dir, const tern_impair_counters *c, bool nz) {
    char name[48];
    const struct {
        const char *n;
        uint32_t v;
    } rows[] = {{"passed", c->passed},       {"lost", c->lost},           {"duplicated", c->duplicated},
                {"reordered", c->reordered}, {"corrupted", c->corrupted}, {"delayed", c->delayed},
                {"overflow", c->overflow}};
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        snprintf(name, sizeof(name), "impair.%s.%s", dir, rows[i].n);
        print_counter(name, rows[i].v, nz);
    }
}
#endif

void shell_print_stats(host *h, bool nonzero_only) {
    sh_show_counters(&host_out, &h->stack, nonzero_only);
    print_driver_stats(h, nonzero_only);
#if TERN_CFG_IMPAIR
    if (h->impair_on) {
        print_impair("rx", &h->impair_rx.counters, nonzero_only);
        print_impair("tx", &h->impair_tx.counters, nonzero_only);
    }
#endif
    sh_show_pools(&host_out, &h->stack);
}

static cmd_result cmd_stats(host *h, int argc, char **argv, char *err, size_t errlen) {
    (void)argc, (void)argv, (void)err, (void)errlen;
    shell_print_stats(h, false);
    return CMD_OK;
}

static cmd_result cmd_quit(host *h, int argc, char **argv, char *err, size_t errlen) {
    (void)argc, (void)argv, (void)err, (void)errlen;
    h->quit = true;
    return CMD_OK;
}

/* ---- Parsing and dispatch ------------------------------------------------------ */

static const shell_cmd *find_command(const char *name) {
    for (size_t i = 0; i < SHELL_NCMDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static void answer(cmd_result r, const char *err) {
    sh_answer(&host_out, r, err);
    fflush(stdout);
}

static void shell_exec(host *h, char *line) {
    char *p = line;
    char *name = sh_next_word(&p);
    char err[160] = "";
    if (name == NULL || name[0] == '#')
        return; /* blank line or comment: no answer */
    const shell_cmd *cmd = find_command(name);
    if (cmd == NULL) {
        snprintf(err, sizeof(err), "unknown command '%.40s' (try help)", name);
        answer(CMD_ERROR, err);
        return;
    }
    char *argv[SHELL_MAX_ARGS + 1];
    argv[0] = name;
    int argc = sh_split_args(&p, cmd->max_args, cmd->rest, argv);
    if (argc - 1 < cmd->min_args || sh_skip_space(p)[0] != '\0') {
        snprintf(err, sizeof(err), "usage: %s", cmd->usage);
        answer(CMD_ERROR, err);
        return;
    }
    argv[argc] = NULL;
    answer(cmd->fn(h, argc, argv, err, sizeof(err)), err);
}

bool shell_busy(const host *h) {
    return h->ping.active || host_dns_busy(h) || host_tcp_busy(h);
}

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
        answer(CMD_ERROR, "line too long");
    } else {
        shell_exec(h, h->in);
    }
    memmove(h->in, h->in + used, h->in_len - used);
    h->in_len -= used;
    return true;
}

void shell_run_pending(host *h) {
    while (!h->quit && !shell_busy(h) && run_one_line(h)) {
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
