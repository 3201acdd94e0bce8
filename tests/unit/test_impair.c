/* The impairment specification parser: "loss=5,dup=1,...". */
#include <string.h>

#include "testutil.h"
#include "tern/impair.h"

static void test_parses_all_probabilities(void **state) {
    (void)state;
    tern_impair_config c;
    const char *bad = NULL;
    assert_true(tern_impair_parse("loss=5,dup=1,reorder=5,corrupt=1,seed=1", &c, &bad));
    assert_int_equal(c.loss_ppm, 50000);
    assert_int_equal(c.dup_ppm, 10000);
    assert_int_equal(c.reorder_ppm, 50000);
    assert_int_equal(c.corrupt_ppm, 10000);
    assert_int_equal(c.seed, 1);
    assert_int_equal(c.delay_ms, 0);
    assert_int_equal(c.jitter_ms, 0);
    assert_int_equal(c.rate_bps, 0);
    assert_null(bad);
}

static void test_parses_decimals(void **state) {
    (void)state;
    tern_impair_config c;
    assert_true(tern_impair_parse("loss=0.5", &c, NULL));
    assert_int_equal(c.loss_ppm, 5000);
    assert_true(tern_impair_parse("dup=12.25,corrupt=0.0001", &c, NULL));
    assert_int_equal(c.dup_ppm, 122500);
    assert_int_equal(c.corrupt_ppm, 1);
    assert_true(tern_impair_parse("loss=100", &c, NULL));
    assert_int_equal(c.loss_ppm, 1000000);
    assert_true(tern_impair_parse("reorder=0", &c, NULL));
    assert_int_equal(c.reorder_ppm, 0);
}

static void test_parses_delay_jitter_rate(void **state) {
    (void)state;
    tern_impair_config c;
    assert_true(tern_impair_parse("delay=10,jitter=5,rate=1000000", &c, NULL));
    assert_int_equal(c.delay_ms, 10);
    assert_int_equal(c.jitter_ms, 5);
    assert_int_equal(c.rate_bps, 1000000);
    assert_int_equal(c.loss_ppm, 0);
}

static void test_later_call_starts_from_zero(void **state) {
    (void)state;
    tern_impair_config c;
    assert_true(tern_impair_parse("loss=5,delay=3", &c, NULL));
    assert_true(tern_impair_parse("dup=1", &c, NULL));
    assert_int_equal(c.loss_ppm, 0);
    assert_int_equal(c.delay_ms, 0);
    assert_true(tern_impair_parse("", &c, NULL));
    assert_int_equal(c.dup_ppm, 0);
}

/* Rejected, and *bad points at the offending item inside text. */
static void expect_rejected(const char *text, size_t bad_at) {
    tern_impair_config c;
    const char *bad = NULL;
    assert_false(tern_impair_parse(text, &c, &bad));
    assert_ptr_equal(bad, text + bad_at);
}

static void test_rejects_unknown_key(void **state) {
    (void)state;
    expect_rejected("lose=5", 0);
    expect_rejected("loss=5,bogus=1", 7);
    expect_rejected("losses=5", 0);
    expect_rejected("LOSS=5", 0);
}

static void test_rejects_missing_value(void **state) {
    (void)state;
    expect_rejected("loss=", 0);
    expect_rejected("dup=1,loss", 6);
    expect_rejected("loss=,dup=1", 0);
    expect_rejected("loss=.5", 0);
    expect_rejected("loss=5.", 0);
    expect_rejected("loss=5,,dup=1", 7);
}

static void test_rejects_over_100_percent(void **state) {
    (void)state;
    expect_rejected("loss=100.1", 0);
    expect_rejected("dup=1,corrupt=101", 6);
    expect_rejected("reorder=5000", 0);
    expect_rejected("delay=60001", 0);
    expect_rejected("rate=4294967296", 0);
    expect_rejected("loss=99999999999999999999", 0);
}

static void test_rejects_trailing_junk(void **state) {
    (void)state;
    expect_rejected("loss=5x", 0);
    expect_rejected("loss=5%", 0);
    expect_rejected("dup=1,loss=5 ", 6);
    expect_rejected("loss=-5", 0);
    expect_rejected("loss=5;dup=1", 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parses_all_probabilities), cmocka_unit_test(test_parses_decimals),
        cmocka_unit_test(test_parses_delay_jitter_rate), cmocka_unit_test(test_later_call_starts_from_zero),
        cmocka_unit_test(test_rejects_unknown_key),      cmocka_unit_test(test_rejects_missing_value),
        cmocka_unit_test(test_rejects_over_100_percent), cmocka_unit_test(test_rejects_trailing_junk),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
