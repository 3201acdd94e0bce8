/*
 * Runs examples/echo_server.c (standard sockets names, compiled against Tern)
 * on stack A in its own thread; three clients on stack B send patterned data
 * through it, check every byte and close. The server returns after serving
 * the three; every buffer must be back afterwards.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "socksim.h"

int echo_server(const char *addr, const char *port, int clients);

static socksim sim;
static int server_rc = -1;

static void *server_thread(void *arg) {
    (void)arg;
    tern_sockets_set_thread_default(&sim.sa);
    server_rc = echo_server("192.0.2.1", "7007", 3);
    return NULL;
}

static int client(unsigned id, size_t total) {
    tern_sockets_set_thread_default(&sim.sb);
    int fd = tern_socket(TERN_SOCK_AF_INET, TERN_SOCK_STREAM, 0);
    struct tern_sockaddr_in a = {TERN_SOCK_AF_INET, tern_htons(7007), {tern_htonl(SOCKSIM_IP_A)}, {0}};
    /* The server may not be listening yet: retry refused connects for 2 s. */
    for (int tries = 0; tern_connect(fd, (struct tern_sockaddr *)&a, sizeof a) < 0; tries++) {
        if (errno != ECONNREFUSED || tries == 200) {
            perror("connect");
            return 1;
        }
        usleep(10000);
    }
    unsigned char out[1000], in[1000];
    size_t sent = 0, got = 0;
    int bad = 0;
    while (got < total) {
        if (sent < total) {
            size_t n = total - sent < sizeof out ? total - sent : sizeof out;
            for (size_t i = 0; i < n; i++)
                out[i] = (unsigned char)((sent + i) * 7u + id);
            long k = tern_send(fd, out, n, 0);
            if (k <= 0)
                return 1;
            sent += (size_t)k;
        }
        long k = tern_recv(fd, in, sizeof in, 0);
        if (k <= 0)
            return 1;
        for (long i = 0; i < k; i++)
            bad += in[i] != (unsigned char)((got + (size_t)i) * 7u + id);
        got += (size_t)k;
    }
    tern_close(fd);
    printf("client %u: %zu bytes echoed, %d wrong\n", id, got, bad);
    return bad != 0;
}

int main(void) {
    if (socksim_start(&sim))
        return 2;
    pthread_t t;
    pthread_create(&t, NULL, server_thread, NULL);
    int fails = 0;
    for (unsigned i = 1; i <= 3; i++)
        fails += client(i, 50000u * i);
    pthread_join(t, NULL);
    tern_sockets_set_thread_default(NULL);
    unsigned left = socksim_stop(&sim, 300);
    printf("server returned %d; buffers left beyond baseline %u\n", server_rc, left);
    return fails || server_rc != 0 || left ? 1 : 0;
}
