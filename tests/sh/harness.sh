# The shell side of the test harness (tests/harness.h is the C side),
# shared by the test scripts: the command under test, a temporary directory,
# the counters, the usual checks and the result line. A script sources it
# first:
#
#     . "$(dirname "$0")/sh/harness.sh"
#
# Environment: BUILD (default build), BACKPROP_SHARED_DATA (default
# ../shared/data).
set -u
BUILD="${BUILD:-build}"
BP="$BUILD/backprop"
SHARED="${BACKPROP_SHARED_DATA:-../shared/data}"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0
skip=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "not ok: $*"; }
skipped() { skip=$((skip + 1)); echo "skip: $*"; }

# check NAME COMMAND...: passes when COMMAND succeeds.
check() {
    what=$1; shift
    if "$@"; then ok; else bad "$what"; fi
}

# expect_fail NAME PATTERN COMMAND...: COMMAND must exit with status 2 and
# print an error line matching PATTERN.
expect_fail() {
    name=$1; pattern=$2; shift 2
    "$@" >"$TMP/out" 2>"$TMP/err"
    status=$?
    if [ $status -eq 2 ] && grep -qE "^backprop: error: .*$pattern" "$TMP/err"; then ok; else
        bad "$name: exit $status, want 2 and /$pattern/"; head -3 "$TMP/err"
    fi
}

# has NAME FILE TEXT: FILE has a line with TEXT in it (a fixed string).
has() {
    if grep -qF -- "$3" "$2"; then ok; else bad "$1: no '$3' in"; head -5 "$2"; fi
}

# lacks NAME FILE TEXT: the opposite.
lacks() {
    if grep -qF -- "$3" "$2"; then bad "$1: '$3' should not be there"; else ok; fi
}

# run COMMAND...: passes when it exits 0; stdout in $TMP/out, stderr in
# $TMP/err, the status in $status.
run() {
    "$@" >"$TMP/out" 2>"$TMP/err"
    status=$?
    if [ $status -eq 0 ]; then ok; else bad "exit $status: $*"; head -3 "$TMP/err"; fi
}

# json_true NAME EXPRESSION: a Python expression over the JSON document d
# read from $TMP/out.
json_true() {
    if python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$TMP/out" \
        2>/dev/null; then ok; else bad "$1: not ($2)"; fi
}

# The result line (tests/run.sh adds them up); fails when a check failed.
# A script that ran no check at all is a skip, not a pass.
finish() {
    if [ "$pass" -eq 0 ] && [ "$fail" -eq 0 ] && [ "$skip" -eq 0 ]; then
        skipped "no check ran"
    fi
    if [ "$skip" -gt 0 ]; then
        echo "$pass passed, $fail failed, $skip skipped"
    else
        echo "$pass passed, $fail failed"
    fi
    [ "$fail" -eq 0 ]
}
