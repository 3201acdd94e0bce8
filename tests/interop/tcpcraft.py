"""Hand-made TCP segments and a sniffer on tap0, for the hostile TCP tests.

tcp_frame() builds Ethernet + IPv4 + TCP with exactly the fields given (the
data offset, option bytes and checksum may be wrong on purpose). Sniffer is
a scapy AsyncSniffer on a listening socket opened inside the namespace
(started_callback waited for before anything is sent; lfilter selects).
ScapyConn is a TCP connection driven by hand from 192.0.2.1 (the caller
installs the nft rule that stops the Linux kernel resetting it).
"""
import ctypes
import os
import random
import struct
import threading
import time

from scapy.layers.inet import IP, TCP
from scapy.layers.l2 import Ether
from scapy.sendrecv import AsyncSniffer
from scapy.utils import checksum

import craft
from netns import TAP

FIN, SYN, RST, PSH, ACK, URG = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20
CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)


def tcp_header(sport, dport, seq, ack, flags, wnd=65535, options=b"", offset=None, urp=0):
    """20 bytes + options; offset (in 32-bit words) defaults to the true length."""
    if offset is None:
        offset = (20 + len(options) + 3) // 4
    options = options + b"\0" * (-len(options) % 4)
    return struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, (offset & 0xF) << 4,
                       flags, wnd, 0, urp) + options


def tcp_frame(p, sport, dport, seq, ack=0, flags=ACK, data=b"", wnd=65535, options=b"", offset=None, urp=0,
              src=None, bad_csum=False):
    """One frame from the Linux side (or from src) to the stack."""
    src = src or p.linux_ip
    seg = tcp_header(sport, dport, seq, ack, flags, wnd, options, offset, urp) + data
    pseudo = craft._ip4(src) + craft._ip4(p.stack_ip) + struct.pack("!BBH", 0, 6, len(seg))
    csum = checksum(pseudo + seg)
    if bad_csum:
        csum ^= 0x5A5A
    seg = seg[:16] + struct.pack("!H", csum) + seg[18:]
    return craft.ipv4(p, 6, seg, src=src, ident=random.randrange(65536))


def in_namespace(ns, fn):
    """Run fn() in a thread that entered ns (setns changes only that thread); returns its result."""
    result = {}

    def run():
        try:
            fd = os.open(f"/run/netns/{ns.name}", os.O_RDONLY)
            try:
                if _libc.setns(fd, CLONE_NEWNET) != 0:
                    err = ctypes.get_errno()
                    raise OSError(err, os.strerror(err))
            finally:
                os.close(fd)
            result["value"] = fn()
        except BaseException as e:
            result["err"] = e

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(10)
    if "err" in result:
        raise result["err"]
    if "value" not in result:
        raise TimeoutError("namespace helper did not finish")
    return result["value"]


class Sniffer:
    """AsyncSniffer on tap0 inside ns, keeping the TCP packets lfilter accepts."""

    def __init__(self, ns, lfilter):
        from scapy.arch.linux import L2ListenSocket
        sock = in_namespace(ns, lambda: L2ListenSocket(iface=TAP, promisc=False))
        started = threading.Event()
        self._kept = []  # AsyncSniffer's own results exist only after stop()
        self.sniffer = AsyncSniffer(opened_socket=sock, store=False, started_callback=started.set,
                                    prn=self._kept.append,
                                    lfilter=lambda pkt: pkt.haslayer(TCP) and lfilter(pkt))
        self.sniffer.start()
        if not started.wait(5):
            raise TimeoutError("sniffer did not start")
        self.sock = sock

    def packets(self):
        """What was kept so far (the sniffer keeps running)."""
        return list(self._kept)

    def wait_for(self, pred, timeout):
        """The first kept packet matching pred, waiting up to timeout; None if none."""
        deadline = time.monotonic() + timeout
        while True:
            for pkt in self.packets():
                if pred(pkt):
                    return pkt
            if time.monotonic() > deadline:
                return None
            time.sleep(0.02)

    def stop(self):
        try:
            if self.sniffer.running:
                self.sniffer.stop(join=True)
        except Exception:  # noqa: BLE001 - best effort at teardown
            pass
        try:
            self.sock.close()
        except Exception:  # noqa: BLE001
            pass


def from_stack(p, port):
    """lfilter: segments the stack sends to port on the Linux side."""
    def f(pkt):
        return pkt.haslayer(IP) and pkt[IP].src == p.stack_ip and pkt[TCP].dport == port
    return f


def to_stack(p, port):
    """lfilter: segments sent to the stack from port on the Linux side (the kernel's and ours)."""
    def f(pkt):
        return pkt.haslayer(IP) and pkt[IP].dst == p.stack_ip and pkt[TCP].sport == port
    return f


def seq_state(packets, p, lport, sport=7):
    """From captured segments of one connection, the next sequence number each side will send:
    (linux_nxt, stack_nxt) = (the stack's rcv_nxt, the stack's snd_nxt)."""
    linux_nxt = stack_nxt = None
    for pkt in packets:
        t = pkt[TCP]
        n = len(bytes(t.payload)) + (1 if t.flags & (SYN | FIN) else 0)
        end = (t.seq + n) & 0xFFFFFFFF
        if pkt[IP].src == p.linux_ip and t.sport == lport and t.dport == sport:
            linux_nxt = end if linux_nxt is None or ((end - linux_nxt) & 0xFFFFFFFF) < 0x80000000 else linux_nxt
        elif pkt[IP].src == p.stack_ip and t.sport == sport and t.dport == lport:
            stack_nxt = end if stack_nxt is None or ((end - stack_nxt) & 0xFFFFFFFF) < 0x80000000 else stack_nxt
    return linux_nxt, stack_nxt


class ScapyConn:
    """A connection to the stack made by hand: handshake, data, RST. Needs the nft rule."""

    def __init__(self, ns, peers, send, dport=7, sport=None):
        self.ns, self.p, self.send = ns, peers, send
        self.dport = dport
        self.sport = sport or random.randrange(40000, 60000)
        self.sniffer = Sniffer(ns, from_stack(peers, self.sport))
        self.seq = random.randrange(1 << 32)
        self.rcv = None

    def frame(self, flags, data=b"", **kw):
        return tcp_frame(self.p, self.sport, self.dport, self.seq, self.rcv or 0, flags, data, **kw)

    def connect(self, timeout=3):
        self.send([self.frame(SYN, options=b"\x02\x04\x05\xb4")])
        synack = self.sniffer.wait_for(lambda pkt: pkt[TCP].flags & (SYN | ACK) == (SYN | ACK), timeout)
        assert synack is not None, "no SYN-ACK from the stack"
        assert synack[TCP].ack == (self.seq + 1) & 0xFFFFFFFF
        self.seq = (self.seq + 1) & 0xFFFFFFFF
        self.rcv = (synack[TCP].seq + 1) & 0xFFFFFFFF
        self.send([self.frame(ACK)])
        return self

    def send_data(self, data, flags=ACK | PSH, **kw):
        self.send([self.frame(flags, data, **kw)])
        self.seq = (self.seq + len(data)) & 0xFFFFFFFF

    def received(self):
        """The byte stream the stack sent us so far (in sequence order, from self.rcv's start)."""
        segs = {}
        for pkt in self.sniffer.packets():
            data = bytes(pkt[TCP].payload)
            if data:
                segs[pkt[TCP].seq] = data
        return segs

    def read(self, start, n, timeout=3):
        """Wait for n bytes of stream starting at sequence start; ACK what came; returns them."""
        deadline = time.monotonic() + timeout
        while True:
            segs = self.received()
            out, at = b"", start
            while at in segs and len(out) < n:
                out += segs[at]
                at = (at + len(segs[at])) & 0xFFFFFFFF
            if len(out) >= n or time.monotonic() > deadline:
                if out:
                    self.rcv = at
                    self.send([self.frame(ACK)])
                return out
            time.sleep(0.02)

    def reset(self):
        """RST at exactly the stack's rcv_nxt: the connection goes away at once."""
        self.send([self.frame(RST)])

    def close(self):
        self.sniffer.stop()
