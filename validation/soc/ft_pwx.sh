#!/bin/sh
# pw.x 6.7's force theorem (lforcet) for L1_0 FePt, the reference of `lodestone mae` (README.md):
# a collinear scf (nspin = 2), then per direction a noncollinear spin-orbit nscf with lforcet
# from a fresh copy of that scf's save folder; then `lodestone mae` on the same magnet and
# compare.py ft.  Run after `make`: sh validation/soc/ft_pwx.sh
set -e
cd "$(dirname "$0")"
mkdir -p out
if [ "$1" != "--nscf-only" ]; then
    OMP_NUM_THREADS=1 nice -n 10 pw.x -in fept_l10_ft_col.in > out/fept_l10_ft_col.pwx.out 2>&1
fi
rm -rf tmp/fept_l10_ft.save.col
cp -r tmp/fept_l10_ft.save tmp/fept_l10_ft.save.col
for d in 001 100; do
    rm -rf tmp/fept_l10_ft.save
    cp -r tmp/fept_l10_ft.save.col tmp/fept_l10_ft.save
    OMP_NUM_THREADS=1 nice -n 10 pw.x -in fept_l10_ft_$d.pwx.in > out/fept_l10_ft_$d.pwx.out 2>&1
done
LODESTONE=${LODESTONE:-../../build/lodestone}
OMP_NUM_THREADS=1 nice -n 10 "$LODESTONE" mae fept_l10_001.in --directions 001,100 --threads 1 \
    --json out/fept_mae_ft.json > out/fept_mae_ft.out 2> out/fept_mae_ft.err
python3 compare.py ft
