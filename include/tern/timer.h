/*
 * Deadline timers (tickless). A module embeds a tern_timer in its state and
 * arms it; tern_stack_poll() runs the due ones and reports when the next one
 * is due. Time is a wrapping 32-bit millisecond counter given by the caller.
 */
#ifndef TERN_TIMER_H
#define TERN_TIMER_H

#include <stdbool.h>
#include <stdint.h>

struct tern_stack;
struct tern_timer;

typedef void (*tern_timer_fn)(struct tern_stack *s, struct tern_timer *t);

typedef struct tern_timer {
    struct tern_timer *next;
    uint32_t due;
    tern_timer_fn fn;
} tern_timer;

/* Prepare a timer (not armed). */
void tern_timer_init(tern_timer *t, tern_timer_fn fn);
/* (Re)arm t to fire delay_ms after the stack's current time. */
void tern_timer_arm(struct tern_stack *s, tern_timer *t, uint32_t delay_ms);
/* Disarm t if armed. */
void tern_timer_cancel(struct tern_stack *s, tern_timer *t);
bool tern_timer_armed(const struct tern_stack *s, const tern_timer *t);

/* True if time a is before time b (wrap-safe). */
static inline bool tern_time_before(uint32_t a, uint32_t b) {
    return (int32_t)(a - b) < 0;
}

#endif
