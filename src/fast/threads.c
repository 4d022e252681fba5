#include "fast/threads.h"

#include "util/error.h"
#include "fast/placement.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

/* How many times an idle thread polls before it sleeps on a condition
 * variable: a few hundred microseconds, long enough to bridge the gap
 * between the parallel loops of one training step, short enough not to
 * burn a core when the caller goes on to serial work. */
#define POOL_SPIN_ROUNDS 20000

/* Tasks are claimed from one 64-bit word: the job id in the high half, the
 * next task number in the low half. A helper that wakes up late, after its
 * job is over, fails to claim because the id has moved on; so the caller
 * waits only for tasks actually being run, never for sleepy helpers. */
#define CLAIM_INDEX_BITS 32
#define MAX_TASKS_PER_JOB ((size_t)UINT32_MAX)

typedef struct pool_job {
    void (*plain)(void *ctx, size_t i);
    void (*indexed)(void *ctx, size_t i, size_t worker);
    void *ctx;
    size_t first_task; /* task numbers first_task + [0, n_tasks) */
    size_t n_tasks;    /* at most MAX_TASKS_PER_JOB */
} pool_job;

typedef struct pool_helper {
    struct bp_pool *pool;
    size_t worker;
    pthread_t thread;
} pool_helper;

struct bp_pool {
    size_t n_threads;        /* workers, the caller included */
    pool_helper *helpers;    /* n_threads - 1 of them */
    size_t n_started;        /* helpers whose thread is running */
    bp_placement placement;  /* where helpers first run (placement.h) */
    unsigned char *scratch;  /* n_threads * BP_POOL_SCRATCH_BYTES */
    pthread_mutex_t lock;
    pthread_cond_t wake;     /* helpers wait here for a new job */
    pthread_cond_t done;     /* the caller waits here for the last task */
    pool_job job;            /* guarded by lock */
    uint32_t job_id;         /* guarded by lock */
    int stopping;            /* guarded by lock */
    atomic_uint announced;   /* job_id, for helpers that poll without the lock */
    atomic_uint_least64_t claim; /* (job id << 32) | next task */
    atomic_size_t finished;  /* tasks of the current job completed */
};

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static void run_one(const pool_job *job, size_t i, size_t worker)
{
    if (job->indexed) job->indexed(job->ctx, job->first_task + i, worker);
    else job->plain(job->ctx, job->first_task + i);
}

/* Takes the next task of job `id`; 0 when the job has none left (or is
 * already over). */
static int claim_task(bp_pool *pool, uint32_t id, size_t n_tasks, size_t *index)
{
    uint_least64_t word = atomic_load_explicit(&pool->claim, memory_order_relaxed);
    for (;;) {
        if ((uint32_t)(word >> CLAIM_INDEX_BITS) != id) return 0;
        size_t next = (size_t)(word & UINT32_MAX);
        if (next >= n_tasks) return 0;
        if (atomic_compare_exchange_weak_explicit(&pool->claim, &word, word + 1,
                                                  memory_order_acq_rel,
                                                  memory_order_relaxed)) {
            *index = next;
            return 1;
        }
    }
}

static void run_claimed_tasks(bp_pool *pool, const pool_job *job, uint32_t id,
                              size_t worker)
{
    size_t i;
    while (claim_task(pool, id, job->n_tasks, &i)) {
        run_one(job, i, worker);
        size_t done = atomic_fetch_add_explicit(&pool->finished, 1,
                                                memory_order_acq_rel) + 1;
        if (done == job->n_tasks) {
            /* Under the lock, so a caller about to sleep cannot miss it. */
            pthread_mutex_lock(&pool->lock);
            pthread_cond_signal(&pool->done);
            pthread_mutex_unlock(&pool->lock);
        }
    }
}

static void spin_until_announced(bp_pool *pool, uint32_t seen)
{
    for (int round = 0; round < POOL_SPIN_ROUNDS; round++) {
        if (atomic_load_explicit(&pool->announced, memory_order_acquire) != seen)
            return;
        cpu_relax();
    }
}

static void *helper_main(void *arg)
{
    pool_helper *self = arg;
    bp_pool *pool = self->pool;
    bp_placement_release(&pool->placement);
    uint32_t seen = 0;
    for (;;) {
        spin_until_announced(pool, seen);
        pthread_mutex_lock(&pool->lock);
        while (pool->job_id == seen && !pool->stopping)
            pthread_cond_wait(&pool->wake, &pool->lock);
        if (pool->stopping) {
            pthread_mutex_unlock(&pool->lock);
            return NULL;
        }
        seen = pool->job_id;
        pool_job job = pool->job;
        pthread_mutex_unlock(&pool->lock);
        run_claimed_tasks(pool, &job, seen, self->worker);
    }
}

static void wait_until_finished(bp_pool *pool, size_t n_tasks)
{
    for (int round = 0; round < POOL_SPIN_ROUNDS; round++) {
        if (atomic_load_explicit(&pool->finished, memory_order_acquire) == n_tasks)
            return;
        cpu_relax();
    }
    pthread_mutex_lock(&pool->lock);
    while (atomic_load_explicit(&pool->finished, memory_order_acquire) != n_tasks)
        pthread_cond_wait(&pool->done, &pool->lock);
    pthread_mutex_unlock(&pool->lock);
}

static void run_parallel(bp_pool *pool, const pool_job *job)
{
    pthread_mutex_lock(&pool->lock);
    uint32_t id = ++pool->job_id;
    pool->job = *job;
    atomic_store_explicit(&pool->finished, 0, memory_order_relaxed);
    atomic_store_explicit(&pool->claim, (uint_least64_t)id << CLAIM_INDEX_BITS,
                          memory_order_relaxed);
    atomic_store_explicit(&pool->announced, id, memory_order_release);
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->lock);
    run_claimed_tasks(pool, job, id, 0);
    wait_until_finished(pool, job->n_tasks);
}

static void run_job(bp_pool *pool, pool_job job)
{
    size_t total = job.n_tasks;
    if (!pool || pool->n_threads == 1 || total == 1) {
        for (size_t i = 0; i < total; i++) run_one(&job, i, 0);
        return;
    }
    /* The claim word counts 32 bits of tasks: run longer loops in parts. */
    for (size_t first = 0; first < total; first += MAX_TASKS_PER_JOB) {
        job.first_task = first;
        job.n_tasks = total - first < MAX_TASKS_PER_JOB ? total - first
                                                        : MAX_TASKS_PER_JOB;
        run_parallel(pool, &job);
    }
}

void bp_pool_run(bp_pool *pool, void (*task)(void *ctx, size_t i), void *ctx,
                 size_t n_tasks)
{
    pool_job job = {task, NULL, ctx, 0, n_tasks};
    run_job(pool, job);
}

void bp_pool_run_indexed(bp_pool *pool,
                         void (*task)(void *ctx, size_t i, size_t worker),
                         void *ctx, size_t n_tasks)
{
    pool_job job = {NULL, task, ctx, 0, n_tasks};
    run_job(pool, job);
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
    if ((unsigned long)n > BP_MAX_THREADS) return BP_MAX_THREADS;
    return (size_t)n;
}

static void stop_helpers(bp_pool *pool)
{
    if (pool->n_started == 0) return;
    pthread_mutex_lock(&pool->lock);
    pool->stopping = 1;
    /* a new id, so that helpers still polling stop at once */
    atomic_store_explicit(&pool->announced, pool->job_id + 1, memory_order_release);
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->lock);
    for (size_t h = 0; h < pool->n_started; h++)
        pthread_join(pool->helpers[h].thread, NULL);
    pool->n_started = 0;
}

static bp_status start_helpers(bp_pool *pool, bp_error *err)
{
    bp_placement_init(&pool->placement);
    for (size_t h = 0; h + 1 < pool->n_threads; h++) {
        pool_helper *helper = &pool->helpers[h];
        helper->pool = pool;
        helper->worker = h + 1;
        int rc = bp_placement_start(&pool->placement, h, &helper->thread, helper_main, helper);
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

static int init_sync(bp_pool *pool)
{
    if (pthread_mutex_init(&pool->lock, NULL) != 0) return 0;
    if (pthread_cond_init(&pool->wake, NULL) != 0) {
        pthread_mutex_destroy(&pool->lock);
        return 0;
    }
    if (pthread_cond_init(&pool->done, NULL) != 0) {
        pthread_cond_destroy(&pool->wake);
        pthread_mutex_destroy(&pool->lock);
        return 0;
    }
    return 1;
}

bp_status bp_pool_create(bp_pool **out, size_t n_threads, bp_error *err)
{
    if (!out) return bp_error_set(err, BP_ERR_ARG, "bp_pool_create: no output pointer");
    *out = NULL;
    if (n_threads == 0) n_threads = online_cores();
    if (n_threads > BP_MAX_THREADS)
        return bp_error_set(err, BP_ERR_ARG, "too many threads: %zu (at most %zu)",
                            n_threads, BP_MAX_THREADS);
    bp_pool *pool = calloc(1, sizeof *pool);
    if (!pool) return bp_error_nomem(err, "thread pool");
    pool->n_threads = n_threads;
    atomic_init(&pool->announced, 0);
    atomic_init(&pool->claim, 0);
    atomic_init(&pool->finished, 0);
    if (!init_sync(pool)) {
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
    pthread_cond_destroy(&pool->done);
    pthread_cond_destroy(&pool->wake);
    pthread_mutex_destroy(&pool->lock);
    free(pool->helpers);
    free(pool->scratch);
    free(pool);
}
