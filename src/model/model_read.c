/* Reading a model file (docs/model-format.md) as hostile input: every
 * count is checked against its limit (util/limits.h) and against the
 * file's size before anything is allocated for it, every number is
 * checked, and every error names the file and line. The lines and tokens
 * come from util/textfile.h; the sections and their meaning are here. */
#include "model/model.h"
#include "model/model_file.h"

#include "core/net.h"
#include "data/dataset.h"
#include "util/error.h"
#include "util/limits.h"
#include "util/textfile.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static bp_status read_double(bp_text_reader *R, const char *what, double *out)
{
    bp_text_token t;
    bp_status st = bp_text_need_token(R, what, &t);
    if (st != BP_OK) return st;
    if (t.quoted || !bp_csv_parse_number(t.text, t.len, out))
        return bp_text_fail(R, "%s '%.40s' is not a finite number", what, t.text);
    return BP_OK;
}

/* ------------------------------------------------------------ sections */

enum { SEC_TASK, SEC_COLUMNS, SEC_CLASSES, SEC_SCALER, SEC_NETWORK, SEC_TRAINING, SEC_END, N_SECTIONS };
static const char *const section_names[N_SECTIONS] = {"task",    "columns",  "classes", "scaler",
                                                      "network", "training", "end"};
/* The lines a section is made of (an extra one runs into the next section). */
static const char *const section_items[N_SECTIONS] = {NULL,     "column", "class", "feature",
                                                      "neuron", NULL,     NULL};

/* The sections come in one order; the first line of the next one must be
 * `expected`. */
static bp_status open_section(bp_text_reader *R, size_t expected)
{
    int eof;
    bp_status st = bp_text_next_line(R, &eof);
    if (st != BP_OK) return st;
    if (eof)
        return bp_text_fail(R, "unexpected end of file: missing section '%s' (truncated?)",
                            section_names[expected]);
    bp_text_token t;
    if ((st = bp_text_need_token(R, "section name", &t)) != BP_OK) return st;
    size_t k = 0;
    while (k < N_SECTIONS && !bp_text_is_word(&t, section_names[k])) k++;
    if (k == N_SECTIONS) {
        if (expected > 0 && section_items[expected - 1] && bp_text_is_word(&t, section_items[expected - 1]))
            return bp_text_fail(R, "more '%s' lines than section '%s' declares", t.text,
                                section_names[expected - 1]);
        return bp_text_fail(R, "unexpected '%.40s' where section '%s' was expected", t.text,
                            section_names[expected]);
    }
    if (k < expected) return bp_text_fail(R, "duplicate section '%s'", section_names[k]);
    if (k > expected)
        return bp_text_fail(R, "missing section '%s' before '%s'", section_names[expected], section_names[k]);
    return BP_OK;
}

/* What a model file has told so far. */
typedef struct loading {
    bp_task task;
    bp_dataset *schema;
    bp_strmap names;          /* column names, to refuse duplicates */
    int named;                /* the columns have names */
    bp_scaler *scaler, *target_scaler;
    bp_net *net;
    bp_model_info info;
} loading;

static void loading_free(loading *L)
{
    bp_dataset_free(L->schema);
    bp_strmap_free(&L->names);
    bp_scaler_free(L->scaler);
    bp_scaler_free(L->target_scaler);
    bp_net_free(L->net);
}

static bp_status not_a_model(bp_text_reader *R)
{
    return bp_text_fail(R, "not a backprop model file (the first line should be '%s %d')", BP_MODEL_MAGIC,
                BP_MODEL_VERSION);
}

static bp_status read_magic(bp_text_reader *R)
{
    int eof, found;
    bp_status st = bp_text_next_line(R, &eof);
    if (st == BP_ERR_DATA) return not_a_model(R); /* binary junk, most likely */
    if (st != BP_OK) return st;
    if (eof) return bp_text_fail(R, "empty file (not a backprop model)");
    bp_text_token magic, version;
    if ((st = bp_text_next_token(R, &magic, &found)) != BP_OK) return st;
    if (!found || !bp_text_is_word(&magic, BP_MODEL_MAGIC)) return not_a_model(R);
    if ((st = bp_text_need_token(R, "format version", &version)) != BP_OK) return st;
    if (!bp_text_is_word(&version, "1"))
        return bp_text_fail(R, "unsupported model format version '%.40s' (this build reads version %d)",
                    version.text, BP_MODEL_VERSION);
    return bp_text_expect_line_end(R);
}

static bp_status read_task(bp_text_reader *R, loading *L)
{
    bp_status st = open_section(R, SEC_TASK);
    bp_text_token t;
    if (st == BP_OK) st = bp_text_need_token(R, "task", &t);
    if (st != BP_OK) return st;
    if (bp_text_is_word(&t, bp_task_names[0])) L->task = BP_TASK_CLASSIFICATION;
    else if (bp_text_is_word(&t, bp_task_names[1])) L->task = BP_TASK_REGRESSION;
    else return bp_text_fail(R, "unknown task '%.40s' (expected classification or regression)", t.text);
    return bp_text_expect_line_end(R);
}

static bp_status read_categories(bp_text_reader *R, bp_column *col, size_t c)
{
    size_t n;
    bp_status st = bp_text_read_size(R, "category count", 1, BP_MAX_CATEGORIES, &n);
    if (st == BP_OK) st = bp_text_check_fits(R, "categories", n);
    if (st == BP_OK) st = bp_text_expect_line_end(R);
    for (size_t i = 0; st == BP_OK && i < n; i++) {
        const char *name;
        size_t len, index;
        if ((st = bp_text_item_line(R, "category", i, n)) != BP_OK) return st;
        if ((st = bp_text_read_string(R, "category", 0, &name, &len)) != BP_OK) return st;
        if (bp_strmap_intern(&col->categories, name, len, &index) != 0)
            return bp_error_nomem(R->err, "categories");
        if (index != i) return bp_text_fail(R, "duplicate category '%.40s' in column %zu", name, c + 1);
        st = bp_text_expect_line_end(R);
    }
    return st;
}

static bp_status read_column_kind(bp_text_reader *R, bp_column_kind *kind)
{
    bp_text_token t;
    bp_status st = bp_text_need_token(R, "column kind", &t);
    if (st != BP_OK) return st;
    for (size_t k = 0; k < sizeof bp_column_kind_names / sizeof *bp_column_kind_names; k++)
        if (bp_text_is_word(&t, bp_column_kind_names[k])) {
            *kind = (bp_column_kind)k;
            return BP_OK;
        }
    return bp_text_fail(R, "unknown column kind '%.40s' (expected numeric, categorical, target or ignored)",
                        t.text);
}

static bp_status read_column_name(bp_text_reader *R, loading *L, bp_column *col, size_t c)
{
    const char *name;
    size_t len, index;
    bp_status st = bp_text_read_string(R, "column name", 1, &name, &len);
    if (st != BP_OK) return st;
    if (c == 0) L->named = name != NULL;
    if (L->named != (name != NULL))
        return bp_text_fail(R, "column %zu %s a name but column 1 %s", c + 1, name ? "has" : "lacks",
                    L->named ? "has one" : "does not");
    if (!name) return BP_OK;
    if (bp_strmap_intern(&L->names, name, len, &index) != 0 || !(col->name = bp_copy_text(name, len)))
        return bp_error_nomem(R->err, "column names");
    if (index != c) return bp_text_fail(R, "duplicate column name '%.40s'", name);
    return BP_OK;
}

static bp_status read_column(bp_text_reader *R, loading *L, size_t c, size_t *features)
{
    bp_dataset *ds = L->schema;
    bp_column *col = &ds->columns[c];
    bp_status st = bp_text_item_line(R, "column", c, ds->n_columns);
    if (st == BP_OK) st = read_column_kind(R, &col->kind);
    if (st == BP_OK) st = read_column_name(R, L, col, c);
    if (st != BP_OK) return st;
    if (col->kind == BP_COL_TARGET) {
        if (ds->target != ds->n_columns) return bp_text_fail(R, "a second target column (column %zu)", c + 1);
        ds->target = c;
    }
    if (col->kind != BP_COL_CATEGORICAL) {
        *features += col->kind == BP_COL_NUMERIC;
        st = bp_text_expect_line_end(R);
    } else {
        st = read_categories(R, col, c);
        *features += col->categories.count;
    }
    if (st == BP_OK && *features > BP_MAX_WIDTH)
        return bp_text_fail(R, "the columns make over %zu features", BP_MAX_WIDTH);
    return st;
}

static bp_status read_columns(bp_text_reader *R, loading *L)
{
    size_t n, features = 0;
    bp_status st = open_section(R, SEC_COLUMNS);
    if (st == BP_OK) st = bp_text_read_size(R, "column count", 2, BP_MAX_COLUMNS, &n);
    if (st == BP_OK) st = bp_text_check_fits(R, "columns", n);
    if (st == BP_OK) st = bp_text_expect_line_end(R);
    if (st == BP_OK) st = bp_model_schema_new(&L->schema, R->path, L->task, n, R->err);
    for (size_t c = 0; st == BP_OK && c < n; c++) st = read_column(R, L, c, &features);
    if (st != BP_OK) return st;
    if (L->schema->target == n) return bp_text_fail(R, "no target column");
    if (features == 0) return bp_text_fail(R, "no feature columns (numeric or categorical)");
    return BP_OK;
}

static bp_status read_classes(bp_text_reader *R, loading *L)
{
    int regression = L->task == BP_TASK_REGRESSION;
    size_t n;
    bp_status st = open_section(R, SEC_CLASSES);
    if (st == BP_OK) st = bp_text_read_size(R, "class count", regression ? 0 : 1, BP_MAX_WIDTH, &n);
    if (st == BP_OK && regression && n > 0)
        return bp_text_fail(R, "a regression model has no classes, not %zu", n);
    if (st == BP_OK) st = bp_text_check_fits(R, "classes", n);
    if (st == BP_OK) st = bp_text_expect_line_end(R);
    for (size_t k = 0; st == BP_OK && k < n; k++) {
        const char *name;
        size_t len, index;
        if ((st = bp_text_item_line(R, "class", k, n)) != BP_OK) return st;
        if ((st = bp_text_read_string(R, "class label", 0, &name, &len)) != BP_OK) return st;
        if (bp_strmap_intern(&L->schema->labels, name, len, &index) != 0)
            return bp_error_nomem(R->err, "class labels");
        if (index != k) return bp_text_fail(R, "duplicate class '%.40s'", name);
        st = bp_text_expect_line_end(R);
    }
    if (st == BP_OK) st = bp_model_schema_finish(L->schema, R->err);
    return st;
}

/* "KEYWORD min max mean std", as a fitted scaler has them. */
static bp_status read_stats(bp_text_reader *R, bp_scaler_stats *s)
{
    bp_status st = read_double(R, "minimum", &s->min);
    if (st == BP_OK) st = read_double(R, "maximum", &s->max);
    if (st == BP_OK) st = read_double(R, "mean", &s->mean);
    if (st == BP_OK) st = read_double(R, "standard deviation", &s->std);
    if (st == BP_OK) st = bp_text_expect_line_end(R);
    if (st != BP_OK) return st;
    if (!(s->min <= s->max)) return bp_text_fail(R, "minimum %.17g is above maximum %.17g", s->min, s->max);
    if (!(s->std >= 0)) return bp_text_fail(R, "negative standard deviation %.17g", s->std);
    return BP_OK;
}

static bp_status read_scale_kind(bp_text_reader *R, bp_scale *kind)
{
    bp_text_token t;
    bp_status st = bp_text_need_token(R, "scaling", &t);
    if (st != BP_OK) return st;
    for (size_t k = 0; k < (size_t)BP_SCALE_COUNT; k++)
        if (bp_text_is_word(&t, bp_scale_name((bp_scale)k))) {
            *kind = (bp_scale)k;
            return BP_OK;
        }
    return bp_text_fail(R, "unknown scaling '%.40s' (expected minmax, standard or none)", t.text);
}

/* "grouped": one-hot features stay 0/1 and a missing category takes its
 * column's mode; "ungrouped": every feature is scaled alike. */
static bp_status read_grouping(bp_text_reader *R, int *grouped)
{
    bp_text_token t;
    bp_status st = bp_text_need_token(R, "grouping", &t);
    if (st != BP_OK) return st;
    *grouped = bp_text_is_word(&t, "grouped");
    if (!*grouped && !bp_text_is_word(&t, "ungrouped"))
        return bp_text_fail(R, "unknown grouping '%.40s' (expected grouped or ungrouped)", t.text);
    return BP_OK;
}

static bp_status read_scalers(bp_text_reader *R, loading *L)
{
    size_t n = 0, features = L->schema->n_features;
    bp_scale kind = BP_SCALE_NONE;
    int grouped = 0;
    bp_status st = open_section(R, SEC_SCALER);
    if (st == BP_OK) st = read_scale_kind(R, &kind);
    if (st == BP_OK) st = bp_text_read_size(R, "scaler feature count", 0, BP_MAX_WIDTH, &n);
    if (st == BP_OK) st = read_grouping(R, &grouped);
    if (st == BP_OK) st = bp_text_expect_line_end(R);
    if (st != BP_OK) return st;
    if (n != features)
        return bp_text_fail(R, "the scaler has %zu features but the columns make %zu", n, features);
    bp_scaler_stats *stats = malloc((n + 1) * sizeof *stats);
    if (!stats) return bp_error_nomem(R->err, "scaler");
    for (size_t j = 0; st == BP_OK && j < n; j++) {
        st = bp_text_item_line(R, "feature", j, n);
        if (st == BP_OK) st = read_stats(R, &stats[j]);
    }
    const size_t *groups = grouped ? L->schema->groups : NULL;
    if (st == BP_OK) st = bp_scaler_from_stats(&L->scaler, kind, stats, groups, n, R->err);
    if (st == BP_OK && L->task == BP_TASK_REGRESSION) {
        st = bp_text_item_line(R, "target", 0, 1);
        if (st == BP_OK) st = read_stats(R, &stats[0]);
        if (st == BP_OK) st = bp_scaler_from_stats(&L->target_scaler, kind, stats, NULL, 1, R->err);
    }
    free(stats);
    return st;
}

static bp_status read_activation(bp_text_reader *R, bp_activation *act)
{
    bp_text_token t;
    bp_status st = bp_text_need_token(R, "activation", &t);
    if (st != BP_OK) return st;
    if (t.quoted || bp_activation_parse(t.text, act, NULL) != BP_OK)
        return bp_text_fail(R, "unknown activation '%.40s'", t.text);
    return BP_OK;
}

/* One "layer IN OUT ACTIVATION" line; widths[l] is already known. */
static bp_status read_layer(bp_text_reader *R, size_t l, size_t n_layers, size_t *widths,
                            bp_activation *acts, size_t *params)
{
    size_t n_in, n_out, count;
    bp_status st = bp_text_item_line(R, "layer", l, n_layers);
    if (st == BP_OK) st = bp_text_read_size(R, "layer inputs", 1, BP_MAX_WIDTH, &n_in);
    if (st == BP_OK) st = bp_text_read_size(R, "layer outputs", 1, BP_MAX_WIDTH, &n_out);
    if (st == BP_OK) st = read_activation(R, &acts[l]);
    if (st == BP_OK) st = bp_text_expect_line_end(R);
    if (st != BP_OK) return st;
    if (n_in != widths[l] && l == 0)
        return bp_text_fail(R, "layer 1 has %zu inputs but the columns make %zu features", n_in, widths[0]);
    if (n_in != widths[l])
        return bp_text_fail(R, "layer %zu has %zu inputs but layer %zu has %zu outputs", l + 1,
                            n_in, l, widths[l]);
    if (acts[l] == BP_ACT_SOFTMAX && l + 1 != n_layers)
        return bp_text_fail(R, "softmax is for the output layer only (layer %zu of %zu)", l + 1, n_layers);
    widths[l + 1] = n_out;
    if (!bp_mul_size(n_in + 1, n_out, &count) || count > BP_MAX_PARAMS - *params)
        return bp_text_fail(R, "the layers have over %zu parameters", BP_MAX_PARAMS);
    *params += count;
    return BP_OK;
}

/* One "neuron w1 ... wN bias" line. */
static bp_status read_neuron(bp_text_reader *R, size_t l, size_t j, size_t n_in, bp_real *w, bp_real *bias)
{
    size_t count = 0;
    for (;;) {
        bp_text_token t;
        int found;
        bp_status st = bp_text_next_token(R, &t, &found);
        if (st != BP_OK) return st;
        if (!found) break;
        double v;
        if (t.quoted || !bp_csv_parse_number(t.text, t.len, &v) || !isfinite((bp_real)v))
            return bp_text_fail(R, "layer %zu neuron %zu: weight '%.40s' is not a finite number",
                                l + 1, j + 1, t.text);
        if (count < n_in) w[count] = (bp_real)v;
        else if (count == n_in) *bias = (bp_real)v;
        count++;
    }
    if (count != n_in + 1)
        return bp_text_fail(R, "layer %zu neuron %zu has %zu numbers, not %zu (%zu weights and a bias)",
                            l + 1, j + 1, count, n_in + 1, n_in);
    return BP_OK;
}

static bp_status read_weights(bp_text_reader *R, bp_net *net)
{
    bp_status st = BP_OK;
    for (size_t l = 0; st == BP_OK && l < net->n_layers; l++) {
        size_t index, n_in = net->width[l];
        st = bp_text_item_line(R, "weights", l, net->n_layers);
        if (st == BP_OK) st = bp_text_read_size(R, "layer number", 1, net->n_layers, &index);
        if (st == BP_OK) st = bp_text_expect_line_end(R);
        if (st == BP_OK && index != l + 1)
            st = bp_text_fail(R, "weights of layer %zu where layer %zu was expected", index, l + 1);
        bp_real *W = net->params + net->w_offset[l], *b = net->params + net->b_offset[l];
        for (size_t j = 0; st == BP_OK && j < net->width[l + 1]; j++) {
            st = bp_text_item_line(R, "neuron", j, net->width[l + 1]);
            if (st == BP_OK) st = read_neuron(R, l, j, n_in, W + j * n_in, b + j);
        }
    }
    return st;
}

static bp_status read_network(bp_text_reader *R, loading *L)
{
    size_t n_layers, declared, params = 0;
    bp_status st = open_section(R, SEC_NETWORK);
    if (st == BP_OK) st = bp_text_read_size(R, "layer count", 1, BP_MAX_LAYERS, &n_layers);
    if (st == BP_OK) st = bp_text_read_size(R, "parameter count", 2, BP_MAX_PARAMS, &declared);
    if (st == BP_OK) st = bp_text_check_fits(R, "parameters", declared);
    if (st == BP_OK) st = bp_text_expect_line_end(R);
    if (st != BP_OK) return st;
    size_t widths[BP_MAX_LAYERS + 1];
    bp_activation acts[BP_MAX_LAYERS];
    widths[0] = L->schema->n_features;
    for (size_t l = 0; l < n_layers; l++)
        if ((st = read_layer(R, l, n_layers, widths, acts, &params)) != BP_OK) return st;
    size_t n_out = bp_model_outputs(L->schema);
    if (widths[n_layers] != n_out)
        return bp_text_fail(R, "the output layer has %zu neurons but the model needs %zu",
                            widths[n_layers], n_out);
    if (params != declared)
        return bp_text_fail(R, "the layers have %zu parameters, not the %zu declared", params, declared);
    if ((st = bp_net_create(&L->net, n_layers, widths, acts, R->err)) != BP_OK) return st;
    return read_weights(R, L->net);
}

/* ----------------------------------------------- the training record */

static bp_status read_enum_setting(bp_text_reader *R, const bp_model_setting *s, const bp_text_token *t,
                                   void *p)
{
    bp_status st = BP_ERR_DATA;
    if (!t->quoted) switch (s->type) {
        case BP_SET_INIT: st = bp_init_parse(t->text, p, NULL); break;
        case BP_SET_LOSS: st = bp_loss_parse(t->text, p, NULL); break;
        case BP_SET_OPTIMIZER: st = bp_optimizer_parse(t->text, p, NULL); break;
        case BP_SET_SCHEDULE: st = bp_schedule_parse(t->text, p, NULL); break;
        default: break;
        }
    return st == BP_OK ? BP_OK : bp_text_fail(R, "unknown %s '%.40s'", s->name, t->text);
}

static bp_status read_seed(bp_text_reader *R, char *seed, size_t size)
{
    const char *text;
    size_t len;
    bp_status st = bp_text_read_string(R, "seed", 0, &text, &len);
    if (st != BP_OK) return st;
    int digits = len < size;
    for (size_t i = 0; digits && i < len; i++) digits = text[i] >= '0' && text[i] <= '9';
    if (!digits) return bp_text_fail(R, "seed must be a non-negative integer of under %zu digits", size);
    memcpy(seed, text, len + 1);
    return BP_OK;
}

static bp_status read_text(bp_text_reader *R, const char *what, char *out, size_t size)
{
    const char *text;
    size_t len;
    bp_status st = bp_text_read_string(R, what, 0, &text, &len);
    if (st != BP_OK) return st;
    if (len >= size) return bp_text_fail(R, "%s is longer than %zu bytes", what, size - 1);
    memcpy(out, text, len + 1);
    return BP_OK;
}

static bp_status read_setting_value(bp_text_reader *R, const bp_model_setting *s, bp_model_info *info)
{
    void *p = (char *)info + s->offset;
    bp_text_token t;
    size_t v;
    bp_status st;
    switch (s->type) {
    case BP_SET_DOUBLE: return read_double(R, s->name, p);
    case BP_SET_SIZE: return bp_text_read_size(R, s->name, 0, (size_t)-1 / 2, p);
    case BP_SET_SEED: return read_seed(R, p, sizeof info->seed);
    case BP_SET_TEXT: return read_text(R, s->name, p, sizeof info->class_weight);
    case BP_SET_FLAG:
        if ((st = bp_text_read_size(R, s->name, 0, 1, &v)) == BP_OK) *(int *)p = (int)v;
        return st;
    default:
        if ((st = bp_text_need_token(R, s->name, &t)) != BP_OK) return st;
        return read_enum_setting(R, s, &t, p);
    }
}

static bp_status read_training(bp_text_reader *R, loading *L)
{
    size_t n = 0;
    unsigned char seen[BP_MODEL_N_SETTINGS] = {0};
    bp_status st = open_section(R, SEC_TRAINING);
    if (st == BP_OK) st = bp_text_read_size(R, "setting count", 0, BP_MODEL_N_SETTINGS, &n);
    if (st == BP_OK) st = bp_text_expect_line_end(R);
    bp_train_defaults(&L->info.train);
    L->info.train_accuracy = NAN;
    L->info.final_loss = NAN;
    L->info.trained = n > 0;
    for (size_t i = 0; st == BP_OK && i < n; i++) {
        int eof;
        bp_text_token key;
        if ((st = bp_text_next_line(R, &eof)) != BP_OK) return st;
        if (eof)
            return bp_text_fail(R, "unexpected end of file: %zu of %zu training settings (truncated?)", i, n);
        if ((st = bp_text_need_token(R, "training setting", &key)) != BP_OK) return st;
        size_t k = 0;
        while (k < BP_MODEL_N_SETTINGS && !bp_text_is_word(&key, bp_model_settings[k].name)) k++;
        if (k == BP_MODEL_N_SETTINGS) return bp_text_fail(R, "unknown training setting '%.40s'", key.text);
        if (seen[k]++) return bp_text_fail(R, "duplicate training setting '%s'", bp_model_settings[k].name);
        st = read_setting_value(R, &bp_model_settings[k], &L->info);
        if (st == BP_OK) st = bp_text_expect_line_end(R);
    }
    return st;
}

static bp_status read_end(bp_text_reader *R)
{
    int eof;
    bp_status st = open_section(R, SEC_END);
    if (st == BP_OK) st = bp_text_expect_line_end(R);
    if (st == BP_OK) st = bp_text_next_line(R, &eof);
    if (st == BP_OK && !eof) return bp_text_fail(R, "unexpected data after 'end'");
    return st;
}

static bp_status read_model(bp_text_reader *R, loading *L)
{
    bp_status st = read_magic(R);
    if (st == BP_OK) st = read_task(R, L);
    if (st == BP_OK) st = read_columns(R, L);
    if (st == BP_OK) st = read_classes(R, L);
    if (st == BP_OK) st = read_scalers(R, L);
    if (st == BP_OK) st = read_network(R, L);
    if (st == BP_OK) st = read_training(R, L);
    if (st == BP_OK) st = read_end(R);
    return st;
}

/* The file, opened for a reader that names it in every message. */
static bp_status open_model_file(bp_text_reader *R, FILE **f, const char *path, bp_error *err)
{
    *f = fopen(path, "rb");
    if (!*f) return bp_error_set(err, BP_ERR_IO, "cannot open model %s: %s", path, strerror(errno));
    bp_text_init(R, *f, path, "model file", err);
    if (R->is_directory)
        return bp_error_set(err, BP_ERR_IO, "cannot read model %s: it is a directory", path);
    return BP_OK;
}

bp_status bp_model_load(bp_model **out, const char *path, bp_error *err)
{
    *out = NULL;
    bp_text_reader R = {0};
    FILE *f = NULL;
    loading L = {0};
    bp_strmap_init(&L.names);
    bp_status st = open_model_file(&R, &f, path, err);
    if (st == BP_OK) st = read_model(&R, &L);
    if (st == BP_OK) {
        st = bp_model_assemble(out, L.schema, L.net, L.scaler, L.target_scaler, err);
        L.schema = NULL;
        L.net = NULL;
        L.scaler = L.target_scaler = NULL;
        if (st == BP_OK) (*out)->info = L.info;
    }
    loading_free(&L);
    bp_text_free(&R);
    if (f) fclose(f);
    return st;
}
