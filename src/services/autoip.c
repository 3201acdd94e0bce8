/* IPv4 link-local addressing (RFC 3927); see tern/autoip.h. */
#include "tern/autoip.h"

#include <string.h>

#include "core/core.h"
#include "tern/stack.h"

#if TERN_CFG_AUTOIP

#define MAX_CONFLICTS 10u
#define RATE_LIMIT_INTERVAL_MS 60000u
#define FIRST_ADDR 0xA9FE0100u /* 169.254.1.0 */
#define ADDR_SPAN 0xFE00u      /* up to 169.254.254.255 */

static tern_autoip *autoip_of_timer(tern_timer *t) {
    return (tern_autoip *)(void *)((uint8_t *)t - offsetof(tern_autoip, timer));
}

/* First candidate from the MAC (stable across reboots), then random. */
static uint32_t candidate(tern_stack *s, const tern_autoip *a) {
    uint32_t h = 2166136261u;
    if (!a->conflicts) {
        for (unsigned i = 0; i < 6; i++)
            h = (h ^ a->nif->hwaddr[i]) * 16777619u;
    } else {
        h = tern_random(s);
    }
    return FIRST_ADDR + h % ADDR_SPAN;
}

static void unconfigure(tern_autoip *a) {
    if (a->configured && a->nif->ip4 == a->ip)
        (void)tern_netif_set_ipv4(a->nif, NULL, 0, NULL);
    a->configured = 0;
}

static void probe(tern_autoip *a);

static void on_acd(void *ctx, tern_acd *acd, enum tern_acd_event ev) {
    tern_autoip *a = ctx;
    (void)acd;
    if (ev == TERN_ACD_OK) {
        tern_addr ip = tern_addr_ipv4(a->ip);
        a->state = TERN_AUTOIP_BOUND;
        a->configured = 1;
        (void)tern_netif_set_ipv4(a->nif, &ip, 16, NULL);
        /* The announcement went out while probing; defending goes on in ACD. */
        if (a->cb)
            a->cb(a->ctx, a, true);
        return;
    }
    bool was_bound = a->configured; /* (set exactly while BOUND) */
    unconfigure(a);
    a->conflicts++;
    if (was_bound && a->cb)
        a->cb(a->ctx, a, false);
    if (a->conflicts >= MAX_CONFLICTS) {
        a->state = TERN_AUTOIP_WAITING;
        tern_timer_arm(a->nif->stack, &a->timer, RATE_LIMIT_INTERVAL_MS);
        return;
    }
    probe(a);
}

static void probe(tern_autoip *a) {
    tern_stack *s = a->nif->stack;
    a->ip = candidate(s, a);
    a->state = TERN_AUTOIP_PROBING;
    tern_addr ip = tern_addr_ipv4(a->ip);
    (void)tern_acd_start(a->nif, &a->acd, &ip, on_acd, a);
}

static void rate_limit_done(tern_stack *s, tern_timer *t) {
    (void)s;
    probe(autoip_of_timer(t));
}

tern_err tern_autoip_start(tern_netif *nif, tern_autoip *a, tern_autoip_fn cb, void *ctx) {
    if (!nif || !nif->stack || !a || nif->link_type != TERN_LINK_ETHERNET)
        return TERN_ERR_INVAL;
    /* Every field is set here or by probe() (the acd by tern_acd_start). */
    a->configured = 0;
    a->conflicts = 0;
    a->nif = nif;
    a->cb = cb;
    a->ctx = ctx;
    tern_timer_init(&a->timer, rate_limit_done);
    probe(a);
    return TERN_OK;
}

void tern_autoip_stop(tern_autoip *a) {
    if (!a->nif || !a->nif->stack)
        return;
    tern_stack *s = a->nif->stack;
    tern_acd_stop(s, &a->acd);
    tern_timer_cancel(s, &a->timer);
    unconfigure(a);
    a->state = TERN_AUTOIP_OFF;
}

#endif
