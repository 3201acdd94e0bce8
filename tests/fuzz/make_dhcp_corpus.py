#!/usr/bin/env python3
"""Write the seed corpus of tests/fuzz/fuzz_dhcp.c (tests/fuzz/corpus/dhcp/).

Each seed is a sequence of records: a big-endian u16 header (bits 0..10
message length, bits 11..13 clock step index, bit 14 patch xid/chaddr to the
client's (or, with length 0, an ARP claim of its address), bit 15 deliver as
two segments) followed by one DHCP message (UDP payload; the harness adds
the Ethernet, IPv4 and UDP headers). The messages are valid server replies
from 192.0.2.1 offering 192.0.2.100, plus a few broken on purpose.

Standard library only. Run it again after changing it and commit the output:
    python3 tests/fuzz/make_dhcp_corpus.py
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus", "dhcp")

CLIENT_MAC = bytes([0x02, 0, 0, 0, 0, 0x02])
SERVER = bytes([192, 0, 2, 1])
OFFERED = bytes([192, 0, 2, 100])
COOKIE = bytes([99, 130, 83, 99])
OFFER, ACK, NAK = 2, 5, 6

# Clock step indexes (see clock_steps in fuzz_dhcp.c).
STEP_NONE, STEP_10MS, STEP_500MS, STEP_2S, STEP_10S, STEP_60S, STEP_600S, STEP_4000S = range(8)
PATCH, SPLIT = 0x4000, 0x8000


def opt(code, data):
    return bytes([code, len(data)]) + data


def u32(v):
    return struct.pack("!I", v)


def fixed(yiaddr=OFFERED, sname=b"", file=b""):
    """The 236-byte BOOTP header of a reply (xid 0 and chaddr are patched by the harness)."""
    h = bytes([2, 1, 6, 0]) + u32(0) + b"\0" * 4 + b"\0" * 4 + yiaddr + b"\0" * 8
    h += CLIENT_MAC + b"\0" * 10
    h += sname.ljust(64, b"\0") + file.ljust(128, b"\0")
    assert len(h) == 236
    return h


def reply(mtype, options=b"", end=True, **kw):
    msg = fixed(**kw) + COOKIE + opt(53, bytes([mtype])) + options + (b"\xff" if end else b"")
    return msg.ljust(300, b"\0")


def full_options(lease=120, t1=None, t2=None):
    o = opt(54, SERVER) + opt(1, bytes([255, 255, 255, 0])) + opt(3, SERVER)
    o += opt(6, SERVER + bytes([192, 0, 2, 53])) + opt(15, b"tern.test") + opt(42, SERVER)
    o += opt(26, struct.pack("!H", 1400)) + opt(51, u32(lease))
    if t1 is not None:
        o += opt(58, u32(t1))
    if t2 is not None:
        o += opt(59, u32(t2))
    return o


def record(msg, step=STEP_NONE, flags=PATCH):
    assert len(msg) <= 0x7FF
    return struct.pack("!H", len(msg) | (step << 11) | flags) + msg


def arp_claim(step=STEP_NONE):
    return struct.pack("!H", (step << 11) | PATCH)


def seeds():
    offer = reply(OFFER, full_options())
    ack = reply(ACK, full_options())
    ack_short = reply(ACK, full_options(lease=60, t1=20, t2=40))
    nak = reply(NAK, opt(54, SERVER))
    overload_file = opt(54, SERVER) + opt(51, u32(600)) + b"\xff"
    overload_sname = opt(3, SERVER) + b"\xff"
    yield "dora_then_expiry", (record(offer) + record(ack, STEP_10S) + record(b"", STEP_60S, 0) +
                               record(b"", STEP_600S, 0))
    yield "dora_renew_ack", (record(offer) + record(ack_short, STEP_10S) + record(b"", STEP_10S, 0) +
                             record(ack_short, STEP_2S) + record(b"", STEP_60S, 0))
    yield "offer_nak", record(offer, STEP_500MS) + record(nak, STEP_2S)
    yield "ack_then_conflict", record(offer) + record(ack, STEP_500MS) + arp_claim(STEP_10S) + arp_claim(STEP_10S)
    yield "bound_then_conflict", (record(offer) + record(ack, STEP_10S) + arp_claim(STEP_2S) +
                                  arp_claim(STEP_2S))
    yield "overload_both", record(reply(OFFER, opt(52, b"\x03"), sname=overload_sname, file=overload_file),
                                  STEP_500MS)
    yield "offer_split", record(offer, STEP_500MS, PATCH | SPLIT) + record(ack, STEP_10S, PATCH | SPLIT)
    yield "autoip_then_dhcp", record(b"", STEP_60S, 0) + record(offer, STEP_10MS) + record(ack, STEP_10S)
    yield "missing_end", record(reply(OFFER, opt(54, SERVER), end=False)[:250])
    yield "option_past_end", record(reply(OFFER, opt(54, SERVER) + b"\x06\xc8" + SERVER, end=False)[:260])
    yield "unpatched_offer", record(offer, STEP_2S, 0)


def main():
    os.makedirs(OUT, exist_ok=True)
    for old in os.listdir(OUT):
        os.unlink(os.path.join(OUT, old))
    count = 0
    for name, data in seeds():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
        count += 1
    print(f"wrote {count} seeds to {os.path.relpath(OUT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
