"""Network namespaces for the interop tests: create, run commands, open sockets.

Everything happens inside a private namespace named by the test; nothing on
the host's own interfaces is touched. Every command runs with a timeout.
"""
import ctypes
import os
import socket
import subprocess
import threading

CLONE_NEWNET = 0x40000000
LINUX_IP = "192.0.2.1"
STACK_IP = "192.0.2.2"
PREFIX = 24
TAP = "tap0"

_libc = ctypes.CDLL(None, use_errno=True)


def run(argv, timeout=10, check=True, **kw):
    """Run argv with a timeout; returns the CompletedProcess (text mode)."""
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=check, **kw)


class Namespace:
    """A namespace holding TAP tap0 with LINUX_IP/PREFIX on the Linux side."""

    def __init__(self, name):
        self.name = name
        self.created = False

    def create(self):
        run(["ip", "netns", "add", self.name])
        self.created = True
        run(["ip", "-n", self.name, "link", "set", "lo", "up"])
        run(["ip", "-n", self.name, "tuntap", "add", "dev", TAP, "mode", "tap"])
        run(["ip", "-n", self.name, "addr", "add", f"{LINUX_IP}/{PREFIX}", "dev", TAP])
        run(["ip", "-n", self.name, "link", "set", TAP, "up"])
        return self

    def delete(self):
        if self.created:
            run(["ip", "netns", "del", self.name], check=False)
            self.created = False

    def exec(self, argv, timeout=10, check=False, **kw):
        """Run a command inside the namespace."""
        return run(["ip", "netns", "exec", self.name] + list(argv), timeout=timeout, check=check, **kw)

    def tap_mac(self):
        out = run(["ip", "-n", self.name, "-br", "link", "show", TAP]).stdout.split()
        return out[2].lower()

    def neighbour_mac(self, ip):
        """The MAC Linux has for ip on tap0, or None."""
        out = run(["ip", "-n", self.name, "neigh", "show", ip, "dev", TAP]).stdout.split()
        return out[out.index("lladdr") + 1].lower() if "lladdr" in out else None

    def socket(self, family, type_, proto=0):
        """A socket created inside the namespace (it stays there).

        setns() changes only the calling thread, so a short-lived thread
        enters the namespace and makes the socket; the test never moves.
        """
        result = {}

        def enter_and_open():
            try:
                fd = os.open(f"/run/netns/{self.name}", os.O_RDONLY)
                try:
                    if _libc.setns(fd, CLONE_NEWNET) != 0:
                        err = ctypes.get_errno()
                        raise OSError(err, os.strerror(err))
                finally:
                    os.close(fd)
                result["sock"] = socket.socket(family, type_, proto)
            except BaseException as e:  # reported in the caller's thread
                result["err"] = e

        t = threading.Thread(target=enter_and_open, daemon=True)
        t.start()
        t.join(10)
        if "err" in result:
            raise result["err"]
        if "sock" not in result:
            raise TimeoutError("could not open a socket in the namespace")
        return result["sock"]

    def packet_socket(self, receive=False):
        """A raw Ethernet socket on tap0 (send-only unless receive)."""
        eth_p_all = 0x0003
        s = self.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(eth_p_all) if receive else 0)
        s.bind((TAP, eth_p_all if receive else 0))  # bind() takes host byte order
        return s
