/*
 * Dynamic addresses: the DHCP client (with the AutoIP fallback) or AutoIP
 * alone, as the programs' --dhcp / --autoip start them, the lines they print
 * as they come, the "ready" line, and the shell command
 *
 *   dhcp [renew|release]   the client's state and lease, or renew/release it
 */
#include <string.h>

#include "shell.h"
#include "shell_priv.h"

/* Seconds without a lease before --dhcp --autoip claims a link-local address. */
#define DHCP_AUTOIP_AFTER_S 10u
/* Host name sent in DHCP requests. */
#define DHCP_HOSTNAME "tern"

void sh_print_ready(sh_shell *sh) {
    const tern_netif *nif = sh->nif;
    char ip[16], mac[18];
    if (sh->ready_printed)
        return;
    sh->ready_printed = true;
    sh_printf(sh->out, "ready %s %s/%u mac %s mtu %u\n", nif->name, sh_format_ip(nif->ip4, ip, sizeof(ip)),
              sh_prefix_len(nif->mask4), sh_format_mac(nif->hwaddr, mac), nif->mtu);
    sh_flush(sh->out);
}

/* ---- Asynchronous lines ------------------------------------------------------ */

#if TERN_CFG_DHCP || TERN_CFG_AUTOIP
static void print_address(sh_shell *sh, const char *what) {
    const tern_netif *nif = sh->nif;
    char ip[16], gw[16];
    sh_printf(sh->out, "%s %s/%u", what, sh_format_ip(nif->ip4, ip, sizeof(ip)), sh_prefix_len(nif->mask4));
    if (nif->gw4)
        sh_printf(sh->out, " gateway %s", sh_format_ip(nif->gw4, gw, sizeof(gw)));
    sh_printf(sh->out, "\n");
}

/* "WHAT ADDR/LEN [gateway GW]" and the ready line, or "LOST". */
static void address_event(sh_shell *sh, bool bound, const char *what, const char *lost) {
    if (bound) {
        print_address(sh, what);
        sh_print_ready(sh);
    } else {
        sh_printf(sh->out, "%s\n", lost);
    }
    sh_flush(sh->out);
}
#endif

#if TERN_CFG_DHCP
static void dhcp_event(void *ctx, tern_dhcp *d, enum tern_dhcp_event ev) {
    sh_shell *sh = ctx;
    (void)d;
    switch (ev) {
    case TERN_DHCP_EV_BOUND:
        address_event(sh, true, "dhcp bound", NULL);
        break;
    case TERN_DHCP_EV_RENEWED:
        print_address(sh, "dhcp renewed");
        sh_flush(sh->out);
        break;
    case TERN_DHCP_EV_LOST:
        address_event(sh, false, NULL, "dhcp lost");
        break;
    case TERN_DHCP_EV_LINKLOCAL:
        address_event(sh, true, "autoip bound", NULL);
        break;
    case TERN_DHCP_EV_LINKLOCAL_LOST:
        address_event(sh, false, NULL, "autoip lost");
        break;
    }
}
#endif

#if TERN_CFG_AUTOIP
static void autoip_event(void *ctx, tern_autoip *a, bool bound) {
    (void)a;
    address_event(ctx, bound, "autoip bound", "autoip lost");
}
#endif

/* ---- Start and stop ---------------------------------------------------------- */

tern_err sh_addr_start(sh_shell *sh, bool dhcp, bool autoip) {
    tern_err e = TERN_ERR_INVAL; /* what this build does not have */
    if (dhcp) {
#if TERN_CFG_DHCP
        tern_dhcp_config cfg = {.hostname = DHCP_HOSTNAME,
                                .autoip_after_s = autoip ? (uint16_t)DHCP_AUTOIP_AFTER_S : 0};
        e = tern_dhcp_start(sh->nif, &sh->dhcp, &cfg, dhcp_event, sh);
        sh->dhcp_on = e == TERN_OK;
#endif
    } else if (autoip) {
#if TERN_CFG_AUTOIP
        e = tern_autoip_start(sh->nif, &sh->autoip, autoip_event, sh);
        sh->autoip_on = e == TERN_OK;
#endif
    }
    return e;
}

void sh_addr_stop(sh_shell *sh) {
#if TERN_CFG_DHCP
    if (sh->dhcp_on)
        tern_dhcp_stop(&sh->dhcp);
    sh->dhcp_on = false;
#endif
#if TERN_CFG_AUTOIP
    if (sh->autoip_on)
        tern_autoip_stop(&sh->autoip);
    sh->autoip_on = false;
#endif
    (void)sh;
}

/* ---- The dhcp command ---------------------------------------------------------- */

static cmd_result cmd_dhcp(sh_shell *sh, int argc, char **argv, char *err, size_t errlen) {
#if TERN_CFG_DHCP
    tern_err e;
    if (!sh->dhcp_on)
        return sh_fail(sh, err, errlen, "DHCP is not running (start with --dhcp)");
    if (argc == 1) {
        tern_dhcp_info info;
        tern_dhcp_get_info(&sh->dhcp, &info);
        sh_show_dhcp(sh->out, &info);
        return CMD_OK;
    }
    if (strcmp(argv[1], "renew") == 0)
        e = tern_dhcp_renew(&sh->dhcp);
    else if (strcmp(argv[1], "release") == 0)
        e = tern_dhcp_release(&sh->dhcp);
    else
        return sh_fail(sh, err, errlen, "usage: dhcp [renew|release]");
    if (e != TERN_OK)
        return sh_fail(sh, err, errlen, "dhcp %s: %s", argv[1], tern_strerror(e));
    return CMD_OK;
#else
    (void)argc, (void)argv;
    return sh_fail(sh, err, errlen, "this build has no DHCP client");
#endif
}

const sh_cmd sh_cmd_dhcp = {
    .name = "dhcp",
    .fn = cmd_dhcp,
    .min_args = 0,
    .max_args = 1,
    .usage = "dhcp [renew|release]",
    .help = "DHCP client state and lease, or renew/release it",
};
