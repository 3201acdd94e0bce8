/*
 * Tern configuration of the mps2-an386 firmware: the "typical" preset plus
 * what the firmware's shell and tests need. Everything else is typical.h.
 */
#ifndef TERN_FW_CONFIG_H
#define TERN_FW_CONFIG_H

#include "../../configs/typical.h"

/* The shell's `ping` (the tests ping Linux from the firmware). */
#undef TERN_CFG_PING
#define TERN_CFG_PING 1
/* Counters per protocol and drop reason: the shell's `stats`, and the
 * hostile-input tests check them. */
#undef TERN_CFG_STATS
#define TERN_CFG_STATS 1

#endif
