/* TCP behaviour on one stack against a scripted peer: crafted segments are
 * injected into a capturing interface and what the stack sends back is
 * checked field by field, on a virtual clock. Each test names the
 * behaviour it proves and fails without it. */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "wire/tcp.h"
#include "wire/wire.h"

#define PEER IP4(192, 0, 2, 1)
#define US IP4(192, 0, 2, 2)
#define PPORT 40000
#define LPORT 80
#define PISS 1000000u
#define MSS 1460u
#define SEQ_LEQ_TEST(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)

/* ---- The application on our side ---------------------------------------- */

typedef struct app {
    tern_tcp_pcb *pcb;
    uint8_t rx[16384];
    uint32_t rx_len, sent;
    int eof, err_seen, consume, accepted;
    tern_err err;
} app;

static void app_recv(void *ctx, tern_tcp_pcb *pcb, tern_pbuf *p) {
    app *a = ctx;
    if (!p) {
        a->eof = 1;
        return;
    }
    uint32_t n = p->tot_len;
    assert_true(a->rx_len + n <= sizeof a->rx);
    tern_pbuf_copy_out(p, 0, a->rx + a->rx_len, (uint16_t)n);
    a->rx_len += n;
    tern_pbuf_free(pcb->stack, p);
    if (a->consume)
        tern_tcp_recved(pcb, n);
}

static void app_sent(void *ctx, tern_tcp_pcb *pcb, uint32_t len) {
    (void)pcb;
    ((app *)ctx)->sent += len;
}

static void app_err(void *ctx, tern_stack *s, tern_err err) {
    app *a = ctx;
    (void)s;
    a->err_seen = 1;
    a->err = err;
    a->pcb = NULL;
}

static const tern_tcp_callbacks app_cbs = {.recv = app_recv, .sent = app_sent, .err = app_err};

static tern_err app_accept(void *ctx, tern_tcp_listener *l, tern_tcp_pcb *pcb) {
    app *a = ctx;
    (void)l;
    a->pcb = pcb;
    a->accepted++;
    tern_tcp_set_callbacks(pcb, &app_cbs, a);
    return TERN_OK;
}

/* ---- The fixture: one stack, one capturing interface, a scripted peer ---- */

typedef struct fx {
    tern_stack *s;
    cap_netif cap;
    uint32_t now;
    unsigned next; /* next captured frame to examine */
    tern_tcp_listener *l;
    app a;
    uint32_t snd, rcv;    /* the peer's next sequence number, and what it acknowledges */
    uint32_t ts, ts_echo; /* the peer's timestamp clock, the last TSval it saw from us */
    int use_ts;
    uint16_t wnd; /* the window the peer advertises */
} fx;

static int setup(void **state) {
    fx *f = calloc(1, sizeof *f);
    f->s = stack_new(7);
    cap_init(&f->cap, f->s);
    tern_addr peer = tern_addr_ipv4(PEER);
    assert_int_equal(tern_arp_add_static(&f->cap.nif, &peer, test_mac_peer), TERN_OK);
    f->a.consume = 1;
    f->wnd = 65535;
    f->ts = 5000;
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fx *f = *state;
    if (f->l)
        tern_tcp_listener_close(f->l);
    cap_clear(&f->cap);
    stack_free_checked(f->s);
    free(f);
    return 0;
}

/* A segment from the peer; zero ports mean PPORT -> LPORT. */
typedef struct pseg {
    uint32_t seq, ack, tsval, tsecr;
    uint16_t sport, dport, wnd, mss, len;
    uint8_t flags, ts, sack_ok, nsack;
    uint32_t sack[3][2];
    const uint8_t *data;
} pseg;

static void inject_tcp(fx *f, const pseg *g) {
    uint8_t t[1600], frame[1700];
    size_t hl = 20;
    memset(t, 0, sizeof t);
    if (g->mss) {
        t[hl] = 2, t[hl + 1] = 4;
        tern_wr16(t + hl + 2, g->mss);
        hl += 4;
    }
    if (g->sack_ok) {
        t[hl] = 1, t[hl + 1] = 1, t[hl + 2] = 4, t[hl + 3] = 2;
        hl += 4;
    }
    if (g->nsack) {
        t[hl] = 1, t[hl + 1] = 1, t[hl + 2] = 5, t[hl + 3] = (uint8_t)(2 + 8 * g->nsack);
        for (unsigned i = 0; i < g->nsack; i++) {
            tern_wr32(t + hl + 4 + 8 * i, g->sack[i][0]);
            tern_wr32(t + hl + 8 + 8 * i, g->sack[i][1]);
        }
        hl += 4u + 8u * g->nsack;
    }
    if (g->ts) {
        t[hl] = 1, t[hl + 1] = 1, t[hl + 2] = 8, t[hl + 3] = 10;
        tern_wr32(t + hl + 4, g->tsval);
        tern_wr32(t + hl + 8, g->tsecr);
        hl += 12;
    }
    tern_wr16(t, g->sport ? g->sport : PPORT);
    tern_wr16(t + 2, g->dport ? g->dport : LPORT);
    tern_wr32(t + 4, g->seq);
    tern_wr32(t + 8, g->ack);
    t[12] = (uint8_t)(hl / 4 << 4);
    t[13] = g->flags;
    tern_wr16(t + 14, g->wnd);
    if (g->len)
        memcpy(t + hl, g->data, g->len);
    size_t tl = hl + g->len;
    uint8_t ph[12];
    tern_wr32(ph, PEER);
    tern_wr32(ph + 4, US);
    ph[8] = 0, ph[9] = 6;
    tern_wr16(ph + 10, (uint16_t)tl);
    tern_wr16(t + 16, inet_checksum(t, tl, (uint16_t)~inet_checksum(ph, 12, 0)));
    size_t n = build_ipv4(frame, PEER, US, 6, t, tl);
    inject(&f->cap.nif, frame, n);
}

/* A segment in the peer's current state (its seq advances by len). */
static void peer_send(fx *f, uint8_t flags, const uint8_t *data, uint16_t len) {
    pseg g = {.seq = f->snd,
              .ack = f->rcv,
              .flags = flags,
              .wnd = f->wnd,
              .data = data,
              .len = len,
              .ts = (uint8_t)f->use_ts,
              .tsval = f->ts,
              .tsecr = f->ts_echo};
    inject_tcp(f, &g);
    f->snd += len + ((flags & (TERN_TCP_SYN | TERN_TCP_FIN)) ? 1u : 0u);
}

static void peer_ack(fx *f) {
    peer_send(f, TERN_TCP_ACK, NULL, 0);
}

/* What the stack sent. */
typedef struct out {
    uint32_t seq, ack, tsval, tsecr, at;
    uint16_t wnd, len, mss, iplen;
    uint8_t flags, has_ts;
} out;

static bool next_out(fx *f, out *o) {
    while (f->next < f->cap.count) {
        const cap_frame *c = &f->cap.frames[f->next++];
        if (c->len < 54 || tern_rd16(c->data + 12) != 0x0800 || c->data[23] != 6)
            continue;
        const uint8_t *ip = c->data + 14;
        const uint8_t *t = ip + (ip[0] & 15) * 4;
        uint16_t iplen = tern_rd16(ip + 2);
        uint16_t tl = (uint16_t)(iplen - (t - ip));
        tern_tcp_repr r;
        assert_int_equal(tern_tcp_parse(t, tl, tl, &r), TERN_TCP_PARSE_OK);
        memset(o, 0, sizeof *o);
        o->seq = r.seq, o->ack = r.ack, o->flags = r.flags, o->wnd = r.wnd, o->mss = r.mss;
        o->len = (uint16_t)(tl - r.hlen), o->iplen = iplen, o->has_ts = r.has_ts;
        o->tsval = r.tsval, o->tsecr = r.tsecr, o->at = f->now;
        if (r.has_ts)
            f->ts_echo = r.tsval;
        return true;
    }
    return false;
}

/* Let ms of virtual time pass, running every timer when it is due. */
static void advance(fx *f, uint32_t ms) {
    uint32_t end = f->now + ms;
    for (;;) {
        uint32_t wait = tern_stack_poll(f->s, f->now);
        if (f->now == end)
            return;
        uint32_t step = wait < end - f->now ? wait : end - f->now;
        f->now += step ? step : 1u;
    }
}

/* Run until the stack sends a TCP segment (at most limit ms); o->at is when. */
static bool wait_out(fx *f, out *o, uint32_t limit) {
    uint32_t end = f->now + limit;
    for (;;) {
        uint32_t wait = tern_stack_poll(f->s, f->now);
        if (next_out(f, o))
            return true;
        if (f->now == end)
            return false;
        uint32_t step = wait < end - f->now ? wait : end - f->now;
        f->now += step ? step : 1u;
    }
}

static void expect_nothing(fx *f) {
    out o;
    if (next_out(f, &o))
        fail_msg("unexpected segment seq=%u ack=%u flags=%02x len=%u", o.seq, o.ack, o.flags, o.len);
}

/* Passive open: the peer connects to our listener. */
static void open_conn(fx *f, int ts, uint16_t peer_mss) {
    f->use_ts = ts;
    f->l = tern_tcp_listen(f->s, NULL, LPORT, 4, app_accept, &f->a);
    assert_non_null(f->l);
    f->snd = PISS;
    if (!peer_mss)
        peer_mss = MSS;
    pseg syn = {.seq = PISS,
                .flags = TERN_TCP_SYN,
                .wnd = f->wnd,
                .mss = peer_mss,
                .ts = (uint8_t)ts,
                .tsval = f->ts};
    inject_tcp(f, &syn);
    f->snd++;
    out o;
    assert_true(next_out(f, &o));
    assert_int_equal(o.flags, TERN_TCP_SYN | TERN_TCP_ACK);
    assert_int_equal(o.ack, PISS + 1);
    assert_int_equal(o.has_ts, ts);
    f->rcv = o.seq + 1;
    peer_ack(f);
    assert_non_null(f->a.pcb);
    assert_int_equal(f->a.pcb->state, TERN_TCP_ESTABLISHED);
    expect_nothing(f);
}

static void fill(uint8_t *b, uint32_t n, uint32_t from) {
    for (uint32_t i = 0; i < n; i++)
        b[i] = (uint8_t)((from + i) * 13u + 5u);
}

static void count_cb(void *ctx, const tern_tcp_pcb *pcb) {
    (void)pcb;
    (*(unsigned *)ctx)++;
}

/* Connections tern_tcp_foreach lists. */
static unsigned conns(fx *f) {
    unsigned n = 0;
    tern_tcp_foreach(f->s, count_cb, &n);
    return n;
}

static void state_cb(void *ctx, const tern_tcp_pcb *pcb) {
    *(int *)ctx = pcb->state;
}

/* The state of the only connection, or -1 when there is none. */
static int only_state(fx *f) {
    int st = -1;
    assert_true(conns(f) <= 1);
    tern_tcp_foreach(f->s, state_cb, &st);
    return st;
}

static void write_all(fx *f, uint32_t n, uint32_t from) {
    uint8_t buf[8192];
    assert_true(n <= sizeof buf);
    fill(buf, n, from);
    assert_int_equal(tern_tcp_write(f->a.pcb, buf, n), TERN_OK);
    assert_int_equal(tern_tcp_output(f->a.pcb), TERN_OK);
}

/* ---- 1. Fast retransmit ----------------------------------------------------- */

static void test_fast_retransmit(void **state) {
    fx *f = *state;
    open_conn(f, 0, 1000);
    uint32_t start = f->rcv;
    write_all(f, 5000, 0);
    out o;
    for (unsigned i = 0; i < 5; i++) {
        assert_true(next_out(f, &o));
        assert_int_equal(o.seq, start + i * 1000u);
        assert_int_equal(o.len, 1000);
    }
    expect_nothing(f);
    advance(f, 20);
    /* The second segment is lost: one new ACK, then duplicates. */
    f->rcv += 1000;
    peer_ack(f);
    expect_nothing(f);
    peer_ack(f);
    peer_ack(f);
    expect_nothing(f);
    assert_int_equal(stat(f->s, "tcp.fast_retransmit"), 0);
    peer_ack(f); /* the third duplicate */
    assert_true(next_out(f, &o));
    assert_int_equal(o.seq, start + 1000u);
    assert_int_equal(o.len, 1000);
    assert_int_equal(stat(f->s, "tcp.fast_retransmit"), 1);
    assert_int_equal(stat(f->s, "tcp.retransmit"), 0); /* not the timer */
    advance(f, 20);
    f->rcv = start + 5000u;
    peer_ack(f);
    assert_int_equal(f->a.sent, 5000);
    assert_int_equal(tern_tcp_get_unacked(f->a.pcb), 0);
}

/* ---- 2. RTO backoff and timeout ------------------------------------------------- */

static void test_rto_backoff_and_timeout(void **state) {
    fx *f = *state;
    open_conn(f, 0, 0);
    write_all(f, 100, 0);
    out first, o;
    assert_true(next_out(f, &first));
    assert_int_equal(first.len, 100);
    uint32_t prev = first.at, expect = TERN_CFG_TCP_RTO_INIT_MS;
    for (unsigned i = 1; i <= TERN_CFG_TCP_MAX_RTX; i++) {
        assert_true(wait_out(f, &o, 2u * TERN_CFG_TCP_RTO_MAX_MS));
        assert_int_equal(o.seq, first.seq);
        assert_int_equal(o.len, 100);
        assert_int_equal(o.at - prev, expect);
        assert_false(f->a.err_seen);
        prev = o.at;
        expect = expect * 2u > TERN_CFG_TCP_RTO_MAX_MS ? TERN_CFG_TCP_RTO_MAX_MS : expect * 2u;
    }
    assert_int_equal(stat(f->s, "tcp.retransmit"), TERN_CFG_TCP_MAX_RTX);
    /* One more timeout and the connection is given up, with a reset. */
    assert_true(wait_out(f, &o, 2u * TERN_CFG_TCP_RTO_MAX_MS));
    assert_true(o.flags & TERN_TCP_RST);
    assert_int_equal(o.at - prev, expect);
    assert_true(f->a.err_seen);
    assert_int_equal(f->a.err, TERN_ERR_TIMEOUT);
    assert_int_equal(conns(f), 0);
}

/* ---- 3. Zero window: persist probes with backoff, then the window opens ------------ */

static void test_zero_window_probe(void **state) {
    fx *f = *state;
    f->wnd = 2 * MSS;
    open_conn(f, 0, 0);
    uint32_t start = f->rcv;
    write_all(f, 6000, 0);
    out o;
    assert_true(next_out(f, &o));
    assert_int_equal(o.len, MSS);
    assert_true(next_out(f, &o));
    assert_int_equal(o.len, MSS);
    expect_nothing(f);
    advance(f, 10);
    /* Everything acknowledged, and the window closed. */
    f->rcv += 2 * MSS;
    f->wnd = 0;
    peer_ack(f);
    expect_nothing(f);
    uint32_t prev = f->now, gap = 0;
    /* More probes than TERN_CFG_TCP_MAX_RTX: answered probes never time out (RFC 1122 4.2.2.17). */
    for (unsigned i = 0; i < TERN_CFG_TCP_MAX_RTX + 3u; i++) {
        assert_true(wait_out(f, &o, 2u * TERN_CFG_TCP_RTO_MAX_MS));
        /* A probe: it draws an ACK carrying the window. Never beyond one byte of data. */
        assert_true(o.len <= 1);
        if (gap && gap * 2u <= TERN_CFG_TCP_RTO_MAX_MS)
            assert_int_equal(o.at - prev, gap * 2u);
        gap = o.at - prev;
        prev = o.at;
        peer_ack(f); /* still closed */
        expect_nothing(f);
    }
    assert_false(f->a.err_seen);
    /* The receiver consumed: the window opens and the rest goes out. */
    f->wnd = 65535;
    peer_ack(f);
    for (unsigned round = 0; round < 10 && f->rcv != start + 6000u; round++) {
        uint32_t edge = f->rcv;
        while (next_out(f, &o)) {
            assert_true(SEQ_LEQ_TEST(o.seq, edge)); /* no hole: the probes skipped no data */
            if (SEQ_LEQ_TEST(edge, o.seq + o.len))
                edge = o.seq + o.len;
        }
        advance(f, 10);
        f->rcv = edge;
        peer_ack(f);
    }
    assert_int_equal(f->rcv, start + 6000u);
    assert_int_equal(f->a.sent, 6000);
    assert_false(f->a.err_seen);
}

/* ---- 4. Delayed ACK ---------------------------------------------------------- */

static void delayed_ack(fx *f, int ts) {
    open_conn(f, ts, 0);
    uint16_t full = (uint16_t)(ts ? MSS - 12u : MSS); /* timestamps take 12 bytes of each segment */
    uint8_t buf[MSS];
    fill(buf, sizeof buf, 0);
    advance(f, 5);
    uint32_t t0 = f->now;
    f->ts++;
    peer_send(f, TERN_TCP_ACK, buf, full);
    expect_nothing(f); /* one full segment: the ACK waits */
    out o;
    assert_true(wait_out(f, &o, 1000));
    assert_int_equal(o.ack, f->snd);
    assert_int_equal(o.at - t0, TERN_CFG_TCP_DELACK_MS);
    /* Two full segments: the second is acknowledged at once. */
    advance(f, 5);
    f->ts++;
    peer_send(f, TERN_TCP_ACK, buf, full);
    expect_nothing(f);
    peer_send(f, TERN_TCP_ACK, buf, full);
    assert_true(next_out(f, &o));
    assert_int_equal(o.ack, f->snd);
    advance(f, 1000);
    expect_nothing(f); /* and the delayed-ACK timer is not left running */
    assert_int_equal(f->a.rx_len, 3u * full);
}

static void test_delayed_ack(void **state) {
    delayed_ack(*state, 0);
}
static void test_delayed_ack_timestamps(void **state) {
    delayed_ack(*state, 1);
}

/* ---- 5. Nagle ------------------------------------------------------------------ */

static void test_nagle_on_off(void **state) {
    fx *f = *state;
    open_conn(f, 0, 0);
    uint32_t start = f->rcv;
    out o;
    write_all(f, 10, 0);
    assert_true(next_out(f, &o));
    assert_int_equal(o.len, 10);
    write_all(f, 10, 10);
    write_all(f, 10, 20);
    expect_nothing(f); /* small data in flight: the next small writes wait */
    advance(f, 10);
    f->rcv += 10;
    peer_ack(f);
    assert_true(next_out(f, &o)); /* coalesced into one segment */
    assert_int_equal(o.seq, start + 10u);
    assert_int_equal(o.len, 20);
    expect_nothing(f);
    tern_tcp_set_nodelay(f->a.pcb, true);
    write_all(f, 10, 30);
    assert_true(next_out(f, &o)); /* at once, with 20 bytes unacknowledged */
    assert_int_equal(o.seq, start + 30u);
    assert_int_equal(o.len, 10);
    write_all(f, 10, 40);
    assert_true(next_out(f, &o));
    assert_int_equal(o.seq, start + 40u);
    assert_int_equal(o.len, 10);
    f->rcv = start + 50u;
    peer_ack(f);
    assert_int_equal(f->a.sent, 50);
}

/* ---- 6. Out-of-order segments are reassembled -------------------------------------- */

static void inject_data(fx *f, uint32_t off, uint16_t len, const uint8_t *stream, uint32_t base) {
    pseg g = {.seq = base + off,
              .ack = f->rcv,
              .flags = TERN_TCP_ACK,
              .wnd = f->wnd,
              .data = stream + off,
              .len = len};
    inject_tcp(f, &g);
}

static void test_out_of_order(void **state) {
    fx *f = *state;
    open_conn(f, 0, 0);
    uint8_t stream[4000];
    fill(stream, sizeof stream, 77);
    uint32_t base = f->snd;
    out o;
    inject_data(f, 2000, 1000, stream, base); /* C */
    assert_true(next_out(f, &o));             /* a duplicate ACK at once */
    assert_int_equal(o.ack, base);
    inject_data(f, 3000, 1000, stream, base); /* D */
    assert_true(next_out(f, &o));
    assert_int_equal(o.ack, base);
    inject_data(f, 2000, 1000, stream, base); /* C again */
    inject_data(f, 2500, 1000, stream, base); /* overlaps C and D */
    inject_data(f, 1000, 1000, stream, base); /* B */
    while (next_out(f, &o))
        assert_int_equal(o.ack, base);
    assert_int_equal(f->a.rx_len, 0);
    inject_data(f, 0, 1000, stream, base); /* A fills the hole */
    assert_true(next_out(f, &o));
    assert_int_equal(o.ack, base + 4000u);
    assert_int_equal(f->a.rx_len, 4000);
    assert_memory_equal(f->a.rx, stream, 4000);
    tern_tcp_info info;
    tern_tcp_get_info(f->a.pcb, &info);
    assert_int_equal(info.ooseq, 0);
}

/* ---- 7. PAWS --------------------------------------------------------------------- */

static void test_paws_drops_old_duplicate(void **state) {
    fx *f = *state;
    open_conn(f, 1, 0);
    uint8_t buf[100];
    fill(buf, sizeof buf, 0);
    out o;
    f->ts = 6000;
    peer_send(f, TERN_TCP_ACK | TERN_TCP_PSH, buf, 100);
    assert_int_equal(f->a.rx_len, 100);
    while (next_out(f, &o))
        ;
    advance(f, 20);
    /* An old duplicate: next in sequence, but an older TSval. */
    pseg old = {.seq = f->snd,
                .ack = f->rcv,
                .flags = TERN_TCP_ACK | TERN_TCP_PSH,
                .wnd = f->wnd,
                .data = buf,
                .len = 100,
                .ts = 1,
                .tsval = 5999,
                .tsecr = f->ts_echo};
    inject_tcp(f, &old);
    assert_int_equal(stat(f->s, "tcp.drop.paws"), 1);
    assert_int_equal(f->a.rx_len, 100);
    assert_true(next_out(f, &o)); /* acknowledged, not taken */
    assert_int_equal(o.ack, f->snd);
    /* The same bytes with a current TSval are taken. */
    advance(f, 20);
    f->ts = 6001;
    peer_send(f, TERN_TCP_ACK | TERN_TCP_PSH, buf, 100);
    assert_int_equal(f->a.rx_len, 200);
    assert_int_equal(stat(f->s, "tcp.drop.paws"), 1);
}

/* ---- 8. RST handling (RFC 5961 3) ---------------------------------------------------- */

static void inject_rst(fx *f, uint32_t seq) {
    pseg g = {.seq = seq, .flags = TERN_TCP_RST, .wnd = 0};
    inject_tcp(f, &g);
}

static void test_rst_checks(void **state) {
    fx *f = *state;
    open_conn(f, 0, 0);
    advance(f, 50);
    out o;
    inject_rst(f, f->snd + 200000u); /* outside the window: ignored */
    expect_nothing(f);
    assert_int_equal(only_state(f), TERN_TCP_ESTABLISHED);
    inject_rst(f, f->snd - 1u); /* just before the window: ignored */
    expect_nothing(f);
    inject_rst(f, f->snd + 100u); /* in the window, not exact: challenge ACK */
    assert_true(next_out(f, &o));
    assert_int_equal(o.flags, TERN_TCP_ACK);
    assert_int_equal(o.ack, f->snd);
    assert_int_equal(o.seq, f->rcv);
    assert_int_equal(stat(f->s, "tcp.challenge_ack"), 1);
    assert_int_equal(only_state(f), TERN_TCP_ESTABLISHED);
    assert_false(f->a.err_seen);
    advance(f, 50);
    inject_rst(f, f->snd); /* exact: reset */
    expect_nothing(f);
    assert_true(f->a.err_seen);
    assert_int_equal(f->a.err, TERN_ERR_RESET);
    assert_int_equal(conns(f), 0);
}

/* ---- 9. SYN on an established connection ------------------------------------------------ */

static void test_syn_in_established_challenged(void **state) {
    fx *f = *state;
    open_conn(f, 0, 0);
    advance(f, 50);
    out o;
    pseg syn = {.seq = f->snd + 5000u, .flags = TERN_TCP_SYN, .wnd = 65535, .mss = 1460};
    inject_tcp(f, &syn);
    assert_true(next_out(f, &o));
    assert_int_equal(o.flags, TERN_TCP_ACK);
    assert_int_equal(o.ack, f->snd);
    assert_int_equal(stat(f->s, "tcp.challenge_ack"), 1);
    expect_nothing(f);
    assert_int_equal(only_state(f), TERN_TCP_ESTABLISHED);
    assert_false(f->a.err_seen);
    /* A SYN at exactly rcv_nxt is no different. */
    advance(f, 50);
    syn.seq = f->snd;
    inject_tcp(f, &syn);
    assert_true(next_out(f, &o));
    assert_int_equal(o.flags, TERN_TCP_ACK);
    assert_int_equal(only_state(f), TERN_TCP_ESTABLISHED);
    /* The connection still works. */
    uint8_t b[10] = {0};
    peer_send(f, TERN_TCP_ACK | TERN_TCP_PSH, b, 10);
    assert_int_equal(f->a.rx_len, 10);
}

/* ---- 12. TIME-WAIT -------------------------------------------------------------------- */

/* Our side closes first; returns with the connection in TIME-WAIT. */
static void active_close(fx *f) {
    out o;
    assert_int_equal(tern_tcp_close(f->a.pcb), TERN_OK);
    f->a.pcb = NULL;
    assert_true(next_out(f, &o));
    assert_true(o.flags & TERN_TCP_FIN);
    assert_int_equal(o.seq, f->rcv);
    f->rcv++;
    peer_ack(f);
    assert_int_equal(only_state(f), TERN_TCP_FIN_WAIT_2);
    advance(f, 10);
    peer_send(f, TERN_TCP_FIN | TERN_TCP_ACK, NULL, 0);
    assert_true(next_out(f, &o));
    assert_int_equal(o.flags, TERN_TCP_ACK);
    assert_int_equal(o.ack, f->snd);
    assert_int_equal(only_state(f), TERN_TCP_TIME_WAIT);
}

static void test_time_wait(void **state) {
    fx *f = *state;
    open_conn(f, 0, 0);
    active_close(f);
    advance(f, 1000);
    /* The peer lost our ACK and resends its FIN: ACK again, restart 2 MSL. */
    pseg fin = {.seq = f->snd - 1u, .ack = f->rcv, .flags = TERN_TCP_FIN | TERN_TCP_ACK, .wnd = f->wnd};
    inject_tcp(f, &fin);
    out o;
    assert_true(next_out(f, &o));
    assert_int_equal(o.flags, TERN_TCP_ACK);
    assert_int_equal(o.ack, f->snd);
    inject_tcp(f, &fin); /* and again: every copy is answered */
    assert_true(next_out(f, &o));
    assert_int_equal(o.ack, f->snd);
    advance(f, 2u * TERN_CFG_TCP_MSL_MS - 1u);
    assert_int_equal(only_state(f), TERN_TCP_TIME_WAIT);
    advance(f, 1);
    assert_int_equal(conns(f), 0);
    expect_nothing(f);
    assert_int_equal(stat(f->s, "tcp.rst.tx"), 0);
}

static void test_time_wait_reuse(void **state) {
    fx *f = *state;
    open_conn(f, 0, 0);
    active_close(f);
    advance(f, 1000);
    out o;
    /* An old SYN (below rcv_nxt) does not reopen it. */
    pseg syn = {.seq = f->snd - 100u, .flags = TERN_TCP_SYN, .wnd = 65535, .mss = 1460};
    inject_tcp(f, &syn);
    while (next_out(f, &o))
        assert_false(o.flags & TERN_TCP_SYN);
    assert_int_equal(only_state(f), TERN_TCP_TIME_WAIT);
    advance(f, 100);
    /* A new incarnation, with a higher sequence number, is accepted (RFC 9293 3.10.7.4). */
    uint32_t isn = f->snd + 100000u;
    syn.seq = isn;
    inject_tcp(f, &syn);
    assert_true(next_out(f, &o));
    assert_int_equal(o.flags, TERN_TCP_SYN | TERN_TCP_ACK);
    assert_int_equal(o.ack, isn + 1u);
    f->snd = isn + 1u;
    f->rcv = o.seq + 1u;
    peer_ack(f);
    assert_int_equal(f->a.accepted, 2);
    assert_int_equal(only_state(f), TERN_TCP_ESTABLISHED);
    uint8_t b[10] = {1};
    peer_send(f, TERN_TCP_ACK | TERN_TCP_PSH, b, 10);
    assert_int_equal(f->a.rx_len, 10);
}

static void test_time_wait_reuse_timestamps(void **state) {
    fx *f = *state;
    open_conn(f, 1, 0);
    active_close(f);
    advance(f, 1000);
    out o;
    /* With timestamps, a newer TSval admits the SYN even at a lower sequence (RFC 6191). */
    pseg syn = {.seq = f->snd - 100000u,
                .flags = TERN_TCP_SYN,
                .wnd = 65535,
                .mss = 1460,
                .ts = 1,
                .tsval = f->ts + 1000u};
    inject_tcp(f, &syn);
    assert_true(next_out(f, &o));
    assert_int_equal(o.flags, TERN_TCP_SYN | TERN_TCP_ACK);
    assert_int_equal(o.ack, syn.seq + 1u);
}

/* ---- 14. Half-close ---------------------------------------------------------------------- */

static void test_half_close(void **state) {
    fx *f = *state;
    open_conn(f, 0, 0);
    out o;
    assert_int_equal(tern_tcp_shutdown(f->a.pcb, false, true), TERN_OK);
    assert_true(next_out(f, &o));
    assert_true(o.flags & TERN_TCP_FIN);
    assert_int_equal(tern_tcp_write(f->a.pcb, "x", 1), TERN_ERR_NOTCONN);
    f->rcv++;
    peer_ack(f);
    assert_int_equal(f->a.pcb->state, TERN_TCP_FIN_WAIT_2);
    uint8_t buf[3000];
    fill(buf, sizeof buf, 9);
    peer_send(f, TERN_TCP_ACK, buf, 1000);
    peer_send(f, TERN_TCP_ACK | TERN_TCP_PSH, buf + 1000, 2000 - 1000);
    peer_send(f, TERN_TCP_ACK | TERN_TCP_PSH, buf + 2000, 1000);
    assert_true(wait_out(f, &o, 1000));
    while (next_out(f, &o))
        ;
    assert_int_equal(o.ack, f->snd);
    assert_int_equal(f->a.rx_len, 3000);
    assert_memory_equal(f->a.rx, buf, 3000);
    assert_false(f->a.eof);
    peer_send(f, TERN_TCP_FIN | TERN_TCP_ACK, NULL, 0);
    assert_true(f->a.eof);
    assert_true(next_out(f, &o));
    assert_int_equal(o.ack, f->snd);
    assert_int_equal(only_state(f), TERN_TCP_TIME_WAIT);
    advance(f, 2u * TERN_CFG_TCP_MSL_MS);
    assert_int_equal(conns(f), 0);
}

/* ---- 15. Data for a closed application draws a reset ------------------------------------- */

static void test_data_after_close_resets(void **state) {
    fx *f = *state;
    open_conn(f, 0, 0);
    out o;
    assert_int_equal(tern_tcp_close(f->a.pcb), TERN_OK);
    f->a.pcb = NULL;
    assert_true(next_out(f, &o));
    assert_true(o.flags & TERN_TCP_FIN);
    uint8_t b[100] = {0};
    peer_send(f, TERN_TCP_ACK | TERN_TCP_PSH, b, 100);
    assert_true(next_out(f, &o));
    assert_true(o.flags & TERN_TCP_RST);
    assert_int_equal(stat(f->s, "tcp.rst.tx"), 1);
    assert_int_equal(conns(f), 0);
    assert_false(f->a.err_seen); /* the application already let go */
    assert_int_equal(f->a.rx_len, 0);
}

/* ---- 17. ICMP "fragmentation needed" lowers the MSS ----------------------------------------- */

/* TCP segmentation offload: toward an interface that takes TCP checksums
 * and segments of up to gso_max bytes, a write leaves as one segment of a
 * whole number of MSS-sized pieces, larger than the MTU, its checksum left
 * to the interface; retransmissions are still one MSS. */
static void test_tso_offload(void **state) {
    fx *f = *state;
#if TERN_CFG_NETIF_OFFLOAD
    f->cap.nif.offload |= TERN_OFFLOAD_TX_TCP;
    f->cap.nif.gso_max = 4500; /* four 1000-byte pieces per segment at most */
    open_conn(f, 0, 1000);
    uint32_t start = f->rcv;
    unsigned first = f->next;
    write_all(f, 5000, 0);
    out o;
    assert_true(next_out(f, &o));
    assert_int_equal(o.seq, start);
    assert_int_equal(o.len, 4000);
    assert_true(o.iplen > f->cap.nif.mtu); /* not fragmented: the driver cuts it */
    const cap_frame *c = &f->cap.frames[first];
    assert_int_equal(tern_rd16(c->data + 14 + 20 + 16), 0); /* checksum left to the interface */
    assert_true(next_out(f, &o));
    assert_int_equal(o.seq, start + 4000u);
    assert_int_equal(o.len, 1000);
    expect_nothing(f);
    /* The first piece is lost: three duplicate ACKs resend one MSS. */
    peer_ack(f);
    peer_ack(f);
    peer_ack(f);
    peer_ack(f);
    assert_true(next_out(f, &o));
    assert_int_equal(o.seq, start);
    assert_int_equal(o.len, 1000);
    f->rcv = start + 5000u;
    peer_ack(f);
    assert_int_equal(f->a.sent, 5000);
#else
    (void)f;
    skip();
#endif
}

/* Per-connection buffer sizes: the window advertised follows the receive
 * buffer set, the send buffer bounds what may be queued, and sizes out of
 * range are refused. */
static void test_set_bufsize(void **state) {
    fx *f = *state;
    open_conn(f, 0, 1000);
    tern_tcp_pcb *pcb = f->a.pcb;
#if TERN_CFG_TCP_BUF_PER_CONN
    assert_int_equal(tern_tcp_set_bufsize(pcb, 0, 3000), TERN_OK);
    assert_int_equal(tern_tcp_sndbuf(pcb), 3000);
    uint8_t buf[4000];
    fill(buf, sizeof buf, 0);
    assert_int_equal(tern_tcp_write(pcb, buf, 4000), TERN_ERR_WOULDBLOCK);
    assert_int_equal(tern_tcp_write(pcb, buf, 3000), TERN_OK);
    assert_int_equal(tern_tcp_sndbuf(pcb), 0);
    assert_int_equal(tern_tcp_queued(pcb), 3000);
    /* A smaller receive buffer: the window follows it, but the right edge
     * already advertised (65535) is never taken back (RFC 9293 3.8.6). */
    f->a.consume = 0;
    assert_int_equal(tern_tcp_set_bufsize(pcb, 40000, 0), TERN_OK);
    peer_send(f, TERN_TCP_ACK | TERN_TCP_PSH, buf, 100);
    tern_tcp_output(pcb);
    tern_tcp_info info;
    tern_tcp_get_info(pcb, &info);
    assert_int_equal(info.rcv_wnd, 40000 - 100);
    out o;
    uint16_t wnd = 0;
    while (next_out(f, &o))
        wnd = o.wnd;
    assert_int_equal(wnd, 65535 - 100);
    assert_int_equal(tern_tcp_set_bufsize(pcb, 10, 0), TERN_ERR_INVAL);
    assert_int_equal(tern_tcp_set_bufsize(pcb, 0, TERN_CFG_TCP_BUF_MAX + 1u), TERN_ERR_INVAL);
#else
    assert_int_equal(tern_tcp_set_bufsize(pcb, 40000, 0), TERN_ERR_NOTSUP);
#endif
}

static void test_icmp_frag_needed_lowers_mss(void **state) {
    fx *f = *state;
    open_conn(f, 0, 0);
    tern_tcp_set_nodelay(f->a.pcb, true);
    uint32_t start = f->rcv;
    unsigned first = f->cap.count;
    write_all(f, 4000, 0);
    out o;
    unsigned n = 0;
    while (next_out(f, &o)) {
        assert_true(o.iplen <= 1500);
        n++;
    }
    assert_int_equal(n, 3);
    /* A forged error quoting a sequence number not in flight changes nothing (RFC 5927). */
    const cap_frame *c = cap_get(&f->cap, first);
    uint8_t quote[28], frame[200];
    memcpy(quote, c->data + 14, sizeof quote);
    tern_wr32(quote + 24, start + 100000u);
    size_t len = build_icmp(frame, IP4(192, 0, 2, 1), US, 3, 4, 1000u, quote, sizeof quote);
    inject(&f->cap.nif, frame, len);
    expect_nothing(f);
    /* A router says the path MTU is 1000: it quotes our first segment. */
    len = build_icmp(frame, IP4(192, 0, 2, 1), US, 3, 4, 1000u, c->data + 14, 28);
    inject(&f->cap.nif, frame, len);
    uint32_t covered = 0;
    n = 0;
    while (next_out(f, &o)) {
        assert_true(o.iplen <= 1000);
        assert_int_equal(o.seq, start + covered);
        covered += o.len;
        n++;
    }
    assert_true(n >= 4);
    assert_int_equal(covered, 4000);
    advance(f, 10);
    f->rcv = start + 4000u;
    peer_ack(f);
    assert_int_equal(f->a.sent, 4000);
    /* New data fits too. */
    write_all(f, 3000, 4000);
    covered = 0;
    while (next_out(f, &o)) {
        assert_true(o.iplen <= 1000);
        covered += o.len;
    }
    assert_int_equal(covered, 3000);
}

#if TERN_CFG_TCP_SACK
/* The last ACK the stack sent, with its SACK blocks parsed. */
static tern_tcp_repr last_ack_repr(fx *f) {
    tern_tcp_repr r;
    memset(&r, 0, sizeof r);
    for (unsigned i = f->cap.count; i-- > 0;) {
        const cap_frame *c = &f->cap.frames[i];
        if (c->len < 54 || c->data[23] != 6)
            continue;
        const uint8_t *t = c->data + 14 + (c->data[14] & 15) * 4;
        uint16_t tl = (uint16_t)(tern_rd16(c->data + 16) - (c->data[14] & 15) * 4);
        assert_int_equal(tern_tcp_parse(t, tl, tl, &r), TERN_TCP_PARSE_OK);
        return r;
    }
    fail_msg("no TCP segment sent");
    return r;
}

/* SACK negotiated in the handshake; held out-of-order data is reported in
 * the duplicate ACKs, the block with the latest arrival first (RFC 2018). */
static void test_sack_blocks_report_held_data(void **state) {
    fx *f = *state;
    f->l = tern_tcp_listen(f->s, NULL, LPORT, 4, app_accept, &f->a);
    pseg syn = {.seq = PISS, .flags = TERN_TCP_SYN, .wnd = 65535, .mss = MSS, .sack_ok = 1};
    inject_tcp(f, &syn);
    tern_tcp_repr r = last_ack_repr(f);
    assert_true(r.sack_ok);
    uint32_t our = r.seq + 1;
    pseg ack = {.seq = PISS + 1, .ack = our, .flags = TERN_TCP_ACK, .wnd = 65535};
    inject_tcp(f, &ack);
    assert_non_null(f->a.pcb);
    uint8_t data[1000];
    fill(data, sizeof data, 0);
    uint32_t base = PISS + 1;
    /* Segments 1 and 3 arrive, 0 and 2 are missing. */
    pseg s1 = {
        .seq = base + 1000, .ack = our, .flags = TERN_TCP_ACK, .wnd = 65535, .data = data, .len = 1000};
    inject_tcp(f, &s1);
    r = last_ack_repr(f);
    assert_int_equal(r.ack, base);
    assert_int_equal(r.nsack, 1);
    assert_int_equal(r.sack[0][0], base + 1000);
    assert_int_equal(r.sack[0][1], base + 2000);
    pseg s3 = {
        .seq = base + 3000, .ack = our, .flags = TERN_TCP_ACK, .wnd = 65535, .data = data, .len = 1000};
    inject_tcp(f, &s3);
    r = last_ack_repr(f);
    assert_int_equal(r.nsack, 2);
    assert_int_equal(r.sack[0][0], base + 3000); /* the latest arrival first */
    assert_int_equal(r.sack[1][0], base + 1000);
    /* Filling the first hole leaves one block; filling both, none. */
    pseg s0 = {.seq = base, .ack = our, .flags = TERN_TCP_ACK, .wnd = 65535, .data = data, .len = 1000};
    inject_tcp(f, &s0);
    r = last_ack_repr(f);
    assert_int_equal(r.ack, base + 2000);
    assert_int_equal(r.nsack, 1);
    assert_int_equal(r.sack[0][0], base + 3000);
    pseg s2 = {
        .seq = base + 2000, .ack = our, .flags = TERN_TCP_ACK, .wnd = 65535, .data = data, .len = 1000};
    inject_tcp(f, &s2);
    r = last_ack_repr(f);
    assert_int_equal(r.ack, base + 4000);
    assert_int_equal(r.nsack, 0);
    assert_int_equal(f->a.rx_len, 4000);
}
#endif

#if TERN_CFG_TCP_SACK
/* A duplicate ACK carrying SACK blocks, from the peer's current state. */
static void peer_sack(fx *f, uint32_t l0, uint32_t r0, uint32_t l1, uint32_t r1) {
    pseg g = {.seq = f->snd, .ack = f->rcv, .flags = TERN_TCP_ACK, .wnd = f->wnd, .nsack = l1 ? 2 : 1};
    g.sack[0][0] = l0, g.sack[0][1] = r0, g.sack[1][0] = l1, g.sack[1][1] = r1;
    inject_tcp(f, &g);
}

/* Two segments lost in one window: with SACK both are retransmitted within
 * the same round trip, the second on the next duplicate ACK (NewReno alone
 * would wait for the partial ACK of the first). */
static void test_sack_recovery_two_holes(void **state) {
    fx *f = *state;
    f->l = tern_tcp_listen(f->s, NULL, LPORT, 4, app_accept, &f->a);
    f->snd = PISS;
    pseg syn = {.seq = PISS, .flags = TERN_TCP_SYN, .wnd = 65535, .mss = 1000, .sack_ok = 1};
    inject_tcp(f, &syn);
    f->snd++;
    out o;
    assert_true(next_out(f, &o));
    f->rcv = o.seq + 1;
    peer_ack(f);
    assert_non_null(f->a.pcb);
    uint32_t start = f->rcv;
    write_all(f, 8000, 0);
    for (unsigned i = 0; i < 8; i++)
        assert_true(next_out(f, &o));
    advance(f, 20);
    /* Segments 1 and 4 are lost. */
    f->rcv = start + 1000u;
    peer_ack(f);
    peer_sack(f, start + 2000u, start + 3000u, 0, 0);
    peer_sack(f, start + 2000u, start + 4000u, 0, 0);
    peer_sack(f, start + 5000u, start + 6000u, start + 2000u, start + 4000u); /* third duplicate */
    assert_true(next_out(f, &o));
    assert_int_equal(o.seq, start + 1000u);
    assert_int_equal(stat(f->s, "tcp.fast_retransmit"), 1);
    peer_sack(f, start + 5000u, start + 7000u, start + 2000u, start + 4000u);
    assert_true(next_out(f, &o));
    assert_int_equal(o.seq, start + 4000u); /* the second hole, at once */
    assert_int_equal(o.len, 1000);
    assert_int_equal(stat(f->s, "tcp.retransmit"), 1); /* no timeout involved */
    f->rcv = start + 8000u;
    peer_ack(f);
    assert_int_equal(f->a.sent, 8000);
    assert_int_equal(tern_tcp_get_unacked(f->a.pcb), 0);
}
#endif

#if TERN_CFG_TCP_SYNCOOKIES
/* A full backlog answers with a SYN cookie; the returning ACK (carrying data)
 * rebuilds the connection; a forged ACK does not. */
static void test_syn_cookie_when_backlog_full(void **state) {
    fx *f = *state;
    f->l = tern_tcp_listen(f->s, NULL, LPORT, 1, app_accept, &f->a);
    pseg half = {.seq = 7000, .sport = PPORT + 1, .flags = TERN_TCP_SYN, .wnd = 65535, .mss = MSS};
    inject_tcp(f, &half); /* fills the backlog of 1, never completed */
    out o;
    assert_true(next_out(f, &o));
    assert_int_equal(conns(f), 1);
    pseg syn = {.seq = PISS, .flags = TERN_TCP_SYN, .wnd = 65535, .mss = 1400};
    inject_tcp(f, &syn);
    assert_true(next_out(f, &o));
    assert_int_equal(o.flags, TERN_TCP_SYN | TERN_TCP_ACK);
    assert_int_equal(o.ack, PISS + 1);
    assert_int_equal(o.mss, 1400);
    assert_int_equal(stat(f->s, "tcp.syncookie.tx"), 1);
    assert_int_equal(conns(f), 1); /* no state kept for it */
    /* A forged ACK (wrong cookie) from another port: reset, nothing created. */
    pseg forged = {.seq = 9001, .ack = o.seq + 77, .sport = PPORT + 2, .flags = TERN_TCP_ACK, .wnd = 65535};
    inject_tcp(f, &forged);
    assert_int_equal(stat(f->s, "tcp.syncookie.bad"), 1);
    assert_int_equal(conns(f), 1);
    out r;
    assert_true(next_out(f, &r));
    assert_true(r.flags & TERN_TCP_RST);
    /* The real ACK, with the first data, completes the connection. */
    const uint8_t hello[5] = {'h', 'e', 'l', 'l', 'o'};
    pseg ack = {.seq = PISS + 1,
                .ack = o.seq + 1,
                .flags = TERN_TCP_ACK | TERN_TCP_PSH,
                .wnd = 65535,
                .data = hello,
                .len = sizeof hello};
    inject_tcp(f, &ack);
    assert_int_equal(stat(f->s, "tcp.syncookie.ok"), 1);
    assert_int_equal(f->a.accepted, 1);
    assert_non_null(f->a.pcb);
    assert_int_equal(f->a.pcb->state, TERN_TCP_ESTABLISHED);
    assert_int_equal(f->a.pcb->mss, 1400);
    assert_int_equal(f->a.rx_len, sizeof hello);
    assert_memory_equal(f->a.rx, hello, sizeof hello);
    advance(f, 1000);
    assert_true(next_out(f, &r)); /* the data is acknowledged */
    assert_int_equal(r.ack, PISS + 1 + sizeof hello);
}
#endif

int main(void) {
    const struct CMUnitTest tests[] = {
#if TERN_CFG_TCP_SACK
        cmocka_unit_test_setup_teardown(test_sack_blocks_report_held_data, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sack_recovery_two_holes, setup, teardown),
#endif
#if TERN_CFG_TCP_SYNCOOKIES
        cmocka_unit_test_setup_teardown(test_syn_cookie_when_backlog_full, setup, teardown),
#endif
        cmocka_unit_test_setup_teardown(test_fast_retransmit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rto_backoff_and_timeout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_zero_window_probe, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delayed_ack, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delayed_ack_timestamps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nagle_on_off, setup, teardown),
        cmocka_unit_test_setup_teardown(test_out_of_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_paws_drops_old_duplicate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rst_checks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_syn_in_established_challenged, setup, teardown),
        cmocka_unit_test_setup_teardown(test_time_wait, setup, teardown),
        cmocka_unit_test_setup_teardown(test_time_wait_reuse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_time_wait_reuse_timestamps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_half_close, setup, teardown),
        cmocka_unit_test_setup_teardown(test_data_after_close_resets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tso_offload, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_bufsize, setup, teardown),
        cmocka_unit_test_setup_teardown(test_icmp_frag_needed_lowers_mss, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
