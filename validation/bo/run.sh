#!/bin/sh
# Bayesian-search validation: pool benchmarks (Liang et al. 2021, ../shared/reference/bo),
# standard test functions, and the suggest speed target.  Writes validation/bo/results/
# (JSON reports, SVG plots) and validation/bo/RESULTS.md (date, commit, machine, figures).
# usage: sh validation/bo/run.sh [quick]     (quick: 8 pool runs and 5 function seeds)
# Run from the project root after `make`.  Expensive: run it with nice on a shared machine.
set -e
BIN=${LODESTONE_BIN:-build/lodestone}
REF=${LODESTONE_SHARED:-../shared}/reference/bo
OUT=validation/bo/results
RES=validation/bo/RESULTS.md
RUNS=50; SEEDS=20
[ "$1" = quick ] && RUNS=8 && SEEDS=5
mkdir -p "$OUT"
{
    echo "# Bayesian-search validation results"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "- commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (modified tree)')"
    echo "- machine: $(uname -srm), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
    echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (shared machine; all runs under nice)"
    echo "- program: $($BIN --version)"
    echo
} > "$RES"

echo "## Standard test functions (medians over $SEEDS seeds)" >> "$RES"
echo '```' >> "$RES"
nice $BIN bench-function --function branin --evals 40 --runs $SEEDS --json $OUT/branin.json >> "$RES"
nice $BIN bench-function --function hartmann6 --evals 60 --runs $SEEDS --json $OUT/hartmann6.json >> "$RES"
nice $BIN bench-function --function branincurrin --evals 86 --init 6 --batch 2 --runs $SEEDS --json $OUT/branincurrin.json >> "$RES"
echo '```' >> "$RES"
echo "Targets: Branin simple regret < 1e-3 after 40; Hartmann-6 best >= 3.2 after 60; BraninCurrin HV >= 57 after 86." >> "$RES"
echo >> "$RES"

echo "## Speed: suggest, 500 observations, 100,000 candidates x 6 features, q = 4" >> "$RES"
sh validation/bo/make_speed_data.sh build/bo_speed
echo '```' >> "$RES"
( cd build/bo_speed && /usr/bin/time -f "wall %e s, CPU user %U s + sys %S s" nice ../../$BIN suggest --pool pool.csv \
    --observations obs.csv --objective y:max --batch 4 --seed 1 --out suggestions.csv ) >> "$RES" 2>&1
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$RES"
echo '```' >> "$RES"
echo >> "$RES"

pool() { # name file objective tag extra-args...
    name=$1; file=$2; obj=$3; tag=$4; shift 4
    nice $BIN bench-pool --pool "$REF/$file" --objective "$obj" --runs $RUNS --refit-every 5 --restart-every 25 \
        --json "$OUT/$name-$tag.json" --plot "$OUT/$name-$tag.svg" "$@" >> "$RES"
}
echo "## Pool benchmarks ($RUNS seeded runs each; published GP + LCB on Crossed barrel: 79 and 165)" >> "$RES"
echo '```' >> "$RES"
for p in "crossed_barrel Crossed_barrel.csv toughness:max" "p3ht P3HT.csv Conductivity (measured) (S/cm):max"; do
    set -- $p
    name=$1; file=$2; shift 2; obj="$*"
    # Maximum-likelihood screening runs (hyperparameters refitted every 5 steps).
    pool "$name" "$file" "$obj" ei-m52 --acquisition ei --kernel matern52 --prior none
    pool "$name" "$file" "$obj" lcb-m52 --acquisition lcb --kappa 2 --kernel matern52 --prior none
    pool "$name" "$file" "$obj" ei-m32 --acquisition ei --kernel matern32 --prior none
    nice $BIN bench-pool --pool "$REF/$file" --objective "$obj" --runs $RUNS --acquisition lcb --kappa 2 --prior none \
        --kernel matern52 --json "$OUT/$name-lcb-m52-refit1.json" --plot "$OUT/$name-lcb-m52-refit1.svg" >> "$RES"
    # The defaults (no options: UCB kappa 2 with the dim-scaled prior, refit at every step):
    # validation/bo/README.md, "Defaults".
    nice $BIN bench-pool --pool "$REF/$file" --objective "$obj" --runs $RUNS \
        --json "$OUT/$name-default.json" --plot "$OUT/$name-default.svg" >> "$RES"
done
echo '```' >> "$RES"
echo "done: $RES"
