/*
 * IPv6 (RFC 8200) header, extension headers, and the ICMPv6 Neighbor
 * Discovery formats (RFC 4861, RFC 8106). Contract as in wire/wire.h: every
 * parse function checks lengths before reading and fills a host-order repr.
 */
#ifndef TERN_WIRE_IPV6_H
#define TERN_WIRE_IPV6_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TERN_WIRE_IPV6_HLEN 40
#define TERN_WIRE_IPV6_FRAG_HLEN 8
#define TERN_WIRE_ICMP6_HLEN 8

typedef struct tern_ipv6_repr {
    uint8_t src[16], dst[16];
    uint16_t payload_len;
    uint32_t flow;
    uint8_t tclass, next_header, hop_limit;
    uint16_t hlen; /* input: bytes from the fixed header to the upper layer (extension headers included) */
} tern_ipv6_repr;

enum tern_ipv6_parse_result {
    TERN_IPV6_PARSE_OK,
    TERN_IPV6_PARSE_SHORT,   /* fewer than 40 bytes */
    TERN_IPV6_PARSE_VERSION, /* version is not 6 */
    TERN_IPV6_PARSE_LEN,     /* payload length runs past the packet */
};

/* Parse the fixed header at b (avail >= 40 readable bytes); pkt_len is the
 * whole packet's length (link padding may follow the payload). */
enum tern_ipv6_parse_result tern_ipv6_parse(const uint8_t *b, size_t avail, uint16_t pkt_len,
                                            tern_ipv6_repr *r);
/* Write the 40-byte header at b. */
void tern_ipv6_emit(uint8_t *b, const tern_ipv6_repr *r);

/* Generic extension header (hop-by-hop, routing, destination options):
 * next header and total length in bytes ((b[1] + 1) * 8). n >= 2. */
static inline uint8_t tern_ipv6_ext_next(const uint8_t *b) {
    return b[0];
}
static inline uint16_t tern_ipv6_ext_len(const uint8_t *b) {
    return (uint16_t)((b[1] + 1u) * 8u);
}

typedef struct tern_ipv6_frag_repr {
    uint8_t next_header;
    uint8_t more;    /* M flag */
    uint16_t offset; /* bytes */
    uint32_t id;
} tern_ipv6_frag_repr;
/* The 8-byte fragment header at b. */
void tern_ipv6_frag_parse(const uint8_t *b, tern_ipv6_frag_repr *r);
void tern_ipv6_frag_emit(uint8_t *b, const tern_ipv6_frag_repr *r);

/* Option actions for an unrecognised option type (RFC 8200 4.2). */
enum tern_ipv6_opt_action {
    TERN_IPV6_OPT_SKIP,
    TERN_IPV6_OPT_DISCARD,
    TERN_IPV6_OPT_ICMP,
    TERN_IPV6_OPT_ICMP_UNICAST
};
static inline enum tern_ipv6_opt_action tern_ipv6_opt_action(uint8_t type) {
    return (enum tern_ipv6_opt_action)(type >> 6);
}

/* ---- Neighbor Discovery ---- */
#define TERN_ICMP6_DEST_UNREACH 1
#define TERN_ICMP6_PACKET_TOO_BIG 2
#define TERN_ICMP6_TIME_EXCEEDED 3
#define TERN_ICMP6_PARAM_PROBLEM 4
#define TERN_ICMP6_ECHO_REQUEST 128
#define TERN_ICMP6_ECHO_REPLY 129
#define TERN_ICMP6_MLD_QUERY 130
#define TERN_ICMP6_MLD1_REPORT 131
#define TERN_ICMP6_MLD1_DONE 132
#define TERN_ICMP6_RS 133
#define TERN_ICMP6_RA 134
#define TERN_ICMP6_NS 135
#define TERN_ICMP6_NA 136
#define TERN_ICMP6_REDIRECT 137
#define TERN_ICMP6_MLD2_REPORT 143

#define TERN_ND_OPT_SLLA 1
#define TERN_ND_OPT_TLLA 2
#define TERN_ND_OPT_PREFIX 3
#define TERN_ND_OPT_MTU 5
#define TERN_ND_OPT_RDNSS 25
#define TERN_ND_OPT_DNSSL 31

#define TERN_WIRE_NS_LEN 24 /* ICMPv6 header + target */
#define TERN_WIRE_RA_LEN 16
#define TERN_WIRE_RS_LEN 8

#define TERN_ND_MAX_PREFIXES 4
#define TERN_ND_MAX_RDNSS 3

typedef struct tern_nd_prefix_repr {
    uint8_t len;
    uint8_t onlink, autonomous;
    uint32_t valid, preferred; /* seconds */
    uint8_t prefix[16];
} tern_nd_prefix_repr;

/* The options of one ND message, validated. */
typedef struct tern_nd_opts {
    uint8_t has_slla, has_tlla;
    uint8_t slla[6], tlla[6];
    uint32_t mtu; /* 0: none */
    uint8_t nprefix;
    uint8_t prefix_dropped; /* prefix options past TERN_ND_MAX_PREFIXES */
    tern_nd_prefix_repr prefix[TERN_ND_MAX_PREFIXES];
    uint8_t nrdnss;
    uint32_t rdnss_lifetime;
    uint8_t rdnss[TERN_ND_MAX_RDNSS][16];
    const uint8_t *dnssl; /* the DNSSL option's domain bytes (in b), or NULL */
    uint16_t dnssl_len;
    uint32_t dnssl_lifetime;
} tern_nd_opts;

/* Walk the options at b (n bytes). False when any option has length 0 or
 * runs past n, or a known option has a wrong length (RFC 4861 4.6). */
bool tern_nd_opts_parse(const uint8_t *b, size_t n, tern_nd_opts *o);
/* Write a link-layer address option (8 bytes) at b. */
void tern_nd_opt_lla_emit(uint8_t *b, uint8_t type, const uint8_t mac[6]);

/* ---- Address helpers ---- */
static inline bool tern_ipv6_is_multicast(const uint8_t a[16]) {
    return a[0] == 0xFF;
}
static inline bool tern_ipv6_is_linklocal(const uint8_t a[16]) {
    return a[0] == 0xFE && (a[1] & 0xC0u) == 0x80u;
}
bool tern_ipv6_is_unspecified(const uint8_t a[16]);
bool tern_ipv6_is_loopback(const uint8_t a[16]);
/* Multicast scope (RFC 4291 2.7) or the unicast equivalent: 2 link, 14 global. */
uint8_t tern_ipv6_scope(const uint8_t a[16]);
/* ff02::1:ffXX:XXXX for a. */
void tern_ipv6_solicited_node(const uint8_t a[16], uint8_t out[16]);
/* 33:33 + the group's last 32 bits (RFC 2464 7). */
void tern_ipv6_mcast_mac(const uint8_t group[16], uint8_t mac[6]);
/* Bits in common from the start (0..128). */
uint8_t tern_ipv6_common_prefix(const uint8_t a[16], const uint8_t b[16]);
bool tern_ipv6_prefix_match(const uint8_t a[16], const uint8_t prefix[16], uint8_t len);

extern const uint8_t tern_ipv6_all_nodes[16];     /* ff02::1 */
extern const uint8_t tern_ipv6_all_routers[16];   /* ff02::2 */
extern const uint8_t tern_ipv6_mldv2_routers[16]; /* ff02::16 */

#endif
