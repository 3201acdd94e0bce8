/* The iperf2-compatible tool over the virtual wire. */
#include <string.h>

#include "testutil.h"

typedef struct reports {
    int n_server, n_client;
    tern_iperf_report server, client;
} reports;

static void on_server(void *ctx, const tern_iperf_report *r) {
    reports *rs = ctx;
    rs->server = *r;
    rs->n_server++;
}

static void on_client(void *ctx, const tern_iperf_report *r) {
    reports *rs = ctx;
    rs->client = *r;
    rs->n_client++;
}

static void run(uint64_t bytes, uint32_t duration_ms) {
    sim sm;
    sim_init(&sm);
    sim_host *a = sim_add_host(&sm, 5), *b = sim_add_host(&sm, 6);
    sim_attach(&sm, a, 0, IP4(192, 0, 2, 1), 24, 0);
    sim_attach(&sm, b, 0, IP4(192, 0, 2, 2), 24, 0);
    reports rs;
    memset(&rs, 0, sizeof rs);
    tern_iperf_server srv;
    tern_iperf_client cli;
    assert_int_equal(tern_iperf_server_start(a->stack, &srv, 0, on_server, &rs), TERN_OK);
    tern_addr dst = TERN_ADDR4(192, 0, 2, 1);
    assert_int_equal(tern_iperf_client_start(b->stack, &cli, &dst, 0, duration_ms, bytes, on_client, &rs),
                     TERN_OK);
    sim_run_until(&sm, &rs.n_server, 60000);
    assert_int_equal(rs.n_client, 1);
    assert_int_equal(rs.n_server, 1);
    assert_int_equal(rs.client.err, TERN_OK);
    assert_int_equal(rs.server.err, TERN_OK);
    if (bytes)
        assert_true(rs.client.bytes == bytes);
    else
        assert_true(rs.client.bytes > 0 && rs.client.ms >= duration_ms);
    assert_true(rs.server.bytes == rs.client.bytes);
    sim_run(&sm, 100);
    tern_iperf_server_stop(&srv);
    sim_free_checked(&sm);
}

static void test_bytes(void **state) {
    (void)state;
    run(1000000, 0);
}

static void test_duration(void **state) {
    (void)state;
    run(0, 200);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_bytes), cmocka_unit_test(test_duration)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
