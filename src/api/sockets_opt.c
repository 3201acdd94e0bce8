/*
 * setsockopt / getsockopt. Values are checked as Linux checks them: short
 * option buffers give TERN_EINVAL, NULL buffers TERN_EFAULT, options of another
 * protocol TERN_ENOPROTOOPT. SO_RCVBUF / SO_SNDBUF are recorded and reported
 * (doubled, as Linux does); the core's windows are sized at compile time.
 */
#include "sockets_priv.h"

#if TERN_CFG_SOCKETS

#include <string.h>

static int get_int(const void *val, tern_socklen_t len, int *out) {
    if (!val)
        return TERN_EFAULT;
    if (len < sizeof(int))
        return TERN_EINVAL;
    memcpy(out, val, sizeof(int));
    return 0;
}

static void set_flag(tern_sock *so, uint16_t flag, int on) {
    if (on)
        so->flags |= flag;
    else
        so->flags &= (uint16_t)~flag;
}

static uint32_t clamp_buf(int v) {
    uint32_t u = v < 0 ? 0u : (uint32_t)v;
    if (u > 0x7FFFFFFFu / 2u)
        u = 0x7FFFFFFFu / 2u;
    return u * 2u;
}

static void keepalive_apply(tern_sock *so) {
    if (SOCK_IS_STREAM(so) && so->pcb.tcp)
        tern_tcp_set_keepalive(so->pcb.tcp, (so->flags & SOCKF_KEEPALIVE) != 0, so->keepidle * 1000u,
                               so->keepintvl * 1000u, so->keepcnt);
}

static int set_socket_level(tern_sock *so, int name, const void *val, tern_socklen_t len) {
    int v = 0;
    int e;
    switch (name) {
    case TERN_SO_LINGER: {
        struct tern_linger l;
        if (!val)
            return TERN_EFAULT;
        if (len < sizeof l)
            return TERN_EINVAL;
        memcpy(&l, val, sizeof l);
        so->linger = l.l_onoff ? (l.l_linger < 0 ? 0 : l.l_linger) : -1;
        return 0;
    }
    case TERN_SO_RCVTIMEO:
    case TERN_SO_SNDTIMEO: {
        struct tern_timeval tv;
        if (!val)
            return TERN_EFAULT;
        if (len < sizeof tv)
            return TERN_EINVAL;
        memcpy(&tv, val, sizeof tv);
        if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
            return TERN_EDOM;
        uint32_t ms = 0;
        if (tv.tv_sec > 0 || tv.tv_usec > 0) {
            long long t = (long long)tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000;
            ms = t > 0x7FFFFFFF ? 0x7FFFFFFFu : (uint32_t)(t < 1 ? 1 : t);
        }
        if (name == TERN_SO_RCVTIMEO)
            so->rcvtimeo = ms;
        else
            so->sndtimeo = ms;
        return 0;
    }
    default:
        break;
    }
    if ((e = get_int(val, len, &v)))
        return e;
    switch (name) {
    case TERN_SO_REUSEADDR:
        set_flag(so, SOCKF_REUSEADDR, v);
        if (so->type == TERN_SOCK_DGRAM)
            tern_udp_set_flags(so->pcb.udp, TERN_UDP_F_REUSE, v != 0);
        return 0;
    case TERN_SO_KEEPALIVE:
        set_flag(so, SOCKF_KEEPALIVE, v);
        keepalive_apply(so);
        return 0;
    case TERN_SO_BROADCAST:
        set_flag(so, SOCKF_BROADCAST, v);
        if (so->type == TERN_SOCK_DGRAM)
            tern_udp_set_flags(so->pcb.udp, TERN_UDP_F_BROADCAST, v != 0);
        return 0;
    case TERN_SO_RCVBUF:
        so->rcvbuf = clamp_buf(v) < 2304u ? 2304u : clamp_buf(v);
        so->flags |= SOCKF_RCVBUF_SET;
        tern_sock_apply_bufsize(so);
        return 0;
    case TERN_SO_SNDBUF:
        so->sndbuf = clamp_buf(v) < 4608u ? 4608u : clamp_buf(v);
        so->flags |= SOCKF_SNDBUF_SET;
        tern_sock_apply_bufsize(so);
        return 0;
    case TERN_SO_TYPE:
    case TERN_SO_ERROR:
    case TERN_SO_ACCEPTCONN:
        return TERN_ENOPROTOOPT; /* read-only */
    default:
        return TERN_ENOPROTOOPT;
    }
}

static int set_tcp_level(tern_sock *so, int name, const void *val, tern_socklen_t len) {
    int v = 0;
    int e;
    if (!SOCK_IS_STREAM(so))
        return TERN_ENOPROTOOPT;
    if ((e = get_int(val, len, &v)))
        return e;
    switch (name) {
    case TERN_TCP_NODELAY:
        set_flag(so, SOCKF_NODELAY, v);
        if (so->pcb.tcp)
            tern_tcp_set_nodelay(so->pcb.tcp, v != 0);
        return 0;
    case TERN_TCP_KEEPIDLE:
    case TERN_TCP_KEEPINTVL:
        if (v < 1 || v > 32767)
            return TERN_EINVAL;
        if (name == TERN_TCP_KEEPIDLE)
            so->keepidle = (uint32_t)v;
        else
            so->keepintvl = (uint32_t)v;
        keepalive_apply(so);
        return 0;
    case TERN_TCP_KEEPCNT:
        if (v < 1 || v > 127)
            return TERN_EINVAL;
        so->keepcnt = (uint8_t)v;
        keepalive_apply(so);
        return 0;
    default:
        return TERN_ENOPROTOOPT;
    }
}

/* ---- Multicast groups: two per socket, of either family ----------------------------- */

#if TERN_CFG_IPV6 && TERN_CFG_IPV6_MLD
/* The interface an IPv6 group is joined on: the given one, or the first with IPv6. */
static tern_netif *mld_netif(tern_stack *s, uint8_t ifindex) {
    if (ifindex)
        return tern_netif_by_index(s, ifindex);
    for (tern_netif *nif = s->netifs; nif; nif = nif->next)
        if (nif->ip6.enabled)
            return nif;
    return NULL;
}
#endif

/* Join g in the core (its zone: the interface, 0 = default); 0 or TERN_E*. */
static int mcast_join(tern_sock *so, const tern_addr *g) {
    tern_stack *s = so->owner->stack;
#if TERN_CFG_IPV6 && TERN_CFG_IPV6_MLD
    if (g->family == TERN_AF_INET6) {
        tern_netif *nif = mld_netif(s, g->zone);
        if (!nif)
            return TERN_ENODEV;
        return tern_ipv6_join(nif, g) ? TERN_ENOBUFS : 0;
    }
#endif
#if TERN_CFG_IGMP
    if (g->family == TERN_AF_INET)
        return tern_igmp_join(s, NULL, g) ? TERN_ENOBUFS : 0;
#endif
    (void)s;
    return TERN_ENOPROTOOPT;
}

void tern_sock_mcast_leave(tern_sock *so, const tern_addr *g) {
    tern_stack *s = so->owner->stack;
#if TERN_CFG_IPV6 && TERN_CFG_IPV6_MLD
    if (g->family == TERN_AF_INET6) {
        tern_netif *nif = mld_netif(s, g->zone);
        if (nif)
            (void)tern_ipv6_leave(nif, g);
        return;
    }
#endif
#if TERN_CFG_IGMP
    if (g->family == TERN_AF_INET)
        (void)tern_igmp_leave(s, NULL, g);
#endif
    (void)s;
}

/* Add (join) or drop group g: EADDRINUSE if joined, ENOBUFS if both slots
 * are taken, EADDRNOTAVAIL to drop one not joined. */
static int membership(tern_sock *so, bool join, const tern_addr *g) {
    int slot = -1, free_slot = -1;
    for (int i = 1; i >= 0; i--) {
        const tern_addr *m = &so->mcast_groups[i];
        if (!m->family)
            free_slot = i;
        else if (tern_addr_equal(m, g) && m->zone == g->zone)
            slot = i;
    }
    if (!join) {
        if (slot < 0)
            return TERN_EADDRNOTAVAIL;
        tern_sock_mcast_leave(so, g);
        so->mcast_groups[slot].family = TERN_AF_UNSPEC;
        return 0;
    }
    if (slot >= 0)
        return TERN_EADDRINUSE;
    if (free_slot < 0)
        return TERN_ENOBUFS;
    int e = mcast_join(so, g);
    if (!e)
        so->mcast_groups[free_slot] = *g;
    return e;
}

/* IP_ADD_MEMBERSHIP / IP_DROP_MEMBERSHIP. */
static int set_membership(tern_sock *so, int name, const void *val, tern_socklen_t len) {
    struct tern_ip_mreq m;
    if (!val)
        return TERN_EFAULT;
    if (len < sizeof m)
        return TERN_EINVAL;
    if (SOCK_IS_STREAM(so))
        return TERN_EPROTO;
    memcpy(&m, val, sizeof m);
    uint32_t group = tern_ntohl(m.imr_multiaddr.s_addr);
    if ((group >> 28) != 0xEu)
        return TERN_EINVAL;
    if (!TERN_CFG_IGMP)
        return TERN_ENOPROTOOPT;
    tern_addr g = tern_addr_ipv4(group);
    return membership(so, name == TERN_IP_ADD_MEMBERSHIP, &g);
}

static int set_ip_level(tern_sock *so, int name, const void *val, tern_socklen_t len) {
    int v = 0;
    if (name == TERN_IP_ADD_MEMBERSHIP || name == TERN_IP_DROP_MEMBERSHIP)
        return set_membership(so, name, val, len);
    if (!val)
        return TERN_EFAULT;
    /* Linux takes a single byte for these too. */
    if (len >= sizeof(int))
        memcpy(&v, val, sizeof v);
    else if (len >= 1)
        v = *(const uint8_t *)val;
    else
        return TERN_EINVAL;
    switch (name) {
    case TERN_IP_TTL:
        if (len < sizeof(int))
            return TERN_EINVAL;
        if (v == -1)
            v = TERN_CFG_IPV4_DEFAULT_TTL;
        if (v < 1 || v > 255)
            return TERN_EINVAL;
        so->ttl = (uint8_t)v;
        if (SOCK_IS_STREAM(so) && so->pcb.tcp)
            (void)tern_tcp_set_ip_opts(so->pcb.tcp, so->ttl, so->tos);
        return 0;
    case TERN_IP_TOS:
        so->tos = (uint8_t)v;
        if (SOCK_IS_STREAM(so) && so->pcb.tcp)
            (void)tern_tcp_set_ip_opts(so->pcb.tcp, so->ttl, so->tos);
        return 0;
    case TERN_IP_MULTICAST_TTL:
        if (SOCK_IS_STREAM(so))
            return TERN_EINVAL;
        if (v == -1)
            v = 1;
        if (v < 0 || v > 255)
            return TERN_EINVAL;
        so->mcast_ttl = (uint8_t)v;
        return 0;
    case TERN_IP_MULTICAST_LOOP:
        if (SOCK_IS_STREAM(so))
            return TERN_EINVAL;
        set_flag(so, SOCKF_MCAST_LOOP, v);
        return 0;
    default:
        return TERN_ENOPROTOOPT;
    }
}

#if TERN_CFG_IPV6
/* IPV6_JOIN_GROUP / IPV6_LEAVE_GROUP. */
static int set_membership6(tern_sock *so, int name, const void *val, tern_socklen_t len) {
    struct tern_ipv6_mreq m;
    if (len < sizeof m)
        return TERN_EINVAL;
    if (SOCK_IS_STREAM(so))
        return TERN_EPROTO;
    memcpy(&m, val, sizeof m);
    if (!tern_ipv6_is_multicast(m.ipv6mr_multiaddr.tern_s6_addr) || m.ipv6mr_interface > 255u)
        return TERN_EINVAL;
    tern_addr g = tern_addr_ipv6(m.ipv6mr_multiaddr.tern_s6_addr, (uint8_t)m.ipv6mr_interface);
    return membership(so, name == TERN_IPV6_JOIN_GROUP, &g);
}

/* A hop limit: -1 is the default, else 0..255 (Linux). */
static int hops(const void *val, tern_socklen_t len, int *v) {
    if (len < sizeof(int))
        return TERN_EINVAL;
    memcpy(v, val, sizeof *v);
    return *v < -1 || *v > 255 ? TERN_EINVAL : 0;
}

static int set_ipv6_level(tern_sock *so, int name, const void *val, tern_socklen_t len) {
    int v = 0, e = 0;
    if (so->family != TERN_SOCK_AF_INET6)
        return TERN_ENOPROTOOPT;
    if (!val)
        return TERN_EFAULT;
    switch (name) {
    case TERN_IPV6_JOIN_GROUP:
    case TERN_IPV6_LEAVE_GROUP:
        return set_membership6(so, name, val, len);
    case TERN_IPV6_V6ONLY:
        if (len < sizeof(int))
            return TERN_EINVAL;
        if (so->flags & SOCKF_BOUND)
            return TERN_EINVAL; /* as Linux: only before bind/connect */
        memcpy(&v, val, sizeof v);
        set_flag(so, SOCKF_V6ONLY, v);
        return 0;
    case TERN_IPV6_UNICAST_HOPS: /* the socket's one hop limit / TTL */
        if ((e = hops(val, len, &v)) != 0)
            return e;
        so->ttl = (uint8_t)(v < 0 ? 0 : v);
        if (SOCK_IS_STREAM(so) && so->pcb.tcp)
            (void)tern_tcp_set_ip_opts(so->pcb.tcp, so->ttl, so->tos);
        return 0;
    case TERN_IPV6_MULTICAST_HOPS:
        if ((e = hops(val, len, &v)) != 0)
            return e;
        so->mcast_ttl = (uint8_t)(v < 0 ? 1 : v);
        return 0;
    default:
        return TERN_ENOPROTOOPT;
    }
}
#endif

int tern_setsockopt(int fd, int level, int name, const void *val, tern_socklen_t len) {
    tern_sock *so = tern_sock_enter(fd);
    if (!so)
        return -1;
    int e;
    if (level == TERN_SOL_SOCKET)
        e = set_socket_level(so, name, val, len);
    else if (level == TERN_IPPROTO_TCP)
        e = set_tcp_level(so, name, val, len);
    else if (level == TERN_IPPROTO_IP)
        e = set_ip_level(so, name, val, len);
#if TERN_CFG_IPV6
    else if (level == TERN_IPPROTO_IPV6)
        e = set_ipv6_level(so, name, val, len);
#endif
    else
        e = TERN_ENOPROTOOPT;
    return tern_sock_done(so, e);
}

static int put(void *val, tern_socklen_t *len, const void *src, tern_socklen_t size) {
    tern_socklen_t n = *len < size ? *len : size;
    memcpy(val, src, n);
    *len = n;
    return 0;
}

static int put_int(void *val, tern_socklen_t *len, int v) {
    return put(val, len, &v, sizeof v);
}

static struct tern_timeval ms_to_tv(uint32_t ms) {
    struct tern_timeval tv = {(long)(ms / 1000u), (long)(ms % 1000u) * 1000L};
    return tv;
}

static int get_socket_level(tern_sock *so, int name, void *val, tern_socklen_t *len) {
    switch (name) {
    case TERN_SO_REUSEADDR:
        return put_int(val, len, !!(so->flags & SOCKF_REUSEADDR));
    case TERN_SO_KEEPALIVE:
        return put_int(val, len, !!(so->flags & SOCKF_KEEPALIVE));
    case TERN_SO_BROADCAST:
        return put_int(val, len, !!(so->flags & SOCKF_BROADCAST));
    case TERN_SO_TYPE:
        return put_int(val, len, so->type);
    case TERN_SO_ERROR: {
        int v = so->so_error;
        so->so_error = 0;
        return put_int(val, len, v);
    }
    case TERN_SO_ACCEPTCONN:
        return put_int(val, len, so->state == SOCKST_LISTEN);
    case TERN_SO_RCVBUF:
        return put_int(val, len, (int)so->rcvbuf);
    case TERN_SO_SNDBUF:
        return put_int(val, len, (int)so->sndbuf);
    case TERN_SO_LINGER: {
        struct tern_linger l = {so->linger >= 0, so->linger >= 0 ? so->linger : 0};
        return put(val, len, &l, sizeof l);
    }
    case TERN_SO_RCVTIMEO:
    case TERN_SO_SNDTIMEO: {
        struct tern_timeval tv = ms_to_tv(name == TERN_SO_RCVTIMEO ? so->rcvtimeo : so->sndtimeo);
        return put(val, len, &tv, sizeof tv);
    }
    default:
        return TERN_ENOPROTOOPT;
    }
}

static int get_tcp_level(tern_sock *so, int name, void *val, tern_socklen_t *len) {
    if (!SOCK_IS_STREAM(so))
        return TERN_EOPNOTSUPP; /* as Linux's UDP getsockopt answers */
    switch (name) {
    case TERN_TCP_NODELAY:
        return put_int(val, len, !!(so->flags & SOCKF_NODELAY));
    case TERN_TCP_KEEPIDLE:
        return put_int(val, len, (int)so->keepidle);
    case TERN_TCP_KEEPINTVL:
        return put_int(val, len, (int)so->keepintvl);
    case TERN_TCP_KEEPCNT:
        return put_int(val, len, so->keepcnt);
    default:
        return TERN_ENOPROTOOPT;
    }
}

static int get_ip_level(tern_sock *so, int name, void *val, tern_socklen_t *len) {
    switch (name) {
    case TERN_IP_TTL:
        return put_int(val, len, so->ttl ? so->ttl : TERN_CFG_IPV4_DEFAULT_TTL);
    case TERN_IP_TOS:
        return put_int(val, len, so->tos);
    case TERN_IP_MULTICAST_TTL:
        return put_int(val, len, so->mcast_ttl);
    case TERN_IP_MULTICAST_LOOP:
        return put_int(val, len, !!(so->flags & SOCKF_MCAST_LOOP));
    default:
        return TERN_ENOPROTOOPT;
    }
}

#if TERN_CFG_IPV6
static int get_ipv6_level(tern_sock *so, int name, void *val, tern_socklen_t *len) {
    if (so->family != TERN_SOCK_AF_INET6)
        return TERN_ENOPROTOOPT;
    switch (name) {
    case TERN_IPV6_V6ONLY:
        return put_int(val, len, !!(so->flags & SOCKF_V6ONLY));
    case TERN_IPV6_UNICAST_HOPS:
        return put_int(val, len, so->ttl ? so->ttl : TERN_CFG_IPV6_HOP_LIMIT);
    case TERN_IPV6_MULTICAST_HOPS:
        return put_int(val, len, so->mcast_ttl);
    default:
        return TERN_ENOPROTOOPT;
    }
}
#endif

int tern_getsockopt(int fd, int level, int name, void *val, tern_socklen_t *len) {
    tern_sock *so = tern_sock_enter(fd);
    if (!so)
        return -1;
    if (!val || !len)
        return tern_sock_fail(so, TERN_EFAULT);
    if ((int32_t)*len < 0)
        return tern_sock_fail(so, TERN_EINVAL);
    int e;
    if (level == TERN_SOL_SOCKET)
        e = get_socket_level(so, name, val, len);
    else if (level == TERN_IPPROTO_TCP)
        e = get_tcp_level(so, name, val, len);
    else if (level == TERN_IPPROTO_IP)
        e = get_ip_level(so, name, val, len);
#if TERN_CFG_IPV6
    else if (level == TERN_IPPROTO_IPV6)
        e = get_ipv6_level(so, name, val, len);
#endif
    else
        e = TERN_ENOPROTOOPT;
    return tern_sock_done(so, e);
}

#endif
