#!/bin/sh
# The campaign's MPI task farm (campaign/farm.h) against the serial campaign, with the toy
# calculator (campaign/testdata/toy.yaml: an analytic stand-in for DFT, 32 evaluations):
#   sync-2x1     mpirun -np 2 --group-size 1 --rounds sync: the results view equals the serial
#                run's to 17 significant digits (same evaluations, same properties, same order)
#   sync-1x2     mpirun -np 2 --group-size 2 (one group of two processes): the same
#   overlap-3x1  mpirun -np 3 --rounds overlap: every evaluation ends done or failed, none left
#                proposed or running, no job left submitted, no run computed twice (runs.log)
#   kill         mpirun -np 3, sync rounds, slower toy: the leader (rank 0, the pid in the table
#                runner) killed with -9 after 8 evaluations, then the same command again: the
#                results equal the serial run's and no run was computed twice
#   term         SIGTERM to mpirun: exit 3 (the groups stop and report), then the same command
#                again: the results equal the serial run's
# plus usage errors (exit 2, no hang): a group size that does not divide the process count, and
# 'campaign status' under mpirun.
#   tools/farm_check.sh [MPI_BIN [SERIAL_BIN]]      (about 2 minutes on 2 cores)
# Exit 0 all agree, 1 a mismatch or failure, 2 setup problem.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
mpi_bin=${1:-$root/build/mpi/lodestone}
serial_bin=${2:-$root/build/lodestone}
case $mpi_bin in /*) ;; *) mpi_bin=$(pwd)/$mpi_bin ;; esac
case $serial_bin in /*) ;; *) serial_bin=$(pwd)/$serial_bin ;; esac
for t in "$mpi_bin" "$serial_bin"; do
    [ -x "$t" ] || { echo "farm_check.sh: $t not found (make; make MPI=1 BUILD=build/mpi)" >&2; exit 2; }
done
for t in mpirun sqlite3; do
    command -v $t >/dev/null 2>&1 || { echo "farm_check.sh: $t not found" >&2; exit 2; }
done
export LODESTONE_DATA="$root/inputs" OMP_NUM_THREADS=1
mpirun_args="--oversubscribe"
[ "$(id -u)" = 0 ] && mpirun_args="$mpirun_args --allow-run-as-root"
tmo=""
command -v timeout >/dev/null 2>&1 && tmo="timeout 300"
work=$(mktemp -d "${TMPDIR:-/tmp}/farm_check.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 2
cp "$root/campaign/testdata/toy.yaml" toy.yaml
# The same campaign with evaluations of 0.3-0.5 s, so that a kill lands in the middle.
sed 's/delay: 0.02 s, delay_spread: 0.05 s/delay: 0.3 s, delay_spread: 0.2 s/' toy.yaml >slow.yaml
grep -q 'delay: 0.3 s' slow.yaml || { echo "farm_check.sh: could not make slow.yaml" >&2; exit 2; }
fail=0
q="SELECT candidate_id, status, printf('%.17g', energy_ev_per_atom), printf('%.17g', ms_tesla),
   printf('%.17g', formation_energy_ev_per_atom), printf('%.17g', e_above_hull_ev_per_atom),
   n_dft_evaluations_before FROM results ORDER BY candidate_id"

results() { sqlite3 "$1" "$q" >"$2"; }

# Nothing left half-done, no job in flight, no run computed twice.
check_clean() {
    db=$1
    open=$(sqlite3 "$db" "SELECT count(*) FROM evaluation WHERE state NOT IN ('done', 'failed')")
    jobs=$(sqlite3 "$db" "SELECT count(*) FROM job WHERE state = 'submitted'")
    twice=$(awk '$2 == "computed" || $2 == "computed-failure" {n[$3]++} END {k = 0; for (h in n) if (n[h] > 1) k++; print k}' \
        "$db.files/runs.log")
    if [ "$open" != 0 ] || [ "$jobs" != 0 ] || [ "$twice" != 0 ]; then
        echo "  FAIL: $open evaluations unresolved, $jobs jobs submitted, $twice runs computed twice"; fail=1
    else
        echo "  clean: every evaluation resolved, no job in flight, no run computed twice"
    fi
}

same_as_serial() {
    results "$1" "$2.txt"
    if cmp -s "$3" "$2.txt"; then
        echo "  results equal the serial run's ($(wc -l <"$2.txt") rows)"
    else
        echo "  FAIL: results differ from the serial run's:"; diff "$3" "$2.txt" | head -n 10 | sed 's/^/    /'; fail=1
    fi
}

farm() { $tmo mpirun $mpirun_args -np "$@"; }

children_of() { # pid: the processes whose parent it is (from /proc: no procps needed)
    for d in /proc/[0-9]*; do
        st=$(cat "$d/stat" 2>/dev/null) || continue
        rest=${st##*) }
        set -- $rest
        if [ "$2" = "$parent_pid" ]; then echo "${d#/proc/}"; fi
    done
}

t0=$(date +%s)
echo "== serial reference"
"$serial_bin" campaign run toy.yaml --db serial.db >serial.log 2>&1 || { echo "  serial run failed"; cat serial.log; exit 1; }
results serial.db serial.txt
"$serial_bin" campaign run slow.yaml --db serial-slow.db >serial-slow.log 2>&1 || { echo "  serial slow run failed"; exit 1; }
results serial-slow.db serial-slow.txt

echo "== sync-2x1"
farm 2 "$mpi_bin" campaign run toy.yaml --db a.db --group-size 1 --rounds sync >a.log 2>&1 || { echo "  FAIL: exit $?"; tail -n 5 a.log; fail=1; }
same_as_serial a.db a serial.txt

echo "== sync-1x2"
farm 2 "$mpi_bin" campaign run toy.yaml --db b.db --group-size 2 --rounds sync >b.log 2>&1 || { echo "  FAIL: exit $?"; tail -n 5 b.log; fail=1; }
same_as_serial b.db b serial.txt

echo "== overlap-3x1"
farm 3 "$mpi_bin" campaign run toy.yaml --db c.db --group-size 1 --rounds overlap >c.log 2>&1 || { echo "  FAIL: exit $?"; tail -n 5 c.log; fail=1; }
check_clean c.db
echo "  $(sqlite3 c.db "SELECT count(*) FROM evaluation WHERE state = 'done'") evaluations done, $(sqlite3 c.db "SELECT count(*) FROM round") rounds"

echo "== kill: the leader killed with -9, then resumed"
mpirun $mpirun_args -np 3 "$mpi_bin" campaign run slow.yaml --db d.db --group-size 1 --rounds sync >d1.log 2>&1 &
mp=$!
n=0
for i in $(seq 1 600); do
    n=$(sqlite3 d.db "SELECT count(*) FROM evaluation WHERE state = 'done'" 2>/dev/null || echo 0)
    [ "${n:-0}" -ge 8 ] && break
    sleep 0.1
done
leader=$(sqlite3 d.db "SELECT pid FROM runner WHERE id = 1" 2>/dev/null)
if [ -n "$leader" ] && kill -9 "$leader" 2>/dev/null; then
    echo "  leader (pid $leader) killed after $n evaluations"
else
    echo "  FAIL: could not kill the leader (pid '$leader')"; fail=1
fi
wait $mp
echo "  mpirun ended with $?"
farm 3 "$mpi_bin" campaign run slow.yaml --db d.db --group-size 1 --rounds sync >d2.log 2>&1 || { echo "  FAIL: resume exit $?"; tail -n 5 d2.log; fail=1; }
grep -m1 'previous MPI run' d2.log | sed 's/^/  /'
same_as_serial d.db d serial-slow.txt
check_clean d.db

echo "== term: SIGTERM, exit 3, then resumed"
mpirun $mpirun_args -np 3 "$mpi_bin" campaign run slow.yaml --db e.db --group-size 1 --rounds sync >e1.log 2>&1 &
mp=$!
for i in $(seq 1 600); do
    n=$(sqlite3 e.db "SELECT count(*) FROM evaluation WHERE state = 'done'" 2>/dev/null || echo 0)
    [ "${n:-0}" -ge 6 ] && break
    sleep 0.1
done
# As a batch scheduler does (scancel, the time limit): SIGTERM to every process of the job.
parent_pid=$mp
kids=$(children_of)
[ -n "$kids" ] && kill -TERM $kids 2>/dev/null
wait $mp
code=$?
if [ "$code" = 3 ]; then echo "  exit 3 after $n evaluations"; else echo "  FAIL: exit $code, expected 3"; tail -n 5 e1.log; fail=1; fi
farm 3 "$mpi_bin" campaign run slow.yaml --db e.db --group-size 1 --rounds sync >e2.log 2>&1 || { echo "  FAIL: resume exit $?"; tail -n 5 e2.log; fail=1; }
same_as_serial e.db e serial-slow.txt
check_clean e.db

echo "== usage errors"
farm 3 "$mpi_bin" campaign run toy.yaml --db f.db --group-size 2 >f.log 2>&1
code=$?
if [ "$code" = 2 ] && grep -q 'must divide' f.log; then echo "  --group-size 2 on 3 processes: exit 2"; else echo "  FAIL: exit $code"; fail=1; fi
farm 2 "$mpi_bin" campaign status --db a.db >g.log 2>&1
code=$?
if [ "$code" = 2 ]; then echo "  campaign status under mpirun: exit 2"; else echo "  FAIL: exit $code"; fail=1; fi

t1=$(date +%s)
if [ "$fail" = 0 ]; then echo "farm_check: all agree ($((t1 - t0)) s)"; else echo "farm_check: FAILED ($((t1 - t0)) s)"; fi
exit "$fail"
