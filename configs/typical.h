/*
 * Tern preset "typical": a small device on an ordinary LAN.
 *
 * "minimal" plus address configuration and name lookup: AutoIP, IGMP, DNS
 * (and DHCP as it lands), with ARP address conflict detection (RFC 5227),
 * which DHCP and AutoIP use to check an address.
 * `make size` builds it for Cortex-M4; every option the library knows is set
 * here explicitly so the numbers describe exactly this list.
 */
#ifndef TERN_PRESET_TYPICAL_H
#define TERN_PRESET_TYPICAL_H

/* ---- Memory ---- */
#define TERN_CFG_PBUF_COUNT 8          /* 8 pool packet buffers ... */
#define TERN_CFG_PBUF_SIZE 1536        /* ... of 1536 bytes: one full frame each */
#define TERN_CFG_PBUF_REF_COUNT 0      /* no zero-copy ROM/driver buffer headers */
#define TERN_CFG_LINK_EXTRA_HEADROOM 0 /* plain Ethernet, nothing in front of it */

/* ---- Interfaces ---- */
#define TERN_CFG_ETHERNET 1           /* Ethernet II with ARP */
#define TERN_CFG_LOOPBACK 0           /* no loopback interface */
#define TERN_CFG_LOOPBACK_QUEUE_LEN 1 /* (unused: loopback is off) */
#define TERN_CFG_IMPAIR 0             /* no impairment layer (test tool) */
#define TERN_CFG_IMPAIR_QUEUE_LEN 1   /* (unused: impairment is off) */
#define TERN_CFG_NETIF_TEE 0          /* no frame tee (pcap capture) */
#define TERN_CFG_NETIF_OFFLOAD 0      /* no TCP checksum/segmentation offload */

/* ---- ARP ---- */
#define TERN_CFG_ARP_TABLE_SIZE 10      /* 10 cache entries */
#define TERN_CFG_ARP_QUEUE 1            /* queue packets while resolving ... */
#define TERN_CFG_ARP_QUEUE_LEN 3        /* ... up to 3 per pending entry */
#define TERN_CFG_ARP_MAX_AGE_MS 300000u /* entries live 5 minutes */
#define TERN_CFG_ARP_MAX_TRIES 3        /* requests before giving up */
#define TERN_CFG_ARP_ACD 1              /* RFC 5227 probe/announce/defend (DHCP uses it) */

/* ---- IPv4 ---- */
#define TERN_CFG_IPV4 1                       /* IPv4 */
#define TERN_CFG_IPV6 0                       /* no IPv6 */
#define TERN_CFG_IPV4_DEFAULT_TTL 64          /* TTL of packets we originate */
#define TERN_CFG_IPV4_FRAG 0                  /* no fragmentation, no reassembly */
#define TERN_CFG_IPV4_REASS_MAX 1             /* (unused: reassembly is off) */
#define TERN_CFG_IPV4_REASS_MAX_PBUFS 1       /* (unused: reassembly is off) */
#define TERN_CFG_IPV4_REASS_MAX_SIZE 576u     /* (unused: reassembly is off) */
#define TERN_CFG_IPV4_REASS_TIMEOUT_MS 15000u /* (unused: reassembly is off) */
#define TERN_CFG_IPV4_FORWARD 0               /* a host, not a router */
#define TERN_CFG_IPV4_ROUTES 0                /* connected network + gateway only */

/* ---- IPv6 ---- */
#define TERN_CFG_IPV6_ADDRS 2                 /* (unused: IPv6 is off) */
#define TERN_CFG_IPV6_NEIGHBORS 2             /* (unused: IPv6 is off) */
#define TERN_CFG_IPV6_ND_QUEUE_LEN 1          /* (unused: IPv6 is off) */
#define TERN_CFG_IPV6_ROUTERS 1               /* (unused: IPv6 is off) */
#define TERN_CFG_IPV6_PREFIXES 1              /* (unused: IPv6 is off) */
#define TERN_CFG_IPV6_RDNSS 1                 /* (unused: IPv6 is off) */
#define TERN_CFG_IPV6_MAX_EXT_HEADERS 8       /* (unused: IPv6 is off) */
#define TERN_CFG_IPV6_HOP_LIMIT 64            /* (unused: IPv6 is off) */
#define TERN_CFG_IPV6_STABLE_IID 0            /* (unused: IPv6 is off) */
#define TERN_CFG_IPV6_DAD_TRANSMITS 1         /* (unused: IPv6 is off) */
#define TERN_CFG_IPV6_FRAG 0                  /* (unused: IPv6 is off) */
#define TERN_CFG_IPV6_REASS_MAX 1             /* (unused: IPv6 is off) */
#define TERN_CFG_IPV6_REASS_MAX_PBUFS 2       /* (unused: IPv6 is off) */
#define TERN_CFG_IPV6_REASS_MAX_SIZE 1500u    /* (unused: IPv6 is off) */
#define TERN_CFG_IPV6_REASS_TIMEOUT_MS 60000u /* (unused: IPv6 is off) */
#define TERN_CFG_IPV6_MLD 0                   /* (unused: IPv6 is off) */
#define TERN_CFG_IPV6_MLD_GROUPS 1            /* (unused: IPv6 is off) */
#define TERN_CFG_IPV6_DEST_CACHE 1            /* (unused: IPv6 is off) */

/* ---- ICMP ---- */
#define TERN_CFG_ICMP 1                   /* answer echo requests, send errors */
#define TERN_CFG_ICMP_ERR_BURST 10        /* ICMP error rate limit: burst ... */
#define TERN_CFG_ICMP_ERR_INTERVAL_MS 100 /* ... refilled one per 100 ms */
#define TERN_CFG_PING 0                   /* no ping client */

/* ---- IGMP and services ---- */
#define TERN_CFG_IGMP 1               /* IGMPv3/v2 host: join/leave groups */
#define TERN_CFG_IGMP_GROUPS 4        /* 4 groups joined at once */
#define TERN_CFG_AUTOIP 1             /* RFC 3927 link-local fallback */
#define TERN_CFG_DHCP 1               /* DHCP client (RFC 2131) with the ARP address check */
#define TERN_CFG_DHCP_SERVERS 2       /* DNS and NTP servers kept from a lease */
#define TERN_CFG_DHCP_DOMAIN_MAX 63   /* domain name kept */
#define TERN_CFG_DHCP_HOSTNAME_MAX 32 /* host name sent */
#define TERN_CFG_DHCP_MSG_MAX 548     /* RFC 2131 minimum message */
#define TERN_CFG_DHCP6 0              /* no DHCPv6 client (no IPv6) */
#define TERN_CFG_DHCP6_DNS_SERVERS 1  /* (unused: DHCPv6 is off) */
#define TERN_CFG_DHCP6_MSG_MAX 128    /* (unused: DHCPv6 is off) */
#define TERN_CFG_DNS 1                /* DNS client ... */
#define TERN_CFG_DNS_CACHE 4          /* ... 4 cached names ... */
#define TERN_CFG_DNS_NAME_MAX 253     /* ... of up to 255 bytes encoded (253 characters) */
#define TERN_CFG_DNS_ADDRS 1          /* one address kept per name */
#define TERN_CFG_DNS_SERVERS 2        /* two servers (from DHCP or configured) */
#define TERN_CFG_DNS_REQUESTS 2       /* two callers waiting at once */
#define TERN_CFG_DNS_HOSTS 0          /* no static hosts table */
#define TERN_CFG_DNS_TIMEOUT_MS 1000u /* one second per attempt ... */
#define TERN_CFG_DNS_TRIES 2          /* ... two attempts per server */
#define TERN_CFG_DNS_MDNS 0           /* no mDNS lookups (not in the typical list) */
/* ---- TCP ---- */
#define TERN_CFG_TCP 1                        /* TCP, callback API */
#define TERN_CFG_TCP_PCBS 5                   /* 5 connections ... */
#define TERN_CFG_TCP_LISTENERS 8              /* ... plus 8 listeners */
#define TERN_CFG_TCP_MSS 1460                 /* full Ethernet segments */
#define TERN_CFG_TCP_WND (4u * 1460u)         /* receive window 4 x MSS */
#define TERN_CFG_TCP_SND_BUF (4u * 1460u)     /* send buffer 4 x MSS */
#define TERN_CFG_TCP_BUF_PER_CONN 0           /* one buffer size for every connection */
#define TERN_CFG_TCP_BUF_MAX TERN_CFG_TCP_WND /* (the largest a connection may set) */
#define TERN_CFG_TCP_WSCALE 0                 /* no window scaling */
#define TERN_CFG_TCP_TIMESTAMPS 0             /* no timestamps */
#define TERN_CFG_TCP_OOSEQ_MAX 4              /* out-of-order segments held per connection */
#define TERN_CFG_TCP_RTO_INIT_MS 1000u        /* RFC 6298 initial RTO */
#define TERN_CFG_TCP_RTO_MIN_MS 1000u         /* RFC 6298 lower bound */
#define TERN_CFG_TCP_RTO_MAX_MS 60000u        /* upper bound */
#define TERN_CFG_TCP_MAX_RTX 12               /* retransmissions before giving up */
#define TERN_CFG_TCP_SYN_MAX_RTX 6            /* SYN retransmissions before giving up */
#define TERN_CFG_TCP_DELACK_MS 100u           /* delayed ACK */
#define TERN_CFG_TCP_MSL_MS 30000u            /* TIME-WAIT = 2 x 30 s */
#define TERN_CFG_TCP_INIT_CWND 10             /* RFC 6928 initial window */
#define TERN_CFG_TCP_KEEP_IDLE_MS 7200000u    /* keepalive: 2 h idle ... */
#define TERN_CFG_TCP_KEEP_INTVL_MS 75000u     /* ... probes 75 s apart ... */
#define TERN_CFG_TCP_KEEP_CNT 9               /* ... 9 of them */
#define TERN_CFG_TCP_HASH 1                   /* one lookup bucket: 5 connections */
#define TERN_CFG_TCP_SACK 0                   /* no SACK */
#define TERN_CFG_TCP_SACK_BLOCKS 4            /* (unused: SACK is off) */
#define TERN_CFG_TCP_CC TERN_TCP_CC_NEWRENO   /* NewReno congestion control */
#define TERN_CFG_TCP_SYNCOOKIES 0             /* no SYN cookies */
#define TERN_CFG_TCP_IP_OPTS 0                /* no per-connection TTL/TOS */
/* ---- Transport ---- */
#define TERN_CFG_UDP 1                   /* UDP, callback API */
#define TERN_CFG_UDP_PCBS 4              /* 4 UDP endpoints */
#define TERN_CFG_UDP_ALLOW_NO_CHECKSUM 1 /* accept checksum 0 (RFC 768) */
#define TERN_CFG_RAW 0                   /* no raw IP endpoints */
#define TERN_CFG_RAW_PCBS 0              /* (unused: raw is off) */

/* ---- API ---- */
/* Callback API only: no sockets layer, no OS abstraction is linked. */
#define TERN_CFG_SOCKETS 0            /* no Berkeley sockets layer */
#define TERN_CFG_SOCKETS_MAX 8        /* (unused: sockets are off) */
#define TERN_CFG_SOCKET_DGRAM_QUEUE 8 /* (unused) */
#define TERN_CFG_OS_MUTEX_SIZE 64     /* (unused: no OS port) */
#define TERN_CFG_OS_COND_SIZE 64
#define TERN_CFG_OS_THREAD_SIZE 32

/* ---- Applications ---- */
#define TERN_CFG_APP_ECHO 1 /* UDP echo/discard (tiny; `make size` links it) */

/* ---- Observability ---- */
#define TERN_CFG_STATS 0     /* no counters */
#define TERN_CFG_LOG_LEVEL 0 /* no logs */
#define TERN_CFG_ASSERT 0    /* no assertions */

#endif
