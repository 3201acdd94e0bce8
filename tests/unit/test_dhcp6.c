/* Stateless DHCPv6 client: the Information-Request on the wire, its
 * retransmission timing, Replies accepted and refused, the refresh time,
 * the start on an RA's O flag; driven through frames on a capturing
 * interface and a virtual clock. */
#include <stdlib.h>
#include <string.h>

#include "ipv6util.h"

typedef struct fixture {
    tern_stack *s;
    cap_netif cap;
    tern_dhcp6 d;
    uint32_t now;
    int events;
} fixture;

static const uint8_t all_dhcp[16] = {0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2};
static const uint8_t dns1[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x53};
static const uint8_t dns2[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x54};
static const uint8_t duid_ll[10] = {0, 3, 0, 1, 0x02, 0, 0, 0, 0, 0x02}; /* test_mac_stack */

/* Step the clock by ms in 10 ms ticks. */
static void advance(fixture *f, uint32_t ms) {
    for (uint32_t t = 0; t < ms; t += 10) {
        f->now += 10;
        tern_stack_poll(f->s, f->now);
    }
}

/* Jump the clock by ms, waking only when the stack asks to. */
static void jump(fixture *f, uint32_t ms) {
    uint32_t end = f->now + ms;
    while (tern_time_before(f->now, end)) {
        uint32_t wait = tern_stack_poll(f->s, f->now);
        uint32_t step = wait == 0 ? 1 : wait;
        if (step > end - f->now)
            step = end - f->now;
        f->now += step;
    }
    tern_stack_poll(f->s, f->now);
}

static void on_event(void *ctx, tern_dhcp6 *d, enum tern_dhcp6_event ev) {
    fixture *f = ctx;
    (void)d;
    assert_int_equal(ev, TERN_DHCP6_EV_INFO);
    f->events++;
}

static void on_dns(void *ctx, const char *name, tern_err err, const tern_addr *addrs, unsigned count) {
    (void)ctx, (void)name, (void)err, (void)addrs, (void)count;
}

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    f->s = stack_new(33);
    cap_init(&f->cap, f->s);
    assert_int_equal(tern_ipv6_enable(&f->cap.nif, false), TERN_OK);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    tern_dhcp6_stop(&f->d);
    cap_clear(&f->cap);
    stack_free_checked(f->s);
    free(f);
    return 0;
}

/* The n-th Information-Request sent from index `from` on; -1 if none. */
static int find_request(const cap_netif *c, unsigned from) {
    for (unsigned i = from; i < c->count; i++) {
        const uint8_t *d = c->frames[i].data;
        if (c->frames[i].len >= 66 && d[12] == 0x86 && d[13] == 0xDD && d[20] == 17 &&
            ((d[56] << 8) | d[57]) == 547 && d[62] == 11)
            return (int)i;
    }
    return -1;
}

static uint32_t xid_of(const cap_frame *fr) {
    return ((uint32_t)fr->data[63] << 16) | ((uint32_t)fr->data[64] << 8) | fr->data[65];
}

static void start_and_wait(fixture *f) {
    assert_int_equal(tern_dhcp6_start(&f->cap.nif, &f->d, TERN_DHCP6_NOW, on_event, f), TERN_OK);
    /* DAD of the link-local address, then up to 1 s of delay; the clock
     * stops at the first request. */
    for (unsigned t = 0; t < 2500 && find_request(&f->cap, 0) < 0; t += 10)
        advance(f, 10);
    assert_true(find_request(&f->cap, 0) >= 0);
    assert_int_equal(f->d.state, TERN_DHCP6_REQUESTING);
}

/* ---- Building Replies ---- */
typedef struct msg6 {
    uint8_t b[600];
    size_t n;
} msg6;

static void m_begin(msg6 *m, uint8_t type, uint32_t xid) {
    m->b[0] = type;
    m->b[1] = (uint8_t)(xid >> 16);
    m->b[2] = (uint8_t)(xid >> 8);
    m->b[3] = (uint8_t)xid;
    m->n = 4;
}

static void m_opt(msg6 *m, uint16_t code, uint16_t len, const void *data) {
    m->b[m->n] = (uint8_t)(code >> 8);
    m->b[m->n + 1] = (uint8_t)code;
    m->b[m->n + 2] = (uint8_t)(len >> 8);
    m->b[m->n + 3] = (uint8_t)len;
    if (len && data)
        memcpy(m->b + m->n + 4, data, len);
    m->n += 4u + len;
}

static void m_u32(msg6 *m, uint16_t code, uint32_t v) {
    uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    m_opt(m, code, 4, b);
}

/* A Reply with server id, our client id, and the given DNS servers. */
static void m_reply(msg6 *m, uint32_t xid, const uint8_t (*servers)[16], unsigned n) {
    static const uint8_t server_duid[10] = {0, 3, 0, 1, 0x02, 0, 0, 0, 0, 0x01};
    uint8_t list[64];
    m_begin(m, 7, xid);
    m_opt(m, 2, sizeof server_duid, server_duid);
    m_opt(m, 1, sizeof duid_ll, duid_ll);
    for (unsigned i = 0; i < n; i++)
        memcpy(list + 16 * i, servers[i], 16);
    if (n)
        m_opt(m, 23, (uint16_t)(16 * n), list);
}

static void inject_udp6(fixture *f, const uint8_t src[16], uint16_t sport, uint16_t dport,
                        const uint8_t *data, size_t len) {
    uint8_t body[700], fr[800];
    body[0] = (uint8_t)(sport >> 8);
    body[1] = (uint8_t)sport;
    body[2] = (uint8_t)(dport >> 8);
    body[3] = (uint8_t)dport;
    body[4] = (uint8_t)((len + 8) >> 8);
    body[5] = (uint8_t)(len + 8);
    memcpy(body + 8, data, len);
    inject(&f->cap.nif, fr, build6(fr, src, ll_us, 17, 64, body, len + 8, 0, 17));
}

static void inject_reply(fixture *f, const msg6 *m) {
    inject_udp6(f, ll_peer, 547, 546, m->b, m->n);
}

static unsigned learnt_servers(fixture *f) {
    unsigned n = 0;
    for (unsigned i = 0; i < TERN_CFG_IPV6_RDNSS; i++)
        if (f->s->ipv6.dns[i].ifindex)
            n++;
    return n;
}

static bool has_server(fixture *f, const uint8_t a[16]) {
    for (unsigned i = 0; i < TERN_CFG_IPV6_RDNSS; i++)
        if (f->s->ipv6.dns[i].ifindex == f->cap.nif.index && memcmp(f->s->ipv6.dns[i].ip, a, 16) == 0)
            return true;
    return false;
}

/* ---- Tests ---- */

static void test_info_request_bytes(void **state) {
    fixture *f = *state;
    start_and_wait(f);
    const cap_frame *fr = &f->cap.frames[find_request(&f->cap, 0)];
    const uint8_t *ip = fr->data + 14, *udp = ip + 40, *m = udp + 8;
    assert_memory_equal(ip + 8, ll_us, 16);     /* from the link-local address */
    assert_memory_equal(ip + 24, all_dhcp, 16); /* to All_DHCP_Relay_Agents_and_Servers */
    assert_int_equal(ip[7], 1);                 /* link-scope multicast */
    assert_memory_equal(fr->data, "\x33\x33\x00\x01\x00\x02", 6);
    assert_int_equal((udp[0] << 8) | udp[1], 546);
    assert_int_equal((udp[2] << 8) | udp[3], 547);
    size_t len = (size_t)((udp[4] << 8) | udp[5]) - 8u;
    assert_int_equal(len, 4 + 14 + 6 + 12);
    assert_int_equal(fr->len, 14 + 40 + 8 + len);
    assert_int_equal(m[0], 11);
    /* Client Identifier: DUID-LL from the MAC. */
    assert_memory_equal(m + 4, "\x00\x01\x00\x0a", 4);
    assert_memory_equal(m + 8, duid_ll, 10);
    /* Elapsed Time: 0 on the first message. */
    assert_memory_equal(m + 18, "\x00\x08\x00\x02\x00\x00", 6);
    /* Option Request: DNS servers, domain list, refresh time, INF_MAX_RT. */
    assert_memory_equal(m + 24, "\x00\x06\x00\x08\x00\x17\x00\x18\x00\x20\x00\x53", 12);
    assert_int_equal(stat(f->s, "dhcp6.tx"), 1);
}

static void test_waits_for_dad(void **state) {
    fixture *f = *state;
    assert_int_equal(tern_dhcp6_start(&f->cap.nif, &f->d, TERN_DHCP6_NOW, NULL, NULL), TERN_OK);
    advance(f, 900); /* the link-local address is still tentative (DAD takes 1 s) */
    assert_int_equal(find_request(&f->cap, 0), -1);
    advance(f, 1600);
    assert_true(find_request(&f->cap, 0) >= 0);
}

/* Run to the stack's next wake-up. */
static void wake(fixture *f) {
    uint32_t wait = tern_stack_poll(f->s, f->now);
    f->now += wait ? wait : 1;
    tern_stack_poll(f->s, f->now);
}

static void test_retransmission_timing(void **state) {
    fixture *f = *state;
    start_and_wait(f);
    int i = find_request(&f->cap, 0);
    uint32_t xid = xid_of(&f->cap.frames[i]);
    /* The first transmission happened within the last 10 ms tick. */
    uint32_t last = f->now, prev_rt = 0;
    unsigned n = 0;
    /* 14 retransmissions: RT = 1 s +-10 %, then 2 RT +-10 % of RT, then at
     * INF_MAX_RT 3600 s +-10 % (RFC 8415 15). */
    while (n < 14) {
        unsigned before = f->cap.count;
        wake(f);
        int k = find_request(&f->cap, before);
        if (k < 0) {
            assert_true(f->now - last <= 3960000u + 10u);
            continue;
        }
        uint32_t rt = f->now - last;
        assert_int_equal(xid_of(&f->cap.frames[k]), xid);
        const uint8_t *m = f->cap.frames[k].data + 62;
        uint32_t elapsed_cs = (uint32_t)((m[22] << 8) | m[23]);
        assert_true(elapsed_cs > 0);
        if (n == 0) {
            assert_true(rt + 10 >= 900 && rt <= 1100);
        } else {
            bool doubled = rt + 10 >= prev_rt * 19 / 10 && rt <= prev_rt * 21 / 10 + 10;
            bool capped = rt >= 3240000u && rt <= 3960000u + 10;
            if (!(doubled || capped))
                print_message("n=%u rt=%u prev=%u\n", n, rt, prev_rt);
            assert_true(doubled || capped);
            assert_true(rt <= 3960000u + 10);
        }
        prev_rt = rt;
        last = f->now;
        n++;
    }
    assert_true(prev_rt >= 3240000u); /* reached INF_MAX_RT */
    assert_int_equal(stat(f->s, "dhcp6.tx"), 15);
    /* Elapsed time saturates at 0xffff hundredths. */
    const uint8_t *m = f->cap.frames[find_request(&f->cap, f->cap.count - 1)].data + 62;
    assert_int_equal((m[22] << 8) | m[23], 0xffff);
}

static void test_reply_sets_dns(void **state) {
    fixture *f = *state;
    msg6 m;
    const uint8_t servers[2][16] = {
        {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x53},
        {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x54},
    };
    start_and_wait(f);
    uint32_t xid = xid_of(&f->cap.frames[find_request(&f->cap, 0)]);
    m_reply(&m, xid, servers, 2);
    m_opt(&m, 24, 6, "\x04test\x00"); /* a domain list: read past */
    m_u32(&m, 32, 7200);
    inject_reply(f, &m);
    assert_int_equal(stat(f->s, "dhcp6.reply"), 1);
    assert_int_equal(f->d.state, TERN_DHCP6_DONE);
    assert_int_equal(f->events, 1);
    assert_int_equal(f->d.ndns, 2);
    assert_true(has_server(f, dns1));
    assert_true(has_server(f, dns2));
    assert_int_equal(f->d.refresh_s, 7200);
    /* No more requests until the refresh. */
    unsigned before = f->cap.count;
    jump(f, 7100u * 1000u);
    assert_int_equal(find_request(&f->cap, before), -1);
    /* A second Reply is not expected now. */
    inject_reply(f, &m);
    assert_int_equal(stat(f->s, "dhcp6.drop.unexpected"), 1);
    /* Stopping removes what it installed. */
    tern_dhcp6_stop(&f->d);
    assert_int_equal(learnt_servers(f), 0);
}

/* The DNS client asks what DHCPv6 learnt (here a link-local server). */
static void test_dns_uses_learnt_server(void **state) {
    fixture *f = *state;
    msg6 m;
    const uint8_t servers[1][16] = {{0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xfe, 0, 0, 1}};
    start_and_wait(f);
    m_reply(&m, xid_of(&f->cap.frames[find_request(&f->cap, 0)]), servers, 1);
    inject_reply(f, &m);
    assert_true(has_server(f, ll_peer));
    tern_dns_set_server(f->s, 0, NULL);
    assert_int_equal(tern_dns_lookup(f->s, "v6.test", TERN_AF_INET6, on_dns, f), TERN_ERR_INPROGRESS);
    uint8_t b[40], fr[200];
    size_t n = nd_body(b, 136, 0x60, ll_peer, 2, test_mac_peer); /* the query waits for ND */
    inject(&f->cap.nif, fr, build6(fr, ll_peer, ll_us, 58, 255, b, n, 0, 58));
    int k = -1;
    for (unsigned i = 0; i < f->cap.count; i++) {
        const uint8_t *d = f->cap.frames[i].data;
        if (f->cap.frames[i].len > 62 && d[12] == 0x86 && d[13] == 0xDD && d[20] == 17 &&
            ((d[56] << 8) | d[57]) == 53)
            k = (int)i;
    }
    assert_true(k >= 0);
    assert_memory_equal(f->cap.frames[k].data + 14 + 24, ll_peer, 16);
    /* Stopping the client takes the server away from the DNS client too. */
    tern_dhcp6_stop(&f->d);
    assert_int_equal(tern_dns_lookup(f->s, "w.test", TERN_AF_INET6, on_dns, f), TERN_ERR_NOROUTE);
}

static void test_waits_backing_off_without_link_local(void **state) {
    fixture *f = *state;
    uint8_t b[40], fr[200];
    assert_int_equal(tern_dhcp6_start(&f->cap.nif, &f->d, TERN_DHCP6_NOW, NULL, NULL), TERN_OK);
    /* Another node holds our link-local address: DAD fails, it never comes. */
    size_t n = nd_body(b, 136, 0x20, ll_us, 2, test_mac_peer);
    advance(f, 300);
    inject(&f->cap.nif, fr, build6(fr, ll_peer, all_nodes6, 58, 255, b, n, 0, 58));
    advance(f, 5000);
    assert_int_equal(f->d.state, TERN_DHCP6_WAIT_LL);
    assert_int_equal(find_request(&f->cap, 0), -1);
    /* Tickless: the checks back off to one a minute. */
    jump(f, 600000);
    assert_int_equal(f->d.rt_ms, 64000);
    uint32_t wait = tern_stack_poll(f->s, f->now);
    assert_true(wait > 30000);
}

static void test_reply_keeps_configured_count(void **state) {
    fixture *f = *state;
    msg6 m;
    uint8_t servers[4][16];
    for (unsigned i = 0; i < 4; i++) {
        memcpy(servers[i], dns1, 16);
        servers[i][15] = (uint8_t)(0x60 + i);
    }
    servers[0][0] = 0xff; /* multicast: not a server */
    start_and_wait(f);
    m_reply(&m, xid_of(&f->cap.frames[find_request(&f->cap, 0)]), (const uint8_t(*)[16])servers, 4);
    inject_reply(f, &m);
    assert_int_equal(f->d.ndns, TERN_CFG_DHCP6_DNS_SERVERS);
    assert_true(has_server(f, servers[1]));
    assert_false(has_server(f, servers[0]));
}

/* Each bad Reply is dropped with its reason and changes nothing. */
static void expect_drop(fixture *f, const msg6 *m, const char *counter) {
    uint32_t before = stat(f->s, counter);
    inject_reply(f, m);
    assert_int_equal(stat(f->s, counter), before + 1);
    assert_int_equal(f->d.state, TERN_DHCP6_REQUESTING);
    assert_int_equal(learnt_servers(f), 0);
    assert_int_equal(f->events, 0);
}

static void test_malformed_replies(void **state) {
    fixture *f = *state;
    msg6 m;
    const uint8_t one[1][16] = {{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x53}};
    start_and_wait(f);
    uint32_t xid = xid_of(&f->cap.frames[find_request(&f->cap, 0)]);

    m_reply(&m, xid ^ 1u, one, 1); /* wrong transaction id */
    expect_drop(f, &m, "dhcp6.drop.mismatch");
    m_reply(&m, xid, one, 1); /* wrong message type (Advertise) */
    m.b[0] = 2;
    expect_drop(f, &m, "dhcp6.drop.type");
    m_reply(&m, xid, one, 1); /* truncated option header */
    m.b[m.n++] = 0;
    m.b[m.n++] = 23;
    expect_drop(f, &m, "dhcp6.drop.malformed");
    m_reply(&m, xid, one, 1); /* last option's length past the end */
    m.n -= 1;
    expect_drop(f, &m, "dhcp6.drop.malformed");
    m_reply(&m, xid, one, 0); /* an option claiming more than the message has */
    m_opt(&m, 23, 16, one[0]);
    m.b[m.n - 17] = 0xff;
    expect_drop(f, &m, "dhcp6.drop.malformed");
    m_reply(&m, xid, one, 0); /* zero servers */
    m_opt(&m, 23, 0, NULL);
    expect_drop(f, &m, "dhcp6.drop.malformed");
    m_reply(&m, xid, one, 0); /* not a whole address */
    m_opt(&m, 23, 15, one[0]);
    expect_drop(f, &m, "dhcp6.drop.malformed");
    m_reply(&m, xid, one, 1); /* refresh time of the wrong length */
    m_opt(&m, 32, 2, "\x10\x00");
    expect_drop(f, &m, "dhcp6.drop.malformed");
    m_begin(&m, 7, xid); /* no server identifier */
    m_opt(&m, 23, 16, one[0]);
    expect_drop(f, &m, "dhcp6.drop.malformed");
    m_reply(&m, xid, one, 1); /* another client's identifier */
    m.b[4 + 14 + 4 + 9] ^= 0xff;
    expect_drop(f, &m, "dhcp6.drop.mismatch");
    m_reply(&m, xid, one, 1); /* a failure status */
    m_opt(&m, 13, 2, "\x00\x01");
    expect_drop(f, &m, "dhcp6.drop.status");
    m_begin(&m, 7, xid); /* three bytes */
    m.n = 3;
    expect_drop(f, &m, "dhcp6.drop.malformed");
    /* From the wrong port. */
    m_reply(&m, xid, one, 1);
    uint32_t before = stat(f->s, "dhcp6.drop.unexpected");
    inject_udp6(f, ll_peer, 5547, 546, m.b, m.n);
    assert_int_equal(stat(f->s, "dhcp6.drop.unexpected"), before + 1);
    assert_int_equal(learnt_servers(f), 0);
    /* The exchange goes on, and a good Reply is still taken. */
    m_reply(&m, xid, one, 1);
    inject_reply(f, &m);
    assert_int_equal(f->d.state, TERN_DHCP6_DONE);
    assert_true(has_server(f, dns1));
}

/* Refresh time as given, the minimum 600 s, or the default 86400 s. */
static void check_refresh(fixture *f, bool give, uint32_t given, uint32_t expect_s) {
    msg6 m;
    const uint8_t one[1][16] = {{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x53}};
    int i = find_request(&f->cap, 0);
    while (find_request(&f->cap, (unsigned)i + 1) >= 0)
        i = find_request(&f->cap, (unsigned)i + 1);
    uint32_t xid = xid_of(&f->cap.frames[i]);
    m_reply(&m, xid, one, 1);
    if (give)
        m_u32(&m, 32, given);
    inject_reply(f, &m);
    assert_int_equal(f->d.state, TERN_DHCP6_DONE);
    assert_int_equal(f->d.refresh_s, expect_s);
    unsigned before = f->cap.count;
    jump(f, expect_s * 1000u - 100u);
    assert_int_equal(find_request(&f->cap, before), -1);
    jump(f, 200);
    int k = find_request(&f->cap, before);
    assert_true(k >= 0);
    assert_int_not_equal(xid_of(&f->cap.frames[k]), xid); /* a new exchange */
    assert_int_equal(f->d.state, TERN_DHCP6_REQUESTING);
    assert_true(has_server(f, dns1)); /* still in use while refreshing */
}

static void test_refresh_time(void **state) {
    fixture *f = *state;
    start_and_wait(f);
    check_refresh(f, true, 100, 600);   /* below IRT_MINIMUM: clamped */
    check_refresh(f, true, 1800, 1800); /* as given */
    check_refresh(f, false, 0, 86400);  /* absent: IRT_DEFAULT */
}

static void test_start_on_ra_other_flag(void **state) {
    fixture *f = *state;
    uint8_t b[64], fr[200];
    assert_int_equal(tern_dhcp6_start(&f->cap.nif, &f->d, TERN_DHCP6_ON_RA, NULL, NULL), TERN_OK);
    advance(f, 3000);
    assert_int_equal(find_request(&f->cap, 0), -1);
    memset(b, 0, sizeof b);
    b[0] = 134;
    b[4] = 64;
    b[5] = 0x00; /* neither M nor O */
    inject(&f->cap.nif, fr, build6(fr, ll_peer, all_nodes6, 58, 255, b, 16, 0, 58));
    advance(f, 1100);
    assert_int_equal(find_request(&f->cap, 0), -1);
    b[5] = 0x40; /* O: other configuration */
    inject(&f->cap.nif, fr, build6(fr, ll_peer, all_nodes6, 58, 255, b, 16, 0, 58));
    advance(f, 1100);
    assert_true(find_request(&f->cap, 0) >= 0);
}

static void test_start_checks(void **state) {
    fixture *f = *state;
    tern_dhcp6 other;
    assert_int_equal(tern_dhcp6_start(&f->cap.nif, &f->d, 7, NULL, NULL), TERN_ERR_INVAL);
    assert_int_equal(tern_dhcp6_start(&f->cap.nif, &f->d, TERN_DHCP6_NOW, NULL, NULL), TERN_OK);
    assert_int_equal(tern_dhcp6_start(&f->cap.nif, &other, TERN_DHCP6_NOW, NULL, NULL), TERN_ERR_INVAL);
    tern_dhcp6_stop(&f->d);
    assert_int_equal(tern_dhcp6_start(&f->cap.nif, &f->d, TERN_DHCP6_NOW, NULL, NULL), TERN_OK);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_info_request_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_waits_for_dad, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retransmission_timing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reply_sets_dns, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reply_keeps_configured_count, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dns_uses_learnt_server, setup, teardown),
        cmocka_unit_test_setup_teardown(test_waits_backing_off_without_link_local, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed_replies, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refresh_time, setup, teardown),
        cmocka_unit_test_setup_teardown(test_start_on_ra_other_flag, setup, teardown),
        cmocka_unit_test_setup_teardown(test_start_checks, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
