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
    {"tcp", cmd_tcp, 1, 4, true, "tcp list | connect ADDR PORT [echo] | send ID TEXT | close ID",
     "TCP connections: list (state, windows, RTT, queues), open, send a line, close"},
    {"iperf", cmd_iperf, 1, 3, false, "iperf server [PORT] | client ADDR [SECONDS] [PORT]",
     "iperf2-compatible TCP throughput: serve (Linux iperf -c), or send (to Linux iperf -s)"},
    {"dhcp", cmd_dhcp, 0, 1, false, "dhcp [renew|release]",
     "DHCP client state and lease, or renew/release it"},
    {"dns", cmd_dns, 1, 3, false, "dns NAME | server [N ADDR|none] | flush",
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

static void print_flags(const tern_netif *nif) {
    static const struct {
        uint8_t bit;
        const char *name;
    } flags[] = {{TERN_NETIF_UP, "UP"},
                 {TERN_NETIF_LINK_UP, "LINK_UP"},
                 {TERN_NETIF_BROADCAST, "BROADCAST"},
                 {TERN_NETIF_LOOPBACK, "LOOPBACK"}};
    const char *sep = "";
    printf("flags=<");
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
        if (nif->flags & flags[i].bit) {
            printf("%s%s", sep, flags[i].name);
            sep = ",";
        }
    }
    printf(">");
}

static void print_tap_driver(const tern_tap *tap) {
    const tern_tap_counters *c = &tap->counters;
    printf("    driver tap %s fd %d rx_nomem %u rx_errors %u tx_errors %u\n", tap->ifname, tap->fd,
           c->rx_nomem, c->rx_errors, c->tx_errors);
}

static void print_netif(host *h, const tern_netif *nif) {
    char ip[16], gw[16], mac[18];
    printf("%s: ", nif->name);
    print_flags(nif);
    printf(" index %u mtu %u\n", nif->index, nif->mtu);
    if (nif->link_type == TERN_LINK_ETHERNET)
        printf("    ether %s\n", util_format_mac(nif->hwaddr, mac));
    if (nif->ip4 != 0)
        printf("    inet %s/%u gateway %s\n", util_format_ip(nif->ip4, ip, sizeof(ip)),
               util_prefix_len(nif->mask4), nif->gw4 ? util_format_ip(nif->gw4, gw, sizeof(gw)) : "none");
#if TERN_CFG_IPV6
    for (unsigned i = 0; i < TERN_CFG_IPV6_ADDRS; i++) {
        const tern_ipv6_ifaddr *a = &nif->ip6.addrs[i];
        if (a->state == TERN_IPV6_ADDR_NONE)
            continue;
        char text[TERN_ADDR_STRLEN];
        tern_addr t =
            tern_addr_ipv6(a->addr, a->addr[0] == 0xFE && (a->addr[1] & 0xC0u) == 0x80u ? nif->index : 0);
        printf("    inet6 %s/%u %s%s", tern_addr_format(&t, text, sizeof(text)), a->prefix_len,
               tern_ipv6_addr_state_name(a->state), a->autoconf ? " autoconf" : "");
        if (!a->valid_inf)
            printf(" valid %ds", (int)(a->valid_until - h->stack.now) / 1000);
        if (!a->preferred_inf && a->state == TERN_IPV6_ADDR_PREFERRED)
            printf(" preferred %ds", (int)(a->preferred_until - h->stack.now) / 1000);
        printf("\n");
    }
#endif
    const tern_netif_counters *c = &nif->counters;
    printf("    rx packets %u bytes %u drops %u\n", c->rx_packets, c->rx_bytes, c->rx_drops);
    printf("    tx packets %u bytes %u errors %u\n", c->tx_packets, c->tx_bytes, c->tx_errors);
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

static const char *arp_state_name(uint8_t state) {
    switch (state) {
    case TERN_ARP_PENDING:
        return "pending";
    case TERN_ARP_STABLE:
        return "stable";
    case TERN_ARP_STATIC:
        return "static";
    default:
        return "free";
    }
}

static const char *netif_name(host *h, uint8_t index) {
    tern_netif *nif = tern_netif_by_index(&h->stack, index);
    return nif ? nif->name : "?";
}

static cmd_result cmd_arp(host *h, int argc, char **argv, char *err, size_t errlen) {
    (void)argc, (void)argv, (void)err, (void)errlen;
#if TERN_CFG_ETHERNET
    tern_arp_info entries[TERN_CFG_ARP_TABLE_SIZE];
    unsigned n = tern_arp_entries(&h->stack, entries, TERN_CFG_ARP_TABLE_SIZE);
    for (unsigned i = 0; i < n; i++) {
        const tern_arp_info *e = &entries[i];
        char ip[TERN_ADDR_STRLEN], mac[18];
        printf("%s at %s %s on %s age %us\n", tern_addr_format(&e->ip, ip, sizeof(ip)),
               e->state == TERN_ARP_PENDING ? "(incomplete)" : util_format_mac(e->mac, mac),
               arp_state_name(e->state), netif_name(h, e->ifindex), (unsigned)(e->age_ms / 1000u));
    }
#endif
    return CMD_OK;
}

#if TERN_CFG_IPV6
static cmd_result cmd_nd(host *h, int argc, char **argv, char *err, size_t errlen) {
    (void)argc, (void)argv, (void)err, (void)errlen;
    tern_nd_info entries[TERN_CFG_IPV6_NEIGHBORS];
    char ip[TERN_ADDR_STRLEN], mac[18];
    tern_stack *s = &h->stack;
    unsigned n = tern_nd_entries(s, entries, TERN_CFG_IPV6_NEIGHBORS);
    for (unsigned i = 0; i < n && i < TERN_CFG_IPV6_NEIGHBORS; i++) {
        const tern_nd_info *e = &entries[i];
        printf("%s at %s %s%s on %s age %us\n", tern_addr_format(&e->ip, ip, sizeof(ip)),
               e->state == TERN_ND_INCOMPLETE ? "(incomplete)" : util_format_mac(e->mac, mac),
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

static void print_connected(host *h) {
    char net[16], src[16];
    for (tern_netif *nif = h->stack.netifs; nif != NULL; nif = nif->next) {
        if (nif->ip4 == 0)
            continue;
        printf("%s/%u dev %s connected src %s\n", util_format_ip(nif->ip4 & nif->mask4, net, sizeof(net)),
               util_prefix_len(nif->mask4), nif->name, util_format_ip(nif->ip4, src, sizeof(src)));
    }
}

static void print_static_routes(host *h) {
    tern_ipv4_route_info routes[16];
    unsigned n = tern_ipv4_routes(&h->stack, routes, 16);
    for (unsigned i = 0; i < n && i < 16; i++) {
        char dst[TERN_ADDR_STRLEN], gw[TERN_ADDR_STRLEN];
        printf("%s/%u", tern_addr_format(&routes[i].dest, dst, sizeof(dst)), (unsigned)routes[i].prefix_len);
        if (!tern_addr_is_any(&routes[i].gw))
            printf(" via %s", tern_addr_format(&routes[i].gw, gw, sizeof(gw)));
        printf(" dev %s static\n", netif_name(h, routes[i].ifindex));
    }
}

static cmd_result cmd_route(host *h, int argc, char **argv, char *err, size_t errlen) {
    (void)argc, (void)argv, (void)err, (void)errlen;
    char gw[16];
    print_connected(h);
    print_static_routes(h);
    for (tern_netif *nif = h->stack.netifs; nif != NULL; nif = nif->next) {
        if (nif->gw4 != 0)
            printf("default via %s dev %s\n", util_format_ip(nif->gw4, gw, sizeof(gw)), nif->name);
    }
    if (h->stack.default_netif != NULL)
        printf("default dev %s (default interface)\n", h->stack.default_netif->name);
    return CMD_OK;
}

/* ---- Statistics ---------------------------------------------------------------- */

static void print_counter(const char *name, uint32_t v, bool nonzero_only) {
    if (!nonzero_only || v != 0)
        printf("%s %u\n", name, v);
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

static void print_pools(host *h) {
    tern_pool_usage pools[8];
    unsigned n = tern_stack_pools(&h->stack, pools, 8);
    if (n > 8)
        n = 8;
    for (unsigned i = 0; i < n; i++)
        printf("pool %s %u/%u peak %u fails %u\n", pools[i].name ? pools[i].name : "?", pools[i].used,
               pools[i].count, pools[i].peak, pools[i].fails);
}

void shell_print_stats(host *h, bool nonzero_only) {
    for (unsigned id = 0; id < TERN_STAT_COUNT; id++) {
        const char *name = tern_stats_name(id);
        if (name != NULL)
            print_counter(name, tern_stats_get(&h->stack, id), nonzero_only);
    }
    print_driver_stats(h, nonzero_only);
#if TERN_CFG_IMPAIR
    if (h->impair_on) {
        print_impair("rx", &h->impair_rx.counters, nonzero_only);
        print_impair("tx", &h->impair_tx.counters, nonzero_only);
    }
#endif
    print_pools(h);
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

static char *skip_space(char *p) {
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* Cut the next word off *p; NULL at the end of the line. */
static char *next_word(char **p) {
    char *w = skip_space(*p);
    if (*w == '\0')
        return NULL;
    char *e = w;
    while (*e != '\0' && *e != ' ' && *e != '\t')
        e++;
    *p = (*e != '\0') ? e + 1 : e;
    *e = '\0';
    return w;
}

static const shell_cmd *find_command(const char *name) {
    for (size_t i = 0; i < SHELL_NCMDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

/* Split the arguments; the last one keeps the rest of the line if cmd->rest.
 * Leaves *pp at what was not consumed (non-empty: too many arguments). */
static int split_args(const shell_cmd *cmd, char **pp, char **argv) {
    int argc = 1;
    while (argc <= cmd->max_args) {
        if (cmd->rest && argc == cmd->max_args) {
            char *r = skip_space(*pp);
            if (*r == '\0')
                break;
            argv[argc++] = r;
            *pp = r + strlen(r);
            break;
        }
        char *w = next_word(pp);
        if (w == NULL)
            break;
        argv[argc++] = w;
    }
    return argc;
}

static void answer(cmd_result r, const char *err) {
    if (r == CMD_OK)
        printf("ok\n");
    else if (r == CMD_ERROR)
        printf("error: %s\n", err[0] ? err : "failed");
    fflush(stdout);
}

static void shell_exec(host *h, char *line) {
    char *p = line;
    char *name = next_word(&p);
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
    int argc = split_args(cmd, &p, argv);
    if (argc - 1 < cmd->min_args || skip_space(p)[0] != '\0') {
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
