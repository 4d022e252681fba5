/* The GEMM kernels and the thread pool: every code path this CPU supports
 * against a naive triple loop, edge shapes, alpha/beta semantics, and
 * results that do not depend on the number of threads. */
#include "harness.h"
#include "fast/kernels.h"
#include "fast/threads.h"

#include <float.h>
#include <stdint.h>

#ifdef BP_REAL_FLOAT
#define REAL_EPS FLT_EPSILON
#else
#define REAL_EPS DBL_EPSILON
#endif

/* ------------------------------------------------------------ utilities */

typedef struct test_rng {
    uint64_t state;
} test_rng;

static uint64_t rng_next(test_rng *rng)
{
    rng->state ^= rng->state << 13;
    rng->state ^= rng->state >> 7;
    rng->state ^= rng->state << 17;
    return rng->state;
}

/* Uniform in [-1, 1). */
static bp_real rng_real(test_rng *rng)
{
    return (bp_real)((double)(rng_next(rng) >> 11) / 4503599627370496.0 - 1.0);
}

static bp_real *random_buffer(test_rng *rng, size_t count)
{
    bp_real *p = malloc((count ? count : 1) * sizeof *p);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < count; i++) p[i] = rng_real(rng);
    return p;
}

static bp_real *copy_buffer(const bp_real *src, size_t count)
{
    bp_real *p = malloc((count ? count : 1) * sizeof *p);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    if (count) memcpy(p, src, count * sizeof *p);
    return p;
}

/* Every isa this CPU can run, lowest first. */
static size_t supported_isas(bp_isa out[3])
{
    size_t n = 0;
    for (int i = BP_ISA_PORTABLE; i <= (int)bp_cpu_isa(); i++) out[n++] = (bp_isa)i;
    return n;
}

/* One GEMM problem with its own (padded) storage. */
typedef struct problem {
    bp_trans ta, tb;
    size_t m, n, k;
    size_t lda, ldb, ldc;
    bp_real alpha, beta;
    bp_real *A, *B, *C0; /* C0: C before the call */
    size_t a_count, b_count, c_count;
} problem;

static void problem_init(problem *p, test_rng *rng, bp_trans ta, bp_trans tb,
                         size_t m, size_t n, size_t k, size_t pad,
                         bp_real alpha, bp_real beta)
{
    p->ta = ta;
    p->tb = tb;
    p->m = m;
    p->n = n;
    p->k = k;
    size_t a_rows = ta == BP_NO_TRANS ? m : k, a_cols = ta == BP_NO_TRANS ? k : m;
    size_t b_rows = tb == BP_NO_TRANS ? k : n, b_cols = tb == BP_NO_TRANS ? n : k;
    p->lda = a_cols + pad;
    p->ldb = b_cols + pad;
    p->ldc = n + pad;
    p->alpha = alpha;
    p->beta = beta;
    p->a_count = a_rows * p->lda;
    p->b_count = b_rows * p->ldb;
    p->c_count = m * p->ldc;
    p->A = random_buffer(rng, p->a_count);
    p->B = random_buffer(rng, p->b_count);
    p->C0 = random_buffer(rng, p->c_count);
}

static void problem_free(problem *p)
{
    free(p->A);
    free(p->B);
    free(p->C0);
}

static bp_real op_a(const problem *p, size_t i, size_t kk)
{
    return p->ta == BP_NO_TRANS ? p->A[i * p->lda + kk] : p->A[kk * p->lda + i];
}

static bp_real op_b(const problem *p, size_t kk, size_t j)
{
    return p->tb == BP_NO_TRANS ? p->B[kk * p->ldb + j] : p->B[j * p->ldb + kk];
}

static bp_real *run_gemm(const problem *p, bp_pool *pool, bp_isa isa)
{
    bp_real *C = copy_buffer(p->C0, p->c_count);
    bp_gemm(pool, isa, p->ta, p->tb, p->m, p->n, p->k, p->alpha, p->A, p->lda,
            p->B, p->ldb, p->beta, C, p->ldc);
    return C;
}

/* Compares C with a long-double triple loop, within the classic bound for
 * a dot product of length k: about k * eps * sum |a*b|; the padding of C
 * must be untouched. Returns the number of bad elements. */
static size_t check_against_naive(const problem *p, const bp_real *C)
{
    size_t bad = 0;
    for (size_t i = 0; i < p->m; i++) {
        for (size_t j = 0; j < p->ldc; j++) {
            bp_real got = C[i * p->ldc + j], before = p->C0[i * p->ldc + j];
            if (j >= p->n) {
                if (memcmp(&got, &before, sizeof got) != 0) bad++;
                continue;
            }
            long double dot = 0, magnitude = 0;
            for (size_t kk = 0; kk < p->k; kk++) {
                long double term = (long double)op_a(p, i, kk) * op_b(p, kk, j);
                dot += term;
                magnitude += term < 0 ? -term : term;
            }
            long double want = (long double)p->alpha * dot;
            if (p->beta != 0) want += (long double)p->beta * before;
            long double scale = fabsl((long double)p->alpha) * magnitude;
            if (p->beta != 0) scale += fabsl((long double)p->beta * before);
            long double tol = 2.0L * (long double)(p->k + 3) * REAL_EPS * scale + 1e-30L;
            long double diff = (long double)got - want;
            if (!(fabsl(diff) <= tol)) {
                if (bad < 3)
                    fprintf(stderr, "    C[%zu][%zu] = %.17Lg, want %.17Lg (tol %.3Lg)\n",
                            i, j, (long double)got, want, tol);
                bad++;
            }
        }
    }
    return bad;
}

static const char *trans_name(bp_trans ta, bp_trans tb)
{
    static const char *const names[] = {"NN", "NT", "TN", "TT"};
    return names[(ta == BP_TRANS) * 2 + (tb == BP_TRANS)];
}

/* Runs one problem through bp_gemm and checks it; returns 1 when right. */
static int gemm_matches_naive(test_rng *rng, bp_pool *pool, bp_isa isa,
                              bp_trans ta, bp_trans tb, size_t m, size_t n,
                              size_t k, size_t pad, bp_real alpha, bp_real beta)
{
    problem p;
    problem_init(&p, rng, ta, tb, m, n, k, pad, alpha, beta);
    bp_real *C = run_gemm(&p, pool, isa);
    size_t bad = check_against_naive(&p, C);
    if (bad)
        fprintf(stderr, "  %s %s m=%zu n=%zu k=%zu pad=%zu alpha=%g beta=%g "
                        "pool=%zu: %zu wrong\n",
                bp_isa_name(isa), trans_name(ta, tb), m, n, k, pad,
                (double)alpha, (double)beta, bp_pool_size(pool), bad);
    free(C);
    problem_free(&p);
    return bad == 0;
}

/* ------------------------------------------------------------------ pool */

typedef struct count_ctx {
    int *hits;
    size_t pool_size;
    int bad_worker;
} count_ctx;

static void count_task(void *ctx, size_t i)
{
    count_ctx *c = ctx;
    c->hits[i]++;
}

static void count_task_indexed(void *ctx, size_t i, size_t worker)
{
    count_ctx *c = ctx;
    c->hits[i]++;
    if (worker >= c->pool_size) c->bad_worker = 1;
}

static void never_called(void *ctx, size_t i)
{
    (void)i;
    *(int *)ctx = 1;
}

static void test_pool_sizes(void)
{
    bp_error err;
    bp_pool *pool = NULL;
    CHECK_EQ_INT(bp_pool_create(&pool, 1, &err), BP_OK);
    CHECK_EQ_INT(bp_pool_size(pool), 1);
    bp_pool_free(pool);
    CHECK_EQ_INT(bp_pool_create(&pool, 3, &err), BP_OK);
    CHECK_EQ_INT(bp_pool_size(pool), 3);
    bp_pool_free(pool);
    CHECK_EQ_INT(bp_pool_create(&pool, 0, &err), BP_OK);
    CHECK(bp_pool_size(pool) >= 1);
    bp_pool_free(pool);
    CHECK_EQ_INT(bp_pool_size(NULL), 1);
    CHECK_EQ_INT(bp_pool_create(&pool, BP_MAX_THREADS + 1, &err), BP_ERR_ARG);
    CHECK(pool == NULL);
    CHECK(strstr(err.message, "threads") != NULL);
    bp_pool_free(NULL);
}

static void test_pool_zero_tasks(void)
{
    bp_pool *pool = NULL;
    CHECK_EQ_INT(bp_pool_create(&pool, 2, NULL), BP_OK);
    int called = 0;
    bp_pool_run(pool, never_called, &called, 0);
    bp_pool_run(NULL, never_called, &called, 0);
    CHECK_EQ_INT(called, 0);
    bp_pool_free(pool);
}

static void test_pool_runs_every_task_once(void)
{
    enum { TASKS = 1000 };
    int hits[TASKS];
    for (size_t threads = 1; threads <= 4; threads++) {
        bp_pool *pool = NULL;
        CHECK_EQ_INT(bp_pool_create(&pool, threads, NULL), BP_OK);
        for (size_t n_tasks = 0; n_tasks <= TASKS; n_tasks += n_tasks < 10 ? 1 : 331) {
            memset(hits, 0, sizeof hits);
            count_ctx ctx = {hits, bp_pool_size(pool), 0};
            bp_pool_run(pool, count_task, &ctx, n_tasks);
            for (size_t i = 0; i < TASKS; i++) CHECK_EQ_INT(hits[i], i < n_tasks);
            memset(hits, 0, sizeof hits);
            bp_pool_run_indexed(pool, count_task_indexed, &ctx, n_tasks);
            for (size_t i = 0; i < TASKS; i++) CHECK_EQ_INT(hits[i], i < n_tasks);
            CHECK_EQ_INT(ctx.bad_worker, 0);
        }
        bp_pool_free(pool);
    }
    memset(hits, 0, sizeof hits);
    count_ctx ctx = {hits, 1, 0};
    bp_pool_run(NULL, count_task, &ctx, 17);
    bp_pool_run_indexed(NULL, count_task_indexed, &ctx, 17);
    for (size_t i = 0; i < 17; i++) CHECK_EQ_INT(hits[i], 2);
    CHECK_EQ_INT(ctx.bad_worker, 0);
}

/* Many short runs back to back: the hand-over between jobs must not lose
 * or repeat a task, whether helpers are spinning or asleep. */
static void test_pool_many_short_runs(void)
{
    bp_pool *pool = NULL;
    CHECK_EQ_INT(bp_pool_create(&pool, 3, NULL), BP_OK);
    int hits[8];
    int ok = 1;
    for (int run = 0; run < 3000 && ok; run++) {
        memset(hits, 0, sizeof hits);
        count_ctx ctx = {hits, 3, 0};
        bp_pool_run_indexed(pool, count_task_indexed, &ctx, 1 + (size_t)run % 8);
        for (size_t i = 0; i < 8; i++)
            if (hits[i] != (i < 1 + (size_t)run % 8)) ok = 0;
        if (ctx.bad_worker) ok = 0;
    }
    CHECK(ok);
    bp_pool_free(pool);
}

static void test_pool_scratch(void)
{
    bp_pool *pool = NULL;
    CHECK_EQ_INT(bp_pool_create(&pool, 3, NULL), BP_OK);
    unsigned char *areas[3];
    for (size_t w = 0; w < 3; w++) {
        areas[w] = bp_pool_scratch(pool, w);
        CHECK(areas[w] != NULL);
        CHECK(((uintptr_t)areas[w] & 63) == 0);
        /* The whole area is usable. */
        memset(areas[w], (int)w, BP_POOL_SCRATCH_BYTES);
    }
    CHECK(areas[1] >= areas[0] + BP_POOL_SCRATCH_BYTES ||
          areas[0] >= areas[1] + BP_POOL_SCRATCH_BYTES);
    CHECK(areas[0][BP_POOL_SCRATCH_BYTES - 1] == 0 && areas[2][0] == 2);
    CHECK(bp_pool_scratch(pool, 3) == NULL);
    CHECK(bp_pool_scratch(NULL, 0) == NULL);
    bp_pool_free(pool);
}

/* ------------------------------------------------------------- identity */

static void test_isa_names(void)
{
    CHECK_STR(bp_isa_name(BP_ISA_PORTABLE), "portable");
    CHECK_STR(bp_isa_name(BP_ISA_AVX2), "avx2");
    CHECK_STR(bp_isa_name(BP_ISA_AVX512), "avx512");
    bp_isa isa = bp_cpu_isa();
    CHECK(isa == BP_ISA_PORTABLE || isa == BP_ISA_AVX2 || isa == BP_ISA_AVX512);
    CHECK(isa == bp_cpu_isa());
#ifdef BP_USE_CBLAS
    CHECK_STR(bp_gemm_backend(), "cblas (openblas)");
#else
    CHECK_STR(bp_gemm_backend(), "builtin");
#endif
}

/* ------------------------------------------------------------ gemm: sums */

static const bp_trans TRANS[2] = {BP_NO_TRANS, BP_TRANS};

/* Every size up to past two register blocks in m and n, small and odd k. */
static void test_gemm_small_shapes(void)
{
    static const size_t ms[] = {1, 2, 3, 5, 6, 7, 11, 12, 13, 14, 25, 29, 33};
    static const size_t ns[] = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 47, 49};
    static const size_t ks[] = {1, 2, 3, 7, 17};
    test_rng rng = {0x9E3779B97F4A7C15u};
    bp_isa isas[3];
    size_t n_isas = supported_isas(isas);
    size_t failures = 0, cases = 0;
    for (size_t s = 0; s < n_isas; s++)
        for (int a = 0; a < 2; a++)
            for (int b = 0; b < 2; b++)
                for (size_t im = 0; im < sizeof ms / sizeof *ms; im++)
                    for (size_t in = 0; in < sizeof ns / sizeof *ns; in++) {
                        size_t k = ks[(im + in) % (sizeof ks / sizeof *ks)];
                        size_t pad = (im + in) % 3;
                        cases++;
                        failures += !gemm_matches_naive(&rng, NULL, isas[s], TRANS[a],
                                                        TRANS[b], ms[im], ns[in], k,
                                                        pad, 1, 0);
                    }
    CHECK_EQ_INT(failures, 0);
    CHECK(cases > 0);
}

/* Larger shapes: several tiles, k longer than one k block, padded leading
 * dimensions, and the alpha/beta combinations. */
static void test_gemm_blocked_shapes(void)
{
    typedef struct { size_t m, n, k; } dims;
    static const dims shapes[] = {
        {64, 64, 64}, {37, 53, 300}, {128, 97, 513}, {200, 40, 257},
        {19, 300, 131}, {180, 180, 20}, {3, 520, 100}, {530, 3, 100},
    };
    static const bp_real alphas[] = {1, (bp_real)0.5, -2};
    static const bp_real betas[] = {0, 1, (bp_real)-0.75};
    test_rng rng = {12345};
    bp_pool *pool = NULL;
    CHECK_EQ_INT(bp_pool_create(&pool, 2, NULL), BP_OK);
    bp_isa isas[3];
    size_t n_isas = supported_isas(isas);
    size_t failures = 0;
    for (size_t s = 0; s < n_isas; s++)
        for (int a = 0; a < 2; a++)
            for (int b = 0; b < 2; b++)
                for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++) {
                    size_t variant = i + (size_t)(2 * a + b);
                    bp_real alpha = alphas[variant % 3], beta = betas[(variant / 3) % 3];
                    bp_pool *use = variant % 2 ? pool : NULL;
                    failures += !gemm_matches_naive(&rng, use, isas[s], TRANS[a], TRANS[b],
                                                    shapes[i].m, shapes[i].n, shapes[i].k,
                                                    variant % 4 == 0 ? 0 : 5, alpha, beta);
                }
    CHECK_EQ_INT(failures, 0);
    bp_pool_free(pool);
}

/* Every alpha/beta combination on one mid-size shape, each path. */
static void test_gemm_alpha_beta(void)
{
    static const bp_real values[] = {0, 1, -1, (bp_real)0.3, 3};
    test_rng rng = {777};
    bp_isa isas[3];
    size_t n_isas = supported_isas(isas);
    size_t failures = 0;
    for (size_t s = 0; s < n_isas; s++)
        for (size_t ia = 0; ia < 5; ia++)
            for (size_t ib = 0; ib < 5; ib++)
                failures += !gemm_matches_naive(&rng, NULL, isas[s], BP_NO_TRANS,
                                                BP_TRANS, 23, 37, 41, 2,
                                                values[ia], values[ib]);
    CHECK_EQ_INT(failures, 0);
}

/* ------------------------------------------------------ gemm: semantics */

/* m == 0 or n == 0 touches nothing; k == 0 or alpha == 0 is C = beta*C
 * without reading A or B (which may then hold NaNs, or be NULL). */
static void test_gemm_degenerate(void)
{
    bp_isa isas[3];
    size_t n_isas = supported_isas(isas);
    for (size_t s = 0; s < n_isas; s++) {
        bp_real C[6] = {1, 2, 3, 4, 5, 6};
        bp_gemm(NULL, isas[s], BP_NO_TRANS, BP_NO_TRANS, 0, 3, 4, 1, NULL, 4,
                NULL, 3, 0, C, 3);
        bp_gemm(NULL, isas[s], BP_NO_TRANS, BP_NO_TRANS, 2, 0, 4, 1, NULL, 4,
                NULL, 3, 0, C, 3);
        CHECK_EQ_DBL(C[0], 1);
        CHECK_EQ_DBL(C[5], 6);
        bp_gemm(NULL, isas[s], BP_NO_TRANS, BP_NO_TRANS, 2, 3, 0, 1, NULL, 1,
                NULL, 3, 2, C, 3);
        CHECK_EQ_DBL(C[0], 2);
        CHECK_EQ_DBL(C[5], 12);
        bp_real nan_ab[6] = {NAN, NAN, NAN, NAN, NAN, NAN};
        bp_gemm(NULL, isas[s], BP_NO_TRANS, BP_NO_TRANS, 2, 3, 1, 0, nan_ab, 1,
                nan_ab, 3, (bp_real)0.5, C, 3);
        CHECK_EQ_DBL(C[0], 1);
        CHECK_EQ_DBL(C[5], 6);
        bp_gemm(NULL, isas[s], BP_NO_TRANS, BP_NO_TRANS, 2, 3, 1, 0, nan_ab, 1,
                nan_ab, 3, 0, C, 3);
        CHECK_EQ_DBL(C[0], 0);
        CHECK_EQ_DBL(C[5], 0);
    }
}

/* beta == 0 overwrites C: NaNs and infinities there must not leak in. */
static void test_gemm_beta_zero_ignores_c(void)
{
    test_rng rng = {4242};
    bp_isa isas[3];
    size_t n_isas = supported_isas(isas);
    for (size_t s = 0; s < n_isas; s++) {
        problem p;
        problem_init(&p, &rng, BP_NO_TRANS, BP_NO_TRANS, 37, 45, 300, 0, 1, 0);
        for (size_t i = 0; i < p.c_count; i++) p.C0[i] = i % 2 ? NAN : INFINITY;
        bp_real *C = run_gemm(&p, NULL, isas[s]);
        CHECK_EQ_INT(check_against_naive(&p, C), 0);
        free(C);
        problem_free(&p);
    }
}

/* The isa argument is only a request: asking for more than the CPU has
 * runs the best available path. */
static void test_gemm_isa_is_clamped(void)
{
    test_rng rng = {99};
    problem p;
    problem_init(&p, &rng, BP_NO_TRANS, BP_TRANS, 20, 30, 40, 1, 1, 0);
    bp_real *best = run_gemm(&p, NULL, bp_cpu_isa());
    bp_real *asked = run_gemm(&p, NULL, BP_ISA_AVX512);
    CHECK(memcmp(best, asked, p.c_count * sizeof *best) == 0);
    free(best);
    free(asked);
    problem_free(&p);
}

/* ---------------------------------------------------- gemm: determinism */

/* The same call with no pool and with pools of 1, 2 and 3 threads gives
 * bit-identical C, for every path and transposition. */
static void test_gemm_thread_count_independent(void)
{
    typedef struct { size_t m, n, k; } dims;
    static const dims shapes[] = {
        {128, 300, 530}, {67, 129, 260}, {5, 700, 300}, {300, 17, 270}, {250, 250, 64},
    };
    test_rng rng = {2024};
    bp_pool *pools[3] = {NULL, NULL, NULL};
    for (size_t t = 0; t < 3; t++) CHECK_EQ_INT(bp_pool_create(&pools[t], t + 1, NULL), BP_OK);
    bp_isa isas[3];
    size_t n_isas = supported_isas(isas);
    size_t mismatches = 0;
    for (size_t s = 0; s < n_isas; s++)
        for (int a = 0; a < 2; a++)
            for (int b = 0; b < 2; b++)
                for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++) {
                    problem p;
                    problem_init(&p, &rng, TRANS[a], TRANS[b], shapes[i].m,
                                 shapes[i].n, shapes[i].k, i % 2, (bp_real)0.7,
                                 i % 3 ? (bp_real)0.5 : 0);
                    bp_real *serial = run_gemm(&p, NULL, isas[s]);
                    for (size_t t = 0; t < 3; t++) {
                        bp_real *C = run_gemm(&p, pools[t], isas[s]);
                        if (memcmp(serial, C, p.c_count * sizeof *C) != 0) {
                            fprintf(stderr, "  %s %s m=%zu n=%zu k=%zu: %zu threads differ\n",
                                    bp_isa_name(isas[s]), trans_name(TRANS[a], TRANS[b]),
                                    p.m, p.n, p.k, t + 1);
                            mismatches++;
                        }
                        free(C);
                    }
                    free(serial);
                    problem_free(&p);
                }
    CHECK_EQ_INT(mismatches, 0);
    for (size_t t = 0; t < 3; t++) bp_pool_free(pools[t]);
}

/* Several threads multiplying at once, each with no pool or with a pool of
 * its own (as parallel cross-validation folds do): every result must equal
 * the serial one. */
typedef struct concurrent_ctx {
    const problem *p;
    bp_real *results[4];
    int inner_pool_failed;
} concurrent_ctx;

static void concurrent_task(void *ctx, size_t i)
{
    concurrent_ctx *c = ctx;
    bp_pool *inner = NULL;
    if (i % 2 && bp_pool_create(&inner, 2, NULL) != BP_OK) c->inner_pool_failed = 1;
    c->results[i] = run_gemm(c->p, inner, bp_cpu_isa());
    bp_pool_free(inner);
}

static void test_gemm_concurrent_callers(void)
{
    test_rng rng = {555};
    problem p;
    problem_init(&p, &rng, BP_NO_TRANS, BP_TRANS, 96, 200, 300, 3, 1, (bp_real)0.5);
    bp_real *serial = run_gemm(&p, NULL, bp_cpu_isa());
    bp_pool *outer = NULL;
    CHECK_EQ_INT(bp_pool_create(&outer, 2, NULL), BP_OK);
    concurrent_ctx ctx = {&p, {NULL, NULL, NULL, NULL}, 0};
    bp_pool_run(outer, concurrent_task, &ctx, 4);
    CHECK_EQ_INT(ctx.inner_pool_failed, 0);
    for (size_t i = 0; i < 4; i++) {
        CHECK(ctx.results[i] && memcmp(ctx.results[i], serial, p.c_count * sizeof *serial) == 0);
        free(ctx.results[i]);
    }
    bp_pool_free(outer);
    free(serial);
    problem_free(&p);
}

/* Training-size products: checked against the naive loop on a sample of
 * rows (the full check would dominate the suite's time). */
static void test_gemm_training_shapes(void)
{
    typedef struct { bp_trans ta, tb; size_t m, n, k; } shape;
    static const shape shapes[] = {
        {BP_NO_TRANS, BP_TRANS, 128, 1024, 784},   /* Z = X W^T */
        {BP_TRANS, BP_NO_TRANS, 1024, 784, 128},   /* dW = dZ^T X */
        {BP_NO_TRANS, BP_NO_TRANS, 128, 784, 1024} /* dX = dZ W */
    };
    test_rng rng = {31337};
    bp_pool *pool = NULL;
    CHECK_EQ_INT(bp_pool_create(&pool, 2, NULL), BP_OK);
    size_t failures = 0;
    for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++) {
        problem p;
        problem_init(&p, &rng, shapes[i].ta, shapes[i].tb, shapes[i].m,
                     shapes[i].n, shapes[i].k, 0, 1, 1);
        bp_real *C = run_gemm(&p, pool, bp_cpu_isa());
        /* Check every 61st row, by viewing it as a one-row problem. */
        for (size_t row = 0; row < p.m; row += 61) {
            problem one = p;
            one.m = 1;
            one.A = p.ta == BP_NO_TRANS ? p.A + row * p.lda : p.A + row;
            one.C0 = p.C0 + row * p.ldc;
            failures += check_against_naive(&one, C + row * p.ldc);
        }
        free(C);
        problem_free(&p);
    }
    CHECK_EQ_INT(failures, 0);
    bp_pool_free(pool);
}

int main(void)
{
    RUN(test_pool_sizes);
    RUN(test_pool_zero_tasks);
    RUN(test_pool_runs_every_task_once);
    RUN(test_pool_many_short_runs);
    RUN(test_pool_scratch);
    RUN(test_isa_names);
    RUN(test_gemm_small_shapes);
    RUN(test_gemm_blocked_shapes);
    RUN(test_gemm_alpha_beta);
    RUN(test_gemm_degenerate);
    RUN(test_gemm_beta_zero_ignores_c);
    RUN(test_gemm_isa_is_clamped);
    RUN(test_gemm_thread_count_independent);
    RUN(test_gemm_concurrent_callers);
    RUN(test_gemm_training_shapes);
    return harness_finish();
}
