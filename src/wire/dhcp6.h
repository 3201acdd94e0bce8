/*
 * DHCPv6 messages (RFC 8415 8, 21) as a stateless client needs them: the
 * Information-Request it sends and the Reply it reads. A message is a type
 * byte, a 3-byte transaction id and options (code, length, data; all
 * big-endian). The parser checks every option header and length against the
 * bytes there are before it reads, and rejects the whole message on the
 * first violation.
 */
#ifndef TERN_WIRE_DHCP6_H
#define TERN_WIRE_DHCP6_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TERN_DHCP6_CLIENT_PORT 546u
#define TERN_DHCP6_SERVER_PORT 547u

#define TERN_DHCP6_REPLY 7u
#define TERN_DHCP6_INFORMATION_REQUEST 11u

#define TERN_DHCP6_OPT_CLIENTID 1u
#define TERN_DHCP6_OPT_SERVERID 2u
#define TERN_DHCP6_OPT_ORO 6u
#define TERN_DHCP6_OPT_ELAPSED_TIME 8u
#define TERN_DHCP6_OPT_STATUS_CODE 13u
#define TERN_DHCP6_OPT_DNS_SERVERS 23u  /* RFC 3646 */
#define TERN_DHCP6_OPT_DOMAIN_LIST 24u  /* RFC 3646 */
#define TERN_DHCP6_OPT_INFO_REFRESH 32u /* RFC 8415 21.23 */
#define TERN_DHCP6_OPT_INF_MAX_RT 83u   /* RFC 8415 21.25 */

/* Client identifier: DUID-LL (type 3) for Ethernet (hardware type 1). */
#define TERN_DHCP6_DUID_LL_LEN 10u
/* Information-Request: header, client id, elapsed time, ORO of 4 codes. */
#define TERN_DHCP6_INFO_REQ_LEN (4u + (4u + TERN_DHCP6_DUID_LL_LEN) + (4u + 2u) + (4u + 8u))
#define TERN_DHCP6_SERVERID_MAX 130u /* a DUID is at most 128 bytes, plus its type */
#define TERN_DHCP6_WIRE_DNS 4u       /* servers a parsed Reply holds at most */

/* Ways a Reply can fail (tern_dhcp6_parse_reply). */
enum tern_dhcp6_parse_result {
    TERN_DHCP6_PARSE_OK = 0,
    TERN_DHCP6_PARSE_MALFORMED, /* truncated, an option past the end, a bad option length */
    TERN_DHCP6_PARSE_TYPE,      /* not a Reply */
    TERN_DHCP6_PARSE_MISMATCH,  /* transaction id or client identifier not ours */
    TERN_DHCP6_PARSE_STATUS,    /* a status code other than Success */
};

/* A Reply, validated, in host order. */
typedef struct tern_dhcp6_reply {
    uint8_t dns[TERN_DHCP6_WIRE_DNS][16]; /* first servers of option 23 (in order) */
    uint8_t ndns;                         /* kept in dns */
    uint8_t has_refresh, has_inf_max_rt;
    uint16_t status;     /* 0 (Success) unless a status code option said otherwise */
    uint32_t refresh_s;  /* Information Refresh Time as sent (has_refresh) */
    uint32_t inf_max_rt; /* INF_MAX_RT as sent (has_inf_max_rt) */
} tern_dhcp6_reply;

/* Write an Information-Request into buf (TERN_DHCP6_INFO_REQ_LEN bytes):
 * xid (24 bits), the client's MAC as DUID-LL, elapsed time in hundredths of
 * a second. Returns its length, 0 if buf is too small. */
size_t tern_dhcp6_write_info_request(uint8_t *buf, size_t size, uint32_t xid, const uint8_t mac[6],
                                     uint16_t elapsed_cs);
/* Check and read a Reply to the transaction xid from the client with this
 * MAC. Returns TERN_DHCP6_PARSE_OK and fills r, or the reason to drop it. */
enum tern_dhcp6_parse_result tern_dhcp6_parse_reply(const uint8_t *msg, size_t len, uint32_t xid,
                                                    const uint8_t mac[6], tern_dhcp6_reply *r);

#endif
