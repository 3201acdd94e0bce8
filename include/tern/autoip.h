/*
 * IPv4 link-local address configuration (RFC 3927): pick an address in
 * 169.254.1.0 - 169.254.254.255, probe it with ARP (RFC 5227 conflict
 * detection), claim and defend it, and pick another on conflict, slowing
 * down after many conflicts. The DHCP client uses it as its fallback.
 */
#ifndef TERN_AUTOIP_H
#define TERN_AUTOIP_H

#include <stdbool.h>
#include <stdint.h>

#include "tern/arp.h"
#include "tern/config.h"
#include "tern/err.h"
#include "tern/timer.h"

struct tern_stack;
struct tern_netif;

#if TERN_CFG_AUTOIP
enum tern_autoip_state { TERN_AUTOIP_OFF, TERN_AUTOIP_PROBING, TERN_AUTOIP_BOUND, TERN_AUTOIP_WAITING };

typedef struct tern_autoip tern_autoip;
/* Called when an address is claimed (bound true) or lost (bound false). */
typedef void (*tern_autoip_fn)(void *ctx, tern_autoip *a, bool bound);

struct tern_autoip {
    tern_timer timer; /* rate limiting after many conflicts; first: it is the autoip */
    struct tern_netif *nif;
    uint8_t state;      /* enum tern_autoip_state */
    uint8_t configured; /* the netif carries our address */
    uint16_t conflicts;
    uint32_t ip; /* candidate or claimed address, host order */
    tern_autoip_fn cb;
    void *ctx;
    tern_acd acd;
};

/* Start on nif; a is owned by the caller until tern_autoip_stop. */
tern_err tern_autoip_start(struct tern_netif *nif, tern_autoip *a, tern_autoip_fn cb, void *ctx);
/* Stop, and remove the link-local address from the interface if it was set. */
void tern_autoip_stop(tern_autoip *a);
#endif

#endif
