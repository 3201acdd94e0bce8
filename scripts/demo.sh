#!/bin/sh
# Tern demo: the stack on a TAP inside a private network namespace, talking
# to the Linux kernel. Run as root from the repository (make demo).
#
#   Linux side: tap0 192.0.2.1/24      Tern: 192.0.2.2/24 (build/tern)
#
# Nothing outside the namespace is touched; the namespace is deleted on exit.
set -u

TERN=${TERN:-build/tern}
NS=tern-demo-$$
LINUX_IP=192.0.2.1
TERN_IP=192.0.2.2
WORK=
TERN_PID=

die() { echo "demo: $*" >&2; exit 1; }

check_requirements() {
    missing=
    [ "$(id -u)" -eq 0 ] || die "must run as root (it creates a network namespace and a TAP interface)"
    [ -x "$TERN" ] || die "$TERN not found: build it first (cmake -B build && cmake --build build)"
    [ -e /dev/net/tun ] || die "/dev/net/tun is missing (no TUN/TAP support in this kernel or container)"
    for tool in ip ping socat timeout mkfifo; do
        command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
    done
    [ -z "$missing" ] || die "missing tools:$missing (Debian: iproute2 iputils-ping socat coreutils)"
}

cleanup() {
    if [ -n "$TERN_PID" ] && kill -0 "$TERN_PID" 2>/dev/null; then
        kill -TERM "$TERN_PID" 2>/dev/null
        i=0
        while kill -0 "$TERN_PID" 2>/dev/null && [ $i -lt 30 ]; do sleep 0.1; i=$((i + 1)); done
        kill -KILL "$TERN_PID" 2>/dev/null
    fi
    exec 3>&-
    ip netns del "$NS" 2>/dev/null
    [ -n "$WORK" ] && rm -rf "$WORK"
}

setup_namespace() {
    ip netns add "$NS" || die "cannot create namespace $NS"
    ip -n "$NS" link set lo up
    ip -n "$NS" tuntap add dev tap0 mode tap || die "cannot create tap0 in $NS"
    ip -n "$NS" addr add "$LINUX_IP/24" dev tap0
    ip -n "$NS" link set tap0 up
}

# Start build/tern in the namespace; its stdin is a fifo we keep open on fd 3.
start_tern() {
    WORK=$(mktemp -d /tmp/tern-demo.XXXXXX)
    mkfifo "$WORK/in"
    ip netns exec "$NS" "$TERN" --tap tap0 --ipv4 "$TERN_IP/24" <"$WORK/in" >"$WORK/out" 2>"$WORK/err" &
    TERN_PID=$!
    exec 3>"$WORK/in"
    i=0
    until grep -q '^ready' "$WORK/out" 2>/dev/null; do
        kill -0 "$TERN_PID" 2>/dev/null || { cat "$WORK/err" >&2; die "build/tern exited early"; }
        [ $i -lt 50 ] || die "build/tern did not print 'ready' within 5 s"
        sleep 0.1
        i=$((i + 1))
    done
    echo "== build/tern (pid $TERN_PID): $(grep '^ready' "$WORK/out")"
}

# Send a shell command and wait (up to $2 seconds) for its ok/error line.
tern_cmd() {
    before=$(wc -l <"$WORK/out")
    echo "$1" >&3
    i=0
    while [ $i -lt $(($2 * 10)) ]; do
        if tail -n +$((before + 1)) "$WORK/out" | grep -qE '^(ok|error:)'; then break; fi
        sleep 0.1
        i=$((i + 1))
    done
    tail -n +$((before + 1)) "$WORK/out"
}

show() { echo; echo "== $*"; }

check_requirements
trap cleanup EXIT
trap 'exit 130' INT TERM
setup_namespace
start_tern

show "Linux pings the stack: ping -c 3 $TERN_IP"
ip netns exec "$NS" ping -c 3 -W 1 "$TERN_IP"

show "UDP datagram to the stack's echo service (port 7), with socat"
echo "hello, tern" | ip netns exec "$NS" timeout 5 socat -T 2 - "UDP4:$TERN_IP:7"

show "The stack pings Linux (shell command: ping $LINUX_IP 3)"
tern_cmd "ping $LINUX_IP 3" 10

show "The stack's ARP cache (shell command: arp)"
tern_cmd "arp" 3

show "Stopping build/tern (SIGTERM); it prints its statistics"
kill -TERM "$TERN_PID"
wait "$TERN_PID"
echo "exit status $?"
TERN_PID=
sed -n '/^statistics/,$p' "$WORK/out"

cat <<HELP

== Run it by hand
  ip netns add T; ip -n T link set lo up
  ip -n T tuntap add dev tap0 mode tap
  ip -n T addr add $LINUX_IP/24 dev tap0; ip -n T link set tap0 up
  ip netns exec T $TERN --tap tap0 --ipv4 $TERN_IP/24 [--pcap run.pcap]
  (type 'help' at its prompt-less shell; in another terminal: ip netns exec T ping $TERN_IP)
  ip netns del T
HELP
