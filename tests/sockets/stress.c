/*
 * Sockets stress: 16 client threads on stack B do connect / send / recv /
 * close cycles against an echo service on stack A (one server thread per
 * connection from a small pool of acceptor threads), for N seconds (argv[1],
 * default 60). Checks: every byte sent comes back in order, no call fails
 * unexpectedly, no deadlock (a watchdog aborts), and at the end every socket
 * is closed and both stacks' pools are back at their baseline. Meant to be
 * run under ThreadSanitizer too (make test-tsan).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "socksim.h"

#define CLIENTS 16
#define ACCEPTORS 4
#define PORT 5001

static socksim sim;
static atomic_int stop;
static atomic_ulong bytes_sent, bytes_echoed, cycles, errors;
static atomic_ulong progress;
static int listen_fd;

static void fail(const char *what, int e) {
    if (atomic_fetch_add(&errors, 1) < 20)
        fprintf(stderr, "stress: %s: %s\n", what, strerror(e));
}

/* Echo one connection until the peer closes. */
static void serve(int fd) {
    char buf[4096];
    /* Accepted sockets inherit the listener's SO_RCVTIMEO (as on Linux):
     * this one waits as long as its client takes. */
    struct tern_timeval forever = {0, 0};
    tern_setsockopt(fd, TERN_SOL_SOCKET, TERN_SO_RCVTIMEO, &forever, sizeof forever);
    for (;;) {
        long n = tern_recv(fd, buf, sizeof buf, 0);
        if (n == 0)
            break;
        if (n < 0) {
            fail("server recv", errno);
            break;
        }
        for (long off = 0; off < n;) {
            long k = tern_send(fd, buf + off, (size_t)(n - off), 0);
            if (k < 0) {
                fail("server send", errno);
                goto done;
            }
            off += k;
        }
        atomic_fetch_add(&bytes_echoed, (unsigned long)n);
    }
done:
    tern_close(fd);
}

static void *acceptor(void *arg) {
    (void)arg;
    for (;;) {
        int fd = tern_accept(listen_fd, NULL, NULL);
        if (fd < 0) {
            if (errno == EAGAIN && !atomic_load(&stop))
                continue; /* SO_RCVTIMEO: look at the stop flag */
            if (atomic_load(&stop))
                break;
            fail("accept", errno);
            continue;
        }
        serve(fd);
    }
    return NULL;
}

static uint8_t pattern(unsigned id, size_t i) {
    return (uint8_t)(i * 13u + id * 7u + (i >> 9));
}

static void *client(void *arg) {
    unsigned id = (unsigned)(uintptr_t)arg;
    tern_sockets_set_thread_default(&sim.sb);
    unsigned seed = id * 2654435761u;
    uint8_t out[3000], in[3000];
    while (!atomic_load(&stop)) {
        int fd = tern_socket(TERN_SOCK_AF_INET, TERN_SOCK_STREAM, 0);
        if (fd < 0) {
            fail("socket", errno);
            usleep(1000);
            continue;
        }
        struct tern_sockaddr_in a = {TERN_SOCK_AF_INET, tern_htons(PORT), {tern_htonl(SOCKSIM_IP_A)}, {0}};
        if (tern_connect(fd, (struct tern_sockaddr *)&a, sizeof a) < 0) {
            /* A full accept queue resets the connection: retry, but count it. */
            if (errno != ECONNREFUSED && errno != ECONNRESET)
                fail("connect", errno);
            tern_close(fd);
            usleep(1000);
            continue;
        }
        seed = seed * 1103515245u + 12345u;
        size_t total = 1 + (seed >> 8) % 20000u;
        size_t sent = 0, got = 0;
        while (got < total) {
            if (sent < total) {
                size_t n = total - sent < sizeof out ? total - sent : sizeof out;
                for (size_t i = 0; i < n; i++)
                    out[i] = pattern(id, sent + i);
                long k = tern_send(fd, out, n, 0);
                if (k < 0) {
                    fail("client send", errno);
                    break;
                }
                sent += (size_t)k;
                atomic_fetch_add(&bytes_sent, (unsigned long)k);
            }
            long k = tern_recv(fd, in, sizeof in, 0);
            if (k <= 0) {
                fail("client recv", k == 0 ? EPIPE : errno);
                break;
            }
            for (long i = 0; i < k; i++)
                if (in[i] != pattern(id, got + (size_t)i)) {
                    fail("data mismatch", EILSEQ);
                    break;
                }
            got += (size_t)k;
        }
        tern_close(fd);
        atomic_fetch_add(&cycles, 1);
        atomic_fetch_add(&progress, 1);
    }
    return NULL;
}

int main(int argc, char **argv) {
    int seconds = argc > 1 ? atoi(argv[1]) : 60;
    if (socksim_start(&sim))
        return 2;
    tern_sockets_set_thread_default(&sim.sa);
    listen_fd = tern_socket(TERN_SOCK_AF_INET, TERN_SOCK_STREAM, 0);
    struct tern_sockaddr_in a = {TERN_SOCK_AF_INET, tern_htons(PORT), {0}, {0}};
    struct tern_timeval tv = {0, 100000};
    tern_setsockopt(listen_fd, TERN_SOL_SOCKET, TERN_SO_RCVTIMEO, &tv, sizeof tv);
    if (tern_bind(listen_fd, (struct tern_sockaddr *)&a, sizeof a) || tern_listen(listen_fd, 32)) {
        perror("listen");
        return 2;
    }
    unsigned base_bufs = socksim_buffers(&sim);
    pthread_t acc[ACCEPTORS], cli[CLIENTS];
    for (unsigned i = 0; i < ACCEPTORS; i++)
        pthread_create(&acc[i], NULL, acceptor, NULL);
    /* Acceptors serve one connection at a time: 16 clients queue on 4 of
     * them, which exercises the accept queue and blocking waits. */
    for (unsigned i = 0; i < CLIENTS; i++)
        pthread_create(&cli[i], NULL, client, (void *)(uintptr_t)(i + 1));
    unsigned long last = 0;
    int stalled = 0;
    for (int s = 0; s < seconds; s++) {
        sleep(1);
        unsigned long p = atomic_load(&progress);
        stalled = p == last ? stalled + 1 : 0;
        last = p;
        if (stalled >= 10) {
            fprintf(stderr, "stress: no cycle completed for 10 s: deadlock\n");
            _exit(3);
        }
    }
    atomic_store(&stop, 1);
    for (unsigned i = 0; i < CLIENTS; i++)
        pthread_join(cli[i], NULL);
    for (unsigned i = 0; i < ACCEPTORS; i++)
        pthread_join(acc[i], NULL);
    tern_close(listen_fd);
    unsigned open_a = tern_sockets_in_use(&sim.sa), open_b = tern_sockets_in_use(&sim.sb);
    unsigned bufs_before_stop = socksim_buffers(&sim);
    tern_sockets_set_thread_default(NULL);
    unsigned left = socksim_stop(&sim, 500);
    unsigned long sent = atomic_load(&bytes_sent), echoed = atomic_load(&bytes_echoed);
    printf("stress: %d s, %d clients: %lu cycles (%.0f/s), %lu bytes sent, %lu echoed, %lu errors; "
           "sockets open after: %u+%u; buffers: %u at start, %u at end, %u left beyond baseline\n",
           seconds, CLIENTS, atomic_load(&cycles), (double)atomic_load(&cycles) / seconds, sent, echoed,
           atomic_load(&errors), open_a, open_b, base_bufs, bufs_before_stop, left);
    int ok = atomic_load(&errors) == 0 && sent == echoed && open_a == 0 && open_b == 0 && left == 0 &&
             atomic_load(&cycles) > 0;
    printf("stress: %s\n", ok ? "PASS" : "FAIL");
    return ok ? 0 : 1;
}
