#!/bin/sh
# Run the examples and compare their numbers with expected.json (`make examples`).
#
#   tools/run_examples.sh BIN [NAME ...]     e.g. tools/run_examples.sh build/lodestone fe
#
# Every examples/dft/<name>/ holds one <name>.yaml and an expected.json.  Each example runs as
# `BIN scf <name>.yaml --json OUT --quiet` (threads from OMP_NUM_THREADS, as the program does),
# then tools/compare_example.py prints PASS/FAIL per number.  The name `campaign` runs
# examples/campaign/demo.yaml (`BIN campaign run`, a fresh database) and compares the candidates
# it verified and their results with examples/campaign/expected.json
# (tools/compare_campaign_example.py).  Exit 0 if every number passes,
# 1 if any fails or a run fails, 2 for a usage error.
bin=${1:?usage: tools/run_examples.sh BIN [NAME ...]}
shift
root=$(cd "$(dirname "$0")/.." && pwd)
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
[ -x "$bin" ] || { echo "run_examples: $bin is not an executable (run make first)"; exit 2; }
command -v python3 >/dev/null || { echo "run_examples: python3 is needed for the comparison"; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lodestone-examples.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
names=$*
[ -n "$names" ] || names="$(cd "$root/examples/dft" && ls -d */ | tr -d /) campaign"
failed=0
for name in $names; do
    if [ "$name" = campaign ]; then
        echo "== examples/campaign/demo.yaml"
        start=$(date +%s)
        "$bin" campaign run "$root/examples/campaign/demo.yaml" --db "$tmp/demo.db" > "$tmp/demo.log" 2>&1
        rc=$?
        echo "   lodestone exit code $rc, $(( $(date +%s) - start )) s"
        [ "$rc" = 0 ] || tail -n 20 "$tmp/demo.log"
        python3 "$root/tools/compare_campaign_example.py" "$root/examples/campaign/expected.json" "$tmp/demo.db" "$rc" ||
            failed=$((failed + 1))
        continue
    fi
    dir=$root/examples/dft/$name
    input=$dir/$name.yaml
    if [ ! -f "$input" ] || [ ! -f "$dir/expected.json" ]; then
        echo "$name: FAIL (no $name.yaml or expected.json in examples/dft/$name)"
        failed=$((failed + 1))
        continue
    fi
    echo "== examples/dft/$name/$name.yaml"
    start=$(date +%s)
    "$bin" scf "$input" --json "$tmp/$name.json" --quiet > "$tmp/$name.log" 2>&1
    rc=$?
    echo "   lodestone exit code $rc, $(( $(date +%s) - start )) s"
    if [ ! -f "$tmp/$name.json" ]; then
        cat "$tmp/$name.log"
        echo "$name: FAIL (no results)"
        failed=$((failed + 1))
        continue
    fi
    python3 "$root/tools/compare_example.py" "$dir/expected.json" "$tmp/$name.json" "$rc" || failed=$((failed + 1))
done
if [ "$failed" = 0 ]; then echo "examples: all passed"; else echo "examples: $failed failed"; fi
[ "$failed" = 0 ]
