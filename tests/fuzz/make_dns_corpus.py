#!/usr/bin/env python3
"""Write the seed corpus of tests/fuzz/fuzz_dns.c (tests/fuzz/corpus/dns/).

Each seed is one control byte (see fuzz_dns.c: bit 0 keep the ID, bit 1
answer the mDNS query, bit 2 wrong source port, bit 3 two segments, bit 4
deliver twice, bits 5-6 clock advance, bit 7 look up again) followed by a
DNS message. The target replaces the message's ID with the query's unless
bit 0 is set, so the seeds carry ID 0. Most seeds answer the target's
questions ("device.test" A IN, or "printer.local" for mDNS) so the fuzzer
starts from messages that reach the record parser and the cache.

Standard library only. Run it again after changing it and commit the
output:  python3 tests/fuzz/make_dns_corpus.py
"""
import os
import shutil
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus", "dns")

KEEP_ID, MDNS, WRONG_PORT, SPLIT, TWICE, AGAIN = 0x01, 0x02, 0x04, 0x08, 0x10, 0x80


def advance(i):
    return (i & 3) << 5


TYPE_A, TYPE_NS, TYPE_CNAME, TYPE_AAAA = 1, 2, 5, 28
CLASS_IN = 1
RESPONSE = 0x8180  # QR RD RA
MDNS_RESPONSE = 0x8400  # QR AA
QNAME_PTR = b"\xc0\x0c"  # the question's name, right after the header


def name(text):
    out = b""
    for label in text.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def header(flags=RESPONSE, qd=1, an=0, ns=0, ar=0, ident=0):
    return struct.pack("!HHHHHH", ident, flags, qd, an, ns, ar)


def question(qname="device.test", qtype=TYPE_A):
    return name(qname) + struct.pack("!HH", qtype, CLASS_IN)


def rr(owner, rtype, rdata, ttl=300, cls=CLASS_IN):
    return owner + struct.pack("!HHIH", rtype, cls, ttl, len(rdata)) + rdata


def a(addr):
    return bytes(int(x) for x in addr.split("."))


def message(records, flags=RESPONSE, qname="device.test", ns=(), ar=(), ident=0):
    """A response with one question (qname A IN) and these sections."""
    return header(flags, 1, len(records), len(ns), len(ar), ident) + question(qname) + \
        b"".join(records) + b"".join(ns) + b"".join(ar)


def offset_after_question(qname="device.test"):
    return 12 + len(question(qname))


def ptr(offset):
    return struct.pack("!H", 0xC000 | offset)


def seeds():
    s = {}
    # Plain answers
    s["a_one"] = (0, message([rr(QNAME_PTR, TYPE_A, a("192.0.2.77"))]))
    s["a_uncompressed"] = (0, message([rr(name("device.test"), TYPE_A, a("192.0.2.77"))]))
    s["a_two"] = (0, message([rr(QNAME_PTR, TYPE_A, a("192.0.2.77")), rr(QNAME_PTR, TYPE_A, a("192.0.2.78"))]))
    s["a_more_than_kept"] = (0, message([rr(QNAME_PTR, TYPE_A, a(f"192.0.2.{i}")) for i in range(1, 10)]))
    s["a_ttl_zero"] = (AGAIN, message([rr(QNAME_PTR, TYPE_A, a("192.0.2.77"), ttl=0)]))
    s["a_ttl_huge"] = (AGAIN, message([rr(QNAME_PTR, TYPE_A, a("192.0.2.77"), ttl=0xFFFFFFFF)]))
    s["a_cached_then_again"] = (AGAIN, message([rr(QNAME_PTR, TYPE_A, a("192.0.2.77"))]))
    s["a_upper_case"] = (0, message([rr(name("DEVICE.TEST"), TYPE_A, a("192.0.2.77"))], qname="DeViCe.TeSt"))
    s["a_bad_rdlength"] = (0, message([rr(QNAME_PTR, TYPE_A, a("192.0.2.77") + b"\0\0")]))
    s["a_other_class"] = (0, message([rr(QNAME_PTR, TYPE_A, a("192.0.2.77"), cls=3)]))
    s["a_with_authority_additional"] = (0, message(
        [rr(QNAME_PTR, TYPE_A, a("192.0.2.77"))],
        ns=[rr(ptr(19), TYPE_NS, b"\x02ns" + ptr(19))],
        ar=[rr(name("ns.test"), TYPE_A, a("192.0.2.53"))]))
    s["aaaa_only"] = (0, message([rr(QNAME_PTR, TYPE_AAAA, bytes(16))]))
    s["no_answer"] = (0, message([]))
    # CNAME chains (compressed and not)
    off = offset_after_question()
    cname1 = rr(QNAME_PTR, TYPE_CNAME, name("alias.test"))
    target_off = off + 2 + 10  # the CNAME's rdata
    s["cname_a"] = (0, message([cname1, rr(ptr(target_off), TYPE_A, a("192.0.2.78"))]))
    s["cname_chain_3"] = (0, message([
        rr(QNAME_PTR, TYPE_CNAME, name("one.test")),
        rr(name("one.test"), TYPE_CNAME, name("two.test")),
        rr(name("two.test"), TYPE_CNAME, name("three.test")),
        rr(name("three.test"), TYPE_A, a("192.0.2.79"))]))
    s["cname_compressed_suffix"] = (0, message([
        rr(QNAME_PTR, TYPE_CNAME, b"\x05alias" + ptr(12 + 7)),  # alias + ".test" from the question
        rr(ptr(target_off), TYPE_A, a("192.0.2.78"))]))
    s["cname_dangling"] = (0, message([cname1]))
    s["cname_loop"] = (0, message([
        rr(QNAME_PTR, TYPE_CNAME, name("x.test")),
        rr(name("x.test"), TYPE_CNAME, name("device.test")),
        rr(QNAME_PTR, TYPE_A, a("192.0.2.80"))]))
    # Error codes
    s["nxdomain"] = (0, message([], flags=RESPONSE | 3))
    s["nxdomain_again"] = (AGAIN, message([], flags=RESPONSE | 3))
    s["servfail"] = (0, message([], flags=RESPONSE | 2))
    s["refused"] = (0, message([], flags=RESPONSE | 5))
    # mDNS (legacy unicast answer to the one-shot query)
    s["mdns_answer"] = (MDNS, message([rr(QNAME_PTR, TYPE_A, a("192.0.2.1"), ttl=120, cls=0x8001)],
                                       flags=MDNS_RESPONSE, qname="printer.local"))
    s["mdns_wrong_port"] = (MDNS | WRONG_PORT, message([rr(QNAME_PTR, TYPE_A, a("192.0.2.1"))],
                                                         flags=MDNS_RESPONSE, qname="printer.local"))
    # Delivery variants
    s["split_twice"] = (SPLIT | TWICE, message([rr(QNAME_PTR, TYPE_A, a("192.0.2.77"))]))
    s["after_retransmission"] = (advance(2), message([rr(QNAME_PTR, TYPE_A, a("192.0.2.77"))]))
    s["after_timeout"] = (advance(3) | AGAIN, message([rr(QNAME_PTR, TYPE_A, a("192.0.2.77"))]))
    s["wrong_id"] = (KEEP_ID, message([rr(QNAME_PTR, TYPE_A, a("192.0.2.66"))], ident=0x4242))
    s["wrong_port"] = (WRONG_PORT, message([rr(QNAME_PTR, TYPE_A, a("192.0.2.66"))]))
    s["wrong_question"] = (0, message([rr(QNAME_PTR, TYPE_A, a("192.0.2.66"))], qname="other.test"))
    s["not_response"] = (0, message([rr(QNAME_PTR, TYPE_A, a("192.0.2.66"))], flags=0x0100))
    # Hostile names
    s["pointer_to_itself"] = (0, header(an=1) + question() + rr(ptr(off), TYPE_A, a("192.0.2.66")))
    s["pointer_loop"] = (0, header(an=1) + question() + rr(b"\x01a" + ptr(off), TYPE_A, a("192.0.2.66")))
    s["pointer_beyond"] = (0, header(an=1) + question() + rr(ptr(0x3FFF), TYPE_A, a("192.0.2.66")))
    s["label_64"] = (0, header(an=1) + question() + rr(b"\x40" + b"a" * 64 + b"\0", TYPE_A, a("192.0.2.66")))
    s["name_over_255"] = (0, header(an=1) + question() + rr((b"\x3f" + b"n" * 63) * 5 + b"\0", TYPE_A, a("1.2.3.4")))
    s["name_253_chars"] = (0, header(an=1) + question() +
                           rr((b"\x3f" + b"n" * 63) * 3 + b"\x3d" + b"m" * 61 + b"\0", TYPE_A, a("1.2.3.4")))
    s["ancount_too_big"] = (0, header(an=50) + question() + rr(QNAME_PTR, TYPE_A, a("192.0.2.66")))
    s["truncated_rr"] = (0, header(an=1) + question() + QNAME_PTR + b"\0\x01\0")
    s["header_only"] = (0, header(an=0, qd=0))
    s["short"] = (0, b"\0\0\x81")
    return s


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    for key, (ctl, msg) in sorted(seeds().items()):
        with open(os.path.join(OUT, key), "wb") as f:
            f.write(bytes([ctl]) + msg)
    print(f"wrote {len(seeds())} seeds to {os.path.relpath(OUT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
