/* Test variant: the host configuration without IPv4 (and what needs it:
 * ARP conflict detection, AutoIP, DHCP, IGMP, ICMPv4, ping, IPv4
 * fragmentation and forwarding, the 127.0.0.1 loopback), so the IPv6-only
 * side of the sockets layer, raw endpoints, DNS and the counters is compiled
 * with warnings as errors, and the preset test runs against it with
 * counters on. */
#ifndef TERN_VARIANT_IPV6ONLY_H
#define TERN_VARIANT_IPV6ONLY_H
#include "../../configs/host.h"
#undef TERN_CFG_IPV4
#define TERN_CFG_IPV4 0
#undef TERN_CFG_ARP_ACD
#define TERN_CFG_ARP_ACD 0
#undef TERN_CFG_AUTOIP
#define TERN_CFG_AUTOIP 0
#undef TERN_CFG_DHCP
#define TERN_CFG_DHCP 0
#undef TERN_CFG_IGMP
#define TERN_CFG_IGMP 0
#undef TERN_CFG_IPV4_FRAG
#define TERN_CFG_IPV4_FRAG 0
#undef TERN_CFG_IPV4_FORWARD
#define TERN_CFG_IPV4_FORWARD 0
#define TERN_CFG_LOOPBACK 0
#endif
