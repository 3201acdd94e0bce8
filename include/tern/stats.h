/*
 * Counters per protocol, including one per drop reason. The SNMP MIB-II
 * counters will be derived from these. With TERN_CFG_STATS 0 they cost
 * nothing: the macros vanish and the table is not compiled.
 */
#ifndef TERN_STATS_H
#define TERN_STATS_H

#include <stdint.h>

#include "tern/config.h"

/* X(id, "name"): the name is "protocol.counter" or "protocol.drop.reason". */
#define TERN_STATS_LIST(X)                                                                                   \
    X(ETH_RX, "eth.rx")                                                                                      \
    X(ETH_TX, "eth.tx")                                                                                      \
    X(ETH_DROP_SHORT, "eth.drop.short")                                                                      \
    X(ETH_DROP_TYPE, "eth.drop.type")                                                                        \
    X(ETH_DROP_NOT_OURS, "eth.drop.not_ours")                                                                \
    TERN_STATS_LIST_IPV4(X)                                                                                  \
    X(ICMP_DROP_QUOTE, "icmp.drop.bad_quote") /* ICMPv6 counts bad quotes here too */                        \
    TERN_STATS_LIST_IPV4_2(X)                                                                                \
    X(UDP_RX, "udp.rx")                                                                                      \
    X(UDP_TX, "udp.tx")                                                                                      \
    X(UDP_DROP_SHORT, "udp.drop.short")                                                                      \
    X(UDP_DROP_LEN, "udp.drop.length")                                                                       \
    X(UDP_DROP_CHECKSUM, "udp.drop.checksum")                                                                \
    X(UDP_DROP_NOPORT, "udp.drop.no_port")                                                                   \
    X(DNS_TX, "dns.tx")                                                                                      \
    X(DNS_RX, "dns.rx")                                                                                      \
    X(DNS_CACHE_HIT, "dns.cache_hit")                                                                        \
    X(DNS_DROP_MALFORMED, "dns.drop.malformed")                                                              \
    X(DNS_DROP_MISMATCH, "dns.drop.mismatch")                                                                \
    X(DNS_NXDOMAIN, "dns.nxdomain")                                                                          \
    X(DNS_TIMEOUT, "dns.timeout")                                                                            \
    TERN_STATS_LIST_DHCP(X)                                                                                  \
    X(TCP_RX, "tcp.rx")                                                                                      \
    X(TCP_TX, "tcp.tx")                                                                                      \
    X(TCP_RETRANSMIT, "tcp.retransmit")                                                                      \
    X(TCP_RTO, "tcp.rto")                                                                                    \
    X(TCP_TLP, "tcp.tail_loss_probe")                                                                        \
    X(TCP_FAST_RETRANSMIT, "tcp.fast_retransmit")                                                            \
    X(TCP_DROP_SHORT, "tcp.drop.short")                                                                      \
    X(TCP_DROP_HLEN, "tcp.drop.header_length")                                                               \
    X(TCP_DROP_OPTIONS, "tcp.drop.options")                                                                  \
    X(TCP_DROP_CHECKSUM, "tcp.drop.checksum")                                                                \
    X(TCP_DROP_FLAGS, "tcp.drop.flags")                                                                      \
    X(TCP_DROP_ADDR, "tcp.drop.address")                                                                     \
    X(TCP_DROP_NOPORT, "tcp.drop.no_port")                                                                   \
    X(TCP_DROP_SEQ, "tcp.drop.out_of_window")                                                                \
    X(TCP_DROP_ACK, "tcp.drop.bad_ack")                                                                      \
    X(TCP_DROP_PAWS, "tcp.drop.paws")                                                                        \
    X(TCP_DROP_OOSEQ, "tcp.drop.ooseq_full")                                                                 \
    X(TCP_OOSEQ_RECLAIM, "tcp.ooseq_reclaimed")                                                              \
    X(TCP_DROP_BACKLOG, "tcp.drop.backlog")                                                                  \
    X(TCP_DROP_NOMEM, "tcp.drop.no_memory")                                                                  \
    X(TCP_SYNCOOKIE_TX, "tcp.syncookie.tx")                                                                  \
    X(TCP_SYNCOOKIE_OK, "tcp.syncookie.ok")                                                                  \
    X(TCP_SYNCOOKIE_BAD, "tcp.syncookie.bad")                                                                \
    X(TCP_CHALLENGE_ACK, "tcp.challenge_ack")                                                                \
    X(TCP_RST_TX, "tcp.rst.tx")                                                                              \
    X(TCP_RST_RX, "tcp.rst.rx")                                                                              \
    X(TCP_TIMEOUT, "tcp.timeout")                                                                            \
    X(RAW_RX, "raw.rx")                                                                                      \
    X(RAW_TX, "raw.tx")                                                                                      \
    X(NETIF_DROP_DOWN, "netif.drop.down")                                                                    \
    X(LOOP_DROP_FULL, "loopback.drop.full")                                                                  \
    TERN_STATS_LIST_IPV6(X)

/* ARP, IPv4, ICMP and IGMP counters exist only in builds with IPv4. */
#if TERN_CFG_IPV4
#define TERN_STATS_LIST_IPV4(X)                                                                              \
    X(ARP_RX, "arp.rx")                                                                                      \
    X(ARP_TX, "arp.tx")                                                                                      \
    X(ARP_DROP_SHORT, "arp.drop.short")                                                                      \
    X(ARP_DROP_FORMAT, "arp.drop.format")                                                                    \
    X(ARP_DROP_OP, "arp.drop.op")                                                                            \
    X(ARP_DROP_SRC, "arp.drop.bad_sender")                                                                   \
    X(ARP_CACHE_FULL, "arp.cache_full")                                                                      \
    X(ARP_QUEUE_DROP, "arp.drop.queue")                                                                      \
    X(ARP_RESOLVE_FAIL, "arp.drop.unresolved")                                                               \
    X(ARP_CONFLICT, "arp.conflict")                                                                          \
    X(IPV4_RX, "ipv4.rx")                                                                                    \
    X(IPV4_TX, "ipv4.tx")                                                                                    \
    X(IPV4_DELIVER, "ipv4.deliver")                                                                          \
    X(IPV4_FORWARD, "ipv4.forward")                                                                          \
    X(IPV4_DROP_SHORT, "ipv4.drop.short")                                                                    \
    X(IPV4_DROP_VERSION, "ipv4.drop.version")                                                                \
    X(IPV4_DROP_HLEN, "ipv4.drop.header_length")                                                             \
    X(IPV4_DROP_LEN, "ipv4.drop.total_length")                                                               \
    X(IPV4_DROP_CHECKSUM, "ipv4.drop.checksum")                                                              \
    X(IPV4_DROP_OPTIONS, "ipv4.drop.options")                                                                \
    X(IPV4_DROP_SRC, "ipv4.drop.bad_source")                                                                 \
    X(IPV4_DROP_NOT_OURS, "ipv4.drop.not_ours")                                                              \
    X(IPV4_DROP_NOROUTE, "ipv4.drop.no_route")                                                               \
    X(IPV4_DROP_TTL, "ipv4.drop.ttl")                                                                        \
    X(IPV4_DROP_PROTO, "ipv4.drop.protocol")                                                                 \
    X(IPV4_DROP_FRAG, "ipv4.drop.fragment")                                                                  \
    X(IPV4_DROP_DF, "ipv4.drop.needs_fragment")                                                              \
    X(IPV4_DROP_NOMEM, "ipv4.drop.no_memory")                                                                \
    X(IPV4_FRAG_TX, "ipv4.frag.tx")                                                                          \
    X(IPV4_REASS_OK, "ipv4.reass.ok")                                                                        \
    X(IPV4_REASS_DROP_OVERLAP, "ipv4.reass.drop.overlap")                                                    \
    X(IPV4_REASS_DROP_SIZE, "ipv4.reass.drop.too_big")                                                       \
    X(IPV4_REASS_DROP_FULL, "ipv4.reass.drop.no_slot")                                                       \
    X(IPV4_REASS_DROP_BAD, "ipv4.reass.drop.bad_fragment")                                                   \
    X(IPV4_REASS_TIMEOUT, "ipv4.reass.timeout")                                                              \
    X(ICMP_RX, "icmp.rx")                                                                                    \
    X(ICMP_TX, "icmp.tx")                                                                                    \
    X(ICMP_DROP_SHORT, "icmp.drop.short")                                                                    \
    X(ICMP_DROP_CHECKSUM, "icmp.drop.checksum")                                                              \
    X(ICMP_DROP_TYPE, "icmp.drop.type")
#else
#define TERN_STATS_LIST_IPV4(X)
#endif

/* The rest of the ICMP and the IGMP counters (likewise). */
#if TERN_CFG_IPV4
#define TERN_STATS_LIST_IPV4_2(X)                                                                            \
    X(ICMP_DROP_BCAST, "icmp.drop.broadcast")                                                                \
    X(ICMP_ERR_RX, "icmp.err.rx")                                                                            \
    X(ICMP_ERR_TX, "icmp.err.tx")                                                                            \
    X(ICMP_ERR_RATELIMIT, "icmp.err.rate_limited")                                                           \
    X(IGMP_RX, "igmp.rx")                                                                                    \
    X(IGMP_TX, "igmp.tx")                                                                                    \
    X(IGMP_QUERY_RX, "igmp.query.rx")                                                                        \
    X(IGMP_DROP_SHORT, "igmp.drop.short")                                                                    \
    X(IGMP_DROP_CHECKSUM, "igmp.drop.checksum")                                                              \
    X(IGMP_DROP_FORMAT, "igmp.drop.format")
#else
#define TERN_STATS_LIST_IPV4_2(X)
#endif

/* DHCP (IPv4) client counters, likewise. */
#if TERN_CFG_IPV4
#define TERN_STATS_LIST_DHCP(X)                                                                              \
    X(DHCP_TX, "dhcp.tx")                                                                                    \
    X(DHCP_RX, "dhcp.rx")                                                                                    \
    X(DHCP_DROP_MALFORMED, "dhcp.drop.malformed")                                                            \
    X(DHCP_DROP_MISMATCH, "dhcp.drop.mismatch")                                                              \
    X(DHCP_DROP_UNEXPECTED, "dhcp.drop.unexpected")                                                          \
    X(DHCP_DECLINE, "dhcp.decline")                                                                          \
    X(DHCP_NAK, "dhcp.nak")                                                                                  \
    X(DHCP_LEASE_LOST, "dhcp.lease_lost")
#else
#define TERN_STATS_LIST_DHCP(X)
#endif

/* DHCPv6 client counters, only in builds with it. */
#if TERN_CFG_DHCP6
#define TERN_STATS_LIST_DHCP6(X)                                                                             \
    X(DHCP6_TX, "dhcp6.tx")                                                                                  \
    X(DHCP6_RX, "dhcp6.rx")                                                                                  \
    X(DHCP6_REPLY, "dhcp6.reply")                                                                            \
    X(DHCP6_NO_DNS, "dhcp6.no_dns")                                                                          \
    X(DHCP6_DROP_MALFORMED, "dhcp6.drop.malformed")                                                          \
    X(DHCP6_DROP_TYPE, "dhcp6.drop.type")                                                                    \
    X(DHCP6_DROP_MISMATCH, "dhcp6.drop.mismatch")                                                            \
    X(DHCP6_DROP_STATUS, "dhcp6.drop.status")                                                                \
    X(DHCP6_DROP_UNEXPECTED, "dhcp6.drop.unexpected")
#else
#define TERN_STATS_LIST_DHCP6(X)
#endif

/* IPv6 counters exist only in builds with IPv6 (IPv4-only tables keep their size). */
#if TERN_CFG_IPV6
#define TERN_STATS_LIST_IPV6(X)                                                                              \
    X(IPV6_RX, "ipv6.rx")                                                                                    \
    X(IPV6_TX, "ipv6.tx")                                                                                    \
    X(IPV6_DELIVER, "ipv6.deliver")                                                                          \
    X(IPV6_DROP_SHORT, "ipv6.drop.short")                                                                    \
    X(IPV6_DROP_VERSION, "ipv6.drop.version")                                                                \
    X(IPV6_DROP_LEN, "ipv6.drop.payload_length")                                                             \
    X(IPV6_DROP_SRC, "ipv6.drop.bad_source")                                                                 \
    X(IPV6_DROP_NOT_OURS, "ipv6.drop.not_ours")                                                              \
    X(IPV6_DROP_EXT_TRUNC, "ipv6.drop.ext_truncated")                                                        \
    X(IPV6_DROP_EXT_COUNT, "ipv6.drop.ext_too_many")                                                         \
    X(IPV6_DROP_HBH_ORDER, "ipv6.drop.hop_by_hop_not_first")                                                 \
    X(IPV6_DROP_OPTION, "ipv6.drop.option")                                                                  \
    X(IPV6_DROP_ROUTING, "ipv6.drop.routing_header")                                                         \
    X(IPV6_DROP_PROTO, "ipv6.drop.protocol")                                                                 \
    X(IPV6_DROP_NO_NEXT, "ipv6.drop.no_next_header")                                                         \
    X(IPV6_DROP_FRAG, "ipv6.drop.fragment")                                                                  \
    X(IPV6_DROP_NOROUTE, "ipv6.drop.no_route")                                                               \
    X(IPV6_DROP_NOMEM, "ipv6.drop.no_memory")                                                                \
    X(IPV6_DROP_TOO_BIG, "ipv6.drop.too_big")                                                                \
    X(IPV6_ATOMIC_FRAG, "ipv6.atomic_fragment")                                                              \
    X(IPV6_FRAG_TX, "ipv6.frag.tx")                                                                          \
    X(IPV6_REASS_OK, "ipv6.reass.ok")                                                                        \
    X(IPV6_REASS_DROP_OVERLAP, "ipv6.reass.drop.overlap")                                                    \
    X(IPV6_REASS_DROP_SIZE, "ipv6.reass.drop.too_big")                                                       \
    X(IPV6_REASS_DROP_FULL, "ipv6.reass.drop.no_slot")                                                       \
    X(IPV6_REASS_DROP_BAD, "ipv6.reass.drop.bad_fragment")                                                   \
    X(IPV6_REASS_DROP_CHAIN, "ipv6.reass.drop.incomplete_chain")                                             \
    X(IPV6_REASS_TIMEOUT, "ipv6.reass.timeout")                                                              \
    X(IPV6_PMTU_UPDATE, "ipv6.pmtu.update")                                                                  \
    X(ICMP6_RX, "icmp6.rx")                                                                                  \
    X(ICMP6_TX, "icmp6.tx")                                                                                  \
    X(ICMP6_DROP_SHORT, "icmp6.drop.short")                                                                  \
    X(ICMP6_DROP_CHECKSUM, "icmp6.drop.checksum")                                                            \
    X(ICMP6_DROP_TYPE, "icmp6.drop.type")                                                                    \
    X(ICMP6_ERR_RX, "icmp6.err.rx")                                                                          \
    X(ICMP6_ERR_TX, "icmp6.err.tx")                                                                          \
    X(ICMP6_ERR_RATELIMIT, "icmp6.err.rate_limited")                                                         \
    X(ND_RX, "nd.rx")                                                                                        \
    X(ND_TX, "nd.tx")                                                                                        \
    X(ND_DROP_INVALID, "nd.drop.invalid")                                                                    \
    X(ND_DROP_HOPLIMIT, "nd.drop.hop_limit")                                                                 \
    X(ND_DROP_OPTION, "nd.drop.option")                                                                      \
    X(ND_CACHE_FULL, "nd.cache_full")                                                                        \
    X(ND_QUEUE_DROP, "nd.drop.queue")                                                                        \
    X(ND_RESOLVE_FAIL, "nd.drop.unresolved")                                                                 \
    X(ND_DAD_FAIL, "nd.dad.duplicate")                                                                       \
    X(ND_DAD_OK, "nd.dad.ok")                                                                                \
    X(ND_CONFLICT, "nd.conflict")                                                                            \
    X(ND_RA_RX, "nd.ra.rx")                                                                                  \
    X(ND_RA_BAD_PREFIX, "nd.ra.bad_prefix")                                                                  \
    X(ND_RA_LIST_FULL, "nd.ra.list_full")                                                                    \
    X(ND_REDIRECT, "nd.redirect")                                                                            \
    X(ND_DROP_REDIRECT, "nd.drop.redirect")                                                                  \
    X(MLD_TX, "mld.tx")                                                                                      \
    X(MLD_QUERY_RX, "mld.query.rx")                                                                          \
    X(MLD_DROP_INVALID, "mld.drop.invalid")                                                                  \
    TERN_STATS_LIST_DHCP6(X)
#else
#define TERN_STATS_LIST_IPV6(X)
#endif

enum tern_stat_id {
#define TERN_STAT_ENUM_(id, name) TERN_STAT_##id,
    TERN_STATS_LIST(TERN_STAT_ENUM_)
#undef TERN_STAT_ENUM_
        TERN_STAT_COUNT
};

typedef struct tern_stats {
#if TERN_CFG_STATS
    uint32_t c[TERN_STAT_COUNT];
#else
    uint8_t unused_;
#endif
} tern_stats;

#if TERN_CFG_STATS
#define TERN_STAT_INC(s, id) ((void)((s)->stats.c[TERN_STAT_##id]++))
#define TERN_STAT_ADD(s, id, n) ((void)((s)->stats.c[TERN_STAT_##id] += (uint32_t)(n)))
#else
#define TERN_STAT_INC(s, id) ((void)(s))
#define TERN_STAT_ADD(s, id, n) ((void)(s), (void)(n))
#endif

struct tern_stack;
/* Name of counter id ("ipv4.drop.checksum"), or NULL when stats are off. */
const char *tern_stats_name(unsigned id);
/* Current value of counter id (0 when stats are off). */
uint32_t tern_stats_get(const struct tern_stack *s, unsigned id);
/* Value of the counter with the given name; returns -1 if unknown. */
long tern_stats_get_by_name(const struct tern_stack *s, const char *name);

#endif
