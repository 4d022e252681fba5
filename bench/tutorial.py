#!/usr/bin/env python3
"""The tutorial's wheat-seeds case study in plain Python: the speed baseline.

This is the classic "backpropagation from scratch" algorithm, written with
plain lists and dicts, the `random` module and `math.exp`, so it prints the
same figures as `backprop cv --tutorial` and shows what the C port is
measured against. No numpy on purpose: the point is the original's cost.

    python3 bench/tutorial.py [--classes 2,1,3] [--seed 1] [--folds 5]
                              [--hidden 5] [--rate 0.3] [--epochs 500] FILE.csv

Prints `Scores: [...]` (Python's repr of each fold's accuracy) and
`Mean Accuracy: 93.333%`.
"""

import argparse
import csv
import math
import random
import sys


def load_rows(path):
    """Non-empty CSV rows as lists of strings."""
    with open(path, newline="") as handle:
        return [row for row in csv.reader(handle) if row]


def numeric_or_text(label):
    """Sort key: numbers by value, before any non-numeric label."""
    try:
        return (0, float(label), label)
    except ValueError:
        return (1, 0.0, label)


def class_order(labels, given):
    """The class order: as given (comma-separated), or the sorted labels."""
    present = set(labels)
    if given is None:
        return sorted(present, key=numeric_or_text)
    order = [label.strip() for label in given.split(",")]
    missing = present.difference(order)
    if missing or len(set(order)) != len(order):
        print("tutorial.py: error: --classes must list each class once; missing %s"
              % sorted(missing), file=sys.stderr)
        sys.exit(2)
    return order


def encode(rows, order):
    """Features to float, the last column to its index in the class order."""
    index_of = {label: i for i, label in enumerate(order)}
    return [[float(x) for x in row[:-1]] + [index_of[row[-1]]] for row in rows]


def dataset_minmax(dataset):
    return [[min(column), max(column)] for column in zip(*dataset)]


def normalize_dataset(dataset, minmax):
    for row in dataset:
        for i in range(len(row) - 1):
            row[i] = (row[i] - minmax[i][0]) / (minmax[i][1] - minmax[i][0])


def cross_validation_split(dataset, n_folds):
    dataset_split = []
    dataset_copy = list(dataset)
    fold_size = int(len(dataset) / n_folds)
    for _ in range(n_folds):
        fold = []
        while len(fold) < fold_size:
            index = random.randrange(len(dataset_copy))
            fold.append(dataset_copy.pop(index))
        dataset_split.append(fold)
    return dataset_split


def accuracy_metric(actual, predicted):
    correct = sum(1 for a, p in zip(actual, predicted) if a == p)
    return correct / float(len(actual)) * 100.0


def evaluate_algorithm(dataset, algorithm, n_folds, *args):
    folds = cross_validation_split(dataset, n_folds)
    scores = []
    for fold in folds:
        train_set = list(folds)
        train_set.remove(fold)
        train_set = sum(train_set, [])
        test_set = []
        for row in fold:
            row_copy = list(row)
            row_copy[-1] = None
            test_set.append(row_copy)
        predicted = algorithm(train_set, test_set, *args)
        actual = [row[-1] for row in fold]
        scores.append(accuracy_metric(actual, predicted))
    return scores


def activate(weights, inputs):
    # The bias is the last weight; it starts the sum, as in the tutorial.
    activation = weights[-1]
    for i in range(len(weights) - 1):
        activation += weights[i] * inputs[i]
    return activation


def transfer(activation):
    return 1.0 / (1.0 + math.exp(-activation))


def transfer_derivative(output):
    return output * (1.0 - output)


def forward_propagate(network, row):
    inputs = row
    for layer in network:
        new_inputs = []
        for neuron in layer:
            neuron["output"] = transfer(activate(neuron["weights"], inputs))
            new_inputs.append(neuron["output"])
        inputs = new_inputs
    return inputs


def backward_propagate_error(network, expected):
    for i in reversed(range(len(network))):
        layer = network[i]
        errors = []
        if i != len(network) - 1:
            for j in range(len(layer)):
                error = 0.0
                for neuron in network[i + 1]:
                    error += neuron["weights"][j] * neuron["delta"]
                errors.append(error)
        else:
            for j, neuron in enumerate(layer):
                errors.append(neuron["output"] - expected[j])
        for j, neuron in enumerate(layer):
            neuron["delta"] = errors[j] * transfer_derivative(neuron["output"])


def update_weights(network, row, l_rate):
    for i, layer in enumerate(network):
        inputs = row[:-1]
        if i != 0:
            inputs = [neuron["output"] for neuron in network[i - 1]]
        for neuron in layer:
            for j in range(len(inputs)):
                neuron["weights"][j] -= l_rate * neuron["delta"] * inputs[j]
            neuron["weights"][-1] -= l_rate * neuron["delta"]


def train_network(network, train, l_rate, n_epoch, n_outputs):
    for _ in range(n_epoch):
        for row in train:
            forward_propagate(network, row)
            expected = [0] * n_outputs
            expected[row[-1]] = 1
            backward_propagate_error(network, expected)
            update_weights(network, row, l_rate)


def initialize_network(n_inputs, n_hidden, n_outputs):
    # Neuron by neuron: its input weights first, its bias last.
    hidden = [{"weights": [random.random() for _ in range(n_inputs + 1)]}
              for _ in range(n_hidden)]
    output = [{"weights": [random.random() for _ in range(n_hidden + 1)]}
              for _ in range(n_outputs)]
    return [hidden, output]


def predict(network, row):
    outputs = forward_propagate(network, row)
    return outputs.index(max(outputs))


def back_propagation(train, test, l_rate, n_epoch, n_hidden):
    n_inputs = len(train[0]) - 1
    n_outputs = len(set(row[-1] for row in train))
    network = initialize_network(n_inputs, n_hidden, n_outputs)
    train_network(network, train, l_rate, n_epoch, n_outputs)
    return [predict(network, row) for row in test]


def parse_arguments(argv):
    parser = argparse.ArgumentParser(
        description="The tutorial's k-fold backpropagation run, in pure Python.")
    parser.add_argument("csv", help="data file; the last column is the class")
    parser.add_argument("--classes", help="class order, e.g. 2,1,3 (default: sorted)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--hidden", type=int, default=5)
    parser.add_argument("--rate", type=float, default=0.3)
    parser.add_argument("--epochs", type=int, default=500)
    return parser.parse_args(argv)


def main(argv):
    args = parse_arguments(argv)
    random.seed(args.seed)
    rows = load_rows(args.csv)
    order = class_order([row[-1] for row in rows], args.classes)
    dataset = encode(rows, order)
    normalize_dataset(dataset, dataset_minmax(dataset))
    scores = evaluate_algorithm(dataset, back_propagation, args.folds,
                                args.rate, args.epochs, args.hidden)
    print("Scores: %s" % scores)
    print("Mean Accuracy: %.3f%%" % (sum(scores) / float(len(scores))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
