/* backprop trace: one training step on one row, every number of it, the
 * way the tutorial explains backpropagation, so it can be followed (and
 * checked) by hand. The numbers come from the library's own forward,
 * backward and update steps; the terms shown beside them are recomputed
 * here in the same order, so the sums read exactly as the library did them. */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char trace_usage[] =
    "usage: backprop trace MODEL ROW... [options]\n"
    "       backprop trace --tutorial [ROW...] [options]\n"
    "\n"
    "Shows one training step for each ROW, every number of it: each neuron's\n"
    "activation (bias + sum of weight * input) and output, each delta and the\n"
    "error it came from, and each weight before and after the update\n"
    "weight -= learning_rate * delta * input. Rows are traced in turn, each\n"
    "from the weights the previous one left.\n"
    "\n"
    "A ROW is comma-separated values with the target last: for a model, the\n"
    "columns of its training file as in the CSV (encoded and scaled as the\n"
    "model does); for the tutorial network, its two inputs and the class (0\n"
    "or 1). Without a ROW, --tutorial traces the tutorial's row 1,0 of class 1.\n"
    "\n"
    "options:\n"
    "  --tutorial               the tutorial's 2-1-2 network of seed 1 (sections 1-4)\n"
    "  --lr X                   learning rate (the model's; the tutorial's 0.5)\n"
    "  --loss L                 sse, xent or mse (the model's; sse)\n"
    "  --help                   this text\n"
    "\n"
    "example:\n"
    "  backprop trace --tutorial\n"
    "  backprop trace seeds.model 15.26,14.84,0.871,5.763,3.312,2.221,5.22,1\n";

/* ------------------------------------------------------------ printing */

/* A number the way Python prints it (its repr), so figures can be compared
 * with the tutorial's; the float build prints the fewest digits that read
 * back to the same float. */
static void put_num(bp_real v)
{
#ifdef BP_REAL_FLOAT
    char buf[40];
    for (int digits = 1; digits <= 9; digits++) {
        snprintf(buf, sizeof buf, "%.*g", digits, (double)v);
        if (strtof(buf, NULL) == v || v != v) break;
    }
    fputs(buf, stdout);
#else
    char buf[40];
    bp_format_double(buf, sizeof buf, v);
    fputs(buf, stdout);
#endif
}

static void put_list(const bp_real *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i) fputs(", ", stdout);
        put_num(v[i]);
    }
}

/* "bias + w1 * x1 + w2 * x2 ...", wrapped under its first term. */
static void put_weighted_sum(bp_real bias, const bp_real *w, const bp_real *x, size_t n, int indent)
{
    put_num(bias);
    for (size_t i = 0; i < n; i++) {
        int wrap = i > 0 && i % 2 == 0;
        fputs(wrap ? "\n" : " ", stdout);
        if (wrap) printf("%*s", indent, "");
        fputs(w[i] < 0 ? "+ (" : "+ ", stdout);
        put_num(w[i]);
        fputs(w[i] < 0 ? ") * " : " * ", stdout);
        if (x[i] < 0) putchar('(');
        put_num(x[i]);
        if (x[i] < 0) putchar(')');
    }
}

/* The derivative as the library computes it, from the output, with its
 * operands: "0.66 * (1 - 0.66) = 0.22" (the working the library spells,
 * each '@' the output). */
static bp_real put_derivative(bp_activation act, bp_real out)
{
    bp_real d = bp_activation_derivative(act, out);
    for (const char *p = bp_activation_derivative_working(act, out); *p; p++) {
        if (*p == '@') put_num(out);
        else putchar(*p);
    }
    put_num(d);
    return d;
}

/* ---------------------------------------------------------- the network */

typedef struct trace {
    bp_net *net;          /* trained in place, row after row */
    bp_net *before;       /* its weights before the current update */
    bp_loss loss;
    bp_real lr;
    const bp_real *x;     /* the current row's network inputs */
    const bp_real *expected;
} trace;

static size_t n_layers(const trace *t) { return bp_net_layers(t->net); }
static size_t width(const trace *t, size_t level) { return bp_net_width(t->net, level); }

/* The inputs of weight layer l: the row, or the previous layer's outputs. */
static const bp_real *layer_inputs(const trace *t, size_t l)
{
    return l == 0 ? t->x : bp_net_outputs(t->net, l - 1);
}

static void put_layer_title(const trace *t, size_t l)
{
    int output = l + 1 == n_layers(t);
    printf("Layer %zu (%s, %zu %s neuron%s)", l + 1, output ? "output" : "hidden", width(t, l + 1),
           bp_activation_name(bp_net_activation(t->net, l)), width(t, l + 1) == 1 ? "" : "s");
}

static void trace_forward_layer(trace *t, size_t l)
{
    size_t n_in = width(t, l), n_out = width(t, l + 1);
    const bp_real *in = layer_inputs(t, l), *out = bp_net_outputs(t->net, l);
    const bp_real *W = bp_net_weights(t->net, l), *b = bp_net_bias(t->net, l);
    put_layer_title(t, l);
    printf(", inputs: ");
    put_list(in, n_in);
    printf("\n  activation = bias + sum of weight * input;  %s\n",
           bp_activation_formula(bp_net_activation(t->net, l)));
    for (size_t j = 0; j < n_out; j++) {
        /* The tutorial's activate(): the bias, then + w[i] * x[i] in order. */
        bp_real a = b[j];
        for (size_t i = 0; i < n_in; i++) a += W[j * n_in + i] * in[i];
        printf("  neuron %zu: activation = ", j + 1);
        put_weighted_sum(b[j], W + j * n_in, in, n_in, 25);
        printf("\n%*s= ", 23, "");
        put_num(a);
        printf("\n%12soutput     = ", "");
        put_num(out[j]);
        putchar('\n');
    }
    putchar('\n');
}

/* Output layer under cross-entropy: the transfer's derivative cancels. */
static void trace_output_xent(const trace *t, size_t l)
{
    const bp_real *out = bp_net_outputs(t->net, l), *delta = bp_net_deltas(t->net, l);
    printf("  delta = output - expected (cross-entropy: the transfer's derivative cancels out)\n");
    for (size_t j = 0; j < width(t, l + 1); j++) {
        printf("  neuron %zu: delta = ", j + 1);
        put_num(out[j]);
        fputs(" - ", stdout);
        put_num(t->expected[j]);
        fputs(" = ", stdout);
        put_num(delta[j]);
        putchar('\n');
    }
}

/* Squared error through softmax: the outputs are coupled. */
static void trace_output_softmax_sse(const trace *t, size_t l)
{
    size_t n = width(t, l + 1);
    const bp_real *out = bp_net_outputs(t->net, l), *delta = bp_net_deltas(t->net, l);
    bp_real s = 0;
    for (size_t i = 0; i < n; i++) s += (out[i] - t->expected[i]) * out[i];
    printf("  delta = output * ((output - expected) - s), s = sum over the layer of\n"
           "  (output - expected) * output = ");
    put_num(s);
    putchar('\n');
    for (size_t j = 0; j < n; j++) {
        printf("  neuron %zu: delta = ", j + 1);
        put_num(out[j]);
        fputs(" * ((", stdout);
        put_num(out[j]);
        fputs(" - ", stdout);
        put_num(t->expected[j]);
        fputs(") - ", stdout);
        put_num(s);
        fputs(") = ", stdout);
        put_num(delta[j]);
        putchar('\n');
    }
}

/* "derivative = ...; delta = error * derivative = ...", the library's delta. */
static void put_delta_lines(bp_activation act, bp_real error, bp_real out, bp_real delta)
{
    printf("\n%12sderivative = ", "");
    bp_real d = put_derivative(act, out);
    printf("\n%12sdelta      = ", "");
    put_num(error);
    fputs(d < 0 ? " * (" : " * ", stdout);
    put_num(d);
    fputs(d < 0 ? ") = " : " = ", stdout);
    put_num(delta);
    putchar('\n');
}

/* Squared error through an element-wise output: error times derivative. */
static void trace_output_squared_error(const trace *t, size_t l)
{
    bp_activation act = bp_net_activation(t->net, l);
    const bp_real *out = bp_net_outputs(t->net, l), *delta = bp_net_deltas(t->net, l);
    printf("  error = output - expected;  delta = error * derivative, derivative = %s\n",
           bp_activation_derivative_formula(act));
    for (size_t j = 0; j < width(t, l + 1); j++) {
        bp_real error = out[j] - t->expected[j];
        printf("  neuron %zu: error      = ", j + 1);
        put_num(out[j]);
        fputs(" - ", stdout);
        put_num(t->expected[j]);
        fputs(" = ", stdout);
        put_num(error);
        put_delta_lines(act, error, out[j], delta[j]);
    }
}

/* The output layer's deltas, explained loss by loss. */
static void trace_output_layer(const trace *t, size_t l)
{
    switch (t->loss) {
    case BP_LOSS_XENT: trace_output_xent(t, l); return;
    case BP_LOSS_SSE:
    case BP_LOSS_MSE:
        if (bp_net_activation(t->net, l) == BP_ACT_SOFTMAX) trace_output_softmax_sse(t, l);
        else trace_output_squared_error(t, l);
        return;
    case BP_LOSS_COUNT: return; /* not a loss: the option parser refuses it */
    }
}

/* A hidden neuron's error: the weights from it into the next layer times
 * that layer's deltas, summed from 0 in order. */
static void trace_hidden_layer(const trace *t, size_t l)
{
    bp_activation act = bp_net_activation(t->net, l);
    size_t n = width(t, l + 1), n_next = width(t, l + 2);
    const bp_real *out = bp_net_outputs(t->net, l), *delta = bp_net_deltas(t->net, l);
    const bp_real *W_next = bp_net_weights(t->net, l + 1), *d_next = bp_net_deltas(t->net, l + 1);
    printf("  error = sum over layer %zu of weight (from this neuron) * delta;\n"
           "  delta = error * derivative, derivative = %s\n",
           l + 2, bp_activation_derivative_formula(act));
    for (size_t j = 0; j < n; j++) {
        bp_real error = 0;
        printf("  neuron %zu: error      = ", j + 1);
        for (size_t k = 0; k < n_next; k++) {
            bp_real w = W_next[k * n + j];
            error += w * d_next[k];
            if (k) fputs(k % 2 == 0 ? "\n                         + " : " + ", stdout);
            if (w < 0) putchar('(');
            put_num(w);
            fputs(w < 0 ? ") * " : " * ", stdout);
            if (d_next[k] < 0) putchar('(');
            put_num(d_next[k]);
            if (d_next[k] < 0) putchar(')');
        }
        if (n_next > 1) {
            printf("\n%12s           = ", "");
            put_num(error);
        }
        put_delta_lines(act, error, out[j], delta[j]);
    }
}

static void trace_backward(const trace *t)
{
    printf("Backward pass, from the output layer back: each neuron's delta\n\n");
    for (size_t l = n_layers(t); l-- > 0;) {
        put_layer_title(t, l);
        printf("\n");
        if (l + 1 == n_layers(t)) trace_output_layer(t, l);
        else trace_hidden_layer(t, l);
        putchar('\n');
    }
}

/* "w - lr * delta * x = new" for one weight (x == NULL: the bias). */
static void put_step(bp_real w, bp_real lr, bp_real delta, const bp_real *x, bp_real after)
{
    put_num(w);
    fputs(" - ", stdout);
    put_num(lr);
    fputs(delta < 0 ? " * (" : " * ", stdout);
    put_num(delta);
    if (delta < 0) putchar(')');
    if (x) {
        fputs(*x < 0 ? " * (" : " * ", stdout);
        put_num(*x);
        if (*x < 0) putchar(')');
    }
    fputs(" = ", stdout);
    put_num(after);
    putchar('\n');
}

static void trace_update(const trace *t)
{
    printf("Update: weight -= learning_rate * delta * input;  bias -= learning_rate * delta\n"
           "(the inputs of a layer are the row, or the previous layer's outputs)\n\n");
    for (size_t l = 0; l < n_layers(t); l++) {
        size_t n_in = width(t, l), n_out = width(t, l + 1);
        const bp_real *in = layer_inputs(t, l), *delta = bp_net_deltas(t->net, l);
        const bp_real *W0 = bp_net_weights(t->before, l), *b0 = bp_net_bias(t->before, l);
        const bp_real *W1 = bp_net_weights(t->net, l), *b1 = bp_net_bias(t->net, l);
        printf("Layer %zu, inputs: ", l + 1);
        put_list(in, n_in);
        putchar('\n');
        for (size_t j = 0; j < n_out; j++) {
            printf("  neuron %zu, delta ", j + 1);
            put_num(delta[j]);
            printf(":\n");
            for (size_t i = 0; i < n_in; i++) {
                printf("    weight %zu: ", i + 1);
                put_step(W0[j * n_in + i], t->lr, delta[j], &in[i], W1[j * n_in + i]);
            }
            printf("    bias:     ");
            put_step(b0[j], t->lr, delta[j], NULL, b1[j]);
        }
        putchar('\n');
    }
}

/* The row's loss, as training sums it (probabilities kept off log(0)). */
static double row_loss(const trace *t, const bp_real *out)
{
    size_t last = n_layers(t) - 1;
    return bp_loss_value(t->loss, bp_net_activation(t->net, last), out, t->expected, width(t, last + 1));
}

/* Forward, backward and update of one row, traced. */
static int trace_step(trace *t)
{
    bp_error err;
    size_t last = n_layers(t) - 1, n_out = width(t, last + 1);
    bp_net_free(t->before);
    t->before = NULL;
    if (bp_net_clone(&t->before, t->net, &err) != BP_OK) return cli_fail(&err);
    printf("Forward pass: each neuron's activation and output\n\n");
    bp_net_forward(t->net, t->x);
    for (size_t l = 0; l <= last; l++) trace_forward_layer(t, l);
    double loss_before = row_loss(t, bp_net_outputs(t->net, last));
    bp_net_backward(t->net, t->expected, t->loss);
    trace_backward(t);
    bp_net_update(t->net, t->x, t->lr);
    trace_update(t);
    /* The outputs the updated weights give: the step's effect. */
    bp_net *after;
    if (bp_net_clone(&after, t->net, &err) != BP_OK) return cli_fail(&err);
    const bp_real *out = bp_net_forward(after, t->x);
    printf("Outputs with the new weights: ");
    put_list(out, n_out);
    printf("\nLoss of this row (%s): ", bp_loss_name(t->loss));
    put_num((bp_real)loss_before);
    printf(" before the update, ");
    put_num((bp_real)row_loss(t, out));
    printf(" after\n");
    bp_net_free(after);
    return EXIT_OK;
}

/* ---------------------------------------------------------------- rows */

/* A ROW split at commas; double quotes protect commas ("a,b"), "" is a
 * quote, and blanks around an unquoted field are dropped, as in a CSV
 * file. fields[] point into *buffer; free both. */
static int split_row(const char *row, char **buffer, char ***fields, size_t *n)
{
    size_t len = strlen(row), count = 1;
    for (const char *p = row; *p; p++) count += *p == ',';
    *buffer = malloc(len + 1);
    *fields = malloc(count * sizeof **fields);
    if (!*buffer || !*fields) return 0;
    char *out = *buffer;
    const char *p = row;
    *n = 0;
    for (;;) {
        while (*p == ' ' || *p == '\t') p++;
        char *start = out, *end;
        if (*p == '"') {
            for (p++; *p && !(*p == '"' && p[1] != '"'); p++) {
                if (*p == '"') p++;
                *out++ = *p;
            }
            if (*p == '"') p++;
            end = out;
            while (*p && *p != ',') p++;
        } else {
            while (*p && *p != ',') *out++ = *p++;
            end = out;
            while (end > start && (end[-1] == ' ' || end[-1] == '\t')) end--;
        }
        out = end;
        *out++ = '\0';
        (*fields)[(*n)++] = start;
        if (*p != ',') return 1;
        p++;
    }
}

static int read_number(const char *row, const char *text, bp_real *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (!*text || *end || errno || !isfinite(v))
        return cli_usage_error("trace: row '%s': '%s' is not a number", row, text), 0;
    *out = (bp_real)v;
    return 1;
}

/* The tutorial network's row: its inputs, then the class index. */
static int read_tutorial_row(const char *row, bp_real *x, size_t n_in, bp_real *expected, size_t n_out)
{
    char *buffer = NULL, **fields = NULL;
    size_t n = 0;
    int ok = split_row(row, &buffer, &fields, &n);
    if (!ok) cli_usage_error("out of memory");
    else if (n != n_in + 1)
        ok = (cli_usage_error("trace: row '%s' has %zu value%s; the tutorial network takes %zu (%zu inputs, "
                              "then the class)", row, n, n == 1 ? "" : "s", n_in + 1, n_in), 0);
    for (size_t i = 0; ok && i < n_in; i++) ok = read_number(row, fields[i], &x[i]);
    bp_real label = 0;
    if (ok) ok = read_number(row, fields[n_in], &label);
    if (ok && (label != floor(label) || label < 0 || label >= (bp_real)n_out))
        ok = (cli_usage_error("trace: row '%s': the class must be 0 or 1, not '%s'", row, fields[n_in]), 0);
    for (size_t k = 0; ok && k < n_out; k++) expected[k] = (bp_real)((bp_real)k == label);
    if (ok) {
        printf("Row %s: inputs ", row);
        put_list(x, n_in);
        printf("; class %s, so the expected outputs are ", fields[n_in]);
        put_list(expected, n_out);
        printf("\n\n");
    }
    free(buffer);
    free(fields);
    return ok;
}

/* What the network learns from a model's row. */
typedef struct model_row {
    bp_model *m;
    const bp_scaler *scaler, *target_scaler; /* the model's own */
    bp_real *raw;         /* encoded, before scaling */
} model_row;

/* The fields in the training file's column order: the ROW has the target
 * last, the file has it at its own place. */
static void put_in_file_order(const bp_model *m, char **fields, size_t n)
{
    size_t target = bp_model_target(m);
    char *value = fields[n - 1];
    for (size_t c = n - 1; c > target; c--) fields[c] = fields[c - 1];
    fields[target] = value;
}

static int read_target(const model_row *r, const char *row, const char *text, bp_real *expected)
{
    const bp_model *m = r->m;
    if (bp_model_task(m) == BP_TASK_REGRESSION) {
        bp_real y;
        if (!read_number(row, text, &y)) return 0;
        bp_scaler_apply(r->target_scaler, &y, expected, 1);
        printf("  target ");
        put_num(y);
        printf(", scaled as the network predicts it: expected output ");
        put_num(expected[0]);
        putchar('\n');
        return 1;
    }
    size_t k = 0, n = bp_model_classes(m);
    while (k < n && strcmp(bp_model_class_name(m, k), text) != 0) k++;
    if (k == n)
        return cli_usage_error("trace: row '%s': '%s' is not one of the model's %zu classes", row, text, n), 0;
    for (size_t i = 0; i < n; i++) expected[i] = (bp_real)(i == k);
    printf("  class %s (index %zu), so the expected outputs are ", text, k);
    put_list(expected, n);
    putchar('\n');
    return 1;
}

static int read_model_row(const model_row *r, const char *row, bp_real *x, bp_real *expected)
{
    const bp_model *m = r->m;
    size_t n_columns = bp_model_columns(m), n_in = bp_model_features(m), n = 0, unseen = 0;
    char *buffer = NULL, **fields = NULL;
    bp_error err;
    int ok = split_row(row, &buffer, &fields, &n);
    if (!ok) cli_usage_error("out of memory");
    else if (n != n_columns)
        ok = (cli_usage_error("trace: row '%s' has %zu value%s; the model takes %zu (the columns of its "
                              "training file, the target last)", row, n, n == 1 ? "" : "s", n_columns), 0);
    if (ok) {
        printf("Row %s\n", row);
        put_in_file_order(m, fields, n);
        if (bp_model_encode_row(m, (const char *const *)fields, n, r->raw, &unseen, &err) != BP_OK)
            ok = (cli_fail(&err), 0);
    }
    if (ok) {
        bp_scaler_apply(r->scaler, r->raw, x, 1);
        printf("  features, encoded (text columns one-hot, nan where missing): ");
        put_list(r->raw, n_in);
        printf("\n  network inputs, scaled as the model scales them: ");
        put_list(x, n_in);
        putchar('\n');
        if (unseen)
            printf("  (%zu categor%s training never saw: all zeros)\n", unseen, unseen == 1 ? "y" : "ies");
        ok = read_target(r, row, fields[bp_model_target(m)], expected);
        putchar('\n');
    }
    free(buffer);
    free(fields);
    return ok;
}

/* ------------------------------------------------------------- setting up */

typedef struct trace_config {
    const char *model_path;
    const char *rows[8];
    size_t n_rows;
    int lr_given, loss_given;
    double lr;
    bp_loss loss;
} trace_config;

/* The tutorial's network of sections 1-4: 2-1-2, sigmoid, seed 1. */
static int tutorial_network(bp_net **net)
{
    size_t widths[] = {2, 1, 2};
    bp_error err;
    if (bp_net_create(net, 2, widths, NULL, &err) != BP_OK) return cli_fail(&err);
    bp_rng rng;
    bp_rng_seed(&rng, 1);
    bp_net_init(*net, BP_INIT_UNIFORM, &rng);
    return EXIT_OK;
}

static void put_network_line(const bp_net *net)
{
    size_t L = bp_net_layers(net);
    printf("Network: ");
    for (size_t l = 0; l <= L; l++) printf("%s%zu", l ? "-" : "", bp_net_width(net, l));
    printf(" (inputs, ");
    for (size_t l = 0; l < L; l++)
        printf("%s %s", bp_activation_name(bp_net_activation(net, l)), l + 1 < L ? "hidden, " : "outputs)\n");
}

static int check_loss(const trace *t)
{
    bp_activation out = bp_net_activation(t->net, bp_net_layers(t->net) - 1);
    if (t->loss == BP_LOSS_XENT && out != BP_ACT_SIGMOID && out != BP_ACT_SOFTMAX)
        return cli_usage_error("trace: --loss xent needs a sigmoid or softmax output layer, not %s",
                               bp_activation_name(out));
    return EXIT_OK;
}

static int run_rows(trace *t, const trace_config *c, const model_row *r)
{
    size_t n_in = bp_net_width(t->net, 0), n_out = bp_net_width(t->net, bp_net_layers(t->net));
    bp_real *x = calloc(n_in, sizeof *x), *expected = calloc(n_out, sizeof *expected);
    int status = x && expected ? check_loss(t) : cli_usage_error("out of memory");
    t->x = x;
    t->expected = expected;
    if (status == EXIT_OK) {
        printf("Loss: %s;  learning rate ", bp_loss_name(t->loss));
        put_num(t->lr);
        printf(";  update: online gradient descent, one row at a time\n\n");
    }
    for (size_t i = 0; status == EXIT_OK && i < c->n_rows; i++) {
        if (c->n_rows > 1) printf("=== Row %zu of %zu\n\n", i + 1, c->n_rows);
        int ok = r ? read_model_row(r, c->rows[i], x, expected)
                   : read_tutorial_row(c->rows[i], x, n_in, expected, n_out);
        status = ok ? trace_step(t) : EXIT_USAGE;
        if (status == EXIT_OK && i + 1 < c->n_rows) putchar('\n');
    }
    free(x);
    free(expected);
    return status;
}

static int trace_tutorial(trace_config *c)
{
    trace t = {0};
    int status = tutorial_network(&t.net);
    if (status != EXIT_OK) return status;
    t.lr = (bp_real)(c->lr_given ? c->lr : 0.5);
    t.loss = c->loss_given ? c->loss : BP_LOSS_SSE;
    if (c->n_rows == 0) c->rows[c->n_rows++] = "1,0,1";
    printf("The tutorial's network (sections 1-4), weights drawn from seed 1\n");
    put_network_line(t.net);
    status = run_rows(&t, c, NULL);
    bp_net_free(t.net);
    bp_net_free(t.before);
    return status;
}

/* How the model was trained, when the trace's plain step differs. */
static void note_training(const bp_model_info *info)
{
    if (!info->trained) return;
    const bp_train_options *o = &info->train;
    if (o->optimizer == BP_OPT_SGD && o->batch_size == 1 && o->l2 == 0) return;
    printf("(The model was trained with %s", bp_optimizer_name(o->optimizer));
    if (o->batch_size != 1) printf(" on batches of %zu", o->batch_size);
    if (o->l2 != 0) printf(" and L2 decay");
    printf("; this trace shows the tutorial's plain step.)\n");
}

static int trace_model(trace_config *c)
{
    model_row r = {0};
    trace t = {0};
    bp_error err;
    if (bp_model_load(&r.m, c->model_path, &err) != BP_OK)
        return cli_fail(&err);
    r.scaler = bp_model_scaler(r.m);
    r.target_scaler = bp_model_target_scaler(r.m);
    const bp_model_info *info = bp_model_get_info(r.m);
    bp_activation out = bp_net_activation(bp_model_net(r.m), bp_net_layers(bp_model_net(r.m)) - 1);
    t.loss = bp_model_task(r.m) == BP_TASK_REGRESSION ? BP_LOSS_MSE
             : out == BP_ACT_SOFTMAX                  ? BP_LOSS_XENT
                                                      : BP_LOSS_SSE;
    if (info->trained) t.loss = info->train.loss;
    if (c->loss_given) t.loss = c->loss;
    t.lr = (bp_real)(c->lr_given ? c->lr : info->trained ? info->train.learning_rate : 0.3);
    int status = EXIT_OK;
    r.raw = calloc(bp_model_features(r.m) + 1, sizeof *r.raw);
    if (!r.raw) status = cli_usage_error("out of memory");
    else if (bp_net_clone(&t.net, bp_model_net(r.m), &err) != BP_OK) status = cli_fail(&err);
    if (status == EXIT_OK) {
        int regression = bp_model_task(r.m) == BP_TASK_REGRESSION;
        printf("Model %s (%s", c->model_path, regression ? "regression" : "classification");
        if (!regression) printf(", %zu classes", bp_model_classes(r.m));
        printf(")\n");
        put_network_line(t.net);
        note_training(info);
        status = run_rows(&t, c, &r);
    }
    bp_net_free(t.net);
    bp_net_free(t.before);
    free(r.raw);
    bp_model_free(r.m);
    return status;
}

static int read_trace_options(const cli_args *args, trace_config *c)
{
    const char *v;
    bp_error err;
    if ((v = cli_value(args, "lr"))) {
        if (!cli_positive("lr", v, &c->lr)) return 0;
        c->lr_given = 1;
    }
    if ((v = cli_value(args, "loss"))) {
        if (bp_loss_parse(v, &c->loss, &err) != BP_OK) return cli_fail(&err), 0;
        c->loss_given = 1;
    }
    size_t first = cli_value(args, "tutorial") ? 0 : 1;
    if (first == 1) {
        if (args->n_positional < 2) {
            fputs(trace_usage, stderr);
            cli_usage_error("trace: expected a model and at least one row (or --tutorial), got %zu argument%s",
                            args->n_positional, args->n_positional == 1 ? "" : "s");
            return 0;
        }
        c->model_path = args->positional[0];
    }
    for (size_t i = first; i < args->n_positional; i++) c->rows[c->n_rows++] = args->positional[i];
    return 1;
}

int cmd_trace(int argc, char **argv)
{
    cli_option options[] = {{"tutorial", 0, NULL}, {"lr", 1, NULL}, {"loss", 1, NULL}, {"help", 0, NULL}};
    cli_args args = {options, sizeof options / sizeof *options, {0}, 0};
    if (!cli_parse(&args, argc, argv, "trace")) return EXIT_USAGE;
    if (cli_value(&args, "help")) {
        fputs(trace_usage, stdout);
        return EXIT_OK;
    }
    trace_config c = {0};
    if (!read_trace_options(&args, &c)) return EXIT_USAGE;
    int status = c.model_path ? trace_model(&c) : trace_tutorial(&c);
    if (fflush(stdout) != 0 || ferror(stdout))
        return status ? status : cli_usage_error("cannot write standard output: %s", strerror(errno));
    return status;
}
