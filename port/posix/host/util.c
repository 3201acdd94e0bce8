/* Helpers of the host program: the shell views' output, the clock. */
#include <stdarg.h>
#include <stdio.h>

#include "host.h"

static void vprint_stdout(void *ctx, const char *fmt, va_list ap) {
    (void)ctx;
    vprintf(fmt, ap);
}

const sh_out host_out = {vprint_stdout, NULL};

uint32_t util_now(void) {
    return tern_posix_now_ms();
}
