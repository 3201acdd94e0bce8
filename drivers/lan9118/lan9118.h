/*
 * SMSC LAN9118 (and the LAN9x1x family) Ethernet MAC + PHY: a polled driver
 * for tern_netif. Portable: it takes the controller's base address and
 * touches nothing else (no interrupts, no DMA, no OS). The board calls
 * lan9118_receive() from its loop and lan9118_link_poll() now and then.
 *
 *   static lan9118 eth;
 *   lan9118_init(&eth, 0x40200000u, NULL);      // NULL: keep the EEPROM MAC
 *   lan9118_netif_init(&eth, &nif, "eth0");
 *   tern_netif_add(&stack, &nif);
 *   for (;;) { lan9118_receive(&eth, 16); ... }
 *
 * Register reference: SMSC LAN9118 datasheet (rev. 1.5), sections 5 (system
 * control and status registers) and 5.4 (MAC CSR), 5.5 (PHY registers).
 * See docs/PORTING.md for how this driver maps onto tern_netif_ops.
 */
#ifndef TERN_LAN9118_H
#define TERN_LAN9118_H

#include <stdbool.h>
#include <stdint.h>

#include "tern/netif.h"

/* What the driver counts (besides the netif's own counters). */
typedef struct lan9118_counters {
    uint32_t rx_frames, rx_bytes; /* handed to the stack */
    uint32_t rx_nomem;            /* dropped: no packet buffer */
    uint32_t rx_errors;           /* dropped: error status (CRC, length, runt, too long) */
    uint32_t rx_hw_drops;         /* dropped by the MAC itself (RX_DROP register) */
    uint32_t tx_frames, tx_bytes; /* written to the TX FIFO */
    uint32_t tx_errors;           /* error status, or a frame the FIFO could not take */
    uint32_t link_changes;        /* PHY link up/down transitions seen */
} lan9118_counters;

typedef struct lan9118 {
    uintptr_t base;        /* the controller's registers */
    tern_netif *nif;       /* set by lan9118_netif_init */
    uint8_t mac[6];        /* the station address in use */
    bool link;             /* last link state read from the PHY */
    uint8_t hash_refs[64]; /* multicast hash bins: how many groups use each */
    lan9118_counters counters;
} lan9118;

/* Controller identity (ID_REV upper half) and byte-order test value. */
#define LAN9118_ID 0x0118u
#define LAN9118_BYTE_TEST_VALUE 0x87654321u

/* Reset the controller, set up MAC and PHY, enable TX and RX. mac NULL: use
 * the address the controller loaded from its EEPROM. Returns TERN_ERR_NETIF
 * if nothing that looks like a LAN9118 answers at base, or a reset times out. */
tern_err lan9118_init(lan9118 *d, uintptr_t base, const uint8_t mac[6]);

/* Fill nif for this controller (Ethernet, MTU 1500, the driver's MAC and
 * ops). Add it to a stack with tern_netif_add() afterwards. */
void lan9118_netif_init(lan9118 *d, tern_netif *nif, const char *name);

/* Hand up to max received frames to the stack; returns how many were read
 * from the FIFO (handed up or dropped). */
unsigned lan9118_receive(lan9118 *d, unsigned max);

/* A received frame waits in the FIFO. */
bool lan9118_rx_pending(const lan9118 *d);

/* Interrupt on received frames (the IRQ line, push-pull active high), or not.
 * The interrupt handler turns it off and wakes the loop; the loop reads the
 * FIFO, then turns it on again (which acknowledges it). */
void lan9118_irq_enable(lan9118 *d, bool on);

/* Read the PHY's link state and tell the stack about a change; returns it. */
bool lan9118_link_poll(lan9118 *d);

/* The 64-bin multicast hash of a MAC: the upper 6 bits of its Ethernet CRC. */
unsigned lan9118_hash_index(const uint8_t mac[6]);

/* The hash filter registers as programmed (high, low), for diagnostics. */
void lan9118_hash_filter(const lan9118 *d, uint32_t *high, uint32_t *low);

#endif
