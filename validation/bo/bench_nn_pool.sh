#!/bin/sh
# Accuracy of the nearest-neighbour GP (search/gp_nn.c) against the exact GP on the pool
# benchmarks of Liang et al. 2021 (../shared/reference/bo): the same settings, seeds and runs,
# the model forced with --gp exact / --gp nn (k = 64 neighbours, the default: on these pools of
# 178 and 600 candidates the approximation is in force from the 65th observation on).  Extra
# arguments go to bench-pool (e.g. --stop-at 0.8 --neighbors 32).
# usage (from the project root, after make): sh validation/bo/bench_nn_pool.sh [RUNS] [OUTDIR] [BENCH-POOL ARGS...]
# Expensive (about half an hour at 50 runs on a loaded 2-core machine): run it with nice.
set -e
BIN=${LODESTONE_BIN:-build/lodestone}
REF=${LODESTONE_SHARED:-../shared}/reference/bo
RUNS=${1:-50}
OUT=${2:-build/bo_nn_pool}
[ $# -ge 2 ] && shift 2 || shift $#
EXTRA="$*"
mkdir -p "$OUT"
echo "machine: $(nproc) cores; commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'); $RUNS runs each"
for p in "crossed_barrel Crossed_barrel.csv toughness:max" "p3ht P3HT.csv Conductivity (measured) (S/cm):max"; do
    set -- $p
    name=$1; file=$2; shift 2; obj="$*"
    for gp in exact nn; do
        echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
        $BIN bench-pool --pool "$REF/$file" --objective "$obj" --runs "$RUNS" --refit-every 5 --restart-every 25 \
            --gp $gp --json "$OUT/$name-$gp.json" $EXTRA
    done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
