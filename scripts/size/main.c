/*
 * The application `make size` links for Cortex-M4: one Ethernet interface
 * with a pretend DMA driver, the UDP echo service, and the main loop. It
 * calls what a real product calls, so --gc-sections keeps the whole receive
 * and send path and nothing else. It is linked, never run.
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
    tern_addr ip = TERN_ADDR4(192, 0, 2, 2);
    tern_addr gw = TERN_ADDR4(192, 0, 2, 1);
    tern_netif_set_ipv4(nif, &ip, 24, &gw);
#if TERN_CFG_APP_ECHO
    tern_echo_start(s);
#endif
    for (;;) {
        drv_receive(s, nif);
        tern_stack_poll(s, ticks_ms);
    }
}
