#!/usr/bin/env python3
"""Write the seed corpus of tests/fuzz/fuzz_dhcp6.c (tests/fuzz/corpus/dhcp6/).

Each seed is a sequence of records: a big-endian u16 header (bits 0..10
message length, bits 11..13 clock step index, bit 14 patch the transaction
id to the client's, bit 15 deliver as two segments) followed by one DHCPv6
message (UDP payload; the harness adds the Ethernet, IPv6 and UDP headers).
The messages are Replies to the client's Information-Request (RFC 8415),
plus a few broken on purpose.

Standard library only. Run it again after changing it and commit the output:
    python3 tests/fuzz/make_dhcp6_corpus.py
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus", "dhcp6")

CLIENT_DUID = bytes([0, 3, 0, 1, 0x02, 0, 0, 0, 0, 0x02])  # DUID-LL of 02:00:00:00:00:02
SERVER_DUID = bytes([0, 3, 0, 1, 0x02, 0, 0, 0, 0, 0x01])
DNS1 = bytes([0x20, 0x01, 0x0d, 0xb8] + [0] * 11 + [0x53])
DNS2 = bytes([0x20, 0x01, 0x0d, 0xb8] + [0] * 11 + [0x54])
REPLY, ADVERTISE = 7, 2

# Clock step indexes (see clock_steps in fuzz_dhcp6.c).
STEP_NONE, STEP_10MS, STEP_500MS, STEP_2S, STEP_10S, STEP_60S, STEP_600S, STEP_4000S = range(8)
PATCH, SPLIT = 0x4000, 0x8000


def opt(code, data):
    return struct.pack("!HH", code, len(data)) + data


def reply(options, mtype=REPLY):
    return bytes([mtype, 0, 0, 0]) + options  # the harness patches the xid


def good(servers=(DNS1,), refresh=None, extra=b""):
    o = opt(2, SERVER_DUID) + opt(1, CLIENT_DUID) + opt(23, b"".join(servers))
    o += opt(24, b"\x04tern\x04test\x00")
    if refresh is not None:
        o += opt(32, struct.pack("!I", refresh))
    return reply(o + extra)


def record(msg, step=STEP_NONE, patch=True, split=False):
    hdr = len(msg) | (step << 11) | (PATCH if patch else 0) | (SPLIT if split else 0)
    return struct.pack("!H", hdr) + msg


SEEDS = {
    "reply_one_server": record(good()),
    "reply_two_servers_refresh": record(good((DNS1, DNS2), refresh=600, extra=opt(83, struct.pack("!I", 120)))),
    "reply_then_refresh": record(good(refresh=600), STEP_600S) + record(good((DNS2,)), STEP_10MS),
    "reply_split": record(good((DNS1, DNS2)), split=True),
    "wrong_xid_then_good": record(good(), patch=False) + record(good()),
    "advertise": record(reply(opt(2, SERVER_DUID) + opt(23, DNS1), mtype=ADVERTISE)),
    "status_fail": record(good(extra=opt(13, b"\x00\x01fail"))),
    "option_past_end": record(good()[:-3]),
    "truncated_option_header": record(good() + b"\x00\x17"),
    "zero_servers": record(reply(opt(2, SERVER_DUID) + opt(23, b""))),
    "no_server_id": record(reply(opt(23, DNS1))),
    "retransmissions": record(b"", STEP_60S, patch=False) + record(good(), STEP_4000S),
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    print(f"wrote {len(SEEDS)} seeds to {OUT}")


if __name__ == "__main__":
    main()
