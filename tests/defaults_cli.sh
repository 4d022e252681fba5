#!/bin/sh
# Defaults that fit the configuration: --init auto, a learning rate that
# follows the optimiser, rows reshuffled every epoch (except cv --tutorial),
# each shown as chosen in the summary and in JSON. Every file is made here.
# Usage: BUILD=build sh tests/defaults_cli.sh
. "$(dirname "$0")/sh/harness.sh"


# --- three classes told apart by the first two features
awk 'BEGIN { srand(5); for (i = 0; i < 90; i++) { k = i % 3
    printf "%.4f,%.4f,%.4f,c%d\n", k + rand() * 0.6, (k == 1) + rand() * 0.6, rand(), k } }' >"$TMP/three.csv"
# --- a regression file sorted by its target: in file order, online SGD
# ends fitted to the last rows only
awk 'BEGIN { srand(3); for (i = 0; i < 300; i++) { a = rand(); b = rand(); c = rand()
    printf "%.4f,%.4f,%.4f,%.4f\n", a, b, c, 10 * a + 5 * b * b + 3 * c + rand() } }' |
    sort -t, -k4 -g >"$TMP/sorted.csv"

# --- the summary says what was chosen
run "$BP" train "$TMP/three.csv" -o "$TMP/m" --epochs 5
has "tutorial network: its uniform draws" "$TMP/out" "Init: auto → uniform"
has "sgd's rate" "$TMP/out" "Learning rate: auto → 0.3 (sgd)"
has "shuffled by default" "$TMP/out" "Shuffled: every epoch"
run "$BP" train "$TMP/three.csv" -o "$TMP/m" --epochs 5 --hidden 8 --activation relu --optimizer adam
has "relu: He, then Xavier for the output" "$TMP/out" "Init: auto → he,xavier"
has "adam's rate" "$TMP/out" "Learning rate: auto → 0.001 (adam)"
run "$BP" train "$TMP/three.csv" -o "$TMP/m" --epochs 5 --optimizer momentum
has "momentum's rate" "$TMP/out" "Learning rate: auto → 0.03 (momentum)"
run "$BP" train "$TMP/three.csv" -o "$TMP/m" --epochs 5 --optimizer adam --lr 0.01 --init xavier --no-shuffle
has "a given rate is not auto" "$TMP/out" "Learning rate: 0.01 (adam)"
has "a given init is not auto" "$TMP/out" "Init: xavier"
has "--no-shuffle" "$TMP/out" "Shuffled: no (the file's order)"
expect_fail "--shuffle with --no-shuffle" "contradict" "$BP" train "$TMP/three.csv" -o "$TMP/m" --shuffle --no-shuffle
expect_fail "--init of no kind" "init" "$BP" cv "$TMP/three.csv" --init warm

# --- JSON: the values chosen, and which ones were
run "$BP" cv --format json --quiet --epochs 5 --hidden 8 --activation relu --optimizer adam "$TMP/three.csv"
json_true "lr resolved" "d['config']['lr'] == 0.001"
json_true "init resolved per layer" "d['config']['init'] == 'he,xavier'"
json_true "lr and init listed as chosen" "'lr' in d['config']['automatic'] and 'init' in d['config']['automatic']"
json_true "shuffled" "d['config']['shuffle'] is True"
run "$BP" cv --format json --quiet --epochs 5 --lr 0.1 --init he "$TMP/three.csv"
json_true "given settings are not listed as chosen" "'lr' not in d['config']['automatic'] and 'init' not in d['config']['automatic']"
run "$BP" cv --format json --quiet --tutorial --epochs 5 "$TMP/three.csv"
json_true "cv --tutorial keeps the file's order" "d['config']['shuffle'] is False"
run "$BP" cv --format json --quiet --tutorial --shuffle --epochs 5 "$TMP/three.csv"
json_true "cv --tutorial --shuffle shuffles" "d['config']['shuffle'] is True"

# --- a file sorted by its target trains well by default, and badly in order
r2() { "$BP" eval "$1" "$TMP/sorted.csv" | awk '/^R2:/ { print $2 }'; }
run "$BP" train "$TMP/sorted.csv" -o "$TMP/shuffled" --task regression --epochs 50 --quiet
run "$BP" train "$TMP/sorted.csv" -o "$TMP/ordered" --task regression --epochs 50 --quiet --no-shuffle
shuffled=$(r2 "$TMP/shuffled")
ordered=$(r2 "$TMP/ordered")
check "sorted file, shuffled: R2 $shuffled above 0.95" awk -v r="$shuffled" 'BEGIN { exit !(r > 0.95) }'
check "sorted file, in order: R2 $ordered below 0.8" awk -v r="$ordered" 'BEGIN { exit !(r < 0.8) }'

# --- the task from the target
awk 'BEGIN { srand(2); for (i = 0; i < 201; i++) { a = rand(); b = rand()
    printf "%.3f,%.3f,%d\n", a, b, int(5000 + 20000 * a + 7000 * b + rand() * 3000) } }' >"$TMP/price.csv"
awk 'BEGIN { srand(4); for (i = 0; i < 120; i++) { a = rand(); printf "%.3f,%.3f,%.2f\n", a, rand(), 3 * a + 0.5 } }' \
    >"$TMP/fraction.csv"
awk 'BEGIN { srand(6); for (i = 0; i < 400; i++) { a = rand(); printf "%.3f,%.3f,%d\n", a, rand(), int(a * 25) } }' \
    >"$TMP/counts.csv"
run "$BP" cv --quiet --epochs 5 "$TMP/price.csv"
has "a price is regression" "$TMP/out" "Mean RMSE:"
has "the note says why" "$TMP/err" "regression: the target holds 201 distinct numbers in 201 rows"
has "the note names the flag" "$TMP/err" "--task classification"
run "$BP" cv --quiet --epochs 2 --task classification "$TMP/price.csv"
has "classes as many as rows: warned" "$TMP/err" "warning: $TMP/price.csv: 201 classes for 201 rows"
has "the warning names the flag" "$TMP/err" "--task regression"
run "$BP" cv --quiet --epochs 5 "$TMP/fraction.csv"
has "numbers with a fraction are regression" "$TMP/err" "some with a fraction"
run "$BP" cv --quiet --epochs 5 "$TMP/counts.csv"
has "25 whole numbers over 400 rows are classes" "$TMP/out" "Mean Accuracy:"
lacks "classes: no note" "$TMP/err" "regression"
run "$BP" cv --quiet --epochs 5 "$TMP/three.csv"
lacks "text labels: nothing to say" "$TMP/err" "note"
run "$BP" cv --format json --quiet --epochs 5 "$TMP/price.csv"
json_true "JSON: the task chosen" "d['task'] == 'regression' and d['config']['task'] == 'regression' and 'task' in d['config']['automatic']"
run "$BP" cv --format json --quiet --epochs 5 --task regression "$TMP/price.csv"
json_true "JSON: a given task is not chosen" "'task' not in d['config']['automatic']"
run "$BP" train "$TMP/price.csv" -o "$TMP/price.model" --epochs 5
run "$BP" eval "$TMP/price.model" "$TMP/price.csv"
has "the model is a regression model" "$TMP/out" "RMSE:"
expect_fail "--task of no kind" "--task must be auto, classification or regression" "$BP" cv --task cluster "$TMP/price.csv"

# --- a long confusion matrix: whole in a pipe, cut on a terminal
run "$BP" cv --quiet --epochs 1 --task classification "$TMP/price.csv"
lines=$(grep -c '^ *[0-9]' "$TMP/out")
check "a pipe gets all 201 rows of the matrix and of the table ($lines)" [ "$lines" -ge 402 ]
lacks "a pipe: no note" "$TMP/out" "shown on a terminal"
if command -v script >/dev/null 2>&1; then
    script -qec "$BP cv --quiet --epochs 1 --task classification $TMP/price.csv" /dev/null >"$TMP/tty" 2>&1
    has "a terminal: the cut is said" "$TMP/tty" "(201 classes: the first 16 shown on a terminal"
    lines=$(grep -c '^ *[0-9]' "$TMP/tty")
    check "a terminal: 16 rows of each ($lines)" [ "$lines" -le 40 ]
else
    skipped "script(1) is not installed: the terminal's cut was not checked"
fi

# --- MNIST digits, ReLU and plain SGD without --init: He weights by default
# (with the tutorial's uniform weights the same command scores about 20%)
MNIST="$SHARED/mnist-10k.csv"
if [ -f "$MNIST" ]; then
    head -3001 "$MNIST" >"$TMP/digits-train.csv"
    { head -1 "$MNIST"; sed -n '8002,9001p' "$MNIST"; } >"$TMP/digits-test.csv"
    run "$BP" train "$TMP/digits-train.csv" -o "$TMP/digits.model" --hidden 128 --activation relu --loss xent \
        --output-activation softmax --lr 0.1 --batch 32 --epochs 10 --quiet
    acc=$("$BP" eval "$TMP/digits.model" "$TMP/digits-test.csv" | awk '/^Accuracy/ { sub(/%/, "", $2); print $2 }')
    check "MNIST, relu, no --init: $acc% on unseen digits" awk -v a="$acc" 'BEGIN { exit !(a > 85) }'
else
    skipped "$MNIST is not there: the MNIST defaults were not checked"
fi

# --- the help names the choices
"$BP" train --help >"$TMP/help"
has "help: init auto" "$TMP/help" "he, auto"
has "help: lr auto" "$TMP/help" "learning rate (auto: 0.3 for sgd"
has "help: shuffle" "$TMP/help" "--shuffle, --no-shuffle"

finish
