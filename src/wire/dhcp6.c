/* DHCPv6 message format (see dhcp6.h). */
#include "wire/dhcp6.h"

#include <string.h>

#include "tern/config.h"
#include "wire/wire.h"

#if TERN_CFG_DHCP6

static void write_duid_ll(uint8_t *p, const uint8_t mac[6]) {
    tern_wr16(p, 3u);     /* DUID-LL (RFC 8415 11.4) */
    tern_wr16(p + 2, 1u); /* hardware type: Ethernet */
    memcpy(p + 4, mac, 6);
}

static uint8_t *write_opt(uint8_t *p, uint16_t code, uint16_t len) {
    tern_wr16(p, code);
    tern_wr16(p + 2, len);
    return p + 4;
}

size_t tern_dhcp6_write_info_request(uint8_t *buf, size_t size, uint32_t xid, const uint8_t mac[6],
                                     uint16_t elapsed_cs) {
    static const uint16_t oro[] = {TERN_DHCP6_OPT_DNS_SERVERS, TERN_DHCP6_OPT_DOMAIN_LIST,
                                   TERN_DHCP6_OPT_INFO_REFRESH, TERN_DHCP6_OPT_INF_MAX_RT};
    if (size < TERN_DHCP6_INFO_REQ_LEN)
        return 0;
    uint8_t *p = buf;
    p[0] = TERN_DHCP6_INFORMATION_REQUEST;
    p[1] = (uint8_t)(xid >> 16);
    p[2] = (uint8_t)(xid >> 8);
    p[3] = (uint8_t)xid;
    p = write_opt(p + 4, TERN_DHCP6_OPT_CLIENTID, TERN_DHCP6_DUID_LL_LEN);
    write_duid_ll(p, mac);
    p = write_opt(p + TERN_DHCP6_DUID_LL_LEN, TERN_DHCP6_OPT_ELAPSED_TIME, 2u);
    tern_wr16(p, elapsed_cs);
    p = write_opt(p + 2, TERN_DHCP6_OPT_ORO, (uint16_t)(2u * (sizeof oro / sizeof oro[0])));
    for (size_t i = 0; i < sizeof oro / sizeof oro[0]; i++, p += 2)
        tern_wr16(p, oro[i]);
    return (size_t)(p - buf);
}

/* One option's data: d, len (inside the message). Returns false if its
 * length is wrong for its code. */
static bool read_option(tern_dhcp6_reply *r, uint16_t code, const uint8_t *d, uint16_t len,
                        const uint8_t mac[6], bool *client_ok, bool *server_seen) {
    switch (code) {
    case TERN_DHCP6_OPT_CLIENTID: {
        uint8_t duid[TERN_DHCP6_DUID_LL_LEN];
        write_duid_ll(duid, mac);
        *client_ok = len == TERN_DHCP6_DUID_LL_LEN && memcmp(d, duid, len) == 0;
        return true;
    }
    case TERN_DHCP6_OPT_SERVERID:
        *server_seen = true;
        return len >= 3u && len <= TERN_DHCP6_SERVERID_MAX; /* a DUID type and some bytes */
    case TERN_DHCP6_OPT_STATUS_CODE:
        if (len < 2u)
            return false;
        r->status = tern_rd16(d);
        return true;
    case TERN_DHCP6_OPT_DNS_SERVERS: /* one or more whole addresses (RFC 3646 3) */
        if (len == 0 || len % 16u)
            return false;
        for (uint16_t i = 0; i < len && r->ndns < TERN_DHCP6_WIRE_DNS; i += 16u)
            memcpy(r->dns[r->ndns++], d + i, 16);
        return true;
    case TERN_DHCP6_OPT_INFO_REFRESH:
        if (len != 4u)
            return false;
        r->has_refresh = 1;
        r->refresh_s = tern_rd32(d);
        return true;
    case TERN_DHCP6_OPT_INF_MAX_RT:
        if (len != 4u)
            return false;
        r->has_inf_max_rt = 1;
        r->inf_max_rt = tern_rd32(d);
        return true;
    default: /* domain list and anything else: not used, only bounds-checked */
        return true;
    }
}

enum tern_dhcp6_parse_result tern_dhcp6_parse_reply(const uint8_t *msg, size_t len, uint32_t xid,
                                                    const uint8_t mac[6], tern_dhcp6_reply *r) {
    bool client_ok = true, server_seen = false;
    memset(r, 0, sizeof *r);
    if (len < 4u)
        return TERN_DHCP6_PARSE_MALFORMED;
    if (msg[0] != TERN_DHCP6_REPLY)
        return TERN_DHCP6_PARSE_TYPE;
    uint32_t got = ((uint32_t)msg[1] << 16) | ((uint32_t)msg[2] << 8) | msg[3];
    if (got != (xid & 0xFFFFFFu))
        return TERN_DHCP6_PARSE_MISMATCH;
    for (size_t off = 4u; off < len;) {
        if (len - off < 4u)
            return TERN_DHCP6_PARSE_MALFORMED; /* a truncated option header */
        uint16_t code = tern_rd16(msg + off), olen = tern_rd16(msg + off + 2);
        off += 4u;
        if (olen > len - off)
            return TERN_DHCP6_PARSE_MALFORMED; /* the option runs past the end */
        if (!read_option(r, code, msg + off, olen, mac, &client_ok, &server_seen))
            return TERN_DHCP6_PARSE_MALFORMED;
        off += olen;
    }
    if (!server_seen) /* RFC 8415 16.10 */
        return TERN_DHCP6_PARSE_MALFORMED;
    if (!client_ok)
        return TERN_DHCP6_PARSE_MISMATCH;
    return r->status ? TERN_DHCP6_PARSE_STATUS : TERN_DHCP6_PARSE_OK;
}

#endif
