/* Mini-batch training on whole (batch x width) matrices, with the GEMM
 * kernels: forward, loss, backward and the gradient of one batch. */
#ifndef BP_BATCH_H
#define BP_BATCH_H

#include "backprop.h"
#include "fast/kernels.h"

typedef struct bp_batch_ws {
    size_t capacity;     /* rows per batch */
    bp_real *x;          /* capacity x n_inputs: the batch's inputs, gathered */
    bp_real *t;          /* capacity x n_outputs: its targets */
    bp_real *w;          /* capacity: its rows' weights, or NULL (each counts 1) */
    bp_real *act;        /* per layer capacity x width, layer after layer */
    bp_real *delta;      /* same layout as act */
    size_t *offset;      /* per layer: offset into act / delta */
    bp_real *bias_step;  /* one layer's bias gradient (plain SGD) */
    bp_real *panels;     /* each layer's W^T as a panel matrix (kernels.h) */
    size_t *panel_offset; /* per layer: offset into panels */
    int panels_live;     /* between bp_batch_sgd_begin and _end */
    bp_pool *pool;
    bp_isa isa;
} bp_batch_ws;

/* Allocates the workspace for batches of up to `capacity` rows, once per run. */
bp_status bp_batch_ws_init(bp_batch_ws *ws, const bp_net *net, size_t capacity, size_t threads,
                           bp_error *err);
void bp_batch_ws_free(bp_batch_ws *ws);

/* Forward pass over the n rows gathered in ws->x; returns the outputs
 * (n x n_outputs), valid until the workspace is used again. */
const bp_real *bp_batch_forward(bp_net *net, bp_batch_ws *ws, size_t n);

/* Called with each row's outputs, in row order (k counts the rows). */
typedef void (*bp_batch_fn)(void *ctx, size_t k, const bp_real *out);

/* Forward pass over many rows (NULL = the first n) of a row-major matrix,
 * a few hundred at a time through the matrix kernels. */
bp_status bp_batch_predict(bp_net *net, const bp_real *x, const size_t *rows, size_t n,
                           size_t threads, bp_batch_fn emit, void *ctx, bp_error *err);

/* Forward and backward over the rows (n <= capacity) already gathered into
 * ws->x and ws->t; writes the mean gradient over the batch into grad and
 * returns the summed loss of the batch. */
double bp_batch_gradient(bp_net *net, bp_batch_ws *ws, size_t n, bp_loss loss, bp_real *grad);

/* As bp_batch_gradient, but the gradient summed over the rows, not their
 * mean: one shard's part of a batch (backprop.h, bp_grad_part). */
double bp_batch_gradient_sum(bp_net *net, bp_batch_ws *ws, size_t n, bp_loss loss, bp_real *grad);

/* As bp_batch_gradient, followed by a plain SGD step of rate lr (without
 * L2), but the step goes straight into the weights, layer by layer, with
 * no gradient buffer: the same step up to rounding. Returns the summed loss. */
double bp_batch_sgd(bp_net *net, bp_batch_ws *ws, size_t n, bp_loss loss, bp_real lr);

/* A run of bp_batch_sgd steps between bp_batch_sgd_begin and _end keeps
 * the weights in the workspace, in the layout the matrix kernels read
 * (each layer's W^T as a panel matrix, kernels.h), so that they are not
 * packed again in every product of every step: begin copies them there,
 * end copies them back. In between, the network's weight arrays are
 * stale: only bp_batch_sgd and bp_batch_forward with this workspace may
 * use the network. The steps give the same model, bit for bit, as without
 * begin and end.
 *
 * bp_batch_ws_panels makes room for the panels, once; fails only for want
 * of memory. Without that room, or with a CBLAS backend (whose GEMM packs
 * as it likes), begin and end do nothing. */
bp_status bp_batch_ws_panels(const bp_net *net, bp_batch_ws *ws, bp_error *err);
void bp_batch_sgd_begin(bp_net *net, bp_batch_ws *ws);
void bp_batch_sgd_end(bp_net *net, bp_batch_ws *ws);

#endif
