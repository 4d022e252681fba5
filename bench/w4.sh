#!/bin/sh
# W4: how the cost of training grows, measured with the library driver
# (bench/mlp_speed.c): time per sample and GFLOP/s over widths 16 ... 2048
# (w-w-w-10 networks, batch 128) and over batch sizes 1 ... 512 (the W3
# network), and training time over 1k ... 1M rows (784-128-10, batch 32).
# Prints the tables and draws them into BUILD_DIR/bench/w4.png with
# matplotlib (python3-matplotlib, installed with apt-get when missing), or
# as ASCII bars when that is not possible. PyTorch float32 (one intra-op
# thread) runs the width sweep too, as a reference line.
#
#   sh bench/w4.sh [BUILD_DIR]          (default BUILD_DIR: build)
#
# Environment: RUNS=N (samples per point, default 3), QUICK=1 (fewer and
# smaller points), REALS="float double" (builds to sweep; default float:
# the rows sweep always uses the first), PYTHON, CC, FLOAT_BUILD.
#
# Exit status: 0 when our driver ran at every point.
set -eu

WORKLOAD=w4
BUILD=${1:-build}
cd "$(dirname "$0")/.."
OUT="$BUILD/bench"
mkdir -p "$OUT"
. bench/lib.sh

RUNS=${RUNS:-3}
REALS=${REALS:-float}
WIDTHS=16,32,64,128,256,512,1024,2048
BATCHES=1,2,4,8,16,32,64,128,256,512
ROWS=1000,4000,16000,64000,256000,1000000
FLOPS_GOAL=2e10
TORCH_WIDTHS=1
if [ "$QUICK" = 1 ]; then
    WIDTHS=16,64,256,1024
    BATCHES=1,8,32,128,512
    ROWS=1000,10000,100000
    FLOPS_GOAL=3e9
    TORCH_WIDTHS=0
fi
check_build

set --
for real in $REALS; do
    case $real in
        double)
            compile_driver double "$BUILD" "$OUT/mlp_speed" && set -- "$@" --ours-double "$OUT/mlp_speed" ;;
        float)
            make_float_build && compile_driver float "$FLOAT_BUILD" "$OUT/mlp_speed_float" &&
                set -- "$@" --ours-float "$OUT/mlp_speed_float" ;;
        *) note "error: REALS takes float and double, not $real"; exit 2 ;;
    esac
done
if [ $# -eq 0 ]; then
    note "error: no driver to run"
    exit 2
fi
if [ "$TORCH_WIDTHS" = 1 ] && need_module torch python3-torch; then
    set -- "$@" --torch "$PYTHON" --torch-version "$(torch_version)" \
        --torch-default-threads "$(torch_default_threads)"
fi
need_module matplotlib python3-matplotlib || note "the plot will be ASCII"

note "timing $RUNS runs of each point (the 1M-row point takes the longest)"
status=0
"$PYTHON" bench/speed.py w4 --out "$OUT" --runs "$RUNS" --commit "$(commit_id)" \
    --sweep-widths "$WIDTHS" --sweep-batches "$BATCHES" --sweep-rows "$ROWS" \
    --flops-goal "$FLOPS_GOAL" --torch-widths "$TORCH_WIDTHS" "$@" >"$OUT/w4.md" || status=$?
cat "$OUT/w4.md"
exit "$status"
