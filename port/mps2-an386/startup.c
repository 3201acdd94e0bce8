/*
 * Startup for the mps2-an386 (Cortex-M4): vector table, reset (copy .data,
 * zero .bss, paint the stack, enable the fault handlers and, in the
 * -mno-unaligned-access variant, the UsageFault on unaligned access), and
 * a fault handler that prints the stacked registers and the fault status
 * registers on the UART, a line starting with HARDFAULT first, then exits
 * QEMU with status 1 (semihosting).
 */
#include <stdint.h>

#include "board.h"

#define STACK_PAINT 0xC5A5C5A5u

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _sstack, _estack;
int main(void);
void fw_reset(void);
void fw_fault(void);
void fw_fault_report(const uint32_t *frame, uint32_t exc_return);
void fw_systick(void);
void fw_default_irq(void);
void fw_eth_irq(void);

typedef void (*vector)(void);

__attribute__((section(".vectors"), used)) static const vector vectors[16 + 32] = {
    [0] = (vector)(uintptr_t)&_estack,
    [1] = fw_reset,
    [2] = fw_fault,  /* NMI */
    [3] = fw_fault,  /* HardFault */
    [4] = fw_fault,  /* MemManage */
    [5] = fw_fault,  /* BusFault */
    [6] = fw_fault,  /* UsageFault */
    [11] = fw_fault, /* SVCall: unused */
    [12] = fw_fault, /* DebugMonitor */
    [14] = fw_fault, /* PendSV: unused */
    [15] = fw_systick,
    [16 + BOARD_LAN9118_IRQ] = fw_eth_irq,
};

void fw_default_irq(void) {}

void fw_eth_irq(void) {
    board_eth_irq();
}

static void paint_stack(void) {
    /* Paint below the current stack pointer (reset uses a few words). */
    uint32_t *sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    for (uint32_t *p = &_sstack; p < sp - 16; p++)
        *p = STACK_PAINT;
}

size_t board_stack_unused(void) {
    const uint32_t *p = &_sstack;
    while (p < &_estack && *p == STACK_PAINT)
        p++;
    return (size_t)((uintptr_t)p - (uintptr_t)&_sstack);
}

size_t board_stack_size(void) {
    return (size_t)((uintptr_t)&_estack - (uintptr_t)&_sstack);
}

__attribute__((noreturn)) void fw_reset(void) {
    const uint32_t *src = &_sidata;
    for (uint32_t *dst = &_sdata; dst < &_edata;)
        *dst++ = *src++;
    for (uint32_t *dst = &_sbss; dst < &_ebss;)
        *dst++ = 0;
    paint_stack();
    SCB_VTOR = (uint32_t)(uintptr_t)vectors;
    SCB_SHCSR |= (1u << 16) | (1u << 17) | (1u << 18); /* MemManage, BusFault, UsageFault */
#ifdef FW_UNALIGN_TRP
    SCB_CCR |= CCR_UNALIGN_TRP; /* any unaligned LDR/STR is a UsageFault */
#endif
    SCB_CCR |= CCR_DIV_0_TRP;
    (void)main();
    board_exit(0);
}

/* ---- Faults -------------------------------------------------------------- */

static void put_hex(const char *name, uint32_t v) {
    static const char digits[] = "0123456789abcdef";
    char buf[12];
    board_uart_puts(name);
    buf[0] = '=';
    buf[1] = '0';
    buf[2] = 'x';
    for (int i = 0; i < 8; i++)
        buf[3 + i] = digits[(v >> (28 - 4 * i)) & 0xFu];
    buf[11] = ' ';
    board_uart_write(buf, sizeof buf);
}

void fw_fault_report(const uint32_t *frame, uint32_t exc_return) {
    static const char *const names[16] = {"?",          "?", "NMI",    "HardFault", "MemManage", "BusFault",
                                          "UsageFault", "?", "?",      "?",         "?",         "SVCall",
                                          "DebugMon",   "?", "PendSV", "SysTick"};
    uint32_t exc = SCB_ICSR & 0x1FFu;
    board_uart_puts("\nHARDFAULT ");
    board_uart_puts(exc < 16 ? names[exc] : "IRQ");
    board_uart_puts("\n");
    put_hex("r0", frame[0]);
    put_hex("r1", frame[1]);
    put_hex("r2", frame[2]);
    put_hex("r3", frame[3]);
    put_hex("r12", frame[4]);
    board_uart_puts("\n");
    put_hex("lr", frame[5]);
    put_hex("pc", frame[6]);
    put_hex("xpsr", frame[7]);
    put_hex("exc_return", exc_return);
    board_uart_puts("\n");
    put_hex("CFSR", SCB_CFSR);
    put_hex("HFSR", SCB_HFSR);
    put_hex("MMFAR", SCB_MMFAR);
    put_hex("BFAR", SCB_BFAR);
    board_uart_puts("\nHARDFAULT end\n");
    board_exit(1);
}

/* Pick the stack the exception frame was pushed on, then report in C. */
__attribute__((naked)) void fw_fault(void) {
    __asm__ volatile("tst lr, #4\n"
                     "ite eq\n"
                     "mrseq r0, msp\n"
                     "mrsne r0, psp\n"
                     "mov r1, lr\n"
                     "b fw_fault_report\n");
}

void board_fault(int kind) {
    if (kind == 0) {
        __asm__ volatile("udf #0");
    } else {
        static uint32_t words[2];
        uint32_t v;
        /* An LDR from an odd address: fine without UNALIGN_TRP, a UsageFault with it. */
        __asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"((uintptr_t)words + 1u) : "memory");
        words[0] = v;
    }
}
