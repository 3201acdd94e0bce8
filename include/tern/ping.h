/*
 * Ping client (TERN_CFG_PING): ICMP echo requests to an IPv4 destination,
 * ICMPv6 ones to an IPv6 destination, on a timer, replies matched by
 * identifier and sequence number. Works in IPv4-only, dual and IPv6-only
 * builds (src/apps/ping.c).
 */
#ifndef TERN_PING_H
#define TERN_PING_H

#include <stdint.h>

#include "tern/addr.h"
#include "tern/config.h"
#include "tern/err.h"
#include "tern/timer.h"

struct tern_stack;

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
    tern_addr dst;
    uint32_t sent_at, next_send;
    uint32_t interval_ms, timeout_ms;
    uint16_t id, seq, count, size;
    uint16_t sent, received;
    uint8_t awaiting;
};
/* Send count echo requests (ICMPv6 echo for an IPv6 dst) of size payload
 * bytes, interval_ms apart, each waiting up to timeout_ms. ping is owned by
 * the caller until TERN_PING_DONE (or tern_ping_stop). */
tern_err tern_ping_start(struct tern_stack *s, tern_ping *ping, const tern_addr *dst, uint16_t count,
                         uint16_t size, uint32_t interval_ms, uint32_t timeout_ms, tern_ping_fn cb,
                         void *ctx);
void tern_ping_stop(struct tern_stack *s, tern_ping *ping);

/* The stack's running pings. */
typedef struct tern_ping_state {
    tern_ping *list;
    uint16_t next_id;
} tern_ping_state;
#endif

#endif
