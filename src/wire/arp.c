/* ARP packet format. */
#include "wire/arp.h"

#include <string.h>

#include "tern/config.h"
#include "wire/wire.h"

#if TERN_CFG_IPV4

enum tern_arp_parse_result tern_arp_parse(const uint8_t *b, size_t n, tern_arp_repr *r) {
    if (n < TERN_WIRE_ARP_LEN)
        return TERN_ARP_PARSE_SHORT;
    if (tern_rd16(b) != 1 || tern_rd16(b + 2) != 0x0800u || b[4] != 6 || b[5] != 4)
        return TERN_ARP_PARSE_FORMAT;
    r->op = tern_rd16(b + 6);
    if (r->op != TERN_ARP_OP_REQUEST && r->op != TERN_ARP_OP_REPLY)
        return TERN_ARP_PARSE_OP;
    memcpy(r->sha, b + 8, 6);
    r->spa = tern_rd32(b + 14);
    memcpy(r->tha, b + 18, 6);
    r->tpa = tern_rd32(b + 24);
    return TERN_ARP_PARSE_OK;
}

#endif /* TERN_CFG_IPV4 */
