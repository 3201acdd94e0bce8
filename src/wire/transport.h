/* ICMP (RFC 792) and UDP (RFC 768) headers: 8 bytes each. */
#ifndef TERN_WIRE_TRANSPORT_H
#define TERN_WIRE_TRANSPORT_H

#include <stdint.h>

#include "wire/wire.h"

#define TERN_WIRE_ICMP_HLEN 8
#define TERN_WIRE_UDP_HLEN 8

typedef struct tern_icmp_repr {
    uint8_t type, code;
    uint16_t id, seq; /* echo; for errors: the 4 "rest of header" bytes */
} tern_icmp_repr;

static inline void tern_icmp_read(const uint8_t *b, tern_icmp_repr *r) {
    r->type = b[0];
    r->code = b[1];
    r->id = tern_rd16(b + 4);
    r->seq = tern_rd16(b + 6);
}

/* Checksum field left zero; the caller sums the whole message. */
static inline void tern_icmp_write(uint8_t *b, const tern_icmp_repr *r) {
    b[0] = r->type;
    b[1] = r->code;
    tern_wr16(b + 2, 0);
    tern_wr16(b + 4, r->id);
    tern_wr16(b + 6, r->seq);
}

typedef struct tern_udp_repr {
    uint16_t sport, dport, len, csum;
} tern_udp_repr;

static inline void tern_udp_read(const uint8_t *b, tern_udp_repr *r) {
    r->sport = tern_rd16(b);
    r->dport = tern_rd16(b + 2);
    r->len = tern_rd16(b + 4);
    r->csum = tern_rd16(b + 6);
}

static inline void tern_udp_write(uint8_t *b, uint16_t sport, uint16_t dport, uint16_t len) {
    tern_wr16(b, sport);
    tern_wr16(b + 2, dport);
    tern_wr16(b + 4, len);
    tern_wr16(b + 6, 0);
}

#endif
