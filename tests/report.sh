#!/bin/sh
# The HTML report of `cv --report` and `train --report`: one self-contained
# file, written atomically, that a browser renders without console errors
# and with its charts drawn. The browser part needs Chromium (and python3 to
# read the screenshot); without them it is skipped, and counted as skipped.
# Usage: BUILD=build sh tests/report.sh
. "$(dirname "$0")/sh/harness.sh"

SEEDS=data/wheat-seeds.csv
CV_REPORT=$TMP/cv.html
TRAIN_REPORT=$TMP/train.html

# --- writing the reports
"$BP" cv --epochs 60 --validation 0.2 --report "$CV_REPORT" "$SEEDS" >"$TMP/cv.out" 2>"$TMP/err"
check "cv --report exits 0" [ $? -eq 0 ]
check "cv --report writes the report" [ -s "$CV_REPORT" ]
check "cv --report still prints the scores" grep -q '^Mean Accuracy: ' "$TMP/cv.out"
"$BP" train --epochs 80 --test-fraction 0.25 --stratify --report "$TRAIN_REPORT" "$SEEDS" \
    -o "$TMP/seeds.model" >"$TMP/train.out" 2>"$TMP/err"
check "train --report exits 0" [ $? -eq 0 ]
check "train --report writes the report" [ -s "$TRAIN_REPORT" ]
check "train --report saves the model too" [ -s "$TMP/seeds.model" ]
check "no temporary file left" [ "$(ls "$TMP" | grep -c tmp)" -eq 0 ]
# the tutorial's two lines stay exactly two lines with a report
"$BP" cv --tutorial --report "$TMP/tutorial.html" "$SEEDS" >"$TMP/out" 2>&1
check "cv --tutorial --report prints two lines" [ "$(wc -l <"$TMP/out")" -eq 2 ]

# --- what the reports hold
for name in cv train; do
    r=$TMP/$name.html
    check "$name report: a complete HTML page" grep -q '</html>' "$r"
    check "$name report: learning curves" grep -q 'id="curves"' "$r"
    check "$name report: confusion matrix" grep -q 'class="heat' "$r"
    check "$name report: per-class metrics" grep -q 'Per-class metrics' "$r"
    check "$name report: configuration" grep -q '<code>--hidden</code>' "$r"
    check "$name report: data summary" grep -q '<td>rows</td><td>210</td>' "$r"
    check "$name report: the command line" grep -q "\$ backprop $name " "$r"
    # Self-contained: nothing to fetch. The only URLs are the SVG namespace
    # (a name, never fetched) and the empty data: icon.
    urls=$(grep -oE '(src|href|action)=|url\(|@import|https?://[^"'"'"' ]*' "$r" |
        grep -vxE 'http://www\.w3\.org/2000/svg|href=' | sort -u | tr '\n' ' ')
    check "$name report: no external resources ($urls)" [ -z "$urls" ]
    check "$name report: its only link is the data: icon" \
        [ "$(grep -oE 'href="[^"]*"' "$r" | sort -u)" = 'href="data:,"' ]
done
check "cv report: one curve per fold" [ "$(grep -o '"name": "fold [0-9]*"' "$CV_REPORT" | wc -l)" -eq 5 ]

# --- ranking and calibration: inline SVG, drawn without the script
for name in cv train; do
    r=$TMP/$name.html
    check "$name report: ranking and calibration section" grep -q '<h2>Ranking and calibration</h2>' "$r"
    check "$name report: ROC, precision-recall and calibration charts" \
        [ "$(grep -oE 'aria-label="(ROC curve|Precision.recall curve|Calibration)"' "$r" | wc -l)" -eq 3 ]
    # three classes, each against the rest, in each of the three charts
    check "$name report: one curve per class and chart" [ "$(grep -o 'class="curve"' "$r" | wc -l)" -eq 9 ]
    check "$name report: per-class ROC AUC column" grep -q '<th>ROC AUC</th><th>PR AUC</th>' "$r"
    check "$name report: balanced accuracy figure" grep -q '<div class="label">Balanced accuracy</div>' "$r"
    check "$name report: balanced classes, no imbalance note" [ "$(grep -c 'Imbalanced classes' "$r")" -eq 0 ]
done
# two classes, one rare: the positive class's curves and the imbalance note
{ grep ',1$' "$SEEDS"; grep ',3$' "$SEEDS" | head -12; } >"$TMP/rare.csv"
"$BP" cv --epochs 30 --quiet --report "$TMP/rare.html" "$TMP/rare.csv" >/dev/null 2>&1
check "two classes: report written" [ -s "$TMP/rare.html" ]
check "two classes: the positive class named" grep -q "The positive class is &#39;3&#39;, the second label" "$TMP/rare.html"
check "two classes: one curve a chart" [ "$(grep -o 'class="curve"' "$TMP/rare.html" | wc -l)" -eq 3 ]
check "two classes: the chance line of precision at the class's share" \
    grep -q "a ranking by chance: the class&#39;s share of the rows" "$TMP/rare.html"
check "two classes: the imbalance note" grep -q '<strong>Imbalanced classes:</strong> &#39;3&#39; is 14.6% of the rows' "$TMP/rare.html"
check "two classes: calibration bins with their rows" grep -qE "<title>&#39;3&#39;, p from 0\.[0-9] to [01]\.[0-9]: [0-9]+ rows" "$TMP/rare.html"
check "cv report: per-fold table" grep -q '<h2>Folds</h2>' "$CV_REPORT"
check "train report: held-out rows scored" grep -q 'held-out rows' "$TRAIN_REPORT"

if command -v python3 >/dev/null 2>&1; then
    # The embedded data is valid JSON, without NaN or Infinity.
    for name in cv train; do
        python3 - "$TMP/$name.html" <<'PY' && ok || bad "$name report: the embedded data is JSON"
import json, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page, re.S)
def reject(name):
    raise ValueError(name)
data = json.loads(m.group(1), parse_constant=reject)
assert data["runs"] and all(len(r["epoch"]) == len(r["loss"]) for r in data["runs"])
PY
    done
    # The inline charts are well-formed SVG, every point inside the frame.
    for name in cv train rare; do
        python3 - "$TMP/$name.html" <<'PY' && ok || bad "$name report: the inline charts are well-formed SVG"
import re, sys, xml.etree.ElementTree as ET
page = open(sys.argv[1], encoding="utf-8").read()
section = re.search(r'<div class="charts" id="ranking">(.*?)</section>', page, re.S).group(1)
charts = re.findall(r"<svg .*?</svg>", section, re.S)
assert len(charts) == 3
for svg in charts:
    root = ET.fromstring(svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))
    for path in root.iter("{http://www.w3.org/2000/svg}path"):
        numbers = [float(v) for v in re.findall(r"-?[0-9.]+", path.get("d"))]
        assert numbers and all(0 <= v <= 420 for v in numbers), path.get("d")[:80]
PY
    done
fi

# --- text that could break the page is escaped
printf 'x,y,label\n1,2,"<b>a&b</b>"\n2,1,"</script><script>alert(1)</script>"\n3,4,"<b>a&b</b>"\n4,3,"</script><script>alert(1)</script>"\n5,6,"<b>a&b</b>"\n6,5,"</script><script>alert(1)</script>"\n' >"$TMP/markup.csv"
"$BP" cv --folds 2 --epochs 5 --quiet --report "$TMP/markup.html" "$TMP/markup.csv" >/dev/null 2>&1
check "markup in labels: report written" [ -s "$TMP/markup.html" ]
check "markup in labels: no raw tag" [ "$(grep -c '<script>alert\|<b>a' "$TMP/markup.html")" -eq 0 ]
check "markup in labels: escaped in tables" grep -q '&lt;b&gt;a&amp;b&lt;/b&gt;' "$TMP/markup.html"
check "markup in labels: two script tags" [ "$(grep -o '<script' "$TMP/markup.html" | wc -l)" -eq 2 ]

# --- regression: predicted against actual
awk 'BEGIN { srand(7); for (i = 0; i < 120; i++) { x = rand(); z = rand(); printf "%.4f,%.4f,%.4f\n", x, z, 3 * x - z + 0.1 * rand() } }' >"$TMP/reg.csv"
"$BP" cv --task regression --folds 3 --epochs 40 --report "$TMP/reg.html" "$TMP/reg.csv" >/dev/null 2>&1
check "regression report written" [ -s "$TMP/reg.html" ]
check "regression report: the scatter data" grep -q '"predicted": \[' "$TMP/reg.html"
check "regression report: per-fold RMSE" grep -q '<th>RMSE</th>' "$TMP/reg.html"

# --- atomic: a failed run leaves no report and any old one untouched
"$BP" cv --epochs 5 --report "$TMP/missing/dir/r.html" "$SEEDS" >/dev/null 2>"$TMP/err"
check "unwritable report: exit 2" [ $? -eq 2 ]
check "unwritable report: the error names it" grep -q "^backprop: error: .*missing/dir/r.html" "$TMP/err"
echo "old report" >"$TMP/old.html"
printf '1,2,a\n3,x\n' >"$TMP/bad.csv"
"$BP" cv --epochs 5 --report "$TMP/old.html" "$TMP/bad.csv" >/dev/null 2>&1
check "bad data: exit 2" [ $? -eq 2 ]
check "bad data: the old report is untouched" [ "$(cat "$TMP/old.html")" = "old report" ]
"$BP" train --epochs 5 --report "$TMP/old.html" "$TMP/bad.csv" -o "$TMP/bad.model" >/dev/null 2>&1
check "train, bad data: the old report is untouched" [ "$(cat "$TMP/old.html")" = "old report" ]
check "no temporary file left after failures" [ "$(ls "$TMP" | grep -c tmp)" -eq 0 ]

# --- in a browser
BROWSER=""
for b in chromium chromium-browser google-chrome; do
    if command -v "$b" >/dev/null 2>&1; then BROWSER=$b; break; fi
done
if [ -z "$BROWSER" ] || ! command -v python3 >/dev/null 2>&1; then
    echo "skip: chromium or python3 is not installed; the reports were not rendered"
    skip=$((skip + 1))
else
    # render MODE REPORT OUT: runs the headless browser; MODE is --dump-dom
    # or --screenshot=FILE. Console messages go to OUT.log.
    render() {
        r_mode=$1; r_page=$2; r_out=$3
        profile=$(mktemp -d "$TMP/profile.XXXXXX")
        timeout 120 "$BROWSER" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
            --disable-background-networking --disable-component-update --disable-sync \
            --user-data-dir="$profile" --enable-logging=stderr --v=0 --window-size=1200,1600 \
            "$r_mode" "file://$r_page" >"$r_out" 2>"$r_out.log"
    }
    for name in cv train reg; do
        page=$TMP/$name.html
        render --dump-dom "$page" "$TMP/$name.dom"
        check "$name report: the browser loads it" grep -q '</html>' "$TMP/$name.dom"
        if grep -q 'CONSOLE' "$TMP/$name.dom.log"; then
            bad "$name report: console messages"; grep 'CONSOLE' "$TMP/$name.dom.log" | head -5
        else
            ok
        fi
        drawn=$(grep -o 'data-charts-drawn="[0-9]*"' "$TMP/$name.dom" | grep -o '[0-9][0-9]*')
        check "$name report: its script ran to the end" [ -n "$drawn" ]
        check "$name report: charts drawn ($drawn)" [ "${drawn:-0}" -ge 1 ]
    done
    # cv with validation: loss (training and validation) and accuracy, per fold
    check "cv report: a line per fold and measure" [ "$(grep -o 'class="series"' "$TMP/cv.dom" | wc -l)" -eq 15 ]
    check "cv report: loss and accuracy charts" grep -q 'data-charts-drawn="2"' "$TMP/cv.dom"
    check "train report: the training loss curve" [ "$(grep -o 'class="series"' "$TMP/train.dom" | wc -l)" -ge 1 ]
    check "regression report: points drawn" [ "$(grep -o '<circle' "$TMP/reg.dom" | wc -l)" -eq 120 ]

    # Pointing at a chart shows every fold's values at that epoch; a legend
    # key hides its fold; the log-scale box redraws the chart.
    awk '/<\/body>/ {
        print "<script>(function () {"
        print "  var area = document.querySelector(\"#curves svg rect[fill=transparent]\"), box = area.getBoundingClientRect();"
        print "  area.dispatchEvent(new MouseEvent(\"mousemove\", {clientX: box.left + box.width / 2, clientY: box.top + 9, bubbles: true}));"
        print "  var tip = document.querySelector(\"#curves .tip\");"
        print "  document.documentElement.setAttribute(\"data-tip\", tip.style.display + \":\" + tip.textContent);"
        print "  document.querySelector(\"#curves .key\").click();"
        print "  var lines = document.querySelectorAll(\"#curves figure:first-child path.series\").length;"
        print "  var log = document.querySelector(\"#curves .toggle input\");"
        print "  log.click();"
        print "  document.documentElement.setAttribute(\"data-probe\", lines + \":\" + log.checked);"
        print "})();</script>"
    } { print }' "$CV_REPORT" >"$TMP/probe.html"
    render --dump-dom "$TMP/probe.html" "$TMP/probe.dom"
    check "pointing at a chart shows a tooltip" grep -q 'data-tip="block:epoch [0-9]*fold 1 training: [0-9.]*fold 1 validation' "$TMP/probe.dom"
    check "a legend key hides its fold's two lines" grep -q 'data-probe="8:' "$TMP/probe.dom"
    check "no console messages when used" [ "$(grep -c CONSOLE "$TMP/probe.dom.log")" -eq 0 ]

    # The screenshot is not blank: charts in colour, the orange of fold 2's
    # line among them (the heat map has no orange).
    render --screenshot="$TMP/cv.png" "$CV_REPORT" "$TMP/shot.out"
    python3 - "$TMP/cv.png" >"$TMP/pixels" <<'PY'
import struct, sys, zlib

def read_png(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            w, h, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
    assert depth == 8 and colour in (2, 6) and interlace == 0, "unexpected PNG layout"
    bpp = 3 if colour == 2 else 4
    raw, stride, prev, rows, i = zlib.decompress(idat), w * bpp, bytearray(w * bpp), [], 0
    for _ in range(h):
        kind, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if kind == 1: line[x] = (line[x] + a) & 255
            elif kind == 2: line[x] = (line[x] + b) & 255
            elif kind == 3: line[x] = (line[x] + ((a + b) >> 1)) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return w, h, bpp, rows

w, h, bpp, rows = read_png(sys.argv[1])
ink = orange = 0
for line in rows:
    for x in range(0, w * bpp, bpp):
        r, g, b = line[x], line[x + 1], line[x + 2]
        if min(r, g, b) < 235: ink += 1
        if abs(r - 242) + abs(g - 142) + abs(b - 43) < 60: orange += 1
print(w * h, ink, orange)
PY
    read -r total ink orange <"$TMP/pixels"
    check "screenshot taken" [ "${total:-0}" -gt 0 ]
    check "screenshot is not blank ($ink of $total pixels)" [ "${ink:-0}" -gt $((${total:-0} / 50)) ]
    check "screenshot shows the fold lines ($orange orange pixels)" [ "${orange:-0}" -gt 100 ]
fi

finish
