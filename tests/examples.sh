#!/bin/sh
# Runs every example program and compares its output with the tutorial's
# figures in tests/expected/ (exact: double build only).
# Usage: BUILD=build sh tests/examples.sh
set -u
BUILD="${BUILD:-build}"
pass=0
fail=0
if "$BUILD/backprop" --version | grep -q float; then
    echo "skip: the examples print the tutorial's exact double-precision figures"
    echo "0 passed, 0 failed"
    exit 0
fi
for expected in tests/expected/*.txt; do
    name=$(basename "$expected" .txt)
    if "$BUILD/examples/$name" | cmp -s - "$expected"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "not ok: example $name differs from $expected"
    fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
