/*
 * POSIX clock and randomness for Tern.
 *
 *   uint32_t now = tern_posix_now_ms();          // monotonic, wraps after ~49 days
 *   tern_posix_rng rng;
 *   tern_posix_rng_open(&rng);
 *   tern_stack_set_random(&stack, tern_posix_random, &rng);
 */
#ifndef TERN_CLOCK_H
#define TERN_CLOCK_H

#include <stddef.h>
#include <stdint.h>

/* Milliseconds from CLOCK_MONOTONIC, truncated to 32 bits (the stack's clock
 * is a wrapping counter). */
uint32_t tern_posix_now_ms(void);

/* Wall-clock time in seconds and microseconds (for capture timestamps). */
void tern_posix_wallclock(uint32_t *sec, uint32_t *usec);

#define TERN_POSIX_RNG_BUF 64

/* A /dev/urandom-backed random source, buffered. Falls back to a xorshift
 * generator seeded from the clock if the device cannot be read. */
typedef struct tern_posix_rng {
    int fd;
    uint16_t avail; /* unread bytes at the end of buf */
    uint32_t fallback;
    uint8_t buf[TERN_POSIX_RNG_BUF];
} tern_posix_rng;

/* Returns 0, or -errno if /dev/urandom could not be opened (the fallback is
 * then used; the rng is usable either way). */
int tern_posix_rng_open(tern_posix_rng *rng);
void tern_posix_rng_close(tern_posix_rng *rng);
/* Fill dst with len random bytes. */
void tern_posix_rng_bytes(tern_posix_rng *rng, void *dst, size_t len);
/* A tern_random_fn (stack.h): ctx is a tern_posix_rng. */
uint32_t tern_posix_random(void *ctx);

#endif
