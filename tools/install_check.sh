#!/bin/sh
# make install, then the installed program without its source tree (run by .ci/run):
#
#   tools/install_check.sh SRC       SRC: a checkout with its build (make && make lib); it is MOVED
#                                    away during the check and moved back at the end: give a copy
#
# 1. make install PREFIX=TMP/prefix from SRC, and once more with DESTDIR (a staged install must put
#    every file under DESTDIR and nothing elsewhere);
# 2. SRC is moved away (SRC.moved), LODESTONE_DATA unset;
# 3. from another folder, TMP/prefix/bin/lodestone --version must name TMP/prefix/share/lodestone
#    as its data directory, and the installed fe example (PREFIX/share/doc/lodestone/examples/dft/fe)
#    must give the numbers of its expected.json (tools/compare_example.py, copied first);
# 4. a copy of the program outside the prefix finds the data through the compiled-in directory;
#    LODESTONE_DATA pointing nowhere is an error (exit code 2) naming the variable;
# 5. the man page is installed and formats (when man is there).
# Exit 0 when every check passes, 1 when one fails, 2 for a setup problem.
src=${1:?usage: tools/install_check.sh SRC (a copy of a checkout with its build)}
src=$(cd "$src" && pwd) || exit 2
[ -x "$src/build/lodestone" ] || { echo "install_check: build $src first (make && make lib)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "install_check: python3 is needed for the comparison" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lodestone-install.XXXXXX") || exit 2
moved=
cleanup() {
    [ -n "$moved" ] && [ -d "$src.moved" ] && mv "$src.moved" "$src"
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 2' INT TERM
failed=0
fail() { echo "FAIL  $*"; failed=$((failed + 1)); }
pass() { echo "PASS  $*"; }

prefix=$tmp/prefix
cp "$src/tools/compare_example.py" "$tmp/" || exit 2
make -s -C "$src" install PREFIX="$prefix" > "$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; echo "install_check: make install failed" >&2; exit 1; }
make -s -C "$src" install PREFIX=/opt/lodestone DESTDIR="$tmp/stage" > "$tmp/stage.log" 2>&1 || { cat "$tmp/stage.log"; fail "make install DESTDIR=..."; }
[ -x "$tmp/stage/opt/lodestone/bin/lodestone" ] && [ -f "$tmp/stage/opt/lodestone/share/lodestone/pseudo/pd04-pbe-sr/Fe.upf" ] \
    && [ ! -e /opt/lodestone/bin/lodestone ] && pass "DESTDIR: the files are under DESTDIR/PREFIX" || fail "DESTDIR install"
for f in bin/lodestone lib/liblodestone.so include/lodestone.h share/man/man1/lodestone.1 \
         share/lodestone/pseudo/pd04-pbe-sr/HINTS.tsv share/lodestone/pseudo/pd04-pbe-sr/README.md \
         share/lodestone/pseudo/pd04-pbe-sr/Fe.upf share/doc/lodestone/examples/dft/fe/fe.yaml; do
    [ -e "$prefix/$f" ] || fail "PREFIX/$f not installed"
done

mv "$src" "$src.moved" && moved=1 || exit 2
unset LODESTONE_DATA
mkdir -p "$tmp/run" && cd "$tmp/run" || exit 2
bin=$prefix/bin/lodestone
"$bin" --version > version.txt 2>&1 || fail "lodestone --version exit code $?"
grep -q "data directory: $prefix/share/lodestone " version.txt && pass "installed: data directory $prefix/share/lodestone" \
    || { cat version.txt; fail "the installed program's data directory"; }
grep -q '^FFTW ' version.txt && grep -q '^spglib ' version.txt && grep -q '^MPI ' version.txt \
    && pass "--version lists the libraries" || fail "--version lists the libraries"
cp -R "$prefix/share/doc/lodestone/examples/dft/fe" fe || exit 2
start=$(date +%s)
"$bin" scf fe/fe.yaml --json fe.json > fe.log 2>&1
rc=$?
echo "      fe example: exit code $rc, $(( $(date +%s) - start )) s, source tree at $src.moved"
python3 "$tmp/compare_example.py" fe/expected.json fe.json "$rc" && pass "fe example from another folder, source tree moved away" \
    || { tail -n 20 fe.log; fail "fe example"; }
grep -q "$prefix/share/lodestone/pseudo/pd04-pbe-sr/Fe.upf" fe.json && pass "fe example: the installed Fe.upf" \
    || fail "fe example did not use the installed pseudopotential"

mkdir -p "$tmp/elsewhere/bin" && cp "$bin" "$tmp/elsewhere/bin/lodestone"
"$tmp/elsewhere/bin/lodestone" --version 2>&1 | grep -q "data directory: $prefix/share/lodestone (compiled in" \
    && pass "a copy outside the prefix: the compiled-in data directory" || fail "compiled-in data directory"
LODESTONE_DATA=$tmp/nowhere "$bin" scf fe/fe.yaml > nowhere.log 2>&1
rc=$?
[ "$rc" = 2 ] && grep -q LODESTONE_DATA nowhere.log && pass "LODESTONE_DATA pointing nowhere: exit code 2, named" \
    || { cat nowhere.log; fail "LODESTONE_DATA pointing nowhere: exit code $rc"; }
if command -v man >/dev/null 2>&1; then
    MANWIDTH=80 man -l "$prefix/share/man/man1/lodestone.1" 2>/dev/null | grep -q LODESTONE_DATA \
        && pass "man page formats" || fail "man page"
fi
if [ "$failed" = 0 ]; then echo "install_check: all passed"; else echo "install_check: $failed failed"; fi
[ "$failed" = 0 ]
