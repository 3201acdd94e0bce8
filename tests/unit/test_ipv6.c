/* IPv6: addresses in text, the extension header chain walk, ICMPv6 echo,
 * and hostile headers: every malformed packet is dropped and counted,
 * nothing leaks, and the stack still answers. */
#include <stdlib.h>
#include <string.h>

#include "ipv6util.h"

typedef struct fixture {
    tern_stack *s;
    cap_netif cap;
    unsigned base;
    uint32_t now;
} fixture;

static void advance(fixture *f, uint32_t ms) {
    for (uint32_t t = 0; t < ms; t += 10) {
        f->now += 10;
        tern_stack_poll(f->s, f->now);
    }
}

/* The peer's NA for us, so replies to it need no resolution. */
static void peer_known(fixture *f) {
    uint8_t fr[256], b[32];
    /* An NS from the peer to our address teaches us its MAC (STALE). */
    size_t n = nd_body(b, 135, 0, ll_us, 1, test_mac_peer);
    uint8_t sn[16];
    solicited6(ll_us, sn);
    inject(&f->cap.nif, fr, build6(fr, ll_peer, sn, 58, 255, b, n, 0, 58));
}

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    f->s = stack_new(11);
    cap_init(&f->cap, f->s);
    assert_int_equal(tern_ipv6_enable(&f->cap.nif, false), TERN_OK);
    advance(f, 2500); /* DAD on the link-local address */
    assert_int_equal(f->cap.nif.ip6.addrs[0].state, TERN_IPV6_ADDR_PREFERRED);
    peer_known(f);
    cap_clear(&f->cap);
    f->base = tern_stack_buffers_in_use(f->s);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    assert_int_equal(tern_stack_buffers_in_use(f->s), f->base);
    cap_clear(&f->cap);
    stack_free_checked(f->s);
    free(f);
    return 0;
}

static void assert_still_answers(fixture *f) {
    uint8_t fr[256];
    unsigned before = f->cap.count;
    size_t n = build_icmp6(fr, ll_peer, ll_us, 64, 128, 0, 0x12340001u, (const uint8_t *)"ping", 4);
    inject(&f->cap.nif, fr, n);
    int i = find_icmp6(&f->cap, before, 129);
    assert_true(i >= 0);
    const cap_frame *r = &f->cap.frames[i];
    assert_memory_equal(r->data + 22, ll_us, 16);
    assert_memory_equal(r->data + 38, ll_peer, 16);
    assert_memory_equal(r->data + 58, "\x12\x34\x00\x01ping", 8);
    /* The reply's checksum verifies. */
    assert_int_equal(csum6(r->data + 22, r->data + 38, 58, r->data + 54, r->len - 54u), 0);
}

static void inject_and_expect(fixture *f, const uint8_t *fr, size_t n, const char *counter, int icmp_type) {
    uint32_t before = stat(f->s, counter);
    unsigned sent = f->cap.count;
    inject(&f->cap.nif, fr, n);
    assert_int_equal(stat(f->s, counter), before + 1);
    if (icmp_type < 0)
        assert_int_equal(f->cap.count, sent); /* nothing answered */
    else
        assert_true(find_icmp6(&f->cap, sent, (uint8_t)icmp_type) >= 0);
    assert_int_equal(tern_stack_buffers_in_use(f->s), f->base);
}

static void test_addr_text(void **state) {
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"2001:db8::1", "2001:db8::1"},
        {"2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"},
        {"::", "::"},
        {"::1", "::1"},
        {"1::", "1::"},
        {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},    /* the first of two equal runs */
        {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"}, /* one zero group stays */
        {"fe80::1%2", "fe80::1%2"},
        {"::ffff:192.0.2.1", "::ffff:192.0.2.1"},
        {"::fffe:c000:201", "::fffe:c000:201"}, /* only ::ffff:0:0/96 is written dotted */
        {"2001:db8:1:2:3:4:5:6", "2001:db8:1:2:3:4:5:6"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tern_addr a;
        char buf[TERN_ADDR_STRLEN];
        assert_true(tern_addr_parse(cases[i].in, &a));
        assert_int_equal(a.family, TERN_AF_INET6);
        assert_string_equal(tern_addr_format(&a, buf, sizeof buf), cases[i].out);
    }
    static const char *bad[] = {
        ":::",  "1:2:3:4:5:6:7:8:9", "1::2::3",     "12345::", "1:2:3:4:5:6:7",    ":1::2", "1::2:",
        "g::1", "fe80::1%",          "fe80::1%256", "::1.2.3", "1:2:3:4:5:6:7:8::"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tern_addr a;
        assert_false(tern_addr_parse(bad[i], &a));
    }
    tern_addr v4;
    assert_true(tern_addr_parse("192.0.2.1", &v4));
    assert_int_equal(v4.family, TERN_AF_INET);
}

static void test_echo_link_local(void **state) {
    fixture *f = *state;
    assert_still_answers(f);
    assert_int_equal(stat(f->s, "icmp6.rx"), 2); /* the NS in setup, the echo */
}

static void test_echo_to_all_nodes(void **state) {
    fixture *f = *state;
    uint8_t fr[256];
    unsigned before = f->cap.count;
    inject(&f->cap.nif, fr, build_icmp6(fr, ll_peer, all_nodes6, 64, 128, 0, 1, (const uint8_t *)"x", 1));
    int i = find_icmp6(&f->cap, before, 129);
    assert_true(i >= 0);
    assert_memory_equal(f->cap.frames[i].data + 22, ll_us, 16); /* from our unicast address */
}

static void test_bad_fixed_header(void **state) {
    fixture *f = *state;
    uint8_t fr[256];
    size_t n = build_icmp6(fr, ll_peer, ll_us, 64, 128, 0, 1, (const uint8_t *)"abcd", 4);
    inject_and_expect(f, fr, 14 + 39, "ipv6.drop.short", -1);
    fr[14] = 0x40;
    inject_and_expect(f, fr, n, "ipv6.drop.version", -1);
    fr[14] = 0x60;
    fr[18] = 0x01; /* payload length 268: past the frame */
    inject_and_expect(f, fr, n, "ipv6.drop.payload_length", -1);
    fr[18] = 0;
    uint8_t mc[16] = {0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5};
    n = build_icmp6(fr, mc, ll_us, 64, 128, 0, 1, NULL, 0);
    inject_and_expect(f, fr, n, "ipv6.drop.bad_source", -1);
    uint8_t other[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9};
    n = build_icmp6(fr, ll_peer, other, 64, 128, 0, 1, NULL, 0);
    inject_and_expect(f, fr, n, "ipv6.drop.not_ours", -1);
    n = build_icmp6(fr, ll_peer, ll_us, 64, 128, 0, 1, (const uint8_t *)"abcd", 4);
    fr[57] ^= 0xFF; /* checksum */
    inject_and_expect(f, fr, n, "icmp6.drop.checksum", -1);
    assert_still_answers(f);
}

/* body: extension headers (each given whole) then an echo request. */
static size_t with_ext(uint8_t *fr, uint8_t first, const uint8_t *ext, size_t elen) {
    uint8_t body[2048];
    memcpy(body, ext, elen);
    uint8_t *e = body + elen;
    memset(e, 0, 12);
    e[0] = 128;
    e[4] = 0x55;
    memcpy(e + 8, "ping", 4);
    return build6(fr, ll_peer, ll_us, first, 64, body, elen + 12, (int)elen, 58);
}

static void test_ext_headers_valid(void **state) {
    fixture *f = *state;
    uint8_t fr[2200];
    unsigned before = f->cap.count;
    /* Hop-by-hop (Pad1, PadN, an unknown skip-type option), destination options, routing with segments left
     * 0, atomic fragment: all walked, the echo answered. */
    const uint8_t ext[] = {60, 0, 0, 1, 1, 0, 0x1e, 0,  /* HBH: Pad1, PadN(1), opt 0x1e len 0 */
                           43, 0, 1, 2, 0, 0, 1,    0,  /* dst opts: PadN(2) PadN(0) */
                           44, 0, 0, 0, 0, 0, 0,    0,  /* routing type 0, segments left 0: ignored */
                           58, 0, 0, 0, 0, 0, 0,    9}; /* fragment offset 0, M 0: atomic */
    size_t n = with_ext(fr, 0, ext, sizeof ext);
    uint32_t atomic = stat(f->s, "ipv6.atomic_fragment");
    inject(&f->cap.nif, fr, n);
    assert_true(find_icmp6(&f->cap, before, 129) >= 0);
    assert_int_equal(stat(f->s, "ipv6.atomic_fragment"), atomic + 1);
}

static void test_ext_headers_hostile(void **state) {
    fixture *f = *state;
    uint8_t fr[2200], ext[1024];
    /* Hop-by-hop after a destination options header: parameter problem code 1. */
    const uint8_t late_hbh[] = {0, 0, 1, 4, 0, 0, 0, 0, 58, 0, 1, 4, 0, 0, 0, 0};
    size_t n = with_ext(fr, 60, late_hbh, sizeof late_hbh);
    inject_and_expect(f, fr, n, "ipv6.drop.hop_by_hop_not_first", 4);
    /* An option running past its header: parameter problem. */
    const uint8_t long_opt[] = {58, 0, 1, 9, 0, 0, 0, 0};
    n = with_ext(fr, 0, long_opt, sizeof long_opt);
    inject_and_expect(f, fr, n, "ipv6.drop.option", 4);
    /* Unknown options: 01 discards silently, 10 discards with a parameter problem code 2. */
    const uint8_t opt_discard[] = {58, 0, 0x41, 0, 1, 2, 0, 0};
    n = with_ext(fr, 60, opt_discard, sizeof opt_discard);
    inject_and_expect(f, fr, n, "ipv6.drop.option", -1);
    const uint8_t opt_icmp[] = {58, 0, 0x81, 0, 1, 2, 0, 0};
    n = with_ext(fr, 60, opt_icmp, sizeof opt_icmp);
    unsigned before = f->cap.count;
    inject_and_expect(f, fr, n, "ipv6.drop.option", 4);
    int i = find_icmp6(&f->cap, before, 4);
    assert_int_equal(f->cap.frames[i].data[55], 2);               /* code 2 */
    assert_int_equal(f->cap.frames[i].data[61], 40 + 2);          /* pointer: the option */
    assert_memory_equal(f->cap.frames[i].data + 62, fr + 14, 40); /* the quote */
    /* Routing header type 0 with segments left: refused (RFC 5095), pointer at the type. */
    const uint8_t rh0[] = {58, 2, 0, 1, 0, 0, 0, 0, 0x20, 0x01, 0x0d, 0xb8,
                           0,  0, 0, 0, 0, 0, 0, 0, 0,    0,    0,    1};
    n = with_ext(fr, 43, rh0, sizeof rh0);
    before = f->cap.count;
    inject_and_expect(f, fr, n, "ipv6.drop.routing_header", 4);
    assert_int_equal(f->cap.frames[find_icmp6(&f->cap, before, 4)].data[61], 40 + 2);
    /* A header whose length runs past the packet. */
    const uint8_t trunc[] = {58, 4, 1, 4, 0, 0, 0, 0};
    n = with_ext(fr, 60, trunc, sizeof trunc);
    inject_and_expect(f, fr, n, "ipv6.drop.ext_truncated", -1);
    /* A chain of 100 destination options headers: stopped at the limit. */
    for (int k = 0; k < 100; k++) {
        const uint8_t d[8] = {k == 99 ? 58 : 60, 0, 1, 4, 0, 0, 0, 0};
        memcpy(ext + 8 * k, d, 8);
    }
    n = with_ext(fr, 60, ext, 800);
    inject_and_expect(f, fr, n, "ipv6.drop.ext_too_many", -1);
    /* The chain names a next header that is not there (ends inside the packet). */
    n = build6(fr, ll_peer, ll_us, 60, 64, (const uint8_t *)"\x3c\x00\x01\x04\x00\x00\x00\x00", 8, -1, 0);
    inject_and_expect(f, fr, n, "ipv6.drop.ext_truncated", -1);
    /* No next header. */
    n = build6(fr, ll_peer, ll_us, 59, 64, (const uint8_t *)"junk", 4, -1, 0);
    inject_and_expect(f, fr, n, "ipv6.drop.no_next_header", -1);
    /* An unknown upper layer: parameter problem code 1 pointing at the fixed header's next header. */
    before = f->cap.count;
    n = build6(fr, ll_peer, ll_us, 253, 64, (const uint8_t *)"junkjunk", 8, -1, 0);
    inject_and_expect(f, fr, n, "ipv6.drop.protocol", 4);
    assert_int_equal(f->cap.frames[find_icmp6(&f->cap, before, 4)].data[61], 6);
    assert_still_answers(f);
}

static void test_error_rate_limit(void **state) {
    fixture *f = *state;
    uint8_t fr[256];
    unsigned before = f->cap.count;
    for (int k = 0; k < 50; k++) {
        size_t n = build6(fr, ll_peer, ll_us, 253, 64, (const uint8_t *)"junkjunk", 8, -1, 0);
        inject(&f->cap.nif, fr, n);
    }
    int sent = count_icmp6(&f->cap, before, 4);
    assert_true(sent >= 1 && sent <= TERN_CFG_ICMP_ERR_BURST);
    assert_true(stat(f->s, "icmp6.err.rate_limited") >= 50u - TERN_CFG_ICMP_ERR_BURST);
    /* Never an error about an error, or about a multicast packet. */
    before = f->cap.count;
    inject(&f->cap.nif, fr, build6(fr, ll_peer, all_nodes6, 253, 64, (const uint8_t *)"junkjunk", 8, -1, 0));
    advance(f, 2000);
    inject(&f->cap.nif, fr, build_icmp6(fr, ll_peer, ll_us, 64, 1, 0, 0, (const uint8_t *)"abcd", 4));
    assert_int_equal(count_icmp6(&f->cap, before, 4), 0);
}

/* An echo request of dlen bytes, with its ICMPv6 checksum, in msg. */
static size_t echo_msg(uint8_t *msg, size_t dlen) {
    memset(msg, 0, 8);
    msg[0] = 128;
    msg[4] = 0x77;
    msg[7] = 1;
    for (size_t i = 0; i < dlen; i++)
        msg[8 + i] = (uint8_t)i;
    uint16_t c = csum6(ll_peer, ll_us, 58, msg, 8 + dlen);
    msg[2] = (uint8_t)(c >> 8);
    msg[3] = (uint8_t)c;
    return 8 + dlen;
}

/* Fragment [off, off+len) of msg (next header 58) with id and M. */
static size_t frag_of(uint8_t *fr, const uint8_t *msg, size_t off, size_t len, int more, uint32_t id) {
    uint8_t body[1600];
    body[0] = 58;
    body[1] = 0;
    body[2] = (uint8_t)(off >> 8);
    body[3] = (uint8_t)((off & 0xF8u) | (more ? 1u : 0u));
    body[4] = (uint8_t)(id >> 24);
    body[5] = (uint8_t)(id >> 16);
    body[6] = (uint8_t)(id >> 8);
    body[7] = (uint8_t)id;
    memcpy(body + 8, msg + off, len);
    return build6(fr, ll_peer, ll_us, 44, 64, body, 8 + len, -1, 0);
}

static void test_reassembly(void **state) {
    fixture *f = *state;
    static uint8_t msg[4000];
    uint8_t fr[1700];
    size_t m = echo_msg(msg, 3000); /* 3008 bytes: 1232 + 1232 + 544 */
    unsigned before = f->cap.count;
    /* Out of order, with an exact duplicate. */
    inject(&f->cap.nif, fr, frag_of(fr, msg, 2464, m - 2464, 0, 5));
    inject(&f->cap.nif, fr, frag_of(fr, msg, 1232, 1232, 1, 5));
    inject(&f->cap.nif, fr, frag_of(fr, msg, 1232, 1232, 1, 5));
    assert_int_equal(find_icmp6(&f->cap, before, 129), -1);
    inject(&f->cap.nif, fr, frag_of(fr, msg, 0, 1232, 1, 5));
    assert_int_equal(stat(f->s, "ipv6.reass.ok"), 1);
    /* The 3008-byte reply leaves in fragments that fit the 1500-byte MTU. */
    assert_int_equal(stat(f->s, "ipv6.frag.tx"), 3);
    unsigned total = 0;
    for (unsigned i = before; i < f->cap.count; i++) {
        const cap_frame *c = &f->cap.frames[i];
        assert_true(c->len <= 1514);
        assert_int_equal(c->data[20], 44);
        total += (unsigned)(c->len - 14 - 48);
    }
    assert_int_equal(total, m);
}

static void test_reassembly_hostile(void **state) {
    fixture *f = *state;
    static uint8_t msg[4000];
    uint8_t fr[1700];
    size_t m = echo_msg(msg, 3000);
    unsigned before = f->cap.count;
    /* Overlap: the whole datagram goes (RFC 5722), even once the rest comes. */
    inject(&f->cap.nif, fr, frag_of(fr, msg, 0, 1232, 1, 6));
    inject(&f->cap.nif, fr, frag_of(fr, msg, 1224, 1232, 1, 6));
    assert_int_equal(stat(f->s, "ipv6.reass.drop.overlap"), 1);
    inject(&f->cap.nif, fr, frag_of(fr, msg, 1232, 1232, 1, 6));
    inject(&f->cap.nif, fr, frag_of(fr, msg, 2464, m - 2464, 0, 6));
    assert_int_equal(find_icmp6(&f->cap, before, 129), -1);
    unsigned base0 = f->base;
    f->base = tern_stack_buffers_in_use(f->s); /* the later fragments wait in a new slot until it times out */
    assert_int_equal(f->base, base0 + 2);
    /* A non-last fragment whose length is not a multiple of 8. */
    size_t n = frag_of(fr, msg, 0, 1230, 1, 7);
    inject_and_expect(f, fr, n, "ipv6.reass.drop.bad_fragment", 4);
    /* A first fragment without the upper-layer header (RFC 7112): a destination
     * options header fills it, the ICMPv6 header would be in the next one. */
    uint8_t body[64] = {60, 0, 0, 1, 0, 0, 0, 8, /* fragment, offset 0, M */
                        58, 0, 1, 4, 0, 0, 0, 0};
    n = build6(fr, ll_peer, ll_us, 44, 64, body, 16, -1, 0);
    before = f->cap.count;
    inject_and_expect(f, fr, n, "ipv6.reass.drop.incomplete_chain", 4);
    assert_int_equal(f->cap.frames[find_icmp6(&f->cap, before, 4)].data[55], 3); /* code 3 */
    /* Offset + length past 65535. */
    uint8_t far_frag[24] = {58, 0, 0xFF, 0xF8, 0, 0, 0, 9}; /* offset 65528, 16 bytes */
    n = build6(fr, ll_peer, ll_us, 44, 64, far_frag, sizeof far_frag, -1, 0);
    inject_and_expect(f, fr, n, "ipv6.reass.drop.too_big", 4);
    /* More datagrams at once than the slots: the oldest go. */
    for (uint32_t id = 100; id < 100 + TERN_CFG_IPV6_REASS_MAX + 3; id++)
        inject(&f->cap.nif, fr, frag_of(fr, msg, 1232, 1232, 1, id));
    assert_int_equal(stat(f->s, "ipv6.reass.drop.no_slot"), 4); /* id 6 held a slot too */
    /* Timeout: a datagram with its first fragment gets a time exceeded (code 1). */
    inject(&f->cap.nif, fr, frag_of(fr, msg, 0, 1232, 1, 200));
    advance(f, TERN_CFG_IPV6_REASS_TIMEOUT_MS - 1000);
    peer_known(f); /* the peer's probes went unanswered meanwhile */
    before = f->cap.count;
    advance(f, 1100);
    int i = find_icmp6(&f->cap, before, 3);
    assert_true(i >= 0);
    assert_int_equal(f->cap.frames[i].data[55], 1);
    assert_int_equal(stat(f->s, "ipv6.reass.timeout"), TERN_CFG_IPV6_REASS_MAX);
    f->base = base0;
    assert_int_equal(tern_stack_buffers_in_use(f->s), f->base);
    assert_still_answers(f);
}

static size_t udp6(uint8_t *fr, const uint8_t src[16], const uint8_t dst[16], uint16_t sport, uint16_t dport,
                   const char *text) {
    uint8_t body[256];
    size_t n = strlen(text);
    body[0] = (uint8_t)(sport >> 8);
    body[1] = (uint8_t)sport;
    body[2] = (uint8_t)(dport >> 8);
    body[3] = (uint8_t)dport;
    body[4] = (uint8_t)((8 + n) >> 8);
    body[5] = (uint8_t)(8 + n);
    memcpy(body + 8, text, n);
    return build6(fr, src, dst, 17, 64, body, 8 + n, 0, 17);
}

static void test_udp_echo_and_errors(void **state) {
    fixture *f = *state;
    uint8_t fr[256];
    assert_int_equal(tern_echo_start(f->s), TERN_OK);
    unsigned before = f->cap.count;
    inject(&f->cap.nif, fr, udp6(fr, ll_peer, ll_us, 4000, 7, "hello"));
    assert_int_equal(f->cap.count, before + 1);
    const cap_frame *r = &f->cap.frames[before];
    assert_int_equal(r->data[20], 17);
    assert_memory_equal(r->data + 54, "\x00\x07\x0f\xa0\x00\x0d", 6);
    assert_memory_equal(r->data + 62, "hello", 5);
    assert_int_equal(csum6(r->data + 22, r->data + 38, 17, r->data + 54, 13), 0);
    /* Checksum 0 is never valid over IPv6. */
    size_t n = udp6(fr, ll_peer, ll_us, 4000, 7, "hello");
    fr[60] = fr[61] = 0;
    inject_and_expect(f, fr, n, "udp.drop.checksum", -1);
    /* A closed port: port unreachable (code 4) quoting the datagram. */
    before = f->cap.count;
    n = udp6(fr, ll_peer, ll_us, 4000, 4444, "x");
    inject_and_expect(f, fr, n, "udp.drop.no_port", 1);
    r = &f->cap.frames[find_icmp6(&f->cap, before, 1)];
    assert_int_equal(r->data[55], 4);
    assert_memory_equal(r->data + 62, fr + 14, n - 14);
}

typedef struct udp_seen {
    int errs;
    tern_err last;
    uint16_t mtu;
} udp_seen;

static void on_udp_err(void *ctx, tern_udp_pcb *pcb, tern_err err, const tern_icmp_error *e) {
    udp_seen *u = ctx;
    (void)pcb;
    u->errs++;
    u->last = err;
    u->mtu = e->mtu;
}

static void test_udp_errors_and_pmtu(void **state) {
    fixture *f = *state;
    uint8_t fr[1600];
    udp_seen seen = {0};
    tern_udp_pcb *pcb = tern_udp_new(f->s);
    tern_addr peer = tern_addr_ipv6(ll_peer, f->cap.nif.index);
    assert_int_equal(tern_udp_connect(pcb, &peer, 9999), TERN_OK);
    tern_udp_set_recv(pcb, NULL, &seen);
    tern_udp_set_err(pcb, on_udp_err);
    tern_pbuf *p = tern_pbuf_alloc(f->s, TERN_PBUF_TRANSPORT_HEADROOM, 1400);
    memset(p->payload, 'a', 1400);
    unsigned before = f->cap.count;
    assert_int_equal(tern_udp_send(pcb, p), TERN_OK);
    assert_int_equal(f->cap.count, before + 1);
    const cap_frame *sent = &f->cap.frames[before];
    assert_int_equal(sent->len, 14 + 40 + 8 + 1400);
    /* Port unreachable about it: REFUSED. */
    inject(&f->cap.nif, fr, build_icmp6(fr, ll_peer, ll_us, 64, 1, 4, 0, sent->data + 14, 1232 - 48));
    assert_int_equal(seen.errs, 1);
    assert_int_equal(seen.last, TERN_ERR_REFUSED);
    /* Packet Too Big (1280): the path MTU drops, the next datagram goes in fragments. */
    inject(&f->cap.nif, fr, build_icmp6(fr, ll_peer, ll_us, 64, 2, 0, 1280, sent->data + 14, 1232 - 48));
    assert_int_equal(seen.errs, 2);
    assert_int_equal(seen.last, TERN_ERR_MSGSIZE);
    assert_int_equal(seen.mtu, 1280);
    assert_int_equal(stat(f->s, "ipv6.pmtu.update"), 1);
    /* A PTB below 1280 is clamped; one quoting somebody else's packet is ignored. */
    uint8_t forged[48];
    memcpy(forged, sent->data + 14, 48);
    forged[8 + 15] ^= 1; /* source not ours */
    inject(&f->cap.nif, fr, build_icmp6(fr, ll_peer, ll_us, 64, 2, 0, 600, forged, 48));
    assert_int_equal(seen.errs, 2);
    p = tern_pbuf_alloc(f->s, TERN_PBUF_TRANSPORT_HEADROOM, 1400);
    memset(p->payload, 'b', 1400);
    before = f->cap.count;
    assert_int_equal(tern_udp_send(pcb, p), TERN_OK);
    assert_int_equal(f->cap.count, before + 2);
    for (unsigned i = before; i < f->cap.count; i++) {
        assert_int_equal(f->cap.frames[i].data[20], 44);
        assert_true(f->cap.frames[i].len - 14u <= 1280u);
    }
    tern_udp_free(pcb);
}

#if TERN_CFG_RAW
typedef struct raw_seen {
    int count;
    uint16_t len;
    uint8_t first;
    tern_addr src;
    bool keep;
} raw_seen;

static bool on_raw(void *ctx, tern_raw_pcb *pcb, tern_pbuf *p, const tern_addr *src) {
    raw_seen *r = ctx;
    r->count++;
    r->len = p->tot_len;
    (void)tern_pbuf_copy_out(p, 0, &r->first, 1);
    r->src = *src;
    if (r->keep)
        tern_pbuf_free(pcb->stack, p);
    return r->keep;
}

/* Raw IPv6 endpoints (RFC 3542 semantics): the upper-layer bytes after the
 * extension headers, a protocol nobody else takes is no error, ICMPv6 still
 * reaches the stack when the endpoint lets it go on, and an ICMPv6 endpoint's
 * checksum is computed on output. */
static void test_raw_endpoints(void **state) {
    fixture *f = *state;
    uint8_t fr[256], body[16] = {0x42, 1, 2, 3};
    raw_seen seen = {0};
    tern_raw_pcb *raw = tern_raw_new6(f->s, 253);
    assert_non_null(raw);
    tern_raw_set_recv(raw, on_raw, &seen);
    seen.keep = true;
    unsigned before = f->cap.count;
    inject(&f->cap.nif, fr, build6(fr, ll_peer, ll_us, 253, 64, body, 4, -1, 0));
    assert_int_equal(seen.count, 1);
    assert_int_equal(seen.len, 4);
    assert_int_equal(seen.first, 0x42);
    assert_int_equal(seen.src.family, TERN_AF_INET6);
    assert_memory_equal(seen.src.bytes, ll_peer, 16);
    assert_int_equal(seen.src.zone, f->cap.nif.index);
    assert_int_equal(f->cap.count, before); /* no parameter problem */
    /* After a destination options header: still the bytes after it. */
    uint8_t ext[12] = {253, 0, 1, 4, 0, 0, 0, 0, 0x42, 9, 9, 9};
    inject(&f->cap.nif, fr, build6(fr, ll_peer, ll_us, 60, 64, ext, sizeof ext, -1, 0));
    assert_int_equal(seen.count, 2);
    assert_int_equal(seen.len, 4);
    assert_int_equal(seen.first, 0x42);
    /* Connected elsewhere: not for it, and then the protocol is unknown. */
    uint8_t other[16];
    memcpy(other, ll_peer, 16);
    other[15] = 9;
    tern_addr o = tern_addr_ipv6(other, 0);
    assert_int_equal(tern_raw_connect(raw, &o), TERN_OK);
    inject_and_expect(f, fr, build6(fr, ll_peer, ll_us, 253, 64, body, 4, -1, 0), "ipv6.drop.protocol", 4);
    assert_int_equal(seen.count, 2);
    tern_addr v4 = TERN_ADDR4(192, 0, 2, 1);
    assert_int_equal(tern_raw_connect(raw, &v4), TERN_ERR_INVAL); /* the endpoint's family only */
    tern_raw_free(raw);

    /* ICMPv6: the endpoint sees echo requests, the stack still answers. */
    raw = tern_raw_new6(f->s, 58);
    tern_raw_set_recv(raw, on_raw, &seen);
    seen.keep = false;
    before = f->cap.count;
    size_t n = build_icmp6(fr, ll_peer, ll_us, 64, 128, 0, 0x12340001u, (const uint8_t *)"ping", 4);
    inject(&f->cap.nif, fr, n);
    assert_int_equal(seen.count, 3);
    assert_int_equal(seen.first, 128);
    assert_int_equal(f->cap.count, before + 1); /* the echo reply */
    /* Output: an echo request with the checksum filled in. */
    tern_pbuf *p = tern_pbuf_alloc(f->s, TERN_PBUF_TRANSPORT_HEADROOM, 12);
    static const uint8_t echo[12] = {0x80, 0, 0xff, 0xff, 0, 1, 0, 1, 'a', 'b', 'c', 'd'};
    memcpy(p->payload, echo, sizeof echo);
    tern_addr peer = tern_addr_ipv6(ll_peer, f->cap.nif.index);
    raw->ttl = 33;
    assert_int_equal(tern_raw_sendto(raw, p, &peer), TERN_OK);
    assert_int_equal(f->cap.count, before + 2);
    const cap_frame *r = &f->cap.frames[before + 1];
    assert_int_equal(r->len, 14 + 40 + 12);
    assert_int_equal(r->data[20], 58);
    assert_int_equal(r->data[21], 33);
    assert_memory_equal(r->data + 22, ll_us, 16);
    assert_int_equal(csum6(r->data + 22, r->data + 38, 58, r->data + 54, 12), 0);
    tern_raw_free(raw);
}
#endif

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_addr_text),
        cmocka_unit_test_setup_teardown(test_echo_link_local, setup, teardown),
        cmocka_unit_test_setup_teardown(test_echo_to_all_nodes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_fixed_header, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ext_headers_valid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ext_headers_hostile, setup, teardown),
        cmocka_unit_test_setup_teardown(test_error_rate_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reassembly, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reassembly_hostile, setup, teardown),
        cmocka_unit_test_setup_teardown(test_udp_echo_and_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_udp_errors_and_pmtu, setup, teardown),
#if TERN_CFG_RAW
        cmocka_unit_test_setup_teardown(test_raw_endpoints, setup, teardown),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
