/* The search (bp_tune) and cross-validation of a subset of the rows: each
 * trial is the candidate's own cross-validation, the same on any number of
 * threads; limits, halving and refusals do what they say. */
#include "backprop.h"
#include "harness.h"

#include <unistd.h>

enum { ROWS = 90 };

/* Three classes the first two features tell apart, in a temporary file. */
static bp_dataset *make_data(void)
{
    char path[] = "/tmp/bp_tune_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return NULL;
    FILE *f = fdopen(fd, "w");
    bp_rng rng;
    bp_rng_seed(&rng, 5);
    for (int i = 0; i < ROWS; i++) {
        int k = i % 3;
        fprintf(f, "%.4f,%.4f,%.4f,c%d\n", k + 0.6 * bp_rng_random(&rng), (k == 1) + 0.6 * bp_rng_random(&rng),
                bp_rng_random(&rng), k);
    }
    fclose(f);
    bp_load_options load;
    bp_load_defaults(&load);
    bp_dataset *ds = NULL;
    bp_error err;
    if (bp_dataset_load(&ds, path, &load, &err) != BP_OK) ds = NULL;
    unlink(path);
    return ds;
}

static const size_t widths[3][1] = {{2}, {6}, {12}};

static void make_candidates(bp_cv_options *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        bp_cv_defaults(&c[i]);
        c[i].net.hidden = widths[i % 3];
        c[i].net.n_hidden = 1;
        c[i].net.output_act = BP_ACT_SOFTMAX;
        c[i].train.loss = BP_LOSS_XENT;
        c[i].train.optimizer = BP_OPT_ADAM;
        c[i].train.learning_rate = i < 3 ? 0.01 : 0.001;
        c[i].train.batch_size = 8;
        c[i].train.shuffle = 1;
        c[i].train.epochs = 27;
        c[i].folds = 3;
    }
}

/* A search of six candidates over the made-up data. */
typedef struct fixture {
    bp_dataset *ds;
    bp_cv_options c[6];
    bp_tune_options o;
    bp_rng rng;
} fixture;

static int setup(fixture *f)
{
    f->ds = make_data();
    make_candidates(f->c, 6);
    bp_tune_defaults(&f->o);
    f->o.candidates = f->c;
    f->o.n_candidates = 6;
    bp_rng_seed(&f->rng, 3);
    return f->ds != NULL;
}

static void test_each_trial_is_the_candidates_cross_validation(void)
{
    fixture fx;
    CHECK(setup(&fx));
    if (!fx.ds) return;
    bp_dataset *ds = fx.ds;
    bp_cv_options *c = fx.c;
    bp_tune_options o = fx.o;
    bp_rng rng = fx.rng;
    bp_error err;
    bp_tune_result one, two;
    o.threads = 1;
    CHECK_EQ_INT(bp_tune(ds, &o, &rng, &one, &err), BP_OK);
    o.threads = 2;
    CHECK_EQ_INT(bp_tune(ds, &o, &rng, &two, &err), BP_OK);
    CHECK_EQ_INT(one.n_trials, 6);
    CHECK_EQ_INT(two.n_trials, 6);
    size_t best = 0;
    for (size_t i = 0; i < 6 && i < one.n_trials && i < two.n_trials; i++) {
        CHECK_EQ_INT(one.trials[i].candidate, i);
        CHECK_EQ_DBL(one.trials[i].mean, two.trials[i].mean); /* the thread count changes nothing */
        bp_rng r = rng;
        bp_cv_result res;
        CHECK_EQ_INT(bp_cross_validate(ds, &c[i], &r, &res, &err), BP_OK);
        double mean, std;
        CHECK_EQ_INT(bp_cv_score(ds, &res, BP_METRIC_ACCURACY, &mean, &std, &err), BP_OK);
        CHECK_EQ_DBL(one.trials[i].mean, mean);
        CHECK_EQ_DBL(one.trials[i].mean, res.mean / 100);
        CHECK_EQ_DBL(one.trials[i].std, std);
        bp_cv_result_free(&res);
        if (one.trials[i].mean > one.trials[best].mean) best = i;
    }
    CHECK_EQ_INT(one.best, best);
    CHECK(!one.cut);
    bp_tune_result_free(&one);
    bp_tune_result_free(&two);
    bp_dataset_free(ds);
}

static void test_limits_and_halving(void)
{
    fixture fx;
    CHECK(setup(&fx));
    if (!fx.ds) return;
    bp_dataset *ds = fx.ds;
    bp_tune_options o = fx.o;
    bp_rng rng = fx.rng;
    bp_error err;
    bp_tune_result res;

    o.max_trials = 4; /* the first four, on any number of threads */
    CHECK_EQ_INT(bp_tune(ds, &o, &rng, &res, &err), BP_OK);
    CHECK_EQ_INT(res.n_trials, 4);
    CHECK(res.cut);
    for (size_t i = 0; i < res.n_trials; i++) CHECK_EQ_INT(res.trials[i].candidate, i);
    bp_tune_result_free(&res);

    o.max_trials = 0;
    o.halving = 1; /* 6 on 9 epochs, then 2 on 27 */
    CHECK_EQ_INT(bp_tune(ds, &o, &rng, &res, &err), BP_OK);
    CHECK_EQ_INT(res.n_trials, 8);
    CHECK_EQ_INT(res.planned, 8);
    size_t last = 0;
    for (size_t i = 0; i < res.n_trials; i++) {
        CHECK_EQ_INT(res.trials[i].epochs, res.trials[i].rung == 0 ? 9 : 27);
        last += res.trials[i].rung == 1;
    }
    CHECK_EQ_INT(last, 2);
    CHECK_EQ_INT(res.trials[res.best].rung, 1);
    bp_tune_result_free(&res);

    volatile sig_atomic_t stop = 1; /* stopped at once: nothing finished */
    o.halving = 0;
    o.stop = &stop;
    CHECK_EQ_INT(bp_tune(ds, &o, &rng, &res, &err), BP_ERR_INTERRUPTED);
    bp_dataset_free(ds);
}

static void test_refusals_before_training(void)
{
    fixture fx;
    CHECK(setup(&fx));
    if (!fx.ds) return;
    bp_dataset *ds = fx.ds;
    bp_cv_options *c = fx.c;
    bp_tune_options o = fx.o;
    o.n_candidates = 2;
    bp_rng rng = fx.rng;
    bp_error err;
    bp_tune_result res;
    o.metric = BP_METRIC_RMSE;
    CHECK_EQ_INT(bp_tune(ds, &o, &rng, &res, &err), BP_ERR_ARG);
    CHECK(strstr(err.message, "does not score a classification") != NULL);
    o.metric = BP_METRIC_ACCURACY;
    c[1].folds = 1000;
    CHECK_EQ_INT(bp_tune(ds, &o, &rng, &res, &err), BP_ERR_ARG);
    CHECK(strstr(err.message, "candidate 2") != NULL);
    o.n_candidates = 0;
    CHECK_EQ_INT(bp_tune(ds, &o, &rng, &res, &err), BP_ERR_ARG);
    for (int m = 0; m < BP_METRIC_COUNT; m++) {
        bp_metric back;
        CHECK_EQ_INT(bp_metric_parse(bp_metric_name((bp_metric)m), &back, &err), BP_OK);
        CHECK_EQ_INT(back, m);
        CHECK(bp_metric_fits((bp_metric)m, BP_TASK_CLASSIFICATION) != bp_metric_fits((bp_metric)m, BP_TASK_REGRESSION));
    }
    bp_dataset_free(ds);
}

/* Cross-validating a subset: its rows, each once, and nothing else. */
static void test_cross_validation_of_a_subset(void)
{
    bp_dataset *ds = make_data();
    CHECK(ds != NULL);
    if (!ds) return;
    bp_cv_options c;
    make_candidates(&c, 1);
    size_t rows[45];
    for (size_t i = 0; i < 45; i++) rows[i] = 2 * i + 1;
    c.rows = rows;
    c.n_rows = 45;
    c.stratify = 1;
    bp_rng rng;
    bp_rng_seed(&rng, 3);
    bp_error err;
    bp_cv_result res;
    CHECK_EQ_INT(bp_cross_validate(ds, &c, &rng, &res, &err), BP_OK);
    CHECK_EQ_INT(res.fold_start[res.folds], 45);
    unsigned char seen[ROWS] = {0};
    for (size_t i = 0; i < 45; i++) seen[res.fold_rows[i]]++;
    for (size_t r = 0; r < ROWS; r++) CHECK_EQ_INT(seen[r], r % 2);
    bp_cv_result_free(&res);
    rows[3] = ROWS; /* past the last row */
    CHECK_EQ_INT(bp_cross_validate(ds, &c, &rng, &res, &err), BP_ERR_ARG);
    bp_dataset_free(ds);
}

int main(void)
{
    RUN(test_each_trial_is_the_candidates_cross_validation);
    RUN(test_limits_and_halving);
    RUN(test_refusals_before_training);
    RUN(test_cross_validation_of_a_subset);
    return harness_finish();
}
