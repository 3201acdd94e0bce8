#!/usr/bin/env bash
# TCP throughput over a TAP in a private namespace, against Linux iperf2:
# Linux `iperf -c` to the stack's iperf server, and the stack's iperf client
# to Linux `iperf -s`. Needs root and iperf (Debian package iperf).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ] || ! command -v iperf >/dev/null; then
    echo "bench: tap iperf needs root and iperf; skipped"
    exit 0
fi
[ -x build/tern ] || make all >/dev/null
# Both ways of running the TAP: plain frames, then with its offloads
# (--offload: IFF_VNET_HDR, 64 KB segments, checksums left to Linux).
if [ -z "${TERN_BENCH_MODE:-}" ]; then
    for mode in plain offload; do TERN_BENCH_MODE=$mode bash "$0"; done
    exit 0
fi
TERN_ARGS=""
[ "$TERN_BENCH_MODE" = offload ] && TERN_ARGS=--offload
echo "== TAP ${TERN_BENCH_MODE}${TERN_ARGS:+ ($TERN_ARGS)}"
NS=tbench$$
FIFO=$(mktemp -u /tmp/tern-bench.XXXXXX)
mkfifo "$FIFO"
OUT=build/bench/tap_iperf.log
mkdir -p build/bench
cleanup() {
    [ -n "${TP:-}" ] && kill "$TP" 2>/dev/null || true
    [ -n "${SP:-}" ] && kill "$SP" 2>/dev/null || true
    ip netns del "$NS" 2>/dev/null || true
    rm -f "$FIFO"
}
trap cleanup EXIT
ip netns add "$NS"
ip -n "$NS" link set lo up
ip -n "$NS" tuntap add dev tap0 mode tap
ip -n "$NS" addr add 192.0.2.1/24 dev tap0
ip -n "$NS" link set tap0 up
ip netns exec "$NS" ./build/tern --tap tap0 --ipv4 192.0.2.2/24 $TERN_ARGS <"$FIFO" >"$OUT" 2>&1 &
TP=$!
exec 3>"$FIFO"
timeout 10 bash -c "until grep -q '^ready' '$OUT'; do sleep 0.1; done"
echo "iperf server" >&3
sleep 0.5
echo "Linux iperf -c -> stack (5 s):"
ip netns exec "$NS" timeout 20 iperf -c 192.0.2.2 -t 5 -f m | grep -E "Mbits/sec" || echo "  (no result)"
ip netns exec "$NS" iperf -s -f m >build/bench/linux_iperf_server.log 2>&1 &
SP=$!
sleep 0.5
echo "iperf client 192.0.2.1 5" >&3
timeout 20 bash -c "until grep -q '^iperf client:' '$OUT'; do sleep 0.2; done" || true
echo "stack iperf client -> Linux iperf -s (5 s):"
grep -E '^iperf (client|server):' "$OUT" | sed 's/^/  /'
echo quit >&3
wait "$TP" || true
TP=
