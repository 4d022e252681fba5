/* Predicting with a model: raw CSV rows, one at a time or a whole file
 * streamed, encoded with the model's columns, scaled, and run through the
 * network; and scoring those predictions against the file's targets. */
#include "model/model.h"

#include "data/csv.h"
#include "data/dataset.h"
#include "util/error.h"
#include "core/loss.h"
#include "core/net.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>


void bp_predict_defaults(bp_predict_options *o)
{
    memset(o, 0, sizeof *o);
    o->header = -1;
    o->missing = BP_MISSING_MEAN; /* what the model's scaler has always done */
    o->missing_target = BP_MISSING_TARGET_AUTO;
}

/* Scales the encoded row in m->row and runs the network on it. */
static void predict_encoded(bp_model *m, bp_prediction *p)
{
    bp_scaler_apply(m->scaler, m->row, m->row, 1);
    const bp_real *out = bp_net_forward(m->net, m->row);
    if (m->schema->task == BP_TASK_REGRESSION) {
        p->value = bp_scaler_invert(m->target_scaler, 0, out[0]);
        return;
    }
    p->predicted = bp_argmax(out, m->schema->n_classes);
    bp_output_proba(out, m->schema->n_classes, m->proba);
    p->proba = m->proba;
}

/* The row's own target value, when it has a usable one; an unusable one is
 * an error only when it is needed (evaluation). */
/* field is the cell's 1-based field in its record; decimal the file's. */
static bp_status read_actual(const bp_model *m, const char *source, const bp_csv_field *cell, size_t field,
                             char decimal, int need, bp_prediction *p, bp_error *err)
{
    const bp_dataset *ds = m->schema;
    double v;
    char where[300];
    bp_dataset_cell_where(where, sizeof where, ds, source, ds->target, cell->line, field);
    if (bp_csv_is_missing(cell->text, cell->len)) {
        if (!need) return BP_OK;
        return bp_error_set(err, BP_ERR_DATA,
                            "%s: missing target value '%.40s'; use --missing-target drop to leave "
                            "such rows out",
                            where, cell->text);
    }
    if (ds->task == BP_TASK_REGRESSION) {
        if (bp_csv_parse_number_with(cell->text, cell->len, decimal, &v)) {
            p->actual_value = (bp_real)v;
            p->has_actual = 1;
        } else if (need) {
            return bp_error_set(err, BP_ERR_DATA, "%s: non-numeric target value '%.40s'", where,
                                cell->text);
        }
        return BP_OK;
    }
    size_t k = bp_strmap_find(&ds->labels, cell->text, cell->len);
    if (k != (size_t)-1) {
        p->actual = k;
        p->has_actual = 1;
    } else if (need) {
        return bp_error_set(err, BP_ERR_DATA, "%s: class '%.40s' is not one of the model's %zu classes",
                            where, cell->text, ds->n_classes);
    }
    return BP_OK;
}

/* Fields by position: every column, or every column but the target. */
static int map_by_position(bp_model *m, size_t n_fields, int *has_target)
{
    const bp_dataset *ds = m->schema;
    if (n_fields != ds->n_columns && n_fields + 1 != ds->n_columns) return 0;
    *has_target = n_fields == ds->n_columns;
    for (size_t c = 0; c < ds->n_columns; c++) {
        if (*has_target || c < ds->target) m->where[c] = c;
        else m->where[c] = c == ds->target ? NO_FIELD : c - 1;
    }
    return 1;
}

bp_status bp_model_predict_row(bp_model *m, const char *const *fields, size_t n_fields,
                               bp_prediction *out, size_t *unseen, bp_error *err)
{
    const bp_dataset *ds = m->schema;
    int has_target;
    memset(out, 0, sizeof *out);
    if (unseen) *unseen = 0;
    if (!map_by_position(m, n_fields, &has_target))
        return bp_error_set(err, BP_ERR_ARG, "a row needs %zu fields (%zu without the target), not %zu",
                            ds->n_columns, ds->n_columns - 1, n_fields);
    for (size_t i = 0; i < n_fields; i++) {
        const char *text = fields[i] ? fields[i] : "";
        bp_csv_field f = {text, strlen(text), 1, i + 1, 0};
        m->fields[i] = f;
    }
    bp_encode_notes notes = {0};
    bp_status st = bp_dataset_encode_record(ds, "row", m->fields, m->where, NULL, m->row, &notes, err);
    if (st != BP_OK) return st;
    out->line = 1;
    predict_encoded(m, out);
    if (has_target)
        st = read_actual(m, "row", &m->fields[m->where[ds->target]], m->where[ds->target] + 1, '.', 0,
                         out, err);
    if (unseen) *unseen = notes.n_unseen;
    return st;
}

/* ------------------------------------------------------------- files */

typedef struct file_run {
    bp_model *m;
    const bp_predict_options *o;
    bp_prediction_fn fn;
    void *user;
    const char *source;
    int header_hint;   /* the CSV rule's verdict on the first record */
    size_t n_fields;   /* fields in every record */
    int has_target;
    size_t rows;       /* rows predicted */
    size_t records;    /* data records read, the dropped ones included */
    bp_encode_rules rules;
    int drop_features, drop_target;
    size_t dropped, dropped_line;
    bp_encode_notes notes;
} file_run;

/* Fields by header name: every feature column must be there (the target
 * may be); the fields can come in any order, extra ones are left alone. */
static bp_status map_by_name(bp_model *m, const bp_csv_field *f, size_t n, int *mapped, int *has_target,
                             bp_error *err)
{
    const bp_dataset *ds = m->schema;
    *mapped = 0;
    *has_target = 0;
    if (!ds->columns[0].name) return BP_OK; /* trained without a header */
    bp_strmap header;
    bp_strmap_init(&header);
    size_t *first = malloc((n + 1) * sizeof *first);
    bp_status st = first ? BP_OK : bp_error_nomem(err, "header");
    for (size_t i = 0; st == BP_OK && i < n; i++) {
        size_t k;
        if (bp_strmap_intern(&header, f[i].text, f[i].len, &k) != 0) st = bp_error_nomem(err, "header");
        else if (k + 1 == header.count) first[k] = i; /* a repeated name keeps its first field */
    }
    *mapped = st == BP_OK;
    for (size_t c = 0; *mapped && c < ds->n_columns; c++) {
        const bp_column *col = &ds->columns[c];
        size_t k = bp_strmap_find(&header, col->name, strlen(col->name));
        m->where[c] = k == (size_t)-1 || col->kind == BP_COL_IGNORED ? NO_FIELD : first[k];
        if (col->kind == BP_COL_TARGET) *has_target = m->where[c] != NO_FIELD;
        else if (bp_column_is_feature(col) && m->where[c] == NO_FIELD) *mapped = 0;
    }
    bp_strmap_free(&header);
    free(first);
    return st;
}

static const char *column_label(const bp_dataset *ds, size_t c, char *buf, size_t size)
{
    if (ds->columns[c].name) snprintf(buf, size, "'%.200s'", ds->columns[c].name);
    else snprintf(buf, size, "%zu", c + 1);
    return buf;
}

/* The first record tells whether there is a header, where each column is
 * and whether the target is there; *skip when it is a header. */
static bp_status start_file(file_run *run, const bp_csv_field *f, size_t n, int *skip, bp_error *err)
{
    bp_model *m = run->m;
    const bp_dataset *ds = m->schema;
    int by_name = 0, header = run->o->header;
    char name[256];
    if (header != 0) {
        bp_status st = map_by_name(m, f, n, &by_name, &run->has_target, err);
        if (st != BP_OK) return st;
    }
    if (by_name) header = 1;
    else if (header < 0) header = run->header_hint;
    if (!by_name && !map_by_position(m, n, &run->has_target))
        return bp_error_set(err, BP_ERR_DATA,
                            "%s:%zu:%zu: expected %zu fields (or %zu without the target column %s), "
                            "found %zu",
                            run->source, f[0].line, f[0].column, ds->n_columns, ds->n_columns - 1,
                            column_label(ds, ds->target, name, sizeof name), n);
    if (run->o->need_target && !run->has_target)
        return bp_error_set(err, BP_ERR_DATA, "%s: no target column %s: the true values are needed",
                            run->source, column_label(ds, ds->target, name, sizeof name));
    run->n_fields = n;
    *skip = header;
    return BP_OK;
}

static bp_status drop_record(file_run *run, const bp_csv_field *f)
{
    if (run->dropped++ == 0) run->dropped_line = f[0].line;
    return BP_OK;
}

static bp_status predict_record(void *ctx, size_t index, const bp_csv_field *f, size_t n, bp_error *err)
{
    file_run *run = ctx;
    bp_model *m = run->m;
    const bp_dataset *ds = m->schema;
    if (index == 0) {
        int skip = 0;
        bp_status st = start_file(run, f, n, &skip, err);
        if (st != BP_OK || skip) return st;
    }
    if (n != run->n_fields) {
        const bp_csv_field *at = n > run->n_fields ? &f[run->n_fields] : &f[n - 1];
        return bp_error_set(err, BP_ERR_DATA, "%s:%zu:%zu: expected %zu fields, found %zu", run->source,
                            at->line, at->column, run->n_fields, n);
    }
    bp_prediction p;
    memset(&p, 0, sizeof p);
    p.row = run->records++;
    p.line = f[0].line;
    const bp_csv_field *target = run->has_target ? &f[m->where[ds->target]] : NULL;
    if (target && run->o->need_target && run->drop_target && bp_csv_is_missing(target->text, target->len))
        return drop_record(run, f);
    bp_encode_notes before = run->notes;
    bp_status st = bp_dataset_encode_record(ds, run->source, f, m->where, &run->rules, m->row, &run->notes, err);
    if (st != BP_OK) return st;
    if (run->drop_features && run->notes.n_missing != before.n_missing) {
        run->notes = before; /* the row is not predicted: nothing was filled */
        return drop_record(run, f);
    }
    predict_encoded(m, &p);
    if (target)
        st = read_actual(m, run->source, target, m->where[ds->target] + 1, run->rules.decimal,
                         run->o->need_target, &p, err);
    if (st != BP_OK) return st;
    run->rows++;
    return run->fn ? run->fn(run->user, &p, err) : BP_OK;
}

static void summarise(const file_run *run, bp_predict_summary *s)
{
    memset(s, 0, sizeof *s);
    s->rows = run->rows;
    s->has_target = run->has_target;
    s->unseen = run->notes.n_unseen;
    s->unseen_line = run->notes.first_unseen.line;
    s->unseen_column = run->notes.first_unseen.column;
    snprintf(s->unseen_text, sizeof s->unseen_text, "%s", run->notes.first_unseen.text);
    s->missing = run->notes.n_missing;
    s->missing_line = run->notes.first_missing.line;
    s->missing_column = run->notes.first_missing.column;
    s->unseen_field = run->notes.first_unseen.field;
    s->missing_field = run->notes.first_missing.field;
    s->dropped = run->dropped;
    s->dropped_line = run->dropped_line;
    s->decimal = run->rules.decimal;
}

bp_status bp_model_predict_file(bp_model *m, const char *path, const bp_predict_options *o,
                                bp_prediction_fn fn, void *user, bp_predict_summary *summary,
                                bp_error *err)
{
    bp_predict_options defaults;
    if (!o) {
        bp_predict_defaults(&defaults);
        o = &defaults;
    }
    file_run run;
    memset(&run, 0, sizeof run);
    run.m = m;
    run.o = o;
    run.fn = fn;
    run.user = user;
    run.source = path;
    run.rules.missing = o->missing == BP_MISSING_ERROR ? BP_MISSING_ERROR : BP_MISSING_MEAN;
    run.drop_features = o->missing == BP_MISSING_DROP;
    run.drop_target = o->missing_target == BP_MISSING_TARGET_DROP ||
                      (o->missing_target == BP_MISSING_TARGET_AUTO && run.drop_features);
    bp_csv_reader *reader;
    bp_status st = bp_csv_open(&reader, path, err);
    if (st != BP_OK) return st;
    bp_csv_dialect dialect = {o->delimiter, o->header, o->decimal};
    st = bp_csv_detect(reader, &dialect, err);
    run.header_hint = dialect.header > 0;
    run.rules.decimal = dialect.decimal;
    if (st == BP_OK) st = bp_csv_scan(reader, &dialect, predict_record, &run, err);
    bp_csv_close(reader);
    if (st == BP_OK && run.rows == 0 && run.dropped)
        st = bp_error_set(err, BP_ERR_DATA, "%s: every row was left out for a missing value (%zu rows)",
                          path, run.dropped);
    else if (st == BP_OK && run.rows == 0)
        st = bp_error_set(err, BP_ERR_DATA, "%s: no data rows", path);
    if (summary) {
        summarise(&run, summary);
        summary->delimiter = dialect.delimiter;
    }
    return st;
}

/* ---------------------------------------------------------- evaluation */

typedef struct scores {
    bp_task task;
    size_t n, cap, k;
    uint32_t *actual, *predicted;
    bp_real *proba;
    bp_real *y, *y_hat;
} scores;

static void scores_free(scores *s)
{
    free(s->actual);
    free(s->predicted);
    free(s->proba);
    free(s->y);
    free(s->y_hat);
}

/* Empty scores for the model's task, which the evaluation records too. */
static void scores_start(scores *s, const bp_model *m, bp_evaluation *ev)
{
    memset(s, 0, sizeof *s);
    s->task = ev->task = m->schema->task;
    s->k = m->schema->n_classes;
}

/* The metrics of the collected scores (when st is BP_OK), then frees them. */
static bp_status scores_finish(scores *s, bp_status st, bp_evaluation *ev, bp_error *err)
{
    if (st == BP_OK && s->task == BP_TASK_REGRESSION)
        ev->regression = bp_metrics_regression(s->y, s->y_hat, NULL, s->n);
    else if (st == BP_OK)
        st = bp_metrics_classification(&ev->metrics, s->actual, s->predicted, s->proba, s->n, s->k, err);
    if (st == BP_OK && s->task == BP_TASK_CLASSIFICATION) {
        /* kept for the curves of the rows scored (bp_roc_curve, ...) */
        ev->actual = s->actual;
        ev->proba = s->proba;
        s->actual = NULL;
        s->proba = NULL;
    }
    scores_free(s);
    return st;
}

/* p resized to cap items of size bytes; NULL (p untouched) on failure. */
static void *resized(void *p, size_t cap, size_t size)
{
    size_t bytes;
    return bp_mul_size(cap, size, &bytes) ? realloc(p, bytes) : NULL;
}

static int scores_grow(scores *s)
{
    size_t cap = s->cap ? s->cap * 2 : 256, proba_cap;
    if (cap < s->cap || !bp_mul_size(cap, s->k, &proba_cap)) return 0;
    if (s->task == BP_TASK_REGRESSION) {
        bp_real *y = resized(s->y, cap, sizeof *y);
        if (y) s->y = y;
        bp_real *y_hat = y ? resized(s->y_hat, cap, sizeof *y_hat) : NULL;
        if (y_hat) s->y_hat = y_hat;
        if (!y_hat) return 0;
    } else {
        uint32_t *actual = resized(s->actual, cap, sizeof *actual);
        if (actual) s->actual = actual;
        uint32_t *predicted = actual ? resized(s->predicted, cap, sizeof *predicted) : NULL;
        if (predicted) s->predicted = predicted;
        bp_real *proba = predicted ? resized(s->proba, proba_cap, sizeof *proba) : NULL;
        if (proba) s->proba = proba;
        if (!proba) return 0;
    }
    s->cap = cap;
    return 1;
}

static bp_status collect_score(void *user, const bp_prediction *p, bp_error *err)
{
    scores *s = user;
    if (s->n == s->cap && !scores_grow(s)) return bp_error_nomem(err, "evaluation");
    if (s->task == BP_TASK_REGRESSION) {
        s->y[s->n] = p->actual_value;
        s->y_hat[s->n] = p->value;
    } else {
        s->actual[s->n] = (uint32_t)p->actual;
        s->predicted[s->n] = (uint32_t)p->predicted;
        memcpy(s->proba + s->n * s->k, p->proba, s->k * sizeof *s->proba);
    }
    s->n++;
    return BP_OK;
}

bp_status bp_model_evaluate(bp_model *m, const char *path, const bp_predict_options *o,
                            bp_evaluation *ev, bp_error *err)
{
    memset(ev, 0, sizeof *ev);
    bp_predict_options opts;
    if (o) opts = *o;
    else bp_predict_defaults(&opts);
    opts.need_target = 1;
    scores s;
    scores_start(&s, m, ev);
    bp_status st = bp_model_predict_file(m, path, &opts, collect_score, &s, &ev->summary, err);
    return scores_finish(&s, st, ev, err);
}

bp_status bp_model_evaluate_rows(bp_model *m, const bp_dataset *ds, const size_t *rows, size_t n,
                                 bp_evaluation *ev, bp_error *err)
{
    memset(ev, 0, sizeof *ev);
    if (ds->n_features != m->schema->n_features || ds->task != m->schema->task ||
        ds->n_classes != m->schema->n_classes)
        return bp_error_set(err, BP_ERR_ARG, "%s is not encoded the way the model was trained", ds->source);
    scores s;
    scores_start(&s, m, ev);
    bp_status st = BP_OK;
    for (size_t i = 0; st == BP_OK && i < n; i++) {
        size_t r = rows ? rows[i] : i;
        if (r >= ds->n_rows) {
            st = bp_error_set(err, BP_ERR_ARG, "row %zu out of range", r);
            break;
        }
        bp_prediction p;
        memset(&p, 0, sizeof p);
        memcpy(m->row, ds->x + r * ds->n_features, ds->n_features * sizeof *m->row);
        predict_encoded(m, &p);
        if (ds->task == BP_TASK_REGRESSION) p.actual_value = ds->y[r];
        else p.actual = ds->label[r];
        st = collect_score(&s, &p, err);
    }
    ev->summary.rows = s.n;
    return scores_finish(&s, st, ev, err);
}

void bp_evaluation_free(bp_evaluation *ev)
{
    if (ev->task == BP_TASK_CLASSIFICATION && ev->metrics.confusion) bp_metrics_free(&ev->metrics);
    free(ev->actual);
    free(ev->proba);
    memset(ev, 0, sizeof *ev);
}
