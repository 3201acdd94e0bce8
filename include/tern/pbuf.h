/*
 * Packet buffers.
 *
 * A packet is a chain of segments (`next`). Each segment's `tot_len` is its
 * own `len` plus that of all segments after it, so the head's tot_len is the
 * packet length. Three kinds of storage:
 *   POOL  storage from the stack's packet pool, with headroom in front so each
 *         layer prepends its header in place;
 *   REF   a reference to caller memory (ROM/static data), never copied, never
 *         written by the stack;
 *   EXT   driver or application memory released through a free callback when
 *         the last reference goes (zero-copy DMA receive).
 *
 * Ownership rules (every function says which applies):
 *   - tern_*_input() and tern_*_send/output() functions CONSUME the packet
 *     they are given, on success and on error alike (except when the object
 *     they are called on is NULL: then they cannot know the stack, and
 *     return TERN_ERR_INVAL leaving the packet to the caller);
 *   - a driver's link_output() BORROWS the packet: it must copy it, or take a
 *     reference with tern_pbuf_ref() if it needs it after returning;
 *   - a receive callback OWNS the packet it is handed and frees it.
 * Reference counts are per segment; tern_pbuf_free() releases a whole chain.
 */
#ifndef TERN_PBUF_H
#define TERN_PBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tern/config.h"
#include "tern/err.h"

struct tern_stack;

enum tern_pbuf_kind { TERN_PBUF_POOL = 0, TERN_PBUF_REF = 1, TERN_PBUF_EXT = 2 };

/* Link header room reserved by default in packets the stack builds. */
#define TERN_PBUF_LINK_HEADROOM (14 + TERN_CFG_LINK_EXTRA_HEADROOM)
/* Room for link + IP (IPv4 with the largest option space used by the stack,
 * or the IPv6 header) + UDP/ICMP. */
#define TERN_PBUF_TRANSPORT_HEADROOM (TERN_PBUF_LINK_HEADROOM + (TERN_CFG_IPV6 ? 40 : 20) + 8)

typedef struct tern_pbuf {
    struct tern_pbuf *next;     /* next segment of this packet */
    struct tern_pbuf *next_pkt; /* queue link, for whoever owns the packet */
    uint8_t *payload;           /* first byte of this segment's data */
    uint16_t len;               /* bytes in this segment */
    uint16_t tot_len;           /* bytes in this segment and all after it */
    uint16_t headroom;          /* writable bytes before payload */
    uint8_t kind;               /* enum tern_pbuf_kind */
    uint8_t ref;                /* reference count */
    uint8_t flags;              /* TERN_PBUF_F_* */
    uint8_t ifindex;            /* receiving interface (input path) */
#if TERN_CFG_NETIF_OFFLOAD
    uint16_t gso_size; /* head segment, output: a TCP segment the driver cuts into pieces this big */
#endif
} tern_pbuf;

#define TERN_PBUF_F_LL_BCAST 0x01u /* arrived as link-layer broadcast */
#define TERN_PBUF_F_LL_MCAST 0x02u /* arrived as link-layer multicast */
#define TERN_PBUF_F_CSUM_OK 0x04u  /* hardware verified the transport checksum */
#define TERN_PBUF_F_IP_GROUP 0x08u /* sent to an IP broadcast or multicast address */

typedef void (*tern_pbuf_free_fn)(void *ctx, void *data);

/* Allocate `len` bytes of pool storage with `headroom` bytes reserved in front
 * of the first segment. Chains segments when it does not fit in one. Returns
 * NULL (and counts the failure) when the pool is exhausted. */
tern_pbuf *tern_pbuf_alloc(struct tern_stack *s, uint16_t headroom, uint16_t len);

/* Reference `len` bytes of memory that outlives the packet (ROM/static). */
tern_pbuf *tern_pbuf_alloc_ref(struct tern_stack *s, const void *data, uint16_t len);

/* Wrap external memory (e.g. a DMA receive buffer). `headroom` bytes before
 * data are writable by the stack. free_fn(ctx, data) runs when the last
 * reference is released; it also runs (before returning NULL) if no buffer
 * header can be allocated, so ownership of the memory always moves. */
tern_pbuf *tern_pbuf_alloc_ext(struct tern_stack *s, void *data, uint16_t headroom, uint16_t len,
                               tern_pbuf_free_fn free_fn, void *ctx);

/* Take one more reference on the segment p (and so on the chain after it). */
void tern_pbuf_ref(tern_pbuf *p);

/* Release one reference on each segment from p on; segments reaching zero are
 * returned to their pool. NULL is accepted. */
void tern_pbuf_free(struct tern_stack *s, tern_pbuf *p);

/* Append `tail` to `head`; the caller's reference to tail moves into head.
 * TERN_ERR_BUF (and nothing done) if the packet would pass 65535 bytes. */
tern_err tern_pbuf_cat(tern_pbuf *head, tern_pbuf *tail);

/* Make n bytes of headroom part of the first segment (prepend). */
tern_err tern_pbuf_push(tern_pbuf *p, uint16_t n);
/* Drop n bytes from the front of the first segment. */
tern_err tern_pbuf_pull(tern_pbuf *p, uint16_t n);
/* Make room for an n-byte header in front of the packet: in place when the
 * first segment is private and has the headroom, otherwise by chaining a new
 * pool segment (with `headroom` bytes in front of it). Consumes p; returns
 * the new head, or NULL (p freed) when out of memory. */
tern_pbuf *tern_pbuf_prepend(struct tern_stack *s, tern_pbuf *p, uint16_t n, uint16_t headroom);
/* Drop n bytes from the front of the packet, freeing emptied segments.
 * Returns the new head (an empty segment if nothing is left). Consumes p. */
tern_pbuf *tern_pbuf_strip(struct tern_stack *s, tern_pbuf *p, uint16_t n);
/* Shorten the packet to new_len bytes (new_len <= tot_len), freeing
 * segments no longer needed. */
void tern_pbuf_trim(struct tern_stack *s, tern_pbuf *p, uint16_t new_len);

/* Copy up to len bytes starting at offset out of the packet. Returns the
 * number of bytes copied (less than len when the packet is shorter). */
uint16_t tern_pbuf_copy_out(const tern_pbuf *p, uint16_t offset, void *dst, uint16_t len);
/* Copy len bytes into the packet at offset; TERN_ERR_BUF if it does not fit. */
tern_err tern_pbuf_copy_in(tern_pbuf *p, uint16_t offset, const void *src, uint16_t len);

/* Copy len bytes from src (at src_off) into dst (at dst_off). */
tern_err tern_pbuf_copy_pbuf(tern_pbuf *dst, uint16_t dst_off, const tern_pbuf *src, uint16_t src_off,
                             uint16_t len);
/* Pointer to len contiguous bytes at offset: directly into the first segment
 * when they lie there, otherwise copied into scratch. NULL if the packet is
 * shorter than offset + len. */
const uint8_t *tern_pbuf_view(const tern_pbuf *p, uint16_t offset, uint16_t len, uint8_t *scratch);

/* A pool copy of the whole packet with `headroom` in front (one or more
 * segments), e.g. to queue data the caller only lent. NULL when out of pool. */
tern_pbuf *tern_pbuf_clone(struct tern_stack *s, uint16_t headroom, const tern_pbuf *p);

/* Ensure the first `len` bytes are writable, private and contiguous,
 * preceded by at least `headroom` bytes. May copy; returns the (possibly new)
 * head, or NULL (p freed) when out of memory. Consumes p. */
tern_pbuf *tern_pbuf_make_writable(struct tern_stack *s, tern_pbuf *p, uint16_t headroom, uint16_t len);

/* Number of segments in the chain. */
unsigned tern_pbuf_count(const tern_pbuf *p);

/* Lists of whole packets linked through next_pkt. */
/* Detach and return the first packet of *list; NULL when it is empty. */
tern_pbuf *tern_pbuf_list_pop(tern_pbuf **list);
/* Free every packet of the list; returns how many there were. */
unsigned tern_pbuf_list_free(struct tern_stack *s, tern_pbuf *list);
/* Hold p (consumed) at the tail of a FIFO of packets waiting for something
 * (a link-layer address): memory the caller only lent is copied into the pool
 * first, and a FIFO already holding `max` packets frees its oldest. Returns 1
 * when the oldest went, 0 when nothing did, -1 when p could not be copied
 * (it is freed; the FIFO is unchanged). */
int tern_pbuf_fifo_push(struct tern_stack *s, tern_pbuf **fifo, unsigned max, tern_pbuf *p);

#endif
