/* AutoIP (RFC 3927): claim, conflicts while probing and while bound, stop. */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "wire/wire.h"

static const uint8_t zero_mac[6];
static const uint8_t other_mac[6] = {0x02, 0, 0, 0, 0, 0x99};

typedef struct fixture {
    tern_stack *s;
    cap_netif cap;
    tern_autoip a;
    int bound, lost;
} fixture;

static void on_autoip(void *ctx, tern_autoip *a, bool bound) {
    fixture *f = ctx;
    (void)a;
    if (bound)
        f->bound++;
    else
        f->lost++;
}

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    f->s = stack_new(31);
    cap_init(&f->cap, f->s);
    assert_int_equal(tern_netif_set_ipv4(&f->cap.nif, NULL, 0, NULL), TERN_OK);
    cap_clear(&f->cap);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    tern_autoip_stop(&f->a);
    cap_clear(&f->cap);
    stack_free_checked(f->s);
    free(f);
    return 0;
}

static void run(fixture *f, uint32_t ms) {
    uint32_t end = f->s->now + ms;
    for (uint32_t t = f->s->now; t != end; t += 10)
        tern_stack_poll(f->s, t);
}

static void claim(fixture *f, uint32_t ip) {
    uint8_t fr[64];
    size_t n = build_arp(fr, 2, other_mac, ip, zero_mac, ip);
    inject(&f->cap.nif, fr, n);
}

static void test_claims_link_local_address(void **state) {
    fixture *f = *state;
    assert_int_equal(tern_autoip_start(&f->cap.nif, &f->a, on_autoip, f), TERN_OK);
    run(f, 5000);
    assert_int_equal(f->bound, 0); /* probing takes 3 probes + announce wait */
    run(f, 10000);
    assert_int_equal(f->bound, 1);
    uint32_t ip = f->cap.nif.ip4;
    assert_true(ip >= IP4(169, 254, 1, 0) && ip <= IP4(169, 254, 254, 255));
    assert_int_equal(f->cap.nif.mask4, 0xFFFF0000u);
    assert_int_equal(f->cap.nif.gw4, 0);
    /* Probes first (sender 0.0.0.0, target the candidate). */
    assert_int_equal(tern_rd32(f->cap.frames[0].data + 28), 0);
    assert_int_equal(tern_rd32(f->cap.frames[0].data + 38), ip);
}

static void test_conflict_while_probing_picks_another(void **state) {
    fixture *f = *state;
    assert_int_equal(tern_autoip_start(&f->cap.nif, &f->a, on_autoip, f), TERN_OK);
    run(f, 1500);
    uint32_t first = f->a.ip;
    claim(f, first);
    assert_int_not_equal(f->a.ip, first);
    run(f, 15000);
    assert_int_equal(f->bound, 1);
    assert_int_equal(f->cap.nif.ip4, f->a.ip);
}

static void test_defends_then_gives_up(void **state) {
    fixture *f = *state;
    tern_autoip_start(&f->cap.nif, &f->a, on_autoip, f);
    run(f, 15000);
    uint32_t ip = f->cap.nif.ip4;
    assert_int_equal(f->bound, 1);
    cap_clear(&f->cap);
    claim(f, ip); /* defended: an announcement goes out, address kept */
    assert_int_equal(f->cap.nif.ip4, ip);
    assert_true(cap_find(&f->cap, 0, 0x0806, 0) >= 0);
    claim(f, ip); /* second conflict within 10 s: give up, start again */
    assert_int_equal(f->lost, 1);
    assert_int_not_equal(f->cap.nif.ip4, ip);
    run(f, 15000);
    assert_int_equal(f->bound, 2);
}

static void test_stop_removes_address(void **state) {
    fixture *f = *state;
    tern_autoip_start(&f->cap.nif, &f->a, on_autoip, f);
    run(f, 15000);
    assert_int_not_equal(f->cap.nif.ip4, 0);
    tern_autoip_stop(&f->a);
    assert_int_equal(f->cap.nif.ip4, 0);
    assert_int_equal(tern_stack_poll(f->s, f->s->now + 10), TERN_POLL_IDLE);
}

int main(void) {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_claims_link_local_address),
        T(test_conflict_while_probing_picks_another),
        T(test_defends_then_gives_up),
        T(test_stop_removes_address),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
