/*
 * The data sender's side of SACK (RFC 2018, with loss recovery after RFC
 * 6675 in a simplified form): a small scoreboard of the ranges the peer
 * reports holding beyond the cumulative ACK, and the next hole to
 * retransmit. During fast recovery each duplicate ACK (and each partial
 * ACK) retransmits the next hole, so several losses in one window are
 * repaired in one round trip instead of one per round trip (NewReno).
 */
#include "tcp/tcp_priv.h"

#if TERN_CFG_TCP_SACK

#define SB_MAX TERN_CFG_TCP_SACK_BLOCKS

static void prune(tern_tcp_pcb *pcb) {
    unsigned k = 0;
    for (unsigned i = 0; i < pcb->nsacked; i++) {
        if (SEQ_LEQ(pcb->sacked[i][1], pcb->snd_una))
            continue; /* acknowledged now */
        if (SEQ_LT(pcb->sacked[i][0], pcb->snd_una))
            pcb->sacked[i][0] = pcb->snd_una;
        pcb->sacked[k][0] = pcb->sacked[i][0];
        pcb->sacked[k][1] = pcb->sacked[i][1];
        k++;
    }
    pcb->nsacked = (uint8_t)k;
}

/* Add [l, r) keeping the ranges sorted and disjoint (the highest one is
 * dropped when the table is full: it matters least for the next hole). */
static void add_range(tern_tcp_pcb *pcb, uint32_t l, uint32_t r) {
    unsigned i = 0;
    while (i < pcb->nsacked && SEQ_LT(pcb->sacked[i][1], l))
        i++;
    /* Merge every range that touches [l, r). */
    unsigned j = i;
    while (j < pcb->nsacked && SEQ_LEQ(pcb->sacked[j][0], r)) {
        if (SEQ_LT(pcb->sacked[j][0], l))
            l = pcb->sacked[j][0];
        if (SEQ_GT(pcb->sacked[j][1], r))
            r = pcb->sacked[j][1];
        j++;
    }
    unsigned removed = j - i;
    if (!removed && pcb->nsacked == SB_MAX) {
        if (i == SB_MAX)
            return;
        pcb->nsacked--; /* make room: forget the highest range */
    }
    /* Replace [i, j) by one range. */
    unsigned n = pcb->nsacked;
    if (removed == 0) {
        for (unsigned k = n; k > i; k--) {
            pcb->sacked[k][0] = pcb->sacked[k - 1][0];
            pcb->sacked[k][1] = pcb->sacked[k - 1][1];
        }
        pcb->nsacked++;
    } else {
        for (unsigned k = j; k < n; k++) {
            pcb->sacked[k - removed + 1][0] = pcb->sacked[k][0];
            pcb->sacked[k - removed + 1][1] = pcb->sacked[k][1];
        }
        pcb->nsacked = (uint8_t)(n - removed + 1u);
    }
    pcb->sacked[i][0] = l;
    pcb->sacked[i][1] = r;
}

void tern_tcp_sack_update(tern_tcp_pcb *pcb, const tern_tcp_repr *h) {
    if ((pcb->flags & TERN_TCPF_SACK) && h->nsack) {
        for (unsigned b = 0; b < h->nsack; b++) {
            uint32_t l = h->sack[b][0], r = h->sack[b][1];
            /* RFC 6675 5.1: only blocks inside what is in flight count. */
            if (!SEQ_LT(l, r) || SEQ_LEQ(r, pcb->snd_una) || SEQ_GT(r, pcb->snd_max))
                continue;
            add_range(pcb, SEQ_LT(l, pcb->snd_una) ? pcb->snd_una : l, r);
        }
    }
    prune(pcb);
}

void tern_tcp_sack_clear(tern_tcp_pcb *pcb) {
    pcb->nsacked = 0;
    pcb->high_rxt = pcb->snd_una;
}

bool tern_tcp_sack_next_hole(const tern_tcp_pcb *pcb, uint32_t from, uint32_t *seq, uint16_t *len) {
    uint32_t s = SEQ_LT(from, pcb->snd_una) ? pcb->snd_una : from;
    uint32_t data_end = pcb->snd_una + pcb->sndq_len;
    for (unsigned i = 0; i < pcb->nsacked; i++) {
        if (SEQ_LT(s, pcb->sacked[i][0])) {
            uint32_t end = SEQ_LT(pcb->sacked[i][0], data_end) ? pcb->sacked[i][0] : data_end;
            if (!SEQ_LT(s, end))
                return false;
            uint32_t n = end - s;
            *seq = s;
            *len = (uint16_t)(n < tern_tcp_smss(pcb) ? n : tern_tcp_smss(pcb));
            return true;
        }
        if (SEQ_LT(s, pcb->sacked[i][1]))
            s = pcb->sacked[i][1];
    }
    return false;
}

#endif
