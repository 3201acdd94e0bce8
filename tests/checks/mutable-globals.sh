#!/bin/sh
# The design rule "no mutable global state" as a test: list every object in a
# writable section (.data, .bss, thread-local) of the given static libraries.
# Tables in .data.rel.ro are const: in a position-independent build the loader
# writes their addresses once, before main. The one exception is the sockets
# layer's registry (docs/SOCKETS.md): socket() takes no instance, so a
# descriptor finds its instance through it. Symbols the sanitizers add
# (__odr_asan.*, __asan_*, __ubsan_*) are the instrumentation's, not ours.
# Usage: mutable-globals.sh LIB.a...    Exit 1 if anything else is writable.
set -u
allowed=' sockets.c.o:registry sockets.c.o:default_ss sockets.c.o:thread_ss '
bad=0
for lib in "$@"; do
    [ -r "$lib" ] || { echo "mutable-globals: cannot read $lib" >&2; exit 2; }
    for row in $(objdump -t "$lib" | awk '
        / file format / { obj = $1; sub(":$", "", obj); next }
        NF >= 5 && $(NF-2) ~ /^\.(data|bss|tdata|tbss)(\.|$)/ && $(NF-2) !~ /^\.data\.rel\.ro/ &&
            $NF != $(NF-2) && $NF !~ /^_*(odr_asan|asan|ubsan|sancov)/ { print obj ":" $NF }'); do
        case "$allowed" in *" $row "*) continue ;; esac
        echo "mutable global in $lib: $row"
        bad=1
    done
done
[ "$bad" = 0 ] && echo "mutable-globals: none in $* (beyond the sockets registry)"
exit $bad
