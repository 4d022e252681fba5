/* Calibration of one class's probability: do the rows given p = 0.8 turn
 * out to be of the class 80% of the time? The rows are put in equal-width
 * bins of p, and each bin's mean p is set against the share of its rows
 * that are of the class (scikit-learn's calibration_curve, strategy
 * "uniform", with the empty bins kept and the counts added). */
#include "backprop.h"

#include "util/error.h"

#include <math.h>

/* The bin of p: i with i / n_bins <= p < (i + 1) / n_bins, and the last
 * bin for p = 1 (or above). The edges are the quotients i / n_bins that
 * bp_calibration_bin reports, so a p on an edge goes to the bin it opens. */
static size_t bin_of(double p, size_t n_bins)
{
    if (!(p > 0)) return 0;
    double scaled = p * (double)n_bins;
    size_t i = scaled >= (double)n_bins ? n_bins - 1 : (size_t)scaled;
    while (i > 0 && p < (double)i / (double)n_bins) i--;
    while (i + 1 < n_bins && p >= (double)(i + 1) / (double)n_bins) i++;
    return i;
}

bp_status bp_calibration(bp_calibration_bin *bins, size_t n_bins, const uint32_t *actual,
                         const bp_real *proba, size_t n, size_t n_classes, size_t c, bp_error *err)
{
    if (n_bins == 0) return bp_error_set(err, BP_ERR_ARG, "no calibration bins");
    if (c >= n_classes) return bp_error_set(err, BP_ERR_ARG, "class %zu of %zu classes", c, n_classes);
    for (size_t r = 0; r < n; r++)
        if (actual[r] >= n_classes) return bp_error_set(err, BP_ERR_ARG, "class index out of range at row %zu", r);
    for (size_t i = 0; i < n_bins; i++) {
        bins[i].lo = (double)i / (double)n_bins;
        bins[i].hi = (double)(i + 1) / (double)n_bins;
        bins[i].count = 0;
        bins[i].mean_predicted = 0; /* sums until the division below */
        bins[i].fraction_positive = 0;
    }
    for (size_t r = 0; r < n; r++) {
        double p = (double)proba[r * n_classes + c];
        if (isnan(p)) continue;
        bp_calibration_bin *b = &bins[bin_of(p, n_bins)];
        b->count++;
        b->mean_predicted += p;
        b->fraction_positive += actual[r] == c;
    }
    for (size_t i = 0; i < n_bins; i++) {
        bp_calibration_bin *b = &bins[i];
        b->mean_predicted = b->count ? b->mean_predicted / (double)b->count : NAN;
        b->fraction_positive = b->count ? b->fraction_positive / (double)b->count : NAN;
    }
    return BP_OK;
}
