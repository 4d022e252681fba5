#include "core/activation.h"
#include "core/tanh.h"
#include "util/error.h"
#include "util/cpu.h"
#include "util/names.h"
#include "util/real.h"
#include "util/vec.h"

#include <string.h>

/* ------------------------------------------- the reference, one value */

static bp_real sigmoid_value(bp_real a) { return bp_sigmoid(a); }
static bp_real sigmoid_derivative(bp_real out) { return out * ((bp_real)1.0 - out); }
static bp_real tanh_value(bp_real a) { return bp_tanh(a); }
static bp_real tanh_derivative(bp_real out) { return (bp_real)1.0 - out * out; }
static bp_real relu_value(bp_real a) { return bp_relu(a); }
static bp_real relu_derivative(bp_real out) { return bp_relu_derivative(out); }
static bp_real leaky_value(bp_real a) { return bp_leaky_relu(a); }
static bp_real leaky_derivative(bp_real out) { return bp_leaky_relu_derivative(out); }
static bp_real identity(bp_real a) { return a; }
static bp_real one(bp_real out) { return (void)out, (bp_real)1; }

#define STR(x) #x
#define EXPANDED(x) STR(x)
/* export-c's tanh: tanh.h's operations, with nearbyint and ldexp for its
 * bit operations (the same values), so the file predicts what bp_tanh does. */
#define BP_TANH_C_BODY                                                                         \
    "    for (i = 0; i < n; i++) {\n"                                                          \
    "        $r_real ax = fabs$f(v[i]), y = ax * -2, k, r, p, scale, t;\n"                      \
    "        if (!(ax <= " EXPANDED(BP_TANH_ONE_ABOVE) ")) { /* +-1, or NaN */\n"               \
    "            if (ax > " EXPANDED(BP_TANH_ONE_ABOVE) ") v[i] = copysign$f(1, v[i]);\n"       \
    "            continue;\n"                                                                  \
    "        }\n"                                                                              \
    "        k = nearbyint$f(y * " EXPANDED(BP_TANH_INV_LN2) ");\n"                             \
    "        r = (y - k * " EXPANDED(BP_TANH_LN2_HI) ") - k * " EXPANDED(BP_TANH_LN2_LO) ";\n"   \
    "        p = " EXPANDED(BP_TANH_EXPM1(r)) ";\n"                                              \
    "        scale = ldexp$f(1, (int)k);\n"                                                     \
    "        t = scale * p + (scale - 1);\n"                                                    \
    "        v[i] = copysign$f(-t / (t + 2), v[i]);\n"                                          \
    "    }\n"

/* Every activation, in the order of enum bp_activation (the names are
 * the command line's and the model file's: never rename one). */
static const bp_activation_def defs[] = {
    [BP_ACT_SIGMOID] = {"sigmoid", sigmoid_value, sigmoid_derivative,
                        "    for (i = 0; i < n; i++)\n"
                        "        v[i] = ($r_real)1.0 / (($r_real)1.0 + exp$f(-v[i]));\n",
                        "output = sigmoid(activation) = 1 / (1 + exp(-activation))",
                        "output * (1 - output)", "@ * (1 - @) = ", "@ * (1 - @) = "},
    [BP_ACT_TANH] = {"tanh", tanh_value, tanh_derivative,
                     BP_TANH_C_BODY,
                     "output = tanh(activation)", "1 - output * output", "1 - @ * @ = ",
                     "1 - @ * @ = "},
    [BP_ACT_RELU] = {"relu", relu_value, relu_derivative,
                     "    for (i = 0; i < n; i++) v[i] = v[i] > 0 ? v[i] : 0;\n",
                     "output = activation if it is positive, else 0 (relu)",
                     "1 if output > 0, else 0", "(output > 0) ", "(output <= 0) "},
    [BP_ACT_LEAKY] = {"leaky", leaky_value, leaky_derivative,
                      "    for (i = 0; i < n; i++) v[i] = v[i] > 0 ? v[i] : ($r_real)0.01 * v[i];\n",
                      "output = activation if it is positive, else 0.01 * activation (leaky relu)",
                      "1 if output > 0, else 0.01", "(output > 0) ", "(output <= 0) "},
    [BP_ACT_LINEAR] = {"linear", identity, one, NULL, "output = activation (linear)", "1", "", ""},
    [BP_ACT_SOFTMAX] = {"softmax", identity, one,
                        "    $r_real max = v[0], sum = 0;\n"
                        "    for (i = 1; i < n; i++)\n        if (v[i] > max) max = v[i];\n"
                        "    for (i = 0; i < n; i++) {\n"
                        "        v[i] = exp$f(v[i] - max);\n"
                        "        sum += v[i];\n"
                        "    }\n"
                        "    for (i = 0; i < n; i++) v[i] /= sum;\n",
                        "output = exp(activation) / sum over the layer of exp(activation) (softmax)",
                        "1", "", ""},
};
_Static_assert(BP_COUNT(defs) == BP_ACT_COUNT, "a definition for every activation");

const bp_activation_def *bp_activation_def_of(bp_activation act)
{
    return (unsigned)act < (unsigned)BP_ACT_COUNT ? &defs[act] : NULL;
}

bp_real bp_activation_value(bp_activation act, bp_real a)
{
    const bp_activation_def *d = bp_activation_def_of(act);
    return d ? d->value(a) : a;
}

/* The table's derivative, with the calls spelled out so that the vector
 * loops' tails inline them. */
static inline __attribute__((always_inline)) bp_real derivative(bp_activation act, bp_real out)
{
    switch (act) {
    case BP_ACT_SIGMOID: return sigmoid_derivative(out);
    case BP_ACT_TANH: return tanh_derivative(out);
    case BP_ACT_RELU: return relu_derivative(out);
    case BP_ACT_LEAKY: return leaky_derivative(out);
    case BP_ACT_LINEAR:
    case BP_ACT_SOFTMAX: return one(out);
    case BP_ACT_COUNT: break; /* not an activation: bp_net_create refuses it */
    }
    return 1;
}

bp_real bp_activation_derivative(bp_activation act, bp_real out) { return derivative(act, out); }

/* ------------------------------------------------- a row at a time */

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

/* The element-wise loops below are compiled once per vector width, as the
 * matrix kernels are (kernels.c): the baseline x86-64 build would run
 * each 8-wide operation as several SSE2 instructions. The arithmetic is
 * the same in every variant (no contraction: -ffp-contract=off), so are
 * the bits; the CPU picks the variant at each call. */
#define INLINE static inline __attribute__((always_inline))
#if defined(__x86_64__) && !defined(BP_NO_SIMD)
#define ISA_VARIANTS(name, params, args)                                                       \
    static void name##_plain params { name##_body args; }                                     \
    __attribute__((target("avx2"))) static void name##_avx2 params { name##_body args; }      \
    __attribute__((target("avx512f"))) static void name##_avx512 params { name##_body args; } \
    static void name params                                                                    \
    {                                                                                          \
        switch (bp_cpu_isa()) {                                                                \
        case BP_ISA_AVX512: name##_avx512 args; return;                                        \
        case BP_ISA_AVX2: name##_avx2 args; return;                                            \
        case BP_ISA_PORTABLE: break;                                                           \
        }                                                                                      \
        name##_plain args;                                                                     \
    }
#else
#define ISA_VARIANTS(name, params, args) \
    static void name params { name##_body args; }
#endif

/* ReLU and leaky ReLU a vector at a time (vec.h): the sign test picks each
 * element's bits, exactly as the scalar expression picks its value. */
INLINE void relu_body(bp_real *v, size_t n)
{
    size_t i = 0;
    for (; i + BP_VEC <= n; i += BP_VEC) {
        bp_vec x;
        bp_vec_load(&x, v + i);
        bp_vec_bits positive = x > 0;
        x = (bp_vec)((bp_vec_bits)x & positive);
        bp_vec_store(v + i, &x);
    }
    for (; i < n; i++) v[i] = bp_relu(v[i]);
}

INLINE void leaky_relu_body(bp_real *v, size_t n)
{
    size_t i = 0;
    for (; i + BP_VEC <= n; i += BP_VEC) {
        bp_vec x, low;
        bp_vec_load(&x, v + i);
        low = BP_LEAKY_SLOPE * x;
        bp_vec_bits positive = x > 0;
        x = (bp_vec)(((bp_vec_bits)x & positive) | ((bp_vec_bits)low & ~positive));
        bp_vec_store(v + i, &x);
    }
    for (; i < n; i++) v[i] = bp_leaky_relu(v[i]);
}

/* tanh.h's vector form; the tail in a vector too, padded with zeros (each
 * element's bits are those of bp_tanh whatever its neighbours). */
INLINE void tanh_all_body(bp_real *v, size_t n)
{
    size_t i = 0;
    bp_vec x;
    for (; i + BP_VEC <= n; i += BP_VEC) {
        bp_vec_load(&x, v + i);
        bp_tanh_vec(&x);
        bp_vec_store(v + i, &x);
    }
    if (i == n) return;
    bp_real tail[BP_VEC] = {0};
    memcpy(tail, v + i, (n - i) * sizeof *v);
    bp_vec_load(&x, tail);
    bp_tanh_vec(&x);
    bp_vec_store(tail, &x);
    memcpy(v + i, tail, (n - i) * sizeof *v);
}

ISA_VARIANTS(relu, (bp_real * v, size_t n), (v, n))
ISA_VARIANTS(tanh_all, (bp_real * v, size_t n), (v, n))
ISA_VARIANTS(leaky_relu, (bp_real * v, size_t n), (v, n))

/* The derivative of act at each out[i], a vector at a time, as d[i] *=. */
INLINE void times_derivative_vec(bp_activation act, bp_vec *d, const bp_vec *out)
{
    const bp_vec one = (bp_vec){0} + 1;
    bp_vec_bits positive = *out > 0;
    switch (act) {
    case BP_ACT_SIGMOID: *d = *d * (*out * (one - *out)); return;
    case BP_ACT_TANH: *d = *d * (one - *out * *out); return;
    case BP_ACT_RELU: *d = *d * (bp_vec)((bp_vec_bits)one & positive); return;
    case BP_ACT_LEAKY: {
        const bp_vec slope = (bp_vec){0} + BP_LEAKY_SLOPE;
        *d = *d * (bp_vec)(((bp_vec_bits)one & positive) | ((bp_vec_bits)slope & ~positive));
        return;
    }
    case BP_ACT_LINEAR:
    case BP_ACT_SOFTMAX: *d = *d * one; return;
    case BP_ACT_COUNT: return; /* not an activation: bp_net_create refuses it */
    }
}

INLINE void times_derivative_body(bp_activation act, bp_real *d, const bp_real *out, size_t n)
{
    size_t i = 0;
    for (; i + BP_VEC <= n; i += BP_VEC) {
        bp_vec dv, ov;
        bp_vec_load(&dv, d + i);
        bp_vec_load(&ov, out + i);
        times_derivative_vec(act, &dv, &ov);
        bp_vec_store(d + i, &dv);
    }
    for (; i < n; i++) d[i] *= derivative(act, out[i]);
}

ISA_VARIANTS(times_derivative,
             (bp_activation act, bp_real * d, const bp_real * out, size_t n),
             (act, d, out, n))

void bp_times_derivative(bp_activation act, bp_real *d, const bp_real *out, size_t n)
{
    times_derivative(act, d, out, n);
}

void bp_activate(bp_activation act, bp_real *v, size_t n)
{
    switch (act) {
    case BP_ACT_SIGMOID:
        for (size_t i = 0; i < n; i++) v[i] = bp_sigmoid(v[i]);
        break;
    case BP_ACT_TANH:
        tanh_all(v, n);
        break;
    case BP_ACT_RELU:
        relu(v, n);
        break;
    case BP_ACT_LEAKY:
        leaky_relu(v, n);
        break;
    case BP_ACT_LINEAR:
        break;
    case BP_ACT_SOFTMAX:
        softmax(v, n);
        break;
    case BP_ACT_COUNT: /* not an activation: bp_net_create refuses it */
        break;
    }
}

const char *bp_activation_name(bp_activation act)
{
    const bp_activation_def *d = bp_activation_def_of(act);
    return d ? d->name : "?";
}

bp_status bp_activation_parse(const char *name, bp_activation *out, bp_error *err)
{
    const char *names[BP_ACT_COUNT];
    for (size_t a = 0; a < BP_ACT_COUNT; a++) names[a] = defs[a].name;
    size_t i;
    bp_status st = bp_name_parse(names, BP_ACT_COUNT, "activation", name, &i, err);
    if (st == BP_OK) *out = (bp_activation)i;
    return st;
}

const char *bp_activation_formula(bp_activation act)
{
    const bp_activation_def *d = bp_activation_def_of(act);
    return d ? d->formula : "output = transfer(activation)";
}

const char *bp_activation_derivative_formula(bp_activation act)
{
    const bp_activation_def *d = bp_activation_def_of(act);
    return d ? d->derivative_formula : "1";
}

const char *bp_activation_derivative_working(bp_activation act, bp_real out)
{
    const bp_activation_def *d = bp_activation_def_of(act);
    if (!d) return "";
    return out > 0 ? d->working_positive : d->working_other;
}
