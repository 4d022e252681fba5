/* Several networks of one shape trained side by side (internal): the folds
 * of a cross-validation, trained online the tutorial's way.
 *
 * Every network ("lane") keeps exactly the arithmetic of the one-row path
 * (net.c, train.c): the same operations in the same order, on its own
 * weights and its own rows, so each ends bit for bit where bp_train would
 * have left it. Only the memory layout differs: value v of lane m lives at
 * v * BP_LOCKSTEP_LANES + m, so one vector instruction takes the same step
 * in every lane, and the lanes' chains of dependent additions overlap
 * instead of waiting on each other. */
#ifndef BP_LOCKSTEP_H
#define BP_LOCKSTEP_H

#include "backprop.h"

/* Most networks trained together. */
#define BP_LOCKSTEP_LANES 4

/* The memory that keeps an epoch's rows side by side for the next epochs
 * (training side by side never shuffles); the rows of a larger data set
 * pass through a window of this size, refilled as the epoch goes. */
#define BP_LOCKSTEP_ROW_CACHE_BYTES (256 * 1024)

/* What the lanes have code for, each decided value by value (a switch
 * with no default: a value added to the enum does not compile into
 * lockstep until someone says whether, and how, it runs there). */
int bp_lockstep_accepts_loss(bp_loss loss);
int bp_lockstep_accepts_activation(bp_activation act);
int bp_lockstep_accepts_optimizer(bp_optimizer opt);

/* Whether training with these options, on layers with these activations,
 * can run in lockstep: a loss, optimiser and activations the lanes
 * accept, online without L2, drawing no random numbers, reporting no
 * epochs and keeping no checkpoints (nothing looks at one network between
 * two rows). */
int bp_lockstep_applies(const bp_train_options *opts, const bp_activation *acts, size_t n_layers);

/* Trains nets[0..n) (1 <= n <= BP_LOCKSTEP_LANES, all of one shape), net m
 * on samples[m], as bp_train(nets[m], &samples[m], opts, ...) would. The
 * caller has run bp_train's own checks on every pair (train/train.h's
 * bp_train_check): the lanes trust the samples to fit the networks.
 * trained[m] is set to 1 for each network that finished (its parameters
 * are then the trained ones), and to 0 for one whose loss or weights
 * stopped being finite: that network is left as it was given, and bp_train
 * from it reports the divergence with its epoch and batch. Errors (bad
 * options, memory, an interruption through opts->stop) leave every
 * network unchanged. */
bp_status bp_train_lockstep(bp_net *const *nets, const bp_samples *samples, size_t n,
                            const bp_train_options *opts, unsigned char *trained, bp_error *err);

#endif
