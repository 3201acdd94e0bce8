/*
 * The Tern host program (build/tern): the stack on a Linux TAP, driven by a
 * poll() loop, with a line shell on standard input. See docs/HOST.md.
 */
#ifndef TERN_HOST_H
#define TERN_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shell.h"
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
    /* shell input not yet executed */
    size_t in_len;
    bool in_overflow; /* discarding the rest of an over-long line */
    char in[HOST_LINE_MAX + 1];
    sh_shell sh; /* the shell's commands and what they hold; sh.quit ends the program */
#if TERN_CFG_DHCP6
    bool dhcp6_on;
    tern_dhcp6 dhcp6;
#endif
#if TERN_CFG_SOCKETS
    tern_os_mutex core_lock; /* held by the main loop except while it sleeps */
    tern_sockets socks;
    int kick_fd; /* eventfd: an application thread queued work */
#endif
} host;

/* shell.c: the shell on standard input (the commands are apps/shell's). */
/* Start the shell (its commands, the host's own ones, its output on stdout). */
void shell_init(host *h);
/* Read what stdin has to offer (once) and execute complete lines. */
void shell_read_input(host *h);
/* Execute buffered complete lines while no command is pending. */
void shell_run_pending(host *h);

#if TERN_CFG_SOCKETS
/* cmd_sock.c: the sockets layer (core lock, kick) and the sockecho command. */
int host_sockets_setup(host *h); /* returns with the core lock held */
void host_lock(host *h);
void host_unlock(host *h);
void host_kick_drain(host *h);
extern const sh_cmd host_cmd_sockecho;
#endif

#endif
