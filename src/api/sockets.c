/*
 * Berkeley sockets over the callback API: the socket table, descriptors, the
 * core lock discipline and the connection calls (socket, bind, listen,
 * accept, connect, shutdown, close, names, fcntl, ioctl). Data transfer is in
 * sockets_io.c, options in sockets_opt.c, poll/select in sockets_poll.c,
 * address conversion and getaddrinfo in sockets_addr.c.
 *
 * Locking: every entry point takes the core lock (tern_sock_enter) and
 * releases it on return; waits release it (tern_sock_wait). The core's
 * callbacks below run with the lock held, by whichever thread is in the
 * core (the driving thread, or an application thread inside a call).
 */
#include "sockets_priv.h"

#if TERN_CFG_SOCKETS

#include <stdarg.h>
#include <string.h>

/* The process-wide entry points (the only mutable globals of the sockets
 * layer; the core has none): registered instances, set up before threads
 * use them, and the default instance for tern_socket(). */
static tern_sockets *registry[TERN_SOCKETS_INSTANCES];
static tern_sockets *default_ss;
static _Thread_local tern_sockets *thread_ss;

static void tcp_on_recv(void *ctx, tern_tcp_pcb *pcb, tern_pbuf *p);
static void tcp_on_sent(void *ctx, tern_tcp_pcb *pcb, uint32_t len);
static void tcp_on_connected(void *ctx, tern_tcp_pcb *pcb, tern_err err);
static void tcp_on_err(void *ctx, tern_stack *s, tern_err err);

/* A closed socket's connection (TIME_WAIT, FIN exchange) carries this as
 * its context when the socket had SO_REUSEADDR: Linux lets a new bind share
 * the port only when both sides set it. Only its address is used. */
static const char reuse_mark;

static const tern_tcp_callbacks tcp_cbs = {
    .recv = tcp_on_recv, .sent = tcp_on_sent, .connected = tcp_on_connected, .err = tcp_on_err};

/* ---- Endpoint addresses ------------------------------------------------------ */

/* The core's endpoints keep their addresses in their own ways; the sockets
 * layer sees them as tern_addr through these. */
static uint8_t tcp_zone(const tern_tcp_pcb *pcb) {
#if TERN_CFG_IPV6
    return pcb->zone;
#else
    (void)pcb;
    return 0;
#endif
}

static tern_addr tcp_pcb_local(const tern_tcp_pcb *pcb) {
    return tern_tcp_ip_addr(&pcb->local_ip, tcp_zone(pcb));
}

static tern_addr tcp_pcb_remote(const tern_tcp_pcb *pcb) {
    return tern_tcp_ip_addr(&pcb->remote_ip, tcp_zone(pcb));
}

#if TERN_CFG_TCP_LISTENERS
static tern_addr tcp_listener_local(const tern_tcp_listener *l) {
    return tern_tcp_ip_addr(&l->local_ip, 0);
}
#endif

static tern_addr udp_local(const tern_udp_pcb *pcb) {
#if TERN_CFG_IPV6
    if (pcb->v6 & TERN_UDP_V6_LOCAL)
        return tern_addr_ipv6(pcb->local6, 0);
#endif
    return tern_addr_ipv4(tern_udp_local_ip4(pcb));
}

/* The source address the stack picks for dst (left as it is if none). */
static void source_for(tern_stack *s, const tern_addr *dst, tern_addr *out) {
#if TERN_CFG_IPV6
    uint8_t src[16];
    if (dst->family == TERN_AF_INET6) {
        if (tern_ipv6_source_for(s, dst, src))
            *out = tern_addr_ipv6(src, tern_ipv6_is_linklocal(src) ? dst->zone : 0);
        return;
    }
#endif
#if TERN_CFG_IPV4
    *out = tern_addr_ipv4(tern_ipv4_source_for(s, tern_addr_get_ipv4(dst)));
#else
    (void)s, (void)dst, (void)out;
#endif
}

/* ---- Instances and descriptors -------------------------------------------- */

int tern_sockets_init(tern_sockets *ss, tern_stack *s, tern_os_mutex *lock) {
    unsigned id = 0;
    while (id < TERN_SOCKETS_INSTANCES && registry[id])
        id++;
    if (!ss || !s || !lock || id == TERN_SOCKETS_INSTANCES)
        return -1;
    memset(ss, 0, sizeof *ss);
    ss->stack = s;
    ss->lock = lock;
    ss->id = (uint8_t)id;
    if (tern_os_cond_init(&ss->poll_cond))
        return -1;
    for (unsigned i = 0; i < TERN_CFG_SOCKETS_MAX; i++) {
        ss->socks[i].owner = ss;
        if (tern_os_cond_init(&ss->socks[i].cond)) {
            while (i--)
                tern_os_cond_destroy(&ss->socks[i].cond);
            tern_os_cond_destroy(&ss->poll_cond);
            return -1;
        }
    }
    registry[id] = ss;
    return 0;
}

static void sock_release(tern_sock *so);

void tern_sockets_deinit(tern_sockets *ss) {
    tern_os_mutex_lock(ss->lock);
    for (unsigned i = 0; i < TERN_CFG_SOCKETS_MAX; i++)
        if (ss->socks[i].used)
            sock_release(&ss->socks[i]);
    tern_os_mutex_unlock(ss->lock);
    for (unsigned i = 0; i < TERN_CFG_SOCKETS_MAX; i++)
        tern_os_cond_destroy(&ss->socks[i].cond);
    tern_os_cond_destroy(&ss->poll_cond);
    registry[ss->id] = NULL;
    if (default_ss == ss)
        default_ss = NULL;
    if (thread_ss == ss)
        thread_ss = NULL;
}

void tern_sockets_set_default(tern_sockets *ss) {
    default_ss = ss;
}

void tern_sockets_set_thread_default(tern_sockets *ss) {
    thread_ss = ss;
}

void tern_sockets_set_kick(tern_sockets *ss, void (*kick)(void *ctx), void *ctx) {
    tern_os_mutex_lock(ss->lock);
    ss->kick = kick;
    ss->kick_ctx = ctx;
    tern_os_mutex_unlock(ss->lock);
}

unsigned tern_sockets_in_use(tern_sockets *ss) {
    unsigned n = 0;
    tern_os_mutex_lock(ss->lock);
    for (unsigned i = 0; i < TERN_CFG_SOCKETS_MAX; i++)
        n += ss->socks[i].used;
    tern_os_mutex_unlock(ss->lock);
    return n;
}

tern_sockets *tern_sock_current(void) {
    return thread_ss ? thread_ss : default_ss;
}

tern_sockets *tern_sock_instance(unsigned i) {
    return i < TERN_SOCKETS_INSTANCES ? registry[i] : NULL;
}

int tern_sock_fd(const tern_sock *so) {
    const tern_sockets *ss = so->owner;
    return TERN_SOCK_FD_BASE + (int)ss->id * TERN_CFG_SOCKETS_MAX + (int)(so - ss->socks);
}

tern_sock *tern_sock_lookup(int fd) {
    if (fd < TERN_SOCK_FD_BASE)
        return NULL;
    unsigned n = (unsigned)(fd - TERN_SOCK_FD_BASE);
    tern_sockets *ss = tern_sock_instance(n / TERN_CFG_SOCKETS_MAX);
    return ss ? &ss->socks[n % TERN_CFG_SOCKETS_MAX] : NULL;
}

tern_sock *tern_sock_enter(int fd) {
    tern_sock *so = tern_sock_lookup(fd);
    if (!so) {
        tern_os_set_errno(TERN_EBADF);
        return NULL;
    }
    tern_os_mutex_lock(so->owner->lock);
    if (!so->used || (so->flags & SOCKF_CLOSING) || so->parent >= 0) {
        tern_os_mutex_unlock(so->owner->lock);
        tern_os_set_errno(TERN_EBADF);
        return NULL;
    }
    so->users++;
    return so;
}

static void kick(tern_sockets *ss) {
    if (ss->kick)
        ss->kick(ss->kick_ctx);
}

void tern_sock_leave(tern_sock *so) {
    tern_sockets *ss = so->owner;
    so->users--;
    if ((so->flags & SOCKF_CLOSING) && !so->users)
        so->used = 0; /* the last caller out frees the slot */
    kick(ss);
    tern_os_mutex_unlock(ss->lock);
}

int tern_sock_fail(tern_sock *so, int e) {
    tern_sock_leave(so);
    tern_os_set_errno(e);
    return -1;
}

int tern_sock_done(tern_sock *so, int e) {
    if (e)
        return tern_sock_fail(so, e);
    tern_sock_leave(so);
    return 0;
}

void tern_sock_wake(tern_sock *so) {
    tern_os_cond_broadcast(&so->cond);
    /* Pollers of any instance sharing this core lock may wait for it. */
    for (unsigned i = 0; i < TERN_SOCKETS_INSTANCES; i++) {
        tern_sockets *ss = registry[i];
        if (ss && ss->lock == so->owner->lock && ss->pollers)
            tern_os_cond_broadcast(&ss->poll_cond);
    }
}

int tern_sock_wait(tern_sock *so, uint32_t timeout_ms, uint32_t start) {
    uint32_t t = TERN_OS_WAIT_FOREVER;
    if (timeout_ms) {
        uint32_t spent = tern_os_now_ms() - start;
        if (spent >= timeout_ms)
            return TERN_ETIMEDOUT;
        t = timeout_ms - spent;
    }
    kick(so->owner); /* output queued by this call goes out while we sleep */
    tern_os_cond_wait(&so->cond, so->owner->lock, t);
    return (so->flags & SOCKF_CLOSING) ? TERN_EBADF : 0;
}

int tern_sock_errno(tern_err err) {
    switch (err) {
    case TERN_OK:
        return 0;
    case TERN_ERR_NOMEM:
    case TERN_ERR_BUF:
        return TERN_ENOBUFS;
    case TERN_ERR_TIMEOUT:
        return TERN_ETIMEDOUT;
    case TERN_ERR_NOROUTE:
        return TERN_ENETUNREACH;
    case TERN_ERR_INPROGRESS:
        return TERN_EINPROGRESS;
    case TERN_ERR_WOULDBLOCK:
        return TERN_EAGAIN;
    case TERN_ERR_INUSE:
        return TERN_EADDRINUSE;
    case TERN_ERR_ALREADY:
        return TERN_EALREADY;
    case TERN_ERR_ISCONN:
        return TERN_EISCONN;
    case TERN_ERR_NOTCONN:
        return TERN_ENOTCONN;
    case TERN_ERR_NETIF:
        return TERN_ENETDOWN;
    case TERN_ERR_ABORTED:
        return TERN_ECONNABORTED;
    case TERN_ERR_RESET:
        return TERN_ECONNRESET;
    case TERN_ERR_CLOSED:
        return TERN_EPIPE;
    case TERN_ERR_MSGSIZE:
        return TERN_EMSGSIZE;
    case TERN_ERR_NOTSUP:
        return TERN_EOPNOTSUPP;
    case TERN_ERR_HOSTUNREACH:
        return TERN_EHOSTUNREACH;
    case TERN_ERR_REFUSED:
        return TERN_ECONNREFUSED;
    case TERN_ERR_NOTFOUND:
        return TERN_ENOENT;
    case TERN_ERR_INVAL:
    default:
        return TERN_EINVAL;
    }
}

/* ---- Slots ----------------------------------------------------------------- */

static tern_sock *sock_alloc(tern_sockets *ss, int type, int proto) {
    for (unsigned i = 0; i < TERN_CFG_SOCKETS_MAX; i++) {
        tern_sock *so = &ss->socks[i];
        if (so->used)
            continue;
        /* owner and the OS condition stay; everything after them is reset. */
        memset((char *)so + offsetof(tern_sock, pcb), 0, sizeof *so - offsetof(tern_sock, pcb));
        so->used = 1;
        so->type = (uint8_t)type;
        so->proto = (uint8_t)proto;
        so->acc_head = so->acc_tail = so->acc_next = so->parent = -1;
        so->linger = -1;
        so->ttl = TERN_CFG_IPV4_DEFAULT_TTL;
        so->mcast_ttl = 1;
        so->flags = SOCKF_MCAST_LOOP;
        so->keepcnt = TERN_CFG_TCP_KEEP_CNT;
        so->keepidle = TERN_CFG_TCP_KEEP_IDLE_MS / 1000u;
        so->keepintvl = TERN_CFG_TCP_KEEP_INTVL_MS / 1000u;
        so->rcvbuf = 2u * (type == TERN_SOCK_STREAM ? TERN_CFG_TCP_WND : 65536u);
        so->sndbuf = 2u * (type == TERN_SOCK_STREAM ? TERN_CFG_TCP_SND_BUF : 65536u);
        return so;
    }
    return NULL;
}

static void rx_flush(tern_sock *so) {
    tern_stack *s = so->owner->stack;
    while (so->rxq) {
        tern_pbuf *p = so->rxq;
        so->rxq = p->next_pkt;
        p->next_pkt = NULL;
        tern_pbuf_free(s, p);
    }
    so->rxq_tail = NULL;
    so->rx_bytes = 0;
    so->rx_off = 0;
    while (so->dq_count) {
        tern_pbuf_free(s, so->dq[so->dq_head].p);
        so->dq_head = (uint8_t)((so->dq_head + 1u) % TERN_CFG_SOCKET_DGRAM_QUEUE);
        so->dq_count--;
    }
}

/* Drop a socket's core objects and queues (core lock held); the slot itself
 * is freed by the caller (or by the last thread to leave it). */
static void sock_release(tern_sock *so) {
    tern_sockets *ss = so->owner;
    rx_flush(so);
    if (SOCK_IS_STREAM(so)) {
        if (so->listener) {
            tern_tcp_listener_close(so->listener);
            so->listener = NULL;
            /* Connections nobody accepted are reset, as Linux does. */
            while (so->acc_head >= 0) {
                tern_sock *c = &ss->socks[so->acc_head];
                so->acc_head = c->acc_next;
                if (c->pcb.tcp)
                    tern_tcp_abort(c->pcb.tcp);
                c->pcb.tcp = NULL;
                rx_flush(c);
                c->used = 0;
            }
            so->acc_tail = -1;
            so->acc_count = 0;
        }
        if (so->pcb.tcp) {
            tern_tcp_pcb *pcb = so->pcb.tcp;
            so->pcb.tcp = NULL;
            tern_tcp_set_callbacks(pcb, NULL,
                                   (so->flags & SOCKF_REUSEADDR) ? (void *)(uintptr_t)&reuse_mark : NULL);
            if (so->linger == 0)
                tern_tcp_abort(pcb); /* SO_LINGER {1, 0}: reset */
            else
                tern_tcp_close(pcb); /* unread data makes this a reset too */
        }
    } else if (so->type == TERN_SOCK_DGRAM) {
        for (unsigned i = 0; i < 2; i++)
            if (so->mcast_groups[i].family) {
                tern_sock_mcast_leave(so, &so->mcast_groups[i]);
                so->mcast_groups[i].family = TERN_AF_UNSPEC;
            }
        if (so->pcb.udp)
            tern_udp_free(so->pcb.udp);
        so->pcb.udp = NULL;
    } else if (so->pcb.raw) {
        tern_raw_free(so->pcb.raw);
        so->pcb.raw = NULL;
    }
    so->flags |= SOCKF_CLOSING;
    tern_sock_wake(so);
    if (!so->users)
        so->used = 0;
}

/* ---- Core callbacks (core lock held) ---------------------------------------- */

static void tcp_on_recv(void *ctx, tern_tcp_pcb *pcb, tern_pbuf *p) {
    tern_sock *so = ctx;
    (void)pcb;
    if (!p) {
        so->shut |= SOCKSH_RCV; /* the peer's FIN */
    } else {
        p->next_pkt = NULL;
        if (so->rxq)
            so->rxq_tail->next_pkt = p;
        else
            so->rxq = p;
        so->rxq_tail = p;
        so->rx_bytes += p->tot_len;
    }
    tern_sock_wake(so);
}

static void tcp_on_sent(void *ctx, tern_tcp_pcb *pcb, uint32_t len) {
    (void)pcb, (void)len;
    tern_sock_wake(ctx);
}

static void tcp_on_connected(void *ctx, tern_tcp_pcb *pcb, tern_err err) {
    tern_sock *so = ctx;
    if (err == TERN_OK) {
        so->state = SOCKST_CONNECTED;
        so->flags |= SOCKF_WAS_CONNECTED;
        so->local = tcp_pcb_local(pcb);
        so->local_port = pcb->local_port;
    } else {
        so->pcb.tcp = NULL; /* gone */
        so->state = SOCKST_DEAD;
        so->shut = SOCKSH_BOTH;
        so->so_error =
            (err == TERN_ERR_RESET || err == TERN_ERR_REFUSED) ? TERN_ECONNREFUSED : tern_sock_errno(err);
    }
    tern_sock_wake(so);
}

static void tcp_on_err(void *ctx, tern_stack *s, tern_err err) {
    tern_sock *so = ctx;
    (void)s;
    so->pcb.tcp = NULL; /* gone */
    so->state = SOCKST_DEAD;
    so->shut = SOCKSH_BOTH;
    so->so_error = err == TERN_ERR_TIMEOUT ? TERN_ETIMEDOUT : tern_sock_errno(err);
    tern_sock_wake(so);
}

void tern_sock_apply_bufsize(tern_sock *so) {
    if (!TERN_CFG_TCP_BUF_PER_CONN || !SOCK_IS_STREAM(so) || !so->pcb.tcp)
        return;
    /* The value the application asked for (the option reports it doubled),
     * within what the core takes. */
    uint32_t rcv = (so->flags & SOCKF_RCVBUF_SET) ? so->rcvbuf / 2u : 0u;
    uint32_t snd = (so->flags & SOCKF_SNDBUF_SET) ? so->sndbuf / 2u : 0u;
    if (rcv && rcv < TERN_CFG_TCP_MSS)
        rcv = TERN_CFG_TCP_MSS;
    if (snd && snd < TERN_CFG_TCP_MSS)
        snd = TERN_CFG_TCP_MSS;
    if (rcv > TERN_CFG_TCP_BUF_MAX)
        rcv = TERN_CFG_TCP_BUF_MAX;
    if (snd > TERN_CFG_TCP_BUF_MAX)
        snd = TERN_CFG_TCP_BUF_MAX;
    if (rcv || snd)
        (void)tern_tcp_set_bufsize(so->pcb.tcp, rcv, snd);
}

static void tcp_apply_options(tern_sock *so, tern_tcp_pcb *pcb) {
    if (so->flags & SOCKF_NODELAY)
        tern_tcp_set_nodelay(pcb, true);
    (void)tern_tcp_set_ip_opts(pcb, so->ttl, so->tos);
    if (so->flags & SOCKF_KEEPALIVE)
        tern_tcp_set_keepalive(pcb, true, so->keepidle * 1000u, so->keepintvl * 1000u, so->keepcnt);
    tern_sock_apply_bufsize(so);
}

static tern_err tcp_on_accept(void *ctx, tern_tcp_listener *l, tern_tcp_pcb *pcb) {
    tern_sock *ls = ctx;
    tern_sockets *ss = ls->owner;
    (void)l;
    if (ls->acc_count > ls->backlog) /* Linux takes backlog + 1 */
        return TERN_ERR_NOMEM;
    tern_sock *c = sock_alloc(ss, TERN_SOCK_STREAM, TERN_IPPROTO_TCP);
    if (!c)
        return TERN_ERR_NOMEM;
    c->pcb.tcp = pcb;
    c->state = SOCKST_CONNECTED;
    c->rcvbuf = ls->rcvbuf;
    c->sndbuf = ls->sndbuf;
    c->flags = (uint16_t)((ls->flags & (SOCKF_REUSEADDR | SOCKF_KEEPALIVE | SOCKF_NODELAY | SOCKF_NONBLOCK |
                                        SOCKF_RCVBUF_SET | SOCKF_SNDBUF_SET)) |
                          SOCKF_BOUND | SOCKF_WAS_CONNECTED);
    c->flags &= (uint16_t)~SOCKF_NONBLOCK; /* accept() does not inherit O_NONBLOCK on Linux */
    c->keepidle = ls->keepidle;
    c->keepintvl = ls->keepintvl;
    c->keepcnt = ls->keepcnt;
    c->linger = ls->linger;
    c->ttl = ls->ttl;
    c->tos = ls->tos;
    c->rcvtimeo = ls->rcvtimeo;
    c->sndtimeo = ls->sndtimeo;
    c->family = ls->family;
    c->local = tcp_pcb_local(pcb);
    c->local_port = pcb->local_port;
    c->remote = tcp_pcb_remote(pcb);
    c->remote_port = pcb->remote_port;
    c->parent = (int16_t)(ls - ss->socks);
    tern_tcp_set_callbacks(pcb, &tcp_cbs, c);
    tcp_apply_options(c, pcb);
    int16_t idx = (int16_t)(c - ss->socks);
    if (ls->acc_tail >= 0)
        ss->socks[ls->acc_tail].acc_next = idx;
    else
        ls->acc_head = idx;
    ls->acc_tail = idx;
    ls->acc_count++;
    tern_sock_wake(ls);
    return TERN_OK;
}

static void udp_on_recv(void *ctx, tern_udp_pcb *pcb, tern_pbuf *p, const tern_udp_info *info) {
    tern_sock *so = ctx;
    /* The core's endpoint bound to the wildcard takes both families; the
     * socket only its own (an AF_INET6 one IPv4 too, unless IPv6-only). */
    bool family_ok = so->family == TERN_SOCK_AF_INET6
                         ? !(so->flags & SOCKF_V6ONLY) || info->src.family == TERN_AF_INET6
                         : info->src.family == TERN_AF_INET;
    if (!family_ok || so->dq_count >= TERN_CFG_SOCKET_DGRAM_QUEUE || (so->shut & SOCKSH_RCV)) {
        tern_pbuf_free(pcb->stack, p);
        return;
    }
    tern_sock_dgram *d = &so->dq[(so->dq_head + so->dq_count) % TERN_CFG_SOCKET_DGRAM_QUEUE];
    d->p = p;
    d->addr = info->src;
    d->port = info->sport;
    so->dq_count++;
    tern_sock_wake(so);
}

static void udp_on_err(void *ctx, tern_udp_pcb *pcb, tern_err err, const tern_icmp_error *e) {
    tern_sock *so = ctx;
    (void)pcb, (void)e;
    if (!(so->flags & SOCKF_CONNECTED))
        return; /* Linux reports ICMP errors on connected sockets only */
    so->so_error = tern_sock_errno(err);
    tern_sock_wake(so);
}

static bool raw_on_recv(void *ctx, tern_raw_pcb *pcb, tern_pbuf *p, const tern_addr *src) {
    tern_sock *so = ctx;
    if (so->dq_count >= TERN_CFG_SOCKET_DGRAM_QUEUE || (so->shut & SOCKSH_RCV))
        return false;
    tern_pbuf *copy = tern_pbuf_clone(pcb->stack, 0, p); /* the stack goes on with p */
    if (!copy)
        return false;
    tern_sock_dgram *d = &so->dq[(so->dq_head + so->dq_count) % TERN_CFG_SOCKET_DGRAM_QUEUE];
    d->p = copy;
    d->addr = *src;
    d->port = 0;
    so->dq_count++;
    tern_sock_wake(so);
    return false;
}

/* ---- socket, bind, listen, accept, connect -------------------------------------- */

#if TERN_CFG_RAW
static tern_raw_pcb *raw_new(tern_stack *s, int domain, uint8_t proto) {
#if TERN_CFG_IPV6
    if (domain == TERN_SOCK_AF_INET6)
        return tern_raw_new6(s, proto);
#endif
    (void)domain;
    return tern_raw_new(s, proto);
}
#endif

int tern_socket(int domain, int type, int protocol) {
    tern_sockets *ss = tern_sock_current();
    int flags = type & (TERN_SOCK_NONBLOCK | TERN_SOCK_CLOEXEC);
    type &= ~(TERN_SOCK_NONBLOCK | TERN_SOCK_CLOEXEC);
    if (!ss) {
        tern_os_set_errno(TERN_ENETDOWN);
        return -1;
    }
    if (!(TERN_CFG_IPV4 && domain == TERN_SOCK_AF_INET) && !(TERN_CFG_IPV6 && domain == TERN_SOCK_AF_INET6)) {
        tern_os_set_errno(TERN_EAFNOSUPPORT);
        return -1;
    }
    switch (type) {
    case TERN_SOCK_STREAM:
        if (protocol != 0 && protocol != TERN_IPPROTO_TCP)
            goto noproto;
        protocol = TERN_IPPROTO_TCP;
        break;
    case TERN_SOCK_DGRAM:
        if (protocol != 0 && protocol != TERN_IPPROTO_UDP)
            goto noproto;
        protocol = TERN_IPPROTO_UDP;
        break;
    case TERN_SOCK_RAW:
        if (protocol <= 0 || protocol > 255 || !TERN_CFG_RAW)
            goto noproto;
        break;
    default:
        tern_os_set_errno(TERN_ESOCKTNOSUPPORT);
        return -1;
    }
    tern_os_mutex_lock(ss->lock);
    tern_sock *so = sock_alloc(ss, type, protocol);
    if (!so) {
        tern_os_mutex_unlock(ss->lock);
        tern_os_set_errno(TERN_EMFILE);
        return -1;
    }
    if (flags & TERN_SOCK_NONBLOCK)
        so->flags |= SOCKF_NONBLOCK;
    so->family = (uint8_t)domain;
    if (domain == TERN_SOCK_AF_INET6)
        so->ttl = 0; /* the interface's hop limit (from router advertisements) */
    if (type == TERN_SOCK_DGRAM) {
        so->pcb.udp = tern_udp_new(ss->stack);
        if (so->pcb.udp) {
            so->pcb.udp->ttl = so->ttl;
            tern_udp_set_recv(so->pcb.udp, udp_on_recv, so);
            tern_udp_set_err(so->pcb.udp, udp_on_err);
        }
    } else if (type == TERN_SOCK_RAW) {
#if TERN_CFG_RAW
        so->pcb.raw = raw_new(ss->stack, domain, (uint8_t)protocol);
        if (so->pcb.raw)
            tern_raw_set_recv(so->pcb.raw, raw_on_recv, so);
#endif
    }
    if (type != TERN_SOCK_STREAM && !so->pcb.udp && !so->pcb.raw) {
        so->used = 0;
        tern_os_mutex_unlock(ss->lock);
        tern_os_set_errno(TERN_ENOBUFS);
        return -1;
    }
    int fd = tern_sock_fd(so);
    tern_os_mutex_unlock(ss->lock);
    return fd;
noproto:
    tern_os_set_errno(TERN_EPROTONOSUPPORT);
    return -1;
}

static bool overlap(const tern_addr *a, const tern_addr *b) {
    return tern_addr_is_any(a) || tern_addr_is_any(b) || tern_addr_equal(a, b);
}

/* Linux's rule for TCP: with SO_REUSEADDR on both sides only a listener
 * conflicts; without it anything on the port does (TIME_WAIT included). */
static bool tcp_port_conflict(tern_sock *so, const tern_addr *ip, uint16_t port) {
    tern_sockets *ss = so->owner;
    tern_stack *s = ss->stack;
    bool reuse = (so->flags & SOCKF_REUSEADDR) != 0;
    for (unsigned i = 0; i < TERN_CFG_SOCKETS_MAX; i++) {
        tern_sock *o = &ss->socks[i];
        if (o == so || !o->used || (o->flags & SOCKF_CLOSING) || !SOCK_IS_STREAM(o) ||
            !(o->flags & SOCKF_BOUND) || o->local_port != port || !overlap(&o->local, ip))
            continue;
        if (!reuse || !(o->flags & SOCKF_REUSEADDR) || o->state == SOCKST_LISTEN)
            return true;
    }
    for (unsigned i = 0; i < TERN_CFG_TCP_PCBS; i++) {
        const tern_tcp_pcb *pcb = &s->tcp.pcbs[i];
        if (!pcb->stack || pcb->local_port != port)
            continue;
        tern_addr pl = tcp_pcb_local(pcb);
        if (!overlap(&pl, ip))
            continue;
        if (pcb->cb == &tcp_cbs)
            continue; /* a socket's: judged above */
        if (!reuse || pcb->ctx != (const void *)&reuse_mark)
            return true;
    }
#if TERN_CFG_TCP_LISTENERS
    for (unsigned i = 0; i < TERN_CFG_TCP_LISTENERS; i++) {
        const tern_tcp_listener *l = &s->tcp.listeners[i];
        tern_addr ll = tcp_listener_local(l);
        if (l->used && l->local_port == port && overlap(&ll, ip) && l->ctx != (void *)so) {
            bool ours = false;
            for (unsigned j = 0; j < TERN_CFG_SOCKETS_MAX; j++)
                ours |= ss->socks[j].listener == l;
            if (!ours)
                return true;
        }
    }
#endif
    return false;
}

static bool local_ok(tern_sockets *ss, const tern_addr *a, bool multicast_ok) {
    if (tern_addr_is_any(a))
        return true;
#if TERN_CFG_IPV6
    if (a->family == TERN_AF_INET6) {
        if (tern_ipv6_is_multicast(a->bytes))
            return multicast_ok;
        for (tern_netif *nif = ss->stack->netifs; nif; nif = nif->next)
            if ((!a->zone || a->zone == nif->index) && tern_ipv6_is_local(nif, a->bytes))
                return true;
        return false;
    }
#endif
#if TERN_CFG_IPV4
    uint32_t ip = tern_addr_get_ipv4(a);
    if ((ip >> 24) == 127u || tern_ipv4_is_local(ss->stack, ip))
        return true;
    return multicast_ok && (ip >> 28) == 0xEu;
#else
    (void)ss, (void)multicast_ok;
    return false; /* an IPv4 address in an IPv6-only build */
#endif
}

/* The address to hand the core's bind: NULL for the wildcard. */
static const tern_addr *core_addr(const tern_addr *a) {
    return tern_addr_is_any(a) ? NULL : a;
}

int tern_bind(int fd, const struct tern_sockaddr *addr, tern_socklen_t len) {
    tern_sock *so = tern_sock_enter(fd);
    if (!so)
        return -1;
    tern_addr a;
    uint16_t port;
    int e = tern_sock_addr_in(so, addr, len, &a, &port, true);
    if (e)
        return tern_sock_fail(so, e);
    if ((so->flags & SOCKF_BOUND) || so->state != SOCKST_IDLE)
        return tern_sock_fail(so, TERN_EINVAL);
    if (!local_ok(so->owner, &a, so->type == TERN_SOCK_DGRAM))
        return tern_sock_fail(so, TERN_EADDRNOTAVAIL);
    tern_err err = TERN_OK;
    if (SOCK_IS_STREAM(so)) {
        if (port && tcp_port_conflict(so, &a, port))
            return tern_sock_fail(so, TERN_EADDRINUSE);
        tern_tcp_pcb *pcb = tern_tcp_new(so->owner->stack);
        if (!pcb)
            return tern_sock_fail(so, TERN_ENOBUFS);
        err = tern_tcp_bind(pcb, core_addr(&a), port);
        if (err) {
            tern_tcp_close(pcb);
            return tern_sock_fail(so, err == TERN_ERR_INVAL ? TERN_EADDRNOTAVAIL : TERN_EADDRINUSE);
        }
        tern_tcp_set_callbacks(pcb, &tcp_cbs, so);
        so->pcb.tcp = pcb;
        port = pcb->local_port;
    } else if (so->type == TERN_SOCK_DGRAM) {
        tern_udp_set_flags(so->pcb.udp, TERN_UDP_F_REUSE, (so->flags & SOCKF_REUSEADDR) != 0);
        err = tern_udp_bind(so->pcb.udp, core_addr(&a), port);
        if (err)
            return tern_sock_fail(so, err == TERN_ERR_INVAL ? TERN_EADDRNOTAVAIL : TERN_EADDRINUSE);
        port = so->pcb.udp->local_port;
    } else {
#if TERN_CFG_RAW
        if (tern_raw_bind(so->pcb.raw, &a))
            return tern_sock_fail(so, TERN_EADDRNOTAVAIL);
#endif
        port = 0;
    }
    so->local = a;
    so->local_port = port;
    so->flags |= SOCKF_BOUND;
    tern_sock_leave(so);
    return 0;
}

int tern_listen(int fd, int backlog) {
    tern_sock *so = tern_sock_enter(fd);
    if (!so)
        return -1;
    if (!SOCK_IS_STREAM(so))
        return tern_sock_fail(so, TERN_EOPNOTSUPP);
    if (backlog < 0)
        backlog = 0;
    if (backlog > 4096)
        backlog = 4096;
    if (so->state == SOCKST_LISTEN) {
        so->backlog = (uint16_t)backlog;
        tern_sock_leave(so);
        return 0;
    }
    if (so->state != SOCKST_IDLE)
        return tern_sock_fail(so, TERN_EINVAL);
    tern_stack *s = so->owner->stack;
    if (!so->pcb.tcp) { /* not bound: an ephemeral port, as Linux does */
        tern_tcp_pcb *pcb = tern_tcp_new(s);
        if (!pcb)
            return tern_sock_fail(so, TERN_ENOBUFS);
        if (tern_tcp_bind(pcb, NULL, 0)) {
            tern_tcp_close(pcb);
            return tern_sock_fail(so, TERN_EADDRINUSE);
        }
        tern_tcp_set_callbacks(pcb, &tcp_cbs, so);
        so->pcb.tcp = pcb;
        so->local.family = TERN_AF_UNSPEC;
        so->local_port = pcb->local_port;
        so->flags |= SOCKF_BOUND;
    }
    /* Another socket may have bound the port with SO_REUSEADDR meanwhile. */
    for (unsigned i = 0; i < TERN_CFG_SOCKETS_MAX; i++) {
        tern_sock *o = &so->owner->socks[i];
        if (o != so && o->used && SOCK_IS_STREAM(o) && o->state == SOCKST_LISTEN &&
            o->local_port == so->local_port && overlap(&o->local, &so->local))
            return tern_sock_fail(so, TERN_EADDRINUSE);
    }
    uint8_t core_backlog = (uint8_t)(backlog + 1 > 255 ? 255 : backlog + 1);
    /* An AF_INET socket's wildcard is IPv4's only (the core's NULL takes both). */
    tern_addr any4 = tern_addr_ipv4(0);
    const tern_addr *la = core_addr(&so->local);
    tern_tcp_listener *l = tern_tcp_listen(s, la || so->family == TERN_SOCK_AF_INET6 ? la : &any4,
                                           so->local_port, core_backlog, tcp_on_accept, so);
#if TERN_CFG_IPV6
    if (l && (so->flags & SOCKF_V6ONLY))
        tern_tcp_listener_set_v6only(l, true);
#endif
    if (!l)
        return tern_sock_fail(so, tcp_port_conflict(so, &so->local, so->local_port) ? TERN_EADDRINUSE
                                                                                    : TERN_ENOBUFS);
    tern_tcp_close(so->pcb.tcp); /* the port is the listener's now */
    so->pcb.tcp = NULL;
    so->listener = l;
    so->backlog = (uint16_t)backlog;
    so->state = SOCKST_LISTEN;
    tern_sock_leave(so);
    return 0;
}

int tern_accept(int fd, struct tern_sockaddr *addr, tern_socklen_t *len) {
    tern_sock *so = tern_sock_enter(fd);
    if (!so)
        return -1;
    if (!SOCK_IS_STREAM(so))
        return tern_sock_fail(so, TERN_EOPNOTSUPP);
    if (so->state != SOCKST_LISTEN)
        return tern_sock_fail(so, TERN_EINVAL);
    if (addr && !len)
        return tern_sock_fail(so, TERN_EFAULT);
    uint32_t start = tern_os_now_ms();
    while (so->acc_head < 0) {
        if (so->flags & SOCKF_NONBLOCK)
            return tern_sock_fail(so, TERN_EAGAIN);
        int e = tern_sock_wait(so, so->rcvtimeo, start);
        if (e)
            return tern_sock_fail(so, e == TERN_ETIMEDOUT ? TERN_EAGAIN : e);
    }
    tern_sock *c = &so->owner->socks[so->acc_head];
    so->acc_head = c->acc_next;
    if (so->acc_head < 0)
        so->acc_tail = -1;
    so->acc_count--;
    c->acc_next = -1;
    c->parent = -1;
    if (addr)
        tern_sock_addr_out(c, addr, len, &c->remote, c->remote_port);
    int cfd = tern_sock_fd(c);
    tern_sock_leave(so);
    return cfd;
}

/* connect_again/connect_start: the handshake is under way, block on it. */
#define CONNECT_WAIT 1

/* The handshake failed: its error (reported once), leaving the socket. */
static int connect_failed(tern_sock *so) {
    int e = so->so_error ? so->so_error : TERN_ECONNABORTED;
    so->so_error = 0;
    return tern_sock_fail(so, e);
}

/* A connect() after one that returned TERN_EINPROGRESS: report how it went. */
static int connect_again(tern_sock *so) {
    if (so->state == SOCKST_SYN_SENT)
        return (so->flags & SOCKF_NONBLOCK) ? tern_sock_fail(so, TERN_EALREADY) : CONNECT_WAIT;
    so->flags &= (uint16_t)~SOCKF_CONNECTING;
    if (so->state != SOCKST_CONNECTED)
        return connect_failed(so);
    tern_sock_leave(so);
    return 0;
}

/* The socket's TCP pcb, made (and bound, if bind() came first) on first use;
 * 0 or a TERN_E* value. */
static int stream_pcb(tern_sock *so) {
    if (so->pcb.tcp)
        return 0;
    tern_tcp_pcb *pcb = tern_tcp_new(so->owner->stack);
    if (!pcb)
        return TERN_EAGAIN; /* Linux: no local port/resources */
    if (so->flags & SOCKF_BOUND) {
        if (tern_tcp_bind(pcb, core_addr(&so->local), so->local_port)) {
            tern_tcp_close(pcb);
            return TERN_EADDRINUSE;
        }
    }
    tern_tcp_set_callbacks(pcb, &tcp_cbs, so);
    so->pcb.tcp = pcb;
    return 0;
}

/* Send the SYN; CONNECT_WAIT unless it failed at once or the socket is
 * non-blocking. */
static int connect_start(tern_sock *so, const tern_addr *ra, uint16_t port) {
    int e = stream_pcb(so);
    if (e)
        return tern_sock_fail(so, e);
    tern_tcp_pcb *pcb = so->pcb.tcp;
    tcp_apply_options(so, pcb);
    so->shut = 0;
    so->so_error = 0;
    so->flags &= (uint16_t)~SOCKF_WAS_CONNECTED;
    tern_err err = tern_tcp_connect(pcb, ra, port);
    if (pcb->state != TERN_TCP_SYN_SENT && so->pcb.tcp == pcb) {
        /* Refused before anything was sent. */
        if (!(so->flags & SOCKF_BOUND)) {
            so->pcb.tcp = NULL;
            tern_tcp_close(pcb);
        }
        e = err == TERN_ERR_INUSE ? TERN_EADDRNOTAVAIL : tern_sock_errno(err);
        return tern_sock_fail(so, e == TERN_EINVAL ? TERN_ENETUNREACH : e);
    }
    if (so->pcb.tcp == pcb) {
        so->local = tcp_pcb_local(pcb);
        so->local_port = pcb->local_port;
    }
    so->flags |= SOCKF_BOUND;
    so->remote = *ra;
    so->remote_port = port;
    if (so->state == SOCKST_IDLE || so->state == SOCKST_DEAD)
        so->state = SOCKST_SYN_SENT;
    if (so->state == SOCKST_SYN_SENT && (so->flags & SOCKF_NONBLOCK)) {
        so->flags |= SOCKF_CONNECTING;
        return tern_sock_fail(so, TERN_EINPROGRESS);
    }
    return CONNECT_WAIT;
}

/* Block until the handshake ends or the send timeout passes. */
static int connect_wait(tern_sock *so) {
    uint32_t start = tern_os_now_ms();
    while (so->state == SOCKST_SYN_SENT) {
        int e = tern_sock_wait(so, so->sndtimeo, start);
        if (e == TERN_ETIMEDOUT) {
            so->flags |= SOCKF_CONNECTING;
            return tern_sock_fail(so, TERN_EINPROGRESS);
        }
        if (e)
            return tern_sock_fail(so, e);
    }
    so->flags &= (uint16_t)~SOCKF_CONNECTING;
    if (so->state != SOCKST_CONNECTED && !(so->flags & SOCKF_WAS_CONNECTED))
        return connect_failed(so);
    /* Connected (and maybe reset since: as on Linux, the error is reported
     * by the next call). */
    tern_sock_leave(so);
    return 0;
}

static int connect_stream(tern_sock *so, const tern_addr *ra, uint16_t port) {
    int r;
    if (so->state == SOCKST_LISTEN)
        r = tern_sock_fail(so, TERN_EISCONN);
    else if (so->flags & SOCKF_CONNECTING)
        r = connect_again(so);
    else if (so->state == SOCKST_CONNECTED)
        r = tern_sock_fail(so, TERN_EISCONN);
    else if (so->state == SOCKST_SYN_SENT)
        r = tern_sock_fail(so, TERN_EALREADY);
    else
        r = connect_start(so, ra, port);
    return r == CONNECT_WAIT ? connect_wait(so) : r;
}

int tern_connect(int fd, const struct tern_sockaddr *addr, tern_socklen_t len) {
    tern_sock *so = tern_sock_enter(fd);
    if (!so)
        return -1;
    tern_addr ra;
    uint16_t port;
    if (!addr)
        return tern_sock_fail(so, TERN_EFAULT);
    if (len >= sizeof(tern_sa_family_t) && addr->sa_family == TERN_SOCK_AF_UNSPEC && !SOCK_IS_STREAM(so)) {
        /* Dissolve the association (UDP, raw). */
        if (so->type == TERN_SOCK_DGRAM)
            tern_udp_disconnect(so->pcb.udp);
#if TERN_CFG_RAW
        else
            tern_raw_disconnect(so->pcb.raw);
#endif
        so->flags &= (uint16_t)~SOCKF_CONNECTED;
        so->remote.family = TERN_AF_UNSPEC;
        so->remote_port = 0;
        tern_sock_leave(so);
        return 0;
    }
    int e = tern_sock_addr_in(so, addr, len, &ra, &port, false);
    if (e)
        return tern_sock_fail(so, e);
    if (SOCK_IS_STREAM(so))
        return connect_stream(so, &ra, port);
    if (so->type == TERN_SOCK_DGRAM) {
        tern_err err = tern_udp_connect(so->pcb.udp, &ra, port);
        if (err)
            return tern_sock_fail(so, tern_sock_errno(err));
        so->local_port = so->pcb.udp->local_port;
    } else {
#if TERN_CFG_RAW
        tern_raw_connect(so->pcb.raw, &ra);
#endif
    }
    so->flags |= SOCKF_CONNECTED | SOCKF_BOUND;
    so->remote = ra;
    so->remote_port = port;
    so->so_error = 0;
    tern_sock_leave(so);
    return 0;
}

/* ---- shutdown, close, names ------------------------------------------------------ */

int tern_shutdown(int fd, int how) {
    tern_sock *so = tern_sock_enter(fd);
    if (!so)
        return -1;
    if (how < TERN_SHUT_RD || how > TERN_SHUT_RDWR)
        return tern_sock_fail(so, TERN_EINVAL);
    uint8_t bits = how == TERN_SHUT_RD ? SOCKSH_RCV : how == TERN_SHUT_WR ? SOCKSH_SEND : SOCKSH_BOTH;
    if (SOCK_IS_STREAM(so)) {
        if (so->state != SOCKST_CONNECTED && so->state != SOCKST_SYN_SENT)
            return tern_sock_fail(so, TERN_ENOTCONN);
        if ((bits & SOCKSH_SEND) && !(so->shut & SOCKSH_SEND) && so->pcb.tcp)
            tern_tcp_shutdown(so->pcb.tcp, false, true);
    } else if (!(so->flags & SOCKF_CONNECTED)) {
        return tern_sock_fail(so, TERN_ENOTCONN);
    }
    so->shut |= bits;
    tern_sock_wake(so);
    tern_sock_leave(so);
    return 0;
}

/* SO_LINGER with a time, on a blocking socket (Linux's tcp_close): close
 * sends the FIN after the data and waits, the core lock released, until
 * both are acknowledged or the time is up; the close then goes on in the
 * background as it would have. Unread data makes close a reset instead. */
static void linger_wait(tern_sock *so) {
    tern_tcp_pcb *pcb = so->pcb.tcp;
    if (so->rx_bytes || tern_tcp_shutdown(pcb, false, true) != TERN_OK)
        return;
    so->shut |= SOCKSH_SEND;
    uint32_t start = tern_os_now_ms(), limit = (uint32_t)so->linger * 1000u;
    while (so->pcb.tcp == pcb && (pcb->state == TERN_TCP_FIN_WAIT_1 || pcb->state == TERN_TCP_CLOSING ||
                                  pcb->state == TERN_TCP_LAST_ACK)) {
        uint32_t waited = tern_os_now_ms() - start;
        if (waited >= limit)
            break;
        /* Acknowledgments wake no one: look again every 10 ms. */
        (void)tern_sock_wait(so, limit - waited < 10u ? limit - waited : 10u, tern_os_now_ms());
    }
}

int tern_close(int fd) {
    tern_sock *so = tern_sock_enter(fd);
    if (!so)
        return -1;
    if (SOCK_IS_STREAM(so) && so->linger > 0 && so->pcb.tcp && !so->listener && !(so->flags & SOCKF_NONBLOCK))
        linger_wait(so);
    sock_release(so); /* marks it closing; the last one out frees the slot */
    tern_sock_leave(so);
    return 0;
}

int tern_getsockname(int fd, struct tern_sockaddr *addr, tern_socklen_t *len) {
    tern_sock *so = tern_sock_enter(fd);
    if (!so)
        return -1;
    if (!addr || !len)
        return tern_sock_fail(so, TERN_EFAULT);
    tern_addr a = so->local;
    uint16_t port = so->local_port;
    if (SOCK_IS_STREAM(so) && so->pcb.tcp) {
        a = tcp_pcb_local(so->pcb.tcp);
        port = so->pcb.tcp->local_port;
    } else if (so->type == TERN_SOCK_DGRAM && so->pcb.udp) {
        a = udp_local(so->pcb.udp);
        port = so->pcb.udp->local_port;
        if (tern_addr_is_any(&a) && (so->flags & SOCKF_CONNECTED))
            source_for(so->owner->stack, &so->remote, &a);
    }
    tern_sock_addr_out(so, addr, len, &a, port);
    tern_sock_leave(so);
    return 0;
}

int tern_getpeername(int fd, struct tern_sockaddr *addr, tern_socklen_t *len) {
    tern_sock *so = tern_sock_enter(fd);
    if (!so)
        return -1;
    if (!addr || !len)
        return tern_sock_fail(so, TERN_EFAULT);
    bool connected = SOCK_IS_STREAM(so)
                         ? so->state == SOCKST_CONNECTED && !(so->shut == SOCKSH_BOTH && !so->pcb.tcp)
                         : (so->flags & SOCKF_CONNECTED) != 0;
    if (!connected)
        return tern_sock_fail(so, TERN_ENOTCONN);
    tern_sock_addr_out(so, addr, len, &so->remote, so->remote_port);
    tern_sock_leave(so);
    return 0;
}

/* ---- fcntl, ioctl ------------------------------------------------------------------ */

#define TERN_O_RDWR 2

int tern_fcntl(int fd, int cmd, ...) {
    tern_sock *so = tern_sock_enter(fd);
    if (!so)
        return -1;
    if (cmd == TERN_F_GETFL) {
        int v = TERN_O_RDWR | ((so->flags & SOCKF_NONBLOCK) ? TERN_O_NONBLOCK : 0);
        tern_sock_leave(so);
        return v;
    }
    if (cmd != TERN_F_SETFL)
        return tern_sock_fail(so, TERN_EINVAL);
    va_list ap;
    va_start(ap, cmd);
    int v = va_arg(ap, int);
    va_end(ap);
    if (v & TERN_O_NONBLOCK)
        so->flags |= SOCKF_NONBLOCK;
    else
        so->flags &= (uint16_t)~SOCKF_NONBLOCK;
    tern_sock_leave(so);
    return 0;
}

int tern_ioctl(int fd, unsigned long request, ...) {
    tern_sock *so = tern_sock_enter(fd);
    if (!so)
        return -1;
    va_list ap;
    va_start(ap, request);
    int *arg = va_arg(ap, int *);
    va_end(ap);
    if (request != TERN_FIONBIO && request != TERN_FIONREAD)
        return tern_sock_fail(so, TERN_ENOTTY);
    if (!arg)
        return tern_sock_fail(so, TERN_EFAULT);
    if (request == TERN_FIONBIO) {
        if (*arg)
            so->flags |= SOCKF_NONBLOCK;
        else
            so->flags &= (uint16_t)~SOCKF_NONBLOCK;
    } else if (SOCK_IS_STREAM(so)) {
        if (so->state == SOCKST_LISTEN)
            return tern_sock_fail(so, TERN_EINVAL);
        *arg = (int)so->rx_bytes;
    } else {
        *arg = so->dq_count ? (int)so->dq[so->dq_head].p->tot_len : 0;
    }
    tern_sock_leave(so);
    return 0;
}

#endif
