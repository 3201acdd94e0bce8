/* Link-layer internals shared by ethernet.c, arp.c and acd.c. */
#ifndef TERN_LINK_PRIV_H
#define TERN_LINK_PRIV_H

#include "tern/arp.h"
#include "tern/ethernet.h"
#include "tern/netif.h"
#include "tern/stack.h"
#include "wire/arp.h"

/* Build and send one ARP packet on nif (sha = nif's MAC). */
tern_err tern_arp_send(tern_netif *nif, uint16_t op, const uint8_t dst_mac[6], const uint8_t tha[6],
                       uint32_t spa, uint32_t tpa);

#if TERN_CFG_ARP_ACD
/* Let address conflict detection see every valid ARP packet. */
void tern_acd_arp_input(tern_netif *nif, const tern_arp_repr *r);
void tern_acd_netif_removed(tern_stack *s, tern_netif *nif);
#endif

#endif
