"""Quality benchmark: backprop against scikit-learn's MLPClassifier/MLPRegressor.

Both tools train the same network (architecture, activation, loss, optimiser,
learning rate, batch size, epochs, no L2, no early stopping) on the same
folds, over several seeds, and the script prints a side-by-side table.

* Tabular data sets: `backprop cv --seed S --folds K` for this tool. Its
  k-fold split is the tutorial's (Python's `random` seeded with S, rows popped
  with randrange, leftovers dealt round-robin), so the script rebuilds exactly
  the same folds with Python's own `random` module and trains scikit-learn on
  them: fold f of seed S is the same rows for both.
* MNIST-10k: data rows 1-8000 train, 8001-10000 test, for both tools
  (`backprop train` then `backprop eval`).

Features are scaled the same way for both (fitted on the training rows of
each fold only); one-hot columns stay 0/1; regression targets are scaled like
the features and predictions mapped back, as `backprop cv --task regression`
does.

A data set passes when this tool's mean is no worse than scikit-learn's mean
by more than one standard deviation of scikit-learn's scores (accuracy: ours
>= theirs - std; RMSE: ours <= theirs + std). The exit status is 1 when one
fails, 2 on a usage or setup error.

Run it with the Debian python (which sees python3-sklearn), from the
repository root:  /usr/bin/python3 bench/quality.py [--quick] [--only iris,...]
"""

import argparse
import csv
import math
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
import warnings

try:
    import numpy as np
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier, MLPRegressor
except ImportError as exc:  # the shell wrapper installs python3-sklearn
    sys.exit("quality.py: scikit-learn is missing (%s): apt-get install python3-sklearn" % exc)

# One configuration per data set: the recommended one for this tool, run
# identically through scikit-learn. Keys map to `backprop` options and to
# MLP parameters in cli_args() and sklearn_model().
DATASETS = [
    dict(name="wheat-seeds", file="wheat-seeds.csv", task="classification",
         hidden=(8,), activation="tanh", optimizer="adam", lr=0.01, batch=16, epochs=300,
         scale="standard"),
    dict(name="iris", file="iris.csv", task="classification",
         hidden=(8,), activation="tanh", optimizer="adam", lr=0.01, batch=16, epochs=300,
         scale="standard"),
    dict(name="sonar", file="sonar.csv", task="classification",
         hidden=(64,), activation="relu", optimizer="adam", lr=0.003, batch=16, epochs=100,
         scale="standard"),
    dict(name="ionosphere", file="ionosphere.csv", task="classification",
         hidden=(32,), activation="relu", optimizer="adam", lr=0.001, batch=16, epochs=100,
         scale="standard"),
    dict(name="pima-indians-diabetes", file="pima-indians-diabetes.csv", task="classification",
         hidden=(32,), activation="tanh", optimizer="adam", lr=0.001, batch=16, epochs=100,
         scale="standard"),
    dict(name="banknote", file="banknote_authentication.csv", task="classification",
         hidden=(8,), activation="relu", optimizer="adam", lr=0.01, batch=16, epochs=100,
         scale="standard"),
    dict(name="housing", file="housing.csv", task="regression",
         hidden=(64,), activation="tanh", optimizer="adam", lr=0.001, batch=16, epochs=300,
         scale="standard"),
    dict(name="abalone", file="abalone.csv", task="regression",
         hidden=(16,), activation="tanh", optimizer="adam", lr=0.001, batch=16, epochs=100,
         scale="standard"),
]

MNIST = dict(name="mnist-10k", file="mnist-10k.csv", task="classification",
             hidden=(512,), activation="relu", optimizer="adam", lr=0.001, batch=32, epochs=15,
             scale="minmax")
MNIST_TRAIN_ROWS = 8000

FOLDS = 5
SKLEARN_ACTIVATION = {"relu": "relu", "tanh": "tanh", "sigmoid": "logistic", "linear": "identity"}


# ------------------------------------------------------------------ data

def is_number(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


def read_rows(path):
    """The CSV's rows as lists of strings, without a header row."""
    with open(path, newline="") as f:
        rows = [r for r in csv.reader(f) if r and any(c.strip() for c in r)]
    if len(rows) > 1 and any(not is_number(a) and is_number(b) for a, b in zip(rows[0], rows[1])):
        rows = rows[1:]  # a header: names where the data has numbers
    return rows


def encode(rows, task):
    """Features (numeric columns as numbers, text columns one-hot in sorted
    category order, as backprop encodes them), a mask of the columns to scale,
    and the targets: class indices or numbers."""
    n_feat = len(rows[0]) - 1
    blocks, scaled = [], []
    for j in range(n_feat):
        column = [r[j].strip() for r in rows]
        if all(is_number(v) for v in column):
            blocks.append(np.array(column, dtype=float)[:, None])
            scaled.append(True)
        else:
            cats = sorted(set(column))
            onehot = np.zeros((len(rows), len(cats)))
            for i, v in enumerate(column):
                onehot[i, cats.index(v)] = 1.0
            blocks.append(onehot)
            scaled.extend([False] * len(cats))
    x = np.hstack(blocks)
    target = [r[-1].strip() for r in rows]
    if task == "regression":
        y = np.array(target, dtype=float)
    else:
        labels = sorted(set(target), key=(lambda v: float(v)) if all(map(is_number, target)) else None)
        y = np.array([labels.index(v) for v in target])
    return x, np.array(scaled), y


class Scaler:
    """backprop's scaler: min-max or standard (population std), fitted on
    the training rows; a constant column maps to 0; one-hot columns kept."""

    def __init__(self, kind, x, mask=None):
        self.kind = kind
        self.mask = np.ones(x.shape[1], bool) if mask is None else mask
        self.lo, self.hi = x.min(0), x.max(0)
        self.mean, self.std = x.mean(0), x.std(0)

    def apply(self, x):
        if self.kind == "minmax":
            span = self.hi - self.lo
            out = np.where(span > 0, (x - self.lo) / np.where(span > 0, span, 1), 0.0)
        elif self.kind == "standard":
            out = np.where(self.std > 0, (x - self.mean) / np.where(self.std > 0, self.std, 1), 0.0)
        else:
            out = x.copy()
        return np.where(self.mask, out, x)

    def invert(self, v):
        if self.kind == "minmax":
            return self.lo[0] + v * (self.hi[0] - self.lo[0])
        if self.kind == "standard":
            return self.mean[0] + v * self.std[0]
        return v


def tutorial_folds(n, k, seed):
    """The folds of `backprop cv --seed SEED --folds K` (the tutorial's split:
    rows popped at random, the leftovers dealt round-robin to the folds)."""
    rng = random.Random(seed)
    size = n // k
    remaining = list(range(n))
    folds = []
    for _ in range(k):
        fold = []
        while len(fold) < size:
            fold.append(remaining.pop(rng.randrange(len(remaining))))
        folds.append(fold)
    for f, row in enumerate(remaining):
        folds[f].append(row)
    return folds


# -------------------------------------------------------------- the tools

def cli_args(cfg, seed=None):
    """`backprop` training options for a configuration (L2 is off by default)."""
    if cfg["task"] == "regression":
        args = ["--task", "regression"]  # linear output, mse, scaled target
    else:
        args = ["--loss", "xent"]        # softmax output, as MLPClassifier
    args += ["--hidden", ",".join(map(str, cfg["hidden"])), "--activation", cfg["activation"],
             "--init", "xavier", "--optimizer", cfg["optimizer"], "--lr", repr(cfg["lr"]),
             "--batch", str(cfg["batch"]), "--epochs", str(cfg["epochs"]),
             "--scale", cfg["scale"]]
    return args + ["--seed", str(seed)] if seed is not None else args


def sklearn_model(cfg, seed):
    """The matching scikit-learn estimator: no L2, no early stopping, every
    epoch run (tol 0 and a patience longer than the run), reshuffled each epoch."""
    solver = "adam" if cfg["optimizer"] == "adam" else "sgd"
    params = dict(hidden_layer_sizes=cfg["hidden"], activation=SKLEARN_ACTIVATION[cfg["activation"]],
                  solver=solver, alpha=0.0, batch_size=cfg["batch"], learning_rate="constant",
                  learning_rate_init=cfg["lr"], max_iter=cfg["epochs"], shuffle=True,
                  random_state=seed, tol=0.0, n_iter_no_change=cfg["epochs"] + 1,
                  early_stopping=False)
    if solver == "sgd":
        params["momentum"] = 0.0 if cfg["optimizer"] == "sgd" else 0.9
        params["nesterovs_momentum"] = cfg["optimizer"] == "nesterov"
    model = MLPRegressor if cfg["task"] == "regression" else MLPClassifier
    return model(**params)


def run(cmd):
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(cmd), result.returncode,
                                                    result.stderr.strip()))
    return result.stdout


def parse_list(text, title):
    m = re.search(r"^%s: \[(.*)\]$" % re.escape(title), text, re.M)
    if not m:
        raise RuntimeError("no '%s: [...]' line in:\n%s" % (title, text))
    return [float(v) for v in m.group(1).split(",")]


def backprop_cv(exe, path, cfg, seed):
    """Per-fold scores of `backprop cv`: accuracy % or RMSE."""
    out = run([exe, "cv", "--quiet", "--folds", str(FOLDS)] + cli_args(cfg, seed) + [path])
    return parse_list(out, "RMSE" if cfg["task"] == "regression" else "Scores")


def sklearn_fold(cfg, seed, x, mask, y, train, test):
    scaler = Scaler(cfg["scale"], x[train], mask)
    xtr, xte = scaler.apply(x[train]), scaler.apply(x[test])
    model = sklearn_model(cfg, seed)
    if cfg["task"] == "regression":
        ys = Scaler(cfg["scale"], y[train][:, None])
        model.fit(xtr, ys.apply(y[train][:, None])[:, 0])
        pred = ys.invert(model.predict(xte))
        return float(np.sqrt(np.mean((pred - y[test]) ** 2)))
    model.fit(xtr, y[train])
    return float(np.mean(model.predict(xte) == y[test]) * 100.0)


def sklearn_cv(cfg, seed, x, mask, y):
    scores = []
    for fold in tutorial_folds(len(y), FOLDS, seed):
        test = np.array(sorted(fold))
        train = np.setdiff1d(np.arange(len(y)), test)
        scores.append(sklearn_fold(cfg, seed, x, mask, y, train, test))
    return scores


def has_command(exe, command):
    return subprocess.run([exe, command, "--help"], capture_output=True).returncode == 0


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def mnist_backprop(exe, tmp, cfg, seed):
    """Test accuracy, and the training's wall and CPU seconds (CPU time bounds
    the wall time on an otherwise idle machine)."""
    model = os.path.join(tmp, "mnist-%d.model" % seed)
    start, cpu = time.time(), children_cpu()
    run([exe, "train", "--quiet"] + cli_args(cfg, seed) +
        [os.path.join(tmp, "train.csv"), "-o", model])
    seconds, cpu = time.time() - start, children_cpu() - cpu
    out = run([exe, "eval", model, os.path.join(tmp, "test.csv")])
    m = re.search(r"^Accuracy: ([0-9.]+)%", out, re.M)
    if not m:
        raise RuntimeError("no 'Accuracy: X%%' line in:\n%s" % out)
    return float(m.group(1)), seconds, cpu


def mnist_sklearn(cfg, seed, x, y):
    train, test = np.arange(MNIST_TRAIN_ROWS), np.arange(MNIST_TRAIN_ROWS, len(y))
    scaler = Scaler(cfg["scale"], x[train])
    model = sklearn_model(cfg, seed)
    start, cpu = time.time(), time.process_time()
    model.fit(scaler.apply(x[train]), y[train])
    seconds, cpu = time.time() - start, time.process_time() - cpu
    return float(np.mean(model.predict(scaler.apply(x[test])) == y[test]) * 100.0), seconds, cpu


def write_split(path, tmp):
    """MNIST's train and test files, each with the header row."""
    with open(path, newline="") as f:
        lines = f.read().splitlines()
    header, data = lines[0], [l for l in lines[1:] if l.strip()]
    for name, part in (("train.csv", data[:MNIST_TRAIN_ROWS]), ("test.csv", data[MNIST_TRAIN_ROWS:])):
        with open(os.path.join(tmp, name), "w") as f:
            f.write(header + "\n" + "\n".join(part) + "\n")


# ------------------------------------------------------- equivalence check

# The same run in both tools: the same initial weights, and scikit-learn fed
# each epoch's rows in backprop's shuffled order (which the script replays
# with Python's random, as backprop draws it), so every step sees the same
# batch. The trained weights must then agree to rounding. The cases cover
# full and partial mini-batches (the GEMM path), the online path through the
# optimiser and the fused online SGD path, every optimiser and activation.
# Multi-class and regression only: for two classes scikit-learn has one
# logistic output where backprop has a 2-way softmax, another parametrisation.
EQUIVALENCE = [
    dict(name="iris", file="iris.csv", task="classification", hidden=(5,), activation="tanh",
         optimizer="adam", lr=0.01, batch="all", epochs=200, scale="standard"),
    dict(name="wheat-seeds", file="wheat-seeds.csv", task="classification", hidden=(6, 4),
         activation="relu", optimizer="nesterov", lr=0.05, batch="all", epochs=200,
         scale="minmax"),
    dict(name="iris", file="iris.csv", task="classification", hidden=(8,), activation="sigmoid",
         optimizer="momentum", lr=0.1, batch="all", epochs=200, scale="standard"),
    dict(name="wheat-seeds", file="wheat-seeds.csv", task="classification", hidden=(5,),
         activation="sigmoid", optimizer="sgd", lr=0.1, batch=1, epochs=20, scale="minmax"),
    dict(name="iris", file="iris.csv", task="classification", hidden=(4,), activation="relu",
         optimizer="adam", lr=0.003, batch=1, epochs=10, scale="standard"),
    dict(name="housing", file="housing.csv", task="regression", hidden=(8,), activation="relu",
         optimizer="adam", lr=0.01, batch="all", epochs=200, scale="standard"),
    dict(name="iris", file="iris.csv", task="classification", hidden=(16,), activation="relu",
         optimizer="adam", lr=0.01, batch=32, epochs=50, scale="standard"),
    dict(name="housing", file="housing.csv", task="regression", hidden=(16, 8), activation="tanh",
         optimizer="momentum", lr=0.01, batch=64, epochs=50, scale="standard"),
    dict(name="abalone", file="abalone.csv", task="regression", hidden=(8,), activation="tanh",
         optimizer="sgd", lr=0.05, batch=16, epochs=5, scale="standard"),
]


def xavier_weights(widths, rng):
    """backprop's --init xavier draws, in its order: layer by layer, neuron by
    neuron, U(-limit, limit) from its Python-compatible random; biases 0."""
    layers = []
    for n_in, n_out in zip(widths, widths[1:]):
        limit = math.sqrt(6.0 / (n_in + n_out))
        w = np.array([[(2.0 * rng.random() - 1.0) * limit for _ in range(n_in)]
                      for _ in range(n_out)])
        layers.append((w, np.zeros(n_out)))
    return layers


def model_weights(path):
    """(W, b) per layer from a backprop model file: a 'neuron' line holds a
    neuron's weights then its bias."""
    layers, rows = [], None
    with open(path) as f:
        for line in f:
            word = line.split(" ", 1)[0]
            if word == "weights":
                rows = []
                layers.append(rows)
            elif word == "neuron" and rows is not None:
                rows.append([float(v) for v in line.split()[1:]])
            elif word == "training":
                break
    return [(np.array(r)[:, :-1], np.array(r)[:, -1]) for r in layers]


def equivalence_case(exe, data, tmp, cfg, seed=7):
    path = os.path.join(data, cfg["file"])
    model = os.path.join(tmp, "equivalence.model")
    run([exe, "train", "--quiet"] + cli_args(cfg, seed) + [path, "-o", model])
    ours = model_weights(model)

    x, mask, y = encode(read_rows(path), cfg["task"])
    x = Scaler(cfg["scale"], x, mask).apply(x)
    if cfg["task"] == "regression":
        y = Scaler(cfg["scale"], y[:, None]).apply(y[:, None])[:, 0]
    n_out = 1 if cfg["task"] == "regression" else len(set(y))
    # The same random stream as `backprop train --seed`: the initial weights,
    # then (batches other than 1) a reshuffle of the rows before each epoch.
    rng = random.Random(seed)
    start = xavier_weights([x.shape[1]] + list(cfg["hidden"]) + [n_out], rng)

    batch = len(y) if cfg["batch"] == "all" else cfg["batch"]
    sk = sklearn_model(dict(cfg, batch=batch, epochs=1), seed)
    sk.set_params(shuffle=False, warm_start=True)
    sk.fit(x, y)  # builds the network; its weights and optimiser are replaced next
    sk.coefs_ = [w.T.copy() for w, _ in start]
    sk.intercepts_ = [b.copy() for _, b in start]
    # Drop the optimiser state of that first epoch (a private attribute, as of
    # scikit-learn 1.2): the next partial_fit starts a fresh one on these weights.
    if hasattr(sk, "_optimizer"):
        del sk._optimizer
    order = list(range(len(y)))
    for _ in range(cfg["epochs"]):
        if cfg["batch"] != 1:
            rng.shuffle(order)
        sk.partial_fit(x[order], y[order])  # one epoch, batches in this order
    theirs = [(w.T, b) for w, b in zip(sk.coefs_, sk.intercepts_)]

    diff = max(max(np.abs(a - c).max(), np.abs(b - d).max())
               for (a, b), (c, d) in zip(ours, theirs))
    moved = max(max(np.abs(a - c).max(), np.abs(b - d).max())
                for (a, b), (c, d) in zip(ours, start))
    return diff, moved


def equivalence(args):
    """Prints the check's table; returns True when every case agrees."""
    if not has_command(args.backprop, "train"):
        print("equivalence check: skipped: this backprop has no train command\n")
        return True
    print("Equivalence check: same initial weights, same batches in the same order; trained weights compared")
    print("%-12s %-12s %-9s %-10s %6s %7s  %-10s %-10s %s" % (
        "data set", "hidden", "act", "optimizer", "batch", "epochs", "max |diff|", "max |move|",
        "verdict"))
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for cfg in EQUIVALENCE:
            if not os.path.exists(os.path.join(args.data, cfg["file"])):
                continue
            diff, moved = equivalence_case(args.backprop, args.data, tmp, cfg)
            same = diff <= 1e-6 * max(1.0, moved)
            ok = ok and same
            print("%-12s %-12s %-9s %-10s %6s %7d  %-10.2e %-10.2e %s" % (
                cfg["name"], "-".join(map(str, cfg["hidden"])), cfg["activation"],
                cfg["optimizer"], cfg["batch"], cfg["epochs"], diff, moved,
                "same" if same else "DIFFERENT"))
    print("(max |move|: how far training moved the weights from their start)\n")
    return ok


# -------------------------------------------------------------- reporting

def mean_std(v):
    m = sum(v) / len(v)
    return m, math.sqrt(sum((a - m) ** 2 for a in v) / len(v))


def task_text(cfg, y):
    if cfg["task"] == "regression":
        return "regression"
    return "%d classes" % len(set(y.tolist()))


def compare(name, cfg, ours, theirs, t_ours, t_theirs, what):
    """One result row: means, stds, the paired difference and the verdict."""
    om, osd = mean_std(ours)
    sm, ssd = mean_std(theirs)
    regression = cfg["task"] == "regression"
    margin = (sm - om) if regression else (om - sm)  # > 0: ours is better
    ok = margin >= -ssd - 1e-9
    diffs = [(b - a) if regression else (a - b) for a, b in zip(ours, theirs)]
    dm, dsd = mean_std(diffs)
    return dict(name=name, cfg=cfg, metric="RMSE" if regression else "acc %", what=what,
                ours=(om, osd), theirs=(sm, ssd), diff=(dm, dsd / math.sqrt(len(diffs))),
                ok=ok, t_ours=t_ours, t_theirs=t_theirs, n=len(ours))


def config_text(cfg):
    return "%s %s %s lr %g batch %d, %d epochs, %s" % (
        "-".join(map(str, cfg["hidden"])), cfg["activation"], cfg["optimizer"], cfg["lr"],
        cfg["batch"], cfg["epochs"], cfg["scale"])


def print_table(results):
    head = "%-22s %-6s %-17s %-17s %-16s %8s %9s  %s" % (
        "data set", "metric", "backprop", "scikit-learn", "ours-theirs", "t ours", "t sklearn",
        "verdict")
    print(head)
    print("-" * len(head))
    for r in results:
        print("%-22s %-6s %8.3f ± %-6.3f %8.3f ± %-6.3f %+7.3f ± %-6.3f %7.1fs %8.1fs  %s" % (
            r["name"], r["metric"], r["ours"][0], r["ours"][1], r["theirs"][0], r["theirs"][1],
            r["diff"][0], r["diff"][1], r["t_ours"], r["t_theirs"],
            "ok" if r["ok"] else "WORSE by more than 1 std"))
    print()
    print("mean ± std over %s; ours-theirs: paired difference (positive = backprop better),"
          % "all folds of all seeds (MNIST: over seeds)")
    print("± its standard error; t: total training+evaluation wall time of each tool.")
    print()
    for r in results:
        print("  %-22s %s, %s" % (r["name"], config_text(r["cfg"]), r["what"]))


def print_markdown(results, path):
    """The recommended-configuration table of docs/recommended.md."""
    with open(path, "w") as f:
        f.write("| data set | task | options | backprop | scikit-learn, same network |\n"
                "|---|---|---|---|---|\n")
        for r in results:
            options = " ".join(cli_args(r["cfg"]))
            unit = "RMSE " if r["metric"] == "RMSE" else ""
            pct = "" if r["metric"] == "RMSE" else " %"
            f.write("| %s | %s | `%s` | %s%.2f ± %.2f%s | %s%.2f ± %.2f%s |\n" % (
                r["name"], r["task"], options, unit, r["ours"][0], r["ours"][1], pct,
                unit, r["theirs"][0], r["theirs"][1], pct))


# ------------------------------------------------------------------- main

def tabular(args, cfg, seeds):
    path = os.path.join(args.data, cfg["file"])
    x, mask, y = encode(read_rows(path), cfg["task"])
    ours, theirs, t_ours, t_theirs = [], [], 0.0, 0.0
    for seed in seeds:
        start = time.time()
        scores = backprop_cv(args.backprop, path, cfg, seed)
        t_ours += time.time() - start
        start = time.time()
        sk = sklearn_cv(cfg, seed, x, mask, y)
        t_theirs += time.time() - start
        if len(scores) != len(sk):
            raise RuntimeError("%s: %d folds from backprop, %d from the script"
                               % (cfg["name"], len(scores), len(sk)))
        ours += scores
        theirs += sk
        print("  %s seed %d: backprop %s | sklearn %s" % (
            cfg["name"], seed, " ".join("%.2f" % v for v in scores),
            " ".join("%.2f" % v for v in sk)), file=sys.stderr, flush=True)
    what = "%d-fold cv x %d seeds (%s)" % (FOLDS, len(seeds), ",".join(map(str, seeds)))
    return dict(compare(cfg["name"], cfg, ours, theirs, t_ours, t_theirs, what),
                task=task_text(cfg, y))


def mnist(args, seeds):
    cfg = MNIST
    path = os.path.join(args.data, cfg["file"])
    if not (has_command(args.backprop, "train") and has_command(args.backprop, "eval")):
        print("mnist-10k: skipped: this backprop has no train/eval commands", file=sys.stderr)
        return None
    x, mask, y = encode(read_rows(path), cfg["task"])
    ours, theirs, t_ours, t_theirs, cpu_ours, cpu_theirs = [], [], [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        write_split(path, tmp)
        for seed in seeds:
            acc, sec, cpu = mnist_backprop(args.backprop, tmp, cfg, seed)
            ours.append(acc)
            t_ours.append(sec)
            cpu_ours.append(cpu)
            acc2, sec2, cpu2 = mnist_sklearn(cfg, seed, x, y)
            theirs.append(acc2)
            t_theirs.append(sec2)
            cpu_theirs.append(cpu2)
            print("  mnist-10k seed %d: backprop %.2f%% (train %.1fs, cpu %.1fs) | "
                  "sklearn %.2f%% (fit %.1fs, cpu %.1fs)"
                  % (seed, acc, sec, cpu, acc2, sec2, cpu2), file=sys.stderr, flush=True)
    what = ("train rows 1-%d, test rows %d-%d, %d seeds; slowest training: backprop %.1fs "
            "(cpu %.1fs), scikit-learn %.1fs (cpu %.1fs)" % (
                MNIST_TRAIN_ROWS, MNIST_TRAIN_ROWS + 1, len(y), len(seeds), max(t_ours),
                max(cpu_ours), max(t_theirs), max(cpu_theirs)))
    return dict(compare(cfg["name"], cfg, ours, theirs, sum(t_ours), sum(t_theirs), what),
                task=task_text(cfg, y))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--backprop", default="build/backprop", help="the backprop command")
    p.add_argument("--data", default="../shared/data", help="directory of the data sets")
    p.add_argument("--seeds", default="11,12,13", help="comma-separated seeds (11,12,13)")
    p.add_argument("--quick", action="store_true", help="one seed only")
    p.add_argument("--only", help="comma-separated data set names")
    p.add_argument("--markdown", help="also write the table of docs/recommended.md to this file")
    p.add_argument("--no-check", action="store_true", help="skip the equivalence check")
    p.add_argument("--check-only", action="store_true", help="only the equivalence check")
    args = p.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    if args.quick:
        seeds = seeds[:1]
    only = set(args.only.split(",")) if args.only else None
    if not os.path.isdir(args.data):
        print("quality.py: no data directory %s" % args.data, file=sys.stderr)
        return 2
    if not os.access(args.backprop, os.X_OK):
        print("quality.py: no %s (run make)" % args.backprop, file=sys.stderr)
        return 2
    warnings.filterwarnings("ignore", category=ConvergenceWarning)  # max_iter is the epoch count
    try:
        same = True if args.no_check else equivalence(args)
        if args.check_only:
            return 0 if same else 1
        results = []
        for cfg in DATASETS + [MNIST]:
            if only and cfg["name"] not in only:
                continue
            if not os.path.exists(os.path.join(args.data, cfg["file"])):
                print("%s: skipped: no %s" % (cfg["name"], cfg["file"]), file=sys.stderr)
                continue
            r = mnist(args, seeds) if cfg is MNIST else tabular(args, cfg, seeds)
            if r:
                results.append(r)
    except RuntimeError as exc:
        print("quality.py: %s" % exc, file=sys.stderr)
        return 2
    print()
    print_table(results)
    if args.markdown:
        print_markdown(results, args.markdown)
    if not same:
        print("\nThe equivalence check failed: the two tools do not train alike.")
    return 0 if same and all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
