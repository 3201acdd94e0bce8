/* The dual-family address type: comparison, parsing, formatting. */
#include "tern/addr.h"

#include <string.h>

tern_addr tern_addr_ipv4(uint32_t host_order) {
    tern_addr a = {TERN_AF_INET, 0, {0}};
    a.bytes[0] = (uint8_t)(host_order >> 24);
    a.bytes[1] = (uint8_t)(host_order >> 16);
    a.bytes[2] = (uint8_t)(host_order >> 8);
    a.bytes[3] = (uint8_t)host_order;
    return a;
}

uint32_t tern_addr_get_ipv4(const tern_addr *a) {
    if (a->family != TERN_AF_INET)
        return 0;
    return ((uint32_t)a->bytes[0] << 24) | ((uint32_t)a->bytes[1] << 16) | ((uint32_t)a->bytes[2] << 8) |
           a->bytes[3];
}

bool tern_addr_equal(const tern_addr *a, const tern_addr *b) {
    if (a->family != b->family)
        return false;
    size_t n = a->family == TERN_AF_INET ? 4 : TERN_ADDR_BYTES;
    return memcmp(a->bytes, b->bytes, n) == 0 && a->zone == b->zone;
}

bool tern_addr_is_any(const tern_addr *a) {
    if (a->family == TERN_AF_UNSPEC)
        return true;
    size_t n = a->family == TERN_AF_INET ? 4 : TERN_ADDR_BYTES;
    for (size_t i = 0; i < n; i++)
        if (a->bytes[i])
            return false;
    return true;
}

bool tern_addr_parse(const char *text, tern_addr *out) {
    uint8_t b[4];
    unsigned part = 0;
    const char *p = text;
    if (!text)
        return false;
    for (;;) {
        unsigned v = 0, digits = 0;
        while (*p >= '0' && *p <= '9') {
            v = v * 10 + (unsigned)(*p - '0');
            if (++digits > 3 || v > 255)
                return false;
            p++;
        }
        if (!digits)
            return false;
        b[part++] = (uint8_t)v;
        if (part == 4)
            break;
        if (*p++ != '.')
            return false;
    }
    if (*p)
        return false;
    memset(out, 0, sizeof *out);
    out->family = TERN_AF_INET;
    memcpy(out->bytes, b, 4);
    return true;
}

static char *put_dec(char *d, const char *end, unsigned v) {
    char tmp[4];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n && d < end)
        *d++ = tmp[--n];
    return d;
}

char *tern_addr_format(const tern_addr *a, char *buf, size_t size) {
    if (!size)
        return buf;
    char *d = buf, *end = buf + size - 1;
    if (a->family == TERN_AF_INET) {
        for (int i = 0; i < 4; i++) {
            if (i && d < end)
                *d++ = '.';
            d = put_dec(d, end, a->bytes[i]);
        }
    } else if (d < end) {
        *d++ = '?';
    }
    *d = '\0';
    return buf;
}
