/*
 * Sockets conformance suite, written once against the standard sockets API
 * and compiled twice:
 *   conformance_linux  Linux's own sockets over 127.0.0.1 (the reference);
 *   conformance_tern   Tern's sockets (tern/sockets_posix_names.h): the
 *                      server side on stack A (192.0.2.1), the client side
 *                      on stack B (192.0.2.2), joined by a virtual wire and
 *                      driven by a real-time core thread (socksim).
 * Each case prints one line: its name and what it observed (errno names,
 * byte counts, poll bits). tests/sockets/compare.sh runs both and diffs them.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifdef CONF_TERN
#include "socksim.h"
#include "tern/sockets_posix_names.h"
static socksim sim;
#define SERVER_IP "192.0.2.1"
#define CLIENT_IP "192.0.2.2"
/* Which stack the sockets created next belong to. */
#define SIDE_SERVER() tern_sockets_set_thread_default(&sim.sa)
#define SIDE_CLIENT() tern_sockets_set_thread_default(&sim.sb)
#define BUILD "tern"
#else
#define SERVER_IP "127.0.0.1"
#define CLIENT_IP "127.0.0.1"
#define SIDE_SERVER() ((void)0)
#define SIDE_CLIENT() ((void)0)
#define BUILD "linux"
#endif

static int failures;
static int ncases;

static const char *ename(int e) {
    switch (e) {
    case 0:
        return "OK";
    case EAGAIN:
        return "EAGAIN";
    case EBADF:
        return "EBADF";
    case EFAULT:
        return "EFAULT";
    case EINVAL:
        return "EINVAL";
    case EPIPE:
        return "EPIPE";
    case ENOTSOCK:
        return "ENOTSOCK";
    case EDESTADDRREQ:
        return "EDESTADDRREQ";
    case EMSGSIZE:
        return "EMSGSIZE";
    case EPROTOTYPE:
        return "EPROTOTYPE";
    case ENOPROTOOPT:
        return "ENOPROTOOPT";
    case EPROTONOSUPPORT:
        return "EPROTONOSUPPORT";
    case EOPNOTSUPP:
        return "EOPNOTSUPP";
    case EAFNOSUPPORT:
        return "EAFNOSUPPORT";
    case EADDRINUSE:
        return "EADDRINUSE";
    case EADDRNOTAVAIL:
        return "EADDRNOTAVAIL";
    case ENETUNREACH:
        return "ENETUNREACH";
    case ECONNABORTED:
        return "ECONNABORTED";
    case ECONNRESET:
        return "ECONNRESET";
    case ENOBUFS:
        return "ENOBUFS";
    case EISCONN:
        return "EISCONN";
    case ENOTCONN:
        return "ENOTCONN";
    case ETIMEDOUT:
        return "ETIMEDOUT";
    case ECONNREFUSED:
        return "ECONNREFUSED";
    case EHOSTUNREACH:
        return "EHOSTUNREACH";
    case EALREADY:
        return "EALREADY";
    case EINPROGRESS:
        return "EINPROGRESS";
    case EACCES:
        return "EACCES";
    case ENOSPC:
        return "ENOSPC";
    case ENOTTY:
        return "ENOTTY";
    case EDOM:
        return "EDOM";
    case EMFILE:
        return "EMFILE";
    case EPERM:
        return "EPERM";
    default:
        return "E?";
    }
}

/* "rc/errno" of a call: the value when >= 0, else the errno name. */
static char *res(long rc) {
    static char buf[8][48];
    static int i;
    char *b = buf[i++ % 8];
    if (rc >= 0)
        snprintf(b, 48, "%ld", rc);
    else
        snprintf(b, 48, "-1 %s", ename(errno));
    return b;
}

static void out(const char *name, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    printf("%-28s ", name);
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    fflush(stdout);
    ncases++;
}

static const char *pbits(short r) {
    static char buf[4][48];
    static int i;
    char *b = buf[i++ % 4];
    b[0] = 0;
    if (r & POLLIN)
        strcat(b, "IN|");
    if (r & POLLOUT)
        strcat(b, "OUT|");
    if (r & POLLERR)
        strcat(b, "ERR|");
    if (r & POLLHUP)
        strcat(b, "HUP|");
    if (r & POLLNVAL)
        strcat(b, "NVAL|");
    size_t n = strlen(b);
    if (n)
        b[n - 1] = 0;
    else
        strcpy(b, "0");
    return b;
}

static void msleep(int ms) {
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static struct sockaddr_in sin_of(const char *ip, uint16_t port) {
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    inet_pton(AF_INET, ip, &a.sin_addr);
    return a;
}

#define SA(a) ((struct sockaddr *)&(a))

/* A listener on the server side at port (0: ephemeral; *port gets it). */
static int listener(uint16_t *port, int reuse) {
    SIDE_SERVER();
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (reuse)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, sizeof reuse);
    struct sockaddr_in a = sin_of(SERVER_IP, *port);
    if (bind(fd, SA(a), sizeof a) < 0 || listen(fd, 8) < 0) {
        fprintf(stderr, "listener on %u: %s\n", *port, strerror(errno));
        close(fd);
        return -1;
    }
    socklen_t len = sizeof a;
    getsockname(fd, SA(a), &len);
    *port = ntohs(a.sin_port);
    return fd;
}

/* A connected pair: *c on the client side, *s accepted on the server side. */
static int pair(int *c, int *s) {
    uint16_t port = 0;
    int l = listener(&port, 1);
    if (l < 0)
        return -1;
    SIDE_CLIENT();
    *c = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = sin_of(SERVER_IP, port);
    if (connect(*c, SA(a), sizeof a) < 0) {
        fprintf(stderr, "pair connect: %s\n", strerror(errno));
        return -1;
    }
    *s = accept(l, NULL, NULL);
    close(l);
    return *s < 0 ? -1 : 0;
}

/* A UDP socket on a side, bound to an ephemeral port; *port gets it. */
static int udp_sock(int server_side, uint16_t *port) {
    if (server_side)
        SIDE_SERVER();
    else
        SIDE_CLIENT();
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = sin_of(server_side ? SERVER_IP : CLIENT_IP, 0);
    bind(fd, SA(a), sizeof a);
    socklen_t len = sizeof a;
    getsockname(fd, SA(a), &len);
    if (port)
        *port = ntohs(a.sin_port);
    return fd;
}

static short poll1(int fd, short events, int timeout) {
    struct pollfd p = {fd, events, 0};
    int n = poll(&p, 1, timeout);
    if (n < 0)
        return -1;
    return (short)(p.revents & (POLLIN | POLLOUT | POLLERR | POLLHUP | POLLNVAL));
}

/* Wait (up to 2 s) until fd has the bits of want. */
static short poll_until(int fd, short events, short want) {
    long end = now_ms() + 2000;
    short r = 0;
    while (now_ms() < end) {
        r = poll1(fd, events, 50);
        if ((r & want) == want)
            break;
    }
    return r;
}

/* ---- TCP ---------------------------------------------------------------- */

static void t_connect_refused(void) {
    SIDE_CLIENT();
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = sin_of(SERVER_IP, 9); /* nothing listens on discard */
    out("tcp_connect_refused", "%s", res(connect(fd, SA(a), sizeof a)));
    out("tcp_connect_refused_again", "%s", res(connect(fd, SA(a), sizeof a)));
    close(fd);
}

static void t_addrinuse(void) {
    uint16_t port = 0;
    int l = listener(&port, 0);
    SIDE_SERVER();
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = sin_of(SERVER_IP, port);
    out("tcp_bind_inuse", "%s", res(bind(fd, SA(a), sizeof a)));
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    out("tcp_bind_inuse_reuse_vs_listener", "%s", res(bind(fd, SA(a), sizeof a)));
    close(fd);
    close(l);
    /* Two bound, not listening, both with SO_REUSEADDR: allowed. */
    int x = socket(AF_INET, SOCK_STREAM, 0), y = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(x, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(y, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    a = sin_of(SERVER_IP, 0);
    long r1 = bind(x, SA(a), sizeof a);
    socklen_t al = sizeof a;
    getsockname(x, SA(a), &al);
    long r2 = bind(y, SA(a), sizeof a);
    out("tcp_bind_both_reuse", "%s %s", res(r1), res(r2));
    out("tcp_listen_second_reuse", "%s %s", res(listen(x, 4)), res(listen(y, 4)));
    close(x);
    close(y);
}

static void t_reuse_timewait(void) {
    uint16_t port = 0;
    int l = listener(&port, 0);
    SIDE_CLIENT();
    int c = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = sin_of(SERVER_IP, port);
    connect(c, SA(a), sizeof a);
    int s = accept(l, NULL, NULL);
    close(l);
    close(s); /* the server closes first: its side goes to TIME_WAIT */
    char b[4];
    long r = recv(c, b, sizeof b, 0);
    close(c);
    msleep(100);
    SIDE_SERVER();
    int n = socket(AF_INET, SOCK_STREAM, 0);
    out("tcp_timewait_eof", "%s", res(r));
    out("tcp_timewait_bind", "%s", res(bind(n, SA(a), sizeof a)));
    close(n);
    n = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(n, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    out("tcp_timewait_bind_reuse_one_side", "%s", res(bind(n, SA(a), sizeof a)));
    close(n);
    /* Both the old (TIME_WAIT) and the new socket with SO_REUSEADDR. */
    port = 0;
    l = listener(&port, 1);
    SIDE_CLIENT();
    c = socket(AF_INET, SOCK_STREAM, 0);
    a = sin_of(SERVER_IP, port);
    connect(c, SA(a), sizeof a);
    s = accept(l, NULL, NULL);
    close(l);
    close(s);
    recv(c, b, sizeof b, 0);
    close(c);
    msleep(100);
    SIDE_SERVER();
    n = socket(AF_INET, SOCK_STREAM, 0);
    out("tcp_timewait_bind_noreuse", "%s", res(bind(n, SA(a), sizeof a)));
    close(n);
    n = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(n, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    out("tcp_timewait_bind_reuse_both", "%s", res(bind(n, SA(a), sizeof a)));
    out("tcp_timewait_listen_reuse_both", "%s", res(listen(n, 1)));
    close(n);
}

static void t_eof(void) {
    int c, s;
    if (pair(&c, &s))
        return;
    send(c, "hello", 5, 0);
    shutdown(c, SHUT_WR);
    char b[16];
    long r1 = recv(s, b, sizeof b, MSG_WAITALL);
    long r2 = recv(s, b, sizeof b, 0);
    out("tcp_eof_after_shutdown", "%s %s", res(r1), res(r2));
    out("tcp_send_after_shut_wr", "%s", res(send(c, "x", 1, MSG_NOSIGNAL)));
    out("tcp_poll_after_peer_fin", "%s", pbits(poll_until(s, POLLIN | POLLOUT, POLLIN)));
    shutdown(s, SHUT_WR);
    out("tcp_poll_both_shut", "%s", pbits(poll_until(c, POLLIN | POLLOUT, POLLIN | POLLHUP)));
    close(c);
    close(s);
}

static void t_reset(void) {
    int c, s;
    if (pair(&c, &s))
        return;
    struct linger lg = {1, 0};
    setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(s); /* RST */
    short p = poll_until(c, POLLIN | POLLOUT, POLLERR);
    out("tcp_poll_after_reset", "%s", pbits(p));
    char b[8];
    out("tcp_recv_after_reset", "%s", res(recv(c, b, sizeof b, 0)));
    out("tcp_send_after_reset", "%s", res(send(c, "x", 1, MSG_NOSIGNAL)));
    out("tcp_recv_after_reset_again", "%s", res(recv(c, b, sizeof b, 0)));
    close(c);
    if (pair(&c, &s))
        return;
    setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(s);
    poll_until(c, POLLIN, POLLERR);
    out("tcp_send_first_after_reset", "%s", res(send(c, "x", 1, MSG_NOSIGNAL)));
    out("tcp_send_second_after_reset", "%s", res(send(c, "x", 1, MSG_NOSIGNAL)));
    int e = -1;
    socklen_t el = sizeof e;
    getsockopt(c, SOL_SOCKET, SO_ERROR, &e, &el);
    out("tcp_so_error_after_reported", "%s", ename(e));
    close(c);
    /* Unread data at close resets the connection too. */
    if (pair(&c, &s))
        return;
    send(c, "unread", 6, 0);
    poll_until(s, POLLIN, POLLIN);
    close(s);
    poll_until(c, POLLIN, POLLERR);
    out("tcp_close_unread_resets", "%s", res(recv(c, b, sizeof b, 0)));
    close(c);
}

static void t_nonblocking(void) {
    int c, s;
    if (pair(&c, &s))
        return;
    int fl = fcntl(c, F_GETFL, 0);
    out("fcntl_getfl_blocking", "%s", (fl & O_NONBLOCK) ? "nonblock" : "block");
    fcntl(c, F_SETFL, fl | O_NONBLOCK);
    out("fcntl_getfl_nonblock", "%s", (fcntl(c, F_GETFL, 0) & O_NONBLOCK) ? "nonblock" : "block");
    char b[8];
    out("tcp_recv_empty_nonblock", "%s", res(recv(c, b, sizeof b, 0)));
    out("tcp_recv_dontwait", "%s", res(recv(s, b, sizeof b, MSG_DONTWAIT)));
    int on = 1;
    ioctl(s, FIONBIO, &on);
    out("tcp_recv_fionbio", "%s", res(recv(s, b, sizeof b, 0)));
    send(s, "1234567", 7, 0);
    poll_until(c, POLLIN, POLLIN);
    int avail = -1;
    ioctl(c, FIONREAD, &avail);
    out("tcp_fionread", "%d", avail);
    close(c);
    close(s);
}

static void t_nb_connect(void) {
    uint16_t port = 0;
    int l = listener(&port, 1);
    SIDE_CLIENT();
    int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in a = sin_of(SERVER_IP, port);
    long r = connect(c, SA(a), sizeof a);
    /* Linux on loopback may complete at once; accept EINPROGRESS or 0. */
    out("tcp_nb_connect", "%s", r == 0 || errno == EINPROGRESS ? "EINPROGRESS-or-0" : res(r));
    out("tcp_nb_connect_poll", "%s", pbits(poll_until(c, POLLOUT, POLLOUT)));
    int e = -1;
    socklen_t el = sizeof e;
    getsockopt(c, SOL_SOCKET, SO_ERROR, &e, &el);
    out("tcp_nb_connect_so_error", "%s", ename(e));
    long r2 = connect(c, SA(a), sizeof a);
    long r3 = connect(c, SA(a), sizeof a);
    out("tcp_nb_connect_again", "%s %s", res(r2), res(r3));
    /* The listener is readable; accept on a non-blocking listener. */
    fcntl(l, F_SETFL, O_NONBLOCK);
    out("tcp_listener_poll", "%s", pbits(poll_until(l, POLLIN, POLLIN)));
    int s = accept(l, NULL, NULL);
    out("tcp_nb_accept_ready", "%s", s >= 0 ? "fd" : res(s));
    out("tcp_nb_accept_empty", "%s", res(accept(l, NULL, NULL)));
    close(s);
    close(c);
    close(l);
    /* A refused non-blocking connect. */
    SIDE_CLIENT();
    c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    a = sin_of(SERVER_IP, 9);
    r = connect(c, SA(a), sizeof a);
    out("tcp_nb_connect_refused", "%s", r < 0 && errno == EINPROGRESS ? "EINPROGRESS" : res(r));
    out("tcp_nb_refused_poll", "%s", pbits(poll_until(c, POLLIN | POLLOUT, POLLERR)));
    e = -1;
    getsockopt(c, SOL_SOCKET, SO_ERROR, &e, &el);
    out("tcp_nb_refused_so_error", "%s", ename(e));
    close(c);
}

static void t_poll_states(void) {
    SIDE_CLIENT();
    int fresh = socket(AF_INET, SOCK_STREAM, 0);
    out("tcp_poll_fresh", "%s", pbits(poll1(fresh, POLLIN | POLLOUT, 0)));
    close(fresh);
    int c, s;
    if (pair(&c, &s))
        return;
    out("tcp_poll_idle", "%s", pbits(poll1(c, POLLIN | POLLOUT, 0)));
    send(s, "x", 1, 0);
    out("tcp_poll_data", "%s", pbits(poll_until(c, POLLIN | POLLOUT, POLLIN)));
    struct pollfd bad = {c + 500, POLLIN, 0};
    int nb = poll(&bad, 1, 0);
    out("poll_bad_fd", "%d %s", nb, pbits(bad.revents));
    close(c);
    close(s);
}

static void t_peek_waitall(void) {
    int c, s;
    if (pair(&c, &s))
        return;
    send(s, "hello", 5, 0);
    char b[16] = {0};
    poll_until(c, POLLIN, POLLIN);
    long r1 = recv(c, b, 3, MSG_PEEK);
    out("tcp_peek_partial", "%s %.3s", res(r1), b);
    memset(b, 0, sizeof b);
    long r2 = recv(c, b, 5, MSG_PEEK);
    out("tcp_peek_all", "%s %.5s", res(r2), b);
    memset(b, 0, sizeof b);
    long r3 = recv(c, b, sizeof b, 0);
    out("tcp_recv_after_peek", "%s %.5s", res(r3), b);
    close(c);
    close(s);
}

typedef struct delayed {
    int fd;
    int chunks, size, gap_ms, close_after;
} delayed;

static void *delayed_sender(void *arg) {
    delayed *d = arg;
    char buf[4096];
    memset(buf, 'w', sizeof buf);
    for (int i = 0; i < d->chunks; i++) {
        msleep(d->gap_ms);
        send(d->fd, buf, (size_t)d->size, 0);
    }
    if (d->close_after) {
        msleep(d->gap_ms);
        shutdown(d->fd, SHUT_WR);
    }
    return NULL;
}

static void t_waitall(void) {
    int c, s;
    if (pair(&c, &s))
        return;
    delayed d = {s, 4, 25, 50, 0};
    pthread_t t;
    pthread_create(&t, NULL, delayed_sender, &d);
    char b[100];
    out("tcp_waitall", "%s", res(recv(c, b, sizeof b, MSG_WAITALL)));
    pthread_join(t, NULL);
    delayed d2 = {s, 1, 30, 50, 1};
    pthread_create(&t, NULL, delayed_sender, &d2);
    out("tcp_waitall_eof", "%s", res(recv(c, b, sizeof b, MSG_WAITALL)));
    pthread_join(t, NULL);
    close(c);
    close(s);
}

static void t_timeouts(void) {
    int c, s;
    if (pair(&c, &s))
        return;
    struct timeval tv = {0, 200000};
    setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct timeval got = {0, 0};
    socklen_t gl = sizeof got;
    getsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &got, &gl);
    out("so_rcvtimeo_get", "%ld.%06ld", (long)got.tv_sec, (long)got.tv_usec);
    char b[8];
    long t0 = now_ms();
    long r = recv(c, b, sizeof b, 0);
    long dt = now_ms() - t0;
    out("tcp_rcvtimeo_expires", "%s %s", res(r), dt >= 180 && dt < 1500 ? "in-time" : "wrong-time");
    struct timeval badtv = {0, 1000000};
    out("so_rcvtimeo_bad_usec", "%s", res(setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &badtv, sizeof badtv)));
    close(c);
    close(s);
    int u = udp_sock(1, NULL);
    setsockopt(u, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    t0 = now_ms();
    r = recv(u, b, sizeof b, 0);
    dt = now_ms() - t0;
    out("udp_rcvtimeo_expires", "%s %s", res(r), dt >= 180 && dt < 1500 ? "in-time" : "wrong-time");
    close(u);
}

/* ---- UDP ---------------------------------------------------------------- */

static void t_udp(void) {
    uint16_t px, pa, pb;
    int x = udp_sock(1, &px);
    int sa_ = udp_sock(0, &pa);
    int sb_ = udp_sock(0, &pb);
    struct sockaddr_in to = sin_of(SERVER_IP, px);
    struct sockaddr_in from_a = sin_of(CLIENT_IP, pa);
    out("udp_connect", "%s", res(connect(x, SA(from_a), sizeof from_a)));
    sendto(sb_, "from-b", 6, 0, SA(to), sizeof to);
    sendto(sa_, "from-a", 6, 0, SA(to), sizeof to);
    char b[32] = {0};
    struct sockaddr_in src;
    socklen_t sl = sizeof src;
    long r = recvfrom(x, b, sizeof b, 0, SA(src), &sl);
    out("udp_connect_filters", "%s %.6s", res(r), b);
    out("udp_recvfrom_sender", "%s", ntohs(src.sin_port) == pa && sl == sizeof src ? "match" : "mismatch");
    out("udp_nothing_more", "%s", res(recv(x, b, sizeof b, MSG_DONTWAIT)));
    close(x);

    /* recvfrom reports the sender; truncation of a large datagram. */
    int y = udp_sock(1, &px);
    to = sin_of(SERVER_IP, px);
    char big[1000];
    memset(big, 'z', sizeof big);
    sendto(sa_, big, 100, 0, SA(to), sizeof to);
    sendto(sa_, big, 1000, 0, SA(to), sizeof to);
    sendto(sb_, "b", 1, 0, SA(to), sizeof to);
    poll_until(y, POLLIN, POLLIN);
    msleep(50);
    struct iovec iov = {b, 10};
    struct msghdr m;
    memset(&m, 0, sizeof m);
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_name = &src;
    m.msg_namelen = sizeof src;
    r = recvmsg(y, &m, 0);
    out("udp_trunc_recvmsg", "%s %s", res(r), (m.msg_flags & MSG_TRUNC) ? "MSG_TRUNC" : "-");
    r = recv(y, b, 10, MSG_TRUNC);
    out("udp_trunc_flag_real_len", "%s", res(r));
    sl = sizeof src;
    r = recvfrom(y, b, sizeof b, 0, SA(src), &sl);
    out("udp_recvfrom_second_sender", "%s %s", res(r), ntohs(src.sin_port) == pb ? "match" : "mismatch");
    out("udp_recv_empty_nonblock", "%s", res(recv(y, b, sizeof b, MSG_DONTWAIT)));
    /* Scatter/gather. */
    struct iovec sv[2] = {{"ab", 2}, {"cd", 2}};
    memset(&m, 0, sizeof m);
    m.msg_iov = sv;
    m.msg_iovlen = 2;
    m.msg_name = &to;
    m.msg_namelen = sizeof to;
    out("udp_sendmsg_iov", "%s", res(sendmsg(sa_, &m, 0)));
    poll_until(y, POLLIN, POLLIN);
    char r1[3] = {0}, r2[3] = {0};
    struct iovec rv[2] = {{r1, 3}, {r2, 3}};
    memset(&m, 0, sizeof m);
    m.msg_iov = rv;
    m.msg_iovlen = 2;
    r = recvmsg(y, &m, 0);
    out("udp_recvmsg_iov", "%s %.3s|%.3s", res(r), r1, r2);
    /* FIONREAD on a datagram socket: the next datagram's size. */
    sendto(sa_, big, 77, 0, SA(to), sizeof to);
    poll_until(y, POLLIN, POLLIN);
    int avail = -1;
    ioctl(y, FIONREAD, &avail);
    out("udp_fionread", "%d", avail);
    fd_set rs;
    FD_ZERO(&rs);
    FD_SET(y, &rs);
    struct timeval tv0 = {0, 0};
    int n = select(y + 1, &rs, NULL, NULL, &tv0);
    out("udp_select_readable", "%d %d", n, FD_ISSET(y, &rs) ? 1 : 0);
    recv(y, b, sizeof b, 0);
    FD_ZERO(&rs);
    FD_SET(y, &rs);
    n = select(y + 1, &rs, NULL, NULL, &tv0);
    out("udp_select_empty", "%d %d", n, FD_ISSET(y, &rs) ? 1 : 0);
    out("udp_send_no_dest", "%s", res(send(y, "x", 1, 0)));
    struct sockaddr_in bc = sin_of("255.255.255.255", 9);
    out("udp_broadcast_no_so_broadcast", "%s", res(sendto(y, "x", 1, 0, SA(bc), sizeof bc)));
    close(y);
    /* A connected socket learns of a closed port (ICMP port unreachable). */
    SIDE_CLIENT();
    int z = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in closed = sin_of(SERVER_IP, 9);
    connect(z, SA(closed), sizeof closed);
    send(z, "x", 1, 0);
    poll_until(z, POLLIN, POLLERR);
    out("udp_connected_refused", "%s", res(recv(z, b, sizeof b, MSG_DONTWAIT)));
    close(z);
    close(sa_);
    close(sb_);
}

/* ---- Names and options -------------------------------------------------- */

static void t_names(void) {
    SIDE_SERVER();
    int t = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = sin_of(SERVER_IP, 0);
    bind(t, SA(a), sizeof a);
    socklen_t len = sizeof a;
    memset(&a, 0, sizeof a);
    getsockname(t, SA(a), &len);
    out("tcp_getsockname_ephemeral", "%s %s", a.sin_family == AF_INET ? "AF_INET" : "?",
        ntohs(a.sin_port) ? "port" : "zero");
    out("tcp_getpeername_unconnected", "%s", res(getpeername(t, SA(a), &len)));
    out("tcp_bind_twice", "%s", res(bind(t, SA(a), sizeof a)));
    close(t);
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    a = sin_of(SERVER_IP, 0);
    bind(u, SA(a), sizeof a);
    len = sizeof a;
    getsockname(u, SA(a), &len);
    out("udp_getsockname_ephemeral", "%s", ntohs(a.sin_port) ? "port" : "zero");
    struct sockaddr_in na = sin_of("203.0.113.9", 0);
    int u2 = socket(AF_INET, SOCK_DGRAM, 0);
    out("bind_not_local", "%s", res(bind(u2, SA(na), sizeof na)));
    close(u2);
    close(u);
    int c, s;
    if (pair(&c, &s))
        return;
    struct sockaddr_in pa, sa2;
    len = sizeof pa;
    getpeername(c, SA(pa), &len);
    socklen_t l2 = sizeof sa2;
    getsockname(s, SA(sa2), &l2);
    out("tcp_getpeername_connected", "%s", pa.sin_port == sa2.sin_port ? "match" : "mismatch");
    close(c);
    close(s);
}

static void t_options(void) {
    SIDE_CLIENT();
    int t = socket(AF_INET, SOCK_STREAM, 0);
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    int v = -1;
    socklen_t l = sizeof v;
    getsockopt(t, SOL_SOCKET, SO_TYPE, &v, &l);
    int v2 = -1;
    getsockopt(u, SOL_SOCKET, SO_TYPE, &v2, &l);
    out("so_type", "%d %d", v, v2);
    v = -1;
    getsockopt(t, SOL_SOCKET, SO_ERROR, &v, &l);
    out("so_error_fresh", "%d", v);
    int one = 1;
    out("tcp_nodelay_on_udp", "%s", res(setsockopt(u, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one)));
    out("tcp_nodelay_get_on_udp", "%s", res(getsockopt(u, IPPROTO_TCP, TCP_NODELAY, &v, &l)));
    setsockopt(t, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    v = -1;
    getsockopt(t, IPPROTO_TCP, TCP_NODELAY, &v, &l);
    out("tcp_nodelay_roundtrip", "%d", v != 0);
    int idle = 30, intvl = 5, cnt = 3;
    setsockopt(t, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
    setsockopt(t, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
    setsockopt(t, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof intvl);
    setsockopt(t, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof cnt);
    int k = 0, ki = 0, kv = 0, kc = 0;
    getsockopt(t, SOL_SOCKET, SO_KEEPALIVE, &k, &l);
    getsockopt(t, IPPROTO_TCP, TCP_KEEPIDLE, &ki, &l);
    getsockopt(t, IPPROTO_TCP, TCP_KEEPINTVL, &kv, &l);
    getsockopt(t, IPPROTO_TCP, TCP_KEEPCNT, &kc, &l);
    out("tcp_keepalive_options", "%d %d %d %d", k != 0, ki, kv, kc);
    int zero = 0;
    out("tcp_keepidle_zero", "%s", res(setsockopt(t, IPPROTO_TCP, TCP_KEEPIDLE, &zero, sizeof zero)));
    short sh = 1;
    out("so_reuseaddr_short_len", "%s", res(setsockopt(t, SOL_SOCKET, SO_REUSEADDR, &sh, sizeof sh)));
    struct linger lg = {1, 5}, lg2 = {0, 0};
    setsockopt(t, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    socklen_t ll = sizeof lg2;
    getsockopt(t, SOL_SOCKET, SO_LINGER, &lg2, &ll);
    out("so_linger_roundtrip", "%d %d", lg2.l_onoff != 0, lg2.l_linger);
    int ttl = 0;
    getsockopt(u, IPPROTO_IP, IP_TTL, &ttl, &l);
    out("ip_ttl_default", "%d", ttl);
    ttl = 17;
    setsockopt(u, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl);
    ttl = 0;
    getsockopt(u, IPPROTO_IP, IP_TTL, &ttl, &l);
    out("ip_ttl_roundtrip", "%d", ttl);
    ttl = 0;
    out("ip_ttl_zero", "%s", res(setsockopt(u, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl)));
    int mttl = 4;
    out("ip_multicast_ttl_on_tcp", "%s",
        res(setsockopt(t, IPPROTO_IP, IP_MULTICAST_TTL, &mttl, sizeof mttl)));
    setsockopt(u, IPPROTO_IP, IP_MULTICAST_TTL, &mttl, sizeof mttl);
    mttl = 0;
    getsockopt(u, IPPROTO_IP, IP_MULTICAST_TTL, &mttl, &l);
    out("ip_multicast_ttl_roundtrip", "%d", mttl);
    int tos = 0x10;
    setsockopt(u, IPPROTO_IP, IP_TOS, &tos, sizeof tos);
    tos = 0;
    getsockopt(u, IPPROTO_IP, IP_TOS, &tos, &l);
    out("ip_tos_roundtrip", "%#x", tos);
    int rb = 8192, rbo = 0;
    setsockopt(u, SOL_SOCKET, SO_RCVBUF, &rb, sizeof rb);
    getsockopt(u, SOL_SOCKET, SO_RCVBUF, &rbo, &l);
    out("so_rcvbuf_doubled", "%d", rbo);
    int sb = 16384, sbo = 0;
    setsockopt(u, SOL_SOCKET, SO_SNDBUF, &sb, sizeof sb);
    getsockopt(u, SOL_SOCKET, SO_SNDBUF, &sbo, &l);
    out("so_sndbuf_doubled", "%d", sbo);
    out("so_bogus_option", "%s", res(setsockopt(t, SOL_SOCKET, 9999, &one, sizeof one)));
    out("listen_on_udp", "%s", res(listen(u, 1)));
    out("accept_not_listening", "%s", res(accept(t, NULL, NULL)));
    out("send_unconnected_tcp", "%s", res(send(t, "x", 1, MSG_NOSIGNAL)));
    char b[4];
    out("recv_unconnected_tcp", "%s", res(recv(t, b, sizeof b, 0)));
    out("shutdown_unconnected_tcp", "%s", res(shutdown(t, SHUT_WR)));
    out("ioctl_unknown", "%s", res(ioctl(t, 0x5401 /* TCGETS */, &v)));
    close(t);
    close(u);
    out("close_twice", "%s", res(close(t)));
    out("send_bad_fd", "%s", res(send(t + 700, "x", 1, 0)));
    out("socket_bad_family", "%s", res(socket(12345, SOCK_STREAM, 0)));
    out("socket_bad_protocol", "%s", res(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP)));
}

/* ---- Addresses ------------------------------------------------------------ */

static void t_addresses(void) {
    unsigned char b[4] = {0};
    int r1 = inet_pton(AF_INET, "192.0.2.33", b);
    out("inet_pton_ok", "%d %u.%u.%u.%u", r1, b[0], b[1], b[2], b[3]);
    out("inet_pton_bad", "%d %d %d %d", inet_pton(AF_INET, "1.2.3", b), inet_pton(AF_INET, "256.1.1.1", b),
        inet_pton(AF_INET, "1.2.3.4x", b), inet_pton(AF_INET, "", b));
    char s[INET_ADDRSTRLEN];
    unsigned char a4[4] = {10, 0, 200, 7};
    const char *p = inet_ntop(AF_INET, a4, s, sizeof s);
    out("inet_ntop_ok", "%s", p ? p : "NULL");
    char small[4];
    p = inet_ntop(AF_INET, a4, small, sizeof small);
    out("inet_ntop_small", "%s %s", p ? p : "NULL", p ? "" : ename(errno));
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    int e = getaddrinfo("192.0.2.7", "8080", &hints, &res);
    if (!e && res) {
        struct sockaddr_in *sin = (struct sockaddr_in *)(void *)res->ai_addr;
        char t[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &sin->sin_addr, t, sizeof t);
        out("getaddrinfo_numeric", "%d %d %d %s %u %s", res->ai_family == AF_INET, res->ai_socktype,
            res->ai_protocol, t, ntohs(sin->sin_port), res->ai_next ? "more" : "one");
        freeaddrinfo(res);
    } else {
        out("getaddrinfo_numeric", "error %d", e);
    }
    hints.ai_socktype = 0;
    res = NULL;
    e = getaddrinfo("192.0.2.7", NULL, &hints, &res);
    int n = 0;
    for (struct addrinfo *i = res; i; i = i->ai_next)
        n++;
    out("getaddrinfo_all_types", "%d %d", e, n);
    if (res)
        freeaddrinfo(res);
    hints.ai_flags = AI_NUMERICHOST;
    out("getaddrinfo_numerichost_name", "%s",
        getaddrinfo("no.such.name", "80", &hints, &res) == EAI_NONAME ? "EAI_NONAME" : "other");
    hints.ai_flags = AI_PASSIVE;
    res = NULL;
    e = getaddrinfo(NULL, "7", &hints, &res);
    if (!e && res) {
        struct sockaddr_in *sin = (struct sockaddr_in *)(void *)res->ai_addr;
        out("getaddrinfo_passive", "%s %u", sin->sin_addr.s_addr == htonl(INADDR_ANY) ? "any" : "?",
            ntohs(sin->sin_port));
        freeaddrinfo(res);
    } else {
        out("getaddrinfo_passive", "error %d", e);
    }
    hints.ai_flags = 0;
    out("getaddrinfo_bad_service", "%s",
        getaddrinfo("192.0.2.7", "nope-no-such", &hints, &res) == EAI_SERVICE ? "EAI_SERVICE" : "other");
}

/* ---- Raw ICMP: a ping on sockets ------------------------------------------ */

static uint16_t csum(const uint8_t *d, size_t n) {
    uint32_t s = 0;
    for (size_t i = 0; i + 1 < n; i += 2)
        s += (uint32_t)(d[i] << 8 | d[i + 1]);
    if (n & 1)
        s += (uint32_t)d[n - 1] << 8;
    while (s >> 16)
        s = (s & 0xFFFF) + (s >> 16);
    return (uint16_t)~s;
}

static void t_ping(void) {
    SIDE_CLIENT();
    int fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
    if (fd < 0) {
        out("raw_icmp_ping", "SKIP %s", ename(errno)); /* needs root on Linux */
        return;
    }
    uint8_t pkt[16] = {8, 0, 0, 0, 0x12, 0x34, 0, 1, 'p', 'i', 'n', 'g', 't', 'e', 'r', 'n'};
    uint16_t c = csum(pkt, sizeof pkt);
    pkt[2] = (uint8_t)(c >> 8);
    pkt[3] = (uint8_t)c;
    struct sockaddr_in to = sin_of(SERVER_IP, 0);
    long r = sendto(fd, pkt, sizeof pkt, 0, SA(to), sizeof to);
    const char *got = "no-reply";
    long end = now_ms() + 2000;
    struct timeval tv = {0, 200000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    while (now_ms() < end) {
        uint8_t in[256];
        struct sockaddr_in from;
        socklen_t fl = sizeof from;
        long n = recvfrom(fd, in, sizeof in, 0, SA(from), &fl);
        if (n < 28)
            continue;
        size_t ihl = (size_t)(in[0] & 15) * 4;
        if ((size_t)n >= ihl + 8 && in[ihl] == 0 && in[ihl + 4] == 0x12 && in[ihl + 5] == 0x34) {
            got = (size_t)n - ihl == sizeof pkt && !memcmp(in + ihl + 8, "pingtern", 8) ? "echo-reply"
                                                                                        : "bad-reply";
            break;
        }
    }
    out("raw_icmp_ping", "%s %s", res(r), got);
    close(fd);
}

int main(void) {
    signal(SIGPIPE, SIG_IGN);
#ifdef CONF_TERN
    if (socksim_start(&sim))
        return 2;
#endif
    t_connect_refused();
    t_addrinuse();
    t_reuse_timewait();
    t_eof();
    t_reset();
    t_nonblocking();
    t_nb_connect();
    t_poll_states();
    t_peek_waitall();
    t_waitall();
    t_timeouts();
    t_udp();
    t_names();
    t_options();
    t_addresses();
    t_ping();
#ifdef CONF_TERN
    tern_sockets_set_thread_default(NULL);
    unsigned left = socksim_stop(&sim, 200);
    fprintf(stderr, "%s: %d cases; buffers left beyond baseline: %u\n", BUILD, ncases, left);
    if (left)
        failures++;
#else
    fprintf(stderr, "%s: %d cases\n", BUILD, ncases);
#endif
    return failures ? 1 : 0;
}
