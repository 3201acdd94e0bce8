/* Ethernet II framing (public part). */
#ifndef TERN_ETHERNET_H
#define TERN_ETHERNET_H

#include <stdint.h>

#include "tern/err.h"
#include "tern/pbuf.h"

struct tern_netif;

#define TERN_ETH_HLEN 14
#define TERN_ETH_TYPE_IPV4 0x0800u
#define TERN_ETH_TYPE_ARP 0x0806u
#define TERN_ETH_TYPE_IPV6 0x86DDu

extern const uint8_t tern_eth_broadcast[6];

/* Prepend an Ethernet header (dst, the netif's MAC, type) and send. Consumes p. */
tern_err tern_eth_output(struct tern_netif *nif, tern_pbuf *p, const uint8_t dst[6], uint16_t type);

#endif
