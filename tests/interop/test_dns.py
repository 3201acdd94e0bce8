"""The stack's DNS client (shell command `dns`) against real servers in the
test's namespace: dnsmasq for unicast DNS, avahi-daemon for multicast DNS."""
import os
import re
import socket
import threading
import time

import pytest

import services
from netns import LINUX_IP, run

SILENT_SERVER = "192.0.2.250"  # on the Linux side; a socket there reads queries and never answers
RECORDS = [
    "--address=/device.test/192.0.2.77",
    "--host-record=multi.test,192.0.2.80",
    "--host-record=multi.test,192.0.2.81",
    "--host-record=target.test,192.0.2.78",
    "--cname=alias.test,target.test",
    "--host-record=v6.test,2001:db8::42",
]


@pytest.fixture
def dnsmasq(ns, tmp_path):
    if not services.have("dnsmasq"):
        pytest.skip("dnsmasq is not installed (Debian package dnsmasq-base)")
    svc = services.start_dnsmasq(ns, tmp_path / "dnsmasq.log", *RECORDS)
    yield svc
    svc.stop()


def warm_arp(ns, tern):
    """Resolve both directions first so no query waits in an ARP queue."""
    tern.must(f"ping {LINUX_IP} 1 56 10", timeout=10)
    ns.exec(["ping", "-n", "-q", "-c", "1", "-W", "2", "192.0.2.2"], timeout=10)


def lookup(tern, name, timeout=20):
    """Run `dns NAME`: (ok, addresses, last line)."""
    ok, out, last = tern.cmd(f"dns {name}", timeout=timeout)
    addrs = []
    for line in out:
        m = re.fullmatch(rf"{re.escape(name)} has address (\S+)", line)
        assert m, f"unexpected line {line!r}"
        addrs.append(m.group(1))
    return ok, addrs, last


def test_a_records(start_tern, ns, dnsmasq):
    tern = start_tern("--dns", LINUX_IP)
    warm_arp(ns, tern)
    assert lookup(tern, "device.test") == (True, ["192.0.2.77"], "ok")
    assert lookup(tern, "DEVICE.Test.")[1] == ["192.0.2.77"]
    ok, addrs, _ = lookup(tern, "multi.test")
    assert ok and sorted(addrs) == ["192.0.2.80", "192.0.2.81"]
    # A CNAME is followed to the target's address within the same answer.
    assert lookup(tern, "alias.test") == (True, ["192.0.2.78"], "ok")
    # A numeric name needs no server.
    assert lookup(tern, "192.0.2.5") == (True, ["192.0.2.5"], "ok")
    assert "query[A] device.test from 192.0.2.2" in dnsmasq.output()


def test_aaaa_records(start_tern, ns, dnsmasq):
    """AAAA lookups through the same server (over IPv4); the cache keeps them
    apart from the name's A answer."""
    tern = start_tern("--dns", LINUX_IP)
    warm_arp(ns, tern)
    ok, out, last = tern.cmd("dns v6.test aaaa", timeout=20)
    assert ok and out == ["v6.test has address 2001:db8::42"], (out, last)
    assert "query[AAAA] v6.test from 192.0.2.2" in dnsmasq.output()
    assert tern.must("dns 2001:db8::7 aaaa") == ["2001:db8::7 has address 2001:db8::7"]


def test_nxdomain(start_tern, ns, dnsmasq):
    tern = start_tern("--dns", LINUX_IP)
    warm_arp(ns, tern)
    before = tern.stats()
    assert lookup(tern, "nope.test") == (False, [], "error: nope.test: not found")
    after = tern.stats()
    assert after["dns.nxdomain"] == before["dns.nxdomain"] + 1
    assert after["dns.timeout"] == before["dns.timeout"]
    assert "nope.test is NXDOMAIN" in dnsmasq.output()
    # The negative answer is not cached as an address; the next good name works.
    assert lookup(tern, "device.test")[1] == ["192.0.2.77"]


def test_cache_answers_without_a_packet(start_tern, ns, dnsmasq):
    tern = start_tern("--dns", LINUX_IP)
    warm_arp(ns, tern)
    assert lookup(tern, "device.test")[1] == ["192.0.2.77"]
    s1 = tern.stats()
    assert lookup(tern, "device.test")[1] == ["192.0.2.77"]
    s2 = tern.stats()
    assert s2["dns.tx"] == s1["dns.tx"], "the second lookup sent a query"
    assert s2["dns.cache_hit"] == s1["dns.cache_hit"] + 1
    assert dnsmasq.output().count("query[A] device.test") == 1
    tern.must("dns flush")
    assert lookup(tern, "device.test")[1] == ["192.0.2.77"]
    s3 = tern.stats()
    assert s3["dns.tx"] == s2["dns.tx"] + 1
    assert dnsmasq.output().count("query[A] device.test") == 2


class SilentServer:
    """A UDP socket on SILENT_SERVER:53 in the namespace that counts queries and never answers."""

    def __init__(self, ns):
        ns.exec(["ip", "addr", "add", f"{SILENT_SERVER}/32", "dev", "tap0"], check=True)
        self.sock = ns.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((SILENT_SERVER, 53))
        self.sock.settimeout(0.2)
        self.queries = 0
        self.stopping = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stopping:
            try:
                self.sock.recvfrom(2048)
                self.queries += 1
            except socket.timeout:
                continue
            except OSError:
                return

    def close(self):
        self.stopping = True
        self.thread.join(2)
        self.sock.close()


def test_failover_to_second_server(start_tern, ns, dnsmasq):
    silent = SilentServer(ns)
    try:
        tern = start_tern("--dns", SILENT_SERVER, "--dns", LINUX_IP)
        out = tern.must("dns server")
        assert out[:2] == [f"server 0 {SILENT_SERVER}", f"server 1 {LINUX_IP}"]
        warm_arp(ns, tern)
        before = tern.stats()
        t0 = time.monotonic()
        assert lookup(tern, "device.test") == (True, ["192.0.2.77"], "ok")
        elapsed = time.monotonic() - t0
        after = tern.stats()
    finally:
        silent.close()
    assert silent.queries >= 1, "the first server was never asked"
    assert after["dns.tx"] - before["dns.tx"] == silent.queries + 1
    assert elapsed >= 1.0, "answered before the first server could have timed out"
    assert "query[A] device.test from 192.0.2.2" in dnsmasq.output()


def test_all_servers_silent_times_out(start_tern, ns):
    silent = SilentServer(ns)
    try:
        tern = start_tern("--dns", SILENT_SERVER)
        warm_arp(ns, tern)
        before = tern.stats()
        assert lookup(tern, "device.test") == (False, [], "error: device.test: timed out")
        assert tern.stats()["dns.timeout"] == before["dns.timeout"] + 1
    finally:
        silent.close()


def test_server_command(start_tern, ns, dnsmasq):
    tern = start_tern()
    assert lookup(tern, "device.test")[0] is False  # no server yet
    tern.must(f"dns server 1 {LINUX_IP}")
    assert tern.must("dns server")[:2] == ["server 0 none", f"server 1 {LINUX_IP}"]
    warm_arp(ns, tern)
    assert lookup(tern, "device.test")[1] == ["192.0.2.77"]
    tern.must("dns server 1 none")
    ok, _, last = tern.cmd("dns server 9 192.0.2.1")
    assert not ok and last.startswith("error: usage: dns server")


def test_mdns_name_from_avahi(start_tern, ns, tmp_path):
    if not services.have("avahi-daemon"):
        pytest.skip("avahi-daemon is not installed")
    avahi = services.start_avahi(ns, tmp_path, "ternpeer")
    try:
        tern = start_tern()
        warm_arp(ns, tern)
        ok, addrs, last = False, [], ""
        for _ in range(3):  # a freshly started responder may still be probing its name
            ok, addrs, last = lookup(tern, "ternpeer.local")
            if ok:
                break
            time.sleep(1)
        assert (ok, addrs) == (True, [LINUX_IP]), f"{last}; avahi: {avahi.output()[-2000:]}"
        ok, _, last = tern.cmd("dns nobody-here.local", timeout=20)
        assert not ok and last in ("error: nobody-here.local: timed out", "error: nobody-here.local: not found")
    finally:
        avahi.stop()


@pytest.mark.parametrize("args, message", [
    (["--dns", "192.0.2.300"], "--dns"),
    (["--dns", "fe80::1"], "--dns"),
    (["--dns", "192.0.2.1", "--dns", "192.0.2.3", "--dns", "192.0.2.4", "--dns", "192.0.2.5"], "too many --dns"),
])
def test_bad_dns_flag_exits_2(args, message):
    from conftest import TERN_BIN
    if not os.access(TERN_BIN, os.X_OK):
        pytest.skip(f"{TERN_BIN} is missing")
    r = run([TERN_BIN, "--tap", "tap0", "--ipv4", "192.0.2.2/24"] + args, timeout=5, check=False)
    assert r.returncode == 2
    assert message in r.stderr and r.stdout == ""


# Regression: start_query() once evicted the cached entry expiring first before
# checking that a query could go out at all (no server, no UDP endpoint).
def test_failed_lookup_keeps_cached_answers(start_tern, ns, tmp_path):
    """A lookup that cannot even start (no server) must not throw a cached answer away."""
    if not services.have("dnsmasq"):
        pytest.skip("dnsmasq is not installed (Debian package dnsmasq-base)")
    names = [f"n{i}.test" for i in range(8)]  # TERN_CFG_DNS_CACHE entries in the host build
    svc = services.start_dnsmasq(ns, tmp_path / "dnsmasq.log", *[f"--address=/{n}/192.0.2.{60 + i}"
                                                                  for i, n in enumerate(names)])
    try:
        tern = start_tern("--dns", LINUX_IP)
        warm_arp(ns, tern)
        for n in names:
            assert lookup(tern, n)[0]
        tern.must("dns server 0 none")
        ok, _, _ = lookup(tern, "ninth.test")
        assert not ok
        tern.must(f"dns server 0 {LINUX_IP}")
        before = tern.stats()
        for i, n in enumerate(names):
            assert lookup(tern, n)[1] == [f"192.0.2.{60 + i}"]
        after = tern.stats()
        assert after["dns.tx"] == before["dns.tx"], "a cached answer was lost to a lookup that never started"
    finally:
        svc.stop()
