/* backprop — feed-forward neural networks trained with backpropagation.
 *
 * The whole public API. Handles are opaque; options are plain structs with
 * a *_defaults() initialiser. Every function that can fail returns a
 * bp_status and, when given a bp_error, fills it with a message that names
 * the file, line and column for data errors. The library never prints,
 * exits or aborts, and keeps no global mutable state.
 */
#ifndef BACKPROP_H
#define BACKPROP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BP_VERSION "0.1.0"

/* The scalar type: double by default, float when built with REAL=float
 * (which defines BP_REAL_FLOAT for the library and for its users). */
#ifdef BP_REAL_FLOAT
typedef float bp_real;
#else
typedef double bp_real;
#endif

/* ---------------------------------------------------------------- errors */

typedef enum bp_status {
    BP_OK = 0,
    BP_ERR_ARG,        /* a bad argument or option value */
    BP_ERR_DATA,       /* malformed input data or model file */
    BP_ERR_IO,         /* a file could not be read or written */
    BP_ERR_NOMEM,      /* an allocation failed or a size overflowed */
    BP_ERR_NUMERIC,    /* training produced a non-finite value */
    BP_ERR_INTERRUPTED /* stopped on request */
} bp_status;

/* A human-readable error: "file:line:column: what went wrong" for data. */
typedef struct bp_error {
    bp_status status;
    char message[1024];
} bp_error;

/* Short English name of a status code. */
const char *bp_status_name(bp_status status);

/* ------------------------------------------------------------------- rng */

/* Mersenne Twister MT19937, seeded and drawn exactly as Python's `random`. */
typedef struct bp_rng {
    uint32_t state[624];
    int index;
} bp_rng;

/* Seed as Python's random.seed(n) does for a non-negative integer n. */
void bp_rng_seed(bp_rng *rng, uint64_t seed);
/* Seed from the little-endian 32-bit words of an arbitrarily large integer. */
void bp_rng_seed_words(bp_rng *rng, const uint32_t *words, size_t n_words);
/* Seed from a decimal string of any length (Python's seed(int(text))). */
bp_status bp_rng_seed_decimal(bp_rng *rng, const char *text, bp_error *err);
/* Next 32 random bits (genrand_uint32). */
uint32_t bp_rng_next32(bp_rng *rng);
/* A double in [0, 1) with 53 random bits, as random.random(). */
double bp_rng_random(bp_rng *rng);
/* A uniform integer in [0, n) as random.randrange(n); n must be > 0. */
uint64_t bp_rng_randrange(bp_rng *rng, uint64_t n);

#ifdef __cplusplus
}
#endif

#endif
