#!/usr/bin/env bash
# Install the Debian packages Tern's build, tests, demo, size report and
# fuzzers need. Installs only what is missing; does nothing when all is there.
#
#   scripts/install-deps.sh          install what is missing (root), or list it
#   scripts/install-deps.sh --check  only report; exit 1 if something is missing
#
# When not run as root and something is missing, prints the missing packages
# and the command to install them, and exits non-zero.
set -euo pipefail

check_only=0
if [[ "${1:-}" == "--check" ]]; then
    check_only=1
fi

# The libFuzzer/ASan runtime package follows clang's major version
# (Debian 12: clang 14 -> libclang-rt-14-dev).
clang_major=14
if command -v clang >/dev/null 2>&1; then
    v=$(clang -dumpversion 2>/dev/null | cut -d. -f1 || true)
    if [[ "$v" =~ ^[0-9]+$ ]]; then
        clang_major=$v
    fi
fi

packages=(
    build-essential gcc make cmake        # host build
    clang "libclang-rt-${clang_major}-dev" # clang build, libFuzzer, ASan/UBSan runtime
    libcmocka-dev                         # unit and simulation tests
    python3 python3-pytest python3-scapy  # interop tests, corpus generator, size report
    tshark                                # capture checks in interop tests
    iproute2 iputils-ping arping          # namespaces, TAP, Linux-side peers
    radvd ndisc6                          # IPv6 router advertisements (SLAAC interop), ND tools
    socat netcat-openbsd iperf            # UDP/TCP peers, iperf2 for TCP throughput
    nftables                              # hostile TCP tests: stop Linux resetting scapy-made connections
    dnsmasq-base avahi-daemon             # DHCP, DNS and mDNS servers for the interop tests
    gcc-arm-none-eabi libnewlib-arm-none-eabi # Cortex-M size report
    qemu-system-arm                       # the firmware on an emulated Cortex-M4 (mps2-an386)
    valgrind                              # leak checks, instruction counts
    universal-ctags                       # code navigation
)

missing=()
for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
    if [[ "$status" != ii* ]]; then
        missing+=("$p")
    fi
done

if ((${#missing[@]} == 0)); then
    echo "install-deps: all ${#packages[@]} packages are installed"
else
    cmd="DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
    if ((check_only)) || [[ $(id -u) -ne 0 ]]; then
        echo "install-deps: missing packages: ${missing[*]}" >&2
        echo "install-deps: install them with:" >&2
        echo "  sudo apt-get update && sudo $cmd" >&2
        exit 1
    fi
    echo "install-deps: installing: ${missing[*]}"
    # tshark asks whether non-root users may capture; answer no, quietly.
    echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections || true
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

# libFuzzer must link: clang finds its runtime only when libclang-rt is there.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/f.c" <<'C'
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }
C
if ! clang -fsanitize=fuzzer,address,undefined -o "$tmp/f" "$tmp/f.c" >"$tmp/log" 2>&1; then
    echo "install-deps: clang -fsanitize=fuzzer does not link:" >&2
    cat "$tmp/log" >&2
    exit 1
fi
echo "install-deps: clang -fsanitize=fuzzer links"
