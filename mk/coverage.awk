# Line coverage from `gcov -t` output (mk/coverage.mk): the lines of src/
# and cli/, merged over every object that compiles them (a header's inline
# functions, a file built twice), summed up folder by folder.
# Variables: files, uncovered: where the per-file figures and the lines
# never run go.

# "src/core/../util/vec.h" -> "src/util/vec.h"
function norm(path) {
    sub(/^\.\//, "", path)
    while (sub(/[^\/.][^\/]*\/\.\.\//, "", path)) {}
    return path
}

function percent(hit, all) {
    return all ? 100 * hit / all : 100
}

/^ *-: *0:Source:/ {
    file = norm(substr($0, index($0, ":Source:") + 8))
    keep = file ~ /^(src|cli)\// && file !~ /^src\/[^\/]*$/
    next
}

# "   count:  line:text": "-" not code, "#####" or "=====" never run,
# a number (with "*" when only part of the line ran) run that often.
keep && /^ *([0-9]+\*?|#####|=====) *: *[1-9][0-9]*:/ {
    c = $0; sub(/^ */, "", c); sub(/ *:.*/, "", c)
    rest = substr($0, index($0, ":") + 1)
    n = rest; sub(/:.*/, "", n); n += 0
    key = file SUBSEP n
    if (!(key in code)) {
        code[key] = substr(rest, index(rest, ":") + 1)
        lines[file]++
    }
    if (c ~ /^[0-9]/ && c + 0 > 0 && !(key in ran)) {
        ran[key] = 1
        hit[file]++
    }
}

END {
    for (f in lines) {
        dir = f; sub(/\/[^\/]*$/, "", dir)
        dlines[dir] += lines[f]; dhit[dir] += hit[f]
        top = f; sub(/\/.*/, "/", top)
        tlines[top] += lines[f]; thit[top] += hit[f]
        printf "%6.1f%% %5d of %5d  %s\n", percent(hit[f], lines[f]), hit[f], lines[f], f | "sort -n >" files
    }
    for (key in code)
        if (!(key in ran)) {
            split(key, part, SUBSEP)
            printf "%s:%d:%s\n", part[1], part[2], code[key] | "sort -t: -k1,1 -k2,2n >" uncovered
        }
    for (d in dlines)
        printf "  %-12s %5.1f%% of %d lines\n", d ":", percent(dhit[d], dlines[d]), dlines[d] | "sort"
    close("sort")
    for (t in tlines)
        printf "%s: %.1f%% of %d lines\n", t, percent(thit[t], tlines[t]), tlines[t] | "sort -r"
    close("sort -r")
}
