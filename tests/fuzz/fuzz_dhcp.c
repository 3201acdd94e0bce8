/*
 * libFuzzer target: DHCP replies into a stack whose client is acquiring.
 *
 * One stack, one Ethernet interface without an address (MAC
 * 02:00:00:00:00:02) running tern_dhcp (host name, AutoIP fallback after
 * 10 s). The input is a sequence of records, each a DHCP message (the UDP
 * payload) that the harness wraps in Ethernet/IPv4/UDP from 192.0.2.1:67 to
 * 255.255.255.255:68 (UDP checksum 0, so every message reaches the parser):
 *
 *   u16 header (big-endian) | message bytes
 *     bits  0..10  message length (cut short if the input ends first)
 *     bits 11..13  how far the virtual clock moves afterwards (clock_steps)
 *     bit  14      patch the message's xid and chaddr to the client's
 *                  current ones (if it is long enough), so replies get past
 *                  the transaction check and drive the state machine;
 *                  with length 0: an ARP reply claiming the client's
 *                  offered/bound address instead (conflict, DECLINE)
 *     bit  15      deliver the frame as a chain of two segments
 *
 * Then every timer runs out (renew, rebind, expiry), the client is stopped,
 * the stack torn down, and every buffer must be back in its pool.
 * tests/fuzz/make_dhcp_corpus.py writes seeds in this format.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tern/tern.h"

#define FUZZ_LEN_MASK 0x07FFu
#define FUZZ_PATCH 0x4000u
#define FUZZ_SPLIT 0x8000u
#define HDRS (14u + 20u + 8u)

static const uint32_t clock_steps[8] = {0, 10, 500, 2000, 10000, 60000, 600000, 4000000};
static const uint8_t our_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
static const uint8_t server_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};

static tern_stack fuzz_stack;
static tern_netif fuzz_netif;
static tern_dhcp fuzz_dhcp;
static uint8_t frame[HDRS + FUZZ_LEN_MASK];

static tern_err discard_output(tern_netif *nif, tern_pbuf *p) {
    (void)nif;
    (void)p;
    return TERN_OK;
}

static const tern_netif_ops discard_ops = {.link_output = discard_output};

#if TERN_CFG_ASSERT
static void fuzz_assert(void *ctx, const char *file, int line, const char *expr) {
    (void)ctx;
    fprintf(stderr, "tern assertion failed: %s:%d: %s\n", file, line, expr);
    abort();
}
#endif

static void fuzz_setup(tern_stack *s, tern_netif *nif, uint32_t now) {
    tern_stack_init(s, now, 0x64686370u);
#if TERN_CFG_ASSERT
    tern_stack_set_assert(s, fuzz_assert, NULL);
#endif
    tern_netif_init(nif, "fz0", TERN_LINK_ETHERNET, &discard_ops, NULL);
    memcpy(nif->hwaddr, our_mac, 6);
    if (tern_netif_add(s, nif) != TERN_OK)
        abort();
    tern_netif_set_up(nif, true);
    tern_netif_set_link(nif, true);
    tern_dhcp_config cfg = {.hostname = "fuzz", .autoip_after_s = 10};
    if (tern_dhcp_start(nif, &fuzz_dhcp, &cfg, NULL, NULL) != TERN_OK)
        abort();
}

static void fuzz_poll(tern_stack *s, uint32_t now) {
    for (int i = 0; i < 64; i++)
        if (tern_stack_poll(s, now) != 0)
            return;
}

static void put16(uint8_t *p, uint16_t v) {
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v) {
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}

static uint16_t ip_checksum(const uint8_t *h) {
    uint32_t sum = 0;
    for (unsigned i = 0; i < 20; i += 2)
        sum += (uint32_t)(h[i] << 8 | h[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xFFFFu) + (sum >> 16);
    return (uint16_t)~sum;
}

/* Ethernet + IPv4 + UDP (checksum 0) around msg; returns the frame length. */
static size_t wrap(const uint8_t *msg, uint16_t len) {
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    uint8_t *ip = frame + 14, *udp = ip + 20;
    memcpy(frame, bcast, 6);
    memcpy(frame + 6, server_mac, 6);
    put16(frame + 12, 0x0800);
    memset(ip, 0, 20);
    ip[0] = 0x45;
    put16(ip + 2, (uint16_t)(28u + len));
    ip[8] = 64;
    ip[9] = 17;
    put32(ip + 12, 0xC0000201u); /* 192.0.2.1 */
    put32(ip + 16, 0xFFFFFFFFu);
    put16(ip + 10, ip_checksum(ip));
    put16(udp, 67);
    put16(udp + 2, 68);
    put16(udp + 4, (uint16_t)(8u + len));
    put16(udp + 6, 0);
    memcpy(udp + 8, msg, len);
    return HDRS + len;
}

/* An ARP reply from another host for the client's address. */
static size_t arp_claim(uint32_t ip) {
    uint8_t *a = frame + 14;
    memcpy(frame, our_mac, 6);
    memcpy(frame + 6, server_mac, 6);
    put16(frame + 12, 0x0806);
    put16(a, 1);
    put16(a + 2, 0x0800);
    a[4] = 6;
    a[5] = 4;
    put16(a + 6, 2);
    memcpy(a + 8, server_mac, 6);
    put32(a + 14, ip);
    memcpy(a + 18, our_mac, 6);
    put32(a + 24, ip);
    return 42;
}

static tern_pbuf *to_pbuf(tern_stack *s, size_t n, int split) {
    uint16_t len = (uint16_t)n, first = split ? (uint16_t)(len / 2) : len;
    tern_pbuf *p = tern_pbuf_alloc(s, 0, first);
    if (p == NULL)
        return NULL;
    tern_pbuf_copy_in(p, 0, frame, first);
    if (first < len) {
        tern_pbuf *tail = tern_pbuf_alloc(s, 0, (uint16_t)(len - first));
        if (tail == NULL) {
            tern_pbuf_free(s, p);
            return NULL;
        }
        tern_pbuf_copy_in(tail, 0, frame + first, (uint16_t)(len - first));
        tern_pbuf_cat(p, tail);
    }
    return p;
}

static size_t make_frame(const uint8_t *msg, uint16_t len, uint16_t hdr) {
    if (len == 0)
        return (hdr & FUZZ_PATCH) && fuzz_dhcp.lease.ip ? arp_claim(fuzz_dhcp.lease.ip) : 0;
    size_t n = wrap(msg, len);
    if ((hdr & FUZZ_PATCH) && len >= 34) {
        put32(frame + HDRS + 4, fuzz_dhcp.xid);
        memcpy(frame + HDRS + 28, our_mac, 6);
    }
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    tern_stack *s = &fuzz_stack;
    uint32_t now = 1000;
    fuzz_setup(s, &fuzz_netif, now);
    while (size >= 2) {
        uint16_t hdr = (uint16_t)((data[0] << 8) | data[1]);
        data += 2;
        size -= 2;
        uint16_t len = hdr & FUZZ_LEN_MASK;
        if (len > size)
            len = (uint16_t)size;
        size_t n = make_frame(data, len, hdr);
        tern_pbuf *p = n ? to_pbuf(s, n, (hdr & FUZZ_SPLIT) != 0) : NULL;
        if (p != NULL)
            tern_netif_input(&fuzz_netif, p);
        data += len;
        size -= len;
        now += clock_steps[(hdr >> 11) & 7u];
        fuzz_poll(s, now);
    }
    for (int i = 0; i < 8; i++) /* renew, rebind, expiry, rediscover */
        fuzz_poll(s, now += 1000000u);
    tern_dhcp_stop(&fuzz_dhcp);
    tern_stack_deinit(s);
    if (tern_stack_buffers_in_use(s) != 0) {
        fprintf(stderr, "fuzz_dhcp: %u packet buffers leaked\n", tern_stack_buffers_in_use(s));
        abort();
    }
    return 0;
}
