/*
 * The mps2-an386 board support of the Tern firmware: Cortex-M4 core
 * registers, the CMSDK UART console, the SysTick clock, semihosting (the
 * command line and exit status QEMU passes), the painted stack.
 */
#ifndef TERN_FW_BOARD_H
#define TERN_FW_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Peripherals of the AN386 image (QEMU: -M mps2-an386). */
#define BOARD_UART0_BASE 0x40004000u
#define BOARD_LAN9118_BASE 0x40200000u
#define BOARD_LAN9118_IRQ 13u
#define BOARD_SYSCLK_HZ 25000000u /* core clock; SysTick counts it */

/* Cortex-M4 system control block and friends. */
#define SCB_ICSR (*(volatile uint32_t *)0xE000ED04u)
#define SCB_VTOR (*(volatile uint32_t *)0xE000ED08u)
#define SCB_CCR (*(volatile uint32_t *)0xE000ED14u)
#define SCB_SHCSR (*(volatile uint32_t *)0xE000ED24u)
#define SCB_CFSR (*(volatile uint32_t *)0xE000ED28u)
#define SCB_HFSR (*(volatile uint32_t *)0xE000ED2Cu)
#define SCB_MMFAR (*(volatile uint32_t *)0xE000ED34u)
#define SCB_BFAR (*(volatile uint32_t *)0xE000ED38u)
#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define NVIC_ISER0 (*(volatile uint32_t *)0xE000E100u)
#define CCR_UNALIGN_TRP 0x8u
#define CCR_DIV_0_TRP 0x10u

/* uart.c: polled console (115200 8N1 on real hardware). */
void board_uart_init(void);
void board_uart_putc(char c);
void board_uart_write(const char *s, size_t n);
void board_uart_puts(const char *s);
/* One received byte, or -1. */
int board_uart_getc(void);

/* clock.c: SysTick at 1 kHz. */
void board_clock_init(void);
uint32_t board_millis(void);
/* Core clock ticks since boot (25 MHz; one instruction per 40 ns of virtual time
 * under QEMU -icount shift=0, so a tick stands for 40 instructions). */
uint64_t board_ticks(void);
#define BOARD_INSNS_PER_TICK 40u

/* semihost.c: QEMU's -semihosting-config arg=... and exit status. */
/* The command line (argv[0] first), NUL-terminated; false if there is none. */
bool board_cmdline(char *buf, size_t size);
_Noreturn void board_exit(int status);

/* startup.c */
/* Bytes of the main stack never written since boot (painted pattern intact). */
size_t board_stack_unused(void);
size_t board_stack_size(void);
/* Deliberate faults for the tests: 0 undefined instruction, 1 unaligned word load. */
void board_fault(int kind);
/* The LAN9118 interrupt handler (main.c) only wakes the loop. */
void board_eth_irq(void);

#endif
