/*
 * libFuzzer target: the whole receive path, from tern_netif_input() up.
 *
 * One stack, one Ethernet interface (MAC 02:00:00:00:00:02, 192.0.2.2/24,
 * gateway 192.0.2.1) with the UDP echo/discard services running. Whatever
 * the stack sends is discarded. The input is a sequence of records:
 *
 *   u16 header (big-endian) | frame bytes
 *     bits  0..11  frame length (cut short if the input ends first)
 *     bits 12..14  how far the virtual clock moves after the frame
 *                  (index into clock_steps below), then the stack is polled
 *     bit  15      deliver the frame as a chain of two segments, split in
 *                  the middle, so parsers meet headers that span segments
 *
 * After the last record the clock jumps an hour ahead (every timer fires),
 * the stack is torn down and every buffer must be back in its pool: a leak
 * aborts. tests/fuzz/make_corpus.py writes seeds in this format.
 *
 * fuzz_ipv6.c builds this harness again with FUZZ_IPV6 set.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "tern/tern.h"

#ifndef FUZZ_IPV6
#define FUZZ_IPV6 0
#define FUZZ_NAME "fuzz_input"
#endif

#define FUZZ_LEN_MASK 0x0FFFu
#define FUZZ_SPLIT 0x8000u

/* Milliseconds the clock advances after a frame: from "no time" to beyond
 * the reassembly timeout and the ARP entry lifetime. */
static const uint32_t clock_steps[8] = {0, 1, 10, 100, 1000, 5000, 20000, 400000};

/* The stack is large (pools): static, re-initialised for every input. */
static tern_stack fuzz_stack;
static tern_netif fuzz_netif;

/* link_output borrows the frame: dropping it on the floor is all we do. */
static tern_err discard_output(tern_netif *nif, tern_pbuf *p) {
    (void)nif;
    (void)p;
    return TERN_OK;
}

static const tern_netif_ops discard_ops = {
    .link_output = discard_output,
};

#if TERN_CFG_ASSERT
static void fuzz_assert(void *ctx, const char *file, int line, const char *expr) {
    (void)ctx;
    fprintf(stderr, "tern assertion failed: %s:%d: %s\n", file, line, expr);
    abort();
}
#endif

static void fuzz_setup(tern_stack *s, tern_netif *nif, uint32_t now) {
    static const uint8_t mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};

    tern_stack_init(s, now, 0x7465726eu);
#if TERN_CFG_ASSERT
    tern_stack_set_assert(s, fuzz_assert, NULL);
#endif
    tern_netif_init(nif, "fz0", TERN_LINK_ETHERNET, &discard_ops, NULL);
    for (size_t i = 0; i < sizeof mac; i++)
        nif->hwaddr[i] = mac[i];
    if (tern_netif_add(s, nif) != TERN_OK)
        abort();
    tern_netif_set_up(nif, true);
    tern_netif_set_link(nif, true);
    tern_addr ip = TERN_ADDR4(192, 0, 2, 2);
    tern_addr gw = TERN_ADDR4(192, 0, 2, 1);
    if (tern_netif_set_ipv4(nif, &ip, 24, &gw) != TERN_OK)
        abort();
    if (tern_echo_start(s) != TERN_OK)
        abort();
#if FUZZ_IPV6
    tern_addr g;
    if (!tern_addr_parse("2001:db8::2", &g) || tern_ipv6_enable(nif, true) != TERN_OK ||
        tern_ipv6_add_addr(nif, &g, 64) != TERN_OK)
        abort();
#endif
}

/* Poll until nothing is due right now (bounded: a timer that keeps asking
 * for 0 ms would otherwise hang the fuzzer instead of being reported). */
static void fuzz_poll(tern_stack *s, uint32_t now) {
    for (int i = 0; i < 64; i++) {
        if (tern_stack_poll(s, now) != 0)
            return;
    }
}

/* One frame in pool buffers, as one segment or as two. */
static tern_pbuf *fuzz_frame(tern_stack *s, const uint8_t *data, uint16_t len, int split) {
    uint16_t first = split ? (uint16_t)(len / 2) : len;
    tern_pbuf *p = tern_pbuf_alloc(s, 0, first);
    if (p == NULL)
        return NULL;
    tern_pbuf_copy_in(p, 0, data, first);
    if (first < len) {
        tern_pbuf *tail = tern_pbuf_alloc(s, 0, (uint16_t)(len - first));
        if (tail == NULL) {
            tern_pbuf_free(s, p);
            return NULL;
        }
        tern_pbuf_copy_in(tail, 0, data + first, (uint16_t)(len - first));
        tern_pbuf_cat(p, tail);
    }
    return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    tern_stack *s = &fuzz_stack;
    tern_netif *nif = &fuzz_netif;
    uint32_t now = 1000;

    fuzz_setup(s, nif, now);
    fuzz_poll(s, now);
#if FUZZ_IPV6
    for (int i = 0; i < 30; i++) /* DAD, then the router solicitations start */
        fuzz_poll(s, now += 100);
#endif
    while (size >= 2) {
        uint16_t hdr = (uint16_t)((data[0] << 8) | data[1]);
        data += 2;
        size -= 2;
        uint16_t len = hdr & FUZZ_LEN_MASK;
        if (len > size)
            len = (uint16_t)size;
        if (len > 0) {
            tern_pbuf *p = fuzz_frame(s, data, len, (hdr & FUZZ_SPLIT) != 0 && len >= 2);
            if (p != NULL)
                tern_netif_input(nif, p);
        }
        data += len;
        size -= len;
        now += clock_steps[(hdr >> 12) & 7u];
        fuzz_poll(s, now);
    }
    fuzz_poll(s, now + 3600u * 1000u);
    tern_stack_deinit(s);
    if (tern_stack_buffers_in_use(s) != 0) {
        fprintf(stderr, FUZZ_NAME ": %u packet buffers leaked\n", tern_stack_buffers_in_use(s));
        abort();
    }
    return 0;
}
