/* Activation functions and their derivatives, on one value or a row. */
#ifndef BP_ACTIVATION_H
#define BP_ACTIVATION_H

#include "backprop.h"
#include "util/real.h"

/* Slope of the leaky ReLU below zero. */
#define BP_LEAKY_SLOPE ((bp_real)0.01)

/* The tutorial's transfer(): 1 / (1 + exp(-a)). exp(-a) overflows to inf
 * for a << 0, giving exactly 0: no NaN. */
static inline bp_real bp_sigmoid(bp_real a)
{
    return (bp_real)1.0 / ((bp_real)1.0 + BP_EXP(-a));
}

/* One neuron's output for the element-wise activations (all but softmax). */
static inline bp_real bp_activation_value(bp_activation act, bp_real a)
{
    switch (act) {
    case BP_ACT_SIGMOID: return bp_sigmoid(a);
    case BP_ACT_TANH: return BP_TANH(a);
    case BP_ACT_RELU: return a > 0 ? a : 0;
    case BP_ACT_LEAKY: return a > 0 ? a : BP_LEAKY_SLOPE * a;
    case BP_ACT_LINEAR:
    case BP_ACT_SOFTMAX: return a;
    case BP_ACT_COUNT: break; /* not an activation: bp_net_create refuses it */
    }
    return a;
}

/* Applies act in place to n pre-activations (softmax over all n). */
void bp_activate(bp_activation act, bp_real *values, size_t n);
/* Derivative of act at a neuron, from its output (not its input): the
 * tutorial's transfer_derivative(output) = output * (1 - output). Not
 * defined for softmax (whose Jacobian couples the outputs). */
static inline bp_real bp_activation_derivative(bp_activation act, bp_real out)
{
    switch (act) {
    case BP_ACT_SIGMOID: return out * ((bp_real)1.0 - out);
    case BP_ACT_TANH: return (bp_real)1.0 - out * out;
    case BP_ACT_RELU: return out > 0 ? (bp_real)1 : (bp_real)0;
    case BP_ACT_LEAKY: return out > 0 ? (bp_real)1 : BP_LEAKY_SLOPE;
    case BP_ACT_LINEAR:
    case BP_ACT_SOFTMAX: return 1;
    case BP_ACT_COUNT: break; /* not an activation: bp_net_create refuses it */
    }
    return 1;
}

/* d[i] *= bp_activation_derivative(act, out[i]) for i < n, a vector at a
 * time (the same values). */
void bp_times_derivative(bp_activation act, bp_real *d, const bp_real *out, size_t n);

#endif
