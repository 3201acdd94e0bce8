/*
 * Tern preset "ipv6only": the "minimal" node speaking IPv6 only: link-local
 * and SLAAC addresses with DAD, Neighbor Discovery, MLD, ICMPv6 echo and
 * errors, reassembly of datagrams up to 8 KB, UDP and TCP over IPv6, the
 * stateless DHCPv6 client.
 *
 * TERN_CFG_IPV4 is 0: no IPv4, ARP, ICMPv4 or IGMP code or state is
 * compiled, the interfaces have no IPv4 address, and Ethernet frames of
 * type IPv4 or ARP are dropped (counted in eth.drop.type when counters are
 * on). What needs IPv4 (DHCP, AutoIP, IGMP, ARP conflict detection, IPv4
 * fragmentation and forwarding, the ping client, the 127.0.0.1 loopback)
 * is off; config.h refuses it with IPv4 off. The ARP and IPv4 values below
 * are unused. `make size` builds it for Cortex-M4.
 */
#ifndef TERN_PRESET_IPV6ONLY_H
#define TERN_PRESET_IPV6ONLY_H

/* ---- Memory ---- */
#define TERN_CFG_PBUF_COUNT 8          /* 8 pool packet buffers ... */
#define TERN_CFG_PBUF_SIZE 1536        /* ... of 1536 bytes: one full frame each */
#define TERN_CFG_PBUF_REF_COUNT 0      /* no zero-copy ROM/driver buffer headers */
#define TERN_CFG_LINK_EXTRA_HEADROOM 0 /* plain Ethernet, nothing in front of it */

/* ---- Interfaces ---- */
#define TERN_CFG_ETHERNET 1           /* Ethernet II (IPv6 only: no ARP) */
#define TERN_CFG_LOOPBACK 0           /* no loopback interface */
#define TERN_CFG_LOOPBACK_QUEUE_LEN 1 /* (unused: loopback is off) */
#define TERN_CFG_IMPAIR 0             /* no impairment layer (test tool) */
#define TERN_CFG_IMPAIR_QUEUE_LEN 1   /* (unused: impairment is off) */
#define TERN_CFG_NETIF_TEE 0          /* no frame tee (pcap capture) */
#define TERN_CFG_NETIF_OFFLOAD 0      /* no TCP checksum/segmentation offload */

/* ---- ARP (unused: no IPv4) ---- */
#define TERN_CFG_ARP_TABLE_SIZE 10      /* 10 cache entries */
#define TERN_CFG_ARP_QUEUE 1            /* queue packets while resolving ... */
#define TERN_CFG_ARP_QUEUE_LEN 3        /* ... up to 3 per pending entry */
#define TERN_CFG_ARP_MAX_AGE_MS 300000u /* entries live 5 minutes */
#define TERN_CFG_ARP_MAX_TRIES 3        /* requests before giving up */
#define TERN_CFG_ARP_ACD 0              /* no RFC 5227 conflict detection */

/* ---- IP versions; IPv4 (off: its values below are unused) ---- */
#define TERN_CFG_IPV4 0                       /* no IPv4: IPv6 only */
#define TERN_CFG_IPV6 1                       /* IPv6 */
#define TERN_CFG_IPV4_DEFAULT_TTL 64          /* TTL of packets we originate */
#define TERN_CFG_IPV4_FRAG 0                  /* no fragmentation, no reassembly */
#define TERN_CFG_IPV4_REASS_MAX 1             /* (unused: reassembly is off) */
#define TERN_CFG_IPV4_REASS_MAX_PBUFS 1       /* (unused: reassembly is off) */
#define TERN_CFG_IPV4_REASS_MAX_SIZE 576u     /* (unused: reassembly is off) */
#define TERN_CFG_IPV4_REASS_TIMEOUT_MS 15000u /* (unused: reassembly is off) */
#define TERN_CFG_IPV4_FORWARD 0               /* a host, not a router */
#define TERN_CFG_IPV4_ROUTES 0                /* connected network + gateway only */

/* ---- IPv6 ---- */
#define TERN_CFG_IPV6_ADDRS 4                 /* link-local + 3 global (SLAAC or manual) */
#define TERN_CFG_IPV6_NEIGHBORS 8             /* 8 neighbor cache entries */
#define TERN_CFG_IPV6_ND_QUEUE_LEN 3          /* 3 packets wait per unresolved neighbor */
#define TERN_CFG_IPV6_ROUTERS 2               /* 2 default routers from RAs */
#define TERN_CFG_IPV6_PREFIXES 4              /* 4 on-link prefixes from RAs */
#define TERN_CFG_IPV6_RDNSS 2                 /* 2 DNS servers from RAs (RFC 8106) */
#define TERN_CFG_IPV6_MAX_EXT_HEADERS 8       /* extension headers walked before a drop */
#define TERN_CFG_IPV6_HOP_LIMIT 64            /* hop limit until an RA says otherwise */
#define TERN_CFG_IPV6_STABLE_IID 0            /* EUI-64 identifiers only */
#define TERN_CFG_IPV6_DAD_TRANSMITS 1         /* one DAD probe (RFC 4862 default) */
#define TERN_CFG_IPV6_FRAG 1                  /* fragment on output, reassemble on input */
#define TERN_CFG_IPV6_REASS_MAX 1             /* datagrams reassembled at once ... */
#define TERN_CFG_IPV6_REASS_MAX_PBUFS 6       /* ... holding at most this many buffers */
#define TERN_CFG_IPV6_REASS_MAX_SIZE 8192u    /* largest datagram */
#define TERN_CFG_IPV6_REASS_TIMEOUT_MS 60000u /* RFC 8200: 60 s */
#define TERN_CFG_IPV6_MLD 1                   /* MLDv2 listener, MLDv1 fallback */
#define TERN_CFG_IPV6_MLD_GROUPS 2            /* application groups joined at once */
#define TERN_CFG_IPV6_DEST_CACHE 4            /* path MTUs of 4 destinations */

/* ---- ICMP ---- */
#define TERN_CFG_ICMP 0                   /* no ICMPv4 (ICMPv6 comes with IPv6) */
#define TERN_CFG_ICMP_ERR_BURST 10        /* ICMP error rate limit: burst ... */
#define TERN_CFG_ICMP_ERR_INTERVAL_MS 100 /* ... refilled one per 100 ms */
#define TERN_CFG_PING 0                   /* no ping client */

/* ---- IGMP and services ---- */
#define TERN_CFG_IGMP 0               /* no multicast group membership */
#define TERN_CFG_IGMP_GROUPS 1        /* (unused: IGMP is off) */
#define TERN_CFG_AUTOIP 0             /* no link-local addressing */
#define TERN_CFG_DHCP 0               /* no DHCP client */
#define TERN_CFG_DHCP_SERVERS 1       /* (unused: DHCP is off) */
#define TERN_CFG_DHCP_DOMAIN_MAX 0    /* (unused: DHCP is off) */
#define TERN_CFG_DHCP_HOSTNAME_MAX 1  /* (unused: DHCP is off) */
#define TERN_CFG_DHCP_MSG_MAX 548     /* (unused: DHCP is off) */
#define TERN_CFG_DHCP6 1              /* stateless DHCPv6 (RFC 8415): DNS servers */
#define TERN_CFG_DHCP6_DNS_SERVERS 2  /* DNS servers kept from a Reply */
#define TERN_CFG_DHCP6_MSG_MAX 512    /* largest Reply taken in pieces */
#define TERN_CFG_DNS 0                /* no DNS client */
#define TERN_CFG_DNS_CACHE 1          /* (unused: DNS is off) */
#define TERN_CFG_DNS_NAME_MAX 16      /* (unused: DNS is off) */
#define TERN_CFG_DNS_ADDRS 1          /* (unused: DNS is off) */
#define TERN_CFG_DNS_SERVERS 1        /* (unused: DNS is off) */
#define TERN_CFG_DNS_REQUESTS 1       /* (unused: DNS is off) */
#define TERN_CFG_DNS_HOSTS 0          /* (unused: DNS is off) */
#define TERN_CFG_DNS_TIMEOUT_MS 1000u /* (unused: DNS is off) */
#define TERN_CFG_DNS_TRIES 1          /* (unused: DNS is off) */
#define TERN_CFG_DNS_MDNS 0           /* (unused: DNS is off) */
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
