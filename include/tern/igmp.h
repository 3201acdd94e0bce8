/*
 * IGMP host side: IGMPv3 (RFC 3376) with whole-group filters (a joined group
 * is EXCLUDE {}, a left one INCLUDE {}), falling back to IGMPv2 (RFC 2236)
 * or v1 while an older querier is present. Joining programs the driver's
 * multicast filter and makes IPv4 accept the group.
 */
#ifndef TERN_IGMP_H
#define TERN_IGMP_H

#include <stdbool.h>
#include <stdint.h>

#include "tern/addr.h"
#include "tern/config.h"
#include "tern/err.h"
#include "tern/timer.h"

struct tern_stack;
struct tern_netif;

typedef struct tern_igmp_group {
    uint32_t group; /* host order; 0 = free slot */
    uint32_t due;   /* when the pending report is sent */
    uint8_t ifindex;
    uint8_t refs;    /* joins minus leaves */
    uint8_t pending; /* a report is scheduled: its IGMPv3 record type; 0 = none */
} tern_igmp_group;

typedef struct tern_igmp_state {
    tern_igmp_group groups[TERN_CFG_IGMP_GROUPS];
    tern_timer timer;
} tern_igmp_state;

/* Join group on nif (NULL: the default interface). Joins are counted:
 * each join needs a leave. */
tern_err tern_igmp_join(struct tern_stack *s, struct tern_netif *nif, const tern_addr *group);
tern_err tern_igmp_leave(struct tern_stack *s, struct tern_netif *nif, const tern_addr *group);
/* True if nif listens to group (host order); 224.0.0.1 always. */
bool tern_igmp_is_member(const struct tern_stack *s, const struct tern_netif *nif, uint32_t group);

#endif
