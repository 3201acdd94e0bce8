/* Small classic services over the callback API: UDP echo (7) and discard (9). */
#ifndef TERN_ECHO_H
#define TERN_ECHO_H

#include "tern/config.h"
#include "tern/err.h"

struct tern_stack;

/* Start UDP echo on port 7 and discard on port 9. */
tern_err tern_echo_start(struct tern_stack *s);

#endif
