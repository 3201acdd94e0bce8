/* CMSDK APB UART0: the console. Polled both ways; the receive side holds one
 * byte, so the loop must read it often (QEMU holds the rest back). */
#include <string.h>

#include "board.h"

#define UART_DATA (*(volatile uint32_t *)(BOARD_UART0_BASE + 0x00u))
#define UART_STATE (*(volatile uint32_t *)(BOARD_UART0_BASE + 0x04u))
#define UART_CTRL (*(volatile uint32_t *)(BOARD_UART0_BASE + 0x08u))
#define UART_BAUDDIV (*(volatile uint32_t *)(BOARD_UART0_BASE + 0x10u))
#define STATE_TX_FULL 0x1u
#define STATE_RX_FULL 0x2u
#define CTRL_TX_EN 0x1u
#define CTRL_RX_EN 0x2u
#define BAUD 115200u

void board_uart_init(void) {
    UART_BAUDDIV = BOARD_SYSCLK_HZ / BAUD;
    UART_CTRL = CTRL_TX_EN | CTRL_RX_EN;
}

void board_uart_putc(char c) {
    while (UART_STATE & STATE_TX_FULL) {
    }
    UART_DATA = (uint8_t)c;
}

void board_uart_write(const char *s, size_t n) {
    while (n--)
        board_uart_putc(*s++);
}

void board_uart_puts(const char *s) {
    board_uart_write(s, strlen(s));
}

int board_uart_getc(void) {
    if ((UART_STATE & STATE_RX_FULL) == 0)
        return -1;
    return (int)(UART_DATA & 0xFFu);
}
