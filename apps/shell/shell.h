/*
 * The shell both programs (the host program, the firmware) run: its commands
 * are written once, here, against a small port interface; each program keeps
 * only what is its own (how lines arrive, its driver's lines, its own
 * commands) and lists every command it offers in one table.
 *
 *   apps/shell/shell.c            dispatch, help, quit, the pending commands' watchdogs
 *   apps/shell/shell_cmd_info.c   ifconfig, arp, route, stats
 *   apps/shell/shell_cmd_net.c    ping, udp
 *   apps/shell/shell_cmd_tcp.c    tcp, iperf
 *   apps/shell/shell_cmd_dns.c    dns
 *   apps/shell/shell_cmd_mcast.c  mcast
 *   apps/shell/shell_cmd_dhcp.c   dhcp, and the --dhcp / --autoip address and "ready" lines
 *
 * A program describes itself in a const sh_port (output, its driver's lines,
 * its command table), keeps an sh_shell in its state object (no heap, no
 * globals), calls sh_init once, then sh_exec per line; sh_busy says whether
 * a command is still pending (further lines wait), sh_check runs the
 * watchdogs. Output formats use only what the firmware's formatter has (see
 * shell_show.h).
 */
#ifndef TERN_SHELL_H
#define TERN_SHELL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shell_line.h"
#include "shell_show.h"
#include "tern/tern.h"

/* Connections `tcp connect` may hold, and group:port endpoints `mcast join`
 * may hold (a program's configuration header may define smaller numbers). */
#ifndef SH_TCP_CONNS
#define SH_TCP_CONNS 8
#endif
#ifndef SH_MCAST_MAX
#define SH_MCAST_MAX 8
#endif

/* Arguments a command may take (after its name). */
#define SH_MAX_ARGS 8

typedef struct sh_shell sh_shell;

/* A command: argv[0] is its name, argv[1..argc-1] its arguments (at least
 * min_args, at most max_args; with rest, the last one is the rest of the
 * line). It returns CMD_OK or CMD_ERROR (with the reason in err), or
 * CMD_PENDING and prints its own ok/error line when it completes. */
typedef cmd_result (*sh_cmd_fn)(sh_shell *sh, int argc, char **argv, char *err, size_t errlen);

typedef struct sh_cmd {
    const char *name;
    sh_cmd_fn fn;
    int min_args, max_args; /* arguments after the command name (max_args <= SH_MAX_ARGS) */
    bool rest;              /* the last argument takes the rest of the line */
    const char *usage;
    const char *help;
} sh_cmd;

/* What a program gives the shell. */
typedef struct sh_port {
    sh_out out; /* the console */
    /* vsnprintf: format into buf (size > 0, always terminated); returns the length it wanted. */
    size_t (*vformat)(char *buf, size_t size, const char *fmt, va_list ap);
    /* ifconfig: the driver's line(s) under nif, if the program drives it. */
    void (*show_driver)(sh_shell *sh, const tern_netif *nif);
    /* stats (and the exit statistics): the driver's and the program's own counters. */
    void (*show_driver_stats)(sh_shell *sh, bool nonzero_only);
    /* Every command the program offers, in the order help lists them. */
    const sh_cmd *const *cmds;
    size_t ncmds;
} sh_port;

/* ---- The state the commands keep (inside sh_shell) ---------------------------- */

#if TERN_CFG_PING
typedef struct sh_ping {
    tern_ping ping;
    bool active;
    tern_addr dst;
    uint16_t count, size;
    uint32_t deadline; /* watchdog: give up if DONE never comes */
    uint32_t rtt_min, rtt_max, rtt_sum;
} sh_ping;
#endif

typedef struct sh_dns {
    bool active;       /* answered later, by the callback */
    bool done;         /* the callback has run */
    tern_err err;      /* its result */
    uint32_t deadline; /* watchdog: give up if the callback never comes */
} sh_dns;

typedef struct sh_mcast {
    tern_udp_pcb *pcb; /* NULL: free slot */
    tern_addr group;
    uint16_t port;
} sh_mcast;

typedef struct sh_tcp_conn {
    sh_shell *sh;
    tern_tcp_pcb *pcb; /* NULL: free slot */
    bool connecting;
    bool echo; /* once connected, hand it to the echo service */
} sh_tcp_conn;

struct sh_shell {
    const sh_port *port;
    const sh_out *out; /* &port->out */
    void *ctx;         /* the program's state object, for its hooks and commands */
    tern_stack *stack;
    tern_netif *nif; /* the program's interface (multicast, DHCP, the ready line) */
    bool quit;       /* `quit` was typed */
    bool ready_printed;
#if TERN_CFG_PING
    sh_ping ping;
#endif
    sh_dns dns;
    tern_udp_pcb *udp; /* `udp send`'s endpoint, opened at the first use */
    sh_mcast mcast[SH_MCAST_MAX];
#if TERN_CFG_TCP
    sh_tcp_conn tcp[SH_TCP_CONNS];
    tern_iperf_server iperf_srv;
    bool iperf_srv_on;
    tern_iperf_client iperf_cli; /* .active while `iperf client` runs */
#endif
#if TERN_CFG_DHCP
    tern_dhcp dhcp;
    bool dhcp_on;
#endif
#if TERN_CFG_AUTOIP
    tern_autoip autoip;
    bool autoip_on;
#endif
};

/* ---- Driving the shell (shell.c) -------------------------------------------------- */

/* Start with everything closed; ctx is handed back to the program's hooks. */
void sh_init(sh_shell *sh, const sh_port *port, void *ctx, tern_stack *s, tern_netif *nif);
/* Execute one line (NUL-terminated, newline removed; cut in place). */
void sh_exec(sh_shell *sh, char *line);
/* A command is pending: lines that come meanwhile must wait. */
bool sh_busy(const sh_shell *sh);
/* Watchdogs of pending commands whose completion never came. */
void sh_check(sh_shell *sh, uint32_t now);
/* Milliseconds until sh_check needs to run (UINT32_MAX: nothing pending). */
uint32_t sh_timeout(const sh_shell *sh, uint32_t now);
/* Stop what the commands started (at exit): ping, lookups, endpoints, DHCP/AutoIP. */
void sh_close(sh_shell *sh);
/* Format a command's error reason into err; returns CMD_ERROR. */
cmd_result sh_fail(const sh_shell *sh, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Counters, the program's own, then the pools (stats, and the exit statistics). */
void sh_print_stats(sh_shell *sh, bool nonzero_only);

/* ---- Address configuration (shell_cmd_dhcp.c) --------------------------------------- */

/* --dhcp (with the AutoIP fallback if autoip too) or --autoip alone; their
 * lines ("dhcp bound ...", then the ready line) are printed as they come. */
tern_err sh_addr_start(sh_shell *sh, bool dhcp, bool autoip);
/* "ready NAME ADDR/LEN mac MAC mtu N", once: when the interface has its address. */
void sh_print_ready(sh_shell *sh);

#if TERN_CFG_TCP
/* The iperf server on port; with report, each stream's result is printed. */
tern_err sh_iperf_start_server(sh_shell *sh, uint16_t port, bool report);
#endif

/* ---- The commands both programs offer --------------------------------------------- */

extern const sh_cmd sh_cmd_help, sh_cmd_quit;                                /* shell.c */
extern const sh_cmd sh_cmd_ifconfig, sh_cmd_arp, sh_cmd_route, sh_cmd_stats; /* shell_cmd_info.c */
extern const sh_cmd sh_cmd_ping, sh_cmd_udp;                                 /* shell_cmd_net.c */
extern const sh_cmd sh_cmd_tcp, sh_cmd_iperf;                                /* shell_cmd_tcp.c */
extern const sh_cmd sh_cmd_dns;                                              /* shell_cmd_dns.c */
extern const sh_cmd sh_cmd_mcast;                                            /* shell_cmd_mcast.c */
extern const sh_cmd sh_cmd_dhcp;                                             /* shell_cmd_dhcp.c */

#endif
