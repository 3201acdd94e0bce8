/*
 * Linux TAP driver for Tern (POSIX port).
 *
 *   tern_tap tap;
 *   tern_tap_open(&tap, "tap0");                 // attach to tap0, or create it
 *   tern_tap_netif_init(&tap, &nif, s, mac, 0);  // mac NULL: random, mtu 0: kernel's
 *   tern_netif_add(s, &nif); ...
 *   poll on tern_tap_fd(&tap); when readable: tern_tap_receive(&tap, 64);
 *
 * Transmit (tern_tap_ops.link_output) borrows the frame and writes it with
 * one writev(); receive copies each frame into a pool pbuf (headroom 0) and
 * hands it to tern_netif_input(). Frames that cannot get a buffer are
 * counted in rx_nomem and discarded.
 *
 * Offloads (tern_tap_open_offload, with TERN_CFG_NETIF_OFFLOAD): the TAP is
 * opened with IFF_VNET_HDR, each frame carries a virtio-net header, and
 * TUNSETOFFLOAD lets Linux hand over TCP segments of up to 64 KB without
 * computing their checksums (TUN_F_CSUM | TUN_F_TSO4); received frames
 * whose checksum Linux vouches for are marked TERN_PBUF_F_CSUM_OK. The
 * other way, the netif gets TERN_OFFLOAD_TX_TCP and gso_max: TCP sends
 * segments of up to ~64 KB without a checksum, and the header tells Linux
 * to cut them to the MSS and fill the checksums in.
 */
#ifndef TERN_TAP_H
#define TERN_TAP_H

#include <stdbool.h>
#include <stdint.h>

#include <net/if.h>

#include "tern/netif.h"

struct tern_stack;

/* Largest frame the driver reads or writes (tern_pbuf lengths are 16-bit). */
#define TERN_TAP_FRAME_MAX 65535u
/* The virtio-net header in front of each frame when offloads are on. */
#define TERN_TAP_VNET_HDR 10u

typedef struct tern_tap_counters {
    uint32_t rx_frames, rx_bytes;
    uint32_t rx_nomem;  /* no pool buffer: frame discarded */
    uint32_t rx_errors; /* read() failures other than EAGAIN */
    uint32_t tx_frames, tx_bytes;
    uint32_t tx_errors;      /* write failures or short writes */
    uint32_t tx_oversize;    /* frame longer than TERN_TAP_FRAME_MAX */
    uint32_t rx_gso, tx_gso; /* offloads on: segments larger than the MTU (GSO/TSO) */
} tern_tap_counters;

typedef struct tern_tap {
    int fd;
    char ifname[IFNAMSIZ];
    uint16_t kernel_mtu; /* MTU of the Linux side when opened (0 if unknown) */
    bool created;        /* the interface did not exist before we opened it */
    int failed;          /* errno of a fatal read error (interface gone), else 0 */
    bool vnet;           /* offloads on: frames carry a virtio-net header */
    struct tern_stack *stack;
    tern_netif *nif;
    tern_tap_counters counters;
    /* Receive buffer (one byte more than the largest frame, to see a longer
     * one), and transmit gather buffer. */
    uint8_t buf[TERN_TAP_VNET_HDR + TERN_TAP_FRAME_MAX + 1u];
} tern_tap;

/* The driver operations (link_output only). */
extern const tern_netif_ops tern_tap_ops;

/* Open TAP interface ifname (IFF_TAP | IFF_NO_PI, non-blocking), creating
 * it when it does not exist, and read its MTU. A created interface is set up
 * on the Linux side. Returns 0 or -errno; on error tap->fd is -1. */
int tern_tap_open(tern_tap *tap, const char *ifname);
/* As tern_tap_open, with the checksum and segmentation offloads (see above).
 * Returns -ENOTSUP when this build has no TERN_CFG_NETIF_OFFLOAD. */
int tern_tap_open_offload(tern_tap *tap, const char *ifname);

/* Initialise nif as an Ethernet interface named after the TAP and driven by
 * it: hwaddr = mac, mtu = mtu (0: the kernel's, 1500 if unknown). Call
 * before tern_netif_add(). */
void tern_tap_netif_init(tern_tap *tap, tern_netif *nif, struct tern_stack *s, const uint8_t mac[6],
                         uint16_t mtu);

/* File descriptor to poll for POLLIN. */
static inline int tern_tap_fd(const tern_tap *tap) {
    return tap->fd;
}

/* Read up to max_frames available frames and feed them to the stack.
 * Returns the number of frames read (0 when none was waiting). A read error
 * other than EAGAIN/EINTR (e.g. the interface was deleted) sets tap->failed;
 * stop polling the descriptor then. */
unsigned tern_tap_receive(tern_tap *tap, unsigned max_frames);

/* Close the descriptor (a TAP created by tern_tap_open disappears). */
void tern_tap_close(tern_tap *tap);

/* A random locally administered unicast MAC (02:xx:xx:xx:xx:xx style):
 * rnd supplies the bytes. */
void tern_tap_random_mac(uint8_t mac[6], uint32_t (*rnd)(void *ctx), void *ctx);

#endif
