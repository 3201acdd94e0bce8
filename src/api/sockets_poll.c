/*
 * poll() and select(): readiness as Linux's tcp_poll / datagram_poll compute
 * it, and a wait on the instance's poll condition (woken by every socket
 * event) with the core lock released. The sockets of one call must share one
 * core lock (they do when the instances were initialised with the same lock).
 */
#include "sockets_priv.h"

#if TERN_CFG_SOCKETS

short tern_sock_poll_events(tern_sock *so) {
    short m = 0;
    if (so->so_error)
        m |= TERN_POLLERR;
    if (SOCK_IS_STREAM(so)) {
        if (so->state == SOCKST_LISTEN)
            return (short)(m | (so->acc_head >= 0 ? TERN_POLLIN | TERN_POLLRDNORM : 0));
        bool closed = so->state == SOCKST_IDLE || so->state == SOCKST_DEAD;
        if (so->shut == SOCKSH_BOTH || closed)
            m |= TERN_POLLHUP;
        if (so->shut & SOCKSH_RCV)
            m |= TERN_POLLIN | TERN_POLLRDNORM | TERN_POLLRDHUP;
        if (so->state != SOCKST_SYN_SENT) {
            if (so->rx_bytes)
                m |= TERN_POLLIN | TERN_POLLRDNORM;
            if ((so->shut & SOCKSH_SEND) || !so->pcb.tcp || so->state != SOCKST_CONNECTED ||
                tern_tcp_sndbuf(so->pcb.tcp) > 0)
                m |= TERN_POLLOUT | TERN_POLLWRNORM;
        }
        return m;
    }
    if (so->shut == SOCKSH_BOTH)
        m |= TERN_POLLHUP;
    if (so->shut & SOCKSH_RCV)
        m |= TERN_POLLIN | TERN_POLLRDNORM | TERN_POLLRDHUP;
    if (so->dq_count)
        m |= TERN_POLLIN | TERN_POLLRDNORM;
    m |= TERN_POLLOUT | TERN_POLLWRNORM;
    return m;
}

/* Wait on ss's poll condition until woken or the deadline; false when the
 * time is up. timeout_ms < 0: forever. */
static bool poll_wait(tern_sockets *ss, int timeout_ms, uint32_t start) {
    uint32_t t = TERN_OS_WAIT_FOREVER;
    if (timeout_ms >= 0) {
        uint32_t spent = tern_os_now_ms() - start;
        if (spent >= (uint32_t)timeout_ms)
            return false;
        t = (uint32_t)timeout_ms - spent;
    }
    if (ss->kick)
        ss->kick(ss->kick_ctx);
    ss->pollers++;
    tern_os_cond_wait(&ss->poll_cond, ss->lock, t);
    ss->pollers--;
    return true;
}

static void os_sleep_ms(int timeout_ms) {
    /* Nothing to poll: sleep on a private condition (no lock held outside). */
    tern_os_mutex m;
    tern_os_cond c;
    if (timeout_ms == 0 || tern_os_mutex_init(&m))
        return;
    if (tern_os_cond_init(&c)) {
        tern_os_mutex_destroy(&m);
        return;
    }
    tern_os_mutex_lock(&m);
    uint32_t start = tern_os_now_ms();
    for (;;) {
        uint32_t spent = tern_os_now_ms() - start;
        if (timeout_ms >= 0 && spent >= (uint32_t)timeout_ms)
            break;
        tern_os_cond_wait(&c, &m, timeout_ms < 0 ? TERN_OS_WAIT_FOREVER : (uint32_t)timeout_ms - spent);
    }
    tern_os_mutex_unlock(&m);
    tern_os_cond_destroy(&c);
    tern_os_mutex_destroy(&m);
}

int tern_poll(struct tern_pollfd *fds, tern_nfds_t nfds, int timeout_ms) {
    if (nfds && !fds) {
        tern_os_set_errno(TERN_EFAULT);
        return -1;
    }
    if (nfds > (tern_nfds_t)TERN_SOCKETS_INSTANCES * TERN_CFG_SOCKETS_MAX * 4u) {
        tern_os_set_errno(TERN_EINVAL);
        return -1;
    }
    tern_sockets *ss = NULL;
    for (tern_nfds_t i = 0; i < nfds && !ss; i++) {
        tern_sock *so = fds[i].fd >= 0 ? tern_sock_lookup(fds[i].fd) : NULL;
        if (so)
            ss = so->owner;
    }
    if (!ss) { /* no socket at all: every entry is negative or invalid */
        int n = 0;
        for (tern_nfds_t i = 0; i < nfds; i++) {
            fds[i].revents = fds[i].fd >= 0 ? TERN_POLLNVAL : 0;
            n += fds[i].fd >= 0;
        }
        if (!n)
            os_sleep_ms(timeout_ms);
        return n;
    }
    uint32_t start = tern_os_now_ms();
    tern_os_mutex_lock(ss->lock);
    int n;
    for (;;) {
        n = 0;
        for (tern_nfds_t i = 0; i < nfds; i++) {
            fds[i].revents = 0;
            if (fds[i].fd < 0)
                continue;
            tern_sock *so = tern_sock_lookup(fds[i].fd);
            if (!so || !so->used || (so->flags & SOCKF_CLOSING) || so->parent >= 0 ||
                so->owner->lock != ss->lock) {
                fds[i].revents = TERN_POLLNVAL;
            } else {
                short want = (short)(fds[i].events | TERN_POLLERR | TERN_POLLHUP);
                fds[i].revents = (short)(tern_sock_poll_events(so) & want);
            }
            n += fds[i].revents != 0;
        }
        if (n || !poll_wait(ss, timeout_ms, start))
            break;
    }
    tern_os_mutex_unlock(ss->lock);
    return n;
}

#define RD_EVENTS (TERN_POLLIN | TERN_POLLRDNORM | TERN_POLLHUP | TERN_POLLERR)
#define WR_EVENTS (TERN_POLLOUT | TERN_POLLWRNORM | TERN_POLLERR)

/* A select() timeout in milliseconds (-1: none); false if it is invalid. */
static bool select_timeout(const struct tern_timeval *timeout, int *ms) {
    *ms = -1;
    if (!timeout)
        return true;
    if (timeout->tv_sec < 0 || timeout->tv_usec < 0 || timeout->tv_usec >= 1000000)
        return false;
    long long t = (long long)timeout->tv_sec * 1000 + (timeout->tv_usec + 999) / 1000;
    *ms = t > 0x7FFFFFFF ? 0x7FFFFFFF : (int)t;
    return true;
}

static bool in_set(const tern_fd_set *set, int fd) {
    return set && TERN_FD_ISSET(fd, set);
}

/* The instance of the descriptors in the sets (NULL if there are none);
 * false if one is not a socket. */
static bool select_owner(int nfds, const tern_fd_set *rd, const tern_fd_set *wr, const tern_fd_set *ex,
                         tern_sockets **owner) {
    *owner = NULL;
    for (int fd = 0; fd < nfds; fd++) {
        if (!in_set(rd, fd) && !in_set(wr, fd) && !in_set(ex, fd))
            continue;
        tern_sock *so = tern_sock_lookup(fd);
        if (!so)
            return false;
        if (!*owner)
            *owner = so->owner;
    }
    return true;
}

/* Leave fd in out (if given) only when it was asked for and is ready. */
static int report(tern_fd_set *out, int fd, bool asked, bool ready) {
    if (!out)
        return 0;
    if (asked && ready) {
        TERN_FD_SET(fd, out);
        return 1;
    }
    TERN_FD_CLR(fd, out);
    return 0;
}

typedef struct select_sets {
    tern_fd_set *out[3]; /* the caller's read, write, except sets */
    tern_fd_set in[3];   /* what it asked for */
} select_sets;

/* One pass over the descriptors, under ss's lock: how many are ready, or -1
 * if one was closed or belongs to another instance. */
static int select_scan(tern_sockets *ss, int nfds, select_sets *q) {
    int n = 0;
    for (int fd = 0; fd < nfds; fd++) {
        bool r = TERN_FD_ISSET(fd, &q->in[0]), w = TERN_FD_ISSET(fd, &q->in[1]);
        if (!r && !w && !TERN_FD_ISSET(fd, &q->in[2]))
            continue;
        tern_sock *so = tern_sock_lookup(fd);
        if (!so->used || (so->flags & SOCKF_CLOSING) || so->parent >= 0 || so->owner->lock != ss->lock)
            return -1;
        short m = tern_sock_poll_events(so);
        n += report(q->out[0], fd, r, (m & RD_EVENTS) != 0);
        n += report(q->out[1], fd, w, (m & WR_EVENTS) != 0);
        report(q->out[2], fd, false, false); /* no out-of-band data */
    }
    return n;
}

int tern_select(int nfds, tern_fd_set *rd, tern_fd_set *wr, tern_fd_set *ex, struct tern_timeval *timeout) {
    int timeout_ms;
    if (nfds < 0 || nfds > TERN_FD_SETSIZE || !select_timeout(timeout, &timeout_ms)) {
        tern_os_set_errno(TERN_EINVAL);
        return -1;
    }
    tern_sockets *ss;
    if (!select_owner(nfds, rd, wr, ex, &ss)) {
        tern_os_set_errno(TERN_EBADF);
        return -1;
    }
    if (!ss) {
        os_sleep_ms(timeout_ms);
        return 0;
    }
    select_sets q = {.out = {rd, wr, ex}};
    for (int i = 0; i < 3; i++)
        if (q.out[i])
            q.in[i] = *q.out[i];
    uint32_t start = tern_os_now_ms();
    tern_os_mutex_lock(ss->lock);
    int n;
    do {
        n = select_scan(ss, nfds, &q);
    } while (n == 0 && poll_wait(ss, timeout_ms, start));
    tern_os_mutex_unlock(ss->lock);
    if (n < 0)
        tern_os_set_errno(TERN_EBADF);
    return n;
}

#endif
