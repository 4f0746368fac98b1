#!/bin/sh
# Synthetic data for the suggest speed target: a pool of 100,000 candidates with 6 features
# and 500 observations of a smooth function of them plus noise (deterministic: awk srand(42)).
# usage: make_speed_data.sh OUTDIR
set -e
out=${1:-build/bo_speed}
mkdir -p "$out"
awk 'BEGIN {
    srand(42);
    print "x1,x2,x3,x4,x5,x6" > "'"$out"'/pool.csv";
    print "x1,x2,x3,x4,x5,x6,y" > "'"$out"'/obs.csv";
    for (i = 0; i < 100500; i++) {
        s = ""; y = 0;
        for (d = 1; d <= 6; d++) { x[d] = rand(); s = s (d > 1 ? "," : "") sprintf("%.6f", x[d]); }
        y = sin(3 * x[1]) + cos(2 * x[2]) * x[3] - (x[4] - 0.3)^2 + 0.5 * x[5] * x[6] + 0.05 * (rand() - 0.5);
        if (i < 100000) print s > "'"$out"'/pool.csv";
        else print s "," sprintf("%.6f", y) > "'"$out"'/obs.csv";
    }
}'
