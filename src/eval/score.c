/* One number to compare runs by: a metric of a cross-validated result,
 * its mean and its spread over the folds. */
#include "backprop.h"

#include "data/dataset.h"
#include "util/error.h"
#include "util/names.h"

#include <math.h>
#include <stdlib.h>

static const char *const metric_names[] = {"accuracy", "f1", "logloss", "rmse", "mae", "r2"};
_Static_assert(BP_COUNT(metric_names) == BP_METRIC_COUNT, "a name for every metric");

const char *bp_metric_name(bp_metric m)
{
    return bp_name_of(metric_names, BP_COUNT(metric_names), (size_t)m);
}

bp_status bp_metric_parse(const char *name, bp_metric *out, bp_error *err)
{
    size_t i;
    bp_status st = bp_name_parse(metric_names, BP_COUNT(metric_names), "metric", name, &i, err);
    if (st == BP_OK) *out = (bp_metric)i;
    return st;
}

int bp_metric_higher_is_better(bp_metric m)
{
    switch (m) {
    case BP_METRIC_ACCURACY:
    case BP_METRIC_F1:
    case BP_METRIC_R2: return 1;
    case BP_METRIC_LOG_LOSS:
    case BP_METRIC_RMSE:
    case BP_METRIC_MAE:
    case BP_METRIC_COUNT: break;
    }
    return 0;
}

int bp_metric_fits(bp_metric m, bp_task task)
{
    switch (m) {
    case BP_METRIC_ACCURACY:
    case BP_METRIC_F1:
    case BP_METRIC_LOG_LOSS: return task == BP_TASK_CLASSIFICATION;
    case BP_METRIC_RMSE:
    case BP_METRIC_MAE:
    case BP_METRIC_R2: return task == BP_TASK_REGRESSION;
    case BP_METRIC_COUNT: break;
    }
    return 0;
}

static double regression_value(bp_metric m, const bp_regression_metrics *r)
{
    return m == BP_METRIC_RMSE ? r->rmse : m == BP_METRIC_MAE ? r->mae : r->r2;
}

/* The metric over rows fold_rows[begin .. end - 1] of a classification. */
static bp_status classification_value(const bp_dataset *ds, const bp_cv_result *res, bp_metric m, size_t begin,
                                      size_t end, double *out, bp_error *err)
{
    size_t n = end - begin, k = res->n_classes;
    uint32_t *actual = malloc((n ? n : 1) * sizeof *actual), *predicted = malloc((n ? n : 1) * sizeof *predicted);
    bp_real *proba = malloc((n ? n : 1) * k * sizeof *proba);
    bp_status st = actual && predicted && proba ? BP_OK : bp_error_nomem(err, "scores");
    for (size_t i = 0; st == BP_OK && i < n; i++) {
        size_t row = res->fold_rows[begin + i];
        actual[i] = ds->label[row];
        predicted[i] = res->predicted[row];
        for (size_t c = 0; c < k; c++) proba[i * k + c] = res->proba[row * k + c];
    }
    bp_metrics metrics;
    if (st == BP_OK) st = bp_metrics_classification(&metrics, actual, predicted, proba, n, k, err);
    if (st == BP_OK) {
        *out = m == BP_METRIC_ACCURACY ? metrics.accuracy / 100 : m == BP_METRIC_F1 ? metrics.macro_f1 : metrics.log_loss;
        bp_metrics_free(&metrics);
    }
    free(actual);
    free(predicted);
    free(proba);
    return st;
}

static bp_status fold_value(const bp_dataset *ds, const bp_cv_result *res, bp_metric m, size_t f, double *out,
                            bp_error *err)
{
    if (res->fold_regression) {
        *out = regression_value(m, &res->fold_regression[f]);
        return BP_OK;
    }
    if (m == BP_METRIC_ACCURACY) { /* the fold's own figure, as cv prints it */
        *out = res->scores[f] / 100;
        return BP_OK;
    }
    return classification_value(ds, res, m, res->fold_start[f], res->fold_start[f + 1], out, err);
}

bp_status bp_cv_score(const bp_dataset *ds, const bp_cv_result *res, bp_metric m, double *mean, double *std,
                      bp_error *err)
{
    if ((unsigned)m >= (unsigned)BP_METRIC_COUNT) return bp_error_set(err, BP_ERR_ARG, "unknown metric");
    if (!bp_metric_fits(m, ds->task))
        return bp_error_set(err, BP_ERR_ARG, "the metric %s does not score %s", bp_metric_name(m),
                            ds->task == BP_TASK_REGRESSION ? "a regression" : "a classification");
    double *values = malloc(res->folds * sizeof *values), sum = 0, ss = 0;
    if (!values) return bp_error_nomem(err, "scores");
    for (size_t f = 0; f < res->folds; f++) {
        bp_status st = fold_value(ds, res, m, f, &values[f], err);
        if (st != BP_OK) {
            free(values);
            return st;
        }
        sum += values[f];
    }
    *mean = sum / (double)res->folds;
    for (size_t f = 0; f < res->folds; f++) ss += (values[f] - *mean) * (values[f] - *mean);
    *std = sqrt(ss / (double)res->folds);
    free(values);
    if (res->scores && m == BP_METRIC_ACCURACY) *mean = res->mean / 100; /* cv's Mean Accuracy, exactly */
    /* f1 and log loss as cv prints them: over every row, out of fold */
    if (!res->fold_regression && m != BP_METRIC_ACCURACY)
        return classification_value(ds, res, m, 0, res->fold_start[res->folds], mean, err);
    return BP_OK;
}
