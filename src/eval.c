/* Splits for evaluation (the tutorial's k-fold) and accuracy. */
#include "backprop.h"

#include "error.h"

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
