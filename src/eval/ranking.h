/* How well one class's probability ranks its rows above the others': the
 * rows sorted by that probability, and the areas under the ROC and
 * precision-recall curves that the sorted order gives. */
#ifndef BP_EVAL_RANKING_H
#define BP_EVAL_RANKING_H

#include "backprop.h"

/* A row and its probability of the class being ranked. */
typedef struct bp_ranked {
    double score;
    size_t row;
} bp_ranked;

/* ROC AUC and average precision of class c against the rest, with ranked
 * (n entries) as scratch space. Both NaN when the rows hold no row of c or
 * no row of another class. actual[] must be below n_classes. */
void bp_rank_areas(const uint32_t *actual, const bp_real *proba, size_t n, size_t n_classes, size_t c,
                   bp_ranked *ranked, double *roc_auc, double *pr_auc);

#endif
