/*
 * IPv4 address conflict detection (RFC 5227): probe an address before use,
 * announce it, then defend it. DHCP and AutoIP drive this API.
 */
#include <string.h>

#include "core/core.h"
#include "link/link.h"

#if TERN_CFG_IPV4

#if TERN_CFG_ARP_ACD

/* RFC 5227 section 1.1 constants, milliseconds. */
#define PROBE_WAIT 1000u
#define PROBE_NUM 3u
#define PROBE_MIN 1000u
#define PROBE_MAX 2000u
#define ANNOUNCE_WAIT 2000u
#define ANNOUNCE_NUM 2u
#define ANNOUNCE_INTERVAL 2000u
#define DEFEND_INTERVAL 10000u

/* Checking covers the wait, the probes and the announcements (count tells
 * them apart: only ongoing defence behaves differently). */
enum { ACD_IDLE, ACD_CHECKING, ACD_ONGOING };

static const uint8_t zero_mac[6];

static tern_acd *acd_of(tern_timer *t) {
    return (tern_acd *)(void *)((uint8_t *)t - offsetof(tern_acd, timer));
}

static uint32_t random_between(tern_stack *s, uint32_t lo, uint32_t hi) {
    return lo + tern_random(s) % (hi - lo + 1u);
}

static void unlink_acd(tern_stack *s, tern_acd *acd) {
    for (tern_acd **pp = &s->arp.acd_list; *pp; pp = &(*pp)->next) {
        if (*pp == acd) {
            *pp = acd->next;
            break;
        }
    }
    acd->next = NULL;
    tern_timer_cancel(s, &acd->timer);
    acd->state = ACD_IDLE;
}

static void report(tern_stack *s, tern_acd *acd, enum tern_acd_event ev) {
    if (ev == TERN_ACD_CONFLICT)
        unlink_acd(s, acd);
    if (acd->cb)
        acd->cb(acd->ctx, acd, ev);
}

/* A probe (sender 0.0.0.0) or an announcement (sender ip), both requests
 * for ip. */
static TERN_NOINLINE void send_arp(tern_acd *acd, uint32_t sender) {
    (void)tern_arp_send(acd->nif, TERN_ARP_OP_REQUEST, tern_eth_broadcast, zero_mac, sender, acd->ip);
}

/* count numbers the transmissions: PROBE_NUM probes, then ANNOUNCE_NUM
 * announcements. (The timer runs only from the probe wait to the last
 * announcement: never when idle or ongoing.) */
static void acd_timer(tern_stack *s, tern_timer *t) {
    tern_acd *acd = acd_of(t);
    unsigned n = acd->count++;
    send_arp(acd, n < PROBE_NUM ? 0 : acd->ip);
    if (++n < PROBE_NUM) {
        tern_timer_arm(s, t, random_between(s, PROBE_MIN, PROBE_MAX));
    } else if (n < PROBE_NUM + ANNOUNCE_NUM) {
        tern_timer_arm(s, t, n == PROBE_NUM ? ANNOUNCE_WAIT : ANNOUNCE_INTERVAL);
    } else {
        acd->state = ACD_ONGOING;
        report(s, acd, TERN_ACD_OK);
    }
}

tern_err tern_acd_start(tern_netif *nif, tern_acd *acd, const tern_addr *ip, tern_acd_fn cb, void *ctx) {
    tern_stack *s = nif->stack;
    uint32_t addr = ip ? tern_addr_get_ipv4(ip) : 0; /* (0 unless an IPv4 address) */
    if (!s || !acd || !addr)
        return TERN_ERR_INVAL;
    unlink_acd(s, acd);
    /* Every field is set below (timer by tern_timer_init, next by the link). */
    acd->count = 0;
    acd->nif = nif;
    acd->ip = addr;
    acd->cb = cb;
    acd->ctx = ctx;
    acd->state = ACD_CHECKING;
    acd->last_defend = s->now - DEFEND_INTERVAL;
    tern_timer_init(&acd->timer, acd_timer);
    acd->next = s->arp.acd_list;
    s->arp.acd_list = acd;
    tern_timer_arm(s, &acd->timer, random_between(s, 0, PROBE_WAIT));
    return TERN_OK;
}

void tern_acd_stop(tern_stack *s, tern_acd *acd) {
    unlink_acd(s, acd);
}

void tern_acd_netif_removed(tern_stack *s, tern_netif *nif) {
    tern_acd *acd = s->arp.acd_list;
    while (acd) {
        tern_acd *next = acd->next;
        if (acd->nif == nif)
            unlink_acd(s, acd);
        acd = next;
    }
}

static void check_one(tern_stack *s, tern_acd *acd, const tern_arp_repr *r) {
    bool ongoing = acd->state == ACD_ONGOING;
    if (r->spa != acd->ip) {
        /* Not a claim: while probing, another host probing for it counts too. */
        if (!ongoing && r->spa == 0 && r->tpa == acd->ip && r->op == TERN_ARP_OP_REQUEST)
            report(s, acd, TERN_ACD_CONFLICT);
        return;
    }
    /* A claim. Defend once per DEFEND_INTERVAL; a second conflict within it
     * loses, as does any before the address is ours. */
    if (ongoing && s->now - acd->last_defend >= DEFEND_INTERVAL) {
        acd->last_defend = s->now;
        send_arp(acd, acd->ip);
        return;
    }
    report(s, acd, TERN_ACD_CONFLICT);
}

void tern_acd_arp_input(tern_netif *nif, const tern_arp_repr *r) {
    tern_stack *s = nif->stack;
    tern_acd *acd = s->arp.acd_list;
    while (acd) {
        tern_acd *next = acd->next; /* a report may unlink acd */
        if (acd->nif == nif)        /* (listed: not idle) */
            check_one(s, acd, r);
        acd = next;
    }
}

#endif

#endif /* TERN_CFG_IPV4 */
