/* Forwarding between interfaces (RFC 1812 essentials): TTL, ICMP errors,
 * fragmentation or "fragmentation needed". */
#include "core/chksum.h"
#include "ipv4/ipv4_priv.h"

#include "tern/icmp.h"
#include "wire/wire.h"

#if TERN_CFG_IPV4

#if TERN_CFG_IPV4_FORWARD

static void icmp_error(tern_stack *s, tern_pbuf *p, const tern_ipv4_repr *ip, uint8_t type, uint8_t code,
                       uint16_t mtu) {
#if TERN_CFG_ICMP
    tern_icmp_error_about(s, p, ip, type, code, mtu);
#else
    (void)ip, (void)type, (void)code, (void)mtu;
#endif
    tern_pbuf_free(s, p);
}

void tern_ipv4_forward(tern_netif *in, tern_pbuf *p, const tern_ipv4_repr *ip) {
    tern_stack *s = in->stack;
    tern_ipv4_hop hop;
    if (!ip->src || tern_ipv4_is_loopback(ip->dst) || tern_ipv4_is_broadcast(in, ip->dst)) {
        TERN_STAT_INC(s, IPV4_DROP_NOT_OURS);
        tern_pbuf_free(s, p);
        return;
    }
    if (ip->ttl <= 1) {
        TERN_STAT_INC(s, IPV4_DROP_TTL);
        icmp_error(s, p, ip, TERN_ICMP_TIME_EXCEEDED, 0, 0);
        return;
    }
    if (tern_ipv4_route_lookup(s, ip->dst, &hop) != TERN_OK || (hop.nif->flags & TERN_NETIF_LOOPBACK)) {
        TERN_STAT_INC(s, IPV4_DROP_NOROUTE);
        icmp_error(s, p, ip, TERN_ICMP_DEST_UNREACH, TERN_ICMP_UNREACH_NET, 0);
        return;
    }
    if (ip->total_len > hop.nif->mtu && ip->df) {
        TERN_STAT_INC(s, IPV4_DROP_DF);
        icmp_error(s, p, ip, TERN_ICMP_DEST_UNREACH, TERN_ICMP_UNREACH_NEEDFRAG, hop.nif->mtu);
        return;
    }
    p = tern_pbuf_make_writable(s, p, TERN_PBUF_LINK_HEADROOM, ip->hlen);
    if (!p) {
        TERN_STAT_INC(s, IPV4_DROP_NOMEM);
        return;
    }
    tern_ipv4_repr out = *ip;
    out.ttl = (uint8_t)(ip->ttl - 1);
    /* TTL is the high byte of word 4: update it and recompute the checksum. */
    p->payload[8] = out.ttl;
    p->payload[10] = 0;
    p->payload[11] = 0;
    tern_csum_store(p->payload + 10, tern_csum_finish(tern_csum_partial(p->payload, ip->hlen, 0)));
    TERN_STAT_INC(s, IPV4_FORWARD);
    if (ip->total_len > hop.nif->mtu) {
        (void)tern_ipv4_fragment(hop.nif, p, &out, hop.next_hop);
        return;
    }
    (void)tern_ipv4_send_on(hop.nif, p, hop.next_hop);
}

#endif

#endif /* TERN_CFG_IPV4 */
