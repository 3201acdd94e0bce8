/*
 * Socket addresses: sockaddr parsing and writing, inet_pton / inet_ntop and
 * getaddrinfo (numeric hosts; names through the DNS client when it is
 * compiled in). With IPv6, AF_INET6 sockets take struct sockaddr_in6 and
 * see IPv4 peers as IPv4-mapped addresses.
 */
#include "sockets_priv.h"

#if TERN_CFG_SOCKETS

#include <string.h>

#if TERN_CFG_IPV6
static const uint8_t v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};

/* An AF_INET6 socket's address: IPv4-mapped ones are IPv4 (unless the socket
 * is IPv6-only), the scope id is the zone of a link-local one. */
static int addr_in6(const tern_sock *so, const struct tern_sockaddr *sa, tern_socklen_t len, tern_addr *a,
                    uint16_t *port) {
    struct tern_sockaddr_in6 sin6;
    if (len < sizeof sin6)
        return TERN_EINVAL;
    memcpy(&sin6, sa, sizeof sin6);
    if (sin6.sin6_family != TERN_SOCK_AF_INET6)
        return TERN_EAFNOSUPPORT;
    *port = tern_ntohs(sin6.sin6_port);
    const uint8_t *b = sin6.sin6_addr.tern_s6_addr;
    if (memcmp(b, v4mapped, sizeof v4mapped) == 0) {
        if (so->flags & SOCKF_V6ONLY)
            return TERN_EINVAL;
        *a = tern_addr_ipv4(((uint32_t)b[12] << 24) | ((uint32_t)b[13] << 16) | ((uint32_t)b[14] << 8) |
                            b[15]);
        return 0;
    }
    if (sin6.sin6_scope_id > 255u)
        return TERN_EINVAL;
    bool link_local = b[0] == 0xFE && (b[1] & 0xC0) == 0x80;
    *a = tern_addr_ipv6(b, link_local ? (uint8_t)sin6.sin6_scope_id : 0);
    return 0;
}
#endif

int tern_sock_addr_in(const tern_sock *so, const struct tern_sockaddr *sa, tern_socklen_t len, tern_addr *a,
                      uint16_t *port, bool allow_unspec) {
    struct tern_sockaddr_in sin;
    if (!sa)
        return TERN_EFAULT;
#if TERN_CFG_IPV6
    if (so->family == TERN_SOCK_AF_INET6)
        return addr_in6(so, sa, len, a, port);
#else
    (void)so;
#endif
    if (len < sizeof sin)
        return TERN_EINVAL;
    memcpy(&sin, sa, sizeof sin);
    if (sin.sin_family != TERN_SOCK_AF_INET &&
        !(allow_unspec && sin.sin_family == TERN_SOCK_AF_UNSPEC && sin.sin_addr.s_addr == 0))
        return TERN_EAFNOSUPPORT;
    *a = tern_addr_ipv4(tern_ntohl(sin.sin_addr.s_addr));
    *port = tern_ntohs(sin.sin_port);
    return 0;
}

void tern_sock_addr_out(const tern_sock *so, struct tern_sockaddr *sa, tern_socklen_t *len,
                        const tern_addr *a, uint16_t port) {
#if TERN_CFG_IPV6
    if (so->family == TERN_SOCK_AF_INET6) {
        struct tern_sockaddr_in6 sin6;
        memset(&sin6, 0, sizeof sin6);
        sin6.sin6_family = TERN_SOCK_AF_INET6;
        sin6.sin6_port = tern_htons(port);
        if (a->family == TERN_AF_INET6) {
            memcpy(sin6.sin6_addr.tern_s6_addr, a->bytes, 16);
            sin6.sin6_scope_id = a->zone;
        } else if (a->family == TERN_AF_INET && !tern_addr_is_any(a)) {
            memcpy(sin6.sin6_addr.tern_s6_addr, v4mapped, sizeof v4mapped);
            memcpy(sin6.sin6_addr.tern_s6_addr + 12, a->bytes, 4);
        }
        tern_socklen_t n = *len < sizeof sin6 ? *len : (tern_socklen_t)sizeof sin6;
        memcpy(sa, &sin6, n);
        *len = sizeof sin6;
        return;
    }
#else
    (void)so;
#endif
    struct tern_sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = TERN_SOCK_AF_INET;
    sin.sin_port = tern_htons(port);
    sin.sin_addr.s_addr = tern_htonl(tern_addr_get_ipv4(a));
    tern_socklen_t n = *len < sizeof sin ? *len : (tern_socklen_t)sizeof sin;
    memcpy(sa, &sin, n);
    *len = sizeof sin;
}

/* Strict dotted quad, as glibc's inet_pton: four decimal parts 0..255,
 * no leading zeros, nothing else. */
static int pton4(const char *src, uint8_t out[4]) {
    unsigned part = 0;
    for (;;) {
        unsigned v = 0, digits = 0;
        while (*src >= '0' && *src <= '9') {
            if (digits && v == 0)
                return 0; /* leading zero */
            v = v * 10u + (unsigned)(*src - '0');
            if (v > 255u)
                return 0;
            digits++;
            src++;
        }
        if (!digits)
            return 0;
        out[part++] = (uint8_t)v;
        if (part == 4)
            return *src == '\0';
        if (*src++ != '.')
            return 0;
    }
}

int tern_inet_pton(int af, const char *src, void *dst) {
    if (af != TERN_SOCK_AF_INET && !(TERN_CFG_IPV6 && af == TERN_SOCK_AF_INET6)) {
        tern_os_set_errno(TERN_EAFNOSUPPORT);
        return -1;
    }
    if (!src || !dst) {
        tern_os_set_errno(TERN_EFAULT);
        return -1;
    }
#if TERN_CFG_IPV6
    if (af == TERN_SOCK_AF_INET6) {
        tern_addr a; /* RFC 4291 text; no zone (inet_pton takes none) */
        if (!tern_addr_parse(src, &a) || a.family != TERN_AF_INET6 || a.zone || strchr(src, '%'))
            return 0;
        memcpy(dst, a.bytes, 16);
        return 1;
    }
#endif
    uint8_t b[4];
    if (!pton4(src, b))
        return 0;
    memcpy(dst, b, 4);
    return 1;
}

#if TERN_CFG_IPV6
static const char *ntop6(const void *src, char *dst, tern_socklen_t size) {
    char tmp[TERN_ADDR_STRLEN];
    tern_addr a = tern_addr_ipv6(src, 0);
    size_t n = strlen(tern_addr_format(&a, tmp, sizeof tmp)) + 1;
    if (n > size) {
        tern_os_set_errno(TERN_ENOSPC);
        return NULL;
    }
    memcpy(dst, tmp, n);
    return dst;
}
#endif

const char *tern_inet_ntop(int af, const void *src, char *dst, tern_socklen_t size) {
    if (af != TERN_SOCK_AF_INET && !(TERN_CFG_IPV6 && af == TERN_SOCK_AF_INET6)) {
        tern_os_set_errno(TERN_EAFNOSUPPORT);
        return NULL;
    }
    if (!src || !dst) {
        tern_os_set_errno(TERN_EFAULT);
        return NULL;
    }
#if TERN_CFG_IPV6
    if (af == TERN_SOCK_AF_INET6)
        return ntop6(src, dst, size);
#endif
    const uint8_t *b = src;
    char tmp[TERN_INET_ADDRSTRLEN];
    size_t n = 0;
    for (unsigned i = 0; i < 4; i++) {
        unsigned v = b[i];
        if (v >= 100)
            tmp[n++] = (char)('0' + v / 100);
        if (v >= 10)
            tmp[n++] = (char)('0' + v / 10 % 10);
        tmp[n++] = (char)('0' + v % 10);
        tmp[n++] = i < 3 ? '.' : '\0';
    }
    if (n > size) {
        tern_os_set_errno(TERN_ENOSPC);
        return NULL;
    }
    memcpy(dst, tmp, n);
    return dst;
}

/* ---- getaddrinfo ------------------------------------------------------------ */

static bool parse_port(const char *service, int flags, uint16_t *port, int *err) {
    *port = 0;
    if (!service)
        return true;
    unsigned long v = 0;
    const char *p = service;
    if (!*p) {
        *err = TERN_EAI_NONAME;
        return false;
    }
    while (*p >= '0' && *p <= '9' && v <= 65535ul)
        v = v * 10ul + (unsigned long)(*p++ - '0');
    if (*p || v > 65535ul) {
        *err = (flags & TERN_AI_NUMERICSERV) ? TERN_EAI_NONAME : TERN_EAI_SERVICE;
        return false;
    }
    *port = (uint16_t)v;
    return true;
}

#if TERN_CFG_DNS
typedef struct dns_wait {
    tern_os_cond cond;
    bool done;
    tern_err err;
    uint8_t family;
    unsigned count;
    tern_addr addrs[TERN_CFG_DNS_ADDRS];
} dns_wait;

static void on_dns(void *ctx, const char *name, tern_err err, const tern_addr *addrs, unsigned count) {
    dns_wait *w = ctx;
    (void)name;
    w->err = err;
    w->count = 0;
    for (unsigned i = 0; err == TERN_OK && i < count && i < TERN_CFG_DNS_ADDRS; i++)
        if (addrs[i].family == w->family)
            w->addrs[w->count++] = addrs[i];
    w->done = true;
    tern_os_cond_broadcast(&w->cond);
}

static int resolve(const char *node, uint8_t family, tern_addr *addrs, unsigned *count) {
    tern_sockets *ss = tern_sock_current();
    if (!ss)
        return TERN_EAI_FAIL;
    dns_wait w;
    memset(&w, 0, sizeof w);
    w.family = family;
    if (tern_os_cond_init(&w.cond))
        return TERN_EAI_MEMORY;
    tern_os_mutex_lock(ss->lock);
    tern_err err = tern_dns_lookup(ss->stack, node, family, on_dns, &w);
    if (err == TERN_ERR_INPROGRESS) {
        if (ss->kick)
            ss->kick(ss->kick_ctx);
        while (!w.done) /* the DNS client always answers: result, or timeout */
            tern_os_cond_wait(&w.cond, ss->lock, TERN_OS_WAIT_FOREVER);
    } else if (err != TERN_OK) {
        w.err = err;
    }
    tern_os_mutex_unlock(ss->lock);
    tern_os_cond_destroy(&w.cond);
    if (w.err == TERN_ERR_NOTFOUND || (w.err == TERN_OK && !w.count))
        return TERN_EAI_NONAME;
    if (w.err != TERN_OK)
        return w.err == TERN_ERR_TIMEOUT ? TERN_EAI_AGAIN : TERN_EAI_FAIL;
    memcpy(addrs, w.addrs, w.count * sizeof addrs[0]);
    *count = w.count;
    return 0;
}
#endif

static tern_sock_gai *gai_alloc(tern_sockets *ss) {
    tern_sock_gai *n = NULL;
    tern_os_mutex_lock(ss->lock);
    for (unsigned i = 0; i < TERN_SOCKETS_GAI_MAX && !n; i++)
        if (!ss->gai[i].used)
            n = &ss->gai[i];
    if (n) {
        memset(n, 0, sizeof *n);
        n->used = 1;
        n->owner = ss;
    }
    tern_os_mutex_unlock(ss->lock);
    return n;
}

/* node as a numeric address of family (or AF_UNSPEC: either); no node: the
 * wildcard (AI_PASSIVE) or the loopback address. TERN_EAI_NONAME if it is a name. */
static int numeric_host(const char *node, int family, int flags, tern_addr *a) {
    uint8_t b[4];
    if (!node) {
#if TERN_CFG_IPV6
        if (family == TERN_SOCK_AF_INET6) {
            uint8_t any[16] = {0};
            any[15] = (flags & TERN_AI_PASSIVE) ? 0 : 1;
            *a = tern_addr_ipv6(any, 0);
            return 0;
        }
#endif
        *a = tern_addr_ipv4((flags & TERN_AI_PASSIVE) ? TERN_INADDR_ANY : TERN_INADDR_LOOPBACK);
        return 0;
    }
    if (pton4(node, b)) {
        *a = tern_addr_ipv4(((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3]);
        return family == TERN_SOCK_AF_INET6 ? TERN_EAI_NONAME : 0; /* glibc: no mapping without AI_V4MAPPED */
    }
#if TERN_CFG_IPV6
    if (tern_addr_parse(node, a) && a->family == TERN_AF_INET6)
        return family == TERN_SOCK_AF_INET ? TERN_EAI_NONAME : 0;
#endif
    return TERN_EAI_NONAME;
}

/* One result's address and family. */
static void gai_fill(tern_sock_gai *n, const tern_addr *a, uint16_t port) {
#if TERN_CFG_IPV6
    if (a->family == TERN_AF_INET6) {
        n->sa.sin6.sin6_family = TERN_SOCK_AF_INET6;
        n->sa.sin6.sin6_port = tern_htons(port);
        memcpy(n->sa.sin6.sin6_addr.tern_s6_addr, a->bytes, 16);
        n->sa.sin6.sin6_scope_id = a->zone;
        n->ai.ai_family = TERN_SOCK_AF_INET6;
        n->ai.ai_addrlen = sizeof n->sa.sin6;
        n->ai.ai_addr = (struct tern_sockaddr *)(void *)&n->sa.sin6;
        return;
    }
#endif
    n->sa.sin.sin_family = TERN_SOCK_AF_INET;
    n->sa.sin.sin_port = tern_htons(port);
    n->sa.sin.sin_addr.s_addr = tern_htonl(tern_addr_get_ipv4(a));
    n->ai.ai_family = TERN_SOCK_AF_INET;
    n->ai.ai_addrlen = sizeof n->sa.sin;
    n->ai.ai_addr = (struct tern_sockaddr *)(void *)&n->sa.sin;
}

int tern_getaddrinfo(const char *node, const char *service, const struct tern_addrinfo *hints,
                     struct tern_addrinfo **res) {
    int flags = hints ? hints->ai_flags : 0;
    int family = hints ? hints->ai_family : TERN_SOCK_AF_UNSPEC;
    int socktype = hints ? hints->ai_socktype : 0;
    int protocol = hints ? hints->ai_protocol : 0;
    if (!res)
        return TERN_EAI_FAIL;
    *res = NULL;
    if (!node && !service)
        return TERN_EAI_NONAME;
    if (flags & ~(TERN_AI_PASSIVE | TERN_AI_CANONNAME | TERN_AI_NUMERICHOST | TERN_AI_NUMERICSERV))
        return TERN_EAI_BADFLAGS;
    if (family != TERN_SOCK_AF_UNSPEC && family != TERN_SOCK_AF_INET &&
        !(TERN_CFG_IPV6 && family == TERN_SOCK_AF_INET6))
        return TERN_EAI_FAMILY;
    if (socktype != 0 && socktype != TERN_SOCK_STREAM && socktype != TERN_SOCK_DGRAM &&
        socktype != TERN_SOCK_RAW)
        return TERN_EAI_SOCKTYPE;
    uint16_t port;
    int err = 0;
    if (!parse_port(service, flags, &port, &err))
        return err;
    tern_addr addrs[TERN_CFG_DNS_ADDRS > 1 ? TERN_CFG_DNS_ADDRS : 1];
    unsigned count = 1;
    err = numeric_host(node, family, flags, &addrs[0]);
    if (err == TERN_EAI_NONAME && !(flags & TERN_AI_NUMERICHOST)) {
#if TERN_CFG_DNS
        err = resolve(node, family == TERN_SOCK_AF_INET6 ? TERN_AF_INET6 : TERN_AF_INET, addrs, &count);
#endif
    }
    if (err)
        return err;
    tern_sockets *ss = tern_sock_current();
    if (!ss)
        return TERN_EAI_FAIL;
    static const int types[3][2] = {
        {TERN_SOCK_STREAM, TERN_IPPROTO_TCP}, {TERN_SOCK_DGRAM, TERN_IPPROTO_UDP}, {TERN_SOCK_RAW, 0}};
    struct tern_addrinfo *head = NULL, **tail = &head;
    for (unsigned a = 0; a < count; a++)
        for (unsigned t = 0; t < 3; t++) {
            if (socktype && socktype != types[t][0])
                continue;
            tern_sock_gai *n = gai_alloc(ss);
            if (!n) {
                tern_freeaddrinfo(head);
                return TERN_EAI_MEMORY;
            }
            gai_fill(n, &addrs[a], port);
            n->ai.ai_socktype = types[t][0];
            n->ai.ai_protocol = protocol ? protocol : types[t][1];
            *tail = &n->ai;
            tail = &n->ai.ai_next;
        }
    *res = head;
    return 0;
}

void tern_freeaddrinfo(struct tern_addrinfo *res) {
    while (res) {
        struct tern_addrinfo *next = res->ai_next;
        tern_sock_gai *n = (tern_sock_gai *)(void *)res; /* ai is its first member */
        tern_sockets *ss = n->owner;
        tern_os_mutex_lock(ss->lock);
        n->used = 0;
        tern_os_mutex_unlock(ss->lock);
        res = next;
    }
}

const char *tern_gai_strerror(int err) {
    switch (err) {
    case 0:
        return "Success";
    case TERN_EAI_BADFLAGS:
        return "Bad value for ai_flags";
    case TERN_EAI_NONAME:
        return "Name or service not known";
    case TERN_EAI_AGAIN:
        return "Temporary failure in name resolution";
    case TERN_EAI_FAIL:
        return "Non-recoverable failure in name resolution";
    case TERN_EAI_FAMILY:
        return "ai_family not supported";
    case TERN_EAI_SOCKTYPE:
        return "ai_socktype not supported";
    case TERN_EAI_SERVICE:
        return "Servname not supported for ai_socktype";
    case TERN_EAI_MEMORY:
        return "Memory allocation failure";
    default:
        return "Unknown error";
    }
}

#endif
