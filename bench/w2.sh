#!/bin/sh
# W2: MNIST-10k (../shared/data/mnist-10k.csv), 784-128-10 ReLU + softmax
# cross-entropy, SGD batch 32, lr 0.1, 10 epochs: training samples/s, test
# accuracy and peak RSS of our CLI (double and float builds) against
# PyTorch (float32 and float64; one intra-op thread and its default) and
# FANN 2.2 (online training).
#
#   sh bench/w2.sh [BUILD_DIR]          (default BUILD_DIR: build)
#
# Rows 1-8000 of the file train, rows 8001-10000 test (split into temporary
# files). The float build is (re)made in FLOAT_BUILD (build-float) with
# `make REAL=float`. PyTorch (python3-torch) and FANN (libfann-dev) are
# installed with apt-get when missing, or skipped with a message.
#
# Environment: RUNS=N (samples per peer, default 5), QUICK=1 (2 epochs and
# fewer peers), PYTHON (default /usr/bin/python3), CC, FLOAT_BUILD,
# FANN_OPTIONS (default "--hidden-act SIGMOID --output-act SIGMOID --lr 0.7").
#
# Exit status: 0 when our CLI trained and scored in every run; the targets
# are reported, not judged by the exit status.
set -eu

WORKLOAD=w2
BUILD=${1:-build}
cd "$(dirname "$0")/.."
OUT="$BUILD/bench"
mkdir -p "$OUT"
. bench/lib.sh

DATA=../shared/data/mnist-10k.csv
RUNS=${RUNS:-5}
EPOCHS=10
TORCH_DTYPES="float32 float64"
if [ "$QUICK" = 1 ]; then
    EPOCHS=2
    TORCH_DTYPES=float32
fi
FANN_OPTIONS=${FANN_OPTIONS:-"--hidden-act SIGMOID --output-act SIGMOID --lr 0.7"}

if [ ! -f "$DATA" ]; then
    note "skipped: $DATA is not there (the shared data sets are not installed)"
    exit 0
fi
check_build

TMP=$(mktemp -d "${TMPDIR:-/tmp}/bench-w2.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
head -n 8001 "$DATA" >"$TMP/train.csv"
{ head -n 1 "$DATA"; tail -n +8002 "$DATA" | head -n 2000; } >"$TMP/test.csv"

set -- --ours-double "$BUILD/backprop"
if make_float_build && [ -x "$FLOAT_BUILD/backprop" ]; then
    set -- "$@" --ours-float "$FLOAT_BUILD/backprop"
fi

if need_module torch python3-torch; then
    set -- "$@" --torch "$PYTHON" --torch-version "$(torch_version)" --torch-dtypes "$TORCH_DTYPES" \
        --torch-default-threads "$(torch_default_threads)"
fi

build_fann() {
    $CC -std=c11 -O2 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L bench/fann_mnist.c \
        -lfloatfann -lm -o "$OUT/fann_mnist" 2>"$OUT/fann_mnist.log"
}
if build_fann || { apt_install libfann-dev && build_fann; }; then
    set -- "$@" --fann "$OUT/fann_mnist" --fann-options "$FANN_OPTIONS"
else
    note "FANN skipped: bench/fann_mnist.c does not build (see $OUT/fann_mnist.log)"
fi

note "timing $RUNS runs of each peer ($EPOCHS epochs each; the FANN runs take the longest)"
status=0
"$PYTHON" bench/speed.py w2 --out "$OUT" --runs "$RUNS" --commit "$(commit_id)" \
    --train "$TMP/train.csv" --test "$TMP/test.csv" --epochs "$EPOCHS" "$@" >"$OUT/w2.md" || status=$?
cat "$OUT/w2.md"
exit "$status"
