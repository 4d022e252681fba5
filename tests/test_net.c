/* The one-row steps keep the tutorial's order of operations for every
 * neuron, whatever the layer widths: compared bit for bit with plain
 * loops written the tutorial's way. */
#include "backprop.h"
#include "harness.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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

/* The limits are the model file's: a network at a limit is made, one past
 * it is refused with a message that names the limit (and nothing is
 * allocated for it). */
static void test_shape_limits(void)
{
    bp_net *net = NULL;
    bp_error err;
    const size_t widest[3] = {3, BP_MAX_WIDTH, 2};
    CHECK(bp_net_create(&net, 2, widest, NULL, &err) == BP_OK);
    bp_net_free(net);
    const size_t too_wide[3] = {3, BP_MAX_WIDTH + 1, 2};
    CHECK_EQ_INT(bp_net_create(&net, 2, too_wide, NULL, &err), BP_ERR_ARG);
    CHECK(net == NULL);
    CHECK(strstr(err.message, "hidden layer 1 has 65537 neurons") != NULL);
    CHECK(strstr(err.message, "at most 65536") != NULL);
    const size_t wide_output[2] = {3, BP_MAX_WIDTH + 1};
    CHECK_EQ_INT(bp_net_create(&net, 1, wide_output, NULL, &err), BP_ERR_ARG);
    CHECK(strstr(err.message, "the output layer has 65537 neurons") != NULL);

    static size_t ones[BP_MAX_LAYERS + 2];
    for (size_t i = 0; i < BP_MAX_LAYERS + 2; i++) ones[i] = 1;
    CHECK(bp_net_create(&net, BP_MAX_LAYERS, ones, NULL, &err) == BP_OK);
    bp_net_free(net);
    CHECK_EQ_INT(bp_net_create(&net, BP_MAX_LAYERS + 1, ones, NULL, &err), BP_ERR_ARG);
    CHECK(strstr(err.message, "1 to 1024 weight layers") != NULL);

    /* 65537 x 4097 weights and biases: just over 2^28 */
    const size_t too_many[3] = {BP_MAX_WIDTH, 4097, 1};
    CHECK_EQ_INT(bp_net_create(&net, 2, too_many, NULL, &err), BP_ERR_ARG);
    CHECK(strstr(err.message, "over 268435456 parameters") != NULL);

    bp_net_spec spec = {BP_MAX_HIDDEN + 1, ones, NULL, BP_ACT_SIGMOID, BP_INIT_UNIFORM};
    CHECK_EQ_INT(bp_net_from_spec(&net, &spec, 2, 2, &err), BP_ERR_ARG);
    CHECK(net == NULL);
    CHECK(strstr(err.message, "1024 hidden layers; a network may have at most 1023") != NULL);
    spec.n_hidden = BP_MAX_HIDDEN;
    CHECK(bp_net_from_spec(&net, &spec, 2, 2, &err) == BP_OK);
    bp_net_free(net);
}

int main(void)
{
    RUN(test_forward_and_backward_match_plain_loops);
    RUN(test_shape_limits);
    return harness_finish();
}
