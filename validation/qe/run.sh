#!/bin/sh
# Run lodestone on every Quantum ESPRESSO reference system (or those named) and compare.
#   validation/qe/run.sh [si2 al-fcc ...] [--threads N] [--scratch DIR] [--results FILE|-] [--dry-run]
# Needs build/lodestone (make) and the shared folder (../shared, or $LODESTONE_SHARED).
# Writes validation/qe/results.md; exit code 0 all within tolerance, 1 some figure failed, 2 usage error.
here=$(cd "$(dirname "$0")" && pwd)
exec nice python3 "$here/compare.py" "$@"
