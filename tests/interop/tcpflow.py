"""TCP traffic from the Linux side for the TCP interop tests.

Flow: a bulk transfer through the stack's echo (port 7) or discard (port 9)
service from a socket inside the namespace; one thread sends, another
receives, and both sides' bytes are hashed (sha256). EchoConn: a small echo
connection kept open across an attack, to prove it still works afterwards.
Every blocking call has a timeout.
"""
import hashlib
import random
import socket
import threading
import time

from netns import LINUX_IP, STACK_IP

ECHO_PORT = 7
DISCARD_PORT = 9
CHUNK = 64 * 1024


class Flow:
    """size bytes of seeded pseudo-random data to STACK_IP:port.

    Echo: the receiver hashes what comes back until the stack closes (it closes
    after our FIN, once everything is echoed). Discard: the receiver only waits
    for the stack's FIN. pause: seconds to sleep after each chunk (to stretch a
    transfer over an attack)."""

    def __init__(self, ns, port=ECHO_PORT, size=1 << 20, seed=1, timeout=60, pause=0.0, op_timeout=20,
                 host=STACK_IP, scope=0):
        self.ns, self.port, self.size, self.seed, self.host = ns, port, size, seed, host
        self.scope = scope  # IPv6 link-local: the interface index (inside the namespace)
        self.timeout, self.pause, self.op_timeout = timeout, pause, op_timeout
        self.sent_hash, self.recv_hash = hashlib.sha256(), hashlib.sha256()
        self.sent = self.received = 0
        self.errors = []
        self.sock = None
        self.eof = threading.Event()
        self._threads = []

    def start(self, listener=None):
        """Connect to the stack, or with listener (see listen()) accept its connection."""
        if listener is not None:
            listener.settimeout(self.op_timeout)
            try:
                self.sock, _ = listener.accept()
            finally:
                listener.close()
        else:
            self.sock = self.ns.socket(family_of(self.host), socket.SOCK_STREAM)
            self.sock.connect((self.host, self.port, 0, self.scope) if self.scope else (self.host, self.port))
        self.sock.settimeout(self.op_timeout)
        self.started = time.monotonic()
        for fn in (self._send, self._recv):
            t = threading.Thread(target=self._guard, args=(fn,), daemon=True)
            t.start()
            self._threads.append(t)
        return self

    def _guard(self, fn):
        try:
            fn()
        except BaseException as e:  # reported by wait()
            self.errors.append(f"{fn.__name__}: {e!r}")

    def _send(self):
        rng = random.Random(self.seed)
        left = self.size
        while left:
            block = rng.randbytes(min(CHUNK, left))
            self.sock.sendall(block)
            self.sent_hash.update(block)
            self.sent += len(block)
            left -= len(block)
            if self.pause:
                time.sleep(self.pause)
        self.sock.shutdown(socket.SHUT_WR)

    def _recv(self):
        while True:
            data = self.sock.recv(1 << 20)
            if not data:
                self.eof.set()
                return
            self.recv_hash.update(data)
            self.received += len(data)

    def wait(self):
        """Join both threads (bounded); returns the elapsed seconds."""
        deadline = self.started + self.timeout
        for t in self._threads:
            t.join(max(0.0, deadline - time.monotonic()))
        alive = any(t.is_alive() for t in self._threads)
        elapsed = time.monotonic() - self.started
        if alive:
            self.close()  # unblocks the threads
            self.errors.append(f"transfer did not finish in {self.timeout} s: "
                               f"sent {self.sent}/{self.size}, received {self.received}")
        return elapsed

    def check_echo(self):
        """The whole stream came back, byte for byte."""
        assert not self.errors, self.errors
        assert self.sent == self.size, f"sent {self.sent} of {self.size}"
        assert self.received == self.size, f"received {self.received} of {self.size}"
        assert self.recv_hash.digest() == self.sent_hash.digest(), "echoed bytes differ (sha256)"

    def unacked(self):
        """Bytes Linux has sent that the stack has not acknowledged (SIOCOUTQ)."""
        import fcntl
        import struct
        siocoutq = 0x5411
        return struct.unpack("i", fcntl.ioctl(self.sock.fileno(), siocoutq, b"\0" * 4))[0]

    def close(self):
        if self.sock is not None:
            try:
                self.sock.close()
            except OSError:
                pass


def family_of(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def listen(ns, port, host=LINUX_IP, scope=0):
    """A listening socket on host:port inside the namespace (for the stack as client);
    scope: the interface index of an IPv6 link-local host."""
    sock = ns.socket(family_of(host), socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port, 0, scope) if scope else (host, port))
    sock.listen(1)
    return sock


class EchoConn:
    """An echo connection held open; roundtrip() proves it still works."""

    def __init__(self, ns, timeout=5):
        self.sock = ns.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect((STACK_IP, ECHO_PORT))
        self.local_port = self.sock.getsockname()[1]
        self.n = 0

    def roundtrip(self, data=None, timeout=5):
        """Send data, read exactly as much back before timeout; returns what came back."""
        self.n += 1
        data = data or f"tern-tcp-probe-{self.n}".encode()
        self.sock.sendall(data)
        got = b""
        deadline = time.monotonic() + timeout
        while len(got) < len(data) and time.monotonic() < deadline:
            self.sock.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                chunk = self.sock.recv(len(data) - len(got))
            except socket.timeout:
                break
            if not chunk:
                break
            got += chunk
        return got

    def works(self):
        data = f"still-alive-{self.n}".encode() * 3
        return self.roundtrip(data) == data

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def tcp_list(tern):
    """The stack's connections: list of dicts (local, remote, state, plus the raw line)."""
    conns = []
    for line in tern.must("tcp list"):
        parts = line.split()
        if len(parts) >= 3 and ":" in parts[0]:
            conns.append({"local": parts[0], "remote": parts[1], "state": parts[2], "line": line})
    return conns


def wait_tcp_list(tern, pred, timeout):
    """Poll tcp list until pred(conns) holds (bounded); returns the last list."""
    deadline = time.monotonic() + timeout
    while True:
        conns = tcp_list(tern)
        if pred(conns) or time.monotonic() > deadline:
            return conns
        time.sleep(0.2)
