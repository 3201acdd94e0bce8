/* IGMP messages (RFC 1112, RFC 2236, RFC 3376). */
#ifndef TERN_WIRE_IGMP_H
#define TERN_WIRE_IGMP_H

#include <stddef.h>
#include <stdint.h>

#include "wire/wire.h"

#define TERN_IGMP_QUERY 0x11u
#define TERN_IGMP_V1_REPORT 0x12u
#define TERN_IGMP_V2_REPORT 0x16u
#define TERN_IGMP_V2_LEAVE 0x17u
#define TERN_IGMP_V3_REPORT 0x22u

/* IGMPv3 group record types */
#define TERN_IGMP_MODE_IS_EXCLUDE 2u
#define TERN_IGMP_CHANGE_TO_INCLUDE 3u
#define TERN_IGMP_CHANGE_TO_EXCLUDE 4u

#define TERN_WIRE_IGMP_V2_LEN 8
#define TERN_WIRE_IGMP_V3_QUERY_MIN 12
#define TERN_WIRE_IGMP_V3_REPORT_LEN 16 /* header + one record without sources */

typedef struct tern_igmp_repr {
    uint8_t type;
    uint8_t version; /* of a query: 1, 2 or 3 */
    uint32_t max_resp_ms;
    uint32_t group; /* host order */
} tern_igmp_repr;

enum tern_igmp_parse_result { TERN_IGMP_PARSE_OK, TERN_IGMP_PARSE_SHORT, TERN_IGMP_PARSE_FORMAT };

/* Parse an IGMP message of len bytes (checksum already verified). */
static inline enum tern_igmp_parse_result tern_igmp_parse(const uint8_t *b, size_t len, tern_igmp_repr *r) {
    if (len < TERN_WIRE_IGMP_V2_LEN)
        return TERN_IGMP_PARSE_SHORT;
    r->type = b[0];
    r->group = tern_rd32(b + 4);
    r->version = 0;
    r->max_resp_ms = 0;
    if (r->type != TERN_IGMP_QUERY)
        return TERN_IGMP_PARSE_OK;
    unsigned code = b[1], tenths;
    if (len == TERN_WIRE_IGMP_V2_LEN) { /* v1 (code 0: 10 s) or v2 */
        r->version = code ? 2 : 1;
        tenths = code ? code : 100u;
    } else {
        if (len < TERN_WIRE_IGMP_V3_QUERY_MIN || TERN_WIRE_IGMP_V3_QUERY_MIN + 4u * tern_rd16(b + 10) > len)
            return TERN_IGMP_PARSE_FORMAT;
        /* RFC 3376 4.1.1: codes from 128 are a floating-point value. */
        tenths = code < 128 ? code : ((code & 0x0Fu) | 0x10u) << (((code >> 4) & 0x07u) + 3u);
        r->version = 3;
    }
    r->max_resp_ms = tenths * 100u;
    return TERN_IGMP_PARSE_OK;
}

#endif
