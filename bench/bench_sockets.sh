#!/usr/bin/env bash
# Sockets layer overhead: throughput of the same transfer through the
# callback API and through sockets (the ratio is the layer's cost), and
# connections per second for short connect/close cycles.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/bench_sockets ] || { cmake -S . -B build >/dev/null && cmake --build build -j2 --target bench_sockets >/dev/null; }
mkdir -p build/bench
./build/bench_sockets 200 3 | tee build/bench/sockets.txt
