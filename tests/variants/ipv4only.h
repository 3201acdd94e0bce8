/* Test variant: the host configuration without IPv6, so the IPv4-only side
 * of the dual-stack code (sockets, UDP, DNS, the shell's helpers) is
 * compiled with warnings as errors and the unit tests run against it. */
#ifndef TERN_VARIANT_IPV4ONLY_H
#define TERN_VARIANT_IPV4ONLY_H
#include "../../configs/host.h"
#undef TERN_CFG_IPV6
#define TERN_CFG_IPV6 0
#undef TERN_CFG_DHCP6
#define TERN_CFG_DHCP6 0
#endif
