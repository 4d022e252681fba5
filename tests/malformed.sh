#!/bin/sh
# Every malformed input under tests/data gives its expected error and exit
# status 2, never a crash: CSV files (tests/data/bad/expected.txt) through
# `backprop cv`, model files (tests/data/model/expected.txt) through
# `backprop eval`, and 1 MB lines and fields made on the fly.
# Usage: BUILD=build sh tests/malformed.sh
set -u
BP="${BUILD:-build}/backprop"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0
TAB=$(printf '\t')

# check LABEL WANT_MESSAGE CMD...: exit 2 and "backprop: error: " + message.
check() {
    label=$1; want=$2; shift 2
    "$@" >/dev/null 2>"$TMP/err"
    status=$?
    if [ $status -eq 2 ] && grep -qF "backprop: error: $want" "$TMP/err"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "not ok: $label: exit $status, want 2 and: $want"
        head -c 300 "$TMP/err"
    fi
}

while IFS="$TAB" read -r file opts message; do
    case "$file" in '#'*|'') continue ;; esac
    [ "$opts" = "-" ] && opts=""
    # shellcheck disable=SC2086
    check "$file $opts" "$message" "$BP" cv --folds 2 --epochs 2 $opts "tests/data/bad/$file"
done <tests/data/bad/expected.txt

while IFS="$TAB" read -r file message; do
    case "$file" in '#'*|valid.model|'') continue ;; esac
    check "model $file" "tests/data/model/$file:$message" "$BP" eval "tests/data/model/$file" data/wheat-seeds.csv
done <tests/data/model/expected.txt

# A 1 MB line of 65,536 numbers (the widest input layer) is read and
# trains; 200,000 fields are read, but are more inputs than a network may
# have; a 1 MB number is out of range.
awk 'BEGIN { for (r = 0; r < 4; r++) { for (i = 0; i < 65536; i++) printf "%d.00000000000,", (i + r) % 7; print (r % 2 ? "b" : "a") } }' >"$TMP/wide.csv"
"$BP" cv --folds 2 --epochs 1 --hidden 2 "$TMP/wide.csv" >/dev/null 2>"$TMP/err" && pass=$((pass + 1)) ||
    { fail=$((fail + 1)); echo "not ok: a 1 MB line"; head -c 300 "$TMP/err"; }
awk 'BEGIN { for (r = 0; r < 4; r++) { for (i = 0; i < 200000; i++) printf "%d,", (i + r) % 7; print (r % 2 ? "b" : "a") } }' >"$TMP/wider.csv"
check "200,000 features" "the input layer has 200000 neurons; a layer may have at most 65536" \
    "$BP" cv --folds 2 --epochs 1 --hidden 2 "$TMP/wider.csv"
{ echo "1,2,a"; printf '3,'; awk 'BEGIN { for (i = 0; i < 1000000; i++) printf "9" }'; echo ",b"; echo "5,6,a"; } >"$TMP/bignum.csv"
check "a 1 MB number" "$TMP/bignum.csv:2: field 2: number out of range" "$BP" cv --folds 2 --no-header "$TMP/bignum.csv"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
