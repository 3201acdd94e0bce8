#!/usr/bin/env bash
# Sockets layer overhead (bench/sockets/bench_sockets.c):
#  1. the same 200 MB transfer through the callback API and through sockets on
#     one CPU with a spinning core thread: the ratio is the layer's CPU cost;
#  2. the same with the core thread sleeping between events (as deployed), on
#     every CPU, and connect / one byte each way / close cycles per second.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/bench_sockets ] || { cmake -S . -B build >/dev/null && cmake --build build -j2 --target bench_sockets >/dev/null; }
mkdir -p build/bench
out=build/bench/sockets.txt
: >"$out"
if command -v taskset >/dev/null 2>&1; then
    echo "one CPU (taskset -c 0):" | tee -a "$out"
    BENCH_SPIN=1 taskset -c 0 ./build/bench_sockets 200 3 | tee -a "$out"
fi
echo "all CPUs:" | tee -a "$out"
./build/bench_sockets 200 3 | tee -a "$out"
