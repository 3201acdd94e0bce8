/* Module-private entry points shared between the core and the layers. */
#ifndef TERN_CORE_PRIV_H
#define TERN_CORE_PRIV_H

#include "tern/stack.h"

uint32_t tern_timers_run(tern_stack *s);

/* Keep a helper called from several places out of line (code size at -Os). */
#if defined(__GNUC__) || defined(__clang__)
#define TERN_NOINLINE __attribute__((noinline))
#else
#define TERN_NOINLINE
#endif

#if TERN_CFG_ASSERT
#define TERN_ASSERT(s, cond)                                                                                 \
    do {                                                                                                     \
        if (!(cond) && (s)->assert_fn)                                                                       \
            (s)->assert_fn((s)->assert_ctx, __FILE__, __LINE__, #cond);                                      \
    } while (0)
#else
#define TERN_ASSERT(s, cond) ((void)0)
#endif

/* Layer hooks called by the core (each compiled only with its layer). */
void tern_arp_init(tern_stack *s);
void tern_arp_deinit(tern_stack *s);
void tern_arp_netif_removed(tern_stack *s, tern_netif *nif);
void tern_arp_input(tern_netif *nif, tern_pbuf *p);
void tern_eth_input(tern_netif *nif, tern_pbuf *p);
void tern_ipv4_init(tern_stack *s);
void tern_ipv4_deinit(tern_stack *s);
#if TERN_CFG_IPV6
void tern_ipv6_init(tern_stack *s);
void tern_ipv6_deinit(tern_stack *s);
void tern_ipv6_input(tern_netif *nif, tern_pbuf *p);
void tern_nd_netif_removed(tern_stack *s, tern_netif *nif);
#endif
void tern_loopback_init(tern_stack *s);
void tern_loopback_deinit(tern_stack *s);
uint32_t tern_loopback_poll(tern_stack *s);
void tern_udp_init(tern_stack *s);
void tern_tcp_init(tern_stack *s);
void tern_tcp_deinit(tern_stack *s);
/* The pbuf pool is empty: free what TCP holds only to save retransmissions
 * (out-of-order segments). True if anything was freed. */
bool tern_tcp_reclaim(tern_stack *s);
void tern_dns_init(tern_stack *s);
void tern_igmp_init(tern_stack *s);
void tern_igmp_netif_removed(tern_stack *s, tern_netif *nif);
void tern_icmp_init(tern_stack *s);
void tern_ping_deinit(tern_stack *s);
#if TERN_CFG_IMPAIR
void tern_impair_deliver(tern_netif *nif, tern_pbuf *p, bool outgoing);
#endif
tern_err tern_netif_driver_output(tern_netif *nif, tern_pbuf *p);
void tern_netif_deliver(tern_netif *nif, tern_pbuf *p);

#endif
