/* Eight bp_reals as one value, for element-wise loops (internal).
 *
 * GCC and clang vector types: the compiler turns each operation into as
 * many SIMD instructions as the target needs (SSE2 on any x86-64), whatever
 * its cost model would decide for the plain loop. Every element gets
 * exactly the arithmetic of the scalar expression, so results do not change.
 * Vectors are read and written with memcpy (no alignment needed) and passed
 * by pointer (no ABI questions). */
#ifndef BP_VEC_H
#define BP_VEC_H

#include "backprop.h"

#include <stdint.h>
#include <string.h>

#define BP_VEC 8
typedef bp_real bp_vec __attribute__((vector_size(BP_VEC * sizeof(bp_real))));
#ifdef BP_REAL_FLOAT
typedef int32_t bp_vec_bits __attribute__((vector_size(BP_VEC * sizeof(int32_t))));
#else
typedef int64_t bp_vec_bits __attribute__((vector_size(BP_VEC * sizeof(int64_t))));
#endif

static inline void bp_vec_load(bp_vec *v, const bp_real *p) { memcpy(v, p, sizeof *v); }
static inline void bp_vec_store(bp_real *p, const bp_vec *v) { memcpy(p, v, sizeof *v); }

#endif
