/*
 * DNS messages (RFC 1035): header, names with compression, resource
 * records. Names are read with hard limits: labels of at most 63 bytes,
 * names of at most 255 bytes, compression pointers only to earlier bytes of
 * the message and at most TERN_DNS_MAX_JUMPS of them (no loops, no reads past
 * the message: the NAME:WRECK and AMNESIA:33 classes of bugs).
 */
#ifndef TERN_WIRE_DNS_H
#define TERN_WIRE_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "wire/wire.h"

#define TERN_DNS_HLEN 12
#define TERN_DNS_MAX_NAME 255 /* encoded, RFC 1035 2.3.4 */
#define TERN_DNS_MAX_TEXT 254 /* dotted text plus NUL */
#define TERN_DNS_MAX_JUMPS 16
#define TERN_DNS_TYPE_A 1u
#define TERN_DNS_TYPE_CNAME 5u
#define TERN_DNS_TYPE_AAAA 28u
#define TERN_DNS_CLASS_IN 1u

typedef struct tern_dns_header {
    uint16_t id, flags, qdcount, ancount, nscount, arcount;
} tern_dns_header;

#define TERN_DNS_FLAG_QR 0x8000u
#define TERN_DNS_FLAG_RD 0x0100u
#define TERN_DNS_OPCODE(f) (((f) >> 11) & 0x0Fu)
#define TERN_DNS_RCODE(f) ((f)&0x0Fu)
#define TERN_DNS_RCODE_NXDOMAIN 3u

typedef struct tern_dns_rr {
    char name[TERN_DNS_MAX_TEXT]; /* owner, dotted, as received */
    uint16_t type, cls;
    uint32_t ttl;
    uint16_t rdlen;
    uint16_t rdata; /* offset of the data in the message */
} tern_dns_rr;

/* Read the (possibly compressed) name at *off into out as dotted text;
 * advances *off past it. False on any violation of the limits. */
bool tern_dns_read_name(const uint8_t *msg, size_t len, uint16_t *off, char *out, size_t outsz);

/* The fixed-size parts are read inline (each has one caller in the stack). */
static inline bool tern_dns_read_header(const uint8_t *msg, size_t len, tern_dns_header *h) {
    if (len < TERN_DNS_HLEN)
        return false;
    h->id = tern_rd16(msg);
    h->flags = tern_rd16(msg + 2);
    h->qdcount = tern_rd16(msg + 4);
    h->ancount = tern_rd16(msg + 6);
    h->nscount = tern_rd16(msg + 8);
    h->arcount = tern_rd16(msg + 10);
    return true;
}

/* Read a question (name, type, class) at *off. */
static inline bool tern_dns_read_question(const uint8_t *msg, size_t len, uint16_t *off, char *name,
                                          size_t namesz, uint16_t *type, uint16_t *cls) {
    if (!tern_dns_read_name(msg, len, off, name, namesz) || (size_t)*off + 4 > len)
        return false;
    *type = tern_rd16(msg + *off);
    *cls = tern_rd16(msg + *off + 2);
    *off = (uint16_t)(*off + 4);
    return true;
}

/* Read the fixed part of a record (type, class, TTL, data) at *off, just
 * past its owner name; the data must lie inside the message. rr->name is
 * left alone. */
static inline bool tern_dns_read_rr_fixed(const uint8_t *msg, size_t len, uint16_t *off, tern_dns_rr *rr) {
    if ((size_t)*off + 10 > len)
        return false;
    const uint8_t *p = msg + *off;
    rr->type = tern_rd16(p);
    rr->cls = tern_rd16(p + 2);
    rr->ttl = tern_rd32(p + 4);
    rr->rdlen = tern_rd16(p + 8);
    rr->rdata = (uint16_t)(*off + 10);
    if ((size_t)rr->rdata + rr->rdlen > len)
        return false;
    *off = (uint16_t)(rr->rdata + rr->rdlen);
    return true;
}

/* Read one resource record at *off (its rdata must lie inside the message). */
static inline bool tern_dns_read_rr(const uint8_t *msg, size_t len, uint16_t *off, tern_dns_rr *rr) {
    return tern_dns_read_name(msg, len, off, rr->name, sizeof rr->name) &&
           tern_dns_read_rr_fixed(msg, len, off, rr);
}

/* Length of a dotted name without its trailing dot. */
size_t tern_dns_text_len(const char *name);

/* Write a query for name (dotted text) into buf; returns its length or 0 if
 * the name is invalid or does not fit. */
static inline size_t tern_dns_write_query(uint8_t *buf, size_t size, uint16_t id, uint16_t flags,
                                          const char *name, uint16_t type) {
    size_t n = tern_dns_text_len(name);
    if (!n || n > 253 || size < TERN_DNS_HLEN + n + 2 + 4)
        return 0;
    memset(buf, 0, TERN_DNS_HLEN);
    tern_wr16(buf, id);
    tern_wr16(buf + 2, flags);
    buf[5] = 1; /* one question */
    /* Each label's length goes in front of it: len_at waits for it. */
    uint8_t *len_at = buf + TERN_DNS_HLEN, *out = len_at + 1;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && name[i] != '.') {
            *out++ = (uint8_t)name[i];
            continue;
        }
        size_t label = (size_t)(out - len_at) - 1u;
        if (label == 0 || label > 63)
            return 0;
        *len_at = (uint8_t)label;
        len_at = out++;
    }
    *len_at = 0; /* the root */
    tern_wr16(out, type);
    tern_wr16(out + 2, TERN_DNS_CLASS_IN);
    return (size_t)(out + 4 - buf);
}

/* Case-insensitive comparison of dotted names (a trailing dot is ignored). */
bool tern_dns_name_equal(const char *a, const char *b);

#endif
