/*
 * Shell command dns: name lookups through the library's DNS client
 * (tern/dns.h), its server list and its cache.
 *
 *   dns NAME [a|aaaa]        one line per address (A, or AAAA records), then ok or an error line
 *                            (the record type only in a build with IPv6)
 *   dns server [N ADDR|none] show the servers, or set/clear slot N
 *   dns flush                forget every cached answer
 *
 * A lookup the cache (or a numeric name, or the hosts table) answers at once
 * completes inside the command; otherwise it is pending like ping, and the
 * callback prints the answer when the library reports it.
 */
#include <string.h>

#include "shell.h"
#include "shell_priv.h"

#if TERN_CFG_IPV6
#define DNS_NAME_USAGE "dns NAME [a|aaaa]"
#else
#define DNS_NAME_USAGE "dns NAME"
#endif

#if TERN_CFG_DNS

/* The library gives up after at most SERVERS x TRIES x TIMEOUT; the watchdog
 * allows that plus some slack, so a lost completion cannot hang the shell. */
#define DNS_WATCHDOG_MS (TERN_CFG_DNS_SERVERS * TERN_CFG_DNS_TRIES * TERN_CFG_DNS_TIMEOUT_MS + 5000u)

static const char *dns_reason(tern_err err) {
    switch (err) {
    case TERN_ERR_NOTFOUND:
        return "not found";
    case TERN_ERR_TIMEOUT:
        return "timed out";
    default:
        return tern_strerror(err);
    }
}

/* Runs inside tern_dns_lookup (answer known at once) or later from the stack. */
static void dns_done(void *ctx, const char *name, tern_err err, const tern_addr *addrs, unsigned count) {
    sh_shell *sh = ctx;
    sh_dns *d = &sh->dns;
    char ip[TERN_ADDR_STRLEN];
    if (!d->active && d->done)
        return; /* a late answer after the watchdog gave up */
    if (err == TERN_OK && count == 0)
        err = TERN_ERR_NOTFOUND;
    for (unsigned i = 0; err == TERN_OK && i < count; i++)
        sh_printf(sh->out, "%s has address %s\n", name, tern_addr_format(&addrs[i], ip, sizeof(ip)));
    d->done = true;
    d->err = err;
    if (d->active) {
        d->active = false;
        if (err == TERN_OK)
            sh_printf(sh->out, "ok\n");
        else
            sh_printf(sh->out, "error: %s: %s\n", name, dns_reason(err));
    }
    sh_flush(sh->out);
}

static cmd_result dns_lookup(sh_shell *sh, const char *name, uint8_t family, char *err, size_t errlen) {
    sh_dns *d = &sh->dns;
    memset(d, 0, sizeof(*d));
    tern_err e = tern_dns_lookup(sh->stack, name, family, dns_done, sh);
    if (e == TERN_ERR_INPROGRESS) {
        d->active = true;
        d->deadline = sh->stack->now + DNS_WATCHDOG_MS;
        return CMD_PENDING;
    }
    if (e == TERN_OK && d->done)
        e = d->err;
    d->done = true;
    if (e == TERN_OK)
        return CMD_OK;
    return sh_fail(sh, err, errlen, "%.200s: %s", name, dns_reason(e));
}

static cmd_result dns_server(sh_shell *sh, int argc, char **argv, char *err, size_t errlen) {
    uint32_t index;
    tern_addr a;
    char ip[TERN_ADDR_STRLEN];
    if (argc == 2) {
        for (unsigned i = 0; i < TERN_CFG_DNS_SERVERS; i++) {
            const tern_addr *s = &sh->stack->dns.servers[i];
            sh_printf(sh->out, "server %u %s\n", i,
                      tern_addr_is_any(s) ? "none" : tern_addr_format(s, ip, sizeof(ip)));
        }
        return CMD_OK;
    }
    bool clear = argc == 4 && strcmp(argv[3], "none") == 0;
    if (argc != 4 || !sh_parse_uint(argv[2], 0, TERN_CFG_DNS_SERVERS - 1u, &index) ||
        (!clear && !tern_addr_parse(argv[3], &a)))
        return sh_fail(sh, err, errlen, "usage: dns server [N ADDR|none] (N 0..%u)",
                       TERN_CFG_DNS_SERVERS - 1u);
    tern_err e = tern_dns_set_server(sh->stack, index, clear ? NULL : &a);
    if (e != TERN_OK)
        return sh_fail(sh, err, errlen, "dns server: %s", tern_strerror(e));
    return CMD_OK;
}

static cmd_result cmd_dns(sh_shell *sh, int argc, char **argv, char *err, size_t errlen) {
    if (strcmp(argv[1], "server") == 0)
        return dns_server(sh, argc, argv, err, errlen);
    if (argc == 2 && strcmp(argv[1], "flush") == 0) {
        tern_dns_flush(sh->stack);
        return CMD_OK;
    }
    bool aaaa = TERN_CFG_IPV6 && argc == 3 && strcmp(argv[2], "aaaa") == 0;
    bool a = TERN_CFG_IPV6 && argc == 3 && strcmp(argv[2], "a") == 0;
    if (argc != 2 && !aaaa && !a)
        return sh_fail(sh, err, errlen, "usage: " DNS_NAME_USAGE " | dns server [N ADDR|none] | dns flush");
    return dns_lookup(sh, argv[1], aaaa ? TERN_AF_INET6 : TERN_AF_INET, err, errlen);
}

void sh_dns_check(sh_shell *sh, uint32_t now) {
    sh_dns *d = &sh->dns;
    if (!d->active || tern_time_before(now, d->deadline))
        return;
    d->active = false;
    d->done = true;
    sh_printf(sh->out, "error: dns lookup did not complete in time\n");
    sh_flush(sh->out);
}

#else /* !TERN_CFG_DNS */

static cmd_result cmd_dns(sh_shell *sh, int argc, char **argv, char *err, size_t errlen) {
    (void)argc, (void)argv;
    return sh_fail(sh, err, errlen, "this build has no DNS client");
}

void sh_dns_check(sh_shell *sh, uint32_t now) {
    (void)sh, (void)now;
}

#endif

void sh_dns_cancel(sh_shell *sh) {
    sh->dns.active = false; /* a late answer is ignored */
    sh->dns.done = true;
}

const sh_cmd sh_cmd_dns = {
    .name = "dns",
    .fn = cmd_dns,
    .min_args = 1,
    .max_args = 3,
    .usage = DNS_NAME_USAGE " | server [N ADDR|none] | flush",
    .help = "look NAME up (A records), show or set the DNS servers, empty the cache",
};
