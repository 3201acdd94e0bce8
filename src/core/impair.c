/*
 * Impairment layer (see tern/impair.h): deterministic, seeded network faults
 * on any interface. Reordering holds a frame back by a few milliseconds so
 * the frames behind it overtake it; delay, jitter and rate limiting hold
 * frames on a queue sorted by due time, drained by one timer.
 */
#include "tern/impair.h"

#include <string.h>

#include "core/core.h"
#include "tern/stack.h"

#if TERN_CFG_IMPAIR

#define REORDER_HOLD_MAX_MS 4u

static uint32_t next_rand(tern_impair *imp) {
    /* xorshift32, private to this impairment so runs are reproducible. */
    uint32_t x = imp->rng;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    imp->rng = x;
    return x;
}

static bool chance(tern_impair *imp, uint32_t ppm) {
    return ppm && next_rand(imp) % 1000000u < ppm;
}

static tern_impair *impair_of(tern_timer *t) {
    return (tern_impair *)(void *)((uint8_t *)t - offsetof(tern_impair, timer));
}

static void release(tern_impair *imp, tern_pbuf *p) {
    if (imp->outgoing)
        (void)tern_netif_driver_output(imp->nif, p);
    else
        tern_netif_deliver(imp->nif, p);
}

static void rearm(tern_stack *s, tern_impair *imp) {
    if (!imp->nheld) {
        tern_timer_cancel(s, &imp->timer);
        return;
    }
    uint32_t due = imp->held[0].due;
    tern_timer_arm_at(s, &imp->timer, due);
}

static void impair_timer(tern_stack *s, tern_timer *t) {
    tern_impair *imp = impair_of(t);
    while (imp->nheld && !tern_time_before(s->now, imp->held[0].due)) {
        tern_pbuf *p = imp->held[0].p;
        imp->nheld--;
        memmove(&imp->held[0], &imp->held[1], imp->nheld * sizeof imp->held[0]);
        release(imp, p);
    }
    rearm(s, imp);
}

static void hold(tern_stack *s, tern_impair *imp, tern_pbuf *p, uint32_t due) {
    if (imp->nheld >= TERN_CFG_IMPAIR_QUEUE_LEN) {
        imp->counters.overflow++;
        tern_pbuf_free(s, p);
        return;
    }
    uint16_t i = imp->nheld;
    while (i && tern_time_before(due, imp->held[i - 1].due)) {
        imp->held[i] = imp->held[i - 1];
        i--;
    }
    imp->held[i].p = p;
    imp->held[i].due = due;
    imp->nheld++;
    rearm(s, imp);
}

/* A private copy with one random byte flipped. */
static tern_pbuf *corrupt(tern_stack *s, tern_impair *imp, tern_pbuf *p) {
    tern_pbuf *c = tern_pbuf_clone(s, 0, p);
    tern_pbuf_free(s, p);
    if (!c || !c->tot_len)
        return c;
    c->flags &= (uint8_t)~TERN_PBUF_F_CSUM_OK; /* whatever the driver checked, this is new damage */
    uint16_t off = (uint16_t)(next_rand(imp) % c->tot_len);
    uint8_t b;
    tern_pbuf_copy_out(c, off, &b, 1);
    b ^= (uint8_t)(1u << (next_rand(imp) % 8u));
    tern_pbuf_copy_in(c, off, &b, 1);
    return c;
}

/* Delay for one frame: fixed + jitter + rate-limit serialisation. */
static uint32_t delay_for(tern_stack *s, tern_impair *imp, const tern_pbuf *p) {
    uint32_t d = imp->cfg.delay_ms;
    if (imp->cfg.jitter_ms)
        d += next_rand(imp) % (imp->cfg.jitter_ms + 1u);
    if (imp->cfg.rate_bps) {
        /* Serialisation in microseconds, carried over between frames: at
         * 100 Mbit/s a full frame takes 121 us, far below the clock's ms. */
        if (tern_time_before(imp->busy_until, s->now)) { /* idle since before this ms */
            imp->busy_until = s->now;
            imp->busy_us = 0;
        }
        uint64_t us = imp->busy_us + (uint64_t)p->tot_len * 8u * 1000000u / imp->cfg.rate_bps;
        imp->busy_until += (uint32_t)(us / 1000u);
        imp->busy_us = (uint32_t)(us % 1000u);
        d += imp->busy_until - s->now;
    }
    return d;
}

static void pass(tern_stack *s, tern_impair *imp, tern_pbuf *p) {
    if (chance(imp, imp->cfg.corrupt_ppm)) {
        imp->counters.corrupted++;
        p = corrupt(s, imp, p);
        if (!p)
            return;
    }
    uint32_t d = delay_for(s, imp, p);
    if (chance(imp, imp->cfg.reorder_ppm)) {
        imp->counters.reordered++;
        d += 1u + next_rand(imp) % REORDER_HOLD_MAX_MS;
    }
    if (d || imp->nheld) {
        /* Frames behind a held one keep their order unless reordered. */
        imp->counters.delayed += d != 0;
        hold(s, imp, p, s->now + d);
        return;
    }
    imp->counters.passed++;
    release(imp, p);
}

void tern_impair_deliver(tern_netif *nif, tern_pbuf *p, bool outgoing) {
    tern_stack *s = nif->stack;
    tern_impair *imp = outgoing ? nif->impair_tx : nif->impair_rx;
    if (chance(imp, imp->cfg.loss_ppm)) {
        imp->counters.lost++;
        tern_pbuf_free(s, p);
        return;
    }
    if (chance(imp, imp->cfg.dup_ppm)) {
        tern_pbuf *copy = tern_pbuf_clone(s, 0, p);
        if (copy) {
            imp->counters.duplicated++;
            pass(s, imp, copy);
        }
    }
    pass(s, imp, p);
}

void tern_impair_attach(tern_netif *nif, tern_impair *imp, const tern_impair_config *cfg, bool outgoing) {
    memset(imp, 0, sizeof *imp);
    imp->cfg = *cfg;
    imp->nif = nif;
    imp->outgoing = outgoing;
    imp->rng = cfg->seed ? cfg->seed * 2654435761u + (outgoing ? 1u : 0u) : 0x12345678u;
    if (!imp->rng)
        imp->rng = 1;
    tern_timer_init(&imp->timer, impair_timer);
    if (outgoing)
        nif->impair_tx = imp;
    else
        nif->impair_rx = imp;
}

void tern_impair_detach(tern_impair *imp) {
    tern_netif *nif = imp->nif;
    if (!nif)
        return;
    tern_stack *s = nif->stack;
    for (uint16_t i = 0; i < imp->nheld; i++)
        if (s)
            tern_pbuf_free(s, imp->held[i].p);
    imp->nheld = 0;
    if (s)
        tern_timer_cancel(s, &imp->timer);
    if (nif->impair_tx == imp)
        nif->impair_tx = NULL;
    if (nif->impair_rx == imp)
        nif->impair_rx = NULL;
    imp->nif = NULL;
}

#endif

/* ---- "loss=5,dup=1,..." parser (available whether or not the layer is) ---- */

static bool parse_uint(const char **pp, uint32_t *out, uint32_t scale) {
    const char *p = *pp;
    uint64_t whole = 0, frac = 0, div = 1;
    if (*p < '0' || *p > '9')
        return false;
    while (*p >= '0' && *p <= '9') {
        whole = whole * 10u + (uint64_t)(*p++ - '0');
        if (whole > 0xFFFFFFFFu)
            return false;
    }
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            return false;
        while (*p >= '0' && *p <= '9') {
            if (div < 1000000u) {
                frac = frac * 10u + (uint64_t)(*p - '0');
                div *= 10u;
            }
            p++;
        }
    }
    uint64_t v = whole * scale + frac * scale / div;
    if (v > 0xFFFFFFFFu)
        return false;
    *out = (uint32_t)v;
    *pp = p;
    return true;
}

typedef struct impair_key {
    const char *name;
    size_t offset;
    uint32_t scale;
    uint32_t max;
} impair_key;

static const impair_key keys[] = {
    {"loss", offsetof(tern_impair_config, loss_ppm), 10000u, 1000000u},
    {"dup", offsetof(tern_impair_config, dup_ppm), 10000u, 1000000u},
    {"reorder", offsetof(tern_impair_config, reorder_ppm), 10000u, 1000000u},
    {"corrupt", offsetof(tern_impair_config, corrupt_ppm), 10000u, 1000000u},
    {"delay", offsetof(tern_impair_config, delay_ms), 1u, 60000u},
    {"jitter", offsetof(tern_impair_config, jitter_ms), 1u, 60000u},
    {"rate", offsetof(tern_impair_config, rate_bps), 1u, 0xFFFFFFFFu},
    {"seed", offsetof(tern_impair_config, seed), 1u, 0xFFFFFFFFu},
};

bool tern_impair_parse(const char *text, tern_impair_config *cfg, const char **bad) {
    memset(cfg, 0, sizeof *cfg);
    const char *p = text;
    while (p && *p) {
        const char *item = p;
        const impair_key *k = NULL;
        for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
            size_t n = strlen(keys[i].name);
            if (strncmp(p, keys[i].name, n) == 0 && p[n] == '=') {
                k = &keys[i];
                p += n + 1;
                break;
            }
        }
        uint32_t v;
        if (!k || !parse_uint(&p, &v, k->scale) || v > k->max || (*p && *p != ',')) {
            if (bad)
                *bad = item;
            return false;
        }
        memcpy((uint8_t *)cfg + k->offset, &v, sizeof v);
        if (*p == ',')
            p++;
    }
    return true;
}
