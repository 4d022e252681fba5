#!/bin/sh
# Interrupted training: a run killed with SIGKILL and resumed from its
# checkpoint ends with the same model file, byte for byte, as a run never
# stopped; SIGINT / SIGTERM stop with 130 / 143, leave the model file as it
# was and save a checkpoint.
# Usage: BUILD=build sh tests/interrupt.sh
. "$(dirname "$0")/sh/harness.sh"

SEEDS=data/wheat-seeds.csv
OPTS="--hidden 16 --activation tanh --batch 4 --optimizer adam --lr 0.01 --epochs 10000 --quiet"

# Waits (at most ~20 s) until a file exists.
wait_for() {
    i=0
    while [ ! -s "$1" ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
    [ -s "$1" ]
}

# shellcheck disable=SC2086
"$BP" train $OPTS "$SEEDS" -o "$TMP/straight.model" >/dev/null 2>&1 && ok || bad "uninterrupted run"

# SIGKILL after the first checkpoints, then resume.
# shellcheck disable=SC2086
"$BP" train $OPTS --checkpoint "$TMP/ck" --checkpoint-every 50 "$SEEDS" -o "$TMP/killed.model" >/dev/null 2>&1 &
pid=$!
wait_for "$TMP/ck"
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
[ ! -f "$TMP/killed.model" ] && ok || bad "a killed run wrote no model"
[ -s "$TMP/ck" ] && ok || bad "a checkpoint was written before the kill"
# shellcheck disable=SC2086
"$BP" train $OPTS --resume "$TMP/ck" "$SEEDS" -o "$TMP/killed.model" >/dev/null 2>"$TMP/err" && ok ||
    { bad "resume after SIGKILL"; cat "$TMP/err"; }
cmp -s "$TMP/straight.model" "$TMP/killed.model" && ok || bad "resumed model differs from the uninterrupted one"

# SIGINT and SIGTERM: status 130 / 143, the old model untouched, a checkpoint saved.
for sig in INT TERM; do
    want=130
    [ $sig = TERM ] && want=143
    echo "an existing model" >"$TMP/keep.model"
    rm -f "$TMP/ck2"
    # shellcheck disable=SC2086
    "$BP" train $OPTS --epochs 100000 --checkpoint "$TMP/ck2" --checkpoint-every 20 "$SEEDS" \
        -o "$TMP/keep.model" >/dev/null 2>"$TMP/err" &
    pid=$!
    wait_for "$TMP/ck2"
    rm -f "$TMP/ck2"
    kill -$sig $pid
    wait $pid
    status=$?
    [ $status -eq $want ] && ok || bad "SIG$sig: exit $status, want $want"
    [ "$(cat "$TMP/keep.model")" = "an existing model" ] && ok || bad "SIG$sig changed the model file"
    [ -s "$TMP/ck2" ] && ok || bad "SIG$sig: no checkpoint saved on the way out"
    grep -q "stopped" "$TMP/err" && ok || bad "SIG$sig: no message"
    ls "$TMP" | grep -qE '(ck2|keep.model)[.]tmp' && bad "SIG$sig left a temporary file" || ok
done

# A damaged checkpoint is refused with a clear error.
printf 'backprop-checkpoint 1\nscalar double\nshape 3 7\n' >"$TMP/bad.ck"
# shellcheck disable=SC2086
"$BP" train $OPTS --resume "$TMP/bad.ck" "$SEEDS" -o "$TMP/x.model" >/dev/null 2>"$TMP/err"
[ $? -eq 2 ] && grep -q "checkpoint" "$TMP/err" && ok || bad "damaged checkpoint"

finish
