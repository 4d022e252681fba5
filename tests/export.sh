#!/bin/sh
# backprop export-c: the C file compiles as strict C99 with nothing but
# libm, and predicts exactly what `backprop predict` predicts (labels and
# probabilities, or regression values) on the same rows: the seeds data in
# the repository, iris and abalone from the shared data when present, and a
# small file with a text column, an ignored column, missing values and an
# unseen category. Bad uses give "backprop: error: ..." and exit status 2.
# Usage: BUILD=build sh tests/export.sh
. "$(dirname "$0")/sh/harness.sh"
CC="${CC:-cc}"

if ! command -v "$CC" >/dev/null 2>&1; then
    echo "skip: no C compiler ($CC): the exported code cannot be compiled"
    echo "0 passed, 0 failed, 1 skipped"
    exit 0
fi

have_nm=0
if command -v nm >/dev/null 2>&1; then have_nm=1; else
    echo "skip: nm is not installed: the exports' symbols are not checked"
    skip=$((skip + 1))
fi

# The float build exports float arithmetic and prints 9 digits.
float=0
"$BP" --version | grep -q float && float=1

# A main that reads feature rows (CSV, features only) from standard input
# and prints what the exported function predicts: the label and every
# probability, or the value, with 17 digits. Text fields go through
# predict_category(); empty and "?" fields are missing (NAN).
cat >"$TMP/main.c" <<'EOF'
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if REGRESSION
double predict(const double *features);
#else
int predict(const double *features, double *probabilities);
const char *predict_class_name(int class_index);
#endif
double predict_category(int feature, const char *name);

/* As `backprop predict` prints them: every digit of a double, or of a float. */
#if FLOAT_BUILD
#define DIGITS "%.9g"
#else
#define DIGITS "%.17g"
#endif

static char line[1 << 16];

int main(void)
{
    double features[FEATURES];
    while (fgets(line, sizeof line, stdin)) {
        char *p = line;
        int i;
        for (i = 0; i < FEATURES; i++) {
            size_t len = strcspn(p, ",\r\n");
            char field[256], *end;
            double v;
            if (len >= sizeof field) return 2;
            memcpy(field, p, len);
            field[len] = '\0';
            v = strtod(field, &end);
            if (len == 0 || strcmp(field, "?") == 0) features[i] = NAN;
            else features[i] = *end ? predict_category(i, field) : v;
            p += len;
            if (*p == ',') p++;
        }
#if REGRESSION
        printf(DIGITS "\n", predict(features));
#else
        {
            double proba[CLASSES];
            int k = predict(features, proba);
            printf("%s", predict_class_name(k));
            for (i = 0; i < CLASSES; i++) printf("," DIGITS, proba[i]);
            printf("\n");
        }
#endif
    }
    return 0;
}
EOF

# same_numbers A B: the two CSV files have the same fields, numbers
# compared by value (17 digits and the shortest repr read back alike).
same_numbers() {
    awk -F, 'NR == FNR { want[FNR] = $0; rows = FNR; next }
        { seen++; n = split(want[FNR], w, ","); if (n != NF) bad = 1
          for (i = 1; i <= NF; i++) if (!($i == w[i] || $i + 0 == w[i] + 0 && $i ~ /[0-9]/)) bad = 1 }
        END { if (seen != rows) bad = 1; exit bad }' "$1" "$2"
}

# check_export NAME DATA FEATURE_ROWS TASK TRAIN_OPTIONS...: trains a model
# on DATA, exports it, builds it with main.c and compares its predictions
# on FEATURE_ROWS (features only) with `backprop predict` on DATA.
check_export() {
    name=$1; data=$2; rows=$3; task=$4; shift 4
    model="$TMP/$name.model"
    if ! "$BP" train "$data" -o "$model" --quiet "$@" >/dev/null 2>"$TMP/err"; then
        bad "$name: train failed"; head -3 "$TMP/err"; return
    fi
    if ! "$BP" export-c "$model" -o "$TMP/$name.c" 2>"$TMP/err"; then
        bad "$name: export-c failed"; head -3 "$TMP/err"; return
    fi
    ok
    features=$(sed -n 's/^#define PREDICT_FEATURES \([0-9]*\).*/\1/p' "$TMP/$name.c")
    classes=$(sed -n 's/^#define PREDICT_CLASSES \([0-9]*\).*/\1/p' "$TMP/$name.c")
    regression=0
    [ "$task" = regression ] && regression=1
    for flags in "-std=c99 -Wall -Werror -pedantic" "-std=c99 -Wall -Wextra -Werror -pedantic -O2"; do
        # shellcheck disable=SC2086
        if "$CC" $flags -DFEATURES="$features" -DCLASSES="${classes:-1}" -DREGRESSION=$regression -DFLOAT_BUILD=$float \
            "$TMP/$name.c" "$TMP/main.c" -lm -o "$TMP/$name" 2>"$TMP/err"; then ok; else
            bad "$name: the export does not compile with $CC $flags"; head -5 "$TMP/err"; return
        fi
    done
    # The export alone needs nothing but libm (and strcmp from libc).
    if [ $have_nm -eq 1 ]; then
        "$CC" -std=c99 -c "$TMP/$name.c" -o "$TMP/$name.o" 2>/dev/null
        undefined=$(nm -u "$TMP/$name.o" | awk '{ print $NF }' | grep -vxE 'exp|expf|tanh|tanhf|nearbyint|nearbyintf|ldexp|ldexpf|copysign|copysignf|strcmp' | tr '\n' ' ')
        [ -z "$undefined" ] && ok || bad "$name: the export needs more than libm: $undefined"
    fi
    "$TMP/$name" <"$rows" >"$TMP/$name.c.out" 2>"$TMP/err" || bad "$name: the exported predict failed"
    if [ "$task" = regression ]; then
        "$BP" predict "$model" "$data" >"$TMP/$name.want" 2>/dev/null
    else
        "$BP" predict --proba "$model" "$data" 2>/dev/null | tail -n +2 >"$TMP/$name.want"
    fi
    if [ "$(wc -l <"$TMP/$name.want")" -gt 0 ] && same_numbers "$TMP/$name.want" "$TMP/$name.c.out"; then ok; else
        bad "$name: the exported predictions differ from backprop predict"
        diff "$TMP/$name.want" "$TMP/$name.c.out" | head -5
    fi
}

# --- the seeds in the repository: the tutorial's network, and others
SEEDS=data/wheat-seeds.csv
cut -d, -f1-7 "$SEEDS" >"$TMP/seeds.rows"
check_export seeds "$SEEDS" "$TMP/seeds.rows" classification --epochs 50
check_export seeds_deep "$SEEDS" "$TMP/seeds.rows" classification --epochs 20 \
    --hidden 6,4,3 --activation tanh,relu,leaky --loss xent --scale standard
check_export seeds_none "$SEEDS" "$TMP/seeds.rows" classification --epochs 20 \
    --hidden 4 --activation linear --scale none --lr 0.01
# the target in the middle: the features are the columns around it
cut -d, -f1-6,8 "$SEEDS" >"$TMP/seeds_around.rows"
check_export seeds_regression "$SEEDS" "$TMP/seeds_around.rows" regression --epochs 20 --task regression \
    --target 7 --hidden 5 --scale standard

# --- text column, ignored column, missing values, an unseen category
awk 'BEGIN { srand(7); print "id,color,x,y,label"
    split("red green blue", c, " ")
    for (i = 1; i <= 120; i++) {
        x = rand() * 10; y = rand() * 5; k = 1 + int(rand() * 3)
        xs = (i % 17 == 0) ? "?" : sprintf("%.3f", x)
        print i "," c[k] "," xs "," sprintf("%.3f", y) "," ((x + 2 * k > 7) ? "hot" : "cold")
    } }' >"$TMP/mixed.csv"
{ cat "$TMP/mixed.csv"; echo '900,purple,3.5,1.25,cold'; echo '901,?,6.5,2.5,hot'; echo '902,blue,,4,cold'; } \
    >"$TMP/mixed_new.csv"
tail -n +2 "$TMP/mixed_new.csv" | cut -d, -f2-4 >"$TMP/mixed.rows"
# train on the file without the new rows, predict all of them
cp "$TMP/mixed.csv" "$TMP/mixed_train.csv"
check_mixed() {
    name=$1; shift
    "$BP" train "$TMP/mixed_train.csv" -o "$TMP/$name.model" --quiet --ignore id --missing mean "$@" \
        >/dev/null 2>"$TMP/err" || { bad "$name: train failed"; head -3 "$TMP/err"; return; }
    "$BP" export-c "$TMP/$name.model" -o "$TMP/$name.c" 2>"$TMP/err" || { bad "$name: export failed"; return; }
    "$CC" -std=c99 -Wall -Werror -pedantic -DFEATURES=3 -DCLASSES=2 -DREGRESSION=0 -DFLOAT_BUILD=$float \
        "$TMP/$name.c" "$TMP/main.c" -lm -o "$TMP/$name" 2>"$TMP/err" ||
        { bad "$name: does not compile"; head -5 "$TMP/err"; return; }
    "$TMP/$name" <"$TMP/mixed.rows" >"$TMP/$name.out"
    "$BP" predict --proba "$TMP/$name.model" "$TMP/mixed_new.csv" 2>/dev/null | tail -n +2 >"$TMP/$name.want"
    if [ "$(wc -l <"$TMP/$name.want")" -eq 123 ] && same_numbers "$TMP/$name.want" "$TMP/$name.out"; then ok; else
        bad "$name: predictions differ"; diff "$TMP/$name.want" "$TMP/$name.out" | head -5
    fi
}
check_mixed mixed --epochs 30 --hidden 4
check_mixed mixed_standard --epochs 30 --hidden 3 --scale standard --loss xent
grep -q "features\[0\]: column 2 'color', a category index:" "$TMP/mixed.c" && ok ||
    bad "the opening comment lists the text column and its categories"
grep -q "0 'blue' 1 'green' 2 'red'" "$TMP/mixed.c" && ok || bad "the categories are listed with their indices"

# --- the shared data sets, when present
if [ -f "$SHARED/iris.csv" ]; then
    cut -d, -f1-4 "$SHARED/iris.csv" >"$TMP/iris.rows"
    check_export iris "$SHARED/iris.csv" "$TMP/iris.rows" classification --epochs 50 --hidden 8 \
        --activation tanh --loss xent --scale standard
else
    echo "skip: $SHARED/iris.csv is absent"
    skip=$((skip + 1))
fi
if [ -f "$SHARED/abalone.csv" ]; then
    cut -d, -f1-8 "$SHARED/abalone.csv" >"$TMP/abalone.rows"
    check_export abalone "$SHARED/abalone.csv" "$TMP/abalone.rows" regression --epochs 3 --task regression \
        --hidden 6 --activation relu
    check_export abalone_class "$SHARED/abalone.csv" "$TMP/abalone.rows" classification --epochs 2 \
        --hidden 5 --loss xent
else
    echo "skip: $SHARED/abalone.csv is absent"
    skip=$((skip + 1))
fi

# --- the file and the name
MODEL="$TMP/seeds.model"
"$BP" export-c "$MODEL" -o - >"$TMP/stdout.c" 2>/dev/null && cmp -s "$TMP/stdout.c" "$TMP/seeds.c" && ok ||
    bad "-o - writes the same source to standard output"
"$BP" export-c "$MODEL" --function seeds_predict --output "$TMP/named.c" 2>/dev/null &&
    grep -q '^int seeds_predict(const double \*features, double \*probabilities)$' "$TMP/named.c" &&
    grep -q '^const char \*seeds_predict_class_name(int class_index)$' "$TMP/named.c" &&
    grep -q '^#define SEEDS_PREDICT_FEATURES 7' "$TMP/named.c" && ok || bad "--function names the functions"
# two models in one program: only the named functions are global
[ $have_nm -eq 1 ] && "$CC" -std=c99 -Wall -Werror -pedantic -c "$TMP/named.c" -o "$TMP/named.o" 2>/dev/null &&
    "$CC" -std=c99 -Wall -Werror -pedantic -c "$TMP/seeds.c" -o "$TMP/seeds.o" 2>/dev/null &&
    [ "$(nm -g --defined-only "$TMP/named.o" "$TMP/seeds.o" | awk 'NF == 3 { print $3 }' | sort | tr '\n' ' ')" = \
        "predict predict_category predict_class_name seeds_predict seeds_predict_category seeds_predict_class_name " ] &&
    ok || { [ $have_nm -eq 0 ] || bad "exports define only their named functions"; }
# every weight of the model file is in the source with all its digits
# (the float build's model file has 9, the source 17)
if [ $float -eq 1 ]; then echo "skip: weight digits in the float build"; skip=$((skip + 1)); else
awk '$1 == "neuron" { for (i = 2; i <= NF; i++) print $i }' "$MODEL" >"$TMP/weights"
missing=0
while read -r w; do grep -qF -- "$w" "$TMP/seeds.c" || missing=1; done <"$TMP/weights"
[ -s "$TMP/weights" ] && [ $missing -eq 0 ] && ok || bad "the weights are written with 17 significant digits"
fi
! grep -q "$TMP" "$TMP/seeds.c" && ok || bad "the source names the model by its file name, not its path"

# --- bad uses
expect_fail "missing model" "cannot open model" "$BP" export-c "$TMP/none.model" -o "$TMP/x.c"
expect_fail "no output" "-o OUT is required" "$BP" export-c "$MODEL"
expect_fail "two models" "expected one model" "$BP" export-c "$MODEL" "$MODEL" -o "$TMP/x.c"
expect_fail "bad function name" "not a usable C function name" "$BP" export-c "$MODEL" --function 2x -o "$TMP/x.c"
expect_fail "keyword as name" "not a usable C function name" "$BP" export-c "$MODEL" --function int -o "$TMP/x.c"
[ ! -e "$TMP/x.c" ] && ok || bad "a failed export leaves no file"
expect_fail "not a model" "not a backprop model|backprop-model" "$BP" export-c "$SEEDS" -o "$TMP/x.c"
expect_fail "unwritable output" "" "$BP" export-c "$MODEL" -o "$TMP/no/such/dir/x.c"
expect_fail "unknown option" "unknown option" "$BP" export-c "$MODEL" -o "$TMP/x.c" --fast
[ -z "$(ls "$TMP" | grep tmp)" ] && ok || bad "no temporary file is left behind"

finish
