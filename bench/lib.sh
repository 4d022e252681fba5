# Shell helpers shared by the speed benchmarks (bench/w2.sh, w3.sh, w4.sh).
# Sourced, not run: the caller sets WORKLOAD (for messages), BUILD and OUT
# and has cd'ed to the repository root.

note() { printf '%s\n' "$WORKLOAD: $*" >&2; }

# QUICK=1 asks for a short version of every workload.
QUICK=${QUICK:-0}
CC=${CC:-cc}
# Debian's python3 has the Debian packages (python3-torch,
# python3-matplotlib); another python3 first on PATH may not.
if [ -z "${PYTHON:-}" ]; then
    if [ -x /usr/bin/python3 ]; then PYTHON=/usr/bin/python3; else PYTHON=python3; fi
fi
FLOAT_BUILD=${FLOAT_BUILD:-build-float}
BENCH_CFLAGS="-std=c11 -O2 -Wall -Wextra -Werror -ffp-contract=off -D_POSIX_C_SOURCE=200809L -Iinclude -Isrc"

# apt_install PACKAGE: installs a Debian package when apt-get is there;
# fails (quietly, with a log in $OUT/apt-PACKAGE.log) otherwise.
apt_install() {
    command -v apt-get >/dev/null 2>&1 || return 1
    note "installing $1 with apt-get"
    { apt-get install -y "$1" || { apt-get update && apt-get install -y "$1"; }; } \
        >"$OUT/apt-$1.log" 2>&1
}

# python_has MODULE: whether $PYTHON imports it.
python_has() { "$PYTHON" -c "import $1" >/dev/null 2>&1; }

# need_module MODULE PACKAGE: imports MODULE, installing PACKAGE when needed.
need_module() {
    python_has "$1" && return 0
    apt_install "$2" && python_has "$1" && return 0
    note "$1 skipped: $PYTHON cannot import it and installing $2 failed (see $OUT/apt-$2.log)"
    return 1
}

# The version of the commit measured, and whether the sources differ from it.
commit_id() {
    id=$(git rev-parse --short HEAD 2>/dev/null) || { echo unknown; return; }
    if git diff --quiet HEAD -- src include cli Makefile 2>/dev/null; then echo "$id"
    else echo "$id+local-changes"; fi
}

# check_build: the double build the caller was given must exist.
check_build() {
    if [ ! -f "$BUILD/libbackprop.a" ] || [ ! -x "$BUILD/backprop" ]; then
        note "error: $BUILD/libbackprop.a or $BUILD/backprop is missing; run make first"
        exit 2
    fi
}

# make_float_build: (re)builds the float build in $FLOAT_BUILD; prints
# nothing and fails when it cannot (the float rows are then skipped).
make_float_build() {
    if make --no-print-directory REAL=float BUILD="$FLOAT_BUILD" all >"$OUT/make-float.log" 2>&1 &&
        [ -f "$FLOAT_BUILD/libbackprop.a" ]; then
        return 0
    fi
    note "float build skipped: make REAL=float failed (see $OUT/make-float.log)"
    return 1
}

# compile_driver REAL LIBDIR OUTPUT: bench/mlp_speed.c against a library.
compile_driver() {
    define=
    [ "$1" = float ] && define=-DBP_REAL_FLOAT
    # shellcheck disable=SC2086  # flags are words on purpose
    $CC $BENCH_CFLAGS $define bench/mlp_speed.c "$2/libbackprop.a" -lm -lpthread -o "$3" \
        2>"$3.log" && return 0
    note "error: bench/mlp_speed.c does not build against $2 (see $3.log)"
    return 1
}

# torch_version: the version PyTorch reports, or nothing.
torch_version() { "$PYTHON" -c 'import torch; print(torch.__version__)' 2>/dev/null; }

# torch_default_threads: the intra-op thread count PyTorch picks by itself.
torch_default_threads() { "$PYTHON" -c 'import torch; print(torch.get_num_threads())' 2>/dev/null || echo 0; }
