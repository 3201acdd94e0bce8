"""The sockets layer in the host program (TERN_CFG_SOCKETS in configs/host.h):
`sockecho PORT` runs examples/echo_server.c on Tern's sockets in its own
thread. Three Linux clients send data through it at once while the shell
keeps answering (the main loop and the sockets thread share the core lock);
every byte comes back, the connections close and the pools return to their
baseline."""
import time

from tcpflow import Flow, wait_tcp_list

PORT = 7007


def start_flow(ns, size, seed):
    """The server thread may not be listening yet: retry a refused connect."""
    deadline = time.monotonic() + 5
    while True:
        try:
            return Flow(ns, PORT, size=size, seed=seed, timeout=60).start()
        except ConnectionRefusedError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_sockecho_with_shell(tern, ns):
    baseline = tern.stats().used()
    tern.must("sockecho 7007")
    flows = [start_flow(ns, (i + 1) << 20, 40 + i) for i in range(3)]
    # The shell answers while the sockets thread works.
    assert any("tap" in line or "tern" in line or ":" in line for line in tern.must("ifconfig"))
    tern.must("tcp list")
    tern.must("stats")
    for f in flows:
        try:
            elapsed = f.wait()
            f.check_echo()
            assert f.received == f.size, f"{f.received} of {f.size} bytes came back"
            print(f"{f.size} bytes echoed through the sockets thread in {elapsed:.2f} s")
        finally:
            f.close()
    conns = wait_tcp_list(tern, lambda c: not [x for x in c if x["state"] != "LISTEN"], 15)
    assert not [c for c in conns if c["state"] != "LISTEN"], f"connections left: {[c['line'] for c in conns]}"
    used = tern.wait_pools(baseline, timeout=15)
    assert all(used.get(k, 0) <= v for k, v in baseline.items()), f"pools {used} did not return to {baseline}"
