#!/bin/sh
# Entry point of `make bench`: runs every workload script bench/wN.sh
# (w1, w2, ... in numeric order) with the build directory, and reports
# which failed. Select some with WORKLOADS="w1 w3".
#
#   sh bench/run.sh [BUILD_DIR]          (default BUILD_DIR: build)
set -u

BUILD=${1:-build}
cd "$(dirname "$0")/.." || exit 2

if [ -z "${WORKLOADS:-}" ]; then
    WORKLOADS=$(for script in bench/w*.sh; do basename "$script" .sh; done |
        grep -E '^w[0-9]+$' | sort -k1.2n)
fi

failed=
for workload in $WORKLOADS; do
    script="bench/$workload.sh"
    if [ ! -f "$script" ]; then
        echo "bench: no $script" >&2
        failed="$failed $workload"
        continue
    fi
    echo "== $workload =="
    sh "$script" "$BUILD" || failed="$failed $workload"
    echo
done

if [ -n "$failed" ]; then
    echo "bench: failed:$failed" >&2
    exit 1
fi
