"""IPv6 against the Linux kernel and radvd, over a TAP in a private namespace.

Only 2001:db8::/32 and fe80::/10 are used. Every traffic loop is bounded in
count and time; the only processes stopped are the ones a test started.
"""
import os
import re
import signal
import subprocess
import time

import pytest

from conftest import need_tool
from netns import TAP

PING_SUMMARY = re.compile(r"(\d+) packets transmitted, (\d+) received")
STACK_MAC = "02:00:00:00:00:02"
STACK_LL = "fe80::ff:fe00:2"
STACK_G = "2001:db8::2"
LINUX_G = "2001:db8::1"


def linux_ll(ns):
    out = ns.exec(["ip", "-6", "-o", "addr", "show", "dev", TAP, "scope", "link"]).stdout
    m = re.search(r"inet6 (fe80::[0-9a-f:]+)/64", out)
    return m.group(1) if m else None


def wait_linux_ready(ns, timeout=10):
    """Linux's link-local address on tap0 has passed DAD."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        out = ns.exec(["ip", "-6", "-o", "addr", "show", "dev", TAP]).stdout
        if "fe80::" in out and "tentative" not in out:
            return linux_ll(ns)
        time.sleep(0.2)
    raise TimeoutError("Linux link-local address still tentative")


def inet6_lines(tern):
    return [line.strip() for line in tern.must("ifconfig tap0") if line.strip().startswith("inet6 ")]


def wait_inet6(tern, pattern, timeout=15, present=True):
    """Wait until an `inet6` line of ifconfig matches pattern (or none does); returns the line."""
    rx = re.compile(pattern)
    deadline = time.monotonic() + timeout
    while True:
        lines = inet6_lines(tern)
        hit = next((line for line in lines if rx.search(line)), None)
        if (hit is not None) == present:
            return hit
        if time.monotonic() > deadline:
            raise TimeoutError(f"inet6 {pattern!r} {'never came' if present else 'never went'}: {lines}")
        time.sleep(0.3)


def linux_ping6(ns, dst, count=3, size=56, interval=None, timeout=30):
    argv = ["ping", "-6", "-n", "-q", "-c", str(count), "-W", "2", "-s", str(size)]
    if interval is not None:
        argv += ["-i", str(interval)]
    r = ns.exec(argv + [dst], timeout=timeout)
    m = PING_SUMMARY.search(r.stdout)
    assert m, f"no ping summary: {r.stdout} {r.stderr}"
    return int(m.group(1)), int(m.group(2)), r.stdout


@pytest.fixture
def v6(ns, start_tern):
    """Linux with 2001:db8::1/64 on tap0; the stack with its link-local and 2001:db8::2/64."""
    ns.exec(["ip", "addr", "add", f"{LINUX_G}/64", "dev", TAP, "nodad"], check=True)
    t = start_tern("--mac", STACK_MAC, "--ipv6", "--ipv6-addr", f"{STACK_G}/64")
    wait_inet6(t, rf"^inet6 {re.escape(STACK_LL)}%\d+/64 preferred")
    wait_inet6(t, rf"^inet6 {re.escape(STACK_G)}/64 preferred")
    wait_linux_ready(ns)
    return t


def test_ping6_link_local_1000_at_10ms(v6, ns):
    sent, received, out = linux_ping6(ns, f"{STACK_LL}%{TAP}", count=1000, interval=0.01, timeout=90)
    assert (sent, received) == (1000, 1000), out


def test_ping6_global_1000_at_10ms(v6, ns):
    sent, received, out = linux_ping6(ns, STACK_G, count=1000, interval=0.01, timeout=90)
    assert (sent, received) == (1000, 1000), out
    st = v6.stats()
    assert st["icmp6.drop.checksum"] == 0 and st["ipv6.drop.short"] == 0


def test_linux_neighbor_entry_and_stack_nd(v6, ns):
    linux_ping6(ns, STACK_G, count=2)
    out = ns.exec(["ip", "-6", "neigh", "show", STACK_G, "dev", TAP]).stdout
    assert STACK_MAC in out.lower(), out
    nd = v6.must("nd")
    assert any(LINUX_G in line or "fe80::" in line for line in nd), nd


def test_stack_pings_linux(v6, ns):
    ll = wait_linux_ready(ns)
    for dst in (LINUX_G, f"{ll}%2"):
        out = v6.must(f"ping {dst} 5 56 100", timeout=30)
        m = next((PING_SUMMARY.search(line) for line in out if PING_SUMMARY.search(line)), None)
        assert m and (int(m.group(1)), int(m.group(2))) == (5, 5), out
        assert sum(1 for line in out if re.match(r"\d+ bytes from .* icmp_seq=\d+", line)) == 5, out


def test_dad_fails_when_linux_holds_the_address(ns, start_tern):
    ns.exec(["ip", "addr", "add", "2001:db8::5/64", "dev", TAP, "nodad"], check=True)
    t = start_tern("--ipv6-addr", "2001:db8::5/64")
    wait_inet6(t, r"^inet6 2001:db8::5/64 duplicate")
    wait_inet6(t, r"^inet6 fe80::\S+/64 preferred")
    st = t.stats()
    assert st["nd.dad.duplicate"] == 1 and st["nd.dad.ok"] == 1  # the link-local passed
    time.sleep(2)
    assert inet6_lines(t)[1].startswith("inet6 2001:db8::5/64 duplicate")  # and stays so


RADVD_CONF = """interface tap0 {
  AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4; AdvDefaultLifetime 60;
  prefix 2001:db8:1::/64 { AdvOnLink on; AdvAutonomous on; AdvValidLifetime %d; AdvPreferredLifetime %d; };
  RDNSS 2001:db8:1::1 { AdvRDNSSLifetime 60; };
  DNSSL example.test { AdvDNSSLLifetime 60; };
};
"""


def test_radvd_slaac_rdnss_and_lifetimes(ns, start_tern, tmp_path):
    need_tool("radvd")
    ns.exec(["sysctl", "-qw", "net.ipv6.conf.all.forwarding=1"], check=True)
    ns.exec(["ip", "addr", "add", "2001:db8:1::1/64", "dev", TAP, "nodad"], check=True)
    conf = tmp_path / "radvd.conf"
    conf.write_text(RADVD_CONF % (20, 10))
    pidfile = tmp_path / "radvd.pid"
    t = start_tern("--mac", STACK_MAC, "--ipv6")
    radvd = subprocess.Popen(["ip", "netns", "exec", ns.name, "radvd", "-n", "-C", str(conf), "-p", str(pidfile),
                              "-m", "stderr"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        slaac = "2001:db8:1::ff:fe00:2"
        wait_inet6(t, rf"^inet6 {re.escape(slaac)}/64 preferred autoconf", timeout=20)
        nd = t.must("nd")
        assert any(re.match(r"router fe80::\S+ dev tap0", line) for line in nd), nd
        assert "rdnss 2001:db8:1::1 dev tap0" in nd, nd
        assert "dnssl example.test" in nd, nd
        assert "prefix 2001:db8:1::/64 dev tap0 on-link" in nd, nd
        assert t.stats()["nd.dad.ok"] >= 2  # link-local, then the SLAAC address
        sent, received, out = linux_ping6(ns, slaac, count=3)
        assert received == 3, out
    finally:
        radvd.send_signal(signal.SIGTERM)  # our radvd only, by its PID
        try:
            radvd.wait(10)
        except subprocess.TimeoutExpired:
            radvd.kill()
            radvd.wait(5)
    # No more advertisements: preferred lifetime (10 s) then valid lifetime (20 s) run out.
    wait_inet6(t, rf"^inet6 {re.escape(slaac)}/64 deprecated", timeout=20)
    wait_inet6(t, rf"^inet6 {re.escape(slaac)}/64", timeout=20, present=False)
    wait_inet6(t, rf"^inet6 {re.escape(STACK_LL)}%\d+/64 preferred")  # the link-local stays


def test_ping6_60000_bytes_reassembled_and_answered(v6, ns):
    sent, received, out = linux_ping6(ns, STACK_G, count=3, size=60000, timeout=30)
    assert (sent, received) == (3, 3), out
    st = v6.stats()
    assert st["ipv6.reass.ok"] >= 3 and st["ipv6.frag.tx"] >= 3 * 40


def test_udp_echo_over_ipv6(v6, ns):
    import socket
    for dst in ((STACK_G, 7, 0, 0), (STACK_LL, 7, 0, int(ns.exec(["cat", f"/sys/class/net/{TAP}/ifindex"]).stdout))):
        with ns.socket(socket.AF_INET6, socket.SOCK_DGRAM) as s:
            s.settimeout(3)
            for size in (1, 1000, 3000):
                payload = os.urandom(size)
                s.sendto(payload, dst)
                data, addr = s.recvfrom(65535)
                assert data == payload and addr[0] == dst[0] and addr[1] == 7


def recv_frames(sock, match, timeout):
    """Frames from a receiving packet socket for which match(bytes) is true, until timeout."""
    got = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sock.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            frame = sock.recv(65535)
        except OSError:
            break
        if match(frame):
            got.append(frame)
    return got


def test_packet_too_big_lowers_path_mtu(v6, ns):
    from scapy.layers.inet6 import ICMPv6PacketTooBig, IPv6
    from scapy.layers.l2 import Ether
    rx = ns.packet_socket(receive=True)
    tx = ns.packet_socket()
    try:
        def to_linux_udp(frame):  # IPv6 from the stack to 2001:db8::1, UDP or a fragment
            return (frame[12:14] == b"\x86\xdd" and frame[6:12] == bytes.fromhex(STACK_MAC.replace(":", ""))
                    and frame[20] in (17, 44))
        v6.must(f"udp fill {LINUX_G} 9999 1400")
        first = recv_frames(rx, to_linux_udp, 1.0)
        assert len(first) == 1 and len(first[0]) == 14 + 40 + 8 + 1400, [len(f) for f in first]
        quote = first[0][14:14 + 1232]
        ptb = Ether(src=ns.tap_mac(), dst=STACK_MAC) / IPv6(src=LINUX_G, dst=STACK_G) / \
            ICMPv6PacketTooBig(mtu=1280) / quote
        tx.send(bytes(ptb))
        time.sleep(0.2)
        assert v6.stats()["ipv6.pmtu.update"] == 1
        v6.must(f"udp fill {LINUX_G} 9999 1400")
        frags = recv_frames(rx, to_linux_udp, 1.0)
        assert len(frags) == 2 and all(f[20] == 44 and len(f) - 14 <= 1280 for f in frags), [len(f) for f in frags]
        v6.must(f"udp send {LINUX_G} 9999 small")  # small datagrams still go whole
        small = recv_frames(rx, to_linux_udp, 1.0)
        assert len(small) == 1 and small[0][20] == 17
    finally:
        rx.close()
        tx.close()


def mld_frames(frames):
    """(type, bytes) of the MLD messages among frames (IPv6 + hop-by-hop + ICMPv6)."""
    out = []
    for f in frames:
        if f[12:14] == b"\x86\xdd" and f[20] == 0 and f[54] == 58:
            icmp = f[54 + (f[55] + 1) * 8:]
            if icmp and icmp[0] in (130, 131, 132, 143):
                out.append((icmp[0], f))
    return out


def test_mld_reports_and_query(ns, start_tern):
    from scapy.layers.inet6 import IPv6, IPv6ExtHdrHopByHop, ICMPv6MLQuery2, RouterAlert
    from scapy.layers.l2 import Ether
    rx = ns.packet_socket(receive=True)
    tx = ns.packet_socket()
    try:
        t = start_tern("--mac", STACK_MAC, "--ipv6")
        wait_inet6(t, rf"^inet6 {re.escape(STACK_LL)}%\d+/64 preferred")
        sn = bytes.fromhex("ff0200000000000000000001ff000002")
        stack_mac = bytes.fromhex(STACK_MAC.replace(":", ""))
        joins = [f for typ, f in mld_frames(recv_frames(rx, lambda f: f[6:12] == stack_mac, 1.0)) if typ == 143]
        assert joins, "no MLDv2 report when the solicited-node group was joined"
        assert any(sn in f and f[21] == 1 for f in joins)
        wait_linux_ready(ns)
        ll = linux_ll(ns)
        q = Ether(src=ns.tap_mac(), dst="33:33:00:00:00:01") / \
            IPv6(src=ll, dst="ff02::1", hlim=1) / IPv6ExtHdrHopByHop(options=[RouterAlert()]) / \
            ICMPv6MLQuery2(mrd=1000)
        tx.send(bytes(q))
        answers = [f for typ, f in mld_frames(recv_frames(rx, lambda f: f[6:12] == stack_mac, 2.0)) if typ == 143]
        assert answers and sn in answers[0], "the MLDv2 general query went unanswered"
        assert answers[0][22:38] == bytes.fromhex("fe80000000000000000000fffe000002")
        assert t.stats()["mld.query.rx"] == 1
    finally:
        rx.close()
        tx.close()
