/* Classification metrics: cases worked by hand, and figures computed once
 * with scikit-learn 1.2 (numpy 1.24) on the same arrays, written here as
 * literals with the call that gave them. */
#include "backprop.h"
#include "harness.h"

#include <math.h>

/* scikit-learn sums in another order; the float build rounds the inputs. */
#define TOL (sizeof(bp_real) == sizeof(float) ? 1e-6 : 1e-12)

static bp_metrics scored(const uint32_t *actual, const uint32_t *predicted, const bp_real *proba, size_t n,
                         size_t k)
{
    bp_metrics m;
    bp_error err;
    CHECK(bp_metrics_classification(&m, actual, predicted, proba, n, k, &err) == BP_OK);
    return m;
}

/* ------------------------------------------------------------ binary */

/* y and p1 of the scikit-learn calls below; p0 = 1 - p1. The ties: 0.4
 * three times (one positive, two negatives) and 0.35 twice (positives). */
static const uint32_t binary_y[10] = {0, 0, 1, 1, 0, 1, 0, 1, 1, 0};
static const uint32_t binary_pred[10] = {0, 0, 0, 1, 0, 0, 0, 1, 0, 1};
static const bp_real binary_proba[20] = {0.9, 0.1, 0.6, 0.4, 0.65, 0.35, 0.2, 0.8, 0.6, 0.4,
                                         0.6, 0.4, 0.8, 0.2, 0.1, 0.9, 0.65, 0.35, 0.4, 0.6};

static void test_binary_matches_scikit_learn(void)
{
    bp_metrics m = scored(binary_y, binary_pred, binary_proba, 10, 2);
    CHECK_NEAR(m.roc_auc, 0.68, TOL);                /* roc_auc_score(y, p1) */
    CHECK_NEAR(m.pr_auc, 0.75, TOL);                 /* average_precision_score(y, p1) */
    CHECK_NEAR(m.per_class[0].pr_auc, 0.7535714285714286, TOL); /* average_precision_score(y == 0, p0) */
    CHECK_NEAR(m.per_class[0].roc_auc, 0.68, TOL);   /* roc_auc_score(y == 0, p0) */
    CHECK_NEAR(m.mcc, 0.2182178902359924, TOL);      /* matthews_corrcoef(y, pred) */
    CHECK_NEAR(m.balanced_accuracy, 0.6000000000000001, TOL); /* balanced_accuracy_score(y, pred) */
    CHECK_NEAR(m.brier, 0.3970000000000001, TOL);    /* 2 * brier_score_loss(y, p1) */
    bp_metrics_free(&m);
}

/* roc_curve(y, p1, drop_intermediate=False): the same points, with +inf
 * for scikit-learn's first threshold max(p1) + 1. */
static void test_roc_curve_matches_scikit_learn(void)
{
    const double fpr[8] = {0, 0, 0, 0.2, 0.6, 0.6, 0.8, 1}, tpr[8] = {0, 0.2, 0.4, 0.4, 0.6, 1, 1, 1};
    const double threshold[8] = {INFINITY, 0.9, 0.8, 0.6, 0.4, 0.35, 0.2, 0.1};
    bp_curve c;
    bp_error err;
    CHECK(bp_roc_curve(&c, binary_y, binary_proba, 10, 2, 1, &err) == BP_OK);
    CHECK_EQ_INT(c.n, 8);
    for (size_t i = 0; i < 8 && i < c.n; i++) {
        CHECK_NEAR(c.x[i], fpr[i], TOL);
        CHECK_NEAR(c.y[i], tpr[i], TOL);
        CHECK(c.threshold[i] == threshold[i] || fabs(c.threshold[i] - threshold[i]) < TOL);
    }
    bp_curve_free(&c);
    CHECK(c.x == NULL && c.n == 0);
}

/* precision_recall_curve(y, p1), read from its end (scikit-learn lists
 * the points from recall 1 down). */
static void test_pr_curve_matches_scikit_learn(void)
{
    const double recall[8] = {0, 0.2, 0.4, 0.4, 0.6, 1, 1, 1};
    const double precision[8] = {1, 1, 1, 0.6666666666666666, 0.5, 0.625, 0.5555555555555556, 0.5};
    bp_curve c;
    bp_error err;
    CHECK(bp_pr_curve(&c, binary_y, binary_proba, 10, 2, 1, &err) == BP_OK);
    CHECK_EQ_INT(c.n, 8);
    for (size_t i = 0; i < 8 && i < c.n; i++) {
        CHECK_NEAR(c.x[i], recall[i], TOL);
        CHECK_NEAR(c.y[i], precision[i], TOL);
    }
    CHECK(isinf(c.threshold[0]));
    bp_curve_free(&c);
}

/* The areas are the curves': the trapezoids under the ROC points, and the
 * recall steps times the precision after them. */
static void test_areas_are_those_of_the_curves(void)
{
    bp_metrics m = scored(binary_y, binary_pred, binary_proba, 10, 2);
    bp_curve roc, pr;
    bp_error err;
    CHECK(bp_roc_curve(&roc, binary_y, binary_proba, 10, 2, 1, &err) == BP_OK);
    CHECK(bp_pr_curve(&pr, binary_y, binary_proba, 10, 2, 1, &err) == BP_OK);
    double trapezoids = 0, steps = 0;
    for (size_t i = 1; i < roc.n; i++) trapezoids += (roc.x[i] - roc.x[i - 1]) * (roc.y[i] + roc.y[i - 1]) / 2;
    for (size_t i = 1; i < pr.n; i++) steps += (pr.x[i] - pr.x[i - 1]) * pr.y[i];
    CHECK_NEAR(m.roc_auc, trapezoids, 1e-12);
    CHECK_NEAR(m.pr_auc, steps, 1e-12);
    bp_curve_free(&roc);
    bp_curve_free(&pr);
    bp_metrics_free(&m);
}

/* ------------------------------------------------------- multi-class */

static void test_three_classes_match_scikit_learn(void)
{
    const uint32_t y[8] = {0, 1, 2, 2, 1, 0, 2, 1}, pred[8] = {0, 1, 2, 2, 0, 0, 2, 1};
    const bp_real p[24] = {0.5, 0.3, 0.2, 0.2, 0.5, 0.3, 0.1, 0.3, 0.6, 0.3, 0.3, 0.4,
                           0.5, 0.3, 0.2, 0.6, 0.2, 0.2, 0.2, 0.2, 0.6, 0.2, 0.6, 0.2};
    bp_metrics m = scored(y, pred, p, 8, 3);
    CHECK_NEAR(m.roc_auc, 0.9527777777777778, TOL); /* roc_auc_score(y, P, multi_class='ovr', average='macro') */
    CHECK_NEAR(m.per_class[0].roc_auc, 0.9583333333333333, TOL); /* roc_auc_score(y == c, P[:, c]) */
    CHECK_NEAR(m.per_class[1].roc_auc, 0.8999999999999999, TOL);
    CHECK_NEAR(m.per_class[2].roc_auc, 1.0, TOL);
    /* average_precision_score(label_binarize(y, classes=[0, 1, 2]), P, average='macro') */
    CHECK_NEAR(m.pr_auc, 0.8888888888888888, TOL);
    CHECK_NEAR(m.per_class[0].pr_auc, 0.8333333333333333, TOL);
    CHECK_NEAR(m.per_class[1].pr_auc, 0.8333333333333333, TOL);
    CHECK_NEAR(m.mcc, 0.8333333333333334, TOL);               /* matthews_corrcoef(y, pred) */
    CHECK_NEAR(m.balanced_accuracy, 0.8888888888888888, TOL); /* balanced_accuracy_score(y, pred) */
    CHECK_NEAR(m.brier, 0.3825, TOL); /* np.mean(np.sum((P - np.eye(3)[y]) ** 2, axis=1)) */
    bp_metrics_free(&m);
}

/* Class 3 has no row: its AUCs are undefined and left out of the means
 * (scikit-learn refuses roc_auc_score then; the means below are of its
 * per-class figures over classes 0-2), and balanced accuracy counts the
 * classes with rows only, while macro recall counts all four. */
static void test_absent_class_is_left_out(void)
{
    const uint32_t y[8] = {0, 1, 2, 0, 1, 2, 0, 1}, pred[8] = {0, 1, 3, 0, 0, 2, 0, 3};
    const bp_real p[32] = {0.4, 0.2, 0.1, 0.3, 0.1, 0.5, 0.2, 0.2, 0.2, 0.2, 0.2, 0.4,
                           0.7, 0.1, 0.1, 0.1, 0.3, 0.3, 0.3, 0.1, 0.1, 0.1, 0.6, 0.2,
                           0.25, 0.25, 0.25, 0.25, 0.1, 0.2, 0.3, 0.4};
    bp_metrics m = scored(y, pred, p, 8, 4);
    CHECK(isnan(m.per_class[3].roc_auc) && isnan(m.per_class[3].pr_auc));
    CHECK_NEAR(m.per_class[0].roc_auc, 0.9333333333333333, TOL); /* roc_auc_score(y == c, P[:, c]) */
    CHECK_NEAR(m.per_class[1].roc_auc, 0.8666666666666666, TOL);
    CHECK_NEAR(m.per_class[2].roc_auc, 0.7083333333333334, TOL);
    CHECK_NEAR(m.roc_auc, 0.8361111111111111, TOL); /* their mean */
    CHECK_NEAR(m.per_class[0].pr_auc, 0.9166666666666665, TOL); /* average_precision_score(y == c, P[:, c]) */
    CHECK_NEAR(m.pr_auc, 0.8055555555555555, TOL);  /* the mean over classes 0-2 */
    CHECK_NEAR(m.mcc, 0.5476190476190477, TOL);     /* matthews_corrcoef(y, pred) */
    CHECK_NEAR(m.balanced_accuracy, 0.611111111111111, TOL); /* balanced_accuracy_score(y, pred) */
    CHECK_NEAR(m.macro_recall, 0.611111111111111 * 3 / 4, TOL);
    CHECK_NEAR(m.brier, 0.5487500000000001, TOL);   /* np.mean(np.sum((P - np.eye(4)[y]) ** 2, axis=1)) */
    bp_metrics_free(&m);
}

/* One class in the rows: no class has both kinds, so no AUC at all. */
static void test_every_auc_undefined_is_nan(void)
{
    const uint32_t y[3] = {0, 0, 0}, pred[3] = {0, 1, 0};
    const bp_real p[9] = {0.8, 0.1, 0.1, 0.3, 0.6, 0.1, 0.5, 0.25, 0.25};
    bp_metrics m = scored(y, pred, p, 3, 3);
    CHECK(isnan(m.roc_auc) && isnan(m.pr_auc));
    for (size_t c = 0; c < 3; c++) CHECK(isnan(m.per_class[c].roc_auc));
    CHECK_EQ_DBL(m.mcc, 0.0); /* one actual class: the denominator is 0 */
    CHECK_NEAR(m.balanced_accuracy, 2.0 / 3, 1e-15);
    CHECK(isfinite(m.brier));
    bp_metrics_free(&m);
    /* two classes, no positive: undefined, though class 0 has its rows */
    const uint32_t y2[2] = {0, 0};
    const bp_real p2[4] = {0.7, 0.3, 0.4, 0.6};
    m = scored(y2, y2, p2, 2, 2);
    CHECK(isnan(m.roc_auc) && isnan(m.pr_auc));
    bp_metrics_free(&m);
}

/* ------------------------------------------------------ worked by hand */

static void test_ranking_by_hand(void)
{
    const uint32_t y[4] = {1, 1, 0, 0};
    const bp_real right[8] = {0.1, 0.9, 0.2, 0.8, 0.7, 0.3, 0.6, 0.4};
    const bp_real wrong[8] = {0.9, 0.1, 0.8, 0.2, 0.3, 0.7, 0.4, 0.6};
    const bp_real tied[8] = {0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5};
    bp_metrics m = scored(y, y, right, 4, 2);
    CHECK_EQ_DBL(m.roc_auc, 1.0);
    CHECK_EQ_DBL(m.pr_auc, 1.0);
    bp_metrics_free(&m);
    m = scored(y, y, wrong, 4, 2);
    CHECK_EQ_DBL(m.roc_auc, 0.0);
    /* the positives last: recall 1/2 at precision 1/3, then 1 at 2/4 */
    CHECK_NEAR(m.pr_auc, 0.5 * (1.0 / 3) + 0.5 * (2.0 / 4), 1e-15);
    bp_metrics_free(&m);
    /* one tie of every row: half of each pair ranked right, and the
     * precision of the whole, whatever the order of the rows */
    m = scored(y, y, tied, 4, 2);
    CHECK_EQ_DBL(m.roc_auc, 0.5);
    CHECK_EQ_DBL(m.pr_auc, 0.5);
    bp_metrics_free(&m);
}

static void test_scores_by_hand(void)
{
    /* a model that always says the majority class: 90% accurate, no better */
    uint32_t y[10] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, always[10] = {0};
    bp_metrics m = scored(y, always, NULL, 10, 2);
    CHECK_EQ_DBL(m.accuracy, 90.0);
    CHECK_EQ_DBL(m.balanced_accuracy, 0.5);
    CHECK_EQ_DBL(m.mcc, 0.0);
    CHECK(isnan(m.roc_auc) && isnan(m.pr_auc) && isnan(m.brier) && isnan(m.log_loss));
    CHECK(isnan(m.per_class[0].roc_auc) && isnan(m.per_class[1].pr_auc));
    bp_metrics_free(&m);
    m = scored(y, y, NULL, 10, 2);
    CHECK_EQ_DBL(m.mcc, 1.0);
    CHECK_EQ_DBL(m.balanced_accuracy, 1.0);
    bp_metrics_free(&m);
    /* every prediction wrong, two classes: MCC -1 */
    const uint32_t a[4] = {0, 1, 0, 1}, flipped[4] = {1, 0, 1, 0};
    m = scored(a, flipped, NULL, 4, 2);
    CHECK_EQ_DBL(m.mcc, -1.0);
    bp_metrics_free(&m);
    /* Brier: certain and right is 0, certain and wrong is 2 */
    const bp_real sure[8] = {1, 0, 0, 1, 1, 0, 0, 1}, sure_wrong[8] = {0, 1, 1, 0, 0, 1, 1, 0};
    m = scored(a, a, sure, 4, 2);
    CHECK_EQ_DBL(m.brier, 0.0);
    bp_metrics_free(&m);
    m = scored(a, flipped, sure_wrong, 4, 2);
    CHECK_EQ_DBL(m.brier, 2.0);
    bp_metrics_free(&m);
}

/* Ties are grouped, so the figures do not depend on the order of the rows. */
static void test_row_order_does_not_matter(void)
{
    const size_t order[10] = {7, 2, 9, 0, 5, 1, 8, 4, 6, 3};
    uint32_t y[10], pred[10];
    bp_real p[20];
    for (size_t i = 0; i < 10; i++) {
        y[i] = binary_y[order[i]];
        pred[i] = binary_pred[order[i]];
        p[2 * i] = binary_proba[2 * order[i]];
        p[2 * i + 1] = binary_proba[2 * order[i] + 1];
    }
    bp_metrics a = scored(binary_y, binary_pred, binary_proba, 10, 2), b = scored(y, pred, p, 10, 2);
    CHECK_EQ_DBL(a.roc_auc, b.roc_auc);
    CHECK_EQ_DBL(a.pr_auc, b.pr_auc);
    CHECK_EQ_DBL(a.per_class[0].pr_auc, b.per_class[0].pr_auc);
    bp_metrics_free(&a);
    bp_metrics_free(&b);
}

/* --------------------------------------------------------------- curves */

static void test_curves_refuse_undefined_classes(void)
{
    const uint32_t y[3] = {0, 0, 2}, bad[3] = {0, 3, 0};
    const bp_real p[9] = {0.8, 0.1, 0.1, 0.3, 0.6, 0.1, 0.5, 0.25, 0.25};
    bp_curve c;
    bp_error err;
    CHECK(bp_roc_curve(&c, y, p, 3, 3, 1, &err) == BP_ERR_ARG); /* no row of class 1 */
    CHECK(c.n == 0 && c.x == NULL);
    CHECK(bp_pr_curve(&c, y, p, 3, 3, 3, &err) == BP_ERR_ARG);  /* no class 3 */
    CHECK(bp_pr_curve(&c, bad, p, 3, 3, 0, &err) == BP_ERR_ARG); /* a class out of range */
    const uint32_t all[3] = {2, 2, 2};
    CHECK(bp_roc_curve(&c, all, p, 3, 3, 2, &err) == BP_ERR_ARG); /* no other class */
    CHECK(bp_roc_curve(&c, y, p, 3, 3, 2, &err) == BP_OK);
    CHECK_EQ_INT(c.n, 3); /* +inf, 0.25, and the two rows tied at 0.1 */
    CHECK_EQ_DBL(c.x[c.n - 1], 1.0);
    CHECK_EQ_DBL(c.y[c.n - 1], 1.0);
    bp_curve_free(&c);
}

/* ---------------------------------------------------------- calibration */

/* calibration_curve(y, p, n_bins=5, strategy='uniform') gives the
 * non-empty bins' fraction positive and mean predicted; the counts are
 * np.histogram(p, bins=5, range=(0, 1)). No p lies on an edge, where the
 * two differ (scikit-learn's bins are closed on the right). */
static void test_calibration_matches_scikit_learn(void)
{
    const bp_real p[20] = {0.95, 0.05, 0.67, 0.33, 0.63, 0.37, 0.19, 0.81, 0.55, 0.45,
                           0.59, 0.41, 0.78, 0.22, 0.07, 0.93, 0.69, 0.31, 0.33, 0.67};
    const double fraction[5] = {0.0, 0.5, 0.5, 0.0, 1.0};
    const double mean[5] = {0.05, 0.3075, 0.43, 0.67, 0.8700000000000001};
    const size_t count[5] = {1, 4, 2, 1, 2};
    bp_calibration_bin bins[5];
    bp_error err;
    CHECK(bp_calibration(bins, 5, binary_y, p, 10, 2, 1, &err) == BP_OK);
    for (size_t i = 0; i < 5; i++) {
        CHECK_EQ_INT(bins[i].count, count[i]);
        CHECK_NEAR(bins[i].fraction_positive, fraction[i], TOL);
        CHECK_NEAR(bins[i].mean_predicted, mean[i], TOL);
        CHECK_NEAR(bins[i].lo, 0.2 * (double)i, 1e-15);
    }
    CHECK_EQ_DBL(bins[4].hi, 1.0);
}

static void test_calibration_edges_and_empty_bins(void)
{
    /* eighths are exact: an edge opens its bin, 1 goes to the last, a NaN
     * to none */
    const uint32_t y[6] = {1, 0, 1, 1, 0, 0};
    const bp_real p[12] = {0.75, 0.25, 0.5, 0.5, 0, 1, 0.25, 0.75, NAN, NAN, 1, 0};
    const size_t count[8] = {1, 0, 1, 0, 1, 0, 1, 1};
    bp_calibration_bin bins[8];
    bp_error err;
    CHECK(bp_calibration(bins, 8, y, p, 6, 2, 0, &err) == BP_OK);
    for (size_t i = 0; i < 8; i++) {
        CHECK_EQ_INT(bins[i].count, count[i]);
        CHECK(count[i] || (isnan(bins[i].mean_predicted) && isnan(bins[i].fraction_positive)));
    }
    CHECK_EQ_DBL(bins[0].fraction_positive, 0.0); /* p = 0, row 2: class 1 */
    CHECK_EQ_DBL(bins[4].fraction_positive, 1.0); /* p = 0.5, row 1: class 0 */
    CHECK_EQ_DBL(bins[6].mean_predicted, 0.75);
    CHECK_EQ_DBL(bins[7].mean_predicted, 1.0);
    CHECK_EQ_DBL(bins[6].lo, 0.75);
    CHECK_EQ_DBL(bins[7].hi, 1.0);
    CHECK(bp_calibration(bins, 0, y, p, 6, 2, 1, &err) == BP_ERR_ARG);
    CHECK(bp_calibration(bins, 8, y, p, 6, 2, 2, &err) == BP_ERR_ARG);
}

int main(void)
{
    RUN(test_binary_matches_scikit_learn);
    RUN(test_roc_curve_matches_scikit_learn);
    RUN(test_pr_curve_matches_scikit_learn);
    RUN(test_areas_are_those_of_the_curves);
    RUN(test_three_classes_match_scikit_learn);
    RUN(test_absent_class_is_left_out);
    RUN(test_every_auc_undefined_is_nan);
    RUN(test_ranking_by_hand);
    RUN(test_scores_by_hand);
    RUN(test_row_order_does_not_matter);
    RUN(test_curves_refuse_undefined_classes);
    RUN(test_calibration_matches_scikit_learn);
    RUN(test_calibration_edges_and_empty_bins);
    return harness_finish();
}
