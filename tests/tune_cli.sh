#!/bin/sh
# shellcheck disable=SC2086
# backprop tune: a leaderboard, a best command line that reproduces its
# score when run as printed, a nested estimate, the same results on any
# number of threads, grid / random / halving, budgets, JSON, a saved model,
# and bad input refused before anything trains.
# Usage: BUILD=build sh tests/tune_cli.sh
. "$(dirname "$0")/sh/harness.sh"
SEEDS=data/wheat-seeds.csv
# Where the default epochs are not under test, a short fixed run keeps the
# searches quick on the sanitizer builds.
QUICK="--epochs 20"  # word-split on purpose where it is used

# The leaderboard without its seconds column.
board() { awk '/^ *[0-9]+  / { $6 = ""; print }' "$1"; }

# --- a search, and its best command line run as printed
run "$BP" tune $QUICK --trials 8 --outer-folds 2 "$SEEDS"
cp "$TMP/out" "$TMP/search.txt"
has "a leaderboard" "$TMP/out" "rank  accuracy"
has "eight trials" "$TMP/out" "Searched 8 trials over 8 candidates (random, 5-fold cv, accuracy)"
has "a nested estimate" "$TMP/out" "Nested estimate (2 outer folds"
reported=$(sed -n 's/^Cross-validated accuracy: \([0-9.]*\)%.*/\1/p' "$TMP/out")
command=$(sed -n '/^Reproduce the cross-validation:/{n;s/^  backprop //;p}' "$TMP/out")
check "the best command line is printed" [ -n "$command" ]
eval "\"\$BP\" $command --quiet" >"$TMP/cv.txt" 2>/dev/null
got=$(sed -n 's/^Mean Accuracy: \([0-9.]*\)%/\1/p' "$TMP/cv.txt")
check "run as printed, cv gives the score tune reported ($got% = $reported%)" [ -n "$got" -a "$got" = "$reported" ]

# --- the same on one thread and on two
run "$BP" tune $QUICK --trials 8 --outer-folds 2 --threads 1 "$SEEDS"
board "$TMP/out" >"$TMP/one"
board "$TMP/search.txt" >"$TMP/all"
check "one thread, the same leaderboard" cmp -s "$TMP/one" "$TMP/all"
run "$BP" tune $QUICK --trials 8 --outer-folds 2 --threads 2 "$SEEDS"
board "$TMP/out" >"$TMP/two"
check "two threads, the same leaderboard" cmp -s "$TMP/two" "$TMP/all"

# --- grid, halving, a budget
run "$BP" tune $QUICK --method grid --space hidden=4,8,16 --space lr=0.01,0.1 --outer-folds 0 --top 3 "$SEEDS"
has "grid: every point" "$TMP/out" "Searched 6 trials over 6 candidates (grid"
check "grid: --top 3 rows" [ "$(board "$TMP/out" | wc -l)" -eq 3 ]
has "grid: only the dimensions vary" "$TMP/out" "--hidden 4 --lr 0.01"
run "$BP" tune --epochs 90 --method halving --trials 27 --outer-folds 0 "$SEEDS"
has "halving: 27, then 9, then 3" "$TMP/out" "Searched 39 trials over 27 candidates (halving"
has "halving: the first round on a ninth of the epochs" "$TMP/out" "    10  "
start=$(date +%s)
run "$BP" tune --budget 2s --outer-folds 0 "$SEEDS"
took=$(( $(date +%s) - start ))
check "a 2s budget ends in time (${took}s)" [ "$took" -le 6 ]
has "the budget says it cut the search" "$TMP/out" "cut short by the budget"

# --- JSON, and the best model saved
run "$BP" tune $QUICK --trials 6 --outer-folds 2 --format json -o "$TMP/best.model" "$SEEDS"
json_true "JSON: the command" "d['command'] == 'tune' and d['schema_version'] == 2 and d['metric'] == 'accuracy'"
json_true "JSON: six trials ranked" "[t['rank'] for t in d['trials']] == list(range(1, 7))"
json_true "JSON: best first" "d['trials'][0]['mean'] == d['best']['mean'] == max(t['mean'] for t in d['trials'])"
json_true "JSON: a fraction" "0 < d['best']['mean'] <= 1"
json_true "JSON: the settings of each" "all(set(t['settings']) == {'hidden', 'activation', 'lr', 'batch', 'l2'} for t in d['trials'])"
json_true "JSON: the command line" "d['best']['command'].startswith('backprop cv --folds 5 --seed 1')"
json_true "JSON: nested" "d['nested']['outer_folds'] == 2 and len(d['nested']['scores']) == 2"
run "$BP" eval "$TMP/best.model" "$SEEDS"
has "the saved model evaluates" "$TMP/out" "Accuracy:"

# --- the history and the report
run "$BP" tune $QUICK --trials 6 --outer-folds 0 --quiet --history "$TMP/trials.csv" --report "$TMP/tune.html" "$SEEDS"
has "history: a header" "$TMP/trials.csv" "rank,round,candidate,epochs,mean,std,seconds,diverged,hidden,activation,lr,batch,l2"
check "history: a row a trial" [ "$(wc -l <"$TMP/trials.csv")" -eq 7 ]
has "report: the leaderboard" "$TMP/tune.html" "<h2>Leaderboard</h2>"
has "report: the command line" "$TMP/tune.html" "backprop cv --folds 5 --seed 1"
check "report: a plot a dimension, a point a trial" [ "$(grep -c '<circle' "$TMP/tune.html")" -eq 30 ]
expect_fail "a report that cannot be written, before the search" "cannot" \
    "$BP" tune --trials 2 --report /nonexistent/dir/tune.html "$SEEDS"

# --- regression, and another metric
awk 'BEGIN { srand(3); for (i = 0; i < 120; i++) { a = rand(); b = rand(); printf "%.4f,%.4f,%.4f\n", a, b, 3 * a - b * b + 0.1 * rand() } }' \
    >"$TMP/reg.csv"
run "$BP" tune $QUICK --trials 4 --outer-folds 0 --format json "$TMP/reg.csv"
json_true "regression: rmse by default, lower is better" "d['metric'] == 'rmse' and d['higher_is_better'] is False and d['trials'][0]['mean'] == min(t['mean'] for t in d['trials'])"
run "$BP" tune $QUICK --trials 4 --outer-folds 0 --metric f1 "$SEEDS"
reported=$(sed -n 's/^Cross-validated f1: \([0-9.]*\)%.*/\1/p' "$TMP/out")
command=$(sed -n '/^Reproduce the cross-validation:/{n;s/^  backprop //;p}' "$TMP/out")
eval "\"\$BP\" $command --quiet" >"$TMP/cv.txt" 2>/dev/null
got=$(sed -n 's/^Macro F1: \([0-9.]*\)%/\1/p' "$TMP/cv.txt")
check "--metric f1: cv's Macro F1 is the score tune reported ($got% = $reported%)" [ -n "$got" -a "$got" = "$reported" ]

# --- interrupted (Ctrl-C, then kill -9) and run again with --resume: the
# finished trials are kept and the result is the uninterrupted run's
LONG="--trials 30 --outer-folds 2 $QUICK"
run "$BP" tune $LONG "$SEEDS"
board "$TMP/out" >"$TMP/whole"
grep -E '^(Best|Cross|Nested)' "$TMP/out" >>"$TMP/whole"
for how in INT KILL; do
    rm -f "$TMP/trials.log"
    "$BP" tune $LONG --resume "$TMP/trials.log" "$SEEDS" >"$TMP/out" 2>"$TMP/err" &
    pid=$!
    # once the first trial is in the file (a slow build takes longer to get there)
    tries=0
    while ! grep -q '^trial ' "$TMP/trials.log" 2>/dev/null && [ $tries -lt 600 ]; do
        sleep 0.05
        tries=$((tries + 1))
    done
    kill -$how $pid 2>/dev/null
    { wait $pid; } 2>/dev/null
    status=$?
    if [ $how = INT ]; then
        check "Ctrl-C: exit 130 ($status)" [ $status -eq 130 ]
        has "Ctrl-C: says where the trials are" "$TMP/err" "its finished trials are in $TMP/trials.log"
    fi
    kept=$(grep -c '^trial ' "$TMP/trials.log")
    check "$how: some trials kept, not all ($kept)" [ "$kept" -gt 0 -a "$kept" -lt 90 ]
    run "$BP" tune $LONG --resume "$TMP/trials.log" "$SEEDS"
    board "$TMP/out" >"$TMP/again"
    grep -E '^(Best|Cross|Nested)' "$TMP/out" >>"$TMP/again"
    check "$how, resumed: the result of the run never stopped" cmp -s "$TMP/again" "$TMP/whole"
    check "$how, resumed: every trial in the file once (90)" [ "$(grep -c '^trial ' "$TMP/trials.log")" -eq 90 ]
done
expect_fail "the trials of another search" "holds the trials of another search" \
    "$BP" tune --trials 30 --outer-folds 3 --resume "$TMP/trials.log" "$SEEDS"

# --- bad input, refused before anything trains
expect_fail "an option tune cannot vary" "not a training option tune can vary" "$BP" tune --space seed=1,2 "$SEEDS"
expect_fail "an empty list" "not a list of values" "$BP" tune --space lr= "$SEEDS"
expect_fail "an empty range" "the range 1..0 is empty" "$BP" tune --space lr=1..0 "$SEEDS"
expect_fail "a log range from 0" "a log range must start above 0" "$BP" tune --space lr=0..1:log "$SEEDS"
expect_fail "a range of names" "takes a list of values, not a range" "$BP" tune --space activation=1..2 "$SEEDS"
expect_fail "a value the option refuses" "--lr must be a positive number" "$BP" tune --space lr=0.1,-1 "$SEEDS"
expect_fail "fixed and varied" "fixed on the command line and also a dimension" "$BP" tune --lr 0.1 --space lr=0.1,0.2 "$SEEDS"
expect_fail "a dimension twice" "given twice" "$BP" tune --space lr=0.1 --space lr=0.2 "$SEEDS"
expect_fail "a grid of a range" "--method grid needs lists" "$BP" tune --method grid --space lr=0.001..0.1 "$SEEDS"
expect_fail "no trials" "--trials must be" "$BP" tune --trials 0 "$SEEDS"
expect_fail "no budget" "--budget must be a positive time" "$BP" tune --budget 0 "$SEEDS"
expect_fail "a metric of the other task" "does not score a classification" "$BP" tune --metric rmse "$SEEDS"
expect_fail "an unknown method" "--method must be" "$BP" tune --method annealing "$SEEDS"
expect_fail "one outer fold" "--outer-folds must be 0" "$BP" tune --outer-folds 1 "$SEEDS"

finish
