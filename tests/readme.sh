#!/bin/sh
# Runs every command the README shows ("$ command" lines in its code
# blocks) and checks the output printed under it, so the README cannot go
# stale. A "..." line ends the part of the output that is compared.
# Commands on ../shared/data are skipped (with a message) when it is absent.
# Usage: BUILD=build sh tests/readme.sh
set -u
BUILD="${BUILD:-build}"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0
skip=0

# Split README.md into one file per command: line 1 the command, then the
# expected output.
awk -v dir="$TMP" '
    /^```/ { inblock = !inblock; cmd = 0; next }
    {
        line = $0
        if (!inblock) { if (line !~ /^    /) { cmd = 0; next } sub(/^    /, "", line) }
        if (line ~ /^\$ /) { n++; cmd = 1; file = dir "/cmd" sprintf("%03d", n); print substr(line, 3) > file; next }
        if (line == "") { cmd = 0; next }
        if (cmd) print line >> file
    }' README.md

float=0
"$BUILD/backprop" --version | grep -q float && float=1
for f in "$TMP"/cmd*; do
    [ -f "$f" ] || continue
    cmd=$(head -n 1 "$f")
    case "$cmd" in
    "make test"*) continue ;;  # this suite itself
    esac
    if echo "$cmd" | grep -q '\.\./shared/data' && [ ! -d ../shared/data ]; then
        skip=$((skip + 1)); echo "skip (no ../shared/data): $cmd"; continue
    fi
    # The README speaks of build/; run the build under test.
    run=$(echo "$cmd" | sed "s#build/#$BUILD/#g")
    # A program linked with the sanitizer build's library needs its runtime.
    case "$BUILD" in *-san) run=$(echo "$run" | sed 's/^cc /cc -fsanitize=address,undefined /') ;; esac
    [ "$float" = 1 ] && run=$(echo "$run" | sed 's/^cc /cc -DBP_REAL_FLOAT /')
    sh -c "$run" >"$TMP/out" 2>&1
    status=$?
    tail -n +2 "$f" | sed '/^\.\.\.$/,$d' | sed "s#build/#$BUILD/#g" >"$TMP/want"
    # The figures shown are the double build's; a float build only has to run them.
    [ "$float" = 1 ] && : >"$TMP/want"
    n=$(wc -l <"$TMP/want")
    head -n "$n" "$TMP/out" >"$TMP/got"
    if [ $status -eq 0 ] && cmp -s "$TMP/want" "$TMP/got"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "not ok: README command '$cmd' (exit $status)"
        diff "$TMP/want" "$TMP/got" | head -10
    fi
done
if [ $skip -gt 0 ]; then echo "$pass passed, $fail failed, $skip skipped"; else echo "$pass passed, $fail failed"; fi
[ "$fail" -eq 0 ]
