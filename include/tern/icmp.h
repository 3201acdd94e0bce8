/* ICMPv4 (RFC 792): echo, errors (rate-limited), and a ping client. */
#ifndef TERN_ICMP_H
#define TERN_ICMP_H

#include <stdbool.h>
#include <stdint.h>

#include "tern/addr.h"
#include "tern/config.h"
#include "tern/err.h"
#include "tern/pbuf.h"
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

#if TERN_CFG_PING
enum tern_ping_event { TERN_PING_REPLY, TERN_PING_TIMEOUT, TERN_PING_DONE, TERN_PING_ERROR };
typedef struct tern_ping tern_ping;
typedef struct tern_ping_result {
    enum tern_ping_event event;
    uint16_t seq;
    uint16_t bytes; /* ICMP payload bytes in the reply */
    uint8_t ttl;
    uint32_t rtt_ms;
    uint16_t sent, received; /* totals so far */
    tern_err err;            /* TERN_PING_ERROR: why the request could not be sent */
} tern_ping_result;
typedef void (*tern_ping_fn)(void *ctx, tern_ping *ping, const tern_ping_result *r);
struct tern_ping {
    tern_ping *next;
    tern_timer timer;
    tern_ping_fn cb;
    void *ctx;
    uint32_t dst;
#if TERN_CFG_IPV6
    tern_addr dst6; /* an IPv6 destination (family TERN_AF_INET6), else unused */
#endif
    uint32_t sent_at, next_send;
    uint32_t interval_ms, timeout_ms;
    uint16_t id, seq, count, size;
    uint16_t sent, received;
    uint8_t awaiting;
};
/* Send count echo requests (ICMPv6 echo for an IPv6 dst) of size payload bytes, interval_ms apart, each
 * waiting up to timeout_ms. ping is owned by the caller until TERN_PING_DONE
 * (or tern_ping_stop). */
tern_err tern_ping_start(struct tern_stack *s, tern_ping *ping, const tern_addr *dst, uint16_t count,
                         uint16_t size, uint32_t interval_ms, uint32_t timeout_ms, tern_ping_fn cb,
                         void *ctx);
void tern_ping_stop(struct tern_stack *s, tern_ping *ping);
#endif

typedef struct tern_icmp_state {
    uint32_t last_refill;
    uint16_t tokens;
#if TERN_CFG_PING
    tern_ping *pings;
    uint16_t next_ping_id;
#endif
} tern_icmp_state;

/* Send an ICMP error (type, code) about the datagram `orig` (which starts with
 * its IPv4 header), rate-limited and never about ICMP errors, fragments other
 * than the first, or broadcast/multicast. Does not consume orig. */
void tern_icmp_send_error(struct tern_stack *s, const tern_pbuf *orig, uint8_t type, uint8_t code,
                          uint16_t mtu);

#endif
