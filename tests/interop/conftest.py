"""Fixtures: a private namespace with a TAP, and build/tern running on it.

Run as root:  /usr/bin/python3 -m pytest tests/interop
TERN_BIN overrides the program path (default: build/tern in the repository).
"""
import itertools
import os
import shutil
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

from dnsmasq import Dnsmasq  # noqa: E402
from netns import PREFIX, STACK_IP, Namespace  # noqa: E402
from ternproc import Tern  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TERN_BIN = os.environ.get("TERN_BIN", os.path.join(REPO, "build", "tern"))
_ns_counter = itertools.count()


def _skip_reason():
    if os.geteuid() != 0:
        return "interop tests need root (network namespaces and TAP interfaces)"
    if not os.access(TERN_BIN, os.X_OK):
        return f"{TERN_BIN} is missing: build it first (cmake -B build && cmake --build build)"
    if not os.path.exists("/dev/net/tun"):
        return "/dev/net/tun is missing"
    if shutil.which("ip") is None:
        return "iproute2 (ip) is missing"
    return None


def need_tool(name):
    if shutil.which(name) is None:
        pytest.skip(f"{name} is not installed")


@pytest.fixture
def ns():
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    n = Namespace(f"tern-it-{os.getpid()}-{next(_ns_counter)}")
    try:
        yield n.create()
    finally:
        n.delete()


@pytest.fixture
def start_tern(ns):
    """start_tern(*extra_args) -> Tern, ready; stopped (exit status 0 checked) at teardown."""
    started = []

    def start(*extra):
        t = Tern(TERN_BIN, ns, ["--tap", "tap0", "--ipv4", f"{STACK_IP}/{PREFIX}"] + list(extra))
        started.append(t)
        t.wait_ready()
        return t

    yield start
    failures = []
    for t in started:
        if t.returncode is None:
            rc = t.stop()
            if rc != 0:
                failures.append(f"build/tern exited with {rc}; stderr: {t.stderr[-10:]}")
    assert not failures, failures


@pytest.fixture
def tern(start_tern):
    return start_tern()


@pytest.fixture
def start_tern_plain(ns):
    """start_tern_plain(*args, ready_timeout=10, wait_ready=True) -> Tern with exactly these
    arguments (no --ipv4); stopped (exit status 0 checked) at teardown."""
    started = []

    def start(*args, ready_timeout=10, wait_ready=True):
        t = Tern(TERN_BIN, ns, list(args))
        started.append(t)
        if wait_ready:
            t.wait_ready(ready_timeout)
        return t

    yield start
    failures = []
    for t in started:
        if t.returncode is None:
            rc = t.stop()
            if rc != 0:
                failures.append(f"build/tern exited with {rc}; stderr: {t.stderr[-10:]}")
    assert not failures, failures


@pytest.fixture
def dnsmasq(ns, tmp_path):
    """dnsmasq(**kw) -> a started Dnsmasq in the test namespace; stopped at teardown."""
    need_tool("dnsmasq")
    servers = []

    def start(**kw):
        d = Dnsmasq(ns, str(tmp_path), **kw)
        servers.append(d)
        return d.start()

    yield start
    for d in servers:
        d.stop()
