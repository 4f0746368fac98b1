#!/bin/sh
# Sum the fuzzing record of fuzz/run.sh: sh fuzz/report.sh BUILD [SINCE]
# For each harness, from BUILD/logs/runs.tsv (runs since SINCE, an ISO date such as
# 2026-12-07T15:00:00Z, if given): the number of runs, the executions, the CPU seconds (and hours)
# and the runs that failed.
build=${1:?usage: fuzz/report.sh BUILD [SINCE]}
since=${2:-}
printf '%-12s %5s %13s %9s %7s %6s\n' harness runs executions cpu_s cpu_h failed
awk -F '\t' -v since="$since" '
    since != "" && $1 < since { next }
    { runs[$2]++; execs[$2] += $4; cpu[$2] += $5; if ($6 != "ok") failed[$2]++ }
    END {
        for (h in runs) printf "%-12s %5d %13d %9d %7.2f %6d\n", h, runs[h], execs[h], cpu[h], cpu[h] / 3600, failed[h]
    }' "$build/logs/runs.tsv" | sort
awk -F '\t' -v since="$since" 'since == "" || $1 >= since { total += $5 } END { printf "total CPU: %.2f hours\n", total / 3600 }' \
    "$build/logs/runs.tsv"
