"""Hostile TCP segments, crafted by hand (tcpcraft.py) and sent from inside the
namespace. Before each attack a Linux socket opens an echo connection; after
it, that connection must still echo, the stack must answer ping, the
matching counter must have grown and every pool's usage must come back to
its baseline. Attacks against an established connection aim at that Linux
connection, with sequence numbers learnt by sniffing it."""
import os
import random
import subprocess
import time

import pytest

import craft
from conftest import FIRMWARE
from netns import STACK_IP
from scapy.layers.inet import IP, TCP
from tcpcraft import (ACK, FIN, PSH, RST, SYN, URG, ScapyConn, Sniffer, from_stack, seq_state, tcp_frame,
                      to_stack)
from tcpflow import ECHO_PORT, EchoConn, Flow, tcp_list, wait_tcp_list

POOL_WAIT_S = 25
LISTEN_BACKLOG = 8  # tern_echo_start's TCP listeners


class Hostile:
    def __init__(self, tern, ns):
        self.tern, self.ns = tern, ns
        self.sock = ns.packet_socket()
        assert self.ping_ok(), "the stack does not answer ping before the attack"
        self.p = craft.Peers(ns.tap_mac(), tern.mac)
        self.conn = EchoConn(ns)
        assert self.conn.works(), "echo connection does not work before the attack"
        self.baseline = tern.wait_pools(tern.stats().used(), timeout=1)
        self.nft = False

    def ping_ok(self, tries=3):
        for _ in range(tries):
            r = self.ns.exec(["ping", "-n", "-q", "-c", "1", "-W", "2", STACK_IP], timeout=10)
            if r.returncode == 0:
                return True
        return False

    def send(self, frames, batch=50, pause=0.005):
        for i, frame in enumerate(frames):
            self.sock.send(frame)
            if (i + 1) % batch == 0:
                time.sleep(pause)
        time.sleep(0.1)

    def drop_linux_rsts(self):
        """The nft rule from PEERS.md: the kernel must not reset connections scapy makes."""
        if subprocess.run(["which", "nft"], capture_output=True).returncode != 0:
            pytest.skip("nft (nftables) is not installed")
        for rule in (["add", "table", "inet", "t"],
                     ["add", "chain", "inet", "t", "out", "{ type filter hook output priority 0; }"],
                     ["add", "rule", "inet", "t", "out", "tcp", "flags", "rst", "drop"]):
            r = self.ns.exec(["nft"] + rule)
            assert r.returncode == 0, r.stderr
        self.nft = True

    def learn(self):
        """(rcv_nxt, snd_nxt) of the stack's side of the Linux echo connection, by sniffing a roundtrip."""
        lport = self.conn.local_port
        sn = Sniffer(self.ns, lambda pkt: pkt[TCP].sport == lport or pkt[TCP].dport == lport)
        try:
            assert self.conn.works()
            time.sleep(0.3)  # the last ACKs
            rcv_nxt, snd_nxt = seq_state(sn.packets(), self.p, lport)
        finally:
            sn.stop()
        assert rcv_nxt is not None and snd_nxt is not None, "could not learn the connection's sequence numbers"
        return rcv_nxt, snd_nxt

    def to_conn(self, seq, ack, flags, data=b"", **kw):
        """A segment that looks like it comes from the Linux echo connection."""
        return tcp_frame(self.p, self.conn.local_port, ECHO_PORT, seq, ack, flags, data, **kw)

    def aftermath(self, before, counters, min_delta=1):
        """The counters grew, the echo connection works, ping works, pools recover."""
        after = self.tern.stats()
        deltas = {c: after[c] - before[c] for c in counters}
        assert self.conn.works(), "the echo connection opened before the attack stopped working"
        assert self.ping_ok(), "the stack stopped answering ping"
        if counters:
            assert max(deltas.values()) >= min_delta, f"counters did not grow: {deltas}"
        used = self.tern.wait_pools(self.baseline, timeout=POOL_WAIT_S)
        assert all(used.get(k, 0) <= v for k, v in self.baseline.items()), \
            f"pool usage {used} did not return to {self.baseline}"
        return deltas

    def close(self):
        self.conn.close()
        self.sock.close()


@pytest.fixture
def hostile(tern, ns):
    h = Hostile(tern, ns)
    yield h
    h.close()


def listener_port():
    return random.randrange(20000, 40000)


# ---- Header fields ---------------------------------------------------------------

@pytest.mark.parametrize("name,options", [
    ("length 0", b"\x02\x00\x05\xb4"),            # MSS with length 0: a parser that loops forever
    ("length 1", b"\x08\x01\x00\x00"),            # timestamps with length 1
    ("past the header", b"\x01\x01\x08\x0a"),     # timestamps (10 bytes) in a 4-byte option space
    ("unknown past the header", b"\x1e\x09\x00\x00\x00\x00\x00\x00"),
])
def test_option_length(hostile, name, options):
    rcv_nxt, snd_nxt = hostile.learn()
    before = hostile.tern.stats()
    frames = [hostile.to_conn(rcv_nxt, snd_nxt, ACK, options=options),
              hostile.to_conn(rcv_nxt, snd_nxt, ACK | PSH, b"must-not-be-echoed", options=options)]
    frames += [tcp_frame(hostile.p, listener_port(), ECHO_PORT, random.randrange(1 << 32), 0, SYN, options=options)
               for _ in range(3)]
    hostile.send(frames)
    d = hostile.aftermath(before, ["tcp.drop.options"])
    assert d["tcp.drop.options"] >= len(frames), d


@pytest.mark.parametrize("offset,extra", [(0, b""), (4, b""), (15, b""), (6, b""), (8, b"\x01\x01\x01\x01")])
def test_data_offset(hostile, offset, extra):
    """Offset below 5 words, or beyond the segment (20 bytes of header plus extra)."""
    rcv_nxt, snd_nxt = hostile.learn()
    before = hostile.tern.stats()
    frames = [hostile.to_conn(rcv_nxt, snd_nxt, ACK, options=extra, offset=offset),
              tcp_frame(hostile.p, listener_port(), ECHO_PORT, 1, 0, SYN, options=extra, offset=offset)]
    hostile.send(frames)
    d = hostile.aftermath(before, ["tcp.drop.header_length"])
    assert d["tcp.drop.header_length"] >= len(frames), d


@pytest.mark.parametrize("flags", [SYN | FIN, SYN | RST, SYN | FIN | RST | PSH | URG | ACK],
                         ids=["syn-fin", "syn-rst", "christmas"])
def test_contradictory_flags(hostile, flags):
    rcv_nxt, snd_nxt = hostile.learn()
    before = hostile.tern.stats()
    frames = [hostile.to_conn((rcv_nxt + 100) & 0xFFFFFFFF, snd_nxt, flags),
              hostile.to_conn(rcv_nxt, snd_nxt, flags),  # exact rcv_nxt: a reset if the RST were honoured
              tcp_frame(hostile.p, listener_port(), ECHO_PORT, 5, 0, flags)]
    hostile.send(frames)
    d = hostile.aftermath(before, ["tcp.drop.flags"])
    assert d["tcp.drop.flags"] >= len(frames), d


def test_no_flags(hostile):
    """No flag at all: dropped at the listener (tcp.drop.flags); in the connection,
    data without ACK is not accepted (it would be echoed into the Linux stream)."""
    rcv_nxt, snd_nxt = hostile.learn()
    before = hostile.tern.stats()
    hostile.send([hostile.to_conn(rcv_nxt, snd_nxt, 0, b"no-ack-flag-data"),
                  tcp_frame(hostile.p, listener_port(), ECHO_PORT, 5, 0, 0)])
    # If the data had been taken, it would have been echoed into the Linux stream
    # and the stack's rcv_nxt would be ahead of Linux: the echo check would fail.
    hostile.aftermath(before, ["tcp.drop.flags"])


def test_bad_checksum(hostile):
    rcv_nxt, snd_nxt = hostile.learn()
    before = hostile.tern.stats()
    hostile.send([hostile.to_conn(rcv_nxt, snd_nxt, ACK | PSH, b"corrupted-payload", bad_csum=True),
                  hostile.to_conn(rcv_nxt, snd_nxt, RST, bad_csum=True),
                  tcp_frame(hostile.p, listener_port(), ECHO_PORT, 5, 0, SYN, bad_csum=True)])
    d = hostile.aftermath(before, ["tcp.drop.checksum"])
    assert d["tcp.drop.checksum"] >= 3, d


# ---- RST and SYN floods against the established connection -----------------------

def in_window_offsets(n, wnd=30000):
    """Offsets from rcv_nxt inside the stack's receive window, never 0 (the host's window is
    64 KB; pass the connection's rcv_wnd when it may be smaller, as on the firmware)."""
    return [random.randrange(1, min(wnd, 30000)) for _ in range(n)]


def rcv_wnd(hostile):
    """The receive window the stack advertises on the Linux echo connection (tcp list)."""
    lport = hostile.conn.local_port
    for c in tcp_list(hostile.tern):
        if c["remote"].endswith(f":{lport}"):
            parts = c["line"].split()
            return int(parts[parts.index("rcv_wnd") + 1])
    return 30000


def out_of_window_offsets(n):
    """Far beyond the right edge or behind rcv_nxt."""
    return [random.choice([random.randrange(200000, 1 << 30), -random.randrange(200000, 1 << 30)]) for _ in range(n)]


def flood(hostile, flags, offsets, expect_challenge):
    rcv_nxt, snd_nxt = hostile.learn()
    lport = hostile.conn.local_port
    sn = Sniffer(hostile.ns, from_stack(hostile.p, lport))
    try:
        before = hostile.tern.stats()
        hostile.send([hostile.to_conn((rcv_nxt + o) & 0xFFFFFFFF, snd_nxt, flags) for o in offsets])
        challenge = sn.wait_for(lambda pkt: pkt[TCP].flags & ACK and not pkt[TCP].flags & (SYN | RST) and
                                pkt[TCP].ack == rcv_nxt and not len(bytes(pkt[TCP].payload)),
                                timeout=2 if expect_challenge else 0.5)
    finally:
        sn.stop()
    conns = [c for c in tcp_list(hostile.tern) if c["remote"].endswith(f":{lport}")]
    assert conns and conns[0]["state"] == "ESTABLISHED", f"the connection is gone or changed: {conns}"
    return before, challenge


def test_rst_flood_in_window(hostile):
    before, challenge = flood(hostile, RST, in_window_offsets(1000, rcv_wnd(hostile)), True)
    assert challenge is not None, "no challenge ACK (ack = rcv_nxt) for in-window RSTs"
    d = hostile.aftermath(before, ["tcp.challenge_ack"])
    assert d["tcp.challenge_ack"] >= 900, d


def test_rst_flood_out_of_window(hostile):
    before, _ = flood(hostile, RST, out_of_window_offsets(1000), False)
    d = hostile.aftermath(before, ["tcp.drop.out_of_window"])
    assert d["tcp.drop.out_of_window"] >= 900, d
    after = hostile.tern.stats()
    assert after["tcp.challenge_ack"] == before["tcp.challenge_ack"], "out-of-window RSTs drew challenge ACKs"


def test_syn_flood_in_window(hostile):
    before, challenge = flood(hostile, SYN, in_window_offsets(1000, rcv_wnd(hostile)), True)
    assert challenge is not None, "no challenge ACK for in-window SYNs"
    d = hostile.aftermath(before, ["tcp.challenge_ack"])
    assert d["tcp.challenge_ack"] >= 900, d


def test_syn_flood_out_of_window(hostile):
    before, _ = flood(hostile, SYN, out_of_window_offsets(1000), False)
    hostile.aftermath(before, ["tcp.drop.out_of_window", "tcp.challenge_ack"], min_delta=900)


# ---- Urgent pointer -----------------------------------------------------------

def test_urgent_pointer_past_data(hostile):
    """URG with the pointer far past the data: every byte is still echoed, in order."""
    hostile.drop_linux_rsts()
    c = ScapyConn(hostile.ns, hostile.p, hostile.send).connect()
    try:
        start = c.rcv
        before = hostile.tern.stats()
        parts = [b"before-urgent|", b"URGENT-DATA|", b"after-urgent|"]
        c.send_data(parts[0])
        c.send_data(parts[1], flags=ACK | PSH | URG, urp=60000)
        c.send_data(parts[2], flags=ACK | PSH | URG, urp=0)  # and a zero pointer
        got = c.read(start, sum(map(len, parts)))
        assert got == b"".join(parts), f"stream corrupted: {got!r}"
        c.reset()
    finally:
        c.close()
    wait_tcp_list(hostile.tern, lambda cs: len(cs) == 1, 5)
    hostile.aftermath(before, [])


# ---- 10,000 spoofed SYNs to port 7 while a transfer runs --------------------------

def spoofed_syns(p, n):
    """n SYNs to port 7 from random 192.0.2.10-250 addresses and ports; returns (frames, {(ip, port): seq})."""
    frames, seqs = [], {}
    for _ in range(n):
        src = f"192.0.2.{random.randrange(10, 251)}"
        sport = random.randrange(1024, 65536)
        seq = random.randrange(1 << 32)
        seqs[(src, sport)] = seq
        frames.append(tcp_frame(p, sport, ECHO_PORT, seq, 0, SYN, src=src, wnd=29200,
                                options=b"\x02\x04\x05\xb4"))
    return frames, seqs


def test_spoofed_syn_flood(hostile):
    h = hostile
    before = h.tern.stats()
    frames, seqs = spoofed_syns(h.p, 10000)
    # The legitimate transfer connects first (the backlog of 8 fills within the
    # first few SYNs: without SYN cookies nobody new gets in during the flood).
    flow = Flow(h.ns, ECHO_PORT, size=16 << 20, seed=77, timeout=60, pause=0.01).start()
    try:
        h.send(frames, batch=50, pause=0.01)
        flow.wait()
        flow.check_echo()
    finally:
        flow.close()
    after = h.tern.stats()
    d = {c: after[c] - before[c] for c in ("tcp.drop.backlog", "tcp.rx", "tcp.drop.no_memory")}
    print(f"spoofed SYN flood: {d}")
    if FIRMWARE:
        # 5 connections < backlog 8: a full PCB pool refuses first; and the LAN9118's 10 KB
        # RX FIFO overflows (QEMU does not count it) while the transfer keeps it full: most
        # flood SYNs never reach the firmware (about 60 of 10,000 did here).
        assert d["tcp.drop.backlog"] + d["tcp.drop.no_memory"] >= 20, d
    else:
        assert d["tcp.drop.backlog"] >= 5000, d
    half_open = [c for c in tcp_list(h.tern) if c["state"] == "SYN_RCVD"]
    assert len(half_open) <= LISTEN_BACKLOG, f"{len(half_open)} half-open connections for a backlog of 8"
    assert h.conn.works()

    if os.environ.get("TERN_TCP_SLOW"):
        # SYN_RCVD gives up after TERN_CFG_TCP_SYN_MAX_RTX (6) retransmissions:
        # 1+2+4+8+16+32+64 s = 127 s at the 1 s initial RTO.
        left = wait_tcp_list(h.tern, lambda cs: not any(c["state"] == "SYN_RCVD" for c in cs), 150)
    else:
        # What the spoofed hosts would do on receiving the SYN-ACK: reset it
        # (RST at the sequence number after their SYN). Flood SYNs still
        # queued in the TAP take the freed backlog places, so repeat a few
        # rounds until no half-open connection is left.
        left = tcp_list(h.tern)
        for _ in range(10):
            pending = [c for c in left if c["state"] == "SYN_RCVD"]
            if not pending:
                break
            rsts = []
            for c in pending:
                ip, port = c["remote"].rsplit(":", 1)
                seq = seqs.get((ip, int(port)))
                assert seq is not None, f"half-open connection from an address we did not use: {c['line']}"
                rsts.append(tcp_frame(h.p, int(port), ECHO_PORT, (seq + 1) & 0xFFFFFFFF, 0, RST, src=ip))
            h.send(rsts)
            left = wait_tcp_list(h.tern, lambda cs: not any(c["state"] == "SYN_RCVD" for c in cs), 3)
    assert not [c for c in left if c["state"] == "SYN_RCVD"], [c["line"] for c in left]
    h.aftermath(before, [])
    # The listener takes new connections again.
    fresh = EchoConn(h.ns)
    try:
        assert fresh.works(), "no new echo connection after the flood"
    finally:
        fresh.close()
