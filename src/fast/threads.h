/* A fixed pool of worker threads that runs numbered tasks (internal).
 *
 * A pool is created once (per training run, say) and reused for every
 * parallel loop: bp_pool_run hands out task numbers 0..n-1 to the pool's
 * threads and to the calling thread, and returns when all are done. Idle
 * helpers spin briefly before sleeping, so back-to-back runs (the layers of
 * one training step) start without a wake-up delay.
 *
 * Each worker also owns a private scratch area of BP_POOL_SCRATCH_BYTES
 * (64-byte aligned), allocated once with the pool, so kernels that need
 * packing buffers never allocate per call. Worker 0 is the calling thread.
 *
 * One pool serves one caller at a time: bp_pool_run must not be called
 * concurrently on the same pool, nor from inside one of its tasks.
 */
#ifndef BP_THREADS_H
#define BP_THREADS_H

#include "backprop.h"
#include "util/limits.h"

typedef struct bp_pool bp_pool;

/* Bytes of private scratch memory per worker (see bp_pool_scratch). */
#define BP_POOL_SCRATCH_BYTES ((size_t)2 << 20)

/* A pool of n_threads workers counting the caller (n_threads - 1 helper
 * threads are started); n_threads == 0 means all online cores. */
bp_status bp_pool_create(bp_pool **out, size_t n_threads, bp_error *err);

/* Number of workers, the calling thread included (1 for a NULL pool). */
size_t bp_pool_size(const bp_pool *pool);

/* Runs task(ctx, i) for i in [0, n_tasks) on the pool's threads (the caller
 * also works); returns when all are done. pool may be NULL: runs serially. */
void bp_pool_run(bp_pool *pool, void (*task)(void *ctx, size_t i), void *ctx,
                 size_t n_tasks);

/* As bp_pool_run, and also tells each task which worker runs it
 * (0 <= worker < bp_pool_size(pool); 0 is the caller), so tasks can use
 * that worker's scratch area. */
void bp_pool_run_indexed(bp_pool *pool,
                         void (*task)(void *ctx, size_t i, size_t worker),
                         void *ctx, size_t n_tasks);

/* The private scratch area of one worker (BP_POOL_SCRATCH_BYTES, 64-byte
 * aligned); NULL for a NULL pool or an out-of-range worker. */
void *bp_pool_scratch(bp_pool *pool, size_t worker);

/* Stops the helper threads and frees the pool; NULL is a no-op. */
void bp_pool_free(bp_pool *pool);

#endif
