"""Real servers run inside a test's namespace: dnsmasq (DNS) and avahi-daemon
(mDNS responder). Each is started as a child process, its output kept in a log
file, and stopped by its own PID only.
"""
import os
import shutil
import signal
import socket
import subprocess
import time

from scapy.layers.dns import DNS, DNSQR

from netns import LINUX_IP


def _find(name):
    for d in (None, "/usr/sbin", "/sbin"):
        path = shutil.which(name, path=d) if d else shutil.which(name)
        if path:
            return path
    return None


def have(name):
    return _find(name) is not None


class Service:
    """A process started in the namespace; output goes to log_path."""

    def __init__(self, ns, argv, log_path):
        self.log_path = str(log_path)
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(["ip", "netns", "exec", ns.name] + list(argv), stdin=subprocess.DEVNULL,
                                     stdout=self.log, stderr=subprocess.STDOUT)

    def output(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def wait_output(self, text, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.output():
                return True
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.proc.args} exited with {self.proc.returncode}: {self.output()}")
            time.sleep(0.05)
        raise TimeoutError(f"{text!r} not seen from {self.proc.args}: {self.output()}")

    def stop(self, timeout=5):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout)
        self.log.close()
        return self.proc.returncode


def dns_query_ok(ns, name, server=LINUX_IP, timeout=1.0):
    """True if server answers an A query for name (from a socket inside ns)."""
    s = ns.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.settimeout(timeout)
        s.sendto(bytes(DNS(id=0x5151, rd=1, qd=DNSQR(qname=name))), (server, 53))
        data, _ = s.recvfrom(2048)
        return DNS(data).id == 0x5151
    except OSError:
        return False
    finally:
        s.close()


def start_dnsmasq(ns, log_path, *records, listen=LINUX_IP, ttl=300):
    """dnsmasq answering only for *.test (records: --address=..., --host-record=...).

    --local=/test/ makes every other name under .test a real NXDOMAIN;
    --local-ttl gives the answers a TTL so the stack may cache them.
    """
    argv = [_find("dnsmasq"), "--no-daemon", "--conf-file=/dev/null", "--bind-interfaces",
            f"--listen-address={listen}", "--except-interface=lo", "--port=53", "--no-resolv", "--no-hosts",
            "--local=/test/", f"--local-ttl={ttl}", "--log-queries", "--log-facility=-", "--pid-file=",
            "--user=root", "--group=root"] + list(records)
    svc = Service(ns, argv, log_path)
    deadline = time.monotonic() + 10
    while not dns_query_ok(ns, "ready.probe.test", server=listen):
        if svc.proc.poll() is not None or time.monotonic() > deadline:
            out = svc.output()
            svc.stop()
            raise RuntimeError(f"dnsmasq did not start: {out}")
        time.sleep(0.1)
    return svc


AVAHI_CONF = """[server]
host-name={host}
domain-name=local
use-ipv4=yes
use-ipv6=no
allow-interfaces=tap0
enable-dbus=no
ratelimit-interval-usec=1000000
ratelimit-burst=1000

[wide-area]
enable-wide-area=no

[publish]
publish-addresses=yes
publish-hinfo=no
publish-workstation=no
publish-aaaa-on-ipv4=no
publish-a-on-ipv6=no

[reflector]
enable-reflector=no
"""


def start_avahi(ns, tmp_path, host):
    """avahi-daemon without D-Bus on tap0, publishing host.local -> 192.0.2.1.

    Its pid file lives in /run/avahi-daemon, shared with the host: the daemon
    runs in a private mount namespace with a tmpfs there, so it neither sees
    nor leaves one on the host.
    """
    conf = tmp_path / "avahi-daemon.conf"
    conf.write_text(AVAHI_CONF.format(host=host))
    script = ("mkdir -p /run/avahi-daemon && mount -t tmpfs tern-avahi /run/avahi-daemon && "
              f"exec {_find('avahi-daemon')} --no-drop-root --no-chroot --no-rlimits --no-proc-title -f {conf}")
    svc = Service(ns, ["unshare", "-m", "--propagation", "private", "sh", "-c", script], tmp_path / "avahi.log")
    svc.wait_output("Server startup complete", timeout=15)
    return svc
