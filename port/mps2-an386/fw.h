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
#include "shell_line.h"
#include "tern/tern.h"

#define FW_LINE_MAX 256u
#define FW_OUT_MAX 400u /* longest console line (a shell line shows up to 200 bytes of data) */
#define FW_RX_BATCH 16u
#define FW_LINK_POLL_MS 500u
#define FW_MCAST_MAX 2u
#define FW_TCP_CONNS 4u
#define FW_DHCP_HOSTNAME "tern"
#define FW_DHCP_AUTOIP_AFTER_S 10u

typedef struct fw_ping {
    tern_ping ping;
    bool active;
    tern_addr dst;
    uint16_t count, size;
    uint32_t deadline;
    uint32_t rtt_min, rtt_max, rtt_sum;
} fw_ping;

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
    /* shell */
    char in[FW_LINE_MAX + 1];
    size_t in_len;
    bool in_overflow;
    bool quit;
    bool ready_printed;
    fw_ping ping;
    tern_udp_pcb *udp;
    tern_iperf_server iperf;
    bool iperf_on;
#if TERN_CFG_DHCP
    tern_dhcp dhcp;
    bool dhcp_on;
#endif
#if TERN_CFG_AUTOIP
    tern_autoip autoip;
    bool autoip_on;
#endif
    struct fw_mcast {
        tern_udp_pcb *pcb; /* NULL: free */
        tern_addr group;
        uint16_t port;
    } mcast[FW_MCAST_MAX];
    /* tcp connect/send/close (shell_net.c) */
    struct fw_tcp {
        struct fw *f;
        tern_tcp_pcb *pcb; /* NULL: free slot */
        bool connecting, echo;
    } tcp[FW_TCP_CONNS];
    tern_iperf_client iperf_cli;
    bool iperf_cli_on;
    struct fw_dns {
        bool active, done;
        tern_err err;
        uint32_t deadline;
    } dns_q;
    fw_perf perf;
    uint32_t next_link_poll;
} fw;

/* shell_net.c: the commands that talk over the network (tcp, iperf client,
 * dns, mcast send), as the host program has them. */
cmd_result fw_cmd_tcp(fw *f, int argc, char **argv, char *err, size_t errlen);
cmd_result fw_cmd_iperf_client(fw *f, int argc, char **argv, char *err, size_t errlen);
cmd_result fw_cmd_dns(fw *f, int argc, char **argv, char *err, size_t errlen);
cmd_result fw_mcast_send(fw *f, const tern_addr *group, uint16_t port, const char *text, char *err,
                         size_t errlen);
bool fw_net_busy(const fw *f);
void fw_net_check(fw *f, uint32_t now);

/* main.c */
void fw_print_ready(fw *f);
/* Formatted output on the console (no heap: a fixed buffer, long lines cut). */
void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* fmt.c: printf's subset (%d %u %x %s %c, '-', '0', width, .prec for %s). */
size_t fw_vformat(char *buf, size_t size, const char *fmt, va_list ap);
size_t fw_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* main.c: the shared shell views (apps/shell/shell_show.h) print to the UART. */
struct sh_out;
extern const struct sh_out fw_out;

/* shell.c */
/* One byte from the UART; a complete line runs at once (the loop stops reading
 * the UART while a command is pending: QEMU and the UART hold the rest back). */
void shell_input(fw *f, int c);
bool shell_busy(const fw *f);
void shell_check(fw *f, uint32_t now);
void shell_print_stats(fw *f, bool nonzero_only);
cmd_result cmd_dhcp(fw *f, int argc, char **argv, char *err, size_t errlen);

#endif
