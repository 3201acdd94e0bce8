/* DHCP client: DORA, options, renew/rebind/expiry, NAK, backoff, INIT-REBOOT,
 * RELEASE, DECLINE after a conflict, AutoIP fallback, hostile replies. */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "wire/dhcp.h"
#include "wire/wire.h"

#define SERVER IP4(192, 0, 2, 1)
#define OFFERED IP4(192, 0, 2, 100)
#define OTHER_IP IP4(192, 0, 2, 101)
#define ROUTER IP4(192, 0, 2, 254)
#define DNS1 IP4(192, 0, 2, 53)
#define DNS2 IP4(192, 0, 2, 54)
#define NTP1 IP4(192, 0, 2, 123)
#define BCAST 0xFFFFFFFFu

static const uint8_t zero_mac[6];
static const uint8_t other_mac[6] = {0x02, 0, 0, 0, 0, 0x99};
static const uint8_t bcast_mac[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

typedef struct fixture {
    tern_stack *s;
    cap_netif cap;
    tern_dhcp d;
    int ev[5]; /* per enum tern_dhcp_event */
} fixture;

static void on_dhcp(void *ctx, tern_dhcp *d, enum tern_dhcp_event ev) {
    fixture *f = ctx;
    (void)d;
    f->ev[ev]++;
}

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    f->s = stack_new(77);
    cap_init(&f->cap, f->s);
    assert_int_equal(tern_netif_set_ipv4(&f->cap.nif, NULL, 0, NULL), TERN_OK);
    tern_addr srv = tern_addr_ipv4(SERVER); /* renewals go straight out */
    assert_int_equal(tern_arp_add_static(&f->cap.nif, &srv, test_mac_peer), TERN_OK);
    cap_clear(&f->cap);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    tern_dhcp_stop(&f->d);
    cap_clear(&f->cap);
    stack_free_checked(f->s);
    free(f);
    return 0;
}

/* Advance virtual time by ms, waking at every deadline the stack asks for. */
static void run(fixture *f, uint32_t ms) {
    uint32_t t = f->s->now, end = t + ms;
    for (;;) {
        uint32_t next = tern_stack_poll(f->s, t), left = end - t;
        if (!left)
            break;
        t += next < left ? (next ? next : 1u) : left;
    }
}

/* ---- What the client sent -------------------------------------------------------- */

typedef struct sent {
    int idx;
    uint32_t ip_src, ip_dst;
    uint16_t sport, dport;
    uint8_t eth_dst[6];
    const uint8_t *dhcp;
    size_t len;
    tern_dhcp_msg m;
} sent;

/* The first DHCP message sent at or after frame index from. */
static bool find_sent(fixture *f, unsigned from, sent *x) {
    for (int i = cap_find(&f->cap, from, 0x0800, 17); i >= 0;
         i = cap_find(&f->cap, (unsigned)i + 1, 0x0800, 17)) {
        const cap_frame *fr = &f->cap.frames[i];
        const uint8_t *ip = fr->data + 14, *udp = ip + 20;
        if (tern_rd16(udp + 2) != 67)
            continue;
        memset(x, 0, sizeof *x);
        x->idx = i;
        memcpy(x->eth_dst, fr->data, 6);
        x->ip_src = tern_rd32(ip + 12);
        x->ip_dst = tern_rd32(ip + 16);
        x->sport = tern_rd16(udp);
        x->dport = tern_rd16(udp + 2);
        x->dhcp = udp + 8;
        x->len = fr->len - 42u;
        assert_true(tern_dhcp_parse(x->dhcp, x->len, &x->m));
        return true;
    }
    return false;
}

static sent last_sent(fixture *f) {
    sent x, last;
    bool any = false;
    for (unsigned from = 0; find_sent(f, from, &x); from = (unsigned)x.idx + 1) {
        last = x;
        any = true;
    }
    assert_true(any);
    return last;
}

static int count_sent(fixture *f, uint8_t type) {
    sent x;
    int n = 0;
    for (unsigned from = 0; find_sent(f, from, &x); from = (unsigned)x.idx + 1)
        n += x.m.type == type;
    return n;
}

/* Option code in a sent message (options field only), or NULL. */
static const uint8_t *opt(const sent *x, uint8_t code, uint8_t *len) {
    for (size_t i = TERN_DHCP_MIN_LEN; i + 1 < x->len && x->dhcp[i] != 255;) {
        if (x->dhcp[i] == 0) {
            i++;
            continue;
        }
        if (x->dhcp[i] == code) {
            *len = x->dhcp[i + 1];
            return x->dhcp + i + 2;
        }
        i += 2u + x->dhcp[i + 1];
    }
    return NULL;
}

/* ---- Server messages ------------------------------------------------------------------ */

typedef struct smsg {
    uint8_t b[700];
    size_t n;
} smsg;

static void s_opt(smsg *m, uint8_t code, const void *data, uint8_t len) {
    m->b[m->n++] = code;
    m->b[m->n++] = len;
    memcpy(m->b + m->n, data, len);
    m->n += len;
}

static void s_opt32(smsg *m, uint8_t code, uint32_t v) {
    uint8_t d[4];
    tern_wr32(d, v);
    s_opt(m, code, d, 4);
}

/* Fixed header, cookie and message type; options follow, then s_end. */
static void s_begin(smsg *m, uint8_t type, uint32_t xid, uint32_t yiaddr) {
    memset(m, 0, sizeof *m);
    m->b[0] = 2;
    m->b[1] = 1;
    m->b[2] = 6;
    tern_wr32(m->b + 4, xid);
    tern_wr32(m->b + 16, yiaddr);
    memcpy(m->b + 28, test_mac_stack, 6);
    tern_wr32(m->b + 236, TERN_DHCP_COOKIE);
    m->n = 240;
    s_opt(m, 53, &type, 1);
}

static void s_end(smsg *m) {
    m->b[m->n++] = 255;
    if (m->n < 300)
        m->n = 300;
}

/* A complete reply with every option the client uses. */
static void s_full(smsg *m, uint8_t type, uint32_t xid, uint32_t yiaddr, uint32_t lease, uint32_t t1,
                   uint32_t t2) {
    uint8_t dns[8], mtu[2] = {0x05, 0x78}; /* 1400 */
    tern_wr32(dns, DNS1);
    tern_wr32(dns + 4, DNS2);
    s_begin(m, type, xid, yiaddr);
    s_opt32(m, 54, SERVER);
    s_opt32(m, 1, 0xFFFFFF00u);
    s_opt32(m, 3, ROUTER);
    s_opt(m, 6, dns, 8);
    s_opt(m, 15, "example.test", 12);
    s_opt32(m, 42, NTP1);
    s_opt(m, 26, mtu, 2);
    s_opt32(m, 51, lease);
    if (t1)
        s_opt32(m, 58, t1);
    if (t2)
        s_opt32(m, 59, t2);
    s_end(m);
}

/* Deliver m from the server (broadcast or unicast to dst). */
static void serve_to(fixture *f, const smsg *m, uint32_t dst) {
    uint8_t fr[800];
    size_t n = build_udp(fr, SERVER, dst, 67, 68, m->b, m->n);
    memcpy(fr + 6, test_mac_peer, 6);
    if (dst == BCAST)
        memcpy(fr, bcast_mac, 6);
    inject(&f->cap.nif, fr, n);
}

static void serve(fixture *f, const smsg *m) {
    serve_to(f, m, BCAST);
}

static void arp_claim(fixture *f, uint32_t ip) {
    uint8_t fr[64];
    size_t n = build_arp(fr, 2, other_mac, ip, zero_mac, ip);
    inject(&f->cap.nif, fr, n);
}

static void start(fixture *f, const tern_dhcp_config *cfg) {
    assert_int_equal(tern_dhcp_start(&f->cap.nif, &f->d, cfg, on_dhcp, f), TERN_OK);
}

static void offer_and_ack(fixture *f, uint32_t lease, uint32_t t1, uint32_t t2) {
    smsg m;
    sent x = last_sent(f);
    assert_int_equal(x.m.type, TERN_DHCP_DISCOVER);
    s_full(&m, TERN_DHCP_OFFER, x.m.xid, OFFERED, lease, t1, t2);
    serve(f, &m);
    x = last_sent(f);
    assert_int_equal(x.m.type, TERN_DHCP_REQUEST);
    s_full(&m, TERN_DHCP_ACK, x.m.xid, OFFERED, lease, t1, t2);
    serve(f, &m);
}

/* Start, get a lease and wait out the address probe. */
static void acquire(fixture *f, uint32_t lease, uint32_t t1, uint32_t t2) {
    start(f, NULL);
    offer_and_ack(f, lease, t1, t2);
    assert_int_equal(f->d.state, TERN_DHCP_CHECKING);
    run(f, 10000);
    assert_int_equal(f->d.state, TERN_DHCP_BOUND);
    assert_int_equal(f->ev[TERN_DHCP_EV_BOUND], 1);
}

/* ---- Tests ------------------------------------------------------------------------------- */

static void test_discover_format(void **state) {
    fixture *f = *state;
    tern_dhcp_config cfg = {.hostname = "tern-test"};
    start(f, &cfg);
    sent x = last_sent(f);
    uint8_t len;
    const uint8_t *o;
    assert_memory_equal(x.eth_dst, bcast_mac, 6);
    assert_int_equal(x.ip_src, 0);
    assert_int_equal(x.ip_dst, BCAST);
    assert_int_equal(x.sport, 68);
    assert_int_equal(x.m.op, 1);
    assert_int_equal(x.m.htype, 1);
    assert_int_equal(x.m.hlen, 6);
    assert_int_equal(x.m.flags, 0); /* unicast replies reach an unconfigured interface */
    assert_memory_equal(x.m.chaddr, test_mac_stack, 6);
    assert_int_equal(x.m.type, TERN_DHCP_DISCOVER);
    assert_true(x.len >= 300);
    assert_non_null(o = opt(&x, 61, &len));
    assert_int_equal(len, 7);
    assert_int_equal(o[0], 1);
    assert_memory_equal(o + 1, test_mac_stack, 6);
    assert_non_null(o = opt(&x, 12, &len));
    assert_int_equal(len, 9);
    assert_memory_equal(o, "tern-test", 9);
    assert_non_null(o = opt(&x, 55, &len));
    assert_non_null(memchr(o, 1, len));
    assert_non_null(memchr(o, 6, len));
    assert_null(opt(&x, 50, &len));
    assert_int_equal(stat(f->s, "dhcp.tx"), 1);
}

static void test_dora_applies_options(void **state) {
    fixture *f = *state;
    start(f, NULL);
    sent disc = last_sent(f);
    smsg m;
    s_full(&m, TERN_DHCP_OFFER, disc.m.xid, OFFERED, 3600, 0, 0);
    serve_to(f, &m, OFFERED); /* unicast to the offered address */
    sent req = last_sent(f);
    uint8_t len;
    const uint8_t *o;
    assert_int_equal(req.m.type, TERN_DHCP_REQUEST);
    assert_int_equal(req.m.xid, disc.m.xid);
    assert_int_equal(req.m.ciaddr, 0);
    assert_int_equal(req.ip_dst, BCAST);
    assert_non_null(o = opt(&req, 50, &len));
    assert_int_equal(tern_rd32(o), OFFERED);
    assert_non_null(o = opt(&req, 54, &len));
    assert_int_equal(tern_rd32(o), SERVER);
    s_full(&m, TERN_DHCP_ACK, req.m.xid, OFFERED, 3600, 0, 0);
    serve(f, &m);
    assert_int_equal(f->d.state, TERN_DHCP_CHECKING);
    assert_int_equal(f->cap.nif.ip4, 0); /* not before the probe */
    run(f, 10000);
    assert_int_equal(f->d.state, TERN_DHCP_BOUND);
    assert_true(cap_find(&f->cap, 0, 0x0806, 0) >= 0); /* ARP probes went out */
    assert_int_equal(f->cap.nif.ip4, OFFERED);
    assert_int_equal(f->cap.nif.mask4, 0xFFFFFF00u);
    assert_int_equal(f->cap.nif.gw4, ROUTER);
    assert_int_equal(f->cap.nif.mtu, 1400);
    assert_int_equal(tern_addr_get_ipv4(&f->s->dns.servers[0]), DNS1);
    assert_int_equal(tern_addr_get_ipv4(&f->s->dns.servers[1]), DNS2);
    tern_dhcp_info info;
    tern_dhcp_get_info(&f->d, &info);
    assert_string_equal(info.state, "bound");
    assert_string_equal(info.domain, "example.test");
    assert_int_equal(tern_addr_get_ipv4(&info.server), SERVER);
    assert_int_equal(info.nntp, 1);
    assert_int_equal(tern_addr_get_ipv4(&info.ntp[0]), NTP1);
    assert_int_equal(info.lease_s, 3600);
    assert_true(info.t1_left_s <= 1800 && info.t1_left_s >= 1780);
    assert_true(info.t2_left_s <= 3150 && info.t2_left_s >= 3130);
    assert_int_equal(stat(f->s, "dhcp.rx"), 2);
}

static void test_renew_at_t1_unicast(void **state) {
    fixture *f = *state;
    acquire(f, 120, 30, 60);
    cap_clear(&f->cap);
    run(f, 19000); /* T1 is 30 s after the REQUEST; 10 s went on the probe */
    assert_int_equal(count_sent(f, TERN_DHCP_REQUEST), 0);
    run(f, 2000);
    sent x = last_sent(f);
    assert_int_equal(f->d.state, TERN_DHCP_RENEWING);
    assert_int_equal(x.m.type, TERN_DHCP_REQUEST);
    assert_int_equal(x.ip_dst, SERVER);
    assert_int_equal(x.ip_src, OFFERED);
    assert_memory_equal(x.eth_dst, test_mac_peer, 6);
    assert_int_equal(x.m.ciaddr, OFFERED);
    uint8_t len;
    assert_null(opt(&x, 50, &len));
    assert_null(opt(&x, 54, &len));
    smsg m;
    s_full(&m, TERN_DHCP_ACK, x.m.xid, OFFERED, 120, 30, 60);
    serve_to(f, &m, OFFERED);
    assert_int_equal(f->d.state, TERN_DHCP_BOUND);
    assert_int_equal(f->ev[TERN_DHCP_EV_RENEWED], 1);
    assert_int_equal(f->cap.nif.ip4, OFFERED);
    tern_dhcp_info info;
    tern_dhcp_get_info(&f->d, &info);
    /* The new lease counts from the first renewal REQUEST (at T1, 1 s ago). */
    assert_int_equal(info.t1_left_s, 29);
    assert_int_equal(info.expires_left_s, 119);
}

static void test_rebind_then_lease_lost(void **state) {
    fixture *f = *state;
    acquire(f, 120, 30, 60);
    cap_clear(&f->cap);
    run(f, 21000); /* T1 */
    assert_int_equal(f->d.state, TERN_DHCP_RENEWING);
    cap_clear(&f->cap);
    run(f, 30000); /* T2 */
    assert_int_equal(f->d.state, TERN_DHCP_REBINDING);
    sent x = last_sent(f);
    assert_int_equal(x.m.type, TERN_DHCP_REQUEST);
    assert_int_equal(x.ip_dst, BCAST);
    assert_memory_equal(x.eth_dst, bcast_mac, 6);
    assert_int_equal(x.m.ciaddr, OFFERED);
    assert_int_equal(f->cap.nif.ip4, OFFERED);
    run(f, 58000);
    assert_int_equal(f->cap.nif.ip4, OFFERED);
    assert_int_equal(f->ev[TERN_DHCP_EV_LOST], 0);
    run(f, 2000); /* expiry */
    assert_int_equal(f->ev[TERN_DHCP_EV_LOST], 1);
    assert_int_equal(f->cap.nif.ip4, 0);
    assert_int_equal(f->cap.nif.mtu, 1500);
    assert_true(tern_addr_is_any(&f->s->dns.servers[0]));
    assert_int_equal(stat(f->s, "dhcp.lease_lost"), 1);
    assert_int_equal(f->d.state, TERN_DHCP_SELECTING);
    assert_int_equal(last_sent(f).m.type, TERN_DHCP_DISCOVER);
}

static void test_nak_returns_to_init(void **state) {
    fixture *f = *state;
    start(f, NULL);
    sent x = last_sent(f);
    smsg m;
    s_full(&m, TERN_DHCP_OFFER, x.m.xid, OFFERED, 3600, 0, 0);
    serve(f, &m);
    x = last_sent(f);
    s_begin(&m, TERN_DHCP_NAK, x.m.xid, 0);
    s_opt32(&m, 54, SERVER);
    s_end(&m);
    serve(f, &m);
    assert_int_equal(stat(f->s, "dhcp.nak"), 1);
    assert_int_equal(f->d.state, TERN_DHCP_SELECTING);
    sent y = last_sent(f);
    assert_int_equal(y.m.type, TERN_DHCP_DISCOVER);
    assert_int_not_equal(y.m.xid, x.m.xid);
}

static void test_nak_while_renewing_drops_address(void **state) {
    fixture *f = *state;
    acquire(f, 120, 30, 60);
    run(f, 21000);
    sent x = last_sent(f);
    assert_int_equal(f->d.state, TERN_DHCP_RENEWING);
    smsg m;
    s_begin(&m, TERN_DHCP_NAK, x.m.xid, 0);
    s_opt32(&m, 54, SERVER);
    s_end(&m);
    serve(f, &m);
    assert_int_equal(f->ev[TERN_DHCP_EV_LOST], 1);
    assert_int_equal(f->cap.nif.ip4, 0);
    assert_int_equal(f->d.state, TERN_DHCP_SELECTING);
}

static void test_backoff_timing(void **state) {
    fixture *f = *state;
    static const uint32_t expect[] = {4000, 8000, 16000, 32000, 64000, 64000};
    uint32_t last = f->s->now;
    start(f, NULL);
    unsigned seen = 1;
    for (unsigned i = 0; i < 6; i++) {
        while ((unsigned)count_sent(f, TERN_DHCP_DISCOVER) == seen)
            run(f, 100);
        seen++;
        uint32_t gap = f->s->now - last;
        last = f->s->now;
        assert_true(gap >= expect[i] - 1000 && gap <= expect[i] + 1100);
    }
    /* Retransmissions keep the transaction ID. */
    assert_int_equal(last_sent(f).m.xid, f->d.xid);
}

static void test_init_reboot(void **state) {
    fixture *f = *state;
    tern_dhcp_config cfg = {.previous = TERN_ADDR4(192, 0, 2, 100)};
    start(f, &cfg);
    sent x = last_sent(f);
    uint8_t len;
    const uint8_t *o;
    assert_int_equal(f->d.state, TERN_DHCP_REBOOTING);
    assert_int_equal(x.m.type, TERN_DHCP_REQUEST);
    assert_int_equal(x.m.ciaddr, 0);
    assert_int_equal(x.ip_dst, BCAST);
    assert_non_null(o = opt(&x, 50, &len));
    assert_int_equal(tern_rd32(o), OFFERED);
    assert_null(opt(&x, 54, &len));
    smsg m;
    s_full(&m, TERN_DHCP_ACK, x.m.xid, OFFERED, 3600, 0, 0);
    serve(f, &m);
    run(f, 10000);
    assert_int_equal(f->d.state, TERN_DHCP_BOUND);
    assert_int_equal(f->cap.nif.ip4, OFFERED);
}

static void test_init_reboot_unanswered_falls_back(void **state) {
    fixture *f = *state;
    tern_dhcp_config cfg = {.previous = TERN_ADDR4(192, 0, 2, 100)};
    start(f, &cfg);
    run(f, 30000);
    assert_int_equal(count_sent(f, TERN_DHCP_REQUEST), 3);
    assert_int_equal(f->d.state, TERN_DHCP_SELECTING);
    sent x = last_sent(f);
    uint8_t len;
    const uint8_t *o;
    assert_int_equal(x.m.type, TERN_DHCP_DISCOVER);
    assert_non_null(o = opt(&x, 50, &len)); /* still asks for the old address */
    assert_int_equal(tern_rd32(o), OFFERED);
}

static void test_release(void **state) {
    fixture *f = *state;
    acquire(f, 3600, 0, 0);
    cap_clear(&f->cap);
    assert_int_equal(tern_dhcp_release(&f->d), TERN_OK);
    sent x = last_sent(f);
    uint8_t len;
    const uint8_t *o;
    assert_int_equal(x.m.type, TERN_DHCP_RELEASE);
    assert_int_equal(x.ip_dst, SERVER);
    assert_int_equal(x.m.ciaddr, OFFERED);
    assert_non_null(o = opt(&x, 54, &len));
    assert_int_equal(tern_rd32(o), SERVER);
    assert_int_equal(f->cap.nif.ip4, 0);
    assert_int_equal(f->d.state, TERN_DHCP_OFF);
    assert_int_equal(tern_stack_poll(f->s, f->s->now + 1000), TERN_POLL_IDLE);
    assert_int_equal(tern_dhcp_release(&f->d), TERN_ERR_NOTCONN);
    assert_int_equal(tern_dhcp_renew(&f->d), TERN_OK); /* starts again */
    assert_int_equal(last_sent(f).m.type, TERN_DHCP_DISCOVER);
}

static void test_decline_on_conflict(void **state) {
    fixture *f = *state;
    start(f, NULL);
    offer_and_ack(f, 3600, 0, 0);
    run(f, 1500);
    arp_claim(f, OFFERED); /* someone answers for the address while we probe */
    sent x = last_sent(f);
    uint8_t len;
    const uint8_t *o;
    assert_int_equal(x.m.type, TERN_DHCP_DECLINE);
    assert_int_equal(x.ip_dst, BCAST);
    assert_int_equal(x.m.ciaddr, 0);
    assert_non_null(o = opt(&x, 50, &len));
    assert_int_equal(tern_rd32(o), OFFERED);
    assert_non_null(o = opt(&x, 54, &len));
    assert_int_equal(tern_rd32(o), SERVER);
    assert_int_equal(stat(f->s, "dhcp.decline"), 1);
    assert_int_equal(f->d.state, TERN_DHCP_INIT);
    assert_int_equal(f->cap.nif.ip4, 0);
    assert_int_equal(f->ev[TERN_DHCP_EV_BOUND], 0);
    int before = count_sent(f, TERN_DHCP_DISCOVER);
    run(f, 9900);
    assert_int_equal(count_sent(f, TERN_DHCP_DISCOVER), before);
    run(f, 200);
    assert_int_equal(count_sent(f, TERN_DHCP_DISCOVER), before + 1);
    assert_int_equal(f->d.state, TERN_DHCP_SELECTING);
}

static void test_conflict_while_bound(void **state) {
    fixture *f = *state;
    acquire(f, 3600, 0, 0);
    run(f, 11000);
    arp_claim(f, OFFERED); /* defended */
    assert_int_equal(f->cap.nif.ip4, OFFERED);
    arp_claim(f, OFFERED); /* second within 10 s: give it up */
    assert_int_equal(f->cap.nif.ip4, 0);
    assert_int_equal(f->ev[TERN_DHCP_EV_LOST], 1);
    assert_int_equal(stat(f->s, "dhcp.decline"), 1);
    assert_int_equal(f->d.state, TERN_DHCP_INIT);
}

static void test_autoip_fallback_and_handover(void **state) {
    fixture *f = *state;
    tern_dhcp_config cfg = {.autoip_after_s = 10};
    start(f, &cfg);
    run(f, 26000); /* looked at on the retransmission after 10 s, then ~9 s of probing */
    assert_int_equal(f->ev[TERN_DHCP_EV_LINKLOCAL], 1);
    uint32_t ll = f->cap.nif.ip4;
    assert_true(ll >= IP4(169, 254, 1, 0) && ll <= IP4(169, 254, 254, 255));
    tern_dhcp_info info;
    tern_dhcp_get_info(&f->d, &info);
    assert_true(info.linklocal);
    assert_int_equal(tern_addr_get_ipv4(&info.linklocal_addr), ll);
    cap_clear(&f->cap);
    run(f, 40000); /* DISCOVERs go on, asking for broadcast replies */
    sent x = last_sent(f);
    assert_int_equal(x.m.type, TERN_DHCP_DISCOVER);
    assert_int_equal(x.m.flags, TERN_DHCP_FLAG_BROADCAST);
    assert_int_equal(x.ip_src, 0); /* RFC 2131 4.1: not from the link-local address */
    offer_and_ack(f, 3600, 0, 0);
    assert_int_equal(f->cap.nif.ip4, ll); /* kept while the DHCP address is probed */
    run(f, 10000);
    assert_int_equal(f->d.state, TERN_DHCP_BOUND);
    assert_int_equal(f->cap.nif.ip4, OFFERED);
    assert_int_equal(f->d.autoip_on, 0);
    assert_int_equal(f->d.autoip.state, TERN_AUTOIP_OFF);
    tern_dhcp_get_info(&f->d, &info);
    assert_false(info.linklocal);
}

static void test_renew_api_and_stop(void **state) {
    fixture *f = *state;
    acquire(f, 3600, 0, 0);
    cap_clear(&f->cap);
    assert_int_equal(tern_dhcp_renew(&f->d), TERN_OK);
    assert_int_equal(f->d.state, TERN_DHCP_RENEWING);
    assert_int_equal(last_sent(f).m.ciaddr, OFFERED);
    tern_dhcp_stop(&f->d);
    assert_int_equal(f->cap.nif.ip4, 0);
    assert_int_equal(tern_stack_poll(f->s, f->s->now + 10), TERN_POLL_IDLE);
}

/* ---- Hostile replies: none changes the state, each is counted. ---- */

typedef void (*mutate_fn)(smsg *m, uint32_t xid);

static void h_short(smsg *m, uint32_t xid) {
    s_begin(m, TERN_DHCP_OFFER, xid, OFFERED);
    m->n = 200;
}
static void h_cookie(smsg *m, uint32_t xid) {
    s_full(m, TERN_DHCP_OFFER, xid, OFFERED, 3600, 0, 0);
    m->b[236] = 0;
}
static void h_option_past_end(smsg *m, uint32_t xid) {
    s_begin(m, TERN_DHCP_OFFER, xid, OFFERED);
    s_opt32(m, 54, SERVER);
    m->b[m->n++] = 6;
    m->b[m->n++] = 200; /* DNS servers running off the message */
    tern_wr32(m->b + m->n, DNS1);
    m->n += 4;
}
static void h_length_byte_missing(smsg *m, uint32_t xid) {
    s_begin(m, TERN_DHCP_OFFER, xid, OFFERED);
    s_opt32(m, 54, SERVER);
    m->b[m->n++] = 3; /* last byte: an option code without its length */
}
static void h_overlong_mask(smsg *m, uint32_t xid) {
    uint8_t d[5] = {255, 255, 255, 0, 0};
    s_begin(m, TERN_DHCP_OFFER, xid, OFFERED);
    s_opt32(m, 54, SERVER);
    s_opt(m, 1, d, 5);
    s_end(m);
}
static void h_truncated_lease(smsg *m, uint32_t xid) {
    uint8_t d[2] = {0, 1};
    s_begin(m, TERN_DHCP_OFFER, xid, OFFERED);
    s_opt32(m, 54, SERVER);
    s_opt(m, 51, d, 2);
    s_end(m);
}
static void h_missing_end(smsg *m, uint32_t xid) {
    s_begin(m, TERN_DHCP_OFFER, xid, OFFERED);
    s_opt32(m, 54, SERVER);
    s_opt32(m, 51, 3600);
}
static void h_overload_file_garbage(smsg *m, uint32_t xid) {
    uint8_t ov = 1;
    s_begin(m, TERN_DHCP_OFFER, xid, OFFERED);
    s_opt32(m, 54, SERVER);
    s_opt(m, 52, &ov, 1);
    s_end(m);
    memset(m->b + 108, 0x33, 128); /* option 0x33 of length 0x33, again and again */
}
static void h_overload_sname_no_end(smsg *m, uint32_t xid) {
    uint8_t ov = 3;
    s_begin(m, TERN_DHCP_OFFER, xid, OFFERED);
    s_opt32(m, 54, SERVER);
    s_opt(m, 52, &ov, 1);
    s_end(m);
    m->b[108] = 255;          /* file is fine */
    memset(m->b + 44, 0, 64); /* sname: only pads, no END */
}
static void h_overload_bad_value(smsg *m, uint32_t xid) {
    uint8_t ov = 7;
    s_begin(m, TERN_DHCP_OFFER, xid, OFFERED);
    s_opt32(m, 54, SERVER);
    s_opt(m, 52, &ov, 1);
    s_end(m);
}
static void h_wrong_xid(smsg *m, uint32_t xid) {
    s_full(m, TERN_DHCP_OFFER, xid + 1, OFFERED, 3600, 0, 0);
}
static void h_wrong_chaddr(smsg *m, uint32_t xid) {
    s_full(m, TERN_DHCP_OFFER, xid, OFFERED, 3600, 0, 0);
    m->b[33] ^= 1;
}
static void h_wrong_op(smsg *m, uint32_t xid) {
    s_full(m, TERN_DHCP_OFFER, xid, OFFERED, 3600, 0, 0);
    m->b[0] = 1;
}
static void h_wrong_hlen(smsg *m, uint32_t xid) {
    s_full(m, TERN_DHCP_OFFER, xid, OFFERED, 3600, 0, 0);
    m->b[2] = 16;
}
static void h_no_type(smsg *m, uint32_t xid) {
    s_full(m, TERN_DHCP_OFFER, xid, OFFERED, 3600, 0, 0);
    m->b[240] = 0; /* the type option becomes pads */
    m->b[241] = 0;
    m->b[242] = 0;
}
static void h_no_server_id(smsg *m, uint32_t xid) {
    s_begin(m, TERN_DHCP_OFFER, xid, OFFERED);
    s_opt32(m, 51, 3600);
    s_end(m);
}
static void h_bad_yiaddr(smsg *m, uint32_t xid) {
    s_full(m, TERN_DHCP_OFFER, xid, IP4(224, 0, 0, 1), 3600, 0, 0);
}
static void h_bad_type(smsg *m, uint32_t xid) {
    s_full(m, TERN_DHCP_OFFER, xid, OFFERED, 3600, 0, 0);
    m->b[242] = 9;
}

static const struct {
    mutate_fn fn;
    const char *counter;
} hostile[] = {
    {h_short, "dhcp.drop.malformed"},
    {h_cookie, "dhcp.drop.malformed"},
    {h_option_past_end, "dhcp.drop.malformed"},
    {h_length_byte_missing, "dhcp.drop.malformed"},
    {h_overlong_mask, "dhcp.drop.malformed"},
    {h_truncated_lease, "dhcp.drop.malformed"},
    {h_missing_end, "dhcp.drop.malformed"},
    {h_overload_file_garbage, "dhcp.drop.malformed"},
    {h_overload_sname_no_end, "dhcp.drop.malformed"},
    {h_overload_bad_value, "dhcp.drop.malformed"},
    {h_wrong_xid, "dhcp.drop.mismatch"},
    {h_wrong_chaddr, "dhcp.drop.mismatch"},
    {h_wrong_op, "dhcp.drop.mismatch"},
    {h_wrong_hlen, "dhcp.drop.mismatch"},
    {h_no_type, "dhcp.drop.malformed"},
    {h_no_server_id, "dhcp.drop.malformed"},
    {h_bad_yiaddr, "dhcp.drop.malformed"},
    {h_bad_type, "dhcp.drop.malformed"},
};

static void test_hostile_replies(void **state) {
    fixture *f = *state;
    start(f, NULL);
    uint32_t xid = last_sent(f).m.xid;
    for (unsigned i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        smsg m;
        uint32_t before = stat(f->s, hostile[i].counter);
        hostile[i].fn(&m, xid);
        serve(f, &m);
        assert_int_equal(stat(f->s, hostile[i].counter), before + 1);
        assert_int_equal(f->d.state, TERN_DHCP_SELECTING);
        assert_int_equal(count_sent(f, TERN_DHCP_REQUEST), 0);
    }
    assert_int_equal(stat(f->s, "dhcp.rx"), sizeof hostile / sizeof hostile[0]);
    /* Still works afterwards. */
    offer_and_ack(f, 3600, 0, 0);
    assert_int_equal(f->d.state, TERN_DHCP_CHECKING);
}

static void test_unexpected_and_foreign_server(void **state) {
    fixture *f = *state;
    start(f, NULL);
    sent x = last_sent(f);
    smsg m;
    s_full(&m, TERN_DHCP_ACK, x.m.xid, OFFERED, 3600, 0, 0); /* ACK while selecting */
    serve(f, &m);
    assert_int_equal(stat(f->s, "dhcp.drop.unexpected"), 1);
    s_full(&m, TERN_DHCP_OFFER, x.m.xid, OFFERED, 3600, 0, 0);
    serve(f, &m);
    x = last_sent(f);
    s_full(&m, TERN_DHCP_ACK, x.m.xid, OFFERED, 3600, 0, 0);
    tern_wr32(m.b + 245, IP4(192, 0, 2, 9)); /* another server's ACK (option 54 comes first) */
    serve(f, &m);
    assert_int_equal(stat(f->s, "dhcp.drop.unexpected"), 2);
    assert_int_equal(f->d.state, TERN_DHCP_REQUESTING);
}

static void test_options_in_overloaded_fields(void **state) {
    fixture *f = *state;
    start(f, NULL);
    sent x = last_sent(f);
    smsg m;
    uint8_t ov = 3;
    s_begin(&m, TERN_DHCP_OFFER, x.m.xid, OFFERED);
    s_opt(&m, 52, &ov, 1);
    s_end(&m);
    /* file: server id, lease; sname: router. */
    uint8_t *file = m.b + 108, *sname = m.b + 44;
    file[0] = 54, file[1] = 4, tern_wr32(file + 2, SERVER), file[6] = 51, file[7] = 4;
    tern_wr32(file + 8, 600), file[12] = 255;
    sname[0] = 3, sname[1] = 4, tern_wr32(sname + 2, ROUTER), sname[6] = 255;
    serve(f, &m);
    assert_int_equal(f->d.state, TERN_DHCP_REQUESTING);
    assert_int_equal(f->d.lease.server, SERVER);
    assert_int_equal(f->d.lease.router, ROUTER);
    assert_int_equal(f->d.lease.lease_s, 600);
}

static void test_wire_limits(void **state) {
    (void)state;
    smsg m;
    tern_dhcp_msg r;
    uint8_t many[24], dom[5] = {'a', 0x01, 'b', 'c', 'd'}, mtu[2] = {0, 60};
    for (unsigned i = 0; i < 6; i++)
        tern_wr32(many + 4 * i, DNS1 + i);
    s_begin(&m, TERN_DHCP_ACK, 1, OFFERED);
    s_opt(&m, 6, many, 24);
    s_opt(&m, 15, dom, 5);
    s_end(&m);
    assert_true(tern_dhcp_parse(m.b, m.n, &r));
    assert_int_equal(r.ndns, TERN_DHCP_WIRE_ADDRS); /* the rest dropped */
    assert_false(r.has & TERN_DHCP_HAS_DOMAIN);     /* not printable: ignored */
    s_begin(&m, TERN_DHCP_ACK, 1, OFFERED);
    s_opt(&m, 26, mtu, 2);
    s_end(&m);
    assert_false(tern_dhcp_parse(m.b, m.n, &r)); /* MTU below 68 */
    s_begin(&m, TERN_DHCP_ACK, 1, OFFERED);
    s_opt(&m, 6, many, 6); /* not a whole number of addresses */
    s_end(&m);
    assert_false(tern_dhcp_parse(m.b, m.n, &r));
    assert_false(tern_dhcp_parse(NULL, 0, &r));
}

int main(void) {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_discover_format),
        T(test_dora_applies_options),
        T(test_renew_at_t1_unicast),
        T(test_rebind_then_lease_lost),
        T(test_nak_returns_to_init),
        T(test_nak_while_renewing_drops_address),
        T(test_backoff_timing),
        T(test_init_reboot),
        T(test_init_reboot_unanswered_falls_back),
        T(test_release),
        T(test_decline_on_conflict),
        T(test_conflict_while_bound),
        T(test_autoip_fallback_and_handover),
        T(test_renew_api_and_stop),
        T(test_hostile_replies),
        T(test_unexpected_and_foreign_server),
        T(test_options_in_overloaded_fields),
        T(test_wire_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
