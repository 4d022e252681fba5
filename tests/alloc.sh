#!/bin/sh
# Allocation-failure sweep, as SQLite's out-of-memory tests do it: every
# command below is run once to count the allocations it makes (N), then once
# for every K in 1..N with the K-th allocation failing, and once more per K
# with every allocation from the K-th on failing. Each run must either
#   - stop with exit status 1 or 2 and "backprop: error: ... out of memory"
#     (or "Cannot allocate memory"), leaving no temporary file behind, or
#   - succeed with exactly the output of a run without failures (a fallback),
# and never crash, hang, leak or trip a sanitizer. The command is the test
# build $BUILD/alloc/backprop (tests/alloc_fail.c, mk/check.mk); the sweep
# runs on the AddressSanitizer build, whose leak checker sees every leak.
# Usage: BUILD=build-san sh tests/alloc.sh
#   ALLOC_QUICK=1: every 7th K only; ALLOC_VERBOSE=1: name the recovered runs.
# One run by hand, with a stack trace where the allocation fails:
#   BP_ALLOC_FAIL=K BP_ALLOC_TRACE=1 build-san/alloc/backprop train ...
set -u
BUILD="${BUILD:-build}"
pass=0
fail=0

case "$BUILD" in
*-san) ;;
*)
    echo "skip: the allocation-failure sweep runs on the sanitizer build, not $BUILD"
    echo "0 passed, 0 failed, 1 skipped"
    exit 0
    ;;
esac

BP="$(pwd)/$BUILD/alloc/backprop"
if [ ! -x "$BP" ]; then
    echo "not ok: $BP is missing (make SAN=1 OPT=-O1 tests builds it)"
    echo "0 passed, 1 failed"
    exit 1
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# exitcode: a sanitizer's finding must not pass for the command's status 1.
ASAN_OPTIONS="exitcode=86:detect_leaks=1:abort_on_error=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
UBSAN_OPTIONS="exitcode=87:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export ASAN_OPTIONS UBSAN_OPTIONS
STEP=1
[ -n "${ALLOC_QUICK:-}" ] && STEP=7
points=0
recovered=0

bad() { fail=$((fail + 1)); echo "not ok: $*"; }

# Small files keep the sweep fast; they still have a header, a category
# column, three classes and a missing value.
cat >"$TMP/small.csv" <<'CSV'
area,perimeter,compactness,colour,kind
15.26,14.84,0.871,green,1
14.16,14.4,0.8584,red,1
13.54,13.85,0.8871,blue,1
11.42,12.86,?,green,1
16.53,15.34,0.8823,red,2
16.41,15.25,0.8866,blue,2
20.24,16.91,0.8897,green,2
18.98,16.57,0.8687,red,2
13.07,13.92,0.848,red,3
12.54,13.67,0.8425,blue,3
11.41,12.95,0.856,green,3
12.38,13.44,0.8609,red,3
CSV
cat >"$TMP/reg.csv" <<'CSV'
x1,x2,kind,y
0.1,1.5,a,2.3
0.4,1.1,b,2.9
0.9,0.2,a,1.1
1.3,0.7,c,2.2
1.8,1.9,b,4.0
2.2,0.4,a,2.5
2.9,1.2,c,4.4
3.3,0.1,b,3.2
CSV
S="$TMP/small.csv"
R="$TMP/reg.csv"

# Files of a run that must match the reference: everything but stderr and
# the histories (they hold wall times).
outputs() { (cd "$1" && ls | grep -vE '^(stderr|.*\.hist)$'); }

same_outputs() {
    [ "$(outputs "$1")" = "$(outputs "$2")" ] || return 1
    for f in $(outputs "$1"); do cmp -s "$1/$f" "$2/$f" || return 1; done
    return 0
}

# judge NAME K MODE STATUS: the verdict on the run in the current
# directory, whose reference run is in $ref.
judge() {
    where="$1, allocation $2 ($3)"
    status=$4
    if grep -qE 'Sanitizer|runtime error|alloc-fail' stderr; then
        bad "$where: exit $status, sanitizer report"
        grep -E 'ERROR|SUMMARY|runtime error|#[0-9] ' stderr | head -12
        return
    fi
    case $status in
    0)
        if same_outputs . "$ref"; then
            [ -n "${ALLOC_VERBOSE:-}" ] && echo "recovered: $where"
            recovered=$((recovered + 1))
            pass=$((pass + 1))
        else
            bad "$where: exit 0 but the output differs from a run without failures"
        fi
        ;;
    1 | 2)
        set -- *tmp*
        if ! grep -qE '^backprop: error: .*(out of memory|Cannot allocate memory)' stderr; then
            bad "$where: exit $status without an out-of-memory error"
            head -3 stderr
        elif [ -e "$1" ]; then
            bad "$where: a temporary file was left: $*"
        else
            pass=$((pass + 1))
        fi
        ;;
    124) bad "$where: hung (killed after 60 s)" ;;
    *)
        bad "$where: exit $status"
        head -5 stderr
        ;;
    esac
}

# sweep NAME ARGS...: count the allocations of the command, then fail each.
# Every run happens in an empty directory, where the command writes its
# output files; the inputs are read from $TMP.
sweep() {
    name=$1
    shift
    ref="$TMP/ref-$name"
    mkdir -p "$ref"
    cd "$ref" || return
    BP_ALLOC_COUNT=count "$BP" "$@" >stdout 2>stderr
    status=$?
    n=$(cat count 2>/dev/null || echo 0)
    rm -f count
    if [ "$status" -ne 0 ] || [ "$n" -eq 0 ]; then
        bad "$name: the run without failures exits $status after $n allocations"
        head -5 stderr
        cd "$TMP" && return
    fi
    mkdir -p "$TMP/run"
    cd "$TMP/run" || return
    k=1
    while [ "$k" -le "$n" ]; do
        for persist in "" 1; do
            rm -f ./* 2>/dev/null
            BP_ALLOC_FAIL=$k BP_ALLOC_PERSIST=$persist timeout 60 "$BP" "$@" >stdout 2>stderr
            status=$?
            mode=once
            [ -n "$persist" ] && mode="and all after it"
            judge "$name" "$k" "$mode" $status
            points=$((points + 1))
        done
        k=$((k + STEP))
    done
    cd "$TMP" || return
    echo "$name: $n allocations"
}

# Models and a checkpoint for the commands that read them, made once.
mkdir -p "$TMP/setup"
(cd "$TMP/setup" &&
    "$BP" train "$S" -o c.model --epochs 3 --missing mean --quiet >/dev/null &&
    "$BP" train "$R" -o r.model --task regression --epochs 3 --quiet >/dev/null &&
    "$BP" train "$S" -o ck.model --epochs 4 --batch 4 --missing mean --checkpoint ck \
        --checkpoint-every 2 --quiet >/dev/null && rm ck.model) ||
    bad "setup: training the models to read"
M="$TMP/setup"

sweep train train "$S" -o m.model --epochs 3 --missing mean --quiet
sweep train-options train "$S" -o m.model --epochs 4 --batch 4 --threads 2 --optimizer adam \
    --lr 0.01 --hidden 4,3 --activation relu,tanh --validation 0.3 --patience 2 --history h.hist \
    --test-fraction 0.3 --stratify --missing drop --scale standard --checkpoint ck2 \
    --checkpoint-every 2
sweep train-resume train "$S" -o m.model --epochs 4 --batch 4 --missing mean --resume "$M/ck" --quiet
sweep train-regression train "$R" -o m.model --task regression --epochs 3 --hidden 3 --loss mse --quiet
sweep predict predict "$M/c.model" "$S" -o p.csv --proba
sweep predict-stdout predict "$M/r.model" "$R"
sweep eval eval "$M/c.model" "$S"
sweep eval-regression eval "$M/r.model" "$R"
sweep cv cv --folds 3 --epochs 2 --missing mean --quiet "$S"
sweep cv-options cv --folds 3 --epochs 2 --batch 4 --threads 2 --stratify --missing mean \
    --history h.hist --loss xent "$S"
sweep cv-tutorial cv --tutorial --folds 2 --epochs 2 --missing drop "$S"
sweep cv-regression cv --task regression --folds 2 --epochs 2 --quiet "$R"

echo "$points allocation-failure runs ($recovered recovered with identical output)"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
