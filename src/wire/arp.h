/* ARP packet for Ethernet/IPv4 (RFC 826): 28 bytes. */
#ifndef TERN_WIRE_ARP_H
#define TERN_WIRE_ARP_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "wire/wire.h"

#define TERN_WIRE_ARP_LEN 28
#define TERN_ARP_OP_REQUEST 1
#define TERN_ARP_OP_REPLY 2

typedef struct tern_arp_repr {
    uint16_t op;
    uint8_t sha[6], tha[6];
    uint32_t spa, tpa; /* host order */
} tern_arp_repr;

enum tern_arp_parse_result {
    TERN_ARP_PARSE_OK,
    TERN_ARP_PARSE_SHORT,
    TERN_ARP_PARSE_FORMAT,
    TERN_ARP_PARSE_OP
};

/* Parse n bytes at b: Ethernet hardware, IPv4 protocol, request or reply. */
enum tern_arp_parse_result tern_arp_parse(const uint8_t *b, size_t n, tern_arp_repr *r);
/* Write an Ethernet/IPv4 packet into TERN_WIRE_ARP_LEN bytes at b (one
 * caller: inline, the fields straight from its arguments). */
static inline void tern_arp_emit(uint8_t *b, uint16_t op, const uint8_t sha[6], uint32_t spa,
                                 const uint8_t tha[6], uint32_t tpa) {
    tern_wr32(b, 0x00010800u); /* hardware 1 (Ethernet), protocol IPv4 */
    tern_wr16(b + 4, 0x0604u); /* address lengths 6 and 4 */
    tern_wr16(b + 6, op);
    memcpy(b + 8, sha, 6);
    tern_wr32(b + 14, spa);
    memcpy(b + 18, tha, 6);
    tern_wr32(b + 24, tpa);
}

#endif
