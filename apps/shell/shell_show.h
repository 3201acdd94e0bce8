/*
 * What the host program's shell and the firmware's shell print about the
 * stack, shared so both answer in exactly the same format: interfaces, ARP
 * cache, routes, counters and pools, TCP connections, the DHCP lease, ping
 * lines. Only the stack's public API is used; output goes through a printf-
 * like hook (the host: stdout; the firmware: the UART). Formats use only
 * %s %u %d %x %c, '-', '0', width and %.Ns (what the firmware's formatter has).
 */
#ifndef TERN_SHELL_SHOW_H
#define TERN_SHELL_SHOW_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tern/tern.h"

typedef struct sh_out {
    void (*vprint)(void *ctx, const char *fmt, va_list ap);
    void (*flush)(void *ctx); /* NULL: nothing to flush (output is not buffered) */
    void *ctx;
} sh_out;

void sh_printf(const sh_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Push out what was printed (after an answer, and after lines that come on their own). */
void sh_flush(const sh_out *o);

/* Formatting helpers: buf of 16 (ip) / 18 (mac) bytes. */
const char *sh_format_ip(uint32_t host_order, char *buf, size_t size);
char *sh_format_mac(const uint8_t mac[6], char *buf);
uint8_t sh_prefix_len(uint32_t mask);
/* The first max bytes of p's data as text (text holds max + 1): bytes outside
 * 32..126 as '.'. Returns how many were copied (fewer than tot_len: cut). */
uint16_t sh_format_data(const tern_pbuf *p, char *text, uint16_t max);

/* ifconfig: the interface lines (name, flags, index, MTU, MAC, IPv4, counters);
 * the caller adds its driver's line(s). */
void sh_show_netif(const sh_out *o, const tern_netif *nif);
/* arp: one line per cache entry. */
void sh_show_arp(const sh_out *o, tern_stack *s);
/* route: connected networks, static routes, default gateways, default interface. */
void sh_show_routes(const sh_out *o, tern_stack *s);
/* stats: "name value" per stack counter (only non-zero ones if nonzero_only). */
void sh_show_counter(const sh_out *o, const char *name, uint32_t v, bool nonzero_only);
void sh_show_counters(const sh_out *o, const tern_stack *s, bool nonzero_only);
/* stats: "pool NAME used/count peak N fails N" per pool. */
void sh_show_pools(const sh_out *o, const tern_stack *s);
#if TERN_CFG_TCP
/* tcp list: one line per connection. */
void sh_show_tcp(const sh_out *o, tern_stack *s);
#endif
#if TERN_CFG_DHCP
/* dhcp: the client's state and lease. */
void sh_show_dhcp(const sh_out *o, const tern_dhcp_info *in);
#endif
#if TERN_CFG_PING
/* ping: a reply line, and the summary (rtt_* only used if received > 0). */
void sh_show_ping_reply(const sh_out *o, const tern_addr *dst, const tern_ping_result *r);
void sh_show_ping_summary(const sh_out *o, const tern_addr *dst, unsigned sent, unsigned received,
                          uint32_t rtt_min, uint32_t rtt_sum, uint32_t rtt_max);
#endif

#endif
