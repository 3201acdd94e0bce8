#!/usr/bin/env bash
# Bytes of RAM per TCP connection (the control block) on Cortex-M4, for the
# minimal preset, measured with arm-none-eabi-gcc.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v arm-none-eabi-gcc >/dev/null || { echo "bench: arm-none-eabi-gcc missing"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo '#include "tern/tcp.h"
tern_tcp_pcb tcb_probe; tern_tcp_listener listener_probe;' > "$tmp/tcb.c"
for preset in minimal full; do
    arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -Os -std=c11 -ffreestanding -Iinclude \
        -DTERN_CONFIG_FILE="\"$PWD/configs/$preset.h\"" -c "$tmp/tcb.c" -o "$tmp/tcb.o"
    tcb=$(arm-none-eabi-nm -S -t d "$tmp/tcb.o" | awk '$4 == "tcb_probe" {print $2 + 0}')
    lst=$(arm-none-eabi-nm -S -t d "$tmp/tcb.o" | awk '$4 == "listener_probe" {print $2 + 0}')
    echo "tcp control block ($preset, Cortex-M4): $tcb bytes; listener: $lst bytes"
done
