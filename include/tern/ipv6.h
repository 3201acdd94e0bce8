/*
 * IPv6 (RFC 8200) with ICMPv6 (RFC 4443), Neighbor Discovery (RFC 4861) and
 * stateless address autoconfiguration with DAD (RFC 4862). See docs/IPV6.md.
 *
 * Addresses live in their interface (tern_netif.ip6): each has a state and
 * lifetimes. The neighbor cache, default routers, on-link prefixes and DNS
 * servers learnt from Router Advertisements live in the stack (tern_ipv6_state).
 */
#ifndef TERN_IPV6_H
#define TERN_IPV6_H

#include <stdbool.h>
#include <stdint.h>

#include "tern/addr.h"
#include "tern/config.h"
#include "tern/err.h"
#include "tern/pbuf.h"
#include "tern/timer.h"

struct tern_stack;
struct tern_netif;

#define TERN_IP_PROTO_HOPOPT 0
#define TERN_IP_PROTO_ROUTING 43
#define TERN_IP_PROTO_FRAGMENT 44
#define TERN_IP_PROTO_ICMPV6 58
#define TERN_IP_PROTO_NONE 59
#define TERN_IP_PROTO_DSTOPTS 60

/* Lifetimes: this value (seconds) means forever (RFC 4861 4.6.2). */
#define TERN_IPV6_INFINITE 0xFFFFFFFFu

enum tern_ipv6_addr_state {
    TERN_IPV6_ADDR_NONE = 0,   /* free slot */
    TERN_IPV6_ADDR_TENTATIVE,  /* Duplicate Address Detection running */
    TERN_IPV6_ADDR_PREFERRED,  /* usable */
    TERN_IPV6_ADDR_DEPRECATED, /* preferred lifetime over: kept for existing traffic only */
    TERN_IPV6_ADDR_DUPLICATE,  /* DAD found another holder: never used */
};

/* One address of an interface. */
typedef struct tern_ipv6_ifaddr {
    uint8_t addr[16];
    uint8_t prefix_len;
    uint8_t state;                         /* enum tern_ipv6_addr_state */
    uint8_t autoconf;                      /* formed by SLAAC from a prefix (lifetimes from RAs) */
    uint8_t dad_left;                      /* DAD solicitations still to send */
    uint32_t due;                          /* next DAD step while tentative */
    uint32_t preferred_until, valid_until; /* deadlines, ms; see lifetime_inf */
    uint8_t preferred_inf, valid_inf;      /* the lifetime is infinite */
#if TERN_CFG_IPV6_STABLE_IID
    uint8_t idgen; /* RFC 7217 DAD_Counter this address was made with */
#endif
} tern_ipv6_ifaddr;

/* Per-interface IPv6 state, kept in tern_netif. */
typedef struct tern_ipv6_netif {
    tern_ipv6_ifaddr addrs[TERN_CFG_IPV6_ADDRS];
    uint8_t enabled; /* IPv6 runs on this interface */
    uint8_t slaac;   /* form addresses from RA prefixes */
    uint8_t hop_limit;
    uint8_t rs_left; /* router solicitations still to send */
    uint16_t mtu;    /* link MTU from RAs (0: the interface's) */
    uint32_t rs_due;
#if TERN_CFG_IPV6_MLD
    uint8_t mld_pending; /* 0, or a query's answer is due at mld_due: 1 all groups, 2 mld_group */
    uint8_t mld_v1;      /* an MLDv1 querier was heard (until mld_v1_until) */
    uint8_t mld_group[16];
    uint32_t mld_due, mld_v1_until;
#endif
#if TERN_CFG_DHCP6
    /* Told of each RA with the M or O flag (flags byte): the DHCPv6 client. */
    void (*other_config)(void *ctx, uint8_t flags);
    void *other_config_ctx;
#endif
} tern_ipv6_netif;

enum tern_nd_state {
    TERN_ND_FREE = 0,
    TERN_ND_INCOMPLETE,
    TERN_ND_REACHABLE,
    TERN_ND_STALE,
    TERN_ND_DELAY,
    TERN_ND_PROBE,
};

typedef struct tern_nd_entry {
    uint8_t ip[16];
    uint8_t mac[6];
    uint8_t state; /* enum tern_nd_state */
    uint8_t ifindex;
    uint8_t tries;
    uint8_t router;
    uint32_t stamp; /* last state change */
    uint32_t due;   /* next timer event (INCOMPLETE/REACHABLE/DELAY/PROBE) */
    tern_pbuf *queue;
} tern_nd_entry;

typedef struct tern_ipv6_router {
    uint8_t ip[16]; /* link-local */
    uint8_t ifindex;
    uint32_t until; /* router lifetime deadline, ms */
} tern_ipv6_router;

typedef struct tern_ipv6_prefix {
    uint8_t prefix[16];
    uint8_t len;
    uint8_t ifindex;
    uint8_t inf;    /* valid forever */
    uint32_t until; /* on-link valid lifetime deadline, ms */
} tern_ipv6_prefix;

typedef struct tern_ipv6_dns {
    uint8_t ip[16];
    uint8_t ifindex;
    uint32_t until;
} tern_ipv6_dns;

/* A datagram being reassembled. Fragments are kept in a list sorted by
 * offset, each stripped to its fragment header, except the first (offset 0)
 * which is kept whole: its unfragmentable part heads the result. */
typedef struct tern_ipv6_reass {
    tern_pbuf *frags; /* NULL: free slot */
    uint8_t src[16], dst[16];
    uint32_t id;
    uint32_t deadline;
    uint16_t total;      /* fragmentable part's length once the last fragment came, else 0 */
    uint16_t have;       /* fragmentable bytes held */
    uint16_t unfrag_len; /* first fragment: offset of its fragment header */
    uint16_t nh_field;   /* first fragment: offset of the next-header field naming the fragment header */
    uint8_t nbufs;
    uint8_t have_first;
    uint8_t ifindex;
} tern_ipv6_reass;

/* Destination cache: a path MTU learnt from a Packet Too Big (RFC 8201)
 * and/or a first hop learnt from a Redirect (RFC 4861 8.3). */
typedef struct tern_ipv6_dest {
    uint8_t dst[16];
    uint16_t pmtu; /* 0: free; 0xffff: none learnt (a redirect only) */
    uint8_t via;   /* redirected: the interface of next_hop, else 0 */
    uint8_t next_hop[16];
    uint32_t until;
} tern_ipv6_dest;

typedef struct tern_ipv6_group {
    uint8_t group[16];
    uint8_t ifindex; /* 0: free */
} tern_ipv6_group;

typedef struct tern_ipv6_state {
    tern_nd_entry nd[TERN_CFG_IPV6_NEIGHBORS];
    tern_ipv6_router routers[TERN_CFG_IPV6_ROUTERS];
    tern_ipv6_prefix prefixes[TERN_CFG_IPV6_PREFIXES];
    tern_ipv6_dns dns[TERN_CFG_IPV6_RDNSS];
    char dnssl[64]; /* first DNS search domain from an RA (RFC 8106), "" if none */
    tern_ipv6_dest dests[TERN_CFG_IPV6_DEST_CACHE];
#if TERN_CFG_IPV6_MLD
    tern_ipv6_group groups[TERN_CFG_IPV6_MLD_GROUPS];
#endif
#if TERN_CFG_IPV6_FRAG
    tern_ipv6_reass reass[TERN_CFG_IPV6_REASS_MAX];
    uint16_t reass_pbufs;
    uint32_t frag_id;
#endif
#if TERN_CFG_IPV6_STABLE_IID
    uint8_t secret[16]; /* RFC 7217 secret key */
    uint8_t stable;     /* a secret was given: SLAAC uses stable opaque identifiers */
#endif
    tern_timer timer; /* one timer for ND, DAD, RS, lifetimes and reassembly */
    uint32_t err_refill;
    uint16_t err_tokens;
} tern_ipv6_state;

/* Start IPv6 on nif (Ethernet): form the EUI-64 link-local address and run
 * DAD on it; with slaac, solicit routers and form global addresses from
 * their prefixes. */
tern_err tern_ipv6_enable(struct tern_netif *nif, bool slaac);
#if TERN_CFG_IPV6_STABLE_IID
/* From now on SLAAC forms stable opaque interface identifiers (RFC 7217):
 * SipHash-2-4(secret; prefix, MAC, DAD counter). Give the same secret at
 * every start (stored in flash) for addresses that stay the same. */
void tern_ipv6_set_secret(struct tern_stack *s, const uint8_t secret[16]);
#endif
/* Add a manual address addr/prefix_len (DAD runs first). */
tern_err tern_ipv6_add_addr(struct tern_netif *nif, const tern_addr *addr, uint8_t prefix_len);
tern_err tern_ipv6_remove_addr(struct tern_netif *nif, const tern_addr *addr);
/* A usable (preferred or deprecated) address of nif with this value. */
bool tern_ipv6_is_local(const struct tern_netif *nif, const uint8_t addr[16]);
/* Source address for dst on nif (RFC 6724 rules 1, 2, 3, 8); false if none. */
bool tern_ipv6_select_source(const struct tern_netif *nif, const uint8_t dst[16], uint8_t out[16]);
/* Source address for dst (with its zone) on the interface the route to it
 * takes; false if there is no route or no usable address. */
bool tern_ipv6_source_for(struct tern_stack *s, const tern_addr *dst, uint8_t out[16]);

#if TERN_CFG_IPV6_MLD
/* Join / leave an IPv6 multicast group on nif (MLD reports it). */
tern_err tern_ipv6_join(struct tern_netif *nif, const tern_addr *group);
tern_err tern_ipv6_leave(struct tern_netif *nif, const tern_addr *group);
#endif

/* A neighbor cache entry as reported to the application. */
typedef struct tern_nd_info {
    tern_addr ip;
    uint8_t mac[6];
    uint8_t state; /* enum tern_nd_state */
    uint8_t ifindex;
    uint8_t router;
    uint32_t age_ms;
} tern_nd_info;
unsigned tern_nd_entries(struct tern_stack *s, tern_nd_info *out, unsigned max);
/* Name of a neighbor / address state ("REACHABLE", "preferred"). */
const char *tern_nd_state_name(uint8_t state);
const char *tern_ipv6_addr_state_name(uint8_t state);

/* An IPv6 packet to send: the caller has the payload in p. */
typedef struct tern_ipv6_tx {
    tern_addr dst;           /* zone (or ifindex) required for link-local and multicast */
    uint8_t src[16];         /* all zero: selected (unless src_unspecified) */
    uint8_t src_unspecified; /* send from :: (DAD, MLD before an address) */
    uint8_t proto;
    uint8_t hop_limit; /* 0: the interface's */
    uint8_t ifindex;   /* 0: by route */
    uint8_t tclass;
    uint8_t router_alert; /* add a hop-by-hop Router Alert (MLD) */
} tern_ipv6_tx;
/* (tern_ipv6_repr, the parsed header, is in src/wire/ipv6.h.) */
/* Send p (payload at its front) over IPv6. Consumes p. */
tern_err tern_ipv6_output(struct tern_stack *s, tern_pbuf *p, const tern_ipv6_tx *tx);

#endif
