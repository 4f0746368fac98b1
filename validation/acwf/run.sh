#!/bin/sh
# ACWF verification study: lodestone eos on the ACWF crystals against the all-electron reference.
#   validation/acwf/run.sh [SYSTEMS ...|--set quick|--set all] [--work DIR] [--threads N]
#                          [--task-id I --n-tasks N] [--dry-run] [--results FILE|-] [--report] [--list]
# Finds the binary (--lodestone, $LODESTONE_BIN, else build/lodestone) and python3 ($PYTHON, else
# /usr/bin/python3, else python3 on PATH; standard library only), and runs acwf.py under nice
# ($ACWF_NICE, default 10).  See validation/acwf/README.md.
# Exit code: 0 all selected systems done, 1 some not done, 2 usage error, 3 stopped by a signal (rerun).
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
if [ -z "$LODESTONE_BIN" ] && [ -x "$root/build/lodestone" ]; then
    LODESTONE_BIN="$root/build/lodestone"
    export LODESTONE_BIN
fi
py=${PYTHON:-}
if [ -z "$py" ]; then
    for c in /usr/bin/python3 "$(command -v python3 2>/dev/null)"; do
        if [ -n "$c" ] && [ -x "$c" ] && "$c" -c 'import sys; sys.exit(sys.version_info < (3, 8))' 2>/dev/null; then
            py=$c
            break
        fi
    done
fi
if [ -z "$py" ]; then
    echo "run.sh: python3 (3.8 or later) not found: install it or set PYTHON" >&2
    exit 2
fi
exec nice -n "${ACWF_NICE:-10}" "$py" "$here/acwf.py" "$@"
