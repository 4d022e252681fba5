/* Initial weights, always drawn from the caller's seeded rng in the
 * tutorial's order: layer by layer, neuron by neuron, weights then bias. */
#include "core/net.h"

#include "util/error.h"
#include "util/names.h"

#include <math.h>
#include <string.h>

/* A standard normal draw (Box-Muller on two uniform draws). */
static double normal(bp_rng *rng)
{
    double u1 = bp_rng_random(rng), u2 = bp_rng_random(rng);
    return sqrt(-2.0 * log(1.0 - u1)) * cos(6.283185307179586 * u2);
}

static double draw(bp_init init, bp_rng *rng, size_t fan_in, size_t fan_out)
{
    switch (init) {
    case BP_INIT_UNIFORM:
        return bp_rng_random(rng);
    case BP_INIT_XAVIER: {
        double limit = sqrt(6.0 / (double)(fan_in + fan_out));
        return (2.0 * bp_rng_random(rng) - 1.0) * limit;
    }
    case BP_INIT_HE:
        return normal(rng) * sqrt(2.0 / (double)fan_in);
    case BP_INIT_AUTO: break; /* resolved per layer first (bp_init_for_layer) */
    case BP_INIT_COUNT: break; /* not an init: bp_net_from_spec refuses it */
    }
    return 0;
}

/* The tutorial's kind of network: sigmoid throughout, narrow enough that
 * uniform [0,1) weights keep the sums small. */
static int tutorial_like(const size_t *widths, const bp_activation *acts, size_t n_layers)
{
    for (size_t l = 0; l < n_layers; l++)
        if (acts[l] != BP_ACT_SIGMOID || widths[l] > BP_INIT_UNIFORM_FAN_IN) return 0;
    return 1;
}

/* He keeps a ReLU layer's variance from halving at every layer; Xavier
 * keeps a symmetric activation out of saturation. */
static bp_init init_for_activation(bp_activation act)
{
    switch (act) {
    case BP_ACT_RELU:
    case BP_ACT_LEAKY: return BP_INIT_HE;
    case BP_ACT_SIGMOID:
    case BP_ACT_TANH:
    case BP_ACT_LINEAR:
    case BP_ACT_SOFTMAX:
    case BP_ACT_COUNT: break;
    }
    return BP_INIT_XAVIER;
}

bp_init bp_init_for_layer(bp_init init, const size_t *widths, const bp_activation *acts, size_t n_layers,
                          size_t layer)
{
    if (init != BP_INIT_AUTO) return init;
    if (tutorial_like(widths, acts, n_layers)) return BP_INIT_UNIFORM;
    return init_for_activation(acts[layer]);
}

void bp_net_init(bp_net *net, bp_init how, bp_rng *rng)
{
    for (size_t l = 0; l < net->n_layers; l++) {
        bp_init init = bp_init_for_layer(how, net->width, net->act, net->n_layers, l);
        size_t n_in = net->width[l], n_out = net->width[l + 1];
        bp_real *W = bp_net_weights(net, l), *b = bp_net_bias(net, l);
        for (size_t j = 0; j < n_out; j++) {
            for (size_t i = 0; i < n_in; i++) W[j * n_in + i] = (bp_real)draw(init, rng, n_in, n_out);
            /* The tutorial draws the bias too; the scaled schemes start it at 0. */
            b[j] = init == BP_INIT_UNIFORM ? (bp_real)bp_rng_random(rng) : 0;
        }
    }
}

static const char *const init_names[] = {"uniform", "xavier", "he", "auto"};
_Static_assert(BP_COUNT(init_names) == BP_INIT_COUNT, "a name for every init");

const char *bp_init_name(bp_init init)
{
    return bp_name_of(init_names, BP_COUNT(init_names), (size_t)init);
}

bp_status bp_init_parse(const char *name, bp_init *out, bp_error *err)
{
    size_t i;
    bp_status st = bp_name_parse(init_names, BP_COUNT(init_names), "init", name, &i, err);
    if (st == BP_OK) *out = (bp_init)i;
    return st;
}
