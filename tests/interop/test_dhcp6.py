"""Stateless DHCPv6 (RFC 8415 Information-Request) and DNS over IPv6 against
dnsmasq in the test's namespace: the stack learns its DNS server from DHCPv6
and resolves AAAA records through it over IPv6.

Only 2001:db8::/32, fe80::/10 and 192.0.2.0/24 are used; every wait is bounded;
the only processes stopped are the ones a test started, by their PIDs.
"""
import re
import time

import pytest

import services
from netns import TAP
from test_ipv6 import STACK_MAC, wait_inet6, wait_linux_ready

LINUX_G = "2001:db8::1"
STACK_G = "2001:db8::2"
AAAA = "2001:db8::42"


@pytest.fixture
def dnsmasq6(ns, tmp_path):
    """start() -> dnsmasq on tap0: stateless DHCPv6 handing out LINUX_G as the DNS
    server, and DNS on LINUX_G for *.test. Call it once the stack holds the TAP (the
    link is down before, and Linux's link-local address tentative)."""
    if not services.have("dnsmasq"):
        pytest.skip("dnsmasq is not installed (Debian package dnsmasq-base)")
    started = []

    def start(*extra):
        ns.exec(["ip", "addr", "add", f"{LINUX_G}/64", "dev", TAP, "nodad"], check=True)
        wait_linux_ready(ns)
        argv = [services._find("dnsmasq"), "--no-daemon", "--conf-file=/dev/null", "--interface=" + TAP,
                "--except-interface=lo", "--bind-dynamic", "--port=53", "--no-resolv", "--no-hosts",
                "--local=/test/", "--local-ttl=300", "--log-queries", "--log-dhcp", "--log-facility=-",
                "--pid-file=", "--user=root", "--group=root", f"--dhcp-leasefile={tmp_path / 'leases'}",
                "--dhcp-range=2001:db8::,ra-stateless", f"--dhcp-option=option6:dns-server,[{LINUX_G}]",
                "--dhcp-option=option6:information-refresh-time,600", f"--host-record=v6.test,{AAAA}",
                "--address=/device.test/192.0.2.77"] + list(extra)
        svc = services.Service(ns, argv, tmp_path / "dnsmasq.log")
        started.append(svc)
        svc.wait_output("DHCPv6", timeout=10)
        return svc

    yield start
    for svc in started:
        svc.stop()


def test_dhcpv6_dns_server_and_aaaa_lookup(ns, start_tern, dnsmasq6):
    t = start_tern("--mac", STACK_MAC, "--dhcpv6", "--ipv6-addr", f"{STACK_G}/64")
    dnsmasq = dnsmasq6()  # the stack retransmits until it is up (1 s, 2 s, 4 s ...)
    # The Reply's DNS server is announced and listed with the learnt servers.
    m = t.wait_output(r"^dhcpv6 dns (.*)$", timeout=20)
    assert m.group(1).split() == [LINUX_G], m.group(0)
    assert f"rdnss {LINUX_G} dev tap0" in t.must("nd")
    log = dnsmasq.output()
    # dnsmasq read our client identifier (DUID-LL from the MAC) and option request.
    assert "DHCPINFORMATION-REQUEST(tap0) 00:03:00:01:02:00:00:00:00:02" in log, log
    assert re.search(r"requested options: 23:dns-server, 24:domain-search, 32:information-refresh-time", log), log
    st = t.stats()
    assert st["dhcp6.reply"] == 1 and st["dhcp6.tx"] >= 1
    for reason in ("malformed", "type", "mismatch", "status", "unexpected"):
        assert st[f"dhcp6.drop.{reason}"] == 0, reason
    # AAAA and A lookups through that server, over IPv6 (no IPv4 server is configured).
    wait_inet6(t, rf"^inet6 {re.escape(STACK_G)}/64 preferred")
    ok, out, last = t.cmd("dns v6.test aaaa", timeout=20)
    assert ok and out == [f"v6.test has address {AAAA}"], (out, last)
    ok, out, last = t.cmd("dns device.test", timeout=20)
    assert ok and out == ["device.test has address 192.0.2.77"], (out, last)
    log = dnsmasq.output()
    assert f"query[AAAA] v6.test from {STACK_G}" in log, log
    assert f"query[A] device.test from {STACK_G}" in log, log
    # A name the server does not know.
    ok, out, last = t.cmd("dns nope.test aaaa", timeout=20)
    assert not ok and last == "error: nope.test: not found", (out, last)


def test_dhcpv6_waits_for_router_advertisement_o_flag(ns, start_tern, dnsmasq6):
    """--dhcpv6=ra: nothing is asked until an RA with the O flag (dnsmasq's RAs
    for an ra-stateless range carry it), then the server is learnt."""
    t = start_tern("--mac", STACK_MAC, "--dhcpv6=ra", "--ipv6-addr", f"{STACK_G}/64")
    wait_inet6(t, rf"^inet6 {re.escape(STACK_G)}/64 preferred")
    time.sleep(2)
    assert t.stats()["dhcp6.tx"] == 0
    dnsmasq = dnsmasq6("--enable-ra", "--ra-param=tap0,3")
    m = t.wait_output(r"^dhcpv6 dns (.*)$", timeout=30)
    assert m.group(1).split() == [LINUX_G], m.group(0)
    assert "DHCPINFORMATION-REQUEST(tap0)" in dnsmasq.output()
    assert t.stats()["nd.ra.rx"] >= 1
    ok, out, last = t.cmd("dns v6.test aaaa", timeout=20)
    assert ok and out == [f"v6.test has address {AAAA}"], (out, last)
