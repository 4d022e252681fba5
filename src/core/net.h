/* Internal view of a network, shared by the training and model code. */
#ifndef BP_NET_H
#define BP_NET_H

#include "backprop.h"

struct bp_net {
    size_t n_layers;
    size_t *width;        /* n_layers + 1 level widths */
    bp_activation *act;   /* n_layers activations */
    size_t *w_offset;     /* per layer: offset of W in params */
    size_t *b_offset;     /* per layer: offset of b in params */
    size_t n_params;
    bp_real *params;      /* every layer's W (n_out x n_in) then b */
    size_t *unit_offset;  /* per layer: offset of its units in out/delta */
    size_t n_units;       /* sum of the layer widths, inputs excluded */
    bp_real *out;         /* one row's outputs, layer after layer */
    bp_real *delta;       /* one row's deltas, same layout */
};

/* Index of the largest of n values (the first on ties), as list.index(max()). */
size_t bp_argmax(const bp_real *v, size_t n);

#endif
