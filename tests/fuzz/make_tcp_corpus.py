#!/usr/bin/env python3
"""Write the seed corpus of tests/fuzz/fuzz_tcp.c (tests/fuzz/corpus/tcp/).

Each seed is one byte choosing the options of the harness's handshake SYN
(bit 0 MSS, bit 1 window scale with the shift in bits 4..7, bit 2
timestamps, bit 3 SACK permitted), then segments: a 10-byte header (see
fuzz_tcp.c) + option bytes + payload. Sequence and acknowledgment numbers
are deltas from the stack's rcv_nxt and snd_max as the harness saw them, so
the seeds stay valid whatever ISN the stack picks: delta 0/0 is "in order,
acknowledging everything".

Standard library only. Run it again after changing it and commit the
output:  python3 tests/fuzz/make_tcp_corpus.py
"""
import os
import shutil
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus", "tcp")

FIN, SYN, RST, PSH, ACK, URG = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20
ABSOLUTE, CONN1 = 0x40, 0x80
ALL_OPTS = 0x0F | (7 << 4)  # MSS, window scale 7, timestamps, SACK permitted
TS_ONLY = 0x05
NO_OPTS = 0x00
# Clock steps (index): 0, 1, 10, 100, 250 ms, 1, 5, 70 s.
C0, C1, C10, C100, C250, C1S, C5S, C70S = range(8)


def seg(flags, dseq=0, dack=0, wnd=0xff, opts=b"", ts=True, split=False, data=b"", clock=C1, offset=0, urp=0,
        conn=0, absolute=False):
    assert len(opts) <= 40 and len(data) <= 255
    h0 = flags | (ABSOLUTE if absolute else 0) | (CONN1 if conn else 0)
    h6 = len(opts) | (0x40 if ts else 0) | (0x80 if split else 0)
    return struct.pack(">BhhBBBBB", h0, dseq, dack, wnd, h6, len(data), clock | (offset << 3), urp) + opts + data


def data(n, tag=b"d"):
    return (tag * n)[:n]


def seeds():
    out = {}
    # Echo: data, acknowledge the echo, close both ways.
    out["echo_close"] = bytes([ALL_OPTS]) + seg(ACK | PSH, data=b"hello, tern") + seg(ACK, clock=C100) + \
        seg(ACK | FIN) + seg(ACK, clock=C10)
    out["echo_no_options"] = bytes([NO_OPTS]) + seg(ACK | PSH, data=b"plain", ts=False) + \
        seg(ACK, ts=False) + seg(ACK | FIN, ts=False) + seg(ACK, ts=False)
    # Bulk in order, each segment acknowledging everything.
    out["bulk"] = bytes([ALL_OPTS]) + b"".join(seg(ACK, data=data(255, bytes([65 + i]))) for i in range(24))
    # Out of order: a hole, then the filler; duplicates; overlaps.
    out["ooseq"] = bytes([TS_ONLY]) + seg(ACK, dseq=255, data=data(255, b"B")) + \
        seg(ACK, dseq=510, data=data(255, b"C")) + seg(ACK, dseq=255, data=data(255, b"B")) + \
        seg(ACK, dseq=0, data=data(255, b"A")) + seg(ACK, dseq=-100, data=data(200, b"O")) + seg(ACK | FIN)
    out["ooseq_fin"] = bytes([ALL_OPTS]) + seg(ACK | FIN, dseq=100, data=data(50, b"F")) + \
        seg(ACK, dseq=0, data=data(100, b"a")) + seg(ACK, clock=C1S)
    # RFC 5961: RST in the window, RST exact, SYN in the window, old ACK.
    out["rst_in_window"] = bytes([ALL_OPTS]) + seg(RST, dseq=1000) + seg(RST | ACK, dseq=5) + \
        seg(ACK | PSH, data=b"still here") + seg(ACK)
    out["rst_exact"] = bytes([ALL_OPTS]) + seg(ACK | PSH, data=b"x" * 10) + seg(RST, dseq=0, ts=False)
    out["syn_in_window"] = bytes([ALL_OPTS]) + seg(SYN, dseq=10) + seg(SYN | ACK, dseq=0) + \
        seg(ACK, dack=-30000)
    out["ack_beyond"] = bytes([TS_ONLY]) + seg(ACK, dack=5000) + seg(ACK, dack=-5) + seg(ACK | PSH, data=b"ok")
    # PAWS: an old timestamp, then none.
    out["paws"] = bytes([ALL_OPTS]) + seg(ACK | PSH, data=b"1", opts=b"\x01\x01\x08\x0a\x00\x00\x00\x01\x00\x00\x00\x00",
                                          ts=False) + seg(ACK | PSH, data=b"2", ts=False)
    # Zero window from the peer: the echo cannot go out; persist probes over time.
    out["zero_window"] = bytes([ALL_OPTS]) + seg(ACK | PSH, wnd=0, data=data(255, b"z")) + \
        seg(ACK, wnd=0, clock=C1S) + seg(ACK, wnd=0, clock=C5S) + seg(ACK, wnd=0, clock=C5S) + \
        seg(ACK, wnd=0x40, clock=C10) + seg(ACK)
    # No ACKs at all: retransmissions back off and the connection gives up.
    out["rto_give_up"] = bytes([TS_ONLY]) + seg(ACK | PSH, data=data(255, b"r")) + \
        b"".join(seg(ACK, dack=-255, dseq=10 ** 4, clock=C70S) for _ in range(6))
    # Duplicate ACKs for fast retransmit: echo 6 segments, then ACK the first one 4 times.
    out["dupacks"] = bytes([ALL_OPTS | 0x01]) + b"".join(
        seg(ACK | PSH, absolute=True, dseq=1 + 255 * i, dack=1, data=data(255, b"k"), clock=C0) for i in range(6)) + \
        b"".join(seg(ACK, absolute=True, dseq=1 + 255 * 6, dack=1, clock=C1) for _ in range(4)) + \
        seg(ACK, dack=-255, clock=C10) + seg(ACK, clock=C250)
    # Data after the FIN (the echo has closed: RST), and FIN retransmitted.
    out["data_after_fin"] = bytes([ALL_OPTS]) + seg(ACK | FIN) + seg(ACK | PSH, dseq=1, data=b"late") + \
        seg(ACK | FIN, dseq=-1)
    # Connection 1: a handshake of the fuzzer's own to the discard port (seq wraps past 0).
    out["conn1_discard"] = bytes([ALL_OPTS]) + seg(SYN, conn=1, absolute=True, opts=b"\x02\x04\x05\xb4\x01\x03\x03\x02") + \
        seg(ACK, conn=1) + b"".join(seg(ACK, conn=1, data=data(255, b"9")) for _ in range(20)) + \
        seg(ACK | FIN, conn=1) + seg(ACK, conn=1, clock=C70S)
    out["conn1_synack_lost"] = bytes([NO_OPTS]) + seg(SYN, conn=1, absolute=True, ts=False) + \
        seg(SYN, conn=1, absolute=True, ts=False, clock=C1S) + seg(ACK, conn=1, dack=7, ts=False) + \
        seg(RST, conn=1, ts=False, clock=C70S)
    # Malformed headers and options on the live connection.
    out["options"] = bytes([ALL_OPTS]) + seg(ACK, opts=b"\x05\x0a\x00\x00\x00\x01\x00\x00\x00\x02\x00\x00") + \
        seg(ACK, opts=b"\x03\x03\x0e\x00") + seg(ACK, opts=b"\x02\x00\x00\x00") + seg(ACK, opts=b"\x08\x01") + \
        seg(ACK, opts=b"\x1e\x28") + seg(ACK | PSH, data=b"after options")
    out["data_offset"] = bytes([ALL_OPTS]) + seg(ACK, offset=4) + seg(ACK, offset=15, data=b"short") + \
        seg(ACK | PSH, offset=6, data=b"offset six") + seg(ACK | PSH, data=b"fine")
    out["flags"] = bytes([ALL_OPTS]) + seg(SYN | FIN) + seg(SYN | RST) + seg(0, data=b"noflags") + \
        seg(0x3f, data=b"xmas") + seg(URG | ACK, data=b"urgent", urp=0xff) + seg(ACK | PSH, data=b"tail")
    out["split"] = bytes([ALL_OPTS]) + seg(ACK | PSH, split=True, data=data(200, b"s")) + \
        seg(ACK, split=True, opts=b"\x01\x01\x05\x0a\x00\x00\x00\x00\x00\x00\x00\x10") + seg(ACK | FIN, split=True)
    # Long idle with keepalive-free connection, then TIME_WAIT-ish closing by the peer after our FIN.
    out["simultaneous"] = bytes([ALL_OPTS]) + seg(ACK | FIN, dack=-1) + seg(ACK | FIN, dseq=-1, clock=C250) + \
        seg(ACK, dseq=0, clock=C70S) + seg(SYN, absolute=True, dseq=0x4000, clock=C1S)
    return out


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    for name, blob in sorted(seeds().items()):
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(blob)
    print(f"wrote {len(seeds())} seeds to {os.path.relpath(OUT)}")


if __name__ == "__main__":
    main()
