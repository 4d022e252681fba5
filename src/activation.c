#include "activation.h"
#include "error.h"
#include "names.h"
#include "real.h"

#include <string.h>

static void softmax(bp_real *v, size_t n)
{
    if (n == 0) return;
    bp_real max = v[0];
    for (size_t i = 1; i < n; i++)
        if (v[i] > max) max = v[i];
    bp_real sum = 0;
    for (size_t i = 0; i < n; i++) {
        v[i] = BP_EXP(v[i] - max); /* shifted: never overflows */
        sum += v[i];
    }
    for (size_t i = 0; i < n; i++) v[i] /= sum;
}

void bp_activate(bp_activation act, bp_real *v, size_t n)
{
    switch (act) {
    case BP_ACT_SIGMOID:
        for (size_t i = 0; i < n; i++) v[i] = bp_sigmoid(v[i]);
        break;
    case BP_ACT_TANH:
        for (size_t i = 0; i < n; i++) v[i] = BP_TANH(v[i]);
        break;
    case BP_ACT_RELU:
        for (size_t i = 0; i < n; i++) v[i] = bp_activation_value(BP_ACT_RELU, v[i]);
        break;
    case BP_ACT_LEAKY:
        for (size_t i = 0; i < n; i++) v[i] = bp_activation_value(BP_ACT_LEAKY, v[i]);
        break;
    case BP_ACT_LINEAR:
        break;
    case BP_ACT_SOFTMAX:
        softmax(v, n);
        break;
    }
}

static const char *const activation_names[] = {"sigmoid", "tanh", "relu",
                                               "leaky", "linear", "softmax"};

const char *bp_activation_name(bp_activation act)
{
    return bp_name_of(activation_names, BP_COUNT(activation_names), (size_t)act);
}

bp_status bp_activation_parse(const char *name, bp_activation *out, bp_error *err)
{
    size_t i;
    bp_status st = bp_name_parse(activation_names, BP_COUNT(activation_names), "activation", name, &i, err);
    if (st == BP_OK) *out = (bp_activation)i;
    return st;
}
