/*
 * Byte-wise, endian-safe access to packet fields. No struct overlays and no
 * unaligned loads: every multi-byte field is assembled from bytes, which the
 * compiler turns into the best load the target allows.
 *
 * Contract of the wire layer (src/wire/): a `*_parse` function takes a byte
 * pointer and the number of bytes available, checks every length before it
 * reads, and fills a host-order `repr` struct; an `*_emit` function writes a
 * repr into a buffer the caller has sized with the matching `*_HLEN`. Protocol
 * logic works on reprs, never on raw offsets.
 */
#ifndef TERN_WIRE_H
#define TERN_WIRE_H

#include <stdint.h>

static inline uint16_t tern_rd16(const uint8_t *p) {
    return (uint16_t)(((unsigned)p[0] << 8) | p[1]);
}
static inline uint32_t tern_rd32(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static inline void tern_wr16(uint8_t *p, uint16_t v) {
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}
static inline void tern_wr32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

#endif
