/*
 * The loopback interface: 127.0.0.1/8 and every packet the stack sends to
 * one of its own addresses. Packets wait on a bounded queue and are
 * delivered from tern_stack_poll(), never recursively from the sender.
 */
#include "core/core.h"
#include "tern/stack.h"

#if TERN_CFG_LOOPBACK

static tern_err loop_output(tern_netif *nif, tern_pbuf *p, const tern_addr *next_hop) {
    tern_stack *s = nif->stack;
    (void)next_hop;
    if (s->loop_len >= TERN_CFG_LOOPBACK_QUEUE_LEN) {
        TERN_STAT_INC(s, LOOP_DROP_FULL);
        nif->counters.tx_errors++;
        tern_pbuf_free(s, p);
        return TERN_ERR_NOMEM;
    }
    nif->counters.tx_packets++;
    nif->counters.tx_bytes += p->tot_len;
    p->next_pkt = NULL;
    if (s->loop_tail)
        s->loop_tail->next_pkt = p;
    else
        s->loop_head = p;
    s->loop_tail = p;
    s->loop_len++;
    return TERN_OK;
}

static const tern_netif_ops loop_ops = {.ip_output = loop_output};

void tern_loopback_init(tern_stack *s) {
    tern_netif_init(&s->loop, "lo", TERN_LINK_IP, &loop_ops, NULL);
    s->loop.flags |= TERN_NETIF_LOOPBACK;
    s->loop.mtu = 0xFFFFu;
    (void)tern_netif_add(s, &s->loop);
    tern_addr lo = TERN_ADDR4(127, 0, 0, 1);
    (void)tern_netif_set_ipv4(&s->loop, &lo, 8, NULL);
    tern_netif_set_up(&s->loop, true);
    tern_netif_set_link(&s->loop, true);
}

void tern_loopback_deinit(tern_stack *s) {
    (void)tern_pbuf_list_free(s, s->loop_head);
    s->loop_head = NULL;
    s->loop_tail = NULL;
    s->loop_len = 0;
}

uint32_t tern_loopback_poll(tern_stack *s) {
    /* Deliver what is queued now; what those packets cause waits a round. */
    for (unsigned n = s->loop_len; n && s->loop_head; n--) {
        tern_pbuf *p = s->loop_head;
        s->loop_head = p->next_pkt;
        if (!s->loop_head)
            s->loop_tail = NULL;
        s->loop_len--;
        p->next_pkt = NULL;
        tern_netif_input(&s->loop, p);
    }
    return s->loop_head ? 0 : TERN_POLL_IDLE;
}

#endif
