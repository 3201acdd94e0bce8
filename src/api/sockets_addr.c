/*
 * Socket addresses: sockaddr parsing and writing, inet_pton / inet_ntop and
 * getaddrinfo (numeric hosts; names through the DNS client when it is
 * compiled in). AF_INET6 belongs in the family switches here once IPv6 lands.
 */
#include "sockets_priv.h"

#if TERN_CFG_SOCKETS

#include <string.h>

int tern_sock_addr_in(const struct tern_sockaddr *sa, tern_socklen_t len, uint32_t *ip, uint16_t *port,
                      bool allow_unspec) {
    struct tern_sockaddr_in sin;
    if (!sa)
        return TERN_EFAULT;
    if (len < sizeof sin)
        return TERN_EINVAL;
    memcpy(&sin, sa, sizeof sin);
    if (sin.sin_family != TERN_SOCK_AF_INET &&
        !(allow_unspec && sin.sin_family == TERN_SOCK_AF_UNSPEC && sin.sin_addr.s_addr == 0))
        return TERN_EAFNOSUPPORT;
    *ip = tern_ntohl(sin.sin_addr.s_addr);
    *port = tern_ntohs(sin.sin_port);
    return 0;
}

void tern_sock_addr_out(struct tern_sockaddr *sa, tern_socklen_t *len, uint32_t ip, uint16_t port) {
    struct tern_sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = TERN_SOCK_AF_INET;
    sin.sin_port = tern_htons(port);
    sin.sin_addr.s_addr = tern_htonl(ip);
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
    if (af != TERN_SOCK_AF_INET) { /* AF_INET6: with IPv6 */
        tern_os_set_errno(TERN_EAFNOSUPPORT);
        return -1;
    }
    if (!src || !dst) {
        tern_os_set_errno(TERN_EFAULT);
        return -1;
    }
    uint8_t b[4];
    if (!pton4(src, b))
        return 0;
    memcpy(dst, b, 4);
    return 1;
}

const char *tern_inet_ntop(int af, const void *src, char *dst, tern_socklen_t size) {
    if (af != TERN_SOCK_AF_INET) {
        tern_os_set_errno(TERN_EAFNOSUPPORT);
        return NULL;
    }
    if (!src || !dst) {
        tern_os_set_errno(TERN_EFAULT);
        return NULL;
    }
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
    unsigned count;
    uint32_t addrs[TERN_CFG_DNS_ADDRS];
} dns_wait;

static void on_dns(void *ctx, const char *name, tern_err err, const tern_addr *addrs, unsigned count) {
    dns_wait *w = ctx;
    (void)name;
    w->err = err;
    w->count = 0;
    for (unsigned i = 0; err == TERN_OK && i < count && i < TERN_CFG_DNS_ADDRS; i++)
        if (addrs[i].family == TERN_AF_INET)
            w->addrs[w->count++] = tern_addr_get_ipv4(&addrs[i]);
    w->done = true;
    tern_os_cond_broadcast(&w->cond);
}

static int resolve(const char *node, uint32_t *addrs, unsigned *count) {
    tern_sockets *ss = tern_sock_current();
    if (!ss)
        return TERN_EAI_FAIL;
    dns_wait w;
    memset(&w, 0, sizeof w);
    if (tern_os_cond_init(&w.cond))
        return TERN_EAI_MEMORY;
    tern_os_mutex_lock(ss->lock);
    tern_err err = tern_dns_lookup(ss->stack, node, TERN_AF_INET, on_dns, &w);
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
    if (family != TERN_SOCK_AF_UNSPEC && family != TERN_SOCK_AF_INET)
        return TERN_EAI_FAMILY;
    if (socktype != 0 && socktype != TERN_SOCK_STREAM && socktype != TERN_SOCK_DGRAM &&
        socktype != TERN_SOCK_RAW)
        return TERN_EAI_SOCKTYPE;
    uint16_t port;
    int err = 0;
    if (!parse_port(service, flags, &port, &err))
        return err;
    uint32_t addrs[TERN_CFG_DNS_ADDRS > 1 ? TERN_CFG_DNS_ADDRS : 1];
    unsigned count = 1;
    uint8_t b[4];
    if (!node) {
        addrs[0] = (flags & TERN_AI_PASSIVE) ? TERN_INADDR_ANY : TERN_INADDR_LOOPBACK;
    } else if (pton4(node, b)) {
        addrs[0] = ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
    } else if (flags & TERN_AI_NUMERICHOST) {
        return TERN_EAI_NONAME;
    } else {
#if TERN_CFG_DNS
        int e = resolve(node, addrs, &count);
        if (e)
            return e;
#else
        return TERN_EAI_NONAME;
#endif
    }
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
            n->sin.sin_family = TERN_SOCK_AF_INET;
            n->sin.sin_port = tern_htons(port);
            n->sin.sin_addr.s_addr = tern_htonl(addrs[a]);
            n->ai.ai_family = TERN_SOCK_AF_INET;
            n->ai.ai_socktype = types[t][0];
            n->ai.ai_protocol = protocol ? protocol : types[t][1];
            n->ai.ai_addrlen = sizeof n->sin;
            n->ai.ai_addr = (struct tern_sockaddr *)(void *)&n->sin;
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
