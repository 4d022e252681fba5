/* Writing a model file (docs/model-format.md): line-oriented text,
 * written atomically, with numbers that read back to the same bits. A
 * model that could not be read back is refused before a byte is written. */
#include "model/model.h"
#include "model/model_file.h"

#include "core/net.h"
#include "data/dataset.h"
#include "util/error.h"
#include "util/limits.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

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
            return bp_error_set(err, BP_ERR_ARG, "column %zu: name longer than %zu bytes", c + 1,
                                BP_MAX_STRING);
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
        fprintf(f, "column %s", bp_column_kind_names[col->kind]);
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

/* A setting is written when it is known: not an empty seed, not NaN. */
static int setting_known(const bp_model_info *info, const bp_model_setting *s)
{
    const char *p = (const char *)info + s->offset;
    if (s->type == BP_SET_SEED || s->type == BP_SET_TEXT) return p[0] != '\0';
    if (s->type == BP_SET_DOUBLE) return isfinite(*(const double *)(const void *)p);
    return 1;
}

static void write_setting(FILE *f, const bp_model_info *info, const bp_model_setting *s)
{
    const void *p = (const char *)info + s->offset;
    fputs(s->name, f);
    switch (s->type) {
    case BP_SET_DOUBLE: put_setting(f, *(const double *)p); break;
    case BP_SET_SIZE: fprintf(f, " %zu", *(const size_t *)p); break;
    case BP_SET_FLAG: fprintf(f, " %d", *(const int *)p != 0); break;
    case BP_SET_SEED:
    case BP_SET_TEXT: put_string(f, (const char *)p); break;
    case BP_SET_INIT: fprintf(f, " %s", bp_init_name(*(const bp_init *)p)); break;
    case BP_SET_LOSS: fprintf(f, " %s", bp_loss_name(*(const bp_loss *)p)); break;
    case BP_SET_OPTIMIZER: fprintf(f, " %s", bp_optimizer_name(*(const bp_optimizer *)p)); break;
    case BP_SET_SCHEDULE: fprintf(f, " %s", bp_schedule_name(*(const bp_schedule *)p)); break;
    }
    putc('\n', f);
}

static void write_training(FILE *f, const bp_model_info *info)
{
    size_t n = 0;
    for (size_t i = 0; info->trained && i < BP_MODEL_N_SETTINGS; i++)
        n += (size_t)setting_known(info, &bp_model_settings[i]);
    fprintf(f, "training %zu\n", n);
    for (size_t i = 0; info->trained && i < BP_MODEL_N_SETTINGS; i++)
        if (setting_known(info, &bp_model_settings[i])) write_setting(f, info, &bp_model_settings[i]);
}

static void write_model(FILE *f, const bp_model *m)
{
    fprintf(f, "%s %d\n", BP_MODEL_MAGIC, BP_MODEL_VERSION);
    fprintf(f, "task %s\n", bp_task_names[m->schema->task]);
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
