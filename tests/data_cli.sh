#!/bin/sh
# What the command says about the data it read: rows left out for missing
# values (a note, or a warning above a tenth), a separate policy for a
# missing target, decimal commas (detected or --decimal), single-quoted
# labels, and error messages that name the line, the field and the column.
# Every file is made here; nothing needs ../shared/data.
# Usage: BUILD=build sh tests/data_cli.sh
. "$(dirname "$0")/sh/harness.sh"

# --- files: 30 rows, two classes that the first feature tells apart
awk 'BEGIN {
    print "a,b,c,class"
    for (i = 0; i < 30; i++) {
        k = i % 2
        b = (i % 10 == 3) ? i : "?"           # b: 27 of 30 missing
        t = (i == 7 || i == 21) ? "?" : k     # two missing targets
        printf "%d.5,%s,%d,%s\n", k * 10 + i % 3, b, i % 4, t
    }
}' >"$TMP/holes.csv"
awk 'BEGIN {
    print "a;b;label"
    for (i = 0; i < 30; i++) { k = i % 2; printf "%d,%d;%d;%s\n", k * 10 + i % 3, i % 7, i % 4, k ? "yes" : "no" }
}' >"$TMP/euro.csv"
sed 's/,/./' "$TMP/euro.csv" >"$TMP/point.csv"

# --- --missing drop counts what it left out, and warns above a tenth
run "$BP" cv --quiet --folds 2 --epochs 5 --missing drop "$TMP/holes.csv"
has "drop warning" "$TMP/err" "backprop: warning: $TMP/holes.csv: --missing drop left out 27 of 30 rows (90%) for missing values; --missing mean fills missing features with the column's mean instead (with --missing-target drop to leave out only the 2 rows without a target)"
head -n 3 "$TMP/holes.csv" >"$TMP/few.csv"
sed -n '4,31p' "$TMP/holes.csv" | sed 's/?/1/g' >>"$TMP/few.csv"
run "$BP" cv --quiet --folds 2 --epochs 5 --missing drop "$TMP/few.csv"
has "drop note under a tenth" "$TMP/err" "backprop: note: $TMP/few.csv: --missing drop left out 2 of 30 rows (7%) for missing values"
lacks "no warning under a tenth" "$TMP/err" "warning: $TMP/few.csv: --missing drop"
run "$BP" train --quiet --epochs 5 --missing drop -o "$TMP/few.model" "$TMP/few.csv"
has "train summary counts them" "$TMP/out" "Rows: 28 (2 of the file's 30 left out for missing values)"
run "$BP" cv --quiet --folds 2 --epochs 5 "$TMP/point.csv"
lacks "a clean file has no notes" "$TMP/err" "note:"

# --- the target's own policy
run "$BP" cv --quiet --folds 2 --epochs 5 --missing mean --missing-target drop "$TMP/holes.csv"
has "target drop note" "$TMP/err" "--missing-target drop left out 2 of 30 rows (7%) whose target is missing"
expect_fail "mean cannot fill a target" \
    "holes.csv:9: field 4 \\(class\\): missing target value '\\?' \\(2 rows have no target; also line 23 field 4 '\\?'\\); a target cannot be filled: use --missing-target drop" \
    "$BP" cv --quiet --missing mean "$TMP/holes.csv"
expect_fail "drop features, refuse targets" "holes.csv:9: field 4 \\(class\\): missing target" \
    "$BP" cv --quiet --missing drop --missing-target error "$TMP/holes.csv"
expect_fail "features first" "holes.csv:2: field 2 \\(b\\): missing value '\\?' \\(27 missing values in 27 rows; also line 3 field 2" \
    "$BP" cv --quiet "$TMP/holes.csv"
expect_fail "bad --missing-target" "unknown --missing-target 'mean'" "$BP" cv --missing-target mean "$TMP/holes.csv"
"$BP" cv --quiet --folds 2 --epochs 5 --missing mean --missing-target drop --format json "$TMP/holes.csv" \
    >"$TMP/holes.json" 2>/dev/null
has "json records" "$TMP/holes.json" '"records": 30,'
has "json dropped" "$TMP/holes.json" '"dropped_rows": 2,'
has "json dropped for target" "$TMP/holes.json" '"dropped_for_target": 2,'
has "json filled" "$TMP/holes.json" '"filled_values": 25,'
has "json config" "$TMP/holes.json" '"missing_target": "drop",'

# --- decimal commas
run "$BP" cv --quiet --folds 2 --epochs 5 --format json "$TMP/euro.csv"
has "decimal note" "$TMP/err" "backprop: note: $TMP/euro.csv: read with ',' as the decimal point (a ';'-separated file with numbers like 7,4); --decimal . reads it otherwise"
has "json delimiter" "$TMP/out" '"delimiter": ";",'
has "json decimal" "$TMP/out" '"decimal": ",",'
has "json features" "$TMP/out" '"features": 2,'
run "$BP" cv --quiet --folds 2 --epochs 5 --decimal , "$TMP/euro.csv"
lacks "a given --decimal is not noted" "$TMP/err" "decimal point"
"$BP" cv --quiet --folds 2 --epochs 5 --decimal , --format json "$TMP/euro.csv" >"$TMP/given.json" 2>/dev/null
"$BP" cv --quiet --folds 2 --epochs 5 --format json "$TMP/euro.csv" >"$TMP/detected.json" 2>/dev/null
grep -v '"decimal"\|"seconds"' "$TMP/given.json" >"$TMP/given.trim"
grep -v '"decimal"\|"seconds"' "$TMP/detected.json" >"$TMP/detected.trim"
check "given and detected decimal comma agree" cmp -s "$TMP/given.trim" "$TMP/detected.trim"
# Asked for, '.' reads "7,4" as text, one-hot encoded.
run "$BP" cv --quiet --folds 2 --epochs 5 --decimal . --format json "$TMP/euro.csv"
has "--decimal . keeps commas as text" "$TMP/out" '"categorical_columns": 1,'
# Detected, '.' (a "2.5" in the first lines) refuses a column of "7,4".
{ head -n 2 "$TMP/euro.csv"; echo '3,5;2.5;no'; sed 1,2d "$TMP/euro.csv"; } >"$TMP/mixed.csv"
expect_fail "a column of decimal commas read with '.'" \
    "mixed.csv:2: field 1 \\(a\\): the column holds numbers written with a ',' decimal point \\('0,0'\\), but the file was read with '.'; give --decimal , to read them as numbers" \
    "$BP" cv --quiet "$TMP/mixed.csv"
expect_fail "--decimal , on a comma file" "cannot be the decimal point too" \
    "$BP" cv --quiet --decimal , "$TMP/holes.csv"
expect_fail "--decimal , with --delimiter ," "--decimal , cannot go with --delimiter ," \
    "$BP" cv --decimal , --delimiter , "$TMP/euro.csv"
expect_fail "bad --decimal" "--decimal must be \\. or ," "$BP" cv --decimal x "$TMP/euro.csv"
# A decimal comma the first lines did not show.
awk 'BEGIN { print "a;b;label"; for (i = 0; i < 30; i++) printf "%d;1;%s\n", i, i % 2 ? "x" : "y"; print "40,5;1;x" }' \
    >"$TMP/late.csv"
expect_fail "late decimal comma" "late.csv:32: field 1 \\(a\\): non-numeric value '40,5' in a numeric column; if ',' is the decimal point, give --decimal ," \
    "$BP" cv --quiet "$TMP/late.csv"
run "$BP" cv --quiet --folds 2 --epochs 5 --decimal , "$TMP/late.csv"

# --- eval and predict read decimal commas and take --missing
run "$BP" train --quiet --epochs 20 -o "$TMP/euro.model" "$TMP/euro.csv"
run "$BP" eval "$TMP/euro.model" "$TMP/euro.csv"
has "eval notes the decimal comma" "$TMP/err" "read with ',' as the decimal point"
run "$BP" eval --format json "$TMP/euro.model" "$TMP/euro.csv"
has "eval json dialect" "$TMP/out" '"rows": 30, "delimiter": ";", "decimal": ","}'
{ head -n 3 "$TMP/euro.csv"; echo '?;2;no'; echo '1,5;3;'; } >"$TMP/euro-holes.csv"
run "$BP" predict "$TMP/euro.model" "$TMP/euro-holes.csv"
check "predict fills by default" [ "$(wc -l <"$TMP/out")" -eq 4 ]
has "fill warning names the field" "$TMP/err" "backprop: warning: 1 missing value filled with the training mean or mode (first at $TMP/euro-holes.csv:4: field 1)"
run "$BP" predict --missing drop "$TMP/euro.model" "$TMP/euro-holes.csv"
check "predict --missing drop leaves the row out" [ "$(wc -l <"$TMP/out")" -eq 3 ]
has "predict drop warning" "$TMP/err" "backprop: warning: $TMP/euro-holes.csv: left out 1 of 4 rows (25%) for missing values (first at line 4)"
expect_fail "predict --missing error" "euro-holes.csv:4: field 1 \\(a\\): missing value '\\?'; use --missing mean" \
    "$BP" predict --missing error "$TMP/euro.model" "$TMP/euro-holes.csv"
expect_fail "eval missing target" "euro-holes.csv:5: field 3 \\(label\\): missing target value ''; use --missing-target drop" \
    "$BP" eval "$TMP/euro.model" "$TMP/euro-holes.csv"
run "$BP" eval --missing-target drop --format json "$TMP/euro.model" "$TMP/euro-holes.csv"
has "eval scores the rest" "$TMP/out" '"rows": 3,'
has "eval json dropped" "$TMP/out" '"dropped_rows": 1,'
run "$BP" eval --missing drop "$TMP/euro.model" "$TMP/euro-holes.csv"
has "eval --missing drop drops both" "$TMP/err" "left out 2 of 4 rows (50%)"
expect_fail "predict has no --missing-target" "unknown option" \
    "$BP" predict --missing-target drop "$TMP/euro.model" "$TMP/euro.csv"

# --- single-quoted labels lose their quotes
awk "BEGIN { for (i = 0; i < 20; i++) printf \"%d,'%d.5',%s\\n\", i % 2 * 10, i % 3, i % 2 ? \"'1'\" : \"'0'\" }" \
    >"$TMP/quoted.csv"
run "$BP" train --quiet --epochs 20 -o "$TMP/quoted.model" "$TMP/quoted.csv"
has "labels without quotes" "$TMP/out" "Classes: 2 (0, 1)"
has "quoted numbers are numbers" "$TMP/out" "Features: 2"

# --- errors name the line, the field and the column
awk 'BEGIN { print "id,a,b,c,d,bare_nuclei,e,f,g,class"; for (i = 0; i < 5; i++) printf "%d,1,2,3,4,%s,6,7,8,%d\n", i, i == 2 ? "x" : "5", i % 2 }' \
    >"$TMP/named.csv"
expect_fail "field and name" "named.csv:4: field 6 \\(bare_nuclei\\): non-numeric value 'x' in a numeric column" \
    "$BP" cv --quiet --ignore id "$TMP/named.csv"
sed 1d "$TMP/named.csv" >"$TMP/bare.csv"
expect_fail "field without a header" "bare.csv:3: field 6: non-numeric value 'x' in a numeric column" \
    "$BP" cv --quiet "$TMP/bare.csv"
printf 'a,b\n1,"2"x\n' >"$TMP/syntax.csv"
expect_fail "syntax error keeps the column, adds the field" "syntax.csv:2:6: field 2: text after closing quote" \
    "$BP" cv --quiet "$TMP/syntax.csv"

# --- every new option is in --help
for cmd in cv train eval; do
    "$BP" "$cmd" --help >"$TMP/help"
    has "$cmd --help --missing-target" "$TMP/help" "--missing-target M"
    has "$cmd --help --decimal" "$TMP/help" "--decimal C"
done
"$BP" predict --help >"$TMP/help"
has "predict --help --missing" "$TMP/help" "--missing M"
has "predict --help --decimal" "$TMP/help" "--decimal C"

finish
