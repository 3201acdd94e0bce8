/*
 * Classic pcap writer (LINKTYPE_ETHERNET, microsecond timestamps) usable as
 * a netif tee:
 *
 *   tern_pcap pc;
 *   if (tern_pcap_open(&pc, "run.pcap", 0) == 0)
 *       tern_netif_set_tee(&nif, tern_pcap_tee, &pc);
 *
 * Each record is written with a single write() as soon as it is seen, so a
 * killed process leaves a valid file (at worst without its last record).
 */
#ifndef TERN_PCAP_H
#define TERN_PCAP_H

#include <stdbool.h>
#include <stdint.h>

#include "tern/netif.h"
#include "tern/pbuf.h"

#define TERN_PCAP_SNAPLEN 65535u
#define TERN_PCAP_HDR_LEN 24u
#define TERN_PCAP_REC_LEN 16u

typedef struct tern_pcap {
    int fd;
    uint32_t snaplen;
    uint32_t packets; /* records written */
    uint32_t errors;  /* records that could not be written */
    uint8_t buf[TERN_PCAP_REC_LEN + TERN_PCAP_SNAPLEN];
} tern_pcap;

/* Create (truncate) path and write the file header. snaplen 0 means
 * TERN_PCAP_SNAPLEN. Returns 0 or -errno. */
int tern_pcap_open(tern_pcap *pc, const char *path, uint32_t snaplen);

/* Append one frame with the given timestamp. Returns 0 or -errno. */
int tern_pcap_write(tern_pcap *pc, const tern_pbuf *p, uint32_t sec, uint32_t usec);

/* A tern_netif_tee_fn: ctx is a tern_pcap; timestamps from the wall clock. */
void tern_pcap_tee(void *ctx, tern_netif *nif, const tern_pbuf *p, bool outgoing);

void tern_pcap_close(tern_pcap *pc);

#endif
