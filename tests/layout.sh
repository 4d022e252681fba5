#!/bin/sh
# The map and the floors: ARCHITECTURE.md names every source file and
# every file it names exists; no include in src/ points up a floor, and the
# command and the examples include only the public header (the command
# also its own headers).
. "$(dirname "$0")/sh/harness.sh"
MAP=ARCHITECTURE.md

# The files the map must name: the library, the command, the public
# header, the make parts, the test programs and scripts, the fuzz targets.
sources() {
    ls src/*/*.[ch] cli/*.[ch] include/*.h mk/*.mk mk/*.h tests/*.c tests/*.h \
        tests/*.sh tests/sh/*.sh fuzz/*.c 2>/dev/null
}

for f in $(sources); do
    if grep -qF "\`$f\`" "$MAP"; then ok; else bad "$MAP does not name $f"; fi
done

# Every path the map names in backquotes (a folder/file.ext) exists.
for f in $(grep -oE '`[a-z_.]+/[a-z0-9_./]+\.(c|h|sh|mk|md)`' "$MAP" | tr -d '`' | sort -u); do
    case "$f" in ../*) continue ;; esac
    if [ -e "$f" ]; then ok; else bad "$MAP names $f, which does not exist"; fi
done

# The floor of a folder of src/: a file includes from its own folder or
# from a lower floor; core and data share a floor and stand apart.
floor() {
    case "$1" in
    util) echo 0 ;; core | data) echo 1 ;; fast) echo 2 ;; train) echo 3 ;;
    eval) echo 4 ;; model) echo 5 ;; *) echo 99 ;;
    esac
}

for f in src/*/*.[ch]; do
    dir=$(basename "$(dirname "$f")")
    mine=$(floor "$dir")
    if [ "$mine" -eq 99 ]; then bad "$f: folder $dir has no floor in tests/layout.sh"; continue; fi
    for inc in $(sed -nE 's/^[[:space:]]*#[[:space:]]*include[[:space:]]+"([^"]+)".*/\1/p' "$f"); do
        case "$inc" in
        backprop.h) ok; continue ;;
        */*) ;;
        *) bad "$f includes \"$inc\" without its folder"; continue ;;
        esac
        to=${inc%%/*}
        theirs=$(floor "$to")
        if [ "$to" = "$dir" ] || [ "$theirs" -lt "$mine" ]; then ok
        else bad "$f ($dir, floor $mine) includes $inc ($to, floor $theirs)"; fi
    done
done

# The command and the examples use the public API (tests and fuzz targets
# may reach a concept's internal header to test it alone).
for f in cli/*.[ch] examples/*.c; do
    for inc in $(sed -nE 's/^[[:space:]]*#[[:space:]]*include[[:space:]]+"([^"]+)".*/\1/p' "$f"); do
        case "$f:$inc" in
        *:backprop.h | examples/*:print.h) ok ;;
        cli/*:*/*) bad "$f includes \"$inc\": outside the library, include backprop.h" ;;
        cli/*:*) if [ -f "cli/$inc" ]; then ok; else bad "$f includes \"$inc\", which is not the command's own"; fi ;;
        *) bad "$f includes \"$inc\": outside the library, include backprop.h" ;;
        esac
    done
done

finish
