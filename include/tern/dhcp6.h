/*
 * Stateless DHCPv6 client (RFC 8415 6.1, 18.2.6): asks the link's DHCPv6
 * servers for "other configuration" with an Information-Request and takes
 * the DNS servers (RFC 3646) from the Reply. One caller-owned tern_dhcp6 per
 * Ethernet interface running IPv6:
 *
 *   static tern_dhcp6 d6;
 *   tern_dhcp6_start(nif, &d6, TERN_DHCP6_NOW, on_dhcp6, ctx);
 *   ...
 *   on_dhcp6(ctx, d, TERN_DHCP6_EV_INFO): the DNS servers are in the stack's
 *   list of learnt servers (with those from RAs, tern_ipv6_state.dns), which
 *   the DNS client asks after its configured ones.
 *
 * The request goes from the interface's link-local address (port 546) to
 * All_DHCP_Relay_Agents_and_Servers (ff02::1:2, port 547), once that address
 * has passed DAD (looked at every second, backing off to once a minute
 * after 8 s) and after a random delay of up to 1 s (INF_MAX_DELAY). It
 * carries the client identifier (DUID-LL from the MAC), the elapsed time and
 * an option request for DNS servers (23), the domain list (24), the
 * Information Refresh Time (32) and INF_MAX_RT (83). Retransmissions follow
 * RFC 8415 15: 1 s, doubling, each +-10 % at random, up to INF_MAX_RT
 * (3600 s unless the server sent option 83, 60..86400 s), without end.
 *
 * A Reply is believed only when it is a Reply (type 7) to our transaction
 * id, carries a server identifier, our client identifier if any, a Success
 * status, and every option lies within the message with a valid length;
 * anything else is dropped and counted (dhcp6.drop.*). The information is
 * asked for again after the Information Refresh Time (86400 s by default,
 * at least 600 s; infinite: never). Learnt servers live until a refresh
 * replaces them or the client stops, with a grace of INF_MAX_RT past the
 * refresh time should the server have gone.
 *
 * With TERN_DHCP6_ON_RA the client waits for a Router Advertisement with
 * the O (other configuration) or M flag before it asks.
 */
#ifndef TERN_DHCP6_H
#define TERN_DHCP6_H

#include <stdbool.h>
#include <stdint.h>

#include "tern/config.h"
#include "tern/err.h"
#include "tern/timer.h"

struct tern_netif;
struct tern_udp_pcb;

#if TERN_CFG_DHCP6
enum tern_dhcp6_state {
    TERN_DHCP6_OFF,        /* not started or stopped */
    TERN_DHCP6_WAIT_RA,    /* waiting for an RA with the O or M flag */
    TERN_DHCP6_WAIT_LL,    /* initial delay, or waiting for the link-local address (DAD) */
    TERN_DHCP6_REQUESTING, /* Information-Request sent, waiting for the Reply */
    TERN_DHCP6_DONE,       /* information received; refresh due at refresh_at */
};

enum tern_dhcp6_start_mode {
    TERN_DHCP6_NOW,   /* ask as soon as the link-local address is usable */
    TERN_DHCP6_ON_RA, /* ask once an RA has the O or M flag */
};

enum tern_dhcp6_event {
    TERN_DHCP6_EV_INFO, /* a Reply was accepted: DNS servers updated */
};

typedef struct tern_dhcp6 tern_dhcp6;
typedef void (*tern_dhcp6_fn)(void *ctx, tern_dhcp6 *d, enum tern_dhcp6_event ev);

struct tern_dhcp6 {
    struct tern_netif *nif;
    struct tern_udp_pcb *pcb; /* port 546 */
    tern_timer timer;
    tern_dhcp6_fn cb;
    void *ctx;
    uint8_t dns[TERN_CFG_DHCP6_DNS_SERVERS][16]; /* servers from the last Reply */
    uint32_t xid;                                /* 24 bits */
    uint32_t exchange_start;                     /* first transmission of this exchange (elapsed time) */
    uint32_t rt_ms;                              /* current retransmission timeout */
    uint32_t max_rt_s;                           /* INF_MAX_RT in use */
    uint32_t refresh_s;                          /* Information Refresh Time in use (UINT32_MAX: never) */
    uint32_t refresh_at;                         /* DONE: when to ask again */
    uint16_t tries;                              /* transmissions in this exchange */
    uint8_t ndns;
    uint8_t state; /* enum tern_dhcp6_state */
    uint8_t replies;
};

/* Start on nif (Ethernet with IPv6 enabled; one client per interface); d
 * is the caller's until tern_dhcp6_stop, which must come before nif is
 * removed. mode: TERN_DHCP6_NOW or TERN_DHCP6_ON_RA. cb may be NULL.
 * TERN_ERR_INVAL: bad arguments or a client already runs on nif;
 * TERN_ERR_NOMEM/INUSE: no UDP endpoint for port 546. */
tern_err tern_dhcp6_start(struct tern_netif *nif, tern_dhcp6 *d, uint8_t mode, tern_dhcp6_fn cb, void *ctx);
/* Ask again now (a new exchange), whatever the state but OFF. */
tern_err tern_dhcp6_refresh(tern_dhcp6 *d);
/* Stop: the DNS servers it installed are removed. */
void tern_dhcp6_stop(tern_dhcp6 *d);
/* Name of a state ("requesting"...). */
const char *tern_dhcp6_state_name(uint8_t state);
#endif

#endif
