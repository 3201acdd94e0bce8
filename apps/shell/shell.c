/*
 * The shell's dispatch (see shell.h): a line is cut into a command name and
 * its arguments, the command is looked up in the program's table and run,
 * and its answer ends with "ok" or "error: REASON". Also help and quit, and
 * the watchdogs of the commands that answer later (ping, dns).
 */
#include <string.h>

#include "shell.h"
#include "shell_priv.h"

#define SHELL_ERR_MAX 160

void sh_init(sh_shell *sh, const sh_port *port, void *ctx, tern_stack *s, tern_netif *nif) {
    memset(sh, 0, sizeof(*sh));
    sh->port = port;
    sh->out = &port->out;
    sh->ctx = ctx;
    sh->stack = s;
    sh->nif = nif;
}

cmd_result sh_fail(const sh_shell *sh, char *err, size_t errlen, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    sh->port->vformat(err, errlen, fmt, ap);
    va_end(ap);
    return CMD_ERROR;
}

/* ---- help, quit ------------------------------------------------------------- */

static cmd_result cmd_help(sh_shell *sh, int argc, char **argv, char *err, size_t errlen) {
    (void)argc, (void)argv, (void)err, (void)errlen;
    for (size_t i = 0; i < sh->port->ncmds; i++)
        sh_printf(sh->out, "%-40s %s\n", sh->port->cmds[i]->usage, sh->port->cmds[i]->help);
    return CMD_OK;
}

const sh_cmd sh_cmd_help = {
    .name = "help",
    .fn = cmd_help,
    .min_args = 0,
    .max_args = 0,
    .usage = "help",
    .help = "list the commands",
};

static cmd_result cmd_quit(sh_shell *sh, int argc, char **argv, char *err, size_t errlen) {
    (void)argc, (void)argv, (void)err, (void)errlen;
    sh->quit = true;
    return CMD_OK;
}

const sh_cmd sh_cmd_quit = {
    .name = "quit",
    .fn = cmd_quit,
    .min_args = 0,
    .max_args = 0,
    .usage = "quit",
    .help = "stop the program",
};

/* ---- Dispatch ------------------------------------------------------------------- */

static const sh_cmd *find_command(const sh_shell *sh, const char *name) {
    for (size_t i = 0; i < sh->port->ncmds; i++)
        if (strcmp(sh->port->cmds[i]->name, name) == 0)
            return sh->port->cmds[i];
    return NULL;
}

void sh_exec(sh_shell *sh, char *line) {
    char *p = line;
    char *name = sh_next_word(&p);
    char err[SHELL_ERR_MAX] = "";
    if (name == NULL || name[0] == '#')
        return; /* blank line or comment: no answer */
    const sh_cmd *cmd = find_command(sh, name);
    if (cmd == NULL) {
        sh_answer(sh->out, sh_fail(sh, err, sizeof(err), "unknown command '%.40s' (try help)", name), err);
        return;
    }
    char *argv[SH_MAX_ARGS + 1];
    argv[0] = name;
    int argc = sh_split_args(&p, cmd->max_args < SH_MAX_ARGS ? cmd->max_args : SH_MAX_ARGS, cmd->rest, argv);
    if (argc - 1 < cmd->min_args || sh_skip_space(p)[0] != '\0') {
        sh_answer(sh->out, sh_fail(sh, err, sizeof(err), "usage: %s", cmd->usage), err);
        return;
    }
    argv[argc] = NULL;
    sh_answer(sh->out, cmd->fn(sh, argc, argv, err, sizeof(err)), err);
}

/* ---- Pending commands ------------------------------------------------------------ */

bool sh_busy(const sh_shell *sh) {
#if TERN_CFG_PING
    if (sh->ping.active)
        return true;
#endif
#if TERN_CFG_TCP
    for (unsigned i = 0; i < SH_TCP_CONNS; i++)
        if (sh->tcp[i].connecting)
            return true;
    if (sh->iperf_cli.active)
        return true;
#endif
    return sh->dns.active;
}

void sh_check(sh_shell *sh, uint32_t now) {
    sh_ping_check(sh, now);
    sh_dns_check(sh, now);
}

static uint32_t until(bool active, uint32_t deadline, uint32_t now) {
    if (!active)
        return UINT32_MAX;
    return tern_time_before(now, deadline) ? deadline - now : 0;
}

uint32_t sh_timeout(const sh_shell *sh, uint32_t now) {
    uint32_t ms = until(sh->dns.active, sh->dns.deadline, now);
#if TERN_CFG_PING
    uint32_t ping_ms = until(sh->ping.active, sh->ping.deadline, now);
    if (ping_ms < ms)
        ms = ping_ms;
#endif
    return ms;
}

void sh_close(sh_shell *sh) {
    sh_ping_cancel(sh);
    sh_dns_cancel(sh);
    sh_mcast_close(sh);
    sh_udp_close(sh);
    sh_addr_stop(sh);
}
