/* ARM semihosting (QEMU -semihosting-config enable=on,arg=...): the firmware's
 * command line and its exit status. Without a debugger or QEMU's semihosting
 * a BKPT would fault, so the firmware is always started with it on (see
 * docs/FIRMWARE.md). */
#include <string.h>

#include "board.h"

#define SYS_GET_CMDLINE 0x15u
#define SYS_EXIT 0x18u
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u
#define ADP_STOPPED_RUN_TIME_ERROR 0x20023u

static uint32_t semihost(uint32_t op, void *arg) {
    register uint32_t r0 __asm__("r0") = op;
    register void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

bool board_cmdline(char *buf, size_t size) {
    struct {
        char *buf;
        uint32_t len;
    } block = {buf, (uint32_t)size - 1u};
    memset(buf, 0, size);
    return semihost(SYS_GET_CMDLINE, &block) == 0;
}

_Noreturn void board_exit(int status) {
    for (;;)
        (void)semihost(SYS_EXIT, (void *)(uintptr_t)(status == 0 ? ADP_STOPPED_APPLICATION_EXIT
                                                                 : ADP_STOPPED_RUN_TIME_ERROR));
}
