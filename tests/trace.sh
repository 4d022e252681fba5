#!/bin/sh
# backprop trace: the tutorial's figures (REFERENCE.md sections 1-4), every
# number of the trace checked against an independent computation in Python
# (the tutorial's own arithmetic, in its order), a model's trace likewise,
# shell completion of the new commands, and bad input: each a clear
# "backprop: error: ..." and exit status 2.
# Usage: BUILD=build sh tests/trace.sh
. "$(dirname "$0")/sh/harness.sh"

# has NAME FILE LINE: FILE has this exact line.
has() {
    if grep -qxF -- "$3" "$2"; then ok; else bad "$1: no line '$3'"; fi
}

float=0
"$BP" --version | grep -q float && float=1

# --- the tutorial's network and row
"$BP" trace --tutorial >"$TMP/tutorial" 2>"$TMP/err"
[ $? -eq 0 ] && [ ! -s "$TMP/err" ] && ok || bad "trace --tutorial exits 0 quietly"
has "network" "$TMP/tutorial" "Network: 2-1-2 (inputs, sigmoid hidden, sigmoid outputs)"
if [ $float -eq 0 ]; then
    has "row" "$TMP/tutorial" "Row 1,0,1: inputs 1.0, 0.0; class 1, so the expected outputs are 0.0, 1.0"
    # REFERENCE.md section 1 (initial weights) and section 2 (outputs).
    has "hidden neuron" "$TMP/tutorial" \
        "  neuron 1: activation = 0.763774618976614 + 0.13436424411240122 * 1.0 + 0.8474337369372327 * 0.0"
    has "hidden output" "$TMP/tutorial" "            output     = 0.7105668883115941"
    has "output neuron 1" "$TMP/tutorial" \
        "  neuron 1: activation = 0.49543508709194095 + 0.2550690257394217 * 0.7105668883115941"
    has "output neuron 2" "$TMP/tutorial" \
        "  neuron 2: activation = 0.651592972722763 + 0.4494910647887381 * 0.7105668883115941"
    has "section 2, output 1" "$TMP/tutorial" "            output     = 0.6629970129852887"
    has "section 2, output 2" "$TMP/tutorial" "            output     = 0.7253160725279748"
    has "learning rate" "$TMP/tutorial" \
        "Loss: sse;  learning rate 0.5;  update: online gradient descent, one row at a time"
else
    skipped "the tutorial's exact figures are for the double build"
fi
grep -q '^Backward pass' "$TMP/tutorial" && grep -q '^Update: weight -= learning_rate \* delta \* input' "$TMP/tutorial" &&
    ok || bad "the trace has its three parts"
[ "$(grep -c '^ *derivative = ' "$TMP/tutorial")" -eq 3 ] && ok || bad "a derivative per neuron"
[ "$(grep -cE '^    (weight [0-9]+|bias): ' "$TMP/tutorial")" -eq 7 ] && ok || bad "every weight and bias updated"

# --- every number against Python, doing the tutorial's arithmetic
cat >"$TMP/check.py" <<'EOF'
"""Recomputes a `backprop trace` from the weights (the tutorial's network
or a model file) and the row, with the tutorial's code, and compares every
output, delta and updated weight the trace prints, digit for digit."""
import math, re, sys

def tutorial():
    hidden = [[0.13436424411240122, 0.8474337369372327, 0.763774618976614]]
    output = [[0.2550690257394217, 0.49543508709194095], [0.4494910647887381, 0.651592972722763]]
    return [hidden, output], None

def model(path):
    """Layers as the tutorial stores them (inputs' weights, then the bias) and the min-max scaler."""
    layers, scaler = [], []
    for line in open(path):
        t = line.split()
        if t[0] == "scaler" and t[1] != "minmax":
            sys.exit("check.py: only min-max scaling is recomputed")
        if t[0] == "layer" and t[3] != "sigmoid":
            sys.exit("check.py: only sigmoid layers are recomputed")
        if t[0] == "feature":
            scaler.append((float(t[1]), float(t[2])))
        if t[0] == "weights":
            layers.append([])
        if t[0] == "neuron":
            layers[-1].append([float(v) for v in t[1:]])
    return layers, scaler

def scale(row, scaler):
    out = []
    for v, (lo, hi) in zip(row, scaler):
        out.append((v - lo) / (hi - lo) if hi - lo > 0 else 0.0)
    return out

def step(network, inputs, expected, l_rate):
    """forward_propagate, backward_propagate_error, update_weights."""
    outputs, deltas, updated = [], [], []
    row = inputs
    for layer in network:
        new = []
        for w in layer:
            activation = w[-1]
            for i in range(len(w) - 1):
                activation += w[i] * row[i]
            new.append(1.0 / (1.0 + math.exp(-activation)))
        outputs.append(new)
        row = new
    layer_deltas = [None] * len(network)
    for i in reversed(range(len(network))):
        out = outputs[i]
        if i == len(network) - 1:
            errors = [out[j] - expected[j] for j in range(len(out))]
        else:
            errors = []
            for j in range(len(out)):
                error = 0.0
                for k, w in enumerate(network[i + 1]):
                    error += w[j] * layer_deltas[i + 1][k]
                errors.append(error)
        layer_deltas[i] = [errors[j] * (out[j] * (1.0 - out[j])) for j in range(len(out))]
        deltas.extend(layer_deltas[i])
    for i, layer in enumerate(network):
        row = inputs if i == 0 else outputs[i - 1]
        for j, w in enumerate(layer):
            for k in range(len(row)):
                w[k] -= l_rate * layer_deltas[i][j] * row[k]
                updated.append(w[k])
            w[-1] -= l_rate * layer_deltas[i][j]
            updated.append(w[-1])
    return [v for layer in outputs for v in layer], deltas, updated

def main():
    source, l_rate, rows = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
    network, scaler = tutorial() if source == "--tutorial" else model(source)
    classes = sys.stdin.readline().split(",")  # the model's classes, in index order
    want = {"output": [], "delta": [], "weight": []}
    for text in rows:
        values = text.split(",")
        inputs = [float(v) for v in values[:-1]]
        if scaler is not None:
            inputs = scale(inputs, scaler)
        expected = [0.0] * len(network[-1])
        expected[classes.index(values[-1]) if scaler is not None else int(values[-1])] = 1.0
        o, d, u = step(network, inputs, expected, l_rate)
        want["output"] += o
        want["delta"] += d
        want["weight"] += u
    got = {"output": [], "delta": [], "weight": []}
    for line in sys.stdin:
        m = re.match(r"\s+output     = (\S+)$", line)
        if m:
            got["output"].append(m.group(1))
        m = re.match(r"\s+(delta      = |neuron \d+: delta = ).* = (\S+)$", line)
        if m:
            got["delta"].append(m.group(2))
        m = re.match(r"\s+(weight \d+|bias): .* = (\S+)$", line)
        if m:
            got["weight"].append(m.group(2))
    bad = 0
    for key in want:
        w = [repr(v) for v in want[key]]
        if w != got[key]:
            bad = 1
            print("%s: trace %s, python %s" % (key, got[key][:6], w[:6]))
        else:
            print("%s: %d equal" % (key, len(w)))
    sys.exit(bad)

main()
EOF

# check_with_python NAME SOURCE LR CLASSES TRACE_FILE ROWS...
check_with_python() {
    name=$1; source=$2; lr=$3; classes=$4; file=$5; shift 5
    if { echo "$classes"; cat "$file"; } | python3 "$TMP/check.py" "$source" "$lr" "$@" >"$TMP/py" 2>&1; then
        ok
    else
        bad "$name: the trace differs from the tutorial's arithmetic in Python"; cat "$TMP/py"
    fi
}

if ! command -v python3 >/dev/null 2>&1; then
    skipped "python3 is not installed: the trace is not recomputed"
elif [ $float -eq 1 ]; then
    skipped "the trace is recomputed in double precision: not for the float build"
else
    # Sanity of the Python reference itself: REFERENCE.md section 3, from
    # the hand-set outputs, gives the tutorial's deltas.
    got=$(python3 -c '
o = [0.6213859615555266, 0.6573693455986976]; h = 0.7105668883115941; e = [0, 1]
w = [[0.2550690257394217, 0.49543508709194095], [0.4494910647887381, 0.651592972722763]]
d = [(o[j] - e[j]) * (o[j] * (1.0 - o[j])) for j in range(2)]
err = 0.0
for k in range(2): err += w[k][0] * d[k]
print(repr(d[0]), repr(d[1]), repr(err * (h * (1.0 - h))))')
    [ "$got" = "0.14619064683582808 -0.0771723774346327 0.0005348048046610517" ] && ok ||
        bad "the Python reference does not reproduce REFERENCE.md section 3: $got"
    check_with_python "tutorial" --tutorial 0.5 "" "$TMP/tutorial" 1,0,1
    grep -q '^output: 3 equal$' "$TMP/py" && grep -q '^delta: 3 equal$' "$TMP/py" &&
        grep -q '^weight: 7 equal$' "$TMP/py" && ok || bad "every number of the tutorial trace compared"
    # Two rows: the second starts from the weights the first left.
    "$BP" trace --tutorial --lr 0.3 1,0,1 2.7810836,2.550537003,0 >"$TMP/two" 2>&1 && ok || bad "two rows"
    check_with_python "two rows" --tutorial 0.3 "" "$TMP/two" 1,0,1 2.7810836,2.550537003,0
    has "second row" "$TMP/two" "=== Row 2 of 2"
    # A model: scaled inputs, a 7-5-3 network.
    "$BP" train data/wheat-seeds.csv -o "$TMP/seeds.model" --epochs 30 --quiet >/dev/null 2>&1
    ROW1=$(sed -n 1p data/wheat-seeds.csv)
    ROW2=$(sed -n 100p data/wheat-seeds.csv)
    "$BP" trace "$TMP/seeds.model" "$ROW1" "$ROW2" >"$TMP/model" 2>"$TMP/err" && ok || bad "trace of a model"
    check_with_python "model" "$TMP/seeds.model" 0.3 "1,2,3" "$TMP/model" "$ROW1" "$ROW2"
    grep -q '^output: 16 equal$' "$TMP/py" && grep -q '^delta: 16 equal$' "$TMP/py" &&
        grep -q '^weight: 116 equal$' "$TMP/py" && ok || bad "every number of the model's trace compared"
fi

# --- a model's trace: the row as the model sees it
if [ ! -f "$TMP/seeds.model" ]; then
    "$BP" train data/wheat-seeds.csv -o "$TMP/seeds.model" --epochs 30 --quiet >/dev/null 2>&1
fi
MODEL="$TMP/seeds.model"
ROW=$(sed -n 1p data/wheat-seeds.csv)
"$BP" trace "$MODEL" "$ROW" >"$TMP/model" 2>&1
has "model network" "$TMP/model" "Network: 7-5-3 (inputs, sigmoid hidden, sigmoid outputs)"
grep -q '^  network inputs, scaled as the model scales them: ' "$TMP/model" && ok || bad "the scaled inputs are shown"
# "1.0" in the double build (Python's repr), "1" in the float build.
if [ $float -eq 0 ]; then one=1.0 zero=0.0; else one=1 zero=0; fi
has "model class" "$TMP/model" "  class 1 (index 0), so the expected outputs are $one, $zero, $zero"
has "model learning rate" "$TMP/model" \
    "Loss: sse;  learning rate 0.3;  update: online gradient descent, one row at a time"
"$BP" trace "$MODEL" "$ROW" --lr 0.125 --loss xent >"$TMP/xent" 2>&1 &&
    grep -q 'learning rate 0.125' "$TMP/xent" && grep -q 'delta = output - expected (cross-entropy' "$TMP/xent" &&
    ok || bad "--lr and --loss"
# other activations and losses, a text column and a regression target
printf 'color,x,y\nred,1,0.5\nblue,2,1.5\nred,3,2.5\ngreen,4,3\nblue,5,4.5\n' >"$TMP/small.csv"
"$BP" train "$TMP/small.csv" --task regression -o "$TMP/reg.model" --epochs 5 --hidden 3,2 \
    --activation tanh,leaky --quiet >/dev/null 2>&1
"$BP" trace "$TMP/reg.model" green,2.5,1 >"$TMP/reg" 2>&1 && ok || bad "trace of a regression model"
has "one-hot" "$TMP/reg" "  features, encoded (text columns one-hot, nan where missing): $zero, $one, $zero, 2.5"
has "regression target" "$TMP/reg" "  target $one, scaled as the network predicts it: expected output 0.125"
grep -q 'derivative = 1 - output \* output' "$TMP/reg" && grep -q 'derivative = 1 if output > 0, else 0.01' "$TMP/reg" &&
    ok || bad "tanh and leaky derivatives named"
"$BP" trace "$TMP/reg.model" purple,2.5,1 >"$TMP/unseen" 2>&1 && grep -q 'training never saw' "$TMP/unseen" &&
    ok || bad "an unseen category is noted"
"$BP" train data/wheat-seeds.csv -o "$TMP/softmax.model" --epochs 3 --output-activation softmax --quiet >/dev/null 2>&1
"$BP" trace "$TMP/softmax.model" "$ROW" >"$TMP/softmax" 2>&1 && grep -q 'delta = output \* ((output - expected) - s)' "$TMP/softmax" &&
    ok || bad "softmax under squared error"

# --- bad input
expect_fail "too few values" "row '1,0' has 2 values; the tutorial network takes 3" "$BP" trace --tutorial 1,0
expect_fail "too many values" "has 4 values" "$BP" trace --tutorial 1,0,1,1
expect_fail "non-numeric" "row '1,x,1': 'x' is not a number" "$BP" trace --tutorial 1,x,1
expect_fail "bad class" "the class must be 0 or 1" "$BP" trace --tutorial 1,0,2
expect_fail "fractional class" "the class must be 0 or 1" "$BP" trace --tutorial 1,0,0.5
expect_fail "missing model" "cannot open model" "$BP" trace "$TMP/none.model" 1,2,3
expect_fail "not a model" "" "$BP" trace data/wheat-seeds.csv "$ROW"
expect_fail "model without a row" "expected a model and at least one row" "$BP" trace "$MODEL"
expect_fail "nothing" "expected a model" "$BP" trace
expect_fail "model row too short" "has 3 values; the model takes 8" "$BP" trace "$MODEL" 1,2,1
expect_fail "model row non-numeric" "non-numeric value 'abc'" "$BP" trace "$MODEL" 15.26,abc,0.871,5.763,3.312,2.221,5.22,1
expect_fail "unknown class" "'7' is not one of the model's 3 classes" "$BP" trace "$MODEL" 15.26,14.84,0.871,5.763,3.312,2.221,5.22,7
expect_fail "regression target" "'high' is not a number" "$BP" trace "$TMP/reg.model" red,1,high
expect_fail "bad --lr" "--lr must be a positive number" "$BP" trace --tutorial --lr -1
expect_fail "bad --loss" "unknown loss" "$BP" trace --tutorial --loss hinge
expect_fail "xent on a linear output" "needs a sigmoid or softmax output" "$BP" trace "$TMP/reg.model" red,1,0.5 --loss xent
expect_fail "unknown option" "unknown option" "$BP" trace --tutorial --fast

# --- shell completion offers the new commands and their options
if command -v bash >/dev/null 2>&1; then
    mkdir -p "$TMP/bin"
    ln -s "$(cd "$(dirname "$BP")" && pwd)/backprop" "$TMP/bin/backprop"
    complete_words() {
        PATH="$TMP/bin:$PATH" bash -c '
            . completion/backprop.bash
            COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
            _backprop
            echo "${COMPREPLY[*]}"' sh "$@" 2>&1
    }
    got=$(complete_words backprop "")
    for cmd in trace export-c; do
        case " $got " in *" $cmd "*) ok ;; *) bad "completion of commands: '$got' lacks $cmd" ;; esac
    done
    [ "$(complete_words backprop tr)" = "train trace" ] && ok || bad "completion of 'tr': $(complete_words backprop tr)"
    [ "$(complete_words backprop ex)" = "export-c" ] && ok || bad "completion of 'ex': $(complete_words backprop ex)"
    [ "$(complete_words backprop trace --tu)" = "--tutorial" ] && ok || bad "completion of 'trace --tu'"
    [ "$(complete_words backprop trace --loss x)" = "xent" ] && ok || bad "completion of 'trace --loss x'"
    [ "$(complete_words backprop export-c --fu)" = "--function" ] && ok || bad "completion of 'export-c --fu'"
    touch "$TMP/model-file.model"
    [ "$(complete_words backprop export-c -o "$TMP/model-f")" = "$TMP/model-file.model" ] && ok ||
        bad "completion of export-c -o FILE: $(complete_words backprop export-c -o "$TMP/model-f")"
else
    skipped "bash is not installed; the completion is not checked"
fi

finish
