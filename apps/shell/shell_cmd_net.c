/*
 * Shell commands that use the network: ping and udp.
 *
 *   ping ADDR [COUNT] [SIZE] [INTERVAL_MS]   pending until the summary and ok
 *   udp send ADDR PORT TEXT                  TEXT (the rest of the line) in one datagram
 *   udp fill ADDR PORT SIZE                  SIZE bytes of a pattern in one datagram
 *
 * Datagrams that come back to udp's endpoint print
 *   udp from ADDR:PORT LEN bytes: TEXT
 */
#include <string.h>

#include "shell.h"
#include "shell_priv.h"

#define PING_DEFAULT_COUNT 4u
#define PING_DEFAULT_SIZE 56u
#define PING_DEFAULT_INTERVAL_MS 1000u
#define PING_TIMEOUT_MS 1000u
/* Without fragmentation an echo request must fit one Ethernet frame. */
#define PING_MAX_SIZE (TERN_CFG_IPV4_FRAG ? 65535u - 20u - 8u : 1500u - 20u - 8u)
/* Extra time the watchdog allows beyond the ping's own schedule. */
#define PING_WATCHDOG_SLACK_MS 3000u
#define UDP_SHOW_MAX 200u

/* An address ping and udp can use: IPv4, or IPv6 in a build that has it. */
static bool family_ok(const tern_addr *a) {
    return a->family == TERN_AF_INET || (TERN_CFG_IPV6 && a->family == TERN_AF_INET6);
}

/* ---- ping ------------------------------------------------------------------ */

#if TERN_CFG_PING
static void ping_summary(sh_shell *sh, uint16_t sent, uint16_t received) {
    sh_ping *hp = &sh->ping;
    sh_show_ping_summary(sh->out, &hp->dst, sent, received, hp->rtt_min, hp->rtt_sum, hp->rtt_max);
}

static void ping_reply(sh_shell *sh, const tern_ping_result *r) {
    sh_ping *hp = &sh->ping;
    if (r->rtt_ms < hp->rtt_min)
        hp->rtt_min = r->rtt_ms;
    if (r->rtt_ms > hp->rtt_max)
        hp->rtt_max = r->rtt_ms;
    hp->rtt_sum += r->rtt_ms;
    sh_show_ping_reply(sh->out, &hp->dst, r);
}

static void ping_event(void *ctx, tern_ping *ping, const tern_ping_result *r) {
    sh_shell *sh = ctx;
    char dst[TERN_ADDR_STRLEN];
    (void)ping;
    if (!sh->ping.active)
        return;
    switch (r->event) {
    case TERN_PING_REPLY:
        ping_reply(sh, r);
        break;
    case TERN_PING_TIMEOUT:
        sh_printf(sh->out, "no answer from %s: icmp_seq=%u\n",
                  tern_addr_format(&sh->ping.dst, dst, sizeof(dst)), r->seq);
        break;
    case TERN_PING_ERROR:
        sh_printf(sh->out, "send error: icmp_seq=%u: %s\n", r->seq, tern_strerror(r->err));
        break;
    case TERN_PING_DONE:
        ping_summary(sh, r->sent, r->received);
        sh->ping.active = false;
        sh_printf(sh->out, "ok\n");
        break;
    }
    sh_flush(sh->out);
}

static bool ping_args(sh_shell *sh, int argc, char **argv, uint32_t *interval, char *err, size_t errlen) {
    sh_ping *hp = &sh->ping;
    uint32_t count = PING_DEFAULT_COUNT, size = PING_DEFAULT_SIZE;
    *interval = PING_DEFAULT_INTERVAL_MS;
    if (!tern_addr_parse(argv[1], &hp->dst) || !family_ok(&hp->dst)) {
        sh_fail(sh, err, errlen, "bad address '%.40s'", argv[1]);
        return false;
    }
    if ((argc > 2 && !sh_parse_uint(argv[2], 1, 65535, &count)) ||
        (argc > 3 && !sh_parse_uint(argv[3], 0, PING_MAX_SIZE, &size)) ||
        (argc > 4 && !sh_parse_uint(argv[4], 10, 60000, interval))) {
        sh_fail(sh, err, errlen, "usage: ping ADDR [COUNT 1..65535] [SIZE 0..%u] [INTERVAL_MS 10..60000]",
                PING_MAX_SIZE);
        return false;
    }
    hp->count = (uint16_t)count;
    hp->size = (uint16_t)size;
    return true;
}
#endif

static cmd_result cmd_ping(sh_shell *sh, int argc, char **argv, char *err, size_t errlen) {
#if TERN_CFG_PING
    sh_ping *hp = &sh->ping;
    uint32_t interval;
    char dst[TERN_ADDR_STRLEN];
    if (!ping_args(sh, argc, argv, &interval, err, errlen))
        return CMD_ERROR;
    hp->rtt_min = UINT32_MAX;
    hp->rtt_max = 0;
    hp->rtt_sum = 0;
    hp->active = true;
    hp->deadline = sh->stack->now + (uint32_t)hp->count * interval + PING_TIMEOUT_MS + PING_WATCHDOG_SLACK_MS;
    sh_printf(sh->out, "PING %s %u(%u) bytes of data.\n", tern_addr_format(&hp->dst, dst, sizeof(dst)),
              hp->size, hp->size + 28u);
    sh_flush(sh->out);
    tern_err e = tern_ping_start(sh->stack, &hp->ping, &hp->dst, hp->count, hp->size, interval,
                                 PING_TIMEOUT_MS, ping_event, sh);
    if (e != TERN_OK) {
        hp->active = false;
        return sh_fail(sh, err, errlen, "ping: %s", tern_strerror(e));
    }
    /* The answer may already have come (DONE inside start). */
    return CMD_PENDING;
#else
    (void)argc, (void)argv;
    return sh_fail(sh, err, errlen, "this build has no ping client");
#endif
}

const sh_cmd sh_cmd_ping = {
    .name = "ping",
    .fn = cmd_ping,
    .min_args = 1,
    .max_args = 4,
    .usage = "ping ADDR [COUNT] [SIZE] [INTERVAL_MS]",
    .help = "ICMP echo (default 4 x 56 bytes, 1000 ms apart)",
};

void sh_ping_cancel(sh_shell *sh) {
#if TERN_CFG_PING
    if (!sh->ping.active)
        return;
    tern_ping_stop(sh->stack, &sh->ping.ping);
    sh->ping.active = false;
#else
    (void)sh;
#endif
}

void sh_ping_check(sh_shell *sh, uint32_t now) {
#if TERN_CFG_PING
    sh_ping *hp = &sh->ping;
    if (!hp->active || tern_time_before(now, hp->deadline))
        return;
    uint16_t sent = hp->ping.sent, received = hp->ping.received;
    sh_ping_cancel(sh);
    ping_summary(sh, sent, received);
    sh_printf(sh->out, "error: ping did not complete in time\n");
    sh_flush(sh->out);
#else
    (void)sh, (void)now;
#endif
}

/* ---- udp send, udp fill ------------------------------------------------------------ */

static void udp_received(void *ctx, tern_udp_pcb *pcb, tern_pbuf *p, const tern_udp_info *info) {
    sh_shell *sh = ctx;
    char src[TERN_ADDR_STRLEN], text[UDP_SHOW_MAX + 1];
    (void)pcb;
    uint16_t n = sh_format_data(p, text, UDP_SHOW_MAX);
    sh_printf(sh->out, "udp from %s:%u %u bytes: %s%s\n", tern_addr_format(&info->src, src, sizeof(src)),
              info->sport, p->tot_len, text, p->tot_len > n ? "..." : "");
    sh_flush(sh->out);
    tern_pbuf_free(sh->stack, p);
}

/* The endpoint udp sends from (and prints what comes back to), opened once. */
static tern_udp_pcb *udp_pcb(sh_shell *sh, char *err, size_t errlen) {
    if (sh->udp != NULL)
        return sh->udp;
    tern_udp_pcb *pcb = tern_udp_new(sh->stack);
    if (pcb == NULL) {
        sh_fail(sh, err, errlen, "no free UDP endpoint");
        return NULL;
    }
    tern_err e = tern_udp_bind(pcb, NULL, 0);
    if (e != TERN_OK) {
        tern_udp_free(pcb);
        sh_fail(sh, err, errlen, "bind: %s", tern_strerror(e));
        return NULL;
    }
    tern_udp_set_recv(pcb, udp_received, sh);
    sh->udp = pcb;
    return pcb;
}

void sh_udp_close(sh_shell *sh) {
    if (sh->udp != NULL)
        tern_udp_free(sh->udp);
    sh->udp = NULL;
}

/* len bytes: text repeated (fill), or text once. */
static tern_pbuf *udp_payload(sh_shell *sh, const char *text, uint16_t len) {
    uint16_t tlen = (uint16_t)strlen(text);
    tern_pbuf *p = tern_pbuf_alloc(sh->stack, TERN_PBUF_TRANSPORT_HEADROOM, len);
    bool ok = p != NULL && tlen > 0;
    for (uint16_t off = 0; ok && off < len; off = (uint16_t)(off + tlen))
        ok = tern_pbuf_copy_in(p, off, text, (uint16_t)(len - off < tlen ? len - off : tlen)) == TERN_OK;
    if (!ok) {
        tern_pbuf_free(sh->stack, p);
        return NULL;
    }
    return p;
}

static cmd_result cmd_udp(sh_shell *sh, int argc, char **argv, char *err, size_t errlen) {
    tern_addr dst;
    uint32_t port, size = 0;
    bool fill = strcmp(argv[1], "fill") == 0;
    (void)argc;
    if ((!fill && strcmp(argv[1], "send") != 0) || !tern_addr_parse(argv[2], &dst) || !family_ok(&dst) ||
        !sh_parse_uint(argv[3], 1, 65535, &port) || (fill && !sh_parse_uint(argv[4], 1, 65000, &size)))
        return sh_fail(sh, err, errlen, "usage: udp send ADDR PORT TEXT | udp fill ADDR PORT SIZE");
    const char *text = fill ? "0123456789abcdef" : argv[4];
    tern_udp_pcb *pcb = udp_pcb(sh, err, errlen);
    if (pcb == NULL)
        return CMD_ERROR;
    tern_pbuf *p = udp_payload(sh, text, size ? (uint16_t)size : (uint16_t)strlen(text));
    if (p == NULL)
        return sh_fail(sh, err, errlen, "out of packet buffers");
    tern_err e = tern_udp_sendto(pcb, p, &dst, (uint16_t)port);
    if (e != TERN_OK)
        return sh_fail(sh, err, errlen, "send: %s", tern_strerror(e));
    return CMD_OK;
}

const sh_cmd sh_cmd_udp = {
    .name = "udp",
    .fn = cmd_udp,
    .min_args = 4,
    .max_args = 4,
    .rest = true,
    .usage = "udp send ADDR PORT TEXT | udp fill ADDR PORT SIZE",
    .help = "send TEXT in one datagram from an ephemeral port",
};
