/* IPv6 header, fragment header, ND options and address helpers. */
#include "wire/ipv6.h"

#include <string.h>

#include "tern/config.h"

#if TERN_CFG_IPV6

#include "wire/wire.h"

const uint8_t tern_ipv6_all_nodes[16] = {0xFF, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
const uint8_t tern_ipv6_all_routers[16] = {0xFF, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
const uint8_t tern_ipv6_mldv2_routers[16] = {0xFF, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x16};

enum tern_ipv6_parse_result tern_ipv6_parse(const uint8_t *b, size_t avail, uint16_t pkt_len,
                                            tern_ipv6_repr *r) {
    if (avail < TERN_WIRE_IPV6_HLEN || pkt_len < TERN_WIRE_IPV6_HLEN)
        return TERN_IPV6_PARSE_SHORT;
    if ((b[0] >> 4) != 6)
        return TERN_IPV6_PARSE_VERSION;
    uint16_t plen = tern_rd16(b + 4);
    if ((uint32_t)plen + TERN_WIRE_IPV6_HLEN > pkt_len)
        return TERN_IPV6_PARSE_LEN; /* a jumbogram (0 with a jumbo option) is refused the same way */
    r->tclass = (uint8_t)((b[0] << 4) | (b[1] >> 4));
    r->flow = tern_rd32(b) & 0xFFFFFu;
    r->payload_len = plen;
    r->next_header = b[6];
    r->hop_limit = b[7];
    memcpy(r->src, b + 8, 16);
    memcpy(r->dst, b + 24, 16);
    return TERN_IPV6_PARSE_OK;
}

void tern_ipv6_emit(uint8_t *b, const tern_ipv6_repr *r) {
    tern_wr32(b, 0x60000000u | ((uint32_t)r->tclass << 20) | (r->flow & 0xFFFFFu));
    tern_wr16(b + 4, r->payload_len);
    b[6] = r->next_header;
    b[7] = r->hop_limit;
    memcpy(b + 8, r->src, 16);
    memcpy(b + 24, r->dst, 16);
}

void tern_ipv6_frag_parse(const uint8_t *b, tern_ipv6_frag_repr *r) {
    uint16_t v = tern_rd16(b + 2);
    r->next_header = b[0];
    r->offset = (uint16_t)(v & 0xFFF8u);
    r->more = (uint8_t)(v & 1u);
    r->id = tern_rd32(b + 4);
}

void tern_ipv6_frag_emit(uint8_t *b, const tern_ipv6_frag_repr *r) {
    b[0] = r->next_header;
    b[1] = 0;
    tern_wr16(b + 2, (uint16_t)((r->offset & 0xFFF8u) | (r->more ? 1u : 0u)));
    tern_wr32(b + 4, r->id);
}

static void read_prefix(const uint8_t *o, tern_nd_opts *r) {
    if (r->nprefix >= TERN_ND_MAX_PREFIXES) {
        r->prefix_dropped++;
        return;
    }
    tern_nd_prefix_repr *p = &r->prefix[r->nprefix++];
    p->len = o[2];
    p->onlink = (o[3] & 0x80u) != 0;
    p->autonomous = (o[3] & 0x40u) != 0;
    p->valid = tern_rd32(o + 4);
    p->preferred = tern_rd32(o + 8);
    memcpy(p->prefix, o + 16, 16);
}

bool tern_nd_opts_parse(const uint8_t *b, size_t n, tern_nd_opts *o) {
    memset(o, 0, sizeof *o);
    size_t i = 0;
    while (i < n) {
        if (n - i < 2)
            return false;
        size_t olen = (size_t)b[i + 1] * 8u;
        if (olen == 0 || olen > n - i)
            return false;
        const uint8_t *opt = b + i;
        switch (opt[0]) {
        case TERN_ND_OPT_SLLA:
        case TERN_ND_OPT_TLLA:
            if (olen != 8)
                return false; /* Ethernet: exactly one unit (RFC 2464 8) */
            memcpy(opt[0] == TERN_ND_OPT_SLLA ? o->slla : o->tlla, opt + 2, 6);
            if (opt[0] == TERN_ND_OPT_SLLA)
                o->has_slla = 1;
            else
                o->has_tlla = 1;
            break;
        case TERN_ND_OPT_PREFIX:
            if (olen != 32)
                return false;
            read_prefix(opt, o);
            break;
        case TERN_ND_OPT_MTU:
            if (olen != 8)
                return false;
            o->mtu = tern_rd32(opt + 4);
            break;
        case TERN_ND_OPT_RDNSS:
            if (olen < 24 || (olen - 8) % 16)
                return false; /* RFC 8106 5.1: length 3 + 2k */
            o->rdnss_lifetime = tern_rd32(opt + 4);
            for (size_t k = 8; k < olen && o->nrdnss < TERN_ND_MAX_RDNSS; k += 16)
                memcpy(o->rdnss[o->nrdnss++], opt + k, 16);
            break;
        case TERN_ND_OPT_DNSSL:
            if (olen < 16)
                return false;
            if (!o->dnssl) {
                o->dnssl = opt + 8;
                o->dnssl_len = (uint16_t)(olen - 8);
                o->dnssl_lifetime = tern_rd32(opt + 4);
            }
            break;
        default: /* unknown options are skipped (RFC 4861 4.6) */
            break;
        }
        i += olen;
    }
    return true;
}

void tern_nd_opt_lla_emit(uint8_t *b, uint8_t type, const uint8_t mac[6]) {
    b[0] = type;
    b[1] = 1;
    memcpy(b + 2, mac, 6);
}

bool tern_ipv6_is_unspecified(const uint8_t a[16]) {
    uint8_t acc = 0;
    for (int i = 0; i < 16; i++)
        acc |= a[i];
    return acc == 0;
}

bool tern_ipv6_is_loopback(const uint8_t a[16]) {
    uint8_t acc = 0;
    for (int i = 0; i < 15; i++)
        acc |= a[i];
    return acc == 0 && a[15] == 1;
}

uint8_t tern_ipv6_scope(const uint8_t a[16]) {
    if (tern_ipv6_is_multicast(a))
        return a[1] & 0x0Fu;
    if (tern_ipv6_is_linklocal(a) || tern_ipv6_is_loopback(a))
        return 2;
    return 14;
}

void tern_ipv6_solicited_node(const uint8_t a[16], uint8_t out[16]) {
    static const uint8_t base[13] = {0xFF, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xFF};
    memcpy(out, base, 13);
    memcpy(out + 13, a + 13, 3);
}

void tern_ipv6_mcast_mac(const uint8_t group[16], uint8_t mac[6]) {
    mac[0] = 0x33;
    mac[1] = 0x33;
    memcpy(mac + 2, group + 12, 4);
}

uint8_t tern_ipv6_common_prefix(const uint8_t a[16], const uint8_t b[16]) {
    uint8_t n = 0;
    for (int i = 0; i < 16; i++) {
        uint8_t x = (uint8_t)(a[i] ^ b[i]);
        if (!x) {
            n = (uint8_t)(n + 8);
            continue;
        }
        while (!(x & 0x80u)) {
            x = (uint8_t)(x << 1);
            n++;
        }
        break;
    }
    return n;
}

bool tern_ipv6_prefix_match(const uint8_t a[16], const uint8_t prefix[16], uint8_t len) {
    return len <= 128 && tern_ipv6_common_prefix(a, prefix) >= len;
}

#endif
