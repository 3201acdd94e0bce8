"""Hostile IPv6 input crafted with scapy and sent from inside the namespace.

After each attack the stack must still answer ping -6, the matching drop
counter must have grown, and every pool's usage must come back to its
baseline. Only 2001:db8::/32 and fe80::/10 are used; every flood is bounded.
"""
import random
import re
import time

import pytest

from netns import TAP
from test_ipv6 import LINUX_G, STACK_G, STACK_LL, STACK_MAC, wait_inet6, wait_linux_ready

scapy_inet6 = pytest.importorskip("scapy.layers.inet6")
from scapy.layers.inet6 import (ICMPv6EchoRequest, ICMPv6ND_NA, ICMPv6ND_NS, ICMPv6ND_RA,  # noqa: E402
                                ICMPv6NDOptPrefixInfo, ICMPv6NDOptSrcLLAddr, IPv6, IPv6ExtHdrDestOpt,
                                IPv6ExtHdrFragment, IPv6ExtHdrHopByHop, IPv6ExtHdrRouting, HBHOptUnknown)
from scapy.layers.l2 import Ether  # noqa: E402
from scapy.packet import Raw  # noqa: E402

SN_STACK_G = "ff02::1:ff00:2"


class Attack6:
    def __init__(self, tern, ns):
        self.tern, self.ns = tern, ns
        self.sock = ns.packet_socket()
        self.ll = wait_linux_ready(ns)
        self.lmac = ns.tap_mac()
        assert self.ping_ok()
        self.baseline = tern.wait_pools(tern.stats().used(), timeout=1)

    def ping_ok(self, tries=3):
        for _ in range(tries):
            if self.ns.exec(["ping", "-6", "-n", "-q", "-c", "1", "-W", "2", STACK_G], timeout=10).returncode == 0:
                return True
        return False

    def eth(self, dst_ip=STACK_G):
        dmac = STACK_MAC if not dst_ip.startswith("ff") else "33:33:" + ":".join(
            f"{b:02x}" for b in bytes(IPv6(dst=dst_ip))[-4:])
        return Ether(src=self.lmac, dst=dmac)

    def send(self, frames, batch=50, pause=0.005):
        for i, f in enumerate(frames):
            self.sock.send(bytes(f))
            if (i + 1) % batch == 0:
                time.sleep(pause)
        time.sleep(0.2)

    def check(self, frames, counters, min_delta=1):
        before = self.tern.stats()
        self.send(frames)
        assert self.ping_ok(), "the stack stopped answering ping -6"
        after = self.tern.stats()
        deltas = {c: after[c] - before[c] for c in counters}
        assert max(deltas.values()) >= min_delta, f"counters did not grow: {deltas}"
        used = self.tern.wait_pools(self.baseline, timeout=10)
        assert all(used.get(k, 0) <= v for k, v in self.baseline.items()), f"pools {used} vs {self.baseline}"
        return deltas


@pytest.fixture
def attack6(ns, start_tern):
    ns.exec(["ip", "addr", "add", f"{LINUX_G}/64", "dev", TAP, "nodad"], check=True)
    t = start_tern("--mac", STACK_MAC, "--ipv6", "--ipv6-addr", f"{STACK_G}/64")
    wait_inet6(t, rf"^inet6 {re.escape(STACK_G)}/64 preferred")
    a = Attack6(t, ns)
    yield a
    a.sock.close()


def echo(a, *ext, dst=STACK_G, src=LINUX_G):
    pkt = a.eth(dst) / IPv6(src=src, dst=dst)
    for e in ext:
        pkt = pkt / e
    return pkt / ICMPv6EchoRequest(id=1, seq=1, data=b"hostile")


def test_chain_past_the_packet(attack6):
    # A destination options header claiming 2 KB in a short packet.
    f = attack6.eth() / IPv6(src=LINUX_G, dst=STACK_G, nh=60) / Raw(bytes([58, 255, 1, 4, 0, 0, 0, 0]))
    attack6.check([f] * 5, ["ipv6.drop.ext_truncated"], 5)


def test_hundreds_of_headers(attack6):
    chain = [IPv6ExtHdrDestOpt() for _ in range(170)]  # 1360 bytes of headers: what a 1500-byte frame holds
    attack6.check([echo(attack6, *chain)] * 3, ["ipv6.drop.ext_too_many"], 3)


def test_hop_by_hop_not_first(attack6):
    attack6.check([echo(attack6, IPv6ExtHdrDestOpt(), IPv6ExtHdrHopByHop())] * 3,
                  ["ipv6.drop.hop_by_hop_not_first"], 3)


def test_option_past_its_header(attack6):
    f = attack6.eth() / IPv6(src=LINUX_G, dst=STACK_G, nh=0) / Raw(bytes([58, 0, 0x1e, 40, 0, 0, 0, 0])) / \
        Raw(bytes(ICMPv6EchoRequest()))
    attack6.check([f] * 3, ["ipv6.drop.option"], 3)


def test_unknown_options_discard(attack6):
    attack6.check([echo(attack6, IPv6ExtHdrDestOpt(options=[HBHOptUnknown(otype=0xC3, optdata=b"ab")]))] * 3,
                  ["ipv6.drop.option"], 3)


def test_routing_header_type_0(attack6):
    rh0 = IPv6ExtHdrRouting(type=0, segleft=1, addresses=["2001:db8::99"])
    attack6.check([echo(attack6, rh0)] * 3, ["ipv6.drop.routing_header"], 3)


def test_tiny_and_overlapping_fragments(attack6):
    a = attack6
    frames = []
    for ident in range(20):
        base = a.eth() / IPv6(src=LINUX_G, dst=STACK_G)
        frames.append(base / IPv6ExtHdrFragment(id=ident, offset=0, m=1, nh=58) / Raw(bytes(ICMPv6EchoRequest()) + bytes(8)))
        frames.append(base / IPv6ExtHdrFragment(id=ident, offset=1, m=1, nh=58) / Raw(bytes(16)))  # overlaps
        frames.append(base / IPv6ExtHdrFragment(id=1000 + ident, offset=0, m=1, nh=58) / Raw(bytes(5)))  # tiny
    d = a.check(frames, ["ipv6.reass.drop.overlap", "ipv6.reass.drop.bad_fragment"])
    st = a.tern.stats()
    assert st["ipv6.reass.drop.overlap"] >= 20 and st["ipv6.reass.drop.bad_fragment"] >= 20, d


def test_first_fragment_without_upper_layer_header(attack6):
    a = attack6
    f = a.eth() / IPv6(src=LINUX_G, dst=STACK_G) / IPv6ExtHdrFragment(id=5, offset=0, m=1, nh=60) / \
        Raw(bytes([58, 1, 1, 12]) + bytes(12))  # a 16-byte destination options header, nothing after it
    a.check([f] * 3, ["ipv6.reass.drop.incomplete_chain"], 3)


def nd(a, msg, src=None, dst=STACK_G, hlim=255):
    return a.eth(dst) / IPv6(src=src or a.ll, dst=dst, hlim=hlim, nh=58) / msg


def test_nd_hop_limit_not_255(attack6):
    a = attack6
    frames = [nd(a, ICMPv6ND_NS(tgt=STACK_G) / ICMPv6NDOptSrcLLAddr(lladdr=a.lmac), hlim=64),
              nd(a, ICMPv6ND_NA(tgt=a.ll, R=0, S=0, O=1), dst="ff02::1", hlim=254),
              nd(a, ICMPv6ND_RA() / ICMPv6NDOptPrefixInfo(prefix="2001:db8:7::", prefixlen=64), dst="ff02::1",
                 hlim=1)]
    a.check(frames, ["nd.drop.hop_limit"], 3)


def test_nd_bad_lengths_and_options(attack6):
    a = attack6
    short = ICMPv6ND_NS(tgt=STACK_G)
    short_ns = nd(a, Raw(bytes(IPv6(src=a.ll, dst=STACK_G) / short)[40:40 + 20]))  # NS cut to 20 bytes
    zero_opt = nd(a, ICMPv6ND_NS(tgt=STACK_G) / Raw(bytes([1, 0]) + bytes(6)))
    slla_unspec = nd(a, ICMPv6ND_NS(tgt=STACK_G) / ICMPv6NDOptSrcLLAddr(lladdr=a.lmac), src="::", dst=SN_STACK_G)
    a.check([zero_opt] * 3, ["nd.drop.option"], 3)
    a.check([slla_unspec] * 3, ["nd.drop.invalid"], 3)
    a.check([short_ns] * 3, ["icmp6.drop.checksum", "nd.drop.invalid"], 3)


def test_ra_prefix_length_over_128(attack6):
    a = attack6
    ra = nd(a, ICMPv6ND_RA() / ICMPv6NDOptPrefixInfo(prefix="2001:db8:8::", prefixlen=200), dst="ff02::1")
    a.check([ra] * 3, ["nd.ra.bad_prefix"], 3)


def test_ns_flood_random_targets_and_sources(attack6):
    a = attack6
    rnd = random.Random(6)
    frames = []
    for i in range(2000):
        src = "fe80::%x:%x" % (rnd.randrange(1, 0xFFFF), rnd.randrange(1, 0xFFFF))
        mac = "02:00:%02x:%02x:%02x:%02x" % tuple(rnd.randrange(256) for _ in range(4))
        tgt = STACK_G if i % 2 else "2001:db8::%x" % rnd.randrange(1, 0xFFFF)
        frames.append(a.eth() / IPv6(src=src, dst=STACK_G, hlim=255) / ICMPv6ND_NS(tgt=tgt) /
                      ICMPv6NDOptSrcLLAddr(lladdr=mac))
    a.check(frames, ["nd.cache_full"], 100)
    entries = [line for line in a.tern.must("nd") if " at " in line]
    assert len(entries) <= 32, len(entries)  # TERN_CFG_IPV6_NEIGHBORS in configs/host.h


def test_ra_flood_random_prefixes(attack6):
    a = attack6
    rnd = random.Random(7)
    frames = []
    for i in range(500):
        src = "fe80::1:%x" % rnd.randrange(1, 0xFFFF)
        prefix = "2001:db8:%x:%x::" % (rnd.randrange(0xFFFF), rnd.randrange(0xFFFF))
        frames.append(a.eth("ff02::1") / IPv6(src=src, dst="ff02::1", hlim=255) / ICMPv6ND_RA(routerlifetime=600) /
                      ICMPv6NDOptPrefixInfo(prefix=prefix, prefixlen=64, L=1, A=1, validlifetime=600,
                                            preferredlifetime=300))
    a.check(frames, ["nd.ra.list_full"], 100)
    assert len([line for line in a.tern.must("ifconfig tap0") if "inet6 " in line]) <= 4  # TERN_CFG_IPV6_ADDRS
    nd_out = a.tern.must("nd")
    assert len([line for line in nd_out if line.startswith("prefix ")]) <= 4
    assert len([line for line in nd_out if line.startswith("router ")]) <= 2
