#!/bin/sh
# W5: hyperparameter search. The same grid (hidden 5/10/20/40 x learning
# rate 0.001/0.01/0.1 x relu/tanh; Adam, batch 16, 500 epochs, L2 1e-4,
# Xavier/Glorot weights, min-max scaling fitted on each training fold, 5
# folds, no early stopping) searched by `backprop tune --method grid` and by
# scikit-learn's GridSearchCV (n_jobs=2) and HalvingRandomSearchCV; then a
# time-boxed `backprop tune --budget` with its default space. For each: the
# time to finish the search (median of RUNS), the best cross-validated
# accuracy it found, and a nested estimate (the search within 3 outer
# folds, scored on the rows each left out).
#
#   sh bench/w5.sh [BUILD_DIR]          (default BUILD_DIR: build)
#
# Environment: RUNS=N (timed searches per peer, default 3), BUDGET (default
# 60s), DATA (files, default: the seeds, iris, sonar and ionosphere files),
# PYTHON. scikit-learn comes from Debian (python3-sklearn), installed with
# apt-get when missing.
#
# Exit status: 0 when every backprop run finished.
set -eu

WORKLOAD=w5
BUILD=${1:-build}
cd "$(dirname "$0")/.."
OUT="$BUILD/bench"
mkdir -p "$OUT"
. bench/lib.sh

RUNS=${RUNS:-3}
BUDGET=${BUDGET:-60s}
SHARED=${BACKPROP_SHARED_DATA:-../shared/data}
DATA=${DATA:-"data/wheat-seeds.csv $SHARED/iris.csv $SHARED/sonar.csv $SHARED/ionosphere.csv"}
check_build
BP="$BUILD/backprop"
SKLEARN=1
need_module sklearn python3-sklearn || SKLEARN=0

GRID="--method grid --space hidden=5,10,20,40 --space lr=0.001,0.01,0.1 --space activation=relu,tanh
      --batch 16 --epochs 500 --optimizer adam --l2 0.0001 --init xavier --scale minmax --validation 0
      --loss xent"

# median N...: the middle value (the lower of the two middle ones).
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# field JSON KEY: a number from a one-line JSON document.
field() { "$PYTHON" -c 'import json,sys; d=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2"; }

printf '%-16s %-28s %9s %9s %16s\n' "data" "search" "seconds" "best cv" "nested"
status=0
for file in $DATA; do
    [ -f "$file" ] || { note "skipped $file: not there"; continue; }
    name=$(basename "$file" .csv)
    times=
    for i in $(seq "$RUNS"); do
        # shellcheck disable=SC2086
        "$BP" tune $GRID --outer-folds 0 --quiet --format json "$file" >"$OUT/w5-$name-grid.json" 2>>"$OUT/w5.log" ||
            { status=1; note "backprop tune failed on $file"; continue 2; }
        times="$times $(field "$(tr -d '\n' <"$OUT/w5-$name-grid.json")" "d['seconds']")"
    done
    # shellcheck disable=SC2086
    "$BP" tune $GRID --outer-folds 3 --quiet --format json "$file" >"$OUT/w5-$name-nested.json" 2>>"$OUT/w5.log"
    grid=$(tr -d '\n' <"$OUT/w5-$name-grid.json")
    nested=$(tr -d '\n' <"$OUT/w5-$name-nested.json")
    printf '%-16s %-28s %9.2f %8.2f%% %8.2f ± %.2f%%\n' "$name" "backprop tune, grid 24" "$(median $times)" \
        "$(field "$grid" "100 * d['best']['mean']")" "$(field "$nested" "100 * d['nested']['mean']")" \
        "$(field "$nested" "100 * d['nested']['std']")"
    best_std=$(field "$grid" "100 * d['best']['std']")
    if [ "$SKLEARN" = 1 ]; then
        for method in grid halving; do
            times=
            flag=
            [ "$method" = halving ] && flag=--halving
            for i in $(seq "$RUNS"); do
                line=$("$PYTHON" bench/tune_sklearn.py "$file" $flag 2>>"$OUT/w5.log") || { note "scikit-learn failed"; break; }
                times="$times $(field "$line" "d['seconds']")"
            done
            label="GridSearchCV, grid 24"
            [ "$method" = halving ] && label="HalvingRandomSearchCV"
            printf '%-16s %-28s %9.2f %8.2f%% %8.2f ± %.2f%%\n' "$name" "$label" "$(median $times)" \
                "$(field "$line" "100 * d['best_cv']")" "$(field "$line" "100 * d['nested']")" \
                "$(field "$line" "100 * d['nested_std']")"
        done
    fi
    "$BP" tune --budget "$BUDGET" --quiet --format json "$file" >"$OUT/w5-$name-budget.json" 2>>"$OUT/w5.log" ||
        { status=1; note "backprop tune --budget failed on $file"; continue; }
    budget=$(tr -d '\n' <"$OUT/w5-$name-budget.json")
    printf '%-16s %-28s %9.2f %8.2f%% %8.2f ± %.2f%%\n' "$name" "backprop tune --budget $BUDGET" \
        "$(field "$budget" "d['seconds']")" "$(field "$budget" "100 * d['best']['mean']")" \
        "$(field "$budget" "100 * d['nested']['mean']")" "$(field "$budget" "100 * d['nested']['std']")"
    printf '%-16s %-28s %9s %8s  (grid best %.2f%%, its std %.2f)\n' "" "" "" "" \
        "$(field "$grid" "100 * d['best']['mean']")" "$best_std"
done
exit $status
