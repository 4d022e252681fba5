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

/* Draws a 3-5-4-2 network with acts and init from seed 9. */
static bp_net *drawn(const bp_activation *acts, bp_init init)
{
    size_t widths[4] = {3, 5, 4, 2};
    bp_net *net;
    bp_error err;
    if (bp_net_create(&net, 3, widths, acts, &err) != BP_OK) return NULL;
    bp_rng rng;
    bp_rng_seed(&rng, 9);
    bp_net_init(net, init, &rng);
    return net;
}

static int same_weights(const bp_net *a, const bp_net *b)
{
    size_t n, m;
    const bp_real *p = bp_net_params_const(a, &n), *q = bp_net_params_const(b, &m);
    return n == m && memcmp(p, q, n * sizeof *p) == 0;
}

/* --init auto: the tutorial's draws for its all-sigmoid network; He for
 * ReLU-family layers and Xavier for the others elsewhere. */
static void test_auto_init_fits_each_layer(void)
{
    bp_activation sig[3] = {BP_ACT_SIGMOID, BP_ACT_SIGMOID, BP_ACT_SIGMOID};
    bp_activation mixed[3] = {BP_ACT_RELU, BP_ACT_TANH, BP_ACT_SOFTMAX};
    bp_activation leaky[3] = {BP_ACT_LEAKY, BP_ACT_SIGMOID, BP_ACT_LINEAR};
    size_t narrow[4] = {3, 5, 4, 2}, wide[4] = {17, 5, 4, 2}, deep_wide[4] = {3, 5, 40, 2};
    /* a sigmoid network wider than the tutorial's: uniform would saturate */
    for (size_t l = 0; l < 3; l++) {
        CHECK_EQ_INT(bp_init_for_layer(BP_INIT_AUTO, wide, sig, 3, l), BP_INIT_XAVIER);
        CHECK_EQ_INT(bp_init_for_layer(BP_INIT_AUTO, deep_wide, sig, 3, l), BP_INIT_XAVIER);
    }
    size_t edge[4] = {16, 16, 16, 2};
    CHECK_EQ_INT(bp_init_for_layer(BP_INIT_AUTO, edge, sig, 3, 0), BP_INIT_UNIFORM);
    for (size_t l = 0; l < 3; l++) CHECK_EQ_INT(bp_init_for_layer(BP_INIT_AUTO, narrow, sig, 3, l), BP_INIT_UNIFORM);
    CHECK_EQ_INT(bp_init_for_layer(BP_INIT_AUTO, narrow, mixed, 3, 0), BP_INIT_HE);
    CHECK_EQ_INT(bp_init_for_layer(BP_INIT_AUTO, narrow, mixed, 3, 1), BP_INIT_XAVIER);
    CHECK_EQ_INT(bp_init_for_layer(BP_INIT_AUTO, narrow, mixed, 3, 2), BP_INIT_XAVIER);
    CHECK_EQ_INT(bp_init_for_layer(BP_INIT_AUTO, narrow, leaky, 3, 0), BP_INIT_HE);
    CHECK_EQ_INT(bp_init_for_layer(BP_INIT_AUTO, narrow, leaky, 3, 1), BP_INIT_XAVIER);
    for (int i = 0; i < BP_INIT_COUNT; i++)
        if (i != BP_INIT_AUTO) CHECK_EQ_INT(bp_init_for_layer((bp_init)i, narrow, mixed, 3, 0), i);

    bp_net *a = drawn(sig, BP_INIT_AUTO), *b = drawn(sig, BP_INIT_UNIFORM);
    CHECK(a && b && same_weights(a, b)); /* the tutorial's weights, draw for draw */
    bp_net_free(a);
    bp_net_free(b);
    a = drawn(mixed, BP_INIT_AUTO);
    b = drawn(mixed, BP_INIT_HE);
    CHECK(a && b);
    if (a && b) {
        /* the first layer is He's draws; the second Xavier's bound */
        CHECK(memcmp(bp_net_weights(a, 0), bp_net_weights(b, 0), 15 * sizeof(bp_real)) == 0);
        double bound = sqrt(6.0 / 9.0), widest = 0;
        for (size_t i = 0; i < 20; i++) widest = fmax(widest, fabs((double)bp_net_weights(a, 1)[i]));
        CHECK(widest <= bound && widest > bound / 4);
    }
    bp_net_free(a);
    bp_net_free(b);
}

/* The learning rate that suits each optimiser when none is given. */
static void test_default_learning_rates(void)
{
    CHECK_EQ_DBL(bp_default_learning_rate(BP_OPT_SGD), 0.3);
    CHECK_EQ_DBL(bp_default_learning_rate(BP_OPT_MOMENTUM), 0.03);
    CHECK_EQ_DBL(bp_default_learning_rate(BP_OPT_NESTEROV), 0.03);
    CHECK_EQ_DBL(bp_default_learning_rate(BP_OPT_ADAM), 0.001);
    for (int i = 0; i < BP_OPT_COUNT; i++) CHECK(bp_default_learning_rate((bp_optimizer)i) > 0);
}

int main(void)
{
    RUN(test_forward_and_backward_match_plain_loops);
    RUN(test_shape_limits);
    RUN(test_auto_init_fits_each_layer);
    RUN(test_default_learning_rates);
    return harness_finish();
}
