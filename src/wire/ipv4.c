/* IPv4 header format and validation. */
#include "wire/ipv4.h"

#include "core/chksum.h"
#include "tern/config.h"
#include "wire/wire.h"

#if TERN_CFG_IPV4

/* Options: EOL ends the list, NOP is one byte, every other option carries a
 * length of at least 2 that must stay inside the header. */
static bool options_valid(const uint8_t *opt, size_t len) {
    size_t i = 0;
    while (i < len) {
        uint8_t type = opt[i];
        if (type == 0)
            return true;
        if (type == 1) {
            i++;
            continue;
        }
        if (i + 1 >= len)
            return false;
        uint8_t olen = opt[i + 1];
        if (olen < 2 || i + olen > len)
            return false;
        i += olen;
    }
    return true;
}

enum tern_ipv4_parse_result tern_ipv4_parse(const uint8_t *b, size_t avail, uint16_t pkt_len, bool verify,
                                            tern_ipv4_repr *r) {
    if (avail < TERN_WIRE_IPV4_HLEN || pkt_len < TERN_WIRE_IPV4_HLEN)
        return TERN_IPV4_PARSE_SHORT;
    if ((b[0] >> 4) != 4)
        return TERN_IPV4_PARSE_VERSION;
    uint8_t hlen = (uint8_t)((b[0] & 0x0Fu) * 4u);
    if (hlen < TERN_WIRE_IPV4_HLEN || hlen > avail || hlen > pkt_len)
        return TERN_IPV4_PARSE_HLEN;
    uint16_t total = tern_rd16(b + 2);
    if (total < hlen || total > pkt_len)
        return TERN_IPV4_PARSE_LEN;
    if (verify && !tern_csum_ok(tern_csum_partial(b, hlen, 0)))
        return TERN_IPV4_PARSE_CHECKSUM;
    if (hlen > TERN_WIRE_IPV4_HLEN && !options_valid(b + TERN_WIRE_IPV4_HLEN, hlen - TERN_WIRE_IPV4_HLEN))
        return TERN_IPV4_PARSE_OPTIONS;
    uint16_t frag = tern_rd16(b + 6);
    r->hlen = hlen;
    r->tos = b[1];
    r->total_len = total;
    r->id = tern_rd16(b + 4);
    r->df = (uint8_t)((frag >> 14) & 1u);
    r->mf = (uint8_t)((frag >> 13) & 1u);
    r->frag_off = (uint16_t)((frag & 0x1FFFu) * 8u);
    r->ttl = b[8];
    r->proto = b[9];
    r->src = tern_rd32(b + 12);
    r->dst = tern_rd32(b + 16);
    return TERN_IPV4_PARSE_OK;
}

void tern_ipv4_emit(uint8_t *b, const tern_ipv4_repr *r, bool csum) {
    b[0] = (uint8_t)(0x40u | (r->hlen / 4u));
    b[1] = r->tos;
    tern_wr16(b + 2, r->total_len);
    tern_wr16(b + 4, r->id);
    tern_wr16(b + 6,
              (uint16_t)((r->df ? 0x4000u : 0u) | (r->mf ? 0x2000u : 0u) | ((r->frag_off / 8u) & 0x1FFFu)));
    b[8] = r->ttl;
    b[9] = r->proto;
    b[10] = 0;
    b[11] = 0;
    tern_wr32(b + 12, r->src);
    tern_wr32(b + 16, r->dst);
    if (csum)
        tern_csum_store(b + 10, tern_csum_finish(tern_csum_partial(b, r->hlen, 0)));
}

#endif /* TERN_CFG_IPV4 */
