/* TCP header and options: see tcp.h. */
#include "wire/tcp.h"

#include <string.h>

#include "tern/config.h"
#include "wire/wire.h"

enum { OPT_END = 0, OPT_NOP = 1, OPT_MSS = 2, OPT_WS = 3, OPT_SACK_OK = 4, OPT_SACK = 5, OPT_TS = 8 };

/* One option of kind p[0] and length n at p (n already checked to fit).
 * Options this build does not use are skipped like unknown ones. SACK
 * (RFC 2018) is not implemented yet: its options are skipped too. */
static bool read_option(const uint8_t *p, uint8_t n, tern_tcp_repr *r) {
    if (p[0] == OPT_MSS) {
        if (n != 4)
            return false;
        r->mss = tern_rd16(p + 2);
    } else if (TERN_CFG_TCP_WSCALE && p[0] == OPT_WS) {
        if (n != 3)
            return false;
        r->wscale = p[2] > 14 ? 14 : p[2]; /* RFC 7323 2.3: larger values mean 14 */
#if TERN_CFG_TCP_SACK
    } else if (p[0] == OPT_SACK_OK) {
        if (n != 2)
            return false;
        r->sack_ok = 1;
    } else if (p[0] == OPT_SACK) {
        if (n < 10 || (n - 2) % 8)
            return false;
        for (unsigned i = 0; i < (n - 2u) / 8u && r->nsack < TERN_TCP_MAX_SACK; i++, r->nsack++) {
            r->sack[r->nsack][0] = tern_rd32(p + 2 + 8 * i);
            r->sack[r->nsack][1] = tern_rd32(p + 6 + 8 * i);
        }
#endif
    } else if (TERN_CFG_TCP_TIMESTAMPS && p[0] == OPT_TS) {
        if (n != 10)
            return false;
        r->has_ts = 1;
        r->tsval = tern_rd32(p + 2);
        r->tsecr = tern_rd32(p + 6);
    }
    return true;
}

static bool read_options(const uint8_t *opt, size_t len, tern_tcp_repr *r) {
    size_t i = 0;
    while (i < len) {
        if (opt[i] == OPT_END)
            return true;
        if (opt[i] == OPT_NOP) {
            i++;
            continue;
        }
        if (i + 1 >= len || opt[i + 1] < 2 || i + opt[i + 1] > len)
            return false;
        if (!read_option(opt + i, opt[i + 1], r))
            return false;
        i += opt[i + 1];
    }
    return true;
}

enum tern_tcp_parse_result tern_tcp_parse(const uint8_t *b, size_t avail, uint16_t seg_len,
                                          tern_tcp_repr *r) {
    if (avail < TERN_WIRE_TCP_HLEN || seg_len < TERN_WIRE_TCP_HLEN)
        return TERN_TCP_PARSE_SHORT;
    uint8_t hlen = (uint8_t)((b[12] >> 4) * 4u);
    if (hlen < TERN_WIRE_TCP_HLEN || hlen > seg_len || hlen > avail)
        return TERN_TCP_PARSE_HLEN;
    memset(r, 0, sizeof *r);
    r->sport = tern_rd16(b);
    r->dport = tern_rd16(b + 2);
    r->seq = tern_rd32(b + 4);
    r->ack = tern_rd32(b + 8);
    r->hlen = hlen;
    r->flags = (uint8_t)(b[13] & 0x3Fu);
    r->wnd = tern_rd16(b + 14);
    r->urp = tern_rd16(b + 18);
    r->wscale = TERN_TCP_NO_WSCALE;
    if (!read_options(b + TERN_WIRE_TCP_HLEN, hlen - TERN_WIRE_TCP_HLEN, r))
        return TERN_TCP_PARSE_OPTIONS;
    return TERN_TCP_PARSE_OK;
}

/* Write the 32-bit word v at p, most significant byte first; returns p + 4. */
static uint8_t *put_be(uint8_t *p, uint32_t v) {
    tern_wr32(p, v);
    return p + 4;
}

uint8_t tern_tcp_emit(uint8_t *b, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint32_t flags,
                      uint32_t wnd, const tern_tcp_opts *o) {
    uint8_t olen = tern_tcp_opts_len(o);
    uint8_t hlen = (uint8_t)(TERN_WIRE_TCP_HLEN + olen);
    uint8_t *p = put_be(b, (uint32_t)sport << 16 | dport);
    p = put_be(p, seq);
    p = put_be(p, ack);
    p = put_be(p, (uint32_t)(hlen / 4u) << 28 | (uint32_t)flags << 16 | wnd);
    p = put_be(p, 0); /* checksum (filled in later), urgent pointer */
    if (o->mss)
        p = put_be(p, (uint32_t)OPT_MSS << 24 | 4u << 16 | o->mss);
#if TERN_CFG_TCP_WSCALE
    if (o->wscale != TERN_TCP_NO_WSCALE)
        p = put_be(p, (uint32_t)OPT_NOP << 24 | (uint32_t)OPT_WS << 16 | 3u << 8 | o->wscale);
#endif
#if TERN_CFG_TCP_TIMESTAMPS
    if (o->has_ts) {
        p = put_be(p, (uint32_t)OPT_NOP << 24 | (uint32_t)OPT_NOP << 16 | (uint32_t)OPT_TS << 8 | 10u);
        p = put_be(p, o->tsval);
        p = put_be(p, o->tsecr);
    }
#endif
#if TERN_CFG_TCP_SACK
    if (o->sack_ok)
        p = put_be(p, (uint32_t)OPT_NOP << 24 | (uint32_t)OPT_NOP << 16 | (uint32_t)OPT_SACK_OK << 8 | 2u);
    if (o->nsack) {
        p = put_be(p, (uint32_t)OPT_NOP << 24 | (uint32_t)OPT_NOP << 16 | (uint32_t)OPT_SACK << 8 |
                          (2u + 8u * o->nsack));
        for (unsigned i = 0; i < o->nsack; i++) {
            p = put_be(p, o->sack[i][0]);
            p = put_be(p, o->sack[i][1]);
        }
    }
#endif
    (void)p;
    return hlen;
}
