/* Starting helper threads on another core (see placement.h). */
#if defined(__linux__) && !defined(_GNU_SOURCE)
/* CPU sets and thread affinity are GNU extensions. */
#define _GNU_SOURCE // NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp)
#endif
#include "fast/placement.h"

#include <sched.h>
#include <string.h>

#if defined(__linux__) && defined(CPU_SET)
#define BP_HAVE_PLACEMENT 1
_Static_assert(sizeof(cpu_set_t) <= sizeof(((bp_placement *)0)->allowed),
               "bp_placement.allowed must hold a cpu_set_t");
#endif

void bp_placement_init(bp_placement *p)
{
    memset(p, 0, sizeof *p);
#if defined(BP_HAVE_PLACEMENT)
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0) return;
    int cpu = sched_getcpu();
    if (cpu < 0 || cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, &set) || CPU_COUNT(&set) < 2) return;
    memcpy(p->allowed, &set, sizeof set);
    p->caller_cpu = cpu;
    p->usable = 1;
#endif
}

#if defined(BP_HAVE_PLACEMENT)
/* The n-th core of the set other than the caller's (n counted modulo
 * their number), starting after the caller's, so helpers spread out. */
static int other_cpu(const cpu_set_t *set, int caller, size_t n)
{
    size_t others = (size_t)CPU_COUNT(set) - 1;
    size_t skip = n % others;
    for (int step = 1; step < CPU_SETSIZE; step++) {
        int cpu = (caller + step) % CPU_SETSIZE;
        if (!CPU_ISSET(cpu, set)) continue;
        if (skip == 0) return cpu;
        skip--;
    }
    return caller; /* not reached: the set holds at least one other core */
}

static int start_on(int cpu, pthread_t *thread, void *(*fn)(void *), void *arg)
{
    pthread_attr_t attr;
    if (pthread_attr_init(&attr) != 0) return -1;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    int rc = pthread_attr_setaffinity_np(&attr, sizeof one, &one);
    if (rc == 0) rc = pthread_create(thread, &attr, fn, arg);
    pthread_attr_destroy(&attr);
    return rc;
}
#endif

int bp_placement_start(const bp_placement *p, size_t helper, pthread_t *thread,
                       void *(*fn)(void *), void *arg)
{
#if defined(BP_HAVE_PLACEMENT)
    if (p->usable) {
        cpu_set_t set;
        memcpy(&set, p->allowed, sizeof set);
        if (start_on(other_cpu(&set, p->caller_cpu, helper), thread, fn, arg) == 0) return 0;
        /* No placement then (a core taken offline meanwhile, say). */
    }
#else
    (void)p;
    (void)helper;
#endif
    return pthread_create(thread, NULL, fn, arg);
}

void bp_placement_release(const bp_placement *p)
{
#if defined(BP_HAVE_PLACEMENT)
    if (!p->usable) return;
    cpu_set_t set;
    memcpy(&set, p->allowed, sizeof set);
    /* Failing leaves the thread on its first core: slower, still right. */
    (void)pthread_setaffinity_np(pthread_self(), sizeof set, &set);
#else
    (void)p;
#endif
}
