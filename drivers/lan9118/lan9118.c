/*
 * SMSC LAN9118 driver: polled, programmed I/O through the data FIFOs.
 *
 * Receive: each frame leaves an RX status word (length incl. the 4-byte FCS,
 * error bits) in the RX status FIFO and its bytes, little-endian, in whole
 * 32-bit words of the RX data FIFO. The driver copies them into one pool
 * buffer and calls tern_netif_input().
 * Send: two command words (A: buffer length, first/last segment; B: tag and
 * frame length) then the bytes in whole words; the MAC adds padding to 60
 * bytes and the FCS. The TX status FIFO reports each frame's outcome.
 * All register access is 32-bit; no unaligned access (frame bytes are
 * assembled a byte at a time unless the buffer is word aligned).
 */
#include "lan9118.h"

#include <string.h>

#include "tern/pbuf.h"
#include "tern/stack.h"

/* ---- System control and status registers (byte offsets) ---- */
#define RX_DATA_FIFO 0x00u
#define TX_DATA_FIFO 0x20u
#define RX_STATUS_FIFO 0x40u
#define TX_STATUS_FIFO 0x48u
#define ID_REV 0x50u
#define IRQ_CFG 0x54u
#define INT_STS 0x58u
#define INT_EN 0x5Cu
#define BYTE_TEST 0x64u
#define RX_CFG 0x6Cu
#define TX_CFG 0x70u
#define HW_CFG 0x74u
#define RX_FIFO_INF 0x7Cu
#define TX_FIFO_INF 0x80u
#define PMT_CTRL 0x84u
#define RX_DROP 0xA0u
#define MAC_CSR_CMD 0xA4u
#define MAC_CSR_DATA 0xA8u
#define AFC_CFG 0xACu

#define HW_CFG_SRST 0x00000001u
#define HW_CFG_MBO 0x00100000u       /* must be one */
#define HW_CFG_TX_FIF_5K 0x00050000u /* TX FIFO 5 KB (4.5 KB data), RX FIFO the rest */
#define PMT_CTRL_READY 0x00000001u
#define IRQ_CFG_TYPE 0x00000001u /* push-pull ... */
#define IRQ_CFG_POL 0x00000010u  /* ... active high */
#define IRQ_CFG_EN 0x00000100u
#define INT_RSFL 0x00000008u /* RX status FIFO above its level (0: any frame) */
#define TX_CFG_ON 0x00000002u
#define TX_CFG_TXSAO 0x00000004u /* TX status FIFO may overrun: we read it anyway */
#define RX_CFG_DUMP 0x00008000u
#define AFC_CFG_DEFAULT 0x006E3740u /* flow-control thresholds the datasheet suggests */

/* RX status word */
#define RXS_LEN(st) (((st) >> 16) & 0x3FFFu)
#define RXS_ERROR 0x00008000u /* error summary */
#define RXS_FILTER_FAIL 0x40000000u
/* TX command A / B, TX status */
#define TXA_FIRST 0x00002000u
#define TXA_LAST 0x00001000u
#define TXS_ERROR 0x00008000u

/* ---- MAC control and status registers (through MAC_CSR_CMD/DATA) ---- */
#define MAC_CR 1u
#define MAC_ADDRH 2u
#define MAC_ADDRL 3u
#define MAC_HASHH 4u
#define MAC_HASHL 5u
#define MAC_MII_ACC 6u
#define MAC_MII_DATA 7u
#define CSR_BUSY 0x80000000u
#define CSR_READ 0x40000000u
#define MAC_CR_RXEN 0x00000004u
#define MAC_CR_TXEN 0x00000008u
#define MAC_CR_FDPX 0x00100000u
#define MAC_CR_HPFILT 0x00002000u /* multicast through the hash filter */
#define MII_BUSY 0x00000001u
#define MII_WRITE 0x00000002u

/* ---- PHY (internal, address 1) ---- */
#define PHY_ADDR 1u
#define PHY_BMCR 0u
#define PHY_BMSR 1u
#define PHY_ANAR 4u
#define BMCR_RESET 0x8000u
#define BMCR_ANENABLE 0x1000u
#define BMCR_ANRESTART 0x0200u
#define BMSR_LINK 0x0004u
#define ANAR_ALL_10_100 0x01E1u /* 10/100, half/full, IEEE 802.3 */

/* Bounded waits (register polls). */
#define WAIT_POLLS 100000u

#define ETH_HDR 14u
#define FCS_LEN 4u
#define FRAME_MAX 1514u

static inline uint32_t rd(const lan9118 *d, uint32_t off) {
    return *(volatile uint32_t *)(d->base + off);
}

static inline void wr(const lan9118 *d, uint32_t off, uint32_t v) {
    *(volatile uint32_t *)(d->base + off) = v;
}

static bool wait_clear(const lan9118 *d, uint32_t off, uint32_t mask) {
    for (uint32_t i = 0; i < WAIT_POLLS; i++)
        if ((rd(d, off) & mask) == 0)
            return true;
    return false;
}

static uint32_t mac_read(const lan9118 *d, uint32_t reg) {
    wait_clear(d, MAC_CSR_CMD, CSR_BUSY);
    wr(d, MAC_CSR_CMD, CSR_BUSY | CSR_READ | reg);
    wait_clear(d, MAC_CSR_CMD, CSR_BUSY);
    return rd(d, MAC_CSR_DATA);
}

static void mac_write(const lan9118 *d, uint32_t reg, uint32_t v) {
    wait_clear(d, MAC_CSR_CMD, CSR_BUSY);
    wr(d, MAC_CSR_DATA, v);
    wr(d, MAC_CSR_CMD, CSR_BUSY | reg);
    wait_clear(d, MAC_CSR_CMD, CSR_BUSY);
}

static uint16_t phy_read(const lan9118 *d, uint32_t reg) {
    for (uint32_t i = 0; i < WAIT_POLLS && (mac_read(d, MAC_MII_ACC) & MII_BUSY); i++) {
    }
    mac_write(d, MAC_MII_ACC, (PHY_ADDR << 11) | (reg << 6) | MII_BUSY);
    for (uint32_t i = 0; i < WAIT_POLLS && (mac_read(d, MAC_MII_ACC) & MII_BUSY); i++) {
    }
    return (uint16_t)mac_read(d, MAC_MII_DATA);
}

static void phy_write(const lan9118 *d, uint32_t reg, uint16_t v) {
    for (uint32_t i = 0; i < WAIT_POLLS && (mac_read(d, MAC_MII_ACC) & MII_BUSY); i++) {
    }
    mac_write(d, MAC_MII_DATA, v);
    mac_write(d, MAC_MII_ACC, (PHY_ADDR << 11) | (reg << 6) | MII_WRITE | MII_BUSY);
    for (uint32_t i = 0; i < WAIT_POLLS && (mac_read(d, MAC_MII_ACC) & MII_BUSY); i++) {
    }
}

/* ---- Setup ------------------------------------------------------------------ */

static void set_station_address(lan9118 *d, const uint8_t mac[6]) {
    mac_write(d, MAC_ADDRL,
              (uint32_t)mac[0] | ((uint32_t)mac[1] << 8) | ((uint32_t)mac[2] << 16) |
                  ((uint32_t)mac[3] << 24));
    mac_write(d, MAC_ADDRH, (uint32_t)mac[4] | ((uint32_t)mac[5] << 8));
}

static void get_station_address(lan9118 *d) {
    uint32_t lo = mac_read(d, MAC_ADDRL), hi = mac_read(d, MAC_ADDRH);
    d->mac[0] = (uint8_t)lo;
    d->mac[1] = (uint8_t)(lo >> 8);
    d->mac[2] = (uint8_t)(lo >> 16);
    d->mac[3] = (uint8_t)(lo >> 24);
    d->mac[4] = (uint8_t)hi;
    d->mac[5] = (uint8_t)(hi >> 8);
}

static bool phy_setup(const lan9118 *d) {
    phy_write(d, PHY_BMCR, BMCR_RESET);
    uint32_t i = 0;
    while (i < WAIT_POLLS && (phy_read(d, PHY_BMCR) & BMCR_RESET))
        i++;
    if (i == WAIT_POLLS)
        return false;
    phy_write(d, PHY_ANAR, ANAR_ALL_10_100);
    phy_write(d, PHY_BMCR, BMCR_ANENABLE | BMCR_ANRESTART);
    return true;
}

tern_err lan9118_init(lan9118 *d, uintptr_t base, const uint8_t mac[6]) {
    memset(d, 0, sizeof *d);
    d->base = base;
    if (rd(d, BYTE_TEST) != LAN9118_BYTE_TEST_VALUE || (rd(d, ID_REV) >> 16) != LAN9118_ID)
        return TERN_ERR_NETIF;
    wr(d, HW_CFG, HW_CFG_SRST);
    if (!wait_clear(d, HW_CFG, HW_CFG_SRST))
        return TERN_ERR_NETIF;
    for (uint32_t i = 0; (rd(d, PMT_CTRL) & PMT_CTRL_READY) == 0; i++)
        if (i == WAIT_POLLS)
            return TERN_ERR_NETIF;
    wr(d, HW_CFG, HW_CFG_TX_FIF_5K | HW_CFG_MBO);
    wr(d, AFC_CFG, AFC_CFG_DEFAULT);
    wr(d, INT_EN, 0); /* polled: no interrupts */
    wr(d, INT_STS, 0xFFFFFFFFu);
    wr(d, IRQ_CFG, IRQ_CFG_TYPE | IRQ_CFG_POL);
    if (mac)
        set_station_address(d, mac);
    get_station_address(d);
    if (!phy_setup(d))
        return TERN_ERR_NETIF;
    mac_write(d, MAC_HASHH, 0);
    mac_write(d, MAC_HASHL, 0);
    wr(d, RX_CFG, RX_CFG_DUMP); /* empty the RX FIFOs, no data offset, 4-byte end alignment */
    wr(d, TX_CFG, TX_CFG_ON | TX_CFG_TXSAO);
    mac_write(d, MAC_CR, MAC_CR_TXEN | MAC_CR_RXEN | MAC_CR_FDPX | MAC_CR_HPFILT);
    return TERN_OK;
}

/* ---- Multicast hash filter ----------------------------------------------- */

unsigned lan9118_hash_index(const uint8_t mac[6]) {
    uint32_t crc = 0xFFFFFFFFu; /* Ethernet CRC-32, bit-serial, not inverted */
    for (unsigned i = 0; i < 6; i++) {
        uint8_t b = mac[i];
        for (unsigned j = 0; j < 8; j++, b >>= 1) {
            uint32_t carry = (crc >> 31) ^ (b & 1u);
            crc <<= 1;
            if (carry)
                crc ^= 0x04C11DB7u;
        }
    }
    return crc >> 26;
}

static void program_hash(lan9118 *d) {
    uint32_t hi = 0, lo = 0;
    for (unsigned i = 0; i < 64; i++) {
        if (d->hash_refs[i] == 0)
            continue;
        if (i & 32u)
            hi |= 1u << (i & 31u);
        else
            lo |= 1u << (i & 31u);
    }
    mac_write(d, MAC_HASHH, hi);
    mac_write(d, MAC_HASHL, lo);
}

void lan9118_hash_filter(const lan9118 *d, uint32_t *high, uint32_t *low) {
    *high = mac_read(d, MAC_HASHH);
    *low = mac_read(d, MAC_HASHL);
}

static void lan9118_mcast_filter(tern_netif *nif, const uint8_t mac[6], bool add) {
    lan9118 *d = nif->driver;
    uint8_t *refs = &d->hash_refs[lan9118_hash_index(mac)];
    if (add && *refs < UINT8_MAX)
        (*refs)++;
    else if (!add && *refs > 0)
        (*refs)--;
    program_hash(d);
}

/* ---- Send ------------------------------------------------------------------- */

/* Stream a frame's bytes into the TX data FIFO in little-endian words. */
static void tx_copy(lan9118 *d, const tern_pbuf *p) {
    uint32_t word = 0;
    unsigned have = 0; /* bytes collected in word */
    for (; p; p = p->next) {
        const uint8_t *b = p->payload;
        uint16_t n = p->len;
        if (have == 0 && ((uintptr_t)b & 3u) == 0) {
            for (; n >= 4; n -= 4, b += 4)
                wr(d, TX_DATA_FIFO, *(const uint32_t *)(const void *)b);
        }
        for (; n > 0; n--, b++) {
            word |= (uint32_t)*b << (8u * have);
            if (++have == 4) {
                wr(d, TX_DATA_FIFO, word);
                word = 0;
                have = 0;
            }
        }
    }
    if (have)
        wr(d, TX_DATA_FIFO, word);
}

static void tx_reap(lan9118 *d) {
    uint32_t used = (rd(d, TX_FIFO_INF) >> 16) & 0xFFu;
    while (used--) {
        if (rd(d, TX_STATUS_FIFO) & TXS_ERROR)
            d->counters.tx_errors++;
    }
}

static tern_err lan9118_output(tern_netif *nif, tern_pbuf *p) {
    lan9118 *d = nif->driver;
    uint32_t len = p->tot_len;
    if (len < ETH_HDR || len > FRAME_MAX) {
        d->counters.tx_errors++;
        return TERN_ERR_MSGSIZE;
    }
    /* Free data space (TDFREE, bytes) for the two command words and the data. */
    uint32_t i = 0;
    while ((rd(d, TX_FIFO_INF) & 0xFFFFu) < len + 8u + 3u) {
        tx_reap(d);
        if (++i == WAIT_POLLS) {
            d->counters.tx_errors++;
            return TERN_ERR_WOULDBLOCK;
        }
    }
    wr(d, TX_DATA_FIFO, TXA_FIRST | TXA_LAST | len);
    wr(d, TX_DATA_FIFO, (len << 16) | len); /* tag = length, for the status word */
    tx_copy(d, p);
    d->counters.tx_frames++;
    d->counters.tx_bytes += len;
    tx_reap(d);
    return TERN_OK;
}

/* ---- Receive ---------------------------------------------------------------- */

static void rx_discard(lan9118 *d, uint32_t words) {
    while (words--)
        (void)rd(d, RX_DATA_FIFO);
}

/* Copy len frame bytes (then the FCS word(s)) from the FIFO into dst. */
static void rx_copy(lan9118 *d, uint8_t *dst, uint32_t len, uint32_t words) {
    uint32_t n = len;
    if (((uintptr_t)dst & 3u) == 0) {
        for (; n >= 4; n -= 4, dst += 4, words--)
            *(uint32_t *)(void *)dst = rd(d, RX_DATA_FIFO);
    } else {
        for (; n >= 4; n -= 4, words--) {
            uint32_t w = rd(d, RX_DATA_FIFO);
            *dst++ = (uint8_t)w;
            *dst++ = (uint8_t)(w >> 8);
            *dst++ = (uint8_t)(w >> 16);
            *dst++ = (uint8_t)(w >> 24);
        }
    }
    if (n) {
        uint32_t w = rd(d, RX_DATA_FIFO);
        words--;
        for (; n > 0; n--, w >>= 8)
            *dst++ = (uint8_t)w;
    }
    rx_discard(d, words); /* the rest of the FCS */
}

unsigned lan9118_receive(lan9118 *d, unsigned max) {
    tern_netif *nif = d->nif;
    unsigned done = 0;
    d->counters.rx_hw_drops += rd(d, RX_DROP); /* clears on read */
    while (done < max && ((rd(d, RX_FIFO_INF) >> 16) & 0xFFu) != 0) {
        uint32_t st = rd(d, RX_STATUS_FIFO);
        uint32_t len = RXS_LEN(st), words = (len + 3u) / 4u;
        done++;
        if ((st & (RXS_ERROR | RXS_FILTER_FAIL)) || len < ETH_HDR + FCS_LEN || len > FRAME_MAX + FCS_LEN) {
            rx_discard(d, words);
            d->counters.rx_errors++;
            nif->counters.rx_drops++;
            continue;
        }
        len -= FCS_LEN;
        tern_pbuf *p = tern_pbuf_alloc(nif->stack, 0, (uint16_t)len);
        if (p == NULL || p->len != len) { /* one contiguous buffer, or none */
            tern_pbuf_free(nif->stack, p);
            rx_discard(d, words);
            d->counters.rx_nomem++;
            nif->counters.rx_drops++;
            continue;
        }
        rx_copy(d, p->payload, len, words);
        d->counters.rx_frames++;
        d->counters.rx_bytes += len;
        tern_netif_input(nif, p);
    }
    return done;
}

bool lan9118_rx_pending(const lan9118 *d) {
    return ((rd(d, RX_FIFO_INF) >> 16) & 0xFFu) != 0;
}

void lan9118_irq_enable(lan9118 *d, bool on) {
    if (on) {
        wr(d, INT_STS, INT_RSFL); /* acknowledge what the loop has seen */
        wr(d, INT_EN, INT_RSFL);
        wr(d, IRQ_CFG, IRQ_CFG_TYPE | IRQ_CFG_POL | IRQ_CFG_EN);
    } else {
        wr(d, INT_EN, 0);
    }
}

/* ---- Link -------------------------------------------------------------------- */

bool lan9118_link_poll(lan9118 *d) {
    (void)phy_read(d, PHY_BMSR); /* the link bit latches low: read twice */
    bool up = (phy_read(d, PHY_BMSR) & BMSR_LINK) != 0;
    if (up != d->link) {
        d->link = up;
        d->counters.link_changes++;
        if (d->nif)
            tern_netif_set_link(d->nif, up);
    }
    return up;
}

static const tern_netif_ops lan9118_ops = {.link_output = lan9118_output,
                                           .mcast_filter = lan9118_mcast_filter};

void lan9118_netif_init(lan9118 *d, tern_netif *nif, const char *name) {
    /* IGMP hosts are members of all-hosts (224.0.0.1) without joining it. */
    static const uint8_t all_hosts[6] = {0x01, 0x00, 0x5E, 0x00, 0x00, 0x01};
    tern_netif_init(nif, name, TERN_LINK_ETHERNET, &lan9118_ops, d);
    memcpy(nif->hwaddr, d->mac, 6);
    nif->mtu = 1500;
    nif->offload = 0;
    d->nif = nif;
    lan9118_mcast_filter(nif, all_hosts, true);
}
