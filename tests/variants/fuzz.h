/* Fuzzing configuration: the host configuration with small pools and
 * tables, so each input starts from a fresh stack quickly and running out of
 * buffers is within the fuzzer's reach. */
#ifndef TERN_VARIANT_FUZZ_H
#define TERN_VARIANT_FUZZ_H
#include "../../configs/host.h"
#undef TERN_CFG_PBUF_COUNT
#define TERN_CFG_PBUF_COUNT 256
#undef TERN_CFG_TCP_PCBS
#define TERN_CFG_TCP_PCBS 64
#undef TERN_CFG_TCP_HASH
#define TERN_CFG_TCP_HASH 64
#undef TERN_CFG_TCP_BUF_MAX
#define TERN_CFG_TCP_BUF_MAX (1024u * 1024u)
#endif
