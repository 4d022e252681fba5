/* Splits for evaluation (the tutorial's k-fold) and accuracy. */
#include "backprop.h"

#include "core/rng.h"
#include "util/error.h"

#include <math.h>
#include <stdlib.h>

/* A Fenwick tree over "row still remaining" flags: the k-th remaining row in
 * O(log n), so popping from the middle of the list stays cheap. */
typedef struct remaining_rows {
    size_t n;
    size_t *tree; /* 1-based */
    size_t top;   /* highest power of two <= n */
} remaining_rows;

static int remaining_init(remaining_rows *r, size_t n)
{
    r->n = n;
    r->tree = calloc(n + 1, sizeof *r->tree);
    if (!r->tree) return -1;
    for (size_t i = 1; i <= n; i++) {
        r->tree[i] += 1;
        size_t parent = i + (i & (~i + 1));
        if (parent <= n) r->tree[parent] += r->tree[i];
    }
    r->top = 1;
    while (r->top * 2 <= n) r->top *= 2;
    return 0;
}

/* Removes and returns the row at 0-based position k among those remaining. */
static size_t remaining_pop(remaining_rows *r, size_t k)
{
    size_t pos = 0;
    for (size_t step = r->top; step; step /= 2)
        if (pos + step <= r->n && r->tree[pos + step] <= k) {
            pos += step;
            k -= r->tree[pos];
        }
    for (size_t i = pos + 1; i <= r->n; i += i & (~i + 1)) r->tree[i] -= 1;
    return pos; /* 1-based pos + 1 is the row, so 0-based it is pos */
}

static int remaining_has(const remaining_rows *r, size_t row)
{
    /* prefix(row + 1) - prefix(row) */
    size_t a = 0, b = 0;
    for (size_t i = row + 1; i; i -= i & (~i + 1)) a += r->tree[i];
    for (size_t i = row; i; i -= i & (~i + 1)) b += r->tree[i];
    return a != b;
}

bp_status bp_kfold_split(size_t n, size_t k, bp_rng *rng, size_t *order, size_t *fold_start,
                         bp_error *err)
{
    if (k < 2) return bp_error_set(err, BP_ERR_ARG, "k-fold needs at least 2 folds, not %zu", k);
    if (k > n) return bp_error_set(err, BP_ERR_ARG, "%zu folds need at least %zu rows, not %zu", k, k, n);
    size_t fold_size = n / k, extra = n % k;
    remaining_rows r;
    if (remaining_init(&r, n) != 0) return bp_error_nomem(err, "fold split");
    size_t pos = 0;
    for (size_t f = 0; f < k; f++) {
        fold_start[f] = pos;
        pos += fold_size + (f < extra ? 1 : 0);
    }
    fold_start[k] = n;
    /* The tutorial's pops, in its random-number order. */
    size_t left = n;
    for (size_t f = 0; f < k; f++)
        for (size_t i = 0; i < fold_size; i++)
            order[fold_start[f] + i] = remaining_pop(&r, (size_t)bp_rng_randrange(rng, left--));
    /* What the tutorial drops, in row order, goes round-robin to the folds. */
    size_t f = 0;
    for (size_t row = 0; row < n && f < extra; row++)
        if (remaining_has(&r, row)) {
            order[fold_start[f] + fold_size] = row;
            f++;
        }
    free(r.tree);
    return BP_OK;
}

double bp_accuracy(const uint32_t *actual, const uint32_t *predicted, size_t n)
{
    size_t correct = 0;
    for (size_t i = 0; i < n; i++) correct += actual[i] == predicted[i];
    return n ? (double)correct / (double)n * 100.0 : 0.0;
}

bp_status bp_stratified_kfold_split(const uint32_t *labels, size_t n, size_t n_classes, size_t k,
                                    bp_rng *rng, size_t *order, size_t *fold_start, bp_error *err)
{
    if (k < 2) return bp_error_set(err, BP_ERR_ARG, "k-fold needs at least 2 folds, not %zu", k);
    if (k > n) return bp_error_set(err, BP_ERR_ARG, "%zu folds need at least %zu rows, not %zu", k, k, n);
    size_t *by_class = malloc(n * sizeof *by_class);
    size_t *fold_of = malloc(n * sizeof *fold_of);
    size_t *fill = calloc(k + 1, sizeof *fill);
    if (!by_class || !fold_of || !fill) {
        free(by_class);
        free(fold_of);
        free(fill);
        return bp_error_nomem(err, "fold split");
    }
    /* Rows grouped by class (a counting sort keeps row order within a class). */
    size_t pos = 0, next_fold = 0;
    for (size_t c = 0; c < n_classes; c++) {
        size_t begin = pos;
        for (size_t r = 0; r < n; r++)
            if (labels[r] == c) by_class[pos++] = r;
        bp_rng_shuffle(rng, by_class + begin, pos - begin);
        for (size_t i = begin; i < pos; i++) {
            fold_of[by_class[i]] = next_fold;
            fill[next_fold + 1]++;
            next_fold = (next_fold + 1) % k;
        }
    }
    for (size_t f = 0; f < k; f++) fill[f + 1] += fill[f];
    for (size_t f = 0; f <= k; f++) fold_start[f] = fill[f];
    for (size_t i = 0; i < pos; i++) order[fill[fold_of[by_class[i]]]++] = by_class[i];
    free(by_class);
    free(fold_of);
    free(fill);
    return pos == n ? BP_OK : bp_error_set(err, BP_ERR_ARG, "a label is out of range");
}

/* Puts the rows of one class (or all rows) in random order, and marks the
 * last share of them as test rows. */
static size_t take_test_rows(size_t *rows, size_t n, double fraction, bp_rng *rng,
                             unsigned char *is_test)
{
    bp_rng_shuffle(rng, rows, n);
    size_t n_test = (size_t)floor(fraction * (double)n + 0.5);
    if (n_test > n) n_test = n;
    for (size_t i = n - n_test; i < n; i++) is_test[rows[i]] = 1;
    return n_test;
}

bp_status bp_holdout_split(size_t n, double fraction, const uint32_t *labels, size_t n_classes,
                           bp_rng *rng, size_t *order, size_t *n_train, bp_error *err)
{
    if (!(fraction > 0 && fraction < 1))
        return bp_error_set(err, BP_ERR_ARG, "the test fraction must be between 0 and 1, not %g", fraction);
    if (n < 2) return bp_error_set(err, BP_ERR_ARG, "a hold-out split needs at least 2 rows");
    unsigned char *is_test = calloc(n, 1);
    size_t *rows = malloc(n * sizeof *rows);
    if (!is_test || !rows) {
        free(is_test);
        free(rows);
        return bp_error_nomem(err, "hold-out split");
    }
    size_t n_test = 0;
    if (labels) {
        for (size_t c = 0; c < n_classes; c++) {
            size_t m = 0;
            for (size_t r = 0; r < n; r++)
                if (labels[r] == c) rows[m++] = r;
            n_test += take_test_rows(rows, m, fraction, rng, is_test);
        }
    } else {
        for (size_t r = 0; r < n; r++) rows[r] = r;
        n_test = take_test_rows(rows, n, fraction, rng, is_test);
    }
    /* Never an empty side: move one row across if rounding emptied one. */
    if (n_test == 0 || n_test == n) {
        for (size_t r = 0; r < n; r++) rows[r] = r;
        bp_rng_shuffle(rng, rows, n);
        is_test[rows[0]] = n_test == 0;
        n_test += n_test == 0 ? 1 : (size_t)-1;
    }
    size_t a = 0, b = n - n_test;
    for (size_t r = 0; r < n; r++) order[is_test[r] ? b++ : a++] = r;
    *n_train = n - n_test;
    free(is_test);
    free(rows);
    return BP_OK;
}
