/*
 * Two stack instances on a virtual wire, driven on real time by a core
 * thread, each with a sockets table; one core lock covers both (the wire
 * copies frames between their pools). Used by the sockets conformance suite,
 * stress test, example test and benchmark. No cmocka dependency.
 *
 *   socksim w;
 *   socksim_start(&w);                 // A = 192.0.2.1, B = 192.0.2.2
 *   tern_sockets_set_thread_default(&w.sa);  // sockets on A from this thread
 *   ...
 *   socksim_stop(&w);                  // returns buffers still in use
 */
#ifndef TERN_SOCKSIM_H
#define TERN_SOCKSIM_H

#include <stdint.h>

#include "tern/sockets.h"
#include "tern/stack.h"
#include "tern_vwire.h"

#define SOCKSIM_IP_A 0xC0000201u /* 192.0.2.1 */
#define SOCKSIM_IP_B 0xC0000202u /* 192.0.2.2 */
/* With .ipv6 set: 2001:db8::1 on A, 2001:db8::2 on B (plus link-local). */
#define SOCKSIM_IP6_A "2001:db8::1"
#define SOCKSIM_IP6_B "2001:db8::2"

typedef struct socksim {
    tern_stack *a, *b;
    tern_netif nif_a, nif_b;
    tern_vwire wire;
    tern_os_mutex lock;
    tern_os_cond kick;
    tern_os_thread thread;
    tern_sockets sa, sb;
    int stop, kicked;
    int spin;                        /* benchmarks: the core thread never sleeps (set before start) */
    int ipv6;                        /* set before start: IPv6 addresses too (start waits for DAD) */
    unsigned baseline_a, baseline_b; /* buffers in use once the wire was up */
} socksim;

/* Returns 0, or -1 (message on stderr). */
int socksim_start(socksim *w);
/* Buffers in use on both stacks now (core lock taken). */
unsigned socksim_buffers(socksim *w);
/* Stop the core thread, close every socket, free the stacks. Returns the
 * number of buffers that were still in use after all sockets closed and
 * TCP had time to finish (wait_ms of real time first). */
unsigned socksim_stop(socksim *w, uint32_t wait_ms);

#endif
