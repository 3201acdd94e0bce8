/*
 * Shell command mcast: IGMP membership on the program's interface and
 * multicast datagrams (tern/igmp.h, tern/udp.h).
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
#include <string.h>

#include "shell.h"
#include "shell_priv.h"

#define MCAST_SHOW_MAX 200u

static void mcast_received(void *ctx, tern_udp_pcb *pcb, tern_pbuf *p, const tern_udp_info *info) {
    sh_shell *sh = ctx;
    char group[TERN_ADDR_STRLEN], src[TERN_ADDR_STRLEN], text[MCAST_SHOW_MAX + 1];
    const sh_mcast *m = NULL;
    for (unsigned i = 0; i < SH_MCAST_MAX && m == NULL; i++)
        if (sh->mcast[i].pcb == pcb)
            m = &sh->mcast[i];
    if (m != NULL) {
        uint16_t n = sh_format_data(p, text, MCAST_SHOW_MAX);
        sh_printf(sh->out, "mcast %s:%u from %s:%u %u bytes: %s%s\n",
                  tern_addr_format(&m->group, group, sizeof(group)), m->port,
                  tern_addr_format(&info->src, src, sizeof(src)), info->sport, p->tot_len, text,
                  p->tot_len > n ? "..." : "");
        sh_flush(sh->out);
    }
    tern_pbuf_free(sh->stack, p);
}

static bool parse_group(const char *text, tern_addr *group) {
    return tern_addr_parse(text, group) && group->family == TERN_AF_INET &&
           (tern_addr_get_ipv4(group) >> 28) == 0xEu;
}

/* The endpoint on group:port (any port if port is 0). */
static sh_mcast *find_slot(sh_shell *sh, const tern_addr *group, uint16_t port) {
    for (unsigned i = 0; i < SH_MCAST_MAX; i++) {
        sh_mcast *m = &sh->mcast[i];
        if (m->pcb != NULL && tern_addr_equal(&m->group, group) && (port == 0 || m->port == port))
            return m;
    }
    return NULL;
}

static void release(sh_shell *sh, sh_mcast *m) {
    tern_udp_free(m->pcb);
    (void)tern_igmp_leave(sh->stack, sh->nif, &m->group);
    memset(m, 0, sizeof(*m));
}

static cmd_result mcast_list(sh_shell *sh) {
    char group[TERN_ADDR_STRLEN];
    for (unsigned i = 0; i < SH_MCAST_MAX; i++)
        if (sh->mcast[i].pcb != NULL)
            sh_printf(sh->out, "group %s port %u\n",
                      tern_addr_format(&sh->mcast[i].group, group, sizeof(group)), sh->mcast[i].port);
    return CMD_OK;
}

/* A UDP endpoint bound to group:port; several may share the port. */
static tern_udp_pcb *open_group_pcb(sh_shell *sh, const tern_addr *group, uint16_t port, char *err,
                                    size_t errlen) {
    tern_udp_pcb *pcb = tern_udp_new(sh->stack);
    if (pcb == NULL) {
        sh_fail(sh, err, errlen, "no free UDP endpoint");
        return NULL;
    }
    tern_udp_set_flags(pcb, TERN_UDP_F_REUSE, true);
    tern_err e = tern_udp_bind(pcb, group, port);
    if (e != TERN_OK) {
        tern_udp_free(pcb);
        sh_fail(sh, err, errlen, "bind: %s", tern_strerror(e));
        return NULL;
    }
    tern_udp_set_recv(pcb, mcast_received, sh);
    return pcb;
}

static cmd_result mcast_join(sh_shell *sh, const tern_addr *group, uint16_t port, char *err, size_t errlen) {
    if (find_slot(sh, group, port) != NULL)
        return CMD_OK; /* already listening */
    sh_mcast *m = NULL;
    for (unsigned i = 0; i < SH_MCAST_MAX && m == NULL; i++)
        if (sh->mcast[i].pcb == NULL)
            m = &sh->mcast[i];
    if (m == NULL)
        return sh_fail(sh, err, errlen, "at most %u group:port endpoints", (unsigned)SH_MCAST_MAX);
    tern_err e = tern_igmp_join(sh->stack, sh->nif, group);
    if (e != TERN_OK)
        return sh_fail(sh, err, errlen, "join: %s", tern_strerror(e));
    m->pcb = open_group_pcb(sh, group, port, err, errlen);
    if (m->pcb == NULL) {
        (void)tern_igmp_leave(sh->stack, sh->nif, group);
        return CMD_ERROR;
    }
    m->group = *group;
    m->port = port;
    return CMD_OK;
}

static cmd_result mcast_leave(sh_shell *sh, const tern_addr *group, char *err, size_t errlen) {
    unsigned n = 0;
    sh_mcast *m;
    while ((m = find_slot(sh, group, 0)) != NULL) {
        release(sh, m);
        n++;
    }
    if (n == 0)
        return sh_fail(sh, err, errlen, "not a member of that group");
    return CMD_OK;
}

/* From an ephemeral port of an endpoint opened for this datagram (the UDP
 * endpoints are few on a small device), out of the program's interface. */
static cmd_result mcast_send(sh_shell *sh, const tern_addr *group, uint16_t port, const char *text, char *err,
                             size_t errlen) {
    tern_udp_pcb *pcb = tern_udp_new(sh->stack);
    if (pcb == NULL || tern_udp_bind(pcb, NULL, 0) != TERN_OK) {
        tern_udp_free(pcb);
        return sh_fail(sh, err, errlen, "no free UDP endpoint");
    }
    pcb->mcast_ifindex = sh->nif->index;
    uint16_t len = (uint16_t)strlen(text);
    tern_pbuf *p = tern_pbuf_alloc(sh->stack, TERN_PBUF_TRANSPORT_HEADROOM, len);
    tern_err e = p != NULL ? tern_pbuf_copy_in(p, 0, text, len) : TERN_ERR_NOMEM;
    if (e != TERN_OK) {
        tern_pbuf_free(sh->stack, p);
        tern_udp_free(pcb);
        return sh_fail(sh, err, errlen, "out of packet buffers");
    }
    e = tern_udp_sendto(pcb, p, group, port);
    tern_udp_free(pcb);
    if (e != TERN_OK)
        return sh_fail(sh, err, errlen, "send: %s", tern_strerror(e));
    return CMD_OK;
}

static cmd_result cmd_mcast(sh_shell *sh, int argc, char **argv, char *err, size_t errlen) {
    tern_addr group;
    uint32_t port = 0;
    const char *op = argc > 1 ? argv[1] : "";
    if (argc == 1)
        return mcast_list(sh);
    bool port_ok = argc > 3 && sh_parse_uint(argv[3], 1, 65535, &port);
    if (argc > 2 && parse_group(argv[2], &group)) {
        if (strcmp(op, "join") == 0 && argc == 4 && port_ok)
            return mcast_join(sh, &group, (uint16_t)port, err, errlen);
        if (strcmp(op, "leave") == 0 && argc == 3)
            return mcast_leave(sh, &group, err, errlen);
        if (strcmp(op, "send") == 0 && argc == 5 && port_ok)
            return mcast_send(sh, &group, (uint16_t)port, argv[4], err, errlen);
    }
    return sh_fail(sh, err, errlen,
                   "usage: mcast [join GROUP PORT | leave GROUP | send GROUP PORT TEXT] (GROUP 224.0.0.0/4)");
}

const sh_cmd sh_cmd_mcast = {
    .name = "mcast",
    .fn = cmd_mcast,
    .min_args = 0,
    .max_args = 4,
    .rest = true,
    .usage = "mcast [join GROUP PORT | leave GROUP | send GROUP PORT TEXT]",
    .help = "list, join or leave multicast groups; send TEXT to GROUP:PORT",
};

void sh_mcast_close(sh_shell *sh) {
    for (unsigned i = 0; i < SH_MCAST_MAX; i++)
        if (sh->mcast[i].pcb != NULL)
            release(sh, &sh->mcast[i]);
}
