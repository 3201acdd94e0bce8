/* ICMPv4 (RFC 792): echo and errors (rate-limited); the ping client is in tern/ping.h. */
#ifndef TERN_ICMP_H
#define TERN_ICMP_H

#include <stdbool.h>
#include <stdint.h>

#include "tern/addr.h"
#include "tern/config.h"
#include "tern/err.h"
#include "tern/pbuf.h"
#include "tern/ping.h"
#include "tern/timer.h"

struct tern_stack;

#define TERN_ICMP_ECHO_REPLY 0
#define TERN_ICMP_DEST_UNREACH 3
#define TERN_ICMP_ECHO 8
#define TERN_ICMP_TIME_EXCEEDED 11
#define TERN_ICMP_PARAM_PROBLEM 12

#define TERN_ICMP_UNREACH_NET 0
#define TERN_ICMP_UNREACH_HOST 1
#define TERN_ICMP_UNREACH_PROTO 2
#define TERN_ICMP_UNREACH_PORT 3
#define TERN_ICMP_UNREACH_NEEDFRAG 4

/* An ICMP error as delivered to the transport that sent the offending packet. */
typedef struct tern_icmp_error {
    uint8_t type, code;
    uint16_t mtu;          /* next-hop MTU for "fragmentation needed", else 0 */
    uint32_t src, dst;     /* of the offending packet, host order */
    uint16_t sport, dport; /* first 4 transport bytes, host order */
    uint32_t seq;          /* transport bytes 4..7 (the TCP sequence number) */
    uint8_t proto;
#if TERN_CFG_IPV6
    uint8_t family;             /* TERN_AF_INET6: an ICMPv6 error (type/code are ICMPv6's), src6/dst6 set */
    uint8_t src6[16], dst6[16]; /* of the offending packet */
#endif
} tern_icmp_error;

typedef struct tern_icmp_state {
    uint32_t last_refill;
    uint16_t tokens;
} tern_icmp_state;

/* Send an ICMP error (type, code) about the datagram `orig` (which starts with
 * its IPv4 header), rate-limited and never about ICMP errors, fragments other
 * than the first, or broadcast/multicast. Does not consume orig. */
void tern_icmp_send_error(struct tern_stack *s, const tern_pbuf *orig, uint8_t type, uint8_t code,
                          uint16_t mtu);

#endif
