/*
 * Internet checksum (RFC 1071). Partial sums are accumulated over native
 * 16-bit words, which is byte-order independent as long as the final value
 * is stored back with tern_csum_store(); chains whose segments split a word
 * are handled by swapping the odd partial sum.
 */
#ifndef TERN_CHKSUM_H
#define TERN_CHKSUM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tern/pbuf.h"

/* Add len bytes at data to the running sum acc. */
uint32_t tern_csum_partial(const void *data, size_t len, uint32_t acc);
/* Add len bytes of the packet from offset to acc. */
uint32_t tern_csum_pbuf(const tern_pbuf *p, uint16_t offset, uint16_t len, uint32_t acc);
/* IPv4 pseudo header (addresses host order). */
uint32_t tern_csum_pseudo4(uint32_t src, uint32_t dst, uint8_t proto, uint16_t len);
#if TERN_CFG_IPV6
/* IPv6 pseudo header (RFC 8200 8.1): addresses in network order, upper-layer length. */
uint32_t tern_csum_pseudo6(const uint8_t src[16], const uint8_t dst[16], uint8_t proto, uint32_t len);
#endif
/* Fold and complement: the checksum, ready for tern_csum_store(). */
uint16_t tern_csum_finish(uint32_t acc);
/* True when a sum over data that includes its checksum field verifies. */
static inline int tern_csum_ok(uint32_t acc) {
    return tern_csum_finish(acc) == 0;
}
/* Write a checksum produced by tern_csum_finish at p. */
static inline void tern_csum_store(uint8_t *p, uint16_t csum) {
    memcpy(p, &csum, 2); /* its bytes as they are in memory */
}

#endif
