#!/usr/bin/env python3
"""Write the seed corpus of tests/fuzz/fuzz_input.c (tests/fuzz/corpus/input/).

Each seed is a sequence of records: a big-endian u16 header (bits 0..11
frame length, bits 12..14 clock step index, bit 15 deliver as two
segments) followed by one Ethernet frame. The frames are valid: addressed
to the fuzz target's interface (MAC 02:00:00:00:00:02, 192.0.2.2/24,
gateway 192.0.2.1) with correct checksums, so the fuzzer starts from
packets that reach deep into the stack.

Standard library only. Run it again after changing it and commit the
output:  python3 tests/fuzz/make_corpus.py
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus", "input")

OUR_MAC = bytes([0x02, 0, 0, 0, 0, 0x02])
PEER_MAC = bytes([0x02, 0, 0, 0, 0, 0x01])
BCAST_MAC = b"\xff" * 6
OUR_IP = bytes([192, 0, 2, 2])
PEER_IP = bytes([192, 0, 2, 1])
OTHER_IP = bytes([192, 0, 2, 9])
REMOTE_IP = bytes([198, 51, 100, 7])  # off-link: reached through the gateway
SUBNET_BCAST = bytes([192, 0, 2, 255])
LIMITED_BCAST = bytes([255, 255, 255, 255])
ZERO_IP = bytes(4)

# Clock step indexes (see clock_steps in fuzz_input.c).
STEP_NONE, STEP_1MS, STEP_10MS, STEP_100MS, STEP_1S, STEP_5S, STEP_20S, STEP_400S = range(8)


def csum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return (~total) & 0xFFFF


def eth(dst, src, ethertype, payload):
    frame = dst + src + struct.pack("!H", ethertype) + payload
    return frame + b"\0" * max(0, 60 - len(frame))  # pad to the Ethernet minimum


def arp(op, sha, spa, tha, tpa):
    return struct.pack("!HHBBH", 1, 0x0800, 6, 4, op) + sha + spa + tha + tpa


def ipv4(src, dst, proto, payload, ident=1, flags_frag=0, ttl=64, options=b"", total=None):
    ihl = 5 + len(options) // 4
    length = total if total is not None else ihl * 4 + len(payload)
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, length, ident, flags_frag, ttl, proto, 0, src, dst)
    hdr += options
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def icmp_echo(ident, seq, data, type_=8):
    msg = struct.pack("!BBHHH", type_, 0, 0, ident, seq) + data
    return msg[:2] + struct.pack("!H", csum(msg)) + msg[4:]


def udp(src_ip, dst_ip, sport, dport, data, checksum=True):
    length = 8 + len(data)
    seg = struct.pack("!HHHH", sport, dport, length, 0) + data
    if checksum:
        pseudo = src_ip + dst_ip + struct.pack("!BBH", 0, 17, length)
        c = csum(pseudo + seg) or 0xFFFF
        seg = seg[:6] + struct.pack("!H", c) + seg[8:]
    return seg


def record(frame, step=STEP_10MS, split=False):
    assert len(frame) <= 0x0FFF
    return struct.pack("!H", len(frame) | (step << 12) | (0x8000 if split else 0)) + frame


def ip_frame(ip_packet, dst_mac=OUR_MAC, src_mac=PEER_MAC):
    return eth(dst_mac, src_mac, 0x0800, ip_packet)


def fragments(src, dst, proto, payload, ident, sizes):
    """Split payload into fragments of the given sizes (multiples of 8 but the last)."""
    frags, off = [], 0
    for i, n in enumerate(sizes):
        more = 0x2000 if i < len(sizes) - 1 else 0
        frags.append(ip_frame(ipv4(src, dst, proto, payload[off:off + n], ident=ident,
                                   flags_frag=more | (off // 8))))
        off += n
    assert off == len(payload)
    return frags


def seeds():
    arp_reply = eth(OUR_MAC, PEER_MAC, 0x0806, arp(2, PEER_MAC, PEER_IP, OUR_MAC, OUR_IP))
    arp_request = eth(BCAST_MAC, PEER_MAC, 0x0806, arp(1, PEER_MAC, PEER_IP, bytes(6), OUR_IP))
    ping = ip_frame(ipv4(PEER_IP, OUR_IP, 1, icmp_echo(0x1234, 1, b"tern-fuzz-ping-0123456789")))
    udp7 = ip_frame(ipv4(PEER_IP, OUR_IP, 17, udp(PEER_IP, OUR_IP, 40000, 7, b"hello echo")))

    s = {}
    s["arp_request"] = record(arp_request)
    s["arp_reply"] = record(arp_reply)
    s["arp_request_other"] = record(eth(BCAST_MAC, PEER_MAC, 0x0806,
                                        arp(1, PEER_MAC, PEER_IP, bytes(6), OTHER_IP)))
    s["arp_gratuitous"] = record(eth(BCAST_MAC, PEER_MAC, 0x0806, arp(1, PEER_MAC, PEER_IP, bytes(6), PEER_IP)))
    # RFC 5227 probe for our address (sender 0.0.0.0): a conflict for ACD.
    s["arp_probe_conflict"] = record(eth(BCAST_MAC, PEER_MAC, 0x0806,
                                         arp(1, PEER_MAC, ZERO_IP, bytes(6), OUR_IP)))
    # Someone else claims our address.
    s["arp_reply_conflict"] = record(eth(BCAST_MAC, bytes([2, 0, 0, 0, 0, 0x66]), 0x0806,
                                         arp(2, bytes([2, 0, 0, 0, 0, 0x66]), OUR_IP, BCAST_MAC, OUR_IP)))

    s["icmp_echo"] = record(ping)
    s["icmp_echo_resolved"] = record(arp_reply, STEP_1MS) + record(ping)
    s["icmp_echo_then_arp"] = record(ping, STEP_100MS) + record(arp_reply, STEP_1S)
    s["icmp_echo_unresolved_timeout"] = record(ping, STEP_1S) + record(ping, STEP_5S) + record(ping, STEP_20S)
    s["icmp_echo_offlink"] = record(arp_reply, STEP_1MS) + record(
        ip_frame(ipv4(REMOTE_IP, OUR_IP, 1, icmp_echo(7, 9, b"via gateway"))))
    s["icmp_echo_big"] = record(arp_reply, STEP_1MS) + record(
        ip_frame(ipv4(PEER_IP, OUR_IP, 1, icmp_echo(1, 2, bytes(range(256)) * 5 + b"x" * 192))))
    s["icmp_echo_reply"] = record(ip_frame(ipv4(PEER_IP, OUR_IP, 1, icmp_echo(1, 1, b"pong", type_=0))))
    # Destination unreachable quoting a UDP datagram we might have sent.
    quoted = ipv4(OUR_IP, PEER_IP, 17, udp(OUR_IP, PEER_IP, 7, 40000, b"hello"))[:28]
    unreach = struct.pack("!BBHI", 3, 3, 0, 0) + quoted
    unreach = unreach[:2] + struct.pack("!H", csum(unreach)) + unreach[4:]
    s["icmp_unreachable"] = record(ip_frame(ipv4(PEER_IP, OUR_IP, 1, unreach)))

    s["udp_echo"] = record(udp7)
    s["udp_echo_resolved"] = record(arp_reply, STEP_1MS) + record(udp7) + record(udp7, split=True)
    s["udp_discard"] = record(ip_frame(ipv4(PEER_IP, OUR_IP, 17, udp(PEER_IP, OUR_IP, 40001, 9, b"x" * 100))))
    s["udp_no_checksum"] = record(ip_frame(ipv4(PEER_IP, OUR_IP, 17,
                                                udp(PEER_IP, OUR_IP, 40002, 7, b"no csum", checksum=False))))
    s["udp_closed_port"] = record(arp_reply, STEP_1MS) + record(
        ip_frame(ipv4(PEER_IP, OUR_IP, 17, udp(PEER_IP, OUR_IP, 40003, 4242, b"anyone?"))))
    s["udp_broadcast_subnet"] = record(ip_frame(ipv4(PEER_IP, SUBNET_BCAST, 17,
                                                     udp(PEER_IP, SUBNET_BCAST, 40004, 7, b"bcast")),
                                                dst_mac=BCAST_MAC))
    s["udp_broadcast_limited"] = record(ip_frame(ipv4(ZERO_IP, LIMITED_BCAST, 17,
                                                      udp(ZERO_IP, LIMITED_BCAST, 68, 7, b"limited")),
                                                 dst_mac=BCAST_MAC))
    s["udp_multicast"] = record(ip_frame(ipv4(PEER_IP, bytes([224, 0, 0, 251]), 17,
                                              udp(PEER_IP, bytes([224, 0, 0, 251]), 5353, 5353, b"\0" * 12)),
                                         dst_mac=bytes([0x01, 0x00, 0x5E, 0, 0, 0xFB])))
    s["udp_not_for_us"] = record(ip_frame(ipv4(PEER_IP, OTHER_IP, 17, udp(PEER_IP, OTHER_IP, 1, 7, b"fwd?"))))

    # IP options: NOP, NOP, record route with room for two addresses, end.
    rr = bytes([1, 1, 7, 11, 4]) + bytes(8) + bytes([0, 0, 0])
    s["ip_options_icmp"] = record(arp_reply, STEP_1MS) + record(
        ip_frame(ipv4(PEER_IP, OUR_IP, 1, icmp_echo(3, 4, b"with options"), options=rr)))
    s["ip_options_udp"] = record(ip_frame(ipv4(PEER_IP, OUR_IP, 17, udp(PEER_IP, OUR_IP, 40005, 7, b"opts"),
                                               options=bytes([0x94, 4, 0, 0]))))  # router alert
    s["ip_ttl1"] = record(ip_frame(ipv4(PEER_IP, OTHER_IP, 1, icmp_echo(5, 6, b"ttl"), ttl=1)))
    s["ip_unknown_proto"] = record(arp_reply, STEP_1MS) + record(ip_frame(ipv4(PEER_IP, OUR_IP, 253, b"raw data")))

    # Fragments: a UDP datagram to port 7 in three pieces (first/middle/last).
    dgram = udp(PEER_IP, OUR_IP, 40006, 7, bytes((i * 7) & 0xFF for i in range(600)))
    frags = fragments(PEER_IP, OUR_IP, 17, dgram, 0x4242, [208, 200, len(dgram) - 408])
    s["frag_in_order"] = record(arp_reply, STEP_1MS) + b"".join(record(f) for f in frags)
    s["frag_reverse"] = b"".join(record(f) for f in reversed(frags))
    s["frag_duplicate"] = record(frags[0]) + record(frags[1]) + record(frags[1]) + record(frags[2], split=True)
    s["frag_missing_timeout"] = record(frags[0], STEP_5S) + record(frags[2], STEP_20S)
    s["frag_first_only"] = record(frags[0], STEP_400S)
    s["frag_last_only"] = record(frags[2])
    # ICMP echo fragmented, and an overlapping pair.
    echo = icmp_echo(9, 9, b"F" * 300)
    efr = fragments(PEER_IP, OUR_IP, 1, echo, 0x5151, [160, len(echo) - 160])
    s["frag_icmp_echo"] = record(arp_reply, STEP_1MS) + record(efr[1]) + record(efr[0])
    over = ip_frame(ipv4(PEER_IP, OUR_IP, 1, echo[152:], ident=0x5151, flags_frag=152 // 8))
    s["frag_overlap"] = record(efr[0]) + record(over)
    # Two datagrams interleaved.
    dg2 = udp(PEER_IP, OUR_IP, 40007, 9, b"second" * 40)
    f2 = fragments(PEER_IP, OUR_IP, 17, dg2, 0x4343, [120, len(dg2) - 120])
    s["frag_interleaved"] = (record(frags[0]) + record(f2[0]) + record(frags[1]) + record(f2[1]) +
                             record(frags[2]))

    # Everything in one input, with time passing (ARP aging, timers).
    s["mixed_session"] = (record(arp_request, STEP_1MS) + record(arp_reply, STEP_10MS) + record(ping, STEP_1S) +
                          record(udp7, STEP_100MS, split=True) + b"".join(record(f, STEP_10MS) for f in frags) +
                          record(ping, STEP_400S) + record(udp7))
    return s


def main():
    os.makedirs(OUT, exist_ok=True)
    for old in os.listdir(OUT):
        os.remove(os.path.join(OUT, old))
    total = 0
    for name, data in sorted(seeds().items()):
        with open(os.path.join(OUT, name), "wb") as fh:
            fh.write(data)
        total += len(data)
    print("make_corpus: wrote %d seeds (%d bytes) to %s" % (len(seeds()), total, os.path.relpath(OUT)))


if __name__ == "__main__":
    sys.exit(main())
