/* Golden tests: the tutorial's sections 1-5, bit for bit (double build). */
#include "backprop.h"
#include "harness.h"

#include <stdlib.h>

#ifndef BP_REAL_FLOAT

static const double contrived[10][3] = {
    {2.7810836, 2.550537003, 0},   {1.465489372, 2.362125076, 0},
    {3.396561688, 4.400293529, 0}, {1.38807019, 1.850220317, 0},
    {3.06407232, 3.005305973, 0},  {7.627531214, 2.759262235, 1},
    {5.332441248, 2.088626775, 1}, {6.922596716, 1.77106367, 1},
    {8.675418651, -0.242068655, 1}, {7.673756466, 3.508563011, 1},
};

static bp_net *tutorial_net(size_t n_in, size_t n_hidden, size_t n_out)
{
    size_t widths[3] = {n_in, n_hidden, n_out};
    bp_net *net = NULL;
    bp_error err;
    if (bp_net_create(&net, 2, widths, NULL, &err) != BP_OK) return NULL;
    return net;
}

/* Sets one layer from the tutorial's "weights then bias" lists. */
static void set_layer(bp_net *net, size_t layer, const double *rows)
{
    size_t n_in = bp_net_width(net, layer), n_out = bp_net_width(net, layer + 1);
    for (size_t j = 0; j < n_out; j++) {
        for (size_t i = 0; i < n_in; i++) bp_net_weights(net, layer)[j * n_in + i] = rows[j * (n_in + 1) + i];
        bp_net_bias(net, layer)[j] = rows[j * (n_in + 1) + n_in];
    }
}

static void check_layer(bp_net *net, size_t layer, const double *rows)
{
    size_t n_in = bp_net_width(net, layer), n_out = bp_net_width(net, layer + 1);
    for (size_t j = 0; j < n_out; j++) {
        for (size_t i = 0; i < n_in; i++)
            CHECK_EQ_DBL(bp_net_weights(net, layer)[j * n_in + i], rows[j * (n_in + 1) + i]);
        CHECK_EQ_DBL(bp_net_bias(net, layer)[j], rows[j * (n_in + 1) + n_in]);
    }
}

static const double initial_hidden[] = {0.13436424411240122, 0.8474337369372327, 0.763774618976614};
static const double initial_output[] = {0.2550690257394217, 0.49543508709194095,
                                        0.4494910647887381, 0.651592972722763};

static void test_section1_initialize(void)
{
    bp_net *net = tutorial_net(2, 1, 2);
    bp_rng rng;
    bp_rng_seed(&rng, 1);
    bp_net_init(net, BP_INIT_UNIFORM, &rng);
    check_layer(net, 0, initial_hidden);
    check_layer(net, 1, initial_output);
    bp_net_free(net);
}

static void test_section2_forward(void)
{
    bp_net *net = tutorial_net(2, 1, 2);
    set_layer(net, 0, initial_hidden);
    set_layer(net, 1, initial_output);
    const bp_real row[2] = {1, 0};
    const bp_real *out = bp_net_forward(net, row);
    CHECK_EQ_DBL(out[0], 0.6629970129852887);
    CHECK_EQ_DBL(out[1], 0.7253160725279748);
    bp_net_free(net);
}

static void test_section3_backward(void)
{
    bp_net *net = tutorial_net(2, 1, 2);
    set_layer(net, 0, initial_hidden);
    set_layer(net, 1, initial_output);
    bp_net_outputs(net, 0)[0] = 0.7105668883115941;
    bp_net_outputs(net, 1)[0] = 0.6213859615555266;
    bp_net_outputs(net, 1)[1] = 0.6573693455986976;
    const bp_real expected[2] = {0, 1};
    bp_net_backward(net, expected, BP_LOSS_SSE);
    CHECK_EQ_DBL(bp_net_deltas(net, 0)[0], 0.0005348048046610517);
    CHECK_EQ_DBL(bp_net_deltas(net, 1)[0], 0.14619064683582808);
    CHECK_EQ_DBL(bp_net_deltas(net, 1)[1], -0.0771723774346327);
    bp_net_free(net);
}

typedef struct epoch_log {
    char lines[20][64];
    size_t n;
} epoch_log;

static int log_epoch(void *user, const bp_epoch_report *r)
{
    epoch_log *log = user;
    if (log->n < 20) snprintf(log->lines[log->n++], 64, "%.3f", r->loss_sum);
    return 0;
}

static void test_section4_train(void)
{
    bp_rng rng;
    bp_rng_seed(&rng, 1);
    bp_net *net = tutorial_net(2, 2, 2);
    bp_net_init(net, BP_INIT_UNIFORM, &rng);
    bp_real x[20];
    uint32_t labels[10];
    for (int r = 0; r < 10; r++) {
        x[2 * r] = contrived[r][0];
        x[2 * r + 1] = contrived[r][1];
        labels[r] = (uint32_t)contrived[r][2];
    }
    bp_samples s = {x, 2, labels, NULL, 2, NULL, 10, NULL};
    bp_train_options o;
    bp_train_defaults(&o);
    o.learning_rate = 0.5;
    o.epochs = 20;
    epoch_log log = {{{0}}, 0};
    o.on_epoch = log_epoch;
    o.user = &log;
    bp_error err;
    CHECK(bp_train(net, &s, &o, &rng, &err) == BP_OK);
    static const char *const expected_errors[20] = {
        "6.350", "5.531", "5.221", "4.951", "4.519", "4.173", "3.835", "3.506", "3.192", "2.898",
        "2.626", "2.377", "2.153", "1.953", "1.774", "1.614", "1.472", "1.346", "1.233", "1.132"};
    CHECK_EQ_INT(log.n, 20);
    for (size_t e = 0; e < log.n; e++) CHECK_STR(log.lines[e], expected_errors[e]);
    static const double hidden[] = {-1.4688375095432327, 1.850887325439514, 1.0858178629550297,
                                    0.37711098142462157, -0.0625909894552989, 0.2765123702642716};
    static const double output[] = {2.515394649397849, -0.3391927502445985, -0.9671565426390275,
                                    -2.5584149848484263, 1.0036422106209202, 0.42383086467582715};
    check_layer(net, 0, hidden);
    check_layer(net, 1, output);
    bp_net_free(net);
}

static void test_section5_predict(void)
{
    static const double hidden[] = {-1.482313569067226, 1.8308790073202204, 1.078381922048799,
                                    0.23244990332399884, 0.3621998343835864, 0.40289821191094327};
    static const double output[] = {2.5001872433501404, 0.7887233511355132, -1.1026649757805829,
                                    -2.429350576245497, 0.8357651039198697, 1.0699217181280656};
    bp_net *net = tutorial_net(2, 2, 2);
    set_layer(net, 0, hidden);
    set_layer(net, 1, output);
    for (int r = 0; r < 10; r++) {
        const bp_real row[2] = {contrived[r][0], contrived[r][1]};
        CHECK_EQ_INT(bp_net_predict(net, row), (int)contrived[r][2]);
    }
    bp_net_free(net);
}

#else

static void test_tutorial_figures(void)
{
    SKIP("the tutorial's exact figures are for the double build");
}

#endif

int main(void)
{
#ifndef BP_REAL_FLOAT
    RUN(test_section1_initialize);
    RUN(test_section2_forward);
    RUN(test_section3_backward);
    RUN(test_section4_train);
    RUN(test_section5_predict);
#else
    RUN(test_tutorial_figures);
#endif
    return harness_finish();
}
