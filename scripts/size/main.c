/*
 * The application `make size` links for Cortex-M4: one Ethernet interface
 * with a pretend DMA driver, a UDP and a TCP echo of its own (application
 * code, as in the lwIP figures we compare with, so it is not counted as
 * the library's), and the main loop. It
 * calls what a real product calls, so --gc-sections keeps the whole receive
 * and send path and nothing else. Features a product reaches through the
 * API (ping client, raw endpoints, conflict detection, forwarding switch,
 * statistics) are called when the preset enables them, so a preset's figure
 * includes the code of every feature it turns on. Linked, never run.
 */
#include <stdint.h>

#include "tern/tern.h"

/* The pretend driver: the "hardware" fills rx_frame/rx_len (volatile, so the
 * compiler cannot assume anything about the frames) and drains tx_frame. */
static uint8_t rx_frame[TERN_CFG_PBUF_SIZE];
static volatile uint16_t rx_len;
static uint8_t tx_frame[TERN_CFG_PBUF_SIZE];
static volatile uint16_t tx_len;
static volatile uint32_t ticks_ms; /* advanced by a timer interrupt */

/* The stack instance (all of Tern's RAM) and the interface. */
static tern_stack size_stack;
static tern_netif size_netif;

static volatile uint32_t app_events; /* keeps the callbacks' effects alive */

/* The application: echo over UDP and TCP through the callback API. */
static void udp_echo(void *ctx, tern_udp_pcb *pcb, tern_pbuf *p, const tern_udp_info *info) {
    (void)ctx;
    tern_udp_sendto(pcb, p, &info->src, info->sport);
}

#if TERN_CFG_TCP
static void tcp_echo(void *ctx, tern_tcp_pcb *pcb, tern_pbuf *p) {
    (void)ctx;
    if (!p) {
        tern_tcp_close(pcb);
        return;
    }
    uint16_t n = p->len < tern_tcp_sndbuf(pcb) ? p->len : 0;
    if (n)
        tern_tcp_write(pcb, p->payload, n);
    tern_tcp_recved(pcb, p->tot_len);
    tern_pbuf_free(pcb->stack, p);
}

static const tern_tcp_callbacks tcp_echo_cbs = {.recv = tcp_echo};

static tern_err tcp_accept(void *ctx, tern_tcp_listener *l, tern_tcp_pcb *pcb) {
    (void)ctx, (void)l;
    tern_tcp_set_callbacks(pcb, &tcp_echo_cbs, NULL);
    return TERN_OK;
}
#endif

#if TERN_CFG_PING
static tern_ping size_ping;
static void on_ping(void *ctx, tern_ping *ping, const tern_ping_result *r) {
    (void)ctx;
    (void)ping;
    app_events += r->rtt_ms;
}
#endif
#if TERN_CFG_RAW
static bool on_raw(void *ctx, tern_raw_pcb *pcb, tern_pbuf *p, const tern_addr *src) {
    (void)ctx;
    (void)src;
    app_events += p->tot_len;
    tern_raw_sendto(pcb, p, src); /* reflect it */
    return true;
}
#endif
#if TERN_CFG_DHCP
static tern_dhcp size_dhcp;
static void on_dhcp(void *ctx, tern_dhcp *d, enum tern_dhcp_event ev) {
    (void)ctx, (void)d;
    app_events += (unsigned)ev;
}
#endif
#if TERN_CFG_DHCP6
static tern_dhcp6 size_dhcp6;
static void on_dhcp6(void *ctx, tern_dhcp6 *d, enum tern_dhcp6_event ev) {
    (void)ctx;
    app_events += d->ndns + (unsigned)ev;
}
#endif
#if TERN_CFG_DNS
static void on_dns(void *ctx, const char *name, tern_err err, const tern_addr *addrs, unsigned count) {
    (void)ctx, (void)name, (void)addrs;
    app_events += count + (unsigned)-err;
}
#endif
#if TERN_CFG_ARP_ACD
static tern_acd size_acd;
static void on_acd(void *ctx, tern_acd *acd, enum tern_acd_event ev) {
    (void)ctx;
    (void)acd;
    app_events += (uint32_t)ev;
}
#endif

static tern_err drv_link_output(tern_netif *nif, tern_pbuf *p) {
    (void)nif;
    if (tx_len != 0)
        return TERN_ERR_WOULDBLOCK;
    tx_len = tern_pbuf_copy_out(p, 0, tx_frame, sizeof tx_frame);
    return TERN_OK;
}

static const tern_netif_ops drv_ops = {
    .link_output = drv_link_output,
};

static void drv_receive(tern_stack *s, tern_netif *nif) {
    uint16_t len = rx_len;
    if (len == 0 || len > sizeof rx_frame)
        return;
    tern_pbuf *p = tern_pbuf_alloc(s, 0, len);
    if (p != NULL) {
        tern_pbuf_copy_in(p, 0, rx_frame, len);
        tern_netif_input(nif, p);
    }
    rx_len = 0;
}

int main(void) {
    static const uint8_t mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
    tern_stack *s = &size_stack;
    tern_netif *nif = &size_netif;

    tern_stack_init(s, ticks_ms, 12345u);
    tern_netif_init(nif, "eth0", TERN_LINK_ETHERNET, &drv_ops, NULL);
    for (unsigned i = 0; i < sizeof mac; i++)
        nif->hwaddr[i] = mac[i];
    tern_netif_add(s, nif);
    tern_netif_set_up(nif, true);
    tern_netif_set_link(nif, true);
#if TERN_CFG_IPV4
    tern_addr ip = TERN_ADDR4(192, 0, 2, 2);
    tern_addr gw = TERN_ADDR4(192, 0, 2, 1);
    tern_netif_set_ipv4(nif, &ip, 24, &gw);
#else
    static const uint8_t gw6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
    tern_addr gw = tern_addr_ipv6(gw6, 0); /* 2001:db8::1: the DNS server, when DNS is on */
    (void)gw;
#endif
#if TERN_CFG_IPV6
    tern_ipv6_enable(nif, true); /* link-local, DAD, router solicitation, SLAAC */
#endif
    tern_udp_pcb *udp = tern_udp_new(s);
    tern_udp_bind(udp, NULL, 7);
    tern_udp_set_recv(udp, udp_echo, NULL);
#if TERN_CFG_TCP
    tern_tcp_listen(s, NULL, 7, 4, tcp_accept, NULL);
#endif
#if TERN_CFG_ARP_ACD
    tern_acd_start(nif, &size_acd, &ip, on_acd, NULL);
#endif
#if TERN_CFG_PING
    tern_ping_start(s, &size_ping, &gw, 4, 32, 1000, 1000, on_ping, NULL);
#endif
#if TERN_CFG_RAW
#if TERN_CFG_IPV4
    tern_raw_pcb *raw = tern_raw_new(s, 89);
#else
    tern_raw_pcb *raw = tern_raw_new6(s, 89);
#endif
    if (raw != NULL)
        tern_raw_set_recv(raw, on_raw, NULL);
#endif
#if TERN_CFG_IPV4_FORWARD
    tern_ipv4_set_forwarding(s, true);
#endif
#if TERN_CFG_DHCP
    tern_dhcp_config dcfg = {.hostname = "tern", .autoip_after_s = TERN_CFG_AUTOIP ? 10 : 0};
    tern_dhcp_start(nif, &size_dhcp, &dcfg, on_dhcp, NULL);
#endif
#if TERN_CFG_DHCP6
    tern_dhcp6_start(nif, &size_dhcp6, TERN_DHCP6_ON_RA, on_dhcp6, NULL); /* DNS servers when an RA says O */
#endif
#if TERN_CFG_DNS
    tern_dns_set_server(s, 0, &gw);
    tern_dns_lookup(s, "device.test", TERN_CFG_IPV4 ? TERN_AF_INET : TERN_AF_INET6, on_dns, NULL);
#endif
#if TERN_CFG_IGMP
    tern_addr group = TERN_ADDR4(239, 1, 2, 3);
    tern_igmp_join(s, nif, &group);
#endif
    for (;;) {
        drv_receive(s, nif);
        tern_stack_poll(s, ticks_ms);
#if TERN_CFG_STATS
        app_events += tern_stats_get(s, 0);
#endif
    }
}
