#!/bin/sh
# Quality benchmark: backprop against scikit-learn's MLPClassifier and
# MLPRegressor, same networks on the same folds, 3 seeds (see bench/QUALITY.md).
#
#   sh bench/quality.sh [quality.py options]     from the repository root
#   QUICK=1 sh bench/quality.sh                   one seed: a few minutes
#
# Builds build/backprop, installs Debian's python3-sklearn when it is missing,
# and reads the data sets from ../shared/data (DATA=DIR to change it).
# Exit status: 0 when backprop is within one standard deviation of
# scikit-learn everywhere, 1 when not, 2 on a setup error.
set -u

cd "$(dirname "$0")/.." || exit 2
DATA=${DATA:-../shared/data}

if [ ! -d "$DATA" ]; then
    echo "quality: skipped: no data directory $DATA" >&2
    exit 0
fi

make cli >/dev/null || { echo "quality: make failed" >&2; exit 2; }

# Debian's python3-sklearn lives in the system python's dist-packages, which
# a python3 first on the PATH (pyenv, a venv) may not see.
PYTHON=python3
[ -x /usr/bin/python3 ] && PYTHON=/usr/bin/python3

has_sklearn() {
    "$PYTHON" -c 'import numpy, sklearn.neural_network' >/dev/null 2>&1
}

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo "$@"
    else return 1
    fi
}

if ! has_sklearn; then
    echo "quality: installing python3-sklearn" >&2
    as_root apt-get install -y python3-sklearn >/dev/null 2>&1 ||
        { as_root apt-get update >/dev/null 2>&1 &&
          as_root apt-get install -y python3-sklearn >/dev/null 2>&1; }
    PYTHON=/usr/bin/python3
    if ! has_sklearn; then
        echo "quality: scikit-learn is not available (apt-get install python3-sklearn)" >&2
        exit 2
    fi
fi

set -- --backprop build/backprop --data "$DATA" "$@"
[ "${QUICK:-0}" != 0 ] && set -- --quick "$@"
exec "$PYTHON" bench/quality.py "$@"
