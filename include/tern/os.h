/*
 * The OS port interface: what an RTOS (or POSIX) port supplies so that the
 * sockets layer (include/tern/sockets.h) can be used from several threads.
 * The core never calls any of this: a bare-metal build with the callback API
 * links none of it.
 *
 * A port implements every function below (port/posix/os_posix.c is the
 * worked example, with pthreads). Objects are stored by the caller in opaque,
 * suitably aligned storage whose size the configuration gives
 * (TERN_CFG_OS_MUTEX_SIZE, TERN_CFG_OS_COND_SIZE): no heap is needed, and the
 * port checks at compile time that its native objects fit.
 *
 * Semantics:
 *   mutex  non-recursive; lock/unlock from threads only (never an ISR).
 *   cond   a condition variable tied to a mutex: tern_os_cond_wait atomically
 *          releases the mutex while it waits and holds it again on return.
 *          Spurious wakeups are allowed; callers re-check their predicate.
 *          An RTOS without condition variables builds one from a semaphore
 *          per waiter (see docs/PORTING.md).
 *   thread a detached or joinable thread running fn(arg).
 *   time   a monotonic millisecond counter (wraps after ~49 days).
 *   random 32 random bits (a TRNG where there is one).
 */
#ifndef TERN_OS_H
#define TERN_OS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tern/config.h"

/* Wait forever (tern_os_cond_wait timeout). */
#define TERN_OS_WAIT_FOREVER UINT32_MAX

typedef union tern_os_mutex {
    unsigned char storage[TERN_CFG_OS_MUTEX_SIZE];
    void *align_p;
    uint64_t align_u;
} tern_os_mutex;

typedef union tern_os_cond {
    unsigned char storage[TERN_CFG_OS_COND_SIZE];
    void *align_p;
    uint64_t align_u;
} tern_os_cond;

typedef union tern_os_thread {
    unsigned char storage[TERN_CFG_OS_THREAD_SIZE];
    void *align_p;
    uint64_t align_u;
} tern_os_thread;

typedef void (*tern_os_thread_fn)(void *arg);

/* All return 0 on success, a negative value on failure. */
int tern_os_mutex_init(tern_os_mutex *m);
void tern_os_mutex_destroy(tern_os_mutex *m);
void tern_os_mutex_lock(tern_os_mutex *m);
void tern_os_mutex_unlock(tern_os_mutex *m);

int tern_os_cond_init(tern_os_cond *c);
void tern_os_cond_destroy(tern_os_cond *c);
/* Wait until signalled or timeout_ms pass (TERN_OS_WAIT_FOREVER: no limit);
 * m is held on entry and on return. Returns false on timeout. */
bool tern_os_cond_wait(tern_os_cond *c, tern_os_mutex *m, uint32_t timeout_ms);
void tern_os_cond_signal(tern_os_cond *c);
void tern_os_cond_broadcast(tern_os_cond *c);

/* Start fn(arg) in a new thread; tern_os_thread_join waits for it to end. */
int tern_os_thread_start(tern_os_thread *t, const char *name, tern_os_thread_fn fn, void *arg);
void tern_os_thread_join(tern_os_thread *t);

uint32_t tern_os_now_ms(void);
uint32_t tern_os_random(void);

#endif
