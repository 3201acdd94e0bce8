/* Ethernet II header: dst(6) src(6) type(2). */
#ifndef TERN_WIRE_ETH_H
#define TERN_WIRE_ETH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "wire/wire.h"

#define TERN_WIRE_ETH_HLEN 14

/* The addresses point into the header parsed (not copied): valid while it is. */
typedef struct tern_eth_repr {
    const uint8_t *dst, *src;
    uint16_t type;
} tern_eth_repr;

static inline bool tern_eth_parse(const uint8_t *b, size_t n, tern_eth_repr *r) {
    if (n < TERN_WIRE_ETH_HLEN)
        return false;
    r->dst = b;
    r->src = b + 6;
    r->type = tern_rd16(b + 12);
    return true;
}

static inline void tern_eth_emit(uint8_t *b, const uint8_t dst[6], const uint8_t src[6], uint16_t type) {
    memcpy(b, dst, 6);
    memcpy(b + 6, src, 6);
    tern_wr16(b + 12, type);
}

static inline bool tern_mac_is_group(const uint8_t mac[6]) {
    return (mac[0] & 1u) != 0;
}
static inline bool tern_mac_is_zero(const uint8_t mac[6]) {
    uint32_t hi;
    uint16_t lo;
    memcpy(&hi, mac, 4); /* byte order is irrelevant to a test for zero: two plain loads */
    memcpy(&lo, mac + 4, 2);
    return (hi | lo) == 0;
}

/* The Ethernet group address of an IPv4 multicast group (RFC 1112). */
static inline void tern_eth_ipv4_multicast(uint32_t group, uint8_t mac[6]) {
    mac[0] = 0x01;
    mac[1] = 0x00;
    mac[2] = 0x5E;
    mac[3] = (uint8_t)((group >> 16) & 0x7Fu);
    mac[4] = (uint8_t)(group >> 8);
    mac[5] = (uint8_t)group;
}

#endif
