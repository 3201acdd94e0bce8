/*
 * Shell command mcast: IGMP membership on the TAP interface and multicast
 * datagrams (tern/igmp.h, tern/udp.h).
 *
 *   mcast                       list the group:port endpoints
 *   mcast join GROUP PORT       join GROUP, receive datagrams sent to GROUP:PORT
 *   mcast leave GROUP           close GROUP's endpoints and leave it
 *   mcast send GROUP PORT TEXT  send TEXT in one datagram to GROUP:PORT
 *
 * Each datagram received prints
 *   mcast GROUP:PORT from ADDR:PORT LEN bytes: TEXT
 * (non-printable bytes as '.', at most MCAST_SHOW_MAX shown, "..." if cut).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "host.h"

#define MCAST_SHOW_MAX 200u

static void mcast_received(void *ctx, tern_udp_pcb *pcb, tern_pbuf *p, const tern_udp_info *info) {
    host *h = ctx;
    char group[TERN_ADDR_STRLEN], src[TERN_ADDR_STRLEN];
    uint8_t data[MCAST_SHOW_MAX];
    const host_mcast *m = NULL;
    for (unsigned i = 0; i < HOST_MCAST_MAX && m == NULL; i++)
        if (h->mcast[i].pcb == pcb)
            m = &h->mcast[i];
    if (m != NULL) {
        uint16_t n = tern_pbuf_copy_out(p, 0, data, sizeof(data));
        printf("mcast %s:%u from %s:%u %u bytes: ", tern_addr_format(&m->group, group, sizeof(group)),
               m->port, tern_addr_format(&info->src, src, sizeof(src)), info->sport, p->tot_len);
        for (uint16_t i = 0; i < n; i++)
            putchar(isprint(data[i]) ? data[i] : '.');
        printf("%s\n", p->tot_len > n ? "..." : "");
        fflush(stdout);
    }
    tern_pbuf_free(&h->stack, p);
}

static bool parse_group(const char *text, tern_addr *group) {
    return tern_addr_parse(text, group) && group->family == TERN_AF_INET &&
           (tern_addr_get_ipv4(group) >> 28) == 0xEu;
}

static host_mcast *find_slot(host *h, const tern_addr *group, uint16_t port) {
    for (unsigned i = 0; i < HOST_MCAST_MAX; i++) {
        host_mcast *m = &h->mcast[i];
        if (m->pcb != NULL && tern_addr_equal(&m->group, group) && (port == 0 || m->port == port))
            return m;
    }
    return NULL;
}

static void release(host *h, host_mcast *m) {
    tern_udp_free(m->pcb);
    (void)tern_igmp_leave(&h->stack, &h->nif, &m->group);
    memset(m, 0, sizeof(*m));
}

static cmd_result mcast_list(host *h) {
    char group[TERN_ADDR_STRLEN];
    for (unsigned i = 0; i < HOST_MCAST_MAX; i++)
        if (h->mcast[i].pcb != NULL)
            printf("group %s port %u\n", tern_addr_format(&h->mcast[i].group, group, sizeof(group)),
                   h->mcast[i].port);
    return CMD_OK;
}

/* A UDP endpoint bound to group:port; several may share the port. */
static tern_udp_pcb *open_group_pcb(host *h, const tern_addr *group, uint16_t port, char *err,
                                    size_t errlen) {
    tern_udp_pcb *pcb = tern_udp_new(&h->stack);
    if (pcb == NULL) {
        snprintf(err, errlen, "no free UDP endpoint");
        return NULL;
    }
    tern_udp_set_flags(pcb, TERN_UDP_F_REUSE, true);
    tern_err e = tern_udp_bind(pcb, group, port);
    if (e != TERN_OK) {
        tern_udp_free(pcb);
        snprintf(err, errlen, "bind: %s", tern_strerror(e));
        return NULL;
    }
    tern_udp_set_recv(pcb, mcast_received, h);
    return pcb;
}

static cmd_result mcast_join(host *h, const tern_addr *group, uint16_t port, char *err, size_t errlen) {
    if (find_slot(h, group, port) != NULL)
        return CMD_OK; /* already listening */
    host_mcast *m = NULL;
    for (unsigned i = 0; i < HOST_MCAST_MAX && m == NULL; i++)
        if (h->mcast[i].pcb == NULL)
            m = &h->mcast[i];
    if (m == NULL) {
        snprintf(err, errlen, "at most %u group:port endpoints", HOST_MCAST_MAX);
        return CMD_ERROR;
    }
    tern_err e = tern_igmp_join(&h->stack, &h->nif, group);
    if (e != TERN_OK) {
        snprintf(err, errlen, "join: %s", tern_strerror(e));
        return CMD_ERROR;
    }
    m->pcb = open_group_pcb(h, group, port, err, errlen);
    if (m->pcb == NULL) {
        (void)tern_igmp_leave(&h->stack, &h->nif, group);
        return CMD_ERROR;
    }
    m->group = *group;
    m->port = port;
    return CMD_OK;
}

static cmd_result mcast_leave(host *h, const tern_addr *group, char *err, size_t errlen) {
    unsigned n = 0;
    host_mcast *m;
    while ((m = find_slot(h, group, 0)) != NULL) {
        release(h, m);
        n++;
    }
    if (n == 0) {
        snprintf(err, errlen, "not a member of that group");
        return CMD_ERROR;
    }
    return CMD_OK;
}

static cmd_result mcast_send(host *h, const tern_addr *group, uint16_t port, const char *text, char *err,
                             size_t errlen) {
    if (h->mcast_tx == NULL) {
        tern_udp_pcb *pcb = tern_udp_new(&h->stack);
        if (pcb == NULL || tern_udp_bind(pcb, NULL, 0) != TERN_OK) {
            tern_udp_free(pcb);
            snprintf(err, errlen, "no free UDP endpoint");
            return CMD_ERROR;
        }
        pcb->mcast_ifindex = h->nif.index;
        h->mcast_tx = pcb;
    }
    uint16_t len = (uint16_t)strlen(text);
    tern_pbuf *p = tern_pbuf_alloc(&h->stack, TERN_PBUF_TRANSPORT_HEADROOM, len);
    if (p == NULL || tern_pbuf_copy_in(p, 0, text, len) != TERN_OK) {
        tern_pbuf_free(&h->stack, p);
        snprintf(err, errlen, "out of packet buffers");
        return CMD_ERROR;
    }
    tern_err e = tern_udp_sendto(h->mcast_tx, p, group, port);
    if (e != TERN_OK) {
        snprintf(err, errlen, "send: %s", tern_strerror(e));
        return CMD_ERROR;
    }
    return CMD_OK;
}

cmd_result cmd_mcast(host *h, int argc, char **argv, char *err, size_t errlen) {
    tern_addr group;
    uint32_t port = 0;
    const char *op = argc > 1 ? argv[1] : "";
    if (argc == 1)
        return mcast_list(h);
    bool port_ok = argc > 3 && sh_parse_uint(argv[3], 1, 65535, &port);
    if (argc > 2 && parse_group(argv[2], &group)) {
        if (strcmp(op, "join") == 0 && argc == 4 && port_ok)
            return mcast_join(h, &group, (uint16_t)port, err, errlen);
        if (strcmp(op, "leave") == 0 && argc == 3)
            return mcast_leave(h, &group, err, errlen);
        if (strcmp(op, "send") == 0 && argc == 5 && port_ok)
            return mcast_send(h, &group, (uint16_t)port, argv[4], err, errlen);
    }
    snprintf(err, errlen,
             "usage: mcast [join GROUP PORT | leave GROUP | send GROUP PORT TEXT] (GROUP 224.0.0.0/4)");
    return CMD_ERROR;
}

void host_mcast_close(host *h) {
    for (unsigned i = 0; i < HOST_MCAST_MAX; i++)
        if (h->mcast[i].pcb != NULL)
            release(h, &h->mcast[i]);
    if (h->mcast_tx != NULL)
        tern_udp_free(h->mcast_tx);
    h->mcast_tx = NULL;
}
