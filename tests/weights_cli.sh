#!/bin/sh
# --class-weight end to end: balanced weights find a rare class that the
# unweighted run gives up on; named weights; the summary, JSON and the model
# file record them; tune keeps them fixed; bad values are refused (exit 2).
# Usage: BUILD=build sh tests/weights_cli.sh
. "$(dirname "$0")/sh/harness.sh"

# --- 3% positives, shifted in the first two columns
awk 'BEGIN { srand(4); print "a,b,c,label"; for (i = 0; i < 1500; i++) { p = (i % 33 == 5)
    printf "%.4f,%.4f,%.4f,%s\n", rand() + p * 0.6, rand() + p * 0.5, rand(), p ? "yes" : "no" } }' >"$TMP/rare.csv"
OPTS="--hidden 8 --activation relu --optimizer adam --batch 32 --epochs 40 --loss xent --scale standard --quiet"

# recall_of FILE: the recall of 'yes' in the JSON document FILE, in %.
recall_of() {
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
m=d["metrics"]; print(100 * [c for c in m["per_class"] if c["label"] == "yes"][0]["recall"])' "$1"
}

# shellcheck disable=SC2086
run "$BP" cv $OPTS --format json "$TMP/rare.csv"
cp "$TMP/out" "$TMP/plain.json"
# shellcheck disable=SC2086
run "$BP" cv $OPTS --class-weight balanced --format json "$TMP/rare.csv"
cp "$TMP/out" "$TMP/balanced.json"
plain=$(recall_of "$TMP/plain.json")
balanced=$(recall_of "$TMP/balanced.json")
check "balanced: the rare class found ($plain% -> $balanced%)" \
    python3 -c "import sys; sys.exit(0 if float('$balanced') >= float('$plain') + 30 else 1)"
json_true "JSON: the setting" "d['config']['class_weight'] == 'balanced'"
json_true "JSON: balanced accuracy up" \
    "d['metrics']['balanced_accuracy'] > json.load(open('$TMP/plain.json'))['metrics']['balanced_accuracy']"
# shellcheck disable=SC2086
run "$BP" cv $OPTS --class-weight yes=15 --format json "$TMP/rare.csv"
named=$(recall_of "$TMP/out")
check "named: more recall than none ($plain% -> $named%)" \
    python3 -c "import sys; sys.exit(0 if float('$named') > float('$plain') else 1)"
# shellcheck disable=SC2086
run "$BP" cv $OPTS --format json "$TMP/rare.csv"
json_true "JSON: none" "d['config']['class_weight'] is None"

# --- weights of 1 for every class: the unweighted model, byte for byte
# shellcheck disable=SC2086
run "$BP" train $OPTS --epochs 5 -o "$TMP/plain.model" "$TMP/rare.csv"
# shellcheck disable=SC2086
run "$BP" train $OPTS --epochs 5 --class-weight yes=1,no=1 -o "$TMP/ones.model" "$TMP/rare.csv"
grep -v class_weight "$TMP/ones.model" | sed 's/^training 2[0-9]/training N/' >"$TMP/ones.body"
sed 's/^training 2[0-9]/training N/' "$TMP/plain.model" >"$TMP/plain.body"
check "weights of 1: the same weights" cmp -s "$TMP/ones.body" "$TMP/plain.body"

# --- train: the summary and the model file
# shellcheck disable=SC2086
run "$BP" train $OPTS --epochs 5 --class-weight balanced -o "$TMP/balanced.model" "$TMP/rare.csv"
has "train: the summary" "$TMP/out" "Class weights: balanced"
has "model: balanced recorded" "$TMP/balanced.model" 'class_weight "balanced"'
# shellcheck disable=SC2086
run "$BP" train $OPTS --epochs 5 --class-weight yes=2.5 -o "$TMP/named.model" "$TMP/rare.csv"
has "model: the weights in class order" "$TMP/named.model" 'class_weight "1.0 2.5"'
run "$BP" eval "$TMP/named.model" "$TMP/rare.csv"
has "the weighted model evaluates" "$TMP/out" "Accuracy:"

# --- tune: a fixed setting of every candidate, in the command it prints
run "$BP" tune --trials 2 --outer-folds 0 --epochs 5 --class-weight balanced --quiet "$TMP/rare.csv"
has "tune: the best command keeps it" "$TMP/out" "--class-weight balanced"

# --- refusals, before anything trains
expect_fail "no such class" "no class 'maybe'" "$BP" cv --class-weight maybe=2 "$TMP/rare.csv"
expect_fail "a weight of 0" "weights above 0" "$BP" cv --class-weight yes=0 "$TMP/rare.csv"
expect_fail "a negative weight" "weights above 0" "$BP" cv --class-weight yes=-1 "$TMP/rare.csv"
expect_fail "no weight" "weights above 0" "$BP" cv --class-weight yes "$TMP/rare.csv"
expect_fail "not a number" "weights above 0" "$BP" train --class-weight yes=lots -o "$TMP/x.model" "$TMP/rare.csv"
expect_fail "regression" "needs a classification target" \
    "$BP" cv --class-weight balanced --task regression --target a "$TMP/rare.csv"

finish
