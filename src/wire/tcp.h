/*
 * TCP header (RFC 9293 3.1) and options: MSS (RFC 9293), and window scale
 * and timestamps (RFC 7323) when the build uses them; other options (SACK,
 * until it is implemented) are skipped by their length.
 * Parsing checks the data offset against the segment and every option's
 * length against the header; a malformed option list rejects the segment.
 */
#ifndef TERN_WIRE_TCP_H
#define TERN_WIRE_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tern/config.h"

#define TERN_WIRE_TCP_HLEN 20
#define TERN_WIRE_TCP_MAX_HLEN 60

#define TERN_TCP_FIN 0x01u
#define TERN_TCP_SYN 0x02u
#define TERN_TCP_RST 0x04u
#define TERN_TCP_PSH 0x08u
#define TERN_TCP_ACK 0x10u
#define TERN_TCP_URG 0x20u

#define TERN_TCP_NO_WSCALE 0xFFu

#define TERN_TCP_MAX_SACK 4

typedef struct tern_tcp_repr {
    uint32_t seq, ack;
    uint32_t tsval, tsecr;
#if TERN_CFG_TCP_SACK
    uint32_t sack[TERN_TCP_MAX_SACK][2]; /* blocks: left, right edge */
    uint8_t nsack;
    uint8_t sack_ok; /* SACK-permitted */
#endif
    uint16_t sport, dport;
    uint16_t wnd, urp;
    uint16_t mss; /* 0 = no MSS option */
    uint8_t flags;
    uint8_t hlen;   /* header bytes, options included */
    uint8_t wscale; /* TERN_TCP_NO_WSCALE = no option */
    uint8_t has_ts;
} tern_tcp_repr;

enum tern_tcp_parse_result {
    TERN_TCP_PARSE_OK,
    TERN_TCP_PARSE_SHORT,
    TERN_TCP_PARSE_HLEN,
    TERN_TCP_PARSE_OPTIONS
};

/* Parse the header at b (avail contiguous bytes, seg_len bytes in the segment). */
enum tern_tcp_parse_result tern_tcp_parse(const uint8_t *b, size_t avail, uint16_t seg_len, tern_tcp_repr *r);

/* Options to emit (only those the build uses: nothing to clear for the others). */
typedef struct tern_tcp_opts {
    uint16_t mss; /* 0 = none */
#if TERN_CFG_TCP_WSCALE
    uint8_t wscale; /* TERN_TCP_NO_WSCALE = none */
#endif
#if TERN_CFG_TCP_TIMESTAMPS
    uint8_t has_ts;
    uint32_t tsval, tsecr;
#endif
#if TERN_CFG_TCP_SACK
    uint8_t sack_ok, nsack;
    uint32_t sack[TERN_TCP_MAX_SACK][2];
#endif
} tern_tcp_opts;

/* Bytes the options take (a multiple of 4). Inline: a caller that sets
 * only some options gets a constant. */
static inline uint8_t tern_tcp_opts_len(const tern_tcp_opts *o) {
    unsigned n = 0;
    if (o->mss)
        n += 4;
#if TERN_CFG_TCP_WSCALE
    if (o->wscale != TERN_TCP_NO_WSCALE)
        n += 4; /* NOP + 3 */
#endif
#if TERN_CFG_TCP_TIMESTAMPS
    if (o->has_ts)
        n += 12; /* NOP NOP + 10 */
#endif
#if TERN_CFG_TCP_SACK
    if (o->sack_ok)
        n += 4; /* NOP NOP + 2 */
    if (o->nsack)
        n += 4u + 8u * o->nsack; /* NOP NOP + 2 + 8 per block */
#endif
    return (uint8_t)n;
}
/* Write a header with options o (not NULL) at b (checksum left zero):
 * flags (8 bits) and wnd (16 bits) are words only because they are passed
 * on the stack, where a word loads in one short instruction. Returns its length. */
uint8_t tern_tcp_emit(uint8_t *b, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint32_t flags,
                      uint32_t wnd, const tern_tcp_opts *o);

#endif
