#!/bin/sh
# Runs every test program and test script against one or more build
# directories and ends with the total: "N passed, N failed[, N skipped]".
# A program or script that reports 0 passed and 0 failed ran no check: it
# is listed as "skip" and counted as one skip (or as the skips it names).
# Usage: tests/run.sh BUILD_DIR [BUILD_DIR...]
set -u
total_pass=0
total_fail=0
total_skip=0

# Adds up the closing "N passed, N failed[, N skipped]" line of one run.
tally() {
    name=$1
    out=$2
    status=$3
    line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -n 1)
    if [ -z "$line" ]; then
        echo "FAIL $name: no result line (exit $status)"
        printf '%s\n' "$out" | tail -n 20
        total_fail=$((total_fail + 1))
        return
    fi
    p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
    f=$(echo "$line" | sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/')
    s=$(echo "$line" | sed -nE 's/.*, ([0-9]+) skipped.*/\1/p')
    s=${s:-0}
    total_pass=$((total_pass + p))
    total_fail=$((total_fail + f))
    if [ "$f" -ne 0 ] || [ "$status" -ne 0 ]; then
        total_skip=$((total_skip + s))
        [ "$f" -ne 0 ] || total_fail=$((total_fail + 1))
        echo "FAIL $name: $line (exit $status)"
        printf '%s\n' "$out" | grep -vE '^[0-9]+ passed' | tail -n 40
    elif [ "$p" -eq 0 ]; then
        [ "$s" -gt 0 ] || s=1
        total_skip=$((total_skip + s))
        echo "skip $name: $line"
        reasons "$out" "no check ran"
    else
        total_skip=$((total_skip + s))
        echo "ok   $name: $line"
        [ "$s" -eq 0 ] || reasons "$out" "(no reason given)"
    fi
}

# The "skip" lines of a run's output, indented, or DEFAULT when it has none.
reasons() {
    r=$(printf '%s\n' "$1" | grep -iE '^ *skip' | head -n 5)
    [ -n "$r" ] || r=$2
    printf '%s\n' "$r" | sed 's/^ */     /'
}

for build in "$@"; do
    for t in "$build"/tests/test_*; do
        [ -x "$t" ] || continue
        out=$("$t" 2>&1)
        tally "$t" "$out" $?
    done
    for script in tests/*.sh; do
        case "$script" in tests/run.sh) continue ;; esac
        out=$(BUILD="$build" sh "$script" 2>&1)
        tally "$script [$build]" "$out" $?
    done
done

if [ "$total_skip" -gt 0 ]; then
    echo "$total_pass passed, $total_fail failed, $total_skip skipped"
else
    echo "$total_pass passed, $total_fail failed"
fi
[ "$total_fail" -eq 0 ]
