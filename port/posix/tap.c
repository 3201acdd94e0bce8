/* Linux TAP driver (POSIX port): see tern_tap.h. */
#include "tern_tap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "tern/pbuf.h"
#include "tern/stack.h"

/* Segments gathered with writev before falling back to a copy. */
#define TAP_IOV_MAX 32

static tern_err tap_link_output(tern_netif *nif, tern_pbuf *p);

const tern_netif_ops tern_tap_ops = {
    .link_output = tap_link_output,
    .ip_output = NULL,
    .mcast_filter = NULL,
};

/* Run an interface ioctl through a throwaway datagram socket. */
static int ifreq_ioctl(unsigned long req, struct ifreq *ifr) {
    int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (sock < 0)
        return -errno;
    int rc = ioctl(sock, req, ifr);
    int err = rc < 0 ? -errno : 0;
    close(sock);
    return err;
}

static bool tap_exists(const char *ifname) {
    return if_nametoindex(ifname) != 0;
}

static uint16_t tap_read_mtu(const char *ifname) {
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
    if (ifreq_ioctl(SIOCGIFMTU, &ifr) < 0 || ifr.ifr_mtu <= 0)
        return 0;
    return ifr.ifr_mtu > 65535 ? 65535 : (uint16_t)ifr.ifr_mtu;
}

/* Set IFF_UP on the Linux side (best effort). */
static void tap_set_kernel_up(const char *ifname) {
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
    if (ifreq_ioctl(SIOCGIFFLAGS, &ifr) < 0)
        return;
    ifr.ifr_flags = (short)(ifr.ifr_flags | IFF_UP);
    (void)ifreq_ioctl(SIOCSIFFLAGS, &ifr);
}

static int tap_attach(tern_tap *tap, const char *ifname) {
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = (short)(IFF_TAP | IFF_NO_PI | (tap->vnet ? IFF_VNET_HDR : 0));
    snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
    if (ioctl(tap->fd, TUNSETIFF, &ifr) < 0)
        return -errno;
    memcpy(tap->ifname, ifr.ifr_name, IFNAMSIZ);
    tap->ifname[IFNAMSIZ - 1] = '\0';
    return 0;
}

static int tap_open(tern_tap *tap, const char *ifname, bool vnet) {
    tap->fd = -1;
    tap->vnet = vnet;
    tap->ifname[0] = '\0';
    tap->kernel_mtu = 0;
    tap->failed = 0;
    tap->stack = NULL;
    tap->nif = NULL;
    memset(&tap->counters, 0, sizeof(tap->counters)); /* buf needs no clearing */
    if (ifname == NULL || ifname[0] == '\0' || strlen(ifname) >= IFNAMSIZ)
        return -EINVAL;
    tap->created = !tap_exists(ifname);
    tap->fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (tap->fd < 0)
        return -errno;
    int err = tap_attach(tap, ifname);
    if (err < 0) {
        close(tap->fd);
        tap->fd = -1;
        return err;
    }
    if (vnet) {
        int hdr = (int)TERN_TAP_VNET_HDR;
        unsigned offload = TUN_F_CSUM | TUN_F_TSO4;
        if (ioctl(tap->fd, TUNSETVNETHDRSZ, &hdr) < 0 || ioctl(tap->fd, TUNSETOFFLOAD, offload) < 0) {
            err = -errno;
            close(tap->fd);
            tap->fd = -1;
            return err;
        }
    }
    if (tap->created)
        tap_set_kernel_up(tap->ifname);
    tap->kernel_mtu = tap_read_mtu(tap->ifname);
    return 0;
}

int tern_tap_open(tern_tap *tap, const char *ifname) {
    return tap_open(tap, ifname, false);
}

int tern_tap_open_offload(tern_tap *tap, const char *ifname) {
#if TERN_CFG_NETIF_OFFLOAD
    return tap_open(tap, ifname, true);
#else
    tap->fd = -1;
    (void)ifname;
    return -ENOTSUP;
#endif
}

void tern_tap_netif_init(tern_tap *tap, tern_netif *nif, struct tern_stack *s, const uint8_t mac[6],
                         uint16_t mtu) {
    tern_netif_init(nif, tap->ifname, TERN_LINK_ETHERNET, &tern_tap_ops, tap);
    memcpy(nif->hwaddr, mac, 6);
    if (mtu == 0)
        mtu = tap->kernel_mtu ? tap->kernel_mtu : 1500;
    nif->mtu = mtu;
#if TERN_CFG_NETIF_OFFLOAD
    if (tap->vnet) {
        /* Whole frames stay within TERN_TAP_FRAME_MAX: Ethernet, IPv4 and
         * the largest TCP header in front of the payload. */
        nif->offload |= TERN_OFFLOAD_TX_TCP;
        nif->gso_max = (uint16_t)(TERN_TAP_FRAME_MAX - 14u - 20u - 60u);
    }
#endif
    tap->stack = s;
    tap->nif = nif;
}

void tern_tap_close(tern_tap *tap) {
    if (tap->fd >= 0)
        close(tap->fd);
    tap->fd = -1;
}

void tern_tap_random_mac(uint8_t mac[6], uint32_t (*rnd)(void *ctx), void *ctx) {
    uint32_t a = rnd(ctx), b = rnd(ctx);
    mac[0] = (uint8_t)(((a >> 24) & 0xfcu) | 0x02u); /* unicast, locally administered */
    mac[1] = (uint8_t)(a >> 16);
    mac[2] = (uint8_t)(a >> 8);
    mac[3] = (uint8_t)a;
    mac[4] = (uint8_t)(b >> 8);
    mac[5] = (uint8_t)b;
}

/* ---- Transmit ------------------------------------------------------------ */

/* Gather the chain into iov; returns the number of entries, or 0 when the
 * chain has more segments than fit. */
static int tap_gather(const tern_pbuf *p, struct iovec *iov, int max) {
    int n = 0;
    for (; p != NULL; p = p->next) {
        if (p->len == 0)
            continue;
        if (n == max)
            return 0;
        iov[n].iov_base = p->payload;
        iov[n].iov_len = p->len;
        n++;
    }
    return n;
}

#if TERN_CFG_NETIF_OFFLOAD
/* The virtio-net header for an outgoing frame. A TCP/IPv4 segment from an
 * interface with TX_TCP offload has its checksum field 0: it gets the
 * pseudo-header sum, and Linux completes it (NEEDS_CSUM); one larger than
 * the MSS (gso_size) is cut into MSS-sized frames by Linux (GSO TCPV4). */
static void vnet_tx_header(tern_tap *tap, tern_pbuf *p, struct virtio_net_hdr *vh) {
    uint8_t h[14 + 60 + 20];
    memset(vh, 0, sizeof *vh);
    uint16_t n = tern_pbuf_copy_out(p, 0, h, sizeof h);
    if (!(tap->nif->offload & TERN_OFFLOAD_TX_TCP) || n < 14 + 20 + 20 || h[12] != 0x08 || h[13] != 0x00 ||
        (h[14] >> 4) != 4 || h[23] != 6)
        return;
    uint16_t ihl = (uint16_t)((h[14] & 0x0Fu) * 4u);
    uint16_t total = (uint16_t)(h[16] << 8 | h[17]);
    if (ihl < 20 || n < 14u + ihl + 20u || total < ihl + 20u)
        return;
    uint16_t l4 = (uint16_t)(14u + ihl), tcp_len = (uint16_t)(total - ihl);
    /* Pseudo-header sum (folded, not complemented), as Linux's CHECKSUM_PARTIAL wants. */
    uint32_t sum = 6u + tcp_len;
    for (unsigned i = 26; i < 34; i += 2)
        sum += (uint32_t)(h[i] << 8 | h[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xFFFFu) + (sum >> 16);
    uint8_t csum[2] = {(uint8_t)(sum >> 8), (uint8_t)sum};
    (void)tern_pbuf_copy_in(p, (uint16_t)(l4 + 16u), csum, 2);
    vh->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
    vh->csum_start = l4;
    vh->csum_offset = 16;
    if (p->gso_size) {
        vh->gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
        vh->gso_size = p->gso_size;
        vh->hdr_len = (uint16_t)(l4 + (h[l4 + 12] >> 4) * 4u);
        tap->counters.tx_gso++;
    }
}
#endif

static ssize_t tap_write(tern_tap *tap, tern_pbuf *p) {
    struct iovec iov[TAP_IOV_MAX];
    int skip = tap->vnet ? 1 : 0;
    ssize_t rc;
#if TERN_CFG_NETIF_OFFLOAD
    struct virtio_net_hdr vh;
    if (tap->vnet) {
        vnet_tx_header(tap, p, &vh);
        iov[0].iov_base = &vh;
        iov[0].iov_len = sizeof vh;
    }
#endif
    int n = tap_gather(p, iov + skip, TAP_IOV_MAX - skip);
    if (n > 0) {
        do {
            rc = writev(tap->fd, iov, n + skip);
        } while (rc < 0 && errno == EINTR);
        return rc - (ssize_t)(skip ? TERN_TAP_VNET_HDR : 0u);
    }
    uint16_t hdr = skip ? (uint16_t)TERN_TAP_VNET_HDR : 0;
#if TERN_CFG_NETIF_OFFLOAD
    if (skip)
        memcpy(tap->buf, &vh, sizeof vh);
#endif
    uint16_t len = tern_pbuf_copy_out(p, 0, tap->buf + hdr, p->tot_len);
    do {
        rc = write(tap->fd, tap->buf, (size_t)hdr + len);
    } while (rc < 0 && errno == EINTR);
    return rc - hdr;
}

static tern_err tap_link_output(tern_netif *nif, tern_pbuf *p) {
    tern_tap *tap = nif->driver;
    if (tap == NULL || tap->fd < 0 || p == NULL)
        return TERN_ERR_NETIF;
    if (p->tot_len == 0) {
        tap->counters.tx_errors++;
        return TERN_ERR_INVAL;
    }
    ssize_t rc = tap_write(tap, p);
    if (rc != (ssize_t)p->tot_len) {
        tap->counters.tx_errors++;
        return TERN_ERR_NETIF;
    }
    tap->counters.tx_frames++;
    tap->counters.tx_bytes += p->tot_len;
    return TERN_OK;
}

/* ---- Receive ------------------------------------------------------------- */

/* Copy one frame from tap->buf into a pool pbuf and hand it to the stack. */
static void tap_deliver(tern_tap *tap, uint16_t len) {
    const uint8_t *frame = tap->buf;
    uint8_t flags = 0;
#if TERN_CFG_NETIF_OFFLOAD
    if (tap->vnet) {
        struct virtio_net_hdr vh;
        memcpy(&vh, tap->buf, sizeof vh);
        /* NEEDS_CSUM: a segment of Linux's own, checksum never computed;
         * DATA_VALID: Linux checked it. Either way it is good. */
        if (vh.flags & (VIRTIO_NET_HDR_F_NEEDS_CSUM | VIRTIO_NET_HDR_F_DATA_VALID))
            flags = TERN_PBUF_F_CSUM_OK;
        if (vh.gso_type != VIRTIO_NET_HDR_GSO_NONE)
            tap->counters.rx_gso++;
        frame += TERN_TAP_VNET_HDR;
    }
#endif
    tern_pbuf *p = tern_pbuf_alloc(tap->stack, 0, len);
    if (p == NULL) {
        tap->counters.rx_nomem++;
        return;
    }
    p->flags = flags;
    if (tern_pbuf_copy_in(p, 0, frame, len) != TERN_OK) {
        tap->counters.rx_nomem++;
        tern_pbuf_free(tap->stack, p);
        return;
    }
    tern_netif_input(tap->nif, p);
}

/* Read one frame: >0 its length, 0 nothing waiting, -1 error (errno set). */
static ssize_t tap_read_one(tern_tap *tap) {
    ssize_t n;
    do {
        n = read(tap->fd, tap->buf, sizeof(tap->buf));
    } while (n < 0 && errno == EINTR);
    if (n < 0)
        return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -1;
    return n;
}

unsigned tern_tap_receive(tern_tap *tap, unsigned max_frames) {
    unsigned frames = 0;
    if (tap->fd < 0 || tap->nif == NULL)
        return 0;
    while (frames < max_frames) {
        ssize_t n = tap_read_one(tap);
        if (n < 0) {
            tap->counters.rx_errors++;
            tap->failed = errno;
            break;
        }
        if (n == 0)
            break;
        if (tap->vnet) {
            if (n <= (ssize_t)TERN_TAP_VNET_HDR) {
                tap->counters.rx_errors++;
                continue;
            }
            n -= (ssize_t)TERN_TAP_VNET_HDR;
        }
        if (n > (ssize_t)TERN_TAP_FRAME_MAX) { /* cut off by the buffer: cannot be a pbuf */
            tap->counters.rx_errors++;
            continue;
        }
        frames++;
        tap->counters.rx_frames++;
        tap->counters.rx_bytes += (uint32_t)n;
        tap_deliver(tap, (uint16_t)n);
    }
    return frames;
}
