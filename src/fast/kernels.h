/* Dense compute kernels (internal): a general matrix multiply.
 *
 * bp_gemm is our own cache-blocked GEMM: panels of op(A) and op(B) are
 * packed into contiguous buffers and a register-blocked micro-kernel
 * (AVX-512, AVX2+FMA, or portable C, chosen by the caller once with
 * bp_cpu_isa()) computes tiles of C. Everything is row-major.
 *
 * Memory: bp_gemm never allocates. Its packing buffers are the per-worker
 * scratch areas of the thread pool (see threads.h), allocated once with the
 * pool; so create one pool per training run -- bp_pool_create(&pool, 1, ...)
 * for single-threaded work -- and pass it to every call. With pool == NULL
 * bp_gemm still works, using small buffers on the stack (under 100 KiB),
 * but it is slower on large shapes because panels are repacked more often.
 *
 * Threads: the output C is split into tasks (column strips, then row groups)
 * run on the pool; every element of C is computed by exactly one task.
 *
 * Determinism: each element's summation order depends only on k and the
 * isa, never on the tiling, the pool or its size. So for a given isa,
 * results are bit-identical with a NULL pool and with pools of any size.
 * Different isas round differently (the SIMD paths use FMA).
 *
 * Built with -DBP_USE_CBLAS, bp_gemm calls cblas_sgemm/cblas_dgemm instead
 * (the pool and isa are then ignored, and threading is the BLAS library's),
 * except for products with panel matrices (below), which only the builtin
 * kernels read.
 */
#ifndef BP_KERNELS_H
#define BP_KERNELS_H

#include "backprop.h"
#include "fast/threads.h"
#include "util/cpu.h"

/* How an operand is stored: row-major as op(X) = X or X^T, or -- for B
 * only; A is always row-major -- as a panel matrix (below) P with op(B) =
 * P or P^T. */
typedef enum bp_trans {
    BP_NO_TRANS = 0,
    BP_TRANS = 1,
    BP_PANELS = 2,
    BP_PANELS_TRANS = 3
} bp_trans;

/* The GEMM implementation compiled in: "builtin" or "cblas (openblas)". */
const char *bp_gemm_backend(void);

/* A panel matrix is a rows x cols matrix kept in the layout the kernels
 * read B in, so that a matrix used in many products (a layer's weights
 * during training) is packed once rather than in every product: its
 * columns in groups of w = bp_gemm_panel_width(isa), each group a rows x w
 * row-major block, the last one padded with zero columns; element (r, c)
 * is at (c / w) * w * rows + r * w + c % w. It holds
 * bp_panels_size(isa, rows, cols) elements (0 if that overflows). As a
 * bp_gemm operand its leading dimension is its row count. Panel matrices
 * always go through the builtin kernels, also in a CBLAS build. */
size_t bp_gemm_panel_width(bp_isa isa);
size_t bp_panels_size(bp_isa isa, size_t rows, size_t cols);

/* P = op(S), S row-major with leading dimension lds, op(S) rows x cols. */
void bp_panels_pack(bp_isa isa, bp_trans ts, size_t rows, size_t cols, const bp_real *S,
                    size_t lds, bp_real *P);

/* D = P (ts == BP_NO_TRANS, D rows x cols) or P^T (BP_TRANS, D cols x
 * rows), row-major with leading dimension ldd. */
void bp_panels_unpack(bp_isa isa, size_t rows, size_t cols, const bp_real *P, bp_trans ts,
                      bp_real *D, size_t ldd);

/* C[m x n] = alpha * op(A) * op(B) + beta * C, row-major, leading dimensions
 * lda/ldb/ldc. op(A) is m x k (A is stored m x k with lda >= k, or k x m
 * with lda >= m when transposed); op(B) is k x n likewise. beta == 0 means C
 * is overwritten (NaNs in C ignored); alpha == 0 or k == 0 gives beta * C
 * without reading A or B. C must not overlap A or B. pool may be NULL
 * (single thread). An isa above bp_cpu_isa() is lowered to it. */
void bp_gemm(bp_pool *pool, bp_isa isa, bp_trans ta, bp_trans tb,
             size_t m, size_t n, size_t k, bp_real alpha,
             const bp_real *A, size_t lda, const bp_real *B, size_t ldb,
             bp_real beta, bp_real *C, size_t ldc);

/* As bp_gemm, with C an m x n panel matrix. */
void bp_gemm_to_panels(bp_pool *pool, bp_isa isa, bp_trans ta, bp_trans tb,
                       size_t m, size_t n, size_t k, bp_real alpha,
                       const bp_real *A, size_t lda, const bp_real *B, size_t ldb,
                       bp_real beta, bp_real *C);

/* Whether bp_gemm on row-major operands runs the builtin kernels (not a
 * CBLAS library). */
int bp_gemm_is_builtin(void);

#endif
