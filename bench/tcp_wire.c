#define _POSIX_C_SOURCE 200809L
/*
 * In-process TCP throughput: two stack instances on a virtual wire, one
 * sends N MB through the iperf tool, the other counts them. Prints MB/s of
 * wall-clock time. Run under callgrind (bench_tcp_wire.sh does) for
 * instructions per KB, which, unlike time, repeat exactly.
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
    static host a, b;
    static tern_vwire wire;
    static tern_iperf_server srv;
    static tern_iperf_client cli;
    tern_vwire_init(&wire);
    host_up(&a, &wire, 1, 1);
    host_up(&b, &wire, 2, 2);
    tern_iperf_server_start(&a.stack, &srv, 0, on_server, NULL);
    tern_addr dst = TERN_ADDR4(192, 0, 2, 1);
    tern_iperf_client_start(&b.stack, &cli, &dst, 0, 0, mb * 1000000u, on_client, NULL);
    double t0 = seconds();
    uint32_t now = 0;
    while (!done && now < 10000000u) {
        for (int round = 0; round < 64 && tern_vwire_flush(&wire); round++) {
            tern_stack_poll(&a.stack, now);
            tern_stack_poll(&b.stack, now);
        }
        tern_stack_poll(&a.stack, now);
        tern_stack_poll(&b.stack, now);
        now++;
    }
    double dt = seconds() - t0;
    printf("tcp over the virtual wire: %llu bytes in %.3f s = %.1f MB/s (%u ms of virtual time)\n",
           (unsigned long long)server_report.bytes, dt, (double)server_report.bytes / dt / 1e6, now);
    return done && server_report.bytes == mb * 1000000u ? 0 : 1;
}
