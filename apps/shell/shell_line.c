/* The shells' line syntax (see shell_line.h). */
#include "shell_line.h"

#include <string.h>

char *sh_skip_space(char *p) {
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

char *sh_next_word(char **p) {
    char *w = sh_skip_space(*p);
    if (*w == '\0')
        return NULL;
    char *e = w;
    while (*e != '\0' && *e != ' ' && *e != '\t')
        e++;
    *p = (*e != '\0') ? e + 1 : e;
    *e = '\0';
    return w;
}

int sh_split_args(char **pp, int max_args, bool rest, char **argv) {
    int argc = 1;
    while (argc <= max_args) {
        if (rest && argc == max_args) {
            char *r = sh_skip_space(*pp);
            if (*r == '\0')
                break;
            argv[argc++] = r;
            *pp = r + strlen(r);
            break;
        }
        char *w = sh_next_word(pp);
        if (w == NULL)
            break;
        argv[argc++] = w;
    }
    return argc;
}

void sh_answer(const sh_out *o, cmd_result r, const char *err) {
    if (r == CMD_OK)
        sh_printf(o, "ok\n");
    else if (r == CMD_ERROR)
        sh_printf(o, "error: %s\n", err[0] ? err : "failed");
    sh_flush(o);
}

/* ---- Words as values ------------------------------------------------------------- */

bool sh_parse_uint(const char *text, uint32_t min, uint32_t max, uint32_t *out) {
    uint32_t v = 0;
    if (text == NULL || *text == '\0')
        return false;
    for (; *text; text++) {
        uint32_t d = (uint32_t)(*text - '0');
        if (*text < '0' || *text > '9' || v > (UINT32_MAX - d) / 10u)
            return false;
        v = v * 10u + d;
    }
    if (v < min || v > max)
        return false;
    *out = v;
    return true;
}

/* ADDR/LEN of family, LEN in min..max. */
static bool parse_cidr(const char *text, uint8_t family, uint32_t min, uint32_t max, tern_addr *addr,
                       uint8_t *prefix) {
    const char *slash = strchr(text, '/');
    char ip[TERN_ADDR_STRLEN];
    size_t n = slash ? (size_t)(slash - text) : 0;
    uint32_t len;
    if (n == 0 || n >= sizeof(ip))
        return false;
    memcpy(ip, text, n);
    ip[n] = '\0';
    if (!tern_addr_parse(ip, addr) || addr->family != family || !sh_parse_uint(slash + 1, min, max, &len))
        return false;
    *prefix = (uint8_t)len;
    return true;
}

bool sh_parse_cidr(const char *text, tern_addr *addr, uint8_t *prefix) {
    return parse_cidr(text, TERN_AF_INET, 0, 32, addr, prefix);
}

bool sh_parse_cidr6(const char *text, tern_addr *addr, uint8_t *prefix) {
    return parse_cidr(text, TERN_AF_INET6, 1, 128, addr, prefix);
}

static int hex_digit(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)(c | 0x20); /* ASCII letters to lower case */
    return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

bool sh_parse_mac(const char *text, uint8_t mac[6]) {
    for (int i = 0; i < 6; i++, text += 3) {
        int hi = hex_digit(text[0]), lo = hex_digit(text[1]);
        if (hi < 0 || lo < 0 || text[2] != (i == 5 ? '\0' : ':'))
            return false;
        mac[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}
