/*
 * Berkeley sockets over Tern, safe from many threads (TERN_CFG_SOCKETS).
 *
 *   static tern_os_mutex core_lock;            // the core lock (see below)
 *   static tern_sockets socks;                 // the socket table of one stack
 *   tern_os_mutex_init(&core_lock);
 *   tern_sockets_init(&socks, &stack, &core_lock);
 *   tern_sockets_set_default(&socks);          // tern_socket() creates sockets here
 *   ... a thread drives the core: it takes core_lock around each batch of
 *       driver input and tern_stack_poll(), and sleeps with it released ...
 *   int fd = tern_socket(TERN_SOCK_AF_INET, TERN_SOCK_STREAM, 0);
 *
 * Every function behaves as its POSIX namesake on Linux: -1 and errno (the C
 * library's <errno.h> values, set by the OS port) on failure. Constants carry Linux's values, so
 * code that includes the host's <sys/socket.h> can use the host's names; the
 * optional header tern/sockets_posix_names.h maps the standard function names
 * (socket, bind, ...) onto these, and with TERN_SOCKETS_DEFINE_STD also
 * defines the standard constants and types for a target without networking
 * headers. Tern never raises SIGPIPE: MSG_NOSIGNAL is always in effect.
 *
 * Concurrency model (docs/SOCKETS.md): one core lock (a tern_os_mutex) covers
 * every call into the stack. Each socket call takes it, works on the core,
 * and when it must wait it sleeps on the socket's condition variable, which
 * releases the lock; the core's callbacks (run by whoever holds the lock)
 * record events in the socket and wake its waiters. So timers and driver
 * input go on while applications block, and no lock is held while waiting.
 *
 * Descriptors are small integers from TERN_SOCK_FD_BASE, unique across
 * sockets instances (several stacks may each have one, e.g. in tests).
 * AF_INET, and AF_INET6 in a build with IPv6 (TERN_CFG_IPV6): an AF_INET6
 * socket also reaches IPv4 peers through IPv4-mapped addresses
 * (::ffff:192.0.2.1) unless IPV6_V6ONLY is set, as on Linux.
 */
#ifndef TERN_SOCKETS_H
#define TERN_SOCKETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tern/config.h"

#if TERN_CFG_SOCKETS

#include "tern/os.h"
#include "tern/pbuf.h"
#include "tern/raw.h"
#include "tern/tcp.h"
#include "tern/udp.h"

/* ---- Constants (Linux values) ------------------------------------------- */
#define TERN_SOCK_AF_UNSPEC 0
#define TERN_SOCK_AF_INET 2
#define TERN_SOCK_AF_INET6 10

#define TERN_SOCK_STREAM 1
#define TERN_SOCK_DGRAM 2
#define TERN_SOCK_RAW 3
#define TERN_SOCK_NONBLOCK 04000
#define TERN_SOCK_CLOEXEC 02000000

#define TERN_IPPROTO_IP 0
#define TERN_IPPROTO_ICMP 1
#define TERN_IPPROTO_TCP 6
#define TERN_IPPROTO_UDP 17
#define TERN_IPPROTO_IPV6 41

#define TERN_INADDR_ANY 0x00000000u
#define TERN_INADDR_LOOPBACK 0x7F000001u
#define TERN_INADDR_BROADCAST 0xFFFFFFFFu

#define TERN_SOL_SOCKET 1
#define TERN_SO_REUSEADDR 2
#define TERN_SO_TYPE 3
#define TERN_SO_ERROR 4
#define TERN_SO_BROADCAST 6
#define TERN_SO_SNDBUF 7
#define TERN_SO_RCVBUF 8
#define TERN_SO_KEEPALIVE 9
#define TERN_SO_LINGER 13
#define TERN_SO_RCVTIMEO 20
#define TERN_SO_SNDTIMEO 21
#define TERN_SO_ACCEPTCONN 30

#define TERN_TCP_NODELAY 1
#define TERN_TCP_KEEPIDLE 4
#define TERN_TCP_KEEPINTVL 5
#define TERN_TCP_KEEPCNT 6

#define TERN_IP_TOS 1
#define TERN_IP_TTL 2
#define TERN_IP_MULTICAST_TTL 33
#define TERN_IP_MULTICAST_LOOP 34
#define TERN_IP_ADD_MEMBERSHIP 35
#define TERN_IP_DROP_MEMBERSHIP 36

#define TERN_IPV6_UNICAST_HOPS 16
#define TERN_IPV6_MULTICAST_HOPS 18
#define TERN_IPV6_JOIN_GROUP 20  /* IPV6_ADD_MEMBERSHIP */
#define TERN_IPV6_LEAVE_GROUP 21 /* IPV6_DROP_MEMBERSHIP */
#define TERN_IPV6_V6ONLY 26

#define TERN_MSG_PEEK 0x02
#define TERN_MSG_TRUNC 0x20
#define TERN_MSG_DONTWAIT 0x40
#define TERN_MSG_WAITALL 0x100
#define TERN_MSG_NOSIGNAL 0x4000

#define TERN_SHUT_RD 0
#define TERN_SHUT_WR 1
#define TERN_SHUT_RDWR 2

#define TERN_F_GETFL 3
#define TERN_F_SETFL 4
#define TERN_O_NONBLOCK 04000
#define TERN_FIONREAD 0x541B
#define TERN_FIONBIO 0x5421

#define TERN_POLLIN 0x001
#define TERN_POLLPRI 0x002
#define TERN_POLLOUT 0x004
#define TERN_POLLERR 0x008
#define TERN_POLLHUP 0x010
#define TERN_POLLNVAL 0x020
#define TERN_POLLRDNORM 0x040
#define TERN_POLLWRNORM 0x100
#define TERN_POLLRDHUP 0x2000

#define TERN_AI_PASSIVE 0x0001
#define TERN_AI_CANONNAME 0x0002
#define TERN_AI_NUMERICHOST 0x0004
#define TERN_AI_NUMERICSERV 0x0400
#define TERN_EAI_BADFLAGS (-1)
#define TERN_EAI_NONAME (-2)
#define TERN_EAI_AGAIN (-3)
#define TERN_EAI_FAIL (-4)
#define TERN_EAI_FAMILY (-6)
#define TERN_EAI_SOCKTYPE (-7)
#define TERN_EAI_SERVICE (-8)
#define TERN_EAI_MEMORY (-10)
#define TERN_EAI_SYSTEM (-11)

#define TERN_INET_ADDRSTRLEN 16
#define TERN_INET6_ADDRSTRLEN 46

/* First descriptor number; descriptors of instance i start at
 * TERN_SOCK_FD_BASE + i * TERN_CFG_SOCKETS_MAX. */
#define TERN_SOCK_FD_BASE 3
/* Sockets instances one process may register. */
#define TERN_SOCKETS_INSTANCES 4
#ifndef TERN_FD_SETSIZE
#define TERN_FD_SETSIZE 1024
#endif

/* ---- Types (the layout of Linux/glibc's) ------------------------------------ */
typedef uint32_t tern_socklen_t;
typedef uint16_t tern_sa_family_t;
typedef unsigned long tern_nfds_t;

struct tern_sockaddr {
    tern_sa_family_t sa_family;
    char sa_data[14];
};
struct tern_in_addr {
    uint32_t s_addr; /* network byte order */
};
struct tern_sockaddr_in {
    tern_sa_family_t sin_family;
    uint16_t sin_port; /* network byte order */
    struct tern_in_addr sin_addr;
    uint8_t sin_zero[8];
};
struct tern_in6_addr { /* the bytes are tern_s6_addr (s6_addr is a macro in C libraries) */
    union {
        uint8_t tern_u6_addr8[16];
    } tern_in6_u;
};
#define tern_s6_addr tern_in6_u.tern_u6_addr8
struct tern_sockaddr_in6 {
    tern_sa_family_t sin6_family;
    uint16_t sin6_port;     /* network byte order */
    uint32_t sin6_flowinfo; /* ignored */
    struct tern_in6_addr sin6_addr;
    uint32_t sin6_scope_id; /* interface index of a link-local address */
};
struct tern_sockaddr_storage {
    tern_sa_family_t ss_family;
    char ss_pad[118];
    unsigned long ss_align;
};
struct tern_iovec {
    void *iov_base;
    size_t iov_len;
};
struct tern_msghdr {
    void *msg_name;
    tern_socklen_t msg_namelen;
    struct tern_iovec *msg_iov;
    size_t msg_iovlen;
    void *msg_control;
    size_t msg_controllen;
    int msg_flags;
};
struct tern_pollfd {
    int fd;
    short events;
    short revents;
};
struct tern_linger {
    int l_onoff;
    int l_linger;
};
struct tern_timeval {
    long tv_sec;
    long tv_usec;
};
struct tern_ip_mreq {
    struct tern_in_addr imr_multiaddr;
    struct tern_in_addr imr_interface;
};
struct tern_ipv6_mreq {
    struct tern_in6_addr ipv6mr_multiaddr;
    unsigned int ipv6mr_interface; /* 0: the default interface */
};
typedef struct tern_fd_set {
    unsigned long fds_bits[TERN_FD_SETSIZE / (8 * sizeof(unsigned long))];
} tern_fd_set;
struct tern_addrinfo {
    int ai_flags;
    int ai_family;
    int ai_socktype;
    int ai_protocol;
    tern_socklen_t ai_addrlen;
    struct tern_sockaddr *ai_addr;
    char *ai_canonname;
    struct tern_addrinfo *ai_next;
};

/* ---- Per-stack state ------------------------------------------------------ */
struct tern_sockets;

typedef struct tern_sock_dgram {
    tern_pbuf *p;
    tern_addr addr; /* sender */
    uint16_t port;
} tern_sock_dgram;

typedef struct tern_sock {
    struct tern_sockets *owner;
    tern_os_cond cond; /* waiters on this socket (the core lock is its mutex) */
    union {
        tern_tcp_pcb *tcp;
        tern_udp_pcb *udp;
        tern_raw_pcb *raw;
    } pcb;
    tern_tcp_listener *listener;
    /* Stream receive queue (pbufs linked by next_pkt). */
    tern_pbuf *rxq, *rxq_tail;
    uint32_t rx_bytes;
    uint16_t rx_off; /* bytes of the first pbuf already read */
    /* Datagram receive ring; a listener keeps its accept queue in acc_*. */
    tern_sock_dgram dq[TERN_CFG_SOCKET_DGRAM_QUEUE];
    uint8_t dq_head, dq_count;
    int16_t acc_head, acc_tail, acc_next; /* socket indexes, -1 = none */
    uint16_t acc_count, backlog;
    int16_t parent;          /* not yet accepted: index of the listener */
    tern_addr local, remote; /* IPv4 ones stay IPv4 in an AF_INET6 socket */
    uint16_t local_port, remote_port;
    int so_error;                /* pending error (errno value), 0 = none */
    uint32_t rcvtimeo, sndtimeo; /* ms, 0 = forever */
    uint32_t rcvbuf, sndbuf;
    uint32_t keepidle, keepintvl;     /* s */
    int linger;                       /* seconds, -1 = off */
    uint16_t flags;                   /* TERN_SOCKF_* */
    uint16_t users;                   /* calls in progress on this socket */
    tern_addr mcast_groups[2];        /* joined groups (left at close) */
    uint8_t used, type, proto, state; /* state: TERN_SOCKST_* */
    uint8_t family;                   /* TERN_SOCK_AF_INET or TERN_SOCK_AF_INET6 */
    uint8_t shut;                     /* TERN_SOCKSH_* */
    uint8_t keepcnt, ttl, tos, mcast_ttl;
} tern_sock;

/* getaddrinfo results: a fixed pool per instance (no heap). */
#define TERN_SOCKETS_GAI_MAX 8
typedef struct tern_sock_gai {
    struct tern_addrinfo ai; /* first: freeaddrinfo gets back here */
    union {
        struct tern_sockaddr_in sin;
#if TERN_CFG_IPV6
        struct tern_sockaddr_in6 sin6;
#endif
    } sa;
    struct tern_sockets *owner;
    uint8_t used;
} tern_sock_gai;

typedef struct tern_sockets {
    struct tern_stack *stack;
    tern_os_mutex *lock;    /* the core lock (may be shared by several stacks) */
    tern_os_cond poll_cond; /* poll()/select() waiters */
    uint16_t pollers;
    uint8_t id;              /* registration slot: descriptors are offset by it */
    void (*kick)(void *ctx); /* optional: wake the driving thread after output */
    void *kick_ctx;
    tern_sock socks[TERN_CFG_SOCKETS_MAX];
    tern_sock_gai gai[TERN_SOCKETS_GAI_MAX];
} tern_sockets;

/* ---- Setup ------------------------------------------------------------------- */
/* Bind a socket table to stack s; lock is the core lock the driving thread
 * also takes. Registers the instance (up to TERN_SOCKETS_INSTANCES); returns
 * 0, or -1 when the registry is full or an OS object cannot be created.
 * Call before other threads use it. */
int tern_sockets_init(tern_sockets *ss, struct tern_stack *s, tern_os_mutex *lock);
/* Close every socket and unregister (no thread may be inside a call). */
void tern_sockets_deinit(tern_sockets *ss);
/* The instance tern_socket() creates sockets in (process-wide default). */
void tern_sockets_set_default(tern_sockets *ss);
/* Per-thread override of the default (NULL: use the default again). */
void tern_sockets_set_thread_default(tern_sockets *ss);
/* Called with the core lock held after a call queued output, so a driver
 * that sleeps can wake and flush it (optional). */
void tern_sockets_set_kick(tern_sockets *ss, void (*kick)(void *ctx), void *ctx);
/* Sockets currently open in ss (leak checks). */
unsigned tern_sockets_in_use(tern_sockets *ss);

/* ---- The API -------------------------------------------------------------- */
int tern_socket(int domain, int type, int protocol);
int tern_bind(int fd, const struct tern_sockaddr *addr, tern_socklen_t len);
int tern_listen(int fd, int backlog);
int tern_accept(int fd, struct tern_sockaddr *addr, tern_socklen_t *len);
int tern_connect(int fd, const struct tern_sockaddr *addr, tern_socklen_t len);
long tern_send(int fd, const void *buf, size_t len, int flags);
long tern_recv(int fd, void *buf, size_t len, int flags);
long tern_sendto(int fd, const void *buf, size_t len, int flags, const struct tern_sockaddr *to,
                 tern_socklen_t tolen);
long tern_recvfrom(int fd, void *buf, size_t len, int flags, struct tern_sockaddr *from,
                   tern_socklen_t *fromlen);
long tern_sendmsg(int fd, const struct tern_msghdr *msg, int flags);
long tern_recvmsg(int fd, struct tern_msghdr *msg, int flags);
int tern_shutdown(int fd, int how);
int tern_close(int fd);
int tern_getsockname(int fd, struct tern_sockaddr *addr, tern_socklen_t *len);
int tern_getpeername(int fd, struct tern_sockaddr *addr, tern_socklen_t *len);
int tern_setsockopt(int fd, int level, int name, const void *val, tern_socklen_t len);
int tern_getsockopt(int fd, int level, int name, void *val, tern_socklen_t *len);
int tern_fcntl(int fd, int cmd, ...);
int tern_ioctl(int fd, unsigned long request, ...);
int tern_poll(struct tern_pollfd *fds, tern_nfds_t nfds, int timeout_ms);
int tern_select(int nfds, tern_fd_set *rd, tern_fd_set *wr, tern_fd_set *ex, struct tern_timeval *timeout);

int tern_inet_pton(int af, const char *src, void *dst);
const char *tern_inet_ntop(int af, const void *src, char *dst, tern_socklen_t size);
/* Numeric hosts; names through the DNS client when TERN_CFG_DNS (blocking
 * until it answers). Results come from a fixed pool of TERN_SOCKETS_GAI_MAX
 * entries in the current instance (EAI_MEMORY when it runs out). */
int tern_getaddrinfo(const char *node, const char *service, const struct tern_addrinfo *hints,
                     struct tern_addrinfo **res);
void tern_freeaddrinfo(struct tern_addrinfo *res);
const char *tern_gai_strerror(int err);

static inline uint16_t tern_htons(uint16_t v) {
    const uint8_t *b = (const uint8_t *)&v;
    return (uint16_t)((b[0] << 8) | b[1]);
}
static inline uint16_t tern_ntohs(uint16_t v) {
    return tern_htons(v);
}
static inline uint32_t tern_htonl(uint32_t v) {
    const uint8_t *b = (const uint8_t *)&v;
    return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
}
static inline uint32_t tern_ntohl(uint32_t v) {
    return tern_htonl(v);
}

#define TERN_FD_ZERO(set) memset((set), 0, sizeof(tern_fd_set))
#define TERN_FD_BIT(fd) (1UL << ((unsigned)(fd) % (8 * sizeof(unsigned long))))
#define TERN_FD_WORD(set, fd) ((set)->fds_bits[(unsigned)(fd) / (8 * sizeof(unsigned long))])
#define TERN_FD_SET(fd, set) (TERN_FD_WORD(set, fd) |= TERN_FD_BIT(fd))
#define TERN_FD_CLR(fd, set) (TERN_FD_WORD(set, fd) &= ~TERN_FD_BIT(fd))
#define TERN_FD_ISSET(fd, set) ((TERN_FD_WORD(set, fd) & TERN_FD_BIT(fd)) != 0)

#endif /* TERN_CFG_SOCKETS */
#endif
