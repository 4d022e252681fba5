#!/bin/sh
# W3: 16384 synthetic rows, 784-1024-1024-10 ReLU + softmax, SGD batch 128,
# 3 epochs, in float and double: samples/s and GFLOP/s of the library
# (bench/mlp_speed.c, a driver of the C API: no CSV parsing is timed) on 2
# threads and on 1, against PyTorch float32 and float64.
#
#   sh bench/w3.sh [BUILD_DIR]          (default BUILD_DIR: build)
#
# The double driver links BUILD_DIR/libbackprop.a; the float one links
# FLOAT_BUILD/libbackprop.a, (re)made with `make REAL=float`. PyTorch
# (python3-torch) is installed with apt-get when missing, or skipped.
#
# Environment: RUNS=N (samples per configuration, default 5), QUICK=1 (4096
# rows, 1 epoch), PYTHON (default /usr/bin/python3), CC, FLOAT_BUILD.
#
# Exit status: 0 when our driver ran in every configuration; the targets
# are reported, not judged by the exit status.
set -eu

WORKLOAD=w3
BUILD=${1:-build}
cd "$(dirname "$0")/.."
OUT="$BUILD/bench"
mkdir -p "$OUT"
. bench/lib.sh

RUNS=${RUNS:-5}
ROWS=16384
EPOCHS=3
if [ "$QUICK" = 1 ]; then
    ROWS=4096
    EPOCHS=1
fi
check_build

set --
if compile_driver double "$BUILD" "$OUT/mlp_speed"; then
    set -- "$@" --ours-double "$OUT/mlp_speed"
fi
if make_float_build && compile_driver float "$FLOAT_BUILD" "$OUT/mlp_speed_float"; then
    set -- "$@" --ours-float "$OUT/mlp_speed_float"
fi
if [ $# -eq 0 ]; then
    note "error: no driver to run"
    exit 2
fi
if need_module torch python3-torch; then
    set -- "$@" --torch "$PYTHON" --torch-version "$(torch_version)" \
        --torch-default-threads "$(torch_default_threads)"
fi

note "timing $RUNS runs of each configuration ($ROWS rows, $EPOCHS epochs each)"
status=0
"$PYTHON" bench/speed.py w3 --out "$OUT" --runs "$RUNS" --commit "$(commit_id)" \
    --widths 784,1024,1024,10 --rows "$ROWS" --batch 128 --epochs "$EPOCHS" "$@" \
    >"$OUT/w3.md" || status=$?
cat "$OUT/w3.md"
exit "$status"
