"""Fixtures: a private namespace with a TAP, and build/tern running on it.

Run as root:  /usr/bin/python3 -m pytest tests/interop
TERN_BIN overrides the program path (default: build/tern in the repository).
TERN_TARGET=firmware runs the same tests against the bare-metal firmware in QEMU
(mps2-an386, ELF from TERN_FW_ELF, default build-fw/tern-fw.elf) instead; tests
of host-only features skip with the reason (FIRMWARE_SKIP). See docs/FIRMWARE.md.
"""
import itertools
import os
import shutil
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

from dnsmasq import Dnsmasq  # noqa: E402
from netns import PREFIX, STACK_IP, Namespace  # noqa: E402
from ternproc import FirmwareTern, Tern  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TERN_BIN = os.environ.get("TERN_BIN", os.path.join(REPO, "build", "tern"))
_ns_counter = itertools.count()

# ---- The firmware target (TERN_TARGET=firmware) ----
FIRMWARE = os.environ.get("TERN_TARGET", "host") == "firmware"
TERN_FW_ELF = os.environ.get("TERN_FW_ELF", os.path.join(REPO, "build-fw", "tern-fw.elf"))
_NO_FRAG = "firmware: the typical configuration has no IPv4 fragmentation/reassembly"
_HOST_ONLY = "firmware: host program only (command-line options, signals, pcap, impairment)"
# Test (file::name, or file::name[param]) -> why it does not apply to the firmware.
FIRMWARE_SKIP = {
    "test_interop.py::test_linux_ping_8000_bytes": _NO_FRAG,
    "test_interop.py::test_linux_ping_65000_bytes": _NO_FRAG,
    "test_interop.py::test_stack_pings_linux_above_mtu": _NO_FRAG,
    "test_interop.py::test_udp_echo[8000]": _NO_FRAG,
    "test_interop.py::test_pcap_is_valid": _HOST_ONLY,
    "test_interop.py::test_impair_loses_some": _HOST_ONLY,
    "test_interop.py::test_bad_flags_exit_2": _HOST_ONLY,
    "test_interop.py::test_help_exits_0": _HOST_ONLY,
    "test_interop.py::test_sigterm_prints_statistics": _HOST_ONLY,
    "test_interop.py::test_end_of_input_keeps_running": _HOST_ONLY,
    "test_interop.py::test_pcap_survives_sigkill": _HOST_ONLY,
    "test_tcp.py::test_echo_100mb": "firmware: test_firmware.py runs the 10 MB echo instead",
    "test_tcp.py::test_discard_100mb": "firmware: test_firmware.py runs a 10 MB discard instead",
    "test_tcp.py::test_echo_impaired": _HOST_ONLY,
    "test_tcp.py::test_client_echo_100mb": "firmware: its shell has no `tcp connect` (the stack as client "
                                           "is tested on the host)",
    "test_tcp.py::test_client_echo_impaired": _HOST_ONLY,
    "test_tcp.py::test_offload_echo_100mb_both_ways": "firmware: TAP offloads are the host program's",
    "test_tcp.py::test_offload_rejects_bad_flags": _HOST_ONLY,
    "test_tcp.py::test_pcap_clean_transfer": _HOST_ONLY,
    "test_tcp.py::test_options_negotiated": "firmware: the typical configuration has no window scaling, "
                                            "timestamps or SACK",
    "test_dhcp.py::test_rebind_then_lease_expires": _HOST_ONLY,
    "test_dns.py::test_a_records": "firmware: the typical configuration keeps one address per name",
    "test_dns.py::test_aaaa_records": "firmware: the typical configuration has no IPv6",
    "test_dns.py::test_failed_lookup_keeps_cached_answers": "firmware: the typical configuration caches "
                                                           "4 names (the test fills 8)",
    "test_multicast.py::test_reports_and_leave_in_pcap": _HOST_ONLY,
    "test_dhcp.py::test_usage_errors": _HOST_ONLY,
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        key = f"{os.path.basename(str(item.fspath))}::{item.name}"
        reason = None
        if FIRMWARE:
            reason = FIRMWARE_SKIP.get(key) or FIRMWARE_SKIP.get(key.split("[")[0])
        elif os.path.basename(str(item.fspath)) == "test_firmware.py":
            reason = "firmware tests: run with TERN_TARGET=firmware (make test-firmware)"
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))


def make_tern(ns, args):
    """build/tern, or the firmware in QEMU when TERN_TARGET=firmware, with these arguments."""
    if FIRMWARE:
        return FirmwareTern(TERN_FW_ELF, ns, args)
    return Tern(TERN_BIN, ns, args)


def _skip_reason():
    if os.geteuid() != 0:
        return "interop tests need root (network namespaces and TAP interfaces)"
    if FIRMWARE and not os.path.exists(TERN_FW_ELF):
        return f"{TERN_FW_ELF} is missing: build it first (make firmware)"
    if FIRMWARE and shutil.which(FirmwareTern.QEMU) is None:
        return "qemu-system-arm is missing (scripts/install-deps.sh)"
    if not FIRMWARE and not os.access(TERN_BIN, os.X_OK):
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


def _record_figures(t):
    """Firmware: append this run's pool peaks and stack high-water mark to TERN_FW_FIGURES."""
    path = os.environ.get("TERN_FW_FIGURES")
    if not (FIRMWARE and path) or t.proc.poll() is not None:
        return
    try:
        st = t.stats()
    except (TimeoutError, EOFError, OSError, AssertionError):
        return
    test = os.environ.get("PYTEST_CURRENT_TEST", "?").split(" ")[0]
    pools = " ".join(f"{n}={p['peak']}/{p['count']}" for n, p in st.pools.items())
    with open(path, "a") as f:
        f.write(f"{test}\tstack_used={st['fw.stack_used']}/{st['fw.stack_size']}\t{pools}\n")


def _stop_all(started):
    """Stop every started program (exit status 0 checked; a firmware fault fails the test)."""
    failures = []
    for t in started:
        if t.returncode is None:
            _record_figures(t)
            rc = t.stop()
            if rc != 0:
                failures.append(f"build/tern exited with {rc}; stderr: {t.stderr[-10:]}")
        if FIRMWARE and t.faulted():
            failures.append("firmware fault: " + "\n".join(
                line for line in t.stdout if line.startswith(("HARDFAULT", "r0=", "lr=", "CFSR="))))
    assert not failures, failures


@pytest.fixture
def start_tern(ns):
    """start_tern(*extra_args) -> Tern, ready; stopped (exit status 0 checked) at teardown."""
    started = []

    def start(*extra):
        t = make_tern(ns, ["--tap", "tap0", "--ipv4", f"{STACK_IP}/{PREFIX}"] + list(extra))
        started.append(t)
        t.wait_ready()
        return t

    yield start
    _stop_all(started)


@pytest.fixture
def tern(start_tern):
    return start_tern()


@pytest.fixture
def start_tern_plain(ns):
    """start_tern_plain(*args, ready_timeout=10, wait_ready=True) -> Tern with exactly these
    arguments (no --ipv4); stopped (exit status 0 checked) at teardown."""
    started = []

    def start(*args, ready_timeout=10, wait_ready=True):
        t = make_tern(ns, list(args))
        started.append(t)
        if wait_ready:
            t.wait_ready(ready_timeout)
        return t

    yield start
    _stop_all(started)


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
