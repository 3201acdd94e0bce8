/*
 * Bad arguments to the sockets API get the POSIX error, never a crash: bad
 * descriptors, NULL buffers, wrong address lengths and families, options on
 * the wrong socket type, and a descriptor closed while another thread waits
 * on it. Runs on two stacks on a virtual wire (socksim).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "socksim.h"

static socksim sim;

#define ERR(call, e)                                                                                         \
    do {                                                                                                     \
        errno = 0;                                                                                           \
        long rc_ = (long)(call);                                                                             \
        assert_int_equal(rc_, -1);                                                                           \
        assert_int_equal(errno, (e));                                                                        \
    } while (0)

static struct tern_sockaddr_in sin4(uint32_t ip, uint16_t port) {
    struct tern_sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = TERN_SOCK_AF_INET;
    a.sin_port = tern_htons(port);
    a.sin_addr.s_addr = tern_htonl(ip);
    return a;
}

#define SA(a) ((struct tern_sockaddr *)&(a))

static int setup(void **state) {
    (void)state;
    if (socksim_start(&sim))
        return -1;
    tern_sockets_set_thread_default(&sim.sa);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    tern_sockets_set_thread_default(NULL);
    return socksim_stop(&sim, 100) == 0 ? 0 : -1;
}

static void check_all_ebadf(int fd) {
    struct tern_sockaddr_in a = sin4(SOCKSIM_IP_A, 80);
    tern_socklen_t len = sizeof a;
    char b[4];
    int v = 0;
    struct tern_msghdr m;
    memset(&m, 0, sizeof m);
    ERR(tern_bind(fd, SA(a), sizeof a), EBADF);
    ERR(tern_listen(fd, 1), EBADF);
    ERR(tern_accept(fd, NULL, NULL), EBADF);
    ERR(tern_connect(fd, SA(a), sizeof a), EBADF);
    ERR(tern_send(fd, b, 1, 0), EBADF);
    ERR(tern_recv(fd, b, 1, 0), EBADF);
    ERR(tern_sendto(fd, b, 1, 0, SA(a), sizeof a), EBADF);
    ERR(tern_recvfrom(fd, b, 1, 0, SA(a), &len), EBADF);
    ERR(tern_sendmsg(fd, &m, 0), EBADF);
    ERR(tern_recvmsg(fd, &m, 0), EBADF);
    ERR(tern_shutdown(fd, TERN_SHUT_RDWR), EBADF);
    ERR(tern_getsockname(fd, SA(a), &len), EBADF);
    ERR(tern_getpeername(fd, SA(a), &len), EBADF);
    ERR(tern_setsockopt(fd, TERN_SOL_SOCKET, TERN_SO_REUSEADDR, &v, sizeof v), EBADF);
    ERR(tern_getsockopt(fd, TERN_SOL_SOCKET, TERN_SO_TYPE, &v, &len), EBADF);
    ERR(tern_fcntl(fd, TERN_F_GETFL, 0), EBADF);
    ERR(tern_ioctl(fd, TERN_FIONREAD, &v), EBADF);
    ERR(tern_close(fd), EBADF);
    struct tern_pollfd p = {fd, TERN_POLLIN, 0};
    assert_int_equal(tern_poll(&p, 1, 0), fd < 0 ? 0 : 1);
    assert_int_equal(p.revents, fd < 0 ? 0 : TERN_POLLNVAL);
}

static void test_bad_descriptors(void **state) {
    (void)state;
    check_all_ebadf(-1);
    check_all_ebadf(0);
    check_all_ebadf(2);
    check_all_ebadf(99999);
    int fd = tern_socket(TERN_SOCK_AF_INET, TERN_SOCK_STREAM, 0);
    assert_true(fd >= 0);
    assert_int_equal(tern_close(fd), 0);
    check_all_ebadf(fd); /* closed */
    tern_fd_set rs;
    TERN_FD_ZERO(&rs);
    TERN_FD_SET(fd, &rs);
    struct tern_timeval tv = {0, 0};
    ERR(tern_select(fd + 1, &rs, NULL, NULL, &tv), EBADF);
}

static void test_null_buffers(void **state) {
    (void)state;
    tern_sockets_set_thread_default(&sim.sa);
    int u = tern_socket(TERN_SOCK_AF_INET, TERN_SOCK_DGRAM, 0);
    int t = tern_socket(TERN_SOCK_AF_INET, TERN_SOCK_STREAM, 0);
    struct tern_sockaddr_in a = sin4(SOCKSIM_IP_A, 0);
    assert_int_equal(tern_bind(u, SA(a), sizeof a), 0);
    struct tern_sockaddr_in self = sin4(SOCKSIM_IP_A, 0);
    tern_socklen_t len = sizeof self;
    assert_int_equal(tern_getsockname(u, SA(self), &len), 0);
    assert_int_equal(tern_connect(u, SA(self), sizeof self), 0);
    int v = 0;
    ERR(tern_send(u, NULL, 10, 0), EFAULT);
    ERR(tern_sendto(u, NULL, 10, 0, SA(self), sizeof self), EFAULT);
    assert_int_equal(tern_send(u, "x", 1, 0), 1);
    assert_int_equal(tern_send(u, NULL, 0, 0), 0); /* an empty datagram is fine */
    ERR(tern_recv(u, NULL, 10, 0), EFAULT);
    ERR(tern_recvfrom(u, (char[4]){0}, 4, 0, SA(a), NULL), EFAULT);
    ERR(tern_sendmsg(u, NULL, 0), EFAULT);
    ERR(tern_recvmsg(u, NULL, 0), EFAULT);
    struct tern_msghdr m;
    memset(&m, 0, sizeof m);
    m.msg_iovlen = 1; /* and no iovec */
    ERR(tern_sendmsg(u, &m, 0), EFAULT);
    ERR(tern_recvmsg(u, &m, 0), EFAULT);
    struct tern_iovec iov = {NULL, 8};
    m.msg_iov = &iov;
    ERR(tern_sendmsg(u, &m, 0), EFAULT);
    ERR(tern_bind(t, NULL, sizeof a), EFAULT);
    ERR(tern_connect(t, NULL, sizeof a), EFAULT);
    ERR(tern_getsockname(u, NULL, &len), EFAULT);
    ERR(tern_getsockname(u, SA(a), NULL), EFAULT);
    ERR(tern_getpeername(u, NULL, &len), EFAULT);
    ERR(tern_setsockopt(u, TERN_SOL_SOCKET, TERN_SO_REUSEADDR, NULL, sizeof v), EFAULT);
    ERR(tern_setsockopt(u, TERN_SOL_SOCKET, TERN_SO_LINGER, NULL, sizeof(struct tern_linger)), EFAULT);
    ERR(tern_getsockopt(u, TERN_SOL_SOCKET, TERN_SO_TYPE, NULL, &len), EFAULT);
    ERR(tern_getsockopt(u, TERN_SOL_SOCKET, TERN_SO_TYPE, &v, NULL), EFAULT);
    ERR(tern_ioctl(u, TERN_FIONREAD, NULL), EFAULT);
    ERR(tern_poll(NULL, 1, 0), EFAULT);
    ERR(tern_inet_pton(TERN_SOCK_AF_INET, NULL, &v), EFAULT);
    assert_null(tern_inet_ntop(TERN_SOCK_AF_INET, NULL, (char[16]){0}, 16));
    assert_int_equal(errno, EFAULT);
    assert_int_equal(tern_getaddrinfo("192.0.2.1", "1", NULL, NULL), TERN_EAI_FAIL);
    assert_int_equal(tern_listen(t, 1), 0);
    ERR(tern_accept(t, SA(a), NULL), EFAULT);
    tern_close(u);
    tern_close(t);
}

static void test_addresses(void **state) {
    (void)state;
    if (!TERN_CFG_IPV6)
        ERR(tern_socket(TERN_SOCK_AF_INET6, TERN_SOCK_STREAM, 0), EAFNOSUPPORT);
    ERR(tern_socket(77, TERN_SOCK_STREAM, 0), EAFNOSUPPORT);
    ERR(tern_socket(TERN_SOCK_AF_INET, 99, 0), ESOCKTNOSUPPORT);
    ERR(tern_socket(TERN_SOCK_AF_INET, TERN_SOCK_DGRAM, TERN_IPPROTO_TCP), EPROTONOSUPPORT);
    ERR(tern_socket(TERN_SOCK_AF_INET, TERN_SOCK_RAW, 0), EPROTONOSUPPORT);
    int t = tern_socket(TERN_SOCK_AF_INET, TERN_SOCK_STREAM, 0);
    int u = tern_socket(TERN_SOCK_AF_INET, TERN_SOCK_DGRAM, 0);
    struct tern_sockaddr_in a = sin4(SOCKSIM_IP_A, 4000);
    ERR(tern_bind(t, SA(a), 4), EINVAL);
    ERR(tern_bind(t, SA(a), 0), EINVAL);
    a.sin_family = TERN_SOCK_AF_INET6;
    ERR(tern_bind(t, SA(a), sizeof a), EAFNOSUPPORT);
    a.sin_family = 99;
    ERR(tern_connect(t, SA(a), sizeof a), EAFNOSUPPORT);
    ERR(tern_sendto(u, "x", 1, 0, SA(a), sizeof a), EAFNOSUPPORT);
    a.sin_family = TERN_SOCK_AF_INET;
    ERR(tern_connect(t, SA(a), 3), EINVAL);
    ERR(tern_sendto(u, "x", 1, 0, SA(a), 3), EINVAL);
    ERR(tern_sendto(u, "x", 70000, 0, SA(a), sizeof a), EMSGSIZE);
    ERR(tern_send(u, "x", 1, 0), EDESTADDRREQ);
    struct tern_sockaddr_in far = sin4(0xCB007109u /* 203.0.113.9 */, 1);
    ERR(tern_bind(u, SA(far), sizeof far), EADDRNOTAVAIL);
    /* A short buffer for a name is filled as far as it goes; the length
     * says how long the name is. */
    struct tern_sockaddr_in b = sin4(SOCKSIM_IP_A, 0);
    assert_int_equal(tern_bind(u, SA(b), sizeof b), 0);
    uint8_t small[2] = {0xEE, 0xEE};
    tern_socklen_t len = sizeof small;
    assert_int_equal(tern_getsockname(u, (struct tern_sockaddr *)(void *)small, &len), 0);
    assert_int_equal(len, sizeof(struct tern_sockaddr_in));
    ERR(tern_shutdown(u, 7), EINVAL);
    ERR(tern_listen(u, 1), EOPNOTSUPP);
    ERR(tern_accept(u, NULL, NULL), EOPNOTSUPP);
    ERR(tern_fcntl(u, 12345, 0), EINVAL);
    ERR(tern_ioctl(u, 0x5401, &len), ENOTTY);
    ERR(tern_select(-1, NULL, NULL, NULL, NULL), EINVAL);
    ERR(tern_select(TERN_FD_SETSIZE + 1, NULL, NULL, NULL, NULL), EINVAL);
    struct tern_timeval badtv = {0, 2000000};
    ERR(tern_select(0, NULL, NULL, NULL, &badtv), EINVAL);
    ERR(tern_poll((struct tern_pollfd *)(void *)&len, 1u << 30, 0), EINVAL);
    char s[4];
    unsigned char ip[4] = {1, 2, 3, 4};
    assert_null(tern_inet_ntop(TERN_SOCK_AF_INET, ip, s, sizeof s));
    assert_int_equal(errno, ENOSPC);
    ERR(tern_inet_pton(77, "1.2.3.4", ip), EAFNOSUPPORT);
    struct tern_addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = 77;
    assert_int_equal(tern_getaddrinfo("192.0.2.1", NULL, &hints, &res), TERN_EAI_FAMILY);
    hints.ai_family = 0;
    hints.ai_socktype = 42;
    assert_int_equal(tern_getaddrinfo("192.0.2.1", NULL, &hints, &res), TERN_EAI_SOCKTYPE);
    assert_int_equal(tern_getaddrinfo(NULL, NULL, NULL, &res), TERN_EAI_NONAME);
    assert_null(res);
    tern_close(t);
    tern_close(u);
}

static void test_options_wrong_type(void **state) {
    (void)state;
    int t = tern_socket(TERN_SOCK_AF_INET, TERN_SOCK_STREAM, 0);
    int u = tern_socket(TERN_SOCK_AF_INET, TERN_SOCK_DGRAM, 0);
    int one = 1, v = 0;
    tern_socklen_t len = sizeof v;
    ERR(tern_setsockopt(u, TERN_IPPROTO_TCP, TERN_TCP_NODELAY, &one, sizeof one), ENOPROTOOPT);
    ERR(tern_setsockopt(u, TERN_IPPROTO_TCP, TERN_TCP_KEEPIDLE, &one, sizeof one), ENOPROTOOPT);
    ERR(tern_getsockopt(u, TERN_IPPROTO_TCP, TERN_TCP_NODELAY, &v, &len), EOPNOTSUPP);
    ERR(tern_setsockopt(t, TERN_IPPROTO_IP, TERN_IP_MULTICAST_TTL, &one, sizeof one), EINVAL);
    ERR(tern_setsockopt(t, TERN_IPPROTO_IP, TERN_IP_MULTICAST_LOOP, &one, sizeof one), EINVAL);
    struct tern_ip_mreq mr = {{tern_htonl(0xE0000001u + 7u)}, {0}};
    ERR(tern_setsockopt(t, TERN_IPPROTO_IP, TERN_IP_ADD_MEMBERSHIP, &mr, sizeof mr), EPROTO);
    ERR(tern_setsockopt(u, TERN_IPPROTO_IP, TERN_IP_ADD_MEMBERSHIP, &mr, 4), EINVAL);
    ERR(tern_setsockopt(u, TERN_IPPROTO_IP, TERN_IP_DROP_MEMBERSHIP, &mr, sizeof mr), EADDRNOTAVAIL);
    assert_int_equal(tern_setsockopt(u, TERN_IPPROTO_IP, TERN_IP_ADD_MEMBERSHIP, &mr, sizeof mr), 0);
    ERR(tern_setsockopt(u, TERN_IPPROTO_IP, TERN_IP_ADD_MEMBERSHIP, &mr, sizeof mr), EADDRINUSE);
    assert_int_equal(tern_setsockopt(u, TERN_IPPROTO_IP, TERN_IP_DROP_MEMBERSHIP, &mr, sizeof mr), 0);
    ERR(tern_setsockopt(t, 99, 1, &one, sizeof one), ENOPROTOOPT);
    ERR(tern_getsockopt(t, 99, 1, &v, &len), ENOPROTOOPT);
    ERR(tern_setsockopt(t, TERN_SOL_SOCKET, TERN_SO_TYPE, &one, sizeof one), ENOPROTOOPT);
    ERR(tern_setsockopt(t, TERN_SOL_SOCKET, TERN_SO_LINGER, &one, 2), EINVAL);
    ERR(tern_setsockopt(t, TERN_SOL_SOCKET, TERN_SO_RCVTIMEO, &one, sizeof one), EINVAL);
    int big = 300, zero = 0;
    ERR(tern_setsockopt(u, TERN_IPPROTO_IP, TERN_IP_TTL, &big, sizeof big), EINVAL);
    ERR(tern_setsockopt(u, TERN_IPPROTO_IP, TERN_IP_TTL, &one, 0), EINVAL);
    ERR(tern_setsockopt(t, TERN_IPPROTO_TCP, TERN_TCP_KEEPCNT, &zero, sizeof zero), EINVAL);
    ERR(tern_setsockopt(t, TERN_IPPROTO_TCP, TERN_TCP_KEEPINTVL, &big, 1), EINVAL);
    tern_socklen_t neg = (tern_socklen_t)-1;
    ERR(tern_getsockopt(t, TERN_SOL_SOCKET, TERN_SO_TYPE, &v, &neg), EINVAL);
    /* A short buffer takes what fits. */
    uint8_t one_byte = 0xFF;
    tern_socklen_t l1 = 1;
    assert_int_equal(tern_getsockopt(t, TERN_SOL_SOCKET, TERN_SO_TYPE, &one_byte, &l1), 0);
    assert_int_equal(l1, 1);
    struct tern_sockaddr_in a = sin4(SOCKSIM_IP_A, 0);
    assert_int_equal(tern_bind(t, SA(a), sizeof a), 0);
    assert_int_equal(tern_listen(t, 2), 0);
    ERR(tern_ioctl(t, TERN_FIONREAD, &v), EINVAL);
    ERR(tern_connect(t, SA(a), sizeof a), EISCONN);
    ERR(tern_bind(t, SA(a), sizeof a), EINVAL);
    tern_close(t);
    tern_close(u);
}

/* getaddrinfo resolves names through the DNS client: the hosts table answers
 * at once; without a server an unknown name fails cleanly. */
static void test_getaddrinfo_names(void **state) {
    (void)state;
    tern_addr h = tern_addr_ipv4(0xC0000263u); /* 192.0.2.99 */
    tern_os_mutex_lock(&sim.lock);
    assert_int_equal(tern_dns_add_host(sim.a, "server.test", &h), TERN_OK);
    tern_os_mutex_unlock(&sim.lock);
    struct tern_addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = TERN_SOCK_STREAM;
    assert_int_equal(tern_getaddrinfo("server.test", "80", &hints, &res), 0);
    assert_non_null(res);
    const struct tern_sockaddr_in *sin = (const struct tern_sockaddr_in *)(const void *)res->ai_addr;
    assert_int_equal(tern_ntohl(sin->sin_addr.s_addr), 0xC0000263u);
    assert_int_equal(tern_ntohs(sin->sin_port), 80);
    assert_null(res->ai_next);
    tern_freeaddrinfo(res);
    hints.ai_flags = TERN_AI_NUMERICHOST;
    assert_int_equal(tern_getaddrinfo("server.test", "80", &hints, &res), TERN_EAI_NONAME);
    hints.ai_flags = 0;
    int e = tern_getaddrinfo("unknown.test", "80", &hints, &res);
    assert_true(e == TERN_EAI_FAIL || e == TERN_EAI_NONAME || e == TERN_EAI_AGAIN);
    /* The result pool is fixed: exhausting it is EAI_MEMORY, and freeing
     * gives every entry back. */
    struct tern_addrinfo *all[TERN_SOCKETS_GAI_MAX + 1];
    int n = 0;
    while (n <= TERN_SOCKETS_GAI_MAX && tern_getaddrinfo("192.0.2.1", "1", &hints, &all[n]) == 0)
        n++;
    assert_int_equal(n, TERN_SOCKETS_GAI_MAX);
    assert_int_equal(tern_getaddrinfo("192.0.2.1", "1", &hints, &res), TERN_EAI_MEMORY);
    for (int i = 0; i < n; i++)
        tern_freeaddrinfo(all[i]);
    assert_int_equal(tern_getaddrinfo("192.0.2.1", "1", &hints, &res), 0);
    tern_freeaddrinfo(res);
}

/* SO_SNDBUF / SO_RCVBUF size the connection's buffers when the core has
 * per-connection buffers (the host configuration does). */
static void test_buffer_sizes(void **state) {
    (void)state;
    if (!TERN_CFG_TCP_BUF_PER_CONN)
        skip();
    tern_sockets_set_thread_default(&sim.sa);
    int l = tern_socket(TERN_SOCK_AF_INET, TERN_SOCK_STREAM, 0);
    struct tern_sockaddr_in a = sin4(SOCKSIM_IP_A, 0);
    tern_socklen_t len = sizeof a;
    assert_int_equal(tern_bind(l, SA(a), sizeof a), 0);
    assert_int_equal(tern_listen(l, 1), 0);
    assert_int_equal(tern_getsockname(l, SA(a), &len), 0);
    tern_sockets_set_thread_default(&sim.sb);
    int c = tern_socket(TERN_SOCK_AF_INET, TERN_SOCK_STREAM, 0);
    assert_int_equal(tern_connect(c, SA(a), sizeof a), 0);
    tern_sock *so = &sim.sb.socks[c - TERN_SOCK_FD_BASE - sim.sb.id * TERN_CFG_SOCKETS_MAX];
    tern_os_mutex_lock(&sim.lock);
    uint32_t before = tern_tcp_sndbuf(so->pcb.tcp);
    tern_os_mutex_unlock(&sim.lock);
    int big = (int)(before * 3u);
    assert_int_equal(tern_setsockopt(c, TERN_SOL_SOCKET, TERN_SO_SNDBUF, &big, sizeof big), 0);
    tern_os_mutex_lock(&sim.lock);
    uint32_t after = tern_tcp_sndbuf(so->pcb.tcp);
    tern_os_mutex_unlock(&sim.lock);
    assert_true(after > before);
    int got = 0;
    len = sizeof got;
    assert_int_equal(tern_getsockopt(c, TERN_SOL_SOCKET, TERN_SO_SNDBUF, &got, &len), 0);
    assert_int_equal(got, 2 * big);
    tern_close(c);
    tern_close(l);
    tern_sockets_set_thread_default(&sim.sa);
}

static int blocked_fd;
static int blocked_errno;
static long blocked_rc;

static void *blocked_reader(void *arg) {
    (void)arg;
    char b[8];
    blocked_rc = tern_recv(blocked_fd, b, sizeof b, 0);
    blocked_errno = errno;
    return NULL;
}

static void test_close_while_blocked(void **state) {
    (void)state;
    int u = tern_socket(TERN_SOCK_AF_INET, TERN_SOCK_DGRAM, 0);
    struct tern_sockaddr_in a = sin4(SOCKSIM_IP_A, 0);
    assert_int_equal(tern_bind(u, SA(a), sizeof a), 0);
    blocked_fd = u;
    pthread_t th;
    pthread_create(&th, NULL, blocked_reader, NULL);
    usleep(100000);
    assert_int_equal(tern_close(u), 0);
    pthread_join(th, NULL);
    assert_int_equal(blocked_rc, -1);
    assert_int_equal(blocked_errno, EBADF);
    /* The slot is free again and works. */
    int again = tern_socket(TERN_SOCK_AF_INET, TERN_SOCK_DGRAM, 0);
    assert_true(again >= 0);
    tern_close(again);
}

static void test_exhaustion(void **state) {
    (void)state;
    int fds[TERN_CFG_SOCKETS_MAX + 1];
    int n = 0;
    for (; n < TERN_CFG_SOCKETS_MAX + 1; n++) {
        fds[n] = tern_socket(TERN_SOCK_AF_INET, TERN_SOCK_STREAM, 0);
        if (fds[n] < 0)
            break;
    }
    assert_int_equal(n, TERN_CFG_SOCKETS_MAX);
    assert_int_equal(errno, EMFILE);
    for (int i = 0; i < n; i++)
        assert_int_equal(tern_close(fds[i]), 0);
    assert_int_equal(tern_sockets_in_use(&sim.sa), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_descriptors),     cmocka_unit_test(test_null_buffers),
        cmocka_unit_test(test_addresses),           cmocka_unit_test(test_options_wrong_type),
        cmocka_unit_test(test_close_while_blocked), cmocka_unit_test(test_exhaustion),
        cmocka_unit_test(test_getaddrinfo_names),   cmocka_unit_test(test_buffer_sizes),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
