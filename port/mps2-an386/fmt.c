/*
 * A small formatter for the console and the shell (the subset of printf they
 * use: %d %u %x %s %c %%, flags '-' and '0', width, precision for %s, the 'l'
 * length). newlib-nano's printf is not used: it is larger, and it makes
 * unaligned halfword stores (built for cores that allow them), which the
 * -mno-unaligned-access variant traps.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fw.h"

typedef struct sink {
    char *buf;
    size_t size, len; /* len: characters produced (may exceed size) */
} sink;

static void put(sink *s, char c) {
    if (s->len + 1u < s->size)
        s->buf[s->len] = c;
    s->len++;
}

static void pad(sink *s, char c, int n) {
    while (n-- > 0)
        put(s, c);
}

typedef struct spec {
    bool left, zero;
    int width, prec; /* prec < 0: none */
} spec;

static void put_str(sink *s, const spec *sp, const char *str) {
    int n = 0;
    if (str == NULL)
        str = "(null)";
    while (str[n] && (sp->prec < 0 || n < sp->prec))
        n++;
    if (!sp->left)
        pad(s, ' ', sp->width - n);
    for (int i = 0; i < n; i++)
        put(s, str[i]);
    if (sp->left)
        pad(s, ' ', sp->width - n);
}

static void put_num(sink *s, const spec *sp, uint32_t v, unsigned base, bool neg) {
    char digits[12];
    int n = 0;
    do {
        unsigned d = v % base;
        digits[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        v /= base;
    } while (v);
    int len = n + (neg ? 1 : 0);
    if (!sp->left && !sp->zero)
        pad(s, ' ', sp->width - len);
    if (neg)
        put(s, '-');
    if (!sp->left && sp->zero)
        pad(s, '0', sp->width - len);
    while (n)
        put(s, digits[--n]);
    if (sp->left)
        pad(s, ' ', sp->width - len);
}

static const char *parse_spec(const char *f, spec *sp) {
    *sp = (spec){.prec = -1};
    for (;; f++) {
        if (*f == '-')
            sp->left = true;
        else if (*f == '0')
            sp->zero = true;
        else
            break;
    }
    while (*f >= '0' && *f <= '9')
        sp->width = sp->width * 10 + (*f++ - '0');
    if (*f == '.') {
        sp->prec = 0;
        for (f++; *f >= '0' && *f <= '9'; f++)
            sp->prec = sp->prec * 10 + (*f - '0');
    }
    while (*f == 'l')
        f++; /* long is 32 bits here */
    return f;
}

size_t fw_vformat(char *buf, size_t size, const char *fmt, va_list ap) {
    sink s = {buf, size, 0};
    for (const char *f = fmt; *f; f++) {
        if (*f != '%') {
            put(&s, *f);
            continue;
        }
        spec sp;
        f = parse_spec(f + 1, &sp);
        switch (*f) {
        case 'd': {
            int v = va_arg(ap, int);
            put_num(&s, &sp, v < 0 ? 0u - (uint32_t)v : (uint32_t)v, 10, v < 0);
            break;
        }
        case 'u':
            put_num(&s, &sp, va_arg(ap, unsigned), 10, false);
            break;
        case 'x':
            put_num(&s, &sp, va_arg(ap, unsigned), 16, false);
            break;
        case 's':
            put_str(&s, &sp, va_arg(ap, const char *));
            break;
        case 'c':
            put(&s, (char)va_arg(ap, int));
            break;
        case '%':
            put(&s, '%');
            break;
        default: /* unknown: print it as it is */
            put(&s, '%');
            if (*f == '\0')
                f--;
            else
                put(&s, *f);
            break;
        }
    }
    if (size)
        buf[s.len < size ? s.len : size - 1u] = '\0';
    return s.len;
}

size_t fw_snprintf(char *buf, size_t size, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    size_t n = fw_vformat(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
