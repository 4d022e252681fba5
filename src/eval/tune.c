/* The search over configurations: each candidate cross-validated on the
 * same folds, on the cores in parallel, in rounds of successive halving or
 * all at once, within a number of trials and a time budget. */
#include "backprop.h"

#include "data/dataset.h"
#include "fast/threads.h"
#include "train/train.h"
#include "util/clock.h"
#include "util/error.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

void bp_tune_defaults(bp_tune_options *o)
{
    memset(o, 0, sizeof *o);
    o->metric = BP_METRIC_ACCURACY;
    o->factor = 3;
}


/* One round: the candidates in it, each on `epochs[i]` epochs. */
typedef struct round_job {
    const bp_dataset *ds;
    const bp_tune_options *o;
    const bp_rng *rng;
    const size_t *candidates;
    const size_t *epochs;
    size_t rung;
    bp_tune_trial *trials;   /* one per candidate of the round; status BP_ERR_INTERRUPTED: not run */
    pthread_mutex_t lock;    /* over what follows */
    size_t offset;           /* trials run in the rounds before */
    size_t done, planned;
    double deadline;         /* 0: none */
    int stopped;             /* on_trial, the stop flag or a limit said so */
    bp_status failure;       /* an error that ends the search */
    bp_error err;
} round_job;

/* Whether trial i of the round may start: takes the lock. The trial
 * limit goes by the trial's place in the search, not by which thread asks
 * first, so the same trials run on any number of threads. */
static int may_start(round_job *r, size_t i)
{
    pthread_mutex_lock(&r->lock);
    const bp_tune_options *o = r->o;
    int beyond = o->max_trials && r->offset + i >= o->max_trials;
    /* the flag may be set on another thread (a signal handler's) */
    int halt = r->stopped || r->failure != BP_OK || (o->stop && __atomic_load_n(o->stop, __ATOMIC_RELAXED)) ||
               (r->deadline > 0 && bp_clock_seconds() >= r->deadline);
    if (halt) r->stopped = 1;
    pthread_mutex_unlock(&r->lock);
    return !halt && !beyond;
}

/* The worst score of the metric, for a run that diverged. */
static double worst(bp_metric m)
{
    return bp_metric_higher_is_better(m) ? -INFINITY : INFINITY;
}

static bp_status run_trial(round_job *r, size_t i, bp_tune_trial *t, bp_error *err)
{
    bp_cv_options cv = r->o->candidates[r->candidates[i]];
    cv.train.epochs = r->epochs[i];
    cv.train.threads = 1; /* the trials share the cores */
    cv.train.on_epoch = NULL;
    cv.rows = r->o->rows;
    cv.n_rows = r->o->n_rows;
    bp_rng rng = *r->rng; /* the same folds and draws for every candidate */
    double start = bp_clock_seconds();
    bp_cv_result res;
    bp_status st = bp_cross_validate(r->ds, &cv, &rng, &res, err);
    t->seconds = bp_clock_seconds() - start;
    if (st == BP_ERR_NUMERIC) {
        t->status = st;
        t->mean = worst(r->o->metric);
        t->std = NAN;
        return BP_OK;
    }
    if (st == BP_OK) st = bp_cv_score(r->ds, &res, r->o->metric, &t->mean, &t->std, err);
    bp_cv_result_free(&res);
    t->status = st;
    return st;
}

/* The trial of this round and candidate an earlier run finished, or NULL. */
static const bp_tune_trial *done_before(const round_job *r, size_t i)
{
    for (size_t k = 0; k < r->o->n_done; k++) {
        const bp_tune_trial *d = &r->o->done[k];
        if (d->rung == r->rung && d->candidate == r->candidates[i] && d->epochs == r->epochs[i]) return d;
    }
    return NULL;
}

static void trial_task(void *ctx, size_t i)
{
    round_job *r = ctx;
    bp_tune_trial *t = &r->trials[i];
    const bp_tune_trial *before = done_before(r, i);
    if (before && !(r->o->max_trials && r->offset + i >= r->o->max_trials)) {
        *t = *before; /* what running it again would give */
        pthread_mutex_lock(&r->lock);
        r->done++;
        pthread_mutex_unlock(&r->lock);
        return;
    }
    if (!may_start(r, i)) return;
    bp_error err;
    bp_status st = run_trial(r, i, t, &err);
    pthread_mutex_lock(&r->lock);
    if (st != BP_OK && r->failure == BP_OK) {
        r->failure = st;
        r->err = err;
    } else if (st == BP_OK) {
        r->done++;
        if (r->o->on_trial && r->o->on_trial(r->o->user, t, r->done, r->planned)) r->stopped = 1;
    }
    pthread_mutex_unlock(&r->lock);
}

/* Runs one round on the pool; trials[i] of those not run keep status
 * BP_ERR_INTERRUPTED. */
static bp_status run_round(round_job *r, bp_pool *pool, size_t n)
{
    for (size_t i = 0; i < n; i++)
        r->trials[i] = (bp_tune_trial){r->candidates[i], r->rung, r->epochs[i], NAN, NAN, 0, BP_ERR_INTERRUPTED};
    bp_pool_run(pool, trial_task, r, n);
    return r->failure;
}

/* Whether trial a scored better than trial b (ties: the earlier candidate). */
static int better(bp_metric m, const bp_tune_trial *a, const bp_tune_trial *b)
{
    if (a->mean != b->mean) return bp_metric_higher_is_better(m) ? a->mean > b->mean : a->mean < b->mean;
    return a->candidate < b->candidate;
}

/* The round's finished trials, best first, as indices into its trials. */
static size_t rank_round(const bp_tune_trial *trials, size_t n, bp_metric m, size_t *order)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (trials[i].status == BP_ERR_INTERRUPTED) continue;
        size_t j = k++;
        while (j > 0 && better(m, &trials[i], &trials[order[j - 1]])) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
    return k;
}

/* Rounds of successive halving for n candidates: each keeps a 1/factor of
 * the last, down to one. */
static size_t halving_rounds(size_t n, size_t factor)
{
    size_t rounds = 1;
    for (size_t alive = n; alive > 1; alive = (alive + factor - 1) / factor) rounds++;
    return rounds > 1 ? rounds - 1 : 1;
}

/* The trials of a search without limits: every round's candidates. */
static size_t planned_trials(const bp_tune_options *o)
{
    size_t n = o->n_candidates, rounds = o->halving ? halving_rounds(n, o->factor) : 1, total = 0;
    for (size_t r = 0, alive = n; r < rounds; r++, alive = (alive + o->factor - 1) / o->factor) total += alive;
    return total;
}

static bp_status check_tune(const bp_dataset *ds, const bp_tune_options *o, bp_error *err)
{
    if (o->n_candidates == 0) return bp_error_set(err, BP_ERR_ARG, "nothing to tune: no candidate");
    if ((unsigned)o->metric >= (unsigned)BP_METRIC_COUNT) return bp_error_set(err, BP_ERR_ARG, "unknown metric");
    if (!bp_metric_fits(o->metric, ds->task))
        return bp_error_set(err, BP_ERR_ARG, "--metric %s does not score %s", bp_metric_name(o->metric),
                            ds->task == BP_TASK_REGRESSION ? "a regression (rmse, mae or r2 do)"
                                                           : "a classification (accuracy, f1 or logloss do)");
    if (o->halving && o->factor < 2) return bp_error_set(err, BP_ERR_ARG, "the halving factor must be at least 2");
    if (!(o->max_seconds >= 0) || !isfinite(o->max_seconds))
        return bp_error_set(err, BP_ERR_ARG, "the time budget must be a number of seconds >= 0");
    size_t n = o->rows ? o->n_rows : ds->n_rows;
    for (size_t i = 0; i < o->n_candidates; i++) {
        const bp_cv_options *c = &o->candidates[i];
        bp_status st = bp_check_spec(&c->net, ds->n_features, ds->y ? 1 : ds->n_classes, n, &c->train, err);
        if (st == BP_OK && (c->folds < 2 || c->folds > n))
            st = bp_error_set(err, BP_ERR_ARG, "%zu folds for %zu rows", c->folds, n);
        if (st != BP_OK) {
            char why[sizeof err->message];
            strcpy(why, err->message);
            return bp_error_set(err, st, "candidate %zu: %s", i + 1, why);
        }
    }
    return BP_OK;
}

typedef struct search {
    const bp_dataset *ds;
    const bp_tune_options *o;
    const bp_rng *rng;
    bp_pool *pool;
    bp_tune_result *res;
    size_t *candidates, *epochs, *order;
} search;

/* Epochs of a candidate in round `rung` of `rounds`: its own in the last,
 * a factor fewer in each round before, at least one. */
static size_t round_epochs(const search *s, size_t candidate, size_t rung, size_t rounds)
{
    double e = (double)s->o->candidates[candidate].train.epochs;
    for (size_t r = rung + 1; r < rounds; r++) e /= (double)s->o->factor;
    return e < 1 ? 1 : (size_t)e;
}

static bp_status run_search(search *s, bp_error *err)
{
    const bp_tune_options *o = s->o;
    bp_tune_result *res = s->res;
    size_t n = o->n_candidates, rounds = o->halving ? halving_rounds(n, o->factor) : 1;
    size_t alive = n, planned = planned_trials(o);
    for (size_t i = 0; i < n; i++) s->candidates[i] = i;
    res->planned = planned;
    round_job job = {s->ds, o, s->rng, s->candidates, s->epochs, 0, NULL, PTHREAD_MUTEX_INITIALIZER, 0, 0,
                     planned, o->max_seconds > 0 ? bp_clock_seconds() + o->max_seconds : 0, 0, BP_OK, {0}};
    bp_status st = BP_OK;
    for (size_t rung = 0; rung < rounds && st == BP_OK && alive > 0; rung++) {
        for (size_t i = 0; i < alive; i++) s->epochs[i] = round_epochs(s, s->candidates[i], rung, rounds);
        job.rung = rung;
        job.offset = res->n_trials;
        job.trials = res->trials + res->n_trials;
        st = run_round(&job, s->pool, alive);
        if (st != BP_OK) {
            *err = job.err;
            break;
        }
        /* keep the finished trials, in candidate order */
        size_t kept = 0;
        for (size_t i = 0; i < alive; i++)
            if (job.trials[i].status != BP_ERR_INTERRUPTED) job.trials[kept++] = job.trials[i];
        if (kept == 0) break;
        rank_round(job.trials, kept, o->metric, s->order);
        res->best = res->n_trials + s->order[0];
        res->n_trials += kept;
        if (job.stopped || kept < alive) break;
        size_t next = (alive + o->factor - 1) / o->factor;
        for (size_t i = 0; i < next; i++) s->candidates[i] = job.trials[s->order[i]].candidate;
        /* the survivors in candidate order, so that a round does not depend on ranks */
        for (size_t i = 1; i < next; i++)
            for (size_t j = i; j > 0 && s->candidates[j] < s->candidates[j - 1]; j--) {
                size_t t = s->candidates[j];
                s->candidates[j] = s->candidates[j - 1];
                s->candidates[j - 1] = t;
            }
        alive = next;
    }
    res->cut = job.stopped || res->n_trials < planned;
    pthread_mutex_destroy(&job.lock);
    return st;
}

bp_status bp_tune(const bp_dataset *ds, const bp_tune_options *o, const bp_rng *rng, bp_tune_result *res,
                  bp_error *err)
{
    memset(res, 0, sizeof *res);
    bp_status st = check_tune(ds, o, err);
    if (st != BP_OK) return st;
    size_t n = o->n_candidates;
    search s = {ds, o, rng, NULL, res, malloc(n * sizeof(size_t)), malloc(n * sizeof(size_t)),
                malloc(n * sizeof(size_t))};
    res->trials = calloc(planned_trials(o), sizeof *res->trials); /* n >= 1: never 0 bytes */
    if (!s.candidates || !s.epochs || !s.order || !res->trials) st = bp_error_nomem(err, "tuning");
    if (st == BP_OK) st = bp_pool_create(&s.pool, o->threads, err);
    if (st == BP_OK) st = run_search(&s, err);
    bp_pool_free(s.pool);
    free(s.candidates);
    free(s.epochs);
    free(s.order);
    if (st == BP_OK && res->n_trials == 0)
        st = bp_error_set(err, BP_ERR_INTERRUPTED, "the search stopped before any trial finished");
    if (st != BP_OK) bp_tune_result_free(res);
    return st;
}

void bp_tune_result_free(bp_tune_result *res)
{
    free(res->trials);
    memset(res, 0, sizeof *res);
}
