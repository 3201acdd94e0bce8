/* UDP (RFC 768): demultiplexing to endpoints, checksums, sending. */
#include <string.h>

#include "core/chksum.h"
#include "ipv4/ipv4_priv.h"
#include "tern/udp.h"
#include "wire/transport.h"
#if TERN_CFG_IPV6
#include "ipv6/ipv6_priv.h"
#endif

#if TERN_CFG_UDP

#define EPHEMERAL_FIRST 49152u
#define EPHEMERAL_COUNT 16384u

void tern_udp_init(tern_stack *s) {
    s->udp.next_port = (uint16_t)(EPHEMERAL_FIRST + tern_random(s) % EPHEMERAL_COUNT);
}

tern_udp_pcb *tern_udp_new(tern_stack *s) {
    for (tern_udp_pcb *pcb = s->udp.pcbs; pcb < s->udp.pcbs + TERN_CFG_UDP_PCBS; pcb++) {
        if (!(pcb->flags & TERN_UDP_F_USED)) {
            memset(pcb, 0, sizeof *pcb);
            pcb->stack = s;
            pcb->flags = TERN_UDP_F_USED;
            return pcb;
        }
    }
    return NULL;
}

void tern_udp_free(tern_udp_pcb *pcb) {
    if (!pcb)
        return;
    tern_stack *s = pcb->stack;
    memset(pcb, 0, sizeof *pcb);
    pcb->stack = s; /* so a late send on it can still free its packet */
}

static bool port_in_use(tern_stack *s, uint32_t ip, uint16_t port, const tern_udp_pcb *self) {
    for (unsigned i = 0; i < TERN_CFG_UDP_PCBS; i++) {
        const tern_udp_pcb *q = &s->udp.pcbs[i];
        if (q == self || !(q->flags & TERN_UDP_F_USED) || q->local_port != port)
            continue;
        if ((q->flags & TERN_UDP_F_REUSE) && (self->flags & TERN_UDP_F_REUSE))
            continue;
        if (!tern_udp_local_ip4(q) || !ip || tern_udp_local_ip4(q) == ip)
            return true;
    }
    return false;
}

/* Set the endpoint's local or remote IPv4 address (an IPv6-only build has none). */
static void set_ip4(tern_udp_pcb *pcb, bool local, uint32_t ip) {
#if TERN_CFG_IPV4
    *(local ? &pcb->local_ip : &pcb->remote_ip) = ip;
#else
    (void)pcb, (void)local, (void)ip;
#endif
}

/* The connected IPv4 peer (0: none, always in an IPv6-only build). */
static uint32_t remote_ip4(const tern_udp_pcb *pcb) {
#if TERN_CFG_IPV4
    return pcb->remote_ip;
#else
    (void)pcb;
    return 0;
#endif
}

static uint16_t ephemeral_port(tern_stack *s, const tern_udp_pcb *self) {
    for (unsigned tries = 0; tries < EPHEMERAL_COUNT; tries++) {
        uint16_t port = s->udp.next_port;
        s->udp.next_port =
            (uint16_t)(port + 1u < EPHEMERAL_FIRST + EPHEMERAL_COUNT ? port + 1u : EPHEMERAL_FIRST);
        if (!port_in_use(s, tern_udp_local_ip4(self), port, self))
            return port;
    }
    return 0;
}

#if TERN_CFG_IPV6
static bool ipv6_local_anywhere(tern_stack *s, const uint8_t a[16]) {
    for (tern_netif *nif = s->netifs; nif; nif = nif->next)
        if (tern_ipv6_is_local(nif, a))
            return true;
    return false;
}

static tern_err bind6(tern_udp_pcb *pcb, const tern_addr *addr, uint16_t port) {
    tern_stack *s = pcb->stack;
    if (!tern_ipv6_is_multicast(addr->bytes) && !ipv6_local_anywhere(s, addr->bytes))
        return TERN_ERR_INVAL;
    if (!port)
        port = ephemeral_port(s, pcb);
    else if (port_in_use(s, 0, port, pcb))
        return TERN_ERR_INUSE;
    if (!port)
        return TERN_ERR_INUSE;
    set_ip4(pcb, true, 0);
    memcpy(pcb->local6, addr->bytes, 16);
    pcb->v6 |= TERN_UDP_V6_LOCAL;
    pcb->local_port = port;
    return TERN_OK;
}
#endif

/* May an endpoint bind to the IPv4 address ip (host order, not 0)? */
static bool ipv4_bindable(tern_stack *s, uint32_t ip) {
#if TERN_CFG_IPV4
    return tern_ipv4_is_local(s, ip) || tern_ipv4_is_multicast(ip) || tern_ipv4_is_loopback(ip);
#else
    (void)s, (void)ip;
    return false;
#endif
}

tern_err tern_udp_bind(tern_udp_pcb *pcb, const tern_addr *addr, uint16_t port) {
#if TERN_CFG_IPV6
    if (pcb && (pcb->flags & TERN_UDP_F_USED) && addr && addr->family == TERN_AF_INET6 &&
        !tern_addr_is_any(addr))
        return bind6(pcb, addr, port);
#endif
    if (!pcb || !(pcb->flags & TERN_UDP_F_USED) ||
        (addr && addr->family != TERN_AF_INET && !tern_addr_is_any(addr)))
        return TERN_ERR_INVAL;
    tern_stack *s = pcb->stack;
    uint32_t ip = addr ? tern_addr_get_ipv4(addr) : 0;
    if (ip && !ipv4_bindable(s, ip))
        return TERN_ERR_INVAL;
    set_ip4(pcb, true, ip);
    if (!port) {
        port = ephemeral_port(s, pcb);
        if (!port)
            return TERN_ERR_INUSE;
    } else if (port_in_use(s, ip, port, pcb)) {
        return TERN_ERR_INUSE;
    }
    pcb->local_port = port;
    return TERN_OK;
}

tern_err tern_udp_connect(tern_udp_pcb *pcb, const tern_addr *addr, uint16_t port) {
    bool v4 = TERN_CFG_IPV4 && addr && addr->family == TERN_AF_INET;
    bool v6 = TERN_CFG_IPV6 && addr && addr->family == TERN_AF_INET6;
    if (!pcb || !addr || (!v4 && !v6) || !port)
        return TERN_ERR_INVAL;
    if (!pcb->local_port) {
        tern_err err = tern_udp_bind(pcb, NULL, 0);
        if (err)
            return err;
    }
#if TERN_CFG_IPV6
    pcb->v6 &= (uint8_t)~TERN_UDP_V6_REMOTE;
    if (v6) {
        memcpy(pcb->remote6, addr->bytes, 16);
        pcb->remote6_zone = addr->zone;
        pcb->v6 |= TERN_UDP_V6_REMOTE;
    }
#endif
    set_ip4(pcb, false, tern_addr_get_ipv4(addr));
    pcb->remote_port = port;
    pcb->flags |= TERN_UDP_F_CONNECTED;
    return TERN_OK;
}

void tern_udp_disconnect(tern_udp_pcb *pcb) {
#if TERN_CFG_IPV6
    pcb->v6 &= (uint8_t)~TERN_UDP_V6_REMOTE;
#endif
    set_ip4(pcb, false, 0);
    pcb->remote_port = 0;
    pcb->flags &= (uint8_t)~TERN_UDP_F_CONNECTED;
}

void tern_udp_set_recv(tern_udp_pcb *pcb, tern_udp_recv_fn fn, void *ctx) {
    pcb->recv = fn;
    pcb->ctx = ctx;
}

void tern_udp_set_err(tern_udp_pcb *pcb, tern_udp_err_fn fn) {
    pcb->err = fn;
}

void tern_udp_set_flags(tern_udp_pcb *pcb, uint8_t flags, bool on) {
    flags &= (uint8_t)~TERN_UDP_F_USED;
    pcb->flags = on ? (uint8_t)(pcb->flags | flags) : (uint8_t)(pcb->flags & ~flags);
}

#if TERN_CFG_IPV6
/* UDP over IPv6: the checksum is mandatory (RFC 8200 8.1). */
static tern_err sendto6(tern_udp_pcb *pcb, tern_pbuf *p, const tern_addr *dst, uint16_t port) {
    tern_stack *s = pcb->stack;
    tern_ipv6_tx tx = {.dst = *dst, .proto = TERN_IP_PROTO_UDP, .hop_limit = pcb->ttl, .tclass = pcb->tos};
    if ((uint32_t)p->tot_len + TERN_WIRE_UDP_HLEN > 0xFFFFu - TERN_WIRE_IPV6_HLEN) {
        tern_pbuf_free(s, p);
        return TERN_ERR_MSGSIZE;
    }
    if (!pcb->local_port && tern_udp_bind(pcb, NULL, 0) != TERN_OK) {
        tern_pbuf_free(s, p);
        return TERN_ERR_INUSE;
    }
    if (tern_ipv6_is_multicast(dst->bytes)) {
        tx.hop_limit = pcb->mcast_ttl ? pcb->mcast_ttl : 1;
        tx.ifindex = pcb->mcast_ifindex;
    }
    if ((pcb->v6 & TERN_UDP_V6_LOCAL) && !tern_ipv6_is_multicast(pcb->local6)) {
        memcpy(tx.src, pcb->local6, 16);
    } else {
        tern_netif *nif;
        uint8_t nh[16];
        if (tern_ipv6_route(s, &tx, &nif, nh) != TERN_OK ||
            !tern_ipv6_select_source(nif, dst->bytes, tx.src)) {
            TERN_STAT_INC(s, IPV6_DROP_NOROUTE);
            tern_pbuf_free(s, p);
            return TERN_ERR_NOROUTE;
        }
    }
    p = tern_pbuf_prepend(s, p, TERN_WIRE_UDP_HLEN, TERN_PBUF_TRANSPORT_HEADROOM - TERN_WIRE_UDP_HLEN);
    if (!p)
        return TERN_ERR_NOMEM;
    uint16_t len = p->tot_len;
    tern_udp_write(p->payload, pcb->local_port, port, len);
    uint32_t acc = tern_csum_pseudo6(tx.src, dst->bytes, TERN_IP_PROTO_UDP, len);
    uint16_t c = tern_csum_finish(tern_csum_pbuf(p, 0, len, acc));
    tern_csum_store(p->payload + 6, c ? c : 0xFFFFu);
    TERN_STAT_INC(s, UDP_TX);
    return tern_ipv6_output(s, p, &tx);
}
#endif

#if TERN_CFG_IPV4
static tern_err sendto4(tern_udp_pcb *pcb, tern_pbuf *p, uint32_t d, uint16_t port);
#endif

tern_err tern_udp_sendto(tern_udp_pcb *pcb, tern_pbuf *p, const tern_addr *dst, uint16_t port) {
    tern_stack *s = pcb ? pcb->stack : NULL;
#if TERN_CFG_IPV6
    if (s && p && (pcb->flags & TERN_UDP_F_USED) && dst && dst->family == TERN_AF_INET6 && port)
        return sendto6(pcb, p, dst, port);
#endif
    if (!s || !p || !(pcb->flags & TERN_UDP_F_USED) || !dst || dst->family != TERN_AF_INET || !port) {
        if (s)
            tern_pbuf_free(s, p);
        return TERN_ERR_INVAL;
    }
#if TERN_CFG_IPV4
    return sendto4(pcb, p, tern_addr_get_ipv4(dst), port);
#else
    tern_pbuf_free(s, p);
    return TERN_ERR_NOTSUP; /* an IPv6-only build */
#endif
}

#if TERN_CFG_IPV4
static tern_err sendto4(tern_udp_pcb *pcb, tern_pbuf *p, uint32_t d, uint16_t port) {
    tern_stack *s = pcb->stack;
    if (d == TERN_IPV4_BROADCAST && !(pcb->flags & TERN_UDP_F_BROADCAST)) {
        tern_pbuf_free(s, p);
        return TERN_ERR_INVAL;
    }
    if ((uint32_t)p->tot_len + TERN_WIRE_UDP_HLEN + TERN_WIRE_IPV4_HLEN > 0xFFFFu) {
        tern_pbuf_free(s, p);
        return TERN_ERR_MSGSIZE;
    }
    if (!pcb->local_port && tern_udp_bind(pcb, NULL, 0) != TERN_OK) {
        tern_pbuf_free(s, p);
        return TERN_ERR_INUSE;
    }
    uint32_t src = (pcb->flags & TERN_UDP_F_SRC_ZERO)                        ? 0
                   : pcb->local_ip && !tern_ipv4_is_multicast(pcb->local_ip) ? pcb->local_ip
                                                                             : tern_ipv4_source_for(s, d);
    p = tern_pbuf_prepend(s, p, TERN_WIRE_UDP_HLEN, TERN_PBUF_TRANSPORT_HEADROOM - TERN_WIRE_UDP_HLEN);
    if (!p)
        return TERN_ERR_NOMEM;
    uint16_t len = p->tot_len;
    tern_udp_write(p->payload, pcb->local_port, port, len);
    if (!(pcb->flags & TERN_UDP_F_NO_CHECKSUM)) {
        uint32_t acc = tern_csum_pseudo4(src, d, TERN_IP_PROTO_UDP, len);
        uint16_t c = tern_csum_finish(tern_csum_pbuf(p, 0, len, acc));
        tern_csum_store(p->payload + 6, c ? c : 0xFFFFu); /* 0 means "no checksum" */
    }
    TERN_STAT_INC(s, UDP_TX);
    tern_ipv4_tx tx = {.src = src,
                       .dst = d,
                       .proto = TERN_IP_PROTO_UDP,
                       .ttl = pcb->ttl,
                       .tos = pcb->tos,
                       .ifindex = pcb->ifindex};
    tx.src_unspecified = (pcb->flags & TERN_UDP_F_SRC_ZERO) != 0;
    if (tern_ipv4_is_multicast(d)) {
        tx.ttl = pcb->mcast_ttl ? pcb->mcast_ttl : 1;
        tx.ifindex = pcb->mcast_ifindex;
    }
    return tern_ipv4_output(s, p, &tx);
}
#endif

tern_err tern_udp_send(tern_udp_pcb *pcb, tern_pbuf *p) {
    if (!pcb || !(pcb->flags & TERN_UDP_F_CONNECTED)) {
        if (pcb && p)
            tern_pbuf_free(pcb->stack, p);
        return TERN_ERR_NOTCONN;
    }
    tern_addr dst = tern_addr_ipv4(remote_ip4(pcb));
#if TERN_CFG_IPV6
    if (pcb->v6 & TERN_UDP_V6_REMOTE)
        dst = tern_addr_ipv6(pcb->remote6, pcb->remote6_zone);
#endif
    return tern_udp_sendto(pcb, p, &dst, pcb->remote_port);
}

#if TERN_CFG_IPV4
/* How well pcb matches: 0 no, higher is more specific. */
static int match(const tern_udp_pcb *pcb, const tern_ipv4_repr *ip, const tern_udp_info *in, bool group) {
    if (!(pcb->flags & TERN_UDP_F_USED) || pcb->local_port != in->dport)
        return 0;
#if TERN_CFG_IPV6
    if (pcb->v6) /* bound or connected to IPv6 */
        return 0;
#endif
    if (pcb->local_ip && pcb->local_ip != ip->dst && !(group && !tern_ipv4_is_multicast(pcb->local_ip)))
        return 0;
    int score = 1 + (pcb->local_ip != 0);
    if (pcb->flags & TERN_UDP_F_CONNECTED) {
        if (pcb->remote_ip != ip->src || pcb->remote_port != in->sport)
            return 0;
        score += 2;
    }
    return score;
}

static tern_udp_pcb *lookup(tern_stack *s, const tern_ipv4_repr *ip, const tern_udp_info *in, bool group) {
    tern_udp_pcb *best = NULL;
    int best_score = 0;
    for (tern_udp_pcb *pcb = s->udp.pcbs; pcb < s->udp.pcbs + TERN_CFG_UDP_PCBS; pcb++) {
        int sc = match(pcb, ip, in, group);
        if (sc > best_score) {
            best_score = sc;
            best = pcb;
        }
    }
    return best;
}

static bool checksum_ok(const tern_netif *nif, const tern_pbuf *p, const tern_ipv4_repr *ip,
                        const tern_udp_repr *u) {
    if (u->csum == 0)
        return TERN_CFG_UDP_ALLOW_NO_CHECKSUM;
    if ((nif->offload & TERN_OFFLOAD_RX_UDP) || (p->flags & TERN_PBUF_F_CSUM_OK))
        return true;
    uint32_t acc = tern_csum_pseudo4(ip->src, ip->dst, TERN_IP_PROTO_UDP, u->len);
    return tern_csum_ok(tern_csum_pbuf(p, 0, u->len, acc));
}

static void no_port(tern_stack *s, tern_pbuf *p, const tern_ipv4_repr *ip) {
    TERN_STAT_INC(s, UDP_DROP_NOPORT);
    if (TERN_CFG_ICMP && !(p->flags & TERN_PBUF_F_IP_GROUP) && tern_pbuf_push(p, ip->hlen) == TERN_OK)
        tern_icmp_error_about(s, p, ip, TERN_ICMP_DEST_UNREACH, TERN_ICMP_UNREACH_PORT, 0);
    tern_pbuf_free(s, p);
}

#endif /* TERN_CFG_IPV4 */

static TERN_NOINLINE void deliver(tern_stack *s, tern_udp_pcb *pcb, tern_pbuf *p, const tern_udp_info *info) {
    if (pcb->recv)
        pcb->recv(pcb->ctx, pcb, p, info);
    else
        tern_pbuf_free(s, p);
}

#if TERN_CFG_IPV4
/* Broadcast and multicast go to every matching endpoint: each other one
 * gets its own copy (the best match keeps the original). */
static void deliver_copies(tern_stack *s, const tern_pbuf *p, const tern_ipv4_repr *ip,
                           const tern_udp_info *info, const tern_udp_pcb *best) {
    for (tern_udp_pcb *pcb = s->udp.pcbs; pcb < s->udp.pcbs + TERN_CFG_UDP_PCBS; pcb++) {
        if (pcb == best || !match(pcb, ip, info, true))
            continue;
        tern_pbuf *copy = tern_pbuf_clone(s, TERN_PBUF_TRANSPORT_HEADROOM, p);
        if (copy)
            deliver(s, pcb, copy, info);
    }
}
#endif /* TERN_CFG_IPV4 */

/* The header, checked against the datagram, and p trimmed to the length it
 * gives (IP may carry padding); false, with p counted and freed, if bad. */
static bool read_header(tern_stack *s, tern_pbuf *p, tern_udp_repr *u) {
    uint8_t scratch[TERN_WIRE_UDP_HLEN];
    TERN_STAT_INC(s, UDP_RX);
    const uint8_t *h = tern_pbuf_view(p, 0, TERN_WIRE_UDP_HLEN, scratch);
    if (!h) {
        TERN_STAT_INC(s, UDP_DROP_SHORT);
    } else {
        tern_udp_read(h, u);
        if (u->len >= TERN_WIRE_UDP_HLEN && u->len <= p->tot_len) {
            tern_pbuf_trim(s, p, u->len);
            return true;
        }
        TERN_STAT_INC(s, UDP_DROP_LEN);
    }
    tern_pbuf_free(s, p);
    return false;
}

#if TERN_CFG_IPV4
void tern_udp_input(tern_netif *nif, tern_pbuf *p, const tern_ipv4_repr *ip) {
    tern_stack *s = nif->stack;
    tern_udp_repr u;
    if (!read_header(s, p, &u))
        return;
    if (!checksum_ok(nif, p, ip, &u)) {
        TERN_STAT_INC(s, UDP_DROP_CHECKSUM);
        tern_pbuf_free(s, p);
        return;
    }
    bool group = (p->flags & TERN_PBUF_F_IP_GROUP) != 0;
    /* Built before the lookup, which matches on its ports (one copy of them). */
    tern_udp_info info = {.src = tern_addr_ipv4(ip->src),
                          .dst = tern_addr_ipv4(ip->dst),
                          .sport = u.sport,
                          .dport = u.dport,
                          .ifindex = nif->index,
                          .ttl = ip->ttl,
                          .broadcast = group};
    tern_udp_pcb *pcb = lookup(s, ip, &info, group);
    if (!pcb) {
        no_port(s, p, ip);
        return;
    }
    p = tern_pbuf_strip(s, p, TERN_WIRE_UDP_HLEN);
    if (group)
        deliver_copies(s, p, ip, &info, pcb);
    deliver(s, pcb, p, &info);
}
#endif /* TERN_CFG_IPV4 */

#if TERN_CFG_IPV6
static int match6(const tern_udp_pcb *pcb, const tern_ipv6_repr *ip, const tern_udp_repr *u, bool group) {
    if (!(pcb->flags & TERN_UDP_F_USED) || pcb->local_port != u->dport || tern_udp_local_ip4(pcb))
        return 0;
    if ((pcb->v6 & TERN_UDP_V6_LOCAL) && memcmp(pcb->local6, ip->dst, 16) != 0)
        return 0;
    int score = 1 + ((pcb->v6 & TERN_UDP_V6_LOCAL) != 0);
    (void)group;
    if (pcb->flags & TERN_UDP_F_CONNECTED) {
        if (!(pcb->v6 & TERN_UDP_V6_REMOTE) || memcmp(pcb->remote6, ip->src, 16) != 0 ||
            pcb->remote_port != u->sport)
            return 0;
        score += 2;
    }
    return score;
}

void tern_udp_input6(tern_netif *nif, tern_pbuf *p, const tern_ipv6_repr *ip) {
    tern_stack *s = nif->stack;
    tern_udp_repr u;
    if (!read_header(s, p, &u))
        return;
    bool csum_ok = (nif->offload & TERN_OFFLOAD_RX_UDP) || (p->flags & TERN_PBUF_F_CSUM_OK) ||
                   tern_csum_ok(tern_csum_pbuf(p, 0, u.len, tern_csum_pseudo6(ip->src, ip->dst, 17, u.len)));
    if (u.csum == 0 || !csum_ok) { /* zero is never valid over IPv6 */
        TERN_STAT_INC(s, UDP_DROP_CHECKSUM);
        tern_pbuf_free(s, p);
        return;
    }
    bool group = (p->flags & TERN_PBUF_F_IP_GROUP) != 0;
    tern_udp_pcb *best = NULL;
    int best_score = 0;
    for (unsigned i = 0; i < TERN_CFG_UDP_PCBS; i++) {
        int sc = match6(&s->udp.pcbs[i], ip, &u, group);
        if (sc > best_score) {
            best_score = sc;
            best = &s->udp.pcbs[i];
        }
    }
    if (!best) {
        TERN_STAT_INC(s, UDP_DROP_NOPORT);
        if (!group && tern_pbuf_push(p, ip->hlen) == TERN_OK)
            tern_icmp6_send_error(nif, p, TERN_ICMP6_DEST_UNREACH, 4, 0, false);
        tern_pbuf_free(s, p);
        return;
    }
    uint8_t zone = tern_ipv6_is_linklocal(ip->src) ? nif->index : 0;
    tern_udp_info info = {.src = tern_addr_ipv6(ip->src, zone),
                          .dst = tern_addr_ipv6(ip->dst, tern_ipv6_is_linklocal(ip->dst) ? nif->index : 0),
                          .sport = u.sport,
                          .dport = u.dport,
                          .ifindex = nif->index,
                          .ttl = ip->hop_limit,
                          .broadcast = group};
    p = tern_pbuf_strip(s, p, TERN_WIRE_UDP_HLEN);
    if (group) {
        for (unsigned i = 0; i < TERN_CFG_UDP_PCBS; i++) {
            tern_udp_pcb *pcb = &s->udp.pcbs[i];
            if (pcb == best || !match6(pcb, ip, &u, true))
                continue;
            tern_pbuf *copy = tern_pbuf_clone(s, TERN_PBUF_TRANSPORT_HEADROOM, p);
            if (copy)
                deliver(s, pcb, copy, &info);
        }
    }
    deliver(s, best, p, &info);
}

static void icmp_error6(tern_stack *s, const tern_icmp_error *e) {
    for (unsigned i = 0; i < TERN_CFG_UDP_PCBS; i++) {
        tern_udp_pcb *pcb = &s->udp.pcbs[i];
        if (!(pcb->flags & TERN_UDP_F_USED) || pcb->local_port != e->sport || !pcb->err ||
            tern_udp_local_ip4(pcb))
            continue;
        if ((pcb->flags & TERN_UDP_F_CONNECTED) &&
            (!(pcb->v6 & TERN_UDP_V6_REMOTE) || memcmp(pcb->remote6, e->dst6, 16) != 0 ||
             pcb->remote_port != e->dport))
            continue;
        tern_err err = e->type == TERN_ICMP6_DEST_UNREACH && e->code == 4 ? TERN_ERR_REFUSED
                       : e->type == TERN_ICMP6_PACKET_TOO_BIG             ? TERN_ERR_MSGSIZE
                                                                          : TERN_ERR_HOSTUNREACH;
        pcb->err(pcb->ctx, pcb, err, e);
        return;
    }
}
#endif

void tern_udp_icmp_error(tern_stack *s, const tern_icmp_error *e) {
#if TERN_CFG_IPV6
    if (e->family == TERN_AF_INET6) {
        icmp_error6(s, e);
        return;
    }
#endif
#if TERN_CFG_IPV4
    for (tern_udp_pcb *pcb = s->udp.pcbs; pcb < s->udp.pcbs + TERN_CFG_UDP_PCBS; pcb++) {
        if (!(pcb->flags & TERN_UDP_F_USED) || pcb->local_port != e->sport || !pcb->err)
            continue;
#if TERN_CFG_IPV6
        if (pcb->v6)
            continue;
#endif
        if ((pcb->flags & TERN_UDP_F_CONNECTED) && (pcb->remote_ip != e->dst || pcb->remote_port != e->dport))
            continue;
        bool refused = e->type == TERN_ICMP_DEST_UNREACH &&
                       (e->code == TERN_ICMP_UNREACH_PORT || e->code == TERN_ICMP_UNREACH_PROTO);
        pcb->err(pcb->ctx, pcb, refused ? TERN_ERR_REFUSED : TERN_ERR_HOSTUNREACH, e);
        return;
    }
#endif
}

#endif
