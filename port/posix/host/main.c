/*
 * build/tern: the Tern stack on a Linux TAP interface.
 *
 *   tern --tap IFNAME (--ipv4 ADDR/LEN | --dhcp | --autoip) [--gateway ADDR] [--mac MAC]
 *        [--mtu N] [--pcap FILE] [--impair loss=PCT,dup=PCT,reorder=PCT,corrupt=PCT,seed=N]
 *        [--dns ADDR]...
 *
 * Prints one "ready" line once the interface is up with an address, then serves a line
 * shell on stdin until SIGTERM, SIGINT or "quit". See docs/HOST.md.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "host.h"

static const char usage_text[] =
    "usage: tern --tap IFNAME (--ipv4 ADDR/LEN | --dhcp | --autoip) [options]\n"
    "  --tap IFNAME      TAP interface to attach to (created if missing)\n"
    "  --ipv4 ADDR/LEN   the stack's IPv4 address and prefix length\n"
    "  --dhcp            get the address from a DHCP server\n"
    "  --autoip          claim a 169.254/16 link-local address (with --dhcp: only\n"
    "                    when no DHCP server answers for 10 s)\n"
    "  --gateway ADDR    default gateway\n"
    "  --mac MAC         the stack's MAC (default: random, locally administered)\n"
    "  --mtu N           interface MTU, 68..65521 (default: the TAP's)\n"
    "  --pcap FILE       write every frame sent and received to FILE (pcap)\n"
    "  --offload         use the TAP's offloads (IFF_VNET_HDR): Linux and the stack\n"
    "                    exchange TCP segments of up to 64 KB without checksums\n"
    "                    (the capture then shows them so); not with --impair\n"
    "  --dns ADDR        DNS server (repeatable, asked in the order given)\n"
    "  --ipv6            run IPv6: link-local address, router solicitation, SLAAC\n"
    "  --ipv6-addr ADDR/LEN  an IPv6 address (implies IPv6 on, without SLAAC unless --ipv6)\n"
    "  --dhcpv6[=ra]     ask DHCPv6 servers for DNS servers (stateless; implies IPv6 on);\n"
    "                    with =ra only once a router advertisement has the O or M flag\n"
    "  --impair SPEC     impair frames in both directions, e.g.\n"
    "                    loss=PCT,dup=PCT,reorder=PCT,corrupt=PCT,delay=MS,jitter=MS,rate=BPS,seed=N\n"
    "                    (received frames use seed N, sent frames seed N+1)\n"
    "  --help            this text\n"
    "Standard input is a command shell: type 'help'.\n";

enum {
    OPT_TAP = 1,
    OPT_IPV4,
    OPT_GW,
    OPT_MAC,
    OPT_MTU,
    OPT_PCAP,
    OPT_IMPAIR,
    OPT_DHCP,
    OPT_AUTOIP,
    OPT_DNS,
    OPT_OFFLOAD,
    OPT_IPV6,
    OPT_IPV6_ADDR,
    OPT_DHCPV6,
    OPT_HELP
};

static const struct option long_opts[] = {
    {"tap", required_argument, NULL, OPT_TAP},
    {"ipv4", required_argument, NULL, OPT_IPV4},
    {"gateway", required_argument, NULL, OPT_GW},
    {"mac", required_argument, NULL, OPT_MAC},
    {"mtu", required_argument, NULL, OPT_MTU},
    {"pcap", required_argument, NULL, OPT_PCAP},
    {"impair", required_argument, NULL, OPT_IMPAIR},
    {"dhcp", no_argument, NULL, OPT_DHCP},
    {"autoip", no_argument, NULL, OPT_AUTOIP},
    {"dns", required_argument, NULL, OPT_DNS},
    {"offload", no_argument, NULL, OPT_OFFLOAD},
    {"ipv6", no_argument, NULL, OPT_IPV6},
    {"ipv6-addr", required_argument, NULL, OPT_IPV6_ADDR},
    {"dhcpv6", optional_argument, NULL, OPT_DHCPV6},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

/* ---- Command line ---------------------------------------------------------- */

static int usage_error(const char *fmt, ...) {
    va_list ap;
    fprintf(stderr, "tern: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (try --help)\n");
    return HOST_EXIT_USAGE;
}

/* One parser per option: returns 0, or the exit status. */
static int opt_tap(host_options *o, const char *arg) {
    if (arg[0] == '\0' || strlen(arg) >= IFNAMSIZ)
        return usage_error("bad --tap name '%s'", arg);
    o->tap = arg;
    return 0;
}

static int opt_ipv4(host_options *o, const char *arg) {
    if (!sh_parse_cidr(arg, &o->ip, &o->prefix) || o->prefix == 0 || o->prefix > 30 ||
        tern_addr_get_ipv4(&o->ip) == 0)
        return usage_error("bad --ipv4 '%s': expected ADDR/LEN with LEN 1..30", arg);
    return 0;
}

static int opt_gateway(host_options *o, const char *arg) {
    if (!tern_addr_parse(arg, &o->gw) || o->gw.family != TERN_AF_INET)
        return usage_error("bad --gateway '%s': expected an IPv4 address", arg);
    o->has_gw = true;
    return 0;
}

static int opt_mac(host_options *o, const char *arg) {
    static const uint8_t zero[6] = {0};
    if (!sh_parse_mac(arg, o->mac) || (o->mac[0] & 1u) || memcmp(o->mac, zero, 6) == 0)
        return usage_error("bad --mac '%s': expected a unicast aa:bb:cc:dd:ee:ff", arg);
    o->has_mac = true;
    return 0;
}

static int opt_mtu(host_options *o, const char *arg) {
    uint32_t v;
    if (!sh_parse_uint(arg, 68, 65521, &v))
        return usage_error("bad --mtu '%s': expected 68..65521", arg);
    o->mtu = (uint16_t)v;
    return 0;
}

static int opt_pcap(host_options *o, const char *arg) {
    if (arg[0] == '\0')
        return usage_error("empty --pcap file name");
    o->pcap = arg;
    return 0;
}

static int opt_impair(host_options *o, const char *arg) {
    const char *bad = NULL;
    if (!TERN_CFG_IMPAIR)
        return usage_error("--impair: this build has no impairment layer");
    if (!tern_impair_parse(arg, &o->impair, &bad))
        return usage_error("bad --impair '%s' near '%s'", arg, bad ? bad : "?");
    o->has_impair = true;
    return 0;
}

static int opt_dhcp(host_options *o, const char *arg) {
    (void)arg;
    if (!TERN_CFG_DHCP)
        return usage_error("--dhcp: this build has no DHCP client");
    o->dhcp = true;
    return 0;
}

static int opt_autoip(host_options *o, const char *arg) {
    (void)arg;
    if (!TERN_CFG_AUTOIP)
        return usage_error("--autoip: this build has no AutoIP");
    o->autoip = true;
    return 0;
}

static int opt_dns(host_options *o, const char *arg) {
    if (!TERN_CFG_DNS)
        return usage_error("--dns: this build has no DNS client");
    if (o->dns_count >= HOST_DNS_SERVERS)
        return usage_error("too many --dns servers (at most %u)", (unsigned)HOST_DNS_SERVERS);
    tern_addr *a = &o->dns[o->dns_count];
    bool ok = tern_addr_parse(arg, a);
    if (ok && a->family == TERN_AF_INET6 && a->bytes[0] == 0xfe && (a->bytes[1] & 0xc0) == 0x80)
        ok = a->zone != 0; /* a link-local server needs its interface */
    if (!ok)
        return usage_error("bad --dns '%s': expected an IPv4 or IPv6 address (link-local with %%zone)", arg);
    o->dns_count++;
    return 0;
}

static int opt_offload(host_options *o, const char *arg) {
    (void)arg;
    if (!TERN_CFG_NETIF_OFFLOAD)
        return usage_error("--offload: this build has no offload support (TERN_CFG_NETIF_OFFLOAD)");
    o->offload = true;
    return 0;
}

static int opt_ipv6(host_options *o, const char *arg) {
    (void)arg;
    if (!TERN_CFG_IPV6)
        return usage_error("--ipv6: this build has no IPv6 (TERN_CFG_IPV6)");
    o->ipv6 = true;
    return 0;
}

static int opt_ipv6_addr(host_options *o, const char *arg) {
    if (!TERN_CFG_IPV6)
        return usage_error("--ipv6-addr: this build has no IPv6 (TERN_CFG_IPV6)");
    if (!sh_parse_cidr6(arg, &o->ip6, &o->prefix6))
        return usage_error("bad --ipv6-addr '%s': expected ADDR/LEN with LEN 1..128", arg);
    o->has_ip6 = true;
    return 0;
}

static int opt_dhcpv6(host_options *o, const char *arg) {
    if (!TERN_CFG_DHCP6)
        return usage_error("--dhcpv6: this build has no DHCPv6 client (TERN_CFG_DHCP6)");
    if (arg != NULL && strcmp(arg, "ra") != 0)
        return usage_error("bad --dhcpv6 '%s': expected --dhcpv6 or --dhcpv6=ra", arg);
    o->dhcpv6 = arg != NULL ? 2 : 1;
    return 0;
}

typedef int (*opt_fn)(host_options *o, const char *arg);

/* Indexed by the OPT_* values. */
static const opt_fn opt_parsers[] = {
    [OPT_TAP] = opt_tap,
    [OPT_IPV4] = opt_ipv4,
    [OPT_GW] = opt_gateway,
    [OPT_MAC] = opt_mac,
    [OPT_MTU] = opt_mtu,
    [OPT_PCAP] = opt_pcap,
    [OPT_IMPAIR] = opt_impair,
    [OPT_DHCP] = opt_dhcp,
    [OPT_AUTOIP] = opt_autoip,
    [OPT_DNS] = opt_dns,
    [OPT_OFFLOAD] = opt_offload,
    [OPT_IPV6] = opt_ipv6,
    [OPT_IPV6_ADDR] = opt_ipv6_addr,
    [OPT_DHCPV6] = opt_dhcpv6,
};

static int apply_option(host_options *o, int opt, const char *arg) {
    if (opt <= 0 || (size_t)opt >= sizeof(opt_parsers) / sizeof(opt_parsers[0]) || opt_parsers[opt] == NULL)
        return usage_error("internal option error");
    return opt_parsers[opt](o, arg);
}

/* Returns -1 to go on, or the exit status (0 after --help). */
static int parse_args(int argc, char **argv, host_options *o) {
    int opt;
    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "+:", long_opts, NULL)) != -1) {
        if (opt == OPT_HELP) {
            fputs(usage_text, stdout);
            return 0;
        }
        if (opt == ':')
            return usage_error("option '%s' needs a value", argv[optind - 1]);
        if (opt == '?')
            return usage_error("unknown option '%s'", argv[optind - 1]);
        int rc = apply_option(o, opt, optarg);
        if (rc != 0)
            return rc;
    }
    if (optind < argc)
        return usage_error("unexpected argument '%s'", argv[optind]);
    if (o->tap == NULL)
        return usage_error("--tap IFNAME is required");
    bool dynamic = o->dhcp || o->autoip;
    if (o->ip.family != TERN_AF_INET && !dynamic)
        return usage_error("--ipv4 ADDR/LEN, --dhcp or --autoip is required");
    if (o->ip.family == TERN_AF_INET && dynamic)
        return usage_error("--ipv4 cannot be combined with --dhcp or --autoip");
    if (o->offload && o->has_impair) /* Linux would checksum frames the impairment damaged */
        return usage_error("--offload cannot be combined with --impair");
    return -1;
}

/* ---- Stack hooks ------------------------------------------------------------ */

#if TERN_CFG_LOG_LEVEL
static void log_to_stderr(void *ctx, int level, const char *module, const char *fmt, va_list ap) {
    static const char *const names[] = {"?", "error", "warning", "info", "debug"};
    (void)ctx;
    fprintf(stderr, "tern %s %s: ", (level >= 1 && level <= 4) ? names[level] : names[0], module);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}
#endif

#if TERN_CFG_ASSERT
static void assert_abort(void *ctx, const char *file, int line, const char *expr) {
    (void)ctx;
    fprintf(stderr, "tern: assertion failed: %s (%s:%d)\n", expr, file, line);
    fflush(stdout);
    abort();
}
#endif

/* ---- Setup ------------------------------------------------------------------- */

static int setup_signals(host *h) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
        return -errno;
    signal(SIGPIPE, SIG_IGN);
    h->sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    return h->sig_fd < 0 ? -errno : 0;
}

static void setup_stack(host *h) {
    tern_stack *s = &h->stack;
    (void)tern_posix_rng_open(&h->rng); /* falls back to a clock-seeded generator */
    tern_stack_init(s, tern_posix_now_ms(), tern_posix_random(&h->rng));
    tern_stack_set_random(s, tern_posix_random, &h->rng);
#if TERN_CFG_LOG_LEVEL
    tern_stack_set_log(s, log_to_stderr, h);
#endif
#if TERN_CFG_ASSERT
    tern_stack_set_assert(s, assert_abort, h);
#endif
}

static int setup_capture(host *h) {
    if (h->opt.pcap == NULL)
        return 0;
    int err = tern_pcap_open(&h->pcap, h->opt.pcap, 0);
    if (err < 0) {
        fprintf(stderr, "tern: cannot write pcap file '%s': %s\n", h->opt.pcap, strerror(-err));
        return 1;
    }
    h->pcap_on = true;
#if TERN_CFG_NETIF_TEE
    tern_netif_set_tee(&h->nif, tern_pcap_tee, &h->pcap);
#endif
    return 0;
}

static void setup_impair(host *h) {
#if TERN_CFG_IMPAIR
    if (!h->opt.has_impair)
        return;
    tern_impair_config tx = h->opt.impair;
    tx.seed = h->opt.impair.seed + 1u;
    tern_impair_attach(&h->nif, &h->impair_rx, &h->opt.impair, false);
    tern_impair_attach(&h->nif, &h->impair_tx, &tx, true);
    h->impair_on = true;
#else
    (void)h;
#endif
}

#if TERN_CFG_DHCP6
/* One line per accepted Reply: "dhcpv6 dns ADDR ..." ("dhcpv6 dns none"). */
static void on_dhcp6(void *ctx, tern_dhcp6 *d, enum tern_dhcp6_event ev) {
    char ip[TERN_ADDR_STRLEN];
    (void)ctx, (void)ev;
    printf("dhcpv6 dns");
    for (unsigned i = 0; i < d->ndns; i++) {
        tern_addr a = tern_addr_ipv6(d->dns[i], 0);
        printf(" %s", tern_addr_format(&a, ip, sizeof(ip)));
    }
    printf("%s\n", d->ndns ? "" : " none");
    fflush(stdout);
}
#endif

static int setup_ipv6(host *h) {
#if TERN_CFG_IPV6
    host_options *o = &h->opt;
    if (!o->ipv6 && !o->has_ip6 && !o->dhcpv6)
        return 0;
    tern_err e = tern_ipv6_enable(&h->nif, o->ipv6);
    if (e == TERN_OK && o->has_ip6)
        e = tern_ipv6_add_addr(&h->nif, &o->ip6, o->prefix6);
#if TERN_CFG_DHCP6
    if (e == TERN_OK && o->dhcpv6)
        e = tern_dhcp6_start(&h->nif, &h->dhcp6, o->dhcpv6 == 2 ? TERN_DHCP6_ON_RA : TERN_DHCP6_NOW, on_dhcp6,
                             h);
    h->dhcp6_on = e == TERN_OK && o->dhcpv6;
#endif
    if (e != TERN_OK) {
        fprintf(stderr, "tern: cannot start IPv6: %s\n", tern_strerror(e));
        return 1;
    }
#else
    (void)h;
#endif
    return 0;
}

/* --dhcp [--autoip] or --autoip: the address comes later ("dhcp bound ..."). */
static int start_dynamic_address(host *h) {
    tern_err e = sh_addr_start(&h->sh, h->opt.dhcp, h->opt.autoip);
    if (e != TERN_OK) {
        fprintf(stderr, "tern: cannot start %s: %s\n", h->opt.dhcp ? "DHCP" : "AutoIP", tern_strerror(e));
        return 1;
    }
    return 0;
}

static int setup_netif(host *h) {
    host_options *o = &h->opt;
    int err = o->offload ? tern_tap_open_offload(&h->tap, o->tap) : tern_tap_open(&h->tap, o->tap);
    if (err < 0) {
        fprintf(stderr, "tern: cannot open TAP '%s': %s\n", o->tap, strerror(-err));
        return 1;
    }
    if (!o->has_mac)
        tern_tap_random_mac(o->mac, tern_posix_random, &h->rng);
    tern_tap_netif_init(&h->tap, &h->nif, &h->stack, o->mac, o->mtu);
    tern_err e = tern_netif_add(&h->stack, &h->nif);
    if (e != TERN_OK) {
        fprintf(stderr, "tern: cannot add interface: %s\n", tern_strerror(e));
        return 1;
    }
    if (setup_capture(h) != 0)
        return 1;
    setup_impair(h);
    tern_netif_set_up(&h->nif, true);
    tern_netif_set_link(&h->nif, true);
    if (setup_ipv6(h) != 0)
        return 1;
    if (o->ip.family != TERN_AF_INET)
        return start_dynamic_address(h);
    e = tern_netif_set_ipv4(&h->nif, &o->ip, o->prefix, o->has_gw ? &o->gw : NULL);
    if (e != TERN_OK) {
        fprintf(stderr, "tern: cannot set the IPv4 address: %s\n", tern_strerror(e));
        return 1;
    }
    return 0;
}

static int setup(host *h) {
    h->sig_fd = -1;
    h->stdin_open = true;
    setup_stack(h);
    shell_init(h);
    if (setup_signals(h) < 0) {
        fprintf(stderr, "tern: cannot set up signal handling: %s\n", strerror(errno));
        return 1;
    }
    if (setup_netif(h) != 0)
        return 1;
    for (unsigned i = 0; i < h->opt.dns_count; i++)
        (void)tern_dns_set_server(&h->stack, i, &h->opt.dns[i]);
#if TERN_CFG_SOCKETS
    if (host_sockets_setup(h) != 0) {
        fprintf(stderr, "tern: cannot set up the sockets layer\n");
        return 1;
    }
#endif
    tern_err e = tern_echo_start(&h->stack);
    if (e != TERN_OK)
        fprintf(stderr, "tern: warning: UDP echo/discard not started: %s\n", tern_strerror(e));
    return 0;
}

/* ---- Main loop ------------------------------------------------------------------ */

enum { FD_SIG, FD_TAP, FD_STDIN, FD_KICK, FD_COUNT };

static int poll_timeout(host *h, uint32_t stack_ms) {
    uint32_t ms = stack_ms == TERN_POLL_IDLE ? HOST_POLL_CAP_MS : stack_ms;
    uint32_t shell_ms = sh_timeout(&h->sh, tern_posix_now_ms());
    if (shell_ms < ms)
        ms = shell_ms;
    return (int)(ms > HOST_POLL_CAP_MS ? HOST_POLL_CAP_MS : ms);
}

/* The TAP is unusable (deleted, ...): link down, stop polling it, keep serving. */
static void receive_frames(host *h) {
    tern_tap_receive(&h->tap, HOST_RX_BATCH);
    if (h->tap.failed && (h->nif.flags & TERN_NETIF_LINK_UP)) {
        fprintf(stderr, "tern: TAP %s failed: %s; link down\n", h->tap.ifname, strerror(h->tap.failed));
        tern_netif_set_link(&h->nif, false);
    }
}

static void handle_signal(host *h) {
    struct signalfd_siginfo si;
    while (read(h->sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
        h->sh.quit = true;
}

static void run_loop(host *h) {
    uint32_t next = tern_stack_poll(&h->stack, tern_posix_now_ms());
    while (!h->sh.quit) {
        struct pollfd fds[FD_COUNT] = {
            [FD_SIG] = {.fd = h->sig_fd, .events = POLLIN},
            [FD_TAP] = {.fd = h->tap.failed ? -1 : tern_tap_fd(&h->tap), .events = POLLIN},
            /* While a command is pending, further lines wait in the pipe. */
            [FD_STDIN] = {.fd = (h->stdin_open && !sh_busy(&h->sh)) ? STDIN_FILENO : -1, .events = POLLIN},
#if TERN_CFG_SOCKETS
            [FD_KICK] = {.fd = h->kick_fd, .events = POLLIN},
#else
            [FD_KICK] = {.fd = -1},
#endif
        };
        /* Socket calls from other threads run while the loop sleeps. */
#if TERN_CFG_SOCKETS
        host_unlock(h);
#endif
        int n = poll(fds, FD_COUNT, poll_timeout(h, next));
#if TERN_CFG_SOCKETS
        host_lock(h);
        if (fds[FD_KICK].revents & POLLIN)
            host_kick_drain(h);
#endif
        if (n < 0 && errno != EINTR) {
            fprintf(stderr, "tern: poll: %s\n", strerror(errno));
            break;
        }
        tern_stack_poll(&h->stack, tern_posix_now_ms());
        if (fds[FD_SIG].revents & POLLIN)
            handle_signal(h);
        if (fds[FD_TAP].revents & (POLLIN | POLLERR | POLLHUP))
            receive_frames(h);
        if (fds[FD_STDIN].revents & (POLLIN | POLLHUP | POLLERR))
            shell_read_input(h);
        sh_check(&h->sh, tern_posix_now_ms());
        shell_run_pending(h);
        next = tern_stack_poll(&h->stack, tern_posix_now_ms());
    }
}

static void shutdown_host(host *h) {
    sh_close(&h->sh);
#if TERN_CFG_DHCP6
    if (h->dhcp6_on)
        tern_dhcp6_stop(&h->dhcp6);
#endif
    printf("statistics\n");
    sh_print_stats(&h->sh, true);
    fflush(stdout);
#if TERN_CFG_IMPAIR
    if (h->impair_on) {
        tern_impair_detach(&h->impair_rx);
        tern_impair_detach(&h->impair_tx);
    }
#endif
    tern_netif_remove(&h->stack, &h->nif);
    tern_stack_deinit(&h->stack);
    tern_tap_close(&h->tap);
    if (h->pcap_on)
        tern_pcap_close(&h->pcap);
    tern_posix_rng_close(&h->rng);
    if (h->sig_fd >= 0)
        close(h->sig_fd);
}

int main(int argc, char **argv) {
    /* One object holds all the program's state (the stack is large). */
    host *h = calloc(1, sizeof(*h));
    if (h == NULL) {
        fprintf(stderr, "tern: out of memory\n");
        return 1;
    }
    int rc = parse_args(argc, argv, &h->opt);
    if (rc < 0) {
        rc = setup(h);
        if (rc == 0) {
            if (h->opt.ip.family == TERN_AF_INET)
                sh_print_ready(&h->sh);
            run_loop(h);
            shutdown_host(h);
        }
    }
    free(h);
    return rc;
}
