/*
 * Tern configuration: documented defaults and compile-time validation.
 *
 * Put overrides in your own header and compile with
 *   -DTERN_CONFIG_FILE="\"my_tern_config.h\""
 * Every option is always defined (0/1 for switches) so the build can use
 * -Wundef; code tests switches with `if (TERN_CFG_X)` where it can.
 * Ready-made presets live in configs/ (minimal, typical, full, host).
 */
#ifndef TERN_CONFIG_H
#define TERN_CONFIG_H

#ifdef TERN_CONFIG_FILE
#include TERN_CONFIG_FILE
#endif

/* ---- Memory ------------------------------------------------------------ */

/* Number of pool packet buffers (each holds TERN_CFG_PBUF_SIZE bytes). 2..65535 */
#ifndef TERN_CFG_PBUF_COUNT
#define TERN_CFG_PBUF_COUNT 16
#endif
/* Bytes of storage per pool packet buffer, headroom included. 128..65535 */
#ifndef TERN_CFG_PBUF_SIZE
#define TERN_CFG_PBUF_SIZE 1536
#endif
/* Buffer headers for zero-copy references (ROM/static data, driver memory). 0..255 */
#ifndef TERN_CFG_PBUF_REF_COUNT
#define TERN_CFG_PBUF_REF_COUNT 8
#endif
/* Extra headroom reserved in front of the link header (e.g. virtio-net
 * header, PPPoE), bytes. 0..64 */
#ifndef TERN_CFG_LINK_EXTRA_HEADROOM
#define TERN_CFG_LINK_EXTRA_HEADROOM 0
#endif

/* ---- Interfaces ---------------------------------------------------------- */

/* Ethernet II link layer with ARP. */
#ifndef TERN_CFG_ETHERNET
#define TERN_CFG_ETHERNET 1
#endif
/* Loopback interface for 127.0.0.0/8 and for the stack's own addresses. */
#ifndef TERN_CFG_LOOPBACK
#define TERN_CFG_LOOPBACK TERN_CFG_IPV4 /* 127.0.0.1: IPv4 only */
#endif
/* Packets that may wait on the loopback queue at once. 1..255 */
#ifndef TERN_CFG_LOOPBACK_QUEUE_LEN
#define TERN_CFG_LOOPBACK_QUEUE_LEN 64
#endif
/* Impairment layer (loss, duplication, reordering, corruption, delay, rate)
 * usable on any interface; for tests and demos. */
#ifndef TERN_CFG_IMPAIR
#define TERN_CFG_IMPAIR 0
#endif
/* Packets an impairment layer may hold back for delay/reordering. 1..1024 */
#ifndef TERN_CFG_IMPAIR_QUEUE_LEN
#define TERN_CFG_IMPAIR_QUEUE_LEN 32
#endif
/* Frame tee hook on every interface (pcap capture). */
/* Offloads for drivers that can take them (a TAP with IFF_VNET_HDR, NICs
 * with TSO): TCP leaves its checksum to an interface with
 * TERN_OFFLOAD_TX_TCP and hands it segments of up to netif->gso_max bytes,
 * which the driver cuts into MSS-sized frames (pbuf->gso_size). Adds 2
 * bytes to every netif and packet buffer header. */
#ifndef TERN_CFG_NETIF_OFFLOAD
#define TERN_CFG_NETIF_OFFLOAD 0
#endif
#ifndef TERN_CFG_NETIF_TEE
#define TERN_CFG_NETIF_TEE 0
#endif

/* ---- ARP ----------------------------------------------------------------- */

/* ARP cache entries. 1..255 */
#ifndef TERN_CFG_ARP_TABLE_SIZE
#define TERN_CFG_ARP_TABLE_SIZE 10
#endif
/* Queue packets while their next hop is being resolved. */
#ifndef TERN_CFG_ARP_QUEUE
#define TERN_CFG_ARP_QUEUE 1
#endif
/* Packets queued per unresolved entry (the oldest is dropped first). 1..16 */
#ifndef TERN_CFG_ARP_QUEUE_LEN
#define TERN_CFG_ARP_QUEUE_LEN 3
#endif
/* Lifetime of a dynamic entry, milliseconds. */
#ifndef TERN_CFG_ARP_MAX_AGE_MS
#define TERN_CFG_ARP_MAX_AGE_MS 300000u
#endif
/* ARP requests sent before a pending entry is given up. 1..10 */
#ifndef TERN_CFG_ARP_MAX_TRIES
#define TERN_CFG_ARP_MAX_TRIES 3
#endif
/* RFC 5227 address conflict detection (probe/announce/defend) API. */
#ifndef TERN_CFG_ARP_ACD
#define TERN_CFG_ARP_ACD 0
#endif

/* ---- IPv4 ------------------------------------------------------------------ */

#ifndef TERN_CFG_IPV4
#define TERN_CFG_IPV4 1
#endif
/* IPv6 (RFC 8200) with ICMPv6, Neighbor Discovery, SLAAC/DAD (docs/IPV6.md). */
#ifndef TERN_CFG_IPV6
#define TERN_CFG_IPV6 0
#endif
/* IPv6 addresses per interface (link-local included). 2..16 */
#ifndef TERN_CFG_IPV6_ADDRS
#define TERN_CFG_IPV6_ADDRS 4
#endif
/* Neighbor cache entries (all interfaces). 2..255 */
#ifndef TERN_CFG_IPV6_NEIGHBORS
#define TERN_CFG_IPV6_NEIGHBORS 8
#endif
/* Packets queued per neighbor awaiting resolution. 1..16 */
#ifndef TERN_CFG_IPV6_ND_QUEUE_LEN
#define TERN_CFG_IPV6_ND_QUEUE_LEN 3
#endif
/* Default routers, on-link prefixes and DNS servers learnt from RAs (each). 1..16 */
#ifndef TERN_CFG_IPV6_ROUTERS
#define TERN_CFG_IPV6_ROUTERS 2
#endif
#ifndef TERN_CFG_IPV6_PREFIXES
#define TERN_CFG_IPV6_PREFIXES 4
#endif
#ifndef TERN_CFG_IPV6_RDNSS
#define TERN_CFG_IPV6_RDNSS 3
#endif
/* Extension headers walked before a packet is dropped. 2..64 */
#ifndef TERN_CFG_IPV6_MAX_EXT_HEADERS
#define TERN_CFG_IPV6_MAX_EXT_HEADERS 8
#endif
/* Fragment reassembly (RFC 8200 4.5): datagrams at once, buffers held in
 * all, largest datagram, timeout (RFC 8200: 60 s). Fragmentation on output. */
#ifndef TERN_CFG_IPV6_FRAG
#define TERN_CFG_IPV6_FRAG 1
#endif
#ifndef TERN_CFG_IPV6_REASS_MAX
#define TERN_CFG_IPV6_REASS_MAX 4
#endif
#ifndef TERN_CFG_IPV6_REASS_MAX_PBUFS
#define TERN_CFG_IPV6_REASS_MAX_PBUFS 64
#endif
#ifndef TERN_CFG_IPV6_REASS_MAX_SIZE
#define TERN_CFG_IPV6_REASS_MAX_SIZE 65535u
#endif
#ifndef TERN_CFG_IPV6_REASS_TIMEOUT_MS
#define TERN_CFG_IPV6_REASS_TIMEOUT_MS 60000u
#endif
/* MLDv2 listener (RFC 3810) with MLDv1 fallback (RFC 2710), and the
 * application groups it can join per stack. 1..32 */
#ifndef TERN_CFG_IPV6_MLD
#define TERN_CFG_IPV6_MLD 1
#endif
#ifndef TERN_CFG_IPV6_MLD_GROUPS
#define TERN_CFG_IPV6_MLD_GROUPS 4
#endif
/* Destinations whose path MTU (from Packet Too Big, RFC 8201) is remembered. 1..64 */
#ifndef TERN_CFG_IPV6_DEST_CACHE
#define TERN_CFG_IPV6_DEST_CACHE 4
#endif
/* Hop limit of packets the stack sends (until an RA sets another). 1..255 */
#ifndef TERN_CFG_IPV6_HOP_LIMIT
#define TERN_CFG_IPV6_HOP_LIMIT 64
#endif
/* Stable opaque interface identifiers for SLAAC (RFC 7217), used once the
 * application gives a secret (tern_ipv6_set_secret); EUI-64 otherwise. */
#ifndef TERN_CFG_IPV6_STABLE_IID
#define TERN_CFG_IPV6_STABLE_IID 0
#endif
/* Neighbor solicitations sent for Duplicate Address Detection (0: none). 0..5 */
#ifndef TERN_CFG_IPV6_DAD_TRANSMITS
#define TERN_CFG_IPV6_DAD_TRANSMITS 1
#endif
#ifndef TERN_CFG_IPV4_DEFAULT_TTL
#define TERN_CFG_IPV4_DEFAULT_TTL 64
#endif
/* Fragment on output and reassemble on input. */
#ifndef TERN_CFG_IPV4_FRAG
#define TERN_CFG_IPV4_FRAG TERN_CFG_IPV4
#endif
/* Datagrams reassembled concurrently. 1..64 */
#ifndef TERN_CFG_IPV4_REASS_MAX
#define TERN_CFG_IPV4_REASS_MAX 4
#endif
/* Packet buffers all reassemblies together may hold. 1..65535 */
#ifndef TERN_CFG_IPV4_REASS_MAX_PBUFS
#define TERN_CFG_IPV4_REASS_MAX_PBUFS 10
#endif
/* Largest reassembled datagram, bytes (header included). 576..65535 */
#ifndef TERN_CFG_IPV4_REASS_MAX_SIZE
#define TERN_CFG_IPV4_REASS_MAX_SIZE 65535u
#endif
/* Reassembly timeout, milliseconds. */
#ifndef TERN_CFG_IPV4_REASS_TIMEOUT_MS
#define TERN_CFG_IPV4_REASS_TIMEOUT_MS 15000u
#endif
/* Forward packets between interfaces. */
#ifndef TERN_CFG_IPV4_FORWARD
#define TERN_CFG_IPV4_FORWARD 0
#endif
/* Static routes (beyond each interface's connected network and gateway). 0..255 */
#ifndef TERN_CFG_IPV4_ROUTES
#define TERN_CFG_IPV4_ROUTES 4
#endif

/* ---- ICMP ------------------------------------------------------------------ */

/* ICMPv4 (echo, errors) and the ping client need IPv4; ICMPv6 comes with IPv6. */
#ifndef TERN_CFG_ICMP
#define TERN_CFG_ICMP TERN_CFG_IPV4
#endif
/* ICMP error generation: at most BURST errors, refilled one per INTERVAL ms. */
#ifndef TERN_CFG_ICMP_ERR_BURST
#define TERN_CFG_ICMP_ERR_BURST 10
#endif
#ifndef TERN_CFG_ICMP_ERR_INTERVAL_MS
#define TERN_CFG_ICMP_ERR_INTERVAL_MS 100
#endif
/* Ping client API. */
#ifndef TERN_CFG_PING
#define TERN_CFG_PING 1
#endif

/* ---- IGMP and multicast -------------------------------------------------- */

/* IGMPv3 host (RFC 3376, whole-group include/exclude) with IGMPv2/v1
 * compatibility (RFC 2236): join/leave API, query responses. */
#ifndef TERN_CFG_IGMP
#define TERN_CFG_IGMP 0
#endif
/* Multicast groups joined at once, over all interfaces. 1..255 */
#ifndef TERN_CFG_IGMP_GROUPS
#define TERN_CFG_IGMP_GROUPS 4
#endif

/* ---- Transport --------------------------------------------------------------- */

#ifndef TERN_CFG_UDP
#define TERN_CFG_UDP 1
#endif
/* UDP endpoints. 1..65535 */
#ifndef TERN_CFG_UDP_PCBS
#define TERN_CFG_UDP_PCBS 8
#endif
/* Accept IPv4 UDP datagrams whose checksum field is zero (RFC 768 allows it). */
#ifndef TERN_CFG_UDP_ALLOW_NO_CHECKSUM
#define TERN_CFG_UDP_ALLOW_NO_CHECKSUM 1
#endif
/* TCP (RFC 9293) with the callback API. */
#ifndef TERN_CFG_TCP
#define TERN_CFG_TCP 0
#endif
/* Connections (not counting listeners). 1..65535 */
#ifndef TERN_CFG_TCP_PCBS
#define TERN_CFG_TCP_PCBS 5
#endif
/* Listening endpoints. 0..255 */
#ifndef TERN_CFG_TCP_LISTENERS
#define TERN_CFG_TCP_LISTENERS 8
#endif
/* Maximum segment size announced and used, bytes. 536..65495 */
#ifndef TERN_CFG_TCP_MSS
#define TERN_CFG_TCP_MSS 1460
#endif
/* Receive window per connection, bytes (above 65535 needs window scaling). */
#ifndef TERN_CFG_TCP_WND
#define TERN_CFG_TCP_WND (4u * TERN_CFG_TCP_MSS)
#endif
/* Send buffer per connection, bytes. */
#ifndef TERN_CFG_TCP_SND_BUF
#define TERN_CFG_TCP_SND_BUF (4u * TERN_CFG_TCP_MSS)
#endif
/* Per-connection buffer sizes (tern_tcp_set_bufsize): each connection's
 * receive window and send buffer may be set up to TERN_CFG_TCP_BUF_MAX (8
 * more bytes per connection). Off: every connection uses the two above. */
#ifndef TERN_CFG_TCP_BUF_PER_CONN
#define TERN_CFG_TCP_BUF_PER_CONN 0
#endif
/* The largest receive window or send buffer a connection may be given; our
 * window scale is chosen for it. Bytes. */
#ifndef TERN_CFG_TCP_BUF_MAX
#define TERN_CFG_TCP_BUF_MAX                                                                                 \
    (TERN_CFG_TCP_WND > TERN_CFG_TCP_SND_BUF ? TERN_CFG_TCP_WND : TERN_CFG_TCP_SND_BUF)
#endif
/* RFC 7323 window scaling and timestamps (with PAWS). */
#ifndef TERN_CFG_TCP_WSCALE
#define TERN_CFG_TCP_WSCALE 0
#endif
#ifndef TERN_CFG_TCP_TIMESTAMPS
#define TERN_CFG_TCP_TIMESTAMPS 0
#endif
/* Out-of-order data held per connection, in runs: a segment arriving right
 * after a kept run joins it (up to 64 KB a run), so this bounds the holes
 * waited on, not the segments (0: drop them all). 0..255 */
#ifndef TERN_CFG_TCP_OOSEQ_MAX
#define TERN_CFG_TCP_OOSEQ_MAX 4
#endif
/* Retransmission timeout: initial, lower and upper bound, ms (RFC 6298). */
#ifndef TERN_CFG_TCP_RTO_INIT_MS
#define TERN_CFG_TCP_RTO_INIT_MS 1000u
#endif
#ifndef TERN_CFG_TCP_RTO_MIN_MS
#define TERN_CFG_TCP_RTO_MIN_MS 1000u
#endif
#ifndef TERN_CFG_TCP_RTO_MAX_MS
#define TERN_CFG_TCP_RTO_MAX_MS 60000u
#endif
/* Retransmissions of one segment before the connection is dropped. */
#ifndef TERN_CFG_TCP_MAX_RTX
#define TERN_CFG_TCP_MAX_RTX 12
#endif
#ifndef TERN_CFG_TCP_SYN_MAX_RTX
#define TERN_CFG_TCP_SYN_MAX_RTX 6
#endif
/* Delayed ACK timer, ms (RFC 9293 allows up to 500). */
#ifndef TERN_CFG_TCP_DELACK_MS
#define TERN_CFG_TCP_DELACK_MS 100u
#endif
/* TIME-WAIT lasts 2 x MSL, ms. */
#ifndef TERN_CFG_TCP_MSL_MS
#define TERN_CFG_TCP_MSL_MS 30000u
#endif
/* Initial congestion window in segments (RFC 6928 allows 10). */
#ifndef TERN_CFG_TCP_INIT_CWND
#define TERN_CFG_TCP_INIT_CWND 10
#endif
/* Keepalive defaults: idle before the first probe, interval, probes. */
#ifndef TERN_CFG_TCP_KEEP_IDLE_MS
#define TERN_CFG_TCP_KEEP_IDLE_MS 7200000u
#endif
#ifndef TERN_CFG_TCP_KEEP_INTVL_MS
#define TERN_CFG_TCP_KEEP_INTVL_MS 75000u
#endif
#ifndef TERN_CFG_TCP_KEEP_CNT
#define TERN_CFG_TCP_KEEP_CNT 9
#endif
/* SACK (RFC 2018): negotiate it and report out-of-order data in ACKs. */
#ifndef TERN_CFG_TCP_SACK
#define TERN_CFG_TCP_SACK 0
#endif
/* Ranges of the peer's SACK scoreboard kept per connection (8 bytes each):
 * how many separate losses in one window the sender can repair in a round
 * trip. 1..255 */
#ifndef TERN_CFG_TCP_SACK_BLOCKS
#define TERN_CFG_TCP_SACK_BLOCKS 4
#endif
/* Congestion control: how the window grows and how far it falls after a
 * loss. TERN_TCP_CC_NEWRENO (RFC 5681/6582) or TERN_TCP_CC_CUBIC (RFC 9438,
 * the Linux default; 20 more bytes per connection). Loss recovery (fast
 * retransmit, NewReno partial ACKs, SACK holes) is the same for both. */
#define TERN_TCP_CC_NEWRENO 1
#define TERN_TCP_CC_CUBIC 2
#ifndef TERN_CFG_TCP_CC
#define TERN_CFG_TCP_CC TERN_TCP_CC_NEWRENO
#endif
/* SYN cookies (RFC 4987 3.6): when a listener's backlog is full, answer
 * SYNs without keeping state and rebuild the connection from the ACK. */
#ifndef TERN_CFG_TCP_SYNCOOKIES
#define TERN_CFG_TCP_SYNCOOKIES 0
#endif
/* Buckets of the connection lookup table (a power of two). */
#ifndef TERN_CFG_TCP_HASH
#define TERN_CFG_TCP_HASH 8
#endif

/* Raw IP endpoints (one IP protocol number each). */
#ifndef TERN_CFG_RAW
#define TERN_CFG_RAW 1
#endif
#ifndef TERN_CFG_RAW_PCBS
#define TERN_CFG_RAW_PCBS 2
#endif

/* ---- Services ------------------------------------------------------------ */

/* IPv4 link-local addresses (RFC 3927). Needs TERN_CFG_ARP_ACD. */
#ifndef TERN_CFG_AUTOIP
#define TERN_CFG_AUTOIP 0
#endif

/* DNS client (RFC 1035): A lookups, cache, several servers, hosts table. */
#ifndef TERN_CFG_DNS
#define TERN_CFG_DNS 0
#endif
/* Names cached or being resolved at once. 1..64 */
#ifndef TERN_CFG_DNS_CACHE
#define TERN_CFG_DNS_CACHE 4
#endif
/* Longest name kept, in characters (RFC 1035 allows 253). 16..253 */
#ifndef TERN_CFG_DNS_NAME_MAX
#define TERN_CFG_DNS_NAME_MAX 253
#endif
/* Addresses kept per name. 1..8 */
#ifndef TERN_CFG_DNS_ADDRS
#define TERN_CFG_DNS_ADDRS 2
#endif
/* Configured name servers. 1..4 */
#ifndef TERN_CFG_DNS_SERVERS
#define TERN_CFG_DNS_SERVERS 2
#endif
/* Callers waiting for answers at once. 1..64 */
#ifndef TERN_CFG_DNS_REQUESTS
#define TERN_CFG_DNS_REQUESTS 4
#endif
/* Static host table entries. 0..32 */
#ifndef TERN_CFG_DNS_HOSTS
#define TERN_CFG_DNS_HOSTS 0
#endif
/* Seconds per query attempt, attempts per server. */
#ifndef TERN_CFG_DNS_TIMEOUT_MS
#define TERN_CFG_DNS_TIMEOUT_MS 1000u
#endif
#ifndef TERN_CFG_DNS_TRIES
#define TERN_CFG_DNS_TRIES 2
#endif
/* Resolve names under .local with one-shot mDNS queries (RFC 6762). */
#ifndef TERN_CFG_DNS_MDNS
#define TERN_CFG_DNS_MDNS 1
#endif

/* DHCP client (RFC 2131/2132): a caller-owned tern_dhcp per interface
 * (tern/dhcp.h). Needs UDP; probes offered addresses with RFC 5227 when
 * TERN_CFG_ARP_ACD is on, and can fall back to AutoIP (TERN_CFG_AUTOIP). */
#ifndef TERN_CFG_DHCP
#define TERN_CFG_DHCP 0
#endif
/* DNS servers and NTP servers kept from a lease (each). 1..4 */
#ifndef TERN_CFG_DHCP_SERVERS
#define TERN_CFG_DHCP_SERVERS 2
#endif
/* Longest domain name (option 15) kept, characters. 0..63 */
#ifndef TERN_CFG_DHCP_DOMAIN_MAX
#define TERN_CFG_DHCP_DOMAIN_MAX 63
#endif
/* Longest host name (option 12) the client sends, characters. 1..63 */
#ifndef TERN_CFG_DHCP_HOSTNAME_MAX
#define TERN_CFG_DHCP_HOSTNAME_MAX 32
#endif
/* Largest DHCP message (UDP payload) accepted when the driver delivers it
 * in several buffers (it is copied to the stack then), bytes; also
 * announced to servers as option 57 (plus 28 for the IP and UDP headers).
 * 548..1472 */
#ifndef TERN_CFG_DHCP_MSG_MAX
#define TERN_CFG_DHCP_MSG_MAX 548
#endif

/* Stateless DHCPv6 client (RFC 8415 Information-Request): DNS servers for an
 * IPv6 link, kept with those from Router Advertisements (tern/dhcp6.h).
 * Needs IPv6 and UDP. */
#ifndef TERN_CFG_DHCP6
#define TERN_CFG_DHCP6 0
#endif
/* DNS servers taken from a Reply (the rest are ignored). 1..4 */
#ifndef TERN_CFG_DHCP6_DNS_SERVERS
#define TERN_CFG_DHCP6_DNS_SERVERS 2
#endif
/* Largest Reply (UDP payload) accepted when the driver delivers it in
 * several buffers (it is copied to the stack then), bytes. 128..1452 */
#ifndef TERN_CFG_DHCP6_MSG_MAX
#define TERN_CFG_DHCP6_MSG_MAX 512
#endif

/* ---- Applications in the library ----------------------------------------- */

/* UDP echo (7) and discard (9) services. */
#ifndef TERN_CFG_APP_ECHO
#define TERN_CFG_APP_ECHO 1
#endif

/* ---- Observability ----------------------------------------------------------- */

/* Per-protocol counters with drop reasons. */
#ifndef TERN_CFG_STATS
#define TERN_CFG_STATS 1
#endif
/* Compile-time log level: 0 off, 1 error, 2 warning, 3 info, 4 debug. */
#ifndef TERN_CFG_LOG_LEVEL
#define TERN_CFG_LOG_LEVEL 0
#endif
/* Internal consistency assertions (call the stack's assert hook). */
#ifndef TERN_CFG_ASSERT
#define TERN_CFG_ASSERT 0
#endif

/* ---- Sockets API and OS port (include/tern/sockets.h, include/tern/os.h) ------ */

/* Berkeley sockets layer over TCP, UDP and raw ICMP, safe from many threads.
 * Needs an OS port (mutex, condition, time). Off: no code, zero bytes. */
#ifndef TERN_CFG_SOCKETS
#define TERN_CFG_SOCKETS 0
#endif
/* Sockets per sockets instance (listeners and accepted connections count),
 * 1..1000. */
#ifndef TERN_CFG_SOCKETS_MAX
#define TERN_CFG_SOCKETS_MAX 8
#endif
/* Datagrams a UDP or raw socket holds unread before it drops more, 1..255. */
#ifndef TERN_CFG_SOCKET_DGRAM_QUEUE
#define TERN_CFG_SOCKET_DGRAM_QUEUE 8
#endif
/* Bytes of storage for one OS mutex / condition / thread handle (the port
 * checks at compile time that its objects fit; pthreads on x86-64 needs 40 /
 * 48 / 24). */
#ifndef TERN_CFG_OS_MUTEX_SIZE
#define TERN_CFG_OS_MUTEX_SIZE 64
#endif
#ifndef TERN_CFG_OS_COND_SIZE
#define TERN_CFG_OS_COND_SIZE 64
#endif
#ifndef TERN_CFG_OS_THREAD_SIZE
#define TERN_CFG_OS_THREAD_SIZE 32
#endif

/* Per-connection IP TTL and TOS for TCP (tern_tcp_set_ip_opts; IP_TTL and
 * IP_TOS on stream sockets): 2 bytes per connection. On with the sockets
 * layer unless set. */
#ifndef TERN_CFG_TCP_IP_OPTS
#define TERN_CFG_TCP_IP_OPTS TERN_CFG_SOCKETS
#endif

/* ---- Validation ------------------------------------------------------------------ */

#define TERN_CFG_IS_BOOL(x) ((x) == 0 || (x) == 1)
_Static_assert(TERN_CFG_IS_BOOL(TERN_CFG_ETHERNET) && TERN_CFG_IS_BOOL(TERN_CFG_LOOPBACK) &&
                   TERN_CFG_IS_BOOL(TERN_CFG_IPV4) && TERN_CFG_IS_BOOL(TERN_CFG_IPV6) &&
                   TERN_CFG_IS_BOOL(TERN_CFG_UDP) && TERN_CFG_IS_BOOL(TERN_CFG_RAW) &&
                   TERN_CFG_IS_BOOL(TERN_CFG_ICMP) && TERN_CFG_IS_BOOL(TERN_CFG_STATS),
               "tern: feature switches must be 0 or 1");
_Static_assert(TERN_CFG_IPV4 || TERN_CFG_IPV6, "tern: enable TERN_CFG_IPV4, TERN_CFG_IPV6 or both");
_Static_assert(TERN_CFG_IPV4 || (!TERN_CFG_ICMP && !TERN_CFG_IGMP),
               "tern: TERN_CFG_ICMP and TERN_CFG_IGMP need IPv4 (ICMPv6 and MLD come with IPv6)");
_Static_assert(
    TERN_CFG_IPV4 || (!TERN_CFG_DHCP && !TERN_CFG_AUTOIP && !TERN_CFG_ARP_ACD),
    "tern: TERN_CFG_DHCP, TERN_CFG_AUTOIP and TERN_CFG_ARP_ACD need IPv4 (DHCPv6 and SLAAC come with IPv6)");
_Static_assert(TERN_CFG_IPV4 || (!TERN_CFG_IPV4_FRAG && !TERN_CFG_IPV4_FORWARD),
               "tern: TERN_CFG_IPV4_FRAG and TERN_CFG_IPV4_FORWARD need IPv4");
_Static_assert(TERN_CFG_IPV4 || !TERN_CFG_LOOPBACK, "tern: the loopback interface (127.0.0.1) needs IPv4");
_Static_assert(!TERN_CFG_IPV6 || TERN_CFG_ETHERNET, "tern: IPv6 needs Ethernet (Neighbor Discovery)");
_Static_assert(TERN_CFG_IPV6_ADDRS >= 2 && TERN_CFG_IPV6_ADDRS <= 16,
               "tern: TERN_CFG_IPV6_ADDRS must be 2..16");
_Static_assert(TERN_CFG_IPV6_NEIGHBORS >= 2 && TERN_CFG_IPV6_NEIGHBORS <= 255,
               "tern: TERN_CFG_IPV6_NEIGHBORS must be 2..255");
_Static_assert(TERN_CFG_IPV6_ND_QUEUE_LEN >= 1 && TERN_CFG_IPV6_ND_QUEUE_LEN <= 16,
               "tern: TERN_CFG_IPV6_ND_QUEUE_LEN must be 1..16");
_Static_assert(TERN_CFG_IPV6_ROUTERS >= 1 && TERN_CFG_IPV6_ROUTERS <= 16 && TERN_CFG_IPV6_PREFIXES >= 1 &&
                   TERN_CFG_IPV6_PREFIXES <= 16 && TERN_CFG_IPV6_RDNSS >= 1 && TERN_CFG_IPV6_RDNSS <= 16,
               "tern: TERN_CFG_IPV6_ROUTERS / _PREFIXES / _RDNSS must be 1..16");
_Static_assert(TERN_CFG_IPV6_MAX_EXT_HEADERS >= 2 && TERN_CFG_IPV6_MAX_EXT_HEADERS <= 64,
               "tern: TERN_CFG_IPV6_MAX_EXT_HEADERS must be 2..64");
_Static_assert(TERN_CFG_IPV6_HOP_LIMIT >= 1 && TERN_CFG_IPV6_HOP_LIMIT <= 255,
               "tern: TERN_CFG_IPV6_HOP_LIMIT must be 1..255");
_Static_assert(TERN_CFG_IS_BOOL(TERN_CFG_IPV6_FRAG), "tern: TERN_CFG_IPV6_FRAG must be 0 or 1");
_Static_assert(TERN_CFG_IPV6_REASS_MAX >= 1 && TERN_CFG_IPV6_REASS_MAX <= 64,
               "tern: TERN_CFG_IPV6_REASS_MAX must be 1..64");
_Static_assert(TERN_CFG_IPV6_REASS_MAX_SIZE >= 1500 && TERN_CFG_IPV6_REASS_MAX_SIZE <= 65535,
               "tern: TERN_CFG_IPV6_REASS_MAX_SIZE must be 1500..65535");
_Static_assert(!TERN_CFG_IPV6 || (TERN_CFG_IPV6_REASS_MAX_PBUFS >= 2 &&
                                  TERN_CFG_IPV6_REASS_MAX_PBUFS <= TERN_CFG_PBUF_COUNT),
               "tern: TERN_CFG_IPV6_REASS_MAX_PBUFS must be 2..TERN_CFG_PBUF_COUNT");
_Static_assert(TERN_CFG_IS_BOOL(TERN_CFG_IPV6_MLD) && TERN_CFG_IPV6_MLD_GROUPS >= 1 &&
                   TERN_CFG_IPV6_MLD_GROUPS <= 32,
               "tern: TERN_CFG_IPV6_MLD must be 0 or 1, TERN_CFG_IPV6_MLD_GROUPS 1..32");
_Static_assert(TERN_CFG_IPV6_DEST_CACHE >= 1 && TERN_CFG_IPV6_DEST_CACHE <= 64,
               "tern: TERN_CFG_IPV6_DEST_CACHE must be 1..64");
_Static_assert(TERN_CFG_IS_BOOL(TERN_CFG_IPV6_STABLE_IID), "tern: TERN_CFG_IPV6_STABLE_IID must be 0 or 1");
_Static_assert(TERN_CFG_IPV6_DAD_TRANSMITS <= 5, "tern: TERN_CFG_IPV6_DAD_TRANSMITS must be 0..5");
_Static_assert(TERN_CFG_PBUF_COUNT >= 2 && TERN_CFG_PBUF_COUNT <= 65535,
               "tern: TERN_CFG_PBUF_COUNT must be 2..65535");
_Static_assert(TERN_CFG_PBUF_SIZE >= 128 && TERN_CFG_PBUF_SIZE <= 65535,
               "tern: TERN_CFG_PBUF_SIZE must be 128..65535");
_Static_assert(TERN_CFG_PBUF_REF_COUNT <= 255, "tern: TERN_CFG_PBUF_REF_COUNT must be 0..255");
_Static_assert(TERN_CFG_LINK_EXTRA_HEADROOM <= 64, "tern: TERN_CFG_LINK_EXTRA_HEADROOM must be 0..64");
_Static_assert(TERN_CFG_ARP_TABLE_SIZE >= 1 && TERN_CFG_ARP_TABLE_SIZE <= 255,
               "tern: TERN_CFG_ARP_TABLE_SIZE must be 1..255");
_Static_assert(TERN_CFG_ARP_QUEUE_LEN >= 1 && TERN_CFG_ARP_QUEUE_LEN <= 16,
               "tern: TERN_CFG_ARP_QUEUE_LEN must be 1..16");
_Static_assert(TERN_CFG_ARP_MAX_TRIES >= 1 && TERN_CFG_ARP_MAX_TRIES <= 10,
               "tern: TERN_CFG_ARP_MAX_TRIES must be 1..10");
_Static_assert(!TERN_CFG_ARP_ACD || TERN_CFG_ETHERNET, "tern: ARP address conflict detection needs Ethernet");
_Static_assert(TERN_CFG_IPV4_REASS_MAX >= 1 && TERN_CFG_IPV4_REASS_MAX <= 64,
               "tern: TERN_CFG_IPV4_REASS_MAX must be 1..64");
_Static_assert(TERN_CFG_IPV4_REASS_MAX_SIZE >= 576 && TERN_CFG_IPV4_REASS_MAX_SIZE <= 65535,
               "tern: TERN_CFG_IPV4_REASS_MAX_SIZE must be 576..65535");
_Static_assert(!TERN_CFG_IPV4_REASS_MAX_PBUFS || TERN_CFG_IPV4_REASS_MAX_PBUFS <= TERN_CFG_PBUF_COUNT,
               "tern: reassembly cannot hold more buffers than the pool has");
_Static_assert(TERN_CFG_IGMP_GROUPS >= 1 && TERN_CFG_IGMP_GROUPS <= 255,
               "tern: TERN_CFG_IGMP_GROUPS must be 1..255");
_Static_assert(TERN_CFG_IS_BOOL(TERN_CFG_IGMP), "tern: TERN_CFG_IGMP must be 0 or 1");
_Static_assert(!TERN_CFG_AUTOIP || TERN_CFG_ARP_ACD, "tern: AutoIP needs TERN_CFG_ARP_ACD");
_Static_assert(!TERN_CFG_DNS || TERN_CFG_UDP, "tern: the DNS client needs UDP");
_Static_assert(TERN_CFG_DNS_CACHE >= 1 && TERN_CFG_DNS_CACHE <= 64, "tern: TERN_CFG_DNS_CACHE must be 1..64");
_Static_assert(TERN_CFG_DNS_NAME_MAX >= 16 && TERN_CFG_DNS_NAME_MAX <= 253,
               "tern: TERN_CFG_DNS_NAME_MAX must be 16..253");
_Static_assert(TERN_CFG_DNS_ADDRS >= 1 && TERN_CFG_DNS_ADDRS <= 8, "tern: TERN_CFG_DNS_ADDRS must be 1..8");
_Static_assert(TERN_CFG_DNS_SERVERS >= 1 && TERN_CFG_DNS_SERVERS <= 4,
               "tern: TERN_CFG_DNS_SERVERS must be 1..4");
_Static_assert(TERN_CFG_DNS_REQUESTS >= 1 && TERN_CFG_DNS_REQUESTS <= 64,
               "tern: TERN_CFG_DNS_REQUESTS must be 1..64");
_Static_assert(TERN_CFG_DNS_HOSTS <= 32, "tern: TERN_CFG_DNS_HOSTS must be 0..32");
_Static_assert(TERN_CFG_DNS_TRIES >= 1 && TERN_CFG_DNS_TRIES <= 10, "tern: TERN_CFG_DNS_TRIES must be 1..10");
_Static_assert(TERN_CFG_IS_BOOL(TERN_CFG_DHCP), "tern: TERN_CFG_DHCP must be 0 or 1");
_Static_assert(!TERN_CFG_DHCP || TERN_CFG_UDP, "tern: the DHCP client needs UDP");
_Static_assert(!TERN_CFG_DHCP || TERN_CFG_ETHERNET, "tern: the DHCP client needs Ethernet");
_Static_assert(TERN_CFG_DHCP_SERVERS >= 1 && TERN_CFG_DHCP_SERVERS <= 4,
               "tern: TERN_CFG_DHCP_SERVERS must be 1..4");
_Static_assert(TERN_CFG_DHCP_DOMAIN_MAX >= 0 && TERN_CFG_DHCP_DOMAIN_MAX <= 63,
               "tern: TERN_CFG_DHCP_DOMAIN_MAX must be 0..63");
_Static_assert(TERN_CFG_DHCP_HOSTNAME_MAX >= 1 && TERN_CFG_DHCP_HOSTNAME_MAX <= 63,
               "tern: TERN_CFG_DHCP_HOSTNAME_MAX must be 1..63");
_Static_assert(TERN_CFG_DHCP_MSG_MAX >= 548 && TERN_CFG_DHCP_MSG_MAX <= 1472,
               "tern: TERN_CFG_DHCP_MSG_MAX must be 548..1472");
_Static_assert(TERN_CFG_IS_BOOL(TERN_CFG_DHCP6), "tern: TERN_CFG_DHCP6 must be 0 or 1");
_Static_assert(!TERN_CFG_DHCP6 || (TERN_CFG_IPV6 && TERN_CFG_UDP),
               "tern: the DHCPv6 client needs IPv6 and UDP");
_Static_assert(TERN_CFG_DHCP6_DNS_SERVERS >= 1 && TERN_CFG_DHCP6_DNS_SERVERS <= 4,
               "tern: TERN_CFG_DHCP6_DNS_SERVERS must be 1..4");
_Static_assert(TERN_CFG_DHCP6_MSG_MAX >= 128 && TERN_CFG_DHCP6_MSG_MAX <= 1452,
               "tern: TERN_CFG_DHCP6_MSG_MAX must be 128..1452");
_Static_assert(TERN_CFG_IS_BOOL(TERN_CFG_TCP_IP_OPTS), "tern: TERN_CFG_TCP_IP_OPTS must be 0 or 1");
_Static_assert(TERN_CFG_IS_BOOL(TERN_CFG_NETIF_OFFLOAD), "tern: TERN_CFG_NETIF_OFFLOAD must be 0 or 1");
_Static_assert(TERN_CFG_IS_BOOL(TERN_CFG_TCP_SACK), "tern: TERN_CFG_TCP_SACK must be 0 or 1");
_Static_assert(TERN_CFG_TCP_RTO_MAX_MS <= 65535u && TERN_CFG_TCP_RTO_INIT_MS <= TERN_CFG_TCP_RTO_MAX_MS,
               "tern: TERN_CFG_TCP_RTO_MAX_MS must be at most 65535 (and the initial RTO no more)");
_Static_assert(TERN_CFG_TCP_KEEP_IDLE_MS <= 65535000u && TERN_CFG_TCP_KEEP_INTVL_MS <= 65535000u,
               "tern: keepalive times are kept in seconds, at most 65535");
_Static_assert(TERN_CFG_TCP_SACK_BLOCKS >= 1 && TERN_CFG_TCP_SACK_BLOCKS <= 255,
               "tern: TERN_CFG_TCP_SACK_BLOCKS must be 1..255");
_Static_assert(TERN_CFG_TCP_CC == TERN_TCP_CC_NEWRENO || TERN_CFG_TCP_CC == TERN_TCP_CC_CUBIC,
               "tern: TERN_CFG_TCP_CC must be TERN_TCP_CC_NEWRENO or TERN_TCP_CC_CUBIC");
_Static_assert(TERN_CFG_IS_BOOL(TERN_CFG_TCP_SYNCOOKIES), "tern: TERN_CFG_TCP_SYNCOOKIES must be 0 or 1");
_Static_assert(TERN_CFG_TCP_PCBS >= 1 && TERN_CFG_TCP_PCBS <= 65535,
               "tern: TERN_CFG_TCP_PCBS must be 1..65535");
_Static_assert(TERN_CFG_TCP_LISTENERS <= 255, "tern: TERN_CFG_TCP_LISTENERS must be 0..255");
_Static_assert(TERN_CFG_TCP_MSS >= 536 && TERN_CFG_TCP_MSS <= 65495,
               "tern: TERN_CFG_TCP_MSS must be 536..65495");
_Static_assert(TERN_CFG_TCP_WSCALE || TERN_CFG_TCP_WND <= 65535u,
               "tern: a TCP window above 65535 needs TERN_CFG_TCP_WSCALE");
_Static_assert(TERN_CFG_TCP_WND >= TERN_CFG_TCP_MSS && TERN_CFG_TCP_WND <= 0x3FFFFFFFu,
               "tern: TERN_CFG_TCP_WND must be MSS..2^30");
_Static_assert(TERN_CFG_IS_BOOL(TERN_CFG_TCP_BUF_PER_CONN), "tern: TERN_CFG_TCP_BUF_PER_CONN must be 0 or 1");
_Static_assert(
    TERN_CFG_TCP_BUF_MAX >= TERN_CFG_TCP_WND && TERN_CFG_TCP_BUF_MAX >= TERN_CFG_TCP_SND_BUF &&
        TERN_CFG_TCP_BUF_MAX <= 0x3FFFFFFFu,
    "tern: TERN_CFG_TCP_BUF_MAX must be at least TERN_CFG_TCP_WND and TERN_CFG_TCP_SND_BUF, at most 2^30");
_Static_assert(TERN_CFG_TCP_WSCALE || TERN_CFG_TCP_BUF_MAX <= 65535u,
               "tern: TERN_CFG_TCP_BUF_MAX above 65535 needs TERN_CFG_TCP_WSCALE");
_Static_assert(TERN_CFG_TCP_SND_BUF >= TERN_CFG_TCP_MSS,
               "tern: TERN_CFG_TCP_SND_BUF must hold at least one MSS");
_Static_assert(TERN_CFG_TCP_OOSEQ_MAX <= 255, "tern: TERN_CFG_TCP_OOSEQ_MAX must be 0..255");
_Static_assert((TERN_CFG_TCP_HASH & (TERN_CFG_TCP_HASH - 1)) == 0 && TERN_CFG_TCP_HASH >= 1,
               "tern: TERN_CFG_TCP_HASH must be a power of two");
_Static_assert(TERN_CFG_TCP_RTO_MIN_MS <= TERN_CFG_TCP_RTO_INIT_MS &&
                   TERN_CFG_TCP_RTO_INIT_MS <= TERN_CFG_TCP_RTO_MAX_MS,
               "tern: TCP RTO bounds must satisfy MIN <= INIT <= MAX");
_Static_assert(!TERN_CFG_PING || !TERN_CFG_IPV4 || TERN_CFG_ICMP,
               "tern: the ping client needs ICMP (for IPv4)");
_Static_assert(!TERN_CFG_APP_ECHO || TERN_CFG_UDP, "tern: the echo service needs UDP");
_Static_assert(TERN_CFG_UDP_PCBS >= 1 && TERN_CFG_UDP_PCBS <= 65535,
               "tern: TERN_CFG_UDP_PCBS must be 1..65535");
_Static_assert(TERN_CFG_LOG_LEVEL >= 0 && TERN_CFG_LOG_LEVEL <= 4, "tern: TERN_CFG_LOG_LEVEL must be 0..4");
_Static_assert(TERN_CFG_LOOPBACK_QUEUE_LEN >= 1 && TERN_CFG_LOOPBACK_QUEUE_LEN <= 255,
               "tern: TERN_CFG_LOOPBACK_QUEUE_LEN must be 1..255");
_Static_assert(TERN_CFG_IS_BOOL(TERN_CFG_SOCKETS), "tern: TERN_CFG_SOCKETS must be 0 or 1");
_Static_assert(!TERN_CFG_SOCKETS || (TERN_CFG_SOCKETS_MAX >= 1 && TERN_CFG_SOCKETS_MAX <= 1000),
               "tern: TERN_CFG_SOCKETS_MAX must be 1..1000");
_Static_assert(!TERN_CFG_SOCKETS || (TERN_CFG_SOCKET_DGRAM_QUEUE >= 1 && TERN_CFG_SOCKET_DGRAM_QUEUE <= 255),
               "tern: TERN_CFG_SOCKET_DGRAM_QUEUE must be 1..255");
_Static_assert(TERN_CFG_OS_MUTEX_SIZE >= 4 && TERN_CFG_OS_COND_SIZE >= 4 && TERN_CFG_OS_THREAD_SIZE >= 4,
               "tern: TERN_CFG_OS_*_SIZE must be at least 4 bytes");

#endif
