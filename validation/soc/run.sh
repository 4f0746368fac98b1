#!/bin/sh
# Lodestone against pw.x 6.7 on the spin-orbit inputs of this folder (README.md).
# Usage: sh run.sh [case ...]   (default: pt_fcc_soc fe_bcc_001_soc)
# Run from anywhere; the build must exist (make).  One thread each, niced (the machine is shared).
set -e
cd "$(dirname "$0")"
LODESTONE=${LODESTONE:-../../build/lodestone}
cases=${*:-"pt_fcc_soc fe_bcc_001_soc"}
mkdir -p out
for c in $cases; do
    echo "== $c: pw.x" >&2
    OMP_NUM_THREADS=1 /usr/bin/time -f "%e s wall %U s user" nice -n 10 pw.x -in "$c.in" > "out/$c.pwx.out" 2> "out/$c.pwx.time"
    echo "== $c: lodestone" >&2
    OMP_NUM_THREADS=1 /usr/bin/time -f "%e s wall %U s user" nice -n 10 "$LODESTONE" scf "$c.in" --threads 1 \
        --json "out/$c.lodestone.json" --checkpoint none > "out/$c.lodestone.out" 2> "out/$c.lodestone.err"
done
uptime
python3 compare.py $cases
