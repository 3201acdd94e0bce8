/*
 * A TCP echo server written purely against the standard sockets API: it
 * builds as it is against the host's libc (build/example_echo_server), and
 * against Tern by compiling it with -DTERN_EXAMPLE, which maps the standard
 * names onto Tern's sockets (tern/sockets_posix_names.h).
 *
 *   example_echo_server ADDR PORT [CLIENTS]
 *
 * Serves up to 8 clients at once with poll(); exits after CLIENTS clients
 * have come and gone (0: never).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifdef TERN_EXAMPLE
#include "tern/sockets_posix_names.h"
#endif

#define MAX_CLIENTS 8

int echo_server(const char *addr, const char *port, int clients);

int echo_server(const char *addr, const char *port, int clients) {
    struct addrinfo hints, *res;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    int e = getaddrinfo(addr, port, &hints, &res);
    if (e) {
        fprintf(stderr, "echo_server: %s: %s\n", addr, gai_strerror(e));
        return 1;
    }
    int lfd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (lfd < 0 || bind(lfd, res->ai_addr, res->ai_addrlen) < 0 || listen(lfd, 8) < 0) {
        fprintf(stderr, "echo_server: cannot listen: %s\n", strerror(errno));
        freeaddrinfo(res);
        return 1;
    }
    freeaddrinfo(res);
    struct pollfd fds[1 + MAX_CLIENTS];
    int n = 1, served = 0;
    fds[0].fd = lfd;
    fds[0].events = POLLIN;
    while (clients == 0 || served < clients) {
        if (poll(fds, (nfds_t)n, -1) < 0) {
            fprintf(stderr, "echo_server: poll: %s\n", strerror(errno));
            break;
        }
        if ((fds[0].revents & POLLIN) && n < 1 + MAX_CLIENTS) {
            int c = accept(lfd, NULL, NULL);
            if (c >= 0) {
                fds[n].fd = c;
                fds[n].events = POLLIN;
                fds[n].revents = 0;
                n++;
            }
        }
        for (int i = 1; i < n; i++) {
            if (!fds[i].revents)
                continue;
            char buf[2048];
            ssize_t got = recv(fds[i].fd, buf, sizeof buf, 0);
            ssize_t sent = 0;
            while (got > 0 && sent < got) {
                ssize_t k = send(fds[i].fd, buf + sent, (size_t)(got - sent), MSG_NOSIGNAL);
                if (k < 0)
                    break;
                sent += k;
            }
            if (got <= 0 || sent < got) { /* end of stream or error: done with it */
                close(fds[i].fd);
                fds[i] = fds[--n];
                i--;
                served++;
            }
        }
    }
    for (int i = 0; i < n; i++)
        close(fds[i].fd);
    return 0;
}

#ifndef TERN_EXAMPLE
int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s ADDR PORT [CLIENTS]\n", argv[0]);
        return 2;
    }
    return echo_server(argv[1], argv[2], argc > 3 ? atoi(argv[3]) : 0);
}
#endif
