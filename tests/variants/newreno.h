/* Test variant: the host configuration with NewReno congestion control
 * (the host program uses CUBIC), so both algorithms run the TCP tests. */
#ifndef TERN_VARIANT_NEWRENO_H
#define TERN_VARIANT_NEWRENO_H
#include "../../configs/host.h"
#undef TERN_CFG_TCP_CC
#define TERN_CFG_TCP_CC TERN_TCP_CC_NEWRENO
#endif
