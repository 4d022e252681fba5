/* Numerically stable forms: no overflow for activations of +-1000, no
 * log(0), and gradients that stay finite at saturation. */
#include "core/activation.h"
#include "backprop.h"
#include "harness.h"
#include "core/loss.h"
#include "fast/sysexp.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

static int all_finite(const bp_real *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i])) return 0;
    return 1;
}

static void test_sigmoid_saturates_without_nan(void)
{
    bp_real v[4] = {1000, -1000, 745, -745};
    bp_activate(BP_ACT_SIGMOID, v, 4);
    CHECK(all_finite(v, 4));
    CHECK_EQ_DBL(v[0], 1.0);
    CHECK_EQ_DBL(v[1], 0.0);
    CHECK(v[2] <= 1 && v[3] >= 0);
}

static void test_tanh_and_relu_at_extremes(void)
{
    bp_real t[2] = {1000, -1000}, r[2] = {1000, -1000};
    bp_activate(BP_ACT_TANH, t, 2);
    bp_activate(BP_ACT_LEAKY, r, 2);
    CHECK_EQ_DBL(t[0], 1.0);
    CHECK_EQ_DBL(t[1], -1.0);
    CHECK_EQ_DBL(r[0], 1000.0);
    CHECK_NEAR(r[1], -10.0, 1e-4);
}

/* Units in the last place between a and b, in the build's type. */
static double ulps_apart(bp_real a, bp_real b)
{
#ifdef BP_REAL_FLOAT
    bp_real m = fmaxf(fabsf(a), fabsf(b)), ulp = m - nextafterf(m, 0);
#else
    bp_real m = fmax(fabs(a), fabs(b)), ulp = m - nextafter(m, 0);
#endif
    return ulp > 0 ? fabs((double)a - (double)b) / (double)ulp : (a == b ? 0 : INFINITY);
}

/* tanh.h: within 3 ulp of libm's tanh; the one-value form, the vector
 * loop (whole vectors and a padded tail) agree bit for bit; odd; +-1, 0,
 * -0 and NaN kept. */
static void test_tanh_is_close_to_libm_and_the_same_in_every_form(void)
{
    enum { N = 2003 }; /* not a multiple of the vector width: a tail */
    static bp_real x[N], v[N];
    uint64_t state = 88172645463325252u;
    for (size_t i = 0; i < N; i++) {
        state ^= state << 13, state ^= state >> 7, state ^= state << 17;
        double u = (double)(state >> 11) / 9007199254740992.0 * 2 - 1;
        double scale = i % 3 == 0 ? 25 : i % 3 == 1 ? 1.2 : ldexp(1, -(int)(i % 60));
        x[i] = v[i] = (bp_real)(u * scale);
    }
    bp_activate(BP_ACT_TANH, v, N);
    double worst = 0;
    int same = 1, odd = 1;
    for (size_t i = 0; i < N; i++) {
        double d = ulps_apart(v[i], (bp_real)tanh((double)x[i]));
        if (d > worst) worst = d;
        same &= memcmp(&v[i], &(bp_real){bp_activation_value(BP_ACT_TANH, x[i])}, sizeof v[i]) == 0;
        odd &= bp_activation_value(BP_ACT_TANH, -x[i]) == -v[i];
    }
    CHECK(worst <= 3);
    CHECK(same);
    CHECK(odd);
    bp_real special[5] = {0, -0.0, INFINITY, -INFINITY, NAN};
    bp_activate(BP_ACT_TANH, special, 5);
    CHECK(special[0] == 0 && !signbit(special[0]));
    CHECK(special[1] == 0 && signbit(special[1]));
    CHECK_EQ_DBL(special[2], 1.0);
    CHECK_EQ_DBL(special[3], -1.0);
    CHECK(isnan(special[4]));
}

static void test_softmax_of_huge_activations(void)
{
    bp_real v[3] = {1000, -1000, 0};
    bp_activate(BP_ACT_SOFTMAX, v, 3);
    CHECK(all_finite(v, 3));
    CHECK_EQ_DBL(v[0], 1.0);
    CHECK_EQ_DBL(v[1], 0.0);
    bp_real same[3] = {1000, 1000, 1000};
    bp_activate(BP_ACT_SOFTMAX, same, 3);
    CHECK_NEAR(same[0], 1.0 / 3.0, 1e-6);
}

static void test_cross_entropy_never_takes_log_of_zero(void)
{
    /* A confident miss: probability exactly 0 for the true class. */
    const bp_real out[3] = {1, 0, 0}, expected[3] = {0, 1, 0};
    double softmax_loss = bp_loss_row(BP_LOSS_XENT, BP_ACT_SOFTMAX, out, expected, 3);
    double sigmoid_loss = bp_loss_row(BP_LOSS_XENT, BP_ACT_SIGMOID, out, expected, 3);
    CHECK(isfinite(softmax_loss) && softmax_loss > 30);
    CHECK(isfinite(sigmoid_loss) && sigmoid_loss > 30);
    bp_real delta[3];
    bp_loss_output_delta(BP_LOSS_XENT, BP_ACT_SOFTMAX, out, expected, 3, delta);
    CHECK(all_finite(delta, 3));
    CHECK_EQ_DBL(delta[1], -1.0);
}

static void test_log_loss_metric_is_finite(void)
{
    const uint32_t actual[2] = {0, 1}, predicted[2] = {1, 1};
    const bp_real proba[4] = {0, 1, 0, 1}; /* row 0: p(actual) = 0 */
    bp_metrics m;
    bp_error err;
    CHECK(bp_metrics_classification(&m, actual, predicted, proba, 2, 2, &err) == BP_OK);
    CHECK(isfinite(m.log_loss) && m.log_loss > 10);
    bp_metrics_free(&m);
}

/* A network fed inputs of +-1000 still produces finite outputs and deltas. */
static void test_forward_backward_at_saturation(void)
{
    const size_t widths[3] = {2, 4, 3};
    const bp_activation acts[2] = {BP_ACT_SIGMOID, BP_ACT_SOFTMAX};
    bp_net *net;
    bp_error err;
    CHECK(bp_net_create(&net, 2, widths, acts, &err) == BP_OK);
    bp_rng rng;
    bp_rng_seed(&rng, 2);
    bp_net_init(net, BP_INIT_UNIFORM, &rng);
    const bp_real x[2] = {1000, -1000}, expected[3] = {0, 0, 1};
    const bp_real *out = bp_net_forward(net, x);
    CHECK(all_finite(out, 3));
    bp_net_backward(net, expected, BP_LOSS_XENT);
    CHECK(all_finite(bp_net_deltas(net, 0), 4));
    CHECK(all_finite(bp_net_deltas(net, 1), 3));
    bp_net_free(net);
}

/* The exp() the lockstep trainer calls gives exp()'s own bits: over a
 * million arguments across the whole range, and at the edges. */
static void test_system_exp_is_exp(void)
{
    bp_exp_fn f = bp_system_exp();
    const double edges[] = {0.0, -0.0, 1e-300, -1e-300, 709.78, 709.79, -708.39, -745.13,
                            -745.14, 1000, -1000, INFINITY, -INFINITY};
    size_t differ = 0;
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
        double a = exp(edges[i]), b = f(edges[i]);
        differ += memcmp(&a, &b, sizeof a) != 0;
    }
    bp_rng rng;
    bp_rng_seed(&rng, 2);
    for (size_t i = 0; i < 1000000; i++) {
        /* Mostly where a sigmoid works, the rest over the whole range. */
        double x = i % 4 ? (bp_rng_random(&rng) - 0.5) * 40 : (bp_rng_random(&rng) - 0.5) * 1500;
        double a = exp(x), b = f(x);
        differ += memcmp(&a, &b, sizeof a) != 0;
    }
    CHECK_EQ_INT(differ, 0);
}

/* The vector loops of bp_activate and bp_times_derivative give, element by
 * element, the bits of the scalar definitions (activation.c's table), for
 * every element-wise activation: any length, and at 0, -0, infinities and
 * NaN. */
static void test_vector_loops_match_scalar_expressions(void)
{
    const bp_real specials[] = {0, -0.0f, 1, -1, (bp_real)0.5, (bp_real)-2.5, INFINITY, -INFINITY,
                                NAN, (bp_real)1e-30, (bp_real)-1e-30, (bp_real)3e5};
    enum { N = 29 };
    size_t differ = 0;
    for (int a = 0; a < BP_ACT_COUNT; a++)
        for (size_t n = 0; n <= N; n++) {
            const bp_activation_def *def = bp_activation_def_of((bp_activation)a);
            if (a == BP_ACT_SOFTMAX) break; /* not element-wise */
            bp_real v[N], d[N], want_v[N], want_d[N];
            for (size_t i = 0; i < n; i++) {
                v[i] = specials[(i * 5 + n) % (sizeof specials / sizeof specials[0])];
                d[i] = specials[(i * 7 + 3) % (sizeof specials / sizeof specials[0])];
                want_v[i] = def->value(v[i]);
                want_d[i] = d[i] * def->derivative(v[i]);
                bp_real got = bp_activation_derivative((bp_activation)a, v[i]);
                bp_real table = def->derivative(v[i]);
                differ += memcmp(&got, &table, sizeof got) != 0;
            }
            bp_times_derivative((bp_activation)a, d, v, n);
            bp_activate((bp_activation)a, v, n);
            differ += n && memcmp(v, want_v, n * sizeof *v) != 0;
            differ += n && memcmp(d, want_d, n * sizeof *d) != 0;
        }
    CHECK_EQ_INT(differ, 0);
}

int main(void)
{
    RUN(test_sigmoid_saturates_without_nan);
    RUN(test_tanh_and_relu_at_extremes);
    RUN(test_tanh_is_close_to_libm_and_the_same_in_every_form);
    RUN(test_softmax_of_huge_activations);
    RUN(test_cross_entropy_never_takes_log_of_zero);
    RUN(test_log_loss_metric_is_finite);
    RUN(test_forward_backward_at_saturation);
    RUN(test_system_exp_is_exp);
    RUN(test_vector_loops_match_scalar_expressions);
    return harness_finish();
}
