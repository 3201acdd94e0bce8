/*
 * Shell command dns: name lookups through the library's DNS client
 * (tern/dns.h), its server list and its cache.
 *
 *   dns NAME [a|aaaa]        one line per address (A, or AAAA records), then ok or an error line
 *   dns server [N ADDR|none] show the servers, or set/clear slot N
 *   dns flush                forget every cached answer
 *
 * A lookup the cache (or a numeric name, or the hosts table) answers at once
 * completes inside the command; otherwise it is pending like ping, and the
 * callback prints the answer when the library reports it.
 */
#include <stdio.h>
#include <string.h>

#include "host.h"

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
    host *h = ctx;
    host_dns *d = &h->dns;
    char ip[TERN_ADDR_STRLEN];
    if (!d->active && d->done)
        return; /* a late answer after the watchdog gave up */
    if (err == TERN_OK && count == 0)
        err = TERN_ERR_NOTFOUND;
    for (unsigned i = 0; err == TERN_OK && i < count; i++)
        printf("%s has address %s\n", name, tern_addr_format(&addrs[i], ip, sizeof(ip)));
    d->done = true;
    d->err = err;
    if (d->active) {
        d->active = false;
        if (err == TERN_OK)
            printf("ok\n");
        else
            printf("error: %s: %s\n", name, dns_reason(err));
    }
    fflush(stdout);
}

static cmd_result dns_lookup(host *h, const char *name, uint8_t family, char *err, size_t errlen) {
    host_dns *d = &h->dns;
    memset(d, 0, sizeof(*d));
    tern_err e = tern_dns_lookup(&h->stack, name, family, dns_done, h);
    if (e == TERN_ERR_INPROGRESS) {
        d->active = true;
        d->deadline = util_now() + DNS_WATCHDOG_MS;
        return CMD_PENDING;
    }
    if (e == TERN_OK && d->done)
        e = d->err;
    d->done = true;
    if (e == TERN_OK)
        return CMD_OK;
    snprintf(err, errlen, "%.200s: %s", name, dns_reason(e));
    return CMD_ERROR;
}

static void dns_show_servers(host *h) {
    char ip[TERN_ADDR_STRLEN];
    for (unsigned i = 0; i < TERN_CFG_DNS_SERVERS; i++) {
        const tern_addr *a = &h->stack.dns.servers[i];
        printf("server %u %s\n", i, tern_addr_is_any(a) ? "none" : tern_addr_format(a, ip, sizeof(ip)));
    }
}

static cmd_result dns_server(host *h, int argc, char **argv, char *err, size_t errlen) {
    uint32_t index;
    tern_addr a;
    if (argc == 2) {
        dns_show_servers(h);
        return CMD_OK;
    }
    bool clear = argc == 4 && strcmp(argv[3], "none") == 0;
    if (argc != 4 || !util_parse_uint(argv[2], 0, TERN_CFG_DNS_SERVERS - 1u, &index) ||
        (!clear && !tern_addr_parse(argv[3], &a))) {
        snprintf(err, errlen, "usage: dns server [N ADDR|none] (N 0..%u)", TERN_CFG_DNS_SERVERS - 1u);
        return CMD_ERROR;
    }
    tern_err e = tern_dns_set_server(&h->stack, index, clear ? NULL : &a);
    if (e != TERN_OK) {
        snprintf(err, errlen, "dns server: %s", tern_strerror(e));
        return CMD_ERROR;
    }
    return CMD_OK;
}

cmd_result cmd_dns(host *h, int argc, char **argv, char *err, size_t errlen) {
    if (strcmp(argv[1], "server") == 0)
        return dns_server(h, argc, argv, err, errlen);
    if (argc == 2 && strcmp(argv[1], "flush") == 0) {
        tern_dns_flush(&h->stack);
        return CMD_OK;
    }
    bool aaaa = argc == 3 && strcmp(argv[2], "aaaa") == 0;
    if (argc != 2 && !aaaa && !(argc == 3 && strcmp(argv[2], "a") == 0)) {
        snprintf(err, errlen, "usage: dns NAME [a|aaaa] | dns server [N ADDR|none] | dns flush");
        return CMD_ERROR;
    }
    if (aaaa && !TERN_CFG_IPV6) {
        snprintf(err, errlen, "this build has no IPv6");
        return CMD_ERROR;
    }
    return dns_lookup(h, argv[1], aaaa ? TERN_AF_INET6 : TERN_AF_INET, err, errlen);
}

void host_dns_setup(host *h) {
    for (unsigned i = 0; i < h->opt.dns_count; i++)
        (void)tern_dns_set_server(&h->stack, i, &h->opt.dns[i]);
}

bool host_dns_busy(const host *h) {
    return h->dns.active;
}

void host_dns_check(host *h, uint32_t now) {
    host_dns *d = &h->dns;
    if (!d->active || tern_time_before(now, d->deadline))
        return;
    d->active = false;
    d->done = true;
    printf("error: dns lookup did not complete in time\n");
    fflush(stdout);
}

void host_dns_cancel(host *h) {
    h->dns.active = false;
    h->dns.done = true;
}

uint32_t host_dns_timeout(const host *h, uint32_t now) {
    if (!h->dns.active)
        return UINT32_MAX;
    if (!tern_time_before(now, h->dns.deadline))
        return 0;
    return h->dns.deadline - now;
}

#else /* !TERN_CFG_DNS */

cmd_result cmd_dns(host *h, int argc, char **argv, char *err, size_t errlen) {
    (void)h, (void)argc, (void)argv;
    snprintf(err, errlen, "this build has no DNS client");
    return CMD_ERROR;
}

void host_dns_setup(host *h) {
    (void)h;
}
bool host_dns_busy(const host *h) {
    return h->dns.active;
}
void host_dns_check(host *h, uint32_t now) {
    (void)h, (void)now;
}
void host_dns_cancel(host *h) {
    (void)h;
}
uint32_t host_dns_timeout(const host *h, uint32_t now) {
    (void)h, (void)now;
    return UINT32_MAX;
}

#endif
