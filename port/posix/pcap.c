/* Classic pcap writer (POSIX port): see tern_pcap.h. */
#include "tern_pcap.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "tern_clock.h"

#define PCAP_MAGIC_USEC 0xa1b2c3d4u
#define PCAP_LINKTYPE_ETHERNET 1u

/* pcap fields are in the writer's byte order; we write little-endian
 * explicitly so the file is the same on every host. */
static void put_le16(uint8_t *b, uint16_t v) {
    b[0] = (uint8_t)v;
    b[1] = (uint8_t)(v >> 8);
}

static void put_le32(uint8_t *b, uint32_t v) {
    b[0] = (uint8_t)v;
    b[1] = (uint8_t)(v >> 8);
    b[2] = (uint8_t)(v >> 16);
    b[3] = (uint8_t)(v >> 24);
}

static int write_all(int fd, const uint8_t *data, size_t len) {
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0 ? -errno : -EIO;
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

int tern_pcap_open(tern_pcap *pc, const char *path, uint32_t snaplen) {
    pc->packets = 0;
    pc->errors = 0;
    pc->snaplen = (snaplen == 0 || snaplen > TERN_PCAP_SNAPLEN) ? TERN_PCAP_SNAPLEN : snaplen;
    pc->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (pc->fd < 0)
        return -errno;
    uint8_t h[TERN_PCAP_HDR_LEN];
    put_le32(h, PCAP_MAGIC_USEC);
    put_le16(h + 4, 2); /* version 2.4 */
    put_le16(h + 6, 4);
    put_le32(h + 8, 0);  /* thiszone */
    put_le32(h + 12, 0); /* sigfigs */
    put_le32(h + 16, pc->snaplen);
    put_le32(h + 20, PCAP_LINKTYPE_ETHERNET);
    int err = write_all(pc->fd, h, sizeof(h));
    if (err < 0) {
        close(pc->fd);
        pc->fd = -1;
    }
    return err;
}

int tern_pcap_write(tern_pcap *pc, const tern_pbuf *p, uint32_t sec, uint32_t usec) {
    if (pc->fd < 0)
        return -EBADF;
    uint32_t orig = p->tot_len;
    uint16_t cap = (uint16_t)(orig < pc->snaplen ? orig : pc->snaplen);
    uint8_t *rec = pc->buf;
    put_le32(rec, sec);
    put_le32(rec + 4, usec);
    uint16_t got = tern_pbuf_copy_out(p, 0, rec + TERN_PCAP_REC_LEN, cap);
    put_le32(rec + 8, got);
    put_le32(rec + 12, orig);
    int err = write_all(pc->fd, rec, TERN_PCAP_REC_LEN + (size_t)got);
    if (err < 0)
        pc->errors++;
    else
        pc->packets++;
    return err;
}

void tern_pcap_tee(void *ctx, tern_netif *nif, const tern_pbuf *p, bool outgoing) {
    (void)nif;
    (void)outgoing;
    uint32_t sec, usec;
    tern_posix_wallclock(&sec, &usec);
    (void)tern_pcap_write(ctx, p, sec, usec);
}

void tern_pcap_close(tern_pcap *pc) {
    if (pc->fd >= 0)
        close(pc->fd);
    pc->fd = -1;
}
