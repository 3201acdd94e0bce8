"""dnsmasq as the DHCP (and DNS) server inside a test namespace.

One process per test, started with `ip netns exec`, stopped by its PID only.
Its log goes to a file; the lease file lives in the test's tmp_path.
"""
import os
import shutil
import signal
import subprocess
import time

LEASE_MIN = "2m"  # the shortest lease dnsmasq accepts


def available():
    return shutil.which("dnsmasq") is not None


class Dnsmasq:
    """dnsmasq --no-daemon serving DHCP on tap0 (192.0.2.1) in ns."""

    def __init__(self, ns, workdir, first="192.0.2.100", last="192.0.2.110", lease=LEASE_MIN, extra=()):
        self.ns = ns
        self.leasefile = os.path.join(workdir, "dnsmasq.leases")
        self.logfile = os.path.join(workdir, "dnsmasq.log")
        self.argv = [
            "dnsmasq", "--no-daemon", "--conf-file=/dev/null", "--bind-interfaces",
            "--listen-address=192.0.2.1", f"--dhcp-range={first},{last},255.255.255.0,{lease}",
            "--dhcp-option=option:router,192.0.2.1", "--dhcp-option=option:dns-server,192.0.2.1",
            "--no-resolv", "--no-hosts", f"--dhcp-leasefile={self.leasefile}", "--pid-file=",
            "--log-dhcp", "--log-facility=-",
        ] + list(extra)
        self.proc = None

    def start(self):
        with open(self.logfile, "a") as log:
            self.proc = subprocess.Popen(["ip", "netns", "exec", self.ns.name] + self.argv,
                                         stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:  # up once it has logged its range
            if self.proc.poll() is not None:
                raise RuntimeError("dnsmasq exited: " + self.log())
            if "DHCP, IP range" in self.log():
                return self
            time.sleep(0.1)
        raise TimeoutError("dnsmasq did not start: " + self.log())

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def log(self):
        try:
            with open(self.logfile) as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def leases(self):
        """Lines of the lease file: 'expiry mac ip hostname client-id'."""
        try:
            with open(self.leasefile) as f:
                return [line.split() for line in f if line.strip()]
        except FileNotFoundError:
            return []
