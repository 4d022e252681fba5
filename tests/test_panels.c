/* Panel matrices (kernels.h): the layout, packing and unpacking, and
 * products that read B from panels or write C into them, which must equal
 * the products on row-major operands bit for bit, on every code path this
 * CPU supports, with and without threads. */
#include "harness.h"
#include "fast/kernels.h"
#include "fast/threads.h"

#include <stdint.h>

static uint64_t rng_next(uint64_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

/* count random values in [-1, 1) (never NULL: exits when out of memory) */
static bp_real *random_matrix(uint64_t *state, size_t count)
{
    bp_real *p = malloc((count ? count : 1) * sizeof *p);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < count; i++)
        p[i] = (bp_real)((double)(rng_next(state) >> 11) / 4503599627370496.0 - 1.0);
    return p;
}

static bp_real *panels_for(bp_isa isa, size_t rows, size_t cols)
{
    size_t size = bp_panels_size(isa, rows, cols);
    bp_real *p = calloc(size ? size : 1, sizeof *p);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    return p;
}

static size_t supported_isas(bp_isa out[3])
{
    size_t n = 0;
    for (int i = BP_ISA_PORTABLE; i <= (int)bp_cpu_isa(); i++) out[n++] = (bp_isa)i;
    return n;
}

/* Element (r, c) of a panel matrix, by the layout kernels.h documents. */
static bp_real panel_element(const bp_real *P, size_t w, size_t rows, size_t r, size_t c)
{
    return P[c / w * w * rows + r * w + c % w];
}

typedef struct dims {
    size_t m, n, k;
} dims;

/* Odd sizes, several register blocks, and k over one k block (256): 300 is
 * two blocks of 150 and 513 three of 171, which start inside panels. */
static const dims SHAPES[] = {{1, 1, 1},     {5, 3, 7},      {13, 17, 33},  {37, 53, 300},
                              {128, 97, 513}, {19, 300, 131}, {64, 64, 64}, {200, 40, 257}};

static void test_sizes_and_widths(void)
{
    bp_isa isas[3];
    size_t n_isas = supported_isas(isas);
    for (size_t s = 0; s < n_isas; s++) {
        size_t w = bp_gemm_panel_width(isas[s]);
        CHECK(w >= 1 && w <= 64);
        CHECK_EQ_INT(bp_panels_size(isas[s], 3, 1), 3 * w);
        CHECK_EQ_INT(bp_panels_size(isas[s], 3, w + 1), 6 * w);
        CHECK_EQ_INT(bp_panels_size(isas[s], 0, 5), 0);
        CHECK_EQ_INT(bp_panels_size(isas[s], (size_t)-1 / 2, 2 * w), 0); /* overflows */
    }
    /* an isa above the CPU's is lowered, as in bp_gemm */
    CHECK_EQ_INT(bp_gemm_panel_width(BP_ISA_AVX512), bp_gemm_panel_width(bp_cpu_isa()));
}

/* Packing puts each element where the layout says, zeros the padding, and
 * unpacking gives the matrix back exactly, plain and transposed. */
static void test_pack_and_unpack(void)
{
    uint64_t state = 99;
    bp_isa isas[3];
    size_t n_isas = supported_isas(isas);
    size_t misplaced = 0, lost = 0;
    for (size_t s = 0; s < n_isas; s++)
        for (size_t i = 0; i < sizeof SHAPES / sizeof *SHAPES; i++) {
            size_t rows = SHAPES[i].m, cols = SHAPES[i].n, pad = i % 3;
            size_t w = bp_gemm_panel_width(isas[s]), padded = (cols + w - 1) / w * w;
            for (int t = 0; t < 2; t++) {
                bp_trans ts = t ? BP_TRANS : BP_NO_TRANS;
                size_t s_rows = t ? cols : rows, lds = (t ? rows : cols) + pad;
                bp_real *S = random_matrix(&state, s_rows * lds);
                bp_real *P = panels_for(isas[s], rows, cols);
                for (size_t k = 0; k < bp_panels_size(isas[s], rows, cols); k++) P[k] = 7;
                bp_panels_pack(isas[s], ts, rows, cols, S, lds, P);
                for (size_t r = 0; r < rows; r++)
                    for (size_t c = 0; c < padded; c++) {
                        bp_real want = c >= cols ? 0 : t ? S[c * lds + r] : S[r * lds + c];
                        misplaced += panel_element(P, w, rows, r, c) != want;
                    }
                bp_real *D = random_matrix(&state, s_rows * lds);
                bp_panels_unpack(isas[s], rows, cols, P, ts, D, lds);
                for (size_t r = 0; r < s_rows; r++)
                    for (size_t c = 0; c < lds - pad; c++) lost += D[r * lds + c] != S[r * lds + c];
                free(S);
                free(P);
                free(D);
            }
        }
    CHECK_EQ_INT(misplaced, 0);
    CHECK_EQ_INT(lost, 0);
}

/* C from B as panels (op(B) = P and op(B) = P^T) against C from the same
 * B row-major: identical bits. */
static size_t panel_b_differences(bp_pool *pool, bp_isa isa, dims d, bp_trans ta, bp_real alpha,
                                  bp_real beta, uint64_t *state)
{
    size_t lda = ta == BP_NO_TRANS ? d.k : d.m;
    bp_real *A = random_matrix(state, (ta == BP_NO_TRANS ? d.m : d.k) * lda);
    bp_real *B = random_matrix(state, d.k * d.n); /* row-major k x n */
    bp_real *C0 = random_matrix(state, d.m * d.n);
    bp_real *P = panels_for(isa, d.k, d.n), *PT = panels_for(isa, d.n, d.k);
    bp_panels_pack(isa, BP_NO_TRANS, d.k, d.n, B, d.n, P); /* P = B */
    bp_panels_pack(isa, BP_TRANS, d.n, d.k, B, d.n, PT);   /* PT = B^T */
    size_t bytes = d.m * d.n * sizeof(bp_real), differences = 0;
    bp_real *want = malloc(bytes), *got = malloc(bytes);
    if (!want || !got) exit(1);
    memcpy(want, C0, bytes);
    bp_gemm(pool, isa, ta, BP_NO_TRANS, d.m, d.n, d.k, alpha, A, lda, B, d.n, beta, want, d.n);
    memcpy(got, C0, bytes);
    bp_gemm(pool, isa, ta, BP_PANELS, d.m, d.n, d.k, alpha, A, lda, P, d.k, beta, got, d.n);
    differences += memcmp(want, got, bytes) != 0;
    memcpy(got, C0, bytes);
    bp_gemm(pool, isa, ta, BP_PANELS_TRANS, d.m, d.n, d.k, alpha, A, lda, PT, d.n, beta, got, d.n);
    differences += memcmp(want, got, bytes) != 0;
    free(A);
    free(B);
    free(C0);
    free(P);
    free(PT);
    free(want);
    free(got);
    return differences;
}

/* C as panels against C row-major: identical bits, and the padding
 * columns of C's last panel left as they were (zero). */
static size_t panel_c_differences(bp_pool *pool, bp_isa isa, dims d, bp_trans ta, bp_trans tb,
                                  bp_real alpha, bp_real beta, uint64_t *state)
{
    size_t lda = ta == BP_NO_TRANS ? d.k : d.m, ldb = tb == BP_NO_TRANS ? d.n : d.k;
    bp_real *A = random_matrix(state, (ta == BP_NO_TRANS ? d.m : d.k) * lda);
    bp_real *B = random_matrix(state, (tb == BP_NO_TRANS ? d.k : d.n) * ldb);
    bp_real *want = random_matrix(state, d.m * d.n);
    bp_real *got = malloc(d.m * d.n * sizeof *got);
    bp_real *Cp = panels_for(isa, d.m, d.n);
    if (!got) exit(1);
    bp_panels_pack(isa, BP_NO_TRANS, d.m, d.n, want, d.n, Cp);
    bp_gemm(pool, isa, ta, tb, d.m, d.n, d.k, alpha, A, lda, B, ldb, beta, want, d.n);
    bp_gemm_to_panels(pool, isa, ta, tb, d.m, d.n, d.k, alpha, A, lda, B, ldb, beta, Cp);
    bp_panels_unpack(isa, d.m, d.n, Cp, BP_NO_TRANS, got, d.n);
    size_t differences = memcmp(want, got, d.m * d.n * sizeof *got) != 0;
    size_t w = bp_gemm_panel_width(isa), padded = (d.n + w - 1) / w * w;
    for (size_t r = 0; r < d.m; r++)
        for (size_t c = d.n; c < padded; c++) differences += panel_element(Cp, w, d.m, r, c) != 0;
    free(A);
    free(B);
    free(want);
    free(got);
    free(Cp);
    return differences;
}

static void test_products_with_panels_match_row_major(void)
{
    /* with a CBLAS backend the row-major products round as the library does */
    if (!bp_gemm_is_builtin()) SKIP("row-major products run in the CBLAS library");
    static const bp_real alphas[] = {1, (bp_real)-0.5, 2};
    static const bp_real betas[] = {0, 1, (bp_real)0.75};
    uint64_t state = 4242;
    bp_pool *pool = NULL;
    CHECK_EQ_INT(bp_pool_create(&pool, 2, NULL), BP_OK);
    bp_isa isas[3];
    size_t n_isas = supported_isas(isas);
    size_t b_failures = 0, c_failures = 0;
    for (size_t s = 0; s < n_isas; s++)
        for (size_t i = 0; i < sizeof SHAPES / sizeof *SHAPES; i++)
            for (int t = 0; t < 4; t++) {
                bp_trans ta = t & 1 ? BP_TRANS : BP_NO_TRANS, tb = t & 2 ? BP_TRANS : BP_NO_TRANS;
                bp_pool *use = (i + (size_t)t) % 2 ? pool : NULL;
                bp_real alpha = alphas[(i + (size_t)t) % 3], beta = betas[(i + 2 * (size_t)t) % 3];
                if (!(t & 2))
                    b_failures += panel_b_differences(use, isas[s], SHAPES[i], ta, alpha, beta, &state);
                c_failures +=
                    panel_c_differences(use, isas[s], SHAPES[i], ta, tb, alpha, beta, &state);
            }
    CHECK_EQ_INT(b_failures, 0);
    CHECK_EQ_INT(c_failures, 0);
    bp_pool_free(pool);
}

/* alpha == 0 or k == 0 into panels: C = beta * C, the padding untouched. */
static void test_degenerate_products_into_panels(void)
{
    bp_isa isa = bp_cpu_isa();
    size_t w = bp_gemm_panel_width(isa);
    bp_real C[3 * 5] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, out[3 * 5];
    bp_real *P = panels_for(isa, 3, 5);
    bp_panels_pack(isa, BP_NO_TRANS, 3, 5, C, 5, P);
    bp_gemm_to_panels(NULL, isa, BP_NO_TRANS, BP_NO_TRANS, 3, 5, 0, 1, NULL, 1, NULL, 5, 2, P);
    bp_gemm_to_panels(NULL, isa, BP_NO_TRANS, BP_NO_TRANS, 3, 5, 4, 0, NULL, 4, NULL, 5, -1, P);
    bp_panels_unpack(isa, 3, 5, P, BP_NO_TRANS, out, 5);
    for (size_t i = 0; i < 15; i++) CHECK(out[i] == -2 * C[i]);
    for (size_t r = 0; r < 3; r++)
        for (size_t c = 5; c < (5 + w - 1) / w * w; c++) CHECK(panel_element(P, w, 3, r, c) == 0);
    bp_gemm_to_panels(NULL, isa, BP_NO_TRANS, BP_NO_TRANS, 3, 5, 0, 1, NULL, 1, NULL, 5, 0, P);
    bp_panels_unpack(isa, 3, 5, P, BP_NO_TRANS, out, 5);
    for (size_t i = 0; i < 15; i++) CHECK(out[i] == 0);
    free(P);
}

int main(void)
{
    RUN(test_sizes_and_widths);
    RUN(test_pack_and_unpack);
    RUN(test_products_with_panels_match_row_major);
    RUN(test_degenerate_products_into_panels);
    return harness_finish();
}
