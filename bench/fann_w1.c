/* The tutorial's wheat-seeds case study (W1) run by FANN 2.2, as a peer.
 *
 * The k-fold split and every initial weight come from the library's
 * Python-compatible RNG, drawn in the tutorial's order, so FANN starts each
 * fold from exactly the network the tutorial (and `backprop cv --tutorial`)
 * starts from; FANN then trains it with its own code: standard sigmoid
 * (steepness 0.5), linear error, incremental backpropagation, learning rate
 * 0.3, no momentum, 500 epochs over the training rows in order.
 *
 *     fann_w1 [--classes 2,1,3] [--seed 1] [--epochs 500] FILE.csv
 *
 * Prints the same two lines as the CLI: `Scores: [...]` and
 * `Mean Accuracy: 93.333%`. Build (from the repository root):
 *
 *     cc -std=c11 -O2 -Iinclude bench/fann_w1.c build/libbackprop.a \
 *        -ldoublefann -lm -lpthread -o fann_w1
 */
#include <doublefann.h>

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backprop.h"

enum {
    N_FOLDS = 5,
    N_HIDDEN = 5,
    MAX_CLASSES = 64,
    MAX_FEATURES = 256,
    MAX_LABEL = 64,
    MAX_LINE = 4096
};

static const double LEARNING_RATE = 0.3;

typedef struct options {
    const char *path;
    const char *classes; /* comma-separated class order, or NULL: sorted */
    uint64_t seed;
    unsigned epochs;
} options;

/* The data set: features row-major, each row's class as an index. */
typedef struct dataset {
    size_t n_rows;
    size_t n_features;
    double *x;
    unsigned *y;
    size_t n_classes;
    char class_names[MAX_CLASSES][MAX_LABEL];
} dataset;

/* One fold's network start: per neuron, its input weights then its bias. */
typedef struct tutorial_weights {
    double hidden[N_HIDDEN][MAX_FEATURES + 1];
    double output[MAX_CLASSES][N_HIDDEN + 1];
} tutorial_weights;

static void die(const char *message, const char *detail)
{
    fprintf(stderr, "fann_w1: error: %s%s%s\n", message, detail ? ": " : "",
            detail ? detail : "");
    exit(2);
}

static void *checked_calloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p) die("out of memory", NULL);
    return p;
}

static unsigned long parse_unsigned(const char *text, const char *what)
{
    char *end = NULL;
    errno = 0;
    unsigned long value = strtoul(text, &end, 10);
    if (errno || end == text || *end || text[0] == '-') die("bad number for", what);
    return value;
}

static options parse_options(int argc, char **argv)
{
    options o = { NULL, NULL, 1, 500 };
    for (int i = 1; i < argc; i++) {
        int has_value = i + 1 < argc;
        if (!strcmp(argv[i], "--classes") && has_value) o.classes = argv[++i];
        else if (!strcmp(argv[i], "--seed") && has_value) o.seed = parse_unsigned(argv[++i], "--seed");
        else if (!strcmp(argv[i], "--epochs") && has_value)
            o.epochs = (unsigned)parse_unsigned(argv[++i], "--epochs");
        else if (argv[i][0] == '-' || o.path) die("usage: fann_w1 [--classes A,B,..] [--seed N] [--epochs N] FILE.csv", NULL);
        else o.path = argv[i];
    }
    if (!o.path) die("usage: fann_w1 [--classes A,B,..] [--seed N] [--epochs N] FILE.csv", NULL);
    return o;
}

/* ------------------------------------------------------------ reading */

static void strip_line_end(char *line)
{
    line[strcspn(line, "\r\n")] = '\0';
}

static size_t count_fields(const char *line)
{
    size_t n = 1;
    for (; *line; line++) n += *line == ',';
    return n;
}

/* Index of a label in the class table, adding it when new. */
static unsigned class_index(dataset *d, const char *label)
{
    for (size_t c = 0; c < d->n_classes; c++)
        if (!strcmp(d->class_names[c], label)) return (unsigned)c;
    if (d->n_classes == MAX_CLASSES) die("too many classes", NULL);
    if (strlen(label) >= MAX_LABEL) die("class label too long", label);
    strcpy(d->class_names[d->n_classes], label);
    return (unsigned)d->n_classes++;
}

static void parse_row(dataset *d, char *line, size_t row)
{
    char *cursor = line;
    for (size_t f = 0; f < d->n_features; f++) {
        char *end = NULL;
        d->x[row * d->n_features + f] = strtod(cursor, &end);
        if (end == cursor || *end != ',') die("bad number in row", line);
        cursor = end + 1;
    }
    d->y[row] = class_index(d, cursor);
}

static dataset read_dataset(const char *path)
{
    FILE *file = fopen(path, "r");
    if (!file) die("cannot open", path);
    dataset d;
    memset(&d, 0, sizeof d);
    size_t capacity = 0;
    char line[MAX_LINE];
    while (fgets(line, sizeof line, file)) {
        strip_line_end(line);
        if (!line[0]) continue; /* the tutorial skips empty rows */
        if (d.n_features == 0) {
            d.n_features = count_fields(line) - 1;
            if (d.n_features == 0 || d.n_features > MAX_FEATURES) die("bad column count", line);
        }
        if (count_fields(line) != d.n_features + 1) die("ragged row", line);
        if (d.n_rows == capacity) {
            capacity = capacity ? 2 * capacity : 256;
            if (capacity > SIZE_MAX / sizeof(double) / d.n_features) die("file too large", path);
            d.x = realloc(d.x, capacity * d.n_features * sizeof *d.x);
            d.y = realloc(d.y, capacity * sizeof *d.y);
            if (!d.x || !d.y) die("out of memory", NULL);
        }
        parse_row(&d, line, d.n_rows++);
    }
    fclose(file);
    if (d.n_rows < N_FOLDS) die("too few rows", path);
    return d;
}

/* ------------------------------------------------------- class order */

static int compare_labels(const char *a, const char *b)
{
    char *end_a = NULL, *end_b = NULL;
    double va = strtod(a, &end_a), vb = strtod(b, &end_b);
    int numeric_a = end_a != a && !*end_a, numeric_b = end_b != b && !*end_b;
    if (numeric_a && numeric_b && va != vb) return va < vb ? -1 : 1;
    if (numeric_a != numeric_b) return numeric_a ? -1 : 1;
    return strcmp(a, b);
}

/* The position of each label in the wanted order: given, or sorted. */
static void order_classes(const dataset *d, const char *given, unsigned *rank)
{
    char wanted[MAX_CLASSES][MAX_LABEL];
    size_t n = 0;
    if (given) {
        char list[MAX_LINE];
        if (strlen(given) >= sizeof list) die("--classes too long", NULL);
        strcpy(list, given);
        for (char *label = strtok(list, ","); label; label = strtok(NULL, ",")) {
            if (n == MAX_CLASSES || strlen(label) >= MAX_LABEL) die("bad --classes", given);
            strcpy(wanted[n++], label);
        }
    } else {
        for (n = 0; n < d->n_classes; n++) strcpy(wanted[n], d->class_names[n]);
        for (size_t i = 1; i < n; i++) /* insertion sort: a handful of labels */
            for (size_t j = i; j > 0 && compare_labels(wanted[j - 1], wanted[j]) > 0; j--) {
                char tmp[MAX_LABEL];
                strcpy(tmp, wanted[j]);
                strcpy(wanted[j], wanted[j - 1]);
                strcpy(wanted[j - 1], tmp);
            }
    }
    if (n != d->n_classes) die("--classes must list each class exactly once", given);
    for (size_t c = 0; c < d->n_classes; c++) {
        size_t k = 0;
        while (k < n && strcmp(wanted[k], d->class_names[c])) k++;
        if (k == n) die("--classes does not list class", d->class_names[c]);
        rank[c] = (unsigned)k;
    }
}

static void apply_class_order(dataset *d, const char *given)
{
    unsigned rank[MAX_CLASSES];
    order_classes(d, given, rank);
    for (size_t r = 0; r < d->n_rows; r++) d->y[r] = rank[d->y[r]];
}

/* ---------------------------------------------------------- scaling */

/* Min-max over the whole file, as the tutorial does before splitting. */
static void scale_min_max(dataset *d)
{
    for (size_t f = 0; f < d->n_features; f++) {
        double lo = d->x[f], hi = d->x[f];
        for (size_t r = 1; r < d->n_rows; r++) {
            double v = d->x[r * d->n_features + f];
            if (v < lo) lo = v;
            if (v > hi) hi = v;
        }
        if (hi == lo) die("a feature is constant; min-max scaling divides by zero", NULL);
        for (size_t r = 0; r < d->n_rows; r++) {
            double *v = &d->x[r * d->n_features + f];
            *v = (*v - lo) / (hi - lo);
        }
    }
}

/* ---------------------------------------------------------- k-fold */

/* folds[f * fold_size + i]: row index; draws exactly as the tutorial. */
static size_t *tutorial_folds(size_t n_rows, size_t fold_size, bp_rng *rng)
{
    size_t *remaining = checked_calloc(n_rows, sizeof *remaining);
    size_t *folds = checked_calloc(N_FOLDS * fold_size, sizeof *folds);
    size_t n_remaining = n_rows;
    for (size_t r = 0; r < n_rows; r++) remaining[r] = r;
    for (size_t k = 0; k < N_FOLDS * fold_size; k++) {
        size_t pick = (size_t)bp_rng_randrange(rng, n_remaining);
        folds[k] = remaining[pick];
        memmove(&remaining[pick], &remaining[pick + 1], (n_remaining - pick - 1) * sizeof *remaining);
        n_remaining--;
    }
    free(remaining);
    return folds;
}

/* ------------------------------------------------------------- FANN */

static void draw_tutorial_weights(tutorial_weights *w, size_t n_in, size_t n_out, bp_rng *rng)
{
    for (size_t j = 0; j < N_HIDDEN; j++)
        for (size_t i = 0; i <= n_in; i++) w->hidden[j][i] = bp_rng_random(rng);
    for (size_t k = 0; k < n_out; k++)
        for (size_t i = 0; i <= N_HIDDEN; i++) w->output[k][i] = bp_rng_random(rng);
}

/* FANN numbers neurons layer by layer, each layer ending with its bias
 * neuron: inputs 0..n_in-1, bias n_in, hidden n_in+1.., then its bias, then
 * the outputs. Each weight is placed by its (from, to) pair, so the result
 * does not depend on the order FANN lists its connections in. */
static double tutorial_weight_for(const tutorial_weights *w, size_t n_in, size_t n_out,
                                  unsigned from, unsigned to)
{
    size_t hidden_first = n_in + 1, output_first = hidden_first + N_HIDDEN + 1;
    if (to >= hidden_first && to < hidden_first + N_HIDDEN && from <= n_in)
        return w->hidden[to - hidden_first][from];
    if (to >= output_first && to < output_first + n_out && from >= hidden_first &&
        from <= hidden_first + N_HIDDEN)
        return w->output[to - output_first][from - hidden_first];
    die("unexpected connection in the FANN network", NULL);
    return 0.0;
}

static void set_tutorial_weights(struct fann *ann, const tutorial_weights *w, size_t n_in,
                                 size_t n_out)
{
    unsigned n_conn = fann_get_total_connections(ann);
    if (n_conn != N_HIDDEN * (n_in + 1) + n_out * (N_HIDDEN + 1)) die("unexpected FANN connection count", NULL);
    struct fann_connection *conn = checked_calloc(n_conn, sizeof *conn);
    fann_get_connection_array(ann, conn);
    for (unsigned c = 0; c < n_conn; c++)
        conn[c].weight = tutorial_weight_for(w, n_in, n_out, conn[c].from_neuron, conn[c].to_neuron);
    fann_set_weight_array(ann, conn, n_conn);
    free(conn);
}

static double sigmoid(double x)
{
    return 1.0 / (1.0 + exp(-x));
}

/* Guard for the weight placement: FANN's first output on a row must match
 * the tutorial's forward pass from the same weights (up to summation order). */
static void check_weights_placed(struct fann *ann, const tutorial_weights *w, const double *row,
                                 size_t n_in, size_t n_out)
{
    double hidden[N_HIDDEN];
    for (size_t j = 0; j < N_HIDDEN; j++) {
        double a = w->hidden[j][n_in];
        for (size_t i = 0; i < n_in; i++) a += w->hidden[j][i] * row[i];
        hidden[j] = sigmoid(a);
    }
    fann_type *out = fann_run(ann, (fann_type *)row);
    for (size_t k = 0; k < n_out; k++) {
        double a = w->output[k][N_HIDDEN];
        for (size_t j = 0; j < N_HIDDEN; j++) a += w->output[k][j] * hidden[j];
        if (fabs(sigmoid(a) - out[k]) > 1e-12) die("FANN's weights are not the tutorial's", NULL);
    }
}

static struct fann *tutorial_network(size_t n_in, size_t n_out)
{
    struct fann *ann = fann_create_standard(3, (unsigned)n_in, (unsigned)N_HIDDEN, (unsigned)n_out);
    if (!ann) die("fann_create_standard failed", NULL);
    fann_set_activation_function_hidden(ann, FANN_SIGMOID);
    fann_set_activation_function_output(ann, FANN_SIGMOID);
    /* FANN's sigmoid is 1/(1+exp(-2*s*x)); s = 0.5 is the standard one. */
    fann_set_activation_steepness_hidden(ann, 0.5);
    fann_set_activation_steepness_output(ann, 0.5);
    fann_set_training_algorithm(ann, FANN_TRAIN_INCREMENTAL);
    fann_set_learning_rate(ann, (float)LEARNING_RATE);
    fann_set_learning_momentum(ann, 0.0f);
    /* FANN's default error function is tanh-shaped; the tutorial's is linear. */
    fann_set_train_error_function(ann, FANN_ERRORFUNC_LINEAR);
    return ann;
}

/* The other folds' rows, concatenated in fold order, one-hot targets. */
static struct fann_train_data *training_rows(const dataset *d, const size_t *folds,
                                             size_t fold_size, size_t test_fold)
{
    struct fann_train_data *data = fann_create_train((unsigned)((N_FOLDS - 1) * fold_size),
                                                     (unsigned)d->n_features, (unsigned)d->n_classes);
    if (!data) die("fann_create_train failed", NULL);
    size_t t = 0;
    for (size_t f = 0; f < N_FOLDS; f++) {
        if (f == test_fold) continue;
        for (size_t i = 0; i < fold_size; i++, t++) {
            size_t r = folds[f * fold_size + i];
            memcpy(data->input[t], &d->x[r * d->n_features], d->n_features * sizeof(double));
            for (size_t c = 0; c < d->n_classes; c++) data->output[t][c] = c == d->y[r] ? 1.0 : 0.0;
        }
    }
    return data;
}

static unsigned arg_max(const fann_type *v, size_t n)
{
    size_t best = 0;
    for (size_t i = 1; i < n; i++)
        if (v[i] > v[best]) best = i; /* the first maximum wins, as list.index(max) */
    return (unsigned)best;
}

static double fold_accuracy(struct fann *ann, const dataset *d, const size_t *rows, size_t n)
{
    size_t correct = 0;
    for (size_t i = 0; i < n; i++) {
        const double *x = &d->x[rows[i] * d->n_features];
        correct += arg_max(fann_run(ann, (fann_type *)x), d->n_classes) == d->y[rows[i]];
    }
    return (double)correct / (double)n * 100.0;
}

static double run_fold(const dataset *d, const size_t *folds, size_t fold_size, size_t fold,
                       unsigned epochs, bp_rng *rng)
{
    tutorial_weights w;
    draw_tutorial_weights(&w, d->n_features, d->n_classes, rng);
    struct fann *ann = tutorial_network(d->n_features, d->n_classes);
    set_tutorial_weights(ann, &w, d->n_features, d->n_classes);
    struct fann_train_data *train = training_rows(d, folds, fold_size, fold);
    check_weights_placed(ann, &w, train->input[0], d->n_features, d->n_classes);
    for (unsigned e = 0; e < epochs; e++) fann_train_epoch(ann, train);
    double accuracy = fold_accuracy(ann, d, &folds[fold * fold_size], fold_size);
    fann_destroy_train(train);
    fann_destroy(ann);
    return accuracy;
}

/* ---------------------------------------------------------- output */

/* Python's repr of a float: the shortest %g text that reads back exactly,
 * with ".0" added to whole numbers. */
static void print_python_float(double v)
{
    char text[64];
    for (int digits = 1; digits <= 17; digits++) {
        snprintf(text, sizeof text, "%.*g", digits, v);
        if (strtod(text, NULL) == v) break;
    }
    printf("%s%s", text, strpbrk(text, ".eni") ? "" : ".0");
}

static void print_scores(const double *scores, size_t n)
{
    double sum = 0.0;
    printf("Scores: [");
    for (size_t i = 0; i < n; i++) {
        printf(i ? ", " : "");
        print_python_float(scores[i]);
        sum += scores[i];
    }
    printf("]\nMean Accuracy: %.3f%%\n", sum / (double)n);
}

int main(int argc, char **argv)
{
    options o = parse_options(argc, argv);
    dataset d = read_dataset(o.path);
    apply_class_order(&d, o.classes);
    scale_min_max(&d);

    bp_rng rng;
    bp_rng_seed(&rng, o.seed);
    size_t fold_size = d.n_rows / N_FOLDS;
    size_t *folds = tutorial_folds(d.n_rows, fold_size, &rng);
    double scores[N_FOLDS];
    for (size_t f = 0; f < N_FOLDS; f++) scores[f] = run_fold(&d, folds, fold_size, f, o.epochs, &rng);
    print_scores(scores, N_FOLDS);

    free(folds);
    free(d.x);
    free(d.y);
    return 0;
}
