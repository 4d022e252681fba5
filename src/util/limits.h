/* Every size limit of the library, in one place. Input is hostile: a count
 * is checked against its limit before anything is allocated for it, and
 * the limits agree with each other, so that what one part accepts the next
 * part (and the model file) accepts too. The network's own limits are
 * public (BP_MAX_LAYERS, BP_MAX_HIDDEN, BP_MAX_WIDTH, BP_MAX_PARAMS in
 * backprop.h); this header names the rest. A real data set or model is
 * far below every one of them. */
#ifndef BP_LIMITS_H
#define BP_LIMITS_H

#include "backprop.h"

/* ---- CSV input */
/* Bytes in one record (a row, quoted newlines included). */
#define BP_MAX_RECORD_BYTES ((size_t)256 << 20)
/* Fields of a record: the columns of a data set and of a model file. */
#define BP_MAX_COLUMNS ((size_t)1 << 20)
/* Distinct values of a categorical column, in a data set and a model file. */
#define BP_MAX_CATEGORIES ((size_t)10000)

/* ---- text files (model files, checkpoints) */
/* Bytes in a line: a neuron of BP_MAX_WIDTH inputs at 17 digits a weight
 * fits. */
#define BP_MAX_LINE ((size_t)4 << 20)
/* Bytes of a name, label or category in a model file. */
#define BP_MAX_STRING ((size_t)4096)

/* ---- runs */
/* Decimal digits of a seed. */
#define BP_MAX_SEED_DIGITS ((size_t)4096)
/* Threads of a pool. */
#define BP_MAX_THREADS ((size_t)1024)

#endif
