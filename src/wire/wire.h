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
#include <string.h>

static inline uint16_t tern_rd16(const uint8_t *p) {
    return (uint16_t)(((unsigned)p[0] << 8) | p[1]);
}
static inline uint32_t tern_rd32(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
/* Stores assemble the bytes in order, then copy them: the compiler makes
 * one (byte-swapping) store of that where the target allows unaligned
 * access, and byte stores where it does not (-mno-unaligned-access). */
#if defined(__GNUC__)
#define TERN_WIRE_INLINE static inline __attribute__((always_inline))
#define TERN_WIRE_COPY __builtin_memcpy /* expanded even in a -ffreestanding build */
#else
#define TERN_WIRE_INLINE static inline
#define TERN_WIRE_COPY memcpy
#endif

TERN_WIRE_INLINE void tern_wr16(uint8_t *p, uint16_t v) {
    uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    TERN_WIRE_COPY(p, b, 2);
}
TERN_WIRE_INLINE void tern_wr32(uint8_t *p, uint32_t v) {
    uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    TERN_WIRE_COPY(p, b, 4);
}

#endif
