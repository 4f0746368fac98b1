#!/bin/sh
# Train and evaluate a Lodestone potential on one element of the mlearn benchmark
# (Zuo et al., J. Phys. Chem. A 124, 731 (2020)): train on EL_train.xyz, report on EL_test.xyz.
#   usage: validation/mlearn/run.sh EL [extra 'lodestone train' options]
#   env:   EPOCHS (default: 400 Cu/Ni, 1000 Si), W_FORCE (default: 100 Cu/Ni, 30 Si), OUT (default validation/mlearn/out), LODESTONE (default build/lodestone)
# Writes OUT/EL.nnp, OUT/EL_train.log (one line per epoch), OUT/EL_test.json, and prints
# the test-set errors next to the published ones (../shared/reference/mlearn/published.csv).
set -e
EL=${1:?usage: run.sh Ni|Cu|Si [options]}
shift
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DATA=${LODESTONE_SHARED:-$ROOT/../shared}/reference/mlearn
BIN=${LODESTONE:-$ROOT/build/lodestone}
OUT=${OUT:-$HERE/out}
# Per-element defaults chosen on the validation split (README): Si's energies need a
# smaller force weight than Cu/Ni's.
case "$EL" in
    Si) EPOCHS=${EPOCHS:-1000}; W_FORCE=${W_FORCE:-30} ;;
    *)  EPOCHS=${EPOCHS:-400}; W_FORCE=${W_FORCE:-100} ;;
esac
mkdir -p "$OUT"
[ -x "$BIN" ] || { echo "build first: make -j2" >&2; exit 2; }
echo "commit $(git -C "$ROOT" rev-parse --short HEAD), $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, OMP_NUM_THREADS=${OMP_NUM_THREADS:-all}"
# Forces weighted W_FORCE (per 0.02 eV/Å against 1 meV/atom), Adam 1e-2 decaying to 1e-4;
# a wall-time guard under the 30-minute budget.
/usr/bin/time -f "training wall %e s, CPU %U s user + %S s system" -o "$OUT/${EL}_time.txt" \
    nice -n 19 "$BIN" train --train "$DATA/${EL}_train.xyz" --out "$OUT/$EL.nnp" \
    --epochs "$EPOCHS" --lr 1e-2 --lr-final 1e-4 --w-force "$W_FORCE" --batch 4 --patience 100 --seed 2020 \
    --max-time 1700 "$@" 2> "$OUT/${EL}_train.log"
cat "$OUT/${EL}_time.txt"
tail -n 3 "$OUT/${EL}_train.log"
nice -n 19 "$BIN" predict --model "$OUT/$EL.nnp" "$DATA/${EL}_test.xyz" --json "$OUT/${EL}_test.json" | tail -n 6
echo "published (test-set MAE, meV/atom and eV/A):"
grep "^$EL," "$DATA/published.csv" | cut -d, -f2-4
