#!/bin/sh
# Run every test binary given (and *.py test scripts, through python3), show each one's summary, and end
# with the total line "N passed, N failed".  Exit 1 if any test failed or a binary crashed.
passed=0
failed=0
crashed=0
for t in "$@"; do
    case "$t" in
    *.py)
        # Python tests (validation/): need python3 (3.8 or later, standard library); skipped without it.
        py=${PYTHON:-$(command -v python3 || true)}
        if [ -z "$py" ]; then
            out="$(basename "$t" .py): skipped (no python3)
$(basename "$t" .py): 0 passed, 0 failed"
            rc=0
        else
            out=$("$py" "$t" 2>&1)
            rc=$?
        fi
        ;;
    *)
        out=$("$t" 2>&1)
        rc=$?
        ;;
    esac
    summary=$(printf '%s\n' "$out" | tail -n 1)
    p=$(printf '%s\n' "$summary" | sed -n 's/.*: \([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\1/p')
    f=$(printf '%s\n' "$summary" | sed -n 's/.*: \([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\2/p')
    if [ -z "$p" ]; then
        # No summary: the binary crashed before finishing.
        printf '%s\n' "$out"
        echo "$(basename "$t"): CRASHED (exit $rc)"
        crashed=$((crashed + 1))
        failed=$((failed + 1))
        continue
    fi
    if [ "$f" != 0 ] || [ "$rc" != 0 ]; then printf '%s\n' "$out"; else printf '%s\n' "$summary"; fi
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "$rc" != 0 ] && [ "$f" = 0 ]; then failed=$((failed + 1)); fi
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
