/* Reentrancy: the library keeps no global mutable state, so two threads
 * that train at the same time get exactly (bit for bit) what they get one
 * after the other. Each job below runs twice in a row, then twice at once
 * on two threads, over the same read-only data; the jobs use the thread
 * pool themselves, so pools of different runs also overlap. The suite runs
 * this under ThreadSanitizer too (make tsan), which reports any data race.
 *
 * Checks happen on the main thread only: the harness is not thread-safe. */
#include "backprop.h"
#include "harness.h"

#include <pthread.h>
#include <unistd.h>

#define SEEDS "data/wheat-seeds.csv"

/* Data shared read-only by every job: the seeds file, min-max scaled. */
typedef struct shared_data {
    bp_dataset *ds;
    bp_real *x; /* scaled features */
    bp_samples samples;
} shared_data;

/* One job's settings and results. */
typedef struct job {
    const shared_data *data;
    int kind;           /* which job: see run_job */
    uint64_t seed;
    char model_path[64];
    bp_status status;
    char message[sizeof ((bp_error *)0)->message];
    bp_real *params;    /* trained parameters (caller frees) */
    size_t n_params;
    double mean;        /* cross-validation: mean accuracy */
    double scores[5];
    char *model_text;   /* a saved model file's bytes (caller frees) */
} job;

enum { JOB_ONLINE, JOB_BATCH, JOB_CV, JOB_MODEL, N_KINDS };

static int load_shared(shared_data *d)
{
    bp_load_options load;
    bp_load_defaults(&load);
    bp_error err;
    if (bp_dataset_load(&d->ds, SEEDS, &load, &err) != BP_OK) {
        fprintf(stderr, "  %s\n", err.message);
        return 0;
    }
    bp_samples s = bp_dataset_samples(d->ds);
    size_t n = s.n_rows * s.n_inputs;
    d->x = malloc(n * sizeof *d->x);
    bp_scaler *scaler;
    if (!d->x || bp_scaler_fit(&scaler, BP_SCALE_MINMAX, s.x, s.n_inputs, NULL, s.n_rows, &err) != BP_OK)
        return 0;
    bp_scaler_apply(scaler, s.x, d->x, s.n_rows);
    bp_scaler_free(scaler);
    s.x = d->x;
    d->samples = s;
    return 1;
}

static void free_shared(shared_data *d)
{
    bp_dataset_free(d->ds);
    free(d->x);
}

static void note_error(job *j, const bp_error *err)
{
    j->status = err->status;
    snprintf(j->message, sizeof j->message, "%s", err->message);
}

/* Online SGD (the tutorial's path), or mini-batches with Adam on a pool of
 * two workers. */
static void train_net(job *j)
{
    const bp_samples *s = &j->data->samples;
    size_t widths[4] = {s->n_inputs, 8, 6, s->n_outputs};
    bp_activation acts[3] = {BP_ACT_TANH, BP_ACT_RELU, BP_ACT_SOFTMAX};
    bp_train_options o;
    bp_train_defaults(&o);
    o.epochs = 15;
    if (j->kind == JOB_BATCH) {
        o.batch_size = 16;
        o.shuffle = 1;
        o.optimizer = BP_OPT_ADAM;
        o.learning_rate = 0.01;
        o.loss = BP_LOSS_XENT;
        o.threads = 2;
        o.validation = 0.2;
    }
    bp_rng rng;
    bp_rng_seed(&rng, j->seed);
    bp_net *net;
    bp_error err;
    if (bp_net_create(&net, 3, widths, j->kind == JOB_BATCH ? acts : NULL, &err) != BP_OK) {
        note_error(j, &err);
        return;
    }
    bp_net_init(net, j->kind == JOB_BATCH ? BP_INIT_XAVIER : BP_INIT_UNIFORM, &rng);
    j->status = bp_train(net, s, &o, &rng, &err);
    if (j->status != BP_OK) note_error(j, &err);
    const bp_real *p = bp_net_params_const(net, &j->n_params);
    j->params = malloc(j->n_params * sizeof *p);
    if (j->params) memcpy(j->params, p, j->n_params * sizeof *p);
    bp_net_free(net);
}

/* Cross-validation, which trains its folds on threads of its own. */
static void cross_validate(job *j)
{
    bp_cv_options o;
    bp_cv_defaults(&o);
    o.train.epochs = 10;
    bp_rng rng;
    bp_rng_seed(&rng, j->seed);
    bp_cv_result res;
    bp_error err;
    j->status = bp_cross_validate(j->data->ds, &o, &rng, &res, &err);
    if (j->status != BP_OK) {
        note_error(j, &err);
        return;
    }
    j->mean = res.mean;
    for (size_t f = 0; f < res.folds && f < 5; f++) j->scores[f] = res.scores[f];
    bp_cv_result_free(&res);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap) break;
        char *bigger = realloc(buf, 2 * cap + 1);
        if (!bigger) free(buf);
        buf = bigger;
        cap *= 2;
    }
    fclose(f);
    if (buf) buf[n] = '\0';
    return buf;
}

/* A whole model: train, save, load the file back and evaluate it. */
static void model_lifecycle(job *j)
{
    bp_model_options o;
    bp_model_defaults(&o);
    o.train.epochs = 10;
    o.train.batch_size = 8;
    o.train.threads = 2;
    char seed[24];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)j->seed);
    o.seed = seed;
    bp_rng rng;
    bp_rng_seed(&rng, j->seed);
    bp_model *m, *again;
    bp_error err;
    bp_evaluation ev;
    if (bp_model_train(&m, j->data->ds, &o, &rng, &err) != BP_OK) {
        note_error(j, &err);
        return;
    }
    bp_status st = bp_model_save(m, j->model_path, &err);
    bp_model_free(m);
    if (st == BP_OK) st = bp_model_load(&again, j->model_path, &err);
    if (st != BP_OK) {
        note_error(j, &err);
        return;
    }
    bp_predict_options po;
    bp_predict_defaults(&po);
    st = bp_model_evaluate(again, SEEDS, &po, &ev, &err);
    bp_model_free(again);
    if (st != BP_OK) {
        note_error(j, &err);
        return;
    }
    j->mean = ev.metrics.accuracy;
    bp_evaluation_free(&ev);
    j->model_text = slurp(j->model_path);
    remove(j->model_path);
}

static void *run_job(void *arg)
{
    job *j = arg;
    j->status = BP_OK;
    switch (j->kind) {
    case JOB_ONLINE:
    case JOB_BATCH: train_net(j); break;
    case JOB_CV: cross_validate(j); break;
    default: model_lifecycle(j); break;
    }
    return NULL;
}

static void job_init(job *j, const shared_data *d, int kind, uint64_t seed, const char *tag)
{
    memset(j, 0, sizeof *j);
    j->data = d;
    j->kind = kind;
    j->seed = seed;
    snprintf(j->model_path, sizeof j->model_path, "/tmp/bp-reentrant-%ld-%s.model", (long)getpid(), tag);
}

static void job_free(job *j)
{
    free(j->params);
    free(j->model_text);
}

/* The results of two runs of the same job are the same, bit for bit. */
static void check_same(const job *a, const job *b)
{
    CHECK_EQ_INT(a->status, BP_OK);
    CHECK_EQ_INT(b->status, BP_OK);
    if (a->status != BP_OK) fprintf(stderr, "  %s\n", a->message);
    if (b->status != BP_OK) fprintf(stderr, "  %s\n", b->message);
    CHECK_EQ_INT(a->n_params, b->n_params);
    if (a->params && b->params && a->n_params == b->n_params)
        CHECK(memcmp(a->params, b->params, a->n_params * sizeof *a->params) == 0);
    CHECK(memcmp(&a->mean, &b->mean, sizeof a->mean) == 0);
    CHECK(memcmp(a->scores, b->scores, sizeof a->scores) == 0);
    CHECK((a->model_text == NULL) == (b->model_text == NULL));
    if (a->model_text && b->model_text) CHECK_STR(a->model_text, b->model_text);
}

/* Runs jobs of kinds ka and kb one after the other, then at once. */
static void check_concurrent(int ka, int kb)
{
    shared_data d;
    if (!load_shared(&d)) {
        CHECK(!"the seeds data loads");
        return;
    }
    job seq[2], par[2];
    job_init(&seq[0], &d, ka, 3, "s0");
    job_init(&seq[1], &d, kb, 5, "s1");
    job_init(&par[0], &d, ka, 3, "p0");
    job_init(&par[1], &d, kb, 5, "p1");
    run_job(&seq[0]);
    run_job(&seq[1]);
    pthread_t t[2];
    int started[2];
    for (int i = 0; i < 2; i++) started[i] = pthread_create(&t[i], NULL, run_job, &par[i]) == 0;
    for (int i = 0; i < 2; i++)
        if (started[i]) pthread_join(t[i], NULL);
    CHECK(started[0] && started[1]);
    check_same(&seq[0], &par[0]);
    check_same(&seq[1], &par[1]);
    if (ka == JOB_ONLINE || ka == JOB_BATCH) CHECK(seq[0].n_params > 0);
    for (int i = 0; i < 2; i++) {
        job_free(&seq[i]);
        job_free(&par[i]);
    }
    free_shared(&d);
}

static void test_online_and_batch_training_at_once(void) { check_concurrent(JOB_ONLINE, JOB_BATCH); }

static void test_two_batch_trainings_at_once(void) { check_concurrent(JOB_BATCH, JOB_BATCH); }

static void test_cross_validations_at_once(void) { check_concurrent(JOB_CV, JOB_CV); }

static void test_model_lifecycles_at_once(void) { check_concurrent(JOB_MODEL, JOB_MODEL); }

static void test_training_beside_cross_validation(void) { check_concurrent(JOB_BATCH, JOB_CV); }

/* Loading the same file from two threads at once. */
static void *load_seeds(void *arg)
{
    bp_dataset **ds = arg;
    bp_load_options load;
    bp_load_defaults(&load);
    bp_error err;
    if (bp_dataset_load(ds, SEEDS, &load, &err) != BP_OK) *ds = NULL;
    return NULL;
}

static void test_loading_at_once(void)
{
    bp_dataset *a = NULL, *b = NULL;
    pthread_t t;
    int started = pthread_create(&t, NULL, load_seeds, &a) == 0;
    load_seeds(&b);
    if (started) pthread_join(t, NULL);
    CHECK(started);
    CHECK(a != NULL && b != NULL);
    if (a && b) {
        CHECK_EQ_INT(bp_dataset_rows(a), bp_dataset_rows(b));
        size_t n = bp_dataset_rows(a) * bp_dataset_features(a);
        CHECK(memcmp(bp_dataset_x(a), bp_dataset_x(b), n * sizeof(bp_real)) == 0);
    }
    bp_dataset_free(a);
    bp_dataset_free(b);
}

int main(void)
{
    RUN(test_online_and_batch_training_at_once);
    RUN(test_two_batch_trainings_at_once);
    RUN(test_cross_validations_at_once);
    RUN(test_model_lifecycles_at_once);
    RUN(test_training_beside_cross_validation);
    RUN(test_loading_at_once);
    return harness_finish();
}
