/*
 * DHCP client (RFC 2131, options RFC 2132), one caller-owned tern_dhcp per
 * Ethernet interface:
 *
 *   static tern_dhcp dhcp;
 *   tern_dhcp_config cfg = {.hostname = "sensor-7", .autoip_after_s = 10};
 *   tern_dhcp_start(nif, &dhcp, &cfg, on_dhcp, ctx);   // DISCOVER goes out
 *   ...
 *   on_dhcp(ctx, d, TERN_DHCP_EV_BOUND): nif has its address, mask, router;
 *   DNS servers are in tern_dns (TERN_CFG_DNS) and the MTU is applied.
 *
 * States (RFC 2131 figure 5): INIT -> SELECTING -> REQUESTING -> CHECKING
 * (RFC 5227 probe of the address, with TERN_CFG_ARP_ACD) -> BOUND ->
 * RENEWING (unicast to the server at T1) -> REBINDING (broadcast at T2) ->
 * lease lost at expiry (address removed, TERN_DHCP_EV_LOST, back to INIT).
 * A remembered address starts in INIT-REBOOT (REBOOTING: REQUEST for it,
 * then INIT after 3 unanswered tries). Requests are retransmitted after
 * 4, 8, 16, 32, 64, 64... s, each +-1 s at random. A NAK goes back to INIT;
 * a conflict found by the probe sends DECLINE and starts again after 10 s.
 * Leases longer than 2,000,000 s are timed as that long (renewing early).
 *
 * AutoIP fallback (TERN_CFG_AUTOIP, cfg.autoip_after_s): when no lease is
 * bound that long after the start (checked at each DISCOVER retransmission),
 * a link-local address is claimed with tern_autoip while DISCOVERs go on;
 * a DHCP lease then replaces it (tern_autoip_stop).
 */
#ifndef TERN_DHCP_H
#define TERN_DHCP_H

#include <stdbool.h>
#include <stdint.h>

#include "tern/addr.h"
#include "tern/arp.h"
#include "tern/autoip.h"
#include "tern/config.h"
#include "tern/err.h"
#include "tern/timer.h"

struct tern_netif;
struct tern_udp_pcb;

#if TERN_CFG_DHCP
enum tern_dhcp_state {
    TERN_DHCP_OFF,        /* not started, stopped or released */
    TERN_DHCP_INIT,       /* waiting to DISCOVER (after a DECLINE: 10 s) */
    TERN_DHCP_SELECTING,  /* DISCOVER sent, waiting for an OFFER */
    TERN_DHCP_REQUESTING, /* REQUEST for the offer sent, waiting for ACK/NAK */
    TERN_DHCP_CHECKING,   /* ACK received, probing the address (RFC 5227) */
    TERN_DHCP_BOUND,
    TERN_DHCP_RENEWING,  /* after T1: REQUEST unicast to the server */
    TERN_DHCP_REBINDING, /* after T2: REQUEST broadcast to any server */
    TERN_DHCP_REBOOTING, /* INIT-REBOOT: REQUEST for the remembered address */
};

enum tern_dhcp_event {
    TERN_DHCP_EV_BOUND,          /* a lease is bound: the interface has its address */
    TERN_DHCP_EV_RENEWED,        /* the lease was extended (same address) */
    TERN_DHCP_EV_LOST,           /* expired, NAKed, conflict or replaced: address removed */
    TERN_DHCP_EV_LINKLOCAL,      /* AutoIP fallback claimed a 169.254/16 address */
    TERN_DHCP_EV_LINKLOCAL_LOST, /* AutoIP fallback lost its address (conflict) */
};

typedef struct tern_dhcp tern_dhcp;
typedef void (*tern_dhcp_fn)(void *ctx, tern_dhcp *d, enum tern_dhcp_event ev);

typedef struct tern_dhcp_config {
    const char *hostname;    /* option 12, copied (up to TERN_CFG_DHCP_HOSTNAME_MAX); NULL = none */
    tern_addr previous;      /* remembered address: start in INIT-REBOOT; unspecified = INIT */
    uint16_t autoip_after_s; /* AutoIP fallback after this many seconds without a lease; 0 = never */
} tern_dhcp_config;

/* A lease as offered or bound (host order). */
typedef struct tern_dhcp_lease {
    uint32_t ip, mask, router, server;
    uint32_t lease_s;    /* as given; UINT32_MAX = infinite */
    uint32_t t1_s, t2_s; /* as used (defaults 1/2 and 7/8 of the lease) */
    uint16_t mtu;        /* 0 = not given */
    uint8_t ndns, nntp;
    uint32_t dns[TERN_CFG_DHCP_SERVERS];
    uint32_t ntp[TERN_CFG_DHCP_SERVERS]; /* kept for an SNTP client */
    char domain[TERN_CFG_DHCP_DOMAIN_MAX + 1];
} tern_dhcp_lease;

/* The fields used most come first (short load/store offsets on small
 * targets); the timer at offset 0 is the client itself. */
struct tern_dhcp {
    tern_timer timer;
    struct tern_netif *nif;
    uint8_t state;      /* enum tern_dhcp_state */
    uint8_t tries;      /* transmissions in this state */
    uint8_t configured; /* the interface carries lease.ip */
#if TERN_CFG_AUTOIP
    uint8_t autoip_on;
#endif
    uint16_t autoip_after_s;
    uint16_t link_mtu;        /* the interface's MTU before a lease changed it */
    struct tern_udp_pcb *pcb; /* port 68 */
    uint32_t xid;
    uint32_t previous;    /* remembered address for INIT-REBOOT */
    uint32_t lease_start; /* first REQUEST of the exchange that got the lease */
    uint32_t t1_at, t2_at, expires_at;
    uint32_t exchange_start; /* first message of this exchange (secs field) */
    uint32_t unbound_since;  /* start, or when the last lease was lost (AutoIP fallback) */
    tern_dhcp_fn cb;
    void *ctx;
    tern_dhcp_lease lease;
    char hostname[TERN_CFG_DHCP_HOSTNAME_MAX + 1];
#if TERN_CFG_ARP_ACD
    tern_acd acd;
#endif
#if TERN_CFG_AUTOIP
    tern_autoip autoip;
#endif
};

/* What tern_dhcp_get_info reports. Times left are UINT32_MAX when they do
 * not apply (no lease, or an infinite one). */
typedef struct tern_dhcp_info {
    const char *state; /* "init", "selecting", ..., "bound", "off" */
    tern_addr addr, mask, router, server;
    tern_addr dns[TERN_CFG_DHCP_SERVERS];
    tern_addr ntp[TERN_CFG_DHCP_SERVERS];
    unsigned ndns, nntp;
    uint32_t lease_s;
    uint32_t t1_left_s, t2_left_s, expires_left_s;
    uint16_t mtu;
    bool bound;     /* a lease is in use (BOUND, RENEWING, REBINDING) */
    bool linklocal; /* the AutoIP fallback holds an address */
    tern_addr linklocal_addr;
    char domain[TERN_CFG_DHCP_DOMAIN_MAX + 1];
} tern_dhcp_info;

/* Start on nif (Ethernet); d is owned by the caller until tern_dhcp_stop,
 * which must come before nif is removed and before d is started again.
 * cfg may be NULL. The first DISCOVER (or REQUEST) goes out at once.
 * TERN_ERR_NOMEM/INUSE: no UDP endpoint for port 68. */
tern_err tern_dhcp_start(struct tern_netif *nif, tern_dhcp *d, const tern_dhcp_config *cfg, tern_dhcp_fn cb,
                         void *ctx);
/* Bound: renew now (unicast REQUEST). Stopped or released: start again.
 * Acquiring: DISCOVER again now. */
tern_err tern_dhcp_renew(tern_dhcp *d);
/* Send RELEASE for the lease, remove the address and stop (state OFF;
 * tern_dhcp_renew starts again). TERN_ERR_NOTCONN if no lease is bound. */
tern_err tern_dhcp_release(tern_dhcp *d);
/* Stop without telling the server; the address is removed if it was set,
 * AutoIP is stopped. */
void tern_dhcp_stop(tern_dhcp *d);
void tern_dhcp_get_info(const tern_dhcp *d, tern_dhcp_info *info);
/* Name of a state ("bound"...). */
const char *tern_dhcp_state_name(uint8_t state);
#endif

#endif
