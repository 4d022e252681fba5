/* Feature scaling, fitted on training rows and applied anywhere. Missing
 * cells (NaN) are skipped when fitting and filled with the mean. */
#include "backprop.h"

#include "util/error.h"
#include "util/names.h"
#include "data/scale.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct bp_scaler {
    bp_scale kind;
    size_t n;
    double *min, *max, *mean, *std;
    size_t *group;    /* per feature: 0 numeric, g > 0 one-hot group; or NULL */
    size_t *mode;     /* per feature of a group: the group's most frequent feature */
};

void bp_scaler_free(bp_scaler *s)
{
    if (!s) return;
    free(s->min);
    free(s->max);
    free(s->mean);
    free(s->std);
    free(s->group);
    free(s->mode);
    free(s);
}

/* Statistics of every column in two passes over the rows, row after row
 * (the matrix is row-major: going down one column at a time would read the
 * whole matrix once per column). count is scratch for n counters. */
static void fit_columns(bp_scaler *s, const bp_real *x, const size_t *rows, size_t n_rows,
                        size_t *count)
{
    size_t n = s->n;
    for (size_t j = 0; j < n; j++) {
        s->min[j] = INFINITY;
        s->max[j] = -INFINITY;
        s->mean[j] = 0; /* the sum, until divided below */
        s->std[j] = 0;  /* the sum of squared deviations, until finished below */
        count[j] = 0;
    }
    for (size_t k = 0; k < n_rows; k++) {
        const bp_real *row = x + (rows ? rows[k] : k) * n;
        for (size_t j = 0; j < n; j++) {
            double v = row[j];
            if (isnan(v)) continue;
            if (v < s->min[j]) s->min[j] = v;
            if (v > s->max[j]) s->max[j] = v;
            s->mean[j] += v;
            count[j]++;
        }
    }
    for (size_t j = 0; j < n; j++) s->mean[j] = count[j] ? s->mean[j] / (double)count[j] : 0;
    for (size_t k = 0; k < n_rows; k++) {
        const bp_real *row = x + (rows ? rows[k] : k) * n;
        for (size_t j = 0; j < n; j++) {
            double v = row[j];
            if (!isnan(v)) s->std[j] += (v - s->mean[j]) * (v - s->mean[j]);
        }
    }
    for (size_t j = 0; j < n; j++) {
        s->std[j] = count[j] ? sqrt(s->std[j] / (double)count[j]) : 0;
        if (!count[j]) s->min[j] = s->max[j] = 0;
    }
}

/* The most frequent category of each one-hot group: the group's feature
 * with the largest mean over the fitted rows, the first on ties, so that a
 * missing group is filled with exactly one 1. One pass: a model file may
 * hold tens of thousands of one-hot features. Group numbers are <= n. */
static bp_status fit_modes(bp_scaler *s, bp_error *err)
{
    const size_t none = (size_t)-1;
    size_t *best = malloc((s->n + 1) * sizeof *best);
    if (!best) return bp_error_nomem(err, "scaler");
    for (size_t g = 0; g <= s->n; g++) best[g] = none;
    for (size_t j = 0; j < s->n; j++) {
        size_t g = s->group[j];
        if (g && (best[g] == none || s->mean[j] > s->mean[best[g]])) best[g] = j;
    }
    for (size_t j = 0; j < s->n; j++) s->mode[j] = s->group[j] ? best[s->group[j]] : j;
    free(best);
    return BP_OK;
}

/* Gives s the one-hot groups (copied) and their modes. */
static bp_status set_groups(bp_scaler *s, const size_t *groups, bp_error *err)
{
    for (size_t j = 0; j < s->n; j++)
        if (groups[j] > s->n)
            return bp_error_set(err, BP_ERR_ARG, "feature %zu: one-hot group %zu of only %zu features",
                                j + 1, groups[j], s->n);
    s->group = malloc((s->n + 1) * sizeof *s->group);
    s->mode = malloc((s->n + 1) * sizeof *s->mode);
    if (!s->group || !s->mode) return bp_error_nomem(err, "scaler");
    memcpy(s->group, groups, s->n * sizeof *s->group);
    return fit_modes(s, err);
}

bp_status bp_scaler_fit_grouped(bp_scaler **out, bp_scale kind, const bp_real *x,
                                size_t n_features, const size_t *groups, const size_t *rows,
                                size_t n_rows, bp_error *err)
{
    bp_status st = bp_scaler_fit(out, kind, x, n_features, rows, n_rows, err);
    if (st != BP_OK || !groups) return st;
    if ((st = set_groups(*out, groups, err)) != BP_OK) {
        bp_scaler_free(*out);
        *out = NULL;
    }
    return st;
}

bp_status bp_scaler_fit(bp_scaler **out, bp_scale kind, const bp_real *x, size_t n_features,
                        const size_t *rows, size_t n_rows, bp_error *err)
{
    *out = NULL;
    if ((unsigned)kind >= (unsigned)BP_SCALE_COUNT) return bp_error_set(err, BP_ERR_ARG, "unknown scaling");
    bp_scaler *s = calloc(1, sizeof *s);
    if (!s) return bp_error_nomem(err, "scaler");
    s->kind = kind;
    s->n = n_features;
    s->min = calloc(n_features + 1, sizeof *s->min);
    s->max = calloc(n_features + 1, sizeof *s->max);
    s->mean = calloc(n_features + 1, sizeof *s->mean);
    s->std = calloc(n_features + 1, sizeof *s->std);
    if (!s->min || !s->max || !s->mean || !s->std) {
        bp_scaler_free(s);
        return bp_error_nomem(err, "scaler");
    }
    size_t *count = malloc((n_features + 1) * sizeof *count);
    if (!count) {
        bp_scaler_free(s);
        return bp_error_nomem(err, "scaler");
    }
    fit_columns(s, x, rows, n_rows, count);
    free(count);
    *out = s;
    return BP_OK;
}

/* The tutorial's normalisation: (x - min) / (max - min), in double. */
static double scale_value(const bp_scaler *s, size_t j, double v)
{
    if (isnan(v)) v = s->mean[j];
    switch (s->kind) {
    case BP_SCALE_MINMAX: {
        double range = s->max[j] - s->min[j];
        return range > 0 ? (v - s->min[j]) / range : 0;
    }
    case BP_SCALE_STANDARD:
        return s->std[j] > 0 ? (v - s->mean[j]) / s->std[j] : 0;
    case BP_SCALE_NONE:
        return v;
    case BP_SCALE_COUNT: /* not a scaling: never fitted */
        break;
    }
    return v;
}

/* A one-hot feature: kept as 0/1; a missing group takes the group's mode. */
static bp_real group_value(const bp_scaler *s, size_t j, bp_real v)
{
    if (!isnan(v)) return v;
    return s->mode[j] == j ? 1 : 0;
}

void bp_scaler_apply(const bp_scaler *s, const bp_real *src, bp_real *dst, size_t n_rows)
{
    for (size_t r = 0; r < n_rows; r++)
        for (size_t j = 0; j < s->n; j++) {
            bp_real v = src[r * s->n + j];
            dst[r * s->n + j] = s->group && s->group[j] ? group_value(s, j, v)
                                                        : (bp_real)scale_value(s, j, v);
        }
}

bp_real bp_scaler_invert(const bp_scaler *s, size_t j, bp_real value)
{
    double v = value;
    switch (s->kind) {
    case BP_SCALE_MINMAX: return (bp_real)(s->min[j] + v * (s->max[j] - s->min[j]));
    case BP_SCALE_STANDARD: return (bp_real)(s->mean[j] + v * s->std[j]);
    case BP_SCALE_NONE: return value;
    case BP_SCALE_COUNT: break; /* not a scaling: never fitted */
    }
    return value;
}

static const char *const scale_names[] = {"minmax", "standard", "none"};
_Static_assert(BP_COUNT(scale_names) == BP_SCALE_COUNT, "a name for every scaling");

const char *bp_scale_name(bp_scale s)
{
    return bp_name_of(scale_names, BP_COUNT(scale_names), (size_t)s);
}

bp_status bp_scale_parse(const char *name, bp_scale *out, bp_error *err)
{
    size_t i;
    bp_status st = bp_name_parse(scale_names, BP_COUNT(scale_names), "--scale", name, &i, err);
    if (st == BP_OK) *out = (bp_scale)i;
    return st;
}

/* ------------------------------------------ statistics, for model files */

bp_scale bp_scaler_kind(const bp_scaler *s) { return s->kind; }
size_t bp_scaler_features(const bp_scaler *s) { return s->n; }
const size_t *bp_scaler_groups(const bp_scaler *s) { return s->group; }

bp_scaler_stats bp_scaler_get_stats(const bp_scaler *s, size_t j)
{
    bp_scaler_stats st = {s->min[j], s->max[j], s->mean[j], s->std[j]};
    return st;
}

bp_status bp_scaler_from_stats(bp_scaler **out, bp_scale kind, const bp_scaler_stats *stats,
                               const size_t *groups, size_t n, bp_error *err)
{
    *out = NULL;
    if ((unsigned)kind >= (unsigned)BP_SCALE_COUNT) return bp_error_set(err, BP_ERR_ARG, "unknown scaling");
    bp_scaler *s = calloc(1, sizeof *s);
    if (!s) return bp_error_nomem(err, "scaler");
    s->kind = kind;
    s->n = n;
    s->min = calloc(n + 1, sizeof *s->min);
    s->max = calloc(n + 1, sizeof *s->max);
    s->mean = calloc(n + 1, sizeof *s->mean);
    s->std = calloc(n + 1, sizeof *s->std);
    if (!s->min || !s->max || !s->mean || !s->std) {
        bp_scaler_free(s);
        return bp_error_nomem(err, "scaler");
    }
    for (size_t j = 0; j < n; j++) {
        s->min[j] = stats[j].min;
        s->max[j] = stats[j].max;
        s->mean[j] = stats[j].mean;
        s->std[j] = stats[j].std;
    }
    bp_status st = groups ? set_groups(s, groups, err) : BP_OK;
    if (st != BP_OK) {
        bp_scaler_free(s);
        return st;
    }
    *out = s;
    return BP_OK;
}
