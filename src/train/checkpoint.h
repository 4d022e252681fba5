/* The whole state of a training run, saved so that a resumed run ends with
 * the same model, bit for bit, as one that was never stopped. */
#ifndef BP_CHECKPOINT_H
#define BP_CHECKPOINT_H

#include "backprop.h"

/* Every array is owned by the trainer; reading fills them in place after
 * checking that the file describes a run of exactly these sizes. */
typedef struct bp_train_state {
    const bp_net *net;      /* shape and parameters */
    size_t epoch;           /* epoch in progress, 0-based */
    size_t position;        /* training rows of that epoch already done */
    double partial_sum;     /* their summed loss */
    size_t steps;           /* optimiser steps taken */
    bp_rng *rng;
    bp_real *velocity;      /* optimiser state, or NULL */
    bp_real *second;        /* adam's second moment, or NULL */
    size_t n_rows, n_train; /* rows in order[], and how many of them train */
    size_t *order;
    bp_real *best;          /* parameters at the best validation loss, or NULL */
    double best_val;
    size_t since_best;
} bp_train_state;

bp_status bp_checkpoint_write(const char *path, const bp_train_state *s, bp_error *err);
/* Reads a checkpoint into s (and s->net's parameters). */
bp_status bp_checkpoint_read(const char *path, bp_train_state *s, bp_error *err);

#endif
