#!/bin/sh
# Run every fuzz harness (or the ones named) for FUZZ_SECONDS each: sh fuzz/run.sh BUILD [NAME...]
# NAME is a harness without its fuzz_ prefix (upf, cif, ...).  Each starts from its seed corpus
# (fuzz/corpus/NAME, read only) and the working corpus BUILD/corpus/NAME, which keeps what
# earlier runs found; crashes go to BUILD/artifacts/NAME-*.  Prints the executions and the CPU
# time of each run and exits 1 if any harness found a crash, a leak or a sanitizer report.
# FUZZ_NICE sets the niceness of the harnesses (default 0).  Every run also appends a line to
# BUILD/logs/runs.tsv (date, harness, seconds, executions, CPU seconds, result), the record of the
# CPU time fuzzed per harness.
set -u
build=${1:?usage: fuzz/run.sh BUILD [NAME...]}
shift
seconds=${FUZZ_SECONDS:-60}
nice_level=${FUZZ_NICE:-0}
here=$(cd "$(dirname "$0")" && pwd)
names="$*"
if [ -z "$names" ]; then
    for f in "$build"/fuzzers/fuzz_*; do names="$names ${f##*/fuzz_}"; done
fi
mkdir -p "$build/artifacts" "$build/logs"
failed=0
printf '%-12s %8s %12s %10s %s\n' harness seconds executions cpu_s result
for name in $names; do
    bin="$build/fuzzers/fuzz_$name"
    [ -x "$bin" ] || { echo "no harness $bin (make fuzz-build)"; failed=1; continue; }
    mkdir -p "$build/corpus/$name"
    dict=""
    [ -f "$here/dict/$name.dict" ] && dict="-dict=$here/dict/$name.dict"
    log="$build/logs/$name.log"
    # /usr/bin/time reports the CPU time (user + system) of the harness process.
    LSAN_OPTIONS="suppressions=$here/lsan.supp:print_suppressions=0" /usr/bin/time -f 'cpu_seconds %U %S' -o "$build/logs/$name.time" \
        nice -n "$nice_level" "$bin" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2560 \
        -print_final_stats=1 -artifact_prefix="$build/artifacts/$name-" $dict \
        "$build/corpus/$name" "$here/corpus/$name" >"$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    cpu=$(awk '/^cpu_seconds/ {printf "%.0f", $2 + $3}' "$build/logs/$name.time")
    result=ok
    if [ "$rc" != 0 ] || grep -q -e 'ERROR: AddressSanitizer' -e 'runtime error:' -e 'ERROR: libFuzzer' "$log"; then
        result="FAILED (see $log)"
        failed=1
    fi
    printf '%-12s %8s %12s %10s %s\n' "$name" "$seconds" "${runs:-?}" "${cpu:-?}" "$result"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$name" "$seconds" "${runs:-?}" "${cpu:-?}" \
        "$result" >>"$build/logs/runs.tsv"
done
exit $failed
