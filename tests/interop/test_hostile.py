"""Malformed and hostile input, crafted with scapy (craft.py) and sent from
inside the namespace. After each attack the stack must still answer ping,
the matching drop counter must have grown, and every pool's usage must come
back to its baseline (waiting out the reassembly timeout where needed)."""
import socket
import time

import pytest

import craft
from conftest import FIRMWARE
from netns import STACK_IP

POOL_WAIT_S = 25  # reassembly timeout (15 s) plus margin
ETH_MIN_FRAME = 60  # a MAC pads shorter frames (FCS excluded)


def target_counters(frames, counters):
    """The counters that must grow, on this target. The firmware (TERN_TARGET=firmware)
    runs the typical configuration on a real MAC: reassembly is compiled out, so every
    fragment counts as ipv4.drop.fragment; and the LAN9118 pads frames shorter than 60
    bytes with zeros, so a truncated header arrives padded: a later check drops it, or it
    is a valid (if odd) packet now; the frame must reach the stack (eth.rx)."""
    if not FIRMWARE:
        return counters
    if all(c.startswith("ipv4.reass.") for c in counters):
        return ["ipv4.drop.fragment"]
    if all(len(f) < ETH_MIN_FRAME for f in frames):
        return ["eth.rx"]
    return counters


class Attack:
    """Sends frames at the stack and checks the aftermath."""

    def __init__(self, tern, ns):
        self.tern, self.ns = tern, ns
        self.sock = ns.packet_socket()
        assert self.ping_ok(), "the stack does not answer ping before the attack"
        self.peers = craft.Peers(ns.tap_mac(), tern.mac)
        self.baseline = tern.wait_pools(tern.stats().used(), timeout=1)

    def ping_ok(self, tries=3):
        for _ in range(tries):
            r = self.ns.exec(["ping", "-n", "-q", "-c", "1", "-W", "2", STACK_IP], timeout=10)
            if r.returncode == 0:
                return True
        return False

    def send(self, frames, batch=50, pause=0.005):
        """Send frames, pausing between batches so the TAP queue does not overflow."""
        for i, frame in enumerate(frames):
            self.sock.send(frame)
            if (i + 1) % batch == 0:
                time.sleep(pause)
        time.sleep(0.1)

    def check(self, frames, counters, min_delta=1):
        """Send frames; afterwards one of counters grew by min_delta, ping works, pools recover."""
        frames = list(frames)
        counters = target_counters(frames, counters)
        before = self.tern.stats()
        self.send(frames)
        assert self.ping_ok(), "the stack stopped answering ping"
        after = self.tern.stats()
        deltas = {c: after[c] - before[c] for c in counters}
        assert max(deltas.values()) >= min_delta, f"counters did not grow: {deltas}"
        used = self.tern.wait_pools(self.baseline, timeout=POOL_WAIT_S)
        assert all(used.get(k, 0) <= v for k, v in self.baseline.items()), \
            f"pool usage {used} did not return to {self.baseline}"
        return deltas

    def close(self):
        self.sock.close()


@pytest.fixture
def attack(tern, ns):
    a = Attack(tern, ns)
    yield a
    a.close()


# ---- Truncated headers -------------------------------------------------------------

def test_ethernet_header_only(attack):
    # The kernel pads frames shorter than 14 bytes, so the shortest we can send
    # is a bare Ethernet header: the IPv4 layer sees an empty packet.
    attack.check(craft.ethernet_header_only(attack.peers), ["eth.drop.short", "ipv4.drop.short"])


def test_truncated_arp(attack):
    attack.check(craft.truncated_arp(attack.peers), ["arp.drop.short"])


def test_truncated_ipv4_header(attack):
    attack.check(craft.truncated_ipv4(attack.peers), ["ipv4.drop.short"])


def test_truncated_icmp_header(attack):
    attack.check(craft.truncated_icmp(attack.peers), ["icmp.drop.short"])


def test_truncated_udp_header(attack):
    attack.check(craft.truncated_udp(attack.peers), ["udp.drop.short"])


# ---- IPv4 header ---------------------------------------------------------------------

def test_ihl_below_five(attack):
    attack.check(craft.ihl_below_five(attack.peers), ["ipv4.drop.header_length"])


def test_ihl_beyond_packet(attack):
    attack.check(craft.ihl_beyond_packet(attack.peers), ["ipv4.drop.header_length"])


def test_total_length_beyond_frame(attack):
    attack.check(craft.total_length_beyond_frame(attack.peers), ["ipv4.drop.total_length"])


def test_total_length_below_header(attack):
    attack.check(craft.total_length_below_header(attack.peers), ["ipv4.drop.total_length"])


def test_bytes_beyond_total_length_are_ignored(attack):
    """Link padding after the datagram: the echo is answered with the true payload."""
    rx = attack.ns.packet_socket(receive=True)
    rx.settimeout(0.5)
    try:
        attack.send(craft.echo_with_trailer(attack.peers, seq=4242))
        reply = wait_echo_reply(rx, attack.tern.mac, seq=4242, timeout=3)
    finally:
        rx.close()
    assert reply is not None, "no echo reply"
    assert reply[2:4] == (20 + len(craft.icmp_echo())).to_bytes(2, "big")
    assert reply[28:] == craft.icmp_echo(seq=4242)[8:]


def wait_echo_reply(sock, src_mac, seq, timeout):
    """IPv4 part of the first echo reply with seq sent by src_mac, or None."""
    mac = bytes.fromhex(src_mac.replace(":", ""))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            frame = sock.recv(65535)
        except socket.timeout:
            continue
        ip = frame[14:]
        if frame[6:12] == mac and frame[12:14] == b"\x08\x00" and len(ip) >= 28 and ip[9] == 1 \
                and ip[20] == 0 and int.from_bytes(ip[26:28], "big") == seq:
            return ip[:int.from_bytes(ip[2:4], "big")]
    return None


def test_bad_header_checksum(attack):
    attack.check(craft.bad_header_checksum(attack.peers), ["ipv4.drop.checksum"])


def test_option_length_zero(attack):
    attack.check(craft.option_length_zero(attack.peers), ["ipv4.drop.options"])


def test_option_past_header(attack):
    attack.check(craft.option_past_header(attack.peers), ["ipv4.drop.options"])


# ---- Fragments -------------------------------------------------------------------------

def test_overlapping_fragments(attack):
    attack.check(craft.overlapping_fragments(attack.peers), ["ipv4.reass.drop.overlap"])


def test_duplicate_fragments(attack):
    # An exact duplicate may be ignored (the datagram completes) or treated
    # as an overlap (the datagram is dropped); either is safe.
    attack.check(craft.duplicate_fragments(attack.peers), ["ipv4.reass.drop.overlap", "ipv4.reass.ok"])


def test_fragment_train_beyond_65535(attack):
    attack.check(craft.oversized_train(attack.peers), ["ipv4.reass.drop.too_big"])


def test_fragment_wrapping_past_65535(attack):
    attack.check(craft.fragment_wrapping_past_65535(attack.peers), ["ipv4.reass.drop.too_big"], min_delta=2)


def test_fragment_length_not_multiple_of_8(attack):
    attack.check(craft.fragment_not_multiple_of_eight(attack.peers),
                 ["ipv4.reass.drop.bad_fragment", "ipv4.drop.fragment"])


def test_thousands_of_incomplete_reassemblies(attack):
    deltas = attack.check(craft.incomplete_reassemblies(attack.peers, count=3000),
                          ["ipv4.reass.drop.no_slot"], min_delta=1000)
    assert deltas.get("ipv4.reass.drop.no_slot", 0) <= 3000


# ---- ARP, UDP, ICMP ------------------------------------------------------------------------

def test_arp_wrong_lengths(attack):
    attack.check(craft.arp_wrong_lengths(attack.peers), ["arp.drop.format"], min_delta=3)


def test_udp_length_beyond_datagram(attack):
    attack.check(craft.udp_length_beyond_datagram(attack.peers), ["udp.drop.length"])


def test_udp_length_below_header(attack):
    attack.check(craft.udp_length_below_header(attack.peers), ["udp.drop.length"])


def test_icmp_errors_quoting_garbage(attack):
    attack.check(craft.icmp_errors_quoting_garbage(attack.peers), ["icmp.drop.bad_quote"], min_delta=2)


def test_icmp_bad_checksum(attack):
    attack.check(craft.icmp_bad_checksum(attack.peers), ["icmp.drop.checksum"])
