/*
 * AF_INET6 sockets: addresses (struct sockaddr_in6, IPv4-mapped peers,
 * inet_pton/inet_ntop, getaddrinfo), UDP over IPv6 between two stacks,
 * IPV6_V6ONLY, IPV6_UNICAST_HOPS, IPV6_JOIN_GROUP/IPV6_LEAVE_GROUP, raw
 * ICMPv6, and an
 * AF_INET6 TCP socket reaching an IPv4 peer through a mapped address.
 * Two stacks on a virtual wire (socksim with IPv6): A is 192.0.2.1 and
 * 2001:db8::1, B is 192.0.2.2 and 2001:db8::2; sockets on A unless a test
 * switches to B.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "socksim.h"

#if TERN_CFG_IPV6

static socksim sim;

#define SA(a) ((struct tern_sockaddr *)&(a))

static struct tern_sockaddr_in6 sin6(const char *text, uint16_t port) {
    struct tern_sockaddr_in6 a;
    memset(&a, 0, sizeof a);
    a.sin6_family = TERN_SOCK_AF_INET6;
    a.sin6_port = tern_htons(port);
    assert_int_equal(tern_inet_pton(TERN_SOCK_AF_INET6, text, a.sin6_addr.tern_s6_addr), 1);
    return a;
}

static struct tern_sockaddr_in sin4(uint32_t ip, uint16_t port) {
    struct tern_sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = TERN_SOCK_AF_INET;
    a.sin_port = tern_htons(port);
    a.sin_addr.s_addr = tern_htonl(ip);
    return a;
}

/* The text form of an IPv6 socket address's address. */
static const char *text6(const struct tern_sockaddr_in6 *a, char *buf) {
    return tern_inet_ntop(TERN_SOCK_AF_INET6, a->sin6_addr.tern_s6_addr, buf, TERN_INET6_ADDRSTRLEN);
}

static int setup(void **state) {
    (void)state;
    sim.ipv6 = 1;
    if (socksim_start(&sim))
        return -1;
    tern_sockets_set_thread_default(&sim.sa);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    tern_sockets_set_thread_default(NULL);
    return socksim_stop(&sim, 300) == 0 ? 0 : -1;
}

static int udp6_on_b(uint16_t port, bool v6only) {
    tern_sockets_set_thread_default(&sim.sb);
    int fd = tern_socket(TERN_SOCK_AF_INET6, TERN_SOCK_DGRAM, 0);
    tern_sockets_set_thread_default(&sim.sa);
    assert_true(fd >= 0);
    int on = v6only;
    assert_int_equal(tern_setsockopt(fd, TERN_IPPROTO_IPV6, TERN_IPV6_V6ONLY, &on, sizeof on), 0);
    struct tern_sockaddr_in6 any = sin6("::", port);
    assert_int_equal(tern_bind(fd, SA(any), sizeof any), 0);
    struct tern_timeval tv = {1, 0};
    assert_int_equal(tern_setsockopt(fd, TERN_SOL_SOCKET, TERN_SO_RCVTIMEO, &tv, sizeof tv), 0);
    return fd;
}

/* A datagram from A (socket fd) to dst, received by B's socket rx; returns
 * the sender's address as rx saw it. */
static struct tern_sockaddr_in6 exchange(int fd, const void *dst, tern_socklen_t dlen, int rx) {
    assert_int_equal(tern_sendto(fd, "hello", 5, 0, (const struct tern_sockaddr *)dst, dlen), 5);
    char buf[16];
    struct tern_sockaddr_in6 from;
    tern_socklen_t flen = sizeof from;
    memset(&from, 0, sizeof from);
    assert_int_equal(tern_recvfrom(rx, buf, sizeof buf, 0, SA(from), &flen), 5);
    assert_memory_equal(buf, "hello", 5);
    assert_int_equal(flen, sizeof from);
    assert_int_equal(from.sin6_family, TERN_SOCK_AF_INET6);
    return from;
}

/* ---- Addresses ------------------------------------------------------------------------- */

static void test_address_arguments(void **state) {
    (void)state;
    char buf[TERN_INET6_ADDRSTRLEN];
    uint8_t b[16];
    assert_int_equal(tern_inet_pton(TERN_SOCK_AF_INET6, "2001:db8::1", b), 1);
    assert_string_equal(tern_inet_ntop(TERN_SOCK_AF_INET6, b, buf, sizeof buf), "2001:db8::1");
    assert_int_equal(tern_inet_pton(TERN_SOCK_AF_INET6, "::ffff:192.0.2.7", b), 1);
    assert_string_equal(tern_inet_ntop(TERN_SOCK_AF_INET6, b, buf, sizeof buf), "::ffff:192.0.2.7");
    assert_int_equal(tern_inet_pton(TERN_SOCK_AF_INET6, "fe80::1%1", b), 0); /* no zones */
    assert_int_equal(tern_inet_pton(TERN_SOCK_AF_INET6, "2001:db8::1::2", b), 0);
    assert_int_equal(tern_inet_pton(TERN_SOCK_AF_INET6, "192.0.2.1", b), 0);
    errno = 0;
    assert_null(tern_inet_ntop(TERN_SOCK_AF_INET6, b, buf, 8));
    assert_int_equal(errno, ENOSPC);

    int u = tern_socket(TERN_SOCK_AF_INET6, TERN_SOCK_DGRAM, 0);
    assert_true(u >= 0);
    struct tern_sockaddr_in6 a6 = sin6("2001:db8::1", 4000);
    struct tern_sockaddr_in a4 = sin4(SOCKSIM_IP_A, 4000);
    errno = 0;
    assert_int_equal(tern_bind(u, SA(a6), sizeof a6 - 4), -1); /* shorter than sockaddr_in6 */
    assert_int_equal(errno, EINVAL);
    struct tern_sockaddr_in6 wrong = a6;
    wrong.sin6_family = TERN_SOCK_AF_INET;
    errno = 0;
    assert_int_equal(tern_bind(u, SA(wrong), sizeof wrong), -1); /* not AF_INET6 */
    assert_int_equal(errno, EAFNOSUPPORT);
    errno = 0;
    assert_int_equal(tern_bind(u, SA(a4), sizeof a4), -1); /* sockaddr_in: too short */
    assert_int_equal(errno, EINVAL);
    struct tern_sockaddr_in6 other = sin6("2001:db8::99", 4000);
    errno = 0;
    assert_int_equal(tern_bind(u, SA(other), sizeof other), -1);
    assert_int_equal(errno, EADDRNOTAVAIL);
    /* Options of the other family's level. */
    int v = 1, t = tern_socket(TERN_SOCK_AF_INET, TERN_SOCK_DGRAM, 0);
    errno = 0;
    assert_int_equal(tern_setsockopt(t, TERN_IPPROTO_IPV6, TERN_IPV6_V6ONLY, &v, sizeof v), -1);
    assert_int_equal(errno, ENOPROTOOPT);
    tern_close(t);
    /* IPV6_V6ONLY: off by default, and fixed once bound. */
    tern_socklen_t len = sizeof v;
    assert_int_equal(tern_getsockopt(u, TERN_IPPROTO_IPV6, TERN_IPV6_V6ONLY, &v, &len), 0);
    assert_int_equal(v, 0);
    assert_int_equal(tern_bind(u, SA(a6), sizeof a6), 0);
    v = 1;
    errno = 0;
    assert_int_equal(tern_setsockopt(u, TERN_IPPROTO_IPV6, TERN_IPV6_V6ONLY, &v, sizeof v), -1);
    assert_int_equal(errno, EINVAL);
    /* getsockname: the bound address, as sockaddr_in6. */
    struct tern_sockaddr_in6 name;
    len = sizeof name;
    assert_int_equal(tern_getsockname(u, SA(name), &len), 0);
    assert_int_equal(len, sizeof name);
    assert_int_equal(name.sin6_family, TERN_SOCK_AF_INET6);
    assert_int_equal(tern_ntohs(name.sin6_port), 4000);
    assert_string_equal(text6(&name, buf), "2001:db8::1");
    /* Hop limits: -1 is the default, 256 is too many. */
    len = sizeof v;
    assert_int_equal(tern_getsockopt(u, TERN_IPPROTO_IPV6, TERN_IPV6_UNICAST_HOPS, &v, &len), 0);
    assert_int_equal(v, TERN_CFG_IPV6_HOP_LIMIT);
    v = 7;
    assert_int_equal(tern_setsockopt(u, TERN_IPPROTO_IPV6, TERN_IPV6_UNICAST_HOPS, &v, sizeof v), 0);
    assert_int_equal(tern_getsockopt(u, TERN_IPPROTO_IPV6, TERN_IPV6_UNICAST_HOPS, &v, &len), 0);
    assert_int_equal(v, 7);
    v = 256;
    errno = 0;
    assert_int_equal(tern_setsockopt(u, TERN_IPPROTO_IPV6, TERN_IPV6_UNICAST_HOPS, &v, sizeof v), -1);
    assert_int_equal(errno, EINVAL);
    /* Groups: multicast only; leave what was joined. */
    struct tern_ipv6_mreq m;
    memset(&m, 0, sizeof m);
    assert_int_equal(tern_inet_pton(TERN_SOCK_AF_INET6, "2001:db8::5", m.ipv6mr_multiaddr.tern_s6_addr), 1);
    errno = 0;
    assert_int_equal(tern_setsockopt(u, TERN_IPPROTO_IPV6, TERN_IPV6_JOIN_GROUP, &m, sizeof m), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(tern_inet_pton(TERN_SOCK_AF_INET6, "ff02::1:5", m.ipv6mr_multiaddr.tern_s6_addr), 1);
    errno = 0;
    assert_int_equal(tern_setsockopt(u, TERN_IPPROTO_IPV6, TERN_IPV6_LEAVE_GROUP, &m, sizeof m), -1);
    assert_int_equal(errno, EADDRNOTAVAIL);
    tern_close(u);
}

static void test_getaddrinfo_ipv6(void **state) {
    (void)state;
    struct tern_addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = TERN_SOCK_DGRAM;
    assert_int_equal(tern_getaddrinfo("2001:db8::2", "53", &hints, &res), 0);
    assert_non_null(res);
    assert_int_equal(res->ai_family, TERN_SOCK_AF_INET6);
    assert_int_equal(res->ai_addrlen, sizeof(struct tern_sockaddr_in6));
    const struct tern_sockaddr_in6 *a = (const void *)res->ai_addr;
    char buf[TERN_INET6_ADDRSTRLEN];
    assert_string_equal(text6(a, buf), "2001:db8::2");
    assert_int_equal(tern_ntohs(a->sin6_port), 53);
    assert_null(res->ai_next);
    tern_freeaddrinfo(res);
    hints.ai_family = TERN_SOCK_AF_INET6;
    hints.ai_flags = TERN_AI_PASSIVE;
    assert_int_equal(tern_getaddrinfo(NULL, "80", &hints, &res), 0);
    assert_string_equal(text6((const void *)res->ai_addr, buf), "::");
    tern_freeaddrinfo(res);
    assert_int_equal(tern_getaddrinfo("192.0.2.1", "80", &hints, &res), TERN_EAI_NONAME);
    hints.ai_family = TERN_SOCK_AF_INET;
    assert_int_equal(tern_getaddrinfo("2001:db8::2", "80", &hints, &res), TERN_EAI_NONAME);
}

/* ---- UDP ------------------------------------------------------------------------------- */

static void test_udp_over_ipv6(void **state) {
    (void)state;
    char buf[TERN_INET6_ADDRSTRLEN];
    int rx = udp6_on_b(5000, true);
    int fd = tern_socket(TERN_SOCK_AF_INET6, TERN_SOCK_DGRAM, 0);
    struct tern_sockaddr_in6 dst = sin6(SOCKSIM_IP6_B, 5000);
    struct tern_sockaddr_in6 from = exchange(fd, &dst, sizeof dst, rx);
    assert_string_equal(text6(&from, buf), SOCKSIM_IP6_A);
    /* B answers the address it saw; A's recvfrom names B. */
    tern_sockets_set_thread_default(&sim.sb);
    assert_int_equal(tern_sendto(rx, "back", 4, 0, SA(from), sizeof from), 4);
    tern_sockets_set_thread_default(&sim.sa);
    struct tern_timeval tv = {1, 0};
    assert_int_equal(tern_setsockopt(fd, TERN_SOL_SOCKET, TERN_SO_RCVTIMEO, &tv, sizeof tv), 0);
    struct tern_sockaddr_in6 peer;
    tern_socklen_t plen = sizeof peer;
    assert_int_equal(tern_recvfrom(fd, buf, sizeof buf, 0, SA(peer), &plen), 4);
    assert_string_equal(text6(&peer, buf), SOCKSIM_IP6_B);
    assert_int_equal(tern_ntohs(peer.sin6_port), 5000);
    /* Connected: getsockname names the source address the stack picked. */
    assert_int_equal(tern_connect(fd, SA(dst), sizeof dst), 0);
    struct tern_sockaddr_in6 name;
    tern_socklen_t nlen = sizeof name;
    assert_int_equal(tern_getsockname(fd, SA(name), &nlen), 0);
    assert_string_equal(text6(&name, buf), SOCKSIM_IP6_A);
    assert_int_equal(tern_send(fd, "hello", 5, 0), 5);
    assert_int_equal(tern_recv(rx, buf, sizeof buf, 0), 5);
    tern_close(fd);
    tern_close(rx);
}

/* An AF_INET6 socket bound to :: takes IPv4 datagrams too (as ::ffff:a.b.c.d)
 * unless it is IPv6-only; an AF_INET socket takes no IPv6 ones. */
static void test_udp_v4_mapped_and_v6only(void **state) {
    (void)state;
    char buf[TERN_INET6_ADDRSTRLEN];
    int dual = udp6_on_b(5001, false);
    int fd4 = tern_socket(TERN_SOCK_AF_INET, TERN_SOCK_DGRAM, 0);
    struct tern_sockaddr_in dst4 = sin4(SOCKSIM_IP_B, 5001);
    struct tern_sockaddr_in6 from = exchange(fd4, &dst4, sizeof dst4, dual);
    assert_string_equal(text6(&from, buf), "::ffff:192.0.2.1");
    /* The answer to the mapped address goes out over IPv4. */
    tern_sockets_set_thread_default(&sim.sb);
    assert_int_equal(tern_sendto(dual, "back", 4, 0, SA(from), sizeof from), 4);
    tern_sockets_set_thread_default(&sim.sa);
    struct tern_timeval tv = {1, 0};
    assert_int_equal(tern_setsockopt(fd4, TERN_SOL_SOCKET, TERN_SO_RCVTIMEO, &tv, sizeof tv), 0);
    assert_int_equal(tern_recv(fd4, buf, sizeof buf, 0), 4);
    tern_close(dual);

    int only = udp6_on_b(5002, true);
    struct tern_sockaddr_in dst4b = sin4(SOCKSIM_IP_B, 5002);
    assert_int_equal(tern_sendto(fd4, "hello", 5, 0, SA(dst4b), sizeof dst4b), 5);
    errno = 0;
    assert_int_equal(tern_recv(only, buf, sizeof buf, 0), -1); /* waits its 1 s timeout */
    assert_int_equal(errno, EAGAIN);
    tern_close(only);

    /* And the other way: an AF_INET socket on B sees no IPv6 datagram. */
    tern_sockets_set_thread_default(&sim.sb);
    int b4 = tern_socket(TERN_SOCK_AF_INET, TERN_SOCK_DGRAM, 0);
    struct tern_sockaddr_in any4 = sin4(0, 5003);
    assert_int_equal(tern_bind(b4, SA(any4), sizeof any4), 0);
    tern_sockets_set_thread_default(&sim.sa);
    int fd6 = tern_socket(TERN_SOCK_AF_INET6, TERN_SOCK_DGRAM, 0);
    struct tern_sockaddr_in6 dst6 = sin6(SOCKSIM_IP6_B, 5003);
    assert_int_equal(tern_sendto(fd6, "hello", 5, 0, SA(dst6), sizeof dst6), 5);
    assert_int_equal(tern_setsockopt(b4, TERN_SOL_SOCKET, TERN_SO_RCVTIMEO, &tv, sizeof tv), 0);
    errno = 0;
    assert_int_equal(tern_recv(b4, buf, sizeof buf, 0), -1);
    assert_int_equal(errno, EAGAIN);
    /* A mapped destination from an IPv6-only socket is refused. */
    int on = 1;
    int fd6only = tern_socket(TERN_SOCK_AF_INET6, TERN_SOCK_DGRAM, 0);
    assert_int_equal(tern_setsockopt(fd6only, TERN_IPPROTO_IPV6, TERN_IPV6_V6ONLY, &on, sizeof on), 0);
    struct tern_sockaddr_in6 mapped = sin6("::ffff:192.0.2.2", 5001);
    errno = 0;
    assert_int_equal(tern_sendto(fd6only, "x", 1, 0, SA(mapped), sizeof mapped), -1);
    assert_int_equal(errno, EINVAL);
    tern_close(fd6only);
    tern_close(fd6);
    tern_close(b4);
    tern_close(fd4);
}

/* IPV6_JOIN_GROUP on B: a datagram A sends to the group (out of its
 * interface 1) arrives; after IPV6_LEAVE_GROUP it no longer does. */
static void test_multicast_membership(void **state) {
    (void)state;
    char buf[16];
    int rx = udp6_on_b(5004, true);
    struct tern_ipv6_mreq m;
    memset(&m, 0, sizeof m);
    assert_int_equal(tern_inet_pton(TERN_SOCK_AF_INET6, "ff02::1:4", m.ipv6mr_multiaddr.tern_s6_addr), 1);
    assert_int_equal(tern_setsockopt(rx, TERN_IPPROTO_IPV6, TERN_IPV6_JOIN_GROUP, &m, sizeof m), 0);
    errno = 0;
    assert_int_equal(tern_setsockopt(rx, TERN_IPPROTO_IPV6, TERN_IPV6_JOIN_GROUP, &m, sizeof m), -1);
    assert_int_equal(errno, EADDRINUSE);
    int fd = tern_socket(TERN_SOCK_AF_INET6, TERN_SOCK_DGRAM, 0);
    struct tern_sockaddr_in6 group = sin6("ff02::1:4", 5004);
    group.sin6_scope_id = 1;
    struct tern_sockaddr_in6 from = exchange(fd, &group, sizeof group, rx);
    assert_int_equal(from.sin6_addr.tern_s6_addr[0], 0xfe); /* from A's link-local address */
    assert_int_equal(tern_setsockopt(rx, TERN_IPPROTO_IPV6, TERN_IPV6_LEAVE_GROUP, &m, sizeof m), 0);
    assert_int_equal(tern_sendto(fd, "hello", 5, 0, SA(group), sizeof group), 5);
    errno = 0;
    assert_int_equal(tern_recv(rx, buf, sizeof buf, 0), -1);
    assert_int_equal(errno, EAGAIN);
    tern_close(fd);
    tern_close(rx);
}

/* ---- Raw ------------------------------------------------------------------------------- */

/* A raw ICMPv6 socket: the echo request it sends gets its checksum from the
 * stack (B answers it), and B's echo reply comes back as the ICMPv6 bytes. */
static void test_raw_icmpv6_echo(void **state) {
    (void)state;
    char buf[TERN_INET6_ADDRSTRLEN];
    int fd = tern_socket(TERN_SOCK_AF_INET6, TERN_SOCK_RAW, 58);
    assert_true(fd >= 0);
    struct tern_timeval tv = {1, 0};
    assert_int_equal(tern_setsockopt(fd, TERN_SOL_SOCKET, TERN_SO_RCVTIMEO, &tv, sizeof tv), 0);
    static const uint8_t req[12] = {128, 0, 0, 0, 0x12, 0x34, 0, 1, 't', 'e', 'r', 'n'};
    struct tern_sockaddr_in6 dst = sin6(SOCKSIM_IP6_B, 0);
    assert_int_equal(tern_sendto(fd, req, sizeof req, 0, SA(dst), sizeof dst), (long)sizeof req);
    uint8_t rep[64];
    struct tern_sockaddr_in6 from;
    long n = 0;
    for (int i = 0; i < 8; i++) { /* neighbor discovery may come first */
        tern_socklen_t flen = sizeof from;
        n = tern_recvfrom(fd, rep, sizeof rep, 0, SA(from), &flen);
        assert_true(n > 0);
        if (rep[0] == 129)
            break;
    }
    assert_int_equal(rep[0], 129); /* echo reply */
    assert_int_equal(n, (long)sizeof req);
    assert_memory_equal(rep + 4, req + 4, sizeof req - 4);
    assert_string_equal(text6(&from, buf), SOCKSIM_IP6_B);
    tern_close(fd);
}

/* ---- TCP ------------------------------------------------------------------------------- */

/* An AF_INET6 listener on B accepts an IPv4 client as ::ffff:192.0.2.1; an
 * AF_INET6 client reaches B's IPv4 address through its mapped form. */
static void test_tcp_v4_mapped(void **state) {
    (void)state;
    char buf[TERN_INET6_ADDRSTRLEN];
    tern_sockets_set_thread_default(&sim.sb);
    int l = tern_socket(TERN_SOCK_AF_INET6, TERN_SOCK_STREAM, 0);
    struct tern_sockaddr_in6 any = sin6("::", 6000);
    assert_int_equal(tern_bind(l, SA(any), sizeof any), 0);
    assert_int_equal(tern_listen(l, 4), 0);
    tern_sockets_set_thread_default(&sim.sa);
    int c = tern_socket(TERN_SOCK_AF_INET6, TERN_SOCK_STREAM, 0);
    struct tern_sockaddr_in6 dst = sin6("::ffff:192.0.2.2", 6000);
    assert_int_equal(tern_connect(c, SA(dst), sizeof dst), 0);
    struct tern_sockaddr_in6 name;
    tern_socklen_t len = sizeof name;
    assert_int_equal(tern_getsockname(c, SA(name), &len), 0);
    assert_string_equal(text6(&name, buf), "::ffff:192.0.2.1");
    len = sizeof name;
    assert_int_equal(tern_getpeername(c, SA(name), &len), 0);
    assert_string_equal(text6(&name, buf), "::ffff:192.0.2.2");
    assert_int_equal(tern_send(c, "ping", 4, 0), 4);
    tern_sockets_set_thread_default(&sim.sb);
    struct tern_sockaddr_in6 peer;
    len = sizeof peer;
    int a = tern_accept(l, SA(peer), &len);
    assert_true(a >= 0);
    assert_int_equal(len, sizeof peer);
    assert_string_equal(text6(&peer, buf), "::ffff:192.0.2.1");
    assert_int_equal(tern_recv(a, buf, sizeof buf, 0), 4);
    tern_close(a);
    tern_close(l);
    tern_sockets_set_thread_default(&sim.sa);
    tern_close(c);
}

/* TCP over IPv6 between the stacks; an IPv6-only listener refuses IPv4
 * clients and an AF_INET listener refuses IPv6 ones. */
static void test_tcp_over_ipv6(void **state) {
    (void)state;
    char buf[TERN_INET6_ADDRSTRLEN];
    int on = 1;
    tern_sockets_set_thread_default(&sim.sb);
    int l = tern_socket(TERN_SOCK_AF_INET6, TERN_SOCK_STREAM, 0);
    assert_int_equal(tern_setsockopt(l, TERN_IPPROTO_IPV6, TERN_IPV6_V6ONLY, &on, sizeof on), 0);
    struct tern_sockaddr_in6 any = sin6("::", 6001);
    assert_int_equal(tern_bind(l, SA(any), sizeof any), 0);
    assert_int_equal(tern_listen(l, 4), 0);
    int l4 = tern_socket(TERN_SOCK_AF_INET, TERN_SOCK_STREAM, 0);
    struct tern_sockaddr_in any4 = sin4(0, 6002);
    assert_int_equal(tern_bind(l4, SA(any4), sizeof any4), 0);
    assert_int_equal(tern_listen(l4, 4), 0);
    tern_sockets_set_thread_default(&sim.sa);

    int c = tern_socket(TERN_SOCK_AF_INET6, TERN_SOCK_STREAM, 0);
    struct tern_sockaddr_in6 dst = sin6(SOCKSIM_IP6_B, 6001);
    assert_int_equal(tern_connect(c, SA(dst), sizeof dst), 0);
    struct tern_sockaddr_in6 name;
    tern_socklen_t len = sizeof name;
    assert_int_equal(tern_getsockname(c, SA(name), &len), 0);
    assert_string_equal(text6(&name, buf), SOCKSIM_IP6_A);
    static char big[20000];
    memset(big, 'z', sizeof big);
    assert_int_equal(tern_send(c, big, sizeof big, 0), (long)sizeof big);
    tern_sockets_set_thread_default(&sim.sb);
    struct tern_sockaddr_in6 peer;
    len = sizeof peer;
    int a = tern_accept(l, SA(peer), &len);
    assert_true(a >= 0);
    assert_string_equal(text6(&peer, buf), SOCKSIM_IP6_A);
    static char got[20000];
    long n = tern_recv(a, got, sizeof got, TERN_MSG_WAITALL);
    assert_int_equal(n, (long)sizeof got);
    assert_memory_equal(got, big, sizeof big);
    tern_close(a);
    tern_sockets_set_thread_default(&sim.sa);
    tern_close(c);

    /* An IPv4 client at the IPv6-only listener's port: refused. */
    int c4 = tern_socket(TERN_SOCK_AF_INET, TERN_SOCK_STREAM, 0);
    struct tern_sockaddr_in dst4 = sin4(SOCKSIM_IP_B, 6001);
    errno = 0;
    assert_int_equal(tern_connect(c4, SA(dst4), sizeof dst4), -1);
    assert_int_equal(errno, ECONNREFUSED);
    tern_close(c4);
    /* An IPv6 client at the AF_INET listener's port: refused. */
    int c6 = tern_socket(TERN_SOCK_AF_INET6, TERN_SOCK_STREAM, 0);
    struct tern_sockaddr_in6 dst6 = sin6(SOCKSIM_IP6_B, 6002);
    errno = 0;
    assert_int_equal(tern_connect(c6, SA(dst6), sizeof dst6), -1);
    assert_int_equal(errno, ECONNREFUSED);
    tern_close(c6);
    tern_sockets_set_thread_default(&sim.sb);
    tern_close(l);
    tern_close(l4);
    tern_sockets_set_thread_default(&sim.sa);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_address_arguments),    cmocka_unit_test(test_getaddrinfo_ipv6),
        cmocka_unit_test(test_udp_over_ipv6),        cmocka_unit_test(test_udp_v4_mapped_and_v6only),
        cmocka_unit_test(test_multicast_membership), cmocka_unit_test(test_raw_icmpv6_echo),
        cmocka_unit_test(test_tcp_v4_mapped),        cmocka_unit_test(test_tcp_over_ipv6),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

#else
int main(void) {
    return 0; /* an IPv4-only build has no AF_INET6 sockets to test */
}
#endif
