/*
 * Optional: the standard sockets names mapped onto Tern's (tern/sockets.h).
 * Include it after the system headers, in files that should talk through
 * Tern rather than the host's libc. Two modes:
 *
 *   - With the host's networking headers (<sys/socket.h>, <netinet/in.h>,
 *     <poll.h>, ...) already included: only the functions are mapped; the
 *     host's types and constants are used as they are, and the header checks
 *     at compile time that they equal Tern's (they do on Linux/glibc).
 *   - With TERN_SOCKETS_DEFINE_STD defined to 1 (a target without
 *     networking headers): the standard constants and type names are
 *     defined too.
 *
 * The mapping is by macros, so a file that includes this header cannot also
 * call the host's socket(), close() (on sockets or files), poll(), ... .
 */
#ifndef TERN_SOCKETS_POSIX_NAMES_H
#define TERN_SOCKETS_POSIX_NAMES_H

#include "tern/sockets.h"

#if !TERN_CFG_SOCKETS
#error "tern/sockets_posix_names.h needs TERN_CFG_SOCKETS"
#endif

/* Address and message arguments are cast: with host headers they are the
 * host's types, which have Tern's layout (checked below). */
#define TERN_SA_(a) ((struct tern_sockaddr *)(void *)(a))
#define TERN_CSA_(a) ((const struct tern_sockaddr *)(const void *)(a))
#define TERN_LENP_(l) ((tern_socklen_t *)(void *)(l))
#define socket tern_socket
#define bind(fd, a, l) tern_bind(fd, TERN_CSA_(a), (tern_socklen_t)(l))
#define listen tern_listen
#define accept(fd, a, l) tern_accept(fd, TERN_SA_(a), TERN_LENP_(l))
#define connect(fd, a, l) tern_connect(fd, TERN_CSA_(a), (tern_socklen_t)(l))
#define send tern_send
#define recv tern_recv
#define sendto(fd, b, n, f, a, l) tern_sendto(fd, b, n, f, TERN_CSA_(a), (tern_socklen_t)(l))
#define recvfrom(fd, b, n, f, a, l) tern_recvfrom(fd, b, n, f, TERN_SA_(a), TERN_LENP_(l))
#define sendmsg(fd, m, f) tern_sendmsg(fd, (const struct tern_msghdr *)(const void *)(m), f)
#define recvmsg(fd, m, f) tern_recvmsg(fd, (struct tern_msghdr *)(void *)(m), f)
#define shutdown tern_shutdown
#define close tern_close
#define getsockname(fd, a, l) tern_getsockname(fd, TERN_SA_(a), TERN_LENP_(l))
#define getpeername(fd, a, l) tern_getpeername(fd, TERN_SA_(a), TERN_LENP_(l))
#define setsockopt(fd, level, name, val, len) tern_setsockopt(fd, level, name, val, (tern_socklen_t)(len))
#define getsockopt(fd, level, name, val, len) tern_getsockopt(fd, level, name, val, (tern_socklen_t *)(len))
#define fcntl tern_fcntl
#define ioctl tern_ioctl
#define poll(fds, n, t) tern_poll((struct tern_pollfd *)(void *)(fds), (tern_nfds_t)(n), t)
#define select(n, r, w, e, t)                                                                                \
    tern_select(n, (tern_fd_set *)(void *)(r), (tern_fd_set *)(void *)(w), (tern_fd_set *)(void *)(e),       \
                (struct tern_timeval *)(void *)(t))
#define inet_pton tern_inet_pton
#define inet_ntop tern_inet_ntop
#define getaddrinfo(n, s, h, r)                                                                              \
    tern_getaddrinfo(n, s, (const struct tern_addrinfo *)(const void *)(h),                                  \
                     (struct tern_addrinfo **)(void *)(r))
#define freeaddrinfo(r) tern_freeaddrinfo((struct tern_addrinfo *)(void *)(r))
#define gai_strerror tern_gai_strerror

#if defined(TERN_SOCKETS_DEFINE_STD) && TERN_SOCKETS_DEFINE_STD
/* No host networking headers: Tern's names are the standard ones. */
#define sockaddr tern_sockaddr
#define sockaddr_in tern_sockaddr_in
#define sockaddr_storage tern_sockaddr_storage
#define in_addr tern_in_addr
#define iovec tern_iovec
#define msghdr tern_msghdr
#define pollfd tern_pollfd
#define linger tern_linger
#define ip_mreq tern_ip_mreq
#define sockaddr_in6 tern_sockaddr_in6
#define in6_addr tern_in6_addr
#define s6_addr tern_s6_addr
#define ipv6_mreq tern_ipv6_mreq
#define addrinfo tern_addrinfo
#define socklen_t tern_socklen_t
#define sa_family_t tern_sa_family_t
#define nfds_t tern_nfds_t
#define fd_set tern_fd_set
#define htons tern_htons
#define ntohs tern_ntohs
#define htonl tern_htonl
#define ntohl tern_ntohl
#define FD_ZERO TERN_FD_ZERO
#define FD_SET TERN_FD_SET
#define FD_CLR TERN_FD_CLR
#define FD_ISSET TERN_FD_ISSET
#define FD_SETSIZE TERN_FD_SETSIZE
#define AF_UNSPEC TERN_SOCK_AF_UNSPEC
#define AF_INET TERN_SOCK_AF_INET
#define AF_INET6 TERN_SOCK_AF_INET6
#define PF_INET AF_INET
#define SOCK_STREAM TERN_SOCK_STREAM
#define SOCK_DGRAM TERN_SOCK_DGRAM
#define SOCK_RAW TERN_SOCK_RAW
#define SOCK_NONBLOCK TERN_SOCK_NONBLOCK
#define SOCK_CLOEXEC TERN_SOCK_CLOEXEC
#define IPPROTO_IP TERN_IPPROTO_IP
#define IPPROTO_ICMP TERN_IPPROTO_ICMP
#define IPPROTO_TCP TERN_IPPROTO_TCP
#define IPPROTO_UDP TERN_IPPROTO_UDP
#define IPPROTO_IPV6 TERN_IPPROTO_IPV6
#define IPV6_UNICAST_HOPS TERN_IPV6_UNICAST_HOPS
#define IPV6_MULTICAST_HOPS TERN_IPV6_MULTICAST_HOPS
#define IPV6_JOIN_GROUP TERN_IPV6_JOIN_GROUP
#define IPV6_LEAVE_GROUP TERN_IPV6_LEAVE_GROUP
#define IPV6_V6ONLY TERN_IPV6_V6ONLY
#define INADDR_ANY TERN_INADDR_ANY
#define INADDR_LOOPBACK TERN_INADDR_LOOPBACK
#define INADDR_BROADCAST TERN_INADDR_BROADCAST
#define SOL_SOCKET TERN_SOL_SOCKET
#define SO_REUSEADDR TERN_SO_REUSEADDR
#define SO_TYPE TERN_SO_TYPE
#define SO_ERROR TERN_SO_ERROR
#define SO_BROADCAST TERN_SO_BROADCAST
#define SO_SNDBUF TERN_SO_SNDBUF
#define SO_RCVBUF TERN_SO_RCVBUF
#define SO_KEEPALIVE TERN_SO_KEEPALIVE
#define SO_LINGER TERN_SO_LINGER
#define SO_RCVTIMEO TERN_SO_RCVTIMEO
#define SO_SNDTIMEO TERN_SO_SNDTIMEO
#define SO_ACCEPTCONN TERN_SO_ACCEPTCONN
#define TCP_NODELAY TERN_TCP_NODELAY
#define TCP_KEEPIDLE TERN_TCP_KEEPIDLE
#define TCP_KEEPINTVL TERN_TCP_KEEPINTVL
#define TCP_KEEPCNT TERN_TCP_KEEPCNT
#define IP_TOS TERN_IP_TOS
#define IP_TTL TERN_IP_TTL
#define IP_MULTICAST_TTL TERN_IP_MULTICAST_TTL
#define IP_MULTICAST_LOOP TERN_IP_MULTICAST_LOOP
#define IP_ADD_MEMBERSHIP TERN_IP_ADD_MEMBERSHIP
#define IP_DROP_MEMBERSHIP TERN_IP_DROP_MEMBERSHIP
#define MSG_PEEK TERN_MSG_PEEK
#define MSG_TRUNC TERN_MSG_TRUNC
#define MSG_DONTWAIT TERN_MSG_DONTWAIT
#define MSG_WAITALL TERN_MSG_WAITALL
#define MSG_NOSIGNAL TERN_MSG_NOSIGNAL
#define SHUT_RD TERN_SHUT_RD
#define SHUT_WR TERN_SHUT_WR
#define SHUT_RDWR TERN_SHUT_RDWR
#define F_GETFL TERN_F_GETFL
#define F_SETFL TERN_F_SETFL
#define O_NONBLOCK TERN_O_NONBLOCK
#define FIONREAD TERN_FIONREAD
#define FIONBIO TERN_FIONBIO
#define POLLIN TERN_POLLIN
#define POLLPRI TERN_POLLPRI
#define POLLOUT TERN_POLLOUT
#define POLLERR TERN_POLLERR
#define POLLHUP TERN_POLLHUP
#define POLLNVAL TERN_POLLNVAL
#define AI_PASSIVE TERN_AI_PASSIVE
#define AI_NUMERICHOST TERN_AI_NUMERICHOST
#define AI_NUMERICSERV TERN_AI_NUMERICSERV
#define EAI_NONAME TERN_EAI_NONAME
#define EAI_SERVICE TERN_EAI_SERVICE
#define EAI_FAMILY TERN_EAI_FAMILY
#define INET_ADDRSTRLEN TERN_INET_ADDRSTRLEN
#define INET6_ADDRSTRLEN TERN_INET6_ADDRSTRLEN
#else
/* The host's names are in use: they must mean what Tern's mean. */
#define TERN_SAME(a, b) _Static_assert((a) == (b), "tern: host constant " #a " differs from Tern's")
#ifdef AF_INET
TERN_SAME(AF_INET, TERN_SOCK_AF_INET);
TERN_SAME(SOCK_STREAM, TERN_SOCK_STREAM);
TERN_SAME(SOCK_DGRAM, TERN_SOCK_DGRAM);
TERN_SAME(SOCK_RAW, TERN_SOCK_RAW);
TERN_SAME(SOCK_NONBLOCK, TERN_SOCK_NONBLOCK);
TERN_SAME(SOL_SOCKET, TERN_SOL_SOCKET);
TERN_SAME(SO_REUSEADDR, TERN_SO_REUSEADDR);
TERN_SAME(SO_TYPE, TERN_SO_TYPE);
TERN_SAME(SO_ERROR, TERN_SO_ERROR);
TERN_SAME(SO_BROADCAST, TERN_SO_BROADCAST);
TERN_SAME(SO_SNDBUF, TERN_SO_SNDBUF);
TERN_SAME(SO_RCVBUF, TERN_SO_RCVBUF);
TERN_SAME(SO_KEEPALIVE, TERN_SO_KEEPALIVE);
TERN_SAME(SO_LINGER, TERN_SO_LINGER);
TERN_SAME(SO_RCVTIMEO, TERN_SO_RCVTIMEO);
TERN_SAME(SO_SNDTIMEO, TERN_SO_SNDTIMEO);
TERN_SAME(MSG_PEEK, TERN_MSG_PEEK);
TERN_SAME(MSG_TRUNC, TERN_MSG_TRUNC);
TERN_SAME(MSG_DONTWAIT, TERN_MSG_DONTWAIT);
TERN_SAME(MSG_WAITALL, TERN_MSG_WAITALL);
TERN_SAME(MSG_NOSIGNAL, TERN_MSG_NOSIGNAL);
TERN_SAME(SHUT_WR, TERN_SHUT_WR);
TERN_SAME(sizeof(struct sockaddr_in), sizeof(struct tern_sockaddr_in));
TERN_SAME(sizeof(struct sockaddr_in6), sizeof(struct tern_sockaddr_in6));
TERN_SAME(sizeof(struct sockaddr_storage), sizeof(struct tern_sockaddr_storage));
TERN_SAME(sizeof(struct msghdr), sizeof(struct tern_msghdr));
TERN_SAME(sizeof(socklen_t), sizeof(tern_socklen_t));
#endif
#ifdef IPPROTO_TCP
TERN_SAME(IPPROTO_TCP, TERN_IPPROTO_TCP);
TERN_SAME(IP_TTL, TERN_IP_TTL);
TERN_SAME(IP_TOS, TERN_IP_TOS);
TERN_SAME(IP_MULTICAST_TTL, TERN_IP_MULTICAST_TTL);
TERN_SAME(IP_ADD_MEMBERSHIP, TERN_IP_ADD_MEMBERSHIP);
TERN_SAME(IPPROTO_IPV6, TERN_IPPROTO_IPV6);
TERN_SAME(IPV6_UNICAST_HOPS, TERN_IPV6_UNICAST_HOPS);
TERN_SAME(IPV6_MULTICAST_HOPS, TERN_IPV6_MULTICAST_HOPS);
TERN_SAME(IPV6_JOIN_GROUP, TERN_IPV6_JOIN_GROUP);
TERN_SAME(IPV6_LEAVE_GROUP, TERN_IPV6_LEAVE_GROUP);
TERN_SAME(IPV6_V6ONLY, TERN_IPV6_V6ONLY);
TERN_SAME(sizeof(struct ipv6_mreq), sizeof(struct tern_ipv6_mreq));
#endif
#ifdef TCP_NODELAY
TERN_SAME(TCP_NODELAY, TERN_TCP_NODELAY);
TERN_SAME(TCP_KEEPIDLE, TERN_TCP_KEEPIDLE);
TERN_SAME(TCP_KEEPINTVL, TERN_TCP_KEEPINTVL);
TERN_SAME(TCP_KEEPCNT, TERN_TCP_KEEPCNT);
#endif
#ifdef POLLIN
TERN_SAME(POLLIN, TERN_POLLIN);
TERN_SAME(POLLOUT, TERN_POLLOUT);
TERN_SAME(POLLERR, TERN_POLLERR);
TERN_SAME(POLLHUP, TERN_POLLHUP);
TERN_SAME(sizeof(struct pollfd), sizeof(struct tern_pollfd));
#endif
#ifdef FIONREAD
TERN_SAME(FIONREAD, TERN_FIONREAD);
TERN_SAME(FIONBIO, TERN_FIONBIO);
#endif
#ifdef O_NONBLOCK
TERN_SAME(O_NONBLOCK, TERN_O_NONBLOCK);
TERN_SAME(F_GETFL, TERN_F_GETFL);
TERN_SAME(F_SETFL, TERN_F_SETFL);
#endif
#ifdef EAI_NONAME
TERN_SAME(EAI_NONAME, TERN_EAI_NONAME);
TERN_SAME(AI_NUMERICHOST, TERN_AI_NUMERICHOST);
TERN_SAME(sizeof(struct addrinfo), sizeof(struct tern_addrinfo));
#endif
#ifdef FD_SETSIZE
TERN_SAME(sizeof(fd_set), sizeof(tern_fd_set));
#endif
#undef TERN_SAME
#endif

#endif
