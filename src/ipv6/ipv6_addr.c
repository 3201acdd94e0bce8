/*
 * IPv6 addresses of an interface (RFC 4291, RFC 4862): link-local from the
 * EUI-64, Duplicate Address Detection, router solicitation, Router
 * Advertisement processing (default routers, on-link prefixes, SLAAC with
 * the two-hour rule, MTU, RDNSS/DNSSL), lifetimes counted down
 * (preferred -> deprecated -> removed), and source address selection
 * (RFC 6724).
 */
#include "ipv6/ipv6_priv.h"

#if TERN_CFG_IPV6

#include <string.h>

/* Longest lifetime kept as a deadline (the ms clock wraps after 49 days);
 * a router re-advertises long before this runs out. */
#define MAX_LIFETIME_S 2000000u
#define TWO_HOURS_S 7200u

static bool usable(const tern_ipv6_ifaddr *a) {
    return a->state == TERN_IPV6_ADDR_PREFERRED || a->state == TERN_IPV6_ADDR_DEPRECATED;
}

tern_ipv6_ifaddr *tern_ipv6_find_addr(tern_netif *nif, const uint8_t addr[16]) {
    for (unsigned i = 0; i < TERN_CFG_IPV6_ADDRS; i++) {
        tern_ipv6_ifaddr *a = &nif->ip6.addrs[i];
        if (a->state != TERN_IPV6_ADDR_NONE && memcmp(a->addr, addr, 16) == 0)
            return a;
    }
    return NULL;
}

bool tern_ipv6_is_local(const tern_netif *nif, const uint8_t addr[16]) {
    for (unsigned i = 0; i < TERN_CFG_IPV6_ADDRS; i++) {
        const tern_ipv6_ifaddr *a = &nif->ip6.addrs[i];
        if (usable(a) && memcmp(a->addr, addr, 16) == 0)
            return true;
    }
    return false;
}

bool tern_ipv6_is_member(const tern_netif *nif, const uint8_t group[16]) {
    if (memcmp(group, tern_ipv6_all_nodes, 16) == 0)
        return true;
#if TERN_CFG_IPV6_MLD
    for (unsigned i = 0; i < TERN_CFG_IPV6_MLD_GROUPS; i++) {
        const tern_ipv6_group *g = &nif->stack->ipv6.groups[i];
        if (g->ifindex == nif->index && memcmp(g->group, group, 16) == 0)
            return true;
    }
#endif
    for (unsigned i = 0; i < TERN_CFG_IPV6_ADDRS; i++) {
        const tern_ipv6_ifaddr *a = &nif->ip6.addrs[i];
        uint8_t sn[16];
        if (a->state == TERN_IPV6_ADDR_NONE || a->state == TERN_IPV6_ADDR_DUPLICATE)
            continue;
        tern_ipv6_solicited_node(a->addr, sn);
        if (memcmp(sn, group, 16) == 0)
            return true;
    }
    return false;
}

/* RFC 6724 5: is candidate a better source than best for dst? */
static bool better(const tern_ipv6_ifaddr *a, const tern_ipv6_ifaddr *b, const uint8_t dst[16]) {
    if (memcmp(a->addr, dst, 16) == 0) /* rule 1: same address */
        return true;
    if (memcmp(b->addr, dst, 16) == 0)
        return false;
    uint8_t sa = tern_ipv6_scope(a->addr), sb = tern_ipv6_scope(b->addr), sd = tern_ipv6_scope(dst);
    if (sa != sb) /* rule 2: appropriate scope */
        return sa < sb ? sa >= sd : sb < sd;
    if (a->state != b->state) /* rule 3: avoid deprecated */
        return a->state == TERN_IPV6_ADDR_PREFERRED;
    /* rule 8: longest matching prefix */
    return tern_ipv6_common_prefix(a->addr, dst) > tern_ipv6_common_prefix(b->addr, dst);
}

bool tern_ipv6_select_source(const tern_netif *nif, const uint8_t dst[16], uint8_t out[16]) {
    const tern_ipv6_ifaddr *best = NULL;
    for (unsigned i = 0; i < TERN_CFG_IPV6_ADDRS; i++) {
        const tern_ipv6_ifaddr *a = &nif->ip6.addrs[i];
        if (usable(a) && (!best || better(a, best, dst)))
            best = a;
    }
    if (!best)
        return false;
    memcpy(out, best->addr, 16);
    return true;
}

static void mcast_filter(tern_netif *nif, const uint8_t group[16], bool add) {
    uint8_t mac[6];
    if (!nif->ops || !nif->ops->mcast_filter)
        return;
    tern_ipv6_mcast_mac(group, mac);
    nif->ops->mcast_filter(nif, mac, add);
}

/* Join or leave addr's solicited-node group (filter, MLD report) unless
 * another address of nif shares it. */
static void solicited_filter(tern_netif *nif, const uint8_t addr[16], bool add) {
    uint8_t sn[16];
    tern_ipv6_solicited_node(addr, sn);
    for (unsigned i = 0; i < TERN_CFG_IPV6_ADDRS; i++) {
        const tern_ipv6_ifaddr *a = &nif->ip6.addrs[i];
        if (a->state != TERN_IPV6_ADDR_NONE && a->state != TERN_IPV6_ADDR_DUPLICATE &&
            memcmp(a->addr, addr, 16) != 0 && memcmp(a->addr + 13, addr + 13, 3) == 0)
            return;
    }
    mcast_filter(nif, sn, add);
#if TERN_CFG_IPV6_MLD
    tern_mld_report_change(nif, sn, add);
#endif
}

static void set_lifetimes(tern_stack *s, tern_ipv6_ifaddr *a, uint32_t valid, uint32_t preferred) {
    a->valid_inf = valid == TERN_IPV6_INFINITE;
    a->preferred_inf = preferred == TERN_IPV6_INFINITE;
    a->valid_until = s->now + (valid > MAX_LIFETIME_S ? MAX_LIFETIME_S : valid) * 1000u;
    a->preferred_until = s->now + (preferred > MAX_LIFETIME_S ? MAX_LIFETIME_S : preferred) * 1000u;
}

static tern_ipv6_ifaddr *add(tern_netif *nif, const uint8_t addr[16], uint8_t plen, bool autoconf,
                             uint32_t valid, uint32_t preferred) {
    tern_stack *s = nif->stack;
    tern_ipv6_ifaddr *a = tern_ipv6_find_addr(nif, addr), *dup = NULL;
    if (a)
        return a;
    for (unsigned i = 0; i < TERN_CFG_IPV6_ADDRS && !a; i++) {
        if (nif->ip6.addrs[i].state == TERN_IPV6_ADDR_NONE)
            a = &nif->ip6.addrs[i];
        else if (nif->ip6.addrs[i].state == TERN_IPV6_ADDR_DUPLICATE && !dup)
            dup = &nif->ip6.addrs[i];
    }
    if (!a && !(a = dup))
        return NULL;
    memset(a, 0, sizeof *a);
    memcpy(a->addr, addr, 16);
    a->prefix_len = plen;
    a->autoconf = autoconf;
    set_lifetimes(s, a, valid, preferred);
    if (TERN_CFG_IPV6_DAD_TRANSMITS) {
        a->state = TERN_IPV6_ADDR_TENTATIVE;
        a->dad_left = TERN_CFG_IPV6_DAD_TRANSMITS;
        a->due = s->now + tern_random(s) % 1000u; /* RFC 4862 5.4.2: random delay before the first NS */
    } else {
        a->state = TERN_IPV6_ADDR_PREFERRED;
    }
    solicited_filter(nif, addr, true);
    tern_ipv6_rearm(s);
    return a;
}

tern_err tern_ipv6_enable(tern_netif *nif, bool slaac) {
    if (!nif || !nif->stack || nif->link_type != TERN_LINK_ETHERNET)
        return TERN_ERR_INVAL;
    nif->ip6.enabled = 1;
    nif->ip6.slaac = slaac;
    if (!nif->ip6.hop_limit)
        nif->ip6.hop_limit = TERN_CFG_IPV6_HOP_LIMIT;
    mcast_filter(nif, tern_ipv6_all_nodes, true);
    /* Link-local address from the modified EUI-64 (RFC 4291 2.5.1, RFC 2464 4). */
    uint8_t ll[16] = {0xFE, 0x80};
    ll[8] = (uint8_t)(nif->hwaddr[0] ^ 0x02u);
    ll[9] = nif->hwaddr[1];
    ll[10] = nif->hwaddr[2];
    ll[11] = 0xFF;
    ll[12] = 0xFE;
    ll[13] = nif->hwaddr[3];
    ll[14] = nif->hwaddr[4];
    ll[15] = nif->hwaddr[5];
    if (!add(nif, ll, 64, false, TERN_IPV6_INFINITE, TERN_IPV6_INFINITE))
        return TERN_ERR_NOMEM;
    return TERN_OK;
}

tern_err tern_ipv6_add_addr(tern_netif *nif, const tern_addr *addr, uint8_t prefix_len) {
    if (!nif || !nif->stack || !addr || addr->family != TERN_AF_INET6 || prefix_len > 128 ||
        tern_ipv6_is_multicast(addr->bytes) || tern_ipv6_is_unspecified(addr->bytes))
        return TERN_ERR_INVAL;
    if (!nif->ip6.enabled) {
        tern_err e = tern_ipv6_enable(nif, false);
        if (e != TERN_OK)
            return e;
    }
    return add(nif, addr->bytes, prefix_len, false, TERN_IPV6_INFINITE, TERN_IPV6_INFINITE) ? TERN_OK
                                                                                            : TERN_ERR_NOMEM;
}

static void remove_addr(tern_netif *nif, tern_ipv6_ifaddr *a) {
    solicited_filter(nif, a->addr, false);
    memset(a, 0, sizeof *a);
}

tern_err tern_ipv6_remove_addr(tern_netif *nif, const tern_addr *addr) {
    if (!nif || !addr || addr->family != TERN_AF_INET6)
        return TERN_ERR_INVAL;
    tern_ipv6_ifaddr *a = tern_ipv6_find_addr(nif, addr->bytes);
    if (!a)
        return TERN_ERR_INVAL;
    remove_addr(nif, a);
    return TERN_OK;
}

#if TERN_CFG_IPV6_STABLE_IID
#define IDGEN_RETRIES 3u /* RFC 7217 6 */
static void stable_iid(const tern_netif *nif, const uint8_t prefix[8], uint8_t counter, uint8_t out[8]);
#endif

void tern_ipv6_dad_failed(tern_netif *nif, tern_ipv6_ifaddr *a) {
    TERN_STAT_INC(nif->stack, ND_DAD_FAIL);
    solicited_filter(nif, a->addr, false);
    a->state = TERN_IPV6_ADDR_DUPLICATE; /* kept (and shown) until its slot is needed */
#if TERN_CFG_IPV6_STABLE_IID
    if (a->autoconf && nif->stack->ipv6.stable &&
        a->idgen < IDGEN_RETRIES) { /* RFC 7217 6: next DAD_Counter */
        uint8_t addr[16];
        uint8_t counter = (uint8_t)(a->idgen + 1u);
        memcpy(addr, a->addr, 8);
        stable_iid(nif, a->addr, counter, addr + 8);
        uint32_t valid = a->valid_inf ? TERN_IPV6_INFINITE : (a->valid_until - nif->stack->now) / 1000u;
        uint32_t pref =
            a->preferred_inf ? TERN_IPV6_INFINITE : (a->preferred_until - nif->stack->now) / 1000u;
        tern_ipv6_ifaddr *n = add(nif, addr, 64, true, valid, pref);
        if (n)
            n->idgen = counter;
    }
#endif
    if (nif->status_cb)
        nif->status_cb(nif, nif->cb_ctx);
}

static void send_rs(tern_netif *nif) {
    tern_stack *s = nif->stack;
    uint8_t src[16];
    bool have_src = tern_ipv6_select_source(nif, tern_ipv6_all_routers, src);
    uint16_t len = (uint16_t)(TERN_WIRE_RS_LEN + (have_src ? 8 : 0));
    tern_pbuf *p = tern_pbuf_alloc(s, TERN_PBUF_TRANSPORT_HEADROOM, len);
    if (!p)
        return;
    memset(p->payload, 0, len);
    p->payload[0] = TERN_ICMP6_RS;
    if (have_src) /* no SLLA from :: (RFC 4861 4.1) */
        tern_nd_opt_lla_emit(p->payload + TERN_WIRE_RS_LEN, TERN_ND_OPT_SLLA, nif->hwaddr);
    tern_ipv6_tx tx = {.hop_limit = 255, .ifindex = nif->index, .src_unspecified = !have_src};
    tx.dst = tern_addr_ipv6(tern_ipv6_all_routers, nif->index);
    if (have_src)
        memcpy(tx.src, src, 16);
    TERN_STAT_INC(s, ND_TX);
    (void)tern_icmp6_send(s, p, &tx);
}

static void dad_step(tern_netif *nif, tern_ipv6_ifaddr *a) {
    tern_stack *s = nif->stack;
    if (a->dad_left) {
        a->dad_left--;
        a->due = s->now + TERN_ND_RETRANS_MS;
        (void)tern_nd_send_ns(nif, a->addr, true, false);
        return;
    }
    a->state = TERN_IPV6_ADDR_PREFERRED;
    TERN_STAT_INC(s, ND_DAD_OK);
    if (tern_ipv6_is_linklocal(a->addr) && nif->ip6.slaac) { /* now solicit routers (RFC 4861 6.3.7) */
        nif->ip6.rs_left = TERN_ND_RS_COUNT;
        nif->ip6.rs_due = s->now + tern_random(s) % 1000u;
    }
    if (nif->status_cb)
        nif->status_cb(nif, nif->cb_ctx);
}

static void addr_lifetimes(tern_netif *nif, tern_ipv6_ifaddr *a) {
    tern_stack *s = nif->stack;
    if (!usable(a))
        return;
    if (!a->valid_inf && !tern_time_before(s->now, a->valid_until)) {
        remove_addr(nif, a);
        if (nif->status_cb)
            nif->status_cb(nif, nif->cb_ctx);
        return;
    }
    if (a->state == TERN_IPV6_ADDR_PREFERRED && !a->preferred_inf &&
        !tern_time_before(s->now, a->preferred_until))
        a->state = TERN_IPV6_ADDR_DEPRECATED;
}

static void lists_expire(tern_stack *s) {
    for (unsigned i = 0; i < TERN_CFG_IPV6_ROUTERS; i++)
        if (s->ipv6.routers[i].ifindex && !tern_time_before(s->now, s->ipv6.routers[i].until))
            memset(&s->ipv6.routers[i], 0, sizeof s->ipv6.routers[i]);
    for (unsigned i = 0; i < TERN_CFG_IPV6_PREFIXES; i++) {
        tern_ipv6_prefix *p = &s->ipv6.prefixes[i];
        if (p->len && !p->inf && !tern_time_before(s->now, p->until))
            memset(p, 0, sizeof *p);
    }
    for (unsigned i = 0; i < TERN_CFG_IPV6_RDNSS; i++)
        if (s->ipv6.dns[i].ifindex && !tern_time_before(s->now, s->ipv6.dns[i].until))
            memset(&s->ipv6.dns[i], 0, sizeof s->ipv6.dns[i]);
}

void tern_ipv6_addr_timer(tern_stack *s) {
    for (tern_netif *nif = s->netifs; nif; nif = nif->next) {
        if (!nif->ip6.enabled)
            continue;
        for (unsigned i = 0; i < TERN_CFG_IPV6_ADDRS; i++) {
            tern_ipv6_ifaddr *a = &nif->ip6.addrs[i];
            if (a->state == TERN_IPV6_ADDR_TENTATIVE && !tern_time_before(s->now, a->due))
                dad_step(nif, a);
            else
                addr_lifetimes(nif, a);
        }
        if (nif->ip6.rs_left && !tern_time_before(s->now, nif->ip6.rs_due)) {
            nif->ip6.rs_left--;
            nif->ip6.rs_due = s->now + TERN_ND_RS_INTERVAL_MS;
            send_rs(nif);
        }
    }
    lists_expire(s);
}

void tern_ipv6_addr_next_due(tern_stack *s, bool *any, uint32_t *next) {
    for (tern_netif *nif = s->netifs; nif; nif = nif->next) {
        if (!nif->ip6.enabled)
            continue;
        for (unsigned i = 0; i < TERN_CFG_IPV6_ADDRS; i++) {
            const tern_ipv6_ifaddr *a = &nif->ip6.addrs[i];
            if (a->state == TERN_IPV6_ADDR_TENTATIVE)
                tern_ipv6_due_min(any, next, a->due);
            if (!usable(a))
                continue;
            if (!a->valid_inf)
                tern_ipv6_due_min(any, next, a->valid_until);
            if (a->state == TERN_IPV6_ADDR_PREFERRED && !a->preferred_inf)
                tern_ipv6_due_min(any, next, a->preferred_until);
        }
        if (nif->ip6.rs_left)
            tern_ipv6_due_min(any, next, nif->ip6.rs_due);
    }
    for (unsigned i = 0; i < TERN_CFG_IPV6_ROUTERS; i++)
        if (s->ipv6.routers[i].ifindex)
            tern_ipv6_due_min(any, next, s->ipv6.routers[i].until);
    for (unsigned i = 0; i < TERN_CFG_IPV6_PREFIXES; i++)
        if (s->ipv6.prefixes[i].len && !s->ipv6.prefixes[i].inf)
            tern_ipv6_due_min(any, next, s->ipv6.prefixes[i].until);
    for (unsigned i = 0; i < TERN_CFG_IPV6_RDNSS; i++)
        if (s->ipv6.dns[i].ifindex)
            tern_ipv6_due_min(any, next, s->ipv6.dns[i].until);
}

static uint32_t deadline(tern_stack *s, uint32_t sec) {
    return s->now + (sec > MAX_LIFETIME_S ? MAX_LIFETIME_S : sec) * 1000u;
}

static void ra_router(tern_netif *nif, const uint8_t src[16], uint16_t lifetime) {
    tern_stack *s = nif->stack;
    tern_ipv6_router *free_slot = NULL;
    for (unsigned i = 0; i < TERN_CFG_IPV6_ROUTERS; i++) {
        tern_ipv6_router *r = &s->ipv6.routers[i];
        if (r->ifindex == nif->index && memcmp(r->ip, src, 16) == 0) {
            if (!lifetime)
                memset(r, 0, sizeof *r);
            else
                r->until = deadline(s, lifetime);
            return;
        }
        if (!r->ifindex && !free_slot)
            free_slot = r;
    }
    if (!lifetime)
        return;
    if (!free_slot) {
        TERN_STAT_INC(s, ND_RA_LIST_FULL);
        return;
    }
    memcpy(free_slot->ip, src, 16);
    free_slot->ifindex = nif->index;
    free_slot->until = deadline(s, lifetime);
}

static void ra_onlink(tern_netif *nif, const tern_nd_prefix_repr *pi) {
    tern_stack *s = nif->stack;
    tern_ipv6_prefix *free_slot = NULL;
    for (unsigned i = 0; i < TERN_CFG_IPV6_PREFIXES; i++) {
        tern_ipv6_prefix *p = &s->ipv6.prefixes[i];
        if (p->len == pi->len && p->ifindex == nif->index &&
            tern_ipv6_prefix_match(p->prefix, pi->prefix, pi->len)) {
            if (!pi->valid)
                memset(p, 0, sizeof *p);
            else {
                p->inf = pi->valid == TERN_IPV6_INFINITE;
                p->until = deadline(s, pi->valid);
            }
            return;
        }
        if (!p->len && !free_slot)
            free_slot = p;
    }
    if (!pi->valid)
        return;
    if (!free_slot) {
        TERN_STAT_INC(s, ND_RA_LIST_FULL);
        return;
    }
    memset(free_slot->prefix, 0, 16);
    memcpy(free_slot->prefix, pi->prefix, (size_t)((pi->len + 7u) / 8u));
    free_slot->len = pi->len;
    free_slot->ifindex = nif->index;
    free_slot->inf = pi->valid == TERN_IPV6_INFINITE;
    free_slot->until = deadline(s, pi->valid);
}

#if TERN_CFG_IPV6_STABLE_IID
static uint64_t rotl(uint64_t x, unsigned b) {
    return (x << b) | (x >> (64u - b));
}

#define SIPROUND(v0, v1, v2, v3)                                                                             \
    do {                                                                                                     \
        v0 += v1;                                                                                            \
        v1 = rotl(v1, 13) ^ v0;                                                                              \
        v0 = rotl(v0, 32);                                                                                   \
        v2 += v3;                                                                                            \
        v3 = rotl(v3, 16) ^ v2;                                                                              \
        v0 += v3;                                                                                            \
        v3 = rotl(v3, 21) ^ v0;                                                                              \
        v2 += v1;                                                                                            \
        v1 = rotl(v1, 17) ^ v2;                                                                              \
        v2 = rotl(v2, 32);                                                                                   \
    } while (0)

static uint64_t le64(const uint8_t *b) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | b[i];
    return v;
}

/* SipHash-2-4 (64-bit output). */
static uint64_t siphash(const uint8_t key[16], const uint8_t *m, size_t n) {
    uint64_t k0 = le64(key), k1 = le64(key + 8);
    uint64_t v0 = k0 ^ 0x736f6d6570736575ull, v1 = k1 ^ 0x646f72616e646f6dull;
    uint64_t v2 = k0 ^ 0x6c7967656e657261ull, v3 = k1 ^ 0x7465646279746573ull;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w = le64(m + i);
        v3 ^= w;
        SIPROUND(v0, v1, v2, v3);
        SIPROUND(v0, v1, v2, v3);
        v0 ^= w;
    }
    uint64_t last = (uint64_t)n << 56;
    for (size_t k = 0; i + k < n; k++)
        last |= (uint64_t)m[i + k] << (8u * k);
    v3 ^= last;
    SIPROUND(v0, v1, v2, v3);
    SIPROUND(v0, v1, v2, v3);
    v0 ^= last;
    v2 ^= 0xFF;
    for (int r = 0; r < 4; r++)
        SIPROUND(v0, v1, v2, v3);
    return v0 ^ v1 ^ v2 ^ v3;
}

void tern_ipv6_set_secret(tern_stack *s, const uint8_t secret[16]) {
    memcpy(s->ipv6.secret, secret, 16);
    s->ipv6.stable = 1;
}

/* RFC 7217 5: F(Prefix, Net_Iface, Network_ID (none), DAD_Counter, secret_key). */
static void stable_iid(const tern_netif *nif, const uint8_t prefix[8], uint8_t counter, uint8_t out[8]) {
    uint8_t m[15];
    memcpy(m, prefix, 8);
    memcpy(m + 8, nif->hwaddr, 6);
    m[14] = counter;
    uint64_t h = siphash(nif->stack->ipv6.secret, m, sizeof m);
    for (int i = 7; i >= 0; i--, h >>= 8)
        out[i] = (uint8_t)h;
    if (!(out[0] | out[1] | out[2] | out[3] | out[4] | out[5] | out[6] | out[7]))
        out[7] = 1; /* never the subnet-router anycast identifier (RFC 5453) */
}
#endif

/* The interface identifier SLAAC puts after prefix (counter: RFC 7217 DAD_Counter). */
static void slaac_iid(const tern_netif *nif, const uint8_t prefix[8], uint8_t counter, uint8_t out[8]) {
#if TERN_CFG_IPV6_STABLE_IID
    if (nif->stack->ipv6.stable) {
        stable_iid(nif, prefix, counter, out);
        return;
    }
#endif
    (void)prefix, (void)counter;
    memcpy(out, nif->ip6.addrs[0].addr + 8, 8); /* the link-local's (EUI-64) identifier */
}

/* RFC 4862 5.5.3: form or refresh an address from an autonomous prefix. */
static void ra_slaac(tern_netif *nif, const tern_nd_prefix_repr *pi) {
    tern_stack *s = nif->stack;
    uint8_t addr[16];
    if (pi->len != 64) { /* our interface identifiers are 64 bits */
        TERN_STAT_INC(s, ND_RA_BAD_PREFIX);
        return;
    }
    tern_ipv6_ifaddr *a = NULL;
    for (unsigned i = 0; i < TERN_CFG_IPV6_ADDRS && !a; i++) {
        tern_ipv6_ifaddr *c = &nif->ip6.addrs[i];
        if (c->autoconf && c->state != TERN_IPV6_ADDR_NONE && c->state != TERN_IPV6_ADDR_DUPLICATE &&
            memcmp(c->addr, pi->prefix, 8) == 0)
            a = c;
    }
    if (!a) {
        memcpy(addr, pi->prefix, 8);
        slaac_iid(nif, pi->prefix, 0, addr + 8);
        if (pi->valid && !add(nif, addr, 64, true, pi->valid, pi->preferred))
            TERN_STAT_INC(s, ND_RA_LIST_FULL);
        return;
    }
    uint32_t remaining = a->valid_inf ? TERN_IPV6_INFINITE : (a->valid_until - s->now) / 1000u;
    uint32_t valid = pi->valid;
    if (valid <= TWO_HOURS_S && valid <= remaining) /* the two-hour rule (e) */
        valid = remaining <= TWO_HOURS_S ? remaining : TWO_HOURS_S;
    set_lifetimes(s, a, valid, pi->preferred);
    if (a->state == TERN_IPV6_ADDR_DEPRECATED && pi->preferred)
        a->state = TERN_IPV6_ADDR_PREFERRED;
}

void tern_ipv6_dns_update(tern_netif *nif, const uint8_t ip[16], uint32_t lifetime_s) {
    tern_stack *s = nif->stack;
    tern_ipv6_dns *slot = NULL;
    for (unsigned i = 0; i < TERN_CFG_IPV6_RDNSS; i++) {
        tern_ipv6_dns *d = &s->ipv6.dns[i];
        if (d->ifindex == nif->index && memcmp(d->ip, ip, 16) == 0) {
            slot = d;
            break;
        }
        if (!d->ifindex && !slot)
            slot = d;
    }
    if (!slot) {
        if (lifetime_s)
            TERN_STAT_INC(s, ND_RA_LIST_FULL);
        return;
    }
    if (!lifetime_s) {
        if (slot->ifindex)
            memset(slot, 0, sizeof *slot);
        return;
    }
    memcpy(slot->ip, ip, 16);
    slot->ifindex = nif->index;
    slot->until = deadline(s, lifetime_s);
}

static void ra_dns(tern_netif *nif, const tern_nd_opts *o) {
    tern_stack *s = nif->stack;
    for (unsigned k = 0; k < o->nrdnss; k++)
        tern_ipv6_dns_update(nif, o->rdnss[k], o->rdnss_lifetime);
    if (o->dnssl && o->dnssl_lifetime) { /* the first domain, labels to dotted text */
        size_t i = 0, w = 0;
        char *out = s->ipv6.dnssl;
        while (i < o->dnssl_len && o->dnssl[i] && w < sizeof s->ipv6.dnssl - 1) {
            uint8_t l = o->dnssl[i++];
            if (l > 63 || i + l > o->dnssl_len || w + l + 1 >= sizeof s->ipv6.dnssl)
                break;
            if (w)
                out[w++] = '.';
            for (uint8_t k = 0; k < l; k++) {
                char c = (char)o->dnssl[i + k];
                out[w++] = (c >= 0x21 && c <= 0x7E) ? c : '?';
            }
            i += l;
        }
        out[w] = '\0';
    }
}

void tern_ipv6_ra_input(tern_netif *nif, const uint8_t *msg, uint16_t len, const tern_ipv6_repr *ip,
                        const tern_nd_opts *o) {
    tern_stack *s = nif->stack;
    (void)len;
    nif->ip6.rs_left = 0;
    if (msg[4])
        nif->ip6.hop_limit = msg[4];
    ra_router(nif, ip->src, (uint16_t)((msg[6] << 8) | msg[7]));
    if (o->has_slla)
        tern_nd_learn(nif, ip->src, o->slla, true);
    if (o->mtu >= TERN_IPV6_MIN_MTU && o->mtu <= nif->mtu)
        nif->ip6.mtu = (uint16_t)o->mtu;
    if (o->prefix_dropped)
        TERN_STAT_ADD(s, ND_RA_LIST_FULL, o->prefix_dropped);
    for (unsigned i = 0; i < o->nprefix; i++) {
        const tern_nd_prefix_repr *pi = &o->prefix[i];
        if (pi->len > 128 || tern_ipv6_is_linklocal(pi->prefix) || tern_ipv6_is_multicast(pi->prefix) ||
            pi->preferred > pi->valid) {
            TERN_STAT_INC(s, ND_RA_BAD_PREFIX);
            continue;
        }
        if (pi->onlink)
            ra_onlink(nif, pi);
        if (pi->autonomous && nif->ip6.slaac)
            ra_slaac(nif, pi);
    }
    ra_dns(nif, o);
#if TERN_CFG_DHCP6
    if ((msg[5] & 0xC0u) && nif->ip6.other_config) /* M or O: ask DHCPv6 (RFC 4861 4.2) */
        nif->ip6.other_config(nif->ip6.other_config_ctx, msg[5]);
#endif
    tern_ipv6_rearm(s);
}

const char *tern_ipv6_addr_state_name(uint8_t state) {
    static const char *const names[] = {"none", "tentative", "preferred", "deprecated", "duplicate"};
    return state < sizeof names / sizeof names[0] ? names[state] : "?";
}

#endif
