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

/* ---- errno values -------------------------------------------------------------
 * The POSIX names with Linux's numbers. The sockets layer reports them through
 * the port (tern_os_set_errno), which stores the C library's own value of the
 * same name in errno: callers compare errno with <errno.h>'s names as usual;
 * a target without <errno.h> can use these. */
#define TERN_EPERM 1
#define TERN_ENOENT 2
#define TERN_EINTR 4
#define TERN_EIO 5
#define TERN_EBADF 9
#define TERN_EAGAIN 11
#define TERN_ENOMEM 12
#define TERN_EACCES 13
#define TERN_ENODEV 19
#define TERN_EFAULT 14
#define TERN_EINVAL 22
#define TERN_ENFILE 23
#define TERN_EMFILE 24
#define TERN_ENOTTY 25
#define TERN_ENOSPC 28
#define TERN_EPIPE 32
#define TERN_EDOM 33
#define TERN_ERANGE 34
#define TERN_ENOSYS 38
#define TERN_EPROTO 71
#define TERN_ENOTSOCK 88
#define TERN_EDESTADDRREQ 89
#define TERN_EMSGSIZE 90
#define TERN_EPROTOTYPE 91
#define TERN_ENOPROTOOPT 92
#define TERN_EPROTONOSUPPORT 93
#define TERN_ESOCKTNOSUPPORT 94
#define TERN_EOPNOTSUPP 95
#define TERN_EPFNOSUPPORT 96
#define TERN_EAFNOSUPPORT 97
#define TERN_EADDRINUSE 98
#define TERN_EADDRNOTAVAIL 99
#define TERN_ENETDOWN 100
#define TERN_ENETUNREACH 101
#define TERN_ENETRESET 102
#define TERN_ECONNABORTED 103
#define TERN_ECONNRESET 104
#define TERN_ENOBUFS 105
#define TERN_EISCONN 106
#define TERN_ENOTCONN 107
#define TERN_ESHUTDOWN 108
#define TERN_ETIMEDOUT 110
#define TERN_ECONNREFUSED 111
#define TERN_EHOSTDOWN 112
#define TERN_EHOSTUNREACH 113
#define TERN_EALREADY 114
#define TERN_EINPROGRESS 115
#define TERN_EWOULDBLOCK TERN_EAGAIN

/* Store the C library's errno value named like tern_errno (a TERN_E*
 * value) in the calling thread's errno. */
void tern_os_set_errno(int tern_errno);

#endif
