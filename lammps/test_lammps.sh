#!/bin/sh
# Tests of pair_style lodestone (make test-lammps; needs build/lmp_lodestone from 'make lammps').
# Uses only repository files: a two-member model trained for two epochs on
# surrogate/testdata/cu16_lj.xyz.  Checks: energies, forces and virial equal to
# 'lodestone predict' to 1e-10 relative (serial, and 2 MPI processes on a 2x2x2 supercell);
# bad input exits 2 naming the element or the line: an element the model lacks, a model for
# other elements, a corrupt model file.  Ends with 'N passed, N failed'.
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
T=$BUILD/tmp/test_lammps
rm -rf "$T" && mkdir -p "$T"
pass=0
fail=0
check() { # name, command status 0 = pass
    if [ "$2" -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "  FAIL $1"; fi
}
export OMP_NUM_THREADS=1
"$BUILD/lodestone" train --train "$ROOT/surrogate/testdata/cu16_lj.xyz" --out "$T/cu.nnp" --epochs 2 --ensemble 2 \
    --n-radial4 2 --hidden 8,8 --seed 3 >/dev/null 2>&1
check "train the test model" $?
LODESTONE="$BUILD/lodestone" LMP_LODESTONE="$BUILD/lmp_lodestone" python3 "$ROOT/validation/lammps/compare.py" \
    "$T/cu.nnp" "$ROOT/surrogate/testdata/cu16_lj.xyz" --out "$T/serial" > "$T/serial.txt" 2>&1
check "serial equality to 1e-10 ($(tail -n 1 "$T/serial.txt"))" $?
if command -v mpirun >/dev/null; then
    LODESTONE="$BUILD/lodestone" LMP_LODESTONE="$BUILD/lmp_lodestone" python3 "$ROOT/validation/lammps/compare.py" \
        "$T/cu.nnp" "$ROOT/surrogate/testdata/cu16_lj.xyz" --out "$T/mpi" --np 2 --repeat 2 > "$T/mpi.txt" 2>&1
    check "2-process equality to 1e-10 ($(tail -n 1 "$T/mpi.txt"))" $?
fi
# bad input: run the serial input with a changed pair_coeff line or model
bad() { # name, sed expression on the input, expected text in the error
    sed "$2" "$T/serial/frame0.in" > "$T/bad.in"
    "$BUILD/lmp_lodestone" -in "$T/bad.in" -log none -screen "$T/bad.screen" > /dev/null 2>&1
    rc=$?
    [ $rc -eq 2 ] && grep -q "$3" "$T/bad.screen"
    check "$1 (exit $rc, expected 2 and '$3')" $?
}
bad "an element the model lacks" 's/^pair_coeff \* \* \(.*\) Cu$/pair_coeff * * \1 Fe/' "element Fe (type 1) is not in the model"
sed 's/^elements 1 Cu/elements 1 Al/; s/ element Cu / element Al /' "$T/cu.nnp" > "$T/al.nnp"
bad "a model for other elements" "s|$T/cu.nnp|$T/al.nnp|" "element Cu (type 1) is not in the model"
sed '9s/.*/feature_mean 0.5 nonsense/' "$T/cu.nnp" > "$T/corrupt.nnp"
bad "a corrupt model file" "s|$T/cu.nnp|$T/corrupt.nnp|" "corrupt.nnp:9"
echo "test_lammps: $pass passed, $fail failed"
[ $fail -eq 0 ]
