"""Firmware-only interop tests (TERN_TARGET=firmware; `make test-firmware`).

The shared tests (test_interop, test_tcp, test_dhcp, test_hostile*) run against
the firmware through the same fixtures; these add what only the firmware has:
the 10 MB TCP echo and discard of the acceptance list, the fault handler (a
fault must print HARDFAULT and the fault registers and end QEMU with status 1,
so a fault in any other test fails it), the unaligned-access trap of the
-mno-unaligned-access variant, the LAN9118 multicast hash filter, the painted
stack and the pool peaks.
"""
import os
import re
import socket
import time

import pytest

from conftest import make_tern, need_tool
from netns import LINUX_IP, PREFIX, STACK_IP
from tcpflow import DISCARD_PORT, ECHO_PORT, Flow, wait_tcp_list

MB = 1 << 20
UNALIGNED_VARIANT = os.environ.get("TERN_FW_UNALIGNED", "0") == "1"
CFSR_UNALIGNED = 1 << 24  # UsageFault: unaligned access
CFSR_UNDEFINSTR = 1 << 16  # UsageFault: undefined instruction


def settle(tern, baseline, timeout=20):
    conns = wait_tcp_list(tern, lambda c: not c, timeout)
    assert not conns, f"connections left behind: {[c['line'] for c in conns]}"
    used = tern.wait_pools(baseline, timeout=timeout)
    assert all(used.get(k, 0) <= v for k, v in baseline.items()), f"pools {used} did not return to {baseline}"


def test_echo_10mb_sha256(tern, ns):
    baseline = tern.stats().used()
    flow = Flow(ns, ECHO_PORT, size=10 * MB, seed=10, timeout=240).start()
    try:
        elapsed = flow.wait()
        flow.check_echo()  # every byte back, sha256 equal
    finally:
        flow.close()
    print(f"10 MB echoed by the firmware in {elapsed:.1f} s")
    settle(tern, baseline)
    st = tern.stats()
    assert st["lan9118.rx_errors"] == 0 and st["lan9118.tx_errors"] == 0


def test_discard_10mb(tern, ns):
    baseline = tern.stats().used()
    flow = Flow(ns, DISCARD_PORT, size=10 * MB, seed=11, timeout=240).start()
    try:
        flow.wait()
        assert not flow.errors, flow.errors
        assert flow.sent == flow.size
    finally:
        flow.close()
    settle(tern, baseline)


def test_iperf_server(tern, ns):
    """Linux iperf2 (-c) to the firmware's iperf server (port 5001, started at boot)."""
    need_tool("iperf")
    baseline = tern.stats().used()
    r = ns.exec(["iperf", "-c", STACK_IP, "-n", str(4 * MB), "-y", "C"], timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    fields = r.stdout.strip().splitlines()[-1].split(",")
    assert int(fields[7]) == 4 * MB, r.stdout  # bytes transferred
    print(f"iperf to the firmware: {int(fields[8]) / 1e6:.0f} Mbit/s")
    settle(tern, baseline)


def start_unmanaged(ns):
    """A firmware run the test stops itself (its exit status is the point)."""
    t = make_tern(ns, ["--tap", "tap0", "--ipv4", f"{STACK_IP}/{PREFIX}"])
    t.wait_ready()
    return t


def fault_lines(t, timeout=10):
    t.wait_output(r"^HARDFAULT end", timeout)
    return "\n".join(t.stdout)


def test_fault_prints_registers_and_fails(ns):
    t = start_unmanaged(ns)
    try:
        t.send("fault undefined")
        text = fault_lines(t)
        assert re.search(r"^HARDFAULT UsageFault$", text, re.M), text
        for reg in ("r0", "r1", "r2", "r3", "r12", "lr", "pc", "xpsr", "CFSR", "HFSR", "MMFAR", "BFAR"):
            assert re.search(rf"\b{reg}=0x[0-9a-f]{{8}}\b", text), f"{reg} missing: {text}"
        cfsr = int(re.search(r"CFSR=0x([0-9a-f]{8})", text).group(1), 16)
        assert cfsr & CFSR_UNDEFINSTR, hex(cfsr)
        assert t.proc.wait(10) == 1, "QEMU must exit with status 1 after a fault"
        assert t.faulted()  # what the fixtures check after every test
    finally:
        t.terminate()


def test_unaligned_access_traps_only_in_the_variant(ns):
    """The -mno-unaligned-access variant enables CCR.UNALIGN_TRP: an unaligned
    word load faults there (so the whole test run proves the stack never makes
    one), and is harmless in the default build."""
    t = start_unmanaged(ns)
    try:
        t.send("fault unaligned")
        if UNALIGNED_VARIANT:
            text = fault_lines(t)
            cfsr = int(re.search(r"CFSR=0x([0-9a-f]{8})", text).group(1), 16)
            assert cfsr & CFSR_UNALIGNED, hex(cfsr)
            assert t.proc.wait(10) == 1
        else:
            t.wait_output(r"^ok$", 10)
            assert not t.faulted()
            assert t.stop() == 0
    finally:
        t.terminate()


def send_to_group(ns, group, port, text, count=5):
    with ns.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(LINUX_IP))
        for _ in range(count):
            s.sendto(text, (group, port))
    time.sleep(0.5)


def hash_filter(tern):
    line = next(line for line in tern.must("ifconfig") if "hash filter" in line)
    return int(line.split()[-1], 16)


def test_multicast_hash_filter(tern, ns):
    """The driver programs the LAN9118's 64-bin hash filter from the stack's group
    memberships: a group's datagrams reach the stack only while it is joined."""
    group, port = "239.1.2.3", 5007
    closed = hash_filter(tern)
    before = tern.stats()["lan9118.rx_frames"]
    send_to_group(ns, group, port, b"before join")
    assert tern.stats()["lan9118.rx_frames"] - before < 2, "an unjoined group passed the MAC filter"

    tern.must(f"mcast join {group} {port}")
    opened = hash_filter(tern)
    assert bin(opened).count("1") == bin(closed).count("1") + 1, (hex(closed), hex(opened))
    since = tern.mark()
    send_to_group(ns, group, port, b"while joined")
    tern.wait_output(rf"^mcast {re.escape(group)}:{port} from {re.escape(LINUX_IP)}:\d+ 12 bytes: while joined$",
                     5, since)

    tern.must(f"mcast leave {group}")
    assert hash_filter(tern) == closed
    before = tern.stats()["lan9118.rx_frames"]
    send_to_group(ns, group, port, b"after leave")
    assert tern.stats()["lan9118.rx_frames"] - before < 2, "the filter stayed open after leaving"


def test_stack_high_water_and_pools(tern, ns):
    out = tern.must("mem")
    m = re.match(r"stack (\d+)/(\d+) bytes used", out[0])
    assert m, out
    used, size = int(m.group(1)), int(m.group(2))
    assert 0 < used < size // 2, f"stack high-water mark {used} of {size}"
    st = tern.stats()
    assert st.pools["pbuf"]["peak"] <= st.pools["pbuf"]["count"]
