/*
 * tern-fw: the Tern stack as bare-metal firmware on the mps2-an386 board
 * (Cortex-M4, LAN9118 Ethernet, CMSDK UART), no OS and no heap.
 *
 * The command line comes through semihosting (QEMU -semihosting-config
 * enable=on,arg=...) and takes the host program's options:
 *   tern-fw [--tap NAME] (--ipv4 ADDR/LEN | --dhcp | --autoip) [--gateway ADDR]
 *           [--mac MAC] [--dns ADDR]... [--echo]
 * (--tap only names the interface; --echo echoes typed characters, for a terminal.) Without a command line
 * the firmware uses --ipv4 192.0.2.2/24. It prints "ready ..." once it has an address, then serves the line
 * shell on the UART; `quit` exits QEMU with status 0, a fault prints HARDFAULT and the fault registers and
 * exits with status 1.
 */
#include <stdarg.h>
#include <string.h>

#include "board.h"
#include "fw.h"

#define FW_DEFAULT_ARGS "tern-fw --ipv4 192.0.2.2/24"
#define FW_CMDLINE_MAX 256u
#define FW_ARGS_MAX 16

static fw the_fw;

/* ---- Console output ---------------------------------------------------------- */

void fw_vout(const char *fmt, va_list ap) {
    char buf[FW_OUT_MAX];
    size_t n = fw_vformat(buf, sizeof buf, fmt, ap);
    board_uart_write(buf, n < sizeof buf ? n : sizeof buf - 1u);
}

void out(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fw_vout(fmt, ap);
    va_end(ap);
}

/* The C library's allocator must never run: there is no heap. */
void *_sbrk(ptrdiff_t incr);
void *_sbrk(ptrdiff_t incr) {
    (void)incr;
    board_uart_puts("\nHARDFAULT malloc called: the firmware has no heap\n");
    board_exit(1);
}

/* ---- Command line -------------------------------------------------------------- */

static int usage_error(const char *what, const char *arg) {
    out("tern: %s '%s' (the firmware takes --tap --ipv4 --dhcp --autoip --gateway --mac --dns)\n", what,
        arg ? arg : "");
    return 2;
}

static int parse_option(fw *f, const char *opt, const char *arg) {
    if (strcmp(opt, "--tap") == 0) {
        if (arg == NULL || arg[0] == '\0' || strlen(arg) >= sizeof f->ifname)
            return usage_error("bad --tap name", arg);
        strcpy(f->ifname, arg);
    } else if (strcmp(opt, "--ipv4") == 0) {
        if (arg == NULL || !sh_parse_cidr(arg, &f->ip, &f->prefix) || f->prefix == 0 || f->prefix > 30)
            return usage_error("bad --ipv4", arg);
    } else if (strcmp(opt, "--gateway") == 0) {
        if (arg == NULL || !tern_addr_parse(arg, &f->gw) || f->gw.family != TERN_AF_INET)
            return usage_error("bad --gateway", arg);
        f->has_gw = true;
    } else if (strcmp(opt, "--mac") == 0) {
        if (arg == NULL || !sh_parse_mac(arg, f->mac) || (f->mac[0] & 1u))
            return usage_error("bad --mac", arg);
        f->has_mac = true;
    } else if (strcmp(opt, "--dns") == 0) {
        if (arg == NULL || f->dns_count >= TERN_CFG_DNS_SERVERS ||
            !tern_addr_parse(arg, &f->dns[f->dns_count]))
            return usage_error("bad --dns", arg);
        f->dns_count++;
    } else {
        return usage_error("unknown or unsupported option", opt);
    }
    return 0;
}

static int parse_cmdline(fw *f, char *line) {
    char *argv[FW_ARGS_MAX];
    int argc = 0;
    /* Split at blanks by hand: newlib-nano's strtok allocates its state. */
    for (char *p = line; *p && argc < FW_ARGS_MAX;) {
        while (*p == ' ' || *p == '\t')
            *p++ = '\0';
        if (*p)
            argv[argc++] = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
    }
    strcpy(f->ifname, "eth0");
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--dhcp") == 0) {
            f->dhcp_opt = true;
            continue;
        }
        if (strcmp(argv[i], "--autoip") == 0) {
            f->autoip_opt = true;
            continue;
        }
        if (strcmp(argv[i], "--echo") == 0) { /* interactive: echo what is typed */
            f->echo = true;
            continue;
        }
        int rc = parse_option(f, argv[i], i + 1 < argc ? argv[i + 1] : NULL);
        if (rc)
            return rc;
        i++;
    }
    bool dynamic = f->dhcp_opt || f->autoip_opt;
    if (f->ip.family != TERN_AF_INET && !dynamic)
        return usage_error("--ipv4 ADDR/LEN, --dhcp or --autoip is required", NULL);
    if (f->ip.family == TERN_AF_INET && dynamic)
        return usage_error("--ipv4 cannot be combined with", "--dhcp/--autoip");
    return 0;
}

/* ---- Addresses ------------------------------------------------------------------ */

static bool start_address(fw *f) {
    tern_err e;
    if (f->ip.family == TERN_AF_INET)
        e = tern_netif_set_ipv4(&f->nif, &f->ip, f->prefix, f->has_gw ? &f->gw : NULL);
    else
        e = sh_addr_start(&f->sh, f->dhcp_opt, f->autoip_opt);
    if (e != TERN_OK)
        out("tern: cannot configure the address: %s\n", tern_strerror(e));
    return e == TERN_OK;
}

/* ---- Setup ------------------------------------------------------------------------ */

/* No TRNG on this board: a xorshift generator seeded from the MAC and the
 * boot time (the ISNs and DHCP transaction ids only need to differ). */
static uint32_t fw_random(void *ctx) {
    uint32_t *x = ctx;
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;
    return *x;
}

static uint32_t rng_state;

static int setup(fw *f) {
    char line[FW_CMDLINE_MAX];
    if (!board_cmdline(line, sizeof line) || line[0] == '\0')
        strcpy(line, FW_DEFAULT_ARGS);
    int rc = parse_cmdline(f, line);
    if (rc)
        return rc;
    tern_err e = lan9118_init(&f->eth, BOARD_LAN9118_BASE, f->has_mac ? f->mac : NULL);
    if (e != TERN_OK) {
        out("tern: no LAN9118 at 0x%08x\n", (unsigned)BOARD_LAN9118_BASE);
        return 1;
    }
    rng_state = 0x9E3779B9u ^ ((uint32_t)f->eth.mac[2] << 24 | (uint32_t)f->eth.mac[3] << 16 |
                               (uint32_t)f->eth.mac[4] << 8 | f->eth.mac[5]);
    rng_state ^= (uint32_t)board_ticks();
    tern_stack_init(&f->stack, board_millis(), fw_random(&rng_state));
    tern_stack_set_random(&f->stack, fw_random, &rng_state);
    lan9118_netif_init(&f->eth, &f->nif, f->ifname);
    if (tern_netif_add(&f->stack, &f->nif) != TERN_OK)
        return 1;
    tern_netif_set_up(&f->nif, true);
    (void)lan9118_link_poll(&f->eth);
    for (unsigned i = 0; i < f->dns_count; i++)
        (void)tern_dns_set_server(&f->stack, i, &f->dns[i]);
    shell_init(f);
    if (!start_address(f))
        return 1;
    if (tern_echo_start(&f->stack) != TERN_OK)
        out("tern: warning: echo/discard not started\n");
    (void)sh_iperf_start_server(&f->sh, TERN_IPERF_PORT, false); /* from boot, without reports */
    return 0;
}

/* ---- The loop ------------------------------------------------------------------------ */

static volatile bool eth_event;

/* LAN9118 interrupt: mask it and wake the loop, which reads the FIFOs. */
void board_eth_irq(void) {
    lan9118_irq_enable(&the_fw.eth, false);
    eth_event = true;
}

static void receive(fw *f) {
    uint64_t t0 = board_ticks();
    unsigned n = lan9118_receive(&f->eth, FW_RX_BATCH);
    if (n) {
        f->perf.rx_ticks += board_ticks() - t0;
        f->perf.rx_frames += n;
        f->perf.rx_calls++;
    }
}

static void run(fw *f) {
    for (;;) {
        uint32_t now = board_millis();
        uint32_t wait = tern_stack_poll(&f->stack, now);
        eth_event = false;
        receive(f);
        lan9118_irq_enable(&f->eth, true);
        int c;
        while (!sh_busy(&f->sh) && (c = board_uart_getc()) >= 0) {
            if (f->echo)
                board_uart_write(c == '\r' ? "\r\n" : (const char *)&(char){(char)c}, c == '\r' ? 2u : 1u);
            shell_input(f, c);
        }
        sh_check(&f->sh, board_millis());
        if (f->sh.quit)
            return;
        if ((int32_t)(now - f->next_link_poll) >= 0) {
            (void)lan9118_link_poll(&f->eth);
            f->next_link_poll = now + FW_LINK_POLL_MS;
        }
        /* Sleep until the next interrupt (SysTick each ms, or the MAC) when idle. */
        __asm__ volatile("cpsid i" ::: "memory");
        if (!eth_event && wait != 0 && !lan9118_rx_pending(&f->eth))
            __asm__ volatile("wfi");
        __asm__ volatile("cpsie i" ::: "memory");
    }
}

int main(void) {
    fw *f = &the_fw;
    board_uart_init();
    board_clock_init();
    out("tern-fw: mps2-an386 Cortex-M4, LAN9118, stack %u bytes\n", (unsigned)board_stack_size());
    int rc = setup(f);
    if (rc)
        board_exit(rc);
    NVIC_ISER0 = 1u << BOARD_LAN9118_IRQ;
    if (f->ip.family == TERN_AF_INET)
        sh_print_ready(&f->sh);
    run(f);
    out("statistics\n");
    sh_print_stats(&f->sh, true);
    return 0;
}
