/* The stack instance: initialisation, the poll loop, random numbers, logs. */
#include "tern/stack.h"

#include <string.h>

#include "core/core.h"
#include "tern/impair.h"

void tern_stack_init(tern_stack *s, uint32_t now, uint32_t seed) {
    memset(s, 0, sizeof *s);
    s->now = now;
    s->rng = seed ? seed : 0x9E3779B9u;
    tern_pool_init(&s->pbuf_pool, "pbuf", s->pbuf_mem, sizeof s->pbuf_mem[0], TERN_CFG_PBUF_COUNT);
#if TERN_CFG_PBUF_REF_COUNT
    tern_pool_init(&s->ref_pool, "pbuf_ref", s->ref_mem, sizeof s->ref_mem[0], TERN_CFG_PBUF_REF_COUNT);
#endif
#if TERN_CFG_ETHERNET && TERN_CFG_IPV4
    tern_arp_init(s);
#endif
#if TERN_CFG_IPV4
    tern_ipv4_init(s);
#endif
#if TERN_CFG_IPV6
    tern_ipv6_init(s);
#endif
#if TERN_CFG_ICMP
    tern_icmp_init(s);
#endif
#if TERN_CFG_IGMP
    tern_igmp_init(s);
#endif
#if TERN_CFG_UDP
    tern_udp_init(s);
#endif
#if TERN_CFG_TCP
    tern_tcp_init(s);
#endif
#if TERN_CFG_DNS
    tern_dns_init(s);
#endif
#if TERN_CFG_LOOPBACK
    tern_loopback_init(s);
#endif
}

void tern_stack_deinit(tern_stack *s) {
#if TERN_CFG_IMPAIR
    for (tern_netif *nif = s->netifs; nif; nif = nif->next) {
        if (nif->impair_rx)
            tern_impair_detach(nif->impair_rx);
        if (nif->impair_tx)
            tern_impair_detach(nif->impair_tx);
    }
#endif
#if TERN_CFG_TCP
    tern_tcp_deinit(s);
#endif
#if TERN_CFG_PING
    tern_ping_deinit(s);
#endif
#if TERN_CFG_ETHERNET && TERN_CFG_IPV4
    tern_arp_deinit(s);
#endif
#if TERN_CFG_IPV4
    tern_ipv4_deinit(s);
#endif
#if TERN_CFG_IPV6
    tern_ipv6_deinit(s);
#endif
#if TERN_CFG_LOOPBACK
    tern_loopback_deinit(s);
#endif
    s->timers = NULL;
}

uint32_t tern_stack_poll(tern_stack *s, uint32_t now) {
    s->now = now;
    uint32_t next = tern_timers_run(s);
#if TERN_CFG_LOOPBACK
    uint32_t loop = tern_loopback_poll(s);
    if (loop < next)
        next = loop;
#endif
    return next;
}

void tern_stack_set_random(tern_stack *s, tern_random_fn fn, void *ctx) {
    s->random_fn = fn;
    s->random_ctx = ctx;
}

uint32_t tern_random(tern_stack *s) {
    if (s->random_fn)
        return s->random_fn(s->random_ctx);
    /* xorshift32: a fallback for tests and boards without a TRNG. */
    uint32_t x = s->rng;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    s->rng = x;
    return x;
}

#if TERN_CFG_LOG_LEVEL
void tern_stack_set_log(tern_stack *s, tern_log_fn fn, void *ctx) {
    s->log_fn = fn;
    s->log_ctx = ctx;
}
#endif

void tern_log_emit(tern_stack *s, int level, const char *module, const char *fmt, ...) {
#if TERN_CFG_LOG_LEVEL
    if (!s->log_fn)
        return;
    va_list ap;
    va_start(ap, fmt);
    s->log_fn(s->log_ctx, level, module, fmt, ap);
    va_end(ap);
#else
    (void)s, (void)level, (void)module, (void)fmt;
#endif
}

#if TERN_CFG_ASSERT
void tern_stack_set_assert(tern_stack *s, tern_assert_fn fn, void *ctx) {
    s->assert_fn = fn;
    s->assert_ctx = ctx;
}
#endif

static void usage_of(const tern_pool *p, tern_pool_usage *u) {
    u->name = p->name;
    u->count = p->count;
    u->used = p->used;
    u->peak = p->peak;
    u->fails = p->fails;
}

unsigned tern_stack_pools(const tern_stack *s, tern_pool_usage *out, unsigned max) {
    const tern_pool *pools[2];
    unsigned n = 0;
    pools[n++] = &s->pbuf_pool;
#if TERN_CFG_PBUF_REF_COUNT
    pools[n++] = &s->ref_pool;
#endif
    for (unsigned i = 0; i < n && i < max; i++)
        usage_of(pools[i], &out[i]);
    return n;
}

unsigned tern_stack_buffers_in_use(const tern_stack *s) {
    unsigned n = s->pbuf_pool.used;
#if TERN_CFG_PBUF_REF_COUNT
    n += s->ref_pool.used;
#endif
    return n;
}
