#!/bin/sh
# Replays every saved fuzzing input through its fuzz target, built without
# the fuzzing engine into $BUILD/fuzz/replay_TARGET (mk/fuzz.mk), so the
# corpora that once found bugs keep guarding against them under each
# build's sanitizers: the CSV reader (fuzz/corpus/csv and tests/data/csv),
# the model loader (fuzz/corpus/model and tests/data/model) and the
# command line (fuzz/corpus/cli). A target aborts on a broken promise.
# Usage: BUILD=build sh tests/fuzz_replay.sh
set -u
BUILD="${BUILD:-build}"
pass=0
fail=0
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

for target in csv model cli; do
    replay="$BUILD/fuzz/replay_$target"
    inputs="fuzz/corpus/$target"
    [ -d "tests/data/$target" ] && inputs="$inputs tests/data/$target"
    if [ ! -x "$replay" ]; then
        fail=$((fail + 1))
        echo "not ok: $replay is missing (make tests builds it)"
        continue
    fi
    # shellcheck disable=SC2086
    "$replay" $inputs >"$TMP/out" 2>"$TMP/err"
    status=$?
    count=$(sed -n 's/^replayed \([0-9]*\) inputs$/\1/p' "$TMP/out")
    if [ $status -eq 0 ] && [ "${count:-0}" -gt 0 ]; then
        pass=$((pass + 1))
        echo "ok: $target: $count inputs"
    else
        fail=$((fail + 1))
        echo "not ok: $target: exit $status after $(grep -c '^replay: ' "$TMP/err") inputs"
        grep -E '^replay: ' "$TMP/err" | tail -n 1
        grep -vE '^(replay|backprop): ' "$TMP/err" | tail -n 30
    fi
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
