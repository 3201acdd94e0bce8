/* Shell commands that use the network: ping and udp send. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "host.h"

#define PING_DEFAULT_COUNT 4u
#define PING_DEFAULT_SIZE 56u
#define PING_DEFAULT_INTERVAL_MS 1000u
#define PING_TIMEOUT_MS 1000u
#define PING_MAX_SIZE (65535u - 20u - 8u)
/* Extra time the watchdog allows beyond the ping's own schedule. */
#define PING_WATCHDOG_SLACK_MS 3000u
#define UDP_SHOW_MAX 200u

/* ---- ping ------------------------------------------------------------------ */

static void ping_summary(host *h, uint16_t sent, uint16_t received) {
    host_ping *hp = &h->ping;
    sh_show_ping_summary(&host_out, &hp->dst, sent, received, hp->rtt_min, hp->rtt_sum, hp->rtt_max);
}

static void ping_reply(host *h, const tern_ping_result *r) {
    host_ping *hp = &h->ping;
    if (r->rtt_ms < hp->rtt_min)
        hp->rtt_min = r->rtt_ms;
    if (r->rtt_ms > hp->rtt_max)
        hp->rtt_max = r->rtt_ms;
    hp->rtt_sum += r->rtt_ms;
    sh_show_ping_reply(&host_out, &hp->dst, r);
}

static void ping_event(void *ctx, tern_ping *ping, const tern_ping_result *r) {
    host *h = ctx;
    char dst[TERN_ADDR_STRLEN];
    (void)ping;
    if (!h->ping.active)
        return;
    switch (r->event) {
    case TERN_PING_REPLY:
        ping_reply(h, r);
        break;
    case TERN_PING_TIMEOUT:
        printf("no answer from %s: icmp_seq=%u\n", tern_addr_format(&h->ping.dst, dst, sizeof(dst)), r->seq);
        break;
    case TERN_PING_ERROR:
        printf("send error: icmp_seq=%u: %s\n", r->seq, tern_strerror(r->err));
        break;
    case TERN_PING_DONE:
        ping_summary(h, r->sent, r->received);
        h->ping.active = false;
        printf("ok\n");
        break;
    }
    fflush(stdout);
}

static bool ping_args(int argc, char **argv, host_ping *hp, uint32_t *interval, char *err, size_t errlen) {
    uint32_t count = PING_DEFAULT_COUNT, size = PING_DEFAULT_SIZE;
    *interval = PING_DEFAULT_INTERVAL_MS;
    if (!tern_addr_parse(argv[1], &hp->dst) ||
        (hp->dst.family != TERN_AF_INET && hp->dst.family != TERN_AF_INET6)) {
        snprintf(err, errlen, "bad address '%.40s'", argv[1]);
        return false;
    }
    if ((argc > 2 && !sh_parse_uint(argv[2], 1, 65535, &count)) ||
        (argc > 3 && !sh_parse_uint(argv[3], 0, PING_MAX_SIZE, &size)) ||
        (argc > 4 && !sh_parse_uint(argv[4], 10, 60000, interval))) {
        snprintf(err, errlen, "usage: ping ADDR [COUNT 1..65535] [SIZE 0..%u] [INTERVAL_MS 10..60000]",
                 PING_MAX_SIZE);
        return false;
    }
    hp->count = (uint16_t)count;
    hp->size = (uint16_t)size;
    return true;
}

cmd_result cmd_ping(host *h, int argc, char **argv, char *err, size_t errlen) {
    host_ping *hp = &h->ping;
    uint32_t interval;
    char dst[TERN_ADDR_STRLEN];
    if (!ping_args(argc, argv, hp, &interval, err, errlen))
        return CMD_ERROR;
    hp->rtt_min = UINT32_MAX;
    hp->rtt_max = 0;
    hp->rtt_sum = 0;
    hp->active = true;
    hp->deadline = util_now() + (uint32_t)hp->count * interval + PING_TIMEOUT_MS + PING_WATCHDOG_SLACK_MS;
    printf("PING %s %u(%u) bytes of data.\n", tern_addr_format(&hp->dst, dst, sizeof(dst)), hp->size,
           hp->size + 28u);
    fflush(stdout);
    tern_err e = tern_ping_start(&h->stack, &hp->ping, &hp->dst, hp->count, hp->size, interval,
                                 PING_TIMEOUT_MS, ping_event, h);
    if (e != TERN_OK) {
        hp->active = false;
        snprintf(err, errlen, "ping: %s", tern_strerror(e));
        return CMD_ERROR;
    }
    /* The answer may already have come (DONE inside start). */
    return CMD_PENDING;
}

void host_ping_cancel(host *h) {
    if (!h->ping.active)
        return;
    tern_ping_stop(&h->stack, &h->ping.ping);
    h->ping.active = false;
}

void host_ping_check(host *h, uint32_t now) {
    host_ping *hp = &h->ping;
    if (!hp->active || tern_time_before(now, hp->deadline))
        return;
    uint16_t sent = hp->ping.sent, received = hp->ping.received;
    host_ping_cancel(h);
    ping_summary(h, sent, received);
    printf("error: ping did not complete in time\n");
    fflush(stdout);
}

uint32_t host_ping_timeout(const host *h, uint32_t now) {
    if (!h->ping.active)
        return UINT32_MAX;
    if (!tern_time_before(now, h->ping.deadline))
        return 0;
    return h->ping.deadline - now;
}

/* ---- udp send ---------------------------------------------------------------- */

static void udp_received(void *ctx, tern_udp_pcb *pcb, tern_pbuf *p, const tern_udp_info *info) {
    host *h = ctx;
    char src[TERN_ADDR_STRLEN];
    uint8_t data[UDP_SHOW_MAX];
    (void)pcb;
    uint16_t n = tern_pbuf_copy_out(p, 0, data, sizeof(data));
    printf("udp from %s:%u %u bytes: ", tern_addr_format(&info->src, src, sizeof(src)), info->sport,
           p->tot_len);
    for (uint16_t i = 0; i < n; i++)
        putchar(isprint(data[i]) ? data[i] : '.');
    printf("%s\n", p->tot_len > n ? "..." : "");
    fflush(stdout);
    tern_pbuf_free(&h->stack, p);
}

static tern_udp_pcb *udp_pcb(host *h, char *err, size_t errlen) {
    if (h->udp != NULL)
        return h->udp;
    tern_udp_pcb *pcb = tern_udp_new(&h->stack);
    if (pcb == NULL) {
        snprintf(err, errlen, "no free UDP endpoint");
        return NULL;
    }
    tern_err e = tern_udp_bind(pcb, NULL, 0);
    if (e != TERN_OK) {
        tern_udp_free(pcb);
        snprintf(err, errlen, "bind: %s", tern_strerror(e));
        return NULL;
    }
    tern_udp_set_recv(pcb, udp_received, h);
    h->udp = pcb;
    return pcb;
}

void host_close_udp(host *h) {
    if (h->udp != NULL)
        tern_udp_free(h->udp);
    h->udp = NULL;
}

cmd_result cmd_udp(host *h, int argc, char **argv, char *err, size_t errlen) {
    tern_addr dst;
    uint32_t port, size = 0;
    bool fill = strcmp(argv[1], "fill") == 0;
    (void)argc;
    if ((!fill && strcmp(argv[1], "send") != 0) || !tern_addr_parse(argv[2], &dst) ||
        (dst.family != TERN_AF_INET && dst.family != TERN_AF_INET6) ||
        !sh_parse_uint(argv[3], 1, 65535, &port) || (fill && !sh_parse_uint(argv[4], 1, 65000, &size))) {
        snprintf(err, errlen, "usage: udp send ADDR PORT TEXT | udp fill ADDR PORT SIZE");
        return CMD_ERROR;
    }
    const char *text = fill ? "0123456789abcdef" : argv[4];
    tern_udp_pcb *pcb = udp_pcb(h, err, errlen);
    if (pcb == NULL)
        return CMD_ERROR;
    uint16_t tlen = (uint16_t)strlen(text), len = size ? (uint16_t)size : tlen;
    tern_pbuf *p = tern_pbuf_alloc(&h->stack, TERN_PBUF_TRANSPORT_HEADROOM, len);
    bool ok = p != NULL && tlen > 0;
    for (uint16_t off = 0; ok && off < len; off = (uint16_t)(off + tlen))
        ok = tern_pbuf_copy_in(p, off, text, (uint16_t)(len - off < tlen ? len - off : tlen)) == TERN_OK;
    if (!ok) {
        tern_pbuf_free(&h->stack, p);
        snprintf(err, errlen, "out of packet buffers");
        return CMD_ERROR;
    }
    tern_err e = tern_udp_sendto(pcb, p, &dst, (uint16_t)port);
    if (e != TERN_OK) {
        snprintf(err, errlen, "send: %s", tern_strerror(e));
        return CMD_ERROR;
    }
    return CMD_OK;
}
