#!/bin/sh
# Element-count study: descriptor length, training time and test error at 1, 2, 5 and 10
# elements, Chebyshev chemical channels (the default, --chem chebyshev --n-chem 2) against one
# channel per element (--chem element), on synthetic EAM data (make_synthetic.py).
#   usage: validation/mlearn-elements/run.sh [EPOCHS]     (default 60; out/ holds data, logs, models)
set -e
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN=${LODESTONE:-$ROOT/build/lodestone}
EPOCHS=${1:-60}
OUT=${OUT:-$HERE/out}
mkdir -p "$OUT"
echo "commit $(git -C "$ROOT" rev-parse --short HEAD), $(date -u +%Y-%m-%dT%H:%MZ), load $(cut -d' ' -f1-3 /proc/loadavg), OMP_NUM_THREADS=${OMP_NUM_THREADS:-all}, $EPOCHS epochs"
printf '%-3s %-10s %9s %12s %14s %14s\n' N chem features s_per_epoch E_MAE_meV_at F_MAE_eV_A
for N in 1 2 5 10; do
    [ -f "$OUT/train_$N.xyz" ] || python3 "$HERE/make_synthetic.py" "$N" 150 "$N" "$OUT/train_$N.xyz"
    [ -f "$OUT/test_$N.xyz" ] || python3 "$HERE/make_synthetic.py" "$N" 50 "$((N + 100))" "$OUT/test_$N.xyz"
    for chem in chebyshev element; do
        [ "$N" = 1 ] && [ "$chem" = element ] && continue  # identical for one element
        log="$OUT/train_${N}_$chem.log"
        nice -n 10 "$BIN" train --train "$OUT/train_$N.xyz" --test "$OUT/test_$N.xyz" --out "$OUT/m_${N}_$chem.nnp" \
            --chem "$chem" --epochs "$EPOCHS" --json "$OUT/test_${N}_$chem.json" > "$OUT/train_${N}_$chem.out" 2> "$log"
        nf=$(sed -n 's/.*validating on [0-9]*; \([0-9]*\) features.*/\1/p' "$log")
        last=$(grep ' epoch ' "$log" | tail -n 1 | sed 's/.* \([0-9.]*\) s.*/\1/')
        ep=$(grep -c ' epoch ' "$log")
        emae=$(sed -n 's/.*"energy_mae_meV_per_atom": \([0-9.e+-]*\).*/\1/p' "$OUT/test_${N}_$chem.json")
        fmae=$(sed -n 's/.*"force_mae_eV_per_A": \([0-9.e+-]*\).*/\1/p' "$OUT/test_${N}_$chem.json")
        printf '%-3s %-10s %9s %12.2f %14.3f %14.4f\n' "$N" "$chem" "$nf" "$(echo "$last / $ep" | bc -l)" "$emae" "$fmae"
    done
done
