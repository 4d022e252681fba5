/* Training speed of the library on synthetic data (W3, W4).
 *
 * Builds a network of ReLU hidden layers and a softmax output, fills a
 * rows x inputs matrix with uniform [0, 1) values and random classes, and
 * times bp_train (mini-batch SGD, cross-entropy, rows reshuffled every
 * epoch): only the training call is timed, not making the data.
 *
 *     mlp_speed [--widths 784,1024,1024,10] [--rows 16384] [--batch 128]
 *               [--epochs 3] [--threads 0] [--lr 0.01] [--seed 1]
 *
 * --threads 0 means all cores. Prints one line of key=value pairs:
 * seconds (training), samples_per_s, gflops (6 x weights per sample: 2 for
 * the forward pass, 4 for the backward pass), real (float or double), isa
 * and gemm (the kernels in use), threads, weights, data_mib.
 *
 * Build from the repository root against a built library (add
 * -DBP_REAL_FLOAT and build-float/ for the float build):
 *
 *     cc -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -Iinclude -Isrc \
 *        bench/mlp_speed.c build/libbackprop.a -lm -lpthread -o mlp_speed
 */
#include "backprop.h"
#include "fast/kernels.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { MAX_LEVELS = 16 };

typedef struct options {
    size_t widths[MAX_LEVELS];
    size_t n_levels;
    size_t rows, batch, epochs, threads;
    double lr;
    uint64_t seed;
} options;

static void die(const char *message, const char *detail)
{
    fprintf(stderr, "mlp_speed: error: %s%s%s\n", message, detail ? ": " : "", detail ? detail : "");
    exit(2);
}

static size_t parse_size(const char *text, const char *what, int zero_ok)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || end == text || *end || text[0] == '-' || (!zero_ok && v == 0) || v > SIZE_MAX / 2)
        die("bad number for", what);
    return (size_t)v;
}

static void parse_widths(const char *text, options *o)
{
    char copy[256];
    if (strlen(text) >= sizeof copy) die("--widths is too long", NULL);
    strcpy(copy, text);
    o->n_levels = 0;
    for (char *save = NULL, *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        if (o->n_levels == MAX_LEVELS) die("too many layers in --widths", text);
        o->widths[o->n_levels++] = parse_size(w, "--widths", 0);
    }
    if (o->n_levels < 2) die("--widths needs inputs and outputs at least", text);
}

static void parse_options(int argc, char **argv, options *o)
{
    memset(o, 0, sizeof *o);
    parse_widths("784,1024,1024,10", o);
    o->rows = 16384;
    o->batch = 128;
    o->epochs = 3;
    o->lr = 0.01;
    o->seed = 1;
    for (int i = 1; i < argc; i += 2) {
        const char *a = argv[i], *v = argv[i + 1];
        if (!v) die("missing value after", a);
        if (strcmp(a, "--widths") == 0) parse_widths(v, o);
        else if (strcmp(a, "--rows") == 0) o->rows = parse_size(v, a, 0);
        else if (strcmp(a, "--batch") == 0) o->batch = parse_size(v, a, 0);
        else if (strcmp(a, "--epochs") == 0) o->epochs = parse_size(v, a, 0);
        else if (strcmp(a, "--threads") == 0) o->threads = parse_size(v, a, 1);
        else if (strcmp(a, "--seed") == 0) o->seed = parse_size(v, a, 1);
        else if (strcmp(a, "--lr") == 0) {
            char *end = NULL;
            o->lr = strtod(v, &end);
            if (end == v || *end || !(o->lr > 0)) die("bad number for", a);
        } else {
            die("unknown option", a);
        }
    }
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* splitmix64: fast and good enough to make test data. */
static uint64_t next_random(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static void *checked_array(size_t count, size_t size, const char *what)
{
    if (count && size > SIZE_MAX / count) die("too large", what);
    size_t bytes = count * size;
    void *p = malloc(bytes ? bytes : 1);
    if (!p) die("out of memory for", what);
    return p;
}

int main(int argc, char **argv)
{
    options o;
    parse_options(argc, argv, &o);
    size_t n_in = o.widths[0], n_out = o.widths[o.n_levels - 1], n_layers = o.n_levels - 1;
    if (o.rows > SIZE_MAX / n_in) die("--rows is too large", NULL);

    bp_real *x = checked_array(o.rows * n_in, sizeof *x, "the inputs");
    uint32_t *label = checked_array(o.rows, sizeof *label, "the classes");
    uint64_t state = o.seed;
    for (size_t i = 0; i < o.rows * n_in; i++)
        x[i] = (bp_real)((double)(next_random(&state) >> 11) * 0x1p-53);
    for (size_t r = 0; r < o.rows; r++) label[r] = (uint32_t)(next_random(&state) % n_out);

    bp_activation acts[MAX_LEVELS];
    for (size_t l = 0; l + 1 < n_layers; l++) acts[l] = BP_ACT_RELU;
    acts[n_layers - 1] = n_out > 1 ? BP_ACT_SOFTMAX : BP_ACT_SIGMOID;
    bp_error err;
    bp_net *net = NULL;
    if (bp_net_create(&net, n_layers, o.widths, acts, &err) != BP_OK) die(err.message, NULL);
    bp_rng rng;
    bp_rng_seed(&rng, o.seed);
    bp_net_init(net, BP_INIT_HE, &rng);

    bp_train_options t;
    bp_train_defaults(&t);
    t.learning_rate = o.lr;
    t.epochs = o.epochs;
    t.batch_size = o.batch;
    t.loss = BP_LOSS_XENT;
    t.shuffle = 1;
    t.threads = o.threads;
    bp_samples s = {x, n_in, label, NULL, n_out, NULL, o.rows};

    double start = now_seconds();
    bp_status st = bp_train(net, &s, &t, &rng, &err);
    double seconds = now_seconds() - start;
    if (st != BP_OK) die(err.message, NULL);

    double weights = 0;
    for (size_t l = 0; l < n_layers; l++) weights += (double)o.widths[l] * (double)o.widths[l + 1];
    double samples = (double)o.rows * (double)o.epochs;
    printf("seconds=%.6f samples_per_s=%.1f gflops=%.2f real=%s isa=%s gemm=%s threads=%zu "
           "weights=%.0f data_mib=%.1f\n",
           seconds, samples / seconds, 6.0 * weights * samples / seconds / 1e9,
           sizeof(bp_real) == sizeof(float) ? "float" : "double", bp_isa_name(bp_cpu_isa()),
           bp_gemm_backend(), o.threads, weights, (double)(o.rows * n_in * sizeof *x) / 1048576.0);
    bp_net_free(net);
    free(x);
    free(label);
    return 0;
}
