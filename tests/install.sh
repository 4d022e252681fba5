#!/bin/sh
# `make install` into a temporary prefix, a program built against it with
# nothing but pkg-config (shared and static), the soname and the exported
# symbols, a staged (DESTDIR) install, and `make uninstall` leaving no file.
# Usage: BUILD=build sh tests/install.sh
. "$(dirname "$0")/sh/harness.sh"
CC="${CC:-cc}"

# The result line, and the end of the script (also when it cannot go on).
finish_now() {
    finish
    exit
}

case "$BUILD" in
*-san)
    # A sanitized library needs -fsanitize at every link, which pkg-config
    # does not carry; the plain build covers installation.
    echo "skip: install test on the sanitizer build $BUILD"
    skip=1
    finish_now
    ;;
esac

if ! command -v pkg-config >/dev/null 2>&1; then
    echo "not ok: pkg-config is not installed: the install test needs it"
    echo "        (apt-get install pkg-config; .ci/run should install it with the other tools)"
    fail=1
    finish_now
fi

PREFIX="$TMP/prefix"
# The build settings the directory name stands for.
REAL=double
case "$BUILD" in *float*) REAL=float ;; esac
MAKEVARS="BUILD=$BUILD REAL=$REAL LDCONFIG="

# run_make LOG TARGET VAR=VALUE...: make quietly, its output shown on failure.
run_make() {
    log=$1; shift
    # shellcheck disable=SC2086 # MAKEVARS is several words
    if make -s --no-print-directory -j2 $MAKEVARS "$@" >"$log" 2>&1; then return 0; fi
    tail -n 20 "$log"
    return 1
}

# installed_files DIR: every file and symlink under DIR, relative, sorted.
installed_files() {
    (cd "$1" 2>/dev/null && find . \( -type f -o -type l \) | sed 's|^\./||' | sort)
}

SOVER=$(sed -n 's/^.define BP_VERSION "\([0-9.]*\)".*/\1/p' include/backprop.h)
SOMAJOR=${SOVER%%.*}

# --- install
if run_make "$TMP/install.log" install PREFIX="$PREFIX"; then ok; else
    bad "make install PREFIX=$PREFIX"
    finish_now
fi

cat >"$TMP/expected" <<EOF
bin/backprop
include/backprop.h
lib/libbackprop.a
lib/libbackprop.so
lib/libbackprop.so.$SOMAJOR
lib/libbackprop.so.$SOVER
lib/pkgconfig/backprop.pc
share/bash-completion/completions/backprop
share/man/man1/backprop.1
share/man/man3/backprop.3
EOF
installed_files "$PREFIX" >"$TMP/installed"
if cmp -s "$TMP/expected" "$TMP/installed"; then ok; else
    bad "installed files"; diff "$TMP/expected" "$TMP/installed"
fi

# --- the shared library: soname, links, exported symbols
LIBDIR="$PREFIX/lib"
soname=$(readelf -d "$LIBDIR/libbackprop.so.$SOVER" 2>/dev/null |
    sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p')
[ "$soname" = "libbackprop.so.$SOMAJOR" ] && ok || bad "soname is '$soname', want libbackprop.so.$SOMAJOR"
[ "$(readlink "$LIBDIR/libbackprop.so.$SOMAJOR")" = "libbackprop.so.$SOVER" ] && ok ||
    bad "libbackprop.so.$SOMAJOR -> $(readlink "$LIBDIR/libbackprop.so.$SOMAJOR")"
[ "$(readlink "$LIBDIR/libbackprop.so")" = "libbackprop.so.$SOVER" ] && ok ||
    bad "libbackprop.so -> $(readlink "$LIBDIR/libbackprop.so")"

# Exactly the header's functions are exported: none missing (declared but
# not implemented), none internal.
perl -0777 -pe 's{/\*.*?\*/}{}gs' include/backprop.h | grep -oE '\bbp_[a-z0-9_]+\(' | tr -d '(' |
    sort -u >"$TMP/declared"
nm -D --defined-only "$LIBDIR/libbackprop.so.$SOVER" | awk '$2 == "T" { print $3 }' | sort -u >"$TMP/exported"
missing=$(comm -23 "$TMP/declared" "$TMP/exported" | tr '\n' ' ')
extra=$(comm -13 "$TMP/declared" "$TMP/exported" | tr '\n' ' ')
[ -z "$missing" ] && ok || bad "declared in backprop.h but not in the shared library: $missing"
[ -z "$extra" ] && ok || bad "exported but not declared in backprop.h: $extra"

# --- pkg-config
export PKG_CONFIG_PATH="$LIBDIR/pkgconfig"
[ "$(pkg-config --modversion backprop 2>&1)" = "$SOVER" ] && ok || bad "pkg-config --modversion: $(pkg-config --modversion backprop 2>&1)"
[ "$(pkg-config --variable=libdir backprop)" = "$LIBDIR" ] && ok ||
    bad "pkg-config libdir: $(pkg-config --variable=libdir backprop)"
cflags=$(pkg-config --cflags backprop)
case "$REAL:$cflags" in
float:*-DBP_REAL_FLOAT*) ok ;;
double:*-DBP_REAL_FLOAT*) bad "Cflags of a double build: $cflags" ;;
double:*) ok ;;
*) bad "Cflags of a float build lack -DBP_REAL_FLOAT: $cflags" ;;
esac

# A program that checks bp_real agrees with the library's (a wrong Cflags
# would read the weights at the wrong width) and that the library works.
cat >"$TMP/prog.c" <<'EOF'
#include <backprop.h>

#include <stdio.h>

int main(void)
{
    size_t widths[] = {2, 1};
    bp_net *net;
    bp_error err;
    if (bp_net_create(&net, 1, widths, NULL, &err) != BP_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    bp_real *w = bp_net_weights(net, 0);
    w[0] = 0.5;
    w[1] = -0.25;
    bp_net_bias(net, 0)[0] = 0.125;
    const bp_real in[2] = {1, 2};
    double out = bp_net_forward(net, in)[0];
    bp_rng rng;
    bp_rng_seed(&rng, 1);
    printf("%s %s %.6f %.17g\n", BP_VERSION, sizeof(bp_real) == sizeof(float) ? "float" : "double",
           out, bp_rng_random(&rng));
    bp_net_free(net);
    return 0;
}
EOF
# sigmoid(0.125 + 0.5 * 1 - 0.25 * 2) and Python's random.seed(1); random.random()
want="$SOVER $REAL 0.531209 0.13436424411240122"
[ "$("$PREFIX/bin/backprop" --version | head -n 1)" = "backprop $SOVER ($REAL)" ] && ok ||
    bad "installed backprop --version: $("$PREFIX/bin/backprop" --version 2>&1)"

# shellcheck disable=SC2046 # pkg-config's output is meant to be split
if $CC -std=c11 -Wall -Wextra -Werror "$TMP/prog.c" -o "$TMP/prog-shared" \
    $(pkg-config --cflags --libs backprop) 2>"$TMP/cc.log"; then ok; else
    bad "build against the shared library"; head -5 "$TMP/cc.log"
fi
if [ -x "$TMP/prog-shared" ]; then
    readelf -d "$TMP/prog-shared" | grep -q "NEEDED.*\[libbackprop.so.$SOMAJOR\]" && ok ||
        bad "the program does not need libbackprop.so.$SOMAJOR"
    got=$(LD_LIBRARY_PATH="$LIBDIR" "$TMP/prog-shared" 2>&1)
    [ "$got" = "$want" ] && ok || bad "shared: '$got', want '$want'"
fi

# shellcheck disable=SC2046
if $CC -std=c11 -Wall -Wextra -Werror -static "$TMP/prog.c" -o "$TMP/prog-static" \
    $(pkg-config --static --cflags --libs backprop) 2>"$TMP/cc.log"; then ok; else
    bad "build against the static library"; head -5 "$TMP/cc.log"
fi
if [ -x "$TMP/prog-static" ]; then
    readelf -d "$TMP/prog-static" | grep -q 'NEEDED' && bad "the static program needs shared libraries" || ok
    got=$("$TMP/prog-static" 2>&1)
    [ "$got" = "$want" ] && ok || bad "static: '$got', want '$want'"
fi

# --- the installed completion, run against the installed command
# complete WORDS...: what completing the last word offers, on one line.
complete_words() {
    PATH="$PREFIX/bin:$PATH" bash -c '
        . "$1"; shift
        COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
        _backprop
        echo "${COMPREPLY[*]}"' sh "$PREFIX/share/bash-completion/completions/backprop" "$@" 2>&1
}
if command -v bash >/dev/null 2>&1; then
    got=$(complete_words backprop "")
    for cmd in cv train predict eval; do
        case " $got " in *" $cmd "*) ok ;; *) bad "completion of commands: '$got' lacks $cmd" ;; esac
    done
    [ "$(complete_words backprop cv --fol)" = "--folds" ] && ok || bad "completion of 'cv --fol': $(complete_words backprop cv --fol)"
    [ "$(complete_words backprop train --quie)" = "--quiet" ] && ok || bad "completion of 'train --quie'"
    [ "$(complete_words backprop cv --loss x)" = "xent" ] && ok || bad "completion of 'cv --loss x'"
    [ "$(complete_words backprop cv --scale = st)" = "standard" ] && ok || bad "completion of 'cv --scale=st'"
    touch "$TMP/seeds-data.csv"
    [ "$(complete_words backprop cv "$TMP/seeds-d")" = "$TMP/seeds-data.csv" ] && ok || bad "completion of a file name"
else
    echo "skip: bash is not installed; the completion is not checked"
    skip=$((skip + 1))
fi

# --- uninstall leaves no file
if run_make "$TMP/uninstall.log" uninstall PREFIX="$PREFIX"; then ok; else bad "make uninstall"; fi
left=$(installed_files "$PREFIX" | tr '\n' ' ')
[ -z "$left" ] && ok || bad "left after uninstall: $left"

# --- a staged install: files under DESTDIR, paths inside them without it
STAGE="$TMP/stage"
if run_make "$TMP/stage.log" install DESTDIR="$STAGE" PREFIX=/opt/backprop; then ok; else bad "make install DESTDIR"; fi
pc="$STAGE/opt/backprop/lib/pkgconfig/backprop.pc"
grep -qx 'prefix=/opt/backprop' "$pc" 2>/dev/null && ! grep -q "$STAGE" "$pc" && ok ||
    bad "staged backprop.pc: $(tr '\n' ' ' <"$pc" 2>&1)"
sed 's|^|opt/backprop/|' "$TMP/expected" >"$TMP/expected-staged"
installed_files "$STAGE" >"$TMP/staged"
cmp -s "$TMP/expected-staged" "$TMP/staged" && ok || { bad "staged files"; diff "$TMP/expected-staged" "$TMP/staged"; }
run_make "$TMP/unstage.log" uninstall DESTDIR="$STAGE" PREFIX=/opt/backprop && ok || bad "make uninstall DESTDIR"
left=$(installed_files "$STAGE" | tr '\n' ' ')
[ -z "$left" ] && ok || bad "left after staged uninstall: $left"

finish
