#!/bin/sh
# Task-farm efficiency (issue 16): the campaign's MPI task farm with a stand-in calculator whose
# cost is a sleep of 1-20 s (uniform, seeded by each run's input hash: the toy calculator of
# campaign/eval_toy.c), 256 evaluations of a 12-element space, Bayesian batches of 8 with
# overlapping rounds, groups of one process, on RANKS processes (oversubscribed: the sleeps take no
# CPU, so 64 ranks on 2 cores measure the farm, not the cores).  For each rank count it prints:
#   utilisation      sum of the evaluations' own times / (groups x wall time of the run)
#   steady           the same up to the moment the last evaluation was handed out (the tail, when
#                    the budget is spent and groups run dry one by one, excluded)
#   leader CPU/eval  CPU seconds of rank 0 (the leader: search, store, records; its group-0 thread
#                    only sleeps here) per evaluation
#   validation/campaign/farm_bench.sh [RANKS...]        (default: 2 8 32 64; about 40 minutes)
# Needs build/mpi/lodestone (make MPI=1 BUILD=build/mpi), mpirun and sqlite3.  The machine's load
# is printed with each line.  KEEP=1 keeps the databases and logs (the folder is printed).
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=$root/build/mpi/lodestone
[ -x "$bin" ] || { echo "farm_bench.sh: build it first: make MPI=1 BUILD=build/mpi" >&2; exit 2; }
ranks=${*:-2 8 32 64}
export LODESTONE_DATA="$root/inputs" OMP_NUM_THREADS=1
args="--oversubscribe"
[ "$(id -u)" = 0 ] && args="$args --allow-run-as-root"
work=$(mktemp -d "${TMPDIR:-/tmp}/farm_bench.XXXXXX")
[ -n "${KEEP:-}" ] && echo "farm_bench.sh: the runs are kept in $work" || trap 'rm -rf "$work"' EXIT
cat >"$work/bench.yaml" <<'EOF'
# 12 elements on B2, L1_0, L1_2, full Heusler and D0_22: about 700 candidates (a stand-in run).
name: farm benchmark
seed: 7
elements: [Mn, Fe, Co, Ni, Cr, V, Al, Ga, Si, Ge, Cu, Pt]
prototypes: [B2, L10, L12, L21, D022]
magnetism: {orders: [fm]}
calculator: {type: toy, delay: 1 s, delay_spread: 19 s}
objectives:
  - {property: ms_tesla, goal: max}
constraints:
  - {property: formation_energy, max: 0 eV/atom}
  - {property: e_above_hull, max: 0.1 eV/atom}
budget: {dft_evaluations: 256}
batch_size: 8
stop: {stall_rounds: 1000, min_evaluations: 100000}
retry: {heartbeat: 5 s, stale_after: 600 s}
EOF
printf '%6s %7s %12s %8s %16s %9s  %s\n' ranks groups utilisation steady "leader CPU/eval" wall_s "load (1, 5, 15 min)"
for n in $ranks; do
    db=$work/bench-$n.db
    t0=$(date +%s.%N)
    mpirun $args -np "$n" "$bin" campaign run "$work/bench.yaml" --db "$db" --group-size 1 --rounds overlap \
        >"$work/bench-$n.log" 2>&1 || { echo "farm_bench.sh: the $n-rank run failed:"; tail -n 20 "$work/bench-$n.log"; exit 1; }
    t1=$(date +%s.%N)
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    cpu=$(sed -n 's/.*this process used \([0-9.]*\) s CPU.*/\1/p' "$work/bench-$n.log" | tail -n 1)
    ndone=$(sqlite3 "$db" "SELECT count(*) FROM evaluation WHERE state IN ('done', 'failed')")
    # One line per run: when its job was handed out (Unix s) and the run's own time (the sleep).
    sqlite3 "$db" "SELECT j.submitted_unix, r.wall_s FROM job j JOIN dft_run r ON r.evaluation_id = j.evaluation_id
                   WHERE r.state = 'done' AND j.state = 'ended'" |
        awk -F'|' -v n="$n" -v t0="$t0" -v t1="$t1" -v cpu="${cpu:-0}" -v ndone="$ndone" -v load="$load" '
        { s[NR] = $1; w[NR] = $2; busy += $2; if (NR == 1 || $1 > last) last = $1 }
        END {
            wall = t1 - t0
            # steady state: from the start to the last hand-out (after it the groups run dry)
            for (i = 1; i <= NR; i++) { e = s[i] + w[i]; if (s[i] < last) sb += (e > last ? last : e) - s[i] }
            printf "%6d %7d %11.1f%% %7.1f%% %16.4f %9.1f  %s\n", n, n, 100 * busy / (n * wall),
                   100 * sb / (n * (last - t0)), cpu / ndone, wall, load
        }'
done
