"""Drive build/tern: start it in a namespace, talk to its shell, stop it."""
import os
import queue
import re
import signal
import subprocess
import threading
import time

ANSWER_END = re.compile(r"^(ok|error:.*)$")
READY = re.compile(r"^ready (\S+) (\S+) mac ([0-9a-f:]{17})")
POOL = re.compile(r"^pool (\S+) (\d+)/(\d+) peak (\d+) fails (\d+)$")


class Stats:
    """Parsed answer of the stats command."""

    def __init__(self, lines):
        self.counters = {}
        self.pools = {}
        for line in lines:
            m = POOL.match(line)
            if m:
                self.pools[m.group(1)] = {"used": int(m.group(2)), "count": int(m.group(3)),
                                          "peak": int(m.group(4)), "fails": int(m.group(5))}
                continue
            parts = line.split()
            if len(parts) == 2 and parts[1].isdigit():
                self.counters[parts[0]] = int(parts[1])

    def __getitem__(self, name):
        return self.counters.get(name, 0)

    def used(self):
        return {name: p["used"] for name, p in self.pools.items()}


class Tern:
    """One build/tern process inside a namespace, stdin/stdout as pipes."""

    def __init__(self, binary, ns, args):
        self.ns = ns
        self.argv = self.command(binary, ns, list(args))
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, bufsize=1)
        self.lines = queue.Queue()
        self.stdout = []  # everything it printed, for diagnostics
        self.stderr = []
        self.mac = None
        self.returncode = None
        threading.Thread(target=self._pump, args=(self.proc.stdout, self.stdout, True), daemon=True).start()
        threading.Thread(target=self._pump, args=(self.proc.stderr, self.stderr, False), daemon=True).start()

    def command(self, binary, ns, args):
        return ["ip", "netns", "exec", ns.name, binary] + args

    def _pump(self, stream, keep, to_queue):
        for line in stream:
            line = line.rstrip("\n")
            keep.append(line)
            if to_queue:
                self.lines.put(line)
        if to_queue:
            self.lines.put(None)  # end of output

    def _next_line(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("no output from build/tern in time")
        try:
            line = self.lines.get(timeout=left)
        except queue.Empty:
            raise TimeoutError("no output from build/tern in time") from None
        if line is None:
            raise EOFError("build/tern exited; stderr: " + "\n".join(self.stderr[-20:]))
        return line

    def wait_ready(self, timeout=10):
        deadline = time.monotonic() + timeout
        while True:
            m = READY.match(self._next_line(deadline))
            if m:
                self.name, self.cidr, self.mac = m.group(1), m.group(2), m.group(3)
                return

    def mark(self):
        """Position in the output, for wait_output(since=...)."""
        return len(self.stdout)

    def wait_output(self, pattern, timeout, since=0):
        """Wait until a line printed after position since matches pattern; returns the match.

        Looks at the kept output, so lines read by cmd() count too."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            for line in self.stdout[since:]:
                m = rx.search(line)
                if m:
                    return m
            if time.monotonic() > deadline:
                raise TimeoutError(f"no line matching {pattern!r} in {timeout} s")
            time.sleep(0.1)

    def send(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def cmd(self, line, timeout=10):
        """Run a shell command; returns (ok, lines before the ok/error line, last line)."""
        self.send(line)
        deadline = time.monotonic() + timeout
        out = []
        while True:
            got = self._next_line(deadline)
            if ANSWER_END.match(got):
                return got == "ok", out, got
            out.append(got)

    def must(self, line, timeout=10):
        ok, out, last = self.cmd(line, timeout)
        assert ok, f"{line!r} answered {last!r}: {out}"
        return out

    def stats(self):
        return Stats(self.must("stats"))

    def wait_pools(self, baseline, timeout=20):
        """Poll stats until every pool's usage is back to baseline; returns the last usage."""
        deadline = time.monotonic() + timeout
        while True:
            used = self.stats().used()
            if all(used.get(k, 0) <= v for k, v in baseline.items()) or time.monotonic() > deadline:
                return used
            time.sleep(0.5)

    def stop(self, timeout=10):
        """quit, then SIGTERM, then SIGKILL (this PID only); returns the exit status."""
        if self.proc.poll() is None:
            try:
                self.send("quit")
            except (BrokenPipeError, ValueError, OSError):
                pass
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(timeout)
        self.returncode = self.proc.returncode
        return self.returncode

    def terminate(self, timeout=10):
        """Stop with SIGTERM; returns the exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout)
        self.returncode = self.proc.returncode
        return self.returncode


class FirmwareTern(Tern):
    """The firmware (port/mps2-an386) in QEMU's mps2-an386 inside the namespace, in place of
    build/tern: the LAN9118 on the namespace's tap0, the UART on stdin/stdout, the
    program's arguments through semihosting. `quit` exits QEMU with status 0; a fault
    prints HARDFAULT and the fault registers, then exits with status 1."""

    QEMU = "qemu-system-arm"

    def command(self, elf, ns, args):
        if any("," in a for a in args):
            raise ValueError(f"semihosting arguments cannot hold commas: {args}")
        semihost = ",".join(["enable=on", "target=native", "arg=tern-fw"] + [f"arg={a}" for a in args])
        return ["ip", "netns", "exec", ns.name, self.QEMU, "-M", "mps2-an386", "-nodefaults", "-display", "none",
                "-monitor", "none", "-serial", "stdio", "-kernel", elf,
                "-nic", "tap,ifname=tap0,script=no,downscript=no,model=lan9118",
                "-semihosting-config", semihost] + self.extra_qemu_args()

    def extra_qemu_args(self):
        extra = os.environ.get("TERN_QEMU_ARGS", "")
        return extra.split() if extra else []

    def faulted(self):
        return any(line.startswith("HARDFAULT") for line in self.stdout)
