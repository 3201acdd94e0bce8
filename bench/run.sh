#!/usr/bin/env bash
# `make bench`: run every benchmark under bench/ and say what exists.
# A benchmark is an executable bench/bench_*.sh or a bench/bench_*.py script.
# Benchmarks report numbers; they never pass or fail on timing.
set -euo pipefail
cd "$(dirname "$0")/.."

shopt -s nullglob
benches=(bench/bench_*.sh bench/bench_*.py)
if ((${#benches[@]} == 0)); then
    echo "bench: no benchmarks yet (bench/bench_*.sh, bench/bench_*.py)."
    echo "bench: see bench/README.md for the ones planned and how they measure."
    exit 0
fi
echo "bench: ${#benches[@]} benchmark(s): ${benches[*]}"
mkdir -p build/bench
for b in "${benches[@]}"; do
    echo "---- $b"
    case "$b" in
    *.py) /usr/bin/python3 "$b" ;;
    *) bash "$b" ;;
    esac
done
echo "bench: results (if any) are in build/bench/"
