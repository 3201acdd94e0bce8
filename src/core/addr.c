/* The dual-family address type: comparison, parsing, formatting. */
#include "tern/addr.h"

#include <string.h>

#include "wire/wire.h"

tern_addr tern_addr_ipv4(uint32_t host_order) {
    tern_addr a;
    /* Every byte set without a zeroed copy first (the IPv4-only struct is
     * family, zone and the 4 bytes: two stores). */
    a.family = TERN_AF_INET;
    a.zone = 0;
    tern_wr32(a.bytes, host_order);
#if TERN_CFG_IPV6
    memset(a.bytes + 4, 0, sizeof a.bytes - 4);
#endif
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

#if TERN_CFG_IPV6
tern_addr tern_addr_ipv6(const uint8_t bytes[16], uint8_t zone) {
    tern_addr a = {TERN_AF_INET6, zone, {0}};
    memcpy(a.bytes, bytes, 16);
    return a;
}

static int hexval(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* RFC 4291 2.2 text: up to 8 groups of 1-4 hex digits, one "::", an
 * optional dotted IPv4 tail, then an optional "%zone" (decimal 0..255). */
static bool parse_ipv6(const char *p, tern_addr *out) {
    uint8_t b[16] = {0};
    int n = 0, gap = -1;
    if (p[0] == ':' && p[1] == ':') {
        gap = 0;
        p += 2;
    } else if (*p == ':') {
        return false;
    }
    while (*p && *p != '%') {
        if (n >= 16)
            return false;
        const char *start = p;
        unsigned v = 0, digits = 0;
        int h;
        while ((h = hexval(*p)) >= 0) {
            v = (v << 4) | (unsigned)h;
            if (++digits > 4)
                return false;
            p++;
        }
        if (*p == '.') { /* dotted IPv4 in the last 32 bits */
            tern_addr v4;
            char tmp[16];
            size_t len = 0;
            while (start[len] && start[len] != '%' && len < sizeof tmp - 1) {
                tmp[len] = start[len];
                len++;
            }
            tmp[len] = '\0';
            if (n > 12 || start[len] == '.' || !tern_addr_parse(tmp, &v4) || v4.family != TERN_AF_INET)
                return false;
            memcpy(b + n, v4.bytes, 4);
            n += 4;
            p = start + len;
            break;
        }
        if (!digits)
            return false;
        b[n++] = (uint8_t)(v >> 8);
        b[n++] = (uint8_t)v;
        if (*p == ':') {
            p++;
            if (*p == ':') {
                if (gap >= 0)
                    return false;
                gap = n;
                p++;
            } else if (!*p || *p == '%') {
                return false;
            }
        }
    }
    if (gap >= 0) {
        if (n == 16)
            return false;
        memmove(b + 16 - (n - gap), b + gap, (size_t)(n - gap));
        memset(b + gap, 0, (size_t)(16 - n));
    } else if (n != 16) {
        return false;
    }
    unsigned zone = 0;
    if (*p == '%') {
        unsigned digits = 0;
        p++;
        while (*p >= '0' && *p <= '9') {
            zone = zone * 10 + (unsigned)(*p++ - '0');
            if (++digits > 3 || zone > 255)
                return false;
        }
        if (!digits || *p)
            return false;
    }
    *out = tern_addr_ipv6(b, (uint8_t)zone);
    return true;
}
#endif

bool tern_addr_parse(const char *text, tern_addr *out) {
    uint8_t b[4];
    unsigned part = 0;
    const char *p = text;
    if (!text)
        return false;
#if TERN_CFG_IPV6
    for (const char *q = text; *q; q++)
        if (*q == ':')
            return parse_ipv6(text, out);
#endif
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

#if TERN_CFG_IPV6
static char *format_ipv6(const tern_addr *a, char *d, const char *end) {
    static const char hex[] = "0123456789abcdef";
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    if (memcmp(a->bytes, mapped, 12) == 0) { /* RFC 5952 5: ::ffff:192.0.2.1 */
        for (const char *m = "::ffff:"; *m && d < end; m++)
            *d++ = *m;
        for (int i = 12; i < 16; i++) {
            if (i > 12 && d < end)
                *d++ = '.';
            d = put_dec(d, end, a->bytes[i]);
        }
        return d;
    }
    unsigned g[8];
    int best = -1, best_len = 1, run = 0;
    for (int i = 0; i < 8; i++) {
        g[i] = ((unsigned)a->bytes[2 * i] << 8) | a->bytes[2 * i + 1];
        run = g[i] ? 0 : run + 1;
        if (run > best_len) { /* RFC 5952 4.2: the longest run of 2+, the first on a tie */
            best_len = run;
            best = i - run + 1;
        }
    }
    for (int i = 0; i < 8; i++) {
        if (i == best) {
            for (int k = 0; k < 2 && d < end; k++)
                *d++ = ':';
            i += best_len - 1;
            continue;
        }
        if (i && i != best + best_len && d < end)
            *d++ = ':';
        bool lead = true;
        for (int sh = 12; sh >= 0; sh -= 4) {
            unsigned nib = (g[i] >> sh) & 0xFu;
            if (lead && nib == 0 && sh)
                continue;
            lead = false;
            if (d < end)
                *d++ = hex[nib];
        }
    }
    if (a->zone) {
        if (d < end)
            *d++ = '%';
        d = put_dec(d, end, a->zone);
    }
    return d;
}
#endif

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
    }
#if TERN_CFG_IPV6
    else if (a->family == TERN_AF_INET6) {
        d = format_ipv6(a, d, end);
    }
#endif
    else if (d < end) {
        *d++ = '?';
    }
    *d = '\0';
    return buf;
}
