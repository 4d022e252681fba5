/* What training notices about itself (bp_train_diagnostics): looking does
 * not change what is trained, and each sign shows where it should. */
#include "backprop.h"
#include "harness.h"

#include <string.h>

enum { ROWS = 60, INPUTS = 4 };

typedef struct problem {
    bp_real x[ROWS * INPUTS];
    uint32_t label[ROWS];
    bp_samples samples;
} problem;

static void make_problem(problem *p)
{
    bp_rng rng;
    bp_rng_seed(&rng, 21);
    for (size_t r = 0; r < ROWS; r++) {
        for (size_t i = 0; i < INPUTS; i++) p->x[r * INPUTS + i] = (bp_real)bp_rng_random(&rng);
        p->label[r] = p->x[r * INPUTS] > p->x[r * INPUTS + 1];
    }
    p->samples = (bp_samples){.x = p->x, .n_inputs = INPUTS, .label = p->label, .n_outputs = 2, .n_rows = ROWS};
}

static bp_net *make_net(bp_activation hidden, bp_init init)
{
    size_t widths[3] = {INPUTS, 6, 2};
    bp_activation acts[2] = {hidden, BP_ACT_SIGMOID};
    bp_net *net;
    bp_error err;
    if (bp_net_create(&net, 2, widths, acts, &err) != BP_OK) return NULL;
    bp_rng rng;
    bp_rng_seed(&rng, 4);
    bp_net_init(net, init, &rng);
    return net;
}

static bp_status train(bp_net *net, const problem *p, bp_train_options *o)
{
    bp_rng rng;
    bp_rng_seed(&rng, 2);
    bp_error err;
    return bp_train(net, &p->samples, o, &rng, &err);
}

/* The first layer's weights and biases all set to w. */
static void set_first_layer(bp_net *net, bp_real w)
{
    bp_real *W = bp_net_weights(net, 0), *b = bp_net_bias(net, 0);
    for (size_t i = 0; i < 6 * INPUTS; i++) W[i] = w;
    for (size_t j = 0; j < 6; j++) b[j] = w;
}

static void test_looking_does_not_change_the_model(void)
{
    problem p;
    make_problem(&p);
    size_t batches[] = {1, 8};
    bp_optimizer opts[] = {BP_OPT_SGD, BP_OPT_ADAM};
    for (size_t b = 0; b < 2; b++) {
        for (size_t k = 0; k < 2; k++) {
            bp_net *plain = make_net(BP_ACT_TANH, BP_INIT_XAVIER), *watched = make_net(BP_ACT_TANH, BP_INIT_XAVIER);
            bp_train_options o;
            bp_train_defaults(&o);
            o.epochs = 7;
            o.batch_size = batches[b];
            o.optimizer = opts[k];
            o.shuffle = 1;
            o.validation = 0.2;
            CHECK_EQ_INT(train(plain, &p, &o), BP_OK);
            bp_train_diagnostics d;
            o.diagnostics = &d;
            CHECK_EQ_INT(train(watched, &p, &o), BP_OK);
            size_t n;
            const bp_real *a = bp_net_params_const(plain, &n), *c = bp_net_params_const(watched, &n);
            CHECK(memcmp(a, c, n * sizeof *a) == 0);
            CHECK_EQ_INT(d.epochs_run, 7);
            CHECK_EQ_INT(d.rows_checked, ROWS - 12); /* the training rows, fewer than BP_DIAGNOSE_ROWS */
            CHECK_EQ_INT(d.squashing_units, 6);
            CHECK_EQ_INT(d.relu_units, 0);
            bp_net_free(plain);
            bp_net_free(watched);
        }
    }
}

static void test_saturated_and_dead_units_are_counted(void)
{
    problem p;
    make_problem(&p);
    bp_train_options o;
    bp_train_defaults(&o);
    o.epochs = 3;
    o.learning_rate = 0.01;
    bp_train_diagnostics d;
    o.diagnostics = &d;

    bp_net *net = make_net(BP_ACT_SIGMOID, BP_INIT_UNIFORM);
    set_first_layer(net, 20); /* every sum far above the sigmoid's knee */
    CHECK_EQ_INT(train(net, &p, &o), BP_OK);
    CHECK_EQ_INT(d.saturated_units, 6);
    CHECK_EQ_INT(d.squashing_units, 6);
    bp_net_free(net);

    net = make_net(BP_ACT_RELU, BP_INIT_HE);
    set_first_layer(net, -1); /* inputs in [0, 1): every sum below 0 */
    CHECK_EQ_INT(train(net, &p, &o), BP_OK);
    CHECK_EQ_INT(d.dead_units, 6);
    CHECK_EQ_INT(d.relu_units, 6);
    bp_net_free(net);

    net = make_net(BP_ACT_TANH, BP_INIT_XAVIER); /* a healthy start */
    CHECK_EQ_INT(train(net, &p, &o), BP_OK);
    CHECK_EQ_INT(d.saturated_units, 0);
    CHECK_EQ_INT(d.dead_units, 0);
    bp_net_free(net);
}

static void test_a_loss_that_does_not_move_is_flat(void)
{
    problem p;
    make_problem(&p);
    bp_train_options o;
    bp_train_defaults(&o);
    o.epochs = 12;
    bp_train_diagnostics d;
    o.diagnostics = &d;
    bp_net *net = make_net(BP_ACT_SIGMOID, BP_INIT_UNIFORM);
    o.learning_rate = 1e-12;
    CHECK_EQ_INT(train(net, &p, &o), BP_OK);
    CHECK_EQ_INT(d.flat_epochs, 11);
    CHECK(d.last_loss > 0.99 * d.first_loss);
    bp_net_free(net);
    net = make_net(BP_ACT_SIGMOID, BP_INIT_UNIFORM);
    o.learning_rate = 0.5;
    CHECK_EQ_INT(train(net, &p, &o), BP_OK);
    CHECK_EQ_INT(d.flat_epochs, 0);
    bp_net_free(net);
}

static void test_early_stopping_says_where(void)
{
    problem p;
    make_problem(&p);
    bp_train_options o;
    bp_train_defaults(&o);
    o.epochs = 500;
    o.optimizer = BP_OPT_ADAM;
    o.learning_rate = 0.2;
    o.validation = 0.3;
    o.patience = 4;
    bp_train_diagnostics d;
    o.diagnostics = &d;
    bp_net *net = make_net(BP_ACT_TANH, BP_INIT_XAVIER);
    CHECK_EQ_INT(train(net, &p, &o), BP_OK);
    CHECK(d.stopped_epoch > 0 && d.stopped_epoch < 500);
    CHECK_EQ_INT(d.stopped_epoch, d.epochs_run);
    CHECK_EQ_INT(d.best_epoch + o.patience, d.stopped_epoch);
    bp_net_free(net);
}

int main(void)
{
    RUN(test_looking_does_not_change_the_model);
    RUN(test_saturated_and_dead_units_are_counted);
    RUN(test_a_loss_that_does_not_move_is_flat);
    RUN(test_early_stopping_says_where);
    return harness_finish();
}
