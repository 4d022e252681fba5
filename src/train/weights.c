#include "train/weights.h"

#include "util/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

bp_status bp_class_weights_balanced(const uint32_t *label, const size_t *rows, size_t n,
                                    size_t n_classes, double *out, bp_error *err)
{
    if (!label || n_classes == 0) return bp_error_set(err, BP_ERR_ARG, "class weights need classes");
    size_t *count = calloc(n_classes, sizeof *count);
    if (!count) return bp_error_nomem(err, "class counts");
    for (size_t i = 0; i < n; i++) {
        uint32_t c = label[rows ? rows[i] : i];
        if (c < n_classes) count[c]++;
    }
    /* scikit-learn's "balanced": n / (n_classes * count); a class with no
     * rows has nothing to weigh and keeps 1. */
    for (size_t c = 0; c < n_classes; c++)
        out[c] = count[c] ? (double)n / ((double)n_classes * (double)count[c]) : 1.0;
    free(count);
    return BP_OK;
}

static bp_status check_class_weights(const double *cw, size_t n_classes, bp_error *err)
{
    for (size_t c = 0; c < n_classes; c++)
        if (!(cw[c] > 0) || !isfinite(cw[c]))
            return bp_error_set(err, BP_ERR_ARG, "the weight of class %zu is %g: it must be a positive number",
                                c + 1, cw[c]);
    return BP_OK;
}

static bp_status class_weights(bp_row_weights *w, const bp_samples *s, const bp_train_options *o,
                               size_t n_classes, const size_t *train_rows, size_t n_train, bp_error *err)
{
    if (!o->balanced && !o->class_weight) return BP_OK;
    if (!s->label) return bp_error_set(err, BP_ERR_ARG, "class weights need a classification target");
    w->label = s->label;
    w->class_w = malloc(n_classes * sizeof *w->class_w);
    if (!w->class_w) return bp_error_nomem(err, "class weights");
    if (o->balanced) return bp_class_weights_balanced(s->label, train_rows, n_train, n_classes, w->class_w, err);
    memcpy(w->class_w, o->class_weight, n_classes * sizeof *w->class_w);
    return check_class_weights(w->class_w, n_classes, err);
}

bp_status bp_row_weights_init(bp_row_weights *w, const bp_samples *s, const bp_train_options *o,
                              size_t n_classes, const size_t *train_rows, size_t n_train,
                              bp_error *err)
{
    memset(w, 0, sizeof *w);
    if (!s->weight && !o->balanced && !o->class_weight) return BP_OK;
    w->on = 1;
    w->sample = s->weight;
    bp_status st = class_weights(w, s, o, n_classes, train_rows, n_train, err);
    if (st != BP_OK) return st;
    double sum = 0;
    for (size_t i = 0; i < n_train; i++) {
        size_t r = train_rows[i];
        if (w->sample && (!(w->sample[r] > 0) || !isfinite(w->sample[r])))
            return bp_error_set(err, BP_ERR_ARG, "row %zu has the weight %g: it must be a positive number",
                                r + 1, (double)w->sample[r]);
        sum += bp_row_weight_raw(w, r);
    }
    w->scale = sum > 0 ? (double)n_train / sum : 1.0;
    return BP_OK;
}

void bp_row_weights_free(bp_row_weights *w)
{
    free(w->class_w);
    memset(w, 0, sizeof *w);
}
