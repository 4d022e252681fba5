/* Row and class weights in training: the weighted gradient is the
 * gradient of the weighted loss (finite differences), a weight of 2 is a
 * row counted twice, uniform weights change nothing, "balanced" is
 * scikit-learn's, and bad weights are refused. */
#include "backprop.h"
#include "harness.h"
#include "core/loss.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { N_IN = 3, N_OUT = 3, ROWS = 24 };

typedef struct fixture {
    bp_real x[(ROWS + 1) * N_IN];
    uint32_t label[ROWS + 1];
    bp_real weight[ROWS + 1];
} fixture;

static void make_fixture(fixture *f)
{
    bp_rng rng;
    bp_rng_seed(&rng, 11);
    for (size_t r = 0; r <= ROWS; r++) {
        for (size_t i = 0; i < N_IN; i++) f->x[r * N_IN + i] = (bp_real)(bp_rng_random(&rng) * 2 - 1);
        f->label[r] = (uint32_t)(r % 5 == 0 ? 2 : r % 2); /* class 2 the rare one */
        f->weight[r] = (bp_real)(0.5 + (double)(r % 4));
    }
}

static bp_net *make_net(const bp_net *like)
{
    const size_t widths[3] = {N_IN, 5, N_OUT};
    const bp_activation acts[2] = {BP_ACT_TANH, BP_ACT_SOFTMAX};
    bp_net *net;
    bp_error err;
    if (like) return bp_net_clone(&net, like, &err) == BP_OK ? net : NULL;
    if (bp_net_create(&net, 2, widths, acts, &err) != BP_OK) return NULL;
    bp_rng rng;
    bp_rng_seed(&rng, 3);
    bp_net_init(net, BP_INIT_XAVIER, &rng);
    return net;
}

/* One full-batch SGD step of rate lr on the samples. */
static bp_status one_step(bp_net *net, const bp_samples *s, const bp_train_options *base, double lr)
{
    bp_train_options o = *base;
    o.learning_rate = lr;
    o.epochs = 1;
    o.batch_size = 0;
    o.loss = BP_LOSS_XENT;
    o.shuffle = 0;
    bp_rng rng;
    bp_rng_seed(&rng, 1);
    bp_error err;
    return bp_train(net, s, &o, &rng, &err);
}

/* sum_r w_r c_r loss_r / sum_r w_r c_r over the first `rows` rows. */
static double weighted_loss(bp_net *net, const fixture *f, const double *class_w, size_t rows)
{
    double sum = 0, weights = 0;
    for (size_t r = 0; r < rows; r++) {
        const bp_real *out = bp_net_forward(net, f->x + r * N_IN);
        bp_real t[N_OUT] = {0};
        t[f->label[r]] = 1;
        double w = (double)f->weight[r] * (class_w ? class_w[f->label[r]] : 1);
        sum += w * bp_loss_row(BP_LOSS_XENT, BP_ACT_SOFTMAX, out, t, N_OUT);
        weights += w;
    }
    return sum / weights;
}

static void test_weighted_gradient_matches_finite_differences(void)
{
    fixture f;
    make_fixture(&f);
    const double class_w[N_OUT] = {1, 0.5, 4};
    bp_samples s = {f.x, N_IN, f.label, NULL, N_OUT, NULL, ROWS, f.weight};
    bp_train_options o;
    bp_train_defaults(&o);
    o.class_weight = class_w;
    bp_net *net = make_net(NULL), *stepped = make_net(net);
    CHECK(net && stepped);
    const double lr = 1e-3;
    CHECK(one_step(stepped, &s, &o, lr) == BP_OK);
    size_t n;
    bp_real *p = bp_net_params(net, &n);
    const bp_real *after = bp_net_params_const(stepped, NULL);
    double worst = 0;
    for (size_t i = 0; i < n; i++) {
        const double h = 1e-6;
        bp_real keep = p[i];
        p[i] = keep + (bp_real)h;
        double up = weighted_loss(net, &f, class_w, ROWS);
        p[i] = keep - (bp_real)h;
        double down = weighted_loss(net, &f, class_w, ROWS);
        p[i] = keep;
        double numeric = (up - down) / (2 * h), trained = ((double)keep - (double)after[i]) / lr;
        worst = fmax(worst, fabs(numeric - trained) / fmax(1e-3, fabs(numeric)));
    }
    if (sizeof(bp_real) == sizeof(double)) CHECK(worst < 1e-5);
    bp_net_free(net);
    bp_net_free(stepped);
}

/* Weight 2 on the last row = that row twice (full batch: the weighted mean). */
static void test_a_weight_of_two_is_a_row_counted_twice(void)
{
    fixture f;
    make_fixture(&f);
    for (size_t r = 0; r < ROWS; r++) f.weight[r] = 1;
    f.weight[ROWS - 1] = 2;
    fixture twice = f; /* row ROWS repeats row ROWS - 1 */
    memcpy(twice.x + ROWS * N_IN, twice.x + (ROWS - 1) * N_IN, N_IN * sizeof *twice.x);
    twice.label[ROWS] = twice.label[ROWS - 1];
    bp_samples weighted = {f.x, N_IN, f.label, NULL, N_OUT, NULL, ROWS, f.weight};
    bp_samples repeated = {twice.x, N_IN, twice.label, NULL, N_OUT, NULL, ROWS + 1, NULL};
    bp_train_options o;
    bp_train_defaults(&o);
    bp_net *a = make_net(NULL), *b = make_net(a);
    CHECK(a && b);
    for (int step = 0; step < 20; step++) {
        CHECK(one_step(a, &weighted, &o, 0.5) == BP_OK);
        CHECK(one_step(b, &repeated, &o, 0.5) == BP_OK);
    }
    size_t n;
    const bp_real *pa = bp_net_params_const(a, &n), *pb = bp_net_params_const(b, NULL);
    double worst = 0;
    for (size_t i = 0; i < n; i++) worst = fmax(worst, fabs((double)pa[i] - (double)pb[i]));
    CHECK(worst < (sizeof(bp_real) == 4 ? 1e-4 : 1e-12));
    bp_net_free(a);
    bp_net_free(b);
}

/* The same weight on every class, in batches and one row at a time: the
 * model of no weights, bit for bit (scaled to a mean of 1, each is 1). */
static void test_uniform_class_weights_change_nothing(void)
{
    fixture f;
    make_fixture(&f);
    const double class_w[N_OUT] = {2, 2, 2};
    bp_samples s = {f.x, N_IN, f.label, NULL, N_OUT, NULL, ROWS, NULL};
    for (size_t batch = 1; batch <= 8; batch += 7) {
        bp_train_options plain, weighted;
        bp_train_defaults(&plain);
        plain.batch_size = batch;
        plain.loss = BP_LOSS_XENT;
        plain.optimizer = batch == 1 ? BP_OPT_SGD : BP_OPT_ADAM;
        plain.learning_rate = batch == 1 ? 0.1 : 0.01;
        plain.epochs = 10;
        plain.shuffle = 1;
        weighted = plain;
        weighted.class_weight = class_w;
        bp_net *a = make_net(NULL), *b = make_net(a);
        bp_rng ra, rb;
        bp_rng_seed(&ra, 7);
        bp_rng_seed(&rb, 7);
        bp_error err;
        CHECK(bp_train(a, &s, &plain, &ra, &err) == BP_OK);
        CHECK(bp_train(b, &s, &weighted, &rb, &err) == BP_OK);
        size_t n;
        const bp_real *pa = bp_net_params_const(a, &n), *pb = bp_net_params_const(b, NULL);
        CHECK(memcmp(pa, pb, n * sizeof *pa) == 0);
        bp_net_free(a);
        bp_net_free(b);
    }
}

/* A rare class weighs more with "balanced": its rows' outputs rise. */
static void test_balanced_weights_favour_the_rare_class(void)
{
    const uint32_t label[8] = {0, 0, 0, 0, 0, 0, 1, 1};
    double w[3];
    bp_error err;
    CHECK(bp_class_weights_balanced(label, NULL, 8, 3, w, &err) == BP_OK);
    CHECK_NEAR(w[0], 8.0 / (3 * 6), 1e-15);
    CHECK_NEAR(w[1], 8.0 / (3 * 2), 1e-15);
    CHECK_EQ_DBL(w[2], 1.0); /* no rows: nothing to weigh */
    const size_t some[3] = {0, 6, 7};
    CHECK(bp_class_weights_balanced(label, some, 3, 2, w, &err) == BP_OK);
    CHECK_NEAR(w[0], 3.0 / 2, 1e-15);
    CHECK_NEAR(w[1], 3.0 / 4, 1e-15);

    fixture f;
    make_fixture(&f);
    bp_samples s = {f.x, N_IN, f.label, NULL, N_OUT, NULL, ROWS, NULL};
    bp_train_options o;
    bp_train_defaults(&o);
    bp_net *plain = make_net(NULL), *balanced = make_net(plain);
    for (int step = 0; step < 30; step++) {
        CHECK(one_step(plain, &s, &o, 0.5) == BP_OK);
        o.balanced = 1;
        CHECK(one_step(balanced, &s, &o, 0.5) == BP_OK);
        o.balanced = 0;
    }
    double rare_plain = 0, rare_balanced = 0;
    for (size_t r = 0; r < ROWS; r += 5) {
        rare_plain += bp_net_forward(plain, f.x + r * N_IN)[2];
        rare_balanced += bp_net_forward(balanced, f.x + r * N_IN)[2];
    }
    CHECK(rare_balanced > rare_plain);
    bp_net_free(plain);
    bp_net_free(balanced);
}

static void test_bad_weights_are_refused(void)
{
    fixture f;
    make_fixture(&f);
    bp_train_options o;
    bp_train_defaults(&o);
    bp_error err;
    bp_rng rng;
    bp_rng_seed(&rng, 1);
    bp_net *net = make_net(NULL);
    const bp_real bad[3] = {0, -1, NAN};
    for (size_t k = 0; k < 3; k++) {
        f.weight[4] = bad[k];
        bp_samples s = {f.x, N_IN, f.label, NULL, N_OUT, NULL, ROWS, f.weight};
        CHECK(bp_train(net, &s, &o, &rng, &err) == BP_ERR_ARG);
        CHECK(strstr(err.message, "row 5") != NULL);
    }
    const double zero_class[N_OUT] = {1, 0, 1};
    o.class_weight = zero_class;
    bp_samples s = {f.x, N_IN, f.label, NULL, N_OUT, NULL, ROWS, NULL};
    CHECK(bp_train(net, &s, &o, &rng, &err) == BP_ERR_ARG);
    CHECK(strstr(err.message, "class 2") != NULL);
    bp_real y[ROWS * N_OUT] = {0};
    bp_samples regression = {f.x, N_IN, NULL, y, N_OUT, NULL, ROWS, NULL};
    o.class_weight = NULL;
    o.balanced = 1;
    o.loss = BP_LOSS_MSE;
    CHECK(bp_train(net, &regression, &o, &rng, &err) == BP_ERR_ARG);
    CHECK(strstr(err.message, "classification") != NULL);
    bp_net_free(net);
}

int main(void)
{
    RUN(test_weighted_gradient_matches_finite_differences);
    RUN(test_a_weight_of_two_is_a_row_counted_twice);
    RUN(test_uniform_class_weights_change_nothing);
    RUN(test_balanced_weights_favour_the_rare_class);
    RUN(test_bad_weights_are_refused);
    return harness_finish();
}
