/*
 * Sockets behaviour the conformance suite cannot compare with Linux over
 * loopback (no multicast route there, no wire to look at): IP_TTL and
 * IP_TOS applied to a TCP connection's segments, IP_MULTICAST_LOOP, and a
 * close that lingers. Two stacks on a virtual wire (socksim): sockets on A
 * unless a test switches to B.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "socksim.h"

static socksim sim;

static struct tern_sockaddr_in sin4(uint32_t ip, uint16_t port) {
    struct tern_sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = TERN_SOCK_AF_INET;
    a.sin_port = tern_htons(port);
    a.sin_addr.s_addr = tern_htonl(ip);
    return a;
}

#define SA(a) ((struct tern_sockaddr *)&(a))

static void sleep_ms(unsigned ms) {
    struct timespec ts = {ms / 1000u, (long)(ms % 1000u) * 1000000L};
    nanosleep(&ts, NULL);
}

static uint32_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint32_t)(ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

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
    return socksim_stop(&sim, 300) == 0 ? 0 : -1;
}

/* A listener on B (port); returns its descriptor. */
static int listen_on_b(uint16_t port) {
    tern_sockets_set_thread_default(&sim.sb);
    int l = tern_socket(TERN_SOCK_AF_INET, TERN_SOCK_STREAM, 0);
    struct tern_sockaddr_in a = sin4(0, port);
    assert_int_equal(tern_bind(l, SA(a), sizeof a), 0);
    assert_int_equal(tern_listen(l, 4), 0);
    tern_sockets_set_thread_default(&sim.sa);
    return l;
}

static int connect_to_b(uint16_t port) {
    int c = tern_socket(TERN_SOCK_AF_INET, TERN_SOCK_STREAM, 0);
    struct tern_sockaddr_in b = sin4(SOCKSIM_IP_B, port);
    assert_int_equal(tern_connect(c, SA(b), sizeof b), 0);
    return c;
}

/* ---- IP_TTL / IP_TOS on a TCP connection --------------------------------- */

static volatile int seen_ttl = -1, seen_tos = -1;

static void tee_a(void *ctx, tern_netif *nif, const tern_pbuf *p, bool out) {
    uint8_t f[40];
    (void)ctx, (void)nif;
    if (!out || tern_pbuf_copy_out(p, 0, f, sizeof f) < 34 || f[12] != 0x08 || f[13] != 0 || f[23] != 6)
        return;
    seen_tos = f[15];
    seen_ttl = f[22];
}

static void test_ttl_tos_on_tcp(void **state) {
    (void)state;
    int l = listen_on_b(7101);
    int c = connect_to_b(7101);
    int ttl = 9, tos = 0x28;
    assert_int_equal(tern_setsockopt(c, TERN_IPPROTO_IP, TERN_IP_TTL, &ttl, sizeof ttl), 0);
    assert_int_equal(tern_setsockopt(c, TERN_IPPROTO_IP, TERN_IP_TOS, &tos, sizeof tos), 0);
    tern_os_mutex_lock(&sim.lock);
    tern_netif_set_tee(&sim.nif_a, tee_a, NULL);
    tern_os_mutex_unlock(&sim.lock);
    assert_int_equal(tern_send(c, "x", 1, 0), 1);
    for (int i = 0; i < 100 && seen_ttl != 9; i++)
        sleep_ms(5);
    tern_os_mutex_lock(&sim.lock);
    tern_netif_set_tee(&sim.nif_a, NULL, NULL);
    tern_os_mutex_unlock(&sim.lock);
    assert_int_equal(seen_ttl, 9);
    assert_int_equal(seen_tos, 0x28);
    tern_close(c);
    tern_sockets_set_thread_default(&sim.sb);
    tern_close(l);
    tern_sockets_set_thread_default(&sim.sa);
}

/* ---- IP_MULTICAST_LOOP ------------------------------------------------------- */

static void test_multicast_loop(void **state) {
    (void)state;
    int r = tern_socket(TERN_SOCK_AF_INET, TERN_SOCK_DGRAM, 0);
    struct tern_sockaddr_in any = sin4(0, 5555);
    assert_int_equal(tern_bind(r, SA(any), sizeof any), 0);
    struct tern_ip_mreq mr;
    mr.imr_multiaddr.s_addr = tern_htonl(0xEF010203u); /* 239.1.2.3 */
    mr.imr_interface.s_addr = tern_htonl(SOCKSIM_IP_A);
    assert_int_equal(tern_setsockopt(r, TERN_IPPROTO_IP, TERN_IP_ADD_MEMBERSHIP, &mr, sizeof mr), 0);
    int w = tern_socket(TERN_SOCK_AF_INET, TERN_SOCK_DGRAM, 0);
    struct tern_sockaddr_in g = sin4(0xEF010203u, 5555);
    assert_int_equal(tern_sendto(w, "hi", 2, 0, SA(g), sizeof g), 2);
    char b[8];
    struct tern_sockaddr_in from;
    tern_socklen_t fl = sizeof from;
    long n = -1;
    for (int i = 0; i < 100 && n < 0; i++) {
        n = tern_recvfrom(r, b, sizeof b, TERN_MSG_DONTWAIT, SA(from), &fl);
        if (n < 0)
            sleep_ms(2);
    }
    assert_int_equal(n, 2); /* looped back by default, as on Linux */
    assert_memory_equal(b, "hi", 2);
    struct tern_sockaddr_in wa;
    tern_socklen_t wl = sizeof wa;
    assert_int_equal(tern_getsockname(w, SA(wa), &wl), 0);
    assert_int_equal(from.sin_port, wa.sin_port);
    assert_int_equal(tern_ntohl(from.sin_addr.s_addr), SOCKSIM_IP_A);
    int off = 0;
    assert_int_equal(tern_setsockopt(w, TERN_IPPROTO_IP, TERN_IP_MULTICAST_LOOP, &off, sizeof off), 0);
    assert_int_equal(tern_sendto(w, "no", 2, 0, SA(g), sizeof g), 2);
    sleep_ms(50);
    errno = 0;
    assert_int_equal(tern_recvfrom(r, b, sizeof b, TERN_MSG_DONTWAIT, NULL, NULL), -1);
    assert_int_equal(errno, EAGAIN);
    tern_close(w);
    tern_close(r);
}

/* ---- SO_LINGER with a time ----------------------------------------------------- */

/* The peer reads nothing: what is queued cannot all be acknowledged, so
 * close waits the whole linger time (Linux's close does too), then the
 * connection goes on closing in the background. */
static void test_linger_waits(void **state) {
    (void)state;
    int l = listen_on_b(7102);
    int c = connect_to_b(7102);
    int fl = TERN_O_NONBLOCK;
    assert_int_equal(tern_fcntl(c, TERN_F_SETFL, fl), 0);
    static char buf[8192];
    long sent = 0, n;
    while ((n = tern_send(c, buf, sizeof buf, 0)) > 0)
        sent += n;
    assert_true(sent > 0);
    assert_int_equal(tern_fcntl(c, TERN_F_SETFL, 0), 0);
    struct tern_linger lg = {1, 1};
    assert_int_equal(tern_setsockopt(c, TERN_SOL_SOCKET, TERN_SO_LINGER, &lg, sizeof lg), 0);
    uint32_t t0 = now_ms();
    assert_int_equal(tern_close(c), 0);
    uint32_t took = now_ms() - t0;
    if (took < 900 || took > 3000)
        fail_msg("close with a 1 s linger returned after %u ms", took);
    tern_sockets_set_thread_default(&sim.sb);
    tern_close(l); /* resets the unaccepted connection */
    tern_sockets_set_thread_default(&sim.sa);
}

/* The peer reads: close returns as soon as data and FIN are acknowledged,
 * well before the linger time, and the peer has every byte then EOF. */
static void test_linger_returns_when_acknowledged(void **state) {
    (void)state;
    int l = listen_on_b(7103);
    int c = connect_to_b(7103);
    tern_sockets_set_thread_default(&sim.sb);
    int s = tern_accept(l, NULL, NULL);
    assert_true(s >= 0);
    tern_sockets_set_thread_default(&sim.sa);
    static char buf[20000];
    assert_int_equal(tern_send(c, buf, sizeof buf, 0), (long)sizeof buf);
    struct tern_linger lg = {1, 5};
    assert_int_equal(tern_setsockopt(c, TERN_SOL_SOCKET, TERN_SO_LINGER, &lg, sizeof lg), 0);
    uint32_t t0 = now_ms();
    assert_int_equal(tern_close(c), 0);
    uint32_t took = now_ms() - t0;
    if (took > 2000)
        fail_msg("close took %u ms though the peer took everything", took);
    tern_sockets_set_thread_default(&sim.sb);
    long got = 0, n;
    char rb[4096];
    while ((n = tern_recv(s, rb, sizeof rb, 0)) > 0)
        got += n;
    assert_int_equal(n, 0); /* EOF */
    assert_int_equal(got, (long)sizeof buf);
    tern_close(s);
    tern_close(l);
    tern_sockets_set_thread_default(&sim.sa);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ttl_tos_on_tcp),
        cmocka_unit_test(test_multicast_loop),
        cmocka_unit_test(test_linger_waits),
        cmocka_unit_test(test_linger_returns_when_acknowledged),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
