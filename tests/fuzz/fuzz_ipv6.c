/*
 * libFuzzer target: IPv6 input, from tern_netif_input() up: the extension
 * header chain, reassembly, ICMPv6, Neighbor Discovery, SLAAC, MLD, UDP, TCP.
 *
 * One stack, one Ethernet interface (MAC 02:00:00:00:00:02, link-local
 * fe80::ff:fe00:2 and 2001:db8::2/64, SLAAC on, DAD done before the first
 * record) with the UDP echo/discard services running. Whatever the stack
 * sends is discarded. The input is a sequence of records (fuzz_input.c's
 * harness, built with FUZZ_IPV6):
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
 * aborts. tests/fuzz/make_ipv6_corpus.py writes seeds in this format.
 */
#define FUZZ_IPV6 1
#define FUZZ_NAME "fuzz_ipv6"
#include "fuzz_input.c"
