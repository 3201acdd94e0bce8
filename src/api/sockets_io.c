/*
 * Sockets data transfer: send/recv and friends for TCP (a byte queue of the
 * pbufs the core hands up), UDP and raw ICMP (a ring of datagrams).
 */
#include "sockets_priv.h"

#if TERN_CFG_SOCKETS

#include <string.h>

/* Largest piece written to the TCP send buffer at once (bounds the pool
 * buffers one call allocates before the core can send some of them). */
#define SOCK_TCP_CHUNK 16384u
/* Poll interval while the packet pool is exhausted, ms. */
#define SOCK_NOMEM_RETRY_MS 10u

/* One scatter/gather list walked as a flat byte range. */
typedef struct iov_cursor {
    const struct tern_iovec *iov;
    size_t n, i, off;
} iov_cursor;

static size_t iov_total(const struct tern_iovec *iov, size_t n) {
    size_t t = 0;
    for (size_t i = 0; i < n; i++)
        t += iov[i].iov_len;
    return t;
}

/* Copy from a pbuf chain into the cursor's memory (receive side). */
static size_t iov_write_pbuf(iov_cursor *c, const tern_pbuf *p, uint16_t from, size_t len) {
    size_t done = 0;
    while (done < len && c->i < c->n) {
        size_t room = c->iov[c->i].iov_len - c->off;
        size_t k = len - done < room ? len - done : room;
        if (k > 0xFFFFu)
            k = 0xFFFFu;
        k = tern_pbuf_copy_out(p, (uint16_t)(from + done), (uint8_t *)c->iov[c->i].iov_base + c->off,
                               (uint16_t)k);
        if (!k && room)
            break;
        done += k;
        c->off += k;
        if (c->off == c->iov[c->i].iov_len) {
            c->i++;
            c->off = 0;
        }
    }
    return done;
}

static bool iov_valid(const struct tern_iovec *iov, size_t n) {
    if (n && !iov)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!iov[i].iov_base && iov[i].iov_len)
            return false;
    return true;
}

static bool nonblocking(const tern_sock *so, int flags) {
    return (so->flags & SOCKF_NONBLOCK) || (flags & TERN_MSG_DONTWAIT);
}

static int take_error(tern_sock *so) {
    int e = so->so_error;
    so->so_error = 0;
    return e;
}

/* ---- TCP -------------------------------------------------------------------- */

static long stream_send(tern_sock *so, iov_cursor *c, size_t len, int flags) {
    size_t done = 0;
    uint32_t start = tern_os_now_ms();
    for (;;) {
        if (so->so_error) {
            if (done)
                break;
            return tern_sock_fail(so, take_error(so));
        }
        if (so->shut & SOCKSH_SEND)
            return done ? (tern_sock_leave(so), (long)done) : tern_sock_fail(so, TERN_EPIPE);
        if (so->state == SOCKST_CONNECTED && so->pcb.tcp) {
            tern_tcp_pcb *pcb = so->pcb.tcp;
            bool nomem = false;
            uint32_t budget = SOCK_TCP_CHUNK;
            while (done < len && budget) {
                /* Straight from the caller's memory into the send buffer
                 * (one copy), one iovec piece at a time. */
                while (c->iov[c->i].iov_len == c->off) {
                    c->i++;
                    c->off = 0;
                }
                uint32_t room = tern_tcp_sndbuf(pcb);
                size_t n = c->iov[c->i].iov_len - c->off;
                if (n > budget)
                    n = budget;
                if (n > room)
                    n = room;
                if (!n)
                    break;
                tern_err err =
                    tern_tcp_write(pcb, (const uint8_t *)c->iov[c->i].iov_base + c->off, (uint32_t)n);
                if (err) {
                    nomem = err == TERN_ERR_NOMEM;
                    break;
                }
                c->off += n;
                done += n;
                budget = budget > n ? budget - (uint32_t)n : 0;
            }
            tern_tcp_output(pcb);
            if (done == len)
                break;
            if (budget == 0)
                continue; /* let the core work, then go on */
            if (nonblocking(so, flags))
                break;
            int e = tern_sock_wait(so, nomem ? SOCK_NOMEM_RETRY_MS : so->sndtimeo,
                                   nomem ? tern_os_now_ms() : start);
            if (e == TERN_ETIMEDOUT && nomem && (!so->sndtimeo || tern_os_now_ms() - start < so->sndtimeo))
                continue;
            if (e)
                return done ? (tern_sock_leave(so), (long)done)
                            : tern_sock_fail(so, e == TERN_ETIMEDOUT ? TERN_EAGAIN : e);
            continue;
        }
        if (so->state != SOCKST_SYN_SENT)
            return tern_sock_fail(so, TERN_EPIPE); /* never connected, or gone */
        if (nonblocking(so, flags))
            return tern_sock_fail(so, TERN_EAGAIN);
        int e = tern_sock_wait(so, so->sndtimeo, start);
        if (e)
            return tern_sock_fail(so, e == TERN_ETIMEDOUT ? TERN_EAGAIN : e);
    }
    if (!done && len)
        return tern_sock_fail(so, TERN_EAGAIN);
    tern_sock_leave(so);
    return (long)done;
}

/* Copy up to len queued bytes into c; consume them unless peeking. */
static size_t stream_take(tern_sock *so, iov_cursor *c, size_t len, bool peek) {
    tern_stack *s = so->owner->stack;
    size_t got = 0;
    tern_pbuf *p = so->rxq;
    uint16_t off = so->rx_off;
    while (p && got < len) {
        size_t n = iov_write_pbuf(
            c, p, off, (size_t)(p->tot_len - off) < len - got ? (size_t)(p->tot_len - off) : len - got);
        got += n;
        off = (uint16_t)(off + n);
        if (off < p->tot_len)
            break;
        p = p->next_pkt;
        off = 0;
        if (!peek) {
            tern_pbuf *done = so->rxq;
            so->rxq = p;
            done->next_pkt = NULL;
            tern_pbuf_free(s, done);
        }
    }
    if (!peek) {
        so->rx_off = off;
        if (!so->rxq)
            so->rxq_tail = NULL;
        so->rx_bytes -= (uint32_t)got;
        if (so->pcb.tcp && got)
            tern_tcp_recved(so->pcb.tcp, (uint32_t)got);
    }
    return got;
}

static long stream_recv(tern_sock *so, iov_cursor *c, size_t len, int flags) {
    if (so->state == SOCKST_LISTEN)
        return tern_sock_fail(so, TERN_ENOTCONN);
    bool peek = (flags & TERN_MSG_PEEK) != 0;
    size_t got = 0;
    uint32_t start = tern_os_now_ms();
    for (;;) {
        if (so->rx_bytes && got < len) {
            got += stream_take(so, c, len - got, peek);
            if (!(flags & TERN_MSG_WAITALL) || peek || got == len)
                break;
        }
        if (got == len && len)
            break;
        if (so->so_error) {
            if (got)
                break;
            return tern_sock_fail(so, take_error(so));
        }
        if (so->shut & SOCKSH_RCV)
            break; /* end of stream: what we have, or 0 */
        if (so->state == SOCKST_IDLE || so->state == SOCKST_DEAD)
            return got ? (tern_sock_leave(so), (long)got) : tern_sock_fail(so, TERN_ENOTCONN);
        if (!len)
            break;
        if (nonblocking(so, flags)) {
            if (got)
                break;
            return tern_sock_fail(so, TERN_EAGAIN);
        }
        int e = tern_sock_wait(so, so->rcvtimeo, start);
        if (e) {
            if (got)
                break;
            return tern_sock_fail(so, e == TERN_ETIMEDOUT ? TERN_EAGAIN : e);
        }
    }
    tern_sock_leave(so);
    return (long)got;
}

/* ---- UDP and raw -------------------------------------------------------------------- */

static bool is_broadcast(tern_stack *s, const tern_addr *dst) {
    uint32_t ip = tern_addr_get_ipv4(dst);
    if (dst->family != TERN_AF_INET)
        return false;
    if (ip == 0xFFFFFFFFu)
        return true;
#if TERN_CFG_IPV4
    for (tern_netif *nif = s->netifs; nif; nif = nif->next)
        if (nif->ip4 && nif->mask4 != 0xFFFFFFFFu && ip == (nif->ip4 | ~nif->mask4))
            return true;
#else
    (void)s;
#endif
    return false;
}

#if TERN_CFG_IGMP
/* IP_MULTICAST_LOOP (on by default, as on Linux): a datagram sent to a group
 * this host has joined also reaches the local sockets bound to its port (it
 * does not come back from the wire). q holds the payload; from is the
 * sender. Core lock held. */
static void mcast_loop(tern_sock *from, tern_pbuf *q, uint32_t group, uint16_t port) {
    tern_sockets *ss = from->owner;
    tern_stack *s = ss->stack;
    bool member = false;
    for (const tern_netif *nif = s->netifs; nif && !member; nif = nif->next)
        member = tern_igmp_is_member(s, nif, group);
    if (!member)
        return;
    uint32_t src = from->pcb.udp->local_ip;
    for (const tern_netif *nif = s->netifs; !src && nif; nif = nif->next)
        if (nif->ip4 && tern_netif_is_up(nif) && !(nif->flags & TERN_NETIF_LOOPBACK))
            src = nif->ip4; /* the interface it went out of */
    for (unsigned i = 0; i < TERN_CFG_SOCKETS_MAX; i++) {
        tern_sock *so = &ss->socks[i];
        tern_udp_pcb *pcb =
            so->type == TERN_SOCK_DGRAM && so->used && !(so->flags & SOCKF_CLOSING) ? so->pcb.udp : NULL;
        if (!pcb || pcb->local_port != port || (pcb->local_ip && pcb->local_ip != group) ||
            so->dq_count >= TERN_CFG_SOCKET_DGRAM_QUEUE || (so->shut & SOCKSH_RCV))
            continue;
        tern_pbuf *copy = tern_pbuf_clone(s, 0, q);
        if (!copy)
            return;
        tern_sock_dgram *d = &so->dq[(so->dq_head + so->dq_count) % TERN_CFG_SOCKET_DGRAM_QUEUE];
        d->p = copy;
        d->addr = tern_addr_ipv4(src);
        d->port = from->pcb.udp->local_port;
        so->dq_count++;
        tern_sock_wake(so);
    }
}
#endif

static long dgram_send(tern_sock *so, iov_cursor *c, size_t len, const struct tern_sockaddr *to,
                       tern_socklen_t tolen) {
    tern_stack *s = so->owner->stack;
    tern_addr dst = so->remote;
    uint16_t port = so->remote_port;
    if (to) {
        int e = tern_sock_addr_in(so, to, tolen, &dst, &port, true);
        if (e)
            return tern_sock_fail(so, e);
    } else if (!(so->flags & SOCKF_CONNECTED)) {
        return tern_sock_fail(so, TERN_EDESTADDRREQ);
    }
    if (so->so_error)
        return tern_sock_fail(so, take_error(so));
    if (so->shut & SOCKSH_SEND)
        return tern_sock_fail(so, TERN_EPIPE);
    size_t max = so->type == TERN_SOCK_DGRAM ? 65507u : 65515u;
    if (len > max)
        return tern_sock_fail(so, TERN_EMSGSIZE);
    if (so->type == TERN_SOCK_DGRAM && !port)
        return tern_sock_fail(so, TERN_EINVAL);
    bool broadcast = is_broadcast(s, &dst);
    if (broadcast && !(so->flags & SOCKF_BROADCAST))
        return tern_sock_fail(so, TERN_EACCES);
    tern_pbuf *p = tern_pbuf_alloc(s, TERN_PBUF_TRANSPORT_HEADROOM, (uint16_t)len);
    if (!p)
        return tern_sock_fail(so, TERN_ENOBUFS);
    for (size_t off = 0, i = 0; off < len; i++) { /* straight from each iovec piece */
        size_t n = c->iov[i].iov_len;
        tern_pbuf_copy_in(p, (uint16_t)off, c->iov[i].iov_base, (uint16_t)n);
        off += n;
    }
    uint32_t ip = tern_addr_get_ipv4(&dst); /* 0 for IPv6 */
    tern_err err;
    if (so->type == TERN_SOCK_DGRAM) {
        tern_udp_pcb *pcb = so->pcb.udp;
        if (broadcast)
            tern_udp_set_flags(pcb, TERN_UDP_F_BROADCAST, true);
        pcb->ttl = (ip >> 28) == 0xEu ? so->mcast_ttl : so->ttl;
        pcb->mcast_ttl = so->mcast_ttl;
        pcb->tos = so->tos;
#if TERN_CFG_IGMP /* looped back for IPv4 groups (MLD groups: not yet) */
        tern_pbuf *loop =
            (ip >> 28) == 0xEu && (so->flags & SOCKF_MCAST_LOOP) ? tern_pbuf_clone(s, 0, p) : NULL;
#endif
        err = tern_udp_sendto(pcb, p, &dst, port);
        so->local_port = pcb->local_port;
        so->flags |= SOCKF_BOUND;
#if TERN_CFG_IGMP
        if (loop) {
            if (err == TERN_OK)
                mcast_loop(so, loop, ip, port);
            tern_pbuf_free(s, loop);
        }
#endif
    } else {
#if TERN_CFG_RAW
        so->pcb.raw->ttl = so->ttl;
        so->pcb.raw->tos = so->tos;
        err = tern_raw_sendto(so->pcb.raw, p, &dst);
#else
        tern_pbuf_free(s, p);
        err = TERN_ERR_NOTSUP;
#endif
    }
    if (err && err != TERN_ERR_HOSTUNREACH)
        return tern_sock_fail(so, err == TERN_ERR_INVAL ? TERN_EINVAL : tern_sock_errno(err));
    tern_sock_leave(so);
    return (long)len;
}

static long dgram_recv(tern_sock *so, iov_cursor *c, size_t len, int flags, struct tern_sockaddr *from,
                       tern_socklen_t *fromlen, int *msg_flags) {
    uint32_t start = tern_os_now_ms();
    while (!so->dq_count) {
        if (so->so_error)
            return tern_sock_fail(so, take_error(so));
        if (so->shut & SOCKSH_RCV) {
            tern_sock_leave(so);
            return 0;
        }
        if (nonblocking(so, flags))
            return tern_sock_fail(so, TERN_EAGAIN);
        int e = tern_sock_wait(so, so->rcvtimeo, start);
        if (e)
            return tern_sock_fail(so, e == TERN_ETIMEDOUT ? TERN_EAGAIN : e);
    }
    tern_sock_dgram *d = &so->dq[so->dq_head];
    size_t total = d->p->tot_len;
    size_t n = iov_write_pbuf(c, d->p, 0, total < len ? total : len);
    if (from && fromlen)
        tern_sock_addr_out(so, from, fromlen, &d->addr, d->port);
    if (msg_flags && total > len)
        *msg_flags |= TERN_MSG_TRUNC;
    if (!(flags & TERN_MSG_PEEK)) {
        tern_pbuf_free(so->owner->stack, d->p);
        d->p = NULL;
        so->dq_head = (uint8_t)((so->dq_head + 1u) % TERN_CFG_SOCKET_DGRAM_QUEUE);
        so->dq_count--;
    }
    tern_sock_leave(so);
    return (long)((flags & TERN_MSG_TRUNC) ? total : n);
}

/* ---- Entry points ------------------------------------------------------------------------ */

static long do_send(int fd, const struct tern_iovec *iov, size_t iovlen, int flags,
                    const struct tern_sockaddr *to, tern_socklen_t tolen) {
    tern_sock *so = tern_sock_enter(fd);
    if (!so)
        return -1;
    if (!iov_valid(iov, iovlen))
        return tern_sock_fail(so, TERN_EFAULT);
    size_t len = iov_total(iov, iovlen);
    iov_cursor c = {iov, iovlen, 0, 0};
    if (SOCK_IS_STREAM(so))
        return stream_send(so, &c, len, flags);
    return dgram_send(so, &c, len, to, tolen);
}

static long do_recv(int fd, const struct tern_iovec *iov, size_t iovlen, int flags,
                    struct tern_sockaddr *from, tern_socklen_t *fromlen, int *msg_flags) {
    tern_sock *so = tern_sock_enter(fd);
    if (!so)
        return -1;
    if (!iov_valid(iov, iovlen) || (from && !fromlen))
        return tern_sock_fail(so, TERN_EFAULT);
    size_t len = iov_total(iov, iovlen);
    iov_cursor c = {iov, iovlen, 0, 0};
    if (SOCK_IS_STREAM(so)) {
        long r = stream_recv(so, &c, len, flags);
        if (r >= 0 && from && fromlen)
            *fromlen = 0; /* Linux reports no address for TCP */
        return r;
    }
    return dgram_recv(so, &c, len, flags, from, fromlen, msg_flags);
}

long tern_send(int fd, const void *buf, size_t len, int flags) {
    struct tern_iovec v = {(void *)(uintptr_t)buf, len};
    return do_send(fd, &v, 1, flags, NULL, 0);
}

long tern_sendto(int fd, const void *buf, size_t len, int flags, const struct tern_sockaddr *to,
                 tern_socklen_t tolen) {
    struct tern_iovec v = {(void *)(uintptr_t)buf, len};
    return do_send(fd, &v, 1, flags, to, tolen);
}

long tern_recv(int fd, void *buf, size_t len, int flags) {
    struct tern_iovec v = {buf, len};
    return do_recv(fd, &v, 1, flags, NULL, NULL, NULL);
}

long tern_recvfrom(int fd, void *buf, size_t len, int flags, struct tern_sockaddr *from,
                   tern_socklen_t *fromlen) {
    struct tern_iovec v = {buf, len};
    return do_recv(fd, &v, 1, flags, from, fromlen, NULL);
}

/* sendmsg/recvmsg without a message: as on Linux, a bad descriptor is
 * reported before the bad pointer. */
static long no_msg(int fd) {
    tern_os_set_errno(tern_sock_lookup(fd) ? TERN_EFAULT : TERN_EBADF);
    return -1;
}

long tern_sendmsg(int fd, const struct tern_msghdr *msg, int flags) {
    if (!msg)
        return no_msg(fd);
    return do_send(fd, msg->msg_iov, msg->msg_iovlen, flags, msg->msg_name, msg->msg_namelen);
}

long tern_recvmsg(int fd, struct tern_msghdr *msg, int flags) {
    if (!msg)
        return no_msg(fd);
    msg->msg_flags = 0;
    msg->msg_controllen = 0;
    tern_socklen_t namelen = msg->msg_namelen;
    long r = do_recv(fd, msg->msg_iov, msg->msg_iovlen, flags, msg->msg_name, msg->msg_name ? &namelen : NULL,
                     &msg->msg_flags);
    if (r >= 0)
        msg->msg_namelen = msg->msg_name ? namelen : 0;
    return r;
}

#endif
