/*
 * Dynamic addresses for the host program: --dhcp (tern_dhcp, with the
 * AutoIP fallback when --autoip is given too), --autoip alone, their
 * asynchronous lines, and the shell command "dhcp [renew|release]".
 */
#include <stdio.h>
#include <string.h>

#include "host.h"

/* ---- Asynchronous lines ------------------------------------------------------ */

static void print_address(const char *what, const tern_netif *nif) {
    char ip[16], gw[16];
    printf("%s %s/%u", what, sh_format_ip(nif->ip4, ip, sizeof(ip)), sh_prefix_len(nif->mask4));
    if (nif->gw4)
        printf(" gateway %s", sh_format_ip(nif->gw4, gw, sizeof(gw)));
    printf("\n");
}

#if TERN_CFG_DHCP
static void dhcp_event(void *ctx, tern_dhcp *d, enum tern_dhcp_event ev) {
    host *h = ctx;
    (void)d;
    switch (ev) {
    case TERN_DHCP_EV_BOUND:
        print_address("dhcp bound", &h->nif);
        host_print_ready(h);
        break;
    case TERN_DHCP_EV_RENEWED:
        print_address("dhcp renewed", &h->nif);
        break;
    case TERN_DHCP_EV_LOST:
        printf("dhcp lost\n");
        break;
    case TERN_DHCP_EV_LINKLOCAL:
        print_address("autoip bound", &h->nif);
        host_print_ready(h);
        break;
    case TERN_DHCP_EV_LINKLOCAL_LOST:
        printf("autoip lost\n");
        break;
    }
    fflush(stdout);
}
#endif

#if TERN_CFG_AUTOIP
static void autoip_event(void *ctx, tern_autoip *a, bool bound) {
    host *h = ctx;
    (void)a;
    if (bound) {
        print_address("autoip bound", &h->nif);
        host_print_ready(h);
    } else {
        printf("autoip lost\n");
    }
    fflush(stdout);
}
#endif

/* ---- Start and stop ---------------------------------------------------------- */

static bool start_dhcp(host *h) {
#if TERN_CFG_DHCP
    tern_dhcp_config cfg = {.hostname = HOST_DHCP_HOSTNAME,
                            .autoip_after_s = h->opt.autoip ? (uint16_t)HOST_DHCP_AUTOIP_AFTER_S : 0};
    tern_err e = tern_dhcp_start(&h->nif, &h->dhcp, &cfg, dhcp_event, h);
    if (e != TERN_OK) {
        fprintf(stderr, "tern: cannot start DHCP: %s\n", tern_strerror(e));
        return false;
    }
    h->dhcp_on = true;
    return true;
#else
    (void)h;
    return false;
#endif
}

static bool start_autoip(host *h) {
#if TERN_CFG_AUTOIP
    tern_err e = tern_autoip_start(&h->nif, &h->autoip, autoip_event, h);
    if (e != TERN_OK) {
        fprintf(stderr, "tern: cannot start AutoIP: %s\n", tern_strerror(e));
        return false;
    }
    h->autoip_on = true;
    return true;
#else
    (void)h;
    return false;
#endif
}

bool host_addr_start(host *h) {
    if (h->opt.dhcp)
        return start_dhcp(h);
    return h->opt.autoip && start_autoip(h);
}

void host_addr_stop(host *h) {
#if TERN_CFG_DHCP
    if (h->dhcp_on)
        tern_dhcp_stop(&h->dhcp);
    h->dhcp_on = false;
#endif
#if TERN_CFG_AUTOIP
    if (h->autoip_on)
        tern_autoip_stop(&h->autoip);
    h->autoip_on = false;
#endif
    (void)h;
}

/* ---- The dhcp command ---------------------------------------------------------- */

cmd_result cmd_dhcp(host *h, int argc, char **argv, char *err, size_t errlen) {
#if TERN_CFG_DHCP
    if (!h->dhcp_on) {
        snprintf(err, errlen, "DHCP is not running (start with --dhcp)");
        return CMD_ERROR;
    }
    tern_err e = TERN_OK;
    if (argc == 1) {
        tern_dhcp_info info;
        tern_dhcp_get_info(&h->dhcp, &info);
        sh_show_dhcp(&host_out, &info);
        return CMD_OK;
    }
    if (strcmp(argv[1], "renew") == 0) {
        e = tern_dhcp_renew(&h->dhcp);
    } else if (strcmp(argv[1], "release") == 0) {
        e = tern_dhcp_release(&h->dhcp);
    } else {
        snprintf(err, errlen, "usage: dhcp [renew|release]");
        return CMD_ERROR;
    }
    if (e != TERN_OK) {
        snprintf(err, errlen, "dhcp %s: %s", argv[1], tern_strerror(e));
        return CMD_ERROR;
    }
    return CMD_OK;
#else
    (void)h, (void)argc, (void)argv;
    snprintf(err, errlen, "this build has no DHCP client");
    return CMD_ERROR;
#endif
}
