/* Update rules: turn a gradient into a parameter step. */
#ifndef BP_OPTIM_H
#define BP_OPTIM_H

#include "backprop.h"

typedef struct bp_optim {
    bp_optimizer kind;
    double momentum, beta1, beta2, epsilon, l2;
    size_t n;            /* parameters */
    size_t steps;        /* steps taken (adam's bias correction) */
    bp_real *velocity;   /* momentum / nesterov / adam first moment */
    bp_real *second;     /* adam second moment */
    const unsigned char *decays; /* 1 where L2 applies (weights, not biases) */
} bp_optim;

/* Allocates the state an optimiser needs for n parameters. */
bp_status bp_optim_init(bp_optim *opt, const bp_train_options *o, size_t n,
                        const unsigned char *decays, bp_error *err);
void bp_optim_free(bp_optim *opt);
/* One step: params -= f(grad) with learning rate lr. */
void bp_optim_step(bp_optim *opt, bp_real *params, const bp_real *grad, double lr);
/* Learning rate of an epoch under the schedule. */
double bp_schedule_rate(const bp_train_options *o, size_t epoch);

#endif
