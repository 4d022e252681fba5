/* The reduce step of a training step: a batch cut into shards, each shard's
 * part of the gradient, and their sum in a fixed tree order (backprop.h:
 * bp_grad_part, bp_reducer, bp_reduce_tree). */
#ifndef BP_REDUCE_H
#define BP_REDUCE_H

#include "backprop.h"

/* The most shards a batch may be cut into. */
#define BP_MAX_SHARDS ((size_t)1 << 16)

/* The first of shard i's rows among a batch of n rows cut into n_shards:
 * floor(i * n / n_shards), without overflow. Shard i holds
 * [bp_shard_begin(n, s, i), bp_shard_begin(n, s, i + 1)). */
size_t bp_shard_begin(size_t n, size_t n_shards, size_t i);

#endif
