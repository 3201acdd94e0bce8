/* Sockets layer internals shared by src/api/sockets*.c. */
#ifndef TERN_SOCKETS_PRIV_H
#define TERN_SOCKETS_PRIV_H

#include "tern/config.h"

#if TERN_CFG_SOCKETS

#include "tern/sockets.h"
#include "tern/stack.h"
#if TERN_CFG_IPV6
#include "wire/ipv6.h" /* address classes */
#endif

/* tern_sock.flags */
#define SOCKF_NONBLOCK 0x0001u
#define SOCKF_REUSEADDR 0x0002u
#define SOCKF_KEEPALIVE 0x0004u
#define SOCKF_BROADCAST 0x0008u
#define SOCKF_NODELAY 0x0010u
#define SOCKF_MCAST_LOOP 0x0020u
#define SOCKF_CLOSING 0x0040u    /* closed: waiters leave with TERN_EBADF */
#define SOCKF_CONNECTING 0x0080u /* a connect() returned TERN_EINPROGRESS (SS_CONNECTING) */
#define SOCKF_BOUND 0x0100u
#define SOCKF_CONNECTED 0x0200u /* UDP/raw: has a default destination */
#define SOCKF_WAS_CONNECTED 0x0400u
#define SOCKF_RCVBUF_SET 0x0800u /* SO_RCVBUF given: applied to the connection */
#define SOCKF_SNDBUF_SET 0x1000u
#define SOCKF_V6ONLY 0x2000u /* AF_INET6: IPv6 peers only (IPV6_V6ONLY) */

/* tern_sock.state (TCP; UDP and raw stay IDLE) */
enum { SOCKST_IDLE, SOCKST_LISTEN, SOCKST_SYN_SENT, SOCKST_CONNECTED, SOCKST_DEAD };
/* tern_sock.shut */
#define SOCKSH_RCV 1u
#define SOCKSH_SEND 2u
#define SOCKSH_BOTH 3u

#define SOCK_IS_STREAM(so) ((so)->type == TERN_SOCK_STREAM)

/* Find the socket of fd and enter it: the core lock is taken and the socket
 * is pinned (it stays allocated until sock_leave). NULL with errno TERN_EBADF. */
tern_sock *tern_sock_enter(int fd);
/* Leave: kick the driver, unpin, unlock. */
void tern_sock_leave(tern_sock *so);
/* Leave returning -1 with errno e. */
int tern_sock_fail(tern_sock *so, int e);
/* Leave the socket with the call's result: 0, or -1 with errno e if e is set. */
int tern_sock_done(tern_sock *so, int e);
/* Socket by descriptor without locking (NULL if fd is no socket). */
tern_sock *tern_sock_lookup(int fd);
int tern_sock_fd(const tern_sock *so);
/* Wake every waiter of so (and pollers). Core lock held. */
void tern_sock_wake(tern_sock *so);
/* Wait for an event on so with the core lock released. timeout_ms 0 means
 * forever; start is when the call began. Returns 0, TERN_ETIMEDOUT or TERN_EBADF. */
int tern_sock_wait(tern_sock *so, uint32_t timeout_ms, uint32_t start);
/* The instance tern_socket() uses in this thread. */
tern_sockets *tern_sock_current(void);
/* Registered instance number i (NULL if none). */
tern_sockets *tern_sock_instance(unsigned i);

/* Address helpers, in so's family: parse a sockaddr (TERN_EFAULT/TERN_EINVAL/
 * TERN_EAFNOSUPPORT as errno value, 0 if fine; an IPv4-mapped address comes
 * out as IPv4) and write one (truncating to *len as POSIX says; IPv4 as
 * IPv4-mapped in an AF_INET6 socket). */
int tern_sock_addr_in(const tern_sock *so, const struct tern_sockaddr *sa, tern_socklen_t len, tern_addr *a,
                      uint16_t *port, bool allow_unspec);
void tern_sock_addr_out(const tern_sock *so, struct tern_sockaddr *sa, tern_socklen_t *len,
                        const tern_addr *a, uint16_t port);
/* Leave multicast group g (either family) on the default interface. */
void tern_sock_mcast_leave(tern_sock *so, const tern_addr *g);
/* errno value for a core error. */
int tern_sock_errno(tern_err err);

/* Apply SO_RCVBUF / SO_SNDBUF to so's connection (per-connection buffers). */
void tern_sock_apply_bufsize(tern_sock *so);

/* Readiness (POLL* bits) of so. Core lock held. */
short tern_sock_poll_events(tern_sock *so);

#endif
#endif
