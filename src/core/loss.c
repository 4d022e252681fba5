#include "core/loss.h"

#include "core/activation.h"
#include "util/error.h"
#include "util/names.h"
#include "util/real.h"

#include <string.h>

/* Smallest probability fed to log(): keeps the loss finite (as scikit-learn). */
#define PROB_FLOOR 1e-15

static double clamped_log(double p)
{
    if (p < PROB_FLOOR) p = PROB_FLOOR;
    if (p > 1.0 - PROB_FLOOR) p = 1.0 - PROB_FLOOR;
    return log(p);
}

double bp_loss_row(bp_loss loss, bp_activation out_act, const bp_real *out,
                   const bp_real *expected, size_t n)
{
    double sum = 0;
    switch (loss) {
    case BP_LOSS_SSE:
    case BP_LOSS_MSE:
        for (size_t i = 0; i < n; i++) {
            double d = (double)expected[i] - (double)out[i];
            sum += d * d;
        }
        return sum;
    case BP_LOSS_XENT:
        if (out_act == BP_ACT_SOFTMAX) {
            for (size_t i = 0; i < n; i++)
                if (expected[i] != 0) sum -= (double)expected[i] * clamped_log(out[i]);
        } else {
            for (size_t i = 0; i < n; i++) {
                double t = expected[i];
                sum -= t * clamped_log(out[i]) + (1.0 - t) * clamped_log(1.0 - (double)out[i]);
            }
        }
        return sum;
    case BP_LOSS_COUNT: break; /* not a loss: training refuses it */
    }
    return sum;
}

/* Squared error's deltas (SSE and MSE alike: MSE only reports the loss
 * averaged over the outputs too). */
static void squared_error_delta(bp_activation out_act, const bp_real *out, const bp_real *expected,
                                size_t n, bp_real *delta)
{
    if (out_act == BP_ACT_SOFTMAX) {
        /* Squared error through softmax: the Jacobian couples the outputs. */
        bp_real dot = 0;
        for (size_t i = 0; i < n; i++) dot += (out[i] - expected[i]) * out[i];
        for (size_t i = 0; i < n; i++) delta[i] = out[i] * ((out[i] - expected[i]) - dot);
        return;
    }
    /* error * transfer_derivative(output), error = output - expected */
    for (size_t i = 0; i < n; i++) delta[i] = out[i] - expected[i];
    bp_times_derivative(out_act, delta, out, n);
}

void bp_loss_output_delta(bp_loss loss, bp_activation out_act, const bp_real *out,
                          const bp_real *expected, size_t n, bp_real *delta)
{
    switch (loss) {
    case BP_LOSS_SSE:
    case BP_LOSS_MSE: squared_error_delta(out_act, out, expected, n, delta); return;
    case BP_LOSS_XENT:
        /* with softmax or sigmoid outputs the transfer's derivative cancels */
        for (size_t i = 0; i < n; i++) delta[i] = out[i] - expected[i];
        return;
    case BP_LOSS_COUNT: break; /* not a loss: training refuses it */
    }
    for (size_t i = 0; i < n; i++) delta[i] = 0;
}

int bp_loss_averages_outputs(bp_loss loss)
{
    switch (loss) {
    case BP_LOSS_MSE: return 1;
    case BP_LOSS_SSE:
    case BP_LOSS_XENT:
    case BP_LOSS_COUNT: break;
    }
    return 0;
}

double bp_loss_value(bp_loss loss, bp_activation out_act, const bp_real *out, const bp_real *expected,
                     size_t n)
{
    return bp_loss_row(loss, out_act, out, expected, n);
}

bp_status bp_loss_check_pairing(bp_loss loss, bp_activation out_act, size_t n_outputs,
                                bp_error *err)
{
    if (loss == BP_LOSS_XENT && out_act != BP_ACT_SOFTMAX && out_act != BP_ACT_SIGMOID)
        return bp_error_set(err, BP_ERR_ARG,
                            "cross-entropy needs a softmax or sigmoid output layer, not %s",
                            bp_activation_name(out_act));
    if (out_act == BP_ACT_SOFTMAX && n_outputs < 2)
        return bp_error_set(err, BP_ERR_ARG, "softmax needs at least 2 outputs");
    return BP_OK;
}

static const char *const loss_names[] = {"sse", "xent", "mse"};
_Static_assert(BP_COUNT(loss_names) == BP_LOSS_COUNT, "a name for every loss");

const char *bp_loss_name(bp_loss loss)
{
    return bp_name_of(loss_names, BP_COUNT(loss_names), (size_t)loss);
}

bp_status bp_loss_parse(const char *name, bp_loss *out, bp_error *err)
{
    size_t i;
    bp_status st = bp_name_parse(loss_names, BP_COUNT(loss_names), "loss", name, &i, err);
    if (st == BP_OK) *out = (bp_loss)i;
    return st;
}

void bp_output_proba(const bp_real *out, size_t n, bp_real *proba)
{
    bp_real sum = 0;
    for (size_t j = 0; j < n; j++) sum += out[j] > 0 ? out[j] : 0;
    for (size_t j = 0; j < n; j++)
        proba[j] = sum > 0 ? (out[j] > 0 ? out[j] : 0) / sum : (bp_real)1 / (bp_real)n;
}
