/* UDP echo (RFC 862, port 7) and discard (RFC 863, port 9). The echo reply
 * reuses the received buffer: the headers are prepended in its headroom. */
#include "tern/echo.h"

#include "tern/stack.h"
#include "tern/udp.h"

#if TERN_CFG_APP_ECHO

static void on_echo(void *ctx, tern_udp_pcb *pcb, tern_pbuf *p, const tern_udp_info *info) {
    (void)ctx;
    (void)tern_udp_sendto(pcb, p, &info->src, info->sport);
}

static void on_discard(void *ctx, tern_udp_pcb *pcb, tern_pbuf *p, const tern_udp_info *info) {
    (void)ctx, (void)info;
    tern_pbuf_free(pcb->stack, p);
}

static tern_err serve(tern_stack *s, uint16_t port, tern_udp_recv_fn fn) {
    tern_udp_pcb *pcb = tern_udp_new(s);
    if (!pcb)
        return TERN_ERR_NOMEM;
    tern_err err = tern_udp_bind(pcb, NULL, port);
    if (err) {
        tern_udp_free(pcb);
        return err;
    }
    tern_udp_set_recv(pcb, fn, NULL);
    return TERN_OK;
}

tern_err tern_echo_start(tern_stack *s) {
    tern_err err = serve(s, 7, on_echo);
    return err ? err : serve(s, 9, on_discard);
}

#else
tern_err tern_echo_start(tern_stack *s) {
    (void)s;
    return TERN_ERR_NOTSUP;
}
#endif
