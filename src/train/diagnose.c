/* Signs that a run is not learning, gathered while it trains; the command
 * turns them into warnings with the flag that would help. */
#include "train/diagnose.h"

#include "core/net.h"

#include <math.h>
#include <string.h>

/* A sigmoid or tanh unit this close to a limit passes almost no gradient. */
#define SATURATION_MARGIN 1e-3
/* ... and is saturated when it is so on this share of the rows. */
#define SATURATED_SHARE 0.95
/* An epoch whose loss moved by less than this share of itself is flat. */
#define FLAT_CHANGE 1e-5

size_t bp_diagnose_hidden_units(const bp_net *net)
{
    size_t n = 0;
    for (size_t l = 0; l + 1 < net->n_layers; l++) n += net->width[l + 1];
    return n;
}

/* Whether a unit's output is at the limit of its activation. */
static int at_limit(bp_activation act, bp_real out)
{
    double v = (double)out;
    switch (act) {
    case BP_ACT_SIGMOID: return v < SATURATION_MARGIN || v > 1 - SATURATION_MARGIN;
    case BP_ACT_TANH: return fabs(v) > 1 - SATURATION_MARGIN;
    case BP_ACT_RELU: return v <= 0;
    case BP_ACT_LEAKY:
    case BP_ACT_LINEAR:
    case BP_ACT_SOFTMAX:
    case BP_ACT_COUNT: break; /* never stuck */
    }
    return 0;
}

/* Whether a unit is stuck when at_limit() holds on `count` of n rows. */
static void tally_unit(bp_activation act, size_t count, size_t n, bp_train_diagnostics *d)
{
    switch (act) {
    case BP_ACT_SIGMOID:
    case BP_ACT_TANH:
        d->squashing_units++;
        d->saturated_units += (double)count >= SATURATED_SHARE * (double)n;
        return;
    case BP_ACT_RELU:
        d->relu_units++;
        d->dead_units += count == n;
        return;
    case BP_ACT_LEAKY:
    case BP_ACT_LINEAR:
    case BP_ACT_SOFTMAX:
    case BP_ACT_COUNT: return;
    }
}

void bp_diagnose_units(bp_net *net, const bp_samples *s, const size_t *rows, size_t n, size_t *counts,
                       bp_train_diagnostics *d)
{
    if (n > BP_DIAGNOSE_ROWS) n = BP_DIAGNOSE_ROWS;
    size_t units = bp_diagnose_hidden_units(net);
    if (n == 0 || units == 0) return;
    memset(counts, 0, units * sizeof *counts);
    for (size_t k = 0; k < n; k++) {
        bp_net_forward(net, s->x + rows[k] * s->n_inputs);
        size_t u = 0;
        for (size_t l = 0; l + 1 < net->n_layers; l++) {
            const bp_real *out = bp_net_outputs(net, l);
            for (size_t j = 0; j < net->width[l + 1]; j++) counts[u++] += (size_t)at_limit(net->act[l], out[j]);
        }
    }
    d->rows_checked = n;
    size_t u = 0;
    for (size_t l = 0; l + 1 < net->n_layers; l++)
        for (size_t j = 0; j < net->width[l + 1]; j++) tally_unit(net->act[l], counts[u++], n, d);
}

void bp_diagnose_epoch(bp_train_diagnostics *d, size_t epoch, double mean_loss)
{
    if (d->epochs_run == 0) d->first_loss = mean_loss;
    else if (fabs(mean_loss - d->last_loss) <= FLAT_CHANGE * fabs(d->last_loss)) d->flat_epochs++;
    else d->flat_epochs = 0;
    d->last_loss = mean_loss;
    d->epochs_run = epoch + 1;
}
