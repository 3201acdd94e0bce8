"""Hostile DNS answers. No real server runs: a socket on 192.0.2.1:53 in the
namespace receives the stack's real query (learning its ID, source port and
question) and answers it first with a malformed or mismatched message, then
with a correct one. The stack must not crash, must keep answering ping, must
count the bad answer (dns.drop.malformed / dns.drop.mismatch), must accept the
correct answer, and must not believe any address from the bad one (the `dns`
command prints only the right address)."""
import socket
import struct
import time

import pytest

from netns import LINUX_IP, STACK_IP

NAME = "victim.test"
GOOD = "192.0.2.77"
EVIL = "198.51.100.66"  # never a right answer: seeing it means the cache was poisoned
QUERY_WAIT_S = 5
TYPE_A, TYPE_CNAME, CLASS_IN = 1, 5, 1
RESPONSE_FLAGS = 0x8180  # QR, RD, RA, rcode 0


def encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def header(ident, flags=RESPONSE_FLAGS, qd=1, an=1, ns=0, ar=0):
    return struct.pack("!HHHHHH", ident, flags, qd, an, ns, ar)


def rr(owner, rtype=TYPE_A, rdata=None, ttl=300, rdlen=None):
    """owner: encoded name bytes (may hold pointers); rdata: bytes."""
    if rdata is None:
        rdata = socket.inet_aton(EVIL)
    return owner + struct.pack("!HHIH", rtype, CLASS_IN, ttl, len(rdata) if rdlen is None else rdlen) + rdata


QNAME_OFF = 12  # the question's name follows the header
PTR_Q = b"\xc0\x0c"  # pointer to the question's name


class Query:
    """The stack's query as received: id, source (addr, port), question bytes."""

    def __init__(self, data, src):
        self.data, self.src = data, src
        self.id = int.from_bytes(data[:2], "big")
        self.question = data[12:]  # the stack's query carries exactly one question and nothing else

    def answer(self, *records, ident=None, flags=RESPONSE_FLAGS, an=None, question=None, qd=1):
        q = self.question if question is None else question
        return header(self.id if ident is None else ident, flags, qd, len(records) if an is None else an) + q + \
            b"".join(records)

    def good(self):
        return self.answer(rr(PTR_Q, rdata=socket.inet_aton(GOOD)))


# ---- The attacks: each returns the bad messages for a query and the counter they must raise. ----

def ptr(offset):
    return struct.pack("!H", 0xC000 | offset)


def answer_offset(q):
    return 12 + len(q.question)


L63 = b"\x3f" + b"n" * 63  # one maximal label

ATTACKS = {
    # Compression pointers
    "pointer_to_itself": (lambda q: [q.answer(rr(ptr(answer_offset(q))))], "dns.drop.malformed"),
    "pointer_loop_through_label": (lambda q: [q.answer(rr(b"\x01a" + ptr(answer_offset(q))))],
                                   "dns.drop.malformed"),
    "pointer_beyond_message": (lambda q: [q.answer(rr(ptr(0x3FFF)))], "dns.drop.malformed"),
    "pointer_forward": (lambda q: [q.answer(rr(ptr(answer_offset(q) + 16))) + b"\x01a\x00"],
                        "dns.drop.malformed"),
    "pointer_cut_in_half": (lambda q: [q.answer(an=1) + b"\xc0"], "dns.drop.malformed"),
    "cname_rdata_pointer_loop": (
        lambda q: [q.answer(rr(PTR_Q, TYPE_CNAME, b"\x01b" + ptr(answer_offset(q) + 12)))], "dns.drop.malformed"),
    # Labels and names
    "label_64_bytes": (lambda q: [q.answer(rr(b"\x40" + b"a" * 64 + b"\x00"))], "dns.drop.malformed"),
    "label_length_0x80": (lambda q: [q.answer(rr(b"\x80" + b"a" * 20 + b"\x00"))], "dns.drop.malformed"),
    "name_over_255_bytes": (lambda q: [q.answer(rr(L63 * 5 + b"\x00"))], "dns.drop.malformed"),
    # 64 bytes plus a pointer to a 205-byte name: 269 bytes once decompressed.
    "name_over_255_via_pointer": (
        lambda q: [q.answer(rr(L63 * 3 + PTR_Q), rr(L63 + ptr(answer_offset(q))))], "dns.drop.malformed"),
    "label_runs_past_end": (lambda q: [q.answer(an=1) + b"\x30abc"], "dns.drop.malformed"),
    # Counts and lengths
    "ancount_beyond_message": (lambda q: [q.answer(rr(PTR_Q), an=40)], "dns.drop.malformed"),
    "ancount_65535": (lambda q: [q.answer(an=0xFFFF)], "dns.drop.malformed"),
    "rdlength_beyond_message": (lambda q: [q.answer(rr(PTR_Q, rdlen=400))], "dns.drop.malformed"),
    "rr_fixed_part_truncated": (lambda q: [q.answer(an=1) + PTR_Q + b"\x00\x01\x00"], "dns.drop.malformed"),
    "header_only_11_bytes": (lambda q: [q.answer()[:11]], "dns.drop.malformed"),
    "empty_datagram": (lambda q: [b""], "dns.drop.malformed"),
    # Answers that are not ours
    "wrong_id": (lambda q: [q.answer(rr(PTR_Q), ident=q.id ^ 0x5A5A)], "dns.drop.mismatch"),
    "wrong_question_name": (lambda q: [q.answer(rr(PTR_Q), question=encode_name("other.test") + b"\0\x01\0\x01")],
                            "dns.drop.mismatch"),
    "wrong_question_type": (lambda q: [q.answer(rr(PTR_Q), question=q.question[:-4] + b"\0\x1c\0\x01")],
                            "dns.drop.mismatch"),
    "question_label_over_63": (
        lambda q: [q.answer(rr(PTR_Q), question=b"\x40" + b"v" * 64 + b"\0\0\x01\0\x01")], "dns.drop.mismatch"),
    "no_question": (lambda q: [q.answer(rr(encode_name(NAME)), question=b"", qd=0)], "dns.drop.mismatch"),
    "two_questions": (lambda q: [q.answer(rr(PTR_Q), question=q.question * 2, qd=2)], "dns.drop.mismatch"),
    "not_a_response": (lambda q: [q.answer(rr(PTR_Q), flags=0x0100)], "dns.drop.mismatch"),
    "opcode_status": (lambda q: [q.answer(rr(PTR_Q), flags=RESPONSE_FLAGS | (2 << 11))], "dns.drop.mismatch"),
}


class HostileServer:
    """A UDP socket on LINUX_IP:53 inside the namespace."""

    def __init__(self, ns):
        self.sock = ns.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((LINUX_IP, 53))
        self.other = ns.socket(socket.AF_INET, socket.SOCK_DGRAM)  # a wrong source port
        self.other.bind((LINUX_IP, 5353))

    def query(self, timeout=QUERY_WAIT_S):
        self.sock.settimeout(timeout)
        data, src = self.sock.recvfrom(2048)
        return Query(data, src)

    def send(self, q, msg, wrong_port=False):
        (self.other if wrong_port else self.sock).sendto(msg, q.src)

    def close(self):
        self.sock.close()
        self.other.close()


@pytest.fixture
def hostile(ns):
    s = HostileServer(ns)
    yield s
    s.close()


def ping_ok(ns, tries=3):
    for _ in range(tries):
        if ns.exec(["ping", "-n", "-q", "-c", "1", "-W", "2", STACK_IP], timeout=10).returncode == 0:
            return True
    return False


def read_answer(tern, timeout=15):
    deadline = time.monotonic() + timeout
    out = []
    while True:
        line = tern._next_line(deadline)
        if line == "ok" or line.startswith("error:"):
            return line, out
        out.append(line)


def attack_then_answer(tern, ns, hostile, name, bad, wrong_port=False):
    """Start `dns name`, answer its query with the bad messages, then correctly.
    Returns (last line, address lines, counters before, counters after)."""
    before = tern.stats()
    tern.send(f"dns {name}")
    q = hostile.query()
    for msg in bad(q):
        hostile.send(q, msg, wrong_port=wrong_port)
    time.sleep(0.1)  # the bad answers are handled before the good one arrives
    hostile.send(q, q.good())
    last, lines = read_answer(tern)
    after = tern.stats()
    return last, lines, before, after


def ready(tern, ns):
    assert ping_ok(ns), "no ping before the attack"
    tern.must(f"ping {LINUX_IP} 1 56 10")


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_hostile_answer(start_tern, ns, hostile, attack):
    bad, counter = ATTACKS[attack]
    tern = start_tern("--dns", LINUX_IP)
    ready(tern, ns)
    last, lines, before, after = attack_then_answer(tern, ns, hostile, NAME, bad)
    assert tern.proc.poll() is None, "build/tern died"
    assert (last, lines) == ("ok", [f"{NAME} has address {GOOD}"]), "the correct answer was not accepted"
    assert after[counter] > before[counter], f"{counter} did not grow"
    assert ping_ok(ns), "the stack stopped answering ping"
    # What is cached is the right answer, not anything from the bad message.
    assert tern.must(f"dns {NAME}") == [f"{NAME} has address {GOOD}"]
    assert tern.stats()["dns.tx"] == after["dns.tx"]


def test_answer_from_wrong_port(start_tern, ns, hostile):
    tern = start_tern("--dns", LINUX_IP)
    ready(tern, ns)
    poison = lambda q: [q.answer(rr(PTR_Q))]  # noqa: E731: a perfect answer, but from port 5353
    last, lines, before, after = attack_then_answer(tern, ns, hostile, NAME, poison, wrong_port=True)
    assert (last, lines) == ("ok", [f"{NAME} has address {GOOD}"])
    assert after["dns.drop.mismatch"] > before["dns.drop.mismatch"]


def test_unrelated_records_do_not_enter_the_cache(start_tern, ns, hostile):
    """An answer for victim.test that also carries an A record for another name:
    that other name must still be asked for later."""
    tern = start_tern("--dns", LINUX_IP)
    ready(tern, ns)
    tern.send(f"dns {NAME}")
    q = hostile.query()
    hostile.send(q, q.answer(rr(PTR_Q, rdata=socket.inet_aton(GOOD)), rr(encode_name("bystander.test"))))
    assert read_answer(tern) == ("ok", [f"{NAME} has address {GOOD}"])
    before = tern.stats()
    tern.send("dns bystander.test")
    q2 = hostile.query()
    hostile.send(q2, q2.answer(rr(PTR_Q, rdata=socket.inet_aton("192.0.2.99"))))
    assert read_answer(tern) == ("ok", ["bystander.test has address 192.0.2.99"])
    assert tern.stats()["dns.tx"] == before["dns.tx"] + 1


def test_flood_of_bad_answers(start_tern, ns, hostile):
    """Every attack at once, 20 times over, against one pending query."""
    tern = start_tern("--dns", LINUX_IP)
    ready(tern, ns)
    baseline = tern.stats().used()

    def all_bad(q):
        msgs = []
        for bad, _ in ATTACKS.values():
            msgs += bad(q)
        return msgs * 20

    last, lines, before, after = attack_then_answer(tern, ns, hostile, NAME, all_bad)
    assert (last, lines) == ("ok", [f"{NAME} has address {GOOD}"])
    grown = (after["dns.drop.malformed"] - before["dns.drop.malformed"]) + \
        (after["dns.drop.mismatch"] - before["dns.drop.mismatch"])
    assert grown >= len(ATTACKS) * 10
    assert ping_ok(ns)
    used = tern.wait_pools(baseline, timeout=10)
    assert all(used.get(k, 0) <= v for k, v in baseline.items()), f"pools {used} vs {baseline}"
