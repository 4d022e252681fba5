#include "backprop.h"
#include "core/rng.h"
#include "harness.h"

static void test_reference_random_seed1(void)
{
    bp_rng rng;
    bp_rng_seed(&rng, 1);
    CHECK_EQ_DBL(bp_rng_random(&rng), 0.13436424411240122);
    CHECK_EQ_DBL(bp_rng_random(&rng), 0.8474337369372327);
    CHECK_EQ_DBL(bp_rng_random(&rng), 0.763774618976614);
}

static void test_reference_randrange_seed1(void)
{
    bp_rng rng;
    bp_rng_seed(&rng, 1);
    const uint64_t expected[] = {34, 145, 205, 195, 16};
    for (int i = 0; i < 5; i++) CHECK_EQ_INT(bp_rng_randrange(&rng, 210), expected[i]);
}

static void test_reference_random_seed42(void)
{
    bp_rng rng;
    bp_rng_seed(&rng, 42);
    CHECK_EQ_DBL(bp_rng_random(&rng), 0.6394267984578837);
}

/* Expected values below were produced by CPython 3.11's random module. */
static void test_seed_zero_and_large(void)
{
    bp_rng rng;
    bp_rng_seed(&rng, 0);
    CHECK_EQ_DBL(bp_rng_random(&rng), 0.8444218515250481);
    CHECK_EQ_DBL(bp_rng_random(&rng), 0.7579544029403025);
    CHECK_EQ_DBL(bp_rng_random(&rng), 0.420571580830845);
    bp_rng_seed(&rng, (uint64_t)1 << 32);
    CHECK_EQ_DBL(bp_rng_random(&rng), 0.11299430095636409);
    CHECK_EQ_DBL(bp_rng_random(&rng), 0.41782886486292836);
    CHECK_EQ_DBL(bp_rng_random(&rng), 0.0166763664992291);
}

static void test_seed_decimal_beyond_64_bits(void)
{
    bp_rng rng;
    bp_error err;
    CHECK(bp_rng_seed_decimal(&rng, "18446744073709551621", &err) == BP_OK); /* 2^64+5 */
    CHECK_EQ_DBL(bp_rng_random(&rng), 0.5105783769365112);
    CHECK_EQ_DBL(bp_rng_random(&rng), 0.8797586528012199);
    CHECK_EQ_DBL(bp_rng_random(&rng), 0.5149365298491138);
    CHECK(bp_rng_seed_decimal(&rng, "12345678901234567890123456789", &err) == BP_OK);
    CHECK_EQ_DBL(bp_rng_random(&rng), 0.5990933556797026);
    CHECK_EQ_DBL(bp_rng_random(&rng), 0.6954321581211227);
    CHECK_EQ_DBL(bp_rng_random(&rng), 0.9903921036438804);
    CHECK(bp_rng_seed_decimal(&rng, "0", &err) == BP_OK);
    CHECK_EQ_DBL(bp_rng_random(&rng), 0.8444218515250481);
    CHECK(bp_rng_seed_decimal(&rng, "00001", &err) == BP_OK);
    CHECK_EQ_DBL(bp_rng_random(&rng), 0.13436424411240122);
}

static void test_seed_decimal_rejects_junk(void)
{
    bp_rng rng;
    bp_error err;
    CHECK(bp_rng_seed_decimal(&rng, "", &err) == BP_ERR_ARG);
    CHECK(bp_rng_seed_decimal(&rng, "-1", &err) == BP_ERR_ARG);
    CHECK(bp_rng_seed_decimal(&rng, "12x", &err) == BP_ERR_ARG);
    CHECK(bp_rng_seed_decimal(&rng, NULL, &err) == BP_ERR_ARG);
}

static void test_long_sequence(void)
{
    bp_rng rng;
    bp_rng_seed(&rng, 7);
    double sum = 0, x = 0;
    for (int i = 0; i < 1000; i++) { x = bp_rng_random(&rng); sum += x; }
    CHECK_EQ_DBL(x, 0.37786262968738116);
    CHECK_EQ_DBL(sum, 481.7410797949598);
}

static void test_randrange_widths(void)
{
    bp_rng rng;
    bp_rng_seed(&rng, 3);
    const uint64_t n[] = {1, 2, 3, 1000, 2147483648u, 4294967296u, 4294967297u,
                          1099511627793u, 9223372036854775813u};
    const uint64_t expected[] = {0, 0, 1, 937, 2036044446u, 3596902313u, 1006443827u,
                                 873924282544u, 4278205817407065157u};
    for (int i = 0; i < 9; i++) CHECK_EQ_INT(bp_rng_randrange(&rng, n[i]), expected[i]);
}

/* random.seed(1); l = list(range(10)); random.shuffle(l); then one
 * random.seed(7) shuffle of a single item, which draws nothing. */
static void test_shuffle_as_python(void)
{
    bp_rng rng;
    bp_rng_seed(&rng, 1);
    size_t v[10];
    for (size_t i = 0; i < 10; i++) v[i] = i;
    bp_rng_shuffle(&rng, v, 10);
    const size_t expected[10] = {6, 8, 9, 7, 5, 3, 0, 4, 1, 2};
    for (int i = 0; i < 10; i++) CHECK_EQ_INT(v[i], expected[i]);
    bp_rng_seed(&rng, 7);
    size_t one = 0;
    bp_rng_shuffle(&rng, &one, 1);
    CHECK_EQ_INT(one, 0);
    CHECK_EQ_DBL(bp_rng_random(&rng), 0.32383276483316237);
}

int main(void)
{
    RUN(test_reference_random_seed1);
    RUN(test_reference_randrange_seed1);
    RUN(test_reference_random_seed42);
    RUN(test_seed_zero_and_large);
    RUN(test_seed_decimal_beyond_64_bits);
    RUN(test_seed_decimal_rejects_junk);
    RUN(test_long_sequence);
    RUN(test_randrange_widths);
    RUN(test_shuffle_as_python);
    return harness_finish();
}
