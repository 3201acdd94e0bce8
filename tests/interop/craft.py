"""Hostile and hand-made frames for the interop tests, built with scapy.

Each function returns a list of frames (bytes) sent from the Linux side
(source: the TAP's MAC and 192.0.2.1) to the stack. IPv4 headers that must
be wrong in a precise way are built by hand with ip_header(); everything
else comes from scapy layers.
"""
import struct

from scapy.layers.inet import ICMP, UDP
from scapy.layers.l2 import ARP, Ether
from scapy.packet import Raw
from scapy.utils import checksum

ETH_IPV4 = 0x0800
ETH_ARP = 0x0806
PROTO_ICMP = 1
PROTO_UDP = 17


class Peers:
    """Addresses of both ends of the TAP."""

    def __init__(self, linux_mac, stack_mac, linux_ip="192.0.2.1", stack_ip="192.0.2.2"):
        self.linux_mac, self.stack_mac = linux_mac, stack_mac
        self.linux_ip, self.stack_ip = linux_ip, stack_ip


def _ip4(text):
    return bytes(int(x) for x in text.split("."))


def eth(p, ethertype):
    return bytes(Ether(src=p.linux_mac, dst=p.stack_mac, type=ethertype))


def ip_header(p, proto, payload_len, ihl=5, tot_len=None, options=b"", ident=0x1234, frag_off=0,
              mf=False, csum=None, ttl=64, src=None, dst=None):
    """An IPv4 header with exactly these fields (checksum correct unless csum)."""
    options = options + b"\0" * (-len(options) % 4)
    if tot_len is None:
        tot_len = 20 + len(options) + payload_len
    flags = (0x2000 if mf else 0) | (frag_off // 8)
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, tot_len, ident, flags, ttl, proto, 0,
                    _ip4(src or p.linux_ip), _ip4(dst or p.stack_ip)) + options
    if csum is None:
        csum = checksum(h)
    return h[:10] + struct.pack("!H", csum) + h[12:]


def ipv4(p, proto, payload, **kw):
    """Ethernet + IPv4 header (see ip_header) + payload, as one frame."""
    return eth(p, ETH_IPV4) + ip_header(p, proto, len(payload), **kw) + payload


def icmp_echo(ident=0x7e57, seq=1, data=b"tern-interop-probe"):
    return bytes(ICMP(type=8, code=0, id=ident, seq=seq) / Raw(data))


def udp(sport, dport, data, length=None, csum=0):
    """A UDP datagram; checksum 0 (none) so only the field under test is wrong."""
    return bytes(UDP(sport=sport, dport=dport, len=length, chksum=csum) / Raw(data))


def fragments(p, proto, payload, pieces, ident):
    """Frames carrying payload[off:off+length] at offset off; pieces = [(off, length, more)]."""
    return [ipv4(p, proto, payload[off:off + length], ident=ident, frag_off=off, mf=more)
            for off, length, more in pieces]


# ---- Truncated headers --------------------------------------------------------

def ethernet_header_only(p):
    return [eth(p, ETH_IPV4)]


def truncated_arp(p):
    arp = bytes(ARP(op=1, hwsrc=p.linux_mac, psrc=p.linux_ip, pdst=p.stack_ip))
    return [eth(p, ETH_ARP) + arp[:20]]


def truncated_ipv4(p):
    return [eth(p, ETH_IPV4) + ip_header(p, PROTO_ICMP, 8)[:12]]


def truncated_icmp(p):
    return [ipv4(p, PROTO_ICMP, icmp_echo()[:4])]


def truncated_udp(p):
    return [ipv4(p, PROTO_UDP, udp(40000, 9, b"x")[:4])]


# ---- IPv4 header fields -------------------------------------------------------

def ihl_below_five(p):
    return [ipv4(p, PROTO_ICMP, icmp_echo(), ihl=4)]


def ihl_beyond_packet(p):
    # IHL says 60 bytes of header; the datagram has 24.
    return [ipv4(p, PROTO_ICMP, icmp_echo()[:4], ihl=15)]


def total_length_beyond_frame(p):
    data = icmp_echo()
    return [ipv4(p, PROTO_ICMP, data, tot_len=20 + len(data) + 1000)]


def total_length_below_header(p):
    return [ipv4(p, PROTO_ICMP, icmp_echo(), tot_len=12)]


def echo_with_trailer(p, seq, trailer=b"\xee" * 30):
    """A valid echo request followed by bytes beyond the IPv4 total length."""
    return [ipv4(p, PROTO_ICMP, icmp_echo(seq=seq)) + trailer]


def bad_header_checksum(p):
    good = ip_header(p, PROTO_ICMP, len(icmp_echo()))
    wrong = struct.unpack("!H", good[10:12])[0] ^ 0x5a5a
    return [ipv4(p, PROTO_ICMP, icmp_echo(), csum=wrong)]


def option_length_zero(p):
    # Record Route with length 0: a naive option walker loops forever.
    return [ipv4(p, PROTO_ICMP, icmp_echo(), ihl=6, options=b"\x07\x00\x00\x00")]


def option_past_header(p):
    # Timestamp option claiming 40 bytes in a 4-byte option area.
    return [ipv4(p, PROTO_ICMP, icmp_echo(), ihl=6, options=b"\x44\x28\x05\x00")]


# ---- Fragments --------------------------------------------------------------------

def overlapping_fragments(p, ident=0x0bad):
    data = icmp_echo(seq=7, data=bytes(range(64)))  # 72 bytes
    return fragments(p, PROTO_ICMP, data, [(0, 32, True), (16, 32, True), (48, 24, False)], ident)


def duplicate_fragments(p, ident=0x0d0d):
    data = icmp_echo(seq=8, data=bytes(range(64)))
    first, last = fragments(p, PROTO_ICMP, data, [(0, 40, True), (40, 32, False)], ident)
    return [first, first, last]


def oversized_train(p, ident=0xb16):
    """Fragments whose end lies beyond 65535 bytes of datagram."""
    chunk = 1480
    end = 65120  # 44 fragments of 1480 bytes
    payload = bytes(i & 0xff for i in range(end + 1000))
    pieces = [(off, chunk, True) for off in range(0, end, chunk)]
    pieces.append((end, 1000, False))  # datagram of 66120 + 20 bytes > 65535
    return fragments(p, PROTO_UDP, payload, pieces, ident)


def fragment_wrapping_past_65535(p, ident=0x0f0f):
    """A fragment at the largest offset (65528) whose end lies beyond 65535."""
    data = bytes(range(16))
    return [ipv4(p, PROTO_UDP, data, ident=ident, frag_off=65528, mf=True),
            ipv4(p, PROTO_UDP, data, ident=ident + 1, frag_off=65528, mf=False)]


def incomplete_reassemblies(p, count=3000, first_ident=0x4000):
    """count first fragments that never get their second half."""
    data = udp(40000, 9, b"y" * 64)
    return [ipv4(p, PROTO_UDP, data[:32], ident=(first_ident + i) & 0xffff, mf=True) for i in range(count)]


# ---- ARP, UDP, ICMP ----------------------------------------------------------------

def arp_wrong_lengths(p):
    frames = []
    for hwlen, plen in ((8, 4), (6, 16), (0, 0)):
        arp = ARP(op=1, hwlen=hwlen, plen=plen, hwsrc=p.linux_mac, psrc=p.linux_ip, pdst=p.stack_ip)
        frames.append(eth(p, ETH_ARP) + bytes(arp) + b"\0" * 32)  # long enough: only the lengths are wrong
    return frames


def udp_length_beyond_datagram(p):
    return [ipv4(p, PROTO_UDP, udp(40000, 7, b"hello", length=8 + 5 + 200))]


def udp_length_below_header(p):
    return [ipv4(p, PROTO_UDP, udp(40000, 7, b"hello", length=4))]


def icmp_errors_quoting_garbage(p):
    """Destination unreachable / time exceeded quoting things that are not our datagrams."""
    quotes = [
        b"\x00" * 8,                                                   # no IPv4 header at all
        b"\x4f" + b"\x00" * 27,                                          # IHL 15, 28 bytes quoted
        b"\x60" + b"\x00" * 27,                                          # version 6
        ip_header(p, PROTO_UDP, 8, src=p.stack_ip, dst=p.linux_ip)[:16],  # header cut short
    ]
    frames = []
    for i, q in enumerate(quotes):
        msg = bytes(ICMP(type=3 if i % 2 == 0 else 11, code=3 if i % 2 == 0 else 0) / Raw(q))
        frames.append(ipv4(p, PROTO_ICMP, msg))
    return frames


def fragment_not_multiple_of_eight(p, ident=0x0e1e):
    """A non-final fragment whose length is not a multiple of 8."""
    data = icmp_echo(seq=9, data=bytes(range(64)))
    return fragments(p, PROTO_ICMP, data, [(0, 30, True)], ident)


def icmp_bad_checksum(p):
    msg = bytearray(icmp_echo())
    msg[2] ^= 0xff
    return [ipv4(p, PROTO_ICMP, bytes(msg))]

