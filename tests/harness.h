/* Minimal test harness: every test binary ends with "N passed, N failed".
 *
 * Usage:
 *   static void test_something(void) { CHECK(1 + 1 == 2); CHECK_EQ_INT(a, b); }
 *   int main(void) { RUN(test_something); return harness_finish(); }
 *
 * A test counts as failed when any CHECK in it fails; the failing expression
 * is printed with file and line. SKIP("reason") ends a test as skipped. A
 * test that ran no CHECK at all (and did not fail) counts as skipped too,
 * not as passed: "SKIP name: no check ran". A program whose tests all ran
 * no check ends "0 passed, 0 failed, N skipped".
 */
#ifndef BP_TEST_HARNESS_H
#define BP_TEST_HARNESS_H

#include <stdio.h>
#include <string.h>
#include <math.h>
#include <stdlib.h>

typedef struct harness_state {
    int passed, failed, skipped;
    int current_failed, current_skipped;
    long current_checks; /* the CHECKs run so far in the current test */
    const char *current;
} harness_state;

static harness_state harness_;

#define CHECK(cond)                                                          \
    do {                                                                     \
        harness_.current_checks++;                                           \
        if (!(cond)) {                                                       \
            fprintf(stderr, "  FAIL %s:%d in %s: %s\n", __FILE__, __LINE__,  \
                    harness_.current, #cond);                                \
            harness_.current_failed = 1;                                     \
        }                                                                    \
    } while (0)

#define CHECK_EQ_INT(a, b)                                                   \
    do {                                                                     \
        harness_.current_checks++;                                           \
        long long a_ = (long long)(a), b_ = (long long)(b);                  \
        if (a_ != b_) {                                                      \
            fprintf(stderr, "  FAIL %s:%d in %s: %s == %s (%lld vs %lld)\n", \
                    __FILE__, __LINE__, harness_.current, #a, #b, a_, b_);   \
            harness_.current_failed = 1;                                     \
        }                                                                    \
    } while (0)

/* Bit-for-bit equality of doubles (the reference figures are exact). */
#define CHECK_EQ_DBL(a, b)                                                   \
    do {                                                                     \
        harness_.current_checks++;                                           \
        double a_ = (double)(a), b_ = (double)(b);                           \
        if (!(a_ == b_)) {                                                   \
            fprintf(stderr, "  FAIL %s:%d in %s: %s == %s (%.17g vs %.17g)\n",\
                    __FILE__, __LINE__, harness_.current, #a, #b, a_, b_);   \
            harness_.current_failed = 1;                                     \
        }                                                                    \
    } while (0)

#define CHECK_NEAR(a, b, tol)                                                \
    do {                                                                     \
        harness_.current_checks++;                                           \
        double a_ = (double)(a), b_ = (double)(b);                           \
        if (!(fabs(a_ - b_) <= (tol))) {                                     \
            fprintf(stderr, "  FAIL %s:%d in %s: |%s - %s| <= %g (%.17g vs %.17g)\n",\
                    __FILE__, __LINE__, harness_.current, #a, #b,           \
                    (double)(tol), a_, b_);                                  \
            harness_.current_failed = 1;                                     \
        }                                                                    \
    } while (0)

#define CHECK_STR(a, b)                                                      \
    do {                                                                     \
        harness_.current_checks++;                                           \
        const char *a_ = (a), *b_ = (b);                                     \
        if (!a_ || !b_ || strcmp(a_, b_) != 0) {                             \
            fprintf(stderr, "  FAIL %s:%d in %s: %s == %s (\"%s\" vs \"%s\")\n",\
                    __FILE__, __LINE__, harness_.current, #a, #b,           \
                    a_ ? a_ : "(null)", b_ ? b_ : "(null)");                 \
            harness_.current_failed = 1;                                     \
        }                                                                    \
    } while (0)

#define SKIP(reason)                                                         \
    do {                                                                     \
        fprintf(stderr, "  SKIP %s: %s\n", harness_.current, reason);        \
        harness_.current_skipped = 1;                                        \
        return;                                                              \
    } while (0)

#define RUN(fn)                                                              \
    do {                                                                     \
        harness_.current = #fn;                                              \
        harness_.current_failed = 0;                                         \
        harness_.current_skipped = 0;                                        \
        harness_.current_checks = 0;                                         \
        fn();                                                                \
        if (harness_.current_failed) {                                       \
            harness_.failed++;                                               \
            fprintf(stderr, "not ok %s\n", #fn);                             \
        } else if (harness_.current_skipped) {                               \
            harness_.skipped++;                                              \
        } else if (harness_.current_checks == 0) {                           \
            fprintf(stderr, "  SKIP %s: no check ran\n", #fn);               \
            harness_.skipped++;                                              \
        } else {                                                             \
            harness_.passed++;                                               \
        }                                                                    \
    } while (0)

static inline int harness_finish(void)
{
    if (harness_.skipped)
        printf("%d passed, %d failed, %d skipped\n", harness_.passed,
               harness_.failed, harness_.skipped);
    else
        printf("%d passed, %d failed\n", harness_.passed, harness_.failed);
    return harness_.failed ? 1 : 0;
}

/* Directory of the shared data sets, or NULL when they are not present. */
static inline const char *harness_shared_data(void)
{
    static const char *const candidates[] = {"../shared/data", "../../shared/data"};
    const char *env = getenv("BACKPROP_SHARED_DATA");
    if (env && *env) return env;
    for (size_t i = 0; i < sizeof candidates / sizeof *candidates; i++) {
        char probe[512];
        snprintf(probe, sizeof probe, "%s/README.md", candidates[i]);
        FILE *f = fopen(probe, "r");
        if (f) { fclose(f); return candidates[i]; }
    }
    return NULL;
}

#endif
