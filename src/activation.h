/* Activation functions and their derivatives, on one value or a row. */
#ifndef BP_ACTIVATION_H
#define BP_ACTIVATION_H

#include "backprop.h"

/* Slope of the leaky ReLU below zero. */
#define BP_LEAKY_SLOPE ((bp_real)0.01)

/* Applies act in place to n pre-activations (softmax over all n). */
void bp_activate(bp_activation act, bp_real *values, size_t n);
/* Derivative of act at a neuron, from its output (not its input): the
 * tutorial's transfer_derivative(output) = output * (1 - output). Not
 * defined for softmax (whose Jacobian couples the outputs). */
bp_real bp_activation_derivative(bp_activation act, bp_real output);

#endif
