/*
 * The Tern host program (build/tern): the stack on a Linux TAP, driven by a
 * poll() loop, with a line shell on standard input. See docs/HOST.md.
 */
#ifndef TERN_HOST_H
#define TERN_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shell_line.h"
#include "shell_show.h"
#include "tern/tern.h"
#if TERN_CFG_SOCKETS
#include "tern/os.h"
#include "tern/sockets.h"
#endif
#include "tern_clock.h"
#include "tern_pcap.h"
#include "tern_tap.h"

/* Exit status for usage errors. */
#define HOST_EXIT_USAGE 2
/* Longest shell line, bytes (newline excluded). */
#define HOST_LINE_MAX 1024
/* poll() never sleeps longer than this, ms. */
#define HOST_POLL_CAP_MS 1000u
/* Frames read from the TAP per loop iteration. */
#define HOST_RX_BATCH 64u
/* DNS servers the command line may name. */
#define HOST_DNS_SERVERS TERN_CFG_DNS_SERVERS
/* Multicast endpoints the mcast command may hold. */
#define HOST_MCAST_MAX 8u

typedef struct host_options {
    const char *tap;
    tern_addr ip;
    uint8_t prefix;
    bool has_gw;
    tern_addr gw;
    bool has_mac;
    uint8_t mac[6];
    uint16_t mtu; /* 0: the kernel's */
    const char *pcap;
    bool has_impair;
    bool offload; /* --offload: the TAP's checksum and segmentation offloads */
    tern_impair_config impair;
    bool dhcp;   /* --dhcp: address from a DHCP server */
    bool autoip; /* --autoip: link-local address (alone, or as the DHCP fallback) */
    tern_addr dns[HOST_DNS_SERVERS];
    unsigned dns_count;
    bool ipv6;      /* --ipv6: link-local + SLAAC */
    bool has_ip6;   /* --ipv6-addr */
    uint8_t dhcpv6; /* --dhcpv6 (1), --dhcpv6=ra (2): DNS servers from stateless DHCPv6 */
    tern_addr ip6;
    uint8_t prefix6;
} host_options;

/* The shell's ping command in progress. */
typedef struct host_ping {
    tern_ping ping;
    bool active;
    tern_addr dst;
    uint16_t count, size;
    uint32_t deadline; /* watchdog: give up if DONE never comes */
    uint32_t rtt_min, rtt_max, rtt_sum;
} host_ping;

/* The shell's dns lookup in progress. */
typedef struct host_dns {
    bool active;       /* answered later, by the callback */
    bool done;         /* the callback has run */
    tern_err err;      /* its result */
    uint32_t deadline; /* watchdog: give up if the callback never comes */
} host_dns;

/* A group:port the mcast command listens to. */
typedef struct host_mcast {
    tern_udp_pcb *pcb; /* NULL: free slot */
    tern_addr group;
    uint16_t port;
} host_mcast;

/* TCP connections opened from the shell (`tcp connect`). */
#define HOST_TCP_CONNS 8
typedef struct host_tcp_conn {
    struct host *h;
    tern_tcp_pcb *pcb; /* NULL: free slot */
    bool connecting;
    bool echo; /* once connected, hand it to the echo service */
} host_tcp_conn;

typedef struct host {
    tern_stack stack;
    tern_netif nif;
    tern_tap tap;
    tern_pcap pcap;
    bool pcap_on;
#if TERN_CFG_IMPAIR
    bool impair_on;
    tern_impair impair_rx, impair_tx;
#endif
    tern_posix_rng rng;
    host_options opt;
    int sig_fd;
    bool stdin_open;
    bool quit;
    /* shell input not yet executed */
    size_t in_len;
    bool in_overflow; /* discarding the rest of an over-long line */
    char in[HOST_LINE_MAX + 1];
    host_ping ping;
    tern_udp_pcb *udp;
    bool ready_printed;
#if TERN_CFG_TCP
    host_tcp_conn tcp[HOST_TCP_CONNS];
    tern_iperf_server iperf_srv;
    bool iperf_srv_on;
    tern_iperf_client iperf_cli; /* .active while `iperf client` runs */
#endif
#if TERN_CFG_DHCP
    bool dhcp_on;
    tern_dhcp dhcp;
#endif
#if TERN_CFG_AUTOIP
    bool autoip_on;
    tern_autoip autoip;
#endif
#if TERN_CFG_DHCP6
    bool dhcp6_on;
    tern_dhcp6 dhcp6;
#endif
    host_dns dns;
    host_mcast mcast[HOST_MCAST_MAX];
    tern_udp_pcb *mcast_tx; /* source of mcast send */
#if TERN_CFG_SOCKETS
    tern_os_mutex core_lock; /* held by the main loop except while it sleeps */
    tern_sockets socks;
    int kick_fd; /* eventfd: an application thread queued work */
#endif
} host;

/* util.c */
/* The shared shell views (apps/shell/shell_show.h) print to standard output. */
extern const sh_out host_out;
bool util_parse_uint(const char *text, uint32_t min, uint32_t max, uint32_t *out);
bool util_parse_cidr(const char *text, tern_addr *addr, uint8_t *prefix);
/* ADDR/LEN for IPv6 (LEN 1..128). */
bool util_parse_cidr6(const char *text, tern_addr *addr, uint8_t *prefix);
bool util_parse_mac(const char *text, uint8_t mac[6]);
/* buf must hold 18 bytes. */
char *util_format_mac(const uint8_t mac[6], char *buf);
const char *util_format_ip(uint32_t host_order, char *buf, size_t size);
uint8_t util_prefix_len(uint32_t mask);
uint32_t util_now(void);

/* shell.c */
/* Read what stdin has to offer (once) and execute complete lines. */
void shell_read_input(host *h);
/* Execute buffered complete lines while no command is pending. */
void shell_run_pending(host *h);
bool shell_busy(const host *h);
/* cmd_tcp.c: a tcp connect or iperf client is in progress. */
bool host_tcp_busy(const host *h);
/* Print counters and pool usage (non-zero counters only if nonzero). */
void shell_print_stats(host *h, bool nonzero_only);

/* cmd_net.c: commands that talk to the network. */
/* cmd_result: apps/shell/shell_line.h */
cmd_result cmd_ping(host *h, int argc, char **argv, char *err, size_t errlen);
cmd_result cmd_udp(host *h, int argc, char **argv, char *err, size_t errlen);
cmd_result cmd_tcp(host *h, int argc, char **argv, char *err, size_t errlen);
cmd_result cmd_iperf(host *h, int argc, char **argv, char *err, size_t errlen);
/* Watchdog for a ping whose completion never arrives. */
void host_ping_check(host *h, uint32_t now);
/* Stop a running ping (at exit). */
void host_ping_cancel(host *h);
/* Milliseconds until the ping watchdog needs a look (UINT32_MAX: none). */
uint32_t host_ping_timeout(const host *h, uint32_t now);
void host_close_udp(host *h);

/* main.c: the "ready" line for the interface's current address (once). */
void host_print_ready(host *h);

/* cmd_dhcp.c: dynamic addresses (--dhcp, --autoip) and the dhcp command. */
/* Seconds without a lease before --dhcp --autoip claims a link-local address. */
#define HOST_DHCP_AUTOIP_AFTER_S 10u
/* Host name sent in DHCP requests. */
#define HOST_DHCP_HOSTNAME "tern"
/* Start what the options ask for; false (message on stderr) on failure. */
bool host_addr_start(host *h);
void host_addr_stop(host *h);
cmd_result cmd_dhcp(host *h, int argc, char **argv, char *err, size_t errlen);
/* cmd_dns.c: name lookups (the library's DNS client). */
cmd_result cmd_dns(host *h, int argc, char **argv, char *err, size_t errlen);
/* Give the stack the servers named with --dns. */
void host_dns_setup(host *h);
bool host_dns_busy(const host *h);
void host_dns_check(host *h, uint32_t now);
void host_dns_cancel(host *h);
uint32_t host_dns_timeout(const host *h, uint32_t now);

#if TERN_CFG_SOCKETS
/* cmd_sock.c: the sockets layer (core lock, kick) and the sockecho command. */
int host_sockets_setup(host *h); /* returns with the core lock held */
void host_lock(host *h);
void host_unlock(host *h);
void host_kick_drain(host *h);
cmd_result cmd_sockecho(host *h, int argc, char **argv, char *err, size_t errlen);
#endif

/* cmd_mcast.c: IGMP joins and multicast datagrams. */
cmd_result cmd_mcast(host *h, int argc, char **argv, char *err, size_t errlen);
/* Leave every group and release the endpoints (at exit). */
void host_mcast_close(host *h);

#endif
