/* Host build (Linux host program, tests, benchmarks): every feature on,
 * generous pools, statistics, pcap tee and the impairment layer. */
#define TERN_CFG_PBUF_COUNT 512
#define TERN_CFG_PBUF_REF_COUNT 64
#define TERN_CFG_ARP_TABLE_SIZE 32
#define TERN_CFG_ARP_ACD 1
#define TERN_CFG_AUTOIP 1
#define TERN_CFG_IPV4_FRAG 1
#define TERN_CFG_IPV4_REASS_MAX 8
#define TERN_CFG_IPV4_REASS_MAX_PBUFS 160
#define TERN_CFG_IPV4_FORWARD 1
#define TERN_CFG_IPV4_ROUTES 8
#define TERN_CFG_IGMP 1
#define TERN_CFG_IGMP_GROUPS 16
#define TERN_CFG_UDP_PCBS 32
#define TERN_CFG_TCP 1
#define TERN_CFG_TCP_PCBS 64
#define TERN_CFG_TCP_LISTENERS 16
#define TERN_CFG_TCP_WND (64u * 1024u)
#define TERN_CFG_TCP_SND_BUF (64u * 1024u)
#define TERN_CFG_TCP_WSCALE 1
#define TERN_CFG_TCP_TIMESTAMPS 1
#define TERN_CFG_TCP_OOSEQ_MAX 64
#define TERN_CFG_TCP_RTO_MIN_MS 200u
#define TERN_CFG_TCP_HASH 64
#define TERN_CFG_DNS 1
#define TERN_CFG_DNS_CACHE 8
#define TERN_CFG_DNS_SERVERS 3
#define TERN_CFG_DNS_HOSTS 4
#define TERN_CFG_RAW_PCBS 8
#define TERN_CFG_IMPAIR 1
#define TERN_CFG_IMPAIR_QUEUE_LEN 256
#define TERN_CFG_NETIF_TEE 1
#define TERN_CFG_STATS 1
#define TERN_CFG_LOG_LEVEL 2
#define TERN_CFG_ASSERT 1
