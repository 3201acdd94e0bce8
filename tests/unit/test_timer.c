/* Deadline timers and the tickless poll. */
#include "testutil.h"

static int fired[4];
static void on_timer(tern_stack *s, tern_timer *t) {
    (void)s;
    fired[(int)(t->due % 4)]++;
}

static void test_poll_reports_next_deadline(void **state) {
    (void)state;
    tern_stack *s = stack_new(1);
    tern_stack_poll(s, 1000);
    tern_timer a, b;
    tern_timer_init(&a, on_timer);
    tern_timer_init(&b, on_timer);
    tern_timer_arm(s, &a, 50); /* due 1050 */
    tern_timer_arm(s, &b, 21); /* due 1021 */
    assert_int_equal(tern_stack_poll(s, 1000), 21);
    assert_int_equal(tern_stack_poll(s, 1021), 29);
    assert_int_equal(fired[1], 1);
    tern_timer_cancel(s, &a);
    assert_false(tern_timer_armed(s, &a));
    assert_int_equal(tern_stack_poll(s, 1100), TERN_POLL_IDLE);
    assert_int_equal(fired[2], 0);
    stack_free_checked(s);
}

static void test_wraparound(void **state) {
    (void)state;
    tern_stack *s = stack_new(1);
    tern_stack_poll(s, 0xFFFFFFF0u);
    tern_timer a;
    tern_timer_init(&a, on_timer);
    tern_timer_arm(s, &a, 0x20); /* due 0x10 after wrapping */
    assert_int_equal(tern_stack_poll(s, 0xFFFFFFFFu), 0x11);
    fired[0] = 0;
    tern_stack_poll(s, 0x10);
    assert_int_equal(fired[0], 1);
    stack_free_checked(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_poll_reports_next_deadline),
        cmocka_unit_test(test_wraparound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
