"""The PyTorch peer of the speed benchmarks (W2, W3, W4).

Trains the same multi-layer perceptron as `backprop`: ReLU hidden layers,
a softmax output trained with cross-entropy (the mean over the batch), plain
SGD, the rows reshuffled every epoch, He-normal weights and zero biases.
Only the training loop is timed (time.perf_counter around the epochs); data
loading, scaling and evaluation are not.

    python3 torch_mlp.py csv TRAIN.csv TEST.csv [options]
        MNIST-style files: a header row, the class in the last column.
        Min-max scaling fitted on TRAIN (a constant column becomes 0).
    python3 torch_mlp.py synth [options]
        random inputs in [0, 1) and random classes, generated in memory.

Options: --hidden N[,N...] (csv) or --widths IN,H...,OUT (synth), --rows N,
--batch N, --lr X, --epochs N, --dtype float32|float64, --threads N|default
(intra-op threads; OpenBLAS keeps its own), --seed N.

Prints one line of key=value pairs: seconds (training), samples_per_s,
gflops (6 x weights per sample), accuracy (csv: % on TEST), threads, blas
(the OpenBLAS core type in use), maxrss_kib.
"""
import argparse
import ctypes
import ctypes.util
import resource
import sys
import time

import numpy as np
import torch


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("mode", choices=["csv", "synth"])
    p.add_argument("files", nargs="*")
    p.add_argument("--hidden", default="128")
    p.add_argument("--widths", default="784,1024,1024,10")
    p.add_argument("--rows", type=int, default=16384)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--lr", type=float, default=0.1)
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    p.add_argument("--threads", default="1")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    if args.mode == "csv" and len(args.files) != 2:
        p.error("csv needs TRAIN and TEST files")
    return args


def openblas_core():
    """The OpenBLAS kernel set in this process (torch loaded it already)."""
    for name in ("libopenblas.so.0", ctypes.util.find_library("openblas")):
        if not name:
            continue
        try:
            lib = ctypes.CDLL(name)
            lib.openblas_get_corename.restype = ctypes.c_char_p
            return lib.openblas_get_corename().decode()
        except (OSError, AttributeError):
            continue
    return "unknown"


def read_csv(path):
    data = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64)
    return data[:, :-1], data[:, -1].astype(np.int64)


def minmax(train, test):
    low, high = train.min(axis=0), train.max(axis=0)
    span = high - low
    safe = np.where(span > 0, span, 1.0)
    scale = lambda x: np.where(span > 0, (x - low) / safe, 0.0)
    return scale(train), scale(test)


def build(widths, dtype):
    layers = []
    for i in range(len(widths) - 1):
        linear = torch.nn.Linear(widths[i], widths[i + 1])
        torch.nn.init.kaiming_normal_(linear.weight, nonlinearity="relu")
        torch.nn.init.zeros_(linear.bias)
        layers.append(linear)
        if i + 2 < len(widths):
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers).to(dtype)


def train(model, x, y, batch, lr, epochs):
    """The timed part: epochs of shuffled mini-batch SGD."""
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    n = x.shape[0]
    start = time.perf_counter()
    for _ in range(epochs):
        order = torch.randperm(n)
        for pos in range(0, n, batch):
            rows = order[pos:pos + batch]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x[rows]), y[rows])
            loss.backward()
            opt.step()
    return time.perf_counter() - start


def main(argv):
    args = parse_args(argv)
    torch.manual_seed(args.seed)
    if args.threads != "default":
        torch.set_num_threads(int(args.threads))
    dtype = torch.float32 if args.dtype == "float32" else torch.float64
    if args.mode == "csv":
        train_x, train_y = read_csv(args.files[0])
        test_x, test_y = read_csv(args.files[1])
        train_x, test_x = minmax(train_x, test_x)
        n_classes = int(max(train_y.max(), test_y.max())) + 1
        widths = [train_x.shape[1]] + [int(h) for h in args.hidden.split(",")] + [n_classes]
        x = torch.from_numpy(train_x).to(dtype)
        y = torch.from_numpy(train_y)
    else:
        widths = [int(w) for w in args.widths.split(",")]
        x = torch.rand(args.rows, widths[0], dtype=dtype)
        y = torch.randint(0, widths[-1], (args.rows,))
    model = build(widths, dtype)
    seconds = train(model, x, y, args.batch, args.lr, args.epochs)
    samples = x.shape[0] * args.epochs
    weights = sum(widths[i] * widths[i + 1] for i in range(len(widths) - 1))
    accuracy = float("nan")
    if args.mode == "csv":
        with torch.no_grad():
            guess = model(torch.from_numpy(test_x).to(dtype)).argmax(dim=1).numpy()
        accuracy = 100.0 * float((guess == test_y).mean())
    print("seconds=%.6f samples_per_s=%.1f gflops=%.2f accuracy=%.2f threads=%d blas=%s maxrss_kib=%d"
          % (seconds, samples / seconds, 6.0 * weights * samples / seconds / 1e9, accuracy,
             torch.get_num_threads(), openblas_core(),
             resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))


if __name__ == "__main__":
    main(sys.argv[1:])
