/* ARP packet for Ethernet/IPv4 (RFC 826): 28 bytes. */
#ifndef TERN_WIRE_ARP_H
#define TERN_WIRE_ARP_H

#include <stddef.h>
#include <stdint.h>

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
/* Write r into TERN_WIRE_ARP_LEN bytes at b. */
void tern_arp_emit(uint8_t *b, const tern_arp_repr *r);

#endif
