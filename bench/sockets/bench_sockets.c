/*
 * Sockets layer overhead (make bench, bench/bench_sockets.sh).
 *
 * Two stacks on a virtual wire driven by a real-time core thread (socksim),
 * the same environment for every figure:
 *   1. callback API: stack B sends MB megabytes to stack A; the sender
 *      (Nagle off, as the sockets sender) writes from its sent callback, the receiver copies each pbuf out
 * into an application buffer and frees it; all of it runs in the core thread;
 *   2. sockets: the same transfer with send() from a thread on B and recv()
 *      into a 64 KB buffer from a thread on A;
 *   3. connections per second: one client thread doing connect, one byte
 *      each way, close, against a thread doing accept, echo, close, for
 *      SECONDS seconds (a full cycle each: both handshakes).
 * Prints MB/s for both, their ratio (sockets / callback) and connections/s.
 *
 *   bench_sockets [MB] [SECONDS]     (defaults 200 and 3)
 *
 * BENCH_SPIN=1 makes the core thread poll without sleeping: the callback
 * transfer then never waits for a timer to wake the core (with a sleeping
 * core thread nothing wakes it between timers while only callbacks run,
 * which understates the callback API), and on one CPU (taskset -c 0) the
 * ratio is the sockets layer's CPU cost per byte. bench_sockets.sh runs both.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "socksim.h"

static socksim sim;
static uint8_t payload[65536];

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- 1. Callback API ------------------------------------------------------ */

typedef struct cb_xfer {
    uint64_t total, written, received;
    tern_tcp_pcb *tx, *rx;
    int done;
    tern_os_cond cond;
    uint8_t sink[2048];
} cb_xfer;

static void cb_pump(cb_xfer *x) {
    while (x->written < x->total) {
        uint32_t room = tern_tcp_sndbuf(x->tx);
        uint64_t n = x->total - x->written;
        if (n > room)
            n = room;
        if (n > 16384)
            n = 16384;
        if (!n || tern_tcp_write(x->tx, payload, (uint32_t)n) != TERN_OK)
            break;
        x->written += n;
    }
    tern_tcp_output(x->tx);
}

static void cb_connected(void *ctx, tern_tcp_pcb *pcb, tern_err err) {
    cb_xfer *x = ctx;
    if (err == TERN_OK) {
        x->tx = pcb;
        cb_pump(x);
    }
}

static void cb_sent(void *ctx, tern_tcp_pcb *pcb, uint32_t len) {
    (void)pcb, (void)len;
    cb_pump(ctx);
}

static void cb_recv(void *ctx, tern_tcp_pcb *pcb, tern_pbuf *p) {
    cb_xfer *x = ctx;
    if (!p)
        return;
    uint16_t n = p->tot_len;
    for (uint16_t off = 0; off < n;) /* the application reads the bytes */
        off = (uint16_t)(off + tern_pbuf_copy_out(p, off, x->sink, sizeof x->sink));
    tern_pbuf_free(pcb->stack, p);
    tern_tcp_recved(pcb, n);
    x->received += n;
    if (x->received >= x->total) {
        x->done = 1;
        tern_os_cond_broadcast(&x->cond);
    }
}

static const tern_tcp_callbacks tx_cbs = {.connected = cb_connected, .sent = cb_sent};
static const tern_tcp_callbacks rx_cbs = {.recv = cb_recv};

static tern_err cb_accept(void *ctx, tern_tcp_listener *l, tern_tcp_pcb *pcb) {
    (void)l;
    ((cb_xfer *)ctx)->rx = pcb;
    tern_tcp_set_callbacks(pcb, &rx_cbs, ctx);
    return TERN_OK;
}

static double run_callback(uint64_t bytes) {
    static cb_xfer x;
    memset(&x, 0, sizeof x);
    x.total = bytes;
    tern_os_cond_init(&x.cond);
    tern_os_mutex_lock(&sim.lock);
    tern_tcp_listener *l = tern_tcp_listen(sim.a, NULL, 6001, 4, cb_accept, &x);
    tern_tcp_pcb *pcb = tern_tcp_new(sim.b);
    tern_tcp_set_callbacks(pcb, &tx_cbs, &x);
    tern_tcp_set_nodelay(pcb, true); /* both senders: no Nagle wait for the last segment */
    tern_addr dst = tern_addr_ipv4(SOCKSIM_IP_A);
    double t0 = now_s();
    tern_tcp_connect(pcb, &dst, 6001);
    while (!x.done)
        tern_os_cond_wait(&x.cond, &sim.lock, 1000);
    double dt = now_s() - t0;
    tern_tcp_close(x.tx);
    tern_tcp_close(x.rx);
    tern_tcp_listener_close(l);
    tern_os_mutex_unlock(&sim.lock);
    tern_os_cond_destroy(&x.cond);
    return (double)bytes / 1e6 / dt;
}

/* ---- 2. Sockets ----------------------------------------------------------------- */

static int listen_on(uint16_t port) {
    tern_sockets_set_thread_default(&sim.sa);
    int l = tern_socket(TERN_SOCK_AF_INET, TERN_SOCK_STREAM, 0);
    int one = 1;
    tern_setsockopt(l, TERN_SOL_SOCKET, TERN_SO_REUSEADDR, &one, sizeof one);
    struct tern_sockaddr_in a = {TERN_SOCK_AF_INET, tern_htons(port), {0}, {0}};
    if (tern_bind(l, (struct tern_sockaddr *)&a, sizeof a) || tern_listen(l, 16)) {
        perror("listen");
        exit(1);
    }
    return l;
}

static int connect_to(uint16_t port) {
    int fd = tern_socket(TERN_SOCK_AF_INET, TERN_SOCK_STREAM, 0);
    struct tern_sockaddr_in a = {TERN_SOCK_AF_INET, tern_htons(port), {tern_htonl(SOCKSIM_IP_A)}, {0}};
    if (tern_connect(fd, (struct tern_sockaddr *)&a, sizeof a)) {
        perror("connect");
        exit(1);
    }
    return fd;
}

static uint64_t sock_received;

static void *sock_receiver(void *arg) {
    int l = *(int *)arg;
    int fd = tern_accept(l, NULL, NULL);
    static uint8_t buf[65536];
    long n;
    while ((n = tern_recv(fd, buf, sizeof buf, 0)) > 0)
        sock_received += (uint64_t)n;
    tern_close(fd);
    return NULL;
}

static double run_sockets(uint64_t bytes) {
    int l = listen_on(6002);
    sock_received = 0;
    pthread_t t;
    pthread_create(&t, NULL, sock_receiver, &l);
    tern_sockets_set_thread_default(&sim.sb);
    double t0 = now_s();
    int fd = connect_to(6002);
    int one = 1;
    tern_setsockopt(fd, TERN_IPPROTO_TCP, TERN_TCP_NODELAY, &one, sizeof one);
    for (uint64_t sent = 0; sent < bytes;) {
        size_t n = bytes - sent < 16384 ? (size_t)(bytes - sent) : 16384;
        long k = tern_send(fd, payload, n, 0);
        if (k < 0) {
            perror("send");
            exit(1);
        }
        sent += (uint64_t)k;
    }
    tern_shutdown(fd, TERN_SHUT_WR);
    pthread_join(t, NULL);
    double dt = now_s() - t0;
    tern_close(fd);
    tern_close(l);
    if (sock_received != bytes)
        fprintf(stderr, "bench_sockets: received %llu of %llu bytes\n", (unsigned long long)sock_received,
                (unsigned long long)bytes);
    return (double)bytes / 1e6 / dt;
}

/* ---- 3. Connections per second ------------------------------------------------------- */

static void *cps_acceptor(void *arg) {
    int l = *(int *)arg;
    for (;;) {
        int fd = tern_accept(l, NULL, NULL);
        if (fd < 0)
            break; /* the listener was closed */
        char b[1];
        if (tern_recv(fd, b, 1, 0) == 1) /* one byte each way ... */
            tern_send(fd, b, 1, 0);
        tern_recv(fd, b, 1, 0); /* ... then the client's FIN */
        tern_close(fd);
    }
    return NULL;
}

static double run_cps(double seconds) {
    int l = listen_on(6003);
    pthread_t t;
    pthread_create(&t, NULL, cps_acceptor, &l);
    tern_sockets_set_thread_default(&sim.sb);
    unsigned long n = 0;
    double t0 = now_s(), dt;
    do {
        int fd = connect_to(6003);
        char b[1] = {'x'};
        tern_send(fd, b, 1, 0);
        tern_recv(fd, b, 1, 0);
        tern_close(fd); /* the client closes first (TIME-WAIT on its side) */
        n++;
        dt = now_s() - t0;
    } while (dt < seconds);
    tern_close(l);
    pthread_join(t, NULL);
    return (double)n / dt;
}

int main(int argc, char **argv) {
    uint64_t mb = argc > 1 ? strtoull(argv[1], NULL, 10) : 200;
    double seconds = argc > 2 ? atof(argv[2]) : 3.0;
    for (size_t i = 0; i < sizeof payload; i++)
        payload[i] = (uint8_t)(i * 31u);
    sim.spin = getenv("BENCH_SPIN") != NULL;
    if (socksim_start(&sim))
        return 2;
    uint64_t bytes = mb * 1000000ull;
    double cb = getenv("BENCH_NO_CB") ? 1.0 : run_callback(bytes);
    double so = run_sockets(bytes);
    double cps = run_cps(seconds);
    tern_sockets_set_thread_default(NULL);
    unsigned left = socksim_stop(&sim, 200);
    const char *mode = sim.spin ? "core thread spinning" : "core thread sleeping between events";
    printf("throughput (%s): callback API %.1f MB/s, sockets %.1f MB/s, ratio sockets/callback %.2f "
           "(%llu MB between two stacks on a virtual wire)\n",
           mode, cb, so, so / cb, (unsigned long long)mb);
    printf("connect/close cycles (%s): %.0f connections/s through sockets (%.1f s, one client thread)\n",
           mode, cps, seconds);
    if (left)
        printf("warning: %u buffers not returned\n", left);
    return 0;
}
