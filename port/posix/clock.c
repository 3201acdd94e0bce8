/* Monotonic millisecond clock and /dev/urandom random source (POSIX port). */
#include "tern_clock.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

uint32_t tern_posix_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t ms = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
    return (uint32_t)ms;
}

void tern_posix_wallclock(uint32_t *sec, uint32_t *usec) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    *sec = (uint32_t)ts.tv_sec;
    *usec = (uint32_t)(ts.tv_nsec / 1000);
}

static uint32_t fallback_next(tern_posix_rng *rng) {
    uint32_t x = rng->fallback;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    rng->fallback = x;
    return x;
}

static void seed_fallback(tern_posix_rng *rng) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    rng->fallback = (uint32_t)ts.tv_nsec ^ ((uint32_t)ts.tv_sec << 16) ^ (uint32_t)getpid();
    if (rng->fallback == 0)
        rng->fallback = 0x6d2b79f5u;
}

int tern_posix_rng_open(tern_posix_rng *rng) {
    memset(rng, 0, sizeof(*rng));
    seed_fallback(rng);
    rng->fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    return rng->fd < 0 ? -errno : 0;
}

void tern_posix_rng_close(tern_posix_rng *rng) {
    if (rng->fd >= 0)
        close(rng->fd);
    rng->fd = -1;
    rng->avail = 0;
}

/* Refill the buffer from the device; false if it cannot be read. */
static int refill(tern_posix_rng *rng) {
    if (rng->fd < 0)
        return 0;
    ssize_t n;
    do {
        n = read(rng->fd, rng->buf, sizeof(rng->buf));
    } while (n < 0 && errno == EINTR);
    if (n <= 0)
        return 0;
    /* Keep the unread bytes at the end of buf. */
    if ((size_t)n < sizeof(rng->buf))
        memmove(rng->buf + sizeof(rng->buf) - (size_t)n, rng->buf, (size_t)n);
    rng->avail = (uint16_t)n;
    return 1;
}

void tern_posix_rng_bytes(tern_posix_rng *rng, void *dst, size_t len) {
    uint8_t *out = dst;
    while (len > 0) {
        if (rng->avail == 0 && !refill(rng)) {
            uint32_t r = fallback_next(rng);
            size_t k = len < sizeof(r) ? len : sizeof(r);
            memcpy(out, &r, k);
            out += k;
            len -= k;
            continue;
        }
        size_t k = len < rng->avail ? len : rng->avail;
        memcpy(out, rng->buf + sizeof(rng->buf) - rng->avail, k);
        rng->avail = (uint16_t)(rng->avail - k);
        out += k;
        len -= k;
    }
}

uint32_t tern_posix_random(void *ctx) {
    uint8_t b[4];
    tern_posix_rng_bytes(ctx, b, sizeof(b));
    return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
}
