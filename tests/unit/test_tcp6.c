/* TCP over IPv6 on one stack against a scripted link-local peer: the
 * handshake (passive and active), the IPv6 pseudo-header checksum, resets
 * for closed ports, the MSS from the IPv6 MTU, Packet Too Big lowering the
 * send MSS (retransmissions included), no TCP to groups, and the
 * dual-stack / v6only listener. Each test fails without TCP over IPv6. */
#include <stdlib.h>
#include <string.h>

#include "ipv6util.h"
#include "wire/tcp.h"
#include "wire/wire.h"

#define PPORT 40000
#define LPORT 80
#define PISS 1000000u

typedef struct app {
    tern_tcp_pcb *pcb;
    uint8_t rx[8192];
    uint32_t rx_len;
    int accepted, connected, err_seen;
} app;

static void app_recv(void *ctx, tern_tcp_pcb *pcb, tern_pbuf *p) {
    app *a = ctx;
    if (!p)
        return;
    uint32_t n = p->tot_len;
    assert_true(a->rx_len + n <= sizeof a->rx);
    tern_pbuf_copy_out(p, 0, a->rx + a->rx_len, (uint16_t)n);
    a->rx_len += n;
    tern_pbuf_free(pcb->stack, p);
    tern_tcp_recved(pcb, n);
}

static void app_connected(void *ctx, tern_tcp_pcb *pcb, tern_err err) {
    app *a = ctx;
    a->connected = err == TERN_OK ? 1 : -1;
    a->pcb = pcb;
}

static void app_err(void *ctx, tern_stack *s, tern_err err) {
    app *a = ctx;
    (void)s, (void)err;
    a->err_seen = 1;
    a->pcb = NULL;
}

static const tern_tcp_callbacks app_cbs = {.recv = app_recv, .connected = app_connected, .err = app_err};

static tern_err app_accept(void *ctx, tern_tcp_listener *l, tern_tcp_pcb *pcb) {
    app *a = ctx;
    (void)l;
    a->pcb = pcb;
    a->accepted++;
    tern_tcp_set_callbacks(pcb, &app_cbs, a);
    return TERN_OK;
}

typedef struct fx {
    tern_stack *s;
    cap_netif cap;
    uint32_t now;
    unsigned base, next;
    tern_tcp_listener *l;
    app a;
} fx;

static void poll_for(fx *f, uint32_t ms) {
    uint32_t end = f->now + ms;
    for (;;) {
        uint32_t wait = tern_stack_poll(f->s, f->now);
        if (f->now == end)
            return;
        uint32_t step = wait < end - f->now ? wait : end - f->now;
        f->now += step ? step : 1u;
    }
}

static int setup(void **state) {
    fx *f = calloc(1, sizeof *f);
    f->s = stack_new(23);
    cap_init(&f->cap, f->s);
    assert_int_equal(tern_ipv6_enable(&f->cap.nif, false), TERN_OK);
    poll_for(f, 2500); /* DAD on the link-local address */
    assert_int_equal(f->cap.nif.ip6.addrs[0].state, TERN_IPV6_ADDR_PREFERRED);
    /* An NS from the peer teaches us its MAC: replies need no resolution. */
    uint8_t fr[256], b[32], sn[16];
    size_t n = nd_body(b, 135, 0, ll_us, 1, test_mac_peer);
    solicited6(ll_us, sn);
    inject(&f->cap.nif, fr, build6(fr, ll_peer, sn, 58, 255, b, n, 0, 58));
    tern_addr peer4 = TERN_ADDR4(192, 0, 2, 1);
    assert_int_equal(tern_arp_add_static(&f->cap.nif, &peer4, test_mac_peer), TERN_OK);
    cap_clear(&f->cap);
    f->base = tern_stack_buffers_in_use(f->s);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fx *f = *state;
    if (f->a.pcb)
        tern_tcp_abort(f->a.pcb);
    if (f->l)
        tern_tcp_listener_close(f->l);
    assert_int_equal(tern_stack_buffers_in_use(f->s), f->base);
    cap_clear(&f->cap);
    stack_free_checked(f->s);
    free(f);
    return 0;
}

/* A TCP segment from the peer over IPv6 (src -> dst), checksum right unless bad_csum. */
typedef struct pseg {
    const uint8_t *src, *dst;
    uint32_t seq, ack;
    uint32_t tsval;
    uint16_t sport, dport, mss, len;
    uint8_t flags, bad_csum, opts; /* opts: window scale 7, SACK permitted, timestamps */
    const uint8_t *data;
} pseg;

static void inject6(fx *f, const pseg *g) {
    uint8_t t[1600], fr[1700];
    size_t hl = 20;
    memset(t, 0, 64);
    if (g->mss) {
        t[hl] = 2, t[hl + 1] = 4;
        tern_wr16(t + hl + 2, g->mss);
        hl += 4;
    }
    if (g->opts) {
        const uint8_t o[16] = {1, 3, 3, 7, 1, 1, 4, 2, 1, 1, 8, 10, 0, 0, 0, 0};
        memcpy(t + hl, o, 16);
        tern_wr32(t + hl + 12, g->tsval);
        memset(t + hl + 16, 0, 4); /* TSecr */
        hl += 20;
    }
    tern_wr16(t, g->sport ? g->sport : PPORT);
    tern_wr16(t + 2, g->dport ? g->dport : LPORT);
    tern_wr32(t + 4, g->seq);
    tern_wr32(t + 8, g->ack);
    t[12] = (uint8_t)(hl / 4 << 4);
    t[13] = g->flags;
    tern_wr16(t + 14, 65535);
    if (g->len)
        memcpy(t + hl, g->data, g->len);
    size_t tl = hl + g->len;
    const uint8_t *src = g->src ? g->src : ll_peer, *dst = g->dst ? g->dst : ll_us;
    tern_wr16(t + 16, csum6(src, dst, 6, t, tl));
    if (g->bad_csum)
        t[17] ^= 0x5A;
    inject(&f->cap.nif, fr, build6(fr, src, dst, 6, 64, t, tl, -1, 6));
}

/* A TCP segment the stack sent over IPv6. */
typedef struct out {
    uint32_t seq, ack;
    uint16_t len, mss, iplen; /* iplen: the whole IPv6 packet */
    uint8_t flags, wscale, sack_ok, has_ts;
    const uint8_t *ip; /* its IPv6 header in the capture */
} out;

static bool next_out(fx *f, out *o) {
    while (f->next < f->cap.count) {
        const cap_frame *c = &f->cap.frames[f->next++];
        if (c->len < 74 || tern_rd16(c->data + 12) != 0x86DD)
            continue;
        const uint8_t *ip = c->data + 14;
        assert_int_not_equal(ip[6], 44); /* TCP is never fragmented: it sizes its segments */
        if (ip[6] != 6)
            continue;
        uint16_t tl = tern_rd16(ip + 4);
        assert_true(14u + 40u + tl <= c->len);
        /* The checksum over the IPv6 pseudo header verifies. */
        assert_int_equal(csum6(ip + 8, ip + 24, 6, ip + 40, tl), 0);
        tern_tcp_repr r;
        assert_int_equal(tern_tcp_parse(ip + 40, tl, tl, &r), TERN_TCP_PARSE_OK);
        memset(o, 0, sizeof *o);
        o->seq = r.seq, o->ack = r.ack, o->flags = r.flags, o->mss = r.mss;
        o->len = (uint16_t)(tl - r.hlen), o->iplen = (uint16_t)(40u + tl), o->ip = ip;
        o->wscale = r.wscale, o->sack_ok = r.sack_ok, o->has_ts = r.has_ts;
        return true;
    }
    return false;
}

/* The peer opens a connection to our listener: the SYN-ACK it gets back. */
static out passive_open(fx *f, uint16_t peer_mss) {
    f->l = tern_tcp_listen(f->s, NULL, LPORT, 4, app_accept, &f->a);
    assert_non_null(f->l);
    pseg syn = {.seq = PISS, .flags = TERN_TCP_SYN, .mss = peer_mss};
    inject6(f, &syn);
    out o;
    assert_true(next_out(f, &o));
    assert_int_equal(o.flags, TERN_TCP_SYN | TERN_TCP_ACK);
    assert_int_equal(o.ack, PISS + 1u);
    assert_memory_equal(o.ip + 8, ll_us, 16); /* from the address the SYN went to */
    assert_memory_equal(o.ip + 24, ll_peer, 16);
    return o;
}

static uint32_t establish(fx *f, uint16_t peer_mss) {
    out o = passive_open(f, peer_mss);
    pseg ack = {.seq = PISS + 1u, .ack = o.seq + 1u, .flags = TERN_TCP_ACK};
    inject6(f, &ack);
    assert_int_equal(f->a.accepted, 1);
    return o.seq + 1u;
}

static void test_handshake_and_data(void **state) {
    fx *f = *state;
    uint32_t iss1 = establish(f, 1440);
    tern_tcp_info info;
    tern_tcp_get_info(f->a.pcb, &info);
    assert_int_equal(info.state, TERN_TCP_ESTABLISHED);
    assert_int_equal(info.remote.family, TERN_AF_INET6);
    assert_memory_equal(info.remote.bytes, ll_peer, 16);
    assert_int_equal(info.remote.zone, f->cap.nif.index); /* link-local: the zone is the interface */
    assert_memory_equal(info.local.bytes, ll_us, 16);
    assert_int_equal(info.remote_port, PPORT);
    /* Data both ways. */
    pseg d = {.seq = PISS + 1u,
              .ack = iss1,
              .flags = TERN_TCP_ACK | TERN_TCP_PSH,
              .data = (const uint8_t *)"hello",
              .len = 5};
    inject6(f, &d);
    assert_int_equal(f->a.rx_len, 5);
    assert_memory_equal(f->a.rx, "hello", 5);
    assert_int_equal(tern_tcp_write(f->a.pcb, "world!", 6), TERN_OK);
    assert_int_equal(tern_tcp_output(f->a.pcb), TERN_OK);
    out o;
    bool found = false;
    while (next_out(f, &o))
        if (o.len == 6) {
            found = true;
            assert_int_equal(o.seq, iss1);
            assert_int_equal(o.ack, PISS + 6u);
            assert_memory_equal(o.ip + 60, "world!", 6);
        }
    assert_true(found);
}

static void test_active_open(void **state) {
    fx *f = *state;
    tern_tcp_pcb *pcb = tern_tcp_new(f->s);
    tern_tcp_set_callbacks(pcb, &app_cbs, &f->a);
    tern_addr dst = tern_addr_ipv6(ll_peer, f->cap.nif.index);
    assert_int_equal(tern_tcp_connect(pcb, &dst, 8080), TERN_OK);
    out o;
    assert_true(next_out(f, &o));
    assert_int_equal(o.flags, TERN_TCP_SYN);
    assert_int_equal(o.mss, 1500 - 60);
    assert_memory_equal(o.ip + 8, ll_us, 16); /* the source chosen for a link-local peer */
    uint16_t lport = tern_rd16(o.ip + 40);
    /* The peer's SYN-ACK completes it. */
    uint8_t t[24], fr[200];
    memset(t, 0, sizeof t);
    tern_wr16(t, 8080);
    tern_wr16(t + 2, lport);
    tern_wr32(t + 4, PISS);
    tern_wr32(t + 8, o.seq + 1u);
    t[12] = 6 << 4, t[13] = TERN_TCP_SYN | TERN_TCP_ACK;
    tern_wr16(t + 14, 65535);
    t[20] = 2, t[21] = 4;
    tern_wr16(t + 22, 1440);
    tern_wr16(t + 16, csum6(ll_peer, ll_us, 6, t, 24));
    inject(&f->cap.nif, fr, build6(fr, ll_peer, ll_us, 6, 64, t, 24, -1, 6));
    assert_int_equal(f->a.connected, 1);
    assert_true(next_out(f, &o));
    assert_int_equal(o.flags, TERN_TCP_ACK);
    assert_int_equal(o.ack, PISS + 1u);
    /* A connection to a group is refused. */
    const uint8_t group[16] = {0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    tern_tcp_pcb *bad = tern_tcp_new(f->s);
    tern_addr g = tern_addr_ipv6(group, f->cap.nif.index);
    assert_int_equal(tern_tcp_connect(bad, &g, 80), TERN_ERR_INVAL);
    tern_tcp_close(bad);
}

static void test_bad_checksum_dropped(void **state) {
    fx *f = *state;
    f->l = tern_tcp_listen(f->s, NULL, LPORT, 4, app_accept, &f->a);
    uint32_t before = stat(f->s, "tcp.drop.checksum");
    pseg syn = {.seq = PISS, .flags = TERN_TCP_SYN, .mss = 1440, .bad_csum = 1};
    inject6(f, &syn);
    assert_int_equal(stat(f->s, "tcp.drop.checksum"), before + 1);
    out o;
    assert_false(next_out(f, &o));
    /* The same SYN with its checksum right is answered. */
    syn.bad_csum = 0;
    inject6(f, &syn);
    assert_true(next_out(f, &o));
    assert_int_equal(o.flags, TERN_TCP_SYN | TERN_TCP_ACK);
}

static void test_rst_for_closed_port(void **state) {
    fx *f = *state;
    uint32_t before = stat(f->s, "tcp.drop.no_port");
    pseg syn = {.seq = PISS, .flags = TERN_TCP_SYN, .dport = 81};
    inject6(f, &syn);
    assert_int_equal(stat(f->s, "tcp.drop.no_port"), before + 1);
    out o;
    assert_true(next_out(f, &o));
    assert_int_equal(o.flags, TERN_TCP_RST | TERN_TCP_ACK);
    assert_int_equal(o.seq, 0);
    assert_int_equal(o.ack, PISS + 1u);
    assert_int_equal(tern_rd16(o.ip + 40), 81);
    assert_int_equal(tern_rd16(o.ip + 42), PPORT);
    assert_memory_equal(o.ip + 8, ll_us, 16);
    assert_memory_equal(o.ip + 24, ll_peer, 16);
    /* An ACK to no connection: RST with its ack as sequence number. */
    pseg ack = {.seq = PISS, .ack = 777, .flags = TERN_TCP_ACK, .dport = 81};
    inject6(f, &ack);
    assert_true(next_out(f, &o));
    assert_int_equal(o.flags, TERN_TCP_RST);
    assert_int_equal(o.seq, 777);
}

static void test_mss_from_ipv6_mtu(void **state) {
    fx *f = *state;
    out o = passive_open(f, 1440);
    assert_int_equal(o.mss, 1500 - 60); /* not 1460: the IPv6 header is 40 bytes */
    tern_tcp_listener_close(f->l);
    f->l = NULL;
    /* A smaller link MTU (as an RA's MTU option sets it). */
    f->cap.nif.ip6.mtu = 1400;
    f->a.accepted = 0;
    f->next = f->cap.count; /* (past the reset of the connection closed with the listener) */
    o = passive_open(f, 1440);
    assert_int_equal(o.mss, 1400 - 60);
}

static void test_packet_too_big(void **state) {
    fx *f = *state;
    uint32_t iss1 = establish(f, 1440);
    static uint8_t data[6000];
    for (unsigned i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 7u);
    assert_int_equal(tern_tcp_write(f->a.pcb, data, 2880), TERN_OK); /* two full segments (no Nagle wait) */
    assert_int_equal(tern_tcp_output(f->a.pcb), TERN_OK);
    out o, first = {0};
    unsigned n = 0;
    uint8_t quote[1232];
    while (next_out(f, &o)) {
        if (!o.len)
            continue;
        if (!n++) {
            first = o;
            memcpy(quote, o.ip, sizeof quote);
        }
        assert_int_equal(o.len, 1440); /* full-sized before */
    }
    assert_int_equal(n, 2);
    assert_int_equal(first.seq, iss1);
    /* Packet Too Big, MTU 1280, quoting the first segment (RFC 8201). */
    uint8_t fr[1400];
    inject(&f->cap.nif, fr, build_icmp6(fr, ll_peer, ll_us, 64, 2, 0, 1280, quote, sizeof quote));
    unsigned resent = 0;
    while (next_out(f, &o)) {
        assert_true(o.iplen <= 1280u);
        if (o.len) {
            assert_int_equal(o.len, 1280 - 60);
            if (!resent++)
                assert_int_equal(o.seq, iss1); /* sent again at once, smaller */
        }
    }
    assert_true(resent >= 1);
    /* Retransmissions after a timeout fit too, and so does new data. */
    poll_for(f, 3500);
    while (next_out(f, &o))
        assert_true(o.iplen <= 1280u);
    pseg ack = {.seq = PISS + 1u, .ack = iss1 + 2880u, .flags = TERN_TCP_ACK};
    inject6(f, &ack);
    assert_int_equal(tern_tcp_write(f->a.pcb, data, 2000), TERN_OK);
    assert_int_equal(tern_tcp_output(f->a.pcb), TERN_OK);
    n = 0;
    while (next_out(f, &o))
        if (o.len) {
            n++;
            assert_true(o.iplen <= 1280u);
        }
    assert_true(n >= 1);
    /* A Packet Too Big quoting a segment not in flight does not resend. */
    tern_wr32(quote + 44, iss1 + 100000u);
    unsigned before = f->cap.count;
    inject(&f->cap.nif, fr, build_icmp6(fr, ll_peer, ll_us, 64, 2, 0, 1280, quote, sizeof quote));
    assert_int_equal(f->cap.count, before);
}

static void test_no_tcp_to_groups(void **state) {
    fx *f = *state;
    f->l = tern_tcp_listen(f->s, NULL, LPORT, 4, app_accept, &f->a);
    uint32_t before = stat(f->s, "tcp.drop.address");
    pseg syn = {.seq = PISS, .flags = TERN_TCP_SYN, .dst = all_nodes6};
    inject6(f, &syn);
    assert_int_equal(stat(f->s, "tcp.drop.address"), before + 1);
    /* Nor from an IPv4-mapped source: that names an IPv4 peer. */
    const uint8_t mapped[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1};
    syn.dst = NULL;
    syn.src = mapped;
    inject6(f, &syn);
    assert_int_equal(stat(f->s, "tcp.drop.address"), before + 2);
    out o;
    assert_false(next_out(f, &o));
    assert_int_equal(f->a.accepted, 0);
}

/* An IPv4 SYN from 192.0.2.1 to us (192.0.2.2) on port LPORT. */
static void inject_syn4(fx *f) {
    uint8_t t[20], fr[100];
    memset(t, 0, sizeof t);
    tern_wr16(t, PPORT);
    tern_wr16(t + 2, LPORT);
    tern_wr32(t + 4, PISS);
    t[12] = 5 << 4, t[13] = TERN_TCP_SYN;
    tern_wr16(t + 14, 65535);
    uint8_t ph[12] = {192, 0, 2, 1, 192, 0, 2, 2, 0, 6, 0, 20};
    tern_wr16(t + 16, inet_checksum(t, 20, (uint16_t)~inet_checksum(ph, 12, 0)));
    inject(&f->cap.nif, fr, build_ipv4(fr, IP4(192, 0, 2, 1), IP4(192, 0, 2, 2), 6, t, 20));
}

static int ipv4_reply_flags(fx *f, unsigned from) {
    for (unsigned i = from; i < f->cap.count; i++) {
        const cap_frame *c = &f->cap.frames[i];
        if (c->len >= 54 && tern_rd16(c->data + 12) == 0x0800 && c->data[23] == 6)
            return c->data[14 + 20 + 13];
    }
    return -1;
}

static void test_dual_stack_listener(void **state) {
    fx *f = *state;
    /* "::" takes IPv4 too ... */
    tern_addr any6 = tern_addr_ipv6(unspec6, 0);
    f->l = tern_tcp_listen(f->s, &any6, LPORT, 4, app_accept, &f->a);
    assert_non_null(f->l);
    unsigned from = f->cap.count;
    inject_syn4(f);
    assert_int_equal(ipv4_reply_flags(f, from), TERN_TCP_SYN | TERN_TCP_ACK);
    tern_tcp_listener_close(f->l);
    /* ... unless v6only: then IPv4 gets a reset, IPv6 a SYN-ACK. */
    f->l = tern_tcp_listen(f->s, &any6, LPORT, 4, app_accept, &f->a);
    tern_tcp_listener_set_v6only(f->l, true);
    from = f->cap.count;
    inject_syn4(f);
    assert_int_equal(ipv4_reply_flags(f, from), TERN_TCP_RST | TERN_TCP_ACK);
    f->next = f->cap.count;
    pseg syn = {.seq = PISS, .flags = TERN_TCP_SYN};
    inject6(f, &syn);
    out o;
    assert_true(next_out(f, &o));
    assert_int_equal(o.flags, TERN_TCP_SYN | TERN_TCP_ACK);
    /* An IPv4 0.0.0.0 listener on the same port is the more specific one for IPv4. */
    app a4 = {0};
    tern_addr any4 = TERN_ADDR4(0, 0, 0, 0);
    tern_tcp_listener *l4 = tern_tcp_listen(f->s, &any4, LPORT, 4, app_accept, &a4);
    assert_non_null(l4);
    from = f->cap.count;
    inject_syn4(f);
    assert_int_equal(ipv4_reply_flags(f, from), TERN_TCP_SYN | TERN_TCP_ACK);
    tern_tcp_listener_close(l4);
}

static void test_options_negotiated(void **state) {
    fx *f = *state;
    f->l = tern_tcp_listen(f->s, NULL, LPORT, 4, app_accept, &f->a);
    pseg syn = {.seq = PISS, .flags = TERN_TCP_SYN, .mss = 1440, .opts = 1, .tsval = 100};
    inject6(f, &syn);
    out o;
    assert_true(next_out(f, &o));
    assert_int_equal(o.flags, TERN_TCP_SYN | TERN_TCP_ACK);
    assert_int_not_equal(o.wscale, TERN_TCP_NO_WSCALE);
    assert_true(o.sack_ok);
    assert_true(o.has_ts);
    pseg ack = {.seq = PISS + 1u, .ack = o.seq + 1u, .flags = TERN_TCP_ACK};
    inject6(f, &ack);
    assert_int_equal(f->a.accepted, 1);
    tern_tcp_info i;
    tern_tcp_get_info(f->a.pcb, &i);
    assert_true(i.wscale_ok && i.sack_ok);
}

/* SYN cookies over IPv6: the cookie covers the whole 16-byte addresses. */
static void test_syncookies(void **state) {
    fx *f = *state;
    f->l = tern_tcp_listen(f->s, NULL, LPORT, 1, app_accept, &f->a);
    pseg syn = {.seq = PISS, .flags = TERN_TCP_SYN, .mss = 1440};
    inject6(f, &syn); /* takes the backlog */
    out o;
    assert_true(next_out(f, &o));
    uint32_t tx = stat(f->s, "tcp.syncookie.tx");
    syn.sport = PPORT + 1;
    inject6(f, &syn);
    assert_int_equal(stat(f->s, "tcp.syncookie.tx"), tx + 1);
    assert_true(next_out(f, &o));
    assert_int_equal(o.flags, TERN_TCP_SYN | TERN_TCP_ACK);
    uint32_t cookie = o.seq;
    /* The same ACK from another address (differing only in its first half) fails. */
    uint8_t other[16];
    memcpy(other, ll_peer, 16);
    other[7] = 1;
    uint32_t bad = stat(f->s, "tcp.syncookie.bad");
    pseg ack = {
        .src = other, .sport = PPORT + 1, .seq = PISS + 1u, .ack = cookie + 1u, .flags = TERN_TCP_ACK};
    inject6(f, &ack);
    assert_int_equal(stat(f->s, "tcp.syncookie.bad"), bad + 1);
    assert_int_equal(f->a.accepted, 0);
    /* From the right peer it opens the connection. */
    ack.src = NULL;
    inject6(f, &ack);
    assert_int_equal(stat(f->s, "tcp.syncookie.ok"), 1);
    assert_int_equal(f->a.accepted, 1);
    tern_tcp_info i;
    tern_tcp_get_info(f->a.pcb, &i);
    assert_int_equal(i.state, TERN_TCP_ESTABLISHED);
    assert_int_equal(i.remote_port, PPORT + 1);
    assert_memory_equal(i.remote.bytes, ll_peer, 16);
    poll_for(f, 5000); /* the reset to the unknown address waits for ND, which gives up */
}

/* Our close ends in TIME-WAIT; a newer SYN for the same IPv6 4-tuple reopens it. */
static void test_time_wait(void **state) {
    fx *f = *state;
    uint32_t iss1 = establish(f, 1440);
    tern_tcp_pcb *pcb = f->a.pcb;
    f->a.pcb = NULL;
    assert_int_equal(tern_tcp_close(pcb), TERN_OK);
    out o;
    assert_true(next_out(f, &o));
    assert_true(o.flags & TERN_TCP_FIN);
    pseg fin = {.seq = PISS + 1u, .ack = iss1 + 1u, .flags = TERN_TCP_ACK | TERN_TCP_FIN};
    inject6(f, &fin);
    assert_true(next_out(f, &o));
    assert_int_equal(o.flags, TERN_TCP_ACK);
    assert_int_equal(o.ack, PISS + 2u);
    unsigned tw = 0;
    tern_tcp_info i;
    for (uint32_t k = 0; k < f->s->tcp.used_hi; k++)
        if (f->s->tcp.pcbs[k].stack) {
            tern_tcp_get_info(&f->s->tcp.pcbs[k], &i);
            tw += i.state == TERN_TCP_TIME_WAIT;
        }
    assert_int_equal(tw, 1);
    /* The peer's FIN again: acknowledged again. */
    inject6(f, &fin);
    assert_true(next_out(f, &o));
    assert_int_equal(o.ack, PISS + 2u);
    /* A new SYN beyond the old sequence space: a new connection. */
    pseg syn = {.seq = PISS + 100000u, .flags = TERN_TCP_SYN, .mss = 1440};
    inject6(f, &syn);
    assert_true(next_out(f, &o));
    assert_int_equal(o.flags, TERN_TCP_SYN | TERN_TCP_ACK);
    assert_int_equal(o.ack, PISS + 100001u);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_handshake_and_data, setup, teardown),
        cmocka_unit_test_setup_teardown(test_active_open, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_checksum_dropped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rst_for_closed_port, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mss_from_ipv6_mtu, setup, teardown),
        cmocka_unit_test_setup_teardown(test_packet_too_big, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_tcp_to_groups, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dual_stack_listener, setup, teardown),
        cmocka_unit_test_setup_teardown(test_options_negotiated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_syncookies, setup, teardown),
        cmocka_unit_test_setup_teardown(test_time_wait, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
