/* The one-row steps keep the tutorial's order of operations for every
 * neuron, whatever the layer widths: compared bit for bit with plain
 * loops written the tutorial's way. */
#include "backprop.h"
#include "harness.h"

#include <math.h>
#include <stdlib.h>

#ifdef BP_REAL_FLOAT
static bp_real sigmoid(bp_real a) { return 1.0f / (1.0f + expf(-a)); }
#else
static bp_real sigmoid(bp_real a) { return 1.0 / (1.0 + exp(-a)); }
#endif

static void test_forward_and_backward_match_plain_loops(void)
{
    const size_t widths[4] = {13, 21, 9, 3};
    bp_net *net;
    bp_error err;
    CHECK(bp_net_create(&net, 3, widths, NULL, &err) == BP_OK);
    bp_rng rng;
    bp_rng_seed(&rng, 5);
    bp_net_init(net, BP_INIT_XAVIER, &rng);
    bp_real x[13], expected[3] = {0, 1, 0};
    for (int i = 0; i < 13; i++) x[i] = (bp_real)bp_rng_random(&rng);
    const bp_real *out = bp_net_forward(net, x);
    /* plain forward, neuron by neuron */
    bp_real act[3][21];
    const bp_real *in = x;
    for (size_t l = 0; l < 3; l++) {
        const bp_real *W = bp_net_weights(net, l), *b = bp_net_bias(net, l);
        for (size_t j = 0; j < widths[l + 1]; j++) {
            bp_real a = b[j];
            for (size_t i = 0; i < widths[l]; i++) a += W[j * widths[l] + i] * in[i];
            act[l][j] = sigmoid(a);
        }
        in = act[l];
    }
    for (size_t l = 0; l < 3; l++)
        for (size_t j = 0; j < widths[l + 1]; j++) CHECK_EQ_DBL(bp_net_outputs(net, l)[j], act[l][j]);
    for (size_t j = 0; j < 3; j++) CHECK_EQ_DBL(out[j], act[2][j]);
    /* plain backward */
    bp_net_backward(net, expected, BP_LOSS_SSE);
    bp_real delta[3][21];
    for (size_t j = 0; j < 3; j++) delta[2][j] = (act[2][j] - expected[j]) * (act[2][j] * (1 - act[2][j]));
    for (size_t l = 2; l-- > 0;) {
        const bp_real *W = bp_net_weights(net, l + 1);
        for (size_t j = 0; j < widths[l + 1]; j++) {
            bp_real e = 0;
            for (size_t k = 0; k < widths[l + 2]; k++) e += W[k * widths[l + 1] + j] * delta[l + 1][k];
            delta[l][j] = e * (act[l][j] * (1 - act[l][j]));
        }
    }
    for (size_t l = 0; l < 3; l++)
        for (size_t j = 0; j < widths[l + 1]; j++) CHECK_EQ_DBL(bp_net_deltas(net, l)[j], delta[l][j]);
    bp_net_free(net);
}

int main(void)
{
    RUN(test_forward_and_backward_match_plain_loops);
    return harness_finish();
}
