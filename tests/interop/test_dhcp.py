"""The DHCP client (build/tern --dhcp) against dnsmasq, and its AutoIP fallback.

Run as root:  /usr/bin/python3 -m pytest -q tests/interop/test_dhcp.py  (about 3-4 minutes:
dnsmasq's shortest lease is 2 minutes and the expiry test waits it out). dnsmasq
runs in the test's own namespace on 192.0.2.1; addresses come from 192.0.2.100-110
(and 169.254/16 for AutoIP). Every wait is bounded; dnsmasq and build/tern are
stopped by PID and the namespace is deleted by the fixtures.
"""
import shutil
import socket
import struct
import subprocess
import threading
import time

import pytest

from conftest import need_tool

# ARP probing (RFC 5227) adds up to ~9 s after the ACK, dnsmasq pings an
# address for ~3 s before offering it.
BIND_TIMEOUT = 40
SHORT_TIMES = ["--dhcp-option=option:T1,10", "--dhcp-option=option:T2,20"]
CLAIMER_MAC = bytes.fromhex("020000000099")


def dhcp_info(t):
    """The dhcp command's answer as {first word: rest of the line}."""
    info = {}
    for line in t.must("dhcp"):
        key, _, rest = line.partition(" ")
        info[key] = rest
    return info


def wait_state(t, want, timeout):
    deadline = time.monotonic() + timeout
    while True:
        state = dhcp_info(t).get("state")
        if state == want:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"DHCP state {state!r}, wanted {want!r} within {timeout} s")
        time.sleep(0.5)


def inet_line(t):
    return [line for line in t.must("ifconfig tap0") if line.strip().startswith("inet ")]


def lease_for(srv, mac):
    return [row for row in srv.leases() if len(row) >= 3 and row[1].lower() == mac]


def requests_sent_to(pcap, client_ip):
    """Destinations of the DHCPREQUESTs with ciaddr client_ip in a capture."""
    out = subprocess.run(["tshark", "-r", pcap, "-Y", f"dhcp.option.dhcp == 3 && dhcp.ip.client == {client_ip}",
                          "-T", "fields", "-e", "ip.dst"], capture_output=True, text=True, timeout=30)
    return set(out.stdout.split())


def test_lease_options_renew_release(start_tern_plain, dnsmasq, ns):
    srv = dnsmasq(extra=SHORT_TIMES + ["--dhcp-option=option:domain-name,tern.test",
                                       "--dhcp-option=option:mtu,1400"])
    t = start_tern_plain("--tap", "tap0", "--dhcp", ready_timeout=BIND_TIMEOUT)
    addr, plen = t.cidr.split("/")
    assert plen == "24" and addr.startswith("192.0.2.") and 100 <= int(addr.split(".")[3]) <= 110
    info = dhcp_info(t)
    assert info["state"] == "bound"
    assert info["address"] == f"{addr} mask 255.255.255.0"
    assert info["server"] == "192.0.2.1 router 192.0.2.1"
    assert info["dns"] == "192.0.2.1"
    assert info["domain"] == "tern.test"
    assert info["mtu"] == "1400"
    assert "seconds 120" in info["lease"]
    ifc = t.must("ifconfig tap0")
    assert any("mtu 1400" in line for line in ifc)
    assert inet_line(t) == [f"    inet {addr}/24 gateway 192.0.2.1"]
    rows = lease_for(srv, t.mac)
    assert rows and rows[0][2] == addr and rows[0][3] == "tern", srv.leases()
    assert ns.exec(["ping", "-c", "2", "-W", "2", addr]).returncode == 0

    # T1 is 10 s after the REQUEST: a unicast REQUEST renews the lease.
    since = t.mark()
    m = t.wait_output(r"^dhcp renewed (\S+)", 25, since)
    assert m.group(1) == t.cidr
    assert dhcp_info(t)["state"] == "bound"
    assert srv.log().count(f"DHCPACK(tap0) {addr}") >= 2

    t.must("dhcp release")
    deadline = time.monotonic() + 5
    while lease_for(srv, t.mac) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not lease_for(srv, t.mac), srv.leases()
    assert f"DHCPRELEASE(tap0) {addr}" in srv.log()
    assert dhcp_info(t)["state"] == "off"
    assert inet_line(t) == []


def test_rebind_then_lease_expires(start_tern_plain, dnsmasq, ns, tmp_path):
    need_tool("tshark")
    srv = dnsmasq(extra=SHORT_TIMES)
    pcap = str(tmp_path / "dhcp.pcap")
    t = start_tern_plain("--tap", "tap0", "--dhcp", "--pcap", pcap, ready_timeout=BIND_TIMEOUT)
    addr = t.cidr.split("/")[0]
    srv.stop()  # nobody will answer from now on
    since = t.mark()
    wait_state(t, "renewing", 15)
    wait_state(t, "rebinding", 20)
    assert inet_line(t) == [f"    inet {addr}/24 gateway 192.0.2.1"]  # still ours while rebinding
    # The lease (120 s) started with the REQUEST, before the probe; allow for that.
    t.wait_output(r"^dhcp lost$", 120, since)
    assert inet_line(t) == []
    assert t.stats()["dhcp.lease_lost"] == 1
    wait_state(t, "selecting", 5)
    dests = requests_sent_to(pcap, addr)
    assert "192.0.2.1" in dests, dests  # renewing: unicast to the server
    assert "255.255.255.255" in dests, dests  # rebinding: broadcast


class ArpClaimer:
    """Answers every ARP probe (sender 0.0.0.0) for the first address probed in
    192.0.2.100-110, as a host already using it would (RFC 5227 conflict)."""

    def __init__(self, ns):
        self.sock = ns.packet_socket(receive=True)
        self.sock.settimeout(0.2)
        self.claimed = None
        self.replies = 0
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop_event.set()
        self.thread.join(5)
        self.sock.close()

    def _run(self):
        while not self.stop_event.is_set():
            try:
                frame = self.sock.recv(2048)
            except socket.timeout:
                continue
            except OSError:
                return
            self._handle(frame)

    def _handle(self, frame):
        if len(frame) < 42 or frame[12:14] != b"\x08\x06":
            return
        op, sha, spa, tpa = struct.unpack("!6xH6s4s6x4s", frame[14:42])
        target = socket.inet_ntoa(tpa)
        if op != 1 or spa != b"\0\0\0\0" or not target.startswith("192.0.2.1"):
            return
        if self.claimed is None and 100 <= int(target.split(".")[3]) <= 110:
            self.claimed = target
        if target != self.claimed:
            return
        arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 2, CLAIMER_MAC, tpa, sha, b"\0\0\0\0")
        self.sock.send(sha + CLAIMER_MAC + b"\x08\x06" + arp)
        self.replies += 1


def test_decline_when_offered_address_is_in_use(start_tern_plain, dnsmasq, ns):
    srv = dnsmasq()
    with ArpClaimer(ns) as claimer:
        # DECLINE, 10 s wait (RFC 2131 3.1), a new DISCOVER, another probe.
        t = start_tern_plain("--tap", "tap0", "--dhcp", ready_timeout=BIND_TIMEOUT + 30)
    addr = t.cidr.split("/")[0]
    assert claimer.claimed and claimer.replies >= 1
    assert addr != claimer.claimed
    assert t.stats()["dhcp.decline"] >= 1
    assert f"DHCPDECLINE(tap0) {claimer.claimed}" in srv.log()
    assert dhcp_info(t)["state"] == "bound"
    assert ns.exec(["ping", "-c", "1", "-W", "2", addr]).returncode == 0


def test_autoip_fallback_defends_then_hands_over(start_tern_plain, dnsmasq, ns):
    need_tool("arping")
    # No server: after 10 s without a lease AutoIP claims 169.254/16 (~9 s of probing).
    t = start_tern_plain("--tap", "tap0", "--dhcp", "--autoip", ready_timeout=40)
    ll, plen = t.cidr.split("/")
    assert ll.startswith("169.254.") and plen == "16"
    assert dhcp_info(t)["linklocal"] == ll
    # Linux claims the address once: the stack defends it (RFC 5227 2.4 (b)).
    before = t.stats()["arp.conflict"]
    since = t.mark()
    ns.exec(["arping", "-U", "-c", "1", "-S", ll, "-i", "tap0", ll], timeout=10)  # sender = ll
    deadline = time.monotonic() + 5
    while t.stats()["arp.conflict"] == before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert t.stats()["arp.conflict"] > before
    assert inet_line(t) == [f"    inet {ll}/16 gateway none"]
    assert not any(line.startswith("autoip lost") for line in t.stdout[since:])
    # A server appears: the next DISCOVER gets a lease, AutoIP steps aside.
    srv = dnsmasq()
    m = t.wait_output(r"^dhcp bound (\S+)", 90, since)
    addr = m.group(1).split("/")[0]
    assert addr.startswith("192.0.2.")
    assert inet_line(t) == [f"    inet {addr}/24 gateway 192.0.2.1"]
    info = dhcp_info(t)
    assert info["state"] == "bound" and "linklocal" not in info
    assert lease_for(srv, t.mac)
    assert ns.exec(["ping", "-c", "1", "-W", "2", addr]).returncode == 0


def test_autoip_alone(start_tern_plain):
    t = start_tern_plain("--tap", "tap0", "--autoip", ready_timeout=20)
    assert t.cidr.startswith("169.254.") and t.cidr.endswith("/16")
    ok, _, last = t.cmd("dhcp")
    assert not ok and "not running" in last


def test_usage_errors(ns):
    from conftest import TERN_BIN
    for args, word in ((["--tap", "tap0"], "--dhcp"),
                       (["--tap", "tap0", "--dhcp", "--ipv4", "192.0.2.2/24"], "--ipv4")):
        r = subprocess.run(["ip", "netns", "exec", ns.name, TERN_BIN] + args, capture_output=True, text=True,
                           timeout=10)
        assert r.returncode == 2 and word in r.stderr, r.stderr


pytestmark = pytest.mark.skipif(shutil.which("ip") is None, reason="iproute2 is missing")
