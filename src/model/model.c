/* Models: a trained network with its scaler and column schema, so that a
 * raw CSV row can be turned into a prediction. This file makes, copies
 * and frees them and answers questions about them; reading and writing
 * the model file (model_read.c, model_write.c) and training one
 * (model_train.c) build on it. */
#include "model/model.h"

#include "core/net.h"
#include "data/dataset.h"
#include "util/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int bp_column_is_feature(const bp_column *col)
{
    return col->kind == BP_COL_NUMERIC || col->kind == BP_COL_CATEGORICAL;
}

size_t bp_model_outputs(const bp_dataset *schema)
{
    return schema->task == BP_TASK_REGRESSION ? 1 : schema->n_classes;
}

/* ============================================================ schema */

/* An empty schema of n columns (kinds and names to be set). */
bp_status bp_model_schema_new(bp_dataset **out, const char *source, bp_task task, size_t n_columns,
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
bp_status bp_model_schema_finish(bp_dataset *ds, bp_error *err)
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
    bp_status st = bp_model_schema_new(&ds, "model", src->task, src->n_columns, err);
    for (size_t c = 0; st == BP_OK && c < src->n_columns; c++)
        st = copy_column(&ds->columns[c], &src->columns[c], err);
    for (size_t k = 0; st == BP_OK && k < src->n_classes; k++) {
        size_t index;
        if (bp_strmap_intern(&ds->labels, src->class_names[k], strlen(src->class_names[k]), &index) != 0)
            st = bp_error_nomem(err, "class labels");
    }
    if (st == BP_OK) {
        ds->target = src->target;
        st = bp_model_schema_finish(ds, err);
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
    size_t n_out = bp_model_outputs(schema);
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
bp_status bp_model_assemble(bp_model **out, bp_dataset *schema, bp_net *net, bp_scaler *scaler,
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
    return bp_model_assemble(out, schema, net_copy, scaler_copy, target_copy, err);
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
