/* Networks trained side by side (lockstep.c) end bit for bit where bp_train
 * leaves each of them alone, for every activation, loss and depth, with
 * lanes of different row counts, and a diverging lane is handed back as it
 * was given. */
#include "harness.h"

#include "backprop.h"
#include "fast/lockstep.h"
#include "data/dataset.h"
#include "core/loss.h"
#include "core/net.h"

#include <stdint.h>

enum { N_ROWS = 41, N_IN = 4, N_OUT = 3, LANES = BP_LOCKSTEP_LANES };

typedef struct config {
    const char *name;
    size_t n_hidden;
    size_t hidden[2];
    bp_activation hidden_act, output_act;
    bp_loss loss;
    int regression;
    bp_schedule schedule;
} config;

static const config configs[] = {
    {"tutorial 4-5-3 sigmoid sse", 1, {5, 0}, BP_ACT_SIGMOID, BP_ACT_SIGMOID, BP_LOSS_SSE, 0, BP_SCHEDULE_CONSTANT},
    {"8,4 sigmoid, step schedule", 2, {8, 4}, BP_ACT_SIGMOID, BP_ACT_SIGMOID, BP_LOSS_SSE, 0, BP_SCHEDULE_STEP},
    {"tanh + softmax xent", 1, {6, 0}, BP_ACT_TANH, BP_ACT_SOFTMAX, BP_LOSS_XENT, 0, BP_SCHEDULE_CONSTANT},
    {"relu + softmax sse", 2, {7, 3}, BP_ACT_RELU, BP_ACT_SOFTMAX, BP_LOSS_SSE, 0, BP_SCHEDULE_INVTIME},
    {"leaky + sigmoid xent", 1, {9, 0}, BP_ACT_LEAKY, BP_ACT_SIGMOID, BP_LOSS_XENT, 0, BP_SCHEDULE_CONSTANT},
    {"no hidden layer, mse", 0, {0, 0}, BP_ACT_SIGMOID, BP_ACT_SIGMOID, BP_LOSS_MSE, 0, BP_SCHEDULE_CONSTANT},
    {"regression tanh + linear", 1, {5, 0}, BP_ACT_TANH, BP_ACT_LINEAR, BP_LOSS_MSE, 1, BP_SCHEDULE_CONSTANT},
    {"regression relu + relu", 2, {6, 6}, BP_ACT_RELU, BP_ACT_RELU, BP_LOSS_SSE, 1, BP_SCHEDULE_CONSTANT},
};

typedef struct data {
    bp_real x[N_ROWS * N_IN];
    uint32_t label[N_ROWS];
    bp_real y[N_ROWS];
    size_t rows[LANES][N_ROWS];
} data;

static void make_data(data *d, uint64_t seed)
{
    bp_rng rng;
    bp_rng_seed(&rng, seed);
    for (size_t r = 0; r < N_ROWS; r++) {
        for (size_t i = 0; i < N_IN; i++) d->x[r * N_IN + i] = (bp_real)bp_rng_random(&rng);
        d->label[r] = (uint32_t)bp_rng_randrange(&rng, N_OUT);
        d->y[r] = d->x[r * N_IN] - (bp_real)0.5 * d->x[r * N_IN + 1];
    }
    /* Lane m trains on its own rows, in its own order, and on fewer of
     * them the higher m is (so the last steps of an epoch are partial). */
    for (size_t m = 0; m < LANES; m++)
        for (size_t k = 0; k < N_ROWS; k++) d->rows[m][k] = (k * (2 * m + 3) + m) % N_ROWS;
}

static size_t lane_rows(size_t m) { return N_ROWS - 4 * m; }

static bp_net *make_net_for(const config *c, size_t n_in, uint64_t seed)
{
    size_t widths[4] = {n_in, c->hidden[0], c->hidden[1], 0};
    bp_activation acts[3] = {c->hidden_act, c->hidden_act, c->output_act};
    widths[c->n_hidden + 1] = c->regression ? 1 : N_OUT;
    acts[c->n_hidden] = c->output_act;
    bp_net *net = NULL;
    bp_error err;
    if (bp_net_create(&net, c->n_hidden + 1, widths, acts, &err) != BP_OK) return NULL;
    bp_rng rng;
    bp_rng_seed(&rng, seed);
    bp_net_init(net, BP_INIT_XAVIER, &rng);
    return net;
}

static bp_net *make_net(const config *c, uint64_t seed) { return make_net_for(c, N_IN, seed); }

static bp_samples lane_samples(const data *d, const config *c, size_t m)
{
    bp_samples s = {d->x, N_IN, c->regression ? NULL : d->label, c->regression ? d->y : NULL,
                    c->regression ? 1 : N_OUT, d->rows[m], lane_rows(m), NULL};
    return s;
}

static void options_for(const config *c, bp_train_options *o)
{
    bp_train_defaults(o);
    o->epochs = 7;
    o->learning_rate = 0.2;
    o->loss = c->loss;
    o->schedule = c->schedule;
    o->step_epochs = 3;
    o->threads = 1;
}

/* Trains n lanes both ways and compares every parameter bit for bit. */
static int samples_match_bp_train(const config *c, const bp_samples *samples, size_t n)
{
    bp_train_options o;
    options_for(c, &o);
    bp_net *alone[LANES], *together[LANES];
    int same = 1;
    for (size_t m = 0; m < n; m++) {
        alone[m] = make_net_for(c, samples[m].n_inputs, 100 + m);
        together[m] = make_net_for(c, samples[m].n_inputs, 100 + m);
        bp_rng rng;
        bp_rng_seed(&rng, 1);
        bp_error err;
        if (!alone[m] || !together[m] || bp_train(alone[m], &samples[m], &o, &rng, &err) != BP_OK) same = 0;
    }
    unsigned char trained[LANES] = {0};
    bp_error err;
    if (same && bp_train_lockstep(together, samples, n, &o, trained, &err) != BP_OK) same = 0;
    for (size_t m = 0; same && m < n; m++) {
        size_t count;
        const bp_real *a = bp_net_params_const(alone[m], &count);
        const bp_real *b = bp_net_params_const(together[m], NULL);
        if (!trained[m] || memcmp(a, b, count * sizeof *a) != 0) same = 0;
    }
    for (size_t m = 0; m < n; m++) {
        bp_net_free(alone[m]);
        bp_net_free(together[m]);
    }
    return same;
}

static int lanes_match_bp_train(const config *c, const data *d, size_t n)
{
    bp_samples samples[LANES];
    for (size_t m = 0; m < n; m++) samples[m] = lane_samples(d, c, m);
    return samples_match_bp_train(c, samples, n);
}

static void test_every_configuration_matches_bp_train(void)
{
    data d;
    make_data(&d, 7);
    for (size_t i = 0; i < sizeof configs / sizeof configs[0]; i++)
        for (size_t n = 1; n <= LANES; n++) {
            int same = lanes_match_bp_train(&configs[i], &d, n);
            if (!same) fprintf(stderr, "  %s, %zu lanes: differs from bp_train\n", configs[i].name, n);
            CHECK(same);
        }
}

/* Rows so wide that the row cache holds only a few of them at a time: an
 * epoch passes through it in windows, and the lanes, of different row
 * counts, still end where bp_train leaves each of them. */
static void test_rows_past_the_row_cache_match_bp_train(void)
{
    const size_t rows_in_cache = 5;
    const size_t wide = BP_LOCKSTEP_ROW_CACHE_BYTES / (LANES * sizeof(bp_real)) / rows_in_cache;
    bp_real *x = malloc(N_ROWS * wide * sizeof *x);
    CHECK(x != NULL);
    if (!x) return;
    data d;
    make_data(&d, 13);
    bp_rng rng;
    bp_rng_seed(&rng, 17);
    for (size_t v = 0; v < N_ROWS * wide; v++) x[v] = (bp_real)bp_rng_random(&rng) / (bp_real)wide;
    const config *tried[] = {&configs[0], &configs[6]};
    for (size_t i = 0; i < sizeof tried / sizeof tried[0]; i++) {
        const config *c = tried[i];
        bp_samples samples[LANES];
        for (size_t m = 0; m < LANES; m++) {
            samples[m] = lane_samples(&d, c, m);
            samples[m].x = x;
            samples[m].n_inputs = wide;
        }
        int same = samples_match_bp_train(c, samples, LANES);
        if (!same) fprintf(stderr, "  %s, %zu inputs: differs from bp_train\n", c->name, wide);
        CHECK(same);
    }
    free(x);
}

/* One lane's data is so large that its linear output overflows: that lane
 * comes back untouched and marked untrained, the others trained. */
static void test_a_diverging_lane_is_handed_back(void)
{
    const config c = {"regression", 1, {4, 0}, BP_ACT_RELU, BP_ACT_LINEAR, BP_LOSS_SSE, 1,
                      BP_SCHEDULE_CONSTANT};
    data d, wild;
    make_data(&d, 3);
    wild = d;
    for (size_t r = 0; r < N_ROWS; r++) wild.y[r] = (bp_real)1e300;
    bp_train_options o;
    options_for(&c, &o);
    bp_net *nets[2] = {make_net(&c, 1), make_net(&c, 2)};
    bp_net *before = make_net(&c, 2), *expected = make_net(&c, 1);
    bp_samples samples[2] = {lane_samples(&d, &c, 0), lane_samples(&wild, &c, 1)};
    bp_rng rng;
    bp_rng_seed(&rng, 1);
    bp_error err;
    CHECK(bp_train(expected, &samples[0], &o, &rng, &err) == BP_OK);
    unsigned char trained[2] = {9, 9};
    CHECK(bp_train_lockstep(nets, samples, 2, &o, trained, &err) == BP_OK);
    CHECK_EQ_INT(trained[0], 1);
    CHECK_EQ_INT(trained[1], 0);
    size_t count;
    const bp_real *got = bp_net_params_const(nets[0], &count);
    CHECK(memcmp(got, bp_net_params_const(expected, NULL), count * sizeof(bp_real)) == 0);
    CHECK(memcmp(bp_net_params_const(nets[1], NULL), bp_net_params_const(before, NULL),
                 count * sizeof(bp_real)) == 0);
    /* Trained alone, the same lane reports where it diverged. */
    CHECK(bp_train(nets[1], &samples[1], &o, &rng, &err) == BP_ERR_NUMERIC);
    CHECK(strstr(err.message, "diverged at epoch 1") != NULL);
    bp_net_free(nets[0]);
    bp_net_free(nets[1]);
    bp_net_free(before);
    bp_net_free(expected);
}

static void test_a_stop_request_changes_nothing(void)
{
    const config *c = &configs[0];
    data d;
    make_data(&d, 5);
    bp_train_options o;
    options_for(c, &o);
    volatile int stop = 1;
    o.stop = &stop;
    bp_net *net = make_net(c, 1), *before = make_net(c, 1);
    bp_samples s = lane_samples(&d, c, 0);
    unsigned char trained[1];
    bp_error err;
    CHECK(bp_train_lockstep(&net, &s, 1, &o, trained, &err) == BP_ERR_INTERRUPTED);
    CHECK(strstr(err.message, "stopped at epoch 1") != NULL);
    size_t count;
    const bp_real *got = bp_net_params_const(net, &count);
    CHECK(memcmp(got, bp_net_params_const(before, NULL), count * sizeof(bp_real)) == 0);
    bp_net_free(net);
    bp_net_free(before);
}

static void test_what_cannot_run_side_by_side_is_refused(void)
{
    data d;
    make_data(&d, 5);
    bp_train_options o;
    options_for(&configs[0], &o);
    bp_net *nets[LANES + 1];
    bp_samples samples[LANES + 1];
    for (size_t m = 0; m <= LANES; m++) {
        nets[m] = make_net(&configs[m == 1 ? 1 : 0], m);
        samples[m] = lane_samples(&d, &configs[0], 0);
    }
    unsigned char trained[LANES + 1];
    bp_error err;
    CHECK(bp_train_lockstep(nets, samples, 0, &o, trained, &err) == BP_ERR_ARG);
    CHECK(bp_train_lockstep(nets, samples, LANES + 1, &o, trained, &err) == BP_ERR_ARG);
    CHECK(bp_train_lockstep(nets, samples, 2, &o, trained, &err) == BP_ERR_ARG); /* two shapes */
    CHECK(strstr(err.message, "one shape") != NULL);
    o.optimizer = BP_OPT_MOMENTUM;
    CHECK(!bp_lockstep_applies(&o, nets[0]->act, nets[0]->n_layers));
    CHECK(bp_train_lockstep(nets, samples, 1, &o, trained, &err) == BP_ERR_ARG);
    for (size_t m = 0; m <= LANES; m++) bp_net_free(nets[m]);
}

/* The smallest data set cross-validation runs on: make_data's rows. */
static bp_dataset dataset_of(data *d)
{
    bp_dataset ds;
    memset(&ds, 0, sizeof ds);
    ds.x = d->x;
    ds.n_rows = N_ROWS;
    ds.n_features = N_IN;
    ds.label = d->label;
    ds.n_classes = N_OUT;
    ds.source = (char *)"test";
    ds.task = BP_TASK_CLASSIFICATION;
    return ds;
}

static int count_epochs(void *user, const bp_epoch_report *report)
{
    (void)report;
    ++*(size_t *)user;
    return 0;
}

/* Cross-validation of ds with o: folds side by side (in lockstep where it
 * applies), or, with a progress callback, one after the other through
 * bp_train. */
static bp_status cross_validate(const bp_dataset *ds, bp_cv_options o, int one_by_one,
                                bp_cv_result *res, bp_error *err)
{
    size_t epochs = 0;
    if (one_by_one) {
        o.train.on_epoch = count_epochs;
        o.train.user = &epochs;
    }
    bp_rng rng;
    bp_rng_seed(&rng, 1);
    return bp_cross_validate(ds, &o, &rng, res, err);
}

/* Bad options give cross-validation bp_train's error, in lockstep too: its
 * groups run bp_train's checks before the lanes start. */
static void test_cross_validation_in_lockstep_reports_bp_train_errors(void)
{
    data d;
    make_data(&d, 5);
    bp_dataset ds = dataset_of(&d);
    bp_cv_options o;
    bp_cv_defaults(&o);
    o.folds = 3;
    o.train.epochs = 2;
    o.train.learning_rate = -1;
    CHECK(bp_lockstep_applies(&o.train, (const bp_activation[]){BP_ACT_SIGMOID, BP_ACT_SIGMOID}, 2));
    bp_cv_result res;
    bp_error together, alone;
    CHECK(cross_validate(&ds, o, 0, &res, &together) == BP_ERR_ARG);
    CHECK(cross_validate(&ds, o, 1, &res, &alone) == BP_ERR_ARG);
    CHECK(strstr(together.message, "learning rate") != NULL);
    CHECK_STR(together.message, alone.message);
}

/* Every loss, every output activation it pairs with, every hidden
 * activation: where bp_lockstep_applies() says the lanes can train it,
 * they end bit for bit where bp_train does; where it says no,
 * bp_train_lockstep refuses. A loss added to the enum and sent down some
 * other loss's lane code would fail here. */
static void test_lockstep_applies_only_where_it_matches_bp_train(void)
{
    data d;
    make_data(&d, 19);
    for (int l = 0; l < BP_LOSS_COUNT; l++)
        for (int out = 0; out < BP_ACT_COUNT; out++)
            for (int hid = 0; hid < BP_ACT_COUNT; hid++) {
                if (hid == BP_ACT_SOFTMAX) continue; /* for the output layer only */
                config c = {"", 1, {5, 0}, (bp_activation)hid, (bp_activation)out, (bp_loss)l, 0,
                            BP_SCHEDULE_CONSTANT};
                bp_error err;
                if (bp_loss_check_pairing(c.loss, c.output_act, N_OUT, &err) != BP_OK) continue;
                bp_train_options o;
                options_for(&c, &o);
                bp_net *net = make_net(&c, 1);
                CHECK(net != NULL);
                if (!net) return;
                int applies = bp_lockstep_applies(&o, net->act, net->n_layers);
                int ok;
                if (applies) {
                    ok = lanes_match_bp_train(&c, &d, LANES);
                } else {
                    bp_samples s = lane_samples(&d, &c, 0);
                    unsigned char trained[1];
                    ok = bp_train_lockstep(&net, &s, 1, &o, trained, &err) == BP_ERR_ARG;
                }
                if (!ok) {
                    fprintf(stderr, "  %s loss, %s hidden, %s output: lockstep %s\n", bp_loss_name(c.loss),
                            bp_activation_name(c.hidden_act), bp_activation_name(c.output_act),
                            applies ? "differs from bp_train" : "refused but ran");
                    CHECK(0);
                }
                bp_net_free(net);
            }
}

/* Cross-validation gives the same result for every loss whether its folds
 * go through the lanes or one by one through bp_train (a loss the lanes
 * refuse must take the second way). */
static void test_cross_validation_matches_bp_train_for_every_loss(void)
{
    data d;
    make_data(&d, 23);
    bp_dataset ds = dataset_of(&d);
    for (int l = 0; l < BP_LOSS_COUNT; l++) {
        bp_cv_options o;
        bp_cv_defaults(&o);
        o.folds = 5;
        o.train.epochs = 9;
        o.train.loss = (bp_loss)l;
        o.net.output_act = o.train.loss == BP_LOSS_XENT ? BP_ACT_SOFTMAX : BP_ACT_SIGMOID;
        bp_cv_result together, alone;
        bp_error err;
        CHECK(cross_validate(&ds, o, 0, &together, &err) == BP_OK);
        CHECK(cross_validate(&ds, o, 1, &alone, &err) == BP_OK);
        if (memcmp(together.scores, alone.scores, o.folds * sizeof *together.scores) != 0 ||
            memcmp(together.proba, alone.proba, N_ROWS * N_OUT * sizeof *together.proba) != 0) {
            fprintf(stderr, "  %s: cross-validation side by side differs from bp_train\n",
                    bp_loss_name(o.train.loss));
            CHECK(0);
        }
        bp_cv_result_free(&together);
        bp_cv_result_free(&alone);
    }
}

/* Cross-validation gives the same folds, scores and probabilities whatever
 * the number of threads (and so of lockstep groups). */
static void test_cross_validation_does_not_depend_on_threads(void)
{
    data d;
    make_data(&d, 11);
    bp_dataset ds = dataset_of(&d);
    bp_cv_result res[3];
    for (size_t t = 0; t < 3; t++) {
        bp_cv_options o;
        bp_cv_defaults(&o);
        o.folds = 7;
        o.train.epochs = 20;
        o.train.threads = t + 1;
        bp_rng rng;
        bp_rng_seed(&rng, 1);
        bp_error err;
        CHECK(bp_cross_validate(&ds, &o, &rng, &res[t], &err) == BP_OK);
    }
    for (size_t t = 1; t < 3; t++) {
        CHECK(memcmp(res[0].scores, res[t].scores, 7 * sizeof *res[0].scores) == 0);
        CHECK(memcmp(res[0].proba, res[t].proba, N_ROWS * N_OUT * sizeof *res[0].proba) == 0);
    }
    for (size_t t = 0; t < 3; t++) bp_cv_result_free(&res[t]);
}

int main(void)
{
    RUN(test_every_configuration_matches_bp_train);
    RUN(test_rows_past_the_row_cache_match_bp_train);
    RUN(test_a_diverging_lane_is_handed_back);
    RUN(test_a_stop_request_changes_nothing);
    RUN(test_what_cannot_run_side_by_side_is_refused);
    RUN(test_cross_validation_in_lockstep_reports_bp_train_errors);
    RUN(test_lockstep_applies_only_where_it_matches_bp_train);
    RUN(test_cross_validation_matches_bp_train_for_every_loss);
    RUN(test_cross_validation_does_not_depend_on_threads);
    return harness_finish();
}
