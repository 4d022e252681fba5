/* Scores of predictions: confusion matrix, precision / recall / F1, log
 * loss; RMSE, MAE and R^2 for regression. */
#include "backprop.h"

#include "util/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void bp_metrics_free(bp_metrics *m)
{
    free(m->confusion);
    free(m->per_class);
    memset(m, 0, sizeof *m);
}

static double ratio(size_t a, size_t b) { return b ? (double)a / (double)b : 0.0; }

static void per_class_scores(bp_metrics *m)
{
    size_t k = m->n_classes;
    double sum_p = 0, sum_r = 0, sum_f = 0;
    for (size_t c = 0; c < k; c++) {
        size_t tp = m->confusion[c * k + c], predicted = 0, actual = 0;
        for (size_t i = 0; i < k; i++) {
            predicted += m->confusion[i * k + c];
            actual += m->confusion[c * k + i];
        }
        bp_class_metrics *pc = &m->per_class[c];
        pc->precision = ratio(tp, predicted);
        pc->recall = ratio(tp, actual);
        pc->f1 = pc->precision + pc->recall > 0
                     ? 2 * pc->precision * pc->recall / (pc->precision + pc->recall)
                     : 0;
        pc->support = actual;
        sum_p += pc->precision;
        sum_r += pc->recall;
        sum_f += pc->f1;
    }
    m->macro_precision = k ? sum_p / (double)k : 0;
    m->macro_recall = k ? sum_r / (double)k : 0;
    m->macro_f1 = k ? sum_f / (double)k : 0;
}

/* Mean -log p(actual), with p clamped away from 0 so one confident miss
 * gives a large but finite loss. */
static double log_loss(const bp_real *proba, const uint32_t *actual, size_t n, size_t k)
{
    double sum = 0;
    for (size_t r = 0; r < n; r++) {
        double p = proba[r * k + actual[r]];
        sum -= log(p > 1e-15 ? p : 1e-15);
    }
    return n ? sum / (double)n : NAN;
}

bp_status bp_metrics_classification(bp_metrics *m, const uint32_t *actual,
                                    const uint32_t *predicted, const bp_real *proba, size_t n,
                                    size_t k, bp_error *err)
{
    memset(m, 0, sizeof *m);
    size_t cells;
    if (k == 0 || !bp_mul_size(k, k, &cells)) return bp_error_set(err, BP_ERR_ARG, "bad class count");
    m->confusion = calloc(cells, sizeof *m->confusion);
    m->per_class = calloc(k, sizeof *m->per_class);
    if (!m->confusion || !m->per_class) {
        bp_metrics_free(m);
        return bp_error_nomem(err, "metrics");
    }
    m->n_classes = k;
    m->n = n;
    for (size_t r = 0; r < n; r++) {
        if (actual[r] >= k || predicted[r] >= k) {
            bp_metrics_free(m);
            return bp_error_set(err, BP_ERR_ARG, "class index out of range at row %zu", r);
        }
        m->confusion[actual[r] * k + predicted[r]]++;
    }
    m->accuracy = bp_accuracy(actual, predicted, n);
    per_class_scores(m);
    m->log_loss = proba ? log_loss(proba, actual, n, k) : NAN;
    return BP_OK;
}

bp_regression_metrics bp_metrics_regression(const bp_real *actual, const bp_real *predicted,
                                            const size_t *rows, size_t n)
{
    bp_regression_metrics out = {NAN, NAN, NAN};
    if (n == 0) return out;
    double sum = 0, se = 0, ae = 0, tss = 0;
    for (size_t i = 0; i < n; i++) sum += actual[rows ? rows[i] : i];
    double mean = sum / (double)n;
    for (size_t i = 0; i < n; i++) {
        size_t r = rows ? rows[i] : i;
        double e = (double)predicted[r] - (double)actual[r];
        double d = (double)actual[r] - mean;
        se += e * e;
        ae += fabs(e);
        tss += d * d;
    }
    out.rmse = sqrt(se / (double)n);
    out.mae = ae / (double)n;
    out.r2 = tss > 0 ? 1.0 - se / tss : 0.0;
    return out;
}
