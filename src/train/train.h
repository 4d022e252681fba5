/* Internal checks shared by everything that starts a training run. */
#ifndef BP_TRAIN_H
#define BP_TRAIN_H

#include "backprop.h"

/* The checks bp_train makes before it starts: options, shapes, memory. */
bp_status bp_train_check(const bp_net *net, const bp_samples *samples, const bp_train_options *opts,
                         bp_error *err);
/* BP_ERR_NOMEM, with the estimate, when bp_train_memory() of this shape is
 * over opts->max_memory (a limit of 0 allows anything). */
bp_status bp_check_train_memory(size_t n_layers, const size_t *widths, size_t n_rows,
                                const bp_train_options *opts, bp_error *err);
/* What a run checks of a network spec before it creates the network or
 * touches the data: the shape limits (bp_net_spec_shape, so that the
 * trained model can be saved) and the memory, as above. */
bp_status bp_check_spec(const bp_net_spec *spec, size_t n_inputs, size_t n_outputs, size_t n_rows,
                        const bp_train_options *opts, bp_error *err);

#endif
