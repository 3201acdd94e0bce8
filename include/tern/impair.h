/*
 * Impairment layer: seeded, deterministic loss, duplication, reordering,
 * corruption, delay and rate limiting on any interface, in either
 * direction. For simulation tests and for demos on a real TAP.
 */
#ifndef TERN_IMPAIR_H
#define TERN_IMPAIR_H

#include <stdbool.h>
#include <stdint.h>

#include "tern/config.h"
#include "tern/pbuf.h"
#include "tern/timer.h"

struct tern_stack;
struct tern_netif;

/* Probabilities are in parts per million (10000 = 1%). */
typedef struct tern_impair_config {
    uint32_t loss_ppm;
    uint32_t dup_ppm;
    uint32_t reorder_ppm; /* chance a frame is held back behind the next ones */
    uint32_t corrupt_ppm; /* chance one random byte is flipped */
    uint32_t delay_ms;    /* fixed delay added to every frame */
    uint32_t jitter_ms;   /* plus a random 0..jitter_ms */
    uint32_t rate_bps;    /* bits per second, 0 = unlimited */
    uint32_t seed;
} tern_impair_config;

typedef struct tern_impair_counters {
    uint32_t passed, lost, duplicated, reordered, corrupted, delayed, overflow;
} tern_impair_counters;

/* A frame held back, and when it is due. */
typedef struct tern_impair_slot {
    tern_pbuf *p;
    uint32_t due;
} tern_impair_slot;

typedef struct tern_impair {
    tern_impair_config cfg;
    tern_impair_counters counters;
    struct tern_netif *nif;
    tern_timer timer;
    uint32_t rng;
    uint32_t busy_until;                              /* rate limiter: link busy until this time ... */
    uint32_t busy_us;                                 /* ... and this many microseconds more (< 1000) */
    tern_impair_slot held[TERN_CFG_IMPAIR_QUEUE_LEN]; /* sorted by due time */
    uint16_t nheld;
    uint8_t outgoing;
} tern_impair;

/* Attach impairments to nif's received (outgoing=false) or sent frames. */
void tern_impair_attach(struct tern_netif *nif, tern_impair *imp, const tern_impair_config *cfg,
                        bool outgoing);
/* Detach and free anything it holds. */
void tern_impair_detach(tern_impair *imp);

/* Parse "loss=5,dup=1,reorder=5,corrupt=1,delay=10,jitter=5,rate=1000000,seed=1"
 * (percentages may have decimals: loss=0.5). Returns false on a syntax error
 * and sets *bad to the offending item. */
bool tern_impair_parse(const char *text, tern_impair_config *cfg, const char **bad);

#endif
