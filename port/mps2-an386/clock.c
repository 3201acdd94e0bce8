/* SysTick: a 1 ms interrupt counting milliseconds, and the counter's current
 * value for sub-millisecond (instruction-level) measurements. */
#include "board.h"

static volatile uint32_t millis;
static uint64_t last_ticks; /* board_ticks() never goes back */
void fw_systick(void);

#define TICKS_PER_MS (BOARD_SYSCLK_HZ / 1000u)

void fw_systick(void) {
    millis++;
}

void board_clock_init(void) {
    SYST_RVR = TICKS_PER_MS - 1u;
    SYST_CVR = 0;
    SYST_CSR = 0x7u; /* core clock, interrupt, enable */
}

uint32_t board_millis(void) {
    return millis;
}

uint64_t board_ticks(void) {
    uint32_t ms, val;
    do {
        ms = millis;
        val = SYST_CVR;
    } while (ms != millis);
    /* A wrap not yet counted (the interrupt is pending): the value has restarted. */
    if ((SCB_ICSR & (1u << 26)) && val > TICKS_PER_MS / 2u)
        ms++;
    uint64_t t = (uint64_t)ms * TICKS_PER_MS + (TICKS_PER_MS - 1u - val);
    /* QEMU may show the reloaded value before it marks the interrupt pending:
     * time would seem to step back by about 1 ms. The wrap has happened. */
    if (t < last_ticks)
        t += TICKS_PER_MS;
    last_ticks = t;
    return t;
}
