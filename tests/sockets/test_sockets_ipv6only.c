/*
 * The sockets layer in an IPv6-only build (tests/variants/ipv6only.h,
 * TERN_CFG_IPV4 0): AF_INET sockets are refused with EAFNOSUPPORT, an
 * AF_INET6 socket cannot bind to or reach an IPv4-mapped address, and UDP
 * and TCP work over IPv6 between two stacks (socksim with IPv6: A is
 * 2001:db8::1, B is 2001:db8::2; neither has an IPv4 address).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "socksim.h"

#if !TERN_CFG_IPV4 && TERN_CFG_IPV6

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

static void test_af_inet_refused(void **state) {
    (void)state;
    static const int types[] = {TERN_SOCK_STREAM, TERN_SOCK_DGRAM, TERN_SOCK_RAW};
    for (unsigned i = 0; i < sizeof types / sizeof types[0]; i++) {
        errno = 0;
        assert_int_equal(tern_socket(TERN_SOCK_AF_INET, types[i], types[i] == TERN_SOCK_RAW ? 1 : 0), -1);
        assert_int_equal(errno, EAFNOSUPPORT);
    }
}

static void test_ipv4_mapped_refused(void **state) {
    (void)state;
    int u = tern_socket(TERN_SOCK_AF_INET6, TERN_SOCK_DGRAM, 0);
    assert_true(u >= 0);
    struct tern_sockaddr_in6 mapped = sin6("::ffff:192.0.2.1", 7000);
    assert_int_equal(tern_bind(u, SA(mapped), sizeof mapped), -1);
    struct tern_sockaddr_in6 peer = sin6("::ffff:192.0.2.2", 7000);
    assert_true(tern_sendto(u, "x", 1, 0, SA(peer), sizeof peer) < 0);
    tern_close(u);
}

static void test_udp_and_tcp_over_ipv6(void **state) {
    (void)state;
    tern_sockets_set_thread_default(&sim.sb);
    int rx = tern_socket(TERN_SOCK_AF_INET6, TERN_SOCK_DGRAM, 0);
    struct tern_sockaddr_in6 any = sin6("::", 7001);
    assert_int_equal(tern_bind(rx, SA(any), sizeof any), 0);
    struct tern_timeval tv = {1, 0};
    assert_int_equal(tern_setsockopt(rx, TERN_SOL_SOCKET, TERN_SO_RCVTIMEO, &tv, sizeof tv), 0);
    int l = tern_socket(TERN_SOCK_AF_INET6, TERN_SOCK_STREAM, 0);
    struct tern_sockaddr_in6 lany = sin6("::", 7002);
    assert_int_equal(tern_bind(l, SA(lany), sizeof lany), 0);
    assert_int_equal(tern_listen(l, 2), 0);
    tern_sockets_set_thread_default(&sim.sa);

    int u = tern_socket(TERN_SOCK_AF_INET6, TERN_SOCK_DGRAM, 0);
    struct tern_sockaddr_in6 dst = sin6(SOCKSIM_IP6_B, 7001);
    assert_int_equal(tern_sendto(u, "hello", 5, 0, SA(dst), sizeof dst), 5);
    tern_sockets_set_thread_default(&sim.sb);
    char buf[16];
    assert_int_equal(tern_recv(rx, buf, sizeof buf, 0), 5);
    assert_memory_equal(buf, "hello", 5);
    tern_sockets_set_thread_default(&sim.sa);
    tern_close(u);

    int c = tern_socket(TERN_SOCK_AF_INET6, TERN_SOCK_STREAM, 0);
    struct tern_sockaddr_in6 tdst = sin6(SOCKSIM_IP6_B, 7002);
    assert_int_equal(tern_connect(c, SA(tdst), sizeof tdst), 0);
    static char big[8000];
    memset(big, 'v', sizeof big);
    assert_int_equal(tern_send(c, big, sizeof big, 0), (long)sizeof big);
    tern_sockets_set_thread_default(&sim.sb);
    int a = tern_accept(l, NULL, NULL);
    assert_true(a >= 0);
    static char got[8000];
    assert_int_equal(tern_recv(a, got, sizeof got, TERN_MSG_WAITALL), (long)sizeof got);
    assert_memory_equal(got, big, sizeof big);
    tern_close(a);
    tern_close(l);
    tern_close(rx);
    tern_sockets_set_thread_default(&sim.sa);
    tern_close(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_af_inet_refused),
        cmocka_unit_test(test_ipv4_mapped_refused),
        cmocka_unit_test(test_udp_and_tcp_over_ipv6),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

#else
int main(void) {
    return 0; /* built only against an IPv6-only configuration */
}
#endif
