#!/usr/bin/env bash
# `make fuzz`: run every libFuzzer target for SECONDS each, JOBS at a time
# (each target is one process: two cores run two targets in the time of
# one), each from its checked-in seed corpus, and report them in order.
#   scripts/fuzz-run.sh BUILD_DIR SECONDS MAX_LEN JOBS TARGET...
set -uo pipefail
bdir=$1 secs=$2 maxlen=$3 jobs=$4
shift 4
mkdir -p "$bdir/artifacts"

run_one() {
    local t=$1 seeds=tests/fuzz/corpus/${1#fuzz_} work=$bdir/corpus/$1
    rm -rf "$work"
    mkdir -p "$work"
    [ -d "$seeds" ] && cp "$seeds"/* "$work"/ 2>/dev/null
    ls "$work" | wc -l >"$bdir/$t.seeds"
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        "$bdir/$t" -max_total_time="$secs" -max_len="$maxlen" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$bdir/artifacts/" "$work" 2>"$bdir/$t.log"
    echo $? >"$bdir/$t.rc"
}

running=()
for t in "$@"; do
    echo "-- $t: started ($secs s)"
    run_one "$t" &
    running+=($!)
    if ((${#running[@]} >= jobs)); then
        wait "${running[0]}"
        running=("${running[@]:1}")
    fi
done
wait

status=0
for t in "$@"; do
    echo "-- $t: $(cat "$bdir/$t.seeds") seeds from tests/fuzz/corpus/${t#fuzz_}"
    if [ "$(cat "$bdir/$t.rc")" != 0 ]; then
        tail -n 60 "$bdir/$t.log"
        echo "$t FAILED: reproducer in $bdir/artifacts/, full log $bdir/$t.log" >&2
        status=1
        continue
    fi
    grep -E '^#[0-9]+' "$bdir/$t.log" | tail -n 1
    grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb)' "$bdir/$t.log" || true
    echo "-- $t: no crash, corpus now $(ls "$bdir/corpus/$t" | wc -l) inputs"
done
exit $status
