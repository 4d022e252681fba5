/* Ranking metrics of one class against the rest: the ROC and
 * precision-recall curves, and the areas under them as scikit-learn
 * computes them (roc_auc_score, average_precision_score; the curves of
 * roc_curve and precision_recall_curve with every threshold kept).
 *
 * The rows are sorted by their probability of the class, highest first.
 * Rows with equal probabilities form one group and give one point of each
 * curve, so a tie is never settled by the order of the rows: between two
 * points the ROC curve is a straight line, and a positive tied with a
 * negative counts half a pair ranked right (the Mann-Whitney statistic).
 * The sort breaks ties by row index all the same, so that the order is the
 * same whatever qsort does with equal keys.
 *
 * The curves of a class exist when the rows hold at least one row of it and
 * one row of another class (a rate over no rows is undefined). Otherwise its
 * areas are NaN, and the macro averages of bp_metrics leave it out. */
#include "eval/ranking.h"

#include "util/error.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Highest score first, NaN after every number, equal scores in row order:
 * a total order, so that every libc sorts the rows the same way. */
static int by_score_descending(const void *pa, const void *pb)
{
    const bp_ranked *a = pa, *b = pb;
    int a_nan = isnan(a->score), b_nan = isnan(b->score);
    if (a_nan != b_nan) return a_nan - b_nan;
    if (!a_nan && a->score != b->score) return a->score > b->score ? -1 : 1;
    return (a->row > b->row) - (a->row < b->row);
}

static int same_score(double a, double b) { return a == b || (isnan(a) && isnan(b)); }

static void rank_rows(bp_ranked *ranked, const bp_real *proba, size_t n, size_t k, size_t c)
{
    for (size_t r = 0; r < n; r++) {
        ranked[r].score = (double)proba[r * k + c];
        ranked[r].row = r;
    }
    qsort(ranked, n, sizeof *ranked, by_score_descending);
}

/* Rows of equal score: the score, and how many are of the class and not. */
typedef struct group {
    double score;
    size_t pos, neg;
} group;

/* The group that starts at ranked[*at]; *at moves past it. */
static group next_group(const bp_ranked *ranked, size_t n, const uint32_t *actual, size_t c, size_t *at)
{
    group g = {ranked[*at].score, 0, 0};
    for (; *at < n && same_score(ranked[*at].score, g.score); (*at)++) {
        if (actual[ranked[*at].row] == c) g.pos++;
        else g.neg++;
    }
    return g;
}

static size_t rows_of_class(const uint32_t *actual, size_t n, size_t c)
{
    size_t count = 0;
    for (size_t r = 0; r < n; r++) count += actual[r] == c;
    return count;
}

void bp_rank_areas(const uint32_t *actual, const bp_real *proba, size_t n, size_t n_classes, size_t c,
                   bp_ranked *ranked, double *roc_auc, double *pr_auc)
{
    *roc_auc = *pr_auc = NAN;
    size_t pos = rows_of_class(actual, n, c);
    if (pos == 0 || pos == n) return;
    rank_rows(ranked, proba, n, n_classes, c);
    /* The ROC area counted in integers, exact up to the one division: each
     * negative scores below the positives of the groups before its own and
     * ties with those of its own group, which count half. */
    uint64_t twice_pairs = 0;
    double precision_sum = 0; /* the recall step of a group is its positives over pos */
    size_t tp = 0, fp = 0;
    for (size_t at = 0; at < n;) {
        group g = next_group(ranked, n, actual, c, &at);
        twice_pairs += (uint64_t)g.neg * (2 * (uint64_t)tp + g.pos);
        tp += g.pos;
        fp += g.neg;
        precision_sum += (double)g.pos * ((double)tp / (double)(tp + fp));
    }
    *roc_auc = (double)twice_pairs / (2.0 * (double)pos * (double)(n - pos));
    *pr_auc = precision_sum / (double)pos;
}

/* ---------------------------------------------------------------- curves */

typedef enum curve_kind { ROC_CURVE, PR_CURVE } curve_kind;

/* The arguments a curve needs: a class in range, classes in range, and
 * rows of the class and of the others. *pos receives the former's count. */
static bp_status check_curve_rows(const uint32_t *actual, size_t n, size_t k, size_t c, size_t *pos,
                                  bp_error *err)
{
    if (c >= k) return bp_error_set(err, BP_ERR_ARG, "class %zu of %zu classes", c, k);
    for (size_t r = 0; r < n; r++)
        if (actual[r] >= k) return bp_error_set(err, BP_ERR_ARG, "class index out of range at row %zu", r);
    *pos = rows_of_class(actual, n, c);
    if (*pos == 0) return bp_error_set(err, BP_ERR_ARG, "no row of class %zu: its curves are undefined", c);
    if (*pos == n) return bp_error_set(err, BP_ERR_ARG, "every row is of class %zu: its curves are undefined", c);
    return BP_OK;
}

static bp_status curve_alloc(bp_curve *out, size_t points, bp_error *err)
{
    size_t bytes;
    if (!bp_mul_size(points, sizeof(double), &bytes)) return bp_error_nomem(err, "curve");
    out->x = malloc(bytes);
    out->y = malloc(bytes);
    out->threshold = malloc(bytes);
    if (!out->x || !out->y || !out->threshold) {
        bp_curve_free(out);
        return bp_error_nomem(err, "curve");
    }
    out->n = points;
    return BP_OK;
}

static size_t count_groups(const bp_ranked *ranked, size_t n)
{
    size_t groups = 0;
    for (size_t i = 0; i < n; i++) groups += i == 0 || !same_score(ranked[i].score, ranked[i - 1].score);
    return groups;
}

static void set_point(bp_curve *out, size_t i, double x, double y, double threshold)
{
    out->x[i] = x;
    out->y[i] = y;
    out->threshold[i] = threshold;
}

/* The points of a curve from the ranked rows: before any row, then after
 * each group. */
static void trace_curve(bp_curve *out, curve_kind kind, const bp_ranked *ranked, size_t n,
                        const uint32_t *actual, size_t c, size_t pos)
{
    size_t neg = n - pos, tp = 0, fp = 0, i = 0;
    if (kind == ROC_CURVE) set_point(out, i++, 0, 0, INFINITY);
    else set_point(out, i++, 0, 1, INFINITY); /* scikit-learn's first point: no row, precision 1 */
    for (size_t at = 0; at < n;) {
        group g = next_group(ranked, n, actual, c, &at);
        tp += g.pos;
        fp += g.neg;
        double tpr = (double)tp / (double)pos;
        if (kind == ROC_CURVE) set_point(out, i++, (double)fp / (double)neg, tpr, g.score);
        else set_point(out, i++, tpr, (double)tp / (double)(tp + fp), g.score);
    }
}

static bp_status class_curve(bp_curve *out, curve_kind kind, const uint32_t *actual, const bp_real *proba,
                             size_t n, size_t k, size_t c, bp_error *err)
{
    memset(out, 0, sizeof *out);
    size_t pos = 0, bytes;
    bp_status st = check_curve_rows(actual, n, k, c, &pos, err);
    if (st != BP_OK) return st;
    bp_ranked *ranked = bp_mul_size(n, sizeof *ranked, &bytes) ? malloc(bytes) : NULL;
    if (!ranked) return bp_error_nomem(err, "curve");
    rank_rows(ranked, proba, n, k, c);
    st = curve_alloc(out, count_groups(ranked, n) + 1, err);
    if (st == BP_OK) trace_curve(out, kind, ranked, n, actual, c, pos);
    free(ranked);
    return st;
}

bp_status bp_roc_curve(bp_curve *out, const uint32_t *actual, const bp_real *proba, size_t n,
                       size_t n_classes, size_t c, bp_error *err)
{
    return class_curve(out, ROC_CURVE, actual, proba, n, n_classes, c, err);
}

bp_status bp_pr_curve(bp_curve *out, const uint32_t *actual, const bp_real *proba, size_t n,
                      size_t n_classes, size_t c, bp_error *err)
{
    return class_curve(out, PR_CURVE, actual, proba, n, n_classes, c, err);
}

void bp_curve_free(bp_curve *curve)
{
    free(curve->x);
    free(curve->y);
    free(curve->threshold);
    memset(curve, 0, sizeof *curve);
}
