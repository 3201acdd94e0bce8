/*
 * The OS port interface (include/tern/os.h) on POSIX threads: the worked
 * example for RTOS ports. Condition waits use CLOCK_MONOTONIC deadlines.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
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

/* One process-wide generator (port state, not core state), behind a lock. */
static pthread_mutex_t rng_lock = PTHREAD_MUTEX_INITIALIZER;
static tern_posix_rng rng;
static int rng_opened;

uint32_t tern_os_random(void) {
    pthread_mutex_lock(&rng_lock);
    if (!rng_opened) {
        tern_posix_rng_open(&rng);
        rng_opened = 1;
    }
    uint32_t v = tern_posix_random(&rng);
    pthread_mutex_unlock(&rng_lock);
    return v;
}

void tern_os_set_errno(int tern_errno) {
    switch (tern_errno) {
    case TERN_EACCES:
        errno = EACCES;
        return;
    case TERN_EADDRINUSE:
        errno = EADDRINUSE;
        return;
    case TERN_EADDRNOTAVAIL:
        errno = EADDRNOTAVAIL;
        return;
    case TERN_EAFNOSUPPORT:
        errno = EAFNOSUPPORT;
        return;
    case TERN_EAGAIN:
        errno = EAGAIN;
        return;
    case TERN_EALREADY:
        errno = EALREADY;
        return;
    case TERN_EBADF:
        errno = EBADF;
        return;
    case TERN_ECONNABORTED:
        errno = ECONNABORTED;
        return;
    case TERN_ECONNREFUSED:
        errno = ECONNREFUSED;
        return;
    case TERN_ECONNRESET:
        errno = ECONNRESET;
        return;
    case TERN_EDESTADDRREQ:
        errno = EDESTADDRREQ;
        return;
    case TERN_EDOM:
        errno = EDOM;
        return;
    case TERN_EFAULT:
        errno = EFAULT;
        return;
    case TERN_EHOSTDOWN:
        errno = EHOSTDOWN;
        return;
    case TERN_EHOSTUNREACH:
        errno = EHOSTUNREACH;
        return;
    case TERN_EINPROGRESS:
        errno = EINPROGRESS;
        return;
    case TERN_EINTR:
        errno = EINTR;
        return;
    case TERN_EINVAL:
        errno = EINVAL;
        return;
    case TERN_EIO:
        errno = EIO;
        return;
    case TERN_EISCONN:
        errno = EISCONN;
        return;
    case TERN_EMFILE:
        errno = EMFILE;
        return;
    case TERN_EMSGSIZE:
        errno = EMSGSIZE;
        return;
    case TERN_ENETDOWN:
        errno = ENETDOWN;
        return;
    case TERN_ENETRESET:
        errno = ENETRESET;
        return;
    case TERN_ENETUNREACH:
        errno = ENETUNREACH;
        return;
    case TERN_ENFILE:
        errno = ENFILE;
        return;
    case TERN_ENOBUFS:
        errno = ENOBUFS;
        return;
    case TERN_ENOENT:
        errno = ENOENT;
        return;
    case TERN_ENOMEM:
        errno = ENOMEM;
        return;
    case TERN_ENOPROTOOPT:
        errno = ENOPROTOOPT;
        return;
    case TERN_ENOSPC:
        errno = ENOSPC;
        return;
    case TERN_ENOSYS:
        errno = ENOSYS;
        return;
    case TERN_ENOTCONN:
        errno = ENOTCONN;
        return;
    case TERN_ENOTSOCK:
        errno = ENOTSOCK;
        return;
    case TERN_ENOTTY:
        errno = ENOTTY;
        return;
    case TERN_EOPNOTSUPP:
        errno = EOPNOTSUPP;
        return;
    case TERN_EPERM:
        errno = EPERM;
        return;
    case TERN_EPFNOSUPPORT:
        errno = EPFNOSUPPORT;
        return;
    case TERN_EPIPE:
        errno = EPIPE;
        return;
    case TERN_EPROTO:
        errno = EPROTO;
        return;
    case TERN_EPROTONOSUPPORT:
        errno = EPROTONOSUPPORT;
        return;
    case TERN_EPROTOTYPE:
        errno = EPROTOTYPE;
        return;
    case TERN_ERANGE:
        errno = ERANGE;
        return;
    case TERN_ESHUTDOWN:
        errno = ESHUTDOWN;
        return;
    case TERN_ESOCKTNOSUPPORT:
        errno = ESOCKTNOSUPPORT;
        return;
    case TERN_ETIMEDOUT:
        errno = ETIMEDOUT;
        return;
    default:
        errno = tern_errno; /* unknown: pass the number on */
        return;
    }
}
