/* IPv6 frame builders and finders for the unit tests (header-only). */
#ifndef TERN_IPV6UTIL_H
#define TERN_IPV6UTIL_H

#include <string.h>

#include "testutil.h"

/* fe80::ff:fe00:1 (the peer, MAC test_mac_peer) and fe80::ff:fe00:2 (the stack). */
static const uint8_t ll_peer[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xfe, 0, 0, 1};
static const uint8_t ll_us[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xfe, 0, 0, 2};
static const uint8_t unspec6[16] = {0};
static const uint8_t all_nodes6[16] = {0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

static inline void solicited6(const uint8_t a[16], uint8_t out[16]) {
    static const uint8_t base[13] = {0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff};
    memcpy(out, base, 13);
    memcpy(out + 13, a + 13, 3);
}

static inline uint16_t csum6(const uint8_t *src, const uint8_t *dst, uint8_t nh, const uint8_t *data,
                             size_t len) {
    uint8_t ph[40];
    memcpy(ph, src, 16);
    memcpy(ph + 16, dst, 16);
    ph[32] = (uint8_t)(len >> 24);
    ph[33] = (uint8_t)(len >> 16);
    ph[34] = (uint8_t)(len >> 8);
    ph[35] = (uint8_t)len;
    ph[36] = ph[37] = ph[38] = 0;
    ph[39] = nh;
    uint32_t sum = 0;
    for (size_t i = 0; i < 40; i += 2)
        sum += (uint32_t)((ph[i] << 8) | ph[i + 1]);
    return inet_checksum(data, len, sum);
}

/* Ethernet + IPv6 header + body (extension headers then the upper layer).
 * When upper_off >= 0 the ICMPv6 (or UDP: nh 17) checksum at body+upper_off
 * is computed over the rest of the body. Returns the frame length. */
static inline size_t build6(uint8_t *buf, const uint8_t src[16], const uint8_t dst[16], uint8_t first_nh,
                            uint8_t hlim, const uint8_t *body, size_t blen, int upper_off, uint8_t upper_nh) {
    uint8_t dmac[6];
    if (dst[0] == 0xff) {
        dmac[0] = dmac[1] = 0x33;
        memcpy(dmac + 2, dst + 12, 4);
    } else {
        memcpy(dmac, test_mac_stack, 6);
    }
    size_t n = build_eth(buf, dmac, test_mac_peer, 0x86DD);
    uint8_t *ip = buf + n;
    memset(ip, 0, 40);
    ip[0] = 0x60;
    ip[4] = (uint8_t)(blen >> 8);
    ip[5] = (uint8_t)blen;
    ip[6] = first_nh;
    ip[7] = hlim;
    memcpy(ip + 8, src, 16);
    memcpy(ip + 24, dst, 16);
    memcpy(ip + 40, body, blen);
    if (upper_off >= 0) {
        uint8_t *u = ip + 40 + upper_off;
        size_t ulen = blen - (size_t)upper_off;
        int co = upper_nh == 17 ? 6 : 2;
        u[co] = u[co + 1] = 0;
        uint16_t c = csum6(src, dst, upper_nh, u, ulen);
        u[co] = (uint8_t)(c >> 8);
        u[co + 1] = (uint8_t)c;
    }
    return n + 40 + blen;
}

/* ICMPv6 message (type, code, 4 bytes, data) straight after the header. */
static inline size_t build_icmp6(uint8_t *buf, const uint8_t src[16], const uint8_t dst[16], uint8_t hlim,
                                 uint8_t type, uint8_t code, uint32_t rest, const uint8_t *data,
                                 size_t dlen) {
    uint8_t body[1600];
    body[0] = type;
    body[1] = code;
    body[2] = body[3] = 0;
    body[4] = (uint8_t)(rest >> 24);
    body[5] = (uint8_t)(rest >> 16);
    body[6] = (uint8_t)(rest >> 8);
    body[7] = (uint8_t)rest;
    if (dlen)
        memcpy(body + 8, data, dlen);
    return build6(buf, src, dst, 58, hlim, body, 8 + dlen, 0, 58);
}

/* Index of the first sent IPv6 frame from `from` carrying ICMPv6 type (directly
 * after the fixed header, or after one hop-by-hop header); -1 if none. */
static inline int find_icmp6(const cap_netif *c, unsigned from, uint8_t type) {
    for (unsigned i = from; i < c->count; i++) {
        const cap_frame *f = &c->frames[i];
        if (f->len < 62 || f->data[12] != 0x86 || f->data[13] != 0xDD)
            continue;
        unsigned off = 54;
        if (f->data[20] == 0 && f->len >= 70) { /* hop-by-hop */
            if (f->data[54] != 58)
                continue;
            off = 54 + (f->data[55] + 1u) * 8u;
        } else if (f->data[20] != 58) {
            continue;
        }
        if (off < f->len && f->data[off] == type)
            return (int)i;
    }
    return -1;
}

static inline int count_icmp6(const cap_netif *c, unsigned from, uint8_t type) {
    int n = 0;
    for (int i = find_icmp6(c, from, type); i >= 0; i = find_icmp6(c, (unsigned)i + 1, type))
        n++;
    return n;
}

/* A 24-byte NS/NA body (flags in byte 4 for NA) plus an optional LLA option. */
static inline size_t nd_body(uint8_t *b, uint8_t type, uint8_t flags, const uint8_t target[16],
                             uint8_t opt_type, const uint8_t mac[6]) {
    memset(b, 0, 32);
    b[0] = type;
    b[4] = flags;
    memcpy(b + 8, target, 16);
    if (!opt_type)
        return 24;
    b[24] = opt_type;
    b[25] = 1;
    memcpy(b + 26, mac, 6);
    return 32;
}

#endif
