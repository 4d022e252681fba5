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

/* The ReLU and the leaky ReLU and their derivatives (from the output),
 * spelled once for activation.c's table and the loops that inline them
 * (lockstep.c). */
static inline bp_real bp_relu(bp_real a) { return a > 0 ? a : 0; }
static inline bp_real bp_relu_derivative(bp_real out) { return out > 0 ? (bp_real)1 : (bp_real)0; }
static inline bp_real bp_leaky_relu(bp_real a) { return a > 0 ? a : BP_LEAKY_SLOPE * a; }
static inline bp_real bp_leaky_relu_derivative(bp_real out) { return out > 0 ? (bp_real)1 : BP_LEAKY_SLOPE; }

/* Everything about one activation, in the table activation.c keeps: the
 * one place an activation is defined. The reference path, the fast paths'
 * fallbacks, the names, export-c and trace all read it. */
typedef struct bp_activation_def {
    const char *name;
    /* One neuron's output from its pre-activation; softmax, which needs
     * the whole row, leaves it as it is (bp_activate does the row). */
    bp_real (*value)(bp_real a);
    /* The derivative from the neuron's output, not its input (the
     * tutorial's transfer_derivative(output)); 1 for softmax, whose
     * Jacobian couples the outputs (loss.c handles it). */
    bp_real (*derivative)(bp_real out);
    /* export-c: the C statements of the activation function's body over
     * v[0..n) with the index i, with $r for the model's name (so
     * "$r_real" is its scalar type) and $f for the float suffix of the
     * <math.h> functions ("" in a double export); NULL for the identity,
     * which gets no function and no call. */
    const char *c_body;
    /* trace: the output as a sentence, the derivative from the output,
     * and that derivative worked out for one output value, with @ for the
     * value: one text for an output above 0, one for the rest. */
    const char *formula, *derivative_formula;
    const char *working_positive, *working_other;
} bp_activation_def;

/* The definition of act; NULL for a value that is not an activation. */
const bp_activation_def *bp_activation_def_of(bp_activation act);

/* One neuron's output for the element-wise activations (softmax: a). */
bp_real bp_activation_value(bp_activation act, bp_real a);

/* Applies act in place to n pre-activations (softmax over all n). */
void bp_activate(bp_activation act, bp_real *values, size_t n);

/* d[i] *= bp_activation_derivative(act, out[i]) for i < n, a vector at a
 * time (the same values). */
void bp_times_derivative(bp_activation act, bp_real *d, const bp_real *out, size_t n);

#endif
