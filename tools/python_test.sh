#!/bin/sh
# The Python package's tests against a build (`make python-test`, run by .ci/run):
#
#   tools/python_test.sh [BUILD]        BUILD: the build folder (default build), with lodestone and liblodestone.so
#
# Makes a virtual environment BUILD/python-venv that sees the system's packages (Debian's python3-ase
# and python3-numpy), installs python/ into it as a user would (pip install --no-build-isolation
# ./python: no package index needed), and runs python/tests/test_*.py through tools/run_tests.sh with
# ASE_LODESTONE_COMMAND and LODESTONE_LIBRARY naming the build's program and library.  The
# interpreter is $PYTHON, else the first of python3 and /usr/bin/python3 that imports ase.
# Exit 0 when every test passes, 1 when one fails, 2 for a setup problem.
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
case $build in /*) ;; *) build=$root/$build ;; esac
[ -x "$build/lodestone" ] && [ -f "$build/liblodestone.so" ] || {
    echo "python_test: $build/lodestone and $build/liblodestone.so are needed (make && make lib)" >&2
    exit 2
}
py=
for cand in ${PYTHON:-} python3 /usr/bin/python3; do
    if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import ase, numpy, venv' >/dev/null 2>&1; then
        py=$cand
        break
    fi
done
[ -n "$py" ] || {
    echo "python_test: no python3 with ase, numpy and venv (Debian: apt-get install python3-ase python3-venv)" >&2
    exit 2
}
venv=$build/python-venv
rm -rf "$venv"
"$py" -m venv --system-site-packages "$venv" || exit 2
# A copy of the package, so that the build does not write into the source tree (python/build/).
src=$build/python-src
rm -rf "$src" && cp -R "$root/python" "$src" || exit 2
"$venv/bin/python" -m pip install --quiet --no-build-isolation --no-index "$src" || {
    echo "python_test: pip install --no-build-isolation ./python failed" >&2
    exit 2
}
cd "$root" || exit 2
mkdir -p "$build/tmp"
ASE_LODESTONE_COMMAND=$build/lodestone LODESTONE_LIBRARY=$build/liblodestone.so LODESTONE_TEST_TMP=$build/tmp \
    PYTHON=$venv/bin/python sh tools/run_tests.sh python/tests/test_*.py
