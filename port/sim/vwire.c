/* Virtual wire: see tern_vwire.h. */
#include "tern_vwire.h"

#include <string.h>

#include "tern/stack.h"

static tern_vwire_port *port_of(tern_vwire *w, const tern_netif *nif) {
    for (unsigned i = 0; i < w->nports; i++)
        if (w->ports[i].nif == nif)
            return &w->ports[i];
    return NULL;
}

static void enqueue(tern_vwire *w, tern_vwire_port *port, const tern_pbuf *frame) {
    tern_stack *dst = port->nif->stack;
    if (!dst || port->queued >= w->max_queue) {
        w->drops++;
        return;
    }
    tern_pbuf *copy = tern_pbuf_clone(dst, 0, frame);
    if (!copy) {
        w->drops++;
        return;
    }
    copy->next_pkt = NULL;
    if (port->tail)
        port->tail->next_pkt = copy;
    else
        port->head = copy;
    port->tail = copy;
    port->queued++;
}

static tern_err vwire_output(tern_netif *nif, tern_pbuf *p) {
    tern_vwire *w = nif->driver;
    w->frames++;
    for (unsigned i = 0; i < w->nports; i++)
        if (w->ports[i].nif != nif)
            enqueue(w, &w->ports[i], p);
    return TERN_OK;
}

void tern_vwire_init(tern_vwire *w) {
    memset(w, 0, sizeof *w);
    w->max_queue = 1024;
}

int tern_vwire_attach(tern_vwire *w, tern_netif *nif, const char *name, const uint8_t mac[6]) {
    if (w->nports >= TERN_VWIRE_PORTS || port_of(w, nif))
        return -1;
    w->ops.link_output = vwire_output;
    tern_netif_init(nif, name, TERN_LINK_ETHERNET, &w->ops, w);
    memcpy(nif->hwaddr, mac, 6);
    w->ports[w->nports++].nif = nif;
    return 0;
}

unsigned tern_vwire_flush(tern_vwire *w) {
    unsigned n = 0;
    for (unsigned i = 0; i < w->nports; i++) {
        tern_vwire_port *port = &w->ports[i];
        /* Only what is queued now: replies wait for the next flush. */
        tern_pbuf *p = port->head;
        port->head = port->tail = NULL;
        port->queued = 0;
        while (p) {
            tern_pbuf *next = p->next_pkt;
            p->next_pkt = NULL;
            tern_netif_input(port->nif, p);
            p = next;
            n++;
        }
    }
    return n;
}

void tern_vwire_clear(tern_vwire *w) {
    for (unsigned i = 0; i < w->nports; i++) {
        tern_vwire_port *port = &w->ports[i];
        while (port->head) {
            tern_pbuf *p = port->head;
            port->head = p->next_pkt;
            p->next_pkt = NULL;
            tern_pbuf_free(port->nif->stack, p);
        }
        port->tail = NULL;
        port->queued = 0;
    }
}
