/* Shell: TCP connections (`tcp list`). */
#include <stdio.h>
#include <string.h>

#include "host.h"

#if TERN_CFG_TCP
static void print_pcb(void *ctx, const tern_tcp_pcb *pcb) {
    tern_tcp_info i;
    char l[TERN_ADDR_STRLEN], r[TERN_ADDR_STRLEN];
    (void)ctx;
    tern_tcp_get_info(pcb, &i);
    printf("%s:%u %s:%u %s cwnd %u ssthresh %u snd_wnd %u rcv_wnd %u srtt %u rto %u sndq %u unacked %u rcvq %u ooseq %u%s%s\n",
           tern_addr_format(&i.local, l, sizeof l), i.local_port, tern_addr_format(&i.remote, r, sizeof r),
           i.remote_port, tern_tcp_state_name(i.state), i.cwnd, i.ssthresh, i.snd_wnd, i.rcv_wnd, i.srtt_ms, i.rto_ms,
           i.sndq, i.unacked, i.rcvq, i.ooseq, i.wscale_ok ? " wscale" : "", i.ts_ok ? " ts" : "");
}
#endif

cmd_result cmd_tcp(host *h, int argc, char **argv, char *err, size_t errlen) {
#if TERN_CFG_TCP
    if (argc == 2 && strcmp(argv[1], "list") == 0) {
        tern_tcp_foreach(&h->stack, print_pcb, NULL);
        return CMD_OK;
    }
    snprintf(err, errlen, "usage: tcp list");
#else
    (void)h, (void)argc, (void)argv;
    snprintf(err, errlen, "TCP is not in this build");
#endif
    return CMD_ERROR;
}
