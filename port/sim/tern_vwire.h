/*
 * A virtual wire: a broadcast segment joining Ethernet interfaces of several
 * stack instances in one process. Sending copies the frame into each other
 * port's stack pool and queues it; tern_vwire_flush() delivers the queue, so
 * no stack is ever re-entered from another's send. Pair it with a virtual
 * clock and the impairment layer for fast, deterministic multi-host tests.
 */
#ifndef TERN_VWIRE_H
#define TERN_VWIRE_H

#include <stdint.h>

#include "tern/netif.h"

#define TERN_VWIRE_PORTS 8

typedef struct tern_vwire_port {
    tern_netif *nif;
    tern_pbuf *head, *tail; /* frames waiting for delivery to nif */
    uint32_t queued;
} tern_vwire_port;

typedef struct tern_vwire {
    tern_vwire_port ports[TERN_VWIRE_PORTS];
    unsigned nports;
    uint32_t frames, drops; /* frames carried; copies lost for lack of buffers */
    uint32_t max_queue;     /* frames a port may have waiting (default 1024) */
    /* The driver operations of its interfaces, kept in the wire (a const
     * table of function pointers would be writable data in a
     * position-independent build). */
    tern_netif_ops ops;
} tern_vwire;

void tern_vwire_init(tern_vwire *w);
/* Initialise nif as an Ethernet interface on w with the given MAC. The
 * caller still adds it to its stack and configures it. */
int tern_vwire_attach(tern_vwire *w, tern_netif *nif, const char *name, const uint8_t mac[6]);
/* Deliver every frame queued so far. Returns the number delivered. */
unsigned tern_vwire_flush(tern_vwire *w);
/* Free queued frames (before the stacks are torn down). */
void tern_vwire_clear(tern_vwire *w);

#endif
