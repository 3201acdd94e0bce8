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
        if (b >= 0xC0u) { /* (both top bits: a pointer) */
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
        if (b > 63) /* 0x40 and 0x80 label types are not used */
            return false;
        encoded += 1u + b;
        if (encoded > TERN_DNS_MAX_NAME)
            return false;
        if (b == 0)
            break;
        size_t sep = text != 0; /* a dot before every label but the first */
        if (pos + 1 + b > len || text + sep + b + 1u > outsz)
            return false;
        out[text] = '.'; /* (the first label writes over it) */
        text += sep;
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
size_t tern_dns_text_len(const char *name) {
    size_t n = strlen(name);
    return n && name[n - 1] == '.' ? n - 1 : n;
}

static unsigned lower(unsigned c) {
    return c - 'A' < 26u ? c + ('a' - 'A') : c;
}

bool tern_dns_name_equal(const char *a, const char *b) {
    size_t n = tern_dns_text_len(a);
    if (n != tern_dns_text_len(b))
        return false;
    for (size_t i = 0; i < n; i++)
        if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
            return false;
    return true;
}
