/* Linux TAP driver (POSIX port): see tern_tap.h. */
#include "tern_tap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
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
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
    if (ioctl(tap->fd, TUNSETIFF, &ifr) < 0)
        return -errno;
    memcpy(tap->ifname, ifr.ifr_name, IFNAMSIZ);
    tap->ifname[IFNAMSIZ - 1] = '\0';
    return 0;
}

int tern_tap_open(tern_tap *tap, const char *ifname) {
    tap->fd = -1;
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
    if (tap->created)
        tap_set_kernel_up(tap->ifname);
    tap->kernel_mtu = tap_read_mtu(tap->ifname);
    return 0;
}

void tern_tap_netif_init(tern_tap *tap, tern_netif *nif, struct tern_stack *s, const uint8_t mac[6],
                         uint16_t mtu) {
    tern_netif_init(nif, tap->ifname, TERN_LINK_ETHERNET, &tern_tap_ops, tap);
    memcpy(nif->hwaddr, mac, 6);
    if (mtu == 0)
        mtu = tap->kernel_mtu ? tap->kernel_mtu : 1500;
    nif->mtu = mtu;
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

static ssize_t tap_write(tern_tap *tap, const tern_pbuf *p) {
    struct iovec iov[TAP_IOV_MAX];
    int n = tap_gather(p, iov, TAP_IOV_MAX);
    ssize_t rc;
    if (n > 0) {
        do {
            rc = writev(tap->fd, iov, n);
        } while (rc < 0 && errno == EINTR);
        return rc;
    }
    uint16_t len = tern_pbuf_copy_out(p, 0, tap->buf, p->tot_len);
    do {
        rc = write(tap->fd, tap->buf, len);
    } while (rc < 0 && errno == EINTR);
    return rc;
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
    tern_pbuf *p = tern_pbuf_alloc(tap->stack, 0, len);
    if (p == NULL) {
        tap->counters.rx_nomem++;
        return;
    }
    if (tern_pbuf_copy_in(p, 0, tap->buf, len) != TERN_OK) {
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
        frames++;
        tap->counters.rx_frames++;
        tap->counters.rx_bytes += (uint32_t)n;
        tap_deliver(tap, (uint16_t)n);
    }
    return frames;
}
