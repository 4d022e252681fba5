#!/bin/sh
# W5: hyperparameter search. The same grid (hidden 5/10/20/40 x learning
# rate 0.001/0.01/0.1 x relu/tanh; Adam, batch 16, 500 epochs, L2 1e-4,
# Xavier/Glorot weights, min-max scaling fitted on each training fold, 5
# folds, every epoch run: no early stopping on either side) searched by
# `backprop tune --method grid` and by
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
# PARTS (of "grid sklearn budget", default all; budget needs grid's files
# from an earlier run), PYTHON. scikit-learn comes from Debian (python3-sklearn), installed with
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
PARTS=${PARTS:-grid sklearn budget}
part() { case " $PARTS " in *" $1 "*) return 0 ;; esac; return 1; }
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
# field FILE EXPRESSION: a number from the JSON document in FILE (d).
field() { "$PYTHON" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }

printf '%-16s %-28s %9s %9s %16s\n' "data" "search" "seconds" "best cv" "nested"
status=0
for file in $DATA; do
    [ -f "$file" ] || { note "skipped $file: not there"; continue; }
    name=$(basename "$file" .csv)
    grid="$OUT/w5-$name-grid.json"
    nested="$OUT/w5-$name-nested.json"
    if part grid; then
        times=
        for i in $(seq "$RUNS"); do
            # shellcheck disable=SC2086
            "$BP" tune $GRID --outer-folds 0 --quiet --format json "$file" >"$grid" 2>>"$OUT/w5.log" ||
                { status=1; note "backprop tune failed on $file"; continue 2; }
            times="$times $(field "$grid" "d['seconds']")"
        done
        # shellcheck disable=SC2086
        "$BP" tune $GRID --outer-folds 3 --quiet --format json "$file" >"$nested" 2>>"$OUT/w5.log"
        printf '%-16s %-28s %9.2f %8.2f%% %8.2f ± %.2f%%\n' "$name" "backprop tune, grid 24" "$(median $times)" \
            "$(field "$grid" "100 * d['best']['mean']")" "$(field "$nested" "100 * d['nested']['mean']")" \
            "$(field "$nested" "100 * d['nested']['std']")"
    fi
    if [ "$SKLEARN" = 1 ] && part sklearn; then
        for method in grid halving; do
            times=
            flag=
            [ "$method" = halving ] && flag=--halving
            for i in $(seq "$RUNS"); do
                line="$OUT/w5-$name-sklearn-$method.json"
                # the nested estimate once, in the last run
                [ "$i" = "$RUNS" ] && flag="$flag --nested"
                # shellcheck disable=SC2086
                "$PYTHON" bench/tune_sklearn.py "$file" $flag >"$line" 2>>"$OUT/w5.log" ||
                    { note "scikit-learn failed on $file"; break; }
                times="$times $(field "$line" "d['seconds']")"
            done
            label="GridSearchCV, grid 24"
            [ "$method" = halving ] && label="HalvingRandomSearchCV"
            printf '%-16s %-28s %9.2f %8.2f%% %8.2f ± %.2f%%\n' "$name" "$label" "$(median $times)" \
                "$(field "$line" "100 * d['best_cv']")" "$(field "$line" "100 * d['nested']")" \
                "$(field "$line" "100 * d['nested_std']")"
        done
    fi
    part budget || continue
    "$BP" tune --budget "$BUDGET" --quiet --format json "$file" >"$OUT/w5-$name-budget.json" 2>>"$OUT/w5.log" ||
        { status=1; note "backprop tune --budget failed on $file"; continue; }
    budget="$OUT/w5-$name-budget.json"
    printf '%-16s %-28s %9.2f %8.2f%% %8.2f ± %.2f%%\n' "$name" "backprop tune --budget $BUDGET" \
        "$(field "$budget" "d['seconds']")" "$(field "$budget" "100 * d['best']['mean']")" \
        "$(field "$budget" "100 * d['nested']['mean']")" "$(field "$budget" "100 * d['nested']['std']")"
    printf '%-16s %-28s %9s %8s  (the grid: best %.2f%%, std %.2f)\n' "" "" "" "" \
        "$(field "$grid" "100 * d['best']['mean']")" "$(field "$grid" "100 * d['best']['std']")"
done
exit $status
