#!/bin/sh
# Prediction speed (energy + forces + stress) on one core for fcc Cu supercells of 500,
# 4,000 and 32,000 atoms, and the 10 ps NVE energy-conservation run on 256 atoms.
#   usage: validation/mlearn/bench.sh MODEL [speed|nve|all]
set -e
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN=${LODESTONE:-$ROOT/build/lodestone}
MODEL=${1:?usage: bench.sh MODEL [speed|nve|all]}
WHAT=${2:-all}
OUT=${OUT:-$HERE/out}
mkdir -p "$OUT"
echo "commit $(git -C "$ROOT" rev-parse --short HEAD), $(date -u +%Y-%m-%dT%H:%MZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$WHAT" = speed ] || [ "$WHAT" = all ]; then
    for r in 5 10 20; do
        # 'md --steps 0' builds the supercell and evaluates once; time 20 steps of NVE
        # (one energy+forces+stress evaluation per step) on one thread.
        OMP_NUM_THREADS=1 nice "$BIN" md --model "$MODEL" "$HERE/cu_fcc.xyz" --repeat $r,$r,$r --steps 20 \
            --every 20 --temperature 300 | tail -n 1 | sed "s/^/repeat $r: /"
    done
fi
if [ "$WHAT" = nve ] || [ "$WHAT" = all ]; then
    OMP_NUM_THREADS=${OMP_NUM_THREADS:-2} nice "$BIN" md --model "$MODEL" "$HERE/cu_fcc.xyz" --repeat 4,4,4 \
        --steps 10000 --dt 1 --temperature 300 --every 500 --traj "$OUT/cu_nve_256.xyz" | tee "$OUT/cu_nve_256.log" | tail -n 4
fi
