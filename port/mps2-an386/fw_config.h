/*
 * Tern configuration of the mps2-an386 firmware: the "typical" preset plus
 * what the firmware's shell and tests need, and the shell's own sizes.
 * Everything else is typical.h.
 */
#ifndef TERN_FW_CONFIG_H
#define TERN_FW_CONFIG_H

#include "../../configs/typical.h"

/* The shell's `ping` (the tests ping Linux from the firmware). */
#undef TERN_CFG_PING
#define TERN_CFG_PING 1
/* .local names by one-shot mDNS (typical leaves them out; the firmware's
 * `dns` command and its DNS tests use them). */
#undef TERN_CFG_DNS_MDNS
#define TERN_CFG_DNS_MDNS 1
/* Counters per protocol and drop reason: the shell's `stats`, and the
 * hostile-input tests check them. */
#undef TERN_CFG_STATS
#define TERN_CFG_STATS 1

/* The shell (apps/shell/shell.h): connections `tcp connect` holds and
 * group:port endpoints `mcast join` holds (the pools have 5 TCP and 4 UDP
 * endpoints, two of those for the echo and discard services). */
#define SH_TCP_CONNS 4
#define SH_MCAST_MAX 2

#endif
