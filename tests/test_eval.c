#include "backprop.h"
#include "harness.h"

#include <stdlib.h>

/* Expected folds come from the tutorial's cross_validation_split in CPython,
 * with the leftover rows appended round-robin. */
static void check_split(uint64_t seed, size_t n, size_t k, const size_t *expected,
                        const size_t *expected_start)
{
    bp_rng rng;
    bp_rng_seed(&rng, seed);
    size_t order[64], start[16];
    bp_error err;
    CHECK(bp_kfold_split(n, k, &rng, order, start, &err) == BP_OK);
    for (size_t i = 0; i <= k; i++) CHECK_EQ_INT(start[i], expected_start[i]);
    for (size_t i = 0; i < n; i++) CHECK_EQ_INT(order[i], expected[i]);
}

static void test_split_matches_tutorial_with_leftovers(void)
{
    const size_t a[] = {2, 1, 6, 3, 0, 7, 8, 9, 5, 4}, a_start[] = {0, 4, 7, 10};
    check_split(1, 10, 3, a, a_start);
    const size_t b[] = {5, 2, 8, 12, 0, 3, 4, 7, 11, 1, 9, 6, 10}, b_start[] = {0, 4, 7, 10, 13};
    check_split(7, 13, 4, b, b_start);
}

static void test_split_seeds_first_fold(void)
{
    bp_rng rng;
    bp_rng_seed(&rng, 1);
    size_t *order = malloc(210 * sizeof *order), start[6];
    bp_error err;
    CHECK(bp_kfold_split(210, 5, &rng, order, start, &err) == BP_OK);
    const size_t expected[] = {34, 146, 207, 197, 16, 67, 31, 130};
    for (int i = 0; i < 8; i++) CHECK_EQ_INT(order[i], expected[i]);
    CHECK_EQ_INT(start[1], 42);
    free(order);
}

static void test_split_million_rows_is_a_permutation(void)
{
    size_t n = 1000000;
    size_t *order = malloc(n * sizeof *order), start[8];
    unsigned char *seen = calloc(n, 1);
    bp_rng rng;
    bp_rng_seed(&rng, 3);
    bp_error err;
    CHECK(bp_kfold_split(n, 7, &rng, order, start, &err) == BP_OK);
    int ok = 1;
    for (size_t i = 0; i < n; i++) {
        if (order[i] >= n || seen[order[i]]) ok = 0;
        else seen[order[i]] = 1;
    }
    CHECK(ok);
    CHECK_EQ_INT(start[7], n);
    CHECK_EQ_INT(start[1], n / 7 + 1); /* 1000000 % 7 = 1 leftover, to fold 0 */
    free(order);
    free(seen);
}

static void test_split_rejects_bad_k(void)
{
    bp_rng rng;
    bp_rng_seed(&rng, 1);
    size_t order[4], start[8];
    bp_error err;
    CHECK(bp_kfold_split(4, 1, &rng, order, start, &err) == BP_ERR_ARG);
    CHECK(bp_kfold_split(4, 0, &rng, order, start, &err) == BP_ERR_ARG);
    CHECK(bp_kfold_split(4, 5, &rng, order, start, &err) == BP_ERR_ARG);
}

static void test_accuracy(void)
{
    const uint32_t actual[21] = {0}, predicted[21] = {0, 0, 1, 2};
    CHECK_EQ_DBL(bp_accuracy(actual, predicted, 21), 90.47619047619048);
    CHECK_EQ_DBL(bp_accuracy(actual, actual, 21), 100.0);
}

static void test_minmax_constant_column_and_missing(void)
{
    const bp_real x[6] = {1, 5, 2, 5, 3, NAN};
    bp_scaler *s;
    bp_error err;
    CHECK(bp_scaler_fit(&s, BP_SCALE_MINMAX, x, 2, NULL, 3, &err) == BP_OK);
    bp_real y[6];
    bp_scaler_apply(s, x, y, 3);
    CHECK_EQ_DBL(y[0], 0.0);
    CHECK_EQ_DBL(y[2], 0.5);
    CHECK_EQ_DBL(y[4], 1.0);
    CHECK_EQ_DBL(y[1], 0.0); /* constant column: 0, not a division by zero */
    CHECK_EQ_DBL(y[5], 0.0); /* missing: filled with the mean (5) */
    bp_scaler_free(s);
    CHECK(bp_scaler_fit(&s, BP_SCALE_STANDARD, x, 2, NULL, 3, &err) == BP_OK);
    bp_scaler_apply(s, x, y, 3);
    CHECK_NEAR(y[0], -1.224744871391589, 1e-6);
    CHECK_EQ_DBL(y[1], 0.0);
    bp_scaler_free(s);
}

static void test_one_hot_groups_unscaled_and_mode_filled(void)
{
    /* feature 0 numeric; features 1-2 one-hot group 1 ("b" is the mode) */
    const bp_real x[12] = {1, 0, 1, 3, 0, 1, 5, 1, 0, 7, NAN, NAN};
    const size_t groups[3] = {0, 1, 1};
    bp_scaler *s;
    bp_error err;
    CHECK(bp_scaler_fit_grouped(&s, BP_SCALE_STANDARD, x, 3, groups, NULL, 4, &err) == BP_OK);
    bp_real y[12];
    bp_scaler_apply(s, x, y, 4);
    CHECK_EQ_DBL(y[1], 0.0);
    CHECK_EQ_DBL(y[2], 1.0);
    CHECK_EQ_DBL(y[10], 0.0); /* missing category: the mode, "b" */
    CHECK_EQ_DBL(y[11], 1.0);
    CHECK(y[0] < 0 && y[9] > 0); /* the numeric feature is standardised */
    bp_scaler_free(s);
}

int main(void)
{
    RUN(test_one_hot_groups_unscaled_and_mode_filled);
    RUN(test_split_matches_tutorial_with_leftovers);
    RUN(test_split_seeds_first_fold);
    RUN(test_split_million_rows_is_a_permutation);
    RUN(test_split_rejects_bad_k);
    RUN(test_accuracy);
    RUN(test_minmax_constant_column_and_missing);
    return harness_finish();
}
