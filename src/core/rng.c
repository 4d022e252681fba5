/* Mersenne Twister MT19937, seeded and drawn exactly as CPython's `random`
 * module does, so that the tutorial's initial weights and fold splits can be
 * reproduced bit for bit. */
#include "core/rng.h"

#include "util/error.h"
#include "util/limits.h"

#include <string.h>

enum { MT_N = 624, MT_M = 397 };
#define MT_MATRIX_A 0x9908b0dfu
#define MT_UPPER 0x80000000u
#define MT_LOWER 0x7fffffffu

static void init_genrand(bp_rng *rng, uint32_t s)
{
    uint32_t *mt = rng->state;
    mt[0] = s;
    for (int i = 1; i < MT_N; i++)
        mt[i] = 1812433253u * (mt[i - 1] ^ (mt[i - 1] >> 30)) + (uint32_t)i;
    rng->index = MT_N;
}

/* The reference init_by_array; CPython seeds every integer through it. */
static void init_by_array(bp_rng *rng, const uint32_t *key, size_t key_length)
{
    uint32_t *mt = rng->state;
    init_genrand(rng, 19650218u);
    size_t i = 1, j = 0;
    size_t k = MT_N > key_length ? MT_N : key_length;
    for (; k; k--) {
        mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1664525u)) + key[j] + (uint32_t)j;
        i++;
        j++;
        if (i >= MT_N) { mt[0] = mt[MT_N - 1]; i = 1; }
        if (j >= key_length) j = 0;
    }
    for (k = MT_N - 1; k; k--) {
        mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1566083941u)) - (uint32_t)i;
        i++;
        if (i >= MT_N) { mt[0] = mt[MT_N - 1]; i = 1; }
    }
    mt[0] = 0x80000000u; /* non-zero initial state is assured */
}

static void regenerate(bp_rng *rng)
{
    uint32_t *mt = rng->state;
    int kk;
    for (kk = 0; kk < MT_N - MT_M; kk++) {
        uint32_t y = (mt[kk] & MT_UPPER) | (mt[kk + 1] & MT_LOWER);
        mt[kk] = mt[kk + MT_M] ^ (y >> 1) ^ ((y & 1u) ? MT_MATRIX_A : 0u);
    }
    for (; kk < MT_N - 1; kk++) {
        uint32_t y = (mt[kk] & MT_UPPER) | (mt[kk + 1] & MT_LOWER);
        mt[kk] = mt[kk + (MT_M - MT_N)] ^ (y >> 1) ^ ((y & 1u) ? MT_MATRIX_A : 0u);
    }
    uint32_t y = (mt[MT_N - 1] & MT_UPPER) | (mt[0] & MT_LOWER);
    mt[MT_N - 1] = mt[MT_M - 1] ^ (y >> 1) ^ ((y & 1u) ? MT_MATRIX_A : 0u);
    rng->index = 0;
}

uint32_t bp_rng_next32(bp_rng *rng)
{
    if (rng->index >= MT_N || rng->index < 0) regenerate(rng);
    uint32_t y = rng->state[rng->index++];
    y ^= (y >> 11);
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= (y >> 18);
    return y;
}

void bp_rng_seed_words(bp_rng *rng, const uint32_t *words, size_t n_words)
{
    /* Python drops leading zero words but always keeps at least one. */
    while (n_words > 1 && words[n_words - 1] == 0) n_words--;
    if (n_words == 0) {
        const uint32_t zero = 0;
        init_by_array(rng, &zero, 1);
        return;
    }
    init_by_array(rng, words, n_words);
}

void bp_rng_seed(bp_rng *rng, uint64_t seed)
{
    uint32_t words[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)};
    bp_rng_seed_words(rng, words, 2);
}

bp_status bp_rng_seed_decimal(bp_rng *rng, const char *text, bp_error *err)
{
    /* A decimal digit adds log2(10) < 10/3 bits: n digits fit in
     * n*10/96 words (426 for 4096), and two spare. */
    uint32_t words[BP_MAX_SEED_DIGITS * 10 / 96 + 2];
    size_t n_words = 0;
    size_t n_digits = text ? strlen(text) : 0;
    if (n_digits == 0 || n_digits > BP_MAX_SEED_DIGITS)
        return bp_error_set(err, BP_ERR_ARG,
                            "seed must be a non-negative integer of 1 to %zu digits",
                            BP_MAX_SEED_DIGITS);
    for (size_t d = 0; d < n_digits; d++) {
        if (text[d] < '0' || text[d] > '9')
            return bp_error_set(err, BP_ERR_ARG,
                                "seed must be a non-negative integer, not '%s'", text);
        uint64_t carry = (uint64_t)(text[d] - '0');
        for (size_t w = 0; w < n_words; w++) {
            uint64_t v = (uint64_t)words[w] * 10u + carry;
            words[w] = (uint32_t)v;
            carry = v >> 32;
        }
        if (carry) words[n_words++] = (uint32_t)carry;
    }
    bp_rng_seed_words(rng, words, n_words);
    return BP_OK;
}

double bp_rng_random(bp_rng *rng)
{
    uint32_t a = bp_rng_next32(rng) >> 5, b = bp_rng_next32(rng) >> 6;
    return ((double)a * 67108864.0 + (double)b) * (1.0 / 9007199254740992.0);
}

/* Python's getrandbits(k) for 1 <= k <= 64: low 32-bit word drawn first. */
static uint64_t getrandbits(bp_rng *rng, int k)
{
    if (k <= 32) return (uint64_t)(bp_rng_next32(rng) >> (32 - k));
    uint64_t low = bp_rng_next32(rng);
    uint64_t high = bp_rng_next32(rng) >> (64 - k);
    return low | (high << 32);
}

static int bit_length(uint64_t n)
{
    int k = 0;
    while (n) { k++; n >>= 1; }
    return k;
}

uint64_t bp_rng_randrange(bp_rng *rng, uint64_t n)
{
    if (n == 0) return 0; /* undefined in Python; keep the caller safe */
    int k = bit_length(n);
    uint64_t r = getrandbits(rng, k);
    while (r >= n) r = getrandbits(rng, k);
    return r;
}

void bp_rng_shuffle(bp_rng *rng, size_t *v, size_t n)
{
    for (size_t i = n; i-- > 1;) {
        size_t j = (size_t)bp_rng_randrange(rng, (uint64_t)i + 1);
        size_t t = v[i];
        v[i] = v[j];
        v[j] = t;
    }
}
