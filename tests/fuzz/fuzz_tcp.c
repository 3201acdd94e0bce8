/*
 * libFuzzer target: TCP segments against a listening and an established
 * connection.
 *
 * One stack, one Ethernet interface (192.0.2.2/24, MAC 02:00:00:00:00:02),
 * the echo/discard services listening on TCP 7 and 9, and a static ARP
 * entry for the peer 192.0.2.1 (02:00:00:00:00:01). link_output parses each
 * frame the stack sends to the peer and remembers, per peer port, the
 * stack's highest sequence number sent (snd_max), the last ACK it sent (its
 * rcv_nxt) and its last TSval, so fuzz segments can be placed relative to
 * the live connection and reach deep states.
 *
 * Input:
 *   u8 SYN options for the handshake of connection 0: bit 0 MSS (536 + 64 *
 *      bits 4..7), bit 1 window scale (shift = bits 4..7), bit 2
 *      timestamps, bit 3 SACK permitted
 *   then segments, each a 10-byte header + option bytes + payload bytes:
 *     0     TCP flags (bits 0..5); bit 6: seq/ack deltas count from the
 *           initial sequence numbers instead of rcv_nxt/snd_max; bit 7:
 *           connection 1 (peer port 40001 -> 9, no handshake done for it)
 *           instead of connection 0 (peer port 40000 -> 7, established by
 *           the harness before the first segment)
 *     1-2   seq delta (int16, big-endian)
 *     3-4   ack delta (int16)
 *     5     window: (b << 8) | 0xff, or 0 when b is 0
 *     6     bits 0..5 option bytes that follow (at most 40); bit 6: append
 *           a valid timestamp option (TSval = the clock, TSecr = the stack's
 *           last TSval); bit 7: deliver as two pbufs split in the middle
 *     7     payload length (the bytes follow the options)
 *     8     bits 0..2 clock step after the segment (index into
 *           clock_steps); bits 3..7: 0 = correct data offset, else the
 *           data offset field is (v & 15) whatever the real length
 *     9     urgent pointer / 16
 * Each segment gets a correct checksum. After the last one the clock runs
 * two hours, a minute at a time (every timer runs its course: backed-off
 * retransmissions, TIME_WAIT, SYN_RCVD giving up), the stack is torn down and every
 * buffer must be back in its pool: a leak aborts. The seeds come from
 * tests/fuzz/make_tcp_corpus.py.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tern/tern.h"

#define PEER_PORT0 40000u
#define PEER_PORT1 40001u
#define PEER_ISS0 0x10000000u
#define PEER_ISS1 0xfffff000u /* wraps soon: sequence arithmetic across 0 */
#define SEG_HDR 10u

static const uint32_t clock_steps[8] = {0, 1, 10, 100, 250, 1000, 5000, 70000};

static const uint8_t stack_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
static const uint8_t peer_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
static const uint8_t stack_ip[4] = {192, 0, 2, 2};
static const uint8_t peer_ip[4] = {192, 0, 2, 1};

/* What the harness knows of one connection from the stack's frames. */
struct conn {
    uint16_t peer_port, stack_port;
    uint32_t peer_iss;
    bool heard;  /* the stack sent something on this connection */
    bool synack; /* ... including a SYN-ACK */
    uint32_t stack_iss;
    uint32_t snd_max; /* highest sequence number the stack sent, + 1 */
    uint32_t rcv_nxt; /* the ACK field of its last segment */
    uint32_t tsval;   /* its last TSval */
};

static tern_stack fuzz_stack;
static tern_netif fuzz_netif;
static struct conn conns[2];
static uint32_t fuzz_now;

static uint16_t rd16(const uint8_t *b) {
    return (uint16_t)((b[0] << 8) | b[1]);
}
static uint32_t rd32(const uint8_t *b) {
    return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
}
static void wr16(uint8_t *b, uint16_t v) {
    b[0] = (uint8_t)(v >> 8), b[1] = (uint8_t)v;
}
static void wr32(uint8_t *b, uint32_t v) {
    b[0] = (uint8_t)(v >> 24), b[1] = (uint8_t)(v >> 16), b[2] = (uint8_t)(v >> 8), b[3] = (uint8_t)v;
}
static bool seq_gt(uint32_t a, uint32_t b) {
    return (int32_t)(a - b) > 0;
}

/* Learn the connection's numbers from what the stack sends (link_output borrows p). */
static tern_err capture_output(tern_netif *nif, tern_pbuf *p) {
    (void)nif;
    uint8_t f[14 + 60 + 60];
    uint16_t n = tern_pbuf_copy_out(p, 0, f, sizeof f);
    if (n < 14 + 20 + 20 || rd16(f + 12) != 0x0800 || f[14 + 9] != 6 || memcmp(f + 14 + 16, peer_ip, 4) != 0)
        return TERN_OK;
    unsigned ihl = (f[14] & 15u) * 4u;
    if (ihl < 20 || 14u + ihl + 20u > n)
        return TERN_OK;
    const uint8_t *t = f + 14 + ihl;
    unsigned thl = (t[12] >> 4) * 4u;
    uint16_t ip_len = rd16(f + 14 + 2);
    if (thl < 20 || ip_len < ihl + thl || 14u + ihl + thl > n)
        return TERN_OK;
    uint16_t dport = rd16(t + 2);
    struct conn *c = dport == PEER_PORT0 ? &conns[0] : dport == PEER_PORT1 ? &conns[1] : NULL;
    if (!c)
        return TERN_OK;
    uint8_t flags = t[13];
    uint32_t seq = rd32(t + 4);
    uint32_t end =
        seq + (uint32_t)(ip_len - ihl - thl) + ((flags & 0x02) ? 1u : 0u) + ((flags & 0x01) ? 1u : 0u);
    if ((flags & 0x12) == 0x12) {
        c->synack = true;
        c->stack_iss = seq;
        c->snd_max = end;
    } else if (!c->heard || seq_gt(end, c->snd_max)) {
        c->snd_max = end;
    }
    if (flags & 0x10)
        c->rcv_nxt = rd32(t + 8);
    for (unsigned i = 20; i < thl;) { /* the TSval, if any */
        uint8_t kind = t[i];
        if (kind == 0)
            break;
        if (kind == 1) {
            i++;
            continue;
        }
        if (i + 1 >= thl || t[i + 1] < 2 || i + t[i + 1] > thl)
            break;
        if (kind == 8 && t[i + 1] == 10)
            c->tsval = rd32(t + i + 2);
        i += t[i + 1];
    }
    c->heard = true;
    return TERN_OK;
}

static const tern_netif_ops capture_ops = {
    .link_output = capture_output,
};

#if TERN_CFG_ASSERT
static void fuzz_assert(void *ctx, const char *file, int line, const char *expr) {
    (void)ctx;
    fprintf(stderr, "tern assertion failed: %s:%d: %s\n", file, line, expr);
    abort();
}
#endif

static void fuzz_poll(tern_stack *s, uint32_t now) {
    for (int i = 0; i < 64; i++) {
        if (tern_stack_poll(s, now) != 0)
            return;
    }
}

static void fuzz_setup(tern_stack *s, tern_netif *nif) {
    tern_stack_init(s, fuzz_now, 0x7463700au);
#if TERN_CFG_ASSERT
    tern_stack_set_assert(s, fuzz_assert, NULL);
#endif
    tern_netif_init(nif, "fz0", TERN_LINK_ETHERNET, &capture_ops, NULL);
    memcpy(nif->hwaddr, stack_mac, sizeof stack_mac);
    if (tern_netif_add(s, nif) != TERN_OK)
        abort();
    tern_netif_set_up(nif, true);
    tern_netif_set_link(nif, true);
    tern_addr ip = TERN_ADDR4(192, 0, 2, 2);
    tern_addr gw = TERN_ADDR4(192, 0, 2, 1);
    if (tern_netif_set_ipv4(nif, &ip, 24, &gw) != TERN_OK)
        abort();
    if (tern_arp_add_static(nif, &gw, peer_mac) != TERN_OK)
        abort();
    if (tern_echo_start(s) != TERN_OK)
        abort();
    memset(conns, 0, sizeof conns);
    conns[0] = (struct conn){.peer_port = PEER_PORT0, .stack_port = 7, .peer_iss = PEER_ISS0};
    conns[1] = (struct conn){.peer_port = PEER_PORT1, .stack_port = 9, .peer_iss = PEER_ISS1};
}

static uint16_t csum_add(uint32_t sum, const uint8_t *b, size_t n) {
    for (size_t i = 0; i + 1 < n; i += 2)
        sum += rd16(b + i);
    if (n & 1)
        sum += (uint32_t)b[n - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffffu) + (sum >> 16);
    return (uint16_t)sum;
}

/* Ethernet + IPv4 + the TCP segment tcp[0..tcp_len) (its checksum filled in). */
static void send_segment(tern_stack *s, tern_netif *nif, uint8_t *tcp, uint16_t tcp_len, bool split) {
    uint8_t frame[14 + 20 + 60 + 255];
    memcpy(frame, stack_mac, 6);
    memcpy(frame + 6, peer_mac, 6);
    wr16(frame + 12, 0x0800);
    uint8_t *ip = frame + 14;
    memset(ip, 0, 20);
    ip[0] = 0x45;
    wr16(ip + 2, (uint16_t)(20 + tcp_len));
    ip[6] = 0x40; /* DF */
    ip[8] = 64;
    ip[9] = 6;
    memcpy(ip + 12, peer_ip, 4);
    memcpy(ip + 16, stack_ip, 4);
    wr16(ip + 10, (uint16_t)~csum_add(0, ip, 20));
    uint8_t pseudo[12];
    memcpy(pseudo, peer_ip, 4);
    memcpy(pseudo + 4, stack_ip, 4);
    pseudo[8] = 0, pseudo[9] = 6;
    wr16(pseudo + 10, tcp_len);
    tcp[16] = tcp[17] = 0;
    uint16_t sum = csum_add(csum_add(0, pseudo, sizeof pseudo), tcp, tcp_len);
    wr16(tcp + 16, (uint16_t)~sum);
    memcpy(ip + 20, tcp, tcp_len);
    uint16_t len = (uint16_t)(14 + 20 + tcp_len);
    uint16_t first = split ? (uint16_t)(len / 2) : len;
    tern_pbuf *p = tern_pbuf_alloc(s, 0, first);
    if (!p)
        return;
    tern_pbuf_copy_in(p, 0, frame, first);
    if (first < len) {
        tern_pbuf *tail = tern_pbuf_alloc(s, 0, (uint16_t)(len - first));
        if (!tail) {
            tern_pbuf_free(s, p);
            return;
        }
        tern_pbuf_copy_in(tail, 0, frame + first, (uint16_t)(len - first));
        tern_pbuf_cat(p, tail);
    }
    tern_netif_input(nif, p);
}

/* The options of the harness's SYN, chosen by the first input byte. */
static uint8_t syn_options(uint8_t cfg, uint8_t *o) {
    uint8_t n = 0;
    if (cfg & 1) {
        o[n++] = 2, o[n++] = 4;
        wr16(o + n, (uint16_t)(536u + 64u * (cfg >> 4)));
        n += 2;
    }
    if (cfg & 2)
        o[n++] = 1, o[n++] = 3, o[n++] = 3, o[n++] = (uint8_t)(cfg >> 4);
    if (cfg & 8)
        o[n++] = 1, o[n++] = 1, o[n++] = 4, o[n++] = 2;
    if (cfg & 4) {
        o[n++] = 1, o[n++] = 1, o[n++] = 8, o[n++] = 10;
        wr32(o + n, fuzz_now);
        wr32(o + n + 4, 0);
        n += 8;
    }
    return n;
}

static uint16_t tcp_hdr(uint8_t *t, const struct conn *c, uint32_t seq, uint32_t ack, uint8_t flags,
                        uint16_t wnd, const uint8_t *opt, uint8_t optlen) {
    wr16(t, c->peer_port);
    wr16(t + 2, c->stack_port);
    wr32(t + 4, seq);
    wr32(t + 8, ack);
    uint8_t padded = (uint8_t)((optlen + 3u) & ~3u);
    t[12] = (uint8_t)(((20u + padded) / 4u) << 4);
    t[13] = flags;
    wr16(t + 14, wnd);
    t[18] = t[19] = 0;
    memcpy(t + 20, opt, optlen);
    memset(t + 20 + optlen, 0, padded - optlen);
    return (uint16_t)(20u + padded);
}

/* SYN, then the ACK of the SYN-ACK: connection 0 is established. */
static void handshake(tern_stack *s, tern_netif *nif, uint8_t cfg) {
    struct conn *c = &conns[0];
    uint8_t t[60], o[40];
    uint8_t n = syn_options(cfg, o);
    uint16_t len = tcp_hdr(t, c, c->peer_iss, 0, 0x02, 64240, o, n);
    send_segment(s, nif, t, len, false);
    fuzz_poll(s, fuzz_now);
    if (!c->synack) {
        fprintf(stderr, "fuzz_tcp: no SYN-ACK for the handshake's SYN\n");
        abort();
    }
    n = 0;
    if (cfg & 4) {
        o[n++] = 1, o[n++] = 1, o[n++] = 8, o[n++] = 10;
        wr32(o + n, fuzz_now);
        wr32(o + n + 4, c->tsval);
        n += 8;
    }
    len = tcp_hdr(t, c, c->peer_iss + 1u, c->stack_iss + 1u, 0x10, 64240, o, n);
    send_segment(s, nif, t, len, false);
    fuzz_poll(s, fuzz_now);
}

#ifdef FUZZ_TCP_TRACE
static void trace_pcb(void *ctx, const tern_tcp_pcb *pcb) {
    (void)ctx;
    fprintf(stderr, "  pcb %u->%u %s snd_una %08x snd_nxt %08x rcv_nxt %08x sndq %u\n", pcb->remote_port,
            pcb->local_port, tern_tcp_state_name(pcb->state), pcb->snd_una, pcb->snd_nxt, pcb->rcv_nxt,
            pcb->sndq_len);
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    tern_stack *s = &fuzz_stack;
    tern_netif *nif = &fuzz_netif;
    if (size < 1)
        return 0;
    fuzz_now = 1000;
    fuzz_setup(s, nif);
    fuzz_poll(s, fuzz_now);
    handshake(s, nif, data[0]);
    data++, size--;

    while (size >= SEG_HDR) {
        const uint8_t *h = data;
        data += SEG_HDR, size -= SEG_HDR;
        uint8_t optlen = h[6] & 0x3f;
        if (optlen > 40)
            optlen = 40;
        if (optlen > size)
            optlen = (uint8_t)size;
        const uint8_t *opt = data;
        data += optlen, size -= optlen;
        uint8_t plen = h[7];
        if (plen > size)
            plen = (uint8_t)size;
        const uint8_t *payload = data;
        data += plen, size -= plen;

        struct conn *c = &conns[(h[0] >> 7) & 1];
        int16_t dseq = (int16_t)rd16(h + 1), dack = (int16_t)rd16(h + 3);
        uint32_t seq, ack;
        if ((h[0] & 0x40) || !c->heard) {
            seq = c->peer_iss + (uint32_t)(int32_t)dseq;
            ack = (c->synack ? c->stack_iss : 0u) + (uint32_t)(int32_t)dack;
        } else {
            seq = c->rcv_nxt + (uint32_t)(int32_t)dseq;
            ack = c->snd_max + (uint32_t)(int32_t)dack;
        }
        uint8_t o[52];
        memcpy(o, opt, optlen);
        uint8_t n = optlen;
        if (h[6] & 0x40) {
            o[n++] = 1, o[n++] = 1, o[n++] = 8, o[n++] = 10;
            wr32(o + n, fuzz_now);
            wr32(o + n + 4, c->tsval);
            n += 8;
        }
        if (n > 40)
            n = 40;
        uint8_t t[60 + 255];
        uint16_t hl = tcp_hdr(t, c, seq, ack, h[0] & 0x3f, (uint16_t)(h[5] ? (h[5] << 8) | 0xff : 0), o, n);
        if (h[8] >> 3)
            t[12] = (uint8_t)(((h[8] >> 3) & 15u) << 4);
        wr16(t + 18, (uint16_t)(h[9] * 16u));
        memcpy(t + hl, payload, plen);
        send_segment(s, nif, t, (uint16_t)(hl + plen), (h[6] & 0x80) != 0);
        fuzz_now += clock_steps[h[8] & 7u];
        fuzz_poll(s, fuzz_now);
#ifdef FUZZ_TCP_TRACE /* -DFUZZ_TCP_TRACE: what each seed does */
        fprintf(stderr,
                "seg flags %02x conn %d seq %08x ack %08x len %u -> stack snd_max %08x rcv_nxt %08x\n",
                h[0] & 0x3f, (h[0] >> 7) & 1, seq, ack, plen, c->snd_max, c->rcv_nxt);
        tern_tcp_foreach(s, trace_pcb, NULL);
#endif
    }
    /* Let every timer run its course (retransmissions back off up to 60 s,
     * TIME_WAIT, SYN_RCVD giving up), a minute at a time for two hours. */
    for (int i = 0; i < 120; i++) {
        fuzz_now += 60000u;
        fuzz_poll(s, fuzz_now);
    }
    tern_stack_deinit(s);
    if (tern_stack_buffers_in_use(s) != 0) {
        fprintf(stderr, "fuzz_tcp: %u packet buffers leaked\n", tern_stack_buffers_in_use(s));
        abort();
    }
    return 0;
}
