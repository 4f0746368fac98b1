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
# plus two error cases: a bad input must stop both processes with exit code 2, and --pools
# beyond the process count is a usage error (exit 2), neither hanging.
# About 40 s on 2 idle cores.  Exit 0 all agree, 1 a mismatch or failure, 2 setup problem.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
mpi_bin=${1:-$root/build/mpi/lodestone}
serial_bin=${2:-}
if [ -z "$serial_bin" ]; then
    if [ -x "$root/build/lodestone" ]; then serial_bin=$root/build/lodestone; else serial_bin=$mpi_bin; fi
fi
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
