/*
 * Tern preset "full": every feature the library has, with modest pools for
 * a microcontroller (about 25 KB of packet buffers).
 *
 * Fragmentation and reassembly, forwarding and static routes, loopback, raw
 * IP endpoints, the ping client, ARP address conflict detection, statistics,
 * warning-level logs, assertions, the pcap tee and the impairment layer.
 * `make size` builds it for Cortex-M4; every option the library knows is set
 * here explicitly so the numbers describe exactly this list.
 */
#ifndef TERN_PRESET_FULL_H
#define TERN_PRESET_FULL_H

/* ---- Memory ---- */
#define TERN_CFG_PBUF_COUNT 16         /* 16 pool packet buffers ... */
#define TERN_CFG_PBUF_SIZE 1536        /* ... of 1536 bytes: one full frame each */
#define TERN_CFG_PBUF_REF_COUNT 8      /* zero-copy ROM/driver buffer headers */
#define TERN_CFG_LINK_EXTRA_HEADROOM 0 /* plain Ethernet, nothing in front of it */

/* ---- Interfaces ---- */
#define TERN_CFG_ETHERNET 1           /* Ethernet II with ARP */
#define TERN_CFG_LOOPBACK 1           /* loopback interface (127/8, own addresses) */
#define TERN_CFG_LOOPBACK_QUEUE_LEN 8 /* packets waiting on loopback */
#define TERN_CFG_IMPAIR 1             /* impairment layer (loss, delay, ...) */
#define TERN_CFG_IMPAIR_QUEUE_LEN 8   /* packets it may hold back */
#define TERN_CFG_NETIF_TEE 1          /* frame tee for pcap capture */
#define TERN_CFG_NETIF_OFFLOAD 1      /* TCP checksum and segmentation offload (TSO) */

/* ---- ARP ---- */
#define TERN_CFG_ARP_TABLE_SIZE 16      /* 16 cache entries (we may route) */
#define TERN_CFG_ARP_QUEUE 1            /* queue packets while resolving ... */
#define TERN_CFG_ARP_QUEUE_LEN 3        /* ... up to 3 per pending entry */
#define TERN_CFG_ARP_MAX_AGE_MS 300000u /* entries live 5 minutes */
#define TERN_CFG_ARP_MAX_TRIES 3        /* requests before giving up */
#define TERN_CFG_ARP_ACD 1              /* RFC 5227 probe/announce/defend */

/* ---- IPv4 ---- */
#define TERN_CFG_IPV4 1                       /* IPv4 */
#define TERN_CFG_IPV6 1                       /* IPv6: ND, SLAAC, MLD (docs/IPV6.md) */
#define TERN_CFG_IPV4_DEFAULT_TTL 64          /* TTL of packets we originate */
#define TERN_CFG_IPV4_FRAG 1                  /* fragment on output, reassemble on input */
#define TERN_CFG_IPV4_REASS_MAX 2             /* 2 datagrams reassembled at once ... */
#define TERN_CFG_IPV4_REASS_MAX_PBUFS 8       /* ... holding at most 8 buffers together */
#define TERN_CFG_IPV4_REASS_MAX_SIZE 65535u   /* any datagram the buffer budget allows */
#define TERN_CFG_IPV4_REASS_TIMEOUT_MS 15000u /* give up a reassembly after 15 s */
#define TERN_CFG_IPV4_FORWARD 1               /* forward between interfaces */
#define TERN_CFG_IPV4_ROUTES 4                /* 4 static routes */

/* ---- IPv6 ---- */
#define TERN_CFG_IPV6_ADDRS 4                 /* link-local + 3 global (SLAAC or manual) */
#define TERN_CFG_IPV6_NEIGHBORS 8             /* 8 neighbor cache entries */
#define TERN_CFG_IPV6_ND_QUEUE_LEN 3          /* 3 packets wait per unresolved neighbor */
#define TERN_CFG_IPV6_ROUTERS 2               /* 2 default routers from RAs */
#define TERN_CFG_IPV6_PREFIXES 4              /* 4 on-link prefixes from RAs */
#define TERN_CFG_IPV6_RDNSS 2                 /* 2 DNS servers from RAs (RFC 8106) */
#define TERN_CFG_IPV6_MAX_EXT_HEADERS 8       /* extension headers walked before a drop */
#define TERN_CFG_IPV6_HOP_LIMIT 64            /* hop limit until an RA says otherwise */
#define TERN_CFG_IPV6_STABLE_IID 1            /* RFC 7217 identifiers once a secret is set */
#define TERN_CFG_IPV6_DAD_TRANSMITS 1         /* one DAD probe (RFC 4862 default) */
#define TERN_CFG_IPV6_FRAG 1                  /* fragment on output, reassemble on input */
#define TERN_CFG_IPV6_REASS_MAX 2             /* datagrams reassembled at once ... */
#define TERN_CFG_IPV6_REASS_MAX_PBUFS 8       /* ... holding at most this many buffers */
#define TERN_CFG_IPV6_REASS_MAX_SIZE 65535u   /* largest datagram */
#define TERN_CFG_IPV6_REASS_TIMEOUT_MS 60000u /* RFC 8200: 60 s */
#define TERN_CFG_IPV6_MLD 1                   /* MLDv2 listener, MLDv1 fallback */
#define TERN_CFG_IPV6_MLD_GROUPS 4            /* application groups joined at once */
#define TERN_CFG_IPV6_DEST_CACHE 4            /* path MTUs of 4 destinations */

/* ---- ICMP ---- */
#define TERN_CFG_ICMP 1                   /* answer echo requests, send errors */
#define TERN_CFG_ICMP_ERR_BURST 10        /* ICMP error rate limit: burst ... */
#define TERN_CFG_ICMP_ERR_INTERVAL_MS 100 /* ... refilled one per 100 ms */
#define TERN_CFG_PING 1                   /* ping client */

/* ---- IGMP and services ---- */
#define TERN_CFG_IGMP 1               /* IGMPv3/v2 host */
#define TERN_CFG_IGMP_GROUPS 8        /* 8 groups joined at once */
#define TERN_CFG_AUTOIP 1             /* RFC 3927 link-local addressing */
#define TERN_CFG_DHCP 1               /* DHCP client (RFC 2131) with the ARP address check */
#define TERN_CFG_DHCP_SERVERS 2       /* DNS and NTP servers kept from a lease */
#define TERN_CFG_DHCP_DOMAIN_MAX 63   /* domain name kept */
#define TERN_CFG_DHCP_HOSTNAME_MAX 32 /* host name sent */
#define TERN_CFG_DHCP_MSG_MAX 548     /* RFC 2131 minimum message */
#define TERN_CFG_DHCP6 1              /* stateless DHCPv6 (RFC 8415): DNS servers */
#define TERN_CFG_DHCP6_DNS_SERVERS 2  /* DNS servers kept from a Reply */
#define TERN_CFG_DHCP6_MSG_MAX 512    /* largest Reply taken in pieces */
#define TERN_CFG_DNS 1                /* DNS client ... */
#define TERN_CFG_DNS_CACHE 8          /* ... 8 cached names */
#define TERN_CFG_DNS_NAME_MAX 253     /* full-length names */
#define TERN_CFG_DNS_ADDRS 2          /* two addresses per name */
#define TERN_CFG_DNS_SERVERS 3        /* three servers */
#define TERN_CFG_DNS_REQUESTS 4       /* four callers waiting at once */
#define TERN_CFG_DNS_HOSTS 4          /* a small static hosts table */
#define TERN_CFG_DNS_TIMEOUT_MS 1000u /* one second per attempt ... */
#define TERN_CFG_DNS_TRIES 2          /* ... two attempts per server */
#define TERN_CFG_DNS_MDNS 1           /* .local names by one-shot mDNS */
/* ---- TCP ---- */
#define TERN_CFG_TCP 1                     /* TCP, callback API */
#define TERN_CFG_TCP_PCBS 5                /* 5 connections ... */
#define TERN_CFG_TCP_LISTENERS 8           /* ... plus 8 listeners */
#define TERN_CFG_TCP_MSS 1460              /* full Ethernet segments */
#define TERN_CFG_TCP_WND (4u * 1460u)      /* receive window 4 x MSS */
#define TERN_CFG_TCP_SND_BUF (4u * 1460u)  /* send buffer 4 x MSS */
#define TERN_CFG_TCP_BUF_PER_CONN 1        /* per-connection buffer sizes */
#define TERN_CFG_TCP_BUF_MAX (64u * 1024u) /* the largest a connection may set */
#define TERN_CFG_TCP_WSCALE 1              /* RFC 7323 window scaling */
#define TERN_CFG_TCP_TIMESTAMPS 1          /* RFC 7323 timestamps and PAWS */
#define TERN_CFG_TCP_OOSEQ_MAX 4           /* out-of-order segments held per connection */
#define TERN_CFG_TCP_RTO_INIT_MS 1000u     /* RFC 6298 initial RTO */
#define TERN_CFG_TCP_RTO_MIN_MS 1000u      /* RFC 6298 lower bound */
#define TERN_CFG_TCP_RTO_MAX_MS 60000u     /* upper bound */
#define TERN_CFG_TCP_MAX_RTX 12            /* retransmissions before giving up */
#define TERN_CFG_TCP_SYN_MAX_RTX 6         /* SYN retransmissions before giving up */
#define TERN_CFG_TCP_DELACK_MS 100u        /* delayed ACK */
#define TERN_CFG_TCP_MSL_MS 30000u         /* TIME-WAIT = 2 x 30 s */
#define TERN_CFG_TCP_INIT_CWND 10          /* RFC 6928 initial window */
#define TERN_CFG_TCP_KEEP_IDLE_MS 7200000u /* keepalive: 2 h idle ... */
#define TERN_CFG_TCP_KEEP_INTVL_MS 75000u  /* ... probes 75 s apart ... */
#define TERN_CFG_TCP_KEEP_CNT 9            /* ... 9 of them */
#define TERN_CFG_TCP_HASH 4                /* lookup buckets */
#define TERN_CFG_TCP_SACK 1                /* SACK: out-of-order data reported to the peer */
#define TERN_CFG_TCP_SACK_BLOCKS 4         /* SACK scoreboard ranges per connection */
#define TERN_CFG_TCP_CC TERN_TCP_CC_CUBIC  /* CUBIC congestion control (RFC 9438) */
#define TERN_CFG_TCP_SYNCOOKIES 1          /* SYN cookies when a backlog is full */
#define TERN_CFG_TCP_IP_OPTS 0             /* no per-connection TTL/TOS */
/* ---- Transport ---- */
#define TERN_CFG_UDP 1                   /* UDP, callback API */
#define TERN_CFG_UDP_PCBS 8              /* 8 UDP endpoints */
#define TERN_CFG_UDP_ALLOW_NO_CHECKSUM 1 /* accept checksum 0 (RFC 768) */
#define TERN_CFG_RAW 1                   /* raw IP endpoints */
#define TERN_CFG_RAW_PCBS 2              /* 2 raw endpoints */

/* ---- Sockets (needs an RTOS port of include/tern/os.h: off on bare metal) ---- */
#define TERN_CFG_SOCKETS 0            /* Berkeley sockets layer */
#define TERN_CFG_SOCKETS_MAX 8        /* (sockets per instance, when on) */
#define TERN_CFG_SOCKET_DGRAM_QUEUE 8 /* (datagrams queued per socket, when on) */
#define TERN_CFG_OS_MUTEX_SIZE 64     /* (OS object storage, when on) */
#define TERN_CFG_OS_COND_SIZE 64
#define TERN_CFG_OS_THREAD_SIZE 32

/* ---- Applications ---- */
#define TERN_CFG_APP_ECHO 1 /* UDP echo (7) and discard (9) */

/* ---- Observability ---- */
#define TERN_CFG_STATS 1     /* per-protocol counters with drop reasons */
#define TERN_CFG_LOG_LEVEL 2 /* errors and warnings */
#define TERN_CFG_ASSERT 1    /* internal consistency assertions */

#endif
