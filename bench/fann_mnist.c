/* W2's FANN 2.2 peer: an MNIST-style CSV (a header row, pixels, the class
 * last) learnt by a 784-H-10 network with FANN's online (incremental)
 * backpropagation, the rows reshuffled every epoch.
 *
 *     fann_mnist TRAIN.csv TEST.csv [--hidden 128] [--epochs 10] [--lr 0.7]
 *                [--momentum 0] [--hidden-act NAME] [--output-act NAME]
 *                [--error linear|tanh] [--seed 1]
 *
 * Activation names are FANN's without the prefix (SIGMOID,
 * SIGMOID_SYMMETRIC, LINEAR_PIECE, ELLIOT, ...). Inputs are min-max scaled
 * with the training rows' ranges (a constant column becomes 0); targets are
 * one-hot at the output activation's range (0/1, or -1/1 when symmetric).
 * Only the training epochs are timed. Prints one line of key=value pairs:
 * seconds, samples_per_s, accuracy (% of TEST), maxrss_kib.
 *
 * Built with floatfann (single precision, FANN's fastest floating-point
 * library), or with doublefann when FANN_DOUBLE is defined:
 *
 *     cc -std=c11 -O2 bench/fann_mnist.c -lfloatfann -lm -o fann_mnist
 */
#ifdef FANN_DOUBLE
#include <doublefann.h>
#else
#include <floatfann.h>
#endif

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

typedef struct options {
    const char *train, *test;
    unsigned hidden, epochs, seed;
    double lr, momentum;
    enum fann_activationfunc_enum hidden_act, output_act;
    enum fann_errorfunc_enum error;
} options;

/* A CSV file's rows: features row-major (as read) and the class column. */
typedef struct table {
    size_t rows, cols;
    double *x;
    unsigned *label;
} table;

static void die(const char *message, const char *detail)
{
    fprintf(stderr, "fann_mnist: error: %s%s%s\n", message, detail ? ": " : "",
            detail ? detail : "");
    exit(2);
}

static void *grow(void *p, size_t count, size_t size)
{
    if (size && count > (size_t)-1 / size) die("out of memory", NULL);
    size_t bytes = count * size;
    p = realloc(p, bytes ? bytes : 1);
    if (!p) die("out of memory", NULL);
    return p;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static unsigned parse_count(const char *text, const char *what)
{
    char *end = NULL;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (errno || end == text || *end || v == 0 || v > 1000000000UL) die("bad number for", what);
    return (unsigned)v;
}

static double parse_number(const char *text, const char *what)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || end == text || *end || !isfinite(v) || v < 0) die("bad number for", what);
    return v;
}

static enum fann_activationfunc_enum parse_activation(const char *name)
{
    for (unsigned i = 0; i <= FANN_COS; i++)
        if (strcmp(FANN_ACTIVATIONFUNC_NAMES[i] + strlen("FANN_"), name) == 0)
            return (enum fann_activationfunc_enum)i;
    die("unknown FANN activation", name);
    return FANN_SIGMOID;
}

static void parse_options(int argc, char **argv, options *o)
{
    *o = (options){NULL, NULL, 128, 10, 1, 0.7, 0, FANN_SIGMOID, FANN_SIGMOID, FANN_ERRORFUNC_LINEAR};
    int files = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int takes = a[0] == '-' && a[1] == '-';
        if (takes && !v) die("missing value after", a);
        if (!takes) {
            if (files == 0) o->train = a;
            else if (files == 1) o->test = a;
            else die("too many files", a);
            files++;
            continue;
        }
        i++;
        if (strcmp(a, "--hidden") == 0) o->hidden = parse_count(v, a);
        else if (strcmp(a, "--epochs") == 0) o->epochs = parse_count(v, a);
        else if (strcmp(a, "--seed") == 0) o->seed = parse_count(v, a);
        else if (strcmp(a, "--lr") == 0) o->lr = parse_number(v, a);
        else if (strcmp(a, "--momentum") == 0) o->momentum = parse_number(v, a);
        else if (strcmp(a, "--hidden-act") == 0) o->hidden_act = parse_activation(v);
        else if (strcmp(a, "--output-act") == 0) o->output_act = parse_activation(v);
        else if (strcmp(a, "--error") == 0)
            o->error = strcmp(v, "tanh") == 0 ? FANN_ERRORFUNC_TANH : FANN_ERRORFUNC_LINEAR;
        else die("unknown option", a);
    }
    if (files != 2) die("usage: fann_mnist TRAIN.csv TEST.csv [options]", NULL);
}

/* Reads a CSV of numbers with one header line; the last column is the class. */
static table read_csv(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) die("cannot read", path);
    table t = {0, 0, NULL, NULL};
    char *line = NULL;
    size_t cap = 0, cells_cap = 0, rows_cap = 0;
    ssize_t len = getline(&line, &cap, f); /* the header */
    if (len < 0) die("empty file", path);
    while ((len = getline(&line, &cap, f)) >= 0) {
        if (len <= 1) continue;
        size_t col = 0;
        for (char *p = line, *end; *p && *p != '\n'; p = *end == ',' ? end + 1 : end, col++) {
            double v = strtod(p, &end);
            if (end == p) die("not a number in", path);
            if (t.rows * (t.cols ? t.cols : col + 1) + col + 1 > cells_cap) {
                cells_cap = cells_cap ? 2 * cells_cap : 1 << 20;
                t.x = grow(t.x, cells_cap, sizeof *t.x);
            }
            t.x[(t.cols ? t.rows * t.cols : 0) + col] = v;
        }
        if (!t.cols) t.cols = col;
        if (col != t.cols || col < 2) die("rows of different lengths in", path);
        if (t.rows + 1 > rows_cap) {
            rows_cap = rows_cap ? 2 * rows_cap : 1024;
            t.label = grow(t.label, rows_cap, sizeof *t.label);
        }
        double label = t.x[t.rows * t.cols + t.cols - 1];
        if (label < 0 || label > 1000 || label != floor(label)) die("bad class in", path);
        t.label[t.rows++] = (unsigned)label;
    }
    free(line);
    fclose(f);
    if (!t.rows) die("no rows in", path);
    t.cols--; /* rows keep their class cell: a row's stride is cols + 1 */
    return t;
}

/* Feature j of row r (rows are stored with their class cell). */
static double feature(const table *t, size_t r, size_t j)
{
    return t->x[r * (t->cols + 1) + j];
}

static int symmetric(enum fann_activationfunc_enum act)
{
    switch (act) {
    case FANN_SIGMOID_SYMMETRIC:
    case FANN_SIGMOID_SYMMETRIC_STEPWISE:
    case FANN_LINEAR_PIECE_SYMMETRIC:
    case FANN_ELLIOT_SYMMETRIC:
    case FANN_GAUSSIAN_SYMMETRIC:
    case FANN_SIN_SYMMETRIC:
    case FANN_COS_SYMMETRIC:
    case FANN_THRESHOLD_SYMMETRIC: return 1;
    default: return 0;
    }
}

static unsigned n_classes(const table *a, const table *b)
{
    unsigned n = 0;
    for (size_t r = 0; r < a->rows; r++) n = a->label[r] + 1 > n ? a->label[r] + 1 : n;
    for (size_t r = 0; r < b->rows; r++) n = b->label[r] + 1 > n ? b->label[r] + 1 : n;
    return n;
}

/* Min-max ranges of the training rows. */
static void fit_minmax(const table *t, double *low, double *high)
{
    for (size_t j = 0; j < t->cols; j++) low[j] = high[j] = feature(t, 0, j);
    for (size_t r = 1; r < t->rows; r++)
        for (size_t j = 0; j < t->cols; j++) {
            double v = feature(t, r, j);
            low[j] = v < low[j] ? v : low[j];
            high[j] = v > high[j] ? v : high[j];
        }
}

static void scaled_row(const table *t, size_t r, const double *low, const double *high,
                       fann_type *out)
{
    for (size_t j = 0; j < t->cols; j++) {
        double span = high[j] - low[j];
        out[j] = (fann_type)(span > 0 ? (feature(t, r, j) - low[j]) / span : 0);
    }
}

static struct fann_train_data *training_data(const table *t, const double *low, const double *high,
                                             unsigned classes, fann_type off)
{
    struct fann_train_data *d = fann_create_train((unsigned)t->rows, (unsigned)t->cols, classes);
    if (!d) die("fann_create_train failed", NULL);
    for (size_t r = 0; r < t->rows; r++) {
        scaled_row(t, r, low, high, d->input[r]);
        for (unsigned k = 0; k < classes; k++) d->output[r][k] = k == t->label[r] ? 1 : off;
    }
    return d;
}

static unsigned arg_max(const fann_type *v, unsigned n)
{
    unsigned best = 0;
    for (unsigned k = 1; k < n; k++)
        if (v[k] > v[best]) best = k;
    return best;
}

static double test_accuracy(struct fann *ann, const table *t, const double *low, const double *high,
                            unsigned classes)
{
    fann_type *row = grow(NULL, t->cols, sizeof *row);
    size_t correct = 0;
    for (size_t r = 0; r < t->rows; r++) {
        scaled_row(t, r, low, high, row);
        if (arg_max(fann_run(ann, row), classes) == t->label[r]) correct++;
    }
    free(row);
    return 100.0 * (double)correct / (double)t->rows;
}

int main(int argc, char **argv)
{
    options o;
    parse_options(argc, argv, &o);
    table train = read_csv(o.train), test = read_csv(o.test);
    if (test.cols != train.cols) die("the files have different columns", o.test);
    unsigned classes = n_classes(&train, &test);
    double *low = grow(NULL, train.cols, sizeof *low), *high = grow(NULL, train.cols, sizeof *high);
    fit_minmax(&train, low, high);

    struct fann *ann = fann_create_standard(3, (unsigned)train.cols, o.hidden, classes);
    if (!ann) die("fann_create_standard failed", NULL);
    /* FANN seeds rand() from /dev/urandom when it creates a network, then
     * draws the weights and shuffles with rand(): reseed and redraw (in
     * FANN's default range) so that a run is repeatable. */
    srand(o.seed);
    fann_randomize_weights(ann, -0.1f, 0.1f);
    fann_set_activation_function_hidden(ann, o.hidden_act);
    fann_set_activation_function_output(ann, o.output_act);
    fann_set_training_algorithm(ann, FANN_TRAIN_INCREMENTAL);
    fann_set_learning_rate(ann, (float)o.lr);
    fann_set_learning_momentum(ann, (float)o.momentum);
    fann_set_train_error_function(ann, o.error);
    struct fann_train_data *data =
        training_data(&train, low, high, classes, symmetric(o.output_act) ? -1 : 0);

    double start = now_seconds();
    for (unsigned e = 0; e < o.epochs; e++) {
        fann_shuffle_train_data(data);
        fann_train_epoch(ann, data);
    }
    double seconds = now_seconds() - start;

    double accuracy = test_accuracy(ann, &test, low, high, classes);
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    printf("seconds=%.6f samples_per_s=%.1f accuracy=%.2f maxrss_kib=%ld\n", seconds,
           (double)train.rows * o.epochs / seconds, accuracy, usage.ru_maxrss);
    fann_destroy_train(data);
    fann_destroy(ann);
    free(low);
    free(high);
    free(train.x);
    free(train.label);
    free(test.x);
    free(test.label);
    return 0;
}
