/* DNS message format with bounded name decompression (see dns.h). */
#include "wire/dns.h"

#include <string.h>

#include "wire/wire.h"

bool tern_dns_read_name(const uint8_t *msg, size_t len, uint16_t *off, char *out, size_t outsz) {
    size_t pos = *off, text = 0, encoded = 0;
    size_t after = 0; /* where the name ends in the message (set at the first jump) */
    unsigned jumps = 0;
    if (outsz == 0)
        return false;
    for (;;) {
        if (pos >= len)
            return false;
        unsigned b = msg[pos];
        if ((b & 0xC0u) == 0xC0u) {
            if (pos + 1 >= len || ++jumps > TERN_DNS_MAX_JUMPS)
                return false;
            size_t target = ((size_t)(b & 0x3Fu) << 8) | msg[pos + 1];
            if (target >= pos) /* only backwards: no loops */
                return false;
            if (!after)
                after = pos + 2;
            pos = target;
            continue;
        }
        if (b & 0xC0u) /* 0x40 and 0x80 label types are not used */
            return false;
        encoded += 1u + b;
        if (encoded > TERN_DNS_MAX_NAME)
            return false;
        if (b == 0)
            break;
        if (b > 63 || pos + 1 + b > len)
            return false;
        if (text + (text ? 1u : 0u) + b + 1u > outsz)
            return false;
        if (text)
            out[text++] = '.';
        for (size_t end = pos + 1u + b; ++pos < end;) {
            /* A dot or NUL inside a label would change the name's meaning as text. */
            if (msg[pos] == '.' || msg[pos] == '\0')
                return false;
            out[text++] = (char)msg[pos];
        }
    }
    out[text] = '\0';
    *off = (uint16_t)(after ? after : pos + 1);
    return true;
}

/* Length of a dotted name without its trailing dot. */
static size_t text_len(const char *name) {
    size_t n = strlen(name);
    return n && name[n - 1] == '.' ? n - 1 : n;
}

size_t tern_dns_write_query(uint8_t *buf, size_t size, uint16_t id, uint16_t flags, const char *name,
                            uint16_t type) {
    size_t n = text_len(name);
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

static unsigned lower(unsigned c) {
    return c - 'A' < 26u ? c + ('a' - 'A') : c;
}

bool tern_dns_name_equal(const char *a, const char *b) {
    size_t n = text_len(a);
    if (n != text_len(b))
        return false;
    for (size_t i = 0; i < n; i++)
        if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
            return false;
    return true;
}
