#!/usr/bin/env python3
"""Instructions the firmware executes per received full-size TCP segment and per echoed
UDP datagram, counted deterministically on the emulated Cortex-M4.

QEMU runs the firmware (build-fw/tern-fw.elf) with `-icount shift=0`: every instruction
advances virtual time by exactly 1 ns, and SysTick (25 MHz core clock) counts virtual
time, so one SysTick count is 40 instructions. The firmware adds up the counts spent
in its receive path (LAN9118 FIFO read, the stack, and what it sends from there: ACKs,
echoes) per received frame; `perf` reports instructions per frame, `perf reset` zeroes.
Idle time (WFI) is not counted. Needs root (namespace, TAP) and qemu-system-arm.
Writes build/bench/firmware_insns.txt. Reports numbers; never passes or fails on them.
"""
import os
import re
import socket
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "interop"))
os.environ["TERN_TARGET"] = "firmware"
os.environ.setdefault("TERN_QEMU_ARGS", "-icount shift=0")

from conftest import TERN_FW_ELF, make_tern  # noqa: E402
from netns import STACK_IP, Namespace  # noqa: E402
from tcpflow import DISCARD_PORT, Flow  # noqa: E402

TCP_BYTES = 4 << 20
UDP_DATAGRAMS = 500
UDP_SIZE = 64


def perf(t):
    vals = {}
    for line in t.must("perf"):
        k, v = line.split()
        vals[k] = int(v)
    return vals


def main():
    if os.geteuid() != 0 or not os.path.exists(TERN_FW_ELF):
        print(f"bench: firmware instruction counts need root and {TERN_FW_ELF} (make firmware); skipped")
        return 0
    ns = Namespace(f"tern-fwbench-{os.getpid()}").create()
    t = None
    lines = []
    try:
        t = make_tern(ns, ["--tap", "tap0", "--ipv4", f"{STACK_IP}/24"])
        t.wait_ready(30)
        ns.exec(["ping", "-c", "2", STACK_IP])
        # TCP: bulk data to the discard port; nearly every frame is a full-size segment.
        t.must("perf reset")
        flow = Flow(ns, DISCARD_PORT, size=TCP_BYTES, seed=3, timeout=300).start()
        flow.wait()
        flow.close()
        time.sleep(1)
        p = perf(t)
        segs = TCP_BYTES // 1460
        lines.append(f"tcp: {p['perf.rx_frames']} frames received ({segs} full-size segments of {TCP_BYTES} "
                     f"bytes), {p['perf.insns_per_frame']} instructions per received frame")
        # UDP echo: one datagram at a time, each answered before the next.
        t.must("perf reset")
        with ns.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(2)
            for i in range(UDP_DATAGRAMS):
                s.sendto(bytes(UDP_SIZE), (STACK_IP, 7))
                s.recvfrom(2048)
        p = perf(t)
        lines.append(f"udp echo: {p['perf.rx_frames']} datagrams of {UDP_SIZE} bytes, "
                     f"{p['perf.insns_per_frame']} instructions per echoed datagram (receive + echo)")
        mem = t.must("mem")
        lines.append(mem[0])
    finally:
        if t is not None:
            t.stop()
        ns.delete()
    os.makedirs(os.path.join(ROOT, "build", "bench"), exist_ok=True)
    with open(os.path.join(ROOT, "build", "bench", "firmware_insns.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join("firmware " + line for line in lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
