/*
 * DHCP messages (RFC 2131) and options (RFC 2132).
 *
 * tern_dhcp_parse() checks a whole message before anything in it is used:
 * the fixed BOOTP header, the magic cookie, then every option region in
 * order (the options field, then `file` and `sname` when option 52 says they
 * are overloaded). In each region every option's length byte must lie inside
 * the region and its data must end inside it; a region must end with the END
 * option (255); PAD (0) is skipped. Known options must have the length RFC
 * 2132 gives them; a message breaking any rule is rejected as a whole.
 * Address lists are truncated to TERN_DHCP_WIRE_ADDRS entries; a domain name
 * that is too long or not printable is ignored.
 *
 * tern_dhcp_build() writes a client message (BOOTREQUEST) from a repr.
 */
#ifndef TERN_WIRE_DHCP_H
#define TERN_WIRE_DHCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tern/config.h"

#define TERN_DHCP_FIXED_LEN 236u /* BOOTP header up to the options */
#define TERN_DHCP_COOKIE 0x63825363u
#define TERN_DHCP_MIN_LEN 240u   /* fixed header + cookie */
#define TERN_DHCP_BOOTP_MIN 300u /* shortest message sent (RFC 1542 2.1) */
#define TERN_DHCP_SERVER_PORT 67u
#define TERN_DHCP_CLIENT_PORT 68u
#define TERN_DHCP_OP_REQUEST 1u
#define TERN_DHCP_OP_REPLY 2u
#define TERN_DHCP_HTYPE_ETH 1u
#define TERN_DHCP_FLAG_BROADCAST 0x8000u

/* Offsets of the fixed fields (RFC 2131 figure 1). */
#define TERN_DHCP_OFF_SNAME 44u
#define TERN_DHCP_SNAME_LEN 64u
#define TERN_DHCP_OFF_FILE 108u
#define TERN_DHCP_FILE_LEN 128u

/* Message types (option 53). */
enum tern_dhcp_type {
    TERN_DHCP_DISCOVER = 1,
    TERN_DHCP_OFFER = 2,
    TERN_DHCP_REQUEST = 3,
    TERN_DHCP_DECLINE = 4,
    TERN_DHCP_ACK = 5,
    TERN_DHCP_NAK = 6,
    TERN_DHCP_RELEASE = 7,
    TERN_DHCP_INFORM = 8,
};

/* Option codes. */
#define TERN_DHCP_OPT_PAD 0u
#define TERN_DHCP_OPT_MASK 1u
#define TERN_DHCP_OPT_ROUTER 3u
#define TERN_DHCP_OPT_DNS 6u
#define TERN_DHCP_OPT_HOSTNAME 12u
#define TERN_DHCP_OPT_DOMAIN 15u
#define TERN_DHCP_OPT_MTU 26u
#define TERN_DHCP_OPT_NTP 42u
#define TERN_DHCP_OPT_REQUESTED_IP 50u
#define TERN_DHCP_OPT_LEASE 51u
#define TERN_DHCP_OPT_OVERLOAD 52u
#define TERN_DHCP_OPT_MSG_TYPE 53u
#define TERN_DHCP_OPT_SERVER_ID 54u
#define TERN_DHCP_OPT_PARAMS 55u
#define TERN_DHCP_OPT_MAX_SIZE 57u
#define TERN_DHCP_OPT_T1 58u
#define TERN_DHCP_OPT_T2 59u
#define TERN_DHCP_OPT_CLIENT_ID 61u
#define TERN_DHCP_OPT_END 255u

/* Addresses kept per list option (routers, DNS and NTP servers). */
#define TERN_DHCP_WIRE_ADDRS 4u
/* Longest domain name kept (characters). */
#define TERN_DHCP_WIRE_DOMAIN_MAX 63u
/* Longest host name sent (RFC 1035 label limit). */
#define TERN_DHCP_WIRE_HOSTNAME_MAX 63u

/* Which options a parsed message carried (tern_dhcp_msg.has). */
#define TERN_DHCP_HAS_MASK 0x001u
#define TERN_DHCP_HAS_ROUTER 0x002u
#define TERN_DHCP_HAS_DNS 0x004u
#define TERN_DHCP_HAS_DOMAIN 0x008u
#define TERN_DHCP_HAS_MTU 0x010u
#define TERN_DHCP_HAS_NTP 0x020u
#define TERN_DHCP_HAS_LEASE 0x040u
#define TERN_DHCP_HAS_SERVER_ID 0x080u
#define TERN_DHCP_HAS_T1 0x100u
#define TERN_DHCP_HAS_T2 0x200u
#define TERN_DHCP_HAS_REQUESTED_IP 0x400u

/* A parsed message (addresses and numbers in host order). */
typedef struct tern_dhcp_msg {
    uint8_t op, htype, hlen, hops;
    uint32_t xid;
    uint16_t secs, flags;
    union {
        struct {
            uint32_t ciaddr, yiaddr, siaddr, giaddr;
        };
        uint32_t addrs[4]; /* the same four, in message order */
    };
    uint8_t chaddr[16];
    uint8_t type;     /* option 53, 0 when absent */
    uint8_t overload; /* option 52 */
    uint16_t has;     /* TERN_DHCP_HAS_* */
    uint32_t mask, server_id, requested_ip, lease_s, t1_s, t2_s;
    uint16_t mtu;
    uint8_t nrouter, ndns, nntp;
    uint32_t router[TERN_DHCP_WIRE_ADDRS];
    uint32_t dns[TERN_DHCP_WIRE_ADDRS];
    uint32_t ntp[TERN_DHCP_WIRE_ADDRS];
    char domain[TERN_DHCP_WIRE_DOMAIN_MAX + 1];
} tern_dhcp_msg;

/* Parse len bytes at buf into *m. False if the message breaks any rule
 * above (m is then partly written and must not be used). */
bool tern_dhcp_parse(const uint8_t *buf, size_t len, tern_dhcp_msg *m);

/* What a client message carries. Zero fields are left out. */
typedef struct tern_dhcp_out {
    uint8_t type; /* enum tern_dhcp_type */
    uint32_t xid;
    uint16_t secs, flags;
    uint32_t ciaddr;
    const uint8_t *mac; /* 6 bytes */
    uint32_t requested_ip, server_id;
    uint16_t max_size;    /* option 57 and the parameter request list (55); 0 = neither */
    const char *hostname; /* option 12, NULL = none */
} tern_dhcp_out;

/* Longest message tern_dhcp_build() can write. */
/* type 3, client id 9, requested IP 6, server id 6, max size 4, host name
 * 2 + 63, parameter list 2 + 9, end 1. */
#define TERN_DHCP_OUT_MAX                                                                                    \
    (TERN_DHCP_MIN_LEN + 3u + 9u + 6u + 6u + 4u + 2u + TERN_DHCP_WIRE_HOSTNAME_MAX + 11u + 1u)

/* Write the message into buf (size >= TERN_DHCP_OUT_MAX); returns its
 * length (at least TERN_DHCP_BOOTP_MIN), or 0 if size is too small. */
size_t tern_dhcp_build(uint8_t *buf, size_t size, const tern_dhcp_out *o);

#endif
