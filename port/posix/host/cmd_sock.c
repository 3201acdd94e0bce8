/*
 * The sockets layer in the host program (TERN_CFG_SOCKETS): the core lock
 * the main loop holds while it works (and releases while it sleeps in
 * poll()), the kick that wakes it when an application thread queued output
 * or armed a timer, and the shell command
 *
 *   sockecho PORT    serve TCP echo on PORT from a thread running
 *                    examples/echo_server.c on Tern's sockets
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "host.h"

#if TERN_CFG_SOCKETS

/* examples/echo_server.c, compiled with TERN_EXAMPLE into this program. */
int echo_server(const char *addr, const char *port, int clients);

static void kick(void *ctx) {
    host *h = ctx;
    uint64_t one = 1;
    if (write(h->kick_fd, &one, sizeof one) < 0 && errno != EAGAIN)
        fprintf(stderr, "tern: kick: %s\n", strerror(errno));
}

int host_sockets_setup(host *h) {
    h->kick_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (h->kick_fd < 0 || tern_os_mutex_init(&h->core_lock) ||
        tern_sockets_init(&h->socks, &h->stack, &h->core_lock))
        return -1;
    tern_sockets_set_default(&h->socks);
    tern_sockets_set_kick(&h->socks, kick, h);
    tern_os_mutex_lock(&h->core_lock); /* the main loop holds it while it works */
    return 0;
}

void host_lock(host *h) {
    tern_os_mutex_lock(&h->core_lock);
}

void host_unlock(host *h) {
    tern_os_mutex_unlock(&h->core_lock);
}

void host_kick_drain(host *h) {
    uint64_t v;
    while (read(h->kick_fd, &v, sizeof v) == (ssize_t)sizeof v)
        ;
}

static void *echo_thread(void *arg) {
    char port[8];
    snprintf(port, sizeof port, "%u", (unsigned)(uintptr_t)arg);
    echo_server(NULL, port, 0);
    return NULL;
}

static cmd_result cmd_sockecho(sh_shell *sh, int argc, char **argv, char *err, size_t errlen) {
    (void)sh, (void)argc;
    char *end;
    unsigned long port = strtoul(argv[1], &end, 10);
    if (*end || port == 0 || port > 65535) {
        snprintf(err, errlen, "bad port '%s'", argv[1]);
        return CMD_ERROR;
    }
    pthread_t t;
    if (pthread_create(&t, NULL, echo_thread, (void *)(uintptr_t)port) != 0) {
        snprintf(err, errlen, "cannot start a thread");
        return CMD_ERROR;
    }
    pthread_detach(t);
    printf("sockecho: serving TCP echo on port %lu (sockets API, own thread)\n", port);
    return CMD_OK;
}

const sh_cmd host_cmd_sockecho = {
    .name = "sockecho",
    .fn = cmd_sockecho,
    .min_args = 1,
    .max_args = 1,
    .usage = "sockecho PORT",
    .help = "serve TCP echo on PORT from a thread using the sockets API (examples/echo_server.c)",
};

#endif
