#include "core/optim.h"

#include "util/error.h"
#include "util/cpu.h"
#include "util/names.h"
#include "util/real.h"
#include "util/vec.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

bp_status bp_optim_init(bp_optim *opt, const bp_train_options *o, size_t n,
                        const unsigned char *decays, bp_error *err)
{
    memset(opt, 0, sizeof *opt);
    opt->kind = o->optimizer;
    opt->momentum = o->momentum;
    opt->beta1 = o->beta1;
    opt->beta2 = o->beta2;
    opt->epsilon = o->epsilon;
    opt->l2 = o->l2;
    opt->n = n;
    opt->decays = decays;
    if (opt->kind != BP_OPT_SGD) {
        opt->velocity = calloc(n, sizeof *opt->velocity);
        if (!opt->velocity) return bp_error_nomem(err, "optimizer state");
    }
    if (opt->kind == BP_OPT_ADAM) {
        opt->second = calloc(n, sizeof *opt->second);
        if (!opt->second) {
            bp_optim_free(opt);
            return bp_error_nomem(err, "optimizer state");
        }
    }
    return BP_OK;
}

void bp_optim_free(bp_optim *opt)
{
    free(opt->velocity);
    free(opt->second);
    opt->velocity = opt->second = NULL;
}

/* Momentum without L2, the common case, a vector at a time (vec.h). Each
 * element gets exactly the arithmetic of the scalar loop below. (Plain SGD
 * without L2 never comes here: training steps it in place, train.c.) */
static void momentum_step(bp_real *restrict params, bp_real *restrict velocity,
                          const bp_real *restrict grad, size_t n, bp_real rate, bp_real mu)
{
    size_t i = 0;
    for (; i + BP_VEC <= n; i += BP_VEC) {
        bp_vec p, v, g;
        bp_vec_load(&p, params + i);
        bp_vec_load(&v, velocity + i);
        bp_vec_load(&g, grad + i);
        v = mu * v - rate * g;
        p += v;
        bp_vec_store(velocity + i, &v);
        bp_vec_store(params + i, &p);
    }
    for (; i < n; i++) {
        velocity[i] = mu * velocity[i] - rate * grad[i];
        params[i] += velocity[i];
    }
}

/* Adam a vector at a time: each element gets exactly the arithmetic of
 * the scalar loop in bp_optim_step (sqrt is correctly rounded in both).
 * The square roots need the ISA's instruction: a plain sqrt() call keeps
 * its errno check and stays scalar. */
typedef struct adam_args {
    bp_real *restrict params, *restrict first, *restrict second;
    const bp_real *restrict grad;
    const unsigned char *decays; /* NULL: no L2 */
    bp_real l2, b1, c1, b2, c2, step, eps;
} adam_args;

#define INLINE static inline __attribute__((always_inline))
/* BP_VEC parameters' decay flags, read at once (not lane by lane: writing
 * a vector's lanes one at a time and reading it whole stalls the CPU). */
typedef unsigned char decay_bytes __attribute__((vector_size(BP_VEC)));

/* Elements [i, i + BP_VEC) with the square root `root` of the ISA. */
#define ADAM_VEC_STEP(a, i, root)                                                      \
    do {                                                                               \
        bp_vec p, m, v, g, r;                                                          \
        bp_vec_load(&p, (a)->params + (i));                                            \
        bp_vec_load(&m, (a)->first + (i));                                             \
        bp_vec_load(&v, (a)->second + (i));                                            \
        bp_vec_load(&g, (a)->grad + (i));                                              \
        if ((a)->decays) {                                                             \
            decay_bytes flags;                                                         \
            memcpy(&flags, (a)->decays + (i), sizeof flags);                           \
            bp_vec_bits decays = __builtin_convertvector(flags, bp_vec_bits) != 0;     \
            bp_vec decayed = g + (a)->l2 * p;                                          \
            g = (bp_vec)(((bp_vec_bits)decayed & decays) | ((bp_vec_bits)g & ~decays)); \
        }                                                                              \
        m = (a)->b1 * m + (a)->c1 * g;                                                 \
        v = (a)->b2 * v + (a)->c2 * g * g;                                             \
        root(&r, &v);                                                                  \
        p -= (a)->step * m / (r + (a)->eps);                                           \
        bp_vec_store((a)->params + (i), &p);                                           \
        bp_vec_store((a)->first + (i), &m);                                            \
        bp_vec_store((a)->second + (i), &v);                                           \
    } while (0)

INLINE void adam_scalar(const adam_args *a, size_t i)
{
    bp_real g = a->grad[i];
    if (a->decays && a->decays[i]) g = g + a->l2 * a->params[i];
    a->first[i] = a->b1 * a->first[i] + a->c1 * g;
    a->second[i] = a->b2 * a->second[i] + a->c2 * g * g;
    a->params[i] -= a->step * a->first[i] / (BP_SQRT(a->second[i]) + a->eps);
}

#if defined(__x86_64__) && !defined(BP_NO_SIMD)
#include <immintrin.h>

__attribute__((target("avx2"))) INLINE void root_avx2(bp_vec *r, const bp_vec *v)
{
#ifdef BP_REAL_FLOAT
    __m256 x;
    memcpy(&x, v, sizeof x);
    x = _mm256_sqrt_ps(x);
    memcpy(r, &x, sizeof x);
#else
    __m256d x[2];
    memcpy(x, v, sizeof x);
    x[0] = _mm256_sqrt_pd(x[0]);
    x[1] = _mm256_sqrt_pd(x[1]);
    memcpy(r, x, sizeof x);
#endif
}

__attribute__((target("avx2"))) static void adam_avx2(const adam_args *a, size_t n)
{
    size_t i = 0;
    for (; i + BP_VEC <= n; i += BP_VEC) ADAM_VEC_STEP(a, i, root_avx2);
    for (; i < n; i++) adam_scalar(a, i);
}

__attribute__((target("avx512f"))) INLINE void root_avx512(bp_vec *r, const bp_vec *v)
{
#ifdef BP_REAL_FLOAT
    root_avx2(r, v); /* eight floats: one 256-bit vector */
#else
    __m512d x;
    memcpy(&x, v, sizeof x);
    x = _mm512_sqrt_pd(x);
    memcpy(r, &x, sizeof x);
#endif
}

__attribute__((target("avx512f"))) static void adam_avx512(const adam_args *a, size_t n)
{
    size_t i = 0;
    for (; i + BP_VEC <= n; i += BP_VEC) ADAM_VEC_STEP(a, i, root_avx512);
    for (; i < n; i++) adam_scalar(a, i);
}
#endif

static void adam_step(const adam_args *a, size_t n)
{
#if defined(__x86_64__) && !defined(BP_NO_SIMD)
    switch (bp_cpu_isa()) {
    case BP_ISA_AVX512: adam_avx512(a, n); return;
    case BP_ISA_AVX2: adam_avx2(a, n); return;
    case BP_ISA_PORTABLE: break;
    }
#endif
    for (size_t i = 0; i < n; i++) adam_scalar(a, i);
}

/* The gradient plus the L2 term, for parameter i. */
static bp_real full_gradient(const bp_optim *opt, const bp_real *params, const bp_real *grad,
                             size_t i)
{
    if (opt->l2 != 0 && opt->decays[i]) return grad[i] + (bp_real)opt->l2 * params[i];
    return grad[i];
}

void bp_optim_step(bp_optim *opt, bp_real *params, const bp_real *grad, double lr)
{
    const bp_real rate = (bp_real)lr, mu = (bp_real)opt->momentum;
    opt->steps++;
    if (opt->l2 == 0 && opt->kind == BP_OPT_MOMENTUM) {
        momentum_step(params, opt->velocity, grad, opt->n, rate, mu);
        return;
    }
    switch (opt->kind) {
    case BP_OPT_SGD:
        for (size_t i = 0; i < opt->n; i++) params[i] -= rate * full_gradient(opt, params, grad, i);
        break;
    case BP_OPT_MOMENTUM:
        for (size_t i = 0; i < opt->n; i++) {
            opt->velocity[i] = mu * opt->velocity[i] - rate * full_gradient(opt, params, grad, i);
            params[i] += opt->velocity[i];
        }
        break;
    case BP_OPT_NESTEROV:
        /* The look-ahead form used by scikit-learn and PyTorch. */
        for (size_t i = 0; i < opt->n; i++) {
            bp_real g = full_gradient(opt, params, grad, i);
            opt->velocity[i] = mu * opt->velocity[i] - rate * g;
            params[i] += mu * opt->velocity[i] - rate * g;
        }
        break;
    case BP_OPT_ADAM: {
        const double b1 = opt->beta1, b2 = opt->beta2;
        const double t = (double)opt->steps;
        /* Bias correction folded into the step size, as in the Adam paper. */
        const bp_real step = (bp_real)(lr * sqrt(1.0 - pow(b2, t)) / (1.0 - pow(b1, t)));
        const adam_args a = {params, opt->velocity, opt->second, grad,
                             opt->l2 != 0 ? opt->decays : NULL, (bp_real)opt->l2,
                             (bp_real)b1, (bp_real)(1.0 - b1), (bp_real)b2, (bp_real)(1.0 - b2),
                             step, (bp_real)opt->epsilon};
        adam_step(&a, opt->n);
        break;
    }
    case BP_OPT_COUNT: /* not an optimizer: training refuses it */
        break;
    }
}

double bp_schedule_rate(const bp_train_options *o, size_t epoch)
{
    switch (o->schedule) {
    case BP_SCHEDULE_CONSTANT: return o->learning_rate;
    case BP_SCHEDULE_STEP: {
        size_t every = o->step_epochs ? o->step_epochs : 1;
        return o->learning_rate * pow(o->decay, (double)(epoch / every));
    }
    case BP_SCHEDULE_INVTIME: return o->learning_rate / (1.0 + o->decay * (double)epoch);
    case BP_SCHEDULE_COUNT: break; /* not a schedule: training refuses it */
    }
    return o->learning_rate;
}

static const char *const optimizer_names[] = {"sgd", "momentum", "nesterov", "adam"};
static const char *const schedule_names[] = {"constant", "step", "invtime"};
_Static_assert(BP_COUNT(optimizer_names) == BP_OPT_COUNT, "a name for every optimizer");
_Static_assert(BP_COUNT(schedule_names) == BP_SCHEDULE_COUNT, "a name for every schedule");

const char *bp_optimizer_name(bp_optimizer opt)
{
    return bp_name_of(optimizer_names, BP_COUNT(optimizer_names), (size_t)opt);
}

double bp_default_learning_rate(bp_optimizer opt)
{
    switch (opt) {
    case BP_OPT_SGD: return 0.3;
    case BP_OPT_MOMENTUM:
    case BP_OPT_NESTEROV: return 0.03;
    case BP_OPT_ADAM: return 0.001;
    case BP_OPT_COUNT: break; /* not an optimizer: training refuses it */
    }
    return 0.3;
}

const char *bp_schedule_name(bp_schedule s)
{
    return bp_name_of(schedule_names, BP_COUNT(schedule_names), (size_t)s);
}

bp_status bp_optimizer_parse(const char *name, bp_optimizer *out, bp_error *err)
{
    size_t i;
    bp_status st = bp_name_parse(optimizer_names, BP_COUNT(optimizer_names), "optimizer", name, &i, err);
    if (st == BP_OK) *out = (bp_optimizer)i;
    return st;
}

bp_status bp_schedule_parse(const char *name, bp_schedule *out, bp_error *err)
{
    size_t i;
    bp_status st = bp_name_parse(schedule_names, BP_COUNT(schedule_names), "schedule", name, &i, err);
    if (st == BP_OK) *out = (bp_schedule)i;
    return st;
}
