/*
 * DHCP client (see tern/dhcp.h). One tern_dhcp per interface, one timer in
 * it for every deadline of the current state (retransmission, T1, T2,
 * expiry, the wait after a DECLINE). Replies are believed only after the
 * wire layer has checked the whole message and op, hardware type, xid and
 * chaddr match the exchange in progress.
 */
#include "tern/dhcp.h"

#include <string.h>

#include "core/core.h"
#include "tern/stack.h"
#include "tern/udp.h"
#include "wire/dhcp.h"

#if TERN_CFG_DHCP

#define RETX_BASE_MS 4000u /* first retransmission; doubles up to RETX_MAX_MS */
#define RETX_MAX_SHIFT 4u  /* 4 s << 4 = 64 s */
#define JITTER_MS 1000u
#define DECLINE_WAIT_MS 10000u     /* RFC 2131 3.1 step 5 */
#define REQUEST_TRIES 4u           /* REQUESTING: then back to INIT */
#define REBOOT_TRIES 3u            /* INIT-REBOOT: then INIT */
#define LEASE_RETX_MIN_MS 60000u   /* RENEWING/REBINDING (RFC 2131 4.4.5) */
#define MAX_TIMED_LEASE_S 2000000u /* deadlines stay within 2^31 ms */
#define INFINITE_LEASE 0xFFFFFFFFu
#define IP_UDP_HLEN 28u

static const char *const state_names[] = {
    "off", "init", "selecting", "requesting", "checking", "bound", "renewing", "rebinding", "rebooting",
};

const char *tern_dhcp_state_name(uint8_t state) {
    return state < sizeof state_names / sizeof state_names[0] ? state_names[state] : "?";
}

_Static_assert(offsetof(tern_dhcp, timer) == 0, "the timer is the client");
_Static_assert(TERN_DHCP_RENEWING == TERN_DHCP_BOUND + 1 && TERN_DHCP_REBINDING == TERN_DHCP_RENEWING + 1,
               "the lease states follow each other");

static tern_dhcp *dhcp_of_timer(tern_timer *t) {
    return (tern_dhcp *)(void *)t;
}

static tern_stack *stack_of(const tern_dhcp *d) {
    return d->nif->stack;
}

static bool leased(const tern_dhcp *d) {
    return d->state == TERN_DHCP_BOUND || d->state == TERN_DHCP_RENEWING || d->state == TERN_DHCP_REBINDING;
}

static void notify(tern_dhcp *d, enum tern_dhcp_event ev) {
    if (d->cb)
        d->cb(d->ctx, d, ev);
}

/* ---- Sending ------------------------------------------------------------------ */

/* 4, 8, 16, 32, 64, 64... seconds, each +-1 s (RFC 2131 4.1). */
static uint32_t backoff_ms(tern_dhcp *d) {
    unsigned shift = d->tries - 1u; /* (at least 1: counted before) */
    uint32_t base = RETX_BASE_MS << (shift < RETX_MAX_SHIFT ? shift : RETX_MAX_SHIFT);
    return base - JITTER_MS + tern_random(stack_of(d)) % (2u * JITTER_MS + 1u);
}

static unsigned secs_elapsed(const tern_dhcp *d) {
    uint32_t s = (stack_of(d)->now - d->exchange_start) / 1000u;
    return s > 0xFFFFu ? 0xFFFFu : s;
}

/* The fields that depend on the message type and the state. */
static void fill_out(const tern_dhcp *d, unsigned type, tern_dhcp_out *o) {
    if (type == TERN_DHCP_DISCOVER) {
        o->requested_ip = d->previous;
    } else if (type == TERN_DHCP_REQUEST && leased(d)) {
        o->ciaddr = d->lease.ip; /* RFC 2131 4.3.2: renewing/rebinding */
    } else if (type == TERN_DHCP_REQUEST) {
        o->requested_ip = d->lease.ip;
        o->server_id = d->state == TERN_DHCP_REQUESTING ? d->lease.server : 0;
    } else if (type == TERN_DHCP_DECLINE) {
        o->requested_ip = d->lease.ip;
        o->server_id = d->lease.server;
    } else { /* RELEASE */
        o->ciaddr = d->lease.ip;
        o->server_id = d->lease.server;
    }
    if (type == TERN_DHCP_DISCOVER || type == TERN_DHCP_REQUEST) {
        o->secs = (uint16_t)secs_elapsed(d);
        o->max_size = (uint16_t)(TERN_CFG_DHCP_MSG_MAX + IP_UDP_HLEN);
        o->hostname = d->hostname; /* (empty: left out) */
        /* Replies to a client without an address reach us as unicast to the
         * offered address; only an address from elsewhere (AutoIP) on the
         * interface makes us ask for broadcast replies. */
        if (!o->ciaddr && d->nif->ip4)
            o->flags = TERN_DHCP_FLAG_BROADCAST;
    }
}

/* Send a message of type; failures are retried by the timer like a lost
 * message. RELEASE and a REQUEST while renewing go to the server, the rest
 * is broadcast. */
static void send_msg(tern_dhcp *d, unsigned type) {
    tern_stack *s = stack_of(d);
    uint32_t dst = type == TERN_DHCP_RELEASE || (type == TERN_DHCP_REQUEST && d->state == TERN_DHCP_RENEWING)
                       ? d->lease.server
                       : 0xFFFFFFFFu;
    uint8_t buf[TERN_DHCP_OUT_MAX];
    tern_dhcp_out o;
    memset(&o, 0, sizeof o);
    o.type = (uint8_t)type;
    o.xid = d->xid;
    o.mac = d->nif->hwaddr;
    fill_out(d, type, &o);
    size_t len = tern_dhcp_build(buf, sizeof buf, &o); /* (never 0: buf is big enough) */
    tern_pbuf *p = d->pcb ? tern_pbuf_alloc(s, TERN_PBUF_TRANSPORT_HEADROOM, (uint16_t)len) : NULL;
    if (!p)
        return;
    tern_pbuf_copy_in(p, 0, buf, (uint16_t)len);
    /* Broadcasts leave through our interface; unicast follows the routes.
     * Without a lease the source is 0.0.0.0, whatever else the interface
     * holds (an AutoIP address): RFC 2131 4.1. */
    d->pcb->ifindex = dst == 0xFFFFFFFFu ? d->nif->index : 0;
    tern_udp_set_flags(d->pcb, TERN_UDP_F_SRC_ZERO, o.ciaddr == 0);
    tern_addr to = tern_addr_ipv4(dst);
    TERN_STAT_INC(s, DHCP_TX);
    (void)tern_udp_sendto(d->pcb, p, &to, TERN_DHCP_SERVER_PORT);
}

/* Send and schedule the next retransmission. */
static void transmit(tern_dhcp *d, unsigned type) {
    if (d->tries < UINT8_MAX)
        d->tries++;
    send_msg(d, type);
    tern_timer_arm(stack_of(d), &d->timer, backoff_ms(d));
}

/* Enter state with no transmission yet; a lease got from here starts now. */
static void enter(tern_dhcp *d, unsigned state) {
    d->state = (uint8_t)state;
    d->tries = 0;
    d->lease_start = stack_of(d)->now;
}

static void new_exchange(tern_dhcp *d, unsigned state) {
    enter(d, state);
    d->xid = tern_random(stack_of(d));
    d->exchange_start = d->lease_start;
}

/* ---- The interface's configuration ----------------------------------------- */

/* A contiguous mask of 1 to 30 bits: not zero, the lowest two bits clear,
 * and its lowest set bit carries out of the top when added. */
static bool usable_mask(uint32_t mask) {
    return mask && !(mask & 3u) && mask + (mask & (0u - mask)) == 0;
}

/* RFC 2132 3.3 lets the mask out; fall back to the address class. */
static uint32_t default_mask(uint32_t ip) {
    if (ip < 0x80000000u)
        return 0xFF000000u;
    return ip < 0xC0000000u ? 0xFFFF0000u : 0xFFFFFF00u;
}

static void set_dns(tern_dhcp *d, bool on) {
#if TERN_CFG_DNS
    tern_stack *s = stack_of(d);
    for (unsigned i = 0; i < d->lease.ndns && i < TERN_CFG_DNS_SERVERS; i++) {
        tern_addr a = tern_addr_ipv4(d->lease.dns[i]);
        if (on)
            (void)tern_dns_set_server(s, i, &a);
        else if (tern_addr_equal(&s->dns.servers[i], &a))
            (void)tern_dns_set_server(s, i, NULL);
    }
#else
    (void)d, (void)on;
#endif
}

static void configure(tern_dhcp *d) {
    tern_addr ip = tern_addr_ipv4(d->lease.ip), gw = tern_addr_ipv4(d->lease.router);
#if TERN_CFG_AUTOIP
    tern_autoip_stop(&d->autoip); /* removes a link-local address (harmless when not running) */
    d->autoip_on = 0;
#endif
    tern_netif *nif = d->nif;
    /* A renewal with the same parameters leaves the interface alone (no
     * gratuitous ARP each time). */
    if (nif->ip4 != d->lease.ip || nif->mask4 != d->lease.mask || nif->gw4 != d->lease.router) {
        unsigned prefix = 0; /* (the mask is contiguous: checked, or by class) */
        for (uint32_t m = d->lease.mask; m; m <<= 1)
            prefix++;
        (void)tern_netif_set_ipv4(nif, &ip, (uint8_t)prefix, d->lease.router ? &gw : NULL);
    }
    nif->mtu = d->lease.mtu && d->lease.mtu <= d->link_mtu ? d->lease.mtu : d->link_mtu;
    set_dns(d, true);
    d->configured = 1;
}

static void unconfigure(tern_dhcp *d) {
#if TERN_CFG_ARP_ACD
    tern_acd_stop(stack_of(d), &d->acd);
#endif
    if (!d->configured)
        return;
    if (d->nif->ip4 == d->lease.ip)
        (void)tern_netif_set_ipv4(d->nif, NULL, 0, NULL);
    d->nif->mtu = d->link_mtu;
    set_dns(d, false);
    d->configured = 0;
}

/* ---- States ----------------------------------------------------------------------- */

static void discover(tern_dhcp *d) {
    new_exchange(d, TERN_DHCP_SELECTING);
    transmit(d, TERN_DHCP_DISCOVER);
}

enum { RESTART, RESTART_REFUSED, RESTART_DECLINE };

/* Leave the exchange or the lease in use (the address goes) and start again
 * from INIT: at once, or (RESTART_DECLINE: the address is in use) after a
 * DECLINE and a wait. An address refused (NAK, conflict) is not asked for
 * again. The application hears of a lease lost. */
static void restart(tern_dhcp *d, unsigned how) {
    tern_stack *s = stack_of(d);
    bool was_configured = d->configured;
    unconfigure(d); /* stop using the address before anything else */
    if (was_configured)
        d->unbound_since = s->now;
    if (how != RESTART && d->previous == d->lease.ip)
        d->previous = 0;
    if (how == RESTART_DECLINE) {
        TERN_STAT_INC(s, DHCP_DECLINE);
        send_msg(d, TERN_DHCP_DECLINE); /* (carries lease.ip, not previous) */
        d->state = TERN_DHCP_INIT;
        tern_timer_arm(s, &d->timer, DECLINE_WAIT_MS);
    } else {
        discover(d);
    }
    if (was_configured)
        notify(d, TERN_DHCP_EV_LOST);
}

/* Use the lease (again: ev is TERN_DHCP_EV_RENEWED) until T1. */
static void bind(tern_dhcp *d, enum tern_dhcp_event ev) {
    configure(d);
    d->previous = d->lease.ip;
    d->state = TERN_DHCP_BOUND;
    if (d->lease.lease_s == INFINITE_LEASE)
        tern_timer_cancel(stack_of(d), &d->timer);
    else
        tern_timer_arm_at(stack_of(d), &d->timer, d->t1_at);
    notify(d, ev);
}

/* RENEWING: until T2; REBINDING: until the lease expires. */
static uint32_t deadline_of(const tern_dhcp *d) {
    return d->state == TERN_DHCP_RENEWING ? d->t2_at : d->expires_at;
}

/* RENEWING and REBINDING: retransmit after half the time left to the
 * deadline, at least 60 s, and never past it (RFC 2131 4.4.5). */
static void lease_retransmit(tern_dhcp *d) {
    tern_stack *s = stack_of(d);
    uint32_t deadline = deadline_of(d);
    uint32_t left = tern_time_before(s->now, deadline) ? deadline - s->now : 0;
    uint32_t wait = left / 2u < LEASE_RETX_MIN_MS ? LEASE_RETX_MIN_MS : left / 2u;
    d->tries++;
    send_msg(d, TERN_DHCP_REQUEST);
    tern_timer_arm(s, &d->timer, wait < left ? wait : left);
}

static void enter_lease_state(tern_dhcp *d, unsigned state) {
    new_exchange(d, state);
    lease_retransmit(d);
}

#if TERN_CFG_ARP_ACD
static void on_acd(void *ctx, tern_acd *acd, enum tern_acd_event ev) {
    tern_dhcp *d = ctx;
    (void)acd;
    if (ev == TERN_ACD_OK) {
        if (d->state == TERN_DHCP_CHECKING)
            bind(d, TERN_DHCP_EV_BOUND);
        return;
    }
    if (d->state != TERN_DHCP_OFF)
        restart(d, RESTART_DECLINE); /* probe found it in use, or a defence was lost */
}
#endif

/* ACK for a new address: probe it first when conflict detection is on.
 * False if it is not probed (bind it now). */
static bool check(tern_dhcp *d) {
#if TERN_CFG_ARP_ACD
    tern_addr ip = tern_addr_ipv4(d->lease.ip);
    d->state = TERN_DHCP_CHECKING;
    tern_timer_cancel(stack_of(d), &d->timer);
    return tern_acd_start(d->nif, &d->acd, &ip, on_acd, d) == TERN_OK;
#else
    (void)d;
    return false;
#endif
}

/* ---- AutoIP fallback ----------------------------------------------------------------- */

#if TERN_CFG_AUTOIP
static void on_autoip(void *ctx, tern_autoip *a, bool bound) {
    tern_dhcp *d = ctx;
    (void)a;
    notify(d, bound ? TERN_DHCP_EV_LINKLOCAL : TERN_DHCP_EV_LINKLOCAL_LOST);
}
#endif

static void maybe_fallback(tern_dhcp *d) {
#if TERN_CFG_AUTOIP
    tern_stack *s = stack_of(d);
    /* (Only while SELECTING: no lease is configured.) */
    if (!d->autoip_after_s || d->autoip_on)
        return;
    if (s->now - d->unbound_since < (uint32_t)d->autoip_after_s * 1000u)
        return;
    if (tern_autoip_start(d->nif, &d->autoip, on_autoip, d) == TERN_OK)
        d->autoip_on = 1;
#else
    (void)d;
#endif
}

/* ---- The timer ----------------------------------------------------------------------- */

static void dhcp_timer(tern_stack *s, tern_timer *t) {
    tern_dhcp *d = dhcp_of_timer(t);
    unsigned state = d->state;
    switch (state) {
    case TERN_DHCP_INIT:
        discover(d);
        break;
    case TERN_DHCP_SELECTING:
        maybe_fallback(d);
        transmit(d, TERN_DHCP_DISCOVER);
        break;
    case TERN_DHCP_REQUESTING:
    case TERN_DHCP_REBOOTING:
        if (d->tries >= (state == TERN_DHCP_REQUESTING ? REQUEST_TRIES : REBOOT_TRIES))
            restart(d, RESTART);
        else
            transmit(d, TERN_DHCP_REQUEST);
        break;
    case TERN_DHCP_BOUND:
    case TERN_DHCP_RENEWING:
    case TERN_DHCP_REBINDING:
        if (state != TERN_DHCP_BOUND && tern_time_before(s->now, deadline_of(d))) {
            lease_retransmit(d);
        } else if (state == TERN_DHCP_REBINDING) {
            TERN_STAT_INC(s, DHCP_LEASE_LOST);
            restart(d, RESTART);
        } else {
            enter_lease_state(d, state + 1u); /* BOUND -> RENEWING -> REBINDING */
        }
        break;
    default:
        break;
    }
}

/* ---- Receiving -------------------------------------------------------------------------- */

_Static_assert(TERN_DHCP_WIRE_ADDRS >= TERN_CFG_DHCP_SERVERS, "the parser keeps enough addresses");

/* The first count addresses, at most TERN_CFG_DHCP_SERVERS (the parser
 * leaves the unused ones zero). */
static uint8_t copy_addrs(uint32_t *dst, const uint32_t *src, unsigned count) {
    memcpy(dst, src, TERN_CFG_DHCP_SERVERS * sizeof *dst);
    return (uint8_t)(count < TERN_CFG_DHCP_SERVERS ? count : TERN_CFG_DHCP_SERVERS);
}

/* T1/T2 as used: the server's when they make sense, else 1/2 and 7/8. */
static void lease_times(tern_dhcp_lease *l, const tern_dhcp_msg *m) {
    uint32_t timed = m->lease_s > MAX_TIMED_LEASE_S ? MAX_TIMED_LEASE_S : m->lease_s;
    l->lease_s = m->lease_s;
    l->t2_s = (m->has & TERN_DHCP_HAS_T2) && m->t2_s < timed ? m->t2_s : timed - timed / 8u;
    l->t1_s = (m->has & TERN_DHCP_HAS_T1) && m->t1_s <= l->t2_s ? m->t1_s : timed / 2u;
    if (l->t1_s > l->t2_s)
        l->t1_s = l->t2_s;
}

/* (Every field is written.) */
static void lease_from(tern_dhcp_lease *l, const tern_dhcp_msg *m) {
    l->ip = m->yiaddr;
    l->server = m->server_id;
    l->mask = (m->has & TERN_DHCP_HAS_MASK) ? m->mask : default_mask(m->yiaddr);
    l->router = m->router[0]; /* (0 without the option) */
    l->ndns = copy_addrs(l->dns, m->dns, m->ndns);
    l->nntp = copy_addrs(l->ntp, m->ntp, m->nntp);
    l->mtu = m->mtu;
    if (sizeof l->domain == sizeof m->domain) { /* (the parser keeps it NUL-terminated) */
        memcpy(l->domain, m->domain, sizeof l->domain);
    } else {
        size_t n = strlen(m->domain);
        l->domain[0] = '\0';
        if (n <= TERN_CFG_DHCP_DOMAIN_MAX)
            memcpy(l->domain, m->domain, n + 1u);
    }
    lease_times(l, m);
}

/* Start the lease clock at the first REQUEST of the exchange. */
static void start_lease_clock(tern_dhcp *d) {
    d->t1_at = d->lease_start + d->lease.t1_s * 1000u;
    d->t2_at = d->lease_start + d->lease.t2_s * 1000u;
    uint32_t timed = d->lease.lease_s > MAX_TIMED_LEASE_S ? MAX_TIMED_LEASE_S : d->lease.lease_s;
    d->expires_at = d->lease_start + timed * 1000u;
}

static void on_offer(tern_dhcp *d, const tern_dhcp_msg *m) {
    lease_from(&d->lease, m);
    enter(d, TERN_DHCP_REQUESTING);
    transmit(d, TERN_DHCP_REQUEST);
}

static void on_ack(tern_dhcp *d, const tern_dhcp_msg *m) {
    bool same = d->configured && m->yiaddr == d->lease.ip, moved = d->configured && !same;
    if (moved) { /* the server gave us another address: drop the old one */
        unconfigure(d);
        TERN_STAT_INC(stack_of(d), DHCP_LEASE_LOST);
    }
    lease_from(&d->lease, m);
    start_lease_clock(d);
    if (same)
        bind(d, TERN_DHCP_EV_RENEWED); /* options may have changed */
    else if (!check(d))
        bind(d, TERN_DHCP_EV_BOUND);
    if (moved)
        notify(d, TERN_DHCP_EV_LOST);
}

/* An address a server may hand out: not 0/8, loopback, class D/E. */
static bool usable_address(uint32_t ip) {
    unsigned first = ip >> 24;
    return first != 0 && first != 127 && first < 224;
}

static bool well_formed(const tern_dhcp_msg *m) {
    if (!m->type)
        return false;
    if (m->type == TERN_DHCP_NAK)
        return (m->has & TERN_DHCP_HAS_SERVER_ID) != 0;
    if (m->type != TERN_DHCP_OFFER && m->type != TERN_DHCP_ACK)
        return true;
    if (!(m->has & TERN_DHCP_HAS_SERVER_ID) || !usable_address(m->yiaddr))
        return false;
    if ((m->has & TERN_DHCP_HAS_MASK) && !usable_mask(m->mask))
        return false;
    return m->type == TERN_DHCP_OFFER || (m->has & TERN_DHCP_HAS_LEASE);
}

static bool ours(const tern_dhcp *d, const tern_dhcp_msg *m, const tern_udp_info *info) {
    return info->ifindex == d->nif->index && m->op == TERN_DHCP_OP_REPLY && m->htype == TERN_DHCP_HTYPE_ETH &&
           m->hlen == 6 && m->xid == d->xid && memcmp(m->chaddr, d->nif->hwaddr, 6) == 0;
}

/* May this ACK or NAK come from that server in this state? */
static bool from_our_server(const tern_dhcp *d, const tern_dhcp_msg *m) {
    if (d->state == TERN_DHCP_REQUESTING || d->state == TERN_DHCP_RENEWING)
        return m->server_id == d->lease.server;
    return d->state == TERN_DHCP_REBOOTING || d->state == TERN_DHCP_REBINDING;
}

static void dispatch(tern_dhcp *d, const tern_dhcp_msg *m) {
    tern_stack *s = stack_of(d);
    if (m->type == TERN_DHCP_OFFER && d->state == TERN_DHCP_SELECTING)
        on_offer(d, m);
    else if (m->type == TERN_DHCP_ACK && from_our_server(d, m))
        on_ack(d, m);
    else if (m->type == TERN_DHCP_NAK && from_our_server(d, m)) {
        TERN_STAT_INC(s, DHCP_NAK);
        restart(d, RESTART_REFUSED);
    } else
        TERN_STAT_INC(s, DHCP_DROP_UNEXPECTED);
}

static void on_datagram(void *ctx, tern_udp_pcb *pcb, tern_pbuf *p, const tern_udp_info *info) {
    tern_dhcp *d = ctx;
    tern_stack *s = pcb->stack;
    uint8_t scratch[TERN_CFG_DHCP_MSG_MAX];
    tern_dhcp_msg m;
    const uint8_t *msg = NULL;
    TERN_STAT_INC(s, DHCP_RX);
    if (p->len == p->tot_len || p->tot_len <= sizeof scratch) /* (in place when contiguous) */
        msg = tern_pbuf_view(p, 0, p->tot_len, scratch);
    if (!msg || !tern_dhcp_parse(msg, p->tot_len, &m))
        TERN_STAT_INC(s, DHCP_DROP_MALFORMED);
    else if (!ours(d, &m, info))
        TERN_STAT_INC(s, DHCP_DROP_MISMATCH);
    else if (!well_formed(&m))
        TERN_STAT_INC(s, DHCP_DROP_MALFORMED);
    else
        dispatch(d, &m);
    tern_pbuf_free(s, p);
}

/* ---- API ------------------------------------------------------------------------------------ */

static tern_err open_pcb(tern_dhcp *d, tern_stack *s) {
    tern_udp_pcb *pcb = tern_udp_new(s);
    if (!pcb)
        return TERN_ERR_NOMEM;
    /* Several interfaces may each run a client on port 68. */
    tern_udp_set_flags(pcb, TERN_UDP_F_BROADCAST | TERN_UDP_F_REUSE, true);
    tern_err err = tern_udp_bind(pcb, NULL, TERN_DHCP_CLIENT_PORT);
    if (err) {
        tern_udp_free(pcb);
        return err;
    }
    tern_udp_set_recv(pcb, on_datagram, d);
    d->pcb = pcb;
    return TERN_OK;
}

static tern_err take_config(tern_dhcp *d, const tern_dhcp_config *cfg) {
    if (!cfg)
        return TERN_OK;
    if (cfg->previous.family && cfg->previous.family != TERN_AF_INET)
        return TERN_ERR_INVAL;
    if (cfg->hostname) {
        size_t n = strlen(cfg->hostname);
        if (n > TERN_CFG_DHCP_HOSTNAME_MAX)
            return TERN_ERR_INVAL;
        memcpy(d->hostname, cfg->hostname, n + 1u);
    }
    d->previous = tern_addr_get_ipv4(&cfg->previous);
    d->autoip_after_s = cfg->autoip_after_s;
    return TERN_OK;
}

tern_err tern_dhcp_start(tern_netif *nif, tern_dhcp *d, const tern_dhcp_config *cfg, tern_dhcp_fn cb,
                         void *ctx) {
    if (!nif || !nif->stack || !d || nif->link_type != TERN_LINK_ETHERNET)
        return TERN_ERR_INVAL;
    memset(d, 0, sizeof *d); /* (nif stays NULL on an error) */
    tern_err err = take_config(d, cfg);
    if (!err)
        err = open_pcb(d, nif->stack);
    if (err)
        return err;
    d->nif = nif;
    d->cb = cb;
    d->ctx = ctx;
    d->link_mtu = nif->mtu;
    d->unbound_since = nif->stack->now;
    tern_timer_init(&d->timer, dhcp_timer);
    /* A remembered address: INIT-REBOOT, a REQUEST for it (no server
     * named: the lease is still all zero). */
    unsigned state = TERN_DHCP_SELECTING, type = TERN_DHCP_DISCOVER;
    if (d->previous) {
        state = TERN_DHCP_REBOOTING;
        type = TERN_DHCP_REQUEST;
    }
    new_exchange(d, state);
    d->lease.ip = d->previous;
    transmit(d, type);
    return TERN_OK;
}

tern_err tern_dhcp_renew(tern_dhcp *d) {
    if (!d || !d->nif || !d->pcb)
        return TERN_ERR_INVAL;
    if (leased(d)) {
        enter_lease_state(d, TERN_DHCP_RENEWING);
        return TERN_OK;
    }
    if (d->state == TERN_DHCP_OFF)
        d->unbound_since = stack_of(d)->now;
    if (d->state != TERN_DHCP_CHECKING)
        restart(d, RESTART);
    return TERN_OK;
}

/* Cancel everything in progress; the address goes if we set it. */
static void halt(tern_dhcp *d) {
    tern_timer_cancel(stack_of(d), &d->timer);
    unconfigure(d);
#if TERN_CFG_AUTOIP
    if (d->autoip_on)
        tern_autoip_stop(&d->autoip);
    d->autoip_on = 0;
#endif
    d->state = TERN_DHCP_OFF;
}

tern_err tern_dhcp_release(tern_dhcp *d) {
    if (!d || !d->nif || !leased(d))
        return TERN_ERR_NOTCONN;
    send_msg(d, TERN_DHCP_RELEASE);
    d->previous = 0;
    halt(d);
    return TERN_OK;
}

void tern_dhcp_stop(tern_dhcp *d) {
    if (!d || !d->nif)
        return;
    halt(d);
    tern_udp_free(d->pcb);
    d->pcb = NULL;
}

static uint32_t seconds_left(const tern_dhcp *d, uint32_t at) {
    const tern_stack *s = d->nif->stack;
    if (!leased(d) || d->lease.lease_s == INFINITE_LEASE)
        return UINT32_MAX;
    return tern_time_before(s->now, at) ? (at - s->now) / 1000u : 0;
}

static void info_addrs(tern_addr *dst, unsigned *n, const uint32_t *src, uint8_t count) {
    *n = count;
    for (unsigned i = 0; i < count; i++)
        dst[i] = tern_addr_ipv4(src[i]);
}

void tern_dhcp_get_info(const tern_dhcp *d, tern_dhcp_info *info) {
    memset(info, 0, sizeof *info);
    info->state = tern_dhcp_state_name(d->nif ? d->state : TERN_DHCP_OFF);
    info->t1_left_s = info->t2_left_s = info->expires_left_s = UINT32_MAX;
    if (!d->nif)
        return;
    info->bound = leased(d);
    info->addr = tern_addr_ipv4(info->bound ? d->lease.ip : 0);
    info->mask = tern_addr_ipv4(info->bound ? d->lease.mask : 0);
    info->router = tern_addr_ipv4(d->lease.router);
    info->server = tern_addr_ipv4(d->lease.server);
    info_addrs(info->dns, &info->ndns, d->lease.dns, d->lease.ndns);
    info_addrs(info->ntp, &info->nntp, d->lease.ntp, d->lease.nntp);
    info->lease_s = d->lease.lease_s;
    info->t1_left_s = seconds_left(d, d->t1_at);
    info->t2_left_s = seconds_left(d, d->t2_at);
    info->expires_left_s = seconds_left(d, d->expires_at);
    info->mtu = d->lease.mtu;
    memcpy(info->domain, d->lease.domain, sizeof info->domain);
#if TERN_CFG_AUTOIP
    info->linklocal = d->autoip_on && d->autoip.state == TERN_AUTOIP_BOUND;
    info->linklocal_addr = tern_addr_ipv4(info->linklocal ? d->autoip.ip : 0);
#endif
}

#endif
