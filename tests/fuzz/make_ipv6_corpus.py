#!/usr/bin/env python3
"""Write the seed corpus of tests/fuzz/fuzz_ipv6.c (tests/fuzz/corpus/ipv6/).

Same record format as make_corpus.py (u16 header: bits 0..11 frame length,
12..14 clock step, 15 split in two segments; then an Ethernet frame). The
frames are valid IPv6 addressed to the fuzz target (MAC 02:00:00:00:00:02,
fe80::ff:fe00:2, 2001:db8::2) with correct checksums: echo, NS/NA, RA with
every option, MLD queries, extension header chains, fragments, UDP, TCP
(handshake, data, closed port, Packet Too Big quoting TCP), Packet Too Big. Standard library only:  python3 tests/fuzz/make_ipv6_corpus.py
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus", "ipv6")

OUR_MAC = bytes([2, 0, 0, 0, 0, 2])
PEER_MAC = bytes([2, 0, 0, 0, 0, 1])
LL_US = bytes.fromhex("fe80000000000000000000fffe000002")
LL_PEER = bytes.fromhex("fe80000000000000000000fffe000001")
G_US = bytes.fromhex("20010db8000000000000000000000002")
G_PEER = bytes.fromhex("20010db8000000000000000000000001")
UNSPEC = bytes(16)
ALL_NODES = bytes.fromhex("ff020000000000000000000000000001")
SN_US = bytes.fromhex("ff0200000000000000000001ff000002")

STEP_NONE, STEP_1MS, STEP_10MS, STEP_100MS, STEP_1S, STEP_5S, STEP_20S, STEP_400S = range(8)


def csum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return (~total) & 0xFFFF


def upper_csum(src, dst, nh, msg, off):
    ph = src + dst + struct.pack("!IxxxB", len(msg), nh)
    c = csum(ph + msg)
    return msg[:off] + struct.pack("!H", c) + msg[off + 2:]


def frame(src, dst, first_nh, body, hlim=64):
    dmac = b"\x33\x33" + dst[12:] if dst[0] == 0xFF else OUR_MAC
    ip = struct.pack("!IHBB", 0x60000000, len(body), first_nh, hlim) + src + dst
    return dmac + PEER_MAC + b"\x86\xdd" + ip + body


def icmp(src, dst, typ, code, rest, hlim=64, ext=b"", first_nh=58):
    msg = struct.pack("!BBH", typ, code, 0) + rest
    msg = upper_csum(src, dst, 58, msg, 2)
    return frame(src, dst, first_nh if ext else 58, ext + msg, hlim)


def udp(src, dst, sport, dport, data):
    msg = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    return frame(src, dst, 17, upper_csum(src, dst, 17, msg, 6))


def tcp(src, dst, sport, dport, seq, ack, flags, data=b"", opts=b""):
    hl = 20 + len(opts)
    msg = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, (hl // 4) << 4, flags, 65535, 0, 0) + opts + data
    return frame(src, dst, 6, upper_csum(src, dst, 6, msg, 16))


# MSS 1440, window scale 7, SACK permitted, timestamps.
SYN_OPTS = bytes([2, 4, 0x05, 0xA0, 1, 3, 3, 7, 1, 1, 4, 2, 1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0])


def opt_lla(typ, mac):
    return bytes([typ, 1]) + mac


def ns(src, dst, target, slla=True):
    return icmp(src, dst, 135, 0, bytes(4) + target + (opt_lla(1, PEER_MAC) if slla else b""), 255)


def na(src, dst, target, flags=0x60):
    return icmp(src, dst, 136, 0, bytes([flags, 0, 0, 0]) + target + opt_lla(2, PEER_MAC), 255)


def ra(lifetime=1800, plen=64, valid=60, preferred=30):
    body = struct.pack("!BBHII", 64, 0, lifetime, 0, 0)[0:12]
    opts = opt_lla(1, PEER_MAC)
    opts += struct.pack("!BBBBII4x", 3, 4, plen, 0xC0, valid, preferred) + bytes.fromhex("20010db8000100000000000000000000")
    opts += struct.pack("!BBHI", 5, 1, 0, 1400)
    opts += struct.pack("!BBHI", 25, 3, 0, 100) + bytes.fromhex("20010db8000100000000000000000053")
    opts += struct.pack("!BBHI", 31, 3, 0, 100) + b"\x07example\x04test\x00\x00\x00\x00"
    return icmp(LL_PEER, ALL_NODES, 134, 0, body + opts, 255)


def mld_query(group=UNSPEC, v2=True):
    rest = struct.pack("!HH", 1000, 0) + group + (b"\x02\x7d\x00\x00" if v2 else b"")
    return icmp(LL_PEER, ALL_NODES, 130, 0, rest, 1, ext=bytes([58, 0, 5, 2, 0, 0, 1, 0]), first_nh=0)


def echo(dst=LL_US, data=b"ping", ext=b"", first_nh=58):
    src = LL_PEER if dst[0] == 0xFE or dst[0] == 0xFF else G_PEER
    return icmp(src, dst, 128, 0, struct.pack("!HH", 0x1234, 1) + data, 64, ext, first_nh)


def fragments(size=3000, chunk=1232, ident=7):
    msg = struct.pack("!BBHHH", 128, 0, 0, 0x77, 1) + bytes(i & 0xFF for i in range(size))
    msg = upper_csum(LL_PEER, LL_US, 58, msg, 2)
    out = []
    for off in range(0, len(msg), chunk):
        part = msg[off:off + chunk]
        more = 1 if off + chunk < len(msg) else 0
        out.append(frame(LL_PEER, LL_US, 44, struct.pack("!BBHI", 58, 0, off | more, ident) + part))
    return out


def record(f, step=STEP_NONE, split=False):
    assert len(f) <= 0x0FFF
    return struct.pack("!H", len(f) | (step << 12) | (0x8000 if split else 0)) + f


SEEDS = {
    "echo_link_local": [echo()],
    "echo_global": [echo(G_US)],
    "echo_all_nodes": [echo(ALL_NODES)],
    "echo_split": [(echo(data=bytes(200)), STEP_1MS, True)],
    "ns_for_us": [ns(LL_PEER, SN_US, LL_US)],
    "ns_dad_probe": [ns(UNSPEC, SN_US, LL_US, slla=False)],
    "ns_then_echo_then_na": [echo(), ns(LL_PEER, SN_US, LL_US), na(LL_PEER, LL_US, LL_PEER)],
    "na_unsolicited": [na(LL_PEER, ALL_NODES, LL_PEER, 0x20)],
    "ra_full": [(ra(), STEP_1S), (echo(G_US), STEP_5S)],
    "ra_expire": [(ra(valid=10, preferred=5), STEP_20S), (ra(lifetime=0, valid=0, preferred=0), STEP_400S)],
    "mld_v2_general": [(mld_query(), STEP_1S)],
    "mld_v1_specific": [(mld_query(SN_US, v2=False), STEP_1S)],
    "ext_hbh_dst_rt": [echo(ext=bytes([60, 0, 1, 4, 0, 0, 0, 0, 43, 0, 1, 4, 0, 0, 0, 0,
                                        58, 0, 0, 0, 0, 0, 0, 0]), first_nh=0)],
    "ext_unknown_option": [echo(ext=bytes([58, 0, 0x81, 0, 1, 2, 0, 0]), first_nh=60)],
    "ext_rh0": [echo(ext=bytes([58, 2, 0, 1, 0, 0, 0, 0]) + G_PEER, first_nh=43)],
    "atomic_fragment": [echo(ext=bytes([58, 0, 0, 0, 0, 0, 0, 1]), first_nh=44)],
    "fragments_in_order": [(f, STEP_1MS) for f in fragments()],
    "fragments_reversed": [(f, STEP_1MS) for f in reversed(fragments(ident=8))],
    "fragment_timeout": [(fragments(ident=9)[0], STEP_400S)],
    "udp_echo": [udp(G_PEER, G_US, 4000, 7, b"hello")],
    "udp_no_port": [udp(LL_PEER, LL_US, 4000, 9999, b"x")],
    "tcp_syn_echo": [(tcp(G_PEER, G_US, 40000, 7, 1000, 0, 0x02, opts=SYN_OPTS), STEP_1MS),
                     (tcp(G_PEER, G_US, 40000, 7, 1001, 1, 0x10), STEP_1MS),
                     (tcp(G_PEER, G_US, 40000, 7, 1001, 1, 0x18, b"hello"), STEP_10MS),
                     (tcp(G_PEER, G_US, 40000, 7, 1006, 1, 0x11), STEP_1S)],
    "tcp_link_local_syn": [tcp(LL_PEER, LL_US, 40001, 9, 5, 0, 0x02, opts=SYN_OPTS[:4])],
    "tcp_closed_port": [tcp(G_PEER, G_US, 40002, 4444, 77, 0, 0x02)],
    "tcp_syn_then_ptb": [(tcp(G_PEER, G_US, 40000, 7, 1000, 0, 0x02, opts=SYN_OPTS), STEP_1MS),
                         icmp(G_PEER, G_US, 2, 0, struct.pack("!I", 1280) +
                              frame(G_US, G_PEER, 6, struct.pack("!HHII", 7, 40000, 1, 1001) + bytes(12))[14:])],
    "packet_too_big": [icmp(G_PEER, G_US, 2, 0, struct.pack("!I", 1280) +
                            frame(G_US, G_PEER, 17, struct.pack("!HHHH", 7, 4000, 16, 0) + bytes(8))[14:])],
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, frames in SEEDS.items():
        data = b""
        for item in frames:
            f, step, split = (item + (False,))[:3] if isinstance(item, tuple) and len(item) < 3 else \
                (item if isinstance(item, tuple) else (item, STEP_NONE, False))
            data += record(f, step, split)
        with open(os.path.join(OUT, name), "wb") as fh:
            fh.write(data)
    print(f"{len(SEEDS)} seeds in {OUT}")


if __name__ == "__main__":
    main()
