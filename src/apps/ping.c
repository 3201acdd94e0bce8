/* Ping client (tern/ping.h): echo requests on a timer, ICMP for IPv4
 * destinations and ICMPv6 for IPv6 ones, replies matched by id and seq. */
#include "core/core.h"
#include "tern/ping.h"
#include "tern/stack.h"
#include "wire/transport.h"

#include <string.h>
#if TERN_CFG_IPV4
#include "core/chksum.h"
#include "ipv4/ipv4_priv.h"
#endif
#if TERN_CFG_IPV6
#include "ipv6/ipv6_priv.h"
#endif

#if TERN_CFG_PING

static tern_ping *ping_of(tern_timer *t) {
    return (tern_ping *)(void *)((uint8_t *)t - offsetof(tern_ping, timer));
}

static void unlink_ping(tern_stack *s, tern_ping *ping) {
    for (tern_ping **pp = &s->ping.list; *pp; pp = &(*pp)->next) {
        if (*pp == ping) {
            *pp = ping->next;
            break;
        }
    }
    ping->next = NULL;
    tern_timer_cancel(s, &ping->timer);
}

static void report(tern_ping *ping, enum tern_ping_event ev, uint16_t seq, tern_err err) {
    tern_ping_result r = {
        .event = ev, .seq = seq, .sent = ping->sent, .received = ping->received, .err = err};
    if (ping->cb)
        ping->cb(ping->ctx, ping, &r);
}

static tern_err send_request(tern_stack *s, tern_ping *ping) {
    tern_pbuf *p = tern_pbuf_alloc(s, TERN_PBUF_TRANSPORT_HEADROOM - TERN_WIRE_ICMP_HLEN,
                                   (uint16_t)(TERN_WIRE_ICMP_HLEN + ping->size));
    if (!p)
        return TERN_ERR_NOMEM;
    bool v6 = TERN_CFG_IPV6 && ping->dst.family == TERN_AF_INET6;
    tern_icmp_repr r = {
        .type = v6 ? 128 /* ICMPv6 echo request */ : 8 /* ICMP echo */, .id = ping->id, .seq = ping->seq};
    uint8_t hdr[TERN_WIRE_ICMP_HLEN];
    tern_icmp_write(hdr, &r);
    tern_pbuf_copy_in(p, 0, hdr, sizeof hdr);
    uint16_t off = 0;
    for (tern_pbuf *q = p; q; q = q->next) /* payload pattern: byte i = i */
        for (uint16_t i = 0; i < q->len; i++, off++)
            if (off >= TERN_WIRE_ICMP_HLEN)
                q->payload[i] = (uint8_t)(off - TERN_WIRE_ICMP_HLEN);
#if TERN_CFG_IPV6
    if (v6) {
        tern_ipv6_tx tx6 = {.dst = ping->dst};
        return tern_icmp6_send(s, p, &tx6); /* checksum with the pseudo header */
    }
#endif
#if TERN_CFG_IPV4
    uint8_t cb[2];
    tern_csum_store(cb, tern_csum_finish(tern_csum_pbuf(p, 0, p->tot_len, 0)));
    tern_pbuf_copy_in(p, 2, cb, 2);
    tern_ipv4_tx tx = {.dst = tern_addr_get_ipv4(&ping->dst), .proto = TERN_IP_PROTO_ICMP};
    TERN_STAT_INC(s, ICMP_TX);
    return tern_ipv4_output(s, p, &tx);
#else
    tern_pbuf_free(s, p);
    return TERN_ERR_NOTSUP; /* not reached: start takes IPv6 destinations only */
#endif
}

static void finish(tern_stack *s, tern_ping *ping) {
    unlink_ping(s, ping);
    report(ping, TERN_PING_DONE, ping->seq, TERN_OK);
}

/* One step: time out the outstanding request, send the next, or finish. */
static void ping_timer(tern_stack *s, tern_timer *t) {
    tern_ping *ping = ping_of(t);
    if (ping->awaiting && s->now - ping->sent_at >= ping->timeout_ms) {
        ping->awaiting = 0;
        report(ping, TERN_PING_TIMEOUT, (uint16_t)(ping->seq - 1u), TERN_OK);
    }
    if (ping->sent < ping->count && !tern_time_before(s->now, ping->next_send)) {
        tern_err err = send_request(s, ping);
        ping->sent++;
        ping->seq++;
        ping->sent_at = s->now;
        ping->next_send = s->now + ping->interval_ms;
        ping->awaiting = err == TERN_OK;
        if (err != TERN_OK)
            report(ping, TERN_PING_ERROR, (uint16_t)(ping->seq - 1u), err);
    }
    if (ping->sent >= ping->count && !ping->awaiting) {
        finish(s, ping);
        return;
    }
    uint32_t due = ping->sent < ping->count ? ping->next_send : ping->sent_at + ping->timeout_ms;
    if (ping->awaiting && tern_time_before(ping->sent_at + ping->timeout_ms, due))
        due = ping->sent_at + ping->timeout_ms;
    tern_timer_arm_at(s, t, due);
}

tern_err tern_ping_start(tern_stack *s, tern_ping *ping, const tern_addr *dst, uint16_t count, uint16_t size,
                         uint32_t interval_ms, uint32_t timeout_ms, tern_ping_fn cb, void *ctx) {
    bool v6 = TERN_CFG_IPV6 && dst && dst->family == TERN_AF_INET6;
    bool v4 = TERN_CFG_IPV4 && dst && dst->family == TERN_AF_INET;
    if (!ping || (!v4 && !v6) || !count || !timeout_ms || size > 0xFFFFu - 20u - TERN_WIRE_ICMP_HLEN)
        return TERN_ERR_INVAL;
    for (tern_ping *q = s->ping.list; q; q = q->next)
        if (q == ping)
            return TERN_ERR_ALREADY;
    *ping = (tern_ping){0};
    ping->cb = cb;
    ping->ctx = ctx;
    ping->dst = *dst;
    ping->interval_ms = interval_ms;
    ping->timeout_ms = timeout_ms;
    ping->count = count;
    ping->size = size;
    ping->id = ++s->ping.next_id;
    ping->seq = 1; /* like ping(8) */
    ping->next_send = s->now;
    tern_timer_init(&ping->timer, ping_timer);
    ping->next = s->ping.list;
    s->ping.list = ping;
    tern_timer_arm(s, &ping->timer, 0);
    return TERN_OK;
}

void tern_ping_stop(tern_stack *s, tern_ping *ping) {
    unlink_ping(s, ping);
}

void tern_ping_deinit(tern_stack *s) {
    while (s->ping.list)
        unlink_ping(s, s->ping.list);
}

/* The reply for ping: report it. */
static void take_reply(tern_stack *s, tern_ping *ping, uint16_t len, uint8_t ttl, uint16_t seq) {
    if (!ping->awaiting || seq != (uint16_t)(ping->seq - 1u))
        return; /* late or duplicate reply: ours, but nothing to report */
    ping->awaiting = 0;
    ping->received++;
    tern_ping_result r = {.event = TERN_PING_REPLY,
                          .seq = seq,
                          .bytes = (uint16_t)(len - TERN_WIRE_ICMP_HLEN),
                          .ttl = ttl,
                          .rtt_ms = s->now - ping->sent_at,
                          .sent = ping->sent,
                          .received = ping->received};
    if (ping->sent >= ping->count)
        tern_timer_arm(s, &ping->timer, 0); /* finish from the timer */
    if (ping->cb)
        ping->cb(ping->ctx, ping, &r); /* may stop the ping */
}

#if TERN_CFG_IPV6
bool tern_ping_input6(tern_stack *s, const tern_pbuf *p, const uint8_t src[16], uint8_t hop_limit,
                      uint16_t id, uint16_t seq) {
    for (tern_ping *ping = s->ping.list; ping; ping = ping->next) {
        if (ping->id != id || ping->dst.family != TERN_AF_INET6 || memcmp(ping->dst.bytes, src, 16) != 0)
            continue;
        take_reply(s, ping, p->tot_len, hop_limit, seq);
        return true;
    }
    return false;
}
#endif

#if TERN_CFG_IPV4
bool tern_ping_input(tern_stack *s, const tern_pbuf *p, const tern_ipv4_repr *ip, uint16_t id, uint16_t seq) {
    for (tern_ping *ping = s->ping.list; ping; ping = ping->next) {
        if (ping->id != id || ping->dst.family != TERN_AF_INET || tern_addr_get_ipv4(&ping->dst) != ip->src)
            continue;
        take_reply(s, ping, p->tot_len, ip->ttl, seq);
        return true;
    }
    return false;
}
#endif

#endif
