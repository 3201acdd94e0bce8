/*
 * DNS client (see tern/dns.h). Each name being resolved occupies a cache
 * entry in state PENDING with its own UDP endpoint on a random port; answers
 * are matched on server, port, ID and the question before anything in them
 * is believed. Callers wait in a small request table.
 */
#include "tern/dns.h"

#include <string.h>

#include "core/core.h"
#include "tern/stack.h"
#include "tern/udp.h"
#include "wire/dns.h"
#include "wire/ipv6.h"
#include "wire/wire.h"

#if TERN_CFG_DNS

#define DNS_PORT 53u
#define MDNS_PORT 5353u
#define MDNS_GROUP 0xE00000FBu /* 224.0.0.251 */
#define MAX_TTL_S 86400u
#define UDP_DNS_MAX 512u /* without EDNS (RFC 1035 4.2.1) */

/* Does name (n characters) end in ".local" (any case, trailing dot or not)
 * with something before it? */
static bool is_mdns_name(const char *name, size_t n) {
    if (name[n - 1] == '.')
        n--;
    return n > 6 && tern_dns_name_equal(name + n - 6, ".local");
}

/* Asked with multicast DNS (never without TERN_CFG_DNS_MDNS). */
#define MDNS(e) (TERN_CFG_DNS_MDNS && (e)->mdns)

static void rearm(tern_stack *s) {
    bool any = false;
    uint32_t next = 0;
    for (unsigned i = 0; i < TERN_CFG_DNS_CACHE; i++) {
        const tern_dns_entry *e = &s->dns.entries[i];
        if (e->state == TERN_DNS_PENDING && (!any || tern_time_before(e->expires, next))) {
            next = e->expires;
            any = true;
        }
    }
    if (!any)
        tern_timer_cancel(s, &s->dns.timer);
    else
        tern_timer_arm_at(s, &s->dns.timer, next);
}

/* Tell every waiting caller, then release the query's resources. */
static void finish(tern_stack *s, tern_dns_entry *e, tern_err err, uint32_t ttl_s) {
    char name[TERN_CFG_DNS_NAME_MAX + 1];
    tern_addr addrs[TERN_CFG_DNS_ADDRS];
    unsigned count = e->count; /* (0 unless answered: a bad answer resets it) */
    memcpy(name, e->name, sizeof name);
    memcpy(addrs, e->addrs, sizeof addrs);
    tern_udp_free(e->pcb); /* (NULL is fine) */
    e->pcb = NULL;
    if (err == TERN_OK && ttl_s) {
        e->state = TERN_DNS_DONE;
        e->expires = s->now + (ttl_s > MAX_TTL_S ? MAX_TTL_S : ttl_s) * 1000u;
    } else {
        e->state = TERN_DNS_FREE; /* (a free entry's other fields are never read) */
    }
    rearm(s);
    for (tern_dns_request *r = s->dns.requests; r < s->dns.requests + TERN_CFG_DNS_REQUESTS; r++) {
        if (r->entry != e)
            continue;
        r->entry = NULL; /* free before the callback: it may look up again */
        r->cb(r->ctx, name, err, addrs, count);
    }
}

/* The servers asked, in order: the configured ones (tern_dns_set_server),
 * then, with IPv6, those learnt on the links (RDNSS in RAs, DHCPv6). */
#if TERN_CFG_IPV6
#define SERVER_SLOTS (TERN_CFG_DNS_SERVERS + TERN_CFG_IPV6_RDNSS)
#else
#define SERVER_SLOTS TERN_CFG_DNS_SERVERS
#endif

/* The server in slot index; the unspecified address if the slot is empty
 * (*tmp holds a learnt one). */
static const tern_addr *server_at(const tern_stack *s, unsigned index, tern_addr *tmp) {
#if TERN_CFG_IPV6
    if (index >= TERN_CFG_DNS_SERVERS) {
        const tern_ipv6_dns *d = &s->ipv6.dns[index - TERN_CFG_DNS_SERVERS];
        memset(tmp, 0, sizeof *tmp);
        if (d->ifindex)
            *tmp = tern_addr_ipv6(d->ip, tern_ipv6_is_linklocal(d->ip) ? d->ifindex : 0);
        return tmp;
    }
#else
    (void)tmp;
#endif
    return &s->dns.servers[index];
}

/* The first non-empty slot from index on. */
static bool find_server(const tern_stack *s, unsigned index, uint8_t *found) {
    tern_addr tmp;
    for (unsigned i = index; i < SERVER_SLOTS; i++) {
        if (!tern_addr_is_any(server_at(s, i, &tmp))) {
            *found = (uint8_t)i;
            return true;
        }
    }
    return false;
}

static bool next_server(tern_stack *s, tern_dns_entry *e) {
    if (MDNS(e) || !find_server(s, (unsigned)e->server + 1u, &e->server))
        return false;
    e->tries = 0;
    return true;
}

/* The record type an entry asks for: A, or AAAA for IPv6 addresses. */
static uint16_t qtype_of(const tern_dns_entry *e) {
    return TERN_CFG_IPV6 && e->family == TERN_AF_INET6 ? TERN_DNS_TYPE_AAAA : TERN_DNS_TYPE_A;
}

static void send_query(tern_stack *s, tern_dns_entry *e) {
    uint8_t msg[TERN_DNS_HLEN + TERN_CFG_DNS_NAME_MAX + 2 + 4];
    e->expires = s->now + TERN_CFG_DNS_TIMEOUT_MS;
    e->tries++;
    size_t len =
        tern_dns_write_query(msg, sizeof msg, e->id, MDNS(e) ? 0 : TERN_DNS_FLAG_RD, e->name, qtype_of(e));
    tern_pbuf *p = len ? tern_pbuf_alloc(s, TERN_PBUF_TRANSPORT_HEADROOM, (uint16_t)len) : NULL;
    if (!p)
        return; /* retried by the timer */
    tern_pbuf_copy_in(p, 0, msg, (uint16_t)len);
    /* (A server gone since the query started is the unspecified address:
     * nothing goes out and the timer moves on.) */
#if TERN_CFG_DNS_MDNS
    tern_addr tmp = tern_addr_ipv4(MDNS_GROUP);
    const tern_addr *dst = e->mdns ? &tmp : server_at(s, e->server, &tmp);
#else
    tern_addr tmp;
    const tern_addr *dst = server_at(s, e->server, &tmp);
#endif
    TERN_STAT_INC(s, DNS_TX);
    (void)tern_udp_sendto(e->pcb, p, dst, (uint16_t)(MDNS(e) ? MDNS_PORT : DNS_PORT));
}

/* Ask again: after a timeout the same server while it has tries left,
 * else (or after a failure, err NOTFOUND) the next one; with none left the
 * query ends with err. */
static void ask_again(tern_stack *s, tern_dns_entry *e, tern_err err) {
    if ((err == TERN_ERR_TIMEOUT && e->tries < TERN_CFG_DNS_TRIES) || next_server(s, e)) {
        send_query(s, e);
        return;
    }
    if (err == TERN_ERR_TIMEOUT)
        TERN_STAT_INC(s, DNS_TIMEOUT);
    finish(s, e, err, 0);
}

/* Does the answer's question match ours? */
static bool question_matches(const tern_dns_entry *e, const uint8_t *msg, size_t len, uint16_t *off) {
    char qname[TERN_DNS_MAX_TEXT];
    uint16_t type, cls;
    if (!tern_dns_read_question(msg, len, off, qname, sizeof qname, &type, &cls))
        return false;
    return type == qtype_of(e) && (cls & 0x7FFFu) == TERN_DNS_CLASS_IN && tern_dns_name_equal(qname, e->name);
}

/* Collect the A records for our name (following CNAMEs). Returns false if
 * the message is malformed; *ttl is the smallest TTL of what was kept. */
static bool collect(tern_dns_entry *e, const uint8_t *msg, size_t len, uint16_t off, unsigned ancount,
                    uint32_t *ttl) {
    char want[TERN_DNS_MAX_TEXT], owner[TERN_DNS_MAX_TEXT];
    tern_dns_rr rr;                        /* (its name unused: owner, so the rest stays in registers) */
    memcpy(want, e->name, sizeof e->name); /* (NUL-terminated inside) */
    e->count = 0;
    *ttl = MAX_TTL_S;
    for (unsigned i = 0; i < ancount; i++) {
        if (!tern_dns_read_name(msg, len, &off, owner, sizeof owner) ||
            !tern_dns_read_rr_fixed(msg, len, &off, &rr))
            return false;
        if ((rr.cls & 0x7FFFu) != TERN_DNS_CLASS_IN || !tern_dns_name_equal(owner, want))
            continue;
        if (rr.type == TERN_DNS_TYPE_CNAME) {
            uint16_t t = rr.rdata;
            if (!tern_dns_read_name(msg, (size_t)rr.rdata + rr.rdlen, &t, want, sizeof want))
                return false;
        } else if (rr.type == qtype_of(e) && rr.rdlen == (rr.type == TERN_DNS_TYPE_A ? 4u : 16u) &&
                   e->count < TERN_CFG_DNS_ADDRS) {
            tern_addr *a = &e->addrs[e->count++];
            *a = (tern_addr){.family = e->family};
            memcpy(a->bytes, msg + rr.rdata, rr.rdlen);
            if (rr.ttl < *ttl)
                *ttl = rr.ttl;
        }
    }
    return true;
}

static bool from_our_server(tern_stack *s, const tern_dns_entry *e, const tern_udp_info *info) {
    if (info->sport != (MDNS(e) ? MDNS_PORT : DNS_PORT))
        return false;
    if (MDNS(e))
        return true;
    tern_addr tmp;
    const tern_addr *server = server_at(s, e->server, &tmp);
    return !tern_addr_is_any(server) && tern_addr_equal(&info->src, server);
}

static void handle_answer(tern_stack *s, tern_dns_entry *e, const uint8_t *msg, size_t len,
                          const tern_udp_info *info) {
    tern_dns_header h;
    uint16_t off = TERN_DNS_HLEN;
    if (!tern_dns_read_header(msg, len, &h)) {
        TERN_STAT_INC(s, DNS_DROP_MALFORMED);
        return;
    }
    if (!from_our_server(s, e, info) || h.id != e->id || !(h.flags & TERN_DNS_FLAG_QR) ||
        TERN_DNS_OPCODE(h.flags) != 0 || h.qdcount != 1 || !question_matches(e, msg, len, &off)) {
        TERN_STAT_INC(s, DNS_DROP_MISMATCH);
        return;
    }
    if (TERN_DNS_RCODE(h.flags) == TERN_DNS_RCODE_NXDOMAIN) {
        TERN_STAT_INC(s, DNS_NXDOMAIN);
        finish(s, e, TERN_ERR_NOTFOUND, 0);
        return;
    }
    if (TERN_DNS_RCODE(h.flags) != 0) { /* server failure or refusal: ask the next one */
        ask_again(s, e, TERN_ERR_NOTFOUND);
        rearm(s);
        return;
    }
    uint32_t ttl;
    if (!collect(e, msg, len, off, h.ancount, &ttl)) {
        e->count = 0;
        TERN_STAT_INC(s, DNS_DROP_MALFORMED);
        return;
    }
    finish(s, e, e->count ? TERN_OK : TERN_ERR_NOTFOUND, ttl);
}

static void on_datagram(void *ctx, tern_udp_pcb *pcb, tern_pbuf *p, const tern_udp_info *info) {
    tern_stack *s = pcb->stack;
    tern_dns_entry *e = ctx; /* the query on this endpoint (checked: it may be over) */
    uint8_t scratch[UDP_DNS_MAX];
    const uint8_t *msg = NULL;
    TERN_STAT_INC(s, DNS_RX);
    if (e->pcb == pcb) { /* (set only while PENDING: the query is still on) */
        if (p->len == p->tot_len || p->tot_len <= sizeof scratch) /* (in place when contiguous) */
            msg = tern_pbuf_view(p, 0, p->tot_len, scratch);
    }
    if (!msg)
        TERN_STAT_INC(s, DNS_DROP_MALFORMED);
    else
        handle_answer(s, e, msg, p->tot_len, info);
    tern_pbuf_free(s, p);
}

static void dns_timer(tern_stack *s, tern_timer *t) {
    (void)t;
    for (unsigned i = 0; i < TERN_CFG_DNS_CACHE; i++) {
        tern_dns_entry *e = &s->dns.entries[i];
        if (e->state != TERN_DNS_PENDING || tern_time_before(s->now, e->expires))
            continue;
        ask_again(s, e, TERN_ERR_TIMEOUT);
    }
    rearm(s);
}

void tern_dns_init(tern_stack *s) {
    tern_timer_init(&s->dns.timer, dns_timer);
}

/* A fresh endpoint on a random port (RFC 5452 4.5). */
static tern_udp_pcb *open_random_port(tern_stack *s) {
    tern_udp_pcb *pcb = tern_udp_new(s);
    if (!pcb)
        return NULL;
    for (int tries = 0; tries < 16; tries++) {
        uint16_t port = (uint16_t)(49152u + tern_random(s) % 16384u);
        if (tern_udp_bind(pcb, NULL, port) == TERN_OK) {
            return pcb;
        }
    }
    tern_udp_free(pcb);
    return NULL;
}

/* An entry for a new query: a free one, else the one expiring first. */
static tern_dns_entry *alloc_entry(tern_stack *s) {
    tern_dns_entry *victim = NULL;
    for (unsigned i = 0; i < TERN_CFG_DNS_CACHE; i++) {
        tern_dns_entry *e = &s->dns.entries[i];
        if (e->state == TERN_DNS_FREE)
            return e;
        if (e->state == TERN_DNS_DONE && (!victim || tern_time_before(e->expires, victim->expires)))
            victim = e;
    }
    return victim; /* (reset by the caller) */
}

static tern_dns_request *alloc_request(tern_stack *s) {
    for (unsigned i = 0; i < TERN_CFG_DNS_REQUESTS; i++)
        if (!s->dns.requests[i].entry)
            return &s->dns.requests[i];
    return NULL;
}

/* Answers known without a query: numeric, hosts table. */
static bool answer_locally(tern_stack *s, const char *name, uint8_t family, tern_dns_fn cb, void *ctx) {
    tern_addr a;
    (void)s;
    if (tern_addr_parse(name, &a)) {
        if (!TERN_CFG_IPV6 || a.family == family) /* (without IPv6 both are IPv4) */
            cb(ctx, name, TERN_OK, &a, 1);
        else /* a literal of the other family has no address of this one */
            cb(ctx, name, TERN_ERR_NOTFOUND, NULL, 0);
        return true;
    }
#if TERN_CFG_DNS_HOSTS
    for (unsigned i = 0; i < TERN_CFG_DNS_HOSTS; i++) {
        if (s->dns.hosts[i].name[0] && s->dns.hosts[i].addr.family == family &&
            tern_dns_name_equal(s->dns.hosts[i].name, name)) {
            cb(ctx, name, TERN_OK, &s->dns.hosts[i].addr, 1);
            return true;
        }
    }
#endif
    return false;
}

static tern_err start_query(tern_stack *s, const char *name, size_t n, uint8_t family, tern_dns_entry **out) {
    /* Everything that can fail comes before an entry is taken: evicting a
     * good cached answer for a query that cannot go out would lose it. */
    bool mdns = TERN_CFG_DNS_MDNS && is_mdns_name(name, n);
    uint8_t server = 0;
    if (!mdns && !find_server(s, 0, &server))
        return TERN_ERR_NOROUTE;
    tern_udp_pcb *pcb = open_random_port(s);
    if (!pcb)
        return TERN_ERR_NOMEM;
    tern_dns_entry *e = alloc_entry(s);
    if (!e) {
        tern_udp_free(pcb);
        return TERN_ERR_NOMEM;
    }
    /* The fields before the addresses are cleared (the addresses count only
     * once an answer sets count; the name is copied). */
    memset(e, 0, offsetof(tern_dns_entry, addrs));
    memcpy(e->name, name, n + 1);
    e->state = TERN_DNS_PENDING;
    e->family = family;
    e->mdns = mdns;
    e->server = server;
    e->pcb = pcb;
    tern_udp_set_recv(pcb, on_datagram, e);
    e->id = (uint16_t)tern_random(s);
    pcb->mcast_ttl = 255; /* RFC 6762 11 */
    send_query(s, e);
    rearm(s);
    *out = e;
    return TERN_OK;
}

tern_err tern_dns_lookup(tern_stack *s, const char *name, uint8_t family, tern_dns_fn cb, void *ctx) {
    size_t n;
    if (!s || !name || !cb || !(n = strlen(name)) || n > TERN_CFG_DNS_NAME_MAX)
        return TERN_ERR_INVAL;
    if (family != TERN_AF_INET && !(TERN_CFG_IPV6 && family == TERN_AF_INET6))
        return TERN_ERR_NOTSUP;
    if (answer_locally(s, name, family, cb, ctx))
        return TERN_OK;
    /* The cache: a fresh answer, or the query already asking. */
    tern_dns_entry *pending = NULL;
    for (tern_dns_entry *e = s->dns.entries; e < s->dns.entries + TERN_CFG_DNS_CACHE; e++) {
        if (e->state == TERN_DNS_FREE || (TERN_CFG_IPV6 && e->family != family) ||
            !tern_dns_name_equal(e->name, name)) /* (without IPv6 every entry is IPv4) */
            continue;
        if (e->state == TERN_DNS_PENDING) {
            if (!pending)
                pending = e;
            continue;
        }
        if (!tern_time_before(s->now, e->expires)) {
            e->state = TERN_DNS_FREE; /* TTL over */
            continue;
        }
        TERN_STAT_INC(s, DNS_CACHE_HIT);
        tern_addr addrs[TERN_CFG_DNS_ADDRS];
        memcpy(addrs, e->addrs, sizeof addrs);
        cb(ctx, name, TERN_OK, addrs, e->count);
        return TERN_OK;
    }
    tern_dns_request *r = alloc_request(s);
    if (!r)
        return TERN_ERR_NOMEM;
    if (!pending) {
        tern_err err = start_query(s, name, n, family, &pending);
        if (err)
            return err;
    }
    r->cb = cb;
    r->ctx = ctx;
    r->entry = pending;
    return TERN_ERR_INPROGRESS;
}

tern_err tern_dns_set_server(tern_stack *s, unsigned index, const tern_addr *server) {
    if (index >= TERN_CFG_DNS_SERVERS ||
        (server && server->family != TERN_AF_INET && !(TERN_CFG_IPV6 && server->family == TERN_AF_INET6)))
        return TERN_ERR_INVAL;
    if (server)
        s->dns.servers[index] = *server;
    else
        s->dns.servers[index] = (tern_addr){0};
    return TERN_OK;
}

tern_err tern_dns_add_host(tern_stack *s, const char *name, const tern_addr *addr) {
#if TERN_CFG_DNS_HOSTS
    if (!name || !name[0] || strlen(name) > TERN_CFG_DNS_NAME_MAX || !addr)
        return TERN_ERR_INVAL;
    for (unsigned i = 0; i < TERN_CFG_DNS_HOSTS; i++) {
        tern_dns_host *h = &s->dns.hosts[i];
        if (!h->name[0] || tern_dns_name_equal(h->name, name)) {
            memcpy(h->name, name, strlen(name) + 1);
            h->addr = *addr;
            return TERN_OK;
        }
    }
    return TERN_ERR_NOMEM;
#else
    (void)s, (void)name, (void)addr;
    return TERN_ERR_NOTSUP;
#endif
}

void tern_dns_flush(tern_stack *s) {
    for (unsigned i = 0; i < TERN_CFG_DNS_CACHE; i++)
        if (s->dns.entries[i].state == TERN_DNS_DONE)
            s->dns.entries[i].state = TERN_DNS_FREE;
}

#endif
