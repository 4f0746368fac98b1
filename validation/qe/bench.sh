#!/bin/sh
# Time pw.x and lodestone on the Quantum ESPRESSO reference inputs, 1 and 2 threads, same session.
#   validation/qe/bench.sh [si2 al-fcc ...] [--threads 1|2] [--repeat N] [--pw-only] [--pw-args '-nk 2']
#                          [--lodestone PATH] [--scratch DIR] [--results FILE|-] [--dry-run]
# Default: all six systems (si64 takes minutes), both thread counts, one run each.
# Installs Debian's quantum-espresso when pw.x is missing and we are root. Writes validation/qe/bench.md.
here=$(cd "$(dirname "$0")" && pwd)

if ! command -v pw.x >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
        echo "bench.sh: pw.x not found, installing Debian's quantum-espresso" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y quantum-espresso || { apt-get update && apt-get install -y quantum-espresso; } || {
            echo "bench.sh: apt-get install quantum-espresso failed" >&2; exit 2; }
    else
        echo "bench.sh: pw.x not found. Install Quantum ESPRESSO first: sudo apt-get install quantum-espresso" >&2
        exit 2
    fi
fi
if ! command -v mpirun >/dev/null 2>&1; then
    echo "bench.sh: warning: mpirun not found, the 2-process pw.x runs will fail (apt-get install openmpi-bin)" >&2
fi
exec python3 "$here/bench.py" "$@"
