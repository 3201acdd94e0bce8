/*
 * The stack instance: every piece of mutable state of one TCP/IP stack.
 * The application allocates it (statically, usually) and passes it to every
 * call; several instances may live in one process.
 *
 * Execution model: single-threaded. Input (tern_netif_input), timers
 * (tern_stack_poll) and API calls all run in the one context that drives the
 * stack. Time is a millisecond counter the caller supplies.
 */
#ifndef TERN_STACK_H
#define TERN_STACK_H

#include <stdbool.h>
#include <stdint.h>

#include "tern/arp.h"
#include "tern/config.h"
#include "tern/dns.h"
#include "tern/icmp.h"
#include "tern/ping.h"
#include "tern/igmp.h"
#include "tern/ipv4.h"
#include "tern/ipv6.h"
#include "tern/log.h"
#include "tern/netif.h"
#include "tern/pbuf.h"
#include "tern/pool.h"
#include "tern/raw.h"
#include "tern/stats.h"
#include "tern/tcp.h"
#include "tern/timer.h"
#include "tern/udp.h"

/* Storage of one pool packet buffer: header plus data. */
typedef struct tern_pbuf_pool_elem {
    tern_pbuf p;
    uint8_t data[TERN_CFG_PBUF_SIZE];
} tern_pbuf_pool_elem;

/* A reference / external buffer header. */
typedef struct tern_pbuf_ref_elem {
    tern_pbuf p;
    tern_pbuf_free_fn free_fn; /* EXT only */
    void *ctx;
    void *data;
} tern_pbuf_ref_elem;

typedef uint32_t (*tern_random_fn)(void *ctx);
typedef void (*tern_assert_fn)(void *ctx, const char *file, int line, const char *expr);

typedef struct tern_stack {
    uint32_t now;       /* current time, ms (set by tern_stack_poll) */
    tern_timer *timers; /* armed timers, sorted by due time */
    tern_netif *netifs;
    tern_netif *default_netif;
    uint8_t netif_count;

    tern_pool pbuf_pool;
#if TERN_CFG_PBUF_REF_COUNT
    tern_pool ref_pool;
#endif
#if TERN_CFG_TCP
    tern_tcp_state_s tcp;
#endif

#if TERN_CFG_LOOPBACK
    tern_netif loop;
    tern_pbuf *loop_head, *loop_tail;
    uint8_t loop_len;
#endif
#if TERN_CFG_ETHERNET && TERN_CFG_IPV4
    tern_arp_state_s arp;
#endif
#if TERN_CFG_IPV4
    tern_ipv4_state ipv4;
#endif
#if TERN_CFG_IPV6
    tern_ipv6_state ipv6;
#endif
#if TERN_CFG_ICMP
    tern_icmp_state icmp;
#endif
#if TERN_CFG_PING
    tern_ping_state ping;
#endif
#if TERN_CFG_IGMP
    tern_igmp_state igmp;
#endif
#if TERN_CFG_UDP
    tern_udp_state udp;
#endif
#if TERN_CFG_RAW
    tern_raw_state raw;
#endif
#if TERN_CFG_DNS
    tern_dns_state dns;
#endif

    uint32_t rng; /* fallback PRNG state when no random hook is set */
    tern_random_fn random_fn;
    void *random_ctx;
#if TERN_CFG_LOG_LEVEL
    tern_log_fn log_fn;
    void *log_ctx;
#endif
#if TERN_CFG_ASSERT
    tern_assert_fn assert_fn;
    void *assert_ctx;
#endif
    tern_stats stats;

    /* The buffer memory last: every field above stays within the short
     * load/store offsets of small targets (Thumb: 4 KB from the base), so
     * the code that uses them is smaller. */
#if TERN_CFG_PBUF_REF_COUNT
    tern_pbuf_ref_elem ref_mem[TERN_CFG_PBUF_REF_COUNT];
#endif
    tern_pbuf_pool_elem pbuf_mem[TERN_CFG_PBUF_COUNT];
} tern_stack;

/* Value tern_stack_poll returns when no timer is armed. */
#define TERN_POLL_IDLE UINT32_MAX

/* Initialise s at time now. seed feeds the fallback random generator; give
 * a real random source with tern_stack_set_random() where there is one. */
void tern_stack_init(tern_stack *s, uint32_t now, uint32_t seed);
/* Release every buffer the stack still holds (queues, reassembly, ...). */
void tern_stack_deinit(tern_stack *s);

/* Advance the clock to now and run what is due. Returns the number of
 * milliseconds until the stack next needs to run (TERN_POLL_IDLE: nothing
 * scheduled; 0: call again at once). */
uint32_t tern_stack_poll(tern_stack *s, uint32_t now);

void tern_stack_set_random(tern_stack *s, tern_random_fn fn, void *ctx);
uint32_t tern_random(tern_stack *s);
#if TERN_CFG_LOG_LEVEL
void tern_stack_set_log(tern_stack *s, tern_log_fn fn, void *ctx);
#endif
#if TERN_CFG_ASSERT
void tern_stack_set_assert(tern_stack *s, tern_assert_fn fn, void *ctx);
#endif

/* Pool usage: fills up to max entries, returns how many pools there are. */
unsigned tern_stack_pools(const tern_stack *s, tern_pool_usage *out, unsigned max);
/* Buffers currently allocated from every pool together (leak checks). */
unsigned tern_stack_buffers_in_use(const tern_stack *s);

#endif
