#!/bin/sh
# Run the conformance suite against Linux's sockets and against Tern's and
# compare them line by line. A case the Linux build could not run (SKIP,
# e.g. raw sockets without root) is reported, not compared. Fails on any
# difference or when fewer than 40 cases were compared.
set -u
linux_bin=$1
tern_bin=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$linux_bin" >"$dir/linux.txt" 2>"$dir/linux.err"; lrc=$?
"$tern_bin" >"$dir/tern.txt" 2>"$dir/tern.err"; trc=$?
cat "$dir/linux.err" "$dir/tern.err" >&2
status=0
if [ $lrc -ne 0 ] || [ $trc -ne 0 ]; then
    echo "exit status: linux $lrc, tern $trc" >&2
    status=1
fi
# Drop cases Linux skipped from both sides.
skipped=$(awk '$2 == "SKIP" {print $1}' "$dir/linux.txt")
for c in $skipped; do
    echo "not compared (the Linux build skipped it): $c" >&2
done
awk -v s=" $skipped " 'index(s, " " $1 " ") == 0' "$dir/linux.txt" >"$dir/l.txt"
awk -v s=" $skipped " 'index(s, " " $1 " ") == 0' "$dir/tern.txt" >"$dir/t.txt"
if ! diff -u "$dir/l.txt" "$dir/t.txt"; then
    echo "the Tern build differs from the Linux reference (- linux, + tern)" >&2
    status=1
fi
n=$(wc -l <"$dir/l.txt")
echo "cases compared: $n"
cat "$dir/t.txt"
if [ "$n" -lt 40 ]; then
    echo "fewer than 40 cases compared" >&2
    status=1
fi
exit $status
