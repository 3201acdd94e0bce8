/* Small classic services over the callback API: echo (7) and discard (9)
 * over UDP, and over TCP when TCP is compiled in. */
#ifndef TERN_ECHO_H
#define TERN_ECHO_H

#include "tern/config.h"
#include "tern/err.h"

struct tern_stack;

/* Start echo on port 7 and discard on port 9 (UDP, and TCP if present). */
tern_err tern_echo_start(struct tern_stack *s);

#if TERN_CFG_APP_ECHO && TERN_CFG_TCP
struct tern_tcp_pcb;
/* Make a connection of the application's (e.g. one it opened) echo what it
 * receives, as the port 7 service does, and close after the peer closes.
 * The echo takes the connection over: its callbacks are replaced. */
tern_err tern_echo_attach(struct tern_tcp_pcb *pcb);
#endif

#endif
