/* Scores of predictions: confusion matrix, precision / recall / F1,
 * balanced accuracy, Matthews correlation; from probabilities the log
 * loss, the Brier score and (src/eval/ranking.c) the areas under the ROC
 * and precision-recall curves; RMSE, MAE and R^2 for regression.
 *
 * The figures are scikit-learn's: balanced_accuracy_score,
 * matthews_corrcoef, roc_auc_score and average_precision_score (one vs
 * rest, macro, for more than two classes). Where scikit-learn refuses, a
 * figure is defined here instead: a class with no row, or with every row,
 * has no ROC or PR AUC (NaN) and is left out of the macro averages; MCC is
 * 0 when its denominator is. The Brier score is the multi-class one (sum
 * over the classes), which for two classes is twice scikit-learn's
 * brier_score_loss. */
#include "backprop.h"

#include "eval/ranking.h"
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

/* Mean recall over the classes that have rows; NaN without rows. */
static double balanced_accuracy(const bp_metrics *m)
{
    double sum = 0;
    size_t present = 0;
    for (size_t c = 0; c < m->n_classes; c++) {
        if (!m->per_class[c].support) continue;
        sum += m->per_class[c].recall;
        present++;
    }
    return present ? sum / (double)present : NAN;
}

/* The multi-class MCC from the confusion matrix (Gorodkin's R_K, as
 * scikit-learn writes it): covariances of the actual and predicted class
 * indicators, in doubles, which hold the squared counts of any data set
 * that fits in memory exactly. */
static double matthews(const bp_metrics *m)
{
    size_t k = m->n_classes;
    double n = (double)m->n, correct = 0, actual_predicted = 0, predicted_sq = 0, actual_sq = 0;
    for (size_t c = 0; c < k; c++) {
        double actual = 0, predicted = 0;
        for (size_t i = 0; i < k; i++) {
            actual += (double)m->confusion[c * k + i];
            predicted += (double)m->confusion[i * k + c];
        }
        correct += (double)m->confusion[c * k + c];
        actual_predicted += actual * predicted;
        predicted_sq += predicted * predicted;
        actual_sq += actual * actual;
    }
    double cov_ap = correct * n - actual_predicted;
    double cov_pp = n * n - predicted_sq, cov_aa = n * n - actual_sq;
    return cov_pp * cov_aa == 0 ? 0.0 : cov_ap / sqrt(cov_aa * cov_pp);
}

/* Mean over the rows of the squared distance between the probabilities
 * and the actual class's one-hot vector. */
static double brier(const bp_real *proba, const uint32_t *actual, size_t n, size_t k)
{
    double sum = 0;
    for (size_t r = 0; r < n; r++)
        for (size_t c = 0; c < k; c++) {
            double d = (double)proba[r * k + c] - (c == actual[r] ? 1.0 : 0.0);
            sum += d * d;
        }
    return n ? sum / (double)n : NAN;
}

/* Each class's ROC and PR AUC, then the figures of the whole: the positive
 * class's with two classes, else the mean over the classes that have them. */
static bp_status ranking_areas(bp_metrics *m, const bp_real *proba, const uint32_t *actual, bp_error *err)
{
    size_t k = m->n_classes, n = m->n, bytes;
    bp_ranked *ranked = bp_mul_size(n ? n : 1, sizeof *ranked, &bytes) ? malloc(bytes) : NULL;
    if (!ranked) return bp_error_nomem(err, "metrics");
    double roc_sum = 0, pr_sum = 0;
    size_t defined = 0;
    for (size_t c = 0; c < k; c++) {
        bp_class_metrics *pc = &m->per_class[c];
        bp_rank_areas(actual, proba, n, k, c, ranked, &pc->roc_auc, &pc->pr_auc);
        if (isnan(pc->roc_auc)) continue;
        roc_sum += pc->roc_auc;
        pr_sum += pc->pr_auc;
        defined++;
    }
    free(ranked);
    if (k == 2) {
        m->roc_auc = m->per_class[1].roc_auc;
        m->pr_auc = m->per_class[1].pr_auc;
    } else {
        m->roc_auc = defined ? roc_sum / (double)defined : NAN;
        m->pr_auc = defined ? pr_sum / (double)defined : NAN;
    }
    return BP_OK;
}

static void no_probabilities(bp_metrics *m)
{
    m->log_loss = m->brier = m->roc_auc = m->pr_auc = NAN;
    for (size_t c = 0; c < m->n_classes; c++) m->per_class[c].roc_auc = m->per_class[c].pr_auc = NAN;
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
    m->balanced_accuracy = balanced_accuracy(m);
    m->mcc = matthews(m);
    no_probabilities(m);
    if (!proba) return BP_OK;
    m->log_loss = log_loss(proba, actual, n, k);
    m->brier = brier(proba, actual, n, k);
    bp_status st = ranking_areas(m, proba, actual, err);
    if (st != BP_OK) bp_metrics_free(m);
    return st;
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
