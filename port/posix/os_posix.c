/*
 * The OS port interface (include/tern/os.h) on POSIX threads: the worked
 * example for RTOS ports. Condition waits use CLOCK_MONOTONIC deadlines.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/random.h>
#include <sys/types.h>
#include <time.h>

#include "tern/os.h"
#include "tern_clock.h"

_Static_assert(sizeof(pthread_mutex_t) <= TERN_CFG_OS_MUTEX_SIZE, "tern: raise TERN_CFG_OS_MUTEX_SIZE");
_Static_assert(sizeof(pthread_cond_t) <= TERN_CFG_OS_COND_SIZE, "tern: raise TERN_CFG_OS_COND_SIZE");

static pthread_mutex_t *pm(tern_os_mutex *m) {
    return (pthread_mutex_t *)(void *)m->storage;
}

static pthread_cond_t *pc(tern_os_cond *c) {
    return (pthread_cond_t *)(void *)c->storage;
}

int tern_os_mutex_init(tern_os_mutex *m) {
    return pthread_mutex_init(pm(m), NULL) ? -1 : 0;
}

void tern_os_mutex_destroy(tern_os_mutex *m) {
    pthread_mutex_destroy(pm(m));
}

void tern_os_mutex_lock(tern_os_mutex *m) {
    pthread_mutex_lock(pm(m));
}

void tern_os_mutex_unlock(tern_os_mutex *m) {
    pthread_mutex_unlock(pm(m));
}

int tern_os_cond_init(tern_os_cond *c) {
    pthread_condattr_t a;
    if (pthread_condattr_init(&a))
        return -1;
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    int r = pthread_cond_init(pc(c), &a);
    pthread_condattr_destroy(&a);
    return r ? -1 : 0;
}

void tern_os_cond_destroy(tern_os_cond *c) {
    pthread_cond_destroy(pc(c));
}

bool tern_os_cond_wait(tern_os_cond *c, tern_os_mutex *m, uint32_t timeout_ms) {
    if (timeout_ms == TERN_OS_WAIT_FOREVER)
        return pthread_cond_wait(pc(c), pm(m)) == 0;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += (time_t)(timeout_ms / 1000u);
    ts.tv_nsec += (long)(timeout_ms % 1000u) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return pthread_cond_timedwait(pc(c), pm(m), &ts) != ETIMEDOUT;
}

void tern_os_cond_signal(tern_os_cond *c) {
    pthread_cond_signal(pc(c));
}

void tern_os_cond_broadcast(tern_os_cond *c) {
    pthread_cond_broadcast(pc(c));
}

/* pthread_create wants void *(*)(void *): a small trampoline. The start
 * record lives in the caller's tern_os_thread storage (after the pthread_t). */
typedef struct start_rec {
    tern_os_thread_fn fn;
    void *arg;
} start_rec;

typedef struct thread_rec {
    pthread_t tid;
    start_rec start;
} thread_rec;

_Static_assert(sizeof(thread_rec) <= TERN_CFG_OS_THREAD_SIZE, "tern: raise TERN_CFG_OS_THREAD_SIZE");

static void *trampoline(void *arg) {
    start_rec *r = arg;
    r->fn(r->arg);
    return NULL;
}

int tern_os_thread_start(tern_os_thread *t, const char *name, tern_os_thread_fn fn, void *arg) {
    (void)name;
    thread_rec *r = (thread_rec *)(void *)t->storage;
    r->start.fn = fn;
    r->start.arg = arg;
    return pthread_create(&r->tid, NULL, trampoline, &r->start) ? -1 : 0;
}

void tern_os_thread_join(tern_os_thread *t) {
    thread_rec *r = (thread_rec *)(void *)t->storage;
    pthread_join(r->tid, NULL);
}

uint32_t tern_os_now_ms(void) {
    return tern_posix_now_ms();
}

/* Stateless: the kernel's generator, with a clock-derived value if it fails. */
uint32_t tern_os_random(void) {
    uint32_t v;
    if (getrandom(&v, sizeof(v), 0) == (ssize_t)sizeof(v))
        return v;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    v = (uint32_t)ts.tv_nsec * 2654435761u ^ (uint32_t)ts.tv_sec;
    return v;
}

/* TERN_E* names to the C library's values of the same names. */
static const struct {
    uint8_t tern;
    int host;
} errno_map[] = {
    {TERN_EACCES, EACCES},
    {TERN_EADDRINUSE, EADDRINUSE},
    {TERN_EADDRNOTAVAIL, EADDRNOTAVAIL},
    {TERN_EAFNOSUPPORT, EAFNOSUPPORT},
    {TERN_EAGAIN, EAGAIN},
    {TERN_EALREADY, EALREADY},
    {TERN_EBADF, EBADF},
    {TERN_ECONNABORTED, ECONNABORTED},
    {TERN_ECONNREFUSED, ECONNREFUSED},
    {TERN_ECONNRESET, ECONNRESET},
    {TERN_EDESTADDRREQ, EDESTADDRREQ},
    {TERN_EDOM, EDOM},
    {TERN_EFAULT, EFAULT},
    {TERN_EHOSTDOWN, EHOSTDOWN},
    {TERN_EHOSTUNREACH, EHOSTUNREACH},
    {TERN_EINPROGRESS, EINPROGRESS},
    {TERN_EINTR, EINTR},
    {TERN_EINVAL, EINVAL},
    {TERN_EIO, EIO},
    {TERN_EISCONN, EISCONN},
    {TERN_EMFILE, EMFILE},
    {TERN_EMSGSIZE, EMSGSIZE},
    {TERN_ENETDOWN, ENETDOWN},
    {TERN_ENETRESET, ENETRESET},
    {TERN_ENETUNREACH, ENETUNREACH},
    {TERN_ENFILE, ENFILE},
    {TERN_ENOBUFS, ENOBUFS},
    {TERN_ENODEV, ENODEV},
    {TERN_ENOENT, ENOENT},
    {TERN_ENOMEM, ENOMEM},
    {TERN_ENOPROTOOPT, ENOPROTOOPT},
    {TERN_ENOSPC, ENOSPC},
    {TERN_ENOSYS, ENOSYS},
    {TERN_ENOTCONN, ENOTCONN},
    {TERN_ENOTSOCK, ENOTSOCK},
    {TERN_ENOTTY, ENOTTY},
    {TERN_EOPNOTSUPP, EOPNOTSUPP},
    {TERN_EPERM, EPERM},
    {TERN_EPFNOSUPPORT, EPFNOSUPPORT},
    {TERN_EPIPE, EPIPE},
    {TERN_EPROTO, EPROTO},
    {TERN_EPROTONOSUPPORT, EPROTONOSUPPORT},
    {TERN_EPROTOTYPE, EPROTOTYPE},
    {TERN_ERANGE, ERANGE},
    {TERN_ESHUTDOWN, ESHUTDOWN},
    {TERN_ESOCKTNOSUPPORT, ESOCKTNOSUPPORT},
    {TERN_ETIMEDOUT, ETIMEDOUT},
};

void tern_os_set_errno(int tern_errno) {
    for (size_t i = 0; i < sizeof(errno_map) / sizeof(errno_map[0]); i++) {
        if (errno_map[i].tern == tern_errno) {
            errno = errno_map[i].host;
            return;
        }
    }
    errno = tern_errno; /* unknown: pass the number on */
}
