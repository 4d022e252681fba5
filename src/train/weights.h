/* How much each training row counts (internal): its sample weight times
 * its class's weight, scaled so that the training rows' mean is 1. A
 * batch's gradient stays the sum over its rows divided by its row count,
 * so the full batch gets the weighted mean, a mini-batch an unbiased
 * estimate of it, and one row at a time steps by its weight. */
#ifndef BP_TRAIN_WEIGHTS_H
#define BP_TRAIN_WEIGHTS_H

#include "backprop.h"

typedef struct bp_row_weights {
    int on;                  /* 0: every row counts 1 (nothing below is set) */
    const bp_real *sample;   /* per row of the samples' x, or NULL */
    const uint32_t *label;   /* the rows' classes, with class_w */
    double *class_w;         /* per class, or NULL */
    double scale;            /* makes the training rows' mean weight 1 */
} bp_row_weights;

/* The weights of a run on the n_train rows train_rows (row numbers of the
 * samples' x), from s->weight and the options' class weights. Refuses a
 * weight that is not a positive number, class weights without classes. */
bp_status bp_row_weights_init(bp_row_weights *w, const bp_samples *s, const bp_train_options *o,
                              size_t n_classes, const size_t *train_rows, size_t n_train,
                              bp_error *err);
void bp_row_weights_free(bp_row_weights *w);

/* Row r's weight, unscaled (for a weighted mean over other rows). */
static inline double bp_row_weight_raw(const bp_row_weights *w, size_t r)
{
    double v = w->sample ? (double)w->sample[r] : 1.0;
    return w->class_w ? v * w->class_w[w->label[r]] : v;
}

/* Row r's weight in training: scaled to the training rows' mean of 1. */
static inline bp_real bp_row_weight(const bp_row_weights *w, size_t r)
{
    return (bp_real)(bp_row_weight_raw(w, r) * w->scale);
}

#endif
