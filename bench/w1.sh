#!/bin/sh
# W1: the tutorial's wheat-seeds case study, timed against its peers.
#
#   sh bench/w1.sh [BUILD_DIR]          (default BUILD_DIR: build)
#
# Peers: our CLI (BUILD_DIR/backprop cv --tutorial), the pure-Python tutorial
# (bench/tutorial.py) and FANN 2.2 (bench/fann_w1.c, compiled here into
# BUILD_DIR/bench/). All run the same 5-fold split from the same initial
# weights. Each is timed as a whole process: RUNS samples (default 5), each
# long enough (at least MIN_SAMPLE seconds, default 0.5) by repeating a fast
# command back to back; the table shows medians per run. Samples of the
# peers are taken in turn (round robin), so a change in machine load hits
# every peer alike.
#
# Environment: RUNS=N, MIN_SAMPLE=S, ORDERS="2,1,3 sorted" (class orders to
# run; "sorted" is 1,2,3), PYTHON=python3 (also runs the timer), CC=cc.
#
# Exit status: 0 when our CLI and the Python tutorial both print the
# reference scores; FANN is reported, not judged (its arithmetic differs).
set -eu

BUILD=${1:-build}
RUNS=${RUNS:-5}
MIN_SAMPLE=${MIN_SAMPLE:-0.5}
ORDERS=${ORDERS:-"2,1,3 sorted"}
PYTHON=${PYTHON:-python3}
CC=${CC:-cc}
DATA=data/wheat-seeds.csv

cd "$(dirname "$0")/.."
OUT="$BUILD/bench"
mkdir -p "$OUT"

# The reference figures (REFERENCE.md, section 6) for each class order.
SCORES_SORTED='Scores: [90.47619047619048, 92.85714285714286, 97.61904761904762, 92.85714285714286, 92.85714285714286]'
SCORES_213='Scores: [92.85714285714286, 92.85714285714286, 97.61904761904762, 92.85714285714286, 90.47619047619048]'
MEAN='Mean Accuracy: 93.333%'

# timer RUNS MIN_SAMPLE OUTDIR [--- TAG CMD...]...: for each TAG prints
# "TAG wall cpu repeats" (median wall and CPU seconds per run, runs per
# sample), or "TAG FAILED". A first run of each command writes its output to
# OUTDIR/TAG.out and calibrates how many back-to-back runs make a sample;
# when one run is already long enough it counts as the first sample.
TIMER='
import math, resource, statistics, subprocess, sys, time
runs, min_sample, outdir = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
jobs, args = [], sys.argv[4:]
while args:
    end = args.index("---", 1) if "---" in args[1:] else len(args)
    jobs.append((args[1], args[2:end]))
    args = args[end:]
def cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
def sample(cmd, repeats, out=subprocess.DEVNULL):
    wall, used = time.perf_counter(), cpu()
    for _ in range(repeats):
        subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=out, check=True)
        out = subprocess.DEVNULL
    return (time.perf_counter() - wall) / repeats, (cpu() - used) / repeats
plan = {}
for tag, cmd in jobs:
    try:
        with open("%s/%s.out" % (outdir, tag), "wb") as out:
            first = sample(cmd, 1, out)
    except (OSError, subprocess.CalledProcessError) as failure:
        print(tag, "FAILED", file=sys.stderr)
        print(failure, file=sys.stderr)
        continue
    repeats = max(1, math.ceil(min_sample / max(first[0], 1e-9)))
    plan[tag] = (cmd, repeats, [first] if repeats == 1 else [])
for _ in range(runs):
    for tag, (cmd, repeats, samples) in plan.items():
        if len(samples) < runs:
            samples.append(sample(cmd, repeats))
for tag, _ in jobs:
    if tag not in plan:
        print(tag, "FAILED")
        continue
    cmd, repeats, samples = plan[tag]
    print(tag, "%.6g" % statistics.median(s[0] for s in samples),
          "%.6g" % statistics.median(s[1] for s in samples), repeats)
'

note() { printf '%s\n' "w1: $*" >&2; }

# ------------------------------------------------------------------ peers

build_fann() {
    cflags="-std=c11 -O2 -Wall -Wextra -Werror -ffp-contract=off -D_POSIX_C_SOURCE=200809L -Iinclude"
    compile="$CC $cflags bench/fann_w1.c $BUILD/libbackprop.a -ldoublefann -lm -lpthread -o $OUT/fann_w1"
    $compile 2>"$OUT/fann_w1.log" && return 0
    if ! command -v apt-get >/dev/null 2>&1; then
        note "FANN skipped: cannot build bench/fann_w1.c and no apt-get (see $OUT/fann_w1.log)"
        return 1
    fi
    note "installing libfann-dev with apt-get"
    if ! { apt-get install -y libfann-dev || { apt-get update && apt-get install -y libfann-dev; }; } \
        >"$OUT/apt.log" 2>&1; then
        note "FANN skipped: apt-get install libfann-dev failed (see $OUT/apt.log)"
        return 1
    fi
    $compile 2>"$OUT/fann_w1.log" && return 0
    note "FANN skipped: bench/fann_w1.c does not build (see $OUT/fann_w1.log)"
    return 1
}

if [ ! -x "$BUILD/backprop" ] || [ ! -f "$BUILD/libbackprop.a" ]; then
    note "error: $BUILD/backprop or $BUILD/libbackprop.a is missing; run make first"
    exit 2
fi
if ! command -v "$PYTHON" >/dev/null 2>&1; then
    note "error: the timer and the Python peer need $PYTHON"
    exit 2
fi
have_fann=1
build_fann || have_fann=0

# A tag names one run: PEER.ORDER, the order with commas as dashes.
peer_of() { echo "${1%%.*}"; }
order_of() { echo "${1#*.}" | tr - ,; }
peer_name() {
    case $1 in
        ours) echo "backprop cv --tutorial" ;;
        python) echo "python3 tutorial.py" ;;
        fann) echo "FANN 2.2 (fann_w1)" ;;
        true) echo "(process start: true)" ;;
    esac
}

# The timer's job list, built in the positional parameters.
set --
for order in $ORDERS; do
    if [ "$order" = sorted ]; then classes=; else classes="--classes $order"; fi
    key=$(echo "$order" | tr , -)
    # shellcheck disable=SC2086  # $classes is empty or two words on purpose
    set -- "$@" --- "ours.$key" "$BUILD/backprop" cv --tutorial $classes "$DATA"
    # shellcheck disable=SC2086
    set -- "$@" --- "python.$key" "$PYTHON" bench/tutorial.py $classes "$DATA"
    if [ "$have_fann" = 1 ]; then
        # shellcheck disable=SC2086
        set -- "$@" --- "fann.$key" "$OUT/fann_w1" $classes "$DATA"
    fi
done
set -- "$@" --- true.none true

# ------------------------------------------------------------------ runs

# verdict ORDER OUTFILE: exact (the reference scores), mean-only (only the
# mean matches), or DIFFERS.
verdict() {
    if [ "$1" = sorted ]; then expected=$SCORES_SORTED; else expected=$SCORES_213; fi
    if grep -qxF "$expected" "$2" && grep -qxF "$MEAN" "$2"; then echo exact
    elif grep -qxF "$MEAN" "$2"; then echo mean-only
    else echo DIFFERS; fi
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')
note "timing $(echo "$ORDERS" | wc -w) class order(s), $RUNS samples per peer (the Python tutorial takes seconds a run)"
"$PYTHON" -c "$TIMER" "$RUNS" "$MIN_SAMPLE" "$OUT" "$@" >"$OUT/w1-times.txt"

# One row per run: name|order|wall|cpu|repeats|accuracy|verdict.
status=0
ROWS="$OUT/w1-table.txt"
: >"$ROWS"
while read -r tag wall cpu repeats; do
    peer=$(peer_of "$tag")
    order=$(order_of "$tag")
    if [ "$wall" = FAILED ]; then
        note "error: $(peer_name "$peer") (classes $order) failed"
        status=1
        continue
    fi
    if [ "$peer" = true ]; then
        printf '%s|-|%s|%s|%s|-|-\n' "$(peer_name true)" "$wall" "$cpu" "$repeats" >>"$ROWS"
        continue
    fi
    accuracy=$(sed -n 's/^Mean Accuracy: //p' "$OUT/$tag.out")
    check=$(verdict "$order" "$OUT/$tag.out")
    if [ "$peer" != fann ] && [ "$check" != exact ]; then
        note "error: $(peer_name "$peer") (classes $order) did not print the reference scores:"
        cat "$OUT/$tag.out" >&2
        status=1
    fi
    printf '%s|%s|%s|%s|%s|%s|%s\n' "$(peer_name "$peer")" "$order" "$wall" "$cpu" "$repeats" \
        "${accuracy:-?}" "$check" >>"$ROWS"
done <"$OUT/w1-times.txt"
if [ "$(grep -c '^ours\.' "$OUT/w1-times.txt")" -ne "$(echo "$ORDERS" | wc -w)" ]; then
    note "error: the timer did not report every run of our CLI (see $OUT/w1-times.txt)"
    status=1
fi

# ----------------------------------------------------------------- table

echo
echo "W1: wheat seeds, 5-fold CV, 7-5-3 sigmoid, lr 0.3, 500 epochs, online SGD"
echo "median of $RUNS samples; a sample repeats a run until it lasts >= ${MIN_SAMPLE}s"
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average before: $LOAD_BEFORE"
echo
awk -F'|' '
    { name[NR] = $1; order[NR] = $2; wall[NR] = $3; cpu[NR] = $4; reps[NR] = $5
      acc[NR] = $6; chk[NR] = $7
      if ($1 ~ /^backprop/) { ours_wall[$2] = $3; ours_cpu[$2] = $4 } }
    function ratio(x, base) { return base > 0 ? sprintf("%.1f", x / base) : "-" }
    END {
        fmt = "%-24s %-7s %10s %10s %7s %9s %-9s %7s %7s\n"
        printf fmt, "peer", "classes", "median s", "cpu s", "repeats", "accuracy", "scores", "ratio", "cpu"
        for (i = 1; i <= NR; i++)
            printf fmt, name[i], order[i], sprintf("%.4f", wall[i]), sprintf("%.4f", cpu[i]), reps[i], \
                acc[i], chk[i], ratio(wall[i], ours_wall[order[i]]), ratio(cpu[i], ours_cpu[order[i]])
    }' "$ROWS"
echo
echo "median s = wall seconds per run; cpu s = user + system seconds per run;"
echo "ratio = peer wall time / our wall time (same class order), cpu = the same for CPU time;"
echo "scores: exact = every fold as in the tutorial, mean-only = same mean accuracy,"
echo "DIFFERS = another mean accuracy."
exit "$status"
