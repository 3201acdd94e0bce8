"""IGMP and multicast UDP (shell command `mcast`) against the Linux side:
datagrams from a Linux sender, IGMPv3 reports in the stack's pcap (read by
tshark), answers to IGMPv3 and IGMPv2 general queries sent with hand-made
frames, and the leave."""
import queue
import re
import socket
import struct
import time

import pytest

import craft
from conftest import need_tool
from netns import LINUX_IP, run

GROUP = "239.1.2.3"
OTHER_GROUP = "239.1.2.4"
PORT = 5000
ALL_HOSTS = "224.0.0.1"
ROUTER_ALERT = b"\x94\x04\x00\x00"
PROTO_IGMP = 2


def wait_line(tern, pattern, timeout):
    """First asynchronous output line matching pattern within timeout, or None."""
    deadline = time.monotonic() + timeout
    rx = re.compile(pattern)
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        try:
            line = tern.lines.get(timeout=left)
        except queue.Empty:
            return None
        if line is None:
            raise EOFError("build/tern exited")
        if rx.search(line):
            return line


class Sender:
    """A UDP socket in the namespace sending multicast out of tap0."""

    def __init__(self, ns):
        self.sock = ns.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(LINUX_IP))
        self.sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
        self.sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
        self.sock.bind((LINUX_IP, 0))
        self.port = self.sock.getsockname()[1]

    def send(self, data, group=GROUP, port=PORT):
        self.sock.sendto(data, (group, port))

    def close(self):
        self.sock.close()


@pytest.fixture
def sender(ns):
    s = Sender(ns)
    yield s
    s.close()


def mcast_mac(group):
    b = socket.inet_aton(group)
    return "01:00:5e:%02x:%02x:%02x" % (b[1] & 0x7F, b[2], b[3])


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def igmp_with_checksum(msg):
    return msg[:2] + struct.pack("!H", checksum(msg)) + msg[4:]


def general_query_frame(peers, version, max_resp_code):
    """A general query to 224.0.0.1 from the Linux side (TTL 1, Router Alert)."""
    if version == 3:
        msg = struct.pack("!BBH4sBBH", 0x11, max_resp_code, 0, bytes(4), 2, 125, 0)
    else:
        msg = struct.pack("!BBH4s", 0x11, max_resp_code, 0, bytes(4))
    msg = igmp_with_checksum(msg)
    eth = bytes.fromhex(mcast_mac(ALL_HOSTS).replace(":", "")) + \
        bytes.fromhex(peers.linux_mac.replace(":", "")) + b"\x08\x00"
    ip = craft.ip_header(peers, PROTO_IGMP, len(msg), ihl=6, options=ROUTER_ALERT, ttl=1, dst=ALL_HOSTS)
    return eth + ip + msg


def igmp_from(frame, stack_mac):
    """(IPv4 dst, IGMP bytes) if frame is an IGMP message from the stack, else None."""
    if frame[6:12] != stack_mac or frame[12:14] != b"\x08\x00":
        return None
    ip = frame[14:]
    if len(ip) < 20 or ip[9] != PROTO_IGMP:
        return None
    hlen = (ip[0] & 0x0F) * 4
    total = int.from_bytes(ip[2:4], "big")
    return socket.inet_ntoa(ip[16:20]), ip[hlen:total]


def v3_records(igmp):
    """[(record type, group)] of an IGMPv3 report."""
    n = int.from_bytes(igmp[6:8], "big")
    out, off = [], 8
    for _ in range(n):
        rtype, aux, nsrc = igmp[off], igmp[off + 1], int.from_bytes(igmp[off + 2:off + 4], "big")
        out.append((rtype, socket.inet_ntoa(igmp[off + 4:off + 8])))
        off += 8 + 4 * nsrc + 4 * aux
    return out


def capture_igmp(ns, stack_mac, until, timeout):
    """Open a capture on tap0 now; the returned function reads frames until
    until(dst, igmp) is true and gives (dst, igmp, seconds) or None."""
    sock = ns.packet_socket(receive=True)
    sock.settimeout(0.1)
    mac = bytes.fromhex(stack_mac.replace(":", ""))
    return lambda: _read_until(sock, mac, until, timeout)


def _read_until(sock, mac, until, timeout):
    t0 = time.monotonic()
    deadline = t0 + timeout
    try:
        while time.monotonic() < deadline:
            try:
                frame = sock.recv(65535)
            except socket.timeout:
                continue
            got = igmp_from(frame, mac)
            if got and until(*got):
                return got[0], got[1], time.monotonic() - t0
        return None
    finally:
        sock.close()


def send_frame(ns, frame):
    sock = ns.packet_socket()
    try:
        sock.send(frame)
    finally:
        sock.close()


def warm_arp(ns, tern):
    tern.must(f"ping {LINUX_IP} 1 56 10", timeout=10)


def test_receives_datagrams_for_joined_group(tern, ns, sender):
    tern.must(f"mcast join {GROUP} {PORT}")
    assert tern.must("mcast") == [f"group {GROUP} port {PORT}"]
    sender.send(b"not joined", group=OTHER_GROUP)
    sender.send(b"hello group")
    line = wait_line(tern, r"^mcast ", timeout=5)
    assert line == f"mcast {GROUP}:{PORT} from {LINUX_IP}:{sender.port} 11 bytes: hello group"
    sender.send(b"x" * 300 + b"\x01")
    line = wait_line(tern, r"^mcast ", timeout=5)
    assert line == f"mcast {GROUP}:{PORT} from {LINUX_IP}:{sender.port} 301 bytes: " + "x" * 200 + "..."
    # Two ports on the same group: each endpoint gets its own datagrams.
    tern.must(f"mcast join {GROUP} {PORT + 1}")
    sender.send(b"second port", port=PORT + 1)
    line = wait_line(tern, r"^mcast ", timeout=5)
    assert line == f"mcast {GROUP}:{PORT + 1} from {LINUX_IP}:{sender.port} 11 bytes: second port"


def test_reports_and_leave_in_pcap(start_tern, ns, sender, tmp_path):
    need_tool("tshark")
    pcap = tmp_path / "igmp.pcap"
    tern = start_tern("--pcap", str(pcap))
    tern.must(f"mcast join {GROUP} {PORT}")
    time.sleep(1.5)  # the unsolicited report and its repetition (within 1 s)
    tern.must(f"mcast leave {GROUP}")
    sender.send(b"after leave")
    assert wait_line(tern, r"^mcast ", timeout=1.5) is None, "datagram delivered after the leave"
    ok, _, last = tern.cmd(f"mcast leave {GROUP}")
    assert not ok and last == "error: not a member of that group"
    time.sleep(0.3)
    out = run(["tshark", "-r", str(pcap), "-Y", "igmp.version == 3 && igmp.type == 0x22", "-T", "fields",
               "-e", "ip.dst", "-e", "igmp.record_type", "-e", "igmp.maddr"], timeout=60).stdout
    rows = [tuple(line.split("\t")) for line in out.splitlines() if line]
    joins = [r for r in rows if r == ("224.0.0.22", "4", GROUP)]   # CHANGE_TO_EXCLUDE_MODE
    leaves = [r for r in rows if r == ("224.0.0.22", "3", GROUP)]  # CHANGE_TO_INCLUDE_MODE
    assert len(joins) >= 2, f"expected the join report and its repetition: {rows}"
    assert len(leaves) >= 1, f"no leave (CHANGE_TO_INCLUDE) report: {rows}"
    bad = run(["tshark", "-r", str(pcap), "-Y", "igmp && (_ws.malformed || _ws.expert.severity >= \"Error\")"],
              timeout=60).stdout
    assert bad.strip() == "", bad


def test_answers_igmpv3_general_query(tern, ns):
    warm_arp(ns, tern)
    tern.must(f"mcast join {GROUP} {PORT}")
    time.sleep(1.5)  # let the unsolicited reports go first
    peers = craft.Peers(ns.tap_mac(), tern.mac)
    before = tern.stats()
    read = capture_igmp(ns, tern.mac, lambda dst, m: m[:1] == b"\x22" and (2, GROUP) in v3_records(m),
                              timeout=5)
    send_frame(ns, general_query_frame(peers, 3, 20))  # max response 2.0 s
    got = read()
    assert got is not None, "no IGMPv3 MODE_IS_EXCLUDE report answered the query"
    dst, _, seconds = got
    assert dst == "224.0.0.22"
    assert seconds <= 2.0 + 0.5, f"answered after {seconds:.2f} s (max response time 2 s)"
    assert tern.stats()["igmp.query.rx"] == before["igmp.query.rx"] + 1


def test_answers_igmpv2_general_query_with_v2_report(tern, ns):
    warm_arp(ns, tern)
    tern.must(f"mcast join {GROUP} {PORT}")
    time.sleep(1.5)
    peers = craft.Peers(ns.tap_mac(), tern.mac)
    read = capture_igmp(ns, tern.mac, lambda dst, m: m[:1] == b"\x16", timeout=5)
    send_frame(ns, general_query_frame(peers, 2, 10))  # max response 1.0 s
    got = read()
    assert got is not None, "no IGMPv2 report answered the v2 query"
    dst, msg, seconds = got
    assert dst == GROUP and socket.inet_ntoa(msg[4:8]) == GROUP
    assert checksum(msg[:8]) == 0
    assert seconds <= 1.0 + 0.5, f"answered after {seconds:.2f} s (max response time 1 s)"
    # In IGMPv2 mode the leave is a v2 Leave Group to 224.0.0.2.
    read = capture_igmp(ns, tern.mac, lambda dst, m: m[:1] == b"\x17", timeout=3)
    tern.must(f"mcast leave {GROUP}")
    got = read()
    assert got is not None and got[0] == "224.0.0.2" and socket.inet_ntoa(got[1][4:8]) == GROUP


def test_stack_sends_to_group(tern, ns):
    warm_arp(ns, tern)
    rx = ns.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        rx.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        rx.bind(("0.0.0.0", PORT))
        rx.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                      socket.inet_aton(GROUP) + socket.inet_aton(LINUX_IP))
        rx.settimeout(5)
        tern.must(f"mcast send {GROUP} {PORT} hello from tern")
        data, src = rx.recvfrom(2048)
    finally:
        rx.close()
    assert data == b"hello from tern" and src[0] == "192.0.2.2"


def test_bad_arguments(tern):
    for line in (f"mcast join 192.0.2.9 {PORT}", f"mcast join {GROUP} 0", "mcast join", f"mcast frob {GROUP}",
                 "mcast send 10.0.0.1 1 x"):
        ok, _, last = tern.cmd(line)
        assert not ok and last.startswith("error: usage: mcast"), (line, last)
