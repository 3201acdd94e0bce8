"""The stack against the Linux kernel and Debian tools, over a TAP in a namespace."""
import os
import re
import socket
import subprocess
import time

import pytest

from conftest import TERN_BIN, need_tool
from netns import LINUX_IP, STACK_IP, run

PING_SUMMARY = re.compile(r"(\d+) packets transmitted, (\d+) received")


def linux_ping(ns, count=3, size=56, interval=None, timeout=30):
    """Ping the stack from Linux; returns (transmitted, received, output)."""
    argv = ["ping", "-n", "-q", "-c", str(count), "-W", "2", "-s", str(size)]
    if interval is not None:
        argv += ["-i", str(interval)]
    r = ns.exec(argv + [STACK_IP], timeout=timeout)
    m = PING_SUMMARY.search(r.stdout)
    assert m, f"no ping summary: {r.stdout} {r.stderr}"
    return int(m.group(1)), int(m.group(2)), r.stdout


def stack_ping(tern, args, timeout=30):
    """Run the shell's ping; returns (reply lines, transmitted, received)."""
    out = tern.must(f"ping {args}", timeout=timeout)
    replies = [line for line in out if re.match(rf"\d+ bytes from {re.escape(LINUX_IP)}: icmp_seq=\d+ ttl=\d+ time=\d+ ms", line)]
    m = next((PING_SUMMARY.search(line) for line in out if PING_SUMMARY.search(line)), None)
    assert m, f"no summary in {out}"
    print("\n".join(out))  # shown when the test fails
    return replies, int(m.group(1)), int(m.group(2))


def udp_exchange(ns, payload, port=7, timeout=3.0):
    """Send payload to the stack's UDP port from inside the namespace; returns the reply."""
    with ns.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        s.sendto(payload, (STACK_IP, port))
        data, addr = s.recvfrom(65535)
        assert addr == (STACK_IP, port)
        return data


# ---- ICMP echo ------------------------------------------------------------------

def test_linux_ping_1000_at_10ms(tern, ns):
    sent, received, out = linux_ping(ns, count=1000, interval=0.01, timeout=90)
    assert (sent, received) == (1000, 1000), out


def test_linux_ping_8000_bytes(tern, ns):
    assert linux_ping(ns, count=3, size=8000)[:2] == (3, 3)


def test_linux_ping_65000_bytes(tern, ns):
    sent, received, out = linux_ping(ns, count=3, size=65000)
    assert (sent, received) == (3, 3), out
    assert tern.stats()["ipv4.reass.ok"] >= 3


def test_stack_pings_linux(tern):
    replies, sent, received = stack_ping(tern, f"{LINUX_IP} 3")
    assert (sent, received, len(replies)) == (3, 3, 3)
    assert replies[0].startswith("64 bytes from")


def test_stack_pings_linux_above_mtu(tern):
    replies, sent, received = stack_ping(tern, f"{LINUX_IP} 3 3000")
    assert (sent, received, len(replies)) == (3, 3, 3)
    assert replies[0].startswith("3008 bytes from")
    stats = tern.stats()
    assert stats["ipv4.frag.tx"] >= 3 and stats["ipv4.reass.ok"] >= 3


def test_stack_ping_unreachable_host_times_out(tern):
    replies, sent, received = stack_ping(tern, "192.0.2.99 2")
    assert (sent, received, replies) == (2, 0, [])


# ---- ARP --------------------------------------------------------------------------

def arping_argv():
    helptext = subprocess.run(["arping", "--help"], capture_output=True, text=True, timeout=5)
    iface_flag = "-i" if "Habets" in helptext.stdout + helptext.stderr else "-I"
    return ["arping", "-c", "3", "-w", "5", iface_flag, "tap0", STACK_IP]


def test_arp_both_ways(tern, ns):
    need_tool("arping")
    r = ns.exec(arping_argv(), timeout=15)
    assert r.returncode == 0, r.stdout + r.stderr
    assert tern.mac in r.stdout.lower()
    assert linux_ping(ns, count=1)[:2] == (1, 1)
    assert ns.neighbour_mac(STACK_IP) == tern.mac
    linux_mac = ns.tap_mac()
    lines = tern.must("arp")
    assert any(line.startswith(f"{LINUX_IP} at {linux_mac}") for line in lines), lines


# ---- UDP ----------------------------------------------------------------------------

@pytest.mark.parametrize("size", [1, 1472, 8000])
def test_udp_echo(tern, ns, size):
    payload = os.urandom(size)
    assert udp_exchange(ns, payload) == payload


def test_udp_discard_is_silent(tern, ns):
    with pytest.raises(socket.timeout):
        udp_exchange(ns, b"into the void", port=9, timeout=1.0)
    assert tern.stats()["udp.rx"] >= 1


def test_udp_send_from_shell(tern, ns):
    with ns.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((LINUX_IP, 5555))
        s.settimeout(3)
        tern.must(f"udp send {LINUX_IP} 5555 hello from tern")
        data, addr = s.recvfrom(2048)
        assert data == b"hello from tern" and addr[0] == STACK_IP
        s.sendto(b"and back", addr)  # the shell prints what its endpoint receives
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline and not any("and back" in line for line in tern.stdout):
            time.sleep(0.05)
        assert any(line.startswith(f"udp from {LINUX_IP}:5555 8 bytes: and back") for line in tern.stdout)


# ---- Capture --------------------------------------------------------------------------

def tshark(argv, timeout=60):
    return run(["tshark", "-n"] + argv, timeout=timeout, check=False)


def test_pcap_is_valid(start_tern, ns, tmp_path):
    need_tool("tshark")
    path = tmp_path / "run.pcap"
    tern = start_tern("--pcap", str(path))
    assert linux_ping(ns, count=3)[:2] == (3, 3)
    assert linux_ping(ns, count=1, size=3000)[:2] == (1, 1)
    assert udp_exchange(ns, b"captured") == b"captured"
    assert stack_ping(tern, f"{LINUX_IP} 2")[1:] == (2, 2)
    assert tern.stop() == 0
    count = tshark(["-r", str(path), "-T", "fields", "-e", "frame.number"])
    assert count.returncode == 0, count.stderr
    assert len(count.stdout.split()) >= 14
    bad = tshark(["-r", str(path), "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
                  "-Y", '_ws.malformed || _ws.expert.severity >= "Error"'])
    assert bad.returncode == 0, bad.stderr
    assert bad.stdout.strip() == "", bad.stdout


# ---- Impairment -------------------------------------------------------------------------

def test_impair_loses_some(start_tern, ns):
    tern = start_tern("--impair", "loss=30,seed=7")
    sent, received, out = linux_ping(ns, count=40, interval=0.01)
    assert 0 < received < sent, out
    stats = tern.stats()
    assert stats["impair.rx.lost"] + stats["impair.tx.lost"] > 0


# ---- Program contract ------------------------------------------------------------------

@pytest.mark.parametrize("args, message", [
    (["--bogus"], "unknown option"),
    (["--tap", "tap0"], "--ipv4"),
    (["--tap", "tap0", "--ipv4", "192.0.2.300/24"], "--ipv4"),
    (["--tap", "tap0", "--ipv4", "192.0.2.2/24", "--mac", "zz"], "--mac"),
    (["--tap", "tap0", "--ipv4", "192.0.2.2/24", "--mtu", "9"], "--mtu"),
    (["--tap", "tap0", "--ipv4", "192.0.2.2/24", "--impair", "loss=lots"], "--impair"),
    (["--tap"], "needs a value"),
])
def test_bad_flags_exit_2(args, message):
    if not os.access(TERN_BIN, os.X_OK):
        pytest.skip(f"{TERN_BIN} is missing")
    r = run([TERN_BIN] + args, timeout=5, check=False)
    assert r.returncode == 2
    assert message in r.stderr and r.stdout == ""


def test_help_exits_0():
    if not os.access(TERN_BIN, os.X_OK):
        pytest.skip(f"{TERN_BIN} is missing")
    r = run([TERN_BIN, "--help"], timeout=5, check=False)
    assert r.returncode == 0 and "--tap IFNAME" in r.stdout


def test_unknown_command(tern):
    ok, out, last = tern.cmd("frobnicate now")
    assert not ok and last == "error: unknown command 'frobnicate' (try help)"
    ok, out, last = tern.cmd("ping")
    assert not ok and last.startswith("error: usage: ping")


def test_info_commands(tern):
    assert len(tern.must("help")) >= 8
    ifc = "\n".join(tern.must("ifconfig"))
    assert "tap0:" in ifc and f"inet {STACK_IP}/24" in ifc and f"ether {tern.mac}" in ifc
    assert any(line.startswith("192.0.2.0/24 dev tap0 connected") for line in tern.must("route"))
    stats = tern.stats()
    assert "ipv4.drop.checksum" in stats.counters and stats.pools


def test_sigterm_prints_statistics(tern, ns):
    assert linux_ping(ns, count=1)[:2] == (1, 1)
    assert tern.terminate() == 0
    time.sleep(0.2)
    assert "statistics" in tern.stdout
    assert any(line.startswith("icmp.rx ") for line in tern.stdout)


def test_end_of_input_keeps_running(tern, ns):
    tern.proc.stdin.close()
    time.sleep(0.3)
    assert tern.proc.poll() is None
    assert linux_ping(ns, count=2)[:2] == (2, 2)
    assert tern.terminate() == 0


def test_pcap_survives_sigkill(start_tern, ns, tmp_path):
    need_tool("tshark")
    path = tmp_path / "killed.pcap"
    tern = start_tern("--pcap", str(path))
    assert linux_ping(ns, count=2)[:2] == (2, 2)
    tern.proc.kill()  # no chance to flush anything at exit
    tern.proc.wait(10)
    tern.returncode = 0  # killed on purpose: the teardown does not check it
    r = tshark(["-r", str(path), "-Y", "icmp"])
    assert r.returncode == 0, r.stderr
    assert len(r.stdout.splitlines()) >= 4
