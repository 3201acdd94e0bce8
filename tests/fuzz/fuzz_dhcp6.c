/*
 * libFuzzer target: DHCPv6 Replies, to the wire parser and into a stack
 * whose stateless DHCPv6 client is asking for information.
 *
 * One stack, one Ethernet interface (MAC 02:00:00:00:00:02) with IPv6 on
 * (its link-local address fe80::ff:fe00:2 has passed DAD before the first
 * record) running tern_dhcp6, which has sent its first Information-Request.
 * The input is a sequence of records, each a DHCPv6 message (the UDP
 * payload):
 *
 *   u16 header (big-endian) | message bytes
 *     bits  0..10  message length (cut short if the input ends first)
 *     bits 11..13  how far the virtual clock moves afterwards (clock_steps)
 *     bit  14      patch the message's transaction id to the client's
 *                  current one (if it is long enough), so replies get past
 *                  the transaction check and drive the client
 *     bit  15      deliver the frame as a chain of two segments
 *
 * Each message goes first to tern_dhcp6_parse_reply (src/wire/dhcp6.h),
 * whose result must be consistent, then, wrapped in Ethernet/IPv6/UDP with
 * a correct checksum from fe80::1 port 547 to the client's port 546, into
 * the stack. Then the clock runs through retransmissions and refreshes, the
 * client is stopped (its servers must be gone), the stack torn down, and
 * every buffer must be back in its pool.
 * tests/fuzz/make_dhcp6_corpus.py writes seeds in this format.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tern/tern.h"
#include "wire/dhcp6.h"

#define FUZZ_LEN_MASK 0x07FFu
#define FUZZ_PATCH 0x4000u
#define FUZZ_SPLIT 0x8000u
#define HDRS (14u + 40u + 8u)

static const uint32_t clock_steps[8] = {0, 10, 500, 2000, 10000, 60000, 600000, 4000000};
static const uint8_t our_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
static const uint8_t server_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
static const uint8_t our_ll[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xfe, 0, 0, 2};
static const uint8_t server_ll[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

static tern_stack fuzz_stack;
static tern_netif fuzz_netif;
static tern_dhcp6 fuzz_client;
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

static void fuzz_poll(tern_stack *s, uint32_t now) {
    for (int i = 0; i < 64; i++)
        if (tern_stack_poll(s, now) != 0)
            return;
}

static uint32_t fuzz_setup(tern_stack *s, tern_netif *nif, uint32_t now) {
    tern_stack_init(s, now, 0x64686336u);
#if TERN_CFG_ASSERT
    tern_stack_set_assert(s, fuzz_assert, NULL);
#endif
    tern_netif_init(nif, "fz0", TERN_LINK_ETHERNET, &discard_ops, NULL);
    memcpy(nif->hwaddr, our_mac, 6);
    if (tern_netif_add(s, nif) != TERN_OK)
        abort();
    tern_netif_set_up(nif, true);
    tern_netif_set_link(nif, true);
    if (tern_ipv6_enable(nif, false) != TERN_OK ||
        tern_dhcp6_start(nif, &fuzz_client, TERN_DHCP6_NOW, NULL, NULL) != TERN_OK)
        abort();
    for (int i = 0; i < 100 && fuzz_client.state != TERN_DHCP6_REQUESTING; i++)
        fuzz_poll(s, now += 100);
    if (fuzz_client.state != TERN_DHCP6_REQUESTING)
        abort();
    return now;
}

static void put16(uint8_t *p, uint16_t v) {
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

/* UDP over IPv6 checksum of the datagram at udp (len bytes). */
static uint16_t udp6_checksum(const uint8_t *src, const uint8_t *dst, const uint8_t *udp, size_t len) {
    uint32_t sum = 17u + (uint32_t)len;
    for (unsigned i = 0; i < 16; i += 2)
        sum += (uint32_t)(src[i] << 8 | src[i + 1]) + (uint32_t)(dst[i] << 8 | dst[i + 1]);
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)(udp[i] << 8 | udp[i + 1]);
    if (len & 1u)
        sum += (uint32_t)udp[len - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xFFFFu) + (sum >> 16);
    uint16_t c = (uint16_t)~sum;
    return c ? c : 0xFFFFu;
}

/* Ethernet + IPv6 + UDP around msg; returns the frame length. */
static size_t wrap(const uint8_t *msg, uint16_t len) {
    uint8_t *ip = frame + 14, *udp = ip + 40;
    memcpy(frame, our_mac, 6);
    memcpy(frame + 6, server_mac, 6);
    put16(frame + 12, 0x86DD);
    memset(ip, 0, 40);
    ip[0] = 0x60;
    put16(ip + 4, (uint16_t)(8u + len));
    ip[6] = 17;
    ip[7] = 64;
    memcpy(ip + 8, server_ll, 16);
    memcpy(ip + 24, our_ll, 16);
    put16(udp, TERN_DHCP6_SERVER_PORT);
    put16(udp + 2, TERN_DHCP6_CLIENT_PORT);
    put16(udp + 4, (uint16_t)(8u + len));
    put16(udp + 6, 0);
    memcpy(udp + 8, msg, len);
    put16(udp + 6, udp6_checksum(server_ll, our_ll, udp, 8u + len));
    return HDRS + len;
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

/* The wire parser on its own: whatever it says must be consistent. */
static void check_parser(const uint8_t *msg, uint16_t len) {
    tern_dhcp6_reply r;
    enum tern_dhcp6_parse_result res = tern_dhcp6_parse_reply(msg, len, fuzz_client.xid, our_mac, &r);
    if (r.ndns > TERN_DHCP6_WIRE_DNS || res > TERN_DHCP6_PARSE_STATUS ||
        (res == TERN_DHCP6_PARSE_OK && (r.status != 0 || len < 4 || msg[0] != TERN_DHCP6_REPLY)))
        abort();
}

static unsigned servers_of(const tern_stack *s) {
    unsigned n = 0;
    for (unsigned i = 0; i < TERN_CFG_IPV6_RDNSS; i++)
        n += s->ipv6.dns[i].ifindex != 0;
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static uint8_t msg[FUZZ_LEN_MASK];
    tern_stack *s = &fuzz_stack;
    uint32_t now = fuzz_setup(s, &fuzz_netif, 1000);
    while (size >= 2) {
        uint16_t hdr = (uint16_t)((data[0] << 8) | data[1]);
        data += 2;
        size -= 2;
        uint16_t len = hdr & FUZZ_LEN_MASK;
        if (len > size)
            len = (uint16_t)size;
        memcpy(msg, data, len);
        if ((hdr & FUZZ_PATCH) && len >= 4) {
            msg[1] = (uint8_t)(fuzz_client.xid >> 16);
            msg[2] = (uint8_t)(fuzz_client.xid >> 8);
            msg[3] = (uint8_t)fuzz_client.xid;
        }
        check_parser(msg, len);
        tern_pbuf *p = to_pbuf(s, wrap(msg, len), (hdr & FUZZ_SPLIT) != 0);
        if (p != NULL)
            tern_netif_input(&fuzz_netif, p);
        if (fuzz_client.ndns > TERN_CFG_DHCP6_DNS_SERVERS)
            abort();
        data += len;
        size -= len;
        now += clock_steps[(hdr >> 11) & 7u];
        fuzz_poll(s, now);
    }
    for (int i = 0; i < 8; i++) /* retransmissions, refreshes, server lifetimes */
        fuzz_poll(s, now += 1000000u);
    tern_dhcp6_stop(&fuzz_client);
    if (servers_of(s) != 0) {
        fprintf(stderr, "fuzz_dhcp6: DNS servers left after stop\n");
        abort();
    }
    tern_stack_deinit(s);
    if (tern_stack_buffers_in_use(s) != 0) {
        fprintf(stderr, "fuzz_dhcp6: %u packet buffers leaked\n", tern_stack_buffers_in_use(s));
        abort();
    }
    return 0;
}
