/* Error codes returned by every Tern call: 0 is success, negatives are errors. */
#ifndef TERN_ERR_H
#define TERN_ERR_H

typedef enum tern_err {
    TERN_OK = 0,
    TERN_ERR_NOMEM = -1,        /* a pool is exhausted */
    TERN_ERR_BUF = -2,          /* buffer too small / headroom missing */
    TERN_ERR_TIMEOUT = -3,      /* operation timed out */
    TERN_ERR_NOROUTE = -4,      /* no route to the destination */
    TERN_ERR_INPROGRESS = -5,   /* operation started, completes later */
    TERN_ERR_INVAL = -6,        /* invalid argument */
    TERN_ERR_WOULDBLOCK = -7,   /* operation would block */
    TERN_ERR_INUSE = -8,        /* address or port in use */
    TERN_ERR_ALREADY = -9,      /* already in progress / already done */
    TERN_ERR_ISCONN = -10,      /* already connected */
    TERN_ERR_NOTCONN = -11,     /* not connected */
    TERN_ERR_NETIF = -12,       /* interface down or driver error */
    TERN_ERR_ABORTED = -13,     /* connection aborted */
    TERN_ERR_RESET = -14,       /* connection reset by peer */
    TERN_ERR_CLOSED = -15,      /* object closed */
    TERN_ERR_MSGSIZE = -16,     /* message too long */
    TERN_ERR_NOTSUP = -17,      /* feature not supported / compiled out */
    TERN_ERR_HOSTUNREACH = -18, /* next hop could not be resolved */
    TERN_ERR_REFUSED = -19,     /* peer refused: port or protocol unreachable */
    TERN_ERR_NOTFOUND = -20     /* name does not exist (DNS NXDOMAIN) */
} tern_err;

/* A short constant name for an error code ("no memory", ...). */
const char *tern_strerror(tern_err err);

#endif
