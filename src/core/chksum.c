/* Internet checksum: see chksum.h. */
#include "core/chksum.h"

#include <string.h>

#if UINTPTR_MAX > 0xFFFFFFFFu && !defined(TERN_CSUM_WORD32)
static uint32_t fold(uint64_t sum) {
    while (sum >> 16)
        sum = (sum & 0xFFFFu) + (sum >> 16);
    return (uint32_t)sum;
}
#endif

/* A 32-bit sum folded to 16 bits: two rounds always suffice (the first
 * leaves at most 0x1FFFE, the second at most 0xFFFF). */
static uint32_t fold32(uint32_t sum) {
    sum = (sum & 0xFFFFu) + (sum >> 16);
    return (sum & 0xFFFFu) + (sum >> 16);
}

static uint16_t swap16(uint32_t v) {
    return (uint16_t)(((v & 0xFFu) << 8) | ((v >> 8) & 0xFFu));
}

#if UINTPTR_MAX > 0xFFFFFFFFu && !defined(TERN_CSUM_WORD32)
/* 64-bit hosts: 16 bytes a round into a 64-bit sum (no carries to chase). */
uint32_t tern_csum_partial(const void *data, size_t len, uint32_t acc) {
    const uint8_t *p = data;
    uint64_t sum = acc;
    /* 32-bit native words through memcpy: no unaligned access, no aliasing. */
    while (len >= 16) {
        uint32_t w[4];
        memcpy(w, p, 16);
        sum += (uint64_t)w[0] + w[1] + w[2] + w[3];
        p += 16;
        len -= 16;
    }
    while (len >= 4) {
        uint32_t w;
        memcpy(&w, p, 4);
        sum += w;
        p += 4;
        len -= 4;
    }
    if (len >= 2) {
        uint16_t h;
        memcpy(&h, p, 2);
        sum += h;
        p += 2;
        len -= 2;
    }
    if (len) {
        /* The last odd byte is the high-order byte of a big-endian word:
         * in native order that is its first byte in memory. */
        uint8_t last[2] = {p[0], 0};
        uint16_t h;
        memcpy(&h, last, 2);
        sum += h;
    }
    return fold(sum);
}
#else
/* 32-bit targets: native words with the carry added back at once (ADDS,
 * ADC on a Cortex-M), the last 0..3 bytes as a zero-padded word. Small and
 * as fast as the loop can go without assembly. */
uint32_t tern_csum_partial(const void *data, size_t len, uint32_t acc) {
    const uint8_t *p = data;
    uint32_t sum = acc, w;
    for (;; p += 4, len -= 4) {
        uint8_t tail[4] = {0, 0, 0, 0};
        if (len < 4)
            memcpy(tail, p, len);
        memcpy(&w, len < 4 ? tail : p, 4);
        sum += w;
        sum += sum < w; /* end-around carry */
        if (len <= 4)
            break;
    }
    return fold32(sum);
}
#endif

uint32_t tern_csum_pbuf(const tern_pbuf *p, uint16_t offset, uint16_t len, uint32_t acc) {
    /* A segment of odd length shifts the rest of the packet by one byte:
     * the running sum is byte-swapped then (and back at the end), which
     * ones' complement addition allows (RFC 1071 "byte order independence"). */
    uint32_t sum = acc;
    unsigned off = offset, left = len, swapped = 0;
    for (; p && left; p = p->next) {
        if (off >= p->len) {
            off -= p->len;
            continue;
        }
        unsigned n = p->len - off;
        if (n > left)
            n = left;
        sum = tern_csum_partial(p->payload + off, n, sum);
        if (n & 1) {
            sum = swap16(sum);
            swapped ^= 1;
        }
        left -= n;
        off = 0;
    }
    if (swapped)
        sum = swap16(sum);
    return fold32(sum);
}

#if TERN_CFG_IPV6
uint32_t tern_csum_pseudo6(const uint8_t src[16], const uint8_t dst[16], uint8_t proto, uint32_t len) {
    uint8_t tail[8] = {
        (uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8), (uint8_t)len, 0, 0, 0, proto};
    uint32_t acc = tern_csum_partial(src, 16, 0);
    acc = tern_csum_partial(dst, 16, acc);
    return tern_csum_partial(tail, 8, acc);
}
#endif

uint32_t tern_csum_pseudo4(uint32_t src, uint32_t dst, uint8_t proto, uint16_t len) {
    uint8_t ph[12] = {(uint8_t)(src >> 24),
                      (uint8_t)(src >> 16),
                      (uint8_t)(src >> 8),
                      (uint8_t)src,
                      (uint8_t)(dst >> 24),
                      (uint8_t)(dst >> 16),
                      (uint8_t)(dst >> 8),
                      (uint8_t)dst,
                      0,
                      proto,
                      (uint8_t)(len >> 8),
                      (uint8_t)len};
    return tern_csum_partial(ph, sizeof ph, 0);
}

uint16_t tern_csum_finish(uint32_t acc) {
    return (uint16_t)~fold32(acc);
}
