/*
 * Stateless DHCPv6 client (see tern/dhcp6.h). One timer per client for
 * every deadline: the initial delay, the wait for the link-local address,
 * retransmissions and the refresh. Replies are checked whole by the wire
 * layer (src/wire/dhcp6.c) before anything in them is used.
 */
#include "tern/dhcp6.h"

#include <string.h>

#include "core/core.h"
#include "ipv6/ipv6_priv.h"
#include "tern/stack.h"
#include "tern/udp.h"
#include "wire/dhcp6.h"
#include "wire/ipv6.h"

#if TERN_CFG_DHCP6

#define INF_MAX_DELAY_MS 1000u /* RFC 8415 7.6 */
#define INF_TIMEOUT_MS 1000u   /* IRT of an Information-Request */
#define INF_MAX_RT_S 3600u     /* MRT unless option 83 says otherwise */
#define INF_MAX_RT_MIN_S 60u   /* RFC 8415 21.25: values outside are ignored */
#define INF_MAX_RT_MAX_S 86400u
#define IRT_DEFAULT_S 86400u /* RFC 8415 7.6 */
#define IRT_MINIMUM_S 600u
#define MAX_TIMED_S 2000000u  /* deadlines stay within 2^31 ms (infinite is timed as this) */
#define LL_POLL_MS 1000u      /* while the link-local address is tentative ... */
#define LL_POLL_STEADY 8u     /* ... that many times, then */
#define LL_POLL_MAX_MS 64000u /* ... doubling up to this (it may never come: duplicate) */

static const uint8_t all_servers[16] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2};

static const char *const state_names[] = {"off", "wait-ra", "wait-ll", "requesting", "done"};

const char *tern_dhcp6_state_name(uint8_t state) {
    return state < sizeof state_names / sizeof state_names[0] ? state_names[state] : "?";
}

static tern_dhcp6 *dhcp6_of_timer(tern_timer *t) {
    return (tern_dhcp6 *)(void *)((uint8_t *)t - offsetof(tern_dhcp6, timer));
}

static tern_stack *stack_of(const tern_dhcp6 *d) {
    return d->nif->stack;
}

/* RAND x base: a random value in -base/10..+base/10 (RFC 8415 15), added to x. */
static uint32_t plus_rand(tern_dhcp6 *d, uint32_t x, uint32_t base) {
    uint32_t j = base / 10u;
    return x - j + tern_random(stack_of(d)) % (2u * j + 1u);
}

/* RT for the next retransmission (RFC 8415 15): IRT + RAND*IRT, then
 * 2*RTprev + RAND*RTprev, at most MRT + RAND*MRT. */
static uint32_t next_rt(tern_dhcp6 *d) {
    uint32_t mrt = d->max_rt_s * 1000u;
    uint32_t rt =
        d->tries <= 1u ? plus_rand(d, INF_TIMEOUT_MS, INF_TIMEOUT_MS) : plus_rand(d, 2u * d->rt_ms, d->rt_ms);
    if (rt > mrt)
        rt = plus_rand(d, mrt, mrt);
    return rt;
}

static bool linklocal_ready(const tern_netif *nif) {
    for (unsigned i = 0; i < TERN_CFG_IPV6_ADDRS; i++) {
        const tern_ipv6_ifaddr *a = &nif->ip6.addrs[i];
        if (tern_ipv6_is_linklocal(a->addr) &&
            (a->state == TERN_IPV6_ADDR_PREFERRED || a->state == TERN_IPV6_ADDR_DEPRECATED))
            return true;
    }
    return false;
}

static void send_request(tern_dhcp6 *d) {
    tern_stack *s = stack_of(d);
    uint8_t buf[TERN_DHCP6_INFO_REQ_LEN];
    uint32_t cs = (s->now - d->exchange_start) / 10u;
    size_t len = tern_dhcp6_write_info_request(buf, sizeof buf, d->xid, d->nif->hwaddr,
                                               (uint16_t)(cs > 0xFFFFu ? 0xFFFFu : cs));
    tern_pbuf *p = len ? tern_pbuf_alloc(s, TERN_PBUF_TRANSPORT_HEADROOM, (uint16_t)len) : NULL;
    if (!p)
        return; /* like a lost message: the timer retransmits */
    tern_pbuf_copy_in(p, 0, buf, (uint16_t)len);
    tern_addr to = tern_addr_ipv6(all_servers, d->nif->index);
    d->pcb->mcast_ifindex = d->nif->index;
    TERN_STAT_INC(s, DHCP6_TX);
    (void)tern_udp_sendto(d->pcb, p, &to, TERN_DHCP6_SERVER_PORT);
}

static void transmit(tern_dhcp6 *d) {
    if (d->tries < UINT16_MAX)
        d->tries++;
    send_request(d);
    d->rt_ms = next_rt(d);
    tern_timer_arm(stack_of(d), &d->timer, d->rt_ms);
}

static void new_exchange(tern_dhcp6 *d) {
    tern_stack *s = stack_of(d);
    d->state = TERN_DHCP6_REQUESTING;
    d->tries = 0;
    d->rt_ms = 0;
    d->xid = tern_random(s) & 0xFFFFFFu;
    d->exchange_start = s->now;
    transmit(d);
}

/* First message after a random delay of up to INF_MAX_DELAY (RFC 8415 18.2.6). */
static void delayed_start(tern_dhcp6 *d) {
    d->state = TERN_DHCP6_WAIT_LL;
    d->tries = 0;
    d->rt_ms = 0;
    tern_timer_arm(stack_of(d), &d->timer, tern_random(stack_of(d)) % (INF_MAX_DELAY_MS + 1u));
}

static void dhcp6_timer(tern_stack *s, tern_timer *t) {
    tern_dhcp6 *d = dhcp6_of_timer(t);
    switch (d->state) {
    case TERN_DHCP6_WAIT_LL:
        if (linklocal_ready(d->nif)) {
            new_exchange(d);
        } else {
            /* Every second while DAD may still be running, then less often. */
            d->tries++;
            d->rt_ms = d->tries <= LL_POLL_STEADY        ? LL_POLL_MS
                       : d->rt_ms >= LL_POLL_MAX_MS / 2u ? LL_POLL_MAX_MS
                                                         : 2u * d->rt_ms;
            tern_timer_arm(s, &d->timer, d->rt_ms);
        }
        break;
    case TERN_DHCP6_REQUESTING:
        transmit(d);
        break;
    case TERN_DHCP6_DONE:
        new_exchange(d);
        break;
    default:
        break;
    }
}

static void on_other_config(void *ctx, uint8_t flags) {
    tern_dhcp6 *d = ctx;
    (void)flags;
    if (d->state == TERN_DHCP6_WAIT_RA)
        delayed_start(d);
}

/* ---- The Reply ---------------------------------------------------------------- */

static void set_servers(tern_dhcp6 *d, uint32_t lifetime_s) {
    for (unsigned i = 0; i < d->ndns; i++)
        tern_ipv6_dns_update(d->nif, d->dns[i], lifetime_s);
    tern_ipv6_rearm(stack_of(d));
}

static bool usable_server(const uint8_t a[16]) {
    return !tern_ipv6_is_multicast(a) && !tern_ipv6_is_unspecified(a) && !tern_ipv6_is_loopback(a);
}

static void take_reply(tern_dhcp6 *d, const tern_dhcp6_reply *r) {
    tern_stack *s = stack_of(d);
    if (r->has_inf_max_rt && r->inf_max_rt >= INF_MAX_RT_MIN_S && r->inf_max_rt <= INF_MAX_RT_MAX_S)
        d->max_rt_s = r->inf_max_rt;
    uint32_t refresh = r->has_refresh ? r->refresh_s : IRT_DEFAULT_S;
    if (refresh < IRT_MINIMUM_S)
        refresh = IRT_MINIMUM_S;
    d->refresh_s = refresh;
    if (refresh > MAX_TIMED_S)
        refresh = MAX_TIMED_S;
    set_servers(d, 0); /* forget the previous Reply's servers */
    d->ndns = 0;
    for (unsigned i = 0; i < r->ndns && d->ndns < TERN_CFG_DHCP6_DNS_SERVERS; i++)
        if (usable_server(r->dns[i]))
            memcpy(d->dns[d->ndns++], r->dns[i], 16);
    if (!d->ndns)
        TERN_STAT_INC(s, DHCP6_NO_DNS);
    set_servers(d, refresh + d->max_rt_s);
    TERN_STAT_INC(s, DHCP6_REPLY);
    if (d->replies < UINT8_MAX)
        d->replies++;
    d->state = TERN_DHCP6_DONE;
    d->refresh_at = s->now + refresh * 1000u;
    tern_timer_arm_at(s, &d->timer, d->refresh_at);
    if (d->cb)
        d->cb(d->ctx, d, TERN_DHCP6_EV_INFO);
}

static void handle(tern_dhcp6 *d, const uint8_t *msg, size_t len, const tern_udp_info *info) {
    tern_stack *s = stack_of(d);
    tern_dhcp6_reply r;
    if (d->state != TERN_DHCP6_REQUESTING || info->ifindex != d->nif->index ||
        info->sport != TERN_DHCP6_SERVER_PORT || info->src.family != TERN_AF_INET6) {
        TERN_STAT_INC(s, DHCP6_DROP_UNEXPECTED);
        return;
    }
    switch (tern_dhcp6_parse_reply(msg, len, d->xid, d->nif->hwaddr, &r)) {
    case TERN_DHCP6_PARSE_OK:
        take_reply(d, &r);
        break;
    case TERN_DHCP6_PARSE_TYPE:
        TERN_STAT_INC(s, DHCP6_DROP_TYPE);
        break;
    case TERN_DHCP6_PARSE_MISMATCH:
        TERN_STAT_INC(s, DHCP6_DROP_MISMATCH);
        break;
    case TERN_DHCP6_PARSE_STATUS: /* keep asking (RFC 8415 18.2.10: try again) */
        TERN_STAT_INC(s, DHCP6_DROP_STATUS);
        break;
    default:
        TERN_STAT_INC(s, DHCP6_DROP_MALFORMED);
        break;
    }
}

static void on_datagram(void *ctx, tern_udp_pcb *pcb, tern_pbuf *p, const tern_udp_info *info) {
    tern_dhcp6 *d = ctx;
    tern_stack *s = pcb->stack;
    uint8_t scratch[TERN_CFG_DHCP6_MSG_MAX];
    const uint8_t *msg = NULL;
    TERN_STAT_INC(s, DHCP6_RX);
    if (p->len == p->tot_len)
        msg = p->payload;
    else if (p->tot_len <= sizeof scratch)
        msg = tern_pbuf_view(p, 0, p->tot_len, scratch);
    if (!msg)
        TERN_STAT_INC(s, DHCP6_DROP_MALFORMED);
    else
        handle(d, msg, p->tot_len, info);
    tern_pbuf_free(s, p);
}

/* ---- API ---------------------------------------------------------------------- */

tern_err tern_dhcp6_start(tern_netif *nif, tern_dhcp6 *d, uint8_t mode, tern_dhcp6_fn cb, void *ctx) {
    if (!nif || !nif->stack || !d || nif->link_type != TERN_LINK_ETHERNET || !nif->ip6.enabled ||
        mode > TERN_DHCP6_ON_RA || nif->ip6.other_config)
        return TERN_ERR_INVAL;
    memset(d, 0, sizeof *d);
    tern_udp_pcb *pcb = tern_udp_new(nif->stack);
    if (!pcb)
        return TERN_ERR_NOMEM;
    tern_udp_set_flags(pcb, TERN_UDP_F_REUSE, true); /* a client per interface */
    tern_err err = tern_udp_bind(pcb, NULL, TERN_DHCP6_CLIENT_PORT);
    if (err) {
        tern_udp_free(pcb);
        return err;
    }
    tern_udp_set_recv(pcb, on_datagram, d);
    d->nif = nif;
    d->pcb = pcb;
    d->cb = cb;
    d->ctx = ctx;
    d->max_rt_s = INF_MAX_RT_S;
    d->refresh_s = IRT_DEFAULT_S;
    tern_timer_init(&d->timer, dhcp6_timer);
    nif->ip6.other_config = on_other_config;
    nif->ip6.other_config_ctx = d;
    if (mode == TERN_DHCP6_ON_RA)
        d->state = TERN_DHCP6_WAIT_RA;
    else
        delayed_start(d);
    return TERN_OK;
}

tern_err tern_dhcp6_refresh(tern_dhcp6 *d) {
    if (!d || !d->nif || d->state == TERN_DHCP6_OFF)
        return TERN_ERR_INVAL;
    if (!linklocal_ready(d->nif)) {
        delayed_start(d);
        return TERN_OK;
    }
    new_exchange(d);
    return TERN_OK;
}

void tern_dhcp6_stop(tern_dhcp6 *d) {
    if (!d || !d->nif || d->state == TERN_DHCP6_OFF)
        return;
    tern_timer_cancel(stack_of(d), &d->timer);
    set_servers(d, 0);
    d->ndns = 0;
    if (d->nif->ip6.other_config_ctx == d) {
        d->nif->ip6.other_config = NULL;
        d->nif->ip6.other_config_ctx = NULL;
    }
    tern_udp_free(d->pcb);
    d->pcb = NULL;
    d->state = TERN_DHCP6_OFF;
}

#endif
