/* The network: shape, the one parameter buffer, and the tutorial's
 * one-row steps (forward, backward, update, predict). The arithmetic order
 * of these steps is the tutorial's, so its figures come out bit for bit. */
#include "core/net.h"

#include "core/activation.h"
#include "util/error.h"
#include "core/loss.h"
#include "util/limits.h"
#include "util/real.h"

#include <stdio.h>

#include <stdlib.h>
#include <string.h>

/* A level of the shape as a user counts layers. */
static void level_name(char *buf, size_t size, size_t level, size_t n_layers)
{
    if (level == 0) snprintf(buf, size, "the input layer");
    else if (level == n_layers) snprintf(buf, size, "the output layer");
    else snprintf(buf, size, "hidden layer %zu", level);
}

static bp_status check_widths(size_t n_layers, const size_t *widths, bp_error *err)
{
    for (size_t i = 0; i <= n_layers; i++) {
        if (widths[i] == 0) return bp_error_set(err, BP_ERR_ARG, "layer %zu has no neurons", i);
        if (widths[i] > BP_MAX_WIDTH) {
            char level[40];
            level_name(level, sizeof level, i, n_layers);
            return bp_error_set(err, BP_ERR_ARG,
                                "%s has %zu neurons; a layer may have at most %zu "
                                "(the widest a model file holds)",
                                level, widths[i], BP_MAX_WIDTH);
        }
    }
    return BP_OK;
}

static bp_status check_activations(size_t n_layers, const bp_activation *acts, bp_error *err)
{
    for (size_t l = 0; acts && l < n_layers; l++) {
        if ((unsigned)acts[l] >= (unsigned)BP_ACT_COUNT)
            return bp_error_set(err, BP_ERR_ARG, "layer %zu: unknown activation", l + 1);
        if (acts[l] == BP_ACT_SOFTMAX && l + 1 != n_layers)
            return bp_error_set(err, BP_ERR_ARG,
                                "softmax is for the output layer only (layer %zu)", l + 1);
    }
    return BP_OK;
}

/* Parameter count of the shape, or 0 when it is over BP_MAX_PARAMS (or
 * would overflow on the way there). */
static size_t count_params(size_t n_layers, const size_t *widths)
{
    size_t total = 0;
    for (size_t l = 0; l < n_layers; l++) {
        size_t w;
        if (!bp_mul_size(widths[l] + 1, widths[l + 1], &w)) return 0;
        if (w > BP_MAX_PARAMS - total) return 0;
        total += w;
    }
    return total;
}

/* The shape's checks; *n_params is its parameter count when they pass. */
static bp_status check_shape(size_t n_layers, const size_t *widths, const bp_activation *acts,
                             size_t *n_params, bp_error *err)
{
    if (n_layers == 0 || n_layers > BP_MAX_LAYERS)
        return bp_error_set(err, BP_ERR_ARG, "a network needs 1 to %zu weight layers, not %zu",
                            BP_MAX_LAYERS, n_layers);
    bp_status st = check_widths(n_layers, widths, err);
    if (st == BP_OK) st = check_activations(n_layers, acts, err);
    if (st != BP_OK) return st;
    *n_params = count_params(n_layers, widths);
    if (*n_params == 0)
        return bp_error_set(err, BP_ERR_ARG,
                            "the network has over %zu parameters, the most a model file holds",
                            BP_MAX_PARAMS);
    return BP_OK;
}

bp_status bp_net_check_shape(size_t n_layers, const size_t *widths, const bp_activation *acts,
                             bp_error *err)
{
    size_t n_params;
    return check_shape(n_layers, widths, acts, &n_params, err);
}

bp_status bp_net_spec_shape(const bp_net_spec *spec, size_t n_inputs, size_t n_outputs,
                            size_t *widths, bp_activation *acts, bp_error *err)
{
    if (spec->n_hidden > BP_MAX_HIDDEN)
        return bp_error_set(err, BP_ERR_ARG,
                            "%zu hidden layers; a network may have at most %zu (the most a model file holds)",
                            spec->n_hidden, BP_MAX_HIDDEN);
    size_t n_layers = spec->n_hidden + 1;
    widths[0] = n_inputs;
    for (size_t l = 0; l < spec->n_hidden; l++) {
        widths[l + 1] = spec->hidden[l];
        acts[l] = spec->hidden_act ? spec->hidden_act[l] : BP_ACT_SIGMOID;
    }
    widths[n_layers] = n_outputs;
    acts[n_layers - 1] = spec->output_act;
    return bp_net_check_shape(n_layers, widths, acts, err);
}

bp_status bp_net_from_spec(bp_net **out, const bp_net_spec *spec, size_t n_inputs,
                           size_t n_outputs, bp_error *err)
{
    *out = NULL;
    if ((unsigned)spec->init >= (unsigned)BP_INIT_COUNT) return bp_error_set(err, BP_ERR_ARG, "unknown init");
    size_t widths[BP_MAX_LAYERS + 1];
    bp_activation acts[BP_MAX_LAYERS];
    bp_status st = bp_net_spec_shape(spec, n_inputs, n_outputs, widths, acts, err);
    return st == BP_OK ? bp_net_create(out, spec->n_hidden + 1, widths, acts, err) : st;
}

static bp_status allocate_net(bp_net *net, size_t n_layers, size_t n_params, bp_error *err)
{
    net->width = calloc(n_layers + 1, sizeof *net->width);
    net->act = calloc(n_layers, sizeof *net->act);
    net->w_offset = calloc(n_layers, sizeof *net->w_offset);
    net->b_offset = calloc(n_layers, sizeof *net->b_offset);
    net->unit_offset = calloc(n_layers, sizeof *net->unit_offset);
    net->params = calloc(n_params, sizeof *net->params);
    if (!net->width || !net->act || !net->w_offset || !net->b_offset || !net->unit_offset ||
        !net->params)
        return bp_error_nomem(err, "network parameters");
    return BP_OK;
}

bp_status bp_net_create(bp_net **out, size_t n_layers, const size_t *widths,
                        const bp_activation *acts, bp_error *err)
{
    *out = NULL;
    size_t n_params = 0;
    bp_status st = check_shape(n_layers, widths, acts, &n_params, err);
    if (st != BP_OK) return st;
    bp_net *net = calloc(1, sizeof *net);
    if (!net) return bp_error_nomem(err, "network");
    st = allocate_net(net, n_layers, n_params, err);
    if (st != BP_OK) { bp_net_free(net); return st; }
    net->n_layers = n_layers;
    net->n_params = n_params;
    size_t offset = 0, units = 0;
    for (size_t l = 0; l <= n_layers; l++) net->width[l] = widths[l];
    for (size_t l = 0; l < n_layers; l++) {
        net->act[l] = acts ? acts[l] : BP_ACT_SIGMOID;
        net->w_offset[l] = offset;
        offset += widths[l] * widths[l + 1];
        net->b_offset[l] = offset;
        offset += widths[l + 1];
        net->unit_offset[l] = units;
        units += widths[l + 1]; /* cannot overflow: below n_params */
    }
    net->n_units = units;
    net->out = calloc(units, sizeof *net->out);
    net->delta = calloc(units, sizeof *net->delta);
    if (!net->out || !net->delta) {
        bp_net_free(net);
        return bp_error_nomem(err, "network activations");
    }
    *out = net;
    return BP_OK;
}

bp_status bp_net_clone(bp_net **out, const bp_net *net, bp_error *err)
{
    bp_status st = bp_net_create(out, net->n_layers, net->width, net->act, err);
    if (st != BP_OK) return st;
    memcpy((*out)->params, net->params, net->n_params * sizeof *net->params);
    return BP_OK;
}

void bp_net_free(bp_net *net)
{
    if (!net) return;
    free(net->width);
    free(net->act);
    free(net->w_offset);
    free(net->b_offset);
    free(net->unit_offset);
    free(net->params);
    free(net->out);
    free(net->delta);
    free(net);
}

size_t bp_net_layers(const bp_net *net) { return net->n_layers; }

size_t bp_net_width(const bp_net *net, size_t level)
{
    return level <= net->n_layers ? net->width[level] : 0;
}

bp_activation bp_net_activation(const bp_net *net, size_t layer) { return net->act[layer]; }

bp_real *bp_net_weights(bp_net *net, size_t layer) { return net->params + net->w_offset[layer]; }

bp_real *bp_net_bias(bp_net *net, size_t layer) { return net->params + net->b_offset[layer]; }

bp_real *bp_net_params(bp_net *net, size_t *count)
{
    if (count) *count = net->n_params;
    return net->params;
}

const bp_real *bp_net_params_const(const bp_net *net, size_t *count)
{
    if (count) *count = net->n_params;
    return net->params;
}

bp_real *bp_net_outputs(bp_net *net, size_t layer) { return net->out + net->unit_offset[layer]; }

const bp_real *bp_net_deltas(const bp_net *net, size_t layer)
{
    return net->delta + net->unit_offset[layer];
}

/* ----------------------------------------------------------- one row */

/* The tutorial's activate(): bias first, then += w[i] * x[i] in order.
 * Eight neurons are summed side by side: each keeps exactly its own order of
 * operations (so the result is the tutorial's to the bit), while the eight
 * independent chains keep the processor busy instead of waiting on one. */
static void weighted_sums(const bp_real *restrict W, const bp_real *restrict b,
                          const bp_real *restrict in, size_t n_in, bp_real *restrict out, size_t n_out)
{
    enum { BLOCK = 8 };
    size_t j = 0;
    for (; j + BLOCK <= n_out; j += BLOCK) {
        bp_real a[BLOCK];
        for (size_t m = 0; m < BLOCK; m++) a[m] = b[j + m];
        const bp_real *w = W + j * n_in;
        for (size_t i = 0; i < n_in; i++) {
            const bp_real x = in[i];
            for (size_t m = 0; m < BLOCK; m++) a[m] += w[m * n_in + i] * x;
        }
        for (size_t m = 0; m < BLOCK; m++) out[j + m] = a[m];
    }
    for (; j < n_out; j++) {
        const bp_real *w = W + j * n_in;
        bp_real a = b[j];
        for (size_t i = 0; i < n_in; i++) a += w[i] * in[i];
        out[j] = a;
    }
}

const bp_real *bp_net_forward(bp_net *net, const bp_real *inputs)
{
    const bp_real *in = inputs;
    for (size_t l = 0; l < net->n_layers; l++) {
        bp_real *out = bp_net_outputs(net, l);
        size_t n_in = net->width[l], n_out = net->width[l + 1];
        weighted_sums(bp_net_weights(net, l), bp_net_bias(net, l), in, n_in, out, n_out);
        bp_activate(net->act[l], out, n_out);
        in = out;
    }
    return bp_net_outputs(net, net->n_layers - 1);
}

/* Hidden layer error: sum over the next layer of weight * delta, from 0, in
 * the next layer's order; neighbouring neurons side by side (their weights
 * in the next layer are neighbours in memory). */
static void hidden_deltas(bp_net *net, size_t l)
{
    enum { BLOCK = 8 };
    const bp_real *W_next = bp_net_weights(net, l + 1);
    const bp_real *d_next = net->delta + net->unit_offset[l + 1];
    const bp_real *out = bp_net_outputs(net, l);
    bp_real *delta = net->delta + net->unit_offset[l];
    size_t n = net->width[l + 1], n_next = net->width[l + 2];
    bp_activation act = net->act[l];
    size_t j = 0;
    for (; j + BLOCK <= n; j += BLOCK) {
        bp_real e[BLOCK] = {0};
        for (size_t k = 0; k < n_next; k++) {
            const bp_real d = d_next[k], *w = W_next + k * n + j;
            for (size_t m = 0; m < BLOCK; m++) e[m] += w[m] * d;
        }
        for (size_t m = 0; m < BLOCK; m++) delta[j + m] = e[m];
    }
    for (; j < n; j++) {
        bp_real error = 0;
        for (size_t k = 0; k < n_next; k++) error += W_next[k * n + j] * d_next[k];
        delta[j] = error;
    }
    /* delta = error * transfer_derivative(output), the layer at once. */
    bp_times_derivative(act, delta, out, n);
}

void bp_net_backward(bp_net *net, const bp_real *expected, bp_loss loss)
{
    size_t last = net->n_layers - 1;
    bp_loss_output_delta(loss, net->act[last], bp_net_outputs(net, last), expected,
                         net->width[net->n_layers], net->delta + net->unit_offset[last]);
    for (size_t l = last; l-- > 0;) hidden_deltas(net, l);
}

/* One layer's step. The weights, deltas and inputs never overlap (restrict
 * lets the compiler keep them in registers and vectorise the rows); each
 * weight still gets exactly w -= (lr * delta) * input. */
static void update_layer(bp_real *restrict W, bp_real *restrict b, const bp_real *restrict delta,
                         const bp_real *restrict in, size_t n_in, size_t n_out, bp_real lr)
{
    for (size_t j = 0; j < n_out; j++) {
        const bp_real step = lr * delta[j];
        bp_real *restrict w = W + j * n_in;
        for (size_t i = 0; i < n_in; i++) w[i] -= step * in[i];
        b[j] -= step;
    }
}

void bp_net_update(bp_net *net, const bp_real *inputs, bp_real learning_rate)
{
    const bp_real *in = inputs;
    for (size_t l = 0; l < net->n_layers; l++) {
        update_layer(bp_net_weights(net, l), bp_net_bias(net, l), net->delta + net->unit_offset[l], in,
                     net->width[l], net->width[l + 1], learning_rate);
        in = bp_net_outputs(net, l);
    }
}

size_t bp_argmax(const bp_real *v, size_t n)
{
    size_t best = 0;
    for (size_t i = 1; i < n; i++)
        if (v[i] > v[best]) best = i;
    return best;
}

size_t bp_net_predict(bp_net *net, const bp_real *inputs)
{
    const bp_real *out = bp_net_forward(net, inputs);
    return bp_argmax(out, net->width[net->n_layers]);
}
