/* Where a pool's helper threads first run (internal).
 *
 * Linux starts a new thread on its creator's core and moves it to an idle
 * one only at a later load-balancing tick: measured here, about 3 ms in
 * which the new thread and its busy creator share one core. For work that
 * lasts a few milliseconds in all (the tutorial's cross-validation) that
 * is the difference between running in parallel and not. So each helper
 * is started on another core of the ones the process may use, and lets go
 * of that choice as soon as it runs: a hint for its first placement, not a
 * pin. Elsewhere threads start as usual. */
#ifndef BP_PLACEMENT_H
#define BP_PLACEMENT_H

#include <pthread.h>
#include <stddef.h>

typedef struct bp_placement {
    unsigned char allowed[128]; /* the creator's CPU set (a cpu_set_t) */
    int caller_cpu;             /* the core the creator ran on */
    int usable;                 /* 1 when there is another core to start on */
} bp_placement;

/* Notes the calling thread's CPU set and core. Never fails: without them,
 * threads start where the system puts them. */
void bp_placement_init(bp_placement *p);

/* pthread_create(thread, NULL, fn, arg), with the new thread's first core
 * one other than the creator's (the helper-th such, in turn). Returns
 * pthread_create's result. */
int bp_placement_start(const bp_placement *p, size_t helper, pthread_t *thread,
                       void *(*fn)(void *), void *arg);

/* Called by the new thread first thing: it may run on every core of the
 * creator's set again. */
void bp_placement_release(const bp_placement *p);

#endif
