/* Losses: the value for one row and the output layer's deltas. */
#ifndef BP_LOSS_H
#define BP_LOSS_H

#include "backprop.h"

/* Loss of one row's outputs against its targets (n values). For SSE and MSE
 * the sum of squared differences, (expected - output)^2 added from 0 in
 * order, as the tutorial does; cross-entropy is clamped away from log(0). */
double bp_loss_row(bp_loss loss, bp_activation out_act, const bp_real *out,
                   const bp_real *expected, size_t n);

/* Deltas of the output layer: d loss / d pre-activation. For squared error
 * (output - expected) * f'(output); for cross-entropy with softmax or
 * sigmoid outputs simply output - expected. */
void bp_loss_output_delta(bp_loss loss, bp_activation out_act, const bp_real *out,
                          const bp_real *expected, size_t n, bp_real *delta);

/* Whether the loss reported per row is also averaged over the outputs
 * (MSE); the training sum is the same. */
int bp_loss_averages_outputs(bp_loss loss);

/* Whether a loss makes sense with an output activation (and why not). */
bp_status bp_loss_check_pairing(bp_loss loss, bp_activation out_act, size_t n_outputs,
                                bp_error *err);

/* Class probabilities from the output layer: the outputs clamped at 0 and
 * normalised to sum 1 (softmax outputs already do); uniform when every
 * output is 0. Used by cross-validation and prediction alike. */
void bp_output_proba(const bp_real *out, size_t n, bp_real *proba);

#endif
