/* IPv4 routing: longest-prefix match across connected networks, static
 * routes and the default gateway; the route table API; no-route handling;
 * loopback delivery to 127.0.0.1 and to our own addresses. */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "wire/wire.h"

#define US0 IP4(192, 0, 2, 2) /* cap0, 192.0.2.0/24, gateway .1 */
#define GW0 IP4(192, 0, 2, 1)
#define HOST77 IP4(192, 0, 2, 77) /* a neighbour on cap0 */
#define US1 IP4(198, 51, 100, 2)  /* cap1, 198.51.100.0/24, no gateway */
#define GW1 IP4(198, 51, 100, 1)  /* router on cap1 to 192.0.0.0/16 */
#define IPH 14
#define L4 34

static const uint8_t mac_cap1[6] = {0x02, 0, 0, 0, 1, 0x02};
static const uint8_t mac_host77[6] = {0x02, 0, 0, 0, 0, 0x77};
static const uint8_t mac_gw1[6] = {0x02, 0, 0, 0, 1, 0x01};

typedef struct fixture {
    tern_stack *s;
    cap_netif cap0, cap1;
    unsigned base;
} fixture;

static void add_static(tern_netif *nif, uint32_t ip, const uint8_t mac[6]) {
    tern_addr a = tern_addr_ipv4(ip);
    assert_int_equal(tern_arp_add_static(nif, &a, mac), TERN_OK);
}

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    f->s = stack_new(44);
    cap_init(&f->cap0, f->s);
    cap_init_as(&f->cap1, f->s, "cap1", mac_cap1, US1, 24, 0);
    add_static(&f->cap0.nif, GW0, test_mac_peer);
    add_static(&f->cap0.nif, HOST77, mac_host77);
    add_static(&f->cap1.nif, GW1, mac_gw1);
    tern_addr net = TERN_ADDR4(192, 0, 0, 0), gw = tern_addr_ipv4(GW1);
    assert_int_equal(tern_ipv4_route_add(f->s, &net, 16, &gw, &f->cap1.nif), TERN_OK);
    f->base = tern_stack_buffers_in_use(f->s);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    assert_int_equal(tern_stack_buffers_in_use(f->s), f->base);
    cap_clear(&f->cap0);
    cap_clear(&f->cap1);
    stack_free_checked(f->s);
    free(f);
    return 0;
}

static tern_pbuf *payload(fixture *f, const char *text) {
    uint16_t n = (uint16_t)strlen(text);
    tern_pbuf *p = tern_pbuf_alloc(f->s, TERN_PBUF_TRANSPORT_HEADROOM, n);
    assert_non_null(p);
    memcpy(p->payload, text, n);
    return p;
}

static tern_err send_to(fixture *f, uint32_t dst, uint16_t port) {
    tern_udp_pcb *pcb = tern_udp_new(f->s);
    tern_addr d = tern_addr_ipv4(dst);
    tern_err err = tern_udp_sendto(pcb, payload(f, "routed"), &d, port);
    tern_udp_free(pcb);
    return err;
}

/* Sending to dst leaves by exactly one frame on `out`, to next-hop MAC mac,
 * from source address src. */
static void expect_sent_via(fixture *f, uint32_t dst, cap_netif *out, const uint8_t mac[6], uint32_t src) {
    cap_clear(&f->cap0);
    cap_clear(&f->cap1);
    assert_int_equal(send_to(f, dst, 9), TERN_OK);
    assert_int_equal(f->cap0.count + f->cap1.count, 1);
    assert_int_equal(out->count, 1);
    const cap_frame *c = &out->frames[0];
    assert_memory_equal(c->data, mac, 6);
    assert_memory_equal(c->data + 6, out->nif.hwaddr, 6);
    assert_int_equal(tern_rd32(c->data + IPH + 12), src);
    assert_int_equal(tern_rd32(c->data + IPH + 16), dst);
}

static void expect_lookup(fixture *f, uint32_t dst, tern_netif *nif, uint32_t next_hop) {
    tern_ipv4_hop hop;
    assert_int_equal(tern_ipv4_route_lookup(f->s, dst, &hop), TERN_OK);
    assert_ptr_equal(hop.nif, nif);
    assert_int_equal(hop.next_hop, next_hop);
}

static void test_connected_24_beats_static_16(void **state) {
    fixture *f = *state;
    expect_lookup(f, HOST77, &f->cap0.nif, HOST77);
    expect_sent_via(f, HOST77, &f->cap0, mac_host77, US0);
}

static void test_static_16_via_gateway_on_other_interface(void **state) {
    fixture *f = *state;
    expect_lookup(f, IP4(192, 0, 9, 9), &f->cap1.nif, GW1);
    expect_sent_via(f, IP4(192, 0, 9, 9), &f->cap1, mac_gw1, US1);
}

static void test_default_gateway_for_the_rest(void **state) {
    fixture *f = *state;
    expect_lookup(f, IP4(8, 8, 8, 8), &f->cap0.nif, GW0);
    expect_sent_via(f, IP4(8, 8, 8, 8), &f->cap0, test_mac_peer, US0);
}

static void test_connected_neighbour_on_second_interface(void **state) {
    fixture *f = *state;
    static const uint8_t mac[6] = {0x02, 0, 0, 0, 1, 0x33};
    add_static(&f->cap1.nif, IP4(198, 51, 100, 33), mac);
    expect_sent_via(f, IP4(198, 51, 100, 33), &f->cap1, mac, US1);
}

static void test_host_route_beats_connected_until_deleted(void **state) {
    fixture *f = *state;
    tern_addr host = tern_addr_ipv4(HOST77), gw = tern_addr_ipv4(GW1);
    assert_int_equal(tern_ipv4_route_add(f->s, &host, 32, &gw, &f->cap1.nif), TERN_OK);
    expect_sent_via(f, HOST77, &f->cap1, mac_gw1, US1);
    assert_int_equal(tern_ipv4_route_del(f->s, &host, 32), TERN_OK);
    expect_sent_via(f, HOST77, &f->cap0, mac_host77, US0);
}

static void test_deleting_static_route_falls_back_to_default(void **state) {
    fixture *f = *state;
    tern_addr net = TERN_ADDR4(192, 0, 0, 0);
    assert_int_equal(tern_ipv4_route_del(f->s, &net, 16), TERN_OK);
    expect_lookup(f, IP4(192, 0, 9, 9), &f->cap0.nif, GW0);
    assert_int_not_equal(tern_ipv4_route_del(f->s, &net, 16), TERN_OK); /* already gone */
}

static void test_route_add_rejects_bad_arguments(void **state) {
    fixture *f = *state;
    tern_addr net = TERN_ADDR4(10, 0, 0, 0), gw = tern_addr_ipv4(GW1), unspec = {0};
    assert_int_equal(tern_ipv4_route_add(f->s, &net, 33, &gw, &f->cap1.nif), TERN_ERR_INVAL);
    assert_int_equal(tern_ipv4_route_add(f->s, NULL, 8, &gw, &f->cap1.nif), TERN_ERR_INVAL);
    assert_int_equal(tern_ipv4_route_add(f->s, &unspec, 8, &gw, &f->cap1.nif), TERN_ERR_INVAL);
    assert_int_equal(tern_ipv4_route_add(f->s, &net, 8, &unspec, &f->cap1.nif), TERN_ERR_INVAL);
    assert_int_equal(tern_ipv4_route_add(f->s, &net, 8, &gw, NULL), TERN_ERR_INVAL);
    assert_int_equal(tern_ipv4_route_del(f->s, &net, 33), TERN_ERR_INVAL);
    assert_int_equal(tern_ipv4_route_del(f->s, &net, 8), TERN_ERR_INVAL); /* no such route */
    expect_lookup(f, IP4(10, 1, 2, 3), &f->cap0.nif, GW0);                /* nothing was added */
}

static void test_full_route_table_reports_nomem(void **state) {
    fixture *f = *state;
    tern_addr gw = tern_addr_ipv4(GW1);
    /* The fixture holds one route already. */
    for (unsigned i = 1; i < TERN_CFG_IPV4_ROUTES; i++) {
        tern_addr net = TERN_ADDR4(10, i, 0, 0);
        assert_int_equal(tern_ipv4_route_add(f->s, &net, 16, &gw, &f->cap1.nif), TERN_OK);
    }
    tern_addr extra = TERN_ADDR4(172, 16, 0, 0);
    assert_int_equal(tern_ipv4_route_add(f->s, &extra, 12, &gw, &f->cap1.nif), TERN_ERR_NOMEM);
    expect_lookup(f, IP4(172, 16, 1, 1), &f->cap0.nif, GW0);
    /* Replacing an existing route needs no new slot. */
    tern_addr net1 = TERN_ADDR4(10, 1, 0, 0);
    assert_int_equal(tern_ipv4_route_add(f->s, &net1, 16, NULL, &f->cap1.nif), TERN_OK);
    expect_lookup(f, IP4(10, 1, 0, 5), &f->cap1.nif, IP4(10, 1, 0, 5));
}

static void test_no_route_is_an_error_and_counted(void **state) {
    fixture *f = *state;
    tern_addr us0 = tern_addr_ipv4(US0);
    assert_int_equal(tern_netif_set_ipv4(&f->cap0.nif, &us0, 24, NULL), TERN_OK); /* drop the gateway */
    cap_clear(&f->cap0);
    tern_ipv4_hop hop;
    assert_int_equal(tern_ipv4_route_lookup(f->s, IP4(8, 8, 8, 8), &hop), TERN_ERR_NOROUTE);
    assert_int_equal(send_to(f, IP4(8, 8, 8, 8), 9), TERN_ERR_NOROUTE);
    assert_int_equal(stat(f->s, "ipv4.drop.no_route"), 1);
    assert_int_equal(f->cap0.count + f->cap1.count, 0);
}

static void test_down_interface_is_not_a_route(void **state) {
    fixture *f = *state;
    tern_netif_set_link(&f->cap1.nif, false);
    expect_lookup(f, IP4(192, 0, 9, 9), &f->cap0.nif, GW0);
    tern_netif_set_link(&f->cap1.nif, true);
    expect_lookup(f, IP4(192, 0, 9, 9), &f->cap1.nif, GW1);
}

/* ---- Loopback ---- */

typedef struct rx_log {
    unsigned count;
    char data[32];
    tern_udp_info info;
} rx_log;

static void on_recv(void *ctx, tern_udp_pcb *pcb, tern_pbuf *p, const tern_udp_info *info) {
    rx_log *log = ctx;
    log->count++;
    memset(log->data, 0, sizeof log->data);
    tern_pbuf_copy_out(p, 0, log->data, sizeof log->data - 1);
    log->info = *info;
    tern_pbuf_free(pcb->stack, p);
}

static tern_udp_pcb *listen_on(fixture *f, uint16_t port, rx_log *log) {
    tern_udp_pcb *pcb = tern_udp_new(f->s);
    assert_int_equal(tern_udp_bind(pcb, NULL, port), TERN_OK);
    memset(log, 0, sizeof *log);
    tern_udp_set_recv(pcb, on_recv, log);
    return pcb;
}

static void expect_looped_back(fixture *f, uint32_t dst) {
    rx_log log;
    tern_udp_pcb *pcb = listen_on(f, 6000, &log);
    assert_int_equal(send_to(f, dst, 6000), TERN_OK);
    assert_int_equal(log.count, 0); /* not delivered from inside the send */
    tern_stack_poll(f->s, 0);
    assert_int_equal(log.count, 1);
    assert_string_equal(log.data, "routed");
    assert_int_equal(tern_addr_get_ipv4(&log.info.dst), dst);
    assert_int_equal(tern_addr_get_ipv4(&log.info.src), dst);
    assert_int_equal(log.info.ifindex, tern_netif_find(f->s, "lo")->index);
    assert_int_equal(f->cap0.count + f->cap1.count, 0); /* never on Ethernet */
    tern_udp_free(pcb);
}

static void test_loopback_127_0_0_1(void **state) {
    expect_looped_back(*state, IP4(127, 0, 0, 1));
}

static void test_loopback_to_own_address(void **state) {
    expect_looped_back(*state, US0);
}

static void test_loopback_to_other_interface_address(void **state) {
    expect_looped_back(*state, US1);
}

/* The echo service's reply to a looped-back datagram is itself delivered
 * one poll later: no recursion through the loopback queue. */
static void test_loopback_reply_waits_for_next_poll(void **state) {
    fixture *f = *state;
    assert_int_equal(tern_echo_start(f->s), TERN_OK);
    rx_log log;
    tern_udp_pcb *client = listen_on(f, 6001, &log);
    tern_addr lo = TERN_ADDR4(127, 0, 0, 1);
    assert_int_equal(tern_udp_sendto(client, payload(f, "echo me"), &lo, 7), TERN_OK);
    assert_int_not_equal(tern_stack_poll(f->s, 0), TERN_POLL_IDLE); /* the reply is queued */
    assert_int_equal(log.count, 0);
    tern_stack_poll(f->s, 0);
    assert_int_equal(log.count, 1);
    assert_string_equal(log.data, "echo me");
    assert_int_equal(log.info.sport, 7);
    assert_int_equal(f->cap0.count + f->cap1.count, 0);
    tern_udp_free(client);
}

static void test_127_from_ethernet_is_not_accepted(void **state) {
    fixture *f = *state;
    rx_log log;
    tern_udp_pcb *pcb = listen_on(f, 6000, &log);
    uint8_t fr[128];
    size_t n = build_udp(fr, GW0, IP4(127, 0, 0, 1), 1, 6000, (const uint8_t *)"spoof", 5);
    inject(&f->cap0.nif, fr, n);
    n = build_udp(fr, IP4(127, 0, 0, 1), US0, 1, 6000, (const uint8_t *)"spoof", 5);
    inject(&f->cap0.nif, fr, n);
    assert_int_equal(log.count, 0);
    assert_int_equal(stat(f->s, "ipv4.drop.bad_source"), 1);
    tern_udp_free(pcb);
}

static void test_lo_interface_exists(void **state) {
    fixture *f = *state;
    tern_netif *lo = tern_netif_find(f->s, "lo");
    assert_non_null(lo);
    assert_true(lo->flags & TERN_NETIF_LOOPBACK);
    assert_true(tern_netif_is_up(lo));
    assert_int_equal(lo->ip4, IP4(127, 0, 0, 1));
    assert_int_equal(lo->mask4, 0xFF000000u);
    assert_ptr_equal(tern_netif_by_index(f->s, lo->index), lo);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_connected_24_beats_static_16, setup, teardown),
        cmocka_unit_test_setup_teardown(test_static_16_via_gateway_on_other_interface, setup, teardown),
        cmocka_unit_test_setup_teardown(test_default_gateway_for_the_rest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_connected_neighbour_on_second_interface, setup, teardown),
        cmocka_unit_test_setup_teardown(test_host_route_beats_connected_until_deleted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deleting_static_route_falls_back_to_default, setup, teardown),
        cmocka_unit_test_setup_teardown(test_route_add_rejects_bad_arguments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_full_route_table_reports_nomem, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_route_is_an_error_and_counted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_down_interface_is_not_a_route, setup, teardown),
        cmocka_unit_test_setup_teardown(test_loopback_127_0_0_1, setup, teardown),
        cmocka_unit_test_setup_teardown(test_loopback_to_own_address, setup, teardown),
        cmocka_unit_test_setup_teardown(test_loopback_to_other_interface_address, setup, teardown),
        cmocka_unit_test_setup_teardown(test_loopback_reply_waits_for_next_poll, setup, teardown),
        cmocka_unit_test_setup_teardown(test_127_from_ethernet_is_not_accepted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lo_interface_exists, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
