/* IPv4 header (RFC 791): 20 bytes plus up to 40 bytes of options. */
#ifndef TERN_WIRE_IPV4_H
#define TERN_WIRE_IPV4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TERN_WIRE_IPV4_HLEN 20
#define TERN_WIRE_IPV4_MAX_HLEN 60

typedef struct tern_ipv4_repr {
    uint32_t src, dst;  /* host order */
    uint16_t total_len; /* header + payload */
    uint16_t id;
    uint16_t frag_off; /* in bytes */
    uint8_t hlen;      /* header bytes, options included */
    uint8_t tos, ttl, proto;
    uint8_t df, mf;
} tern_ipv4_repr;

enum tern_ipv4_parse_result {
    TERN_IPV4_PARSE_OK,
    TERN_IPV4_PARSE_SHORT,    /* fewer than 20 bytes */
    TERN_IPV4_PARSE_VERSION,  /* version is not 4 */
    TERN_IPV4_PARSE_HLEN,     /* IHL < 5, or header longer than the packet */
    TERN_IPV4_PARSE_LEN,      /* total length < header or > the packet */
    TERN_IPV4_PARSE_CHECKSUM, /* header checksum wrong */
    TERN_IPV4_PARSE_OPTIONS,  /* malformed option */
};

/* Parse the header at b, with `avail` contiguous bytes readable at b and
 * pkt_len bytes in the whole packet. Checks the checksum when verify. */
enum tern_ipv4_parse_result tern_ipv4_parse(const uint8_t *b, size_t avail, uint16_t pkt_len, bool verify,
                                            tern_ipv4_repr *r);

/* Write the header at b: the 20 fixed bytes, the length field saying
 * r->hlen; options (r->hlen > 20) must already be in bytes 20..hlen-1.
 * The checksum covers all r->hlen bytes; when csum is false the field is
 * left zero (hardware offload). */
void tern_ipv4_emit(uint8_t *b, const tern_ipv4_repr *r, bool csum);

/* The Router Alert option (RFC 2113): copied, class 0, option 20, length 4, value 0. */
#define TERN_WIRE_IPV4_OPT_ROUTER_ALERT 0x94040000u

#endif
