/* IPv4 fragmentation on output (RFC 791 section 3.2). Each fragment is a
 * fresh pool buffer: the payload is copied, the original freed. */
#include <string.h>

#include "core/chksum.h"
#include "ipv4/ipv4_priv.h"

#if TERN_CFG_IPV4

#if TERN_CFG_IPV4_FRAG || TERN_CFG_IPV4_FORWARD

/* Options that must be copied into every fragment (copy flag set). */
static uint8_t copied_options(const uint8_t *opt, uint8_t len, uint8_t *out) {
    uint8_t n = 0, i = 0;
    while (i < len && opt[i] != 0) {
        if (opt[i] == 1) {
            i++;
            continue;
        }
        uint8_t olen = opt[i + 1]; /* validated on input */
        if (opt[i] & 0x80u) {
            memcpy(out + n, opt + i, olen);
            n = (uint8_t)(n + olen);
        }
        i = (uint8_t)(i + olen);
    }
    while (n & 3u)
        out[n++] = 0;
    return n;
}

tern_err tern_ipv4_fragment(tern_netif *nif, tern_pbuf *p, const tern_ipv4_repr *ip, uint32_t next_hop) {
    tern_stack *s = nif->stack;
    uint8_t opts[40], later_opts[40];
    uint8_t olen = (uint8_t)(ip->hlen - TERN_WIRE_IPV4_HLEN);
    tern_pbuf_copy_out(p, TERN_WIRE_IPV4_HLEN, opts, olen);
    uint8_t later_olen = olen ? copied_options(opts, olen, later_opts) : 0;
    uint16_t data_len = (uint16_t)(ip->total_len - ip->hlen);
    uint16_t done = 0;
    tern_err err = TERN_OK;
    while (done < data_len && err == TERN_OK) {
        uint8_t hlen = (uint8_t)(TERN_WIRE_IPV4_HLEN + (done ? later_olen : olen));
        uint16_t room = (uint16_t)((nif->mtu - hlen) & ~7u);
        if (room < 8) {
            err = TERN_ERR_MSGSIZE;
            break;
        }
        uint16_t n = (uint16_t)(data_len - done < room ? data_len - done : room);
        tern_pbuf *f = tern_pbuf_alloc(s, TERN_PBUF_LINK_HEADROOM, (uint16_t)(hlen + n));
        if (!f) {
            TERN_STAT_INC(s, IPV4_DROP_NOMEM);
            err = TERN_ERR_NOMEM;
            break;
        }
        tern_ipv4_repr fr = *ip;
        fr.total_len = (uint16_t)(hlen + n);
        fr.frag_off = (uint16_t)(ip->frag_off + done);
        fr.mf = (uint8_t)(done + n < data_len || ip->mf);
        uint8_t hdr[TERN_WIRE_IPV4_MAX_HLEN];
        tern_ipv4_emit(hdr, &fr, false);
        memcpy(hdr + TERN_WIRE_IPV4_HLEN, done ? later_opts : opts, (size_t)(hlen - TERN_WIRE_IPV4_HLEN));
        hdr[0] = (uint8_t)(0x40u | (hlen / 4u));
        if (!(nif->offload & TERN_OFFLOAD_TX_IPV4))
            tern_csum_store(hdr + 10, tern_csum_finish(tern_csum_partial(hdr, hlen, 0)));
        tern_pbuf_copy_in(f, 0, hdr, hlen);
        tern_pbuf_copy_pbuf(f, hlen, p, (uint16_t)(ip->hlen + done), n);
        TERN_STAT_INC(s, IPV4_FRAG_TX);
        err = tern_ipv4_send_on(nif, f, next_hop);
        done = (uint16_t)(done + n);
    }
    tern_pbuf_free(s, p);
    return err;
}

#endif

#endif /* TERN_CFG_IPV4 */
