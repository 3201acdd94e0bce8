/* DHCP message format (see dhcp.h). */
#include "wire/dhcp.h"

#include <stddef.h>
#include <string.h>

#include "tern/config.h"
#include "wire/wire.h"

#if TERN_CFG_IPV4

/* Keep a helper out of line where calls are smaller than its body. */
#if defined(__GNUC__) || defined(__clang__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE
#endif

/* ---- Parsing ------------------------------------------------------------- */

/* A list of addresses: at least one, whole addresses only; extra ones are
 * dropped. Several instances of the option append (RFC 3396). */
static NOINLINE bool read_addrs(const uint8_t *d, unsigned len, uint32_t *out, uint8_t *n) {
    if (len < 4 || len % 4u)
        return false;
    for (unsigned i = 0; i + 4u <= len && *n < TERN_DHCP_WIRE_ADDRS; i += 4u)
        out[(*n)++] = tern_rd32(d + i);
    return true;
}

/* Keep a domain name only if it is printable and fits (trailing NULs, which
 * some servers add, are ignored). */
static void read_domain(tern_dhcp_msg *m, const uint8_t *d, unsigned len) {
    while (len && d[len - 1] == 0)
        len--;
    if (!len || len > TERN_DHCP_WIRE_DOMAIN_MAX)
        return;
    for (unsigned i = 0; i < len; i++)
        if (d[i] <= 0x20u || d[i] >= 0x7Fu)
            return;
    memcpy(m->domain, d, len);
    m->domain[len] = '\0';
    m->has |= TERN_DHCP_HAS_DOMAIN;
}

/* How each known option is read. The first ones set the presence bit of
 * their index (TERN_DHCP_HAS_*); a domain name sets it only when kept. */
enum { K_U32, K_ADDRS, K_MTU, K_DOMAIN, K_BYTE };
typedef struct opt_rule {
    uint8_t code, kind;
    uint8_t field; /* offset of the value in tern_dhcp_msg */
    uint8_t aux;   /* K_ADDRS: offset of the count; K_BYTE: highest value (lowest 1) */
} opt_rule;
#define AT(f) (uint8_t) offsetof(tern_dhcp_msg, f)
static const opt_rule rules[] = {
    {TERN_DHCP_OPT_MASK, K_U32, AT(mask), 0},
    {TERN_DHCP_OPT_ROUTER, K_ADDRS, AT(router), AT(nrouter)},
    {TERN_DHCP_OPT_DNS, K_ADDRS, AT(dns), AT(ndns)},
    {TERN_DHCP_OPT_DOMAIN, K_DOMAIN, 0, 0},
    {TERN_DHCP_OPT_MTU, K_MTU, 0, 0},
    {TERN_DHCP_OPT_NTP, K_ADDRS, AT(ntp), AT(nntp)},
    {TERN_DHCP_OPT_LEASE, K_U32, AT(lease_s), 0},
    {TERN_DHCP_OPT_SERVER_ID, K_U32, AT(server_id), 0},
    {TERN_DHCP_OPT_T1, K_U32, AT(t1_s), 0},
    {TERN_DHCP_OPT_T2, K_U32, AT(t2_s), 0},
    {TERN_DHCP_OPT_REQUESTED_IP, K_U32, AT(requested_ip), 0},
    {TERN_DHCP_OPT_MSG_TYPE, K_BYTE, AT(type), TERN_DHCP_INFORM},
    {TERN_DHCP_OPT_OVERLOAD, K_BYTE, AT(overload), 3},
};
#undef AT
#define RULES (sizeof rules / sizeof rules[0])
_Static_assert(offsetof(tern_dhcp_msg, domain) <= 255, "option fields within a byte offset");
_Static_assert(TERN_DHCP_DISCOVER == 1, "message types from 1");
_Static_assert(TERN_DHCP_HAS_MASK == 1u << 0 && TERN_DHCP_HAS_ROUTER == 1u << 1 &&
                   TERN_DHCP_HAS_DNS == 1u << 2 && TERN_DHCP_HAS_DOMAIN == 1u << 3 &&
                   TERN_DHCP_HAS_MTU == 1u << 4 && TERN_DHCP_HAS_NTP == 1u << 5 &&
                   TERN_DHCP_HAS_LEASE == 1u << 6 && TERN_DHCP_HAS_SERVER_ID == 1u << 7 &&
                   TERN_DHCP_HAS_T1 == 1u << 8 && TERN_DHCP_HAS_T2 == 1u << 9 &&
                   TERN_DHCP_HAS_REQUESTED_IP == 1u << 10,
               "rules[] are in TERN_DHCP_HAS_* order");

/* One option of code with len bytes at d. Option 52 counts only in the
 * options field. Unknown options are skipped. */
static bool read_option(tern_dhcp_msg *m, unsigned code, const uint8_t *d, unsigned len, bool main_field) {
    const opt_rule *r = rules;
    while (r->code != code)
        if (++r == rules + RULES)
            return true;
    uint8_t *field = (uint8_t *)m + r->field;
    if (r->kind < K_DOMAIN)
        m->has = (uint16_t)(m->has | 1u << (r - rules));
    switch (r->kind) {
    case K_U32:
        if (len != 4)
            return false;
        *(uint32_t *)(void *)field = tern_rd32(d);
        return true;
    case K_ADDRS:
        return read_addrs(d, len, (uint32_t *)(void *)field, (uint8_t *)m + r->aux);
    case K_MTU:
        if (len != 2 || tern_rd16(d) < 68u)
            return false;
        m->mtu = tern_rd16(d);
        return true;
    case K_DOMAIN:
        read_domain(m, d, len);
        return true;
    default: /* K_BYTE: type 1..8; overload 1..3, counted in the options field only */
        if (len != 1 || !d[0] || d[0] > r->aux || (code == TERN_DHCP_OPT_OVERLOAD && !main_field))
            return false;
        *field = d[0];
        return true;
    }
}

/* Walk one option region; it must end with END. */
static bool read_region(tern_dhcp_msg *m, const uint8_t *r, size_t len, bool main_field) {
    size_t i = 0;
    while (i < len) {
        unsigned code = r[i];
        if (code == TERN_DHCP_OPT_PAD) {
            i++;
            continue;
        }
        if (code == TERN_DHCP_OPT_END)
            return true;
        if (i + 1u >= len || r[i + 1u] > len - i - 2u)
            return false;
        if (!read_option(m, code, r + i + 2u, r[i + 1u], main_field))
            return false;
        i += 2u + r[i + 1u];
    }
    return false;
}

static void read_fixed(const uint8_t *b, tern_dhcp_msg *m) {
    _Static_assert(offsetof(tern_dhcp_msg, hops) == offsetof(tern_dhcp_msg, op) + 3, "op..hops adjacent");
    memcpy((uint8_t *)m + offsetof(tern_dhcp_msg, op), b, 4); /* op, htype, hlen, hops */
    m->xid = tern_rd32(b + 4);
    m->secs = tern_rd16(b + 8);
    m->flags = tern_rd16(b + 10);
    for (unsigned i = 0; i < 4; i++) /* ciaddr, yiaddr, siaddr, giaddr */
        m->addrs[i] = tern_rd32(b + 12 + 4 * i);
    memcpy(m->chaddr, b + 28, sizeof m->chaddr);
}

bool tern_dhcp_parse(const uint8_t *buf, size_t len, tern_dhcp_msg *m) {
    if (!buf || len < TERN_DHCP_MIN_LEN)
        return false;
    memset(m, 0, sizeof *m);
    read_fixed(buf, m);
    if (tern_rd32(buf + TERN_DHCP_FIXED_LEN) != TERN_DHCP_COOKIE)
        return false;
    if (!read_region(m, buf + TERN_DHCP_MIN_LEN, len - TERN_DHCP_MIN_LEN, true))
        return false;
    /* RFC 2131 4.1: the options field first, then `file`, then `sname`
     * (neither can change the overload: it counts in the options field only). */
    unsigned overload = m->overload;
    if ((overload & 1u) && !read_region(m, buf + TERN_DHCP_OFF_FILE, TERN_DHCP_FILE_LEN, false))
        return false;
    return !(overload & 2u) || read_region(m, buf + TERN_DHCP_OFF_SNAME, TERN_DHCP_SNAME_LEN, false);
}

/* ---- Building ------------------------------------------------------------- */

/* Options the client asks for (RFC 2132 9.8). */
static const uint8_t param_list[] = {
    TERN_DHCP_OPT_MASK, TERN_DHCP_OPT_ROUTER, TERN_DHCP_OPT_DNS, TERN_DHCP_OPT_DOMAIN, TERN_DHCP_OPT_MTU,
    TERN_DHCP_OPT_NTP,  TERN_DHCP_OPT_LEASE,  TERN_DHCP_OPT_T1,  TERN_DHCP_OPT_T2,
};
_Static_assert(sizeof param_list == 9, "TERN_DHCP_OUT_MAX counts 9 requested parameters");

/* Big-endian 32-bit store; out of line, a call is smaller than the shifts. */
static NOINLINE uint8_t *put_u32(uint8_t *p, uint32_t v) {
    tern_wr32(p, v);
    return p + 4;
}

static NOINLINE uint8_t *put_opt(uint8_t *p, unsigned code, const void *data, unsigned len) {
    p[0] = (uint8_t)code;
    p[1] = (uint8_t)len;
    memcpy(p + 2, data, len);
    return p + 2 + len;
}

static NOINLINE uint8_t *put_u32_opt(uint8_t *p, unsigned code, uint32_t v) {
    p[0] = (uint8_t)code;
    p[1] = 4;
    return put_u32(p + 2, v);
}

size_t tern_dhcp_build(uint8_t *buf, size_t size, const tern_dhcp_out *o) {
    if (size < TERN_DHCP_OUT_MAX)
        return 0;
    memset(buf, 0, TERN_DHCP_OUT_MAX);
    buf[0] = TERN_DHCP_OP_REQUEST;
    buf[1] = TERN_DHCP_HTYPE_ETH;
    buf[2] = 6;
    put_u32(buf + 4, o->xid);
    put_u32(buf + 8, (uint32_t)o->secs << 16 | o->flags);
    put_u32(buf + 12, o->ciaddr);
    memcpy(buf + 28, o->mac, 6);
    uint8_t *p = put_u32(buf + TERN_DHCP_FIXED_LEN, TERN_DHCP_COOKIE);
    p[0] = TERN_DHCP_OPT_MSG_TYPE;
    p[1] = 1;
    p[2] = o->type;
    p[3] = TERN_DHCP_OPT_CLIENT_ID; /* hardware type and address */
    p[4] = 7;
    p[5] = TERN_DHCP_HTYPE_ETH;
    memcpy(p + 6, o->mac, 6);
    p += 12;
    if (o->requested_ip)
        p = put_u32_opt(p, TERN_DHCP_OPT_REQUESTED_IP, o->requested_ip);
    if (o->server_id)
        p = put_u32_opt(p, TERN_DHCP_OPT_SERVER_ID, o->server_id);
    if (o->max_size) {
        p[0] = TERN_DHCP_OPT_MAX_SIZE;
        p[1] = 2;
        tern_wr16(p + 2, o->max_size);
        p += 4;
    }
    size_t hn = o->hostname ? strlen(o->hostname) : 0;
    if (hn && hn <= TERN_DHCP_WIRE_HOSTNAME_MAX)
        p = put_opt(p, TERN_DHCP_OPT_HOSTNAME, o->hostname, (unsigned)hn);
    if (o->max_size)
        p = put_opt(p, TERN_DHCP_OPT_PARAMS, param_list, sizeof param_list);
    *p++ = TERN_DHCP_OPT_END;
    size_t len = (size_t)(p - buf);
    return len < TERN_DHCP_BOOTP_MIN ? TERN_DHCP_BOOTP_MIN : len;
}

#endif /* TERN_CFG_IPV4 */
