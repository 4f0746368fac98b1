#!/bin/sh
# MPI correctness check: small inputs run serially and with 2 MPI processes must give the same
# energy, forces, stress and magnetisation (tools/mpi_compare.py states the tolerances).
#   tools/mpi_check.sh [MPI_BIN [SERIAL_BIN]]
# MPI_BIN: a `make MPI=1` build (default build/mpi/lodestone); SERIAL_BIN: the serial reference
# (default build/lodestone, else MPI_BIN started without mpirun).  The cases (tools/mpi_check/):
#   si2-kpoints  several k-points, one pool per process (level 1)
#   si2-kpoints  the same with --pools 1: one pool of 2, bands shared, several k-points (level 2)
#   si8-gamma    Gamma point only: one task, bands shared (level 2)
#   fe-spin      spin-polarised metal with smearing, pools over (spin, k-point) pairs
#   si2-restart  2 processes: 5 iterations (not converged: exit 1, checkpoint written by rank 0),
#                then --restart from it serially and with 2 processes: the two must agree
#   si2-eos      lodestone eos over 5 volumes, serially and with 2 processes: points and fit agree
#   si2-eos-stop the 2-process eos stopped by SIGTERM once its second volume's SCF has begun (exit
#                3; the SCF state saved, unless the SCF ended first), then --restart with 2
#                processes: the finished volumes are not computed again, the saved SCF state is
#                continued, and the fit equals the serial one
#   si2-relax    lodestone relax (BFGS, positions), serially and with 2 processes: same path
#   si2-eos-relax  lodestone eos --relax over 5 volumes (a relaxation at each), serially and with 2
#                processes: points, relaxation steps and fit agree
# plus two error cases: a bad input must stop both processes with exit code 2, and --pools
# beyond the process count is a usage error (exit 2), neither hanging.
# About 70 s on 2 idle cores, plus an estimated 40 s for si2-eos-relax (about 20 SCFs per run).
# Exit 0 all agree, 1 a mismatch or failure, 2 setup problem.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
mpi_bin=${1:-$root/build/mpi/lodestone}
serial_bin=${2:-}
if [ -z "$serial_bin" ]; then
    if [ -x "$root/build/lodestone" ]; then serial_bin=$root/build/lodestone; else serial_bin=$mpi_bin; fi
fi
# Absolute paths: some cases run in the scratch folder (the checkpoint and outputs land there).
case $mpi_bin in /*) ;; *) mpi_bin=$(pwd)/$mpi_bin ;; esac
case $serial_bin in /*) ;; *) serial_bin=$(pwd)/$serial_bin ;; esac
if [ ! -x "$mpi_bin" ]; then
    echo "mpi_check.sh: $mpi_bin not found: build it with 'make MPI=1 BUILD=build/mpi'" >&2
    exit 2
fi
if ! command -v mpirun >/dev/null 2>&1; then
    echo "mpi_check.sh: mpirun not found (apt-get install openmpi-bin)" >&2
    exit 2
fi
if ! command -v python3 >/dev/null 2>&1; then
    echo "mpi_check.sh: python3 not found" >&2
    exit 2
fi
mpirun_args="-np 2 --oversubscribe"
if [ "$(id -u)" = 0 ]; then mpirun_args="$mpirun_args --allow-run-as-root"; fi
work=$(mktemp -d "${TMPDIR:-/tmp}/lodestone-mpi-check.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
# One thread per process, and FFTW plans measured afresh in this folder.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 LODESTONE_FFTW_WISDOM="$work/fftw-wisdom"
# Give up on a hung run instead of blocking CI.
tmo=""
if command -v timeout >/dev/null 2>&1; then tmo="timeout 300"; fi

fail=0
run_case() { # name input [extra lodestone args]
    name=$1 input=$2
    shift 2
    echo "== $name: $input $*"
    if ! $tmo "$serial_bin" scf "$root/tools/mpi_check/$input" --quiet --json "$work/$name.serial.json" "$@" \
            >"$work/$name.serial.out" 2>&1; then
        echo "  serial run failed:"; sed 's/^/    /' "$work/$name.serial.out"; fail=1; return
    fi
    if ! $tmo mpirun $mpirun_args "$mpi_bin" scf "$root/tools/mpi_check/$input" --quiet --json "$work/$name.mpi.json" "$@" \
            >"$work/$name.mpi.out" 2>&1; then
        echo "  mpirun -np 2 run failed:"; sed 's/^/    /' "$work/$name.mpi.out"; fail=1; return
    fi
    python3 "$here/mpi_compare.py" "$work/$name.serial.json" "$work/$name.mpi.json" || fail=1
}

restart_case() {
    echo "== si2-restart: checkpoint after 5 iterations with 2 processes, then --restart serially and with 2"
    sed 's/mixing_beta: 0.3}/mixing_beta: 0.3, max_iter: 5}/' "$root/tools/mpi_check/si2-kpoints.yaml" >"$work/short.yaml"
    $tmo mpirun $mpirun_args "$mpi_bin" scf "$work/short.yaml" --quiet --checkpoint "$work/si2.ckpt" \
        --checkpoint-every 0 >"$work/short.out" 2>&1
    got=$?
    if [ "$got" != 1 ] || [ ! -f "$work/si2.ckpt" ]; then
        echo "  the 5-iteration run: exit code $got (expected 1) or no checkpoint:"; sed 's/^/    /' "$work/short.out"
        fail=1; return
    fi
    cp "$work/si2.ckpt" "$work/si2-serial.ckpt"
    if ! $tmo "$serial_bin" scf "$root/tools/mpi_check/si2-kpoints.yaml" --quiet --checkpoint "$work/si2-serial.ckpt" \
            --restart --json "$work/restart.serial.json" >"$work/restart.serial.out" 2>&1; then
        echo "  the serial restart failed:"; sed 's/^/    /' "$work/restart.serial.out"; fail=1; return
    fi
    if ! $tmo mpirun $mpirun_args "$mpi_bin" scf "$root/tools/mpi_check/si2-kpoints.yaml" --quiet \
            --checkpoint "$work/si2.ckpt" --restart --json "$work/restart.mpi.json" >"$work/restart.mpi.out" 2>&1; then
        echo "  the 2-process restart failed:"; sed 's/^/    /' "$work/restart.mpi.out"; fail=1; return
    fi
    if [ -f "$work/si2.ckpt" ]; then echo "  the checkpoint was not removed after success"; fail=1; fi
    python3 "$here/mpi_compare.py" "$work/restart.serial.json" "$work/restart.mpi.json" || fail=1
}

# lodestone eos or relax, serially and with 2 processes: the JSON outputs must agree.
run_cmd_case() { # name command input [extra lodestone args]
    name=$1 cmd=$2 input=$3
    shift 3
    echo "== $name: $cmd $input $*"
    if ! (cd "$work" && $tmo "$serial_bin" "$cmd" "$root/tools/mpi_check/$input" --quiet --json "$work/$name.serial.json" \
            --checkpoint "$work/$name.serial.ckpt" "$@") >"$work/$name.serial.out" 2>&1; then
        echo "  serial run failed:"; sed 's/^/    /' "$work/$name.serial.out"; fail=1; return
    fi
    if ! (cd "$work" && $tmo mpirun $mpirun_args "$mpi_bin" "$cmd" "$root/tools/mpi_check/$input" --quiet \
            --json "$work/$name.mpi.json" --checkpoint "$work/$name.mpi.ckpt" "$@") >"$work/$name.mpi.out" 2>&1; then
        echo "  mpirun -np 2 run failed:"; sed 's/^/    /' "$work/$name.mpi.out"; fail=1; return
    fi
    python3 "$here/mpi_compare.py" "$work/$name.serial.json" "$work/$name.mpi.json" || fail=1
}

# SIGTERM to the 2 processes once the first volume is in the checkpoint (as a batch scheduler
# signals every process of the job at its wall-time limit), then --restart with 2 processes.
# (OpenMPI's mpirun, when it is signalled itself, passes the signal on but exits with 1 whatever
# the processes return; the checkpoint is written all the same.)  Needs the si2-eos case's
# serial result.
. "$root/tools/proc_lib.sh" # children_of

eos_stop_case() {
    echo "== si2-eos-stop: 2-process eos stopped by SIGTERM once its second SCF has begun, then --restart"
    vols=0.96,0.98,1.00,1.02,1.04
    ck="$work/stop.eos.ckpt"
    mpirun $mpirun_args "$mpi_bin" eos "$root/tools/mpi_check/si2-kpoints.yaml" --volumes $vols \
        --checkpoint "$ck" --json "$work/stop.json" --verbose >"$work/stop.out" 2>&1 &
    pid=$!
    (sleep 300; kill -KILL $pid 2>/dev/null) >/dev/null 2>&1 &
    dog=$!
    waited=0
    # Until the second volume's SCF has begun (--verbose prints a table header per SCF): the stop
    # then most likely falls within that SCF (about 0.3 s), whose state it saves (CKPT.scf).
    while [ "$(grep -c '^iter ' "$work/stop.out" 2>/dev/null)" -lt 2 ] && [ $waited -lt 6000 ] && kill -0 $pid 2>/dev/null; do
        sleep 0.02
        waited=$((waited + 1))
    done
    parent_pid=$pid
    kids=$(children_of)
    echo "  signalling processes $(echo $kids) of mpirun $pid"
    [ -n "$kids" ] && kill -TERM $kids 2>/dev/null
    wait $pid
    got=$?
    kill $dog 2>/dev/null
    if [ "$got" != 3 ]; then
        echo "  the stopped run: exit code $got, expected 3 (stopped by a signal):"; sed 's/^/    /' "$work/stop.out"
        fail=1; return
    fi
    if ! $tmo mpirun $mpirun_args "$mpi_bin" eos "$root/tools/mpi_check/si2-kpoints.yaml" --volumes $vols \
            --checkpoint "$ck" --restart --json "$work/stop.json" >"$work/restart-eos.out" 2>&1; then
        echo "  the 2-process restart failed:"; sed 's/^/    /' "$work/restart-eos.out"; fail=1; return
    fi
    n_ck=$(grep -c "from the checkpoint" "$work/restart-eos.out")
    n_new=$(grep -c "SCF iterations," "$work/restart-eos.out")
    echo "  stopped with exit code 3; the restart took $n_ck volume(s) from the checkpoint and computed $n_new"
    if grep -q "the SCF state of volume" "$work/stop.out"; then
        if ! grep -q "restart: from the SCF state of iteration" "$work/restart-eos.out" || [ -e "$ck.scf" ]; then
            echo "  the stop saved the SCF under way, but the restart did not start from it (or left $ck.scf):"
            sed 's/^/    /' "$work/restart-eos.out"; fail=1; return
        fi
        echo "  the SCF under way was saved at the stop, and the restart continued it"
    else
        echo "  the stop fell between two volumes (no SCF under way)"
    fi
    if [ "$n_ck" -lt 1 ] || [ $((n_ck + n_new)) != 5 ]; then
        echo "  expected at least 1 volume from the checkpoint and 5 in all:"; sed 's/^/    /' "$work/restart-eos.out"
        fail=1; return
    fi
    # The volumes computed before and after the stop: the fit as the uninterrupted serial run's.
    python3 - "$work/si2-eos.serial.json" "$work/stop.json" <<'PY' || fail=1
import json, sys
a, b = (json.load(open(p))["fit"] for p in sys.argv[1:3])
ok = True
for key, rel in (("V0_A3_per_atom", 1e-6), ("B0_GPa", 1e-6), ("B1", 1e-5)):
    d = abs(a[key] - b[key])
    good = d <= rel * abs(a[key])
    ok = ok and good
    print(f"  {key:28s} {d:22.2e}  (tolerance {rel * abs(a[key]):.1e})  {'ok' if good else 'FAIL'}")
sys.exit(0 if ok else 1)
PY
}

expect_exit() { # name code mpirun-args...
    name=$1 want=$2
    shift 2
    echo "== $name: expect exit code $want"
    $tmo mpirun $mpirun_args "$@" >"$work/$name.out" 2>&1
    got=$?
    if [ "$got" != "$want" ]; then
        echo "  exit code $got, expected $want:"; sed 's/^/    /' "$work/$name.out"; fail=1
    else
        echo "  exit code $got: $(grep -m1 'error' "$work/$name.out")"
    fi
}

t0=$(date +%s)
run_case si2-pools si2-kpoints.yaml
run_case si2-bands si2-kpoints.yaml --pools 1
run_case si8-gamma si8-gamma.yaml
run_case fe-spin fe-spin.yaml
restart_case
run_cmd_case si2-eos eos si2-kpoints.yaml --volumes 0.96,0.98,1.00,1.02,1.04
eos_stop_case
run_cmd_case si2-relax relax si2-kpoints.yaml --fmax 0.005
run_cmd_case si2-eos-relax eos si2-kpoints.yaml --volumes 0.96,0.98,1.00,1.02,1.04 --relax
printf 'cell:\n  lattice: [[1, 0, 0], [0, 1, 0], [0, 0, 1]]\n  units: angstrom\n  species: [Si]\n  positions: [[0, 0, 0]]\n  coordinates: fractional\necut: 28\n' >"$work/bad.yaml"
expect_exit bad-input 2 "$mpi_bin" scf "$work/bad.yaml" --quiet
expect_exit too-many-pools 2 "$mpi_bin" scf "$root/tools/mpi_check/si2-kpoints.yaml" --quiet --pools 3
t1=$(date +%s)
if [ "$fail" = 0 ]; then
    echo "mpi_check: all agree ($((t1 - t0)) s)"
else
    echo "mpi_check: FAILED ($((t1 - t0)) s)"
fi
exit "$fail"
