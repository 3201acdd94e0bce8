/*
 * DNS client (RFC 1035): A lookups with a callback API, a bounded cache that
 * honours TTLs, several servers with retries and failover, a random source
 * port and ID per query, answers accepted only when they match the question,
 * and a static hosts table. Names under ".local" are asked with one-shot
 * multicast DNS queries (RFC 6762) on 224.0.0.251:5353.
 *
 * Servers are asked in order: the configured ones (either family with
 * TERN_CFG_IPV6; a link-local one needs its zone), then, with IPv6, those
 * learnt on the links (RDNSS from Router Advertisements and DHCPv6,
 * tern_ipv6_state.dns) while their lifetimes last. Any record type is asked
 * over either transport.
 */
#ifndef TERN_DNS_H
#define TERN_DNS_H

#include <stdbool.h>
#include <stdint.h>

#include "tern/addr.h"
#include "tern/config.h"
#include "tern/err.h"
#include "tern/timer.h"

struct tern_stack;
struct tern_udp_pcb;

/* Result: err is TERN_OK with count >= 1 addresses, TERN_ERR_NOTFOUND
 * (NXDOMAIN or no address of that family), TERN_ERR_TIMEOUT or another error. */
typedef void (*tern_dns_fn)(void *ctx, const char *name, tern_err err, const tern_addr *addrs,
                            unsigned count);

#if TERN_CFG_DNS
enum tern_dns_entry_state { TERN_DNS_FREE, TERN_DNS_PENDING, TERN_DNS_DONE };

typedef struct tern_dns_entry {
    uint32_t expires;         /* DONE: end of the TTL; PENDING: retransmission time */
    struct tern_udp_pcb *pcb; /* PENDING: the query's endpoint (random port) */
    uint16_t id;              /* PENDING: transaction ID */
    uint8_t state;            /* enum tern_dns_entry_state */
    uint8_t count;            /* addresses */
    uint8_t server;           /* PENDING: index of the server being asked */
    uint8_t tries;            /* PENDING: attempts at this server */
    uint8_t mdns;             /* asked with multicast DNS */
    uint8_t family;
    tern_addr addrs[TERN_CFG_DNS_ADDRS];
    char name[TERN_CFG_DNS_NAME_MAX + 1]; /* last: the fields above keep short offsets */
} tern_dns_entry;

typedef struct tern_dns_request {
    tern_dns_fn cb;
    void *ctx;
    tern_dns_entry *entry; /* the query waited for; NULL = free */
} tern_dns_request;

#if TERN_CFG_DNS_HOSTS
typedef struct tern_dns_host {
    char name[TERN_CFG_DNS_NAME_MAX + 1];
    tern_addr addr;
} tern_dns_host;
#endif

typedef struct tern_dns_state {
    tern_dns_entry entries[TERN_CFG_DNS_CACHE];
    tern_dns_request requests[TERN_CFG_DNS_REQUESTS];
    tern_addr servers[TERN_CFG_DNS_SERVERS];
#if TERN_CFG_DNS_HOSTS
    tern_dns_host hosts[TERN_CFG_DNS_HOSTS];
#endif
    tern_timer timer;
} tern_dns_state;
#endif

/* Look name up: its A records (family TERN_AF_INET) or, with IPv6, its AAAA
 * records (TERN_AF_INET6); the cache keeps the two apart. When the answer is known now
 * (numeric, hosts table, cache) cb runs before this returns TERN_OK;
 * otherwise it returns TERN_ERR_INPROGRESS and cb runs later. */
tern_err tern_dns_lookup(struct tern_stack *s, const char *name, uint8_t family, tern_dns_fn cb, void *ctx);
/* Set server slot index (0 is asked first), IPv4 or IPv6; NULL clears it. */
tern_err tern_dns_set_server(struct tern_stack *s, unsigned index, const tern_addr *server);
/* Add a static hosts-table entry. */
tern_err tern_dns_add_host(struct tern_stack *s, const char *name, const tern_addr *addr);
/* Forget every cached answer. */
void tern_dns_flush(struct tern_stack *s);

#endif
