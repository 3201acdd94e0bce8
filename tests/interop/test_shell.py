"""The shell's network commands against Linux, on the host program and (with
TERN_TARGET=firmware) on the firmware, which answer them alike: `tcp connect`
/ `send` / `close`, `tcp connect ... echo`, `iperf client`, `dns` with a
numeric name, `mcast send`."""
import re
import socket
import struct
import subprocess
import time

from conftest import need_tool
from netns import LINUX_IP, STACK_IP
from tcpflow import Flow, listen

MB = 1 << 20


def wait_line(tern, pattern, timeout):
    """Wait for an asynchronous output line matching pattern; returns the match."""
    return tern.wait_output(pattern, timeout, since=0)


def test_tcp_connect_send_close(tern, ns):
    lst = listen(ns, 6001)
    try:
        out = tern.must(f"tcp connect {LINUX_IP} 6001", timeout=10)
        assert out and re.match(r"tcp (\d+): connected$", out[-1]), out
        cid = re.match(r"tcp (\d+):", out[-1]).group(1)
        lst.settimeout(5)
        conn, _ = lst.accept()
        conn.settimeout(5)
        tern.must(f"tcp send {cid} hello from the stack")
        got = b""
        while not got.endswith(b"\n"):
            chunk = conn.recv(100)
            assert chunk, "connection closed early"
            got += chunk
        assert got == b"hello from the stack\n"
        mark = tern.mark()
        conn.sendall(b"world\n")
        tern.wait_output(rf"^tcp {cid}: 6 bytes: world\.$", 5, since=mark)
        tern.must(f"tcp close {cid}")
        assert conn.recv(100) == b"", "no FIN after tcp close"
        conn.close()
        ok, _, last = tern.cmd(f"tcp send {cid} again")
        assert not ok and "no connection" in last
    finally:
        lst.close()


def test_tcp_connect_echo(tern, ns):
    """The stack as client through the echo service: 1 MB, sha256 both ways."""
    lst = listen(ns, 6002)
    flow = Flow(ns, 6002, size=MB, seed=5, timeout=120)
    try:
        out = tern.must(f"tcp connect {LINUX_IP} 6002 echo", timeout=10)
        assert any("connected, echoing" in line for line in out), out
        flow.start(lst)
        flow.wait()
        flow.check_echo()
    finally:
        flow.close()


def test_iperf_client(tern, ns):
    need_tool("iperf")
    server = subprocess.Popen(["ip", "netns", "exec", ns.name, "timeout", "30", "iperf", "-s", "-f", "m"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        time.sleep(0.5)
        ok, out, last = tern.cmd(f"iperf client {LINUX_IP} 2", timeout=30)
        assert ok, (out, last)
        report = [line for line in out if line.startswith("iperf client:")]
        assert report, out
        sent = int(report[0].split()[2])
        assert sent > 0, report
    finally:
        server.terminate()
        try:
            server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)


def test_dns_numeric_name(tern):
    out = tern.must(f"dns {LINUX_IP}")
    assert out == [f"{LINUX_IP} has address {LINUX_IP}"], out


def test_mcast_send(tern, ns):
    group, port = "239.1.2.5", 5005
    sock = ns.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("", port))
        mreq = struct.pack("4s4s", socket.inet_aton(group), socket.inet_aton(LINUX_IP))
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
        sock.settimeout(5)
        tern.must(f"mcast send {group} {port} to the group")
        data, src = sock.recvfrom(100)
        assert data == b"to the group"
        assert src[0] == STACK_IP
    finally:
        sock.close()
