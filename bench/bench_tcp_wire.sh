#!/usr/bin/env bash
# In-process TCP: 1 GB between two stacks on the virtual wire (MB/s), the
# same over a slow long link with windows from 64 KB to 16 MB, and,
# when valgrind is present, instructions per KB (sender and receiver
# together, both stacks in one process) counted by callgrind over 50 MB.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/bench_tcp_wire ] || { cmake -S . -B build >/dev/null && cmake --build build -j2 --target bench_tcp_wire >/dev/null; }
mkdir -p build/bench
./build/bench_tcp_wire 1000 | tee build/bench/tcp_wire.txt
# Large windows over a 100 Mbit/s bottleneck with 10 ms each way (BDP 250 KB,
# bottleneck buffer 256 frames): throughput in virtual time must level off
# at the line rate, not collapse, as the window grows to several MB.
for w in 65536 262144 1048576 4194304 16777216; do
    ./build/bench_tcp_wire 200 "$w" 10 100000000 | tee -a build/bench/tcp_wire.txt
done
if command -v valgrind >/dev/null 2>&1; then
    out=build/bench/callgrind.tcp_wire
    valgrind --tool=callgrind --callgrind-out-file="$out" ./build/bench_tcp_wire 50 >/dev/null 2>build/bench/callgrind.log
    total=$(awk '/^summary:/ {print $2}' "$out")
    python3 -c "import sys; t=int(sys.argv[1]); print(f'callgrind: {t} instructions for 50 MB = {t/(50e6/1024):.0f} per KB moved (both ends)')" "$total" \
        | tee -a build/bench/tcp_wire.txt
fi
