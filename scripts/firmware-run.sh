#!/bin/bash
# Boot the Tern firmware (mps2-an386) in QEMU, its LAN9118 on a TAP inside a
# private network namespace, the UART (the shell) on this terminal.
#
#   scripts/firmware-run.sh [ELF] [firmware options...]    (make firmware-run; root)
#
# The namespace holds tap0 with 192.0.2.1/24 on the Linux side; the firmware
# gets 192.0.2.2/24 unless other options are given (e.g. --dhcp, with a DHCP
# server you start in the namespace). Quit with the shell's `quit`, or Ctrl-A x.
# The namespace is deleted on exit; nothing outside it is touched.
set -euo pipefail
ELF=${1:-build-fw/tern-fw.elf}
shift || true
if [ "$(id -u)" -ne 0 ]; then
    echo "firmware-run needs root (network namespace, TAP)" >&2
    exit 1
fi
[ -f "$ELF" ] || { echo "$ELF is missing: make firmware" >&2; exit 1; }
command -v qemu-system-arm >/dev/null || { echo "qemu-system-arm is missing: make deps" >&2; exit 1; }
NS=tern-fw-$$
cleanup() { ip netns del "$NS" 2>/dev/null || true; }
trap cleanup EXIT
ip netns add "$NS"
ip -n "$NS" link set lo up
ip -n "$NS" tuntap add dev tap0 mode tap
ip -n "$NS" addr add 192.0.2.1/24 dev tap0
ip -n "$NS" link set tap0 up
ARGS=("$@")
[ ${#ARGS[@]} -gt 0 ] || ARGS=(--ipv4 192.0.2.2/24)
SEMI="enable=on,target=native,arg=tern-fw,arg=--tap,arg=tap0,arg=--echo"
for a in "${ARGS[@]}"; do SEMI+=",arg=$a"; done
cat <<MSG
Tern firmware in QEMU (mps2-an386), namespace $NS, Linux side tap0 192.0.2.1/24.
From another terminal (as root):
    ip netns exec $NS ping 192.0.2.2
    ip netns exec $NS nc 192.0.2.2 7            # TCP echo
    ip netns exec $NS iperf -c 192.0.2.2 -n 10M  # the iperf server
This terminal is the firmware's shell (type help); quit or Ctrl-A x to stop.
MSG
ip netns exec "$NS" qemu-system-arm -M mps2-an386 -nodefaults -display none -serial mon:stdio \
    -kernel "$ELF" -nic tap,ifname=tap0,script=no,downscript=no,model=lan9118 -semihosting-config "$SEMI"
