/* Ethernet II: demultiplex received frames, frame outgoing packets. */
#include <string.h>

#include "core/core.h"
#include "link/link.h"
#include "wire/eth.h"

const uint8_t tern_eth_broadcast[6] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};

static void drop(tern_stack *s, tern_pbuf *p) {
    tern_pbuf_free(s, p);
}

void tern_eth_input(tern_netif *nif, tern_pbuf *p) {
    tern_stack *s = nif->stack;
    uint8_t scratch[TERN_WIRE_ETH_HLEN];
    tern_eth_repr eth;
    TERN_STAT_INC(s, ETH_RX);
    const uint8_t *h = tern_pbuf_view(p, 0, TERN_WIRE_ETH_HLEN, scratch);
    if (!h || !tern_eth_parse(h, TERN_WIRE_ETH_HLEN, &eth)) {
        TERN_STAT_INC(s, ETH_DROP_SHORT);
        drop(s, p);
        return;
    }
    if (tern_mac_is_group(eth.dst)) {
        p->flags |= memcmp(eth.dst, tern_eth_broadcast, 6) == 0 ? TERN_PBUF_F_LL_BCAST : TERN_PBUF_F_LL_MCAST;
    } else if (memcmp(eth.dst, nif->hwaddr, 6) != 0) {
        TERN_STAT_INC(s, ETH_DROP_NOT_OURS);
        drop(s, p);
        return;
    }
    p = tern_pbuf_strip(s, p, TERN_WIRE_ETH_HLEN);
    switch (eth.type) {
#if TERN_CFG_IPV4
    case TERN_ETH_TYPE_ARP:
        tern_arp_input(nif, p);
        return;
    case TERN_ETH_TYPE_IPV4:
        tern_ipv4_input(nif, p);
        return;
#endif
#if TERN_CFG_IPV6
    case TERN_ETH_TYPE_IPV6:
        tern_ipv6_input(nif, p);
        return;
#endif
    default: /* IPv4 and ARP too in an IPv6-only build */
        TERN_STAT_INC(s, ETH_DROP_TYPE);
        drop(s, p);
        return;
    }
}

tern_err tern_eth_output(tern_netif *nif, tern_pbuf *p, const uint8_t dst[6], uint16_t type) {
    tern_stack *s = nif->stack;
    p = tern_pbuf_prepend(s, p, TERN_WIRE_ETH_HLEN, TERN_CFG_LINK_EXTRA_HEADROOM);
    if (!p)
        return TERN_ERR_NOMEM;
    tern_eth_emit(p->payload, dst, nif->hwaddr, type);
    TERN_STAT_INC(s, ETH_TX);
    return tern_netif_link_output(nif, p);
}
