#include "threads.h"

#include "error.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

/* How many times an idle thread polls before it sleeps on a condition
 * variable. A few hundred microseconds: long enough to bridge the gap
 * between the parallel loops of one training step, short enough not to
 * burn a core when the caller goes on to serial work. */
#define POOL_SPIN_ROUNDS 20000

/* The loop being run. Written by the caller before it publishes a new
 * generation (release) and read by helpers after they see it (acquire). */
typedef struct pool_job {
    void (*plain)(void *ctx, size_t i);
    void (*indexed)(void *ctx, size_t i, size_t worker);
    void *ctx;
    size_t n_tasks;
} pool_job;

typedef struct pool_helper {
    struct bp_pool *pool;
    size_t worker;
    pthread_t thread;
} pool_helper;

struct bp_pool {
    size_t n_threads;          /* workers, the caller included */
    pool_helper *helpers;      /* n_threads - 1 of them */
    size_t n_started;          /* helpers whose thread is running */
    unsigned char *scratch;    /* n_threads * BP_POOL_SCRATCH_BYTES */
    pool_job job;
    atomic_size_t generation;  /* bumped once per job, and to stop */
    atomic_size_t next_task;   /* the next task number to hand out */
    atomic_size_t busy;        /* helpers not yet done with the job */
    atomic_int stopping;
    pthread_mutex_t lock;      /* guards the sleeps and wake-ups below */
    pthread_cond_t wake;       /* helpers wait here for a new generation */
    pthread_cond_t idle;       /* the caller waits here for busy == 0 */
};

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static void run_job_tasks(bp_pool *pool, const pool_job *job, size_t worker)
{
    for (;;) {
        size_t i = atomic_fetch_add_explicit(&pool->next_task, 1,
                                             memory_order_relaxed);
        if (i >= job->n_tasks) return;
        if (job->indexed) job->indexed(job->ctx, i, worker);
        else job->plain(job->ctx, i);
    }
}

/* Returns the first generation different from `seen`: spins, then sleeps. */
static size_t wait_for_generation(bp_pool *pool, size_t seen)
{
    for (int round = 0; round < POOL_SPIN_ROUNDS; round++) {
        size_t now = atomic_load_explicit(&pool->generation, memory_order_acquire);
        if (now != seen) return now;
        cpu_relax();
    }
    pthread_mutex_lock(&pool->lock);
    size_t now;
    while ((now = atomic_load_explicit(&pool->generation,
                                       memory_order_acquire)) == seen)
        pthread_cond_wait(&pool->wake, &pool->lock);
    pthread_mutex_unlock(&pool->lock);
    return now;
}

static void *helper_main(void *arg)
{
    pool_helper *self = arg;
    bp_pool *pool = self->pool;
    size_t seen = 0;
    for (;;) {
        seen = wait_for_generation(pool, seen);
        if (atomic_load_explicit(&pool->stopping, memory_order_acquire)) break;
        pool_job job = pool->job;
        run_job_tasks(pool, &job, self->worker);
        /* The last helper to finish wakes the caller if it went to sleep;
         * taking the lock orders this with the caller's check of `busy`. */
        if (atomic_fetch_sub_explicit(&pool->busy, 1, memory_order_acq_rel) == 1) {
            pthread_mutex_lock(&pool->lock);
            pthread_cond_signal(&pool->idle);
            pthread_mutex_unlock(&pool->lock);
        }
    }
    return NULL;
}

static void wait_until_helpers_idle(bp_pool *pool)
{
    for (int round = 0; round < POOL_SPIN_ROUNDS; round++) {
        if (atomic_load_explicit(&pool->busy, memory_order_acquire) == 0) return;
        cpu_relax();
    }
    pthread_mutex_lock(&pool->lock);
    while (atomic_load_explicit(&pool->busy, memory_order_acquire) != 0)
        pthread_cond_wait(&pool->idle, &pool->lock);
    pthread_mutex_unlock(&pool->lock);
}

/* Publishes a job (or the stop request) to every helper. */
static void publish_generation(bp_pool *pool)
{
    pthread_mutex_lock(&pool->lock);
    atomic_fetch_add_explicit(&pool->generation, 1, memory_order_release);
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->lock);
}

static void run_job(bp_pool *pool, const pool_job *job)
{
    if (job->n_tasks == 0) return;
    if (!pool || pool->n_threads == 1 || job->n_tasks == 1) {
        for (size_t i = 0; i < job->n_tasks; i++) {
            if (job->indexed) job->indexed(job->ctx, i, 0);
            else job->plain(job->ctx, i);
        }
        return;
    }
    pool->job = *job;
    atomic_store_explicit(&pool->next_task, 0, memory_order_relaxed);
    atomic_store_explicit(&pool->busy, pool->n_threads - 1, memory_order_relaxed);
    publish_generation(pool);
    run_job_tasks(pool, job, 0);
    wait_until_helpers_idle(pool);
}

void bp_pool_run(bp_pool *pool, void (*task)(void *ctx, size_t i), void *ctx,
                 size_t n_tasks)
{
    pool_job job = {task, NULL, ctx, n_tasks};
    run_job(pool, &job);
}

void bp_pool_run_indexed(bp_pool *pool,
                         void (*task)(void *ctx, size_t i, size_t worker),
                         void *ctx, size_t n_tasks)
{
    pool_job job = {NULL, task, ctx, n_tasks};
    run_job(pool, &job);
}

size_t bp_pool_size(const bp_pool *pool)
{
    return pool ? pool->n_threads : 1;
}

void *bp_pool_scratch(bp_pool *pool, size_t worker)
{
    if (!pool || worker >= pool->n_threads) return NULL;
    return pool->scratch + worker * BP_POOL_SCRATCH_BYTES;
}

static size_t online_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1) return 1;
    if ((unsigned long)n > BP_POOL_MAX_THREADS) return BP_POOL_MAX_THREADS;
    return (size_t)n;
}

static void stop_helpers(bp_pool *pool)
{
    if (pool->n_started == 0) return;
    atomic_store_explicit(&pool->stopping, 1, memory_order_release);
    publish_generation(pool);
    for (size_t h = 0; h < pool->n_started; h++)
        pthread_join(pool->helpers[h].thread, NULL);
    pool->n_started = 0;
}

static bp_status start_helpers(bp_pool *pool, bp_error *err)
{
    for (size_t h = 0; h + 1 < pool->n_threads; h++) {
        pool_helper *helper = &pool->helpers[h];
        helper->pool = pool;
        helper->worker = h + 1;
        int rc = pthread_create(&helper->thread, NULL, helper_main, helper);
        if (rc != 0)
            return bp_error_set(err, BP_ERR_NOMEM,
                                "cannot start worker thread %zu of %zu (error %d)",
                                h + 1, pool->n_threads - 1, rc);
        pool->n_started++;
    }
    return BP_OK;
}

static bp_status allocate_pool_memory(bp_pool *pool, bp_error *err)
{
    size_t scratch_bytes;
    if (!bp_mul_size(pool->n_threads, BP_POOL_SCRATCH_BYTES, &scratch_bytes))
        return bp_error_nomem(err, "thread pool scratch size");
    pool->scratch = aligned_alloc(64, scratch_bytes);
    if (!pool->scratch) return bp_error_nomem(err, "thread pool scratch");
    if (pool->n_threads > 1) {
        pool->helpers = calloc(pool->n_threads - 1, sizeof *pool->helpers);
        if (!pool->helpers) return bp_error_nomem(err, "thread pool");
    }
    return BP_OK;
}

bp_status bp_pool_create(bp_pool **out, size_t n_threads, bp_error *err)
{
    if (!out) return bp_error_set(err, BP_ERR_ARG, "bp_pool_create: no output pointer");
    *out = NULL;
    if (n_threads == 0) n_threads = online_cores();
    if (n_threads > BP_POOL_MAX_THREADS)
        return bp_error_set(err, BP_ERR_ARG, "too many threads: %zu (at most %zu)",
                            n_threads, BP_POOL_MAX_THREADS);
    bp_pool *pool = calloc(1, sizeof *pool);
    if (!pool) return bp_error_nomem(err, "thread pool");
    pool->n_threads = n_threads;
    atomic_init(&pool->generation, 0);
    atomic_init(&pool->next_task, 0);
    atomic_init(&pool->busy, 0);
    atomic_init(&pool->stopping, 0);
    int sync_ok = pthread_mutex_init(&pool->lock, NULL) == 0;
    if (sync_ok && pthread_cond_init(&pool->wake, NULL) != 0) {
        pthread_mutex_destroy(&pool->lock);
        sync_ok = 0;
    }
    if (sync_ok && pthread_cond_init(&pool->idle, NULL) != 0) {
        pthread_cond_destroy(&pool->wake);
        pthread_mutex_destroy(&pool->lock);
        sync_ok = 0;
    }
    if (!sync_ok) {
        free(pool);
        return bp_error_set(err, BP_ERR_NOMEM, "cannot initialise thread pool locks");
    }
    bp_status status = allocate_pool_memory(pool, err);
    if (status == BP_OK) status = start_helpers(pool, err);
    if (status != BP_OK) {
        bp_pool_free(pool);
        return status;
    }
    *out = pool;
    return BP_OK;
}

void bp_pool_free(bp_pool *pool)
{
    if (!pool) return;
    stop_helpers(pool);
    pthread_cond_destroy(&pool->idle);
    pthread_cond_destroy(&pool->wake);
    pthread_mutex_destroy(&pool->lock);
    free(pool->helpers);
    free(pool->scratch);
    free(pool);
}
