#!/usr/bin/env bash
# Instructions per MB in the whole host process (build/tern) during iperf2
# transfers over a TAP: callgrind counts them, repeatably. Linux `iperf -c -n`
# to the stack (MB received) and the stack's client to Linux `iperf -s` (MB
# sent). Needs root, valgrind and iperf.
set -euo pipefail
cd "$(dirname "$0")/.."
MB=${BENCH_MB:-50}
if [ "$(id -u)" -ne 0 ] || ! command -v iperf >/dev/null || ! command -v valgrind >/dev/null; then
    echo "bench: callgrind tap needs root, iperf and valgrind; skipped"
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
mkdir -p build/bench
NS=tcg$$
FIFO=$(mktemp -u /tmp/tern-cg.XXXXXX)
OUT=build/bench/callgrind_tap.log
CG=build/bench/callgrind.tap
mkfifo "$FIFO"
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
rm -f "$CG".*
ip netns exec "$NS" valgrind --tool=callgrind --callgrind-out-file="$CG.%p" \
    ./build/tern --tap tap0 --ipv4 192.0.2.2/24 $TERN_ARGS <"$FIFO" >"$OUT" 2>&1 &
TP=$!
exec 3>"$FIFO"
timeout 60 bash -c "until grep -q '^ready' '$OUT'; do sleep 0.2; done"
echo "iperf server" >&3
sleep 1
# Zero the counters, run the transfer, dump: dump N holds transfer N.
zero() { callgrind_control -z "$TP" >/dev/null 2>&1 || true; }
dump() { callgrind_control -d "$TP" >/dev/null 2>&1 || true; }
summary() { # instructions in dump $1, once it is complete
    local f
    for _ in $(seq 1 200); do
        f=$(ls "$CG".*."$1" 2>/dev/null | head -1 || true)
        [ -n "$f" ] && grep -q '^totals:' "$f" && break
        sleep 0.3
    done
    awk '/^summary:/ {print $2; exit}' "$f"
}
zero
ip netns exec "$NS" timeout 120 iperf -c 192.0.2.2 -n "${MB}M" -f m >/dev/null || true
dump
rx=$(summary 1)
ip netns exec "$NS" iperf -s -f m >/dev/null 2>&1 &
SP=$!
sleep 0.5
send_and_wait() {
    echo "iperf client 192.0.2.1 3" >&3
    timeout 120 bash -c "until grep -q '^iperf client:' '$OUT'; do sleep 0.2; done"
}
zero
send_and_wait
dump
tx=$(summary 2)
sent=$(grep '^iperf client:' "$OUT" | tail -1 | awk '{print $3}')
python3 - "$rx" "$MB" "$tx" "$sent" <<'PY'
import sys
rx, mb, tx, sent = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
print(f"callgrind, whole host process: {rx / (mb * 1048576 / 1e6) / 1e6:.2f} M instructions per MB received "
      f"({mb} MB from Linux iperf -c)")
print(f"callgrind, whole host process: {tx / (sent / 1e6) / 1e6:.2f} M instructions per MB sent "
      f"({sent / 1e6:.0f} MB to Linux iperf -s)")
PY
echo quit >&3
