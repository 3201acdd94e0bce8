/*
 * Shell commands that show the stack: ifconfig, arp, route, stats (the
 * lines themselves are shell_show.c's; the program adds its driver's).
 */
#include <string.h>

#include "shell.h"

static cmd_result cmd_ifconfig(sh_shell *sh, int argc, char **argv, char *err, size_t errlen) {
    unsigned shown = 0;
    for (tern_netif *nif = sh->stack->netifs; nif != NULL; nif = nif->next) {
        if (argc == 2 && strcmp(argv[1], nif->name) != 0)
            continue;
        sh_show_netif(sh->out, nif);
        if (sh->port->show_driver != NULL)
            sh->port->show_driver(sh, nif);
        shown++;
    }
    if (argc == 2 && shown == 0)
        return sh_fail(sh, err, errlen, "no interface '%s'", argv[1]);
    return CMD_OK;
}

const sh_cmd sh_cmd_ifconfig = {
    .name = "ifconfig",
    .fn = cmd_ifconfig,
    .min_args = 0,
    .max_args = 1,
    .usage = "ifconfig [NAME]",
    .help = "interfaces: flags, MTU, MAC, IPv4, counters",
};

static cmd_result cmd_arp(sh_shell *sh, int argc, char **argv, char *err, size_t errlen) {
    (void)argc, (void)argv, (void)err, (void)errlen;
    sh_show_arp(sh->out, sh->stack);
    return CMD_OK;
}

const sh_cmd sh_cmd_arp = {
    .name = "arp",
    .fn = cmd_arp,
    .min_args = 0,
    .max_args = 0,
    .usage = "arp",
    .help = "the ARP cache",
};

static cmd_result cmd_route(sh_shell *sh, int argc, char **argv, char *err, size_t errlen) {
    (void)argc, (void)argv, (void)err, (void)errlen;
    sh_show_routes(sh->out, sh->stack);
    return CMD_OK;
}

const sh_cmd sh_cmd_route = {
    .name = "route",
    .fn = cmd_route,
    .min_args = 0,
    .max_args = 0,
    .usage = "route",
    .help = "connected networks, static routes, default gateways",
};

void sh_print_stats(sh_shell *sh, bool nonzero_only) {
    sh_show_counters(sh->out, sh->stack, nonzero_only);
    if (sh->port->show_driver_stats != NULL)
        sh->port->show_driver_stats(sh, nonzero_only);
    sh_show_pools(sh->out, sh->stack);
}

static cmd_result cmd_stats(sh_shell *sh, int argc, char **argv, char *err, size_t errlen) {
    (void)argc, (void)argv, (void)err, (void)errlen;
    sh_print_stats(sh, false);
    return CMD_OK;
}

const sh_cmd sh_cmd_stats = {
    .name = "stats",
    .fn = cmd_stats,
    .min_args = 0,
    .max_args = 0,
    .usage = "stats",
    .help = "counters (name value) and pool usage",
};
