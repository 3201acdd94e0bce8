/*
 * An iperf2-compatible TCP throughput tool on the callback API: a server
 * that takes a stream and counts it (Linux `iperf -c` can drive it), and a
 * client that sends a stream for a time or a byte count (to Linux `iperf
 * -s`). Both report bytes and milliseconds through a callback.
 */
#ifndef TERN_IPERF_H
#define TERN_IPERF_H

#include <stdbool.h>
#include <stdint.h>

#include "tern/addr.h"
#include "tern/config.h"
#include "tern/err.h"
#include "tern/tcp.h"

struct tern_stack;

#define TERN_IPERF_PORT 5001
#define TERN_IPERF_SESSIONS 4

typedef struct tern_iperf_report {
    uint64_t bytes;
    uint32_t ms;
    tern_err err; /* TERN_OK, or why the transfer ended early */
    bool client;  /* sent (client) or received (server) */
} tern_iperf_report;

typedef void (*tern_iperf_fn)(void *ctx, const tern_iperf_report *r);

#if TERN_CFG_TCP
typedef struct tern_iperf_session {
    struct tern_iperf_server *server;
    tern_tcp_pcb *pcb;
    uint64_t bytes;
    uint32_t start;
} tern_iperf_session;

typedef struct tern_iperf_server {
    struct tern_stack *stack;
    tern_tcp_listener *listener;
    tern_iperf_fn cb;
    void *ctx;
    tern_iperf_session sessions[TERN_IPERF_SESSIONS];
} tern_iperf_server;

typedef struct tern_iperf_client {
    struct tern_stack *stack;
    tern_tcp_pcb *pcb;
    tern_iperf_fn cb;
    void *ctx;
    uint64_t sent, limit; /* limit 0: run for duration_ms */
    uint32_t start, duration_ms;
    bool stopping, active;
} tern_iperf_client;

/* Accept streams on port (0: 5001); cb runs as each one ends. */
tern_err tern_iperf_server_start(struct tern_stack *s, tern_iperf_server *srv, uint16_t port,
                                 tern_iperf_fn cb, void *ctx);
void tern_iperf_server_stop(tern_iperf_server *srv);
/* Send to dst:port (0: 5001) for duration_ms, or bytes if non-zero. */
tern_err tern_iperf_client_start(struct tern_stack *s, tern_iperf_client *c, const tern_addr *dst,
                                 uint16_t port, uint32_t duration_ms, uint64_t bytes, tern_iperf_fn cb,
                                 void *ctx);
void tern_iperf_client_stop(tern_iperf_client *c);
#endif

#endif
