/* Neighbor Discovery, DAD, SLAAC and source address selection, driven
 * through frames on a capturing interface and a virtual clock. */
#include <stdlib.h>
#include <string.h>

#include "ipv6util.h"

typedef struct fixture {
    tern_stack *s;
    cap_netif cap;
    uint32_t now;
} fixture;

static const uint8_t mac_b[6] = {0x02, 0, 0, 0, 0, 0x0b};
static const uint8_t g1_prefix[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1};

static void advance(fixture *f, uint32_t ms) {
    for (uint32_t t = 0; t < ms; t += 10) {
        f->now += 10;
        tern_stack_poll(f->s, f->now);
    }
}

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    f->s = stack_new(21);
    cap_init(&f->cap, f->s);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    cap_clear(&f->cap);
    stack_free_checked(f->s);
    free(f);
    return 0;
}

static tern_ipv6_ifaddr *addr_of(fixture *f, const uint8_t a[16]) {
    for (unsigned i = 0; i < TERN_CFG_IPV6_ADDRS; i++)
        if (f->cap.nif.ip6.addrs[i].state && memcmp(f->cap.nif.ip6.addrs[i].addr, a, 16) == 0)
            return &f->cap.nif.ip6.addrs[i];
    return NULL;
}

static void enable_ready(fixture *f, bool slaac) {
    assert_int_equal(tern_ipv6_enable(&f->cap.nif, slaac), TERN_OK);
    advance(f, 2500);
    assert_int_equal(addr_of(f, ll_us)->state, TERN_IPV6_ADDR_PREFERRED);
}

static void inject_nd(fixture *f, const uint8_t src[16], const uint8_t dst[16], uint8_t hlim,
                      const uint8_t *b, size_t n) {
    uint8_t fr[1600];
    inject(&f->cap.nif, fr, build6(fr, src, dst, 58, hlim, b, n, 0, 58));
}

static void echo_from(fixture *f, const uint8_t src[16], const uint8_t dst[16]) {
    uint8_t fr[256];
    inject(&f->cap.nif, fr, build_icmp6(fr, src, dst, 64, 128, 0, 7, (const uint8_t *)"hi", 2));
}

static void test_dad_success(void **state) {
    fixture *f = *state;
    assert_int_equal(tern_ipv6_enable(&f->cap.nif, false), TERN_OK);
    assert_int_equal(addr_of(f, ll_us)->state, TERN_IPV6_ADDR_TENTATIVE);
    echo_from(f, ll_peer, ll_us); /* a tentative address takes no traffic */
    assert_int_equal(find_icmp6(&f->cap, 0, 129), -1);
    advance(f, 1000);
    int i = find_icmp6(&f->cap, 0, 135);
    assert_true(i >= 0);
    const cap_frame *ns = &f->cap.frames[i];
    uint8_t sn[16];
    solicited6(ll_us, sn);
    assert_int_equal(ns->data[21], 255);             /* hop limit */
    assert_memory_equal(ns->data + 22, unspec6, 16); /* from :: */
    assert_memory_equal(ns->data + 38, sn, 16);      /* to the solicited-node group */
    assert_memory_equal(ns->data, "\x33\x33\xff\x00\x00\x02", 6);
    assert_memory_equal(ns->data + 62, ll_us, 16); /* target */
    assert_int_equal(ns->len, 14 + 40 + 24);       /* no source link-layer option */
    assert_int_equal(csum6(ns->data + 22, ns->data + 38, 58, ns->data + 54, 24), 0);
    advance(f, 1500);
    assert_int_equal(addr_of(f, ll_us)->state, TERN_IPV6_ADDR_PREFERRED);
    assert_int_equal(stat(f->s, "nd.dad.ok"), 1);
    echo_from(f, ll_peer, ll_us);
    assert_true(find_icmp6(&f->cap, 0, 135) >= 0);
}

static void test_dad_fails_on_na(void **state) {
    fixture *f = *state;
    uint8_t b[32];
    assert_int_equal(tern_ipv6_enable(&f->cap.nif, false), TERN_OK);
    advance(f, 1100);
    size_t n = nd_body(b, 136, 0x20, ll_us, 2, mac_b);
    inject_nd(f, ll_peer, all_nodes6, 255, b, n);
    assert_int_equal(addr_of(f, ll_us)->state, TERN_IPV6_ADDR_DUPLICATE);
    assert_int_equal(stat(f->s, "nd.dad.duplicate"), 1);
    advance(f, 3000);
    assert_int_equal(addr_of(f, ll_us)->state, TERN_IPV6_ADDR_DUPLICATE);
    uint8_t out[16];
    assert_false(tern_ipv6_select_source(&f->cap.nif, ll_peer, out));
}

static void test_dad_fails_on_competing_ns(void **state) {
    fixture *f = *state;
    uint8_t b[32], sn[16];
    assert_int_equal(tern_ipv6_enable(&f->cap.nif, false), TERN_OK);
    solicited6(ll_us, sn);
    size_t n = nd_body(b, 135, 0, ll_us, 0, NULL);
    inject_nd(f, unspec6, sn, 255, b, n);
    assert_int_equal(addr_of(f, ll_us)->state, TERN_IPV6_ADDR_DUPLICATE);
}

static void test_neighbor_states(void **state) {
    fixture *f = *state;
    uint8_t b[32];
    tern_nd_info info[4];
    enable_ready(f, false);
    cap_clear(&f->cap);
    echo_from(f, ll_peer, ll_us); /* the reply waits for resolution */
    int i = find_icmp6(&f->cap, 0, 135);
    assert_true(i >= 0);
    assert_int_equal(find_icmp6(&f->cap, 0, 129), -1);
    assert_int_equal(f->cap.frames[i].len, 14 + 40 + 32); /* with our link-layer address */
    assert_int_equal(tern_nd_entries(f->s, info, 4), 1);
    assert_int_equal(info[0].state, TERN_ND_INCOMPLETE);
    /* A solicited NA answers it: the reply goes out to the peer's MAC. */
    size_t n = nd_body(b, 136, 0x60, ll_peer, 2, test_mac_peer);
    inject_nd(f, ll_peer, ll_us, 255, b, n);
    i = find_icmp6(&f->cap, 0, 129);
    assert_true(i >= 0);
    assert_memory_equal(f->cap.frames[i].data, test_mac_peer, 6);
    tern_nd_entries(f->s, info, 4);
    assert_int_equal(info[0].state, TERN_ND_REACHABLE);
    advance(f, 31000);
    tern_nd_entries(f->s, info, 4);
    assert_int_equal(info[0].state, TERN_ND_STALE);
    echo_from(f, ll_peer, ll_us);
    tern_nd_entries(f->s, info, 4);
    assert_int_equal(info[0].state, TERN_ND_DELAY);
    cap_clear(&f->cap);
    advance(f, 5100);
    tern_nd_entries(f->s, info, 4);
    assert_int_equal(info[0].state, TERN_ND_PROBE);
    i = find_icmp6(&f->cap, 0, 135);
    assert_true(i >= 0);
    assert_memory_equal(f->cap.frames[i].data + 38, ll_peer, 16); /* unicast probe */
    advance(f, 4000);
    assert_int_equal(count_icmp6(&f->cap, 0, 135), 3);
    assert_int_equal(tern_nd_entries(f->s, info, 4), 0);
}

static void test_unresolved_queue_dropped(void **state) {
    fixture *f = *state;
    enable_ready(f, false);
    unsigned base = tern_stack_buffers_in_use(f->s);
    cap_clear(&f->cap);
    for (int k = 0; k < 5; k++)
        echo_from(f, ll_peer, ll_us);
    assert_int_equal(stat(f->s, "nd.drop.queue"), 5 - TERN_CFG_IPV6_ND_QUEUE_LEN);
    advance(f, 4000);
    assert_int_equal(count_icmp6(&f->cap, 0, 135), 3);
    assert_int_equal(stat(f->s, "nd.drop.unresolved"), TERN_CFG_IPV6_ND_QUEUE_LEN);
    assert_int_equal(tern_stack_buffers_in_use(f->s), base);
}

static void test_nd_validity(void **state) {
    fixture *f = *state;
    uint8_t b[64], sn[16];
    enable_ready(f, false);
    solicited6(ll_us, sn);
    cap_clear(&f->cap);
    size_t n = nd_body(b, 135, 0, ll_us, 1, test_mac_peer);
    inject_nd(f, ll_peer, sn, 254, b, n);
    assert_int_equal(stat(f->s, "nd.drop.hop_limit"), 1);
    b[1] = 1; /* code */
    inject_nd(f, ll_peer, sn, 255, b, n);
    b[1] = 0;
    inject_nd(f, ll_peer, sn, 255, b, 20); /* short */
    assert_int_equal(stat(f->s, "nd.drop.invalid"), 2);
    b[25] = 0; /* option length 0 */
    inject_nd(f, ll_peer, sn, 255, b, n);
    b[25] = 2; /* option past the message */
    inject_nd(f, ll_peer, sn, 255, b, n);
    assert_int_equal(stat(f->s, "nd.drop.option"), 2);
    b[25] = 1;
    inject_nd(f, unspec6, sn, 255, b, n); /* SLLA from :: */
    n = nd_body(b, 135, 0, ll_us, 0, NULL);
    inject_nd(f, unspec6, ll_us, 255, b, n); /* from :: not to the solicited-node group */
    n = nd_body(b, 135, 0, all_nodes6, 1, test_mac_peer);
    inject_nd(f, ll_peer, sn, 255, b, n); /* multicast target */
    n = nd_body(b, 136, 0x40, ll_peer, 2, test_mac_peer);
    inject_nd(f, ll_peer, all_nodes6, 255, b, n); /* solicited NA to a group */
    assert_int_equal(stat(f->s, "nd.drop.invalid"), 6);
    assert_int_equal(f->cap.count, 0);
    tern_nd_info info[2];
    assert_int_equal(tern_nd_entries(f->s, info, 2), 0);
    /* A valid NS is answered with a solicited NA carrying our MAC. */
    n = nd_body(b, 135, 0, ll_us, 1, test_mac_peer);
    inject_nd(f, ll_peer, sn, 255, b, n);
    int i = find_icmp6(&f->cap, 0, 136);
    assert_true(i >= 0);
    assert_int_equal(f->cap.frames[i].data[58], 0x60); /* S, O */
    assert_memory_equal(f->cap.frames[i].data + 80, test_mac_stack, 6);
    assert_memory_equal(f->cap.frames[i].data, test_mac_peer, 6);
}

static void test_cache_bounded(void **state) {
    fixture *f = *state;
    uint8_t b[64], sn[16];
    enable_ready(f, false);
    solicited6(ll_us, sn);
    for (int k = 0; k < 3 * TERN_CFG_IPV6_NEIGHBORS; k++) {
        uint8_t src[16], mac[6] = {2, 0, 0, 1, (uint8_t)(k >> 8), (uint8_t)k};
        memcpy(src, ll_peer, 16);
        src[14] = (uint8_t)(k >> 8);
        src[15] = (uint8_t)(k + 3);
        size_t n = nd_body(b, 135, 0, ll_us, 1, mac);
        inject_nd(f, src, sn, 255, b, n);
        /* NS for other targets (not ours) create nothing. */
        uint8_t other[16];
        memcpy(other, ll_peer, 16);
        other[13] = (uint8_t)k;
        n = nd_body(b, 135, 0, other, 1, mac);
        solicited6(other, sn);
        inject_nd(f, src, sn, 255, b, n);
        solicited6(ll_us, sn);
        if (f->cap.count > 400)
            cap_clear(&f->cap);
    }
    tern_nd_info info[TERN_CFG_IPV6_NEIGHBORS + 1];
    assert_int_equal(tern_nd_entries(f->s, info, TERN_CFG_IPV6_NEIGHBORS + 1), TERN_CFG_IPV6_NEIGHBORS);
    assert_true(stat(f->s, "nd.cache_full") >= 2u * TERN_CFG_IPV6_NEIGHBORS);
}

/* An RA from fe80::ff:fe00:1 with the given prefix option and lifetimes. */
static size_t ra_body(uint8_t *b, uint16_t router_lt, const uint8_t prefix[16], uint8_t plen, uint8_t flags,
                      uint32_t valid, uint32_t preferred, bool extras) {
    memset(b, 0, 200);
    b[0] = 134;
    b[4] = 64;
    b[6] = (uint8_t)(router_lt >> 8);
    b[7] = (uint8_t)router_lt;
    size_t n = 16;
    b[n] = 1; /* SLLA */
    b[n + 1] = 1;
    memcpy(b + n + 2, test_mac_peer, 6);
    n += 8;
    b[n] = 3; /* prefix information */
    b[n + 1] = 4;
    b[n + 2] = plen;
    b[n + 3] = flags;
    for (int k = 0; k < 4; k++) {
        b[n + 4 + k] = (uint8_t)(valid >> (24 - 8 * k));
        b[n + 8 + k] = (uint8_t)(preferred >> (24 - 8 * k));
    }
    memcpy(b + n + 16, prefix, 16);
    n += 32;
    if (!extras)
        return n;
    const uint8_t mtu[8] = {5, 1, 0, 0, 0, 0, 0x05, 0x78}; /* 1400 */
    memcpy(b + n, mtu, 8);
    n += 8;
    const uint8_t rdnss[24] = {25, 3, 0, 0, 0, 0, 0, 100, 0x20, 1, 0x0d, 0xb8,
                               0,  1, 0, 0, 0, 0, 0, 0,   0,    0, 0,    0x53};
    memcpy(b + n, rdnss, 24);
    n += 24;
    const uint8_t dnssl[24] = {31,  3,   0,   0,   0, 0,   0,   100, 7,   'e', 'x', 'a',
                               'm', 'p', 'l', 'e', 4, 't', 'e', 's', 't', 0,   0,   0};
    memcpy(b + n, dnssl, 24);
    return n + 24;
}

static void test_slaac_from_ra(void **state) {
    fixture *f = *state;
    uint8_t b[256];
    enable_ready(f, true);
    advance(f, 1000);
    int i = find_icmp6(&f->cap, 0, 133); /* router solicitation after the link-local is ready */
    assert_true(i >= 0);
    assert_memory_equal(f->cap.frames[i].data + 38, "\xff\x02\0\0\0\0\0\0\0\0\0\0\0\0\0\x02", 16);
    assert_int_equal(f->cap.frames[i].data[21], 255);
    size_t n = ra_body(b, 1800, g1_prefix, 64, 0xC0, 20, 10, true);
    inject_nd(f, ll_peer, all_nodes6, 255, b, n);
    assert_int_equal(stat(f->s, "nd.ra.rx"), 1);
    uint8_t g[16];
    memcpy(g, g1_prefix, 8);
    memcpy(g + 8, ll_us + 8, 8);
    tern_ipv6_ifaddr *a = addr_of(f, g);
    assert_non_null(a);
    assert_int_equal(a->state, TERN_IPV6_ADDR_TENTATIVE);
    assert_true(a->autoconf);
    assert_int_equal(f->s->ipv6.routers[0].ifindex, f->cap.nif.index);
    assert_memory_equal(f->s->ipv6.routers[0].ip, ll_peer, 16);
    assert_int_equal(f->s->ipv6.prefixes[0].len, 64);
    assert_int_equal(f->cap.nif.ip6.mtu, 1400);
    assert_int_equal(f->s->ipv6.dns[0].ip[15], 0x53);
    assert_string_equal(f->s->ipv6.dnssl, "example.test");
    advance(f, 2500);
    assert_int_equal(a->state, TERN_IPV6_ADDR_PREFERRED);
    /* A global destination off-link: from the global address, via the router. */
    uint8_t far[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, src[16];
    assert_true(tern_ipv6_select_source(&f->cap.nif, far, src));
    assert_memory_equal(src, g, 16);
    cap_clear(&f->cap);
    uint8_t fr[256];
    size_t fl = build_icmp6(fr, far, g, 64, 128, 0, 1, (const uint8_t *)"x", 1);
    memcpy(fr + 6, test_mac_peer, 6);
    inject(&f->cap.nif, fr, fl);
    i = find_icmp6(&f->cap, 0, 129);
    assert_true(i >= 0);
    assert_memory_equal(f->cap.frames[i].data, test_mac_peer, 6); /* the router's MAC from its SLLA */
    /* Lifetimes run out: deprecated at 10 s, gone at 20 s (the RA came 2.5 s ago). */
    advance(f, 6000);
    assert_int_equal(a->state, TERN_IPV6_ADDR_PREFERRED);
    advance(f, 2000);
    assert_int_equal(a->state, TERN_IPV6_ADDR_DEPRECATED);
    assert_true(tern_ipv6_select_source(&f->cap.nif, far, src)); /* still usable as a last resort */
    advance(f, 10000);
    assert_null(addr_of(f, g));
    assert_int_equal(f->s->ipv6.prefixes[0].len, 0);
    /* A fresh RA brings it back; the router and DNS are still known. */
    inject_nd(f, ll_peer, all_nodes6, 255, b, n);
    assert_non_null(addr_of(f, g));
}

/* A Redirect (type 137) from src about dst: target, with the target's MAC
 * in a TLLA option when mac is given. */
static size_t redirect_body(uint8_t *b, const uint8_t target[16], const uint8_t dst[16], const uint8_t *mac) {
    memset(b, 0, 48);
    b[0] = 137;
    memcpy(b + 8, target, 16);
    memcpy(b + 24, dst, 16);
    if (!mac)
        return 40;
    b[40] = 2; /* target link-layer address */
    b[41] = 1;
    memcpy(b + 42, mac, 6);
    return 48;
}

/* The first hop of a frame the stack sends to far (an echo reply). */
static const uint8_t *first_hop_mac(fixture *f, const uint8_t far[16], const uint8_t g[16]) {
    uint8_t fr[256];
    cap_clear(&f->cap);
    size_t fl = build_icmp6(fr, far, g, 64, 128, 0, 1, (const uint8_t *)"x", 1);
    inject(&f->cap.nif, fr, fl);
    int i = find_icmp6(&f->cap, 0, 129);
    if (i < 0)
        i = find_icmp6(&f->cap, 0, 135); /* resolving the new first hop first */
    assert_true(i >= 0);
    return f->cap.frames[i].data;
}

/* RFC 4861 8: a Redirect from the router in use moves the destination's
 * first hop to a better router, or onto the link; forged or malformed ones
 * change nothing and are counted. */
static void test_redirect(void **state) {
    fixture *f = *state;
    uint8_t b[256], g[16];
    enable_ready(f, true);
    size_t n = ra_body(b, 1800, g1_prefix, 64, 0xC0, 86400, 3600, false);
    inject_nd(f, ll_peer, all_nodes6, 255, b, n);
    memcpy(g, g1_prefix, 8);
    memcpy(g + 8, ll_us + 8, 8);
    advance(f, 2500);
    uint8_t far[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    assert_memory_equal(first_hop_mac(f, far, g), test_mac_peer, 6); /* the default router */
    uint8_t better[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x77};
    uint8_t stranger[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x66};
    uint8_t global_target[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
    /* Forged: from a node that is not our first hop toward far. */
    n = redirect_body(b, better, far, mac_b);
    inject_nd(f, stranger, ll_us, 255, b, n);
    /* Malformed: hop limit, a global target that is not the destination, a multicast destination. */
    inject_nd(f, ll_peer, ll_us, 254, b, n);
    n = redirect_body(b, global_target, far, mac_b);
    inject_nd(f, ll_peer, ll_us, 255, b, n);
    n = redirect_body(b, better, all_nodes6, mac_b);
    inject_nd(f, ll_peer, ll_us, 255, b, n);
    assert_int_equal(stat(f->s, "nd.drop.redirect"), 3);
    assert_int_equal(stat(f->s, "nd.drop.hop_limit"), 1);
    assert_int_equal(stat(f->s, "nd.redirect"), 0);
    assert_memory_equal(first_hop_mac(f, far, g), test_mac_peer, 6);
    /* The router in use sends far to a better router, with its MAC. */
    n = redirect_body(b, better, far, mac_b);
    inject_nd(f, ll_peer, ll_us, 255, b, n);
    assert_int_equal(stat(f->s, "nd.redirect"), 1);
    assert_memory_equal(first_hop_mac(f, far, g), mac_b, 6);
    /* Now only the better router may redirect far again: on-link (target = destination). */
    n = redirect_body(b, far, far, NULL);
    inject_nd(f, ll_peer, ll_us, 255, b, n);
    assert_int_equal(stat(f->s, "nd.drop.redirect"), 4);
    inject_nd(f, better, ll_us, 255, b, n);
    assert_int_equal(stat(f->s, "nd.redirect"), 2);
    const uint8_t *d = first_hop_mac(f, far, g); /* far is resolved on the link now */
    assert_int_equal(d[0], 0x33);                /* a neighbor solicitation ... */
    assert_int_equal(f->cap.frames[find_icmp6(&f->cap, 0, 135)].data[14 + 40 + 8 + 15], 1); /* ... for far */
}

static void test_two_hour_rule(void **state) {
    fixture *f = *state;
    uint8_t b[256], g[16];
    enable_ready(f, true);
    size_t n = ra_body(b, 1800, g1_prefix, 64, 0xC0, 86400, 3600, false);
    inject_nd(f, ll_peer, all_nodes6, 255, b, n);
    memcpy(g, g1_prefix, 8);
    memcpy(g + 8, ll_us + 8, 8);
    /* A spoofed short valid lifetime cannot cut the address below two hours. */
    n = ra_body(b, 1800, g1_prefix, 64, 0xC0, 10, 5, false);
    inject_nd(f, ll_peer, all_nodes6, 255, b, n);
    tern_ipv6_ifaddr *a = addr_of(f, g);
    assert_true(a->valid_until - f->now >= 7200u * 1000u - 1000u);
}

static void test_ra_hostile(void **state) {
    fixture *f = *state;
    uint8_t b[256];
    enable_ready(f, true);
    size_t n = ra_body(b, 1800, g1_prefix, 64, 0xC0, 100, 50, false);
    inject_nd(f, ll_peer, all_nodes6, 254, b, n);
    assert_int_equal(stat(f->s, "nd.drop.hop_limit"), 1);
    uint8_t global[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    inject_nd(f, global, all_nodes6, 255, b, n); /* not from a link-local source */
    assert_int_equal(stat(f->s, "nd.drop.invalid"), 1);
    n = ra_body(b, 1800, g1_prefix, 129, 0xC0, 100, 50, false);
    inject_nd(f, ll_peer, all_nodes6, 255, b, n);
    assert_int_equal(stat(f->s, "nd.ra.bad_prefix"), 1);
    n = ra_body(b, 1800, g1_prefix, 64, 0xC0, 50, 100, false); /* preferred > valid */
    inject_nd(f, ll_peer, all_nodes6, 255, b, n);
    assert_int_equal(stat(f->s, "nd.ra.bad_prefix"), 2);
    n = ra_body(b, 1800, g1_prefix, 48, 0xC0, 100, 50, false); /* not /64: no address */
    inject_nd(f, ll_peer, all_nodes6, 255, b, n);
    assert_int_equal(stat(f->s, "nd.ra.bad_prefix"), 3);
    /* A flood of RAs with random prefixes, from random routers. */
    for (int k = 0; k < 200; k++) {
        uint8_t p[16] = {0x20, 0x01, 0x0d, 0xb8, (uint8_t)k, (uint8_t)(k * 7)}, src[16];
        memcpy(src, ll_peer, 16);
        src[15] = (uint8_t)(k + 5);
        n = ra_body(b, 1800, p, 64, 0xC0, 1000, 500, false);
        inject_nd(f, src, all_nodes6, 255, b, n);
    }
    unsigned used = 0;
    for (unsigned i = 0; i < TERN_CFG_IPV6_ADDRS; i++)
        used += f->cap.nif.ip6.addrs[i].state != 0;
    assert_int_equal(used, TERN_CFG_IPV6_ADDRS);
    assert_true(stat(f->s, "nd.ra.list_full") > 100);
    tern_nd_info info[TERN_CFG_IPV6_NEIGHBORS + 1];
    assert_true(tern_nd_entries(f->s, info, TERN_CFG_IPV6_NEIGHBORS + 1) <= TERN_CFG_IPV6_NEIGHBORS);
    advance(f, 3000);
    cap_clear(&f->cap);
    echo_from(f, ll_peer, ll_us);
    assert_true(f->cap.count > 0); /* still answers (or resolves to answer) */
}

static void test_source_selection(void **state) {
    fixture *f = *state;
    enable_ready(f, false);
    tern_addr a1, a2;
    assert_true(tern_addr_parse("2001:db8:1::2", &a1));
    assert_true(tern_addr_parse("2001:db8:2::2", &a2));
    assert_int_equal(tern_ipv6_add_addr(&f->cap.nif, &a1, 64), TERN_OK);
    assert_int_equal(tern_ipv6_add_addr(&f->cap.nif, &a2, 64), TERN_OK);
    advance(f, 2500);
    addr_of(f, a2.bytes)->state = TERN_IPV6_ADDR_DEPRECATED;
    uint8_t out[16];
    tern_addr d;
    assert_true(tern_addr_parse("2001:db8:1::99", &d));
    assert_true(tern_ipv6_select_source(&f->cap.nif, d.bytes, out));
    assert_memory_equal(out, a1.bytes, 16); /* longest match */
    assert_true(tern_ipv6_select_source(&f->cap.nif, ll_peer, out));
    assert_memory_equal(out, ll_us, 16); /* scope */
    assert_true(tern_addr_parse("2001:db8:2::5", &d));
    assert_true(tern_ipv6_select_source(&f->cap.nif, d.bytes, out));
    assert_memory_equal(out, a1.bytes, 16); /* deprecated avoided before longest match */
    assert_true(tern_ipv6_select_source(&f->cap.nif, a2.bytes, out));
    assert_memory_equal(out, a2.bytes, 16); /* the same address first */
    assert_true(tern_addr_parse("ff0e::1", &d));
    assert_true(tern_ipv6_select_source(&f->cap.nif, d.bytes, out));
    assert_memory_equal(out, a1.bytes, 16); /* global scope for a global group */
}

/* An MLD query (v1: 24 bytes, v2: 28) from the peer's link-local address. */
static void mld_query(fixture *f, const uint8_t group[16], bool v2, uint8_t hlim) {
    uint8_t b[28] = {130, 0, 0, 0, 0x03, 0xE8}; /* max response 1000 ms */
    memcpy(b + 8, group, 16);
    inject_nd(f, ll_peer, all_nodes6, hlim, b, v2 ? 28 : 24);
}

static void test_mld(void **state) {
    fixture *f = *state;
    uint8_t sn[16];
    solicited6(ll_us, sn);
    assert_int_equal(tern_ipv6_enable(&f->cap.nif, false), TERN_OK);
    /* Joining the solicited-node group is reported at once, from :: during DAD. */
    int i = find_icmp6(&f->cap, 0, 143);
    assert_true(i >= 0);
    const cap_frame *r = &f->cap.frames[i];
    assert_int_equal(r->data[20], 0); /* hop-by-hop ... */
    assert_int_equal(r->data[56], 5); /* ... with a Router Alert */
    assert_int_equal(r->data[21], 1); /* hop limit 1 */
    assert_memory_equal(r->data + 22, unspec6, 16);
    assert_memory_equal(r->data + 38, "\xff\x02\0\0\0\0\0\0\0\0\0\0\0\0\0\x16", 16);
    assert_int_equal(r->data[62 + 7], 1); /* one record */
    assert_int_equal(r->data[62 + 8], 4); /* CHANGE_TO_EXCLUDE */
    assert_memory_equal(r->data + 62 + 12, sn, 16);
    assert_int_equal(csum6(r->data + 22, r->data + 38, 58, r->data + 62, r->len - 62u), 0);
    advance(f, 2500);
    /* A general MLDv2 query is answered within its delay, from the link-local address. */
    cap_clear(&f->cap);
    mld_query(f, unspec6, true, 1);
    advance(f, 1100);
    i = find_icmp6(&f->cap, 0, 143);
    assert_true(i >= 0);
    assert_memory_equal(f->cap.frames[i].data + 22, ll_us, 16);
    assert_int_equal(f->cap.frames[i].data[62 + 8], 2); /* MODE_IS_EXCLUDE */
    assert_int_equal(count_icmp6(&f->cap, 0, 143), 1);
    /* Bad queries are counted and ignored. */
    mld_query(f, unspec6, true, 2);
    assert_int_equal(stat(f->s, "mld.drop.invalid"), 1);
    /* An application group: join and leave reported. */
    tern_addr g;
    assert_true(tern_addr_parse("ff05::1234", &g));
    cap_clear(&f->cap);
    assert_int_equal(tern_ipv6_join(&f->cap.nif, &g), TERN_OK);
    i = find_icmp6(&f->cap, 0, 143);
    assert_true(i >= 0);
    assert_memory_equal(f->cap.frames[i].data + 62 + 12, g.bytes, 16);
    /* A group-specific query for it. */
    cap_clear(&f->cap);
    mld_query(f, g.bytes, true, 1);
    advance(f, 1100);
    i = find_icmp6(&f->cap, 0, 143);
    assert_true(i >= 0);
    assert_int_equal(f->cap.frames[i].data[62 + 7], 1);
    assert_memory_equal(f->cap.frames[i].data + 62 + 12, g.bytes, 16);
    /* An MLDv1 querier: answers become v1 reports sent to each group. */
    cap_clear(&f->cap);
    mld_query(f, unspec6, false, 1);
    advance(f, 1100);
    assert_int_equal(count_icmp6(&f->cap, 0, 131), 2); /* solicited-node and ff05::1234 */
    assert_int_equal(count_icmp6(&f->cap, 0, 143), 0);
    cap_clear(&f->cap);
    assert_int_equal(tern_ipv6_leave(&f->cap.nif, &g), TERN_OK);
    assert_true(find_icmp6(&f->cap, 0, 132) >= 0); /* v1 done */
}

#if TERN_CFG_IPV6_STABLE_IID
/* The SLAAC address a stack with this secret forms from g1_prefix. */
static void stable_addr(const uint8_t secret[16], const uint8_t prefix[16], uint8_t out[16]) {
    fixture f2 = {0};
    uint8_t b[256];
    f2.s = stack_new(99);
    cap_init(&f2.cap, f2.s);
    tern_ipv6_set_secret(f2.s, secret);
    enable_ready(&f2, true);
    size_t n = ra_body(b, 1800, prefix, 64, 0xC0, 1000, 500, false);
    inject_nd(&f2, ll_peer, all_nodes6, 255, b, n);
    tern_ipv6_ifaddr *a = &f2.cap.nif.ip6.addrs[1];
    assert_int_equal(a->state, TERN_IPV6_ADDR_TENTATIVE);
    memcpy(out, a->addr, 16);
    cap_clear(&f2.cap);
    stack_free_checked(f2.s);
}

static void test_stable_iid(void **state) {
    (void)state;
    const uint8_t k1[16] = {1, 2, 3}, k2[16] = {1, 2, 4};
    const uint8_t p2[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 2};
    uint8_t a1[16], a1again[16], a2[16], b1[16];
    stable_addr(k1, g1_prefix, a1);
    stable_addr(k1, g1_prefix, a1again);
    stable_addr(k1, p2, a2);
    stable_addr(k2, g1_prefix, b1);
    assert_memory_equal(a1, g1_prefix, 8);
    assert_memory_not_equal(a1 + 8, ll_us + 8, 8); /* not the EUI-64 identifier */
    assert_memory_equal(a1, a1again, 16);          /* stable across restarts */
    assert_memory_not_equal(a1 + 8, a2 + 8, 8);    /* differs per prefix */
    assert_memory_not_equal(a1 + 8, b1 + 8, 8);    /* and per secret */
}

static void test_stable_iid_dad_retry(void **state) {
    fixture *f = *state;
    uint8_t b[256];
    const uint8_t k1[16] = {1, 2, 3};
    tern_ipv6_set_secret(f->s, k1);
    enable_ready(f, true);
    size_t n = ra_body(b, 1800, g1_prefix, 64, 0xC0, 1000, 500, false);
    inject_nd(f, ll_peer, all_nodes6, 255, b, n);
    uint8_t first[16];
    memcpy(first, f->cap.nif.ip6.addrs[1].addr, 16);
    /* Someone defends it: DAD_Counter 1 gives a new identifier (RFC 7217 6). */
    n = nd_body(b, 136, 0x20, first, 2, mac_b);
    inject_nd(f, ll_peer, all_nodes6, 255, b, n);
    assert_int_equal(addr_of(f, first)->state, TERN_IPV6_ADDR_DUPLICATE);
    tern_ipv6_ifaddr *second = NULL;
    for (unsigned i = 0; i < TERN_CFG_IPV6_ADDRS; i++) {
        tern_ipv6_ifaddr *c = &f->cap.nif.ip6.addrs[i];
        if (c->state == TERN_IPV6_ADDR_TENTATIVE && memcmp(c->addr, g1_prefix, 8) == 0)
            second = c;
    }
    assert_non_null(second);
    assert_memory_not_equal(second->addr, first, 16);
    advance(f, 2500);
    assert_int_equal(second->state, TERN_IPV6_ADDR_PREFERRED);
    /* The next RA refreshes that address; it does not bring the duplicate back. */
    n = ra_body(b, 1800, g1_prefix, 64, 0xC0, 1000, 500, false);
    inject_nd(f, ll_peer, all_nodes6, 255, b, n);
    assert_int_equal(addr_of(f, first)->state, TERN_IPV6_ADDR_DUPLICATE);
    assert_int_equal(second->state, TERN_IPV6_ADDR_PREFERRED);
}
#endif

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_dad_success, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dad_fails_on_na, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dad_fails_on_competing_ns, setup, teardown),
        cmocka_unit_test_setup_teardown(test_neighbor_states, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unresolved_queue_dropped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nd_validity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cache_bounded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slaac_from_ra, setup, teardown),
        cmocka_unit_test_setup_teardown(test_redirect, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_hour_rule, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ra_hostile, setup, teardown),
        cmocka_unit_test_setup_teardown(test_source_selection, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mld, setup, teardown),
#if TERN_CFG_IPV6_STABLE_IID
        cmocka_unit_test(test_stable_iid),
        cmocka_unit_test_setup_teardown(test_stable_iid_dad_retry, setup, teardown),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
