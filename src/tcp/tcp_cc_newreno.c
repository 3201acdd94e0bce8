/*
 * NewReno window growth and reduction (RFC 5681 3.1): one MSS per round
 * trip in congestion avoidance, half the flight after a loss.
 */
#include "tcp/tcp_priv.h"

#if TERN_CFG_TCP && TERN_CFG_TCP_CC == TERN_TCP_CC_NEWRENO

void tern_tcp_cc_avoid(tern_tcp_pcb *pcb, uint32_t acked) {
    (void)acked;
    uint32_t inc = (uint32_t)pcb->mss * pcb->mss / (pcb->cwnd ? pcb->cwnd : 1u);
    pcb->cwnd += inc ? inc : 1u;
}

uint32_t tern_tcp_cc_loss(tern_tcp_pcb *pcb) {
    uint32_t h = tern_tcp_flight(pcb) / 2u;
    uint32_t floor = 2u * pcb->mss;
    return h > floor ? h : floor;
}

#endif
