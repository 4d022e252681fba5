/* Mini-batch training on whole (batch x width) matrices, with the GEMM
 * kernels: forward, loss, backward and the gradient of one batch. */
#ifndef BP_BATCH_H
#define BP_BATCH_H

#include "backprop.h"
#include "kernels.h"

typedef struct bp_batch_ws {
    size_t capacity;     /* rows per batch */
    bp_real *x;          /* capacity x n_inputs: the batch's inputs, gathered */
    bp_real *t;          /* capacity x n_outputs: its targets */
    bp_real *act;        /* per layer capacity x width, layer after layer */
    bp_real *delta;      /* same layout as act */
    size_t *offset;      /* per layer: offset into act / delta */
    bp_pool *pool;
    bp_isa isa;
} bp_batch_ws;

/* Allocates the workspace for batches of up to `capacity` rows, once per run. */
bp_status bp_batch_ws_init(bp_batch_ws *ws, const bp_net *net, size_t capacity, size_t threads,
                           bp_error *err);
void bp_batch_ws_free(bp_batch_ws *ws);

/* Forward and backward over the rows (n <= capacity) already gathered into
 * ws->x and ws->t; writes the mean gradient over the batch into grad and
 * returns the summed loss of the batch. */
double bp_batch_gradient(bp_net *net, bp_batch_ws *ws, size_t n, bp_loss loss, bp_real *grad);

#endif
