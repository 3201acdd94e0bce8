/* Internet checksum: reference values, odd lengths, chains split anywhere. */
#include <stdlib.h>
#include <string.h>

#include "core/chksum.h"
#include "testutil.h"

/* The 32-bit targets' implementation, compiled here under other names so
 * the host (64-bit) can check it against its own. */
#define TERN_CSUM_WORD32 1
#define tern_csum_partial csum32_partial
#define tern_csum_pbuf csum32_pbuf
#define tern_csum_pseudo4 csum32_pseudo4
#define tern_csum_pseudo6 csum32_pseudo6
#define tern_csum_finish csum32_finish
#include "../../src/core/chksum.c"
#undef tern_csum_partial
#undef tern_csum_pbuf
#undef tern_csum_pseudo4
#undef tern_csum_finish

static void test_rfc1071_example(void **state) {
    (void)state;
    /* RFC 1071 section 3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2. */
    const uint8_t d[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    uint16_t c = tern_csum_finish(tern_csum_partial(d, sizeof d, 0));
    uint8_t out[2];
    tern_csum_store(out, c);
    assert_int_equal((out[0] << 8) | out[1], (uint16_t)~0xddf2);
}

static void test_matches_reference_all_lengths(void **state) {
    (void)state;
    uint8_t buf[300];
    srand(7);
    for (size_t len = 0; len < sizeof buf; len++) {
        for (size_t i = 0; i < len; i++)
            buf[i] = (uint8_t)rand();
        for (size_t off = 0; off < 4 && off <= len; off++) {
            uint8_t out[2];
            tern_csum_store(out, tern_csum_finish(tern_csum_partial(buf + off, len - off, 0)));
            assert_int_equal((out[0] << 8) | out[1], inet_checksum(buf + off, len - off, 0));
        }
    }
}

static void test_chain_split_at_odd_offsets(void **state) {
    (void)state;
    tern_stack *s = stack_new(3);
    uint8_t data[3001];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 31 + 5);
    for (uint16_t split = 1; split < 40; split += 3) {
        tern_pbuf *a = tern_pbuf_alloc(s, 0, split);
        tern_pbuf *b = tern_pbuf_alloc(s, 0, (uint16_t)(sizeof data - split));
        tern_pbuf_copy_in(a, 0, data, split);
        tern_pbuf_copy_in(b, 0, data + split, (uint16_t)(sizeof data - split));
        tern_pbuf_cat(a, b);
        for (uint16_t off = 0; off < 3; off++) {
            uint8_t out[2];
            tern_csum_store(out, tern_csum_finish(tern_csum_pbuf(a, off, (uint16_t)(a->tot_len - off), 0)));
            assert_int_equal((out[0] << 8) | out[1], inet_checksum(data + off, sizeof data - off, 0));
        }
        tern_pbuf_free(s, a);
    }
    stack_free_checked(s);
}

/* Both implementations agree on every length, start alignment and seed. */
static void test_word32_variant_agrees(void **state) {
    (void)state;
    uint8_t buf[200];
    srand(7);
    for (unsigned i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)rand();
    for (unsigned start = 0; start < 4; start++)
        for (size_t len = 0; len + start <= sizeof buf; len++) {
            uint32_t seed = (uint32_t)rand() & 0x1FFFFu;
            uint16_t a = tern_csum_finish(tern_csum_partial(buf + start, len, seed));
            uint16_t b = csum32_finish(csum32_partial(buf + start, len, seed));
            if (a != b)
                fail_msg("start %u len %zu: %04x != %04x", start, len, a, b);
        }
    memset(buf, 0xFF, sizeof buf); /* carries on every word */
    assert_int_equal(tern_csum_finish(tern_csum_partial(buf, 199, 0xFFFF)),
                     csum32_finish(csum32_partial(buf, 199, 0xFFFF)));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc1071_example),
        cmocka_unit_test(test_matches_reference_all_lengths),
        cmocka_unit_test(test_chain_split_at_odd_offsets),
        cmocka_unit_test(test_word32_variant_agrees),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
