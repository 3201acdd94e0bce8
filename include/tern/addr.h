/*
 * The one address type for every endpoint, route, cache key and API call.
 * It carries either family; an IPv4-only build keeps only 4 bytes of storage.
 */
#ifndef TERN_ADDR_H
#define TERN_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tern/config.h"

enum tern_family { TERN_AF_UNSPEC = 0, TERN_AF_INET = 4, TERN_AF_INET6 = 6 };

#if TERN_CFG_IPV6
#define TERN_ADDR_BYTES 16
#else
#define TERN_ADDR_BYTES 4
#endif

typedef struct tern_addr {
    uint8_t family;                 /* enum tern_family */
    uint8_t zone;                   /* interface index for scoped addresses, 0 if none */
    uint8_t bytes[TERN_ADDR_BYTES]; /* network byte order */
} tern_addr;

/* Text form of the longest address plus NUL ("255.255.255.255"). */
#define TERN_ADDR_STRLEN (TERN_CFG_IPV6 ? 50 : 16) /* 39 + "%255" + NUL, rounded */

/* IPv4 address from host-order 32-bit value. */
tern_addr tern_addr_ipv4(uint32_t host_order);

/* IPv4 address from four octets: TERN_ADDR4(192, 0, 2, 1). */
#define TERN_ADDR4(a, b, c, d)                                                                               \
    tern_addr_ipv4(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))

/* Host-order value of an IPv4 address (0 if the address is not IPv4). */
uint32_t tern_addr_get_ipv4(const tern_addr *a);

bool tern_addr_equal(const tern_addr *a, const tern_addr *b);
bool tern_addr_is_any(const tern_addr *a);

#if TERN_CFG_IPV6
/* IPv6 address from 16 bytes in network order, with a zone (interface index, 0: none). */
tern_addr tern_addr_ipv6(const uint8_t bytes[16], uint8_t zone);
#endif

/* Parse "192.0.2.1" (or, with IPv6, "2001:db8::1" and "fe80::1%2": RFC 4291
 * text with a numeric zone) into *out. Returns false on any syntax error. */
bool tern_addr_parse(const char *text, tern_addr *out);
/* Write the text form into buf (size >= TERN_ADDR_STRLEN); returns buf.
 * IPv6 follows RFC 5952 (lower case, longest zero run as "::"), then "%zone". */
char *tern_addr_format(const tern_addr *a, char *buf, size_t size);

#endif
