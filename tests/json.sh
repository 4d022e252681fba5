#!/bin/sh
# Machine-readable output and pipes: `--format json` of cv, eval and predict
# parses and has the keys docs/json.md documents, with the same figures as
# the text output; `--format csv` is predict's plain output; "-" reads
# standard input for cv, train, predict and eval. The JSON checks need
# python3; without it they are skipped, and counted as skipped.
# Usage: BUILD=build sh tests/json.sh
. "$(dirname "$0")/sh/harness.sh"

SEEDS=data/wheat-seeds.csv
MODEL=$TMP/seeds.model
"$BP" train --epochs 100 --quiet "$SEEDS" -o "$MODEL" >/dev/null 2>&1
check "train a model" [ -s "$MODEL" ]
awk 'BEGIN { srand(3); for (i = 0; i < 90; i++) { x = rand(); z = rand(); printf "%.4f,%.4f,%.4f\n", x, z, 2 * x + z } }' \
    >"$TMP/reg.csv"
"$BP" train --task regression --epochs 50 --quiet "$TMP/reg.csv" -o "$TMP/reg.model" >/dev/null 2>&1
check "train a regression model" [ -s "$TMP/reg.model" ]

# --- --format: the values each command accepts
for bad_format in "cv --format csv $SEEDS" "eval --format csv $MODEL $SEEDS" "predict --format text $MODEL $SEEDS"; do
    # shellcheck disable=SC2086
    "$BP" $bad_format >/dev/null 2>"$TMP/err"
    check "$bad_format: exit 2" [ $? -eq 2 ]
    check "$bad_format: the error names --format" grep -q '^backprop: error: --format must be' "$TMP/err"
done
"$BP" predict "$MODEL" "$SEEDS" >"$TMP/plain.csv" 2>&1
"$BP" predict --format csv "$MODEL" "$SEEDS" >"$TMP/format.csv" 2>&1
check "predict --format csv is the plain output" cmp -s "$TMP/plain.csv" "$TMP/format.csv"

# --- the documents
"$BP" cv --epochs 50 --format json "$SEEDS" >"$TMP/cv.json" 2>"$TMP/err"
check "cv --format json exits 0" [ $? -eq 0 ]
"$BP" cv --epochs 50 "$SEEDS" >"$TMP/cv.txt" 2>&1
"$BP" cv --epochs 20 --validation 0.25 --format json "$SEEDS" >"$TMP/cv_val.json" 2>&1
check "cv --validation --format json exits 0" [ $? -eq 0 ]
"$BP" cv --task regression --folds 3 --epochs 20 --format json "$TMP/reg.csv" >"$TMP/cv_reg.json" 2>&1
check "cv regression --format json exits 0" [ $? -eq 0 ]
"$BP" eval --format json "$MODEL" "$SEEDS" >"$TMP/eval.json" 2>&1
check "eval --format json exits 0" [ $? -eq 0 ]
"$BP" eval "$MODEL" "$SEEDS" >"$TMP/eval.txt" 2>&1
grep -v ',3$' "$SEEDS" >"$TMP/no_class_3.csv"
"$BP" eval --format json "$MODEL" "$TMP/no_class_3.csv" >"$TMP/eval_absent.json" 2>/dev/null
check "eval --format json without a class's rows exits 0" [ $? -eq 0 ]
"$BP" eval --format json "$TMP/reg.model" "$TMP/reg.csv" >"$TMP/eval_reg.json" 2>&1
check "eval regression --format json exits 0" [ $? -eq 0 ]
"$BP" predict --format json "$MODEL" "$SEEDS" >"$TMP/predict.json" 2>&1
check "predict --format json exits 0" [ $? -eq 0 ]
"$BP" predict --format json --proba "$MODEL" "$SEEDS" -o "$TMP/proba.json" >"$TMP/out" 2>&1
check "predict --format json --proba -o exits 0" [ $? -eq 0 ]
check "predict -o writes nothing to standard output" [ ! -s "$TMP/out" ]
"$BP" predict --proba "$MODEL" "$SEEDS" >"$TMP/proba.csv" 2>&1
cut -d, -f1-7 "$SEEDS" >"$TMP/no_target.csv"
"$BP" predict --format json "$MODEL" "$TMP/no_target.csv" >"$TMP/no_target.json" 2>&1
"$BP" predict --format json "$TMP/reg.model" "$TMP/reg.csv" >"$TMP/predict_reg.json" 2>&1
"$BP" predict "$TMP/reg.model" "$TMP/reg.csv" >"$TMP/predict_reg.csv" 2>&1
if "$BP" --version | grep -q float; then
    : >"$TMP/tutorial.json"
else
    "$BP" cv --tutorial --format json "$SEEDS" >"$TMP/tutorial.json" 2>&1
fi

# Labels that need escaping: quotes, a backslash, a tab, a newline, markup,
# non-ASCII, and a byte that is not UTF-8.
printf 'a,b,label\n1,2,"say ""hi"""\n2,1,"back\\slash"\n3,3,"tab\there"\n4,4,"new\nline"\n5,5,"<&>"\n6,6,"caf\303\251"\n7,7,"bad\377byte"\n' \
    >"$TMP/labels.csv"
printf '1,2,"say ""hi"""\n' >>"$TMP/labels.csv"
"$BP" cv --folds 2 --epochs 3 --quiet --format json "$TMP/labels.csv" >"$TMP/labels.json" 2>"$TMP/err"
check "cv --format json with awkward labels exits 0" [ $? -eq 0 ]

if ! command -v python3 >/dev/null 2>&1; then
    echo "skip: python3 is not installed; the JSON documents were not parsed"
    skip=$((skip + 1))
else
    python3 - "$TMP" <<'PY' >"$TMP/py.out" 2>&1
import json, math, os, re, sys

tmp = sys.argv[1]
passed = failed = 0

def check(what, cond):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("not ok: " + what)

def reject(name):
    raise ValueError("not JSON: " + name)

def load(name):
    """Strict JSON: UTF-8, and no NaN or Infinity (which JSON does not have)."""
    path = os.path.join(tmp, name)
    try:
        with open(path, "rb") as f:
            return json.loads(f.read().decode("utf-8"), parse_constant=reject)
    except Exception as e:
        check("%s parses: %s" % (name, e), False)
        return None

def has_keys(what, obj, keys):
    missing = [k for k in keys if not isinstance(obj, dict) or k not in obj]
    check("%s has %s (missing %s)" % (what, ", ".join(keys), missing), not missing)

HEAD = ["command", "schema_version", "backprop_version", "task", "data"]
METRICS = ["rows", "accuracy", "macro_precision", "macro_recall", "macro_f1", "log_loss",
           "balanced_accuracy", "mcc", "roc_auc", "pr_auc", "auc_average", "brier", "imbalanced",
           "labels", "confusion", "per_class"]
CONFIG = ["folds", "stratify", "tutorial", "hidden", "activation", "output_activation", "init",
          "loss", "lr", "epochs", "batch", "optimizer", "momentum", "beta1", "beta2", "l2",
          "schedule", "decay", "step_epochs", "validation", "patience", "threads", "scale", "seed",
          "task", "target", "ignore", "classes", "delimiter", "header", "missing", "max_memory"]

def check_metrics(what, m, rows, k):
    has_keys(what, m, METRICS)
    if not isinstance(m, dict) or "confusion" not in m:
        return
    check(what + ": rows", m["rows"] == rows)
    check(what + ": a k x k confusion matrix", len(m["confusion"]) == k and all(len(r) == k for r in m["confusion"]))
    check(what + ": the confusion matrix counts every row", sum(map(sum, m["confusion"])) == rows)
    check(what + ": one per_class entry per label", [c["label"] for c in m["per_class"]] == m["labels"])
    for c in m["per_class"]:
        has_keys(what + " per_class", c, ["label", "precision", "recall", "f1", "support", "roc_auc", "pr_auc"])
    check(what + ": precision is a fraction", all(0 <= c["precision"] <= 1 for c in m["per_class"]))
    check(what + ": accuracy is a fraction", 0 <= m["accuracy"] <= 1)

# --- cv
cv = load("cv.json")
if cv:
    has_keys("cv", cv, HEAD + ["config", "folds", "mean_accuracy", "std_accuracy", "metrics", "warnings"])
    check("cv: command", cv["command"] == "cv")
    check("cv: schema_version 2", cv["schema_version"] == 2)
    check("cv: warnings, a list of coded entries", isinstance(cv["warnings"], list) and
          all(set(w) == {"code", "level", "message", "hint"} for w in cv["warnings"]))
    check("cv: rates are fractions", all(0 <= f["accuracy"] <= 1 for f in cv["folds"]) and 0 <= cv["mean_accuracy"] <= 1)
    check("cv: task", cv["task"] == "classification")
    has_keys("cv data", cv["data"], ["source", "rows", "features", "numeric_features", "categorical_columns", "classes"])
    check("cv data: rows", cv["data"]["rows"] == 210)
    check("cv data: classes", cv["data"]["classes"] == [{"label": l, "rows": 70} for l in ("1", "2", "3")])
    has_keys("cv config", cv["config"], CONFIG)
    check("cv config: epochs as given", cv["config"]["epochs"] == 50)
    check("cv config: hidden widths", cv["config"]["hidden"] == [5])
    check("cv config: default target is null", cv["config"]["target"] is None)
    check("cv: 5 folds", [f["fold"] for f in cv["folds"]] == [1, 2, 3, 4, 5])
    for f in cv["folds"]:
        has_keys("cv fold", f, ["fold", "accuracy", "epochs", "final_loss", "best_val_loss", "seconds"])
    check("cv folds: epochs run", all(f["epochs"] == 50 for f in cv["folds"]))
    check("cv folds: no validation, null best_val_loss", all(f["best_val_loss"] is None for f in cv["folds"]))
    check("cv: the mean of the folds", abs(cv["mean_accuracy"] - sum(f["accuracy"] for f in cv["folds"]) / 5) < 1e-9)
    check_metrics("cv metrics", cv["metrics"], 210, 3)
    # the same figures as the text output
    text = open(os.path.join(tmp, "cv.txt")).read()
    scores = re.search(r"^Scores: \[(.*)\]$", text, re.M).group(1)
    check("cv: fold accuracies equal the text's Scores, as fractions",
          [float(s) / 100 for s in scores.split(", ")] == [f["accuracy"] for f in cv["folds"]])
    mean = re.search(r"^Mean Accuracy: ([0-9.]+)%$", text, re.M).group(1)
    check("cv: mean equals the text's", "%.3f" % (100 * cv["mean_accuracy"]) == mean)
    f1 = re.search(r"^Macro F1: ([0-9.]+)%$", text, re.M).group(1)
    check("cv: macro F1 equals the text's", "%.3f" % (100 * cv["metrics"]["macro_f1"]) == f1)

cv = load("cv_val.json")
if cv:
    check("cv --validation: best_val_loss per fold", all(isinstance(f["best_val_loss"], float) for f in cv["folds"]))
    check("cv --validation: config", cv["config"]["validation"] == 0.25)

cv = load("cv_reg.json")
if cv:
    has_keys("cv regression", cv, HEAD + ["config", "folds", "mean_rmse", "std_rmse", "mean_mae", "mean_r2", "metrics"])
    check("cv regression: task", cv["task"] == "regression")
    has_keys("cv regression data", cv["data"], ["source", "rows", "features", "target"])
    has_keys("cv regression target", cv["data"]["target"], ["min", "max", "mean", "std"])
    for f in cv["folds"]:
        has_keys("cv regression fold", f, ["fold", "rmse", "mae", "r2", "epochs", "final_loss"])
    has_keys("cv regression metrics", cv["metrics"], ["rows", "rmse", "mae", "r2"])
    check("cv regression: 3 folds", len(cv["folds"]) == 3)

if os.path.getsize(os.path.join(tmp, "tutorial.json")):
    cv = load("tutorial.json")
    if cv:
        check("cv --tutorial: the tutorial's scores, to the last digit",
              [100 * f["accuracy"] for f in cv["folds"]] == [90.47619047619048, 92.85714285714286, 97.61904761904762,
                                                            92.85714285714286, 92.85714285714286])
        check("cv --tutorial: config", cv["config"]["tutorial"] is True)

# --- eval
ev = load("eval.json")
if ev:
    has_keys("eval", ev, HEAD + ["model", "metrics", "input", "warnings"])
    check("eval: command", ev["command"] == "eval")
    check("eval: data", ev["data"] == {"source": "data/wheat-seeds.csv", "rows": 210,
                                    "delimiter": ",", "decimal": "."})
    check_metrics("eval metrics", ev["metrics"], 210, 3)
    text = open(os.path.join(tmp, "eval.txt")).read()
    acc = re.search(r"^Accuracy: ([0-9.]+)%$", text, re.M).group(1)
    check("eval: accuracy equals the text's", "%.3f" % (100 * ev["metrics"]["accuracy"]) == acc)
    has_keys("eval input", ev["input"], ["unseen_categories", "first_unseen", "missing_values", "first_missing"])
    check("eval: nothing unseen", ev["input"]["unseen_categories"] == 0 and ev["input"]["first_unseen"] is None)
    check("eval: no warnings", ev["warnings"] == [])
    m = ev["metrics"]
    for title, key, scale, digits in [("Balanced Accuracy", "balanced_accuracy", 100, 3), ("MCC", "mcc", 1, 4),
                                      ("ROC AUC", "roc_auc", 1, 4), ("PR AUC", "pr_auc", 1, 4),
                                      ("Brier Score", "brier", 1, 4)]:
        shown = re.search(r"^%s: (-?[0-9.]+)" % title, text, re.M)
        check("eval: %s equals the text's" % key, shown and "%.*f" % (digits, scale * m[key]) == shown.group(1))
    check("eval: three classes, macro AUCs", m["auc_average"] == "macro" and not m["imbalanced"])
    check("eval: the macro ROC AUC is the mean of the classes'",
          abs(m["roc_auc"] - sum(c["roc_auc"] for c in m["per_class"]) / 3) < 1e-12)
    # The areas recomputed from predict's probabilities of the same rows:
    # the ROC AUC as the share of (positive, negative) pairs ranked right,
    # ties counting half; average precision over the distinct thresholds.
    pr = load("proba.json")
    if pr:
        rows = pr["predictions"]
        def areas(label):
            pos = [p["proba"][label] for p in rows if p["actual"] == label]
            neg = [p["proba"][label] for p in rows if p["actual"] != label]
            auc = sum((a > b) + 0.5 * (a == b) for a in pos for b in neg) / (len(pos) * len(neg))
            ap = tp = fp = 0
            for t in sorted(set(pos + neg), reverse=True):
                gained = pos.count(t)
                tp += gained
                fp += neg.count(t)
                ap += gained / len(pos) * tp / (tp + fp)
            return auc, ap
        for c in m["per_class"]:
            auc, ap = areas(c["label"])
            check("eval: class %s's ROC AUC recomputed" % c["label"], abs(c["roc_auc"] - auc) < 1e-12)
            check("eval: class %s's average precision recomputed" % c["label"], abs(c["pr_auc"] - ap) < 1e-12)
        brier = sum(sum((v - (l == p["actual"])) ** 2 for l, v in p["proba"].items()) for p in rows) / len(rows)
        check("eval: the Brier score recomputed", abs(m["brier"] - brier) < 1e-6)  # the probabilities as printed (9 digits in the float build)
ev = load("eval_absent.json")
if ev:
    m = ev["metrics"]
    check("eval without class 3: its AUCs are null", m["per_class"][2]["roc_auc"] is None and
          m["per_class"][2]["pr_auc"] is None and m["per_class"][2]["support"] == 0)
    check("eval without class 3: the macro ROC AUC leaves it out",
          abs(m["roc_auc"] - (m["per_class"][0]["roc_auc"] + m["per_class"][1]["roc_auc"]) / 2) < 1e-12)
    check("eval without class 3: balanced accuracy over the two classes with rows",
          abs(m["balanced_accuracy"] - (m["per_class"][0]["recall"] + m["per_class"][1]["recall"]) / 2) < 1e-12)
ev = load("eval_reg.json")
if ev:
    check("eval regression: task", ev["task"] == "regression")
    has_keys("eval regression metrics", ev["metrics"], ["rows", "rmse", "mae", "r2"])

# --- predict
pr = load("predict.json")
if pr:
    has_keys("predict", pr, HEAD + ["model", "labels", "predictions", "rows", "has_target", "input", "warnings"])
    check("predict: labels", pr["labels"] == ["1", "2", "3"])
    check("predict: one prediction per row", len(pr["predictions"]) == pr["rows"] == 210)
    check("predict: rows numbered from 1", [p["row"] for p in pr["predictions"]] == list(range(1, 211)))
    for p in pr["predictions"][:3]:
        has_keys("predict entry", p, ["row", "line", "label", "actual"])
    check("predict: no proba without --proba", all("proba" not in p for p in pr["predictions"]))
    plain = open(os.path.join(tmp, "plain.csv")).read().split()
    check("predict: the labels of the CSV output", [p["label"] for p in pr["predictions"]] == plain)
    check("predict: actual labels from the file", pr["has_target"] and all(p["actual"] in pr["labels"] for p in pr["predictions"]))
pr = load("proba.json")
if pr:
    check("predict --proba: a probability per label", all(list(p["proba"]) == pr["labels"] for p in pr["predictions"]))
    check("predict --proba: sums to 1", all(abs(sum(p["proba"].values()) - 1) < 1e-6 for p in pr["predictions"]))
    rows = open(os.path.join(tmp, "proba.csv")).read().split("\n")[1:-1]
    same = all([float(x) for x in r.split(",")[1:]] == list(p["proba"].values()) for r, p in zip(rows, pr["predictions"]))
    check("predict --proba: the CSV's probabilities, exactly", same and len(rows) == 210)
pr = load("no_target.json")
if pr:
    check("predict without the target: has_target false", pr["has_target"] is False)
    check("predict without the target: actual is null", all(p["actual"] is None for p in pr["predictions"]))
pr = load("predict_reg.json")
if pr:
    check("predict regression: no labels", "labels" not in pr and pr["task"] == "regression")
    values = [float(v) for v in open(os.path.join(tmp, "predict_reg.csv")).read().split()]
    check("predict regression: the CSV's values, exactly", [p["value"] for p in pr["predictions"]] == values)

# --- escaping
lab = load("labels.json")
if lab:
    got = sorted(c["label"] for c in lab["data"]["classes"])
    want = sorted(['say "hi"', "back\\slash", "tab\there", "new\nline", "<&>", "caf\u00e9", "bad\ufffdbyte"])
    check("labels survive escaping (%r)" % got, got == want)

print("%d passed, %d failed" % (passed, failed))
PY
    line=$(tail -n 1 "$TMP/py.out")
    grep '^not ok' "$TMP/py.out"
    p=$(echo "$line" | sed -nE 's/^([0-9]+) passed, ([0-9]+) failed$/\1/p')
    f=$(echo "$line" | sed -nE 's/^([0-9]+) passed, ([0-9]+) failed$/\2/p')
    if [ -z "$p" ]; then
        bad "the JSON checks did not finish"; tail -n 5 "$TMP/py.out"
    else
        pass=$((pass + p)); fail=$((fail + f))
    fi
fi

# --- standard input ("-") and standard output
"$BP" cv --epochs 30 - <"$SEEDS" >"$TMP/stdin_cv.txt" 2>&1
"$BP" cv --epochs 30 "$SEEDS" >"$TMP/file_cv.txt" 2>&1
check "cv - reads standard input" cmp -s "$TMP/stdin_cv.txt" "$TMP/file_cv.txt"
"$BP" train --epochs 30 --quiet - -o "$TMP/stdin.model" <"$SEEDS" >/dev/null 2>&1
"$BP" train --epochs 30 --quiet "$SEEDS" -o "$TMP/file.model" >/dev/null 2>&1
check "train - reads standard input" cmp -s "$TMP/stdin.model" "$TMP/file.model"
"$BP" predict "$MODEL" - <"$SEEDS" >"$TMP/stdin_predict.csv" 2>&1
check "predict MODEL - reads standard input" cmp -s "$TMP/stdin_predict.csv" "$TMP/plain.csv"
cat "$SEEDS" | "$BP" predict "$MODEL" - >"$TMP/pipe_predict.csv" 2>&1
check "predict from a pipe" cmp -s "$TMP/pipe_predict.csv" "$TMP/plain.csv"
"$BP" eval "$MODEL" - <"$SEEDS" >"$TMP/stdin_eval.txt" 2>&1
check "eval MODEL - reads standard input" cmp -s "$TMP/stdin_eval.txt" "$TMP/eval.txt"
"$BP" eval --format json "$MODEL" - <"$SEEDS" >"$TMP/stdin_eval.json" 2>&1
check "eval json from standard input names it '-'" grep -q '"data": {"source": "-", "rows": 210, "delimiter": ",", "decimal": "."}' "$TMP/stdin_eval.json"
"$BP" cv --epochs 10 --format json - <"$SEEDS" >"$TMP/stdin_cv.json" 2>&1
check "cv json from standard input" grep -q '"source": "-"' "$TMP/stdin_cv.json"
"$BP" cv --epochs 10 --report "$TMP/stdin.html" - <"$SEEDS" >/dev/null 2>&1
check "cv --report from standard input" grep -q 'standard input' "$TMP/stdin.html"
# a pipeline: predictions of rows without the target, straight from another command
cut -d, -f1-7 "$SEEDS" | "$BP" predict "$MODEL" - | sort | uniq -c | awk '{ n += $1 } END { exit n != 210 }'
check "predict in a pipeline" [ $? -eq 0 ]
"$BP" predict "$MODEL" "$SEEDS" -o - >"$TMP/dash_o.csv" 2>&1
check "predict -o - writes standard output" cmp -s "$TMP/dash_o.csv" "$TMP/plain.csv"
check "predict -o - leaves no file named -" [ ! -e ./- ]
"$BP" train --epochs 5 "$SEEDS" -o - >/dev/null 2>"$TMP/err"
check "train -o - is refused: exit 2" [ $? -eq 2 ]
check "train -o - is refused: the error says why" grep -q '^backprop: error: train: -o needs a file name' "$TMP/err"
"$BP" cv --epochs 5 --report - "$SEEDS" >/dev/null 2>"$TMP/err"
check "cv --report - is refused" [ $? -eq 2 ]
# errors in standard input name it
printf '1,2,a\n3,x\n' | "$BP" cv - >/dev/null 2>"$TMP/err"
check "bad standard input: exit 2" [ $? -eq 2 ]
check "bad standard input: the error gives line and column" grep -qE '^backprop: error: .*:2:' "$TMP/err"
: | "$BP" cv - >/dev/null 2>"$TMP/err"
check "empty standard input: exit 2" [ $? -eq 2 ]

finish
