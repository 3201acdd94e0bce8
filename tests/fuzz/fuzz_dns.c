/*
 * libFuzzer target: DNS messages, twice over.
 *
 * 1. The wire parser (src/wire/dns.h) over the input's message: the header,
 *    then every question (qdcount) and every record (ancount + nscount +
 *    arcount) until one fails. Every name read must be NUL-terminated, at
 *    most 253 characters, with labels of at most 63; offsets only move
 *    forward and stay inside the message; a record's data lies inside it;
 *    and a name read back through tern_dns_write_query is the same name.
 *
 * 2. The DNS client's answer path: a stack (02:00:00:00:00:02, 192.0.2.2/24)
 *    with server 192.0.2.1 (static ARP entry) looks up "device.test" and
 *    "printer.local" (mDNS). The mock interface captures both queries (their
 *    source ports and IDs); the message is then delivered as the UDP answer
 *    to one of them. Every lookup's callback must run exactly once (answer,
 *    NXDOMAIN or timeout: the clock is run 640 s on) with sane results,
 *    and no packet buffer may be left after tern_stack_deinit.
 *
 * Input: one control byte, then the DNS message.
 *   bit 0  keep the message's ID (otherwise it is replaced by the query's)
 *   bit 1  answer the mDNS query (from port 5353) instead of the unicast one
 *   bit 2  send from a wrong source port (5300)
 *   bit 3  deliver the frame as a chain of two segments
 *   bit 4  deliver it twice
 *   bits 5-6  clock advance before delivery (index into advance_ms)
 *   bit 7  afterwards look the unicast name up again (cache or new query)
 * tests/fuzz/make_dns_corpus.py writes seeds in this format.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tern/tern.h"
#include "wire/dns.h"

#define CTL_KEEP_ID 0x01u
#define CTL_MDNS 0x02u
#define CTL_WRONG_PORT 0x04u
#define CTL_SPLIT 0x08u
#define CTL_TWICE 0x10u
#define CTL_ADVANCE(c) (((c) >> 5) & 3u)
#define CTL_AGAIN 0x80u

#define MSG_MAX 1400u /* fits one Ethernet frame */
#define NAME_UNICAST "device.test"
#define NAME_MDNS "printer.local"

static const uint32_t advance_ms[4] = {0, 500, 1500, 2500};
static const uint8_t our_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
static const uint8_t peer_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};

/* What the mock interface saw of one query. */
typedef struct query_seen {
    int seen;
    uint16_t port, id;
} query_seen;

/* One lookup's callbacks. */
typedef struct lookup {
    const char *name;
    int calls;
} lookup;

static tern_stack fuzz_stack;
static tern_netif fuzz_netif;
static query_seen seen_unicast, seen_mdns;

static void fail(const char *what) {
    fprintf(stderr, "fuzz_dns: %s\n", what);
    abort();
}

/* ---- 1. The wire parser ---------------------------------------------------- */

static void check_name(const char *name, size_t size) {
    const char *nul = memchr(name, '\0', size);
    if (!nul)
        fail("name not NUL-terminated");
    size_t n = (size_t)(nul - name);
    if (n > 253)
        fail("name longer than 253 characters");
    size_t label = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || name[i] == '.') {
            if (label > 63)
                fail("label longer than 63 bytes");
            label = 0;
        } else {
            label++;
        }
    }
    if (n == 0)
        return;
    /* A name that was read can be written and read back unchanged. */
    uint8_t buf[TERN_DNS_HLEN + 256 + 4];
    char back[TERN_DNS_MAX_TEXT];
    uint16_t off = TERN_DNS_HLEN, type, cls;
    size_t len = tern_dns_write_query(buf, sizeof buf, 0x1234, 0, name, TERN_DNS_TYPE_A);
    if (len == 0)
        fail("a name that was read cannot be written");
    if (!tern_dns_read_question(buf, len, &off, back, sizeof back, &type, &cls) || off != len)
        fail("a written name cannot be read back");
    if (!tern_dns_name_equal(back, name) || strcmp(back, name) != 0 || type != TERN_DNS_TYPE_A)
        fail("a name changed in a write/read round trip");
}

static void fuzz_wire(const uint8_t *msg, size_t len) {
    tern_dns_header h;
    if (!tern_dns_read_header(msg, len, &h))
        return;
    uint16_t off = TERN_DNS_HLEN;
    for (unsigned i = 0; i < h.qdcount; i++) {
        char name[TERN_DNS_MAX_TEXT];
        uint16_t type, cls, before = off;
        memset(name, 'X', sizeof name);
        if (!tern_dns_read_question(msg, len, &off, name, sizeof name, &type, &cls))
            return;
        if (off <= before || off > len)
            fail("question offset out of bounds");
        check_name(name, sizeof name);
    }
    unsigned records = (unsigned)h.ancount + h.nscount + h.arcount;
    for (unsigned i = 0; i < records; i++) {
        tern_dns_rr rr;
        uint16_t before = off;
        memset(rr.name, 'X', sizeof rr.name);
        if (!tern_dns_read_rr(msg, len, &off, &rr))
            return;
        if (off <= before || off > len || (size_t)rr.rdata + rr.rdlen > len || rr.rdata + rr.rdlen != off)
            fail("record offsets out of bounds");
        check_name(rr.name, sizeof rr.name);
        if (rr.type == TERN_DNS_TYPE_CNAME) {
            char target[TERN_DNS_MAX_TEXT];
            uint16_t t = rr.rdata;
            memset(target, 'X', sizeof target);
            if (tern_dns_read_name(msg, (size_t)rr.rdata + rr.rdlen, &t, target, sizeof target))
                check_name(target, sizeof target);
        }
    }
}

/* ---- 2. The client ------------------------------------------------------------ */

static uint16_t rd16(const uint8_t *p) {
    return (uint16_t)((p[0] << 8) | p[1]);
}

static void wr16(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

/* Remember the DNS queries the stack sends (link_output borrows the frame). */
static tern_err capture_output(tern_netif *nif, tern_pbuf *p) {
    uint8_t f[14 + 60 + 8 + 2];
    (void)nif;
    uint16_t n = tern_pbuf_copy_out(p, 0, f, sizeof f);
    if (n < 14 + 20 + 8 + 2 || rd16(f + 12) != 0x0800 || f[14 + 9] != 17)
        return TERN_OK;
    size_t udp = 14u + (size_t)(f[14] & 0x0Fu) * 4u;
    if (udp + 10 > n)
        return TERN_OK;
    uint16_t dport = rd16(f + udp + 2);
    query_seen *q = dport == 53 ? &seen_unicast : dport == 5353 ? &seen_mdns : NULL;
    if (q) {
        q->seen = 1;
        q->port = rd16(f + udp);
        q->id = rd16(f + udp + 8);
    }
    return TERN_OK;
}

static const tern_netif_ops capture_ops = {
    .link_output = capture_output,
};

#if TERN_CFG_ASSERT
static void fuzz_assert(void *ctx, const char *file, int line, const char *expr) {
    (void)ctx;
    fprintf(stderr, "tern assertion failed: %s:%d: %s\n", file, line, expr);
    abort();
}
#endif

static void on_result(void *ctx, const char *name, tern_err err, const tern_addr *addrs, unsigned count) {
    lookup *l = ctx;
    l->calls++;
#ifdef FUZZ_DNS_VERBOSE /* print what each seed leads to */
    fprintf(stderr, "fuzz_dns: %s: %s, %u address(es)\n", l->name, tern_strerror(err), count);
#endif
    if (!name || !tern_dns_name_equal(name, l->name))
        fail("callback for another name");
    if (err == TERN_OK) {
        if (count < 1 || count > TERN_CFG_DNS_ADDRS || !addrs)
            fail("success with a bad address count");
        for (unsigned i = 0; i < count; i++)
            if (addrs[i].family != TERN_AF_INET)
                fail("an address that is not IPv4");
    } else if (count != 0) {
        fail("an error with addresses");
    }
}

static void fuzz_poll(tern_stack *s, uint32_t now) {
    for (int i = 0; i < 64; i++)
        if (tern_stack_poll(s, now) != 0)
            return;
}

static void setup(tern_stack *s, tern_netif *nif, uint32_t now) {
    tern_stack_init(s, now, 0x646e7321u);
#if TERN_CFG_ASSERT
    tern_stack_set_assert(s, fuzz_assert, NULL);
#endif
    tern_netif_init(nif, "fz0", TERN_LINK_ETHERNET, &capture_ops, NULL);
    memcpy(nif->hwaddr, our_mac, sizeof our_mac);
    if (tern_netif_add(s, nif) != TERN_OK)
        abort();
    tern_netif_set_up(nif, true);
    tern_netif_set_link(nif, true);
    tern_addr ip = TERN_ADDR4(192, 0, 2, 2), server = TERN_ADDR4(192, 0, 2, 1);
    if (tern_netif_set_ipv4(nif, &ip, 24, NULL) != TERN_OK ||
        tern_arp_add_static(nif, &server, peer_mac) != TERN_OK ||
        tern_dns_set_server(s, 0, &server) != TERN_OK)
        abort();
}

static uint16_t csum_add(uint32_t acc, const uint8_t *p, size_t n) {
    for (size_t i = 0; i + 1 < n; i += 2)
        acc += rd16(p + i);
    if (n & 1u)
        acc += (uint32_t)p[n - 1] << 8;
    while (acc >> 16)
        acc = (acc & 0xFFFFu) + (acc >> 16);
    return (uint16_t)acc;
}

/* Ethernet + IPv4 + UDP from 192.0.2.1:sport to 192.0.2.2:dport carrying msg. */
static size_t build_frame(uint8_t *f, uint16_t sport, uint16_t dport, const uint8_t *msg, size_t len) {
    static const uint8_t src_ip[4] = {192, 0, 2, 1}, dst_ip[4] = {192, 0, 2, 2};
    uint8_t *ip = f + 14, *udp = ip + 20;
    memcpy(f, our_mac, 6);
    memcpy(f + 6, peer_mac, 6);
    wr16(f + 12, 0x0800);
    memset(ip, 0, 20);
    ip[0] = 0x45;
    wr16(ip + 2, 20u + 8u + len);
    ip[8] = 64;
    ip[9] = 17;
    memcpy(ip + 12, src_ip, 4);
    memcpy(ip + 16, dst_ip, 4);
    wr16(ip + 10, (uint16_t)~csum_add(0, ip, 20));
    wr16(udp, sport);
    wr16(udp + 2, dport);
    wr16(udp + 4, 8u + len);
    wr16(udp + 6, 0);
    memcpy(udp + 8, msg, len);
    uint32_t pseudo =
        (uint32_t)rd16(src_ip) + rd16(src_ip + 2) + rd16(dst_ip) + rd16(dst_ip + 2) + 17u + 8u + len;
    uint16_t c = (uint16_t)~csum_add(pseudo, udp, 8u + len);
    wr16(udp + 6, c ? c : 0xFFFFu);
    return 14u + 20u + 8u + len;
}

static void deliver(tern_stack *s, tern_netif *nif, const uint8_t *f, size_t len, int split) {
    uint16_t first = split ? (uint16_t)(len / 2) : (uint16_t)len;
    tern_pbuf *p = tern_pbuf_alloc(s, 0, first);
    if (!p)
        return;
    tern_pbuf_copy_in(p, 0, f, first);
    if (first < len) {
        tern_pbuf *tail = tern_pbuf_alloc(s, 0, (uint16_t)(len - first));
        if (!tail) {
            tern_pbuf_free(s, p);
            return;
        }
        tern_pbuf_copy_in(tail, 0, f + first, (uint16_t)(len - first));
        tern_pbuf_cat(p, tail);
    }
    tern_netif_input(nif, p);
}

static void start_lookup(tern_stack *s, lookup *l) {
    tern_err err = tern_dns_lookup(s, l->name, TERN_AF_INET, on_result, l);
    if (err != TERN_ERR_INPROGRESS && err != TERN_OK)
        fail("lookup refused");
    if (err == TERN_OK && l->calls != 1)
        fail("TERN_OK without the callback");
}

static void fuzz_client(uint8_t ctl, const uint8_t *data, size_t size) {
    tern_stack *s = &fuzz_stack;
    tern_netif *nif = &fuzz_netif;
    uint32_t now = 1000;
    uint8_t msg[MSG_MAX], frame[14 + 20 + 8 + MSG_MAX];
    lookup uni = {NAME_UNICAST, 0}, mdns = {NAME_MDNS, 0}, again = {NAME_UNICAST, 0};
    size_t len = size < MSG_MAX ? size : MSG_MAX;

    memset(&seen_unicast, 0, sizeof seen_unicast);
    memset(&seen_mdns, 0, sizeof seen_mdns);
    setup(s, nif, now);
    fuzz_poll(s, now);
    start_lookup(s, &uni);
    start_lookup(s, &mdns);
    if (!seen_unicast.seen || !seen_mdns.seen)
        fail("a query was not sent");
    now += advance_ms[CTL_ADVANCE(ctl)];
    fuzz_poll(s, now);

    const query_seen *q = (ctl & CTL_MDNS) ? &seen_mdns : &seen_unicast;
    memcpy(msg, data, len);
    if (!(ctl & CTL_KEEP_ID) && len >= 2)
        wr16(msg, q->id);
    uint16_t sport = (ctl & CTL_WRONG_PORT) ? 5300u : (ctl & CTL_MDNS) ? 5353u : 53u;
    size_t flen = build_frame(frame, sport, q->port, msg, len);
    deliver(s, nif, frame, flen, (ctl & CTL_SPLIT) != 0);
    fuzz_poll(s, now);
    if (ctl & CTL_TWICE) {
        deliver(s, nif, frame, flen, 0);
        fuzz_poll(s, now);
    }
    if (ctl & CTL_AGAIN)
        start_lookup(s, &again);

    for (int i = 0; i < 64; i++) { /* every query has run out of tries by now */
        now += 10000u;
        fuzz_poll(s, now);
    }
    if (uni.calls != 1 || mdns.calls != 1 || again.calls != ((ctl & CTL_AGAIN) ? 1 : 0))
        fail("a lookup's callback did not run exactly once");
    tern_stack_deinit(s);
    if (tern_stack_buffers_in_use(s) != 0) {
        fprintf(stderr, "fuzz_dns: %u packet buffers leaked\n", tern_stack_buffers_in_use(s));
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1)
        return 0;
    fuzz_wire(data + 1, size - 1);
    fuzz_client(data[0], data + 1, size - 1);
    return 0;
}
