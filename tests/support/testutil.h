/*
 * Test support: capturing interfaces, frame builders, simulated hosts on
 * virtual wires with a virtual clock. Tests drive the stack only through its
 * public API and these helpers.
 */
#ifndef TERN_TESTUTIL_H
#define TERN_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tern/tern.h"
#include "tern_vwire.h"

/* ---- A capturing Ethernet interface: every frame sent is kept. ---- */
#define CAP_MAX_FRAMES 512
typedef struct cap_frame {
    uint8_t *data;
    uint16_t len;
} cap_frame;

typedef struct cap_netif {
    tern_netif nif;
    cap_frame frames[CAP_MAX_FRAMES];
    unsigned count;
} cap_netif;

extern const uint8_t test_mac_stack[6]; /* 02:00:00:00:00:02 */
extern const uint8_t test_mac_peer[6];  /* 02:00:00:00:00:01 */

/* Add a capturing interface "cap0" to s: up, MAC test_mac_stack, address
 * 192.0.2.2/24, gateway 192.0.2.1. */
void cap_init(cap_netif *c, tern_stack *s);
void cap_clear(cap_netif *c);
/* Add a capturing interface with the given name, MAC and address ip/prefix
 * (gw may be 0), up; the gratuitous ARP is forgotten. */
void cap_init_as(cap_netif *c, tern_stack *s, const char *name, const uint8_t mac[6], uint32_t ip,
                 uint8_t prefix, uint32_t gw);
/* The n-th frame sent, or NULL. */
const cap_frame *cap_get(const cap_netif *c, unsigned n);
/* Index of the first frame with this EtherType (and IP protocol if proto != 0), from `from`; -1 if none. */
int cap_find(const cap_netif *c, unsigned from, uint16_t type, uint8_t proto);

/* Feed a frame of len bytes into nif (as a driver would). */
void inject(tern_netif *nif, const uint8_t *frame, size_t len);

/* ---- Frame builders. All return the frame length. ---- */
size_t build_eth(uint8_t *buf, const uint8_t dst[6], const uint8_t src[6], uint16_t type);
/* Ethernet + IPv4 header (20 bytes, correct checksum) + payload. */
size_t build_ipv4(uint8_t *buf, uint32_t src, uint32_t dst, uint8_t proto, const uint8_t *payload,
                  size_t plen);
/* Same with id and fragment fields (offset in bytes). */
size_t build_ipv4_frag(uint8_t *buf, uint32_t src, uint32_t dst, uint8_t proto, uint16_t id, uint16_t off,
                       int mf, const uint8_t *payload, size_t plen);
size_t build_udp(uint8_t *buf, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
                 const uint8_t *data, size_t dlen);
size_t build_icmp_echo(uint8_t *buf, uint32_t src, uint32_t dst, uint16_t id, uint16_t seq,
                       const uint8_t *data, size_t dlen);
/* Any ICMP message: type, code, the 4 "rest of header" bytes, then data. */
size_t build_icmp(uint8_t *buf, uint32_t src, uint32_t dst, uint8_t type, uint8_t code, uint32_t rest,
                  const uint8_t *data, size_t dlen);
/* Recompute the UDP checksum of a frame built above over ulen UDP bytes
 * (the UDP length field is left as it is). */
void fix_udp_checksum(uint8_t *frame, uint16_t ulen);
size_t build_arp(uint8_t *buf, uint16_t op, const uint8_t sha[6], uint32_t spa, const uint8_t tha[6],
                 uint32_t tpa);
/* Recompute the IPv4 header checksum of a frame built above. */
void fix_ipv4_checksum(uint8_t *frame);
uint16_t inet_checksum(const uint8_t *data, size_t len, uint32_t sum);

#define IP4(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))

/* Counter value by name; fails the test if the name is unknown. */
uint32_t stat(const tern_stack *s, const char *name);

/* A stack on the heap (it is large), initialised at time 0. */
tern_stack *stack_new(uint32_t seed);
/* Tear down and check that every buffer came back. */
void stack_free_checked(tern_stack *s);

/* ---- Simulated hosts on virtual wires, one virtual clock. ---- */
typedef struct sim_host {
    tern_stack *stack;
    tern_netif nif[2];
    tern_impair impair_rx[2];
    unsigned nnif;
} sim_host;

typedef struct sim {
    sim_host hosts[8];
    unsigned nhosts;
    tern_vwire wires[4];
    unsigned nwires;
    uint32_t now;
} sim;

void sim_init(sim *sm);
/* Add a host; returns its index. */
sim_host *sim_add_host(sim *sm, uint32_t seed);
/* Attach host h to wire w with address ip/prefix (gw may be 0). */
tern_netif *sim_attach(sim *sm, sim_host *h, unsigned wire, uint32_t ip, uint8_t prefix, uint32_t gw);
/* Run the world for ms milliseconds of virtual time, 1 ms steps. */
void sim_run(sim *sm, uint32_t ms);
/* Run until *flag becomes non-zero or ms pass; returns the flag. */
int sim_run_until(sim *sm, const int *flag, uint32_t ms);
/* Free everything and check that each stack got all its buffers back. */
void sim_free_checked(sim *sm);

#endif
