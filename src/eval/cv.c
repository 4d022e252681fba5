/* k-fold cross-validation, in the tutorial's order of random draws: the
 * whole split first, then one fresh network per fold. */
#include "data/dataset.h"

#include "util/error.h"
#include "fast/lockstep.h"
#include "core/loss.h"
#include "core/net.h"
#include "fast/threads.h"
#include "train/train.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const size_t tutorial_hidden[1] = {5};

void bp_cv_defaults(bp_cv_options *o)
{
    memset(o, 0, sizeof *o);
    o->folds = 5;
    o->scale = BP_SCALE_MINMAX;
    o->net.n_hidden = 1;
    o->net.hidden = tutorial_hidden;
    o->net.output_act = BP_ACT_SIGMOID;
    o->net.init = BP_INIT_AUTO; /* the tutorial's uniform for its all-sigmoid network */
    bp_train_defaults(&o->train);
}

/* One fold's buffers: in a serial run every fold reuses the first one. */
typedef struct fold_job {
    size_t *train_rows;
    size_t n_train;
    bp_real *scaled;       /* the features as this fold sees them */
    bp_real *scaled_y;     /* regression: the targets as this fold trains on them */
    bp_scaler *y_scaler;   /* regression: this fold's target scaler */
    bp_net *net;
    bp_rng rng;            /* for training: untouched when nothing is shuffled */
    bp_status status;
    bp_error err;
} fold_job;

typedef struct cv_run {
    const bp_dataset *ds;
    const bp_cv_options *o;
    size_t n;              /* rows cross-validated: o->n_rows, or every row */
    size_t n_outputs;
    size_t *order, *fold_start;
    fold_job *jobs;
    size_t n_jobs;         /* 1 (serial) or one per fold (parallel) */
    size_t n_groups;       /* lockstep: folds trained side by side, in this many groups */
    bp_cv_result *res;
} cv_run;

static bp_status scale_features(const cv_run *run, fold_job *job, const size_t *fit_rows,
                                size_t n_fit, bp_error *err)
{
    const bp_dataset *ds = run->ds;
    bp_scaler *scaler;
    bp_status st = bp_scaler_fit_grouped(&scaler, run->o->scale, ds->x, ds->n_features, ds->groups,
                                         fit_rows, n_fit, err);
    if (st != BP_OK) return st;
    bp_scaler_apply(scaler, ds->x, job->scaled, ds->n_rows);
    bp_scaler_free(scaler);
    return BP_OK;
}

/* Regression targets are scaled like the features, fitted on training rows. */
static bp_status scale_targets(const cv_run *run, fold_job *job, bp_error *err)
{
    bp_scaler_free(job->y_scaler);
    job->y_scaler = NULL;
    bp_status st = bp_scaler_fit(&job->y_scaler, run->o->scale, run->ds->y, 1, job->train_rows,
                                 job->n_train, err);
    if (st == BP_OK) bp_scaler_apply(job->y_scaler, run->ds->y, job->scaled_y, run->ds->n_rows);
    return st;
}

static void score_classification(const cv_run *run, fold_job *job, size_t f)
{
    const bp_dataset *ds = run->ds;
    bp_cv_result *res = run->res;
    size_t begin = run->fold_start[f], end = run->fold_start[f + 1], correct = 0;
    for (size_t i = begin; i < end; i++) {
        size_t row = run->order[i];
        const bp_real *out = bp_net_forward(job->net, job->scaled + row * ds->n_features);
        uint32_t p = (uint32_t)bp_argmax(out, run->n_outputs);
        res->predicted[row] = p;
        bp_output_proba(out, run->n_outputs, res->proba + row * run->n_outputs);
        correct += p == ds->label[row];
    }
    res->scores[f] = (double)correct / (double)(end - begin) * 100.0;
}

static void score_regression(const cv_run *run, fold_job *job, size_t f)
{
    const bp_dataset *ds = run->ds;
    bp_cv_result *res = run->res;
    size_t begin = run->fold_start[f], end = run->fold_start[f + 1];
    for (size_t i = begin; i < end; i++) {
        size_t row = run->order[i];
        bp_real value = bp_net_forward(job->net, job->scaled + row * ds->n_features)[0];
        res->values[row] = bp_scaler_invert(job->y_scaler, 0, value);
    }
    res->fold_regression[f] = bp_metrics_regression(ds->y, res->values, run->order + begin, end - begin);
}

/* Training rows of fold f (every other fold, in fold order) and their scaling. */
static bp_status prepare_fold(const cv_run *run, fold_job *job, size_t f, bp_error *err)
{
    const bp_dataset *ds = run->ds;
    size_t begin = run->fold_start[f], end = run->fold_start[f + 1];
    job->n_train = 0;
    for (size_t i = 0; i < run->n; i++)
        if (i < begin || i >= end) job->train_rows[job->n_train++] = run->order[i];
    bp_status st = BP_OK;
    if (!run->o->scale_whole_file) st = scale_features(run, job, job->train_rows, job->n_train, err);
    if (st == BP_OK && ds->y) st = scale_targets(run, job, err);
    return st;
}

/* A fresh network for a fold, drawn from the shared rng in fold order. */
static bp_status create_fold_net(const cv_run *run, fold_job *job, bp_rng *rng, bp_error *err)
{
    bp_net_free(job->net);
    job->net = NULL;
    bp_status st = bp_net_from_spec(&job->net, &run->o->net, run->ds->n_features, run->n_outputs, err);
    if (st == BP_OK) bp_net_init(job->net, run->o->net.init, rng);
    return st;
}

static bp_status train_and_score(const cv_run *run, fold_job *job, size_t f, bp_rng *rng,
                                 bp_error *err)
{
    const bp_dataset *ds = run->ds;
    bp_samples s = {job->scaled, ds->n_features, ds->label, job->scaled_y, run->n_outputs,
                    job->train_rows, job->n_train, NULL};
    bp_train_options train = run->o->train;
    train.diagnostics = &run->res->fold_diagnostics[f];
    bp_status st = bp_train(job->net, &s, &train, rng, err);
    if (st == BP_OK && ds->y) score_regression(run, job, f);
    else if (st == BP_OK) score_classification(run, job, f);
    return st;
}

/* Folds in parallel: each job trains with its own copy of the rng, which
 * training leaves untouched when it neither shuffles nor holds out rows. */
static void parallel_fold_task(void *ctx, size_t f)
{
    cv_run *run = ctx;
    fold_job *job = &run->jobs[f];
    if (job->status == BP_OK) job->status = train_and_score(run, job, f, &job->rng, &job->err);
}

/* First fold of lockstep group g: the folds are dealt out in contiguous,
 * evenly sized groups, the larger ones first (the calling thread takes the
 * first group at once; a helper thread may take a moment to start). */
static size_t group_start(const cv_run *run, size_t g)
{
    return run->o->folds - (run->n_groups - g) * run->o->folds / run->n_groups;
}

/* Trains one group's folds side by side, then scores them. A fold whose
 * training diverged is trained again on its own, from the same weights,
 * which reports where it diverged exactly as a serial run does. */
static void lockstep_group_task(void *ctx, size_t g)
{
    cv_run *run = ctx;
    bp_net *nets[BP_LOCKSTEP_LANES];
    bp_samples samples[BP_LOCKSTEP_LANES];
    size_t folds[BP_LOCKSTEP_LANES], n = 0;
    const bp_dataset *ds = run->ds;
    for (size_t f = group_start(run, g); f < group_start(run, g + 1); f++) {
        fold_job *job = &run->jobs[f];
        if (job->status != BP_OK) continue;
        bp_samples s = {job->scaled, ds->n_features, ds->label, job->scaled_y, run->n_outputs,
                        job->train_rows, job->n_train, NULL};
        nets[n] = job->net;
        samples[n] = s;
        folds[n++] = f;
    }
    if (n == 0) return;
    unsigned char trained[BP_LOCKSTEP_LANES] = {0};
    bp_error err = {0};
    /* bp_train's checks first, lane by lane, as the lanes trust them. */
    bp_status st = BP_OK;
    for (size_t k = 0; st == BP_OK && k < n; k++) st = bp_train_check(nets[k], &samples[k], &run->o->train, &err);
    if (st == BP_OK) st = bp_train_lockstep(nets, samples, n, &run->o->train, trained, &err);
    for (size_t k = 0; k < n; k++) {
        fold_job *job = &run->jobs[folds[k]];
        if (st != BP_OK) {
            job->status = st;
            job->err = err;
        } else if (trained[k] && ds->y) {
            score_regression(run, job, folds[k]);
        } else if (trained[k]) {
            score_classification(run, job, folds[k]);
        } else {
            job->status = train_and_score(run, job, folds[k], &job->rng, &job->err);
        }
    }
}

/* Whether the folds' networks, as the spec makes them, train in lockstep. */
static int lockstep_applies(const bp_cv_options *o)
{
    bp_activation acts[BP_MAX_LAYERS];
    const bp_net_spec *spec = &o->net;
    if (spec->n_hidden >= sizeof acts / sizeof *acts) return 0; /* bp_net_from_spec refuses it */
    for (size_t l = 0; l < spec->n_hidden; l++) acts[l] = spec->hidden_act ? spec->hidden_act[l] : BP_ACT_SIGMOID;
    acts[spec->n_hidden] = spec->output_act;
    return bp_lockstep_applies(&o->train, acts, spec->n_hidden + 1);
}

/* Lockstep groups: at least one per thread (while there are folds to
 * share), and none wider than the lanes. */
static size_t lockstep_groups(size_t folds, size_t threads)
{
    size_t groups = (folds + BP_LOCKSTEP_LANES - 1) / BP_LOCKSTEP_LANES;
    size_t spread = threads < folds ? threads : folds;
    return spread > groups ? spread : groups;
}

static bp_status run_parallel(cv_run *run, bp_rng *rng, bp_error *err)
{
    for (size_t f = 0; f < run->o->folds; f++) {
        fold_job *job = &run->jobs[f];
        job->status = prepare_fold(run, job, f, &job->err);
        if (job->status == BP_OK) job->status = create_fold_net(run, job, rng, &job->err);
        job->rng = *rng;
    }
    bp_pool *pool;
    bp_status st = bp_pool_create(&pool, run->o->train.threads, err);
    if (st != BP_OK) return st;
    if (lockstep_applies(run->o)) {
        run->n_groups = lockstep_groups(run->o->folds, bp_pool_size(pool));
        bp_pool_run(pool, lockstep_group_task, run, run->n_groups);
    } else {
        bp_pool_run(pool, parallel_fold_task, run, run->o->folds);
    }
    bp_pool_free(pool);
    for (size_t f = 0; f < run->o->folds; f++)
        if (run->jobs[f].status != BP_OK) {
            *err = run->jobs[f].err;
            return run->jobs[f].status;
        }
    return BP_OK;
}

static bp_status run_serial(cv_run *run, bp_rng *rng, bp_error *err)
{
    fold_job *job = &run->jobs[0];
    bp_status st = BP_OK;
    for (size_t f = 0; st == BP_OK && f < run->o->folds; f++) {
        st = prepare_fold(run, job, f, err);
        if (st == BP_OK) st = create_fold_net(run, job, rng, err);
        if (st == BP_OK) st = train_and_score(run, job, f, rng, err);
    }
    return st;
}

static bp_status check_cv(const bp_dataset *ds, const bp_cv_options *o, size_t n, bp_error *err)
{
    for (size_t i = 0; o->rows && i < n; i++)
        if (o->rows[i] >= ds->n_rows)
            return bp_error_set(err, BP_ERR_ARG, "row %zu is not among the %zu rows of %s", o->rows[i] + 1,
                                ds->n_rows, ds->source);
    if (ds->task == BP_TASK_CLASSIFICATION && ds->n_classes < 2)
        return bp_error_set(err, BP_ERR_DATA, "%s: only one class ('%s'): nothing to learn",
                            ds->source, ds->n_classes ? ds->class_names[0] : "");
    if (o->folds < 2) return bp_error_set(err, BP_ERR_ARG, "--folds must be at least 2, not %zu", o->folds);
    if (o->folds > n)
        return bp_error_set(err, BP_ERR_ARG, "--folds %zu is more than the %zu rows of %s", o->folds, n,
                            ds->source);
    if (o->stratify && ds->task != BP_TASK_CLASSIFICATION)
        return bp_error_set(err, BP_ERR_ARG, "--stratify needs class labels");
    return BP_OK;
}

/* Folds train side by side only where that cannot change a single bit:
 * online training that draws no random numbers (the tutorial's), either
 * in lockstep (plain SGD) or on more than one thread, with buffers of
 * modest size. */
static int folds_in_parallel(const bp_dataset *ds, const bp_cv_options *o)
{
    const bp_train_options *t = &o->train;
    if (t->batch_size != 1 || t->shuffle || t->validation > 0) return 0;
    if (t->threads == 1 && !lockstep_applies(o)) return 0;
    if (o->train.on_epoch) return 0; /* progress is reported fold after fold */
    size_t cells;
    return bp_mul_size(ds->n_rows, ds->n_features + 2, &cells) &&
           cells <= ((size_t)32 << 20) / sizeof(bp_real) / o->folds;
}

static bp_status allocate_job(const cv_run *run, fold_job *job, bp_real *shared_scaled, bp_error *err)
{
    const bp_dataset *ds = run->ds;
    job->train_rows = malloc(ds->n_rows * sizeof *job->train_rows);
    job->scaled = shared_scaled ? shared_scaled : malloc(ds->n_rows * ds->n_features * sizeof *job->scaled);
    if (ds->y) job->scaled_y = malloc(ds->n_rows * sizeof *job->scaled_y);
    if (!job->train_rows || !job->scaled || (ds->y && !job->scaled_y))
        return bp_error_nomem(err, "cross-validation");
    return BP_OK;
}

static void free_jobs(cv_run *run)
{
    for (size_t j = 0; run->jobs && j < run->n_jobs; j++) {
        fold_job *job = &run->jobs[j];
        free(job->train_rows);
        /* Under whole-file scaling every job shares the first job's matrix. */
        if (j == 0 || !run->o->scale_whole_file) free(job->scaled);
        free(job->scaled_y);
        bp_scaler_free(job->y_scaler);
        bp_net_free(job->net);
    }
    free(run->jobs);
}

static bp_status allocate_run(cv_run *run, bp_cv_result *res, int parallel, bp_error *err)
{
    const bp_dataset *ds = run->ds;
    size_t cells, proba_cells;
    if (!bp_mul_size(ds->n_rows, ds->n_features, &cells) || cells > ((size_t)-1) / sizeof(bp_real) ||
        !bp_mul_size(ds->n_rows, run->n_outputs, &proba_cells))
        return bp_error_nomem(err, "features");
    run->order = malloc(ds->n_rows * sizeof *run->order);
    run->fold_start = malloc((run->o->folds + 1) * sizeof *run->fold_start);
    run->n_jobs = parallel ? run->o->folds : 1;
    run->jobs = calloc(run->n_jobs, sizeof *run->jobs);
    res->folds = run->o->folds;
    res->n_rows = ds->n_rows;
    res->n_classes = ds->n_classes;
    if (!run->order || !run->fold_start || !run->jobs) return bp_error_nomem(err, "cross-validation");
    for (size_t j = 0; j < run->n_jobs; j++) {
        bp_real *shared = j > 0 && run->o->scale_whole_file ? run->jobs[0].scaled : NULL;
        bp_status st = allocate_job(run, &run->jobs[j], shared, err);
        if (st != BP_OK) return st;
    }
    if (ds->y) {
        res->values = malloc(ds->n_rows * sizeof *res->values);
        res->fold_regression = calloc(run->o->folds, sizeof *res->fold_regression);
        res->fold_diagnostics = calloc(run->o->folds, sizeof *res->fold_diagnostics);
        if (!res->values || !res->fold_regression || !res->fold_diagnostics)
            return bp_error_nomem(err, "cross-validation");
    } else {
        res->scores = calloc(run->o->folds, sizeof *res->scores);
        res->predicted = calloc(ds->n_rows, sizeof *res->predicted);
        res->proba = calloc(proba_cells, sizeof *res->proba);
        res->fold_diagnostics = calloc(run->o->folds, sizeof *res->fold_diagnostics);
        if (!res->scores || !res->predicted || !res->proba || !res->fold_diagnostics)
            return bp_error_nomem(err, "cross-validation");
    }
    return BP_OK;
}

/* The folds of the rows in play; with a subset, split its positions and
 * map them to the dataset's rows. */
static bp_status split(cv_run *run, bp_rng *rng, bp_error *err)
{
    const bp_dataset *ds = run->ds;
    const size_t *rows = run->o->rows;
    uint32_t *labels = NULL;
    const uint32_t *by_position = ds->label;
    if (run->o->stratify && rows) {
        labels = malloc(run->n * sizeof *labels);
        if (!labels) return bp_error_nomem(err, "cross-validation");
        for (size_t i = 0; i < run->n; i++) labels[i] = ds->label[rows[i]];
        by_position = labels;
    }
    bp_status st = run->o->stratify ? bp_stratified_kfold_split(by_position, run->n, ds->n_classes, run->o->folds,
                                                                rng, run->order, run->fold_start, err)
                                    : bp_kfold_split(run->n, run->o->folds, rng, run->order, run->fold_start, err);
    free(labels);
    for (size_t i = 0; st == BP_OK && rows && i < run->n; i++) run->order[i] = rows[run->order[i]];
    return st;
}

bp_status bp_cross_validate(const bp_dataset *ds, const bp_cv_options *o, bp_rng *rng,
                            bp_cv_result *res, bp_error *err)
{
    memset(res, 0, sizeof *res);
    size_t n = o->rows ? o->n_rows : ds->n_rows;
    bp_status st = check_cv(ds, o, n, err);
    if (st != BP_OK) return st;
    st = bp_check_spec(&o->net, ds->n_features, ds->y ? 1 : ds->n_classes, n, &o->train, err);
    if (st != BP_OK) return st;
    int parallel = folds_in_parallel(ds, o);
    cv_run run = {ds, o, n, ds->y ? 1 : ds->n_classes, NULL, NULL, NULL, 0, 0, res};
    st = allocate_run(&run, res, parallel, err);
    if (st == BP_OK) st = split(&run, rng, err);
    if (st == BP_OK && o->scale_whole_file) st = scale_features(&run, &run.jobs[0], o->rows, n, err);
    if (st == BP_OK) st = parallel ? run_parallel(&run, rng, err) : run_serial(&run, rng, err);
    if (st == BP_OK && res->scores) {
        double sum = 0;
        for (size_t f = 0; f < o->folds; f++) sum += res->scores[f];
        res->mean = sum / (double)o->folds;
    }
    res->fold_rows = run.order; /* the result's to free */
    res->fold_start = run.fold_start;
    free_jobs(&run);
    if (st != BP_OK) bp_cv_result_free(res);
    return st;
}

void bp_cv_result_free(bp_cv_result *res)
{
    free(res->scores);
    free(res->predicted);
    free(res->proba);
    free(res->values);
    free(res->fold_regression);
    free(res->fold_diagnostics);
    free(res->fold_rows);
    free(res->fold_start);
    memset(res, 0, sizeof *res);
}
