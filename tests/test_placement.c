/* Helper threads start on another core than their creator's, then may run
 * anywhere the creator may (placement.c); with one core they start as
 * usual. */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE // NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp)
#endif
#include "harness.h"

#include "fast/placement.h"

#include <pthread.h>
#include <sched.h>

typedef struct seen {
    const bp_placement *placement;
    int first_cpu;       /* where the thread ran before letting go */
    int released_same;   /* its CPU set afterwards equals the creator's */
} seen;

#if defined(__linux__) && defined(CPU_SET)
static void *note_where(void *arg)
{
    seen *s = arg;
    s->first_cpu = sched_getcpu();
    bp_placement_release(s->placement);
    cpu_set_t now;
    s->released_same = sched_getaffinity(0, sizeof now, &now) == 0 &&
                       memcmp(&now, s->placement->allowed, sizeof now) == 0;
    return NULL;
}

static int allowed_cores(cpu_set_t *set)
{
    return sched_getaffinity(0, sizeof *set, set) == 0 ? CPU_COUNT(set) : 0;
}

static void test_a_helper_starts_on_another_core(void)
{
    cpu_set_t set;
    if (allowed_cores(&set) < 2) SKIP("one core");
    bp_placement p;
    bp_placement_init(&p);
    CHECK_EQ_INT(p.usable, 1);
    for (size_t helper = 0; helper < 3; helper++) {
        seen s = {&p, -1, 0};
        pthread_t t;
        CHECK_EQ_INT(bp_placement_start(&p, helper, &t, note_where, &s), 0);
        pthread_join(t, NULL);
        CHECK(s.first_cpu >= 0);
        CHECK(s.first_cpu != p.caller_cpu);
        CHECK(CPU_ISSET(s.first_cpu, &set));
        CHECK_EQ_INT(s.released_same, 1);
    }
}

static void test_one_core_starts_threads_as_usual(void)
{
    cpu_set_t all;
    if (allowed_cores(&all) < 1) SKIP("no CPU set");
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(sched_getcpu(), &one);
    if (sched_setaffinity(0, sizeof one, &one) != 0) SKIP("cannot narrow the CPU set");
    bp_placement p;
    bp_placement_init(&p);
    CHECK_EQ_INT(p.usable, 0);
    seen s = {&p, -1, 0};
    pthread_t t;
    CHECK_EQ_INT(bp_placement_start(&p, 0, &t, note_where, &s), 0);
    pthread_join(t, NULL);
    CHECK(s.first_cpu >= 0);
    CHECK(sched_setaffinity(0, sizeof all, &all) == 0);
}
#endif

int main(void)
{
#if defined(__linux__) && defined(CPU_SET)
    RUN(test_a_helper_starts_on_another_core);
    RUN(test_one_core_starts_threads_as_usual);
#endif
    return harness_finish();
}
