/* The sum of a batch's shard parts in a fixed order, so that a model does
 * not depend on which process or thread computed which shard. */
#include "train/reduce.h"

#include <string.h>

size_t bp_shard_begin(size_t n, size_t n_shards, size_t i)
{
    /* i * n = i * q * n_shards + i * r, and i * r < n_shards^2 fits. */
    size_t q = n / n_shards, r = n % n_shards;
    return i * q + i * r / n_shards;
}

/* The tree is built like a binary counter. Each part is pushed as a
 * pending sum of height 0, and while the two newest pending sums have the
 * same height they are added into one, a level up. At the end the pending
 * sums, highest first, are added from the right. That is the level-by-level
 * pairing of neighbours with an odd last sum going up alone, computed with
 * one pending sum per level instead of a whole level. */
enum { MAX_HEIGHT = 64, BLOCK = 32 };

typedef struct tree {
    size_t depth;
    unsigned height[MAX_HEIGHT];
} tree;

/* Pushes a sum of height 0; returns how many merges it set off. */
static size_t tree_push(tree *t)
{
    size_t merges = 0;
    t->height[t->depth++] = 0;
    while (t->depth >= 2 && t->height[t->depth - 1] == t->height[t->depth - 2]) {
        t->depth--;
        t->height[t->depth - 1]++;
        merges++;
    }
    return merges;
}

/* Parameters [j0, j0 + len) of the tree sum, len <= BLOCK. */
static void reduce_block(const bp_grad_part *parts, size_t n, size_t j0, size_t len, bp_real *out)
{
    bp_real sums[MAX_HEIGHT][BLOCK];
    tree t = {0};
    for (size_t i = 0; i < n; i++) {
        size_t slot = t.depth;
        memcpy(sums[slot], parts[i].grad + j0, len * sizeof **sums);
        for (size_t m = tree_push(&t); m > 0; m--, slot--)
            for (size_t j = 0; j < len; j++) sums[slot - 1][j] += sums[slot][j];
    }
    for (size_t k = t.depth - 1; k > 0; k--)
        for (size_t j = 0; j < len; j++) sums[k - 1][j] += sums[k][j];
    memcpy(out + j0, sums[0], len * sizeof *out);
}

static double reduce_loss(const bp_grad_part *parts, size_t n)
{
    double sums[MAX_HEIGHT];
    tree t = {0};
    for (size_t i = 0; i < n; i++) {
        size_t slot = t.depth;
        sums[slot] = parts[i].loss;
        for (size_t m = tree_push(&t); m > 0; m--, slot--) sums[slot - 1] += sums[slot];
    }
    for (size_t k = t.depth - 1; k > 0; k--) sums[k - 1] += sums[k];
    return sums[0];
}

void bp_reduce_tree(const bp_grad_part *parts, size_t n, size_t n_params, bp_grad_part *total)
{
    total->rows = 0;
    if (n == 0) {
        memset(total->grad, 0, n_params * sizeof *total->grad);
        total->loss = 0;
        return;
    }
    for (size_t i = 0; i < n; i++) total->rows += parts[i].rows;
    total->loss = reduce_loss(parts, n);
    for (size_t j0 = 0; j0 < n_params; j0 += BLOCK)
        reduce_block(parts, n, j0, n_params - j0 < BLOCK ? n_params - j0 : BLOCK, total->grad);
}
