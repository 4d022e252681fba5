/* Models: a trained network with its scaler and column schema, so that a
 * raw CSV row can be turned into a prediction. The model file format is
 * described in docs/model-format.md: line-oriented text, written atomically
 * and read as hostile input (every count is bounded before anything is
 * allocated, every number is checked). */
#include "fast/batch.h"
#include "model/model.h"
#include "train/train.h"

#include "data/dataset.h"
#include "util/error.h"
#include "core/net.h"
#include "util/limits.h"
#include "util/textfile.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FORMAT_MAGIC "backprop-model"
#define FORMAT_VERSION 1

/* What a model file may declare (util/limits.h): anything larger is refused
 * before memory is allocated for it. */

static const char *const column_kind_names[] = {"numeric", "categorical", "target", "ignored"};
static const char *const task_names[] = {"classification", "regression"};

int bp_column_is_feature(const bp_column *col)
{
    return col->kind == BP_COL_NUMERIC || col->kind == BP_COL_CATEGORICAL;
}

static size_t n_outputs_of(const bp_dataset *schema)
{
    return schema->task == BP_TASK_REGRESSION ? 1 : schema->n_classes;
}

/* ============================================================ schema */

/* An empty schema of n columns (kinds and names to be set). */
static bp_status schema_new(bp_dataset **out, const char *source, bp_task task, size_t n_columns,
                            bp_error *err)
{
    bp_dataset *ds = calloc(1, sizeof *ds);
    if (!ds) return bp_error_nomem(err, "model schema");
    bp_strmap_init(&ds->labels);
    ds->task = task;
    ds->source = bp_copy_text(source, strlen(source));
    ds->columns = calloc(n_columns ? n_columns : 1, sizeof *ds->columns);
    if (!ds->source || !ds->columns) {
        bp_dataset_free(ds);
        return bp_error_nomem(err, "model schema");
    }
    ds->n_columns = n_columns;
    ds->target = n_columns; /* none yet */
    for (size_t c = 0; c < n_columns; c++) {
        bp_strmap_init(&ds->columns[c].categories);
        ds->columns[c].kind = BP_COL_IGNORED;
    }
    *out = ds;
    return BP_OK;
}

/* Feature offsets and the class arrays, once columns and labels are in. */
static bp_status schema_finish(bp_dataset *ds, bp_error *err)
{
    bp_status st = bp_dataset_place_features(ds, err);
    if (st != BP_OK) return st;
    size_t k = ds->labels.count;
    ds->class_names = malloc((k ? k : 1) * sizeof *ds->class_names);
    ds->class_of_label = malloc((k ? k : 1) * sizeof *ds->class_of_label);
    if (!ds->class_names || !ds->class_of_label) return bp_error_nomem(err, "class labels");
    /* Labels were interned in class order, so label index = class index. */
    for (size_t i = 0; i < k; i++) {
        ds->class_names[i] = ds->labels.names[i];
        ds->class_of_label[i] = i;
    }
    ds->n_classes = k;
    return BP_OK;
}

static bp_status copy_column(bp_column *to, const bp_column *from, bp_error *err)
{
    to->kind = from->kind;
    if (from->name && !(to->name = bp_copy_text(from->name, strlen(from->name))))
        return bp_error_nomem(err, "column names");
    if (from->kind != BP_COL_CATEGORICAL) return BP_OK;
    for (size_t i = 0; i < from->categories.count; i++) {
        const char *name = from->categories.names[i];
        size_t index;
        if (bp_strmap_intern(&to->categories, name, strlen(name), &index) != 0)
            return bp_error_nomem(err, "categories");
    }
    return BP_OK;
}

/* The schema of a loaded dataset, without its rows. */
static bp_status schema_copy(bp_dataset **out, const bp_dataset *src, bp_error *err)
{
    bp_dataset *ds;
    bp_status st = schema_new(&ds, "model", src->task, src->n_columns, err);
    for (size_t c = 0; st == BP_OK && c < src->n_columns; c++)
        st = copy_column(&ds->columns[c], &src->columns[c], err);
    for (size_t k = 0; st == BP_OK && k < src->n_classes; k++) {
        size_t index;
        if (bp_strmap_intern(&ds->labels, src->class_names[k], strlen(src->class_names[k]), &index) != 0)
            st = bp_error_nomem(err, "class labels");
    }
    if (st == BP_OK) {
        ds->target = src->target;
        st = schema_finish(ds, err);
    }
    if (st != BP_OK) {
        bp_dataset_free(ds);
        return st;
    }
    *out = ds;
    return BP_OK;
}

/* ============================================================= model */

void bp_model_defaults(bp_model_options *o)
{
    memset(o, 0, sizeof *o);
    bp_cv_options cv;
    bp_cv_defaults(&cv);
    o->net = cv.net;
    o->train = cv.train;
    o->scale = BP_SCALE_MINMAX;
}

void bp_model_free(bp_model *m)
{
    if (!m) return;
    bp_dataset_free(m->schema);
    bp_net_free(m->net);
    bp_scaler_free(m->scaler);
    bp_scaler_free(m->target_scaler);
    free(m->row);
    free(m->proba);
    free(m->where);
    free(m->fields);
    free(m);
}

static bp_status clone_scaler(bp_scaler **out, const bp_scaler *s, bp_error *err)
{
    size_t n = bp_scaler_features(s);
    bp_scaler_stats *stats = malloc((n ? n : 1) * sizeof *stats);
    if (!stats) return bp_error_nomem(err, "scaler");
    for (size_t j = 0; j < n; j++) stats[j] = bp_scaler_get_stats(s, j);
    bp_status st = bp_scaler_from_stats(out, bp_scaler_kind(s), stats, bp_scaler_groups(s), n, err);
    free(stats);
    return st;
}

/* The parts must fit together: widths, feature and class counts. */
static bp_status check_parts(const bp_dataset *schema, const bp_net *net, const bp_scaler *scaler,
                             const bp_scaler *target_scaler, bp_error *err)
{
    size_t n_out = n_outputs_of(schema);
    if (schema->task == BP_TASK_CLASSIFICATION && schema->n_classes == 0)
        return bp_error_set(err, BP_ERR_ARG, "a classification model needs classes");
    if (net->width[0] != schema->n_features || net->width[net->n_layers] != n_out)
        return bp_error_set(err, BP_ERR_ARG,
                            "the network has %zu inputs and %zu outputs; the data needs %zu and %zu",
                            net->width[0], net->width[net->n_layers], schema->n_features, n_out);
    if (bp_scaler_features(scaler) != schema->n_features)
        return bp_error_set(err, BP_ERR_ARG, "the scaler has %zu features; the data has %zu",
                            bp_scaler_features(scaler), schema->n_features);
    const size_t *groups = bp_scaler_groups(scaler);
    size_t group_bytes = schema->n_features * sizeof *groups;
    if (groups && (!schema->groups || memcmp(groups, schema->groups, group_bytes) != 0))
        return bp_error_set(err, BP_ERR_ARG,
                            "the scaler's one-hot groups are not the data's categorical columns");
    if ((schema->task == BP_TASK_REGRESSION) != (target_scaler != NULL) ||
        (target_scaler && bp_scaler_features(target_scaler) != 1))
        return bp_error_set(err, BP_ERR_ARG, "a regression model needs a one-value target scaler, "
                                             "a classification model none");
    return BP_OK;
}

static bp_status allocate_buffers(bp_model *m, bp_error *err)
{
    size_t n_columns = m->schema->n_columns;
    m->row = malloc((m->schema->n_features + 1) * sizeof *m->row);
    m->proba = malloc((m->schema->n_classes + 1) * sizeof *m->proba);
    m->where = malloc((n_columns + 1) * sizeof *m->where);
    m->fields = calloc(n_columns + 1, sizeof *m->fields);
    if (!m->row || !m->proba || !m->where || !m->fields) return bp_error_nomem(err, "model");
    return BP_OK;
}

/* Takes ownership of the parts (freed on failure too). */
static bp_status assemble(bp_model **out, bp_dataset *schema, bp_net *net, bp_scaler *scaler,
                          bp_scaler *target_scaler, bp_error *err)
{
    *out = NULL;
    bp_model *m = calloc(1, sizeof *m);
    if (!m) {
        bp_dataset_free(schema);
        bp_net_free(net);
        bp_scaler_free(scaler);
        bp_scaler_free(target_scaler);
        return bp_error_nomem(err, "model");
    }
    m->schema = schema;
    m->net = net;
    m->scaler = scaler;
    m->target_scaler = target_scaler;
    m->info.train_accuracy = NAN;
    bp_status st = check_parts(schema, net, scaler, target_scaler, err);
    if (st == BP_OK) st = allocate_buffers(m, err);
    if (st != BP_OK) {
        bp_model_free(m);
        return st;
    }
    *out = m;
    return BP_OK;
}

bp_status bp_model_create(bp_model **out, const bp_dataset *ds, const bp_net *net,
                          const bp_scaler *scaler, const bp_scaler *target_scaler, bp_error *err)
{
    *out = NULL;
    if (!ds || !net || !scaler) return bp_error_set(err, BP_ERR_ARG, "bp_model_create: missing part");
    bp_dataset *schema = NULL;
    bp_net *net_copy = NULL;
    bp_scaler *scaler_copy = NULL, *target_copy = NULL;
    bp_status st = schema_copy(&schema, ds, err);
    if (st == BP_OK) st = bp_net_clone(&net_copy, net, err);
    if (st == BP_OK) st = clone_scaler(&scaler_copy, scaler, err);
    if (st == BP_OK && target_scaler) st = clone_scaler(&target_copy, target_scaler, err);
    if (st != BP_OK) {
        bp_dataset_free(schema);
        bp_net_free(net_copy);
        bp_scaler_free(scaler_copy);
        return st;
    }
    return assemble(out, schema, net_copy, scaler_copy, target_copy, err);
}

/* ---------------------------------------------------------- training */

/* Remembers the last epoch's report and passes every report on. */
typedef struct epoch_watch {
    bp_epoch_fn user_fn;
    void *user;
    bp_epoch_report last;
    int seen;
} epoch_watch;

static int watch_epoch(void *user, const bp_epoch_report *report)
{
    epoch_watch *w = user;
    w->last = *report;
    w->seen = 1;
    return w->user_fn ? w->user_fn(w->user, report) : 0;
}

/* Everything a training run allocates besides the model. */
typedef struct training_run {
    bp_scaler *scaler, *target_scaler;
    bp_real *x, *y;  /* scaled features and (regression) targets */
    int x_borrowed;  /* x is the dataset's own matrix, scaled in place */
    bp_net *net;
} training_run;

static void training_run_free(training_run *run)
{
    bp_scaler_free(run->scaler);
    bp_scaler_free(run->target_scaler);
    if (!run->x_borrowed) free(run->x);
    free(run->y);
    bp_net_free(run->net);
}

static bp_status check_trainable(const bp_dataset *ds, bp_error *err)
{
    if (ds->n_rows == 0) return bp_error_set(err, BP_ERR_DATA, "%s: no data rows", ds->source);
    if (ds->task == BP_TASK_CLASSIFICATION && ds->n_classes < 2)
        return bp_error_set(err, BP_ERR_DATA, "%s: only one class ('%s'): nothing to learn",
                            ds->source, ds->n_classes ? ds->class_names[0] : "");
    return BP_OK;
}

/* Scalers fitted on every training row, and the rows as they scale. */
static bp_status scale_training_rows(training_run *run, const bp_dataset *ds, bp_real *in_place,
                                     bp_scale kind, const size_t *rows, size_t n_rows, bp_error *err)
{
    size_t cells;
    if (!bp_mul_size(ds->n_rows, ds->n_features, &cells) || cells > ((size_t)-1) / sizeof *run->x)
        return bp_error_nomem(err, "scaled features");
    bp_status st = bp_scaler_fit_grouped(&run->scaler, kind, ds->x, ds->n_features, ds->groups, rows,
                                         n_rows, err);
    if (st != BP_OK) return st;
    run->x_borrowed = in_place != NULL;
    run->x = in_place ? in_place : malloc(cells * sizeof *run->x + 1);
    if (!run->x) return bp_error_nomem(err, "scaled features");
    bp_scaler_apply(run->scaler, ds->x, run->x, ds->n_rows);
    if (ds->task != BP_TASK_REGRESSION) return BP_OK;
    st = bp_scaler_fit(&run->target_scaler, kind, ds->y, 1, rows, n_rows, err);
    if (st != BP_OK) return st;
    run->y = malloc(ds->n_rows * sizeof *run->y + 1);
    if (!run->y) return bp_error_nomem(err, "scaled targets");
    bp_scaler_apply(run->target_scaler, ds->y, run->y, ds->n_rows);
    return BP_OK;
}

typedef struct accuracy_count {
    const bp_dataset *ds;
    const size_t *rows;
    size_t n_out, correct;
} accuracy_count;

static void count_correct(void *ctx, size_t k, const bp_real *out)
{
    accuracy_count *a = ctx;
    size_t r = a->rows ? a->rows[k] : k;
    a->correct += bp_argmax(out, a->n_out) == a->ds->label[r];
}

/* Accuracy on the training rows. A model trained in mini-batches is scored
 * through the matrix kernels too; online training keeps the tutorial's
 * one-row arithmetic, so the figure equals what `eval` finds row by row. */
static double training_accuracy(training_run *run, const bp_dataset *ds, const size_t *rows,
                                size_t n_rows, const bp_train_options *train)
{
    if (ds->task == BP_TASK_REGRESSION) return NAN;
    accuracy_count a = {ds, rows, ds->n_classes, 0};
    bp_error err;
    if (train->batch_size == 1 ||
        bp_batch_predict(run->net, run->x, rows, n_rows, train->threads, count_correct, &a, &err) != BP_OK) {
        a.correct = 0;
        for (size_t k = 0; k < n_rows; k++)
            count_correct(&a, k, bp_net_forward(run->net, run->x + (rows ? rows[k] : k) * ds->n_features));
    }
    return (double)a.correct / (double)n_rows * 100.0;
}

/* The settings that shape the trained weights (not callbacks, files or
 * the thread count, which do not). */
static void record_train_options(bp_train_options *to, const bp_train_options *from)
{
    bp_train_defaults(to);
    to->learning_rate = from->learning_rate;
    to->epochs = from->epochs;
    to->batch_size = from->batch_size;
    to->loss = from->loss;
    to->shuffle = from->shuffle;
    to->optimizer = from->optimizer;
    to->momentum = from->momentum;
    to->beta1 = from->beta1;
    to->beta2 = from->beta2;
    to->epsilon = from->epsilon;
    to->l2 = from->l2;
    to->schedule = from->schedule;
    to->decay = from->decay;
    to->step_epochs = from->step_epochs;
    to->validation = from->validation;
    to->patience = from->patience;
}

static void record_training(bp_model_info *info, const bp_model_options *o, const bp_dataset *ds,
                            const epoch_watch *watch, double accuracy)
{
    info->trained = 1;
    record_train_options(&info->train, &o->train);
    info->init = o->net.init;
    if (o->seed && strlen(o->seed) < sizeof info->seed) strcpy(info->seed, o->seed);
    info->rows = o->rows ? o->n_rows : ds->n_rows;
    info->epochs_run = watch->seen ? watch->last.epoch + 1 : 0;
    info->final_loss = watch->seen ? watch->last.loss : NAN;
    info->train_accuracy = accuracy;
}

/* Trains a model; with in_place, the dataset's own features are scaled
 * instead of a copy of them. */
static bp_status train_model(bp_model **out, const bp_dataset *ds, bp_real *in_place,
                             const bp_model_options *o, bp_rng *rng, bp_error *err)
{
    *out = NULL;
    bp_model_options defaults;
    if (!o) {
        bp_model_defaults(&defaults);
        o = &defaults;
    }
    training_run run = {0};
    bp_status st = check_trainable(ds, err);
    if (st == BP_OK)
        st = bp_check_spec(&o->net, ds->n_features, n_outputs_of(ds), ds->n_rows, &o->train, err);
    const size_t *rows = o->rows;
    size_t n_rows = rows ? o->n_rows : ds->n_rows;
    if (st == BP_OK && rows && (n_rows == 0 || n_rows > ds->n_rows))
        st = bp_error_set(err, BP_ERR_ARG, "%zu training rows of %zu", n_rows, ds->n_rows);
    for (size_t k = 0; st == BP_OK && rows && k < n_rows; k++)
        if (rows[k] >= ds->n_rows) st = bp_error_set(err, BP_ERR_ARG, "training row %zu out of range", rows[k]);
    if (st == BP_OK) st = scale_training_rows(&run, ds, in_place, o->scale, rows, n_rows, err);
    if (st == BP_OK) st = bp_net_from_spec(&run.net, &o->net, ds->n_features, n_outputs_of(ds), err);
    epoch_watch watch = {o->train.on_epoch, o->train.user, {0}, 0};
    if (st == BP_OK) {
        bp_net_init(run.net, o->net.init, rng);
        bp_train_options train = o->train;
        train.on_epoch = watch_epoch;
        train.user = &watch;
        bp_samples s = bp_dataset_samples(ds);
        s.x = run.x;
        s.y = run.y;
        s.rows = rows;
        s.n_rows = n_rows;
        st = bp_train(run.net, &s, &train, rng, err);
    }
    if (st == BP_OK) st = bp_model_create(out, ds, run.net, run.scaler, run.target_scaler, err);
    if (st == BP_OK) record_training(&(*out)->info, o, ds, &watch, training_accuracy(&run, ds, rows, n_rows, &o->train));
    training_run_free(&run);
    return st;
}

bp_status bp_model_train(bp_model **out, const bp_dataset *ds, const bp_model_options *o,
                         bp_rng *rng, bp_error *err)
{
    return train_model(out, ds, NULL, o, rng, err);
}

bp_status bp_model_train_in_place(bp_model **out, bp_dataset *ds, const bp_model_options *o,
                                  bp_rng *rng, bp_error *err)
{
    return train_model(out, ds, ds->x, o, rng, err);
}

/* --------------------------------------------------------- accessors */

bp_task bp_model_task(const bp_model *m) { return m->schema->task; }
size_t bp_model_classes(const bp_model *m) { return m->schema->n_classes; }
size_t bp_model_columns(const bp_model *m) { return m->schema->n_columns; }
size_t bp_model_target(const bp_model *m) { return m->schema->target; }
size_t bp_model_features(const bp_model *m) { return m->schema->n_features; }
const bp_net *bp_model_net(const bp_model *m) { return m->net; }
const bp_dataset *bp_model_schema(const bp_model *m) { return m->schema; }
const bp_model_info *bp_model_get_info(const bp_model *m) { return &m->info; }

const bp_scaler *bp_model_scaler(const bp_model *m) { return m->scaler; }
const bp_scaler *bp_model_target_scaler(const bp_model *m) { return m->target_scaler; }

const char *bp_model_class_name(const bp_model *m, size_t k)
{
    return k < m->schema->n_classes ? m->schema->class_names[k] : NULL;
}

const char *bp_model_column_name(const bp_model *m, size_t c)
{
    return c < m->schema->n_columns ? m->schema->columns[c].name : NULL;
}

/* ============================================================ writing */

/* A string in double quotes; bytes that would break the line are escaped. */
static void put_string(FILE *f, const char *s)
{
    if (!s) {
        fputs(" -", f);
        return;
    }
    fputs(" \"", f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') fprintf(f, "\\%c", *p);
        else if (*p == '\n') fputs("\\n", f);
        else if (*p == '\r') fputs("\\r", f);
        else if (*p == '\t') fputs("\\t", f);
        else if (*p < 0x20 || *p == 0x7f) fprintf(f, "\\x%02x", *p);
        else putc(*p, f);
    }
    putc('"', f);
}

/* Every number reads back to the same bits: 17 significant digits for a
 * double, 9 for a float. */
static void put_real(FILE *f, bp_real v)
{
#ifdef BP_REAL_FLOAT
    fprintf(f, " %.9g", (double)v);
#else
    fprintf(f, " %.17g", v);
#endif
}

static void put_double(FILE *f, double v) { fprintf(f, " %.17g", v); }

/* Settings read better in their shortest exact form (0.3, not 0.29999...). */
static void put_setting(FILE *f, double v)
{
    char buf[40];
    bp_format_double(buf, sizeof buf, v);
    fprintf(f, " %s", buf);
}

static int string_fits(const char *s) { return !s || strlen(s) <= BP_MAX_STRING; }

/* A model that could not be read back is refused before any byte is written. */
static bp_status check_savable(const bp_model *m, bp_error *err)
{
    const bp_dataset *ds = m->schema;
    for (size_t c = 0; c < ds->n_columns; c++) {
        const bp_column *col = &ds->columns[c];
        if (!string_fits(col->name))
            return bp_error_set(err, BP_ERR_ARG, "column %zu: name longer than %zu bytes", c + 1, BP_MAX_STRING);
        for (size_t i = 0; i < col->categories.count; i++)
            if (!string_fits(col->categories.names[i]))
                return bp_error_set(err, BP_ERR_ARG, "column %zu: a category longer than %zu bytes",
                                    c + 1, BP_MAX_STRING);
    }
    for (size_t k = 0; k < ds->n_classes; k++)
        if (!string_fits(ds->class_names[k]) || !*ds->class_names[k])
            return bp_error_set(err, BP_ERR_ARG, "class %zu: an empty label or one longer than %zu bytes",
                                k + 1, BP_MAX_STRING);
    /* The network is within the file's limits already: bp_net_create makes
     * no larger one. */
    if (ds->n_columns > BP_MAX_COLUMNS || ds->n_classes > BP_MAX_WIDTH)
        return bp_error_set(err, BP_ERR_ARG, "the model is too large for the model file format");
    for (size_t i = 0; i < m->net->n_params; i++)
        if (!isfinite(m->net->params[i]))
            return bp_error_set(err, BP_ERR_NUMERIC, "the network has a non-finite weight: not saved");
    return BP_OK;
}

static void write_columns(FILE *f, const bp_dataset *ds)
{
    fprintf(f, "columns %zu\n", ds->n_columns);
    for (size_t c = 0; c < ds->n_columns; c++) {
        const bp_column *col = &ds->columns[c];
        fprintf(f, "column %s", column_kind_names[col->kind]);
        put_string(f, col->name);
        if (col->kind != BP_COL_CATEGORICAL) {
            putc('\n', f);
            continue;
        }
        fprintf(f, " %zu\n", col->categories.count);
        for (size_t i = 0; i < col->categories.count; i++) {
            fputs("category", f);
            put_string(f, col->categories.names[i]);
            putc('\n', f);
        }
    }
    fprintf(f, "classes %zu\n", ds->n_classes);
    for (size_t k = 0; k < ds->n_classes; k++) {
        fputs("class", f);
        put_string(f, ds->class_names[k]);
        putc('\n', f);
    }
}

static void write_stats(FILE *f, const char *keyword, bp_scaler_stats s)
{
    fputs(keyword, f);
    put_double(f, s.min);
    put_double(f, s.max);
    put_double(f, s.mean);
    put_double(f, s.std);
    putc('\n', f);
}

static void write_scalers(FILE *f, const bp_model *m)
{
    size_t n = bp_scaler_features(m->scaler);
    fprintf(f, "scaler %s %zu %s\n", bp_scale_name(bp_scaler_kind(m->scaler)), n,
            bp_scaler_groups(m->scaler) ? "grouped" : "ungrouped");
    for (size_t j = 0; j < n; j++) write_stats(f, "feature", bp_scaler_get_stats(m->scaler, j));
    if (m->target_scaler) write_stats(f, "target", bp_scaler_get_stats(m->target_scaler, 0));
}

static void write_network(FILE *f, const bp_net *net)
{
    fprintf(f, "network %zu %zu\n", net->n_layers, net->n_params);
    for (size_t l = 0; l < net->n_layers; l++)
        fprintf(f, "layer %zu %zu %s\n", net->width[l], net->width[l + 1], bp_activation_name(net->act[l]));
    for (size_t l = 0; l < net->n_layers; l++) {
        size_t n_in = net->width[l];
        const bp_real *W = net->params + net->w_offset[l], *b = net->params + net->b_offset[l];
        fprintf(f, "weights %zu\n", l + 1);
        for (size_t j = 0; j < net->width[l + 1]; j++) {
            fputs("neuron", f);
            for (size_t i = 0; i < n_in; i++) put_real(f, W[j * n_in + i]);
            put_real(f, b[j]);
            putc('\n', f);
        }
    }
}

/* ---------------------------------------------- the training record */

typedef enum setting_type {
    SET_DOUBLE, SET_SIZE, SET_FLAG, SET_SEED, SET_INIT, SET_LOSS, SET_OPTIMIZER, SET_SCHEDULE
} setting_type;

typedef struct setting {
    const char *name;
    setting_type type;
    size_t offset; /* in bp_model_info */
} setting;

#define INFO(member) offsetof(bp_model_info, member)

static const setting settings[] = {
    {"seed", SET_SEED, INFO(seed)},
    {"init", SET_INIT, INFO(init)},
    {"learning_rate", SET_DOUBLE, INFO(train.learning_rate)},
    {"epochs", SET_SIZE, INFO(train.epochs)},
    {"batch_size", SET_SIZE, INFO(train.batch_size)},
    {"loss", SET_LOSS, INFO(train.loss)},
    {"shuffle", SET_FLAG, INFO(train.shuffle)},
    {"optimizer", SET_OPTIMIZER, INFO(train.optimizer)},
    {"momentum", SET_DOUBLE, INFO(train.momentum)},
    {"beta1", SET_DOUBLE, INFO(train.beta1)},
    {"beta2", SET_DOUBLE, INFO(train.beta2)},
    {"epsilon", SET_DOUBLE, INFO(train.epsilon)},
    {"l2", SET_DOUBLE, INFO(train.l2)},
    {"schedule", SET_SCHEDULE, INFO(train.schedule)},
    {"decay", SET_DOUBLE, INFO(train.decay)},
    {"step_epochs", SET_SIZE, INFO(train.step_epochs)},
    {"validation", SET_DOUBLE, INFO(train.validation)},
    {"patience", SET_SIZE, INFO(train.patience)},
    {"rows", SET_SIZE, INFO(rows)},
    {"epochs_run", SET_SIZE, INFO(epochs_run)},
    {"final_loss", SET_DOUBLE, INFO(final_loss)},
    {"train_accuracy", SET_DOUBLE, INFO(train_accuracy)},
};
enum { N_SETTINGS = sizeof settings / sizeof *settings };

/* A setting is written when it is known: not an empty seed, not NaN. */
static int setting_known(const bp_model_info *info, const setting *s)
{
    const char *p = (const char *)info + s->offset;
    if (s->type == SET_SEED) return p[0] != '\0';
    if (s->type == SET_DOUBLE) return isfinite(*(const double *)(const void *)p);
    return 1;
}

static void write_setting(FILE *f, const bp_model_info *info, const setting *s)
{
    const void *p = (const char *)info + s->offset;
    fputs(s->name, f);
    switch (s->type) {
    case SET_DOUBLE: put_setting(f, *(const double *)p); break;
    case SET_SIZE: fprintf(f, " %zu", *(const size_t *)p); break;
    case SET_FLAG: fprintf(f, " %d", *(const int *)p != 0); break;
    case SET_SEED: put_string(f, (const char *)p); break;
    case SET_INIT: fprintf(f, " %s", bp_init_name(*(const bp_init *)p)); break;
    case SET_LOSS: fprintf(f, " %s", bp_loss_name(*(const bp_loss *)p)); break;
    case SET_OPTIMIZER: fprintf(f, " %s", bp_optimizer_name(*(const bp_optimizer *)p)); break;
    case SET_SCHEDULE: fprintf(f, " %s", bp_schedule_name(*(const bp_schedule *)p)); break;
    }
    putc('\n', f);
}

static void write_training(FILE *f, const bp_model_info *info)
{
    size_t n = 0;
    for (size_t i = 0; info->trained && i < N_SETTINGS; i++) n += (size_t)setting_known(info, &settings[i]);
    fprintf(f, "training %zu\n", n);
    for (size_t i = 0; info->trained && i < N_SETTINGS; i++)
        if (setting_known(info, &settings[i])) write_setting(f, info, &settings[i]);
}

static void write_model(FILE *f, const bp_model *m)
{
    fprintf(f, "%s %d\n", FORMAT_MAGIC, FORMAT_VERSION);
    fprintf(f, "task %s\n", task_names[m->schema->task]);
    write_columns(f, m->schema);
    write_scalers(f, m);
    write_network(f, m->net);
    write_training(f, &m->info);
    fputs("end\n", f);
}

bp_status bp_model_save(const bp_model *m, const char *path, bp_error *err)
{
    bp_status st = check_savable(m, err);
    if (st != BP_OK) return st;
    FILE *f;
    bp_atomic_file *out;
    if ((st = bp_atomic_open(&out, path, &f, err)) != BP_OK) return st;
    write_model(f, m);
    return bp_atomic_commit(out, err);
}

/* ============================================================ reading */

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
        return bp_text_fail(R, "unexpected end of file: missing section '%s' (truncated?)", section_names[expected]);
    bp_text_token t;
    if ((st = bp_text_need_token(R, "section name", &t)) != BP_OK) return st;
    size_t k = 0;
    while (k < N_SECTIONS && !bp_text_is_word(&t, section_names[k])) k++;
    if (k == N_SECTIONS) {
        if (expected > 0 && section_items[expected - 1] && bp_text_is_word(&t, section_items[expected - 1]))
            return bp_text_fail(R, "more '%s' lines than section '%s' declares", t.text, section_names[expected - 1]);
        return bp_text_fail(R, "unexpected '%.40s' where section '%s' was expected", t.text, section_names[expected]);
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
    return bp_text_fail(R, "not a backprop model file (the first line should be '%s %d')", FORMAT_MAGIC,
                FORMAT_VERSION);
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
    if (!found || !bp_text_is_word(&magic, FORMAT_MAGIC)) return not_a_model(R);
    if ((st = bp_text_need_token(R, "format version", &version)) != BP_OK) return st;
    if (!bp_text_is_word(&version, "1"))
        return bp_text_fail(R, "unsupported model format version '%.40s' (this build reads version %d)",
                    version.text, FORMAT_VERSION);
    return bp_text_expect_line_end(R);
}

static bp_status read_task(bp_text_reader *R, loading *L)
{
    bp_status st = open_section(R, SEC_TASK);
    bp_text_token t;
    if (st == BP_OK) st = bp_text_need_token(R, "task", &t);
    if (st != BP_OK) return st;
    if (bp_text_is_word(&t, task_names[0])) L->task = BP_TASK_CLASSIFICATION;
    else if (bp_text_is_word(&t, task_names[1])) L->task = BP_TASK_REGRESSION;
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
    for (size_t k = 0; k < sizeof column_kind_names / sizeof *column_kind_names; k++)
        if (bp_text_is_word(&t, column_kind_names[k])) {
            *kind = (bp_column_kind)k;
            return BP_OK;
        }
    return bp_text_fail(R, "unknown column kind '%.40s' (expected numeric, categorical, target or ignored)", t.text);
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
    if (st == BP_OK) st = schema_new(&L->schema, R->path, L->task, n, R->err);
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
    if (st == BP_OK && regression && n > 0) return bp_text_fail(R, "a regression model has no classes, not %zu", n);
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
    if (st == BP_OK) st = schema_finish(L->schema, R->err);
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
    for (size_t k = 0; k <= (size_t)BP_SCALE_NONE; k++)
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
    if (n != features) return bp_text_fail(R, "the scaler has %zu features but the columns make %zu", n, features);
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
        return bp_text_fail(R, "layer %zu has %zu inputs but layer %zu has %zu outputs", l + 1, n_in, l, widths[l]);
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
            return bp_text_fail(R, "layer %zu neuron %zu: weight '%.40s' is not a finite number", l + 1, j + 1,
                        t.text);
        if (count < n_in) w[count] = (bp_real)v;
        else if (count == n_in) *bias = (bp_real)v;
        count++;
    }
    if (count != n_in + 1)
        return bp_text_fail(R, "layer %zu neuron %zu has %zu numbers, not %zu (%zu weights and a bias)", l + 1, j + 1,
                    count, n_in + 1, n_in);
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
    size_t n_out = n_outputs_of(L->schema);
    if (widths[n_layers] != n_out)
        return bp_text_fail(R, "the output layer has %zu neurons but the model needs %zu", widths[n_layers], n_out);
    if (params != declared)
        return bp_text_fail(R, "the layers have %zu parameters, not the %zu declared", params, declared);
    if ((st = bp_net_create(&L->net, n_layers, widths, acts, R->err)) != BP_OK) return st;
    return read_weights(R, L->net);
}

/* ----------------------------------------------- the training record */

static bp_status read_enum_setting(bp_text_reader *R, const setting *s, const bp_text_token *t, void *p)
{
    bp_status st = BP_ERR_DATA;
    if (!t->quoted) switch (s->type) {
        case SET_INIT: st = bp_init_parse(t->text, p, NULL); break;
        case SET_LOSS: st = bp_loss_parse(t->text, p, NULL); break;
        case SET_OPTIMIZER: st = bp_optimizer_parse(t->text, p, NULL); break;
        case SET_SCHEDULE: st = bp_schedule_parse(t->text, p, NULL); break;
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

static bp_status read_setting_value(bp_text_reader *R, const setting *s, bp_model_info *info)
{
    void *p = (char *)info + s->offset;
    bp_text_token t;
    size_t v;
    bp_status st;
    switch (s->type) {
    case SET_DOUBLE: return read_double(R, s->name, p);
    case SET_SIZE: return bp_text_read_size(R, s->name, 0, (size_t)-1 / 2, p);
    case SET_SEED: return read_seed(R, p, sizeof info->seed);
    case SET_FLAG:
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
    unsigned char seen[N_SETTINGS] = {0};
    bp_status st = open_section(R, SEC_TRAINING);
    if (st == BP_OK) st = bp_text_read_size(R, "setting count", 0, N_SETTINGS, &n);
    if (st == BP_OK) st = bp_text_expect_line_end(R);
    bp_train_defaults(&L->info.train);
    L->info.train_accuracy = NAN;
    L->info.final_loss = NAN;
    L->info.trained = n > 0;
    for (size_t i = 0; st == BP_OK && i < n; i++) {
        int eof;
        bp_text_token key;
        if ((st = bp_text_next_line(R, &eof)) != BP_OK) return st;
        if (eof) return bp_text_fail(R, "unexpected end of file: %zu of %zu training settings (truncated?)", i, n);
        if ((st = bp_text_need_token(R, "training setting", &key)) != BP_OK) return st;
        size_t k = 0;
        while (k < N_SETTINGS && !bp_text_is_word(&key, settings[k].name)) k++;
        if (k == N_SETTINGS) return bp_text_fail(R, "unknown training setting '%.40s'", key.text);
        if (seen[k]++) return bp_text_fail(R, "duplicate training setting '%s'", settings[k].name);
        if ((st = read_setting_value(R, &settings[k], &L->info)) == BP_OK) st = bp_text_expect_line_end(R);
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
        st = assemble(out, L.schema, L.net, L.scaler, L.target_scaler, err);
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
