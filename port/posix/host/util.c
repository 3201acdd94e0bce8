/* Parsing and formatting helpers of the host program. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"

bool util_parse_uint(const char *text, uint32_t min, uint32_t max, uint32_t *out) {
    if (text == NULL || !isdigit((unsigned char)text[0]))
        return false;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max)
        return false;
    *out = (uint32_t)v;
    return true;
}

bool util_parse_cidr(const char *text, tern_addr *addr, uint8_t *prefix) {
    const char *slash = strchr(text, '/');
    char ip[TERN_ADDR_STRLEN];
    size_t n = slash ? (size_t)(slash - text) : strlen(text);
    if (slash == NULL || n == 0 || n >= sizeof(ip))
        return false;
    memcpy(ip, text, n);
    ip[n] = '\0';
    uint32_t len;
    if (!tern_addr_parse(ip, addr) || addr->family != TERN_AF_INET)
        return false;
    if (!util_parse_uint(slash + 1, 0, 32, &len))
        return false;
    *prefix = (uint8_t)len;
    return true;
}

bool util_parse_cidr6(const char *text, tern_addr *addr, uint8_t *prefix) {
    const char *slash = strchr(text, '/');
    char ip[TERN_ADDR_STRLEN];
    size_t n = slash ? (size_t)(slash - text) : strlen(text);
    uint32_t len;
    if (slash == NULL || n == 0 || n >= sizeof(ip))
        return false;
    memcpy(ip, text, n);
    ip[n] = '\0';
    if (!tern_addr_parse(ip, addr) || addr->family != TERN_AF_INET6 ||
        !util_parse_uint(slash + 1, 1, 128, &len))
        return false;
    *prefix = (uint8_t)len;
    return true;
}

static int hex_digit(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

bool util_parse_mac(const char *text, uint8_t mac[6]) {
    if (strlen(text) != 17)
        return false;
    for (int i = 0; i < 6; i++) {
        const char *p = text + 3 * i;
        int hi = hex_digit(p[0]), lo = hex_digit(p[1]);
        if (hi < 0 || lo < 0 || (i < 5 && p[2] != ':'))
            return false;
        mac[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

char *util_format_mac(const uint8_t mac[6], char *buf) {
    snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
    return buf;
}

const char *util_format_ip(uint32_t host_order, char *buf, size_t size) {
    tern_addr a = tern_addr_ipv4(host_order);
    snprintf(buf, size, "%u.%u.%u.%u", a.bytes[0], a.bytes[1], a.bytes[2], a.bytes[3]);
    return buf;
}

uint8_t util_prefix_len(uint32_t mask) {
    uint8_t n = 0;
    while (mask & 0x80000000u) {
        n++;
        mask <<= 1;
    }
    return n;
}

static void vprint_stdout(void *ctx, const char *fmt, va_list ap) {
    (void)ctx;
    vprintf(fmt, ap);
}

const sh_out host_out = {vprint_stdout, NULL};

uint32_t util_now(void) {
    return tern_posix_now_ms();
}
