#!/bin/sh
# Search at scale (issue 16): the wall time of one batch proposal (bo_suggest: hyperparameter
# fit, model, scoring every candidate, a kriging-believer batch of q = 64) on synthetic data with
# 12 features, at 10^3 observations x 10^5 candidates (target < 1 s) and 10^4 x 10^6 (target
# < 10 s), on the default model (auto: the nearest-neighbour GP above the size of
# search/README.md) and, at 10^3 x 10^5, on the exact GP for comparison.  The machine's load
# (uptime) is printed before and after every case.
# usage (from the project root, after make): sh validation/bo/bench_scale.sh [quick]
#   quick: 10^3 x 10^5 only.  OMP_NUM_THREADS sets the threads (default: all cores).
set -e
cd "$(dirname "$0")/../.."
[ -f build/obj/liblodestone.a ] || { echo "bench_scale.sh: build first (make)" >&2; exit 2; }
bin=build/bench_scale
PKGS="openblas lapacke fftw3 gsl libxc spglib sqlite3 libfyaml"
# shellcheck disable=SC2046
cc -std=c11 -D_GNU_SOURCE -O2 -fopenmp -I. $(pkg-config --cflags $PKGS) validation/bo/bench_scale.c \
    build/obj/liblodestone.a $(pkg-config --libs $PKGS) -lfftw3_omp -lm -o "$bin"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'); commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
run() {
    echo "load before: $(uptime | sed 's/.*load average: //')"
    "$bin" "$@"
    echo "load after:  $(uptime | sed 's/.*load average: //')"
}
run 1000 100000 64 12 auto
run 1000 100000 64 12 exact
[ "$1" = quick ] && exit 0
run 10000 1000000 64 12 auto
