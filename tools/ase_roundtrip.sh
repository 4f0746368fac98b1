#!/usr/bin/env bash
# Extended XYZ agreement with ASE: tools/ase_roundtrip.sh PATH/TO/lodestone
#
# Writes structures with ASE, passes them (and common/testdata/mlearn/Si_test.xyz, the mlearn
# Si test set) through `lodestone convert IN.xyz OUT.xyz`, and checks with ASE that nothing
# changed (see tools/ase_roundtrip.py).  Needs python3 with ase and numpy (Debian: python3-ase);
# set PYTHON to choose the interpreter.
# Exit 0 when every check passes, 1 when one fails, 2 for a usage or setup problem.
set -u

if [ $# -ne 1 ]; then
    echo "usage: $0 PATH/TO/lodestone" >&2
    exit 2
fi
bin=$1
if [ ! -x "$bin" ]; then
    echo "FAIL  $bin is not an executable (build it with make)" >&2
    exit 2
fi
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac

here=$(cd "$(dirname "$0")" && pwd)
mlearn=$here/../common/testdata/mlearn/Si_test.xyz
if [ ! -r "$mlearn" ]; then
    echo "FAIL  reference file $mlearn not found (a complete checkout has it)" >&2
    exit 2
fi

# The first interpreter that can import ase and numpy: $PYTHON, python3, /usr/bin/python3
# (a pyenv or venv python3 first on PATH often lacks the Debian python3-ase package).
py=
for cand in ${PYTHON:-} python3 /usr/bin/python3; do
    if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import ase, numpy' >/dev/null 2>&1; then
        py=$cand
        break
    fi
done
if [ -z "$py" ]; then
    echo "FAIL  ASE is not installed: 'python3 -c \"import ase\"' fails." >&2
    echo "      Install it (sudo apt-get install python3-ase, or pip install ase) or set PYTHON." >&2
    exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/ase_roundtrip.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
"$py" "$here/ase_roundtrip.py" "$bin" "$work" "$mlearn"
