/* tanh computed the same way in every path (internal).
 *
 * libm's tanh is one value at a time and, for small networks, most of a
 * tanh network's training time. This one is a fixed sequence of +, -, *,
 * / and bit operations, so the one-value form (bp_tanh), the vector form
 * (bp_tanh_vec, for the batched loops of activation.c) and the C that
 * export-c writes (activation.c's c_body) give the same bits for the same
 * input. It is within 3 ulp of glibc's tanh (tests/test_numerics.c).
 *
 *   tanh(x) = sign(x) * z,  z = -t / (t + 2),  t = expm1(-2|x|)
 *
 * as libm computes it for moderate |x|; |x| past ONE_ABOVE gives +-1.
 * expm1(y), y <= 0: y = k ln2 + r with k = nearbyint(y / ln2) and
 * |r| <= ln2 / 2 (ln2 in two parts, the high one short enough that
 * k * LN2_HI is exact); expm1(r) by its Taylor series to the degree the
 * type needs; then expm1(y) = 2^k expm1(r) + (2^k - 1), both terms exact
 * but for the final rounding. */
#ifndef BP_CORE_TANH_H
#define BP_CORE_TANH_H

#include "util/vec.h"

#include <stdint.h>
#include <string.h>

#ifdef BP_REAL_FLOAT
typedef uint32_t bp_tanh_word;
#define BP_TANH_ONE_ABOVE 9.0f /* tanhf rounds to 1 from about here */
#define BP_TANH_INV_LN2 1.442695f
#define BP_TANH_LN2_HI 0.693145751953125f /* 0x1.62e4p-1 */
#define BP_TANH_LN2_LO 1.4286068e-06f
#define BP_TANH_ROUNDER 12582912.0f /* 0x1.8p23: adding it rounds to an integer */
#define BP_TANH_MANTISSA 23
#define BP_TANH_ONE_BITS 0x3f800000u
#define BP_TANH_SIGN_BITS 0x80000000u
/* expm1(r) = r + r*r*(1/2 + r*(1/6 + ...)), to r^8 */
#define BP_TANH_EXPM1(r)                                                                      \
    ((r) + (r) * (r) * (0.5f + (r) * (0.16666667f + (r) * (0.041666668f + (r) * (0.008333334f + \
        (r) * (0.0013888889f + (r) * (0.0001984127f + (r) * 2.4801588e-05f)))))))
#else
typedef uint64_t bp_tanh_word;
#define BP_TANH_ONE_ABOVE 22.0 /* tanh rounds to 1 from about 19.1 */
#define BP_TANH_INV_LN2 1.4426950408889634
#define BP_TANH_LN2_HI 0.6931471803691238 /* 0x1.62e42feep-1 */
#define BP_TANH_LN2_LO 1.9082149292705877e-10
#define BP_TANH_ROUNDER 6755399441055744.0 /* 0x1.8p52 */
#define BP_TANH_MANTISSA 52
#define BP_TANH_ONE_BITS 0x3ff0000000000000u
#define BP_TANH_SIGN_BITS 0x8000000000000000u
/* expm1(r) to r^13: the first term left out is below 2^-56 of the sum */
#define BP_TANH_EXPM1(r)                                                                    \
    ((r) + (r) * (r) * (0.5 + (r) * (0.16666666666666666 + (r) * (0.041666666666666664 +      \
        (r) * (0.008333333333333333 + (r) * (0.001388888888888889 + (r) * (0.0001984126984126984 + \
        (r) * (2.48015873015873e-05 + (r) * (2.7557319223985893e-06 + (r) * (2.755731922398589e-07 + \
        (r) * (2.505210838544172e-08 + (r) * (2.08767569878681e-09 + (r) * 1.6059043836821613e-10))))))))))))
#endif

typedef bp_tanh_word bp_tanh_words __attribute__((vector_size(BP_VEC * sizeof(bp_tanh_word))));

/* tanh of each element of *v, in place. */
static inline __attribute__((always_inline)) void bp_tanh_vec(bp_vec *v)
{
    const bp_tanh_words sign = (bp_tanh_words){0} + BP_TANH_SIGN_BITS;
    const bp_vec one = (bp_vec){0} + 1;
    bp_tanh_words x_bits = (bp_tanh_words)*v;
    bp_vec ax = (bp_vec)(x_bits & ~sign);
    bp_vec y = ax * -2;
    bp_vec rounded = y * BP_TANH_INV_LN2 + BP_TANH_ROUNDER; /* k in its low bits */
    bp_vec k = rounded - BP_TANH_ROUNDER;
    bp_vec r = (y - k * BP_TANH_LN2_HI) - k * BP_TANH_LN2_LO;
    bp_vec p = BP_TANH_EXPM1(r);
    bp_vec scale = (bp_vec)(((bp_tanh_words)rounded << BP_TANH_MANTISSA) + BP_TANH_ONE_BITS);
    bp_vec t = scale * p + (scale - 1);
    bp_vec z = -t / (t + 2);
    bp_tanh_words saturated = (bp_tanh_words)(ax > BP_TANH_ONE_ABOVE);
    bp_tanh_words z_bits = ((bp_tanh_words)z & ~saturated) | ((bp_tanh_words)one & saturated);
    *v = (bp_vec)((z_bits & ~sign) | (x_bits & sign));
}

/* tanh of one value: the same operations on one element. */
static inline bp_real bp_tanh(bp_real x)
{
    bp_tanh_word x_bits, z_bits, scale_bits, rounded_bits;
    memcpy(&x_bits, &x, sizeof x);
    bp_tanh_word ax_bits = x_bits & ~(bp_tanh_word)BP_TANH_SIGN_BITS;
    bp_real ax;
    memcpy(&ax, &ax_bits, sizeof ax);
    bp_real y = ax * -2;
    bp_real rounded = y * BP_TANH_INV_LN2 + BP_TANH_ROUNDER;
    bp_real k = rounded - BP_TANH_ROUNDER;
    bp_real r = (y - k * BP_TANH_LN2_HI) - k * BP_TANH_LN2_LO;
    bp_real p = BP_TANH_EXPM1(r);
    memcpy(&rounded_bits, &rounded, sizeof rounded);
    scale_bits = (bp_tanh_word)(rounded_bits << BP_TANH_MANTISSA) + BP_TANH_ONE_BITS;
    bp_real scale;
    memcpy(&scale, &scale_bits, sizeof scale);
    bp_real t = scale * p + (scale - 1);
    bp_real z = ax > BP_TANH_ONE_ABOVE ? (bp_real)1 : -t / (t + 2);
    memcpy(&z_bits, &z, sizeof z);
    z_bits = (z_bits & ~(bp_tanh_word)BP_TANH_SIGN_BITS) | (x_bits & BP_TANH_SIGN_BITS);
    memcpy(&z, &z_bits, sizeof z);
    return z;
}

#endif
