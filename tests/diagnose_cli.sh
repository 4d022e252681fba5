#!/bin/sh
# The warnings that say why a model may be poor: each case made here, each
# warning checked on stderr (with the flag that would help), by its code in
# JSON and in the HTML report, and a good run that warns of nothing.
# Usage: BUILD=build sh tests/diagnose_cli.sh
. "$(dirname "$0")/sh/harness.sh"

# codes NAME EXPECTED: the warning codes of the JSON document in $TMP/out.
codes() {
    got=$(python3 -c 'import json,sys; print(" ".join(w["code"] for w in json.load(open(sys.argv[1]))["warnings"]))' "$TMP/out")
    if [ "$got" = "$2" ]; then ok; else bad "$1: codes '$got', want '$2'"; fi
}

# --- 561 features, 6 classes told apart by the first six
awk 'BEGIN { srand(8); for (i = 0; i < 300; i++) { k = i % 6; line = ""
    for (j = 0; j < 561; j++) { v = rand(); if (j < 6) v = (j == k) ? 0.7 + 0.3 * rand() : 0.5 * rand()
        line = line sprintf("%.3f,", v) }
    print line "c" k } }' >"$TMP/wide.csv"
# --- 0.2% positives
awk 'BEGIN { srand(9); for (i = 0; i < 5000; i++) { p = (i % 500 == 7)
    printf "%.3f,%.3f,%.3f,%d\n", rand() + p * 0.2, rand(), rand(), p } }' >"$TMP/rare.csv"
# --- three easy classes
awk 'BEGIN { srand(5); for (i = 0; i < 90; i++) { k = i % 3
    printf "%.4f,%.4f,%.4f,c%d\n", k + rand() * 0.6, (k == 1) + rand() * 0.6, rand(), k } }' >"$TMP/three.csv"

# --- a wide sigmoid network with uniform [0,1) weights saturates at once
run "$BP" cv --quiet --epochs 20 --init uniform "$TMP/wide.csv"
has "saturated units" "$TMP/err" "sigmoid and tanh hidden units were saturated after the first epoch in 5 of 5 folds"
has "saturated: the flag" "$TMP/err" "--init xavier"
run "$BP" cv --quiet --epochs 20 --init uniform --format json "$TMP/wide.csv"
codes "saturated: JSON" "units-saturated majority-baseline class-recall-zero"
# ... and the default init chooses Xavier for it: it learns, and nothing is said
run "$BP" cv --quiet --epochs 20 "$TMP/wide.csv"
lacks "wide, default init: no warning" "$TMP/err" "warning"
acc=$(awk '/^Mean Accuracy/ { sub(/%/, "", $3); print $3 }' "$TMP/out")
check "wide, default init: $acc% well above chance" awk -v a="$acc" 'BEGIN { exit !(a > 30) }'

# --- ReLU units killed by a far too large step
run "$BP" cv --quiet --epochs 10 --hidden 20 --activation relu --lr 5 "$TMP/three.csv"
has "dead units" "$TMP/err" "relu hidden units gave 0 on every row after the first epoch"
has "dead: the flag" "$TMP/err" "--activation leaky"

# --- a step too small to move the loss
run "$BP" cv --quiet --epochs 30 --lr 0.0000001 --format json "$TMP/three.csv"
python3 -c 'import json,sys; w=[x for x in json.load(open(sys.argv[1]))["warnings"] if x["code"]=="loss-flat"]; sys.exit(0 if w and "--lr" in w[0]["hint"] and w[0]["level"]=="warning" else 1)' "$TMP/out" &&
    ok || bad "flat loss: no loss-flat warning naming --lr"

# --- a rare class: high accuracy, nothing found
run "$BP" cv --quiet --epochs 10 --format json "$TMP/rare.csv"
codes "rare class: JSON" "single-class majority-baseline class-recall-zero"
run "$BP" train --quiet --epochs 10 -o "$TMP/rare.model" "$TMP/rare.csv"
has "rare class: one class for every row" "$TMP/err" "the model predicts class '0' for all 5000 rows it trained on"
has "rare class: the majority" "$TMP/err" "no better than predicting the majority class '0' for every row (99.800%)"
has "rare class: recall 0" "$TMP/err" "class '1' (10 rows) is never predicted right: recall 0"

# --- early stopping: a note, and the summary says which weights it kept
run "$BP" train -o "$TMP/early.model" --validation 0.2 --patience 5 --optimizer adam --lr 0.05 \
    --epochs 300 data/wheat-seeds.csv
has "early stop: the summary" "$TMP/out" "(early stopping kept the weights of epoch"
has "early stop: a note" "$TMP/err" "note: early stopping ended training after epoch"
has "early stop: the flag" "$TMP/err" "--patience"

# --- a good run warns of nothing, and says so in JSON
run "$BP" cv --quiet --format json --epochs 200 "$TMP/three.csv"
codes "good run: no warnings" ""
lacks "good run: stderr" "$TMP/err" "warning"

# --- the report lists them; its per-class scores are the training rows'
run "$BP" train --quiet --epochs 10 -o "$TMP/rare.model" --report "$TMP/rare.html" "$TMP/rare.csv"
has "report: a warnings section" "$TMP/rare.html" "<h2>Warnings</h2>"
has "report: by code" "$TMP/rare.html" "<code>class-recall-zero</code>"
run "$BP" train --quiet --epochs 200 -o "$TMP/three.model" --report "$TMP/three.html" "$TMP/three.csv"
acc=$(awk '/^Training accuracy/ { sub(/%/, "", $3); print $3 }' "$TMP/out")
f1=$(sed -n 's/.*Macro F1<\/div><div class="value">\([0-9.]*\)%.*/\1/p' "$TMP/three.html")
check "report: macro F1 $f1% of the rows scored at $acc%" awk -v a="$acc" -v f="$f1" 'BEGIN { exit !(f > a - 5) }'
lacks "report: no warnings section for a good run" "$TMP/three.html" "<h2>Warnings</h2>"

finish
