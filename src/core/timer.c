/* Deadline timers: a list sorted by due time (see tern/timer.h). */
#include "tern/timer.h"

#include "core/core.h"
#include "tern/stack.h"

void tern_timer_init(tern_timer *t, tern_timer_fn fn) {
    t->next = NULL;
    t->due = 0;
    t->fn = fn;
}

static TERN_NOINLINE void unlink_timer(tern_stack *s, tern_timer *t) {
    for (tern_timer **pp = &s->timers; *pp; pp = &(*pp)->next) {
        if (*pp == t) {
            *pp = t->next;
            t->next = NULL;
            return;
        }
    }
}

void tern_timer_arm(tern_stack *s, tern_timer *t, uint32_t delay_ms) {
    unlink_timer(s, t);
    t->due = s->now + delay_ms;
    tern_timer **pp = &s->timers;
    while (*pp && !tern_time_before(t->due, (*pp)->due))
        pp = &(*pp)->next;
    t->next = *pp;
    *pp = t;
}

void tern_timer_arm_at(tern_stack *s, tern_timer *t, uint32_t due) {
    tern_timer_arm(s, t, tern_time_before(s->now, due) ? due - s->now : 0);
}

void tern_timer_cancel(tern_stack *s, tern_timer *t) {
    unlink_timer(s, t);
}

bool tern_timer_armed(const tern_stack *s, const tern_timer *t) {
    for (const tern_timer *q = s->timers; q; q = q->next)
        if (q == t)
            return true;
    return false;
}

/* Run every timer due at s->now; return ms until the next one. */
uint32_t tern_timers_run(tern_stack *s);
uint32_t tern_timers_run(tern_stack *s) {
    /* A handler may re-arm itself or others; bound the work per call so a
     * zero-delay re-arm cannot spin forever (at most 1024 handlers run; a
     * timer still due then makes the answer 0). */
    for (unsigned budget = 1024;; budget--) {
        tern_timer *t = s->timers;
        if (!t)
            return TERN_POLL_IDLE;
        if (tern_time_before(s->now, t->due))
            return t->due - s->now;
        if (!budget)
            return 0;
        s->timers = t->next;
        t->next = NULL;
        t->fn(s, t);
    }
}
