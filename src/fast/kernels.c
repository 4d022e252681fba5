/* General matrix multiply: packing, micro-kernels, tiling over threads.
 *
 * The classic blocked scheme. C is cut into tasks (column strips, split
 * into row groups when strips are too few for the workers); a task walks
 * the k dimension in blocks of kc steps. For each block it packs its slice
 * of op(B) (kc x nc) into micro-panels of nr columns, then, for every mc
 * rows, packs op(A) (mc x kc) into micro-panels of mr rows and runs the
 * micro-kernel over all pairs of panels: an mr x nr block of C stays in
 * vector registers for the whole kc loop and is then added into C.
 *
 * A panel matrix (kernels.h) is op(B) already in micro-panels: of full
 * height rather than kc, so any k block of a panel is a contiguous piece
 * and the kernel reads it in place. As C, the kernel writes its tiles into
 * the panels with a row stride of nr.
 *
 * Determinism: every C element is accumulated in one register lane as
 * fma(a, b, acc) for k in order within a k block, and the k blocks (whose
 * size depends on k and the isa only) are added into C in order. The tile
 * an element falls in, and which thread computes it, change nothing.
 */
#include "fast/kernels.h"

#include <stdint.h>
#include <string.h>

/* The SIMD paths exist on x86-64 only; BP_NO_SIMD leaves just the portable
 * one (as on other architectures), e.g. to test that build. */
#if defined(__x86_64__) && !defined(BP_NO_SIMD)
#define BP_X86_SIMD 1
#include <immintrin.h>
#endif

#ifdef BP_USE_CBLAS
#include <cblas.h>
#include <limits.h>
#endif

/* ---------------------------------------------------------- identification */

const char *bp_gemm_backend(void)
{
#ifdef BP_USE_CBLAS
    return "cblas (openblas)";
#else
    return "builtin";
#endif
}

/* ------------------------------------------------------------- geometry */

/* A micro-kernel: C[rows x cols] (+)= alpha * (packed A panel) * (packed B
 * panel) over kc steps, with rows <= mr and cols <= nr. `overwrite` means
 * C is not read (beta == 0 on the first k block); otherwise
 * C = alpha * acc + beta * C. */
typedef void (*micro_kernel)(size_t rows, size_t cols, size_t kc,
                             const bp_real *a, const bp_real *b, bp_real *c,
                             size_t ldc, bp_real alpha, bp_real beta,
                             int overwrite);

typedef struct gemm_job gemm_job;

/* Packs op(A)[i0 .. i0+rows) x [p0 .. p0+kb) into micro-panels of mr rows:
 * panel q holds element (r, kk) at q*mr*kb + kk*mr + r. Rows past the end
 * of the last panel are left as they are: the kernels never read them. */
typedef void (*pack_a_fn)(const gemm_job *job, size_t i0, size_t rows,
                          size_t p0, size_t kb, bp_real *dst);

/* Packs op(B)[p0 .. p0+kb) x [j0 .. j0+cols) into micro-panels of nr
 * columns: panel q holds element (kk, c) at q*nr*kb + kk*nr + c. Columns
 * past the end of the last panel are zero, so the kernels can always load
 * full vectors. */
typedef void (*pack_b_fn)(const gemm_job *job, size_t p0, size_t kb, size_t j0,
                          size_t cols, bp_real *dst);

typedef struct gemm_path {
    size_t mr, nr;  /* register block of the micro-kernel */
    size_t kc_max;  /* longest k block (fixes the summation order) */
    size_t mc_max;  /* rows of op(A) packed at once (multiple of mr) */
    size_t nc_max;  /* columns of op(B) packed at once (multiple of nr) */
    micro_kernel kernel;
    pack_a_fn pack_a;
    pack_b_fn pack_b;
} gemm_path;

/* Block sizes (overridable with -D for tuning). The packed A block
 * (mc x kc) should sit in L2 and a packed B micro-panel (kc x nr) in L1;
 * the packed B block (kc x nc) may be in L3, as each micro-panel of it is
 * read once per A block. Measured on AMD Zen 4 (1 MiB L2): a 12 x 2-vector
 * AVX-512 kernel edges out 14 x 2, 8 x 3 and 6 x 4 (its 512-bit FMAs issue
 * as two 256-bit halves, so AVX2's 6 x 2 runs about as fast); kc = 256
 * beats 128, 192 and 384; mc = 168 is 14 AVX-512 or 28 AVX2 panels. */
#ifndef PORT_MR
#define PORT_MR 8
#endif
#ifndef PORT_NR
#define PORT_NR 8
#endif
#define PORT_KC SIMD_KC
#define PORT_MC 128
#define PORT_NC 512

#ifndef K512_MR
#define K512_MR 12
#endif
#ifndef K512_NV
#define K512_NV 2
#endif
#define K2_MR 6
#define K2_NV 2
#ifndef SIMD_KC
#define SIMD_KC 256
#endif
#ifndef SIMD_MC
#define SIMD_MC 168
#endif
#ifndef SIMD_NC
#define SIMD_NC 512
#endif

/* Without a pool the buffers live on the stack: this many micro-panels of
 * A and of B at a time. */
#ifndef STACK_A_PANELS
#define STACK_A_PANELS 1
#endif
#ifndef STACK_B_PANELS
#define STACK_B_PANELS 2
#endif

/* Largest mr, nr over all paths, for the stack buffer. */
#define STACK_MR K512_MR
#define STACK_NR (64 / (int)sizeof(bp_real) * K512_NV)
#define STACK_BUF_ELEMS                                                      \
    ((STACK_MR * STACK_A_PANELS + STACK_NR * STACK_B_PANELS) * SIMD_KC + 64)

static size_t min_size(size_t a, size_t b) { return a < b ? a : b; }
static size_t ceil_div(size_t a, size_t b) { return (a + b - 1) / b; }
static size_t round_up(size_t a, size_t b) { return ceil_div(a, b) * b; }

/* ------------------------------------------------------------ the problem */

struct gemm_job {
    const gemm_path *path;
    bp_trans ta, tb;
    size_t m, n, k;
    bp_real alpha, beta;
    const bp_real *A;
    size_t lda;
    const bp_real *B;
    size_t ldb;
    bp_real *C;
    size_t ldc;            /* unused when C is a panel matrix */
    int c_panels;          /* C is a panel matrix (of height m) */
    size_t kc;             /* k block size, from k and the path alone */
    size_t mc_cap, nc_cap; /* rows of A / columns of B the buffers hold */
    size_t group_rows;     /* rows of C per task */
    size_t strip_cols;     /* columns of C per task */
    size_t row_groups, col_strips;
    bp_pool *pool;
    bp_real *stack_buffer; /* used when pool is NULL */
};

/* ---------------------------------------------------------------- packing */

/* Transposing copies go a few k steps at a time, so that the lines being
 * read and written stay in L1. */
#define PACK_K_CHUNK 8

/* For op(B) = P^T, P a panel matrix of height ldb: op(B)'s rows are P's
 * columns, which lie in P's panels in pieces of at most nr. Of op(B)'s rows
 * [from .. to), the piece in from's panel is *depth rows long and starts
 * at the returned address, P(col, from); op(B)'s next columns (P's next
 * rows) follow at a stride of nr. */
static const bp_real *panel_piece(const gemm_job *job, size_t from, size_t to,
                                  size_t col, size_t *depth)
{
    size_t nr = job->path->nr, panel = from / nr, end = min_size(to, (panel + 1) * nr);
    *depth = end - from;
    return job->B + panel * nr * job->ldb + col * nr + (from - panel * nr);
}

/* dst[kk*ld + r] = src[r*ls + kk] for r < rows, kk < depth. */
static void transpose_scalar(const bp_real *src, size_t ls, size_t rows,
                             size_t depth, bp_real *dst, size_t ld)
{
    for (size_t k0 = 0; k0 < depth; k0 += PACK_K_CHUNK) {
        size_t k1 = min_size(depth, k0 + PACK_K_CHUNK);
        for (size_t r = 0; r < rows; r++)
            for (size_t kk = k0; kk < k1; kk++) dst[kk * ld + r] = src[r * ls + kk];
    }
}

static void pack_a_scalar(const gemm_job *job, size_t i0, size_t rows,
                          size_t p0, size_t kb, bp_real *dst)
{
    const size_t mr = job->path->mr;
    for (size_t i = 0; i < rows; i += mr) {
        size_t panel_rows = min_size(mr, rows - i);
        bp_real *d = dst + i * kb;
        if (panel_rows < mr) /* the portable kernel reads whole panels */
            for (size_t kk = 0; kk < kb; kk++)
                memset(d + kk * mr + panel_rows, 0, (mr - panel_rows) * sizeof *d);
        if (job->ta == BP_NO_TRANS) {
            transpose_scalar(job->A + (i0 + i) * job->lda + p0, job->lda,
                             panel_rows, kb, d, mr);
        } else {
            for (size_t kk = 0; kk < kb; kk++)
                memcpy(d + kk * mr, job->A + (p0 + kk) * job->lda + i0 + i,
                       panel_rows * sizeof *d);
        }
    }
}

static void pack_b_scalar(const gemm_job *job, size_t p0, size_t kb, size_t j0,
                          size_t cols, bp_real *dst)
{
    const size_t nr = job->path->nr;
    for (size_t j = 0; j < cols; j += nr) {
        size_t panel_cols = min_size(nr, cols - j);
        bp_real *d = dst + j * kb;
        if (job->tb == BP_NO_TRANS) {
            for (size_t kk = 0; kk < kb; kk++)
                memcpy(d + kk * nr, job->B + (p0 + kk) * job->ldb + j0 + j,
                       panel_cols * sizeof *d);
        } else if (job->tb == BP_PANELS_TRANS) {
            for (size_t kk = 0, depth = 0; kk < kb; kk += depth) {
                const bp_real *s = panel_piece(job, p0 + kk, p0 + kb, j0 + j, &depth);
                transpose_scalar(s, nr, panel_cols, depth, d + kk * nr, nr);
            }
        } else {
            transpose_scalar(job->B + (j0 + j) * job->ldb + p0, job->ldb,
                             panel_cols, kb, d, nr);
        }
        if (panel_cols < nr)
            for (size_t kk = 0; kk < kb; kk++)
                memset(d + kk * nr + panel_cols, 0, (nr - panel_cols) * sizeof *d);
    }
}

/* ------------------------------------------------------ portable kernel */

/* Plain C: the compiler may vectorise the fixed-size inner loops. Rows
 * past `rows` are computed but never stored (their packed A is zero). */
static void kernel_portable(size_t rows, size_t cols, size_t kc,
                            const bp_real *a, const bp_real *b, bp_real *c,
                            size_t ldc, bp_real alpha, bp_real beta,
                            int overwrite)
{
    bp_real acc[PORT_MR][PORT_NR];
    memset(acc, 0, sizeof acc);
    for (size_t kk = 0; kk < kc; kk++) {
        const bp_real *bk = b + kk * PORT_NR;
        const bp_real *ak = a + kk * PORT_MR;
        for (size_t r = 0; r < PORT_MR; r++)
            for (size_t j = 0; j < PORT_NR; j++) acc[r][j] += ak[r] * bk[j];
    }
    for (size_t r = 0; r < rows; r++) {
        bp_real *cr = c + r * ldc;
        if (overwrite)
            for (size_t j = 0; j < cols; j++) cr[j] = alpha * acc[r][j];
        else
            for (size_t j = 0; j < cols; j++)
                cr[j] = alpha * acc[r][j] + beta * cr[j];
    }
}

static const gemm_path path_portable = {PORT_MR, PORT_NR, PORT_KC, PORT_MC,
                                        PORT_NC, kernel_portable, pack_a_scalar,
                                        pack_b_scalar};

/* ---------------------------------------------------------- SIMD kernels */

#if defined(BP_X86_SIMD)

#define TARGET_AVX512 __attribute__((target("avx512f,avx2,fma")))
#define TARGET_AVX2 __attribute__((target("avx2,fma")))
#define ALWAYS_INLINE inline __attribute__((always_inline))

/* The row-count switch shared by the SIMD kernels: one fully unrolled
 * variant per number of rows, so edge panels waste no arithmetic. Cases
 * above mr are unreachable and clamped to keep array indices in bounds. */
#define ROW_CASE(R, MR, BODY)                                                \
    case R:                                                                  \
        BODY((R) < (MR) ? (R) : (MR), cols, kc, a, b, c, ldc, alpha, beta,   \
             overwrite);                                                     \
        break;
#define ROW_SWITCH(MR, BODY)                                                 \
    switch (rows) {                                                          \
        ROW_CASE(1, MR, BODY) ROW_CASE(2, MR, BODY) ROW_CASE(3, MR, BODY)    \
        ROW_CASE(4, MR, BODY) ROW_CASE(5, MR, BODY) ROW_CASE(6, MR, BODY)    \
        ROW_CASE(7, MR, BODY) ROW_CASE(8, MR, BODY) ROW_CASE(9, MR, BODY)    \
        ROW_CASE(10, MR, BODY) ROW_CASE(11, MR, BODY)                        \
        ROW_CASE(12, MR, BODY) ROW_CASE(13, MR, BODY)                        \
        ROW_CASE(14, MR, BODY) ROW_CASE(15, MR, BODY)                        \
        ROW_CASE(16, MR, BODY)                                               \
    default: break;                                                          \
    }

/* Where the kernel writes: C itself, or for a partial tile (cols < nr) a
 * full-width copy, so edge tiles go through the very same vector
 * arithmetic as inner ones. */
static ALWAYS_INLINE bp_real *edge_tile_in(size_t rows, size_t cols, size_t nr,
                                           const bp_real *c, size_t ldc,
                                           int overwrite, bp_real *tmp)
{
    for (size_t r = 0; r < rows; r++) {
        bp_real *t = tmp + r * nr;
        if (!overwrite) memcpy(t, c + r * ldc, cols * sizeof *t);
        else memset(t, 0, cols * sizeof *t);
        memset(t + cols, 0, (nr - cols) * sizeof *t);
    }
    return tmp;
}

static ALWAYS_INLINE void edge_tile_out(size_t rows, size_t cols, size_t nr,
                                        bp_real *c, size_t ldc,
                                        const bp_real *tmp)
{
    for (size_t r = 0; r < rows; r++)
        memcpy(c + r * ldc, tmp + r * nr, cols * sizeof *tmp);
}

#ifdef BP_REAL_FLOAT
typedef __m512 v512;
typedef __m256 v256;
#define V512_LEN 16
#define V512_ZERO _mm512_setzero_ps
#define V512_LOAD _mm512_loadu_ps
#define V512_STORE _mm512_storeu_ps
#define V512_SET1 _mm512_set1_ps
#define V512_FMA _mm512_fmadd_ps
#define V512_MUL _mm512_mul_ps
#define V256_LEN 8
#define V256_ZERO _mm256_setzero_ps
#define V256_LOAD _mm256_loadu_ps
#define V256_STORE _mm256_storeu_ps
#define V256_SET1 _mm256_set1_ps
#define V256_FMA _mm256_fmadd_ps
#define V256_MUL _mm256_mul_ps
#else
typedef __m512d v512;
typedef __m256d v256;
#define V512_LEN 8
#define V512_ZERO _mm512_setzero_pd
#define V512_LOAD _mm512_loadu_pd
#define V512_STORE _mm512_storeu_pd
#define V512_SET1 _mm512_set1_pd
#define V512_FMA _mm512_fmadd_pd
#define V512_MUL _mm512_mul_pd
#define V256_LEN 4
#define V256_ZERO _mm256_setzero_pd
#define V256_LOAD _mm256_loadu_pd
#define V256_STORE _mm256_storeu_pd
#define V256_SET1 _mm256_set1_pd
#define V256_FMA _mm256_fmadd_pd
#define V256_MUL _mm256_mul_pd
#endif

/* One SIMD micro-kernel, instantiated for AVX-512 and AVX2 below:
 * ROWS x (NV vectors) accumulators, all in registers once unrolled. */
#define DEFINE_SIMD_KERNEL(NAME, TARGET, VEC, LEN, ZERO, LOAD, STORE, SET1,   \
                           FMA, MUL, MR, NV)                                 \
    static ALWAYS_INLINE TARGET void NAME##_rows(                            \
        const size_t rows, size_t cols, size_t kc, const bp_real *a,         \
        const bp_real *b, bp_real *c, size_t ldc, bp_real alpha,             \
        bp_real beta, int overwrite)                                         \
    {                                                                        \
        enum { NR = (NV) * (LEN) };                                          \
        VEC acc[MR][NV];                                                     \
        _Pragma("GCC unroll 16") for (size_t r = 0; r < rows; r++)           \
            _Pragma("GCC unroll 4") for (size_t v = 0; v < (NV); v++)        \
                acc[r][v] = ZERO();                                          \
        _Pragma("GCC unroll 16") for (size_t r = 0; r < rows; r++)           \
            __builtin_prefetch(c + r * ldc, 1);                              \
        for (size_t kk = 0; kk < kc; kk++) {                                 \
            VEC bv[NV];                                                      \
            _Pragma("GCC unroll 4") for (size_t v = 0; v < (NV); v++)        \
                bv[v] = LOAD(b + kk * NR + v * (LEN));                       \
            _Pragma("GCC unroll 16") for (size_t r = 0; r < rows; r++) {     \
                VEC av = SET1(a[kk * (MR) + r]);                             \
                _Pragma("GCC unroll 4") for (size_t v = 0; v < (NV); v++)    \
                    acc[r][v] = FMA(av, bv[v], acc[r][v]);                   \
            }                                                                \
        }                                                                    \
        _Alignas(64) bp_real tmp[(MR) * NR];                                 \
        bp_real *out = c;                                                    \
        size_t ld = ldc;                                                     \
        if (cols < NR) {                                                     \
            out = edge_tile_in(rows, cols, NR, c, ldc, overwrite, tmp);      \
            ld = NR;                                                         \
        }                                                                    \
        const VEC va = SET1(alpha), vb = SET1(beta);                         \
        if (overwrite) {                                                     \
            _Pragma("GCC unroll 16") for (size_t r = 0; r < rows; r++)       \
                _Pragma("GCC unroll 4") for (size_t v = 0; v < (NV); v++)    \
                    STORE(out + r * ld + v * (LEN), MUL(va, acc[r][v]));     \
        } else {                                                             \
            _Pragma("GCC unroll 16") for (size_t r = 0; r < rows; r++)       \
                _Pragma("GCC unroll 4") for (size_t v = 0; v < (NV); v++) {  \
                bp_real *p = out + r * ld + v * (LEN);                       \
                STORE(p, FMA(va, acc[r][v], MUL(vb, LOAD(p))));              \
            }                                                                \
        }                                                                    \
        if (cols < NR) edge_tile_out(rows, cols, NR, c, ldc, tmp);           \
    }                                                                        \
    static TARGET void NAME(size_t rows, size_t cols, size_t kc,             \
                            const bp_real *a, const bp_real *b, bp_real *c,  \
                            size_t ldc, bp_real alpha, bp_real beta,         \
                            int overwrite)                                   \
    {                                                                        \
        ROW_SWITCH(MR, NAME##_rows)                                          \
    }

DEFINE_SIMD_KERNEL(kernel_avx512, TARGET_AVX512, v512, V512_LEN, V512_ZERO,
                   V512_LOAD, V512_STORE, V512_SET1, V512_FMA, V512_MUL,
                   K512_MR, K512_NV)
DEFINE_SIMD_KERNEL(kernel_avx2, TARGET_AVX2, v256, V256_LEN, V256_ZERO,
                   V256_LOAD, V256_STORE, V256_SET1, V256_FMA, V256_MUL,
                   K2_MR, K2_NV)

/* A T x T block transpose in 256-bit registers (T = 4 doubles or 8
 * floats): dst[t*ld + r] = src[r*ls + t]. Shared by both SIMD paths. */
#ifdef BP_REAL_FLOAT
static ALWAYS_INLINE TARGET_AVX2 void transpose_block(const float *src, size_t ls,
                                                      float *dst, size_t ld)
{
    __m256 r0 = _mm256_loadu_ps(src), r1 = _mm256_loadu_ps(src + ls);
    __m256 r2 = _mm256_loadu_ps(src + 2 * ls), r3 = _mm256_loadu_ps(src + 3 * ls);
    __m256 r4 = _mm256_loadu_ps(src + 4 * ls), r5 = _mm256_loadu_ps(src + 5 * ls);
    __m256 r6 = _mm256_loadu_ps(src + 6 * ls), r7 = _mm256_loadu_ps(src + 7 * ls);
    __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
    __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
    __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
    __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
    __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
    __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
    __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
    __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
    _mm256_storeu_ps(dst, _mm256_permute2f128_ps(u0, u4, 0x20));
    _mm256_storeu_ps(dst + ld, _mm256_permute2f128_ps(u1, u5, 0x20));
    _mm256_storeu_ps(dst + 2 * ld, _mm256_permute2f128_ps(u2, u6, 0x20));
    _mm256_storeu_ps(dst + 3 * ld, _mm256_permute2f128_ps(u3, u7, 0x20));
    _mm256_storeu_ps(dst + 4 * ld, _mm256_permute2f128_ps(u0, u4, 0x31));
    _mm256_storeu_ps(dst + 5 * ld, _mm256_permute2f128_ps(u1, u5, 0x31));
    _mm256_storeu_ps(dst + 6 * ld, _mm256_permute2f128_ps(u2, u6, 0x31));
    _mm256_storeu_ps(dst + 7 * ld, _mm256_permute2f128_ps(u3, u7, 0x31));
}
#else
static ALWAYS_INLINE TARGET_AVX2 void transpose_block(const double *src, size_t ls,
                                                      double *dst, size_t ld)
{
    __m256d r0 = _mm256_loadu_pd(src), r1 = _mm256_loadu_pd(src + ls);
    __m256d r2 = _mm256_loadu_pd(src + 2 * ls), r3 = _mm256_loadu_pd(src + 3 * ls);
    __m256d t0 = _mm256_unpacklo_pd(r0, r1), t1 = _mm256_unpackhi_pd(r0, r1);
    __m256d t2 = _mm256_unpacklo_pd(r2, r3), t3 = _mm256_unpackhi_pd(r2, r3);
    _mm256_storeu_pd(dst, _mm256_permute2f128_pd(t0, t2, 0x20));
    _mm256_storeu_pd(dst + ld, _mm256_permute2f128_pd(t1, t3, 0x20));
    _mm256_storeu_pd(dst + 2 * ld, _mm256_permute2f128_pd(t0, t2, 0x31));
    _mm256_storeu_pd(dst + 3 * ld, _mm256_permute2f128_pd(t1, t3, 0x31));
}
#endif

/* dst[kk*ld + r] = src[r*ls + kk] for r < rows, kk < depth, in T x T
 * register transposes where whole blocks fit, elementwise elsewhere. */
static ALWAYS_INLINE TARGET_AVX2 void transpose_simd(const bp_real *src, size_t ls,
                                                     size_t rows, size_t depth,
                                                     bp_real *dst, size_t ld)
{
    enum { T = V256_LEN };
    size_t whole_rows = rows / T * T, whole_depth = depth / T * T;
    for (size_t kk = 0; kk < whole_depth; kk += T) {
        for (size_t r = 0; r < whole_rows; r += T)
            transpose_block(src + r * ls + kk, ls, dst + kk * ld + r, ld);
        for (size_t r = whole_rows; r < rows; r++)
            for (size_t t = kk; t < kk + T; t++) dst[t * ld + r] = src[r * ls + t];
    }
    for (size_t kk = whole_depth; kk < depth; kk++)
        for (size_t r = 0; r < rows; r++) dst[kk * ld + r] = src[r * ls + kk];
}

/* The packers of one SIMD path; MR and NR are constants, so whole-panel
 * copies compile to a few vector moves. */
#define DEFINE_SIMD_PACKERS(NAME, TARGET, MR, NR)                            \
    static TARGET void NAME##_pack_a(const gemm_job *job, size_t i0,         \
                                     size_t rows, size_t p0, size_t kb,      \
                                     bp_real *dst)                           \
    {                                                                        \
        for (size_t i = 0; i < rows; i += (MR)) {                            \
            size_t panel_rows = min_size((MR), rows - i);                    \
            bp_real *d = dst + i * kb;                                       \
            if (job->ta == BP_NO_TRANS) {                                    \
                transpose_simd(job->A + (i0 + i) * job->lda + p0, job->lda,  \
                               panel_rows, kb, d, (MR));                     \
            } else if (panel_rows == (MR)) {                                 \
                const bp_real *s = job->A + p0 * job->lda + i0 + i;          \
                for (size_t kk = 0; kk < kb; kk++)                           \
                    memcpy(d + kk * (MR), s + kk * job->lda,                 \
                           (MR) * sizeof *d);                                \
            } else {                                                         \
                const bp_real *s = job->A + p0 * job->lda + i0 + i;          \
                for (size_t kk = 0; kk < kb; kk++)                           \
                    memcpy(d + kk * (MR), s + kk * job->lda,                 \
                           panel_rows * sizeof *d);                          \
            }                                                                \
        }                                                                    \
    }                                                                        \
    static TARGET void NAME##_pack_b(const gemm_job *job, size_t p0,         \
                                     size_t kb, size_t j0, size_t cols,      \
                                     bp_real *dst)                           \
    {                                                                        \
        for (size_t j = 0; j < cols; j += (NR)) {                            \
            size_t panel_cols = min_size((NR), cols - j);                    \
            bp_real *d = dst + j * kb;                                       \
            const bp_real *s;                                                \
            if (job->tb == BP_TRANS) {                                       \
                s = job->B + (j0 + j) * job->ldb + p0;                       \
                transpose_simd(s, job->ldb, panel_cols, kb, d, (NR));        \
            } else if (job->tb == BP_PANELS_TRANS) {                         \
                for (size_t kk = 0, depth = 0; kk < kb; kk += depth) {       \
                    s = panel_piece(job, p0 + kk, p0 + kb, j0 + j, &depth);  \
                    transpose_simd(s, (NR), panel_cols, depth,               \
                                   d + kk * (NR), (NR));                     \
                }                                                            \
            } else if (panel_cols == (NR)) {                                 \
                s = job->B + p0 * job->ldb + j0 + j;                         \
                for (size_t kk = 0; kk < kb; kk++)                           \
                    memcpy(d + kk * (NR), s + kk * job->ldb,                 \
                           (NR) * sizeof *d);                                \
            } else {                                                         \
                s = job->B + p0 * job->ldb + j0 + j;                         \
                for (size_t kk = 0; kk < kb; kk++)                           \
                    memcpy(d + kk * (NR), s + kk * job->ldb,                 \
                           panel_cols * sizeof *d);                          \
            }                                                                \
            if (panel_cols < (NR))                                           \
                for (size_t kk = 0; kk < kb; kk++)                           \
                    memset(d + kk * (NR) + panel_cols, 0,                    \
                           ((NR) - panel_cols) * sizeof *d);                 \
        }                                                                    \
    }

DEFINE_SIMD_PACKERS(avx512, TARGET_AVX512, K512_MR, K512_NV * V512_LEN)
DEFINE_SIMD_PACKERS(avx2, TARGET_AVX2, K2_MR, K2_NV * V256_LEN)

static const gemm_path path_avx512 = {
    K512_MR, K512_NV * V512_LEN, SIMD_KC, SIMD_MC / K512_MR * K512_MR,
    SIMD_NC / (K512_NV * V512_LEN) * (K512_NV * V512_LEN), kernel_avx512,
    avx512_pack_a, avx512_pack_b};
static const gemm_path path_avx2 = {
    K2_MR, K2_NV * V256_LEN, SIMD_KC, SIMD_MC / K2_MR * K2_MR,
    SIMD_NC / (K2_NV * V256_LEN) * (K2_NV * V256_LEN), kernel_avx2,
    avx2_pack_a, avx2_pack_b};

_Static_assert(K512_MR <= 16 && K2_MR <= 16, "ROW_SWITCH handles up to 16 rows");
_Static_assert(K512_MR <= STACK_MR && K2_MR <= STACK_MR, "STACK_MR too small");
_Static_assert(K512_NV * V512_LEN <= STACK_NR && K2_NV * V256_LEN <= STACK_NR,
               "STACK_NR too small");

#endif /* BP_X86_SIMD */

/* Every path's buffers must fit a worker's scratch area. */
#define GEMM_BUFFER_BYTES(MC, KC, NC)                                        \
    (((size_t)(MC) * (KC) + (size_t)(KC) * (NC)) * sizeof(bp_real) + 64)
_Static_assert(GEMM_BUFFER_BYTES(SIMD_MC, SIMD_KC, SIMD_NC) <= BP_POOL_SCRATCH_BYTES,
               "GEMM packing buffers exceed the pool scratch area");
_Static_assert(GEMM_BUFFER_BYTES(PORT_MC, PORT_KC, PORT_NC) <= BP_POOL_SCRATCH_BYTES,
               "GEMM packing buffers exceed the pool scratch area");
_Static_assert(SIMD_KC >= PORT_KC, "the stack buffer is sized for SIMD_KC");
_Static_assert(PORT_MR <= STACK_MR && PORT_NR <= STACK_NR, "STACK_MR/STACK_NR too small");

static const gemm_path *select_path(bp_isa isa)
{
    bp_isa best = bp_cpu_isa();
    if (isa > best) isa = best;
#if defined(BP_X86_SIMD)
    if (isa == BP_ISA_AVX512) return &path_avx512;
    if (isa == BP_ISA_AVX2) return &path_avx2;
#endif
    return &path_portable;
}

/* ---------------------------------------------------------------- driver */

/* The buffers of one worker: the packed A block, then (64-byte aligned)
 * the packed B block. */
static void worker_buffers(const gemm_job *job, size_t worker, bp_real **a_buf,
                           bp_real **b_buf)
{
    bp_real *base = job->pool ? bp_pool_scratch(job->pool, worker)
                              : job->stack_buffer;
    size_t a_elems = round_up(job->mc_cap * job->path->kc_max,
                              64 / sizeof(bp_real));
    *a_buf = base;
    *b_buf = base + a_elems;
}

/* The address of C(i, j) (j a multiple of nr) and the row stride there. */
static bp_real *c_at(const gemm_job *job, size_t i, size_t j, size_t *ld)
{
    if (job->c_panels) {
        *ld = job->path->nr;
        return job->C + j * job->m + i * job->path->nr;
    }
    *ld = job->ldc;
    return job->C + i * job->ldc + j;
}

/* C[i0 .. i0+rows) x [j0 .. j0+cols) for one k block: A packed here in
 * blocks of at most mc_cap rows; B's micro-panels at b, b_step apart. */
static void multiply_k_block(const gemm_job *job, size_t i0, size_t rows,
                             size_t j0, size_t cols, size_t p0, size_t kb,
                             const bp_real *b, size_t b_step, bp_real *a_buf)
{
    const gemm_path *path = job->path;
    int first = p0 == 0;
    int overwrite = first && job->beta == 0;
    bp_real beta = first ? job->beta : 1;
    for (size_t ic = 0; ic < rows; ic += job->mc_cap) {
        size_t mc = min_size(job->mc_cap, rows - ic);
        path->pack_a(job, i0 + ic, mc, p0, kb, a_buf);
        for (size_t j = 0; j < cols; j += path->nr) {
            size_t panel_cols = min_size(path->nr, cols - j), ldc;
            bp_real *c = c_at(job, i0 + ic, j0 + j, &ldc);
            const bp_real *b_panel = b + j / path->nr * b_step;
            for (size_t i = 0; i < mc; i += path->mr)
                path->kernel(min_size(path->mr, mc - i), panel_cols, kb,
                             a_buf + i * kb, b_panel, c + i * ldc, ldc,
                             job->alpha, beta, overwrite);
        }
    }
}

/* One task: C[i0 .. i0+rows) x [j0 .. j0+cols), every k block in order;
 * the B block is packed once per k block, in pieces of nc_cap columns --
 * unless B is a panel matrix, whose panels the kernel reads as they are. */
static void compute_tile(const gemm_job *job, size_t i0, size_t rows, size_t j0,
                         size_t cols, bp_real *a_buf, bp_real *b_buf)
{
    size_t nr = job->path->nr;
    for (size_t p0 = 0; p0 < job->k; p0 += job->kc) {
        size_t kb = min_size(job->kc, job->k - p0);
        for (size_t jc = 0; jc < cols; jc += job->nc_cap) {
            size_t nc = min_size(job->nc_cap, cols - jc);
            if (job->tb == BP_PANELS) {
                const bp_real *b = job->B + (j0 + jc) * job->ldb + p0 * nr;
                multiply_k_block(job, i0, rows, j0 + jc, nc, p0, kb, b, nr * job->ldb, a_buf);
            } else {
                job->path->pack_b(job, p0, kb, j0 + jc, nc, b_buf);
                multiply_k_block(job, i0, rows, j0 + jc, nc, p0, kb, b_buf, nr * kb, a_buf);
            }
        }
    }
}

static void tile_task(void *ctx, size_t index, size_t worker)
{
    const gemm_job *job = ctx;
    size_t group = index / job->col_strips, strip = index % job->col_strips;
    size_t i0 = group * job->group_rows, j0 = strip * job->strip_cols;
    bp_real *a_buf, *b_buf;
    worker_buffers(job, worker, &a_buf, &b_buf);
    compute_tile(job, i0, min_size(job->group_rows, job->m - i0), j0,
                 min_size(job->strip_cols, job->n - j0), a_buf, b_buf);
}

/* Below this many flops a call runs on the calling thread alone: waking
 * the helpers would cost more than it saves. */
#ifndef PARALLEL_MIN_FLOPS
#define PARALLEL_MIN_FLOPS 400000.0
#endif
#ifndef TASKS_PER_WORKER
#define TASKS_PER_WORKER 1
#endif

/* Splits C into tasks: column strips first (each packs its part of B
 * once), then groups of rows when there are too few strips to go round. */
static void choose_tiles(gemm_job *job, size_t workers)
{
    const gemm_path *path = job->path;
    double flops = 2.0 * (double)job->m * (double)job->n * (double)job->k;
    if (flops < PARALLEL_MIN_FLOPS) workers = 1;
    size_t want = workers == 1 ? 1 : workers * TASKS_PER_WORKER;
    size_t col_panels = ceil_div(job->n, path->nr);
    size_t strips = min_size(want, col_panels);
    if (workers > 1 && strips % workers != 0)
        strips = min_size(col_panels, round_up(strips, workers));
    job->strip_cols = round_up(ceil_div(job->n, strips), path->nr);
    job->col_strips = ceil_div(job->n, job->strip_cols);

    size_t row_panels = ceil_div(job->m, path->mr);
    size_t groups = min_size(row_panels, ceil_div(want, job->col_strips));
    job->group_rows = round_up(ceil_div(job->m, groups), path->mr);
    job->row_groups = ceil_div(job->m, job->group_rows);
}

/* C = beta * C (C = 0 when beta == 0, whatever C held). */
static void scale_by_beta(const gemm_job *job)
{
    if (job->beta == 1) return;
    size_t nr = job->path->nr;
    for (size_t j = 0; j < job->n; j += nr) {
        size_t cols = min_size(nr, job->n - j), ld;
        for (size_t i = 0; i < job->m; i++) {
            bp_real *row = c_at(job, i, j, &ld);
            for (size_t c = 0; c < cols; c++) row[c] = job->beta == 0 ? 0 : row[c] * job->beta;
        }
    }
}

/* k blocks of equal size (the last one possibly shorter), at most kc_max. */
static size_t k_block_size(size_t k, size_t kc_max)
{
    return ceil_div(k, ceil_div(k, kc_max));
}

static void run_tiles(gemm_job *job)
{
    job->kc = k_block_size(job->k, job->path->kc_max);
    job->mc_cap = job->pool ? job->path->mc_max : job->path->mr * STACK_A_PANELS;
    job->nc_cap = job->pool ? job->path->nc_max : job->path->nr * STACK_B_PANELS;
    choose_tiles(job, bp_pool_size(job->pool));
    bp_pool_run_indexed(job->pool, tile_task, job, job->row_groups * job->col_strips);
}

/* Without a pool there is no scratch area: pack into a stack buffer, in
 * fewer rows at a time (the tiling does not change the results). */
static __attribute__((noinline)) void run_tiles_on_stack(gemm_job *job)
{
    _Alignas(64) bp_real stack_buffer[STACK_BUF_ELEMS];
    job->stack_buffer = stack_buffer;
    run_tiles(job);
    job->stack_buffer = NULL;
}

#ifdef BP_USE_CBLAS
/* The BLAS takes int sizes and rejects leading dimensions it considers too
 * small (and would print about it), so only well-formed calls go there. */
static int cblas_can_take(bp_trans ta, bp_trans tb, size_t m, size_t n,
                          size_t k, size_t lda, size_t ldb, size_t ldc)
{
    size_t a_cols = ta == BP_NO_TRANS ? k : m;
    size_t b_cols = tb == BP_NO_TRANS ? n : k;
    size_t limit = (size_t)INT_MAX;
    if (m > limit || n > limit || k > limit || lda > limit || ldb > limit ||
        ldc > limit)
        return 0;
    return lda >= a_cols && ldb >= b_cols && ldc >= n && lda > 0 && ldb > 0 &&
           ldc > 0;
}

static void gemm_cblas(bp_trans ta, bp_trans tb, size_t m, size_t n, size_t k,
                       bp_real alpha, const bp_real *A, size_t lda,
                       const bp_real *B, size_t ldb, bp_real beta, bp_real *C,
                       size_t ldc)
{
    enum CBLAS_TRANSPOSE cta = ta == BP_TRANS ? CblasTrans : CblasNoTrans;
    enum CBLAS_TRANSPOSE ctb = tb == BP_TRANS ? CblasTrans : CblasNoTrans;
#ifdef BP_REAL_FLOAT
    cblas_sgemm(CblasRowMajor, cta, ctb, (int)m, (int)n, (int)k, alpha, A,
                (int)lda, B, (int)ldb, beta, C, (int)ldc);
#else
    cblas_dgemm(CblasRowMajor, cta, ctb, (int)m, (int)n, (int)k, alpha, A,
                (int)lda, B, (int)ldb, beta, C, (int)ldc);
#endif
}
#endif

static void gemm_builtin(gemm_job *job)
{
    if (job->m == 0 || job->n == 0) return;
    if (job->k == 0 || job->alpha == 0) {
        scale_by_beta(job);
        return;
    }
    if (job->pool) run_tiles(job);
    else run_tiles_on_stack(job);
}

static gemm_job make_job(bp_pool *pool, bp_isa isa, bp_trans ta, bp_trans tb,
                         size_t m, size_t n, size_t k, bp_real alpha,
                         const bp_real *A, size_t lda, const bp_real *B,
                         size_t ldb, bp_real beta, bp_real *C, size_t ldc)
{
    gemm_job job = {0};
    job.path = select_path(isa);
    job.ta = ta;
    job.tb = tb;
    job.m = m;
    job.n = n;
    job.k = k;
    job.alpha = alpha;
    job.beta = beta;
    job.A = A;
    job.lda = lda;
    job.B = B;
    job.ldb = ldb;
    job.C = C;
    job.ldc = ldc;
    job.pool = pool;
    return job;
}

void bp_gemm(bp_pool *pool, bp_isa isa, bp_trans ta, bp_trans tb,
             size_t m, size_t n, size_t k, bp_real alpha,
             const bp_real *A, size_t lda, const bp_real *B, size_t ldb,
             bp_real beta, bp_real *C, size_t ldc)
{
    gemm_job job = make_job(pool, isa, ta, tb, m, n, k, alpha, A, lda, B, ldb,
                            beta, C, ldc);
#ifdef BP_USE_CBLAS
    if (m != 0 && n != 0 && k != 0 && alpha != 0 && tb != BP_PANELS &&
        tb != BP_PANELS_TRANS && cblas_can_take(ta, tb, m, n, k, lda, ldb, ldc)) {
        if (beta == 0) scale_by_beta(&job); /* NaNs in C ignored */
        gemm_cblas(ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
        return;
    }
#endif
    gemm_builtin(&job);
}

void bp_gemm_to_panels(bp_pool *pool, bp_isa isa, bp_trans ta, bp_trans tb,
                       size_t m, size_t n, size_t k, bp_real alpha,
                       const bp_real *A, size_t lda, const bp_real *B, size_t ldb,
                       bp_real beta, bp_real *C)
{
    gemm_job job = make_job(pool, isa, ta, tb, m, n, k, alpha, A, lda, B, ldb,
                            beta, C, 0);
    job.c_panels = 1;
    gemm_builtin(&job);
}

int bp_gemm_is_builtin(void)
{
#ifdef BP_USE_CBLAS
    return 0;
#else
    return 1;
#endif
}

/* ---------------------------------------------------------- panel matrices */

size_t bp_gemm_panel_width(bp_isa isa) { return select_path(isa)->nr; }

size_t bp_panels_size(bp_isa isa, size_t rows, size_t cols)
{
    size_t w = bp_gemm_panel_width(isa), padded = ceil_div(cols, w) * w;
    if (padded < cols || (rows != 0 && padded > (size_t)-1 / rows)) return 0;
    return rows * padded;
}

/* A panel matrix is what the packer of B writes for all of op(S) at once. */
void bp_panels_pack(bp_isa isa, bp_trans ts, size_t rows, size_t cols, const bp_real *S,
                    size_t lds, bp_real *P)
{
    gemm_job job = make_job(NULL, isa, BP_NO_TRANS, ts, 0, cols, rows, 1, NULL, 0, S,
                            lds, 0, NULL, 0);
    if (rows != 0 && cols != 0) job.path->pack_b(&job, 0, rows, 0, cols, P);
}

void bp_panels_unpack(bp_isa isa, size_t rows, size_t cols, const bp_real *P, bp_trans ts,
                      bp_real *D, size_t ldd)
{
    size_t w = bp_gemm_panel_width(isa);
    for (size_t j = 0; j < cols; j += w) {
        size_t width = min_size(w, cols - j);
        const bp_real *panel = P + j * rows;
        for (size_t r = 0; r < rows; r++)
            for (size_t c = 0; c < width; c++) {
                if (ts == BP_NO_TRANS) D[r * ldd + j + c] = panel[r * w + c];
                else D[(j + c) * ldd + r] = panel[r * w + c];
            }
    }
}
