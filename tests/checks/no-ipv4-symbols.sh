#!/bin/sh
# An IPv6-only build (TERN_CFG_IPV4 0) compiles no IPv4 code: the given static
# libraries must neither define nor reference any IPv4, ARP, ICMPv4, IGMP,
# DHCP, AutoIP or address conflict detection symbol, nor the ping client's
# IPv4 reply path (the ping client itself works over IPv6).
# Usage: no-ipv4-symbols.sh LIB.a...    Exit 1 if any is found.
set -u
pattern='^tern_(ipv4|arp|acd|icmp|igmp|dhcp|autoip)_|^tern_ping_input$'
bad=0
for lib in "$@"; do
    [ -r "$lib" ] || { echo "no-ipv4-symbols: cannot read $lib" >&2; exit 2; }
    # External symbols only: a static inline header helper the compiler
    # kept out of line (an unoptimised build) is not an IPv4 module; the
    # ICMP echo header format, for one, is ICMPv6's too.
    found=$(nm -A -g "$lib" | awk -v pat="$pattern" '$NF ~ pat { print $0 }' | sort -u)
    if [ -n "$found" ]; then
        echo "IPv4 symbols in the IPv6-only $lib:"
        echo "$found"
        bad=1
    fi
done
[ "$bad" = 0 ] && echo "no-ipv4-symbols: none in $*"
exit $bad
