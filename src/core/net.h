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

/* BP_ERR_ARG unless the shape is one bp_net_create makes: 1 to
 * BP_MAX_LAYERS weight layers of 1 to BP_MAX_WIDTH neurons, at most
 * BP_MAX_PARAMS parameters, softmax on the output only. acts may be NULL. */
bp_status bp_net_check_shape(size_t n_layers, const size_t *widths, const bp_activation *acts,
                             bp_error *err);
/* The shape a spec makes for n_inputs and n_outputs, checked as above:
 * widths has room for BP_MAX_LAYERS + 1 entries, acts for BP_MAX_LAYERS. */
bp_status bp_net_spec_shape(const bp_net_spec *spec, size_t n_inputs, size_t n_outputs,
                            size_t *widths, bp_activation *acts, bp_error *err);

/* Index of the largest of n values (the first on ties), as list.index(max()). */
size_t bp_argmax(const bp_real *v, size_t n);

#endif
