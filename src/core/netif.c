/* Network interfaces: registration, state, and the driver boundary. */
#include "tern/netif.h"

#include <string.h>

#include "core/core.h"
#include "tern/arp.h"
#include "tern/impair.h"
#include "tern/stack.h"

void tern_netif_init(tern_netif *nif, const char *name, enum tern_link_type type, const tern_netif_ops *ops,
                     void *driver) {
    memset(nif, 0, sizeof *nif);
    size_t n = strlen(name);
    if (n >= sizeof nif->name)
        n = sizeof nif->name - 1;
    memcpy(nif->name, name, n);
    nif->link_type = (uint8_t)type;
    nif->ops = ops;
    nif->driver = driver;
    nif->mtu = 1500;
    if (type == TERN_LINK_ETHERNET)
        nif->flags |= TERN_NETIF_BROADCAST;
}

tern_err tern_netif_add(tern_stack *s, tern_netif *nif) {
    if (!nif || !nif->ops || s->netif_count == 255)
        return TERN_ERR_INVAL;
    for (tern_netif *q = s->netifs; q; q = q->next)
        if (q == nif)
            return TERN_ERR_ALREADY;
    nif->stack = s;
    nif->index = ++s->netif_count;
    /* Append, so indexes and listing order follow registration. */
    tern_netif **pp = &s->netifs;
    while (*pp)
        pp = &(*pp)->next;
    nif->next = NULL;
    *pp = nif;
    return TERN_OK;
}

void tern_netif_remove(tern_stack *s, tern_netif *nif) {
    for (tern_netif **pp = &s->netifs; *pp; pp = &(*pp)->next) {
        if (*pp == nif) {
            *pp = nif->next;
            break;
        }
    }
#if TERN_CFG_ETHERNET && TERN_CFG_IPV4
    tern_arp_netif_removed(s, nif);
#endif
#if TERN_CFG_IGMP
    tern_igmp_netif_removed(s, nif);
#endif
#if TERN_CFG_IPV6
    tern_nd_netif_removed(s, nif);
#endif
#if TERN_CFG_IMPAIR
    if (nif->impair_rx)
        tern_impair_detach(nif->impair_rx);
    if (nif->impair_tx)
        tern_impair_detach(nif->impair_tx);
#endif
    if (s->default_netif == nif)
        s->default_netif = NULL;
    nif->stack = NULL;
}

static void notify(tern_netif *nif, tern_netif_status_fn fn) {
    if (fn)
        fn(nif, nif->cb_ctx);
}

static void announce_if_ready(tern_netif *nif) {
#if TERN_CFG_ETHERNET && TERN_CFG_IPV4
    if (nif->link_type == TERN_LINK_ETHERNET && nif->ip4 && tern_netif_is_up(nif))
        (void)tern_arp_announce(nif);
#else
    (void)nif;
#endif
}

/* Set or clear one flag; on a change, announce and tell the link or status callback. */
static TERN_NOINLINE void set_flag(tern_netif *nif, unsigned flag, bool up) {
    unsigned old = nif->flags;
    unsigned now = up ? old | flag : old & ~flag;
    nif->flags = (uint8_t)now;
    if (old != now) {
        announce_if_ready(nif);
        notify(nif, flag == TERN_NETIF_LINK_UP ? nif->link_cb : nif->status_cb);
    }
}

void tern_netif_set_up(tern_netif *nif, bool up) {
    set_flag(nif, TERN_NETIF_UP, up);
}

void tern_netif_set_link(tern_netif *nif, bool up) {
    set_flag(nif, TERN_NETIF_LINK_UP, up);
}

#if TERN_CFG_IPV4
tern_err tern_netif_set_ipv4(tern_netif *nif, const tern_addr *addr, uint8_t prefix_len,
                             const tern_addr *gw) {
    if (prefix_len > 32 || (addr && addr->family != TERN_AF_INET) || (gw && gw->family != TERN_AF_INET))
        return TERN_ERR_INVAL;
    nif->ip4 = addr ? tern_addr_get_ipv4(addr) : 0;
    nif->mask4 = addr ? tern_ipv4_mask(prefix_len) : 0;
    nif->gw4 = gw ? tern_addr_get_ipv4(gw) : 0;
    announce_if_ready(nif);
    notify(nif, nif->status_cb);
    return TERN_OK;
}
#endif

tern_netif *tern_netif_find(tern_stack *s, const char *name) {
    for (tern_netif *nif = s->netifs; nif; nif = nif->next)
        if (strncmp(nif->name, name, sizeof nif->name) == 0)
            return nif;
    return NULL;
}

tern_netif *tern_netif_by_index(tern_stack *s, uint8_t index) {
    for (tern_netif *nif = s->netifs; nif; nif = nif->next)
        if (nif->index == index)
            return nif;
    return NULL;
}

#if TERN_CFG_NETIF_TEE
void tern_netif_set_tee(tern_netif *nif, tern_netif_tee_fn fn, void *ctx) {
    nif->tee = fn;
    nif->tee_ctx = ctx;
}
#define TEE(nif, p, out)                                                                                     \
    do {                                                                                                     \
        if ((nif)->tee)                                                                                      \
            (nif)->tee((nif)->tee_ctx, (nif), (p), (out));                                                   \
    } while (0)
#else
#define TEE(nif, p, out) ((void)0)
#endif

/* After receive-side impairment: what the stack really processes. */
void tern_netif_deliver(tern_netif *nif, tern_pbuf *p) {
    TEE(nif, p, false);
    p->ifindex = nif->index;
#if TERN_CFG_ETHERNET
    if (nif->link_type == TERN_LINK_ETHERNET) {
        tern_eth_input(nif, p);
        return;
    }
#endif
#if TERN_CFG_IPV4
    tern_ipv4_input(nif, p);
#else
    /* IP interfaces carry IPv4 only (loopback): nothing takes the packet. */
    nif->counters.rx_drops++;
    tern_pbuf_free(nif->stack, p);
#endif
}

void tern_netif_input(tern_netif *nif, tern_pbuf *p) {
    tern_stack *s = nif->stack;
    if (!s || !p) {
        return;
    }
    nif->counters.rx_packets++;
    nif->counters.rx_bytes += p->tot_len;
    if (!tern_netif_is_up(nif)) {
        nif->counters.rx_drops++;
        TERN_STAT_INC(s, NETIF_DROP_DOWN);
        tern_pbuf_free(s, p);
        return;
    }
#if TERN_CFG_IMPAIR
    if (nif->impair_rx) {
        tern_impair_deliver(nif, p, false);
        return;
    }
#endif
    tern_netif_deliver(nif, p);
}

/* After send-side impairment: hand the frame to the driver (borrowed). */
tern_err tern_netif_driver_output(tern_netif *nif, tern_pbuf *p) {
    tern_err err = nif->ops->link_output ? nif->ops->link_output(nif, p) : TERN_ERR_NETIF;
    if (err == TERN_OK) {
        nif->counters.tx_packets++;
        nif->counters.tx_bytes += p->tot_len;
    } else {
        nif->counters.tx_errors++;
    }
    tern_pbuf_free(nif->stack, p);
    return err;
}

tern_err tern_netif_link_output(tern_netif *nif, tern_pbuf *p) {
    if (!tern_netif_is_up(nif)) {
        TERN_STAT_INC(nif->stack, NETIF_DROP_DOWN);
        nif->counters.tx_errors++;
        tern_pbuf_free(nif->stack, p);
        return TERN_ERR_NETIF;
    }
    TEE(nif, p, true);
#if TERN_CFG_IMPAIR
    if (nif->impair_tx) {
        tern_impair_deliver(nif, p, true);
        return TERN_OK;
    }
#endif
    return tern_netif_driver_output(nif, p);
}
