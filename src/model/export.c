/* Looking inside a model and exporting it: one raw row encoded with the
 * model's columns, and the whole model as a
 * standalone C99 source file (weights, scaler and labels as constant
 * arrays, a predict function that needs only libm) whose arithmetic is the
 * library's, operation for operation, so it predicts the same bits. */
#include "backprop.h"

#include "core/activation.h"
#include "data/dataset.h"
#include "util/error.h"
#include "model/model.h"
#include "core/net.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ================================================== encoding one raw row */

bp_status bp_model_encode_row(const bp_model *m, const char *const *fields, size_t n_fields,
                              bp_real *x, size_t *unseen, bp_error *err)
{
    const bp_dataset *ds = bp_model_schema(m);
    size_t n_columns = ds->n_columns;
    if (unseen) *unseen = 0;
    if (n_fields != n_columns && n_fields + 1 != n_columns)
        return bp_error_set(err, BP_ERR_ARG, "a row needs %zu fields (%zu without the target), not %zu",
                            n_columns, n_columns - 1, n_fields);
    size_t field_bytes, where_bytes;
    if (!bp_mul_size(n_fields + 1, sizeof(bp_csv_field), &field_bytes) ||
        !bp_mul_size(n_columns, sizeof(size_t), &where_bytes))
        return bp_error_nomem(err, "row");
    bp_csv_field *f = malloc(field_bytes);
    size_t *where = malloc(where_bytes);
    bp_status st = f && where ? BP_OK : bp_error_nomem(err, "row");
    for (size_t i = 0; st == BP_OK && i < n_fields; i++) {
        const char *text = fields[i] ? fields[i] : "";
        bp_csv_field field = {text, strlen(text), 1, i + 1, 0};
        f[i] = field;
    }
    /* Without the target, the fields after it move up by one. */
    int has_target = n_fields == n_columns;
    for (size_t c = 0; st == BP_OK && c < n_columns; c++)
        where[c] = has_target || c < ds->target ? c : c == ds->target ? (size_t)-1 : c - 1;
    bp_encode_notes notes;
    memset(&notes, 0, sizeof notes);
    if (st == BP_OK) st = bp_dataset_encode_record(ds, "row", f, where, NULL, x, &notes, err);
    if (st == BP_OK && unseen) *unseen = notes.n_unseen;
    free(f);
    free(where);
    return st;
}

/* ====================================================== export as C99 */

/* What the generated file is made of: decided once, used by every part. */
typedef struct exporter {
    FILE *out;
    const bp_model *m;
    const bp_dataset *ds;
    const bp_net *net;
    const bp_scaler *features, *target;
    const char *name;       /* the predict function */
    char upper[80];         /* the name in capitals, for macros */
    bp_scale kind;
    int grouped;            /* one-hot features stay 0/1 */
    int categorical;        /* some column is one-hot encoded */
    int numeric;            /* some column is a number */
    int scales;             /* some input goes through the scaler */
    int is_float;           /* the build's scalar type */
    size_t n_columns;       /* feature columns: values the function takes */
    size_t max_width;
} exporter;

static int is_keyword(const char *s)
{
    static const char *const words[] = {
        "auto",     "break",  "case",     "char",   "const",    "continue", "default",  "do",
        "double",   "else",   "enum",     "extern", "float",    "for",      "goto",     "if",
        "inline",   "int",    "long",     "register", "restrict", "return", "short",    "signed",
        "sizeof",   "static", "struct",   "switch", "typedef",  "union",    "unsigned", "void",
        "volatile", "while",  "_Bool",    "_Complex", "_Imaginary", "main",
        /* what the file itself uses */
        "exp", "expf", "tanh", "tanhf", "strcmp", "isnan", "size_t", "NULL", "NAN"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (strcmp(s, words[i]) == 0) return 1;
    return 0;
}

static bp_status check_name(const char *name, bp_error *err)
{
    size_t len = strlen(name);
    /* A letter first: names starting with '_' may be the implementation's. */
    int ok = len > 0 && len <= 40 && isalpha((unsigned char)name[0]);
    for (size_t i = 1; ok && i < len; i++) ok = isalnum((unsigned char)name[i]) || name[i] == '_';
    if (!ok || is_keyword(name))
        return bp_error_set(err, BP_ERR_ARG,
                            "'%.60s' is not a usable C function name (letters, digits and _, "
                            "at most 40, not a keyword)", name);
    return BP_OK;
}

/* A number as a C constant that reads back to the same value: 17
 * significant digits, always with a '.' or an exponent (so "-0" keeps its
 * sign and a float constant can take its suffix). */
static void put_number(const exporter *E, double v, int as_real)
{
    char buf[48];
    snprintf(buf, sizeof buf, "%.17g", v);
    fputs(buf, E->out);
    if (!strpbrk(buf, ".e")) fputs(".0", E->out);
    if (as_real && E->is_float) putc('f', E->out);
}

/* Text in a C string literal: escapes for quotes, backslashes, '?' (no
 * trigraphs under -std=c99) and every byte outside printable ASCII. */
static void put_c_string(FILE *out, const char *s)
{
    putc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\' || *p == '?') fprintf(out, "\\%c", *p);
        else if (*p < 0x20 || *p >= 0x7f) fprintf(out, "\\%03o", *p);
        else putc(*p, out);
    }
    putc('"', out);
}

/* Text in a comment: printable ASCII, never closing the comment. */
static void put_comment_text(FILE *out, const char *s, size_t max)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && n < max; p++, n++) {
        if (*p < 0x20 || *p >= 0x7f) putc('?', out);
        else if (*p == '/' && p > (const unsigned char *)s && p[-1] == '*') fputs(" /", out);
        else putc(*p, out);
    }
    if (*s && n == max && s[n]) fputs("...", out);
}

static int is_feature_column(const bp_column *col)
{
    return col->kind == BP_COL_NUMERIC || col->kind == BP_COL_CATEGORICAL;
}

/* Values of a constant array, a few to a line. */
static void put_array_values(const exporter *E, const double *v, size_t n, int as_real)
{
    for (size_t i = 0; i < n; i++) {
        fputs(i % 4 == 0 ? "\n    " : " ", E->out);
        put_number(E, v[i], as_real);
        if (i + 1 < n) putc(',', E->out);
    }
    fputs("\n};\n", E->out);
}

/* ---------------------------------------------------- the opening comment */

static void put_columns_comment(const exporter *E)
{
    FILE *out = E->out;
    size_t k = 0;
    for (size_t c = 0; c < E->ds->n_columns; c++) {
        const bp_column *col = &E->ds->columns[c];
        if (!is_feature_column(col)) continue;
        fprintf(out, " *   features[%zu]: column %zu", k++, c + 1);
        if (col->name) {
            fputs(" '", out);
            put_comment_text(out, col->name, 60);
            putc('\'', out);
        }
        if (col->kind == BP_COL_NUMERIC) {
            fputs(", a number\n", out);
            continue;
        }
        fputs(", a category index:", out);
        for (size_t i = 0; i < col->categories.count; i++) {
            fprintf(out, "%s%zu '", i % 4 == 0 ? "\n *       " : " ", i);
            put_comment_text(out, col->categories.names[i], 40);
            putc('\'', out);
        }
        putc('\n', out);
    }
}

static void put_opening_comment(const exporter *E, const char *source)
{
    FILE *out = E->out;
    const char *n = E->name;
    int regression = bp_model_task(E->m) == BP_TASK_REGRESSION;
    fputs("/* The model ", out);
    put_comment_text(out, source, 200);
    fprintf(out, " as standalone C99, written by backprop %s.\n", BP_VERSION);
    fputs(" * It needs nothing but <math.h> (link with -lm) and predicts what\n"
          " * `backprop predict` predicts for the same values.\n *\n",
          out);
    if (regression)
        fprintf(out, " *   double %s(const double *features);\n"
                     " *       returns the predicted value.\n", n);
    else
        fprintf(out,
                " *   int %s(const double *features, double *probabilities);\n"
                " *       returns the class index, 0 to %zu; probabilities (NULL, or room\n"
                " *       for %zu values) gets the output layer's values clamped at 0 and\n"
                " *       divided by their sum, as `backprop predict --proba` prints them.\n"
                " *   const char *%s_class_name(int class_index);\n"
                " *       the label of a class (NULL out of range).\n",
                n, bp_model_classes(E->m) - 1, bp_model_classes(E->m), n);
    fprintf(out,
            " *   double %s_category(int feature, const char *name);\n"
            " *       the value to pass for a text column: its category's index, or\n"
            " *       -1 for a name training never saw (or a numeric feature).\n"
            " *\n"
            " * features: %zu values, the feature columns of the training file in its\n"
            " * order (the target and ignored columns left out). A number is passed\n"
            " * as it is in the file (the scaler is applied here); a text column as\n"
            " * the index of its category (below), -1 or any other value that is not\n"
            " * an index for a category training never saw (encoded as all zeros).\n"
            " * NAN marks a missing value: it becomes the training mean (for a text\n"
            " * column, its most frequent category), as in `backprop predict`.\n *\n",
            n, E->n_columns);
    put_columns_comment(E);
    fputs(" *\n"
          " * Same bits as the library: compile without floating-point contraction\n"
          " * into fused multiply-adds (GCC in ISO C mode, e.g. -std=c99, does not\n"
          " * contract; clang obeys the pragma below).\n"
          " */\n",
          out);
}

/* --------------------------------------------------------------- tables */

static void put_declarations(const exporter *E)
{
    FILE *out = E->out;
    const char *n = E->name;
    fputs("#include <math.h>\n#include <stddef.h>\n#include <string.h>\n\n"
          "#ifdef __clang__\n#pragma STDC FP_CONTRACT OFF\n#endif\n\n",
          out);
    if (bp_model_task(E->m) == BP_TASK_REGRESSION) {
        fprintf(out, "double %s(const double *features);\n", n);
    } else {
        fprintf(out, "int %s(const double *features, double *probabilities);\n", n);
        fprintf(out, "const char *%s_class_name(int class_index);\n", n);
    }
    fprintf(out, "double %s_category(int feature, const char *name);\n\n", n);
    fprintf(out, "#define %s_FEATURES %zu /* values %s() takes */\n", E->upper, E->n_columns, n);
    if (bp_model_task(E->m) == BP_TASK_CLASSIFICATION)
        fprintf(out, "#define %s_CLASSES %zu\n", E->upper, bp_model_classes(E->m));
    fprintf(out, "#define %s_INPUTS %zu /* network inputs, after one-hot encoding */\n", E->upper,
            bp_model_features(E->m));
    fprintf(out, "#define %s_WIDTH %zu /* widest layer */\n\n", E->upper, E->max_width);
    fprintf(out, "typedef %s %s_real; /* the type the network was trained in */\n\n",
            E->is_float ? "float" : "double", n);
}

/* "static const unsigned long NAME_what[NAME_FEATURES] = {...};", one
 * value per feature column. */
static void put_feature_table(const exporter *E, const char *comment, const char *what,
                              const size_t *v)
{
    fprintf(E->out, "/* Per feature: %s. */\nstatic const unsigned long %s_%s[%s_FEATURES] = {", comment,
            E->name, what, E->upper);
    for (size_t c = 0; c < E->n_columns; c++)
        fprintf(E->out, "%s%zu%s", c % 12 == 0 ? "\n    " : " ", v[c], c + 1 < E->n_columns ? "," : "");
    fputs("\n};\n\n", E->out);
}

/* The most frequent category of a one-hot column, as the scaler fills a
 * missing one: the feature with the largest mean, the first on ties. */
static size_t mode_of(const exporter *E, const bp_column *col)
{
    size_t best = 0;
    for (size_t i = 1; i < col->categories.count; i++)
        if (bp_scaler_get_stats(E->features, col->feature + i).mean >
            bp_scaler_get_stats(E->features, col->feature + best).mean)
            best = i;
    return best;
}

static void put_category_names(const exporter *E, size_t total)
{
    fprintf(E->out, "static const char *const %s_category_names[%zu] = {", E->name, total);
    for (size_t c = 0, i = 0; c < E->ds->n_columns; c++) {
        const bp_column *col = &E->ds->columns[c];
        if (col->kind != BP_COL_CATEGORICAL) continue;
        for (size_t j = 0; j < col->categories.count; j++, i++) {
            fputs("\n    ", E->out);
            put_c_string(E->out, col->categories.names[j]);
            if (i + 1 < total) putc(',', E->out);
        }
    }
    fputs("\n};\n\n", E->out);
}

/* Per feature column: its number of categories (0 for a number), where its
 * names start in the name table, and the category a missing value takes. */
static bp_status put_category_tables(const exporter *E, bp_error *err)
{
    size_t cols = E->n_columns, k = 0, total = 0;
    size_t *count = calloc(cols, sizeof *count), *first = calloc(cols, sizeof *first),
           *mode = calloc(cols, sizeof *mode);
    bp_status st = count && first && mode ? BP_OK : bp_error_nomem(err, "export");
    for (size_t c = 0; st == BP_OK && c < E->ds->n_columns; c++) {
        const bp_column *col = &E->ds->columns[c];
        if (!is_feature_column(col)) continue;
        first[k] = total;
        if (col->kind == BP_COL_CATEGORICAL) {
            count[k] = col->categories.count;
            mode[k] = mode_of(E, col);
            total += count[k];
        }
        k++;
    }
    if (st == BP_OK) {
        put_feature_table(E, "its number of categories (0: a number)", "categories", count);
        put_feature_table(E, "where its names start in the table below", "first_name", first);
        put_category_names(E, total);
        if (E->grouped)
            put_feature_table(E, "the category a missing value takes (the most frequent)",
                              "missing_category", mode);
    }
    free(count);
    free(first);
    free(mode);
    return st;
}

static bp_status put_target_scaler(const exporter *E);

/* The statistics one kind of scaling reads, per network input. */
static bp_status put_scaler_tables(const exporter *E, bp_error *err)
{
    if (!E->scales) return put_target_scaler(E);
    size_t n = bp_model_features(E->m);
    double *v = malloc((n ? n : 1) * sizeof *v);
    if (!v) return bp_error_nomem(err, "export");
    static const char *const fields[] = {"min", "max", "mean", "std"};
    int used[4] = {E->kind == BP_SCALE_MINMAX, E->kind == BP_SCALE_MINMAX, 1, E->kind == BP_SCALE_STANDARD};
    fprintf(E->out, "/* The %s scaler fitted on the training rows, per network input%s. */\n",
            bp_scale_name(E->kind), E->grouped && E->categorical ? " (one-hot inputs are not scaled)" : "");
    for (int s = 0; s < 4; s++) {
        if (!used[s]) continue;
        for (size_t j = 0; j < n; j++) {
            bp_scaler_stats st = bp_scaler_get_stats(E->features, j);
            v[j] = s == 0 ? st.min : s == 1 ? st.max : s == 2 ? st.mean : st.std;
        }
        fprintf(E->out, "static const double %s_%s[%s_INPUTS] = {", E->name, fields[s], E->upper);
        put_array_values(E, v, n, 0);
    }
    free(v);
    putc('\n', E->out);
    return put_target_scaler(E);
}

static bp_status put_target_scaler(const exporter *E)
{
    if (!E->target || E->kind == BP_SCALE_NONE) return BP_OK;
    bp_scaler_stats t = bp_scaler_get_stats(E->target, 0);
    fputs("/* The target's scaler: the network predicts the scaled target. */\n", E->out);
    int minmax = E->kind == BP_SCALE_MINMAX;
    fprintf(E->out, "static const double %s_target_%s = ", E->name, minmax ? "min" : "mean");
    put_number(E, minmax ? t.min : t.mean, 0);
    fprintf(E->out, ";\nstatic const double %s_target_%s = ", E->name, minmax ? "max" : "std");
    put_number(E, minmax ? t.max : t.std, 0);
    fputs(";\n\n", E->out);
    return BP_OK;
}

/* One neuron's weights, a few to a line, after a comment naming it. */
static void put_neuron_weights(const exporter *E, size_t j, const bp_real *w, size_t n, int last)
{
    fprintf(E->out, "\n    /* neuron %zu */", j + 1);
    for (size_t i = 0; i < n; i++) {
        fputs(i % 4 == 0 ? "\n    " : " ", E->out);
        put_number(E, w[i], 1);
        if (i + 1 < n || !last) putc(',', E->out);
    }
}

/* Weights n_out x n_in row-major (row j: neuron j), then biases. */
static bp_status put_layer_tables(const exporter *E, bp_error *err)
{
    const bp_net *net = E->net;
    for (size_t l = 0; l < net->n_layers; l++) {
        size_t n_in = net->width[l], n_out = net->width[l + 1], count;
        if (!bp_mul_size(n_in, n_out, &count)) return bp_error_nomem(err, "export");
        double *bias = malloc(n_out * sizeof *bias);
        if (!bias) return bp_error_nomem(err, "export");
        const bp_real *W = net->params + net->w_offset[l], *b = net->params + net->b_offset[l];
        fprintf(E->out, "/* Layer %zu: %zu inputs, %zu %s neurons; row j of the weights is neuron j's. */\n",
                l + 1, n_in, n_out, bp_activation_name(net->act[l]));
        fprintf(E->out, "static const %s_real %s_weights%zu[%zu] = {", E->name, E->name, l + 1, count);
        for (size_t j = 0; j < n_out; j++) put_neuron_weights(E, j, W + j * n_in, n_in, j + 1 == n_out);
        fputs("\n};\n", E->out);
        for (size_t j = 0; j < n_out; j++) bias[j] = b[j];
        fprintf(E->out, "static const %s_real %s_bias%zu[%zu] = {", E->name, E->name, l + 1, n_out);
        put_array_values(E, bias, n_out, 1);
        putc('\n', E->out);
        free(bias);
    }
    if (bp_model_task(E->m) != BP_TASK_CLASSIFICATION) return BP_OK;
    fprintf(E->out, "static const char *const %s_class_names[%s_CLASSES] = {", E->name, E->upper);
    for (size_t k = 0; k < bp_model_classes(E->m); k++) {
        fputs("\n    ", E->out);
        put_c_string(E->out, bp_model_class_name(E->m, k));
        if (k + 1 < bp_model_classes(E->m)) putc(',', E->out);
    }
    fputs("\n};\n\n", E->out);
    return BP_OK;
}

/* ------------------------------------------------------------ functions */

/* The library's scale_value(): a missing value takes the mean first. */
static void put_scale_function(const exporter *E)
{
    const char *n = E->name;
    FILE *out = E->out;
    if (!E->scales) return;
    fprintf(out, "static %s_real %s_scale(size_t j, double v)\n{\n", n, n);
    if (E->kind == BP_SCALE_MINMAX) fprintf(out, "    double range = %s_max[j] - %s_min[j];\n", n, n);
    fprintf(out, "    if (isnan(v)) v = %s_mean[j];\n", n);
    if (E->kind == BP_SCALE_MINMAX)
        fprintf(out, "    return (%s_real)(range > 0 ? (v - %s_min[j]) / range : 0);\n", n, n);
    else if (E->kind == BP_SCALE_STANDARD)
        fprintf(out, "    return (%s_real)(%s_std[j] > 0 ? (v - %s_mean[j]) / %s_std[j] : 0);\n", n, n, n, n);
    else
        fprintf(out, "    return (%s_real)v;\n", n);
    fputs("}\n\n", out);
}

/* Raw features to scaled network inputs, as the model file's schema and
 * scaler do it. A value is first rounded to the network's type, as the
 * CSV reader stores it. */
static void put_encode_function(const exporter *E)
{
    const char *n = E->name;
    FILE *out = E->out;
    fprintf(out, "static void %s_encode(const double *features, %s_real *x)\n{\n", n, n);
    if (!E->categorical) {
        fprintf(out, "    size_t j;\n    for (j = 0; j < %s_INPUTS; j++)\n"
                     "        x[j] = %s_scale(j, (double)(%s_real)features[j]);\n}\n\n",
                E->upper, n, n);
        return;
    }
    fprintf(out, "    size_t c, k, j = 0;\n"
                 "    for (c = 0; c < %s_FEATURES; c++) {\n"
                 "        double v = (double)(%s_real)features[c];\n",
            E->upper, n);
    if (E->numeric)
        fprintf(out, "        if (%s_categories[c] == 0) {\n"
                     "            x[j] = %s_scale(j, v);\n"
                     "            j++;\n"
                     "            continue;\n"
                     "        }\n",
                n, n);
    fprintf(out, "        for (k = 0; k < %s_categories[c]; k++, j++) {\n"
                 "            /* One-hot: 1 for the category, 0 for the others (all 0 for\n"
                 "             * an unseen one); a missing category is NAN everywhere. */\n"
                 "            double one_hot = isnan(v) ? (double)NAN : v == (double)k ? 1.0 : 0.0;\n",
            n);
    if (E->grouped)
        fprintf(out, "            x[j] = isnan(one_hot) ? (%s_real)(k == %s_missing_category[c])\n"
                     "                                  : (%s_real)one_hot;\n",
                n, n, n);
    else
        fprintf(out, "            x[j] = %s_scale(j, one_hot);\n", n);
    fputs("        }\n    }\n}\n\n", out);
}

static void put_layer_function(const exporter *E)
{
    const char *n = E->name;
    fprintf(E->out,
            "/* The tutorial's activate(): the bias, then + weight * input in order. */\n"
            "static void %s_layer(const %s_real *weights, const %s_real *bias,\n"
            "    const %s_real *in, size_t n_in, %s_real *out, size_t n_out)\n{\n"
            "    size_t i, j;\n"
            "    for (j = 0; j < n_out; j++) {\n"
            "        %s_real a = bias[j];\n"
            "        for (i = 0; i < n_in; i++) a += weights[j * n_in + i] * in[i];\n"
            "        out[j] = a;\n"
            "    }\n}\n\n",
            n, n, n, n, n, n);
}

/* The C text of an activation's body (activation.h's c_body), with $r
 * and $f filled in. */
static void put_c_body(const exporter *E, const char *body)
{
    for (const char *p = body; *p; p++) {
        if (p[0] == '$' && p[1] == 'r') fputs(E->name, E->out);
        else if (p[0] == '$' && p[1] == 'f') fputs(E->is_float ? "f" : "", E->out);
        else {
            fputc(*p, E->out);
            continue;
        }
        p++;
    }
}

static void put_activation_function(const exporter *E, bp_activation act)
{
    const char *n = E->name;
    fprintf(E->out, "static void %s_%s(%s_real *v, size_t n)\n{\n    size_t i;\n", n,
            bp_activation_name(act), n);
    put_c_body(E, bp_activation_def_of(act)->c_body);
    fputs("}\n\n", E->out);
}

/* Whether layers with this activation get a function (not the identity). */
static int has_function(bp_activation act)
{
    const bp_activation_def *d = bp_activation_def_of(act);
    return d && d->c_body;
}

/* Each activation the network uses, once. */
static void put_activation_functions(const exporter *E)
{
    int done[BP_ACT_COUNT] = {0};
    for (size_t l = 0; l < E->net->n_layers; l++) {
        bp_activation act = E->net->act[l];
        if (!has_function(act) || done[act]) continue;
        done[act] = 1;
        put_activation_function(E, act);
    }
}

/* The layers in turn, between two buffers; returns the buffer that holds
 * the output layer's values. */
static const char *put_forward_calls(const exporter *E)
{
    const bp_net *net = E->net;
    const char *in = "x", *buffers[2] = {"a", "b"};
    for (size_t l = 0; l < net->n_layers; l++) {
        const char *to = buffers[l % 2];
        fprintf(E->out, "    %s_layer(%s_weights%zu, %s_bias%zu, %s, %zu, %s, %zu);\n", E->name,
                E->name, l + 1, E->name, l + 1, in, net->width[l], to, net->width[l + 1]);
        if (has_function(net->act[l]))
            fprintf(E->out, "    %s_%s(%s, %zu);\n", E->name, bp_activation_name(net->act[l]), to,
                    net->width[l + 1]);
        in = to;
    }
    return in;
}

static void put_predict_function(const exporter *E)
{
    const char *n = E->name;
    FILE *out = E->out;
    int regression = bp_model_task(E->m) == BP_TASK_REGRESSION;
    if (regression) fprintf(out, "double %s(const double *features)\n{\n", n);
    else fprintf(out, "int %s(const double *features, double *probabilities)\n{\n", n);
    fprintf(out, "    %s_real x[%s_INPUTS], a[%s_WIDTH], b[%s_WIDTH];\n", n, E->upper, E->upper, E->upper);
    if (!regression) fprintf(out, "    %s_real sum = 0;\n    size_t j, best = 0;\n", n);
    fprintf(out, "    %s_encode(features, x);\n", n);
    const char *y = put_forward_calls(E);
    if (E->net->n_layers == 1) fputs("    (void)b;\n", out);
    if (regression) {
        if (E->kind == BP_SCALE_MINMAX)
            fprintf(out, "    return (double)(%s_real)(%s_target_min\n"
                         "                             + (double)%s[0] * (%s_target_max - %s_target_min));\n",
                    n, n, y, n, n);
        else if (E->kind == BP_SCALE_STANDARD)
            fprintf(out, "    return (double)(%s_real)(%s_target_mean + (double)%s[0] * %s_target_std);\n",
                    n, n, y, n);
        else
            fprintf(out, "    return (double)%s[0];\n", y);
        fputs("}\n\n", out);
        return;
    }
    fprintf(out,
            "    /* The largest output, the first on ties. */\n"
            "    for (j = 1; j < %s_CLASSES; j++)\n"
            "        if (%s[j] > %s[best]) best = j;\n"
            "    if (!probabilities) return (int)best;\n"
            "    for (j = 0; j < %s_CLASSES; j++) sum += %s[j] > 0 ? %s[j] : 0;\n"
            "    for (j = 0; j < %s_CLASSES; j++)\n"
            "        probabilities[j] = (double)(sum > 0 ? (%s[j] > 0 ? %s[j] : 0) / sum\n"
            "                                            : (%s_real)1 / (%s_real)%s_CLASSES);\n"
            "    return (int)best;\n}\n\n",
            E->upper, y, y, E->upper, y, y, E->upper, y, y, n, n, E->upper);
    fprintf(out,
            "const char *%s_class_name(int class_index)\n{\n"
            "    if (class_index < 0 || class_index >= %s_CLASSES) return NULL;\n"
            "    return %s_class_names[class_index];\n}\n\n",
            n, E->upper, n);
}

static void put_category_function(const exporter *E)
{
    const char *n = E->name;
    fprintf(E->out, "double %s_category(int feature, const char *name)\n{\n", n);
    if (!E->categorical) {
        fputs("    (void)feature;\n    (void)name;\n    return -1;\n}\n", E->out);
        return;
    }
    fprintf(E->out,
            "    unsigned long k;\n"
            "    if (feature < 0 || feature >= %s_FEATURES || !name) return -1;\n"
            "    for (k = 0; k < %s_categories[feature]; k++)\n"
            "        if (strcmp(%s_category_names[%s_first_name[feature] + k], name) == 0)\n"
            "            return (double)k;\n"
            "    return -1;\n}\n",
            E->upper, n, n, n);
}

/* ---------------------------------------------------------- the export */

static bp_status check_exportable(const exporter *E, bp_error *err)
{
    const bp_net *net = E->net;
    size_t n_params;
    const bp_real *p = bp_net_params_const(net, &n_params);
    for (size_t i = 0; i < n_params; i++)
        if (!isfinite(p[i])) return bp_error_set(err, BP_ERR_DATA, "the model has a non-finite weight");
    if (bp_scaler_features(E->features) != bp_model_features(E->m))
        return bp_error_set(err, BP_ERR_ARG, "the scaler has %zu features, the model %zu",
                            bp_scaler_features(E->features), bp_model_features(E->m));
    if ((bp_model_task(E->m) == BP_TASK_REGRESSION) != (E->target != NULL))
        return bp_error_set(err, BP_ERR_ARG, "a regression model needs its target's scaler (and only it)");
    if (E->target && bp_scaler_kind(E->target) != E->kind)
        return bp_error_set(err, BP_ERR_ARG, "the target is scaled unlike the features");
    return BP_OK;
}

static void measure(exporter *E)
{
    for (size_t c = 0; c < E->ds->n_columns; c++) {
        const bp_column *col = &E->ds->columns[c];
        if (is_feature_column(col)) E->n_columns++;
        if (col->kind == BP_COL_CATEGORICAL) E->categorical = 1;
        if (col->kind == BP_COL_NUMERIC) E->numeric = 1;
    }
    E->scales = E->numeric || !E->grouped;
    for (size_t l = 1; l <= E->net->n_layers; l++)
        if (E->net->width[l] > E->max_width) E->max_width = E->net->width[l];
    for (size_t i = 0; E->name[i] && i + 1 < sizeof E->upper; i++)
        E->upper[i] = (char)toupper((unsigned char)E->name[i]);
}

bp_status bp_model_export_c(const bp_model *m, const char *name, FILE *out, bp_error *err)
{
    const bp_scaler *features = bp_model_scaler(m), *target = bp_model_target_scaler(m);
    exporter E;
    memset(&E, 0, sizeof E);
    E.out = out;
    E.m = m;
    E.ds = bp_model_schema(m);
    E.net = bp_model_net(m);
    E.features = features;
    E.target = target;
    E.name = name ? name : "predict";
    E.kind = bp_scaler_kind(features);
    E.grouped = bp_scaler_groups(features) != NULL;
    E.is_float = sizeof(bp_real) == sizeof(float);
    bp_status st = check_name(E.name, err);
    if (st == BP_OK) st = check_exportable(&E, err);
    if (st != BP_OK) return st;
    measure(&E);
    const char *source = bp_dataset_source(E.ds), *slash = strrchr(source, '/');
    put_opening_comment(&E, slash ? slash + 1 : source);
    put_declarations(&E);
    if (E.categorical) st = put_category_tables(&E, err);
    if (st == BP_OK) st = put_scaler_tables(&E, err);
    if (st == BP_OK) st = put_layer_tables(&E, err);
    if (st != BP_OK) return st;
    put_scale_function(&E);
    put_encode_function(&E);
    put_layer_function(&E);
    put_activation_functions(&E);
    put_predict_function(&E);
    put_category_function(&E);
    if (ferror(out)) return bp_error_set(err, BP_ERR_IO, "cannot write the C source: %s", strerror(errno));
    return BP_OK;
}
