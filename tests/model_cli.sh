#!/bin/sh
# End-to-end tests of the model lifecycle: backprop train, predict and eval.
# Every failure must be a clear "backprop: error: ..." and exit status 2.
# Usage: BUILD=build sh tests/model_cli.sh
. "$(dirname "$0")/sh/harness.sh"

SEEDS=data/wheat-seeds.csv
MODEL=$TMP/seeds.model

# --- train
"$BP" train "$SEEDS" -o "$MODEL" --epochs 200 >"$TMP/train" 2>"$TMP/err"
check "train exits 0" [ $? -eq 0 ]
check "train saves the model" [ -s "$MODEL" ]
check "train summary: rows" grep -qx 'Rows: 210' "$TMP/train"
check "train summary: features" grep -qx 'Features: 7' "$TMP/train"
check "train summary: classes" grep -qx 'Classes: 3 (1, 2, 3)' "$TMP/train"
check "train summary: network" grep -qx 'Network: 7-5-3' "$TMP/train"
check "train summary: loss" grep -qE '^Final loss: [0-9.e+-]+ \(sse, mean per row\)$' "$TMP/train"
check "train summary: accuracy" grep -qE '^Training accuracy: [0-9]+\.[0-9]{3}%$' "$TMP/train"
check "model file starts with its version" [ "$(head -n 1 "$MODEL")" = "backprop-model 1" ]
check "model records the options" grep -qx 'epochs 200' "$MODEL"
check "--output=MODEL form" "$BP" train "$SEEDS" --output="$TMP/other.model" --epochs 5 --quiet >/dev/null
check "no temporary file left" [ "$(ls "$TMP" | grep -c tmp)" -eq 0 ]

# the same seed gives the same model, byte for byte
"$BP" train "$SEEDS" -o "$TMP/again.model" --epochs 200 >/dev/null 2>&1
check "training is reproducible" cmp -s "$MODEL" "$TMP/again.model"

# --- predict, with and without the target column
"$BP" predict "$MODEL" "$SEEDS" >"$TMP/with" 2>"$TMP/err"
check "predict exits 0" [ $? -eq 0 ]
check "one prediction per row" [ "$(wc -l <"$TMP/with")" -eq 210 ]
check "predictions are class labels" [ "$(grep -cvE '^[123]$' "$TMP/with")" -eq 0 ]
check "predict prints no warning" [ ! -s "$TMP/err" ]
cut -d, -f1-7 "$SEEDS" >"$TMP/features.csv"
"$BP" predict "$MODEL" "$TMP/features.csv" >"$TMP/without" 2>&1
check "same predictions without the target column" cmp -s "$TMP/with" "$TMP/without"
{ echo 'a,b,c,d,e,f,g'; cat "$TMP/features.csv"; } >"$TMP/headed.csv"
"$BP" predict "$MODEL" "$TMP/headed.csv" >"$TMP/headed" 2>&1
check "a header the model does not know is skipped" cmp -s "$TMP/with" "$TMP/headed"
"$BP" predict "$MODEL" - <"$TMP/features.csv" >"$TMP/stdin" 2>&1
check "predict reads standard input" cmp -s "$TMP/with" "$TMP/stdin"
"$BP" predict "$MODEL" "$TMP/features.csv" -o "$TMP/out.txt" >"$TMP/stdout" 2>&1
check "-o writes the file" cmp -s "$TMP/with" "$TMP/out.txt"
check "-o leaves stdout empty" [ ! -s "$TMP/stdout" ]

# --- --proba
"$BP" predict "$MODEL" "$SEEDS" --proba >"$TMP/proba" 2>&1
check "--proba header" [ "$(head -n 1 "$TMP/proba")" = "label,P(1),P(2),P(3)" ]
check "--proba rows" [ "$(wc -l <"$TMP/proba")" -eq 211 ]
tail -n +2 "$TMP/proba" | cut -d, -f1 >"$TMP/labels"
check "--proba labels match" cmp -s "$TMP/with" "$TMP/labels"
tail -n +2 "$TMP/proba" | awk -F, '{ s = $2 + $3 + $4; if (s < 0.999999 || s > 1.000001 || NF != 4) bad++ }
    END { exit bad > 0 }'
check "--proba rows sum to 1" [ $? -eq 0 ]

# --- eval
"$BP" eval "$MODEL" "$SEEDS" >"$TMP/eval" 2>&1
check "eval exits 0" [ $? -eq 0 ]
check "eval accuracy line" grep -qE '^Accuracy: [0-9]+\.[0-9]{3}%$' "$TMP/eval"
check "eval accuracy = training accuracy" [ "$(sed -n 's/^Accuracy: //p' "$TMP/eval")" = \
    "$(sed -n 's/^Training accuracy: //p' "$TMP/train")" ]
check "eval macro F1" grep -qE '^Macro F1: [0-9]+\.[0-9]{3}%$' "$TMP/eval"
check "eval confusion matrix title" grep -q '^Confusion matrix (rows: actual, columns: predicted):$' "$TMP/eval"
check "eval confusion rows add up" [ "$(awk '/^Confusion/ { on = 1; next } on && NF == 4 && $1 ~ /^[123]$/ { s += $2 + $3 + $4 }
    /class precision/ { on = 0 } END { print s }' "$TMP/eval")" -eq 210 ]
check "eval per-class line" grep -qE '^ +1 +[01]\.[0-9]{4} +[01]\.[0-9]{4} +[01]\.[0-9]{4} +70$' "$TMP/eval"
check "eval balanced accuracy" grep -qE '^Balanced Accuracy: [0-9]+\.[0-9]{3}%$' "$TMP/eval"
check "eval MCC" grep -qE '^MCC: -?[01]\.[0-9]{4}$' "$TMP/eval"
check "eval ROC AUC, macro" grep -qE '^ROC AUC: [01]\.[0-9]{4} \(macro, one class against the rest\)$' "$TMP/eval"
check "eval PR AUC" grep -qE '^PR AUC: [01]\.[0-9]{4} \(average precision, macro, ' "$TMP/eval"
check "eval Brier score" grep -qE '^Brier Score: [0-2]\.[0-9]{4}$' "$TMP/eval"
check "balanced classes: no imbalance line" [ "$(grep -c '^Imbalanced' "$TMP/eval")" -eq 0 ]

# --- imbalanced classes: accuracy is not left alone
# 70 rows of class 1 and 6 of class 3 (7.9%, under a quarter): a model that
# always says 1 is 92% right and finds no 3.
{ grep ',1$' "$SEEDS"; grep ',3$' "$SEEDS" | head -6; } >"$TMP/rare.csv"
"$BP" train "$TMP/rare.csv" -o "$TMP/rare.model" --epochs 20 --quiet >"$TMP/rare-train" 2>/dev/null
"$BP" eval "$TMP/rare.model" "$TMP/rare.csv" >"$TMP/rare-eval" 2>/dev/null
"$BP" cv "$TMP/rare.csv" --epochs 20 --quiet >"$TMP/rare-cv" 2>/dev/null
rare_line="^Imbalanced classes: '3' is 7\.9% of the rows; balanced accuracy [0-9.]+%, recall of '3' [0-9.]+%$"
check "imbalance: eval's line" grep -qE "$rare_line" "$TMP/rare-eval"
check "imbalance: right under the accuracy" sh -c 'sed -n 2p "$1" | grep -q "^Imbalanced"' sh "$TMP/rare-eval"
check "imbalance: cv's line" grep -qE "$rare_line" "$TMP/rare-cv"
check "imbalance: train's line" grep -qE "$rare_line" "$TMP/rare-train"
check "imbalance: train's balanced accuracy" grep -qE '^Training balanced accuracy: [0-9.]+%$' "$TMP/rare-train"
check "two classes: the positive class is the second label" \
    grep -qE "^ROC AUC: [01]\.[0-9]{4} \(positive class '3'\)$" "$TMP/rare-eval"
check "two classes: PR AUC of the positive class" \
    grep -qE "^PR AUC: [01]\.[0-9]{4} \(average precision, positive class '3'\)$" "$TMP/rare-eval"

# --- a header and named columns: predict maps them by name
printf 'a,b,c,d,e,f,g,class\n' >"$TMP/named.csv"
cat "$SEEDS" >>"$TMP/named.csv"
"$BP" train "$TMP/named.csv" -o "$TMP/named.model" --epochs 50 --quiet >/dev/null 2>&1
check "train with a header" [ -s "$TMP/named.model" ]
"$BP" predict "$TMP/named.model" "$TMP/named.csv" >"$TMP/named-with" 2>&1
awk -F, 'BEGIN { OFS = "," } { print $7, $6, $5, $4, $3, $2, $1 }' "$TMP/named.csv" >"$TMP/reordered.csv"
"$BP" predict "$TMP/named.model" "$TMP/reordered.csv" >"$TMP/named-reordered" 2>&1
check "columns found by header name" cmp -s "$TMP/named-with" "$TMP/named-reordered"
"$BP" eval "$TMP/named.model" "$TMP/named.csv" >/dev/null 2>&1
check "eval with a header" [ $? -eq 0 ]

# --- usage and bad inputs
check "train --help" sh -c '"$1" train --help | grep -q -- "--output MODEL"' sh "$BP"
check "predict --help" sh -c '"$1" predict --help | grep -q -- "--proba"' sh "$BP"
check "eval --help" sh -c '"$1" eval --help | grep -q "confusion"' sh "$BP"
check "usage lists the commands" sh -c '"$1" --help | grep -q "predict MODEL FILE"' sh "$BP"
expect_fail "train without -o" "-o MODEL is required" "$BP" train "$SEEDS"
expect_fail "train without a file" "expected one data file" "$BP" train -o "$TMP/x.model"
expect_fail "train bad option" "unknown option '--bogus'" "$BP" train "$SEEDS" -o "$TMP/x.model" --bogus
expect_fail "train bad --epochs" "--epochs must be a whole number" "$BP" train "$SEEDS" -o "$TMP/x.model" --epochs x
expect_fail "train missing data file" "nope.csv" "$BP" train "$TMP/nope.csv" -o "$TMP/x.model"
expect_fail "train into a missing directory" "cannot write $TMP/no/dir/x.model" "$BP" train "$SEEDS" \
    -o "$TMP/no/dir/x.model" --epochs 1
printf '1,2,a\n3,4,a\n' >"$TMP/one-class.csv"
expect_fail "train one class" "only one class" "$BP" train "$TMP/one-class.csv" -o "$TMP/x.model"
check "failed train writes no model" [ ! -e "$TMP/x.model" ]
# A network wider than a model file holds used to train to the end and then
# fail to save; it is refused at once (500 epochs of it take minutes).
started=$(date +%s)
expect_fail "train --hidden 70000" "hidden layer 1 has 70000 neurons; a layer may have at most 65536" \
    "$BP" train "$SEEDS" -o "$TMP/wide.model" --hidden 70000
check "train --hidden 70000 fails before training" [ $(($(date +%s) - started)) -le 10 ]
check "train --hidden 70000 writes no model" [ ! -e "$TMP/wide.model" ]
expect_fail "cv --hidden 70000" "hidden layer 2 has 70000 neurons; a layer may have at most 65536" \
    "$BP" cv "$SEEDS" --hidden 4,70000
check "cv --hidden 70000 prints no result" [ ! -s "$TMP/out" ]
expect_fail "predict missing model" "cannot open model $TMP/none.model" "$BP" predict "$TMP/none.model" "$SEEDS"
expect_fail "predict one argument" "expected a model and a data file" "$BP" predict "$MODEL"
printf 'backprop-model 9\n' >"$TMP/v9.model"
expect_fail "predict wrong version" "v9.model:1: unsupported model format version '9'" "$BP" predict "$TMP/v9.model" "$SEEDS"
head -c 700 "$MODEL" >"$TMP/cut.model"
expect_fail "predict truncated model" "cut.model:[0-9]+: " "$BP" predict "$TMP/cut.model" "$SEEDS"
expect_fail "predict a data file as the model" "wheat-seeds.csv:1: not a backprop model" "$BP" predict "$SEEDS" "$SEEDS"
for f in tests/data/model/*.model; do
    [ "$f" = tests/data/model/valid.model ] && continue
    expect_fail "predict with $f" "$f:[0-9]+: " "$BP" predict "$f" "$SEEDS"
done
expect_fail "predict missing data" "nope.csv" "$BP" predict "$MODEL" "$TMP/nope.csv"
cut -d, -f1-5 "$SEEDS" >"$TMP/five.csv"
expect_fail "predict wrong field count" "five.csv:1:1: expected 8 fields \\(or 7 without the target column 8\\), found 5" \
    "$BP" predict "$MODEL" "$TMP/five.csv"
printf '1,2,3,4,5,6,x\n' >"$TMP/text.csv"
expect_fail "predict non-numeric value" "text.csv:1: field 7: non-numeric value 'x'" "$BP" predict "$MODEL" "$TMP/text.csv"
expect_fail "predict --proba -o into a missing directory" "cannot write" "$BP" predict "$MODEL" "$SEEDS" \
    --proba -o "$TMP/no/dir/out.csv"
printf '1,2,3,4,5,6,x\n' >"$TMP/bad-out.csv"
"$BP" predict "$MODEL" "$SEEDS" -o "$TMP/kept.csv" >/dev/null 2>&1
cp "$TMP/kept.csv" "$TMP/kept-before.csv"
expect_fail "failed predict keeps the old output" "text.csv" "$BP" predict "$MODEL" "$TMP/text.csv" -o "$TMP/kept.csv"
check "old output untouched" cmp -s "$TMP/kept.csv" "$TMP/kept-before.csv"
expect_fail "eval without the target column" "no target column 8" "$BP" eval "$MODEL" "$TMP/features.csv"
printf '15.26,14.84,0.871,5.763,3.312,2.221,5.22,7\n' >"$TMP/new-class.csv"
expect_fail "eval unknown class" "new-class.csv:1: field 8: class '7' is not one of the model's 3 classes" \
    "$BP" eval "$MODEL" "$TMP/new-class.csv"
expect_fail "eval bad option" "unknown option '--proba'" "$BP" eval "$MODEL" "$SEEDS" --proba

# --- shared data sets (skipped when absent)
if [ -f "$SHARED/iris.csv" ]; then
    "$BP" train "$SHARED/iris.csv" -o "$TMP/iris.model" --quiet >/dev/null 2>&1
    "$BP" predict "$TMP/iris.model" "$SHARED/iris.csv" --proba >"$TMP/iris" 2>&1
    check "iris: string labels" [ "$(head -n 1 "$TMP/iris")" = "label,P(Iris-setosa),P(Iris-versicolor),P(Iris-virginica)" ]
    check "iris: predictions are labels" [ "$(tail -n +2 "$TMP/iris" | cut -d, -f1 | sort -u | tr '\n' ' ')" \
        = "Iris-setosa Iris-versicolor Iris-virginica " ]
    "$BP" eval "$TMP/iris.model" "$SHARED/iris.csv" >"$TMP/iris-eval" 2>&1
    check "iris: eval" grep -qE '^Accuracy: (9[0-9]|100)\.[0-9]{3}%$' "$TMP/iris-eval"
else
    echo "skip: $SHARED/iris.csv is absent"
fi
if [ -f "$SHARED/abalone.csv" ]; then
    head -n 400 "$SHARED/abalone.csv" >"$TMP/abalone.csv"
    "$BP" train "$TMP/abalone.csv" --task regression -o "$TMP/abalone.model" --epochs 20 --quiet >/dev/null 2>&1
    check "abalone: categorical column saved" grep -q '^column categorical - 3$' "$TMP/abalone.model"
    printf 'X,0.455,0.365,0.095,0.514,0.2245,0.101,0.15\nM,0.35,0.265,0.09,0.2255,0.0995,0.0485,0.07\nQ,0.5,0.4,0.1,0.5,0.2,0.1,0.2\n' \
        >"$TMP/sexes.csv"
    "$BP" predict "$TMP/abalone.model" "$TMP/sexes.csv" >"$TMP/ab-out" 2>"$TMP/ab-err"
    check "abalone: predicts with unseen categories" [ $? -eq 0 ]
    check "abalone: one value per row" [ "$(wc -l <"$TMP/ab-out")" -eq 3 ]
    check "abalone: unseen warning" grep -qx "backprop: warning: 2 unseen categories (first at $TMP/sexes.csv:1: field 1 'X')" "$TMP/ab-err"
    "$BP" eval "$TMP/abalone.model" "$TMP/abalone.csv" >"$TMP/ab-eval" 2>&1
    check "abalone: regression eval" grep -qE '^RMSE: [0-9]+\.[0-9]{4}$' "$TMP/ab-eval"
    expect_fail "abalone: --proba on regression" "--proba is for classification" \
        "$BP" predict "$TMP/abalone.model" "$TMP/sexes.csv" --proba
else
    echo "skip: $SHARED/abalone.csv is absent"
fi

finish
