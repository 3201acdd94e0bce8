"""Hostile DHCP replies on the wire (scapy-built frames from inside the test's
namespace) against build/tern --dhcp while it is looking for a server: truncated
and overlong options, a missing END option, option overload pointing at garbage,
wrong transaction ID, hardware address and op. None may crash the client, change
its state or leave an address behind; each is counted. Afterwards a real server
(dnsmasq) still gives it a lease: nothing was poisoned.
"""
import socket
import struct
import threading
import time

import pytest

from conftest import need_tool

pytest.importorskip("scapy.all")
from scapy.all import BOOTP, DHCP, IP, UDP, Ether, Raw  # noqa: E402

SERVER_IP = "192.0.2.1"
OFFERED = "192.0.2.150"
MAGIC = b"\x63\x82\x53\x63"


class DiscoverWatcher:
    """Learns xid and chaddr from the client's DHCPDISCOVERs on tap0."""

    def __init__(self, ns):
        self.sock = ns.packet_socket(receive=True)
        self.sock.settimeout(0.5)
        self.found = None
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        deadline = time.monotonic() + 30
        while not self.done.is_set() and time.monotonic() < deadline:
            try:
                frame = self.sock.recv(2048)
            except socket.timeout:
                continue
            pkt = Ether(frame)
            if pkt.haslayer(BOOTP) and pkt[UDP].dport == 67 and pkt[BOOTP].op == 1:
                self.found = (pkt[BOOTP].xid, bytes(pkt[BOOTP].chaddr[:6]), pkt[Ether].src)
                self.done.set()

    def wait(self, timeout=20):
        self.done.wait(timeout)
        self.sock.close()
        if not self.found:
            raise TimeoutError("no DHCPDISCOVER seen")
        return self.found


def bootp_reply(xid, chaddr, op=2, options=b"", file=b"", sname=b""):
    """A BOOTP reply as raw bytes, options area given verbatim (after the cookie)."""
    hdr = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", op, 1, 6, 0, xid, 0, 0, b"\0" * 4,
                      socket.inet_aton(OFFERED), socket.inet_aton(SERVER_IP), b"\0" * 4,
                      chaddr.ljust(16, b"\0"), sname.ljust(64, b"\0")[:64], file.ljust(128, b"\0")[:128])
    return hdr + MAGIC + options


def offer_options(extra=b"", end=True):
    opts = bytes([53, 1, 2]) + bytes([54, 4]) + socket.inet_aton(SERVER_IP) + bytes([51, 4, 0, 0, 0x0e, 0x10])
    opts += bytes([1, 4, 255, 255, 255, 0]) + extra
    return opts + (b"\xff" if end else b"")


def frame(stack_mac, payload):
    return bytes(Ether(dst=stack_mac, src="02:00:00:00:00:fe") / IP(src=SERVER_IP, dst="255.255.255.255", ttl=64)
                 / UDP(sport=67, dport=68) / Raw(payload))


def cases(xid, chaddr):
    good = offer_options()
    return {
        "truncated option (length past the end)": (bootp_reply(xid, chaddr, options=good[:-1] + bytes([3, 8, 1, 2])),
                                                   "dhcp.drop.malformed"),
        "overlong option (255 bytes announced)": (bootp_reply(xid, chaddr, options=offer_options(bytes([6, 255, 1]))),
                                                  "dhcp.drop.malformed"),
        "missing END option": (bootp_reply(xid, chaddr, options=offer_options(end=False)), "dhcp.drop.malformed"),
        "overload into garbage file/sname": (bootp_reply(xid, chaddr, options=offer_options(bytes([52, 1, 3])),
                                                         file=b"\x03\x40" + b"\x01" * 20, sname=b"\x06\x7f\x01"),
                                             "dhcp.drop.malformed"),
        "option length 0 for the server id": (bootp_reply(xid, chaddr, options=bytes([53, 1, 2, 54, 0, 255])),
                                              "dhcp.drop.malformed"),
        "truncated BOOTP header": (bootp_reply(xid, chaddr, options=good)[:100], "dhcp.drop.malformed"),
        "no magic cookie": (bootp_reply(xid, chaddr, options=good).replace(MAGIC, b"\0\0\0\0"), "dhcp.drop.malformed"),
        "wrong transaction ID": (bootp_reply(xid ^ 0x5A5A5A5A, chaddr, options=good), "dhcp.drop.mismatch"),
        "wrong hardware address": (bootp_reply(xid, b"\x02\x11\x22\x33\x44\x55", options=good), "dhcp.drop.mismatch"),
        "wrong op (BOOTREQUEST)": (bootp_reply(xid, chaddr, op=1, options=good), "dhcp.drop.mismatch"),
    }


def counters(t, names):
    st = t.stats()
    return {n: st[n] for n in names}


def test_hostile_replies_then_a_real_lease(start_tern_plain, dnsmasq, ns):
    need_tool("dnsmasq")
    watcher = DiscoverWatcher(ns)
    t = start_tern_plain("--tap", "tap0", "--dhcp", wait_ready=False)
    xid, chaddr, stack_mac = watcher.wait()
    sock = ns.packet_socket()
    names = ["dhcp.drop.malformed", "dhcp.drop.mismatch", "dhcp.rx"]
    for label, (payload, counter) in cases(xid, chaddr).items():
        before = counters(t, names)
        sock.send(frame(stack_mac, payload))
        deadline = time.monotonic() + 3
        while counters(t, names)[counter] == before[counter] and time.monotonic() < deadline:
            time.sleep(0.05)
        after = counters(t, names)
        assert after[counter] > before[counter], f"{label}: {counter} did not grow ({before} -> {after})"
        state = [line for line in t.must("dhcp") if line.startswith("state ")]
        assert state and state[0].split()[1] in ("selecting", "init"), f"{label}: state changed: {state}"
        assert not [line for line in t.must("ifconfig tap0") if line.strip().startswith("inet ")], \
            f"{label}: an address was configured"
    sock.close()
    # A real server still works: the client was not poisoned or wedged.
    dnsmasq()
    t.wait_ready(60)
    info = {line.split()[0]: line for line in t.must("dhcp")}
    assert info["state"].split()[1] == "bound"
