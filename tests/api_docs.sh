#!/bin/sh
# Keeps the man pages from drifting away from the code:
# - every function include/backprop.h declares has an entry in
#   man/backprop.3, and the page names no bp_ function, type or BP_
#   constant the header does not have;
# - every command `backprop --help` lists has an entry in man/backprop.1,
#   every option `backprop CMD --help` prints has an entry there, and the
#   page documents no option that no command accepts.
# Usage: BUILD=build sh tests/api_docs.sh
. "$(dirname "$0")/sh/harness.sh"
HEADER="${HEADER:-include/backprop.h}"
MAN1="${MAN1:-man/backprop.1}"
MAN3="${MAN3:-man/backprop.3}"

# The header without its comments: a name mentioned in a comment is not a
# declaration.
perl -0777 -pe 's{/\*.*?\*/}{}gs' "$HEADER" >"$TMP/header"
grep -oE '\bbp_[a-z0-9_]+\(' "$TMP/header" | tr -d '(' | sort -u >"$TMP/functions"
grep -oE '\bbp_[a-z0-9_]+\b' "$TMP/header" | sort -u >"$TMP/names"
grep -oE '\bBP_[A-Z0-9_]+\b' "$TMP/header" | sort -u >"$TMP/constants"

# tags FILE: the tag lines of .TP/.TQ entries, font escapes and \- undone.
tags() {
    awk '/^\.(TP|TQ)/ { tag = 1; next } tag { print; tag = 0 }' "$1" |
        sed -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' -e 's/\\(em//g'
}

# --- backprop(3) against the header
tags "$MAN3" | grep -oE '\bbp_[a-z0-9_]+\(' | tr -d '(' | sort -u >"$TMP/documented"
if [ ! -s "$TMP/functions" ]; then
    bad "no bp_ function found in $HEADER"
fi
while read -r f; do
    if grep -qx "$f" "$TMP/documented"; then ok; else
        bad "$f is declared in $HEADER but has no entry in $MAN3"
    fi
done <"$TMP/functions"
while read -r f; do
    grep -qx "$f" "$TMP/functions" && ok || bad "$MAN3 documents $f(), which $HEADER does not declare"
done <"$TMP/documented"
# Any other bp_ name in the page (in text or examples) must exist too.
sed -e 's/\\f[BIRP]//g' "$MAN3" | grep -oE '\bbp_[a-z0-9_]+\b' | sort -u >"$TMP/mentioned"
unknown=$(comm -23 "$TMP/mentioned" "$TMP/names" | tr '\n' ' ')
[ -z "$unknown" ] && ok || bad "$MAN3 mentions names $HEADER does not have: $unknown"
sed -e 's/\\f[BIRP]//g' "$MAN3" | grep -oE '\bBP_[A-Z0-9_]+\b' | sort -u >"$TMP/mentioned_constants"
unknown=$(comm -23 "$TMP/mentioned_constants" "$TMP/constants" | tr '\n' ' ')
[ -z "$unknown" ] && ok || bad "$MAN3 mentions constants $HEADER does not have: $unknown"

# --- backprop(1) against the command's own help
if [ ! -x "$BP" ]; then
    echo "skip: $BP is not built; the command's options are not checked"
    skip=$((skip + 1))
else
    # options_of CMD...: every option an option line of the help names
    # (the text before the description column, split at ", ").
    options_of() {
        "$BP" "$@" --help 2>/dev/null | awk '
            /^ +-/ {
                sub(/^ +/, "")
                split($0, column, /   */)
                n = split(column[1], entries, /, /)
                for (i = 1; i <= n; i++) { split(entries[i], word, " "); print word[1] }
            }'
    }
    "$BP" --help >"$TMP/usage" 2>&1
    awk '/^commands:/ { on = 1; next } on && /^$/ { exit } on && /^  [a-z]/ { print $1 }' \
        "$TMP/usage" >"$TMP/commands"
    [ -s "$TMP/commands" ] && ok || bad "no commands found in '$BP --help'"
    tags "$MAN1" >"$TMP/tags1"
    grep -oE '(^|[ "])--?[a-zA-Z][a-zA-Z0-9-]*' "$TMP/tags1" | sed 's/^[ "]//' | sort -u >"$TMP/man_options"
    # The commands the page documents: the first word of the COMMANDS entries.
    awk '/^\.SH/ { on = ($0 ~ /COMMANDS/); next } on && /^\.(TP|TQ)/ { tag = 1; next }
         on && tag { tag = 0; gsub(/"/, ""); print $2 }' "$MAN1" | sort -u >"$TMP/man_commands"
    : >"$TMP/help_options"
    while read -r cmd; do
        grep -qx "$cmd" "$TMP/man_commands" && ok || bad "command '$cmd' has no entry under COMMANDS in $MAN1"
        if ! "$BP" "$cmd" --help >/dev/null 2>&1; then
            bad "'$BP $cmd --help' fails"
            continue
        fi
        options_of "$cmd" | sort -u >"$TMP/opts"
        [ -s "$TMP/opts" ] && ok || bad "no options found in '$BP $cmd --help'"
        while read -r opt; do
            grep -qxF -e "$opt" "$TMP/man_options" && ok || bad "'$cmd $opt' has no entry in $MAN1"
        done <"$TMP/opts"
        cat "$TMP/opts" >>"$TMP/help_options"
    done <"$TMP/commands"
    options_of >>"$TMP/help_options"
    printf '%s\n' --help --version >>"$TMP/help_options"
    # The reverse, when this build has every command the page documents.
    absent=$(sort -u "$TMP/commands" | comm -13 - "$TMP/man_commands" | tr '\n' ' ')
    if [ -n "$absent" ]; then
        bad "$MAN1 documents commands this build does not have: $absent"
    else
        unknown=$(sort -u "$TMP/help_options" | comm -13 - "$TMP/man_options" | tr '\n' ' ')
        [ -z "$unknown" ] && ok || bad "$MAN1 documents options no command accepts: $unknown"
    fi
fi

# --- both pages format without warnings
if command -v groff >/dev/null 2>&1; then
    for page in "$MAN1" "$MAN3"; do
        warnings=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
        [ -z "$warnings" ] && ok || bad "groff warnings in $page: $warnings"
    done
else
    echo "skip: groff is not installed; the pages' formatting is not checked"
    skip=$((skip + 1))
fi

finish
