/* TCP: the connection table, lookup, initial sequence numbers, and the
 * application API. */
#include <string.h>

#include "tcp/tcp_priv.h"
#include "wire/wire.h"

#if TERN_CFG_TCP

#define EPHEMERAL_FIRST 49152u
#define EPHEMERAL_COUNT 16384u

static const char *const state_names[] = {"CLOSED",      "LISTEN",     "SYN_SENT",   "SYN_RCVD",
                                          "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT",
                                          "CLOSING",     "LAST_ACK",   "TIME_WAIT"};

const char *tern_tcp_state_name(uint8_t state) {
    return state < sizeof state_names / sizeof state_names[0] ? state_names[state] : "?";
}

void tern_tcp_init(tern_stack *s);
/* (tern_stack_init zeroed the stack first: free and used_hi are 0.) */
void tern_tcp_init(tern_stack *s) {
    tern_tcp_state_s *t = &s->tcp;
    for (unsigned i = TERN_CFG_TCP_PCBS; i > 0; i--) {
        t->pcbs[i - 1].next = t->free;
        t->free = &t->pcbs[i - 1];
    }
    for (unsigned i = 0; i < 4; i++)
        t->isn_secret[i] = tern_random(s);
    t->next_port = (uint16_t)(EPHEMERAL_FIRST + tern_random(s) % EPHEMERAL_COUNT);
    tern_tcp_timer_init(s);
}

static bool free_ooseq(tern_tcp_pcb *pcb) {
    bool any = pcb->ooseq != NULL;
    while (pcb->ooseq) {
        tern_pbuf *q = pcb->ooseq;
        pcb->ooseq = q->next_pkt;
        q->next_pkt = NULL;
        tern_pbuf_free(pcb->stack, q);
    }
    pcb->ooseq_n = 0;
    return any;
}

/* Give back every buffer and the timer a connection holds. */
static void release(tern_tcp_pcb *pcb) {
    tern_tcp_sndq_free(pcb);
    (void)free_ooseq(pcb);
    pcb->tmask = 0;
}

/* The packet-buffer pool ran dry: give back every out-of-order segment held
 * (as lwIP does). The peer sends them again (a receiver may renege on
 * SACKed data, RFC 2018 8); without this, a pool full of segments waiting
 * for a hole could never take in the one that fills it. */
bool tern_tcp_reclaim(tern_stack *s) {
    bool freed = false;
    for (uint32_t i = 0; i < s->tcp.used_hi; i++)
        if (s->tcp.pcbs[i].stack && free_ooseq(&s->tcp.pcbs[i]))
            freed = true;
    if (freed)
        TERN_STAT_INC(s, TCP_OOSEQ_RECLAIM);
    return freed;
}

void tern_tcp_deinit(tern_stack *s);
void tern_tcp_deinit(tern_stack *s) {
    for (uint32_t i = 0; i < s->tcp.used_hi; i++)
        if (s->tcp.pcbs[i].stack)
            release(&s->tcp.pcbs[i]);
    tern_timer_cancel(s, &s->tcp.timer);
}

#if TERN_CFG_IPV6
static const uint8_t v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};

bool tern_tcp_ip_is_v4(const tern_tcp_ip *a) {
    return memcmp(a->b, v4_mapped, 12) == 0;
}

uint32_t tern_tcp_ip_v4(const tern_tcp_ip *a) {
    return tern_tcp_ip_is_v4(a) ? tern_rd32(a->b + 12) : 0;
}

bool tern_tcp_ip_is_any(const tern_tcp_ip *a) {
    return tern_ipv6_is_unspecified(a->b) || (tern_tcp_ip_is_v4(a) && !tern_rd32(a->b + 12));
}

void tern_tcp_ip_set_v4(tern_tcp_ip *a, uint32_t v4) {
    memcpy(a->b, v4_mapped, 12);
    tern_wr32(a->b + 12, v4);
}
#endif

tern_addr tern_tcp_ip_addr(const tern_tcp_ip *a, uint8_t zone) {
#if TERN_CFG_IPV6
    if (!tcp_ip_is_v4(a))
        return tern_addr_ipv6(a->b, tern_ipv6_is_linklocal(a->b) ? zone : 0);
#endif
    (void)zone;
    return tern_addr_ipv4(tern_tcp_ip_v4(a));
}

/* The remote address folded to 32 bits, for the lookup hash. */
static uint32_t fold(const tern_tcp_ip *a) {
#if TERN_CFG_IPV6
    return tern_rd32(a->b) ^ tern_rd32(a->b + 4) ^ tern_rd32(a->b + 8) ^ tern_rd32(a->b + 12);
#else
    return *a;
#endif
}

static unsigned bucket_of(const tern_tcp_ip *rip, uint16_t rport, uint16_t lport) {
    uint32_t h = fold(rip) ^ ((uint32_t)rport << 16 | lport);
    h ^= h >> 16;
    h *= 0x45D9F3Bu;
    h ^= h >> 16;
    return h & (TERN_CFG_TCP_HASH - 1u);
}

tern_tcp_pcb *tern_tcp_lookup(tern_stack *s, const tern_tcp_ip *lip, uint16_t lport, const tern_tcp_ip *rip,
                              uint16_t rport) {
    for (tern_tcp_pcb *pcb = s->tcp.buckets[bucket_of(rip, rport, lport)]; pcb; pcb = pcb->next)
        if (pcb->remote_port == rport && pcb->local_port == lport && tcp_ip_eq(&pcb->remote_ip, rip) &&
            tcp_ip_eq(&pcb->local_ip, lip))
            return pcb;
    return NULL;
}

void tern_tcp_hash_insert(tern_tcp_pcb *pcb) {
    tern_tcp_pcb **head =
        &pcb->stack->tcp.buckets[bucket_of(&pcb->remote_ip, pcb->remote_port, pcb->local_port)];
    pcb->next = *head;
    *head = pcb;
}

static void hash_remove(tern_tcp_pcb *pcb) {
    tern_tcp_pcb **pp =
        &pcb->stack->tcp.buckets[bucket_of(&pcb->remote_ip, pcb->remote_port, pcb->local_port)];
    for (; *pp; pp = &(*pp)->next) {
        if (*pp == pcb) {
            *pp = pcb->next;
            return;
        }
    }
}

static bool hashed(const tern_tcp_pcb *pcb) {
    return pcb->state != TERN_TCP_CLOSED;
}

tern_tcp_pcb *tern_tcp_alloc(tern_stack *s) {
    tern_tcp_pcb *pcb = s->tcp.free;
    if (!pcb)
        return NULL;
    s->tcp.free = pcb->next;
    while (&s->tcp.pcbs[s->tcp.used_hi] <= pcb) /* (no division by the block size) */
        s->tcp.used_hi++;
    memset(pcb, 0, sizeof *pcb);
    pcb->stack = s;
    pcb->mss = 536;
    pcb->rto = TERN_CFG_TCP_RTO_INIT_MS;
    pcb->keep_idle_s = (uint16_t)((TERN_CFG_TCP_KEEP_IDLE_MS + 999u) / 1000u);
    pcb->keep_intvl_s = (uint16_t)((TERN_CFG_TCP_KEEP_INTVL_MS + 999u) / 1000u);
    pcb->keep_cnt = TERN_CFG_TCP_KEEP_CNT;
#if TERN_CFG_TCP_BUF_PER_CONN
    pcb->rcv_buf = TERN_CFG_TCP_WND;
    pcb->snd_buf = TERN_CFG_TCP_SND_BUF;
#endif
    return pcb;
}

void tern_tcp_free(tern_tcp_pcb *pcb, tern_err err) {
    tern_stack *s = pcb->stack;
    /* The application still holds pcb unless it closed it: whatever the
     * reason, tell it (with TERN_OK for an orderly end) so it lets go. */
    const tern_tcp_callbacks *cb = (pcb->flags & TERN_TCPF_CLOSED_BY_APP) ? NULL : pcb->cb;
    void *ctx = pcb->ctx;
    bool was_connecting = pcb->state == TERN_TCP_SYN_SENT;
    tern_tcp_listener *l = tern_tcp_listener_of(pcb);
    if (l) {
        cb = NULL; /* nobody accepted it: nobody to tell */
        if (l->pending)
            l->pending--;
    }
    if (hashed(pcb))
        hash_remove(pcb);
    tern_tcp_sndq_free(pcb);
    (void)free_ooseq(pcb);
    memset(pcb, 0, sizeof *pcb); /* (the timers with it) */
    pcb->next = s->tcp.free;
    s->tcp.free = pcb;
    if (!cb)
        return;
    if (was_connecting && err != TERN_OK && cb->connected)
        cb->connected(ctx, NULL, err);
    else if (cb->err)
        cb->err(ctx, s, err);
}

/* RFC 6528: ISN = M + F(4-tuple, secret), M a 4-microsecond clock. F is
 * HalfSipHash-2-4 (SipHash's 32-bit variant, cheap on a 32-bit MCU) over
 * the 4-tuple, keyed with a per-boot secret. */
static uint32_t rotl32(uint32_t x, unsigned b) {
    return (x << b) | (x >> (32u - b));
}

/* The state in registers and the round written once: each message word
 * (the last one: the length) takes two rounds, then the finalization four. */
static uint32_t halfsiphash(const uint32_t key[4], const uint32_t *m, unsigned n) {
    uint32_t v0 = key[0], v1 = key[1], v2 = key[0] ^ 0x6c796765u, v3 = key[1] ^ 0x74656462u;
    for (unsigned i = 0; i <= n + 1u; i++) {
        uint32_t w = 0;
        unsigned rounds = 2;
        if (i < n)
            w = m[i];
        else if (i == n)
            w = (uint32_t)(4u * n) << 24; /* the last word: the length */
        else
            v2 ^= 0xFFu ^ key[2] ^ key[3], rounds = 4; /* the other half of the 128-bit secret */
        v3 ^= w;
        while (rounds--) {
            v0 += v1, v1 = rotl32(v1, 5), v1 ^= v0, v0 = rotl32(v0, 16);
            v2 += v3, v3 = rotl32(v3, 8), v3 ^= v2;
            v0 += v3, v3 = rotl32(v3, 7), v3 ^= v0;
            v2 += v1, v1 = rotl32(v1, 13), v1 ^= v2, v2 = rotl32(v2, 16);
        }
        v0 ^= w;
    }
    return v1 ^ v3;
}

uint32_t tern_tcp_hash(const tern_stack *s, const uint32_t *m, unsigned n) {
    return halfsiphash(s->tcp.isn_secret, m, n);
}

uint32_t tern_tcp_isn(tern_stack *s, const tern_tcp_pcb *pcb) {
    uint32_t m[9];
    unsigned n = tern_tcp_ip_words(&pcb->local_ip, m);
    n += tern_tcp_ip_words(&pcb->remote_ip, m + n);
    m[n++] = (uint32_t)pcb->local_port << 16 | pcb->remote_port;
    return tern_tcp_hash(s, m, n) + s->now * 250u;
}

#if TERN_CFG_IPV6
/* The IPv6 MTU toward dst: the interface's (to advertise), or the path's. */
static uint32_t ipv6_mtu_to(tern_stack *s, const uint8_t dst[16], uint8_t zone, bool path) {
    tern_ipv6_tx tx = {.proto = TERN_IP_PROTO_TCP};
    tern_netif *nif;
    uint8_t nh[16];
    tx.dst = tern_addr_ipv6(dst, zone);
    if (tern_ipv6_route(s, &tx, &nif, nh) != TERN_OK)
        return TERN_IPV6_MIN_MTU;
    return path ? tern_ipv6_path_mtu(s, nif, dst) : tern_ipv6_mtu(nif);
}
#endif

/* The MTU of the interface toward the IPv4 peer v4, 0 if unknown. */
static uint32_t ipv4_mtu_to(tern_stack *s, uint32_t v4) {
#if TERN_CFG_IPV4
    tern_ipv4_hop hop;
    if (tern_ipv4_route_lookup(s, v4, &hop) == TERN_OK)
        return hop.nif->mtu;
#else
    (void)s, (void)v4;
#endif
    return 0;
}

uint16_t tern_tcp_mss_for(tern_stack *s, const tern_tcp_ip *remote_ip, uint8_t zone, uint16_t peer_mss) {
    uint32_t mss = TERN_CFG_TCP_MSS;
#if TERN_CFG_IPV6
    if (!tcp_ip_is_v4(remote_ip)) {
        uint32_t mtu = ipv6_mtu_to(s, remote_ip->b, zone, peer_mss != 0);
        if (mtu - 61u < mss - 1u) /* 60 < mtu < mss + 60: fixed IPv6 header + TCP header (RFC 8200 5) */
            mss = mtu - 60u;
    } else
#endif
    {
        uint32_t mtu = ipv4_mtu_to(s, tern_tcp_ip_v4(remote_ip));
        (void)zone;
        if (mtu - 41u < mss - 1u) /* 40 < mtu < mss + 40, as one compare */
            mss = mtu - 40u;
    }
    if (peer_mss && peer_mss < mss)
        mss = peer_mss;
    return (uint16_t)(mss < 64u ? 64u : mss);
}

#if TERN_CFG_TCP_LISTENERS
/* How well l takes a segment to lip: 0 not, 1 the dual-stack "::", 2 any
 * address of lip's family, 3 exactly lip. */
static unsigned listener_match(const tern_tcp_listener *l, const tern_tcp_ip *lip) {
    if (tcp_ip_eq(&l->local_ip, lip))
        return 3;
    if (!tcp_ip_is_any(&l->local_ip))
        return 0;
#if TERN_CFG_IPV6
    if (tern_ipv6_is_unspecified(l->local_ip.b)) /* "::" */
        return !tcp_ip_is_v4(lip) ? 2u : l->v6only ? 0u : 1u;
    return tcp_ip_is_v4(lip) ? 2u : 0u; /* 0.0.0.0 */
#else
    return 2;
#endif
}
#endif

tern_tcp_listener *tern_tcp_find_listener(tern_stack *s, const tern_tcp_ip *lip, uint16_t lport) {
#if TERN_CFG_TCP_LISTENERS
    tern_tcp_listener *best = NULL;
    unsigned best_m = 0;
    for (unsigned i = 0; i < TERN_CFG_TCP_LISTENERS; i++) {
        tern_tcp_listener *l = &s->tcp.listeners[i];
        if (!l->used || l->local_port != lport)
            continue;
        unsigned m = listener_match(l, lip);
        if (m > best_m)
            best = l, best_m = m;
    }
    return best;
#else
    (void)s, (void)lip, (void)lport;
    return NULL;
#endif
}

/* ---- API ---------------------------------------------------------------- */

/* When every control block is taken, an active open may take the one of a
 * connection in TIME-WAIT that its application has closed (the oldest: the
 * earliest deadline), as lwIP does: otherwise short connect/close cycles run
 * out of blocks for 2 MSL. */
static tern_tcp_pcb *recycle_time_wait(tern_stack *s) {
    tern_tcp_pcb *oldest = NULL;
    for (uint32_t i = 0; i < s->tcp.used_hi; i++) {
        tern_tcp_pcb *pcb = &s->tcp.pcbs[i];
        if (pcb->stack && pcb->state == TERN_TCP_TIME_WAIT && (pcb->flags & TERN_TCPF_CLOSED_BY_APP) &&
            (!oldest || tern_time_before(pcb->keep_due, oldest->keep_due)))
            oldest = pcb;
    }
    if (!oldest)
        return NULL;
    tern_tcp_free(oldest, TERN_OK);
    return tern_tcp_alloc(s);
}

tern_tcp_pcb *tern_tcp_new(tern_stack *s) {
    if (!s)
        return NULL;
    tern_tcp_pcb *pcb = tern_tcp_alloc(s);
    return pcb ? pcb : recycle_time_wait(s);
}

static bool port_used(tern_stack *s, uint16_t port) {
    for (uint32_t i = 0; i < s->tcp.used_hi; i++)
        if (s->tcp.pcbs[i].stack && s->tcp.pcbs[i].local_port == port)
            return true;
#if TERN_CFG_TCP_LISTENERS
    for (unsigned i = 0; i < TERN_CFG_TCP_LISTENERS; i++)
        if (s->tcp.listeners[i].used && s->tcp.listeners[i].local_port == port)
            return true;
#endif
    return false;
}

static uint16_t ephemeral(tern_stack *s) {
    for (unsigned tries = 0; tries < EPHEMERAL_COUNT; tries++) {
        uint16_t port = s->tcp.next_port;
        s->tcp.next_port =
            (uint16_t)(port + 1u < EPHEMERAL_FIRST + EPHEMERAL_COUNT ? port + 1u : EPHEMERAL_FIRST);
        if (!port_used(s, port))
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
#endif

/* addr (NULL: unspecified) as a connection's address. */
static tern_tcp_ip ip_of(const tern_addr *addr) {
#if TERN_CFG_IPV6
    if (addr && addr->family == TERN_AF_INET6)
        return tcp_ip_from_v6(addr->bytes);
    if (!addr || addr->family != TERN_AF_INET) {
        tern_tcp_ip any = {{0}};
        return any;
    }
#endif
    return tcp_ip_from_v4(addr ? tern_addr_get_ipv4(addr) : 0);
}

/* Is ip (from ip_of) unspecified or one of ours? */
static bool is_ours(tern_stack *s, const tern_tcp_ip *ip) {
#if TERN_CFG_IPV6
    if (!tcp_ip_is_v4(ip))
        return tern_ipv6_is_unspecified(ip->b) || ipv6_local_anywhere(s, ip->b);
#endif
#if TERN_CFG_IPV4
    uint32_t v4 = tern_tcp_ip_v4(ip);
    return !v4 || tern_ipv4_is_local(s, v4) || tern_ipv4_is_loopback(v4);
#else
    return false; /* an IPv4 address in an IPv6-only build */
#endif
}

/* Does the build speak addr's family? */
static bool family_ok(const tern_addr *addr) {
    return (TERN_CFG_IPV4 && addr->family == TERN_AF_INET) ||
           (TERN_CFG_IPV6 && addr->family == TERN_AF_INET6);
}

tern_err tern_tcp_bind(tern_tcp_pcb *pcb, const tern_addr *addr, uint16_t port) {
    if (!pcb || pcb->state != TERN_TCP_CLOSED || (addr && !family_ok(addr) && !tern_addr_is_any(addr)))
        return TERN_ERR_INVAL;
    tern_tcp_ip ip = ip_of(addr);
    if (!is_ours(pcb->stack, &ip))
        return TERN_ERR_INVAL;
    if (!port && !(port = ephemeral(pcb->stack)))
        return TERN_ERR_INUSE;
    pcb->local_ip = ip;
    pcb->local_port = port;
    return TERN_OK;
}

void tern_tcp_set_callbacks(tern_tcp_pcb *pcb, const tern_tcp_callbacks *cb, void *ctx) {
    pcb->cb = cb;
    pcb->ctx = ctx;
}

#if TERN_CFG_IPV6
/* The IPv6 peer and our source address toward it (*zone: the interface of a
 * link-local peer). TERN_ERR_NOROUTE without a route or a source address. */
static tern_err ipv6_endpoints(tern_stack *s, const tern_addr *addr, const tern_tcp_ip *bound,
                               tern_tcp_ip *lip, tern_tcp_ip *rip, uint8_t *zone) {
    const uint8_t *dst = addr->bytes;
    if (tern_ipv6_is_unspecified(dst) || tern_ipv6_is_multicast(dst))
        return TERN_ERR_INVAL;
    *rip = tcp_ip_from_v6(dst);
    if (tcp_ip_is_v4(rip) || (!tcp_ip_is_any(bound) && tcp_ip_is_v4(bound)))
        return TERN_ERR_INVAL; /* IPv4-mapped peers are IPv4 ones: connect with an IPv4 address */
    tern_ipv6_tx tx = {.proto = TERN_IP_PROTO_TCP, .dst = *addr};
    tern_netif *nif;
    uint8_t nh[16];
    if (tern_ipv6_route(s, &tx, &nif, nh) != TERN_OK)
        return TERN_ERR_NOROUTE;
    *zone = tern_ipv6_is_linklocal(dst) ? nif->index : 0;
    if (!tcp_ip_is_any(bound)) {
        *lip = *bound;
        return TERN_OK;
    }
    return tern_ipv6_select_source(nif, dst, lip->b) ? TERN_OK : TERN_ERR_NOROUTE;
}
#endif

/* The IPv4 peer and our source address toward it. */
static tern_err ipv4_endpoints(tern_stack *s, const tern_addr *addr, const tern_tcp_ip *bound,
                               tern_tcp_ip *lip, tern_tcp_ip *rip) {
#if !TERN_CFG_IPV4
    (void)s, (void)addr, (void)bound, (void)lip, (void)rip;
    return TERN_ERR_NOTSUP;
#else
    uint32_t r = tern_addr_get_ipv4(addr);
    if (!r || r == TERN_IPV4_BROADCAST || tern_ipv4_is_multicast(r))
        return TERN_ERR_INVAL;
    uint32_t l = tern_tcp_ip_v4(bound);
    if (TERN_CFG_IPV6 && !tcp_ip_is_any(bound) && !tcp_ip_is_v4(bound))
        return TERN_ERR_INVAL; /* bound to an IPv6 address */
    if (!l)
        l = tern_ipv4_source_for(s, r);
    if (!l)
        return TERN_ERR_NOROUTE;
    *lip = tcp_ip_from_v4(l);
    *rip = tcp_ip_from_v4(r);
    return TERN_OK;
#endif
}

tern_err tern_tcp_connect(tern_tcp_pcb *pcb, const tern_addr *addr, uint16_t port) {
    if (!pcb || pcb->state != TERN_TCP_CLOSED || !addr || !port || !family_ok(addr))
        return TERN_ERR_INVAL;
    tern_stack *s = pcb->stack;
    tern_tcp_ip lip, rip;
    uint8_t zone = 0;
    tern_err err;
#if TERN_CFG_IPV6
    if (addr->family == TERN_AF_INET6)
        err = ipv6_endpoints(s, addr, &pcb->local_ip, &lip, &rip, &zone);
    else
#endif
        err = ipv4_endpoints(s, addr, &pcb->local_ip, &lip, &rip);
    if (err != TERN_OK)
        return err;
    if (!pcb->local_port && !(pcb->local_port = ephemeral(s)))
        return TERN_ERR_INUSE;
    if (tern_tcp_lookup(s, &lip, pcb->local_port, &rip, port))
        return TERN_ERR_INUSE;
    pcb->local_ip = lip;
    pcb->remote_ip = rip;
    pcb->remote_port = port;
#if TERN_CFG_IPV6
    pcb->zone = zone;
#endif
    pcb->snd_una = pcb->snd_nxt = pcb->snd_max = pcb->recover = tern_tcp_isn(s, pcb);
    pcb->mss = tern_tcp_mss_for(s, &rip, zone, 0);
    pcb->state = TERN_TCP_SYN_SENT;
    tern_tcp_cc_init(pcb);
    tern_tcp_hash_insert(pcb);
    return tern_tcp_send_syn(pcb);
}

tern_tcp_listener *tern_tcp_listen(tern_stack *s, const tern_addr *addr, uint16_t port, uint8_t backlog,
                                   tern_tcp_accept_fn accept, void *ctx) {
#if TERN_CFG_TCP_LISTENERS
    tern_tcp_ip ip = ip_of(addr);
    if (!s || !port || !accept)
        return NULL;
    tern_tcp_listener *l = NULL;
    for (unsigned i = 0; i < TERN_CFG_TCP_LISTENERS; i++) {
        tern_tcp_listener *q = &s->tcp.listeners[i];
        if (!q->used)
            l = l ? l : q; /* the first free one */
        else if (q->local_port == port && listener_match(q, &ip) >= 2u)
            return NULL; /* that address and port are taken */
    }
    if (l) {
        memset(l, 0, sizeof *l);
        l->stack = s;
        l->used = 1;
        l->local_ip = ip;
        l->local_port = port;
        l->backlog = backlog ? backlog : 1;
        l->accept = accept;
        l->ctx = ctx;
    }
    return l;
#else
    (void)s, (void)addr, (void)port, (void)backlog, (void)accept, (void)ctx;
#endif
    return NULL;
}

#if TERN_CFG_IPV6
void tern_tcp_listener_set_v6only(tern_tcp_listener *l, bool on) {
    if (l && l->used)
        l->v6only = on;
}
#endif

void tern_tcp_listener_close(tern_tcp_listener *l) {
    if (!l || !l->used)
        return;
    tern_stack *s = l->stack;
    /* Connections still in the handshake die with their listener. */
    for (uint32_t i = 0; i < s->tcp.used_hi; i++) {
        tern_tcp_pcb *pcb = &s->tcp.pcbs[i];
        if (pcb->stack && tern_tcp_listener_of(pcb) == l) {
            tern_tcp_send_rst(pcb);
            tern_tcp_free(pcb, TERN_OK);
        }
    }
    memset(l, 0, sizeof *l);
}

void tern_tcp_set_nodelay(tern_tcp_pcb *pcb, bool on) {
    pcb->flags =
        on ? (uint16_t)(pcb->flags | TERN_TCPF_NODELAY) : (uint16_t)(pcb->flags & ~TERN_TCPF_NODELAY);
}

/* ms to whole seconds, rounded up, at most 65535. */
static uint16_t secs(uint32_t ms) {
    uint32_t s = ms / 1000u + (ms % 1000u ? 1u : 0u);
    return (uint16_t)(s > 0xFFFFu ? 0xFFFFu : s);
}

void tern_tcp_set_keepalive(tern_tcp_pcb *pcb, bool on, uint32_t idle_ms, uint32_t intvl_ms, uint8_t cnt) {
    if (idle_ms)
        pcb->keep_idle_s = secs(idle_ms);
    if (intvl_ms)
        pcb->keep_intvl_s = secs(intvl_ms);
    if (cnt)
        pcb->keep_cnt = cnt;
    pcb->flags =
        on ? (uint16_t)(pcb->flags | TERN_TCPF_KEEPALIVE) : (uint16_t)(pcb->flags & ~TERN_TCPF_KEEPALIVE);
    tern_tcp_heard(pcb);
}

uint32_t tern_tcp_get_unacked(const tern_tcp_pcb *pcb) {
    return tern_tcp_flight(pcb);
}

uint32_t tern_tcp_sndbuf(const tern_tcp_pcb *pcb) {
    uint32_t size = tern_tcp_snd_buf(pcb);
    return pcb->sndq_len >= size ? 0 : size - pcb->sndq_len;
}

/* May len more bytes be queued now? */
static tern_err write_check(const tern_tcp_pcb *pcb, uint32_t len) {
    if (!(pcb->state == TERN_TCP_ESTABLISHED || pcb->state == TERN_TCP_CLOSE_WAIT ||
          pcb->state == TERN_TCP_SYN_SENT || pcb->state == TERN_TCP_SYN_RCVD) ||
        (pcb->flags & TERN_TCPF_FIN_QUEUED))
        return TERN_ERR_NOTCONN;
    return len > tern_tcp_sndbuf(pcb) ? TERN_ERR_WOULDBLOCK : TERN_OK;
}

static void sndq_append(tern_tcp_pcb *pcb, tern_pbuf *p) {
    tern_pbuf *tail = pcb->sndq_tail;
    p->next_pkt = tail ? tail->next_pkt : p; /* the ring closes on the first */
    if (tail)
        tail->next_pkt = p;
    pcb->sndq_tail = p;
    pcb->sndq_len = (tern_tcp_wnd)(pcb->sndq_len + p->tot_len); /* bounded by the send buffer */
}

static void free_list(tern_stack *s, tern_pbuf *q) {
    while (q) {
        tern_pbuf *next = q->next_pkt;
        q->next_pkt = NULL;
        tern_pbuf_free(s, q);
        q = next;
    }
}

/* Room left after the data of a private pool segment. */
static uint32_t tail_room(const tern_pbuf *q) {
    if (!q || q->kind != TERN_PBUF_POOL || q->ref != 1)
        return 0;
    return (uint32_t)TERN_CFG_PBUF_SIZE - q->headroom - q->len;
}

tern_err tern_tcp_write(tern_tcp_pcb *pcb, const void *data, uint32_t len) {
    if (!pcb || (!data && len))
        return TERN_ERR_INVAL;
    tern_err err = write_check(pcb, len);
    if (err != TERN_OK)
        return err;
    const uint8_t *src = data;
    tern_pbuf *tail = pcb->sndq_tail;
    uint32_t room = tail_room(tail);
    uint32_t first = len < room ? len : room;
    /* The send buffer may not take the pool's last buffers: receiving (the
     * ACK that empties it) and the segments on their way out need them.
     * (The rest needs more buffers than the pool can spare beyond its
     * reserve exactly when it is longer than they hold: no division.) */
    uint32_t rest = len - first, spare = tern_tcp_pool_free(pcb->stack);
    if (rest && (spare < TCP_POOL_RESERVE || rest > (spare - TCP_POOL_RESERVE) * TERN_CFG_PBUF_SIZE)) {
        TERN_STAT_INC(pcb->stack, TCP_DROP_NOMEM);
        return TERN_ERR_NOMEM;
    }
    /* Allocate the rest first, so a failure leaves the buffer unchanged. */
    tern_pbuf *more = NULL, **last = &more;
    for (uint32_t need = len - first; need;) {
        uint16_t n = need < TERN_CFG_PBUF_SIZE ? (uint16_t)need : (uint16_t)TERN_CFG_PBUF_SIZE;
        tern_pbuf *q = tern_pbuf_alloc(pcb->stack, 0, n);
        if (!q) {
            free_list(pcb->stack, more);
            TERN_STAT_INC(pcb->stack, TCP_DROP_NOMEM);
            return TERN_ERR_NOMEM;
        }
        *last = q;
        last = &q->next_pkt;
        need -= n;
    }
    if (first) {
        memcpy(tail->payload + tail->len, src, first);
        tail->len = (uint16_t)(tail->len + first);
        tail->tot_len = tail->len;
        pcb->sndq_len = (tern_tcp_wnd)(pcb->sndq_len + first);
    }
    uint32_t off = first;
    while (more) {
        tern_pbuf *seg = more;
        more = seg->next_pkt;
        memcpy(seg->payload, src + off, seg->len);
        off += seg->len;
        sndq_append(pcb, seg);
    }
    return TERN_OK;
}

tern_err tern_tcp_write_ref(tern_tcp_pcb *pcb, const void *data, uint16_t len, tern_pbuf_free_fn done,
                            void *ctx) {
    if (!pcb || !data || !len)
        return TERN_ERR_INVAL;
    tern_err err = write_check(pcb, len);
    if (err != TERN_OK)
        return err;
    tern_pbuf *p = tern_pbuf_alloc_ext(pcb->stack, (void *)(uintptr_t)data, 0, len, done, ctx);
    if (!p)
        return TERN_ERR_NOMEM; /* done() already ran: the memory is the caller's again */
    sndq_append(pcb, p);
    return TERN_OK;
}

tern_err tern_tcp_set_ip_opts(tern_tcp_pcb *pcb, uint8_t ttl, uint8_t tos) {
    if (!pcb || !pcb->stack)
        return TERN_ERR_INVAL;
#if TERN_CFG_TCP_IP_OPTS
    pcb->ip_ttl = ttl;
    pcb->ip_tos = tos;
    return TERN_OK;
#else
    (void)ttl, (void)tos;
    return TERN_ERR_NOTSUP;
#endif
}

uint32_t tern_tcp_queued(const tern_tcp_pcb *pcb) {
    return pcb ? pcb->sndq_len : 0;
}

tern_err tern_tcp_set_bufsize(tern_tcp_pcb *pcb, uint32_t rcvbuf, uint32_t sndbuf) {
    if (!pcb || !pcb->stack || (rcvbuf && (rcvbuf < TERN_CFG_TCP_MSS || rcvbuf > TERN_CFG_TCP_BUF_MAX)) ||
        (sndbuf && (sndbuf < TERN_CFG_TCP_MSS || sndbuf > TERN_CFG_TCP_BUF_MAX)))
        return TERN_ERR_INVAL;
#if TERN_CFG_TCP_BUF_PER_CONN
    /* No more than half of what the packet-buffer pool can hold (as Linux
     * clamps to its memory limits): a window the pool cannot back only
     * invites data that would be dropped. A received segment takes a buffer
     * of its own, sent data is packed. */
    uint32_t rcv_max = (uint32_t)TERN_CFG_PBUF_COUNT / 2u * TERN_CFG_TCP_MSS;
    uint32_t snd_max = (uint32_t)TERN_CFG_PBUF_COUNT / 2u * TERN_CFG_PBUF_SIZE;
    if (rcvbuf)
        pcb->rcv_buf = rcvbuf < rcv_max ? rcvbuf : rcv_max; /* the advertised edge never moves back */
    if (sndbuf)
        pcb->snd_buf = sndbuf < snd_max ? sndbuf : snd_max;
    return TERN_OK;
#else
    return TERN_ERR_NOTSUP;
#endif
}

void tern_tcp_recved(tern_tcp_pcb *pcb, uint32_t len) {
    if (!pcb || !pcb->stack)
        return;
    pcb->rcv_pending = len > pcb->rcv_pending ? 0 : (tern_tcp_wnd)(pcb->rcv_pending - len);
    /* Tell the peer at once only when the window it knows of has shrunk to
     * half or less and this opens it usefully (RFC 9293 3.8.6.2.2; as Linux
     * does). Otherwise the next ACK carries the window: an application that
     * consumes inside recv must not turn every delayed ACK into an immediate one. */
    uint32_t adv = SEQ_GT(pcb->rcv_adv, pcb->rcv_nxt) ? pcb->rcv_adv - pcb->rcv_nxt : 0;
    uint32_t now = tern_tcp_rcv_wnd(pcb);
    uint32_t size = tern_tcp_rcv_buf(pcb);
    uint32_t step = size / 2u < pcb->mss ? size / 2u : pcb->mss;
    if (2u * adv <= size && now >= 2u * adv && now - adv >= step) {
        pcb->flags |= TERN_TCPF_ACK_NOW;
        (void)tern_tcp_output(pcb);
    }
}

tern_err tern_tcp_shutdown(tern_tcp_pcb *pcb, bool rx, bool tx) {
    if (!pcb || !pcb->stack)
        return TERN_ERR_INVAL;
    if (rx)
        pcb->flags |= TERN_TCPF_RX_CLOSED;
    if (!tx)
        return TERN_OK;
    if (pcb->state == TERN_TCP_SYN_SENT) {
        tern_tcp_free(pcb, TERN_OK);
        return TERN_OK;
    }
    /* Our FIN is queued: in SYN-RECEIVED it goes once established. */
    if (pcb->state == TERN_TCP_ESTABLISHED)
        pcb->state = TERN_TCP_FIN_WAIT_1;
    else if (pcb->state == TERN_TCP_CLOSE_WAIT)
        pcb->state = TERN_TCP_LAST_ACK;
    else if (pcb->state != TERN_TCP_SYN_RCVD)
        return TERN_ERR_NOTCONN;
    pcb->flags |= TERN_TCPF_FIN_QUEUED;
    return tern_tcp_output(pcb);
}

tern_err tern_tcp_close(tern_tcp_pcb *pcb) {
    if (!pcb || !pcb->stack)
        return TERN_ERR_INVAL;
    pcb->flags |= TERN_TCPF_CLOSED_BY_APP | TERN_TCPF_RX_CLOSED;
    pcb->cb = NULL;
    if (pcb->state == TERN_TCP_CLOSED) {
        tern_tcp_free(pcb, TERN_OK);
        return TERN_OK;
    }
    if (pcb->state == TERN_TCP_FIN_WAIT_1 || pcb->state == TERN_TCP_FIN_WAIT_2 ||
        pcb->state == TERN_TCP_CLOSING || pcb->state == TERN_TCP_LAST_ACK || pcb->state == TERN_TCP_TIME_WAIT)
        return TERN_OK;
    /* Unread data at close means the application lost it: reset (RFC 2525 2.17). */
    if (pcb->rcv_pending) {
        tern_tcp_abort(pcb);
        return TERN_OK;
    }
    return tern_tcp_shutdown(pcb, true, true);
}

void tern_tcp_abort(tern_tcp_pcb *pcb) {
    if (!pcb || !pcb->stack || (pcb->flags & TERN_TCPF_DEAD))
        return;
    if (pcb->state != TERN_TCP_CLOSED && pcb->state != TERN_TCP_SYN_SENT && pcb->state != TERN_TCP_TIME_WAIT)
        tern_tcp_send_rst(pcb);
    pcb->flags |= TERN_TCPF_CLOSED_BY_APP; /* the caller knows: no err callback */
    pcb->cb = NULL;
    if (pcb->stack->tcp.active == pcb) {
        pcb->flags |= TERN_TCPF_DEAD; /* input is using it: freed when input returns */
        return;
    }
    tern_tcp_free(pcb, TERN_ERR_ABORTED);
}

void tern_tcp_get_info(const tern_tcp_pcb *pcb, tern_tcp_info *info) {
    memset(info, 0, sizeof *info);
    info->state = pcb->state;
    info->local = tern_tcp_ip_addr(&pcb->local_ip, TCP_ZONE(pcb));
    info->remote = tern_tcp_ip_addr(&pcb->remote_ip, TCP_ZONE(pcb));
    info->local_port = pcb->local_port;
    info->remote_port = pcb->remote_port;
    info->cwnd = pcb->cwnd;
    info->ssthresh = pcb->ssthresh;
    info->snd_wnd = pcb->snd_wnd;
    info->rcv_wnd = tern_tcp_rcv_wnd(pcb);
    info->srtt_ms = (uint32_t)pcb->srtt >> 3;
    info->rto_ms = pcb->rto;
    info->sndq = pcb->sndq_len;
    info->unacked = tern_tcp_flight(pcb);
    info->ooseq = pcb->ooseq_n;
    info->rcvq = pcb->rcv_pending;
    info->wscale_ok = (pcb->flags & TERN_TCPF_WSCALE) != 0;
    info->ts_ok = (pcb->flags & TERN_TCPF_TS) != 0;
    info->sack_ok = (pcb->flags & TERN_TCPF_SACK) != 0;
}

void tern_tcp_foreach(tern_stack *s, void (*fn)(void *ctx, const tern_tcp_pcb *pcb), void *ctx) {
    for (uint32_t i = 0; i < s->tcp.used_hi; i++)
        if (s->tcp.pcbs[i].stack && s->tcp.pcbs[i].state != TERN_TCP_CLOSED)
            fn(ctx, &s->tcp.pcbs[i]);
}

#endif
