#define _POSIX_C_SOURCE 200809L
/*
 * In-process TCP throughput: two stack instances on a virtual wire, one
 * sends N MB through the iperf tool, the other counts them. Prints MB/s of
 * wall-clock time. Run under callgrind (bench_tcp_wire.sh does) for
 * instructions per KB, which, unlike time, repeat exactly.
 *
 *   bench_tcp_wire [MB] [WINDOW_BYTES DELAY_MS RATE_BPS]
 *
 * With a window, each direction of the wire gets DELAY_MS of delay and a
 * RATE_BPS bottleneck (the impairment layer; its queue is the bottleneck
 * buffer), both connections get WINDOW_BYTES of receive window and send
 * buffer, and the throughput is reported in virtual time as well: the
 * figure that shows whether large windows keep their speed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "tern/tern.h"
#include "tern_vwire.h"

typedef struct host {
    tern_stack stack;
    tern_netif nif;
} host;

static int done;
static tern_iperf_report server_report;

static void on_server(void *ctx, const tern_iperf_report *r) {
    (void)ctx;
    server_report = *r;
    done = 1;
}

static void on_client(void *ctx, const tern_iperf_report *r) {
    (void)ctx, (void)r;
}

static uint32_t window;

static void set_window(void *ctx, const tern_tcp_pcb *pcb) {
    (void)ctx;
    tern_tcp_set_bufsize((tern_tcp_pcb *)pcb, window, window);
}

static void count(void *ctx, const tern_tcp_pcb *pcb) {
    (void)pcb;
    (*(int *)ctx)++;
}

static int server_connected(tern_stack *s) {
    int n = 0;
    tern_tcp_foreach(s, count, &n);
    return n > 0;
}

static void host_up(host *h, tern_vwire *w, uint8_t n, uint32_t seed) {
    const uint8_t mac[6] = {2, 0, 0, 0, 0, n};
    tern_stack_init(&h->stack, 0, seed);
    tern_vwire_attach(w, &h->nif, "vw0", mac);
    tern_netif_add(&h->stack, &h->nif);
    tern_netif_set_up(&h->nif, true);
    tern_netif_set_link(&h->nif, true);
    tern_addr ip = TERN_ADDR4(192, 0, 2, n);
    tern_netif_set_ipv4(&h->nif, &ip, 24, NULL);
}

static double seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    uint64_t mb = argc > 1 ? strtoull(argv[1], NULL, 10) : 100;
    window = argc > 4 ? (uint32_t)strtoul(argv[2], NULL, 10) : 0;
    static tern_impair imp_a, imp_b;
    static host a, b;
    static tern_vwire wire;
    static tern_iperf_server srv;
    static tern_iperf_client cli;
    tern_vwire_init(&wire);
    host_up(&a, &wire, 1, 1);
    host_up(&b, &wire, 2, 2);
    if (window) {
        tern_impair_config cfg = {.delay_ms = (uint32_t)strtoul(argv[3], NULL, 10),
                                  .rate_bps = (uint32_t)strtoul(argv[4], NULL, 10),
                                  .seed = 1};
        tern_impair_attach(&a.nif, &imp_a, &cfg, true);
        tern_impair_attach(&b.nif, &imp_b, &cfg, true);
    }
    tern_iperf_server_start(&a.stack, &srv, 0, on_server, NULL);
    tern_addr dst = TERN_ADDR4(192, 0, 2, 1);
    tern_iperf_client_start(&b.stack, &cli, &dst, 0, 0, mb * 1000000u, on_client, NULL);
    double t0 = seconds();
    uint32_t now = 0;
    int windowed = 0;
    while (!done && now < 10000000u) {
        if (window && !windowed && server_connected(&a.stack)) { /* both ends' connections exist */
            tern_tcp_foreach(&a.stack, set_window, NULL);
            tern_tcp_foreach(&b.stack, set_window, NULL);
            windowed = 1;
        }
        for (int round = 0; round < 64 && tern_vwire_flush(&wire); round++) {
            tern_stack_poll(&a.stack, now);
            tern_stack_poll(&b.stack, now);
        }
        tern_stack_poll(&a.stack, now);
        tern_stack_poll(&b.stack, now);
        now++;
    }
    double dt = seconds() - t0;
    if (window)
        printf("tcp, window %u bytes, %s ms each way, %s bit/s: %.1f MB/s in virtual time (%llu bytes in %u "
               "ms)\n",
               window, argv[3], argv[4], (double)server_report.bytes / ((double)now / 1000.0) / 1e6,
               (unsigned long long)server_report.bytes, now);
    else
        printf("tcp over the virtual wire: %llu bytes in %.3f s = %.1f MB/s (%u ms of virtual time)\n",
               (unsigned long long)server_report.bytes, dt, (double)server_report.bytes / dt / 1e6, now);
    if (getenv("BENCH_STATS")) {
        for (int h = 0; h < 2; h++) {
            tern_stack *st = h ? &b.stack : &a.stack;
            for (unsigned i = 0; i < TERN_STAT_COUNT; i++)
                if (tern_stats_get(st, i))
                    printf("  %s %s %u\n", h ? "sender" : "receiver", tern_stats_name(i),
                           tern_stats_get(st, i));
        }
        printf("  impair a: overflow %u lost %u; b: overflow %u\n", imp_a.counters.overflow,
               imp_a.counters.lost, imp_b.counters.overflow);
    }
    return done && server_report.bytes == mb * 1000000u ? 0 : 1;
}
