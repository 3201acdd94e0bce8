/* Error names. */
#include "tern/err.h"

const char *tern_strerror(tern_err err) {
    switch (err) {
    case TERN_OK:
        return "ok";
    case TERN_ERR_NOMEM:
        return "out of memory";
    case TERN_ERR_BUF:
        return "buffer error";
    case TERN_ERR_TIMEOUT:
        return "timed out";
    case TERN_ERR_NOROUTE:
        return "no route to host";
    case TERN_ERR_INPROGRESS:
        return "in progress";
    case TERN_ERR_INVAL:
        return "invalid argument";
    case TERN_ERR_WOULDBLOCK:
        return "would block";
    case TERN_ERR_INUSE:
        return "address in use";
    case TERN_ERR_ALREADY:
        return "already";
    case TERN_ERR_ISCONN:
        return "already connected";
    case TERN_ERR_NOTCONN:
        return "not connected";
    case TERN_ERR_NETIF:
        return "interface error";
    case TERN_ERR_ABORTED:
        return "aborted";
    case TERN_ERR_RESET:
        return "connection reset";
    case TERN_ERR_CLOSED:
        return "closed";
    case TERN_ERR_MSGSIZE:
        return "message too long";
    case TERN_ERR_NOTSUP:
        return "not supported";
    case TERN_ERR_HOSTUNREACH:
        return "host unreachable";
    case TERN_ERR_REFUSED:
        return "refused";
    case TERN_ERR_NOTFOUND:
        return "not found";
    }
    return "unknown error";
}
