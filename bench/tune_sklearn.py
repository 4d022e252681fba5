"""The search of W5 in scikit-learn: GridSearchCV and HalvingRandomSearchCV
over MLPClassifier with the same grid `backprop tune` searches, min-max
scaling fitted on each training fold, 5 folds, n_jobs=2, and a nested
estimate (the search within each of 3 outer folds, scored on the fold).

    python3 bench/tune_sklearn.py FILE [--halving] [--nested] [--seed S]

Prints one JSON line: seconds, best_cv (mean accuracy, a fraction), best
(the parameters) and, with --nested, nested and nested_std (over the outer
folds).

Every fit runs all of its max_iter epochs, as backprop's do: by default
MLPClassifier also stops once the training loss has improved by less than
tol for 10 epochs in a row, and n_iter_no_change beyond any max_iter turns
that off.
"""
import argparse
import json
import sys
import time

import numpy as np
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.model_selection import GridSearchCV, HalvingRandomSearchCV, KFold, cross_val_score
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler
from sklearn.exceptions import ConvergenceWarning
import warnings


def load(path: str):
    with open(path) as f:
        lines = [line.strip().split(",") for line in f if line.strip()]
    try:
        float(lines[0][0])
    except ValueError:
        lines = lines[1:]  # a header
    x = np.array([[float(v) for v in row[:-1]] for row in lines])
    y = np.array([row[-1] for row in lines])
    return x, y


GRID = {
    "mlpclassifier__hidden_layer_sizes": [(5,), (10,), (20,), (40,)],
    "mlpclassifier__learning_rate_init": [0.001, 0.01, 0.1],
    "mlpclassifier__activation": ["relu", "tanh"],
}


def search(halving: bool, seed: int):
    model = make_pipeline(MinMaxScaler(), MLPClassifier(batch_size=16, max_iter=500, solver="adam", n_iter_no_change=10**9,
                                                        alpha=0.0001, random_state=seed))
    folds = KFold(5, shuffle=True, random_state=seed)
    if halving:
        return HalvingRandomSearchCV(model, GRID, cv=folds, n_jobs=2, random_state=seed, factor=3,
                                     resource="mlpclassifier__max_iter", min_resources=20, max_resources=500)
    return GridSearchCV(model, GRID, cv=folds, n_jobs=2)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--halving", action="store_true")
    parser.add_argument("--nested", action="store_true")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    warnings.simplefilter("ignore", ConvergenceWarning)
    x, y = load(args.file)
    start = time.perf_counter()
    s = search(args.halving, args.seed).fit(x, y)
    seconds = time.perf_counter() - start
    best = {k.split("__")[1]: (list(v) if isinstance(v, tuple) else v) for k, v in s.best_params_.items()}
    out = {"seconds": seconds, "best_cv": float(s.best_score_), "best": best}
    if args.nested:
        outer = KFold(3, shuffle=True, random_state=args.seed)
        start = time.perf_counter()
        nested = cross_val_score(search(args.halving, args.seed), x, y, cv=outer)
        out.update(nested=float(nested.mean()), nested_std=float(nested.std()),
                   nested_seconds=time.perf_counter() - start)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
