/* DNS client: queries, answers, cache, failover, mDNS, hostile answers. */
#include <stdlib.h>
#include <string.h>

#include "ipv6util.h"
#include "wire/wire.h"

#define SERVER1 IP4(192, 0, 2, 1)
#define SERVER2 IP4(192, 0, 2, 53)
#define US IP4(192, 0, 2, 2)

typedef struct fixture {
    tern_stack *s;
    cap_netif cap;
    int calls;
    tern_err err;
    unsigned count;
    tern_addr addrs[4];
} fixture;

static void on_result(void *ctx, const char *name, tern_err err, const tern_addr *addrs, unsigned count) {
    fixture *f = ctx;
    (void)name;
    f->calls++;
    f->err = err;
    f->count = count;
    for (unsigned i = 0; i < count && i < 4; i++)
        f->addrs[i] = addrs[i];
}

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    f->s = stack_new(41);
    cap_init(&f->cap, f->s);
#if TERN_CFG_IPV4 /* an IPv6-only build runs only the tests with IPv6 servers */
    tern_addr s1 = tern_addr_ipv4(SERVER1), s2 = tern_addr_ipv4(SERVER2);
    assert_int_equal(tern_arp_add_static(&f->cap.nif, &s1, test_mac_peer), TERN_OK);
    assert_int_equal(tern_arp_add_static(&f->cap.nif, &s2, test_mac_peer), TERN_OK);
    assert_int_equal(tern_dns_set_server(f->s, 0, &s1), TERN_OK);
#endif
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

/* The last query sent: its id, source port, destination and name offset. */
typedef struct sent_query {
    uint16_t id, sport, dport;
    uint32_t dst;
    uint8_t ttl;
} sent_query;

#if TERN_CFG_IPV4

static sent_query last_query(fixture *f) {
    int i = -1;
    for (int k = (int)f->cap.count - 1; k >= 0 && i < 0; k--)
        if (cap_find(&f->cap, (unsigned)k, 0x0800, 17) == k)
            i = k;
    assert_true(i >= 0);
    const uint8_t *ip = f->cap.frames[i].data + 14, *udp = ip + 20, *dns = udp + 8;
    sent_query q = {tern_rd16(dns), tern_rd16(udp), tern_rd16(udp + 2), tern_rd32(ip + 16), ip[8]};
    return q;
}
#endif

/* Message builder. */
typedef struct msg {
    uint8_t b[600];
    size_t n;
} msg;

static void put_name(msg *m, const char *name) {
    const char *p = name;
    while (*p) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        m->b[m->n++] = (uint8_t)len;
        memcpy(m->b + m->n, p, len);
        m->n += len;
        p += len + (dot ? 1 : 0);
    }
    m->b[m->n++] = 0;
}

static void put16m(msg *m, uint16_t v) {
    tern_wr16(m->b + m->n, v);
    m->n += 2;
}

static void begin(msg *m, uint16_t id, uint16_t flags, uint16_t an, const char *qname) {
    memset(m, 0, sizeof *m);
    put16m(m, id);
    put16m(m, flags);
    put16m(m, 1);
    put16m(m, an);
    put16m(m, 0);
    put16m(m, 0);
    put_name(m, qname);
    put16m(m, 1);
    put16m(m, 1);
}

static void answer_a(msg *m, uint16_t name_ptr, uint32_t ttl, uint32_t addr) {
    put16m(m, (uint16_t)(0xC000 | name_ptr));
    put16m(m, 1);
    put16m(m, 1);
    tern_wr32(m->b + m->n, ttl);
    m->n += 4;
    put16m(m, 4);
    tern_wr32(m->b + m->n, addr);
    m->n += 4;
}

#if TERN_CFG_IPV4
static void reply(fixture *f, uint32_t from, uint16_t sport, uint16_t dport, const msg *m) {
    uint8_t fr[700];
    size_t n = build_udp(fr, from, US, sport, dport, m->b, m->n);
    inject(&f->cap.nif, fr, n);
}
#endif

static void run(fixture *f, uint32_t ms) {
    uint32_t end = f->s->now + ms;
    for (uint32_t t = f->s->now; t != end; t += 10)
        tern_stack_poll(f->s, t);
}

#if TERN_CFG_IPV4
static void test_lookup_answer_and_cache(void **state) {
    fixture *f = *state;
    assert_int_equal(tern_dns_lookup(f->s, "device.test", TERN_AF_INET, on_result, f), TERN_ERR_INPROGRESS);
    sent_query q = last_query(f);
    assert_int_equal(q.dst, SERVER1);
    assert_int_equal(q.dport, 53);
    assert_true(q.sport >= 49152);
    msg m;
    begin(&m, q.id, 0x8180, 1, "device.test");
    answer_a(&m, 12, 300, IP4(192, 0, 2, 77));
    reply(f, SERVER1, 53, q.sport, &m);
    assert_int_equal(f->calls, 1);
    assert_int_equal(f->err, TERN_OK);
    assert_int_equal(f->count, 1);
    assert_int_equal(tern_addr_get_ipv4(&f->addrs[0]), IP4(192, 0, 2, 77));
    unsigned sent = f->cap.count;
    assert_int_equal(tern_dns_lookup(f->s, "DEVICE.test", TERN_AF_INET, on_result, f), TERN_OK);
    assert_int_equal(f->calls, 2);
    assert_int_equal(f->cap.count, sent); /* from the cache, no packet */
    assert_int_equal(stat(f->s, "dns.cache_hit"), 1);
    /* After the TTL a new query goes out. */
    run(f, 301000);
    assert_int_equal(tern_dns_lookup(f->s, "device.test", TERN_AF_INET, on_result, f), TERN_ERR_INPROGRESS);
    assert_true(f->cap.count > sent);
}

#if TERN_CFG_IPV6
/* AAAA lookups: the query asks for type 28, a 16-byte answer comes back as
 * an IPv6 address, and the cache keeps A and AAAA answers for one name
 * apart (an A lookup after it still goes to the server). */
static void test_aaaa_lookup(void **state) {
    fixture *f = *state;
    assert_int_equal(tern_dns_lookup(f->s, "v6.test", TERN_AF_INET6, on_result, f), TERN_ERR_INPROGRESS);
    sent_query q = last_query(f);
    const cap_frame *fr = &f->cap.frames[f->cap.count - 1];
    const uint8_t *qd = fr->data + 14 + 20 + 8 + 12;
    size_t nlen = strlen("v6.test") + 2;
    assert_int_equal(tern_rd16(qd + nlen), 28); /* QTYPE AAAA */
    msg m;
    memset(&m, 0, sizeof m);
    put16m(&m, q.id);
    put16m(&m, 0x8180);
    put16m(&m, 1);
    put16m(&m, 1);
    put16m(&m, 0);
    put16m(&m, 0);
    put_name(&m, "v6.test");
    put16m(&m, 28);
    put16m(&m, 1);
    put16m(&m, 0xC00C);
    put16m(&m, 28);
    put16m(&m, 1);
    tern_wr32(m.b + m.n, 600);
    m.n += 4;
    put16m(&m, 16);
    static const uint8_t a6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x42};
    memcpy(m.b + m.n, a6, 16);
    m.n += 16;
    reply(f, SERVER1, 53, q.sport, &m);
    assert_int_equal(f->calls, 1);
    assert_int_equal(f->err, TERN_OK);
    assert_int_equal(f->count, 1);
    assert_int_equal(f->addrs[0].family, TERN_AF_INET6);
    assert_memory_equal(f->addrs[0].bytes, a6, 16);
    unsigned sent = f->cap.count;
    assert_int_equal(tern_dns_lookup(f->s, "v6.test", TERN_AF_INET6, on_result, f), TERN_OK); /* cached */
    assert_int_equal(f->cap.count, sent);
    assert_int_equal(tern_dns_lookup(f->s, "v6.test", TERN_AF_INET, on_result, f), TERN_ERR_INPROGRESS);
    assert_true(f->cap.count > sent); /* A is another question */
    /* Literals answer for their own family only. */
    assert_int_equal(tern_dns_lookup(f->s, "2001:db8::7", TERN_AF_INET6, on_result, f), TERN_OK);
    assert_int_equal(f->err, TERN_OK);
    assert_int_equal(tern_dns_lookup(f->s, "192.0.2.9", TERN_AF_INET6, on_result, f), TERN_OK);
    assert_int_equal(f->err, TERN_ERR_NOTFOUND);
}
#endif
#endif /* TERN_CFG_IPV4 */

#if TERN_CFG_IPV6
/* ---- DNS over IPv6 transport ---- */

static void enable_ipv6(fixture *f) {
    assert_int_equal(tern_ipv6_enable(&f->cap.nif, false), TERN_OK);
    run(f, 2500); /* DAD of the link-local address */
}

/* Answer the stack's neighbor solicitation for the peer's link-local address. */
static void peer_advertises(fixture *f) {
    uint8_t b[40], fr[200];
    size_t n = nd_body(b, 136, 0x60, ll_peer, 2, test_mac_peer);
    inject(&f->cap.nif, fr, build6(fr, ll_peer, ll_us, 58, 255, b, n, 0, 58));
}

/* The last query sent over IPv6: id, ports, destination; the QTYPE. */
static sent_query last_query6(fixture *f, uint8_t dst[16], uint16_t *qtype) {
    int i = -1;
    for (int k = (int)f->cap.count - 1; k >= 0 && i < 0; k--) {
        const uint8_t *d = f->cap.frames[k].data;
        if (f->cap.frames[k].len > 62 + 12 && d[12] == 0x86 && d[13] == 0xDD && d[20] == 17)
            i = k;
    }
    assert_true(i >= 0);
    const cap_frame *fr = &f->cap.frames[i];
    const uint8_t *ip = fr->data + 14, *udp = ip + 40, *dns = udp + 8;
    memcpy(dst, ip + 24, 16);
    size_t off = 12;
    while (off < fr->len - 62u && dns[off])
        off += dns[off] + 1u;
    *qtype = tern_rd16(dns + off + 1);
    sent_query q = {tern_rd16(dns), tern_rd16(udp), tern_rd16(udp + 2), 0, ip[7]};
    return q;
}

static void reply6(fixture *f, const uint8_t from[16], uint16_t sport, uint16_t dport, const msg *m) {
    uint8_t body[700], fr[800];
    tern_wr16(body, sport);
    tern_wr16(body + 2, dport);
    tern_wr16(body + 4, (uint16_t)(m->n + 8));
    memcpy(body + 8, m->b, m->n);
    inject(&f->cap.nif, fr, build6(fr, from, ll_us, 17, 64, body, m->n + 8, 0, 17));
}

static void aaaa_answer(msg *m, uint16_t id, const char *name, const uint8_t a6[16]) {
    memset(m, 0, sizeof *m);
    put16m(m, id);
    put16m(m, 0x8180);
    put16m(m, 1);
    put16m(m, 1);
    put16m(m, 0);
    put16m(m, 0);
    put_name(m, name);
    put16m(m, 28);
    put16m(m, 1);
    put16m(m, 0xC00C);
    put16m(m, 28);
    put16m(m, 1);
    tern_wr32(m->b + m->n, 600);
    m->n += 4;
    put16m(m, 16);
    memcpy(m->b + m->n, a6, 16);
    m->n += 16;
}

/* An IPv6 server (configured, link-local with its zone) is asked over
 * IPv6; the answer counts only from that server's address and port 53. */
static void test_aaaa_over_ipv6(void **state) {
    fixture *f = *state;
    static const uint8_t a6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x42};
    static const uint8_t other[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xfe, 0, 0, 9};
    enable_ipv6(f);
    tern_addr srv = tern_addr_ipv6(ll_peer, f->cap.nif.index);
    assert_int_equal(tern_dns_set_server(f->s, 0, &srv), TERN_OK);
    assert_int_equal(tern_dns_lookup(f->s, "v6.test", TERN_AF_INET6, on_result, f), TERN_ERR_INPROGRESS);
    peer_advertises(f); /* the query waited for neighbor discovery */
    uint8_t dst[16];
    uint16_t qtype;
    sent_query q = last_query6(f, dst, &qtype);
    assert_memory_equal(dst, ll_peer, 16);
    assert_int_equal(q.dport, 53);
    assert_int_equal(qtype, 28);
    msg m;
    aaaa_answer(&m, q.id, "v6.test", a6);
    uint32_t mismatch = stat(f->s, "dns.drop.mismatch");
    reply6(f, other, 53, q.sport, &m);     /* another host */
    reply6(f, ll_peer, 5353, q.sport, &m); /* another port */
    assert_int_equal(stat(f->s, "dns.drop.mismatch"), mismatch + 2);
    assert_int_equal(f->calls, 0);
    m.b[1] ^= 1; /* another id */
    reply6(f, ll_peer, 53, q.sport, &m);
    assert_int_equal(f->calls, 0);
    m.b[1] ^= 1;
    reply6(f, ll_peer, 53, q.sport, &m);
    assert_int_equal(f->calls, 1);
    assert_int_equal(f->err, TERN_OK);
    assert_int_equal(f->count, 1);
    assert_int_equal(f->addrs[0].family, TERN_AF_INET6);
    assert_memory_equal(f->addrs[0].bytes, a6, 16);
    /* An A lookup goes to the same IPv6 server. */
    assert_int_equal(tern_dns_lookup(f->s, "v4.test", TERN_AF_INET, on_result, f), TERN_ERR_INPROGRESS);
    q = last_query6(f, dst, &qtype);
    assert_int_equal(qtype, 1);
    begin(&m, q.id, 0x8180, 1, "v4.test");
    answer_a(&m, 12, 300, IP4(192, 0, 2, 77));
    reply6(f, ll_peer, 53, q.sport, &m);
    assert_int_equal(f->calls, 2);
    assert_int_equal(tern_addr_get_ipv4(&f->addrs[0]), IP4(192, 0, 2, 77));
}

/* AAAA answers are held to the same rules as A: records of the wrong
 * length, type, class or owner are not addresses, a truncated record makes
 * the answer malformed, and an answer with no usable record is "not found". */
static void test_aaaa_hostile_answers(void **state) {
    fixture *f = *state;
    static const uint8_t a6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x44};
    enable_ipv6(f);
    tern_addr srv = tern_addr_ipv6(ll_peer, f->cap.nif.index);
    assert_int_equal(tern_dns_set_server(f->s, 0, &srv), TERN_OK);
    assert_int_equal(tern_dns_lookup(f->s, "h.test", TERN_AF_INET6, on_result, f), TERN_ERR_INPROGRESS);
    peer_advertises(f);
    uint8_t dst[16];
    uint16_t qtype;
    sent_query q = last_query6(f, dst, &qtype);
    msg m;
    /* Truncated: the record claims 16 bytes, 8 are there. */
    aaaa_answer(&m, q.id, "h.test", a6);
    m.n -= 8;
    uint32_t malformed = stat(f->s, "dns.drop.malformed");
    reply6(f, ll_peer, 53, q.sport, &m);
    assert_int_equal(stat(f->s, "dns.drop.malformed"), malformed + 1);
    assert_int_equal(f->calls, 0);
    /* The question of an A lookup: not our question. */
    aaaa_answer(&m, q.id, "h.test", a6);
    m.b[12 + 8] = 1; /* QTYPE (after the 8-byte name) */
    uint32_t mismatch = stat(f->s, "dns.drop.mismatch");
    reply6(f, ll_peer, 53, q.sport, &m);
    assert_int_equal(stat(f->s, "dns.drop.mismatch"), mismatch + 1);
    assert_int_equal(f->calls, 0);
    /* Records that are no AAAA of ours: 4 bytes long, another owner, class CH. */
    memset(&m, 0, sizeof m);
    put16m(&m, q.id);
    put16m(&m, 0x8180);
    put16m(&m, 1);
    put16m(&m, 3);
    put16m(&m, 0);
    put16m(&m, 0);
    put_name(&m, "h.test");
    put16m(&m, 28);
    put16m(&m, 1);
    static const uint16_t rr_class[3] = {1, 1, 3};
    static const uint16_t rr_len[3] = {4, 16, 16};
    for (int k = 0; k < 3; k++) {
        if (k == 1)
            put_name(&m, "other.test");
        else
            put16m(&m, 0xC00C);
        put16m(&m, 28);
        put16m(&m, rr_class[k]);
        tern_wr32(m.b + m.n, 60);
        m.n += 4;
        put16m(&m, rr_len[k]);
        memcpy(m.b + m.n, a6, rr_len[k]);
        m.n += rr_len[k];
    }
    reply6(f, ll_peer, 53, q.sport, &m);
    assert_int_equal(f->calls, 1);
    assert_int_equal(f->err, TERN_ERR_NOTFOUND);
}

/* Without configured servers, those learnt on the link (RDNSS here; DHCPv6
 * fills the same list) are asked; a configured one comes first. */
static void test_learnt_ipv6_servers(void **state) {
    fixture *f = *state;
    static const uint8_t a6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x43};
    enable_ipv6(f);
    tern_dns_set_server(f->s, 0, NULL);
    assert_int_equal(tern_dns_lookup(f->s, "x.test", TERN_AF_INET6, on_result, f), TERN_ERR_NOROUTE);
    uint8_t b[64], fr[200];
    memset(b, 0, sizeof b);
    b[0] = 134; /* RA, router lifetime 0, with RDNSS ll_peer for 100 s */
    b[16] = 25;
    b[17] = 3;
    b[23] = 100;
    memcpy(b + 24, ll_peer, 16);
    inject(&f->cap.nif, fr, build6(fr, ll_peer, all_nodes6, 58, 255, b, 40, 0, 58));
    assert_int_equal(f->s->ipv6.dns[0].ifindex, f->cap.nif.index);
    assert_int_equal(tern_dns_lookup(f->s, "x.test", TERN_AF_INET6, on_result, f), TERN_ERR_INPROGRESS);
    peer_advertises(f);
    uint8_t dst[16];
    uint16_t qtype;
    sent_query q = last_query6(f, dst, &qtype);
    assert_memory_equal(dst, ll_peer, 16);
    msg m;
    aaaa_answer(&m, q.id, "x.test", a6);
    reply6(f, ll_peer, 53, q.sport, &m);
    assert_int_equal(f->calls, 1);
    assert_int_equal(f->err, TERN_OK);
    assert_memory_equal(f->addrs[0].bytes, a6, 16);
#if TERN_CFG_IPV4
    /* A configured IPv4 server is asked first; it fails over to the learnt one. */
    tern_addr s1 = tern_addr_ipv4(SERVER1);
    tern_dns_set_server(f->s, 0, &s1);
    assert_int_equal(tern_dns_lookup(f->s, "y.test", TERN_AF_INET6, on_result, f), TERN_ERR_INPROGRESS);
    assert_int_equal(last_query(f).dst, SERVER1);
    unsigned before = f->cap.count;
    run(f, TERN_CFG_DNS_TRIES * TERN_CFG_DNS_TIMEOUT_MS + 20);
    assert_true(f->cap.count > before);
    q = last_query6(f, dst, &qtype);
    assert_memory_equal(dst, ll_peer, 16);
#endif
    /* The RDNSS lifetime ends: the server is gone. */
    run(f, 101000);
    assert_int_equal(f->s->ipv6.dns[0].ifindex, 0);
}
#endif

#if TERN_CFG_IPV4
static void test_nxdomain(void **state) {
    fixture *f = *state;
    tern_dns_lookup(f->s, "nope.test", TERN_AF_INET, on_result, f);
    sent_query q = last_query(f);
    msg m;
    begin(&m, q.id, 0x8183, 0, "nope.test");
    reply(f, SERVER1, 53, q.sport, &m);
    assert_int_equal(f->calls, 1);
    assert_int_equal(f->err, TERN_ERR_NOTFOUND);
    assert_int_equal(stat(f->s, "dns.nxdomain"), 1);
}

static void test_mismatched_answers_ignored(void **state) {
    fixture *f = *state;
    tern_dns_lookup(f->s, "device.test", TERN_AF_INET, on_result, f);
    sent_query q = last_query(f);
    msg m;
    begin(&m, (uint16_t)(q.id + 1), 0x8180, 1, "device.test"); /* wrong ID */
    answer_a(&m, 12, 300, IP4(6, 6, 6, 6));
    reply(f, SERVER1, 53, q.sport, &m);
    begin(&m, q.id, 0x8180, 1, "evil.test"); /* wrong question */
    answer_a(&m, 12, 300, IP4(6, 6, 6, 6));
    reply(f, SERVER1, 53, q.sport, &m);
    begin(&m, q.id, 0x8180, 1, "device.test"); /* wrong server */
    answer_a(&m, 12, 300, IP4(6, 6, 6, 6));
    reply(f, IP4(192, 0, 2, 66), 53, q.sport, &m);
    reply(f, SERVER1, 5353, q.sport, &m);      /* wrong source port */
    begin(&m, q.id, 0x0100, 1, "device.test"); /* a query, not an answer */
    reply(f, SERVER1, 53, q.sport, &m);
    assert_int_equal(stat(f->s, "dns.drop.mismatch"), 5);
    assert_int_equal(f->calls, 0);
    begin(&m, q.id, 0x8180, 1, "device.test");
    answer_a(&m, 12, 300, IP4(192, 0, 2, 77));
    reply(f, SERVER1, 53, q.sport, &m);
    assert_int_equal(f->calls, 1);
    assert_int_equal(tern_addr_get_ipv4(&f->addrs[0]), IP4(192, 0, 2, 77));
}

static void test_failover_and_timeout(void **state) {
    fixture *f = *state;
    tern_addr s2 = tern_addr_ipv4(SERVER2);
    tern_dns_set_server(f->s, 1, &s2);
    tern_dns_lookup(f->s, "device.test", TERN_AF_INET, on_result, f);
    run(f, TERN_CFG_DNS_TIMEOUT_MS * TERN_CFG_DNS_TRIES + 20);
    sent_query q = last_query(f);
    assert_int_equal(q.dst, SERVER2);
    msg m;
    begin(&m, q.id, 0x8180, 1, "device.test");
    answer_a(&m, 12, 60, IP4(192, 0, 2, 78));
    reply(f, SERVER2, 53, q.sport, &m);
    assert_int_equal(f->calls, 1);
    assert_int_equal(f->err, TERN_OK);
    /* Nobody answers at all: a timeout. */
    tern_dns_lookup(f->s, "silent.test", TERN_AF_INET, on_result, f);
    run(f, TERN_CFG_DNS_TIMEOUT_MS * TERN_CFG_DNS_TRIES * 2 + 100);
    assert_int_equal(f->calls, 2);
    assert_int_equal(f->err, TERN_ERR_TIMEOUT);
    assert_int_equal(stat(f->s, "dns.timeout"), 1);
}

static void test_cname_chain(void **state) {
    fixture *f = *state;
    tern_dns_lookup(f->s, "www.test", TERN_AF_INET, on_result, f);
    sent_query q = last_query(f);
    msg m;
    begin(&m, q.id, 0x8180, 2, "www.test");
    size_t cname_at = m.n;
    put16m(&m, 0xC00C);
    put16m(&m, 5);
    put16m(&m, 1);
    put16m(&m, 0);
    put16m(&m, 100);
    put16m(&m, 7);
    m.b[m.n++] = 4;
    memcpy(m.b + m.n, "real", 4);
    m.n += 4;
    put16m(&m, 0xC000 | (16)); /* "test" inside the question */
    answer_a(&m, (uint16_t)(cname_at + 12), 100, IP4(192, 0, 2, 80));
    reply(f, SERVER1, 53, q.sport, &m);
    assert_int_equal(f->calls, 1);
    assert_int_equal(f->err, TERN_OK);
    assert_int_equal(tern_addr_get_ipv4(&f->addrs[0]), IP4(192, 0, 2, 80));
}

static void hostile(fixture *f, const msg *m, const sent_query *q) {
    reply(f, SERVER1, 53, q->sport, m);
    assert_int_equal(f->calls, 0);
}

static void test_hostile_answers(void **state) {
    fixture *f = *state;
    tern_dns_lookup(f->s, "device.test", TERN_AF_INET, on_result, f);
    sent_query q = last_query(f);
    msg m;
    /* A compression pointer to itself. */
    begin(&m, q.id, 0x8180, 1, "device.test");
    put16m(&m, (uint16_t)(0xC000 | m.n));
    hostile(f, &m, &q);
    /* A pointer beyond the message. */
    begin(&m, q.id, 0x8180, 1, "device.test");
    put16m(&m, 0xC1FF);
    hostile(f, &m, &q);
    /* A label longer than 63 bytes. */
    begin(&m, q.id, 0x8180, 1, "device.test");
    m.b[m.n++] = 64;
    memset(m.b + m.n, 'a', 64);
    m.n += 64;
    m.b[m.n++] = 0;
    hostile(f, &m, &q);
    /* A name longer than 255 bytes made of many labels. */
    begin(&m, q.id, 0x8180, 1, "device.test");
    for (int i = 0; i < 5; i++) {
        m.b[m.n++] = 60;
        memset(m.b + m.n, 'b', 60);
        m.n += 60;
    }
    m.b[m.n++] = 0;
    hostile(f, &m, &q);
    /* More answers announced than present. */
    begin(&m, q.id, 0x8180, 40, "device.test");
    answer_a(&m, 12, 300, IP4(6, 6, 6, 6));
    hostile(f, &m, &q);
    /* rdlength past the end. */
    begin(&m, q.id, 0x8180, 1, "device.test");
    answer_a(&m, 12, 300, IP4(6, 6, 6, 6));
    tern_wr16(m.b + m.n - 6, 200);
    hostile(f, &m, &q);
    /* A dot hidden inside a label ("device.test" as one label). */
    begin(&m, q.id, 0x8180, 1, "device.test");
    m.b[m.n++] = 11;
    memcpy(m.b + m.n, "device.test", 11);
    m.n += 11;
    m.b[m.n++] = 0;
    put16m(&m, 1);
    put16m(&m, 1);
    put16m(&m, 0);
    put16m(&m, 300);
    put16m(&m, 4);
    tern_wr32(m.b + m.n, IP4(6, 6, 6, 6));
    m.n += 4;
    hostile(f, &m, &q);
    /* A truncated header. */
    m.n = 5;
    hostile(f, &m, &q);
    assert_true(stat(f->s, "dns.drop.malformed") >= 7);
    /* The real answer still gets through and nothing was poisoned. */
    begin(&m, q.id, 0x8180, 1, "device.test");
    answer_a(&m, 12, 300, IP4(192, 0, 2, 77));
    reply(f, SERVER1, 53, q.sport, &m);
    assert_int_equal(f->calls, 1);
    assert_int_equal(f->count, 1);
    assert_int_equal(tern_addr_get_ipv4(&f->addrs[0]), IP4(192, 0, 2, 77));
}

static void test_mdns_one_shot(void **state) {
    fixture *f = *state;
    assert_int_equal(tern_dns_lookup(f->s, "printer.local", TERN_AF_INET, on_result, f), TERN_ERR_INPROGRESS);
    sent_query q = last_query(f);
    assert_int_equal(q.dst, IP4(224, 0, 0, 251));
    assert_int_equal(q.dport, 5353);
    assert_int_equal(q.ttl, 255);
    assert_int_not_equal(q.sport, 5353);
    msg m;
    begin(&m, q.id, 0x8400, 1, "printer.local");
    answer_a(&m, 12, 120, IP4(192, 0, 2, 99));
    tern_wr16(m.b + m.n - 12, 0x8001); /* cache-flush bit in the class */
    reply(f, IP4(192, 0, 2, 44), 5353, q.sport, &m);
    assert_int_equal(f->calls, 1);
    assert_int_equal(f->err, TERN_OK);
    assert_int_equal(tern_addr_get_ipv4(&f->addrs[0]), IP4(192, 0, 2, 99));
}

static void test_local_answers_and_errors(void **state) {
    fixture *f = *state;
    assert_int_equal(tern_dns_lookup(f->s, "192.0.2.9", TERN_AF_INET, on_result, f), TERN_OK);
    assert_int_equal(tern_addr_get_ipv4(&f->addrs[0]), IP4(192, 0, 2, 9));
#if TERN_CFG_DNS_HOSTS
    tern_addr h = TERN_ADDR4(192, 0, 2, 10);
    assert_int_equal(tern_dns_add_host(f->s, "gateway.lan", &h), TERN_OK);
    assert_int_equal(tern_dns_lookup(f->s, "gateway.lan", TERN_AF_INET, on_result, f), TERN_OK);
    assert_int_equal(tern_addr_get_ipv4(&f->addrs[0]), IP4(192, 0, 2, 10));
#endif
    assert_int_equal(tern_dns_lookup(f->s, "", TERN_AF_INET, on_result, f), TERN_ERR_INVAL);
    assert_int_equal(tern_dns_lookup(f->s, "x.test", TERN_AF_INET, NULL, f), TERN_ERR_INVAL);
    assert_int_equal(tern_dns_lookup(f->s, "bad..name", TERN_AF_INET, on_result, f), TERN_ERR_INPROGRESS);
    tern_dns_set_server(f->s, 0, NULL);
    assert_int_equal(tern_dns_lookup(f->s, "x.test", TERN_AF_INET, on_result, f), TERN_ERR_NOROUTE);
}
#endif /* TERN_CFG_IPV4 */

int main(void) {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
#if TERN_CFG_IPV4
        T(test_lookup_answer_and_cache),
#if TERN_CFG_IPV6
        T(test_aaaa_lookup),
#endif
#endif
#if TERN_CFG_IPV6
        T(test_aaaa_over_ipv6),
        T(test_learnt_ipv6_servers),
        T(test_aaaa_hostile_answers),
#endif
#if TERN_CFG_IPV4
        T(test_nxdomain),
        T(test_mismatched_answers_ignored),
        T(test_failover_and_timeout),
        T(test_cname_chain),
        T(test_hostile_answers),
        T(test_mdns_one_shot),
        T(test_local_answers_and_errors),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
