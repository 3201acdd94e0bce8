/*
 * The Tern firmware for mps2-an386: the stack on the LAN9118 with a line
 * shell on UART0. State lives in one static object (no heap).
 */
#ifndef TERN_FW_H
#define TERN_FW_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lan9118.h"
#include "shell.h"
#include "tern/tern.h"

#define FW_LINE_MAX 256u
#define FW_OUT_MAX 400u /* longest console line (a shell line shows up to 200 bytes of data) */
#define FW_RX_BATCH 16u
#define FW_LINK_POLL_MS 500u

/* Instruction counting: core clock ticks spent handling received frames. */
typedef struct fw_perf {
    uint64_t rx_ticks;
    uint32_t rx_frames, rx_calls;
} fw_perf;

typedef struct fw {
    tern_stack stack;
    tern_netif nif;
    lan9118 eth;
    char ifname[8];
    /* options from the command line */
    tern_addr ip, gw;
    uint8_t prefix;
    bool has_gw, has_mac, dhcp_opt, autoip_opt, echo;
    uint8_t mac[6];
    tern_addr dns[TERN_CFG_DNS_SERVERS];
    unsigned dns_count;
    /* shell: the line being typed, and the commands' state (sh.quit ends the firmware) */
    char in[FW_LINE_MAX + 1];
    size_t in_len;
    bool in_overflow;
    sh_shell sh;
    fw_perf perf;
    uint32_t next_link_poll;
} fw;

/* main.c: formatted output on the console (no heap: a fixed buffer, long lines cut). */
void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fw_vout(const char *fmt, va_list ap);

/* fmt.c: printf's subset (%d %u %x %s %c, '-', '0', width, .prec for %s). */
size_t fw_vformat(char *buf, size_t size, const char *fmt, va_list ap);
size_t fw_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* shell.c: the shell on the UART (the commands are apps/shell's, plus mem, perf, fault). */
void shell_init(fw *f);
/* One byte from the UART; a complete line runs at once (the loop stops reading
 * the UART while a command is pending: QEMU and the UART hold the rest back). */
void shell_input(fw *f, int c);

#endif
