/* Tern: everything an application needs, in one include. */
#ifndef TERN_H
#define TERN_H

#include "tern/addr.h"
#include "tern/arp.h"
#include "tern/autoip.h"
#include "tern/config.h"
#include "tern/dhcp.h"
#include "tern/dhcp6.h"
#include "tern/dns.h"
#include "tern/err.h"
#include "tern/ethernet.h"
#include "tern/icmp.h"
#include "tern/ping.h"
#include "tern/igmp.h"
#include "tern/impair.h"
#include "tern/ipv4.h"
#include "tern/ipv6.h"
#include "tern/log.h"
#include "tern/netif.h"
#include "tern/pbuf.h"
#include "tern/pool.h"
#include "tern/raw.h"
#include "tern/stack.h"
#include "tern/stats.h"
#include "tern/tcp.h"
#include "tern/timer.h"
#include "tern/udp.h"
#include "tern/echo.h"
#include "tern/iperf.h"

#endif
