/* Test support implementation (see testutil.h). */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const uint8_t test_mac_stack[6] = {0x02, 0, 0, 0, 0, 0x02};
const uint8_t test_mac_peer[6] = {0x02, 0, 0, 0, 0, 0x01};

static tern_err cap_output(tern_netif *nif, tern_pbuf *p) {
    cap_netif *c = nif->driver;
    if (c->count >= CAP_MAX_FRAMES)
        return TERN_ERR_NOMEM;
    cap_frame *f = &c->frames[c->count++];
    f->data = malloc(p->tot_len ? p->tot_len : 1);
    f->len = tern_pbuf_copy_out(p, 0, f->data, p->tot_len);
    return TERN_OK;
}

static const tern_netif_ops cap_ops = {.link_output = cap_output};

/* Give nif an IPv4 address (gw may be 0); an IPv6-only build has none to give. */
static void set_ipv4(tern_netif *nif, uint32_t ip, uint8_t prefix, uint32_t gw) {
#if TERN_CFG_IPV4
    tern_addr a = tern_addr_ipv4(ip), g = tern_addr_ipv4(gw);
    assert_int_equal(tern_netif_set_ipv4(nif, &a, prefix, gw ? &g : NULL), TERN_OK);
#else
    (void)nif, (void)ip, (void)prefix, (void)gw;
#endif
}

void cap_init(cap_netif *c, tern_stack *s) {
    memset(c, 0, sizeof *c);
    tern_netif_init(&c->nif, "cap0", TERN_LINK_ETHERNET, &cap_ops, c);
    memcpy(c->nif.hwaddr, test_mac_stack, 6);
    assert_int_equal(tern_netif_add(s, &c->nif), TERN_OK);
    tern_netif_set_up(&c->nif, true);
    tern_netif_set_link(&c->nif, true);
    set_ipv4(&c->nif, IP4(192, 0, 2, 2), 24, IP4(192, 0, 2, 1));
    cap_clear(c); /* forget the gratuitous ARP */
}

void cap_init_as(cap_netif *c, tern_stack *s, const char *name, const uint8_t mac[6], uint32_t ip,
                 uint8_t prefix, uint32_t gw) {
    memset(c, 0, sizeof *c);
    tern_netif_init(&c->nif, name, TERN_LINK_ETHERNET, &cap_ops, c);
    memcpy(c->nif.hwaddr, mac, 6);
    assert_int_equal(tern_netif_add(s, &c->nif), TERN_OK);
    tern_netif_set_up(&c->nif, true);
    tern_netif_set_link(&c->nif, true);
    set_ipv4(&c->nif, ip, prefix, gw);
    cap_clear(c);
}

void cap_clear(cap_netif *c) {
    for (unsigned i = 0; i < c->count; i++)
        free(c->frames[i].data);
    c->count = 0;
}

const cap_frame *cap_get(const cap_netif *c, unsigned n) {
    return n < c->count ? &c->frames[n] : NULL;
}

int cap_find(const cap_netif *c, unsigned from, uint16_t type, uint8_t proto) {
    for (unsigned i = from; i < c->count; i++) {
        const cap_frame *f = &c->frames[i];
        if (f->len < 14 || ((f->data[12] << 8) | f->data[13]) != type)
            continue;
        if (proto && (f->len < 34 || f->data[23] != proto))
            continue;
        return (int)i;
    }
    return -1;
}

void inject(tern_netif *nif, const uint8_t *frame, size_t len) {
    tern_pbuf *p = tern_pbuf_alloc(nif->stack, 0, (uint16_t)len);
    assert_non_null(p);
    assert_int_equal(tern_pbuf_copy_in(p, 0, frame, (uint16_t)len), TERN_OK);
    tern_netif_input(nif, p);
}

uint16_t inet_checksum(const uint8_t *data, size_t len, uint32_t sum) {
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)(data[i] << 8 | data[i + 1]);
    if (len & 1)
        sum += (uint32_t)data[len - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16);
    return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v) {
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}
static void put32(uint8_t *p, uint32_t v) {
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}

size_t build_eth(uint8_t *buf, const uint8_t dst[6], const uint8_t src[6], uint16_t type) {
    memcpy(buf, dst, 6);
    memcpy(buf + 6, src, 6);
    put16(buf + 12, type);
    return 14;
}

void fix_ipv4_checksum(uint8_t *frame) {
    uint8_t *ip = frame + 14;
    size_t hlen = (size_t)(ip[0] & 15) * 4;
    ip[10] = ip[11] = 0;
    put16(ip + 10, inet_checksum(ip, hlen, 0));
}

size_t build_ipv4_frag(uint8_t *buf, uint32_t src, uint32_t dst, uint8_t proto, uint16_t id, uint16_t off,
                       int mf, const uint8_t *payload, size_t plen) {
    build_eth(buf, test_mac_stack, test_mac_peer, 0x0800);
    uint8_t *ip = buf + 14;
    memset(ip, 0, 20);
    ip[0] = 0x45;
    put16(ip + 2, (uint16_t)(20 + plen));
    put16(ip + 4, id);
    put16(ip + 6, (uint16_t)((mf ? 0x2000 : 0) | (off / 8)));
    ip[8] = 64;
    ip[9] = proto;
    put32(ip + 12, src);
    put32(ip + 16, dst);
    if (plen)
        memcpy(ip + 20, payload, plen);
    fix_ipv4_checksum(buf);
    return 14 + 20 + plen;
}

size_t build_ipv4(uint8_t *buf, uint32_t src, uint32_t dst, uint8_t proto, const uint8_t *payload,
                  size_t plen) {
    return build_ipv4_frag(buf, src, dst, proto, 0x1234, 0, 0, payload, plen);
}

size_t build_udp(uint8_t *buf, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
                 const uint8_t *data, size_t dlen) {
    uint8_t *u = malloc(8 + dlen);
    put16(u, sport);
    put16(u + 2, dport);
    put16(u + 4, (uint16_t)(8 + dlen));
    put16(u + 6, 0);
    if (dlen)
        memcpy(u + 8, data, dlen);
    uint8_t ph[12];
    put32(ph, src);
    put32(ph + 4, dst);
    ph[8] = 0;
    ph[9] = 17;
    put16(ph + 10, (uint16_t)(8 + dlen));
    uint32_t sum = (uint16_t)~inet_checksum(ph, 12, 0);
    uint16_t c = inet_checksum(u, 8 + dlen, sum);
    put16(u + 6, c ? c : 0xFFFF);
    size_t n = build_ipv4(buf, src, dst, 17, u, 8 + dlen);
    free(u);
    return n;
}

size_t build_icmp_echo(uint8_t *buf, uint32_t src, uint32_t dst, uint16_t id, uint16_t seq,
                       const uint8_t *data, size_t dlen) {
    uint8_t *m = malloc(8 + dlen);
    m[0] = 8;
    m[1] = 0;
    put16(m + 2, 0);
    put16(m + 4, id);
    put16(m + 6, seq);
    if (dlen)
        memcpy(m + 8, data, dlen);
    put16(m + 2, inet_checksum(m, 8 + dlen, 0));
    size_t n = build_ipv4(buf, src, dst, 1, m, 8 + dlen);
    free(m);
    return n;
}

size_t build_icmp(uint8_t *buf, uint32_t src, uint32_t dst, uint8_t type, uint8_t code, uint32_t rest,
                  const uint8_t *data, size_t dlen) {
    uint8_t *m = malloc(8 + dlen);
    m[0] = type;
    m[1] = code;
    put16(m + 2, 0);
    put32(m + 4, rest);
    if (dlen)
        memcpy(m + 8, data, dlen);
    put16(m + 2, inet_checksum(m, 8 + dlen, 0));
    size_t n = build_ipv4(buf, src, dst, 1, m, 8 + dlen);
    free(m);
    return n;
}

void fix_udp_checksum(uint8_t *frame, uint16_t ulen) {
    uint8_t *ip = frame + 14;
    uint8_t *u = ip + (ip[0] & 15) * 4;
    uint8_t ph[12];
    memcpy(ph, ip + 12, 8);
    ph[8] = 0;
    ph[9] = 17;
    put16(ph + 10, ulen);
    u[6] = u[7] = 0;
    uint16_t c = inet_checksum(u, ulen, (uint16_t)~inet_checksum(ph, 12, 0));
    put16(u + 6, c ? c : 0xFFFF);
}

size_t build_arp(uint8_t *buf, uint16_t op, const uint8_t sha[6], uint32_t spa, const uint8_t tha[6],
                 uint32_t tpa) {
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    build_eth(buf, op == 1 ? bcast : test_mac_stack, sha, 0x0806);
    uint8_t *a = buf + 14;
    put16(a, 1);
    put16(a + 2, 0x0800);
    a[4] = 6;
    a[5] = 4;
    put16(a + 6, op);
    memcpy(a + 8, sha, 6);
    put32(a + 14, spa);
    memcpy(a + 18, tha, 6);
    put32(a + 24, tpa);
    return 14 + 28;
}

uint32_t stat(const tern_stack *s, const char *name) {
    long v = tern_stats_get_by_name(s, name);
    if (v < 0)
        fail_msg("unknown counter %s", name);
    return (uint32_t)v;
}

tern_stack *stack_new(uint32_t seed) {
    tern_stack *s = malloc(sizeof *s);
    assert_non_null(s);
    tern_stack_init(s, 0, seed);
    return s;
}

void stack_free_checked(tern_stack *s) {
    tern_stack_deinit(s);
    assert_int_equal(tern_stack_buffers_in_use(s), 0);
    free(s);
}

void sim_init(sim *sm) {
    memset(sm, 0, sizeof *sm);
}

sim_host *sim_add_host(sim *sm, uint32_t seed) {
    assert_true(sm->nhosts < 8);
    sim_host *h = &sm->hosts[sm->nhosts++];
    memset(h, 0, sizeof *h);
    h->stack = stack_new(seed);
    tern_stack_poll(h->stack, sm->now);
    return h;
}

tern_netif *sim_attach(sim *sm, sim_host *h, unsigned wire, uint32_t ip, uint8_t prefix, uint32_t gw) {
    assert_true(wire < 4 && h->nnif < 2);
    while (sm->nwires <= wire)
        tern_vwire_init(&sm->wires[sm->nwires++]);
    tern_netif *nif = &h->nif[h->nnif];
    uint8_t mac[6] = {0x02, 0x00, (uint8_t)wire, 0, (uint8_t)(h - sm->hosts), (uint8_t)h->nnif};
    char name[8];
    snprintf(name, sizeof name, "vw%u", h->nnif);
    h->nnif++;
    assert_int_equal(tern_vwire_attach(&sm->wires[wire], nif, name, mac), 0);
    assert_int_equal(tern_netif_add(h->stack, nif), TERN_OK);
    tern_netif_set_up(nif, true);
    tern_netif_set_link(nif, true);
    set_ipv4(nif, ip, prefix, gw);
    return nif;
}

static void step(sim *sm) {
    for (int round = 0; round < 64; round++) {
        unsigned moved = 0;
        for (unsigned w = 0; w < sm->nwires; w++)
            moved += tern_vwire_flush(&sm->wires[w]);
        for (unsigned i = 0; i < sm->nhosts; i++)
            tern_stack_poll(sm->hosts[i].stack, sm->now);
        if (!moved)
            break;
    }
}

void sim_run(sim *sm, uint32_t ms) {
    for (uint32_t t = 0; t < ms; t++) {
        step(sm);
        sm->now++;
    }
    step(sm);
}

int sim_run_until(sim *sm, const int *flag, uint32_t ms) {
    for (uint32_t t = 0; t < ms && !*flag; t++) {
        step(sm);
        sm->now++;
    }
    step(sm);
    return *flag;
}

void sim_free_checked(sim *sm) {
    for (unsigned w = 0; w < sm->nwires; w++)
        tern_vwire_clear(&sm->wires[w]);
    for (unsigned i = 0; i < sm->nhosts; i++) {
        stack_free_checked(sm->hosts[i].stack);
        sm->hosts[i].stack = NULL;
    }
}
