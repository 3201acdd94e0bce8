/* The shells' views of the stack (see shell_show.h). */
#include "shell_show.h"

#include <string.h>

void sh_printf(const sh_out *o, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    o->vprint(o->ctx, fmt, ap);
    va_end(ap);
}

void sh_flush(const sh_out *o) {
    if (o->flush != NULL)
        o->flush(o->ctx);
}

/* ---- Formatting ------------------------------------------------------------ */

static char *put_dec(char *p, unsigned v) {
    char d[4];
    int n = 0;
    do {
        d[n++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v);
    while (n)
        *p++ = d[--n];
    return p;
}

const char *sh_format_ip(uint32_t a, char *buf, size_t size) {
    char tmp[16], *p = tmp;
    for (int i = 3; i >= 0; i--) {
        p = put_dec(p, (a >> (8 * i)) & 0xFFu);
        if (i)
            *p++ = '.';
    }
    *p = '\0';
    if (size) {
        size_t n = (size_t)(p - tmp) < size ? (size_t)(p - tmp) : size - 1u;
        memcpy(buf, tmp, n);
        buf[n] = '\0';
    }
    return buf;
}

char *sh_format_mac(const uint8_t mac[6], char *buf) {
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 6; i++) {
        buf[3 * i] = hex[mac[i] >> 4];
        buf[3 * i + 1] = hex[mac[i] & 15u];
        buf[3 * i + 2] = i == 5 ? '\0' : ':';
    }
    return buf;
}

uint8_t sh_prefix_len(uint32_t mask) {
    uint8_t n = 0;
    while (mask & 0x80000000u) {
        n++;
        mask <<= 1;
    }
    return n;
}

uint16_t sh_format_data(const tern_pbuf *p, char *text, uint16_t max) {
    uint16_t n = tern_pbuf_copy_out(p, 0, text, max);
    for (uint16_t i = 0; i < n; i++)
        if ((unsigned char)text[i] < 32u || (unsigned char)text[i] > 126u)
            text[i] = '.';
    text[n] = '\0';
    return n;
}

/* ---- ifconfig, arp, route --------------------------------------------------- */

void sh_show_netif(const sh_out *o, const tern_netif *nif) {
    static const struct {
        uint8_t bit;
        const char *name;
    } flags[] = {{TERN_NETIF_UP, "UP"},
                 {TERN_NETIF_LINK_UP, "LINK_UP"},
                 {TERN_NETIF_BROADCAST, "BROADCAST"},
                 {TERN_NETIF_LOOPBACK, "LOOPBACK"}};
    char ip[16], gw[16], mac[18];
    const char *sep = "";
    sh_printf(o, "%s: flags=<", nif->name);
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
        if (nif->flags & flags[i].bit) {
            sh_printf(o, "%s%s", sep, flags[i].name);
            sep = ",";
        }
    }
    sh_printf(o, "> index %u mtu %u\n", nif->index, nif->mtu);
    if (nif->link_type == TERN_LINK_ETHERNET)
        sh_printf(o, "    ether %s\n", sh_format_mac(nif->hwaddr, mac));
    if (nif->ip4 != 0)
        sh_printf(o, "    inet %s/%u gateway %s\n", sh_format_ip(nif->ip4, ip, sizeof(ip)),
                  sh_prefix_len(nif->mask4), nif->gw4 ? sh_format_ip(nif->gw4, gw, sizeof(gw)) : "none");
#if TERN_CFG_IPV6
    for (unsigned i = 0; i < TERN_CFG_IPV6_ADDRS; i++) {
        const tern_ipv6_ifaddr *a = &nif->ip6.addrs[i];
        if (a->state == TERN_IPV6_ADDR_NONE)
            continue;
        char text[TERN_ADDR_STRLEN];
        tern_addr t =
            tern_addr_ipv6(a->addr, a->addr[0] == 0xFE && (a->addr[1] & 0xC0u) == 0x80u ? nif->index : 0);
        sh_printf(o, "    inet6 %s/%u %s%s", tern_addr_format(&t, text, sizeof(text)), a->prefix_len,
                  tern_ipv6_addr_state_name(a->state), a->autoconf ? " autoconf" : "");
        uint32_t now = nif->stack ? nif->stack->now : 0;
        if (!a->valid_inf)
            sh_printf(o, " valid %ds", (int)(a->valid_until - now) / 1000);
        if (!a->preferred_inf && a->state == TERN_IPV6_ADDR_PREFERRED)
            sh_printf(o, " preferred %ds", (int)(a->preferred_until - now) / 1000);
        sh_printf(o, "\n");
    }
#endif
    const tern_netif_counters *c = &nif->counters;
    sh_printf(o, "    rx packets %u bytes %u drops %u\n", (unsigned)c->rx_packets, (unsigned)c->rx_bytes,
              (unsigned)c->rx_drops);
    sh_printf(o, "    tx packets %u bytes %u errors %u\n", (unsigned)c->tx_packets, (unsigned)c->tx_bytes,
              (unsigned)c->tx_errors);
}

static const char *netif_name(tern_stack *s, uint8_t index) {
    tern_netif *nif = tern_netif_by_index(s, index);
    return nif ? nif->name : "?";
}

#if TERN_CFG_ETHERNET
static const char *arp_state_name(uint8_t state) {
    switch (state) {
    case TERN_ARP_PENDING:
        return "pending";
    case TERN_ARP_STABLE:
        return "stable";
    case TERN_ARP_STATIC:
        return "static";
    default:
        return "free";
    }
}
#endif

void sh_show_arp(const sh_out *o, tern_stack *s) {
#if TERN_CFG_ETHERNET
    tern_arp_info entries[TERN_CFG_ARP_TABLE_SIZE];
    unsigned n = tern_arp_entries(s, entries, TERN_CFG_ARP_TABLE_SIZE);
    for (unsigned i = 0; i < n; i++) {
        const tern_arp_info *e = &entries[i];
        char ip[TERN_ADDR_STRLEN], mac[18];
        sh_printf(o, "%s at %s %s on %s age %us\n", tern_addr_format(&e->ip, ip, sizeof(ip)),
                  e->state == TERN_ARP_PENDING ? "(incomplete)" : sh_format_mac(e->mac, mac),
                  arp_state_name(e->state), netif_name(s, e->ifindex), (unsigned)(e->age_ms / 1000u));
    }
#else
    (void)o, (void)s;
#endif
}

void sh_show_routes(const sh_out *o, tern_stack *s) {
    char net[16], src[16];
    for (tern_netif *nif = s->netifs; nif != NULL; nif = nif->next) {
        if (nif->ip4 == 0)
            continue;
        sh_printf(o, "%s/%u dev %s connected src %s\n", sh_format_ip(nif->ip4 & nif->mask4, net, sizeof(net)),
                  sh_prefix_len(nif->mask4), nif->name, sh_format_ip(nif->ip4, src, sizeof(src)));
    }
    tern_ipv4_route_info routes[16];
    unsigned n = tern_ipv4_routes(s, routes, 16);
    for (unsigned i = 0; i < n && i < 16; i++) {
        char dst[TERN_ADDR_STRLEN], gw[TERN_ADDR_STRLEN];
        sh_printf(o, "%s/%u", tern_addr_format(&routes[i].dest, dst, sizeof(dst)),
                  (unsigned)routes[i].prefix_len);
        if (!tern_addr_is_any(&routes[i].gw))
            sh_printf(o, " via %s", tern_addr_format(&routes[i].gw, gw, sizeof(gw)));
        sh_printf(o, " dev %s static\n", netif_name(s, routes[i].ifindex));
    }
    for (tern_netif *nif = s->netifs; nif != NULL; nif = nif->next) {
        if (nif->gw4 != 0)
            sh_printf(o, "default via %s dev %s\n", sh_format_ip(nif->gw4, net, sizeof(net)), nif->name);
    }
    if (s->default_netif != NULL)
        sh_printf(o, "default dev %s (default interface)\n", s->default_netif->name);
}

/* ---- stats ------------------------------------------------------------------- */

void sh_show_counter(const sh_out *o, const char *name, uint32_t v, bool nonzero_only) {
    if (!nonzero_only || v != 0)
        sh_printf(o, "%s %u\n", name, (unsigned)v);
}

void sh_show_counters(const sh_out *o, const tern_stack *s, bool nonzero_only) {
    for (unsigned id = 0; id < TERN_STAT_COUNT; id++) {
        const char *name = tern_stats_name(id);
        if (name != NULL)
            sh_show_counter(o, name, tern_stats_get(s, id), nonzero_only);
    }
}

void sh_show_pools(const sh_out *o, const tern_stack *s) {
    tern_pool_usage pools[8];
    unsigned n = tern_stack_pools(s, pools, 8);
    if (n > 8)
        n = 8;
    for (unsigned i = 0; i < n; i++)
        sh_printf(o, "pool %s %u/%u peak %u fails %u\n", pools[i].name ? pools[i].name : "?", pools[i].used,
                  pools[i].count, pools[i].peak, (unsigned)pools[i].fails);
}

/* ---- tcp list ------------------------------------------------------------------ */

#if TERN_CFG_TCP
static void show_pcb(void *ctx, const tern_tcp_pcb *pcb) {
    const sh_out *o = ctx;
    tern_tcp_info i;
    char l[TERN_ADDR_STRLEN], r[TERN_ADDR_STRLEN];
    tern_tcp_get_info(pcb, &i);
    sh_printf(
        o,
        "%s:%u %s:%u %s cwnd %u ssthresh %u snd_wnd %u rcv_wnd %u srtt %u rto %u sndq %u unacked %u rcvq %u "
        "ooseq %u%s%s\n",
        tern_addr_format(&i.local, l, sizeof l), i.local_port, tern_addr_format(&i.remote, r, sizeof r),
        i.remote_port, tern_tcp_state_name(i.state), (unsigned)i.cwnd, (unsigned)i.ssthresh,
        (unsigned)i.snd_wnd, (unsigned)i.rcv_wnd, (unsigned)i.srtt_ms, (unsigned)i.rto_ms, (unsigned)i.sndq,
        (unsigned)i.unacked, (unsigned)i.rcvq, (unsigned)i.ooseq, i.wscale_ok ? " wscale" : "",
        i.ts_ok ? " ts" : "");
}

void sh_show_tcp(const sh_out *o, tern_stack *s) {
    tern_tcp_foreach(s, show_pcb, (void *)(uintptr_t)o);
}
#endif

/* ---- dhcp ------------------------------------------------------------------------ */

#if TERN_CFG_DHCP
static void show_addr_list(const sh_out *o, const char *name, const tern_addr *a, unsigned n) {
    char buf[TERN_ADDR_STRLEN];
    if (n == 0)
        return;
    sh_printf(o, "%s", name);
    for (unsigned i = 0; i < n; i++)
        sh_printf(o, " %s", tern_addr_format(&a[i], buf, sizeof(buf)));
    sh_printf(o, "\n");
}

static void show_seconds(const sh_out *o, const char *name, uint32_t s) {
    if (s == UINT32_MAX)
        sh_printf(o, " %s -", name);
    else
        sh_printf(o, " %s %u", name, (unsigned)s);
}

void sh_show_dhcp(const sh_out *o, const tern_dhcp_info *in) {
    char a[TERN_ADDR_STRLEN], b[TERN_ADDR_STRLEN];
    sh_printf(o, "state %s\n", in->state);
    if (in->bound) {
        sh_printf(o, "address %s mask %s\n", tern_addr_format(&in->addr, a, sizeof(a)),
                  tern_addr_format(&in->mask, b, sizeof(b)));
        sh_printf(o, "server %s router %s\n", tern_addr_format(&in->server, a, sizeof(a)),
                  tern_addr_is_any(&in->router) ? "none" : tern_addr_format(&in->router, b, sizeof(b)));
        sh_printf(o, "lease");
        show_seconds(o, "seconds", in->lease_s);
        show_seconds(o, "t1_left", in->t1_left_s);
        show_seconds(o, "t2_left", in->t2_left_s);
        show_seconds(o, "expires_left", in->expires_left_s);
        sh_printf(o, "\n");
        show_addr_list(o, "dns", in->dns, in->ndns);
        show_addr_list(o, "ntp", in->ntp, in->nntp);
        if (in->domain[0])
            sh_printf(o, "domain %s\n", in->domain);
        if (in->mtu)
            sh_printf(o, "mtu %u\n", (unsigned)in->mtu);
    }
    if (in->linklocal)
        sh_printf(o, "linklocal %s\n", tern_addr_format(&in->linklocal_addr, a, sizeof(a)));
}
#endif

/* ---- ping ---------------------------------------------------------------------------- */

#if TERN_CFG_PING
void sh_show_ping_reply(const sh_out *o, const tern_addr *dst, const tern_ping_result *r) {
    char d[TERN_ADDR_STRLEN];
    /* Like Linux: bytes of ICMP message (header included). */
    sh_printf(o, "%u bytes from %s: icmp_seq=%u ttl=%u time=%u ms\n", (unsigned)r->bytes + 8u,
              tern_addr_format(dst, d, sizeof(d)), (unsigned)r->seq, (unsigned)r->ttl, (unsigned)r->rtt_ms);
}

void sh_show_ping_summary(const sh_out *o, const tern_addr *dst, unsigned sent, unsigned received,
                          uint32_t rtt_min, uint32_t rtt_sum, uint32_t rtt_max) {
    char d[TERN_ADDR_STRLEN];
    unsigned loss = sent ? (sent - received) * 100u / sent : 0;
    sh_printf(o, "--- %s ping statistics ---\n", tern_addr_format(dst, d, sizeof(d)));
    sh_printf(o, "%u packets transmitted, %u received, %u%% packet loss\n", sent, received, loss);
    if (received > 0)
        sh_printf(o, "rtt min/avg/max = %u/%u/%u ms\n", (unsigned)rtt_min, (unsigned)(rtt_sum / received),
                  (unsigned)rtt_max);
}
#endif
