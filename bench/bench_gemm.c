/* GEMM throughput: GFLOP/s of bp_gemm for square and training shapes.
 *
 * Build and run from the repository root:
 *
 *   cc -std=c11 -O2 -ffp-contract=off -D_POSIX_C_SOURCE=200809L \
 *      -Iinclude -Isrc bench/bench_gemm.c src/fast/kernels.c src/fast/threads.c \
 *      src/fast/placement.c src/util/cpu.c src/util/error.c -lm -lpthread -o bench_gemm
 *   ./bench_gemm [threads] [isa]
 *
 * Add -DBP_REAL_FLOAT for the float build; for the OpenBLAS backend add
 * -DBP_USE_CBLAS and link with -lopenblas (its own threads then follow
 * OPENBLAS_NUM_THREADS, not the pool).
 *
 * threads: pool size (default 1; 0 = all cores). isa: portable, avx2 or
 * avx512 (default: the best this CPU supports). Each figure is the median
 * of several timed runs of about 0.1 s each; the machine should be
 * otherwise idle.
 */
#include "fast/kernels.h"
#include "fast/threads.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RUNS 7
#define RUN_SECONDS 0.1

typedef struct shape {
    const char *what;
    bp_trans ta, tb;
    size_t m, n, k;
} shape;

static const shape SHAPES[] = {
    {"square", BP_NO_TRANS, BP_NO_TRANS, 512, 512, 512},
    {"square", BP_NO_TRANS, BP_NO_TRANS, 1024, 1024, 1024},
    {"square", BP_NO_TRANS, BP_NO_TRANS, 2048, 2048, 2048},
    {"square", BP_NO_TRANS, BP_TRANS, 1024, 1024, 1024},
    {"square", BP_TRANS, BP_NO_TRANS, 1024, 1024, 1024},
    {"batch", BP_NO_TRANS, BP_NO_TRANS, 128, 1024, 784},
    {"batch", BP_NO_TRANS, BP_TRANS, 128, 1024, 784},
    {"batch", BP_TRANS, BP_NO_TRANS, 128, 1024, 784},
    {"batch", BP_NO_TRANS, BP_NO_TRANS, 128, 1024, 1024},
    {"batch", BP_NO_TRANS, BP_TRANS, 128, 1024, 1024},
    {"batch", BP_TRANS, BP_NO_TRANS, 128, 1024, 1024},
    {"fwd Z=XW'", BP_NO_TRANS, BP_TRANS, 128, 1024, 784},
    {"bwd dW=dZ'X", BP_TRANS, BP_NO_TRANS, 1024, 784, 128},
    {"bwd dX=dZW", BP_NO_TRANS, BP_NO_TRANS, 128, 784, 1024},
    {"small", BP_NO_TRANS, BP_TRANS, 32, 128, 784},
    {"small", BP_TRANS, BP_NO_TRANS, 128, 784, 32},
    {"out layer", BP_NO_TRANS, BP_TRANS, 128, 10, 128},
    {"out layer", BP_TRANS, BP_NO_TRANS, 10, 128, 128},
    {"out layer", BP_NO_TRANS, BP_NO_TRANS, 128, 128, 10},
};

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static bp_real *random_matrix(size_t count, unsigned *seed)
{
    bp_real *p = malloc(count * sizeof *p);
    if (!p) return NULL;
    for (size_t i = 0; i < count; i++) {
        *seed = *seed * 1664525u + 1013904223u;
        p[i] = (bp_real)((double)(*seed >> 8) / 16777216.0 - 0.5);
    }
    return p;
}

/* Median GFLOP/s of RUNS timed batches of `reps` calls. */
static double measure(bp_pool *pool, bp_isa isa, const shape *s,
                      const bp_real *A, const bp_real *B, bp_real *C)
{
    size_t lda = s->ta == BP_NO_TRANS ? s->k : s->m;
    size_t ldb = s->tb == BP_NO_TRANS ? s->n : s->k;
    double flops = 2.0 * (double)s->m * (double)s->n * (double)s->k;
    size_t reps = 1;
    for (;;) { /* calibrate: one batch should last about RUN_SECONDS */
        double t0 = now_seconds();
        for (size_t r = 0; r < reps; r++)
            bp_gemm(pool, isa, s->ta, s->tb, s->m, s->n, s->k, 1, A, lda, B,
                    ldb, 0, C, s->n);
        double dt = now_seconds() - t0;
        if (dt >= RUN_SECONDS / 4 || reps > ((size_t)1 << 24)) {
            reps = (size_t)((double)reps * RUN_SECONDS / (dt > 1e-9 ? dt : 1e-9)) + 1;
            break;
        }
        reps *= 4;
    }
    double rates[RUNS];
    for (int run = 0; run < RUNS; run++) {
        double t0 = now_seconds();
        for (size_t r = 0; r < reps; r++)
            bp_gemm(pool, isa, s->ta, s->tb, s->m, s->n, s->k, 1, A, lda, B,
                    ldb, 0, C, s->n);
        rates[run] = flops * (double)reps / (now_seconds() - t0) * 1e-9;
    }
    qsort(rates, RUNS, sizeof *rates, compare_doubles);
    return rates[RUNS / 2];
}

static int parse_isa(const char *name, bp_isa *isa)
{
    for (int i = BP_ISA_PORTABLE; i <= BP_ISA_AVX512; i++)
        if (strcmp(name, bp_isa_name((bp_isa)i)) == 0) {
            *isa = (bp_isa)i;
            return 1;
        }
    return 0;
}

int main(int argc, char **argv)
{
    size_t threads = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 1;
    bp_isa isa = bp_cpu_isa();
    if (argc > 2 && !parse_isa(argv[2], &isa)) {
        fprintf(stderr, "bench_gemm: unknown isa '%s'\n", argv[2]);
        return 2;
    }
    if (isa > bp_cpu_isa()) {
        fprintf(stderr, "bench_gemm: this CPU does not support %s\n", bp_isa_name(isa));
        return 2;
    }
    bp_pool *pool = NULL;
    bp_error err;
    if (bp_pool_create(&pool, threads, &err) != BP_OK) {
        fprintf(stderr, "bench_gemm: %s\n", err.message);
        return 1;
    }
    printf("gemm %s, %s, isa %s, %zu thread(s)\n",
           sizeof(bp_real) == sizeof(float) ? "float" : "double",
           bp_gemm_backend(), bp_isa_name(isa), bp_pool_size(pool));
    printf("%-12s %-5s %6s %6s %6s %10s\n", "shape", "op", "m", "n", "k", "GFLOP/s");
    size_t max_elems = 2048 * 2048;
    unsigned seed = 12345;
    bp_real *A = random_matrix(max_elems, &seed);
    bp_real *B = random_matrix(max_elems, &seed);
    bp_real *C = random_matrix(max_elems, &seed);
    if (!A || !B || !C) {
        fprintf(stderr, "bench_gemm: out of memory\n");
        return 1;
    }
    for (size_t i = 0; i < sizeof SHAPES / sizeof *SHAPES; i++) {
        const shape *s = &SHAPES[i];
        double gflops = measure(pool, isa, s, A, B, C);
        printf("%-12s %c%c    %6zu %6zu %6zu %10.1f\n", s->what,
               s->ta == BP_TRANS ? 'T' : 'N', s->tb == BP_TRANS ? 'T' : 'N',
               s->m, s->n, s->k, gflops);
        fflush(stdout);
    }
    free(A);
    free(B);
    free(C);
    bp_pool_free(pool);
    return 0;
}
