/* Every value of every enum that grows (activations, losses, optimisers,
 * inits, schedules, scalings, missing-value policies) has a name that
 * parses back to it, and the first value past the last (the _COUNT
 * constant) is refused wherever a value comes in: a new value that some
 * table or range check forgot fails here, not in a user's run. */
#include "backprop.h"
#include "core/activation.h"
#include "harness.h"

#include <string.h>

/* One enum's name and parse functions, called through size_t. */
typedef struct named_enum {
    const char *what;
    size_t count;
    const char *(*name)(size_t);
    bp_status (*parse)(const char *, size_t *, bp_error *);
} named_enum;

#define NAMED(type, prefix, count)                                                 \
    static const char *prefix##_name_at(size_t i) { return bp_##prefix##_name((type)i); } \
    static bp_status prefix##_parse_at(const char *s, size_t *i, bp_error *err)   \
    {                                                                              \
        type v;                                                                    \
        bp_status st = bp_##prefix##_parse(s, &v, err);                            \
        if (st == BP_OK) *i = (size_t)v;                                           \
        return st;                                                                 \
    }

NAMED(bp_activation, activation, BP_ACT_COUNT)
NAMED(bp_loss, loss, BP_LOSS_COUNT)
NAMED(bp_optimizer, optimizer, BP_OPT_COUNT)
NAMED(bp_init, init, BP_INIT_COUNT)
NAMED(bp_schedule, schedule, BP_SCHEDULE_COUNT)
NAMED(bp_scale, scale, BP_SCALE_COUNT)
NAMED(bp_missing, missing, BP_MISSING_COUNT)

static const named_enum enums[] = {
    {"activation", BP_ACT_COUNT, activation_name_at, activation_parse_at},
    {"loss", BP_LOSS_COUNT, loss_name_at, loss_parse_at},
    {"optimizer", BP_OPT_COUNT, optimizer_name_at, optimizer_parse_at},
    {"init", BP_INIT_COUNT, init_name_at, init_parse_at},
    {"schedule", BP_SCHEDULE_COUNT, schedule_name_at, schedule_parse_at},
    {"scale", BP_SCALE_COUNT, scale_name_at, scale_parse_at},
    {"missing", BP_MISSING_COUNT, missing_name_at, missing_parse_at},
};

static void test_every_value_has_a_name_that_parses_back(void)
{
    for (size_t e = 0; e < sizeof enums / sizeof *enums; e++) {
        const named_enum *n = &enums[e];
        CHECK(n->count > 0);
        for (size_t i = 0; i < n->count; i++) {
            const char *name = n->name(i);
            size_t back = n->count;
            bp_error err;
            if (!name || strcmp(name, "?") == 0 || n->parse(name, &back, &err) != BP_OK || back != i) {
                fprintf(stderr, "  %s %zu: name '%s' does not parse back\n", n->what, i,
                        name ? name : "(null)");
                CHECK(0);
            }
            for (size_t j = 0; j < i; j++) CHECK(strcmp(n->name(j), name) != 0);
        }
        CHECK_STR(n->name(n->count), "?");
        size_t ignored;
        bp_error err;
        CHECK(n->parse("?", &ignored, &err) == BP_ERR_ARG);
    }
}

/* Every row of activation.c's table is filled in: a row left out would be
 * zeros, and its value or words would be missing at run time. */
static void test_every_activation_is_defined(void)
{
    for (int a = 0; a < BP_ACT_COUNT; a++) {
        const bp_activation_def *d = bp_activation_def_of((bp_activation)a);
        CHECK(d != NULL);
        if (!d) continue;
        CHECK(d->name && d->value && d->derivative && d->formula && d->derivative_formula);
        CHECK(d->working_positive && d->working_other);
        CHECK(d->c_body != NULL || a == BP_ACT_LINEAR); /* only the identity has no function */
        CHECK_STR(bp_activation_formula((bp_activation)a), d->formula);
        CHECK_STR(bp_activation_derivative_formula((bp_activation)a), d->derivative_formula);
        CHECK_STR(bp_activation_derivative_working((bp_activation)a, 1), d->working_positive);
        CHECK_STR(bp_activation_derivative_working((bp_activation)a, -1), d->working_other);
    }
    CHECK(bp_activation_def_of(BP_ACT_COUNT) == NULL);
}

static bp_status create_with_output(bp_activation out)
{
    const size_t widths[3] = {2, 3, 2};
    const bp_activation acts[2] = {BP_ACT_SIGMOID, out};
    bp_net *net = NULL;
    bp_error err;
    bp_status st = bp_net_create(&net, 2, widths, acts, &err);
    bp_net_free(net);
    return st;
}

static void test_an_activation_past_the_last_is_refused(void)
{
    for (int a = 0; a < BP_ACT_COUNT; a++) CHECK(create_with_output((bp_activation)a) == BP_OK);
    CHECK(create_with_output(BP_ACT_COUNT) == BP_ERR_ARG);
    CHECK(create_with_output((bp_activation)(BP_ACT_COUNT + 1)) == BP_ERR_ARG);
}

/* bp_train's answer for options that differ from the defaults by one enum. */
static bp_status train_with(bp_loss loss, bp_optimizer opt, bp_schedule schedule, bp_error *err)
{
    const size_t widths[3] = {2, 3, 2};
    bp_net *net;
    if (bp_net_create(&net, 2, widths, NULL, err) != BP_OK) return BP_ERR_NOMEM;
    const bp_real x[4] = {0, 1, 1, 0};
    const uint32_t label[2] = {0, 1};
    bp_samples s = {x, 2, label, NULL, 2, NULL, 2, NULL};
    bp_train_options o;
    bp_train_defaults(&o);
    o.epochs = 1;
    o.loss = loss;
    o.optimizer = opt;
    o.schedule = schedule;
    bp_rng rng;
    bp_rng_seed(&rng, 1);
    bp_status st = bp_train(net, &s, &o, &rng, err);
    bp_net_free(net);
    return st;
}

static void test_training_refuses_a_value_past_the_last(void)
{
    bp_error err;
    for (int l = 0; l < BP_LOSS_COUNT; l++)
        CHECK(train_with((bp_loss)l, BP_OPT_SGD, BP_SCHEDULE_CONSTANT, &err) == BP_OK);
    for (int o = 0; o < BP_OPT_COUNT; o++)
        CHECK(train_with(BP_LOSS_SSE, (bp_optimizer)o, BP_SCHEDULE_CONSTANT, &err) == BP_OK);
    for (int s = 0; s < BP_SCHEDULE_COUNT; s++)
        CHECK(train_with(BP_LOSS_SSE, BP_OPT_SGD, (bp_schedule)s, &err) == BP_OK);
    CHECK(train_with(BP_LOSS_COUNT, BP_OPT_SGD, BP_SCHEDULE_CONSTANT, &err) == BP_ERR_ARG);
    CHECK_STR(err.message, "unknown loss");
    CHECK(train_with(BP_LOSS_SSE, BP_OPT_COUNT, BP_SCHEDULE_CONSTANT, &err) == BP_ERR_ARG);
    CHECK_STR(err.message, "unknown optimizer");
    CHECK(train_with(BP_LOSS_SSE, BP_OPT_SGD, BP_SCHEDULE_COUNT, &err) == BP_ERR_ARG);
    CHECK_STR(err.message, "unknown schedule");
}

static void test_an_init_or_scaling_past_the_last_is_refused(void)
{
    const size_t hidden[1] = {3};
    bp_net_spec spec = {1, hidden, NULL, BP_ACT_SIGMOID, BP_INIT_COUNT};
    bp_net *net = NULL;
    bp_error err;
    CHECK(bp_net_from_spec(&net, &spec, 2, 2, &err) == BP_ERR_ARG);
    CHECK(net == NULL);
    for (int i = 0; i < BP_INIT_COUNT; i++) {
        spec.init = (bp_init)i;
        CHECK(bp_net_from_spec(&net, &spec, 2, 2, &err) == BP_OK);
        bp_net_free(net);
        net = NULL;
    }
    const bp_real x[4] = {0, 1, 2, 3};
    bp_scaler *s = NULL;
    for (int k = 0; k < BP_SCALE_COUNT; k++) {
        CHECK(bp_scaler_fit(&s, (bp_scale)k, x, 2, NULL, 2, &err) == BP_OK);
        bp_scaler_free(s);
    }
    CHECK(bp_scaler_fit(&s, BP_SCALE_COUNT, x, 2, NULL, 2, &err) == BP_ERR_ARG);
    CHECK(s == NULL);
}

int main(void)
{
    RUN(test_every_value_has_a_name_that_parses_back);
    RUN(test_every_activation_is_defined);
    RUN(test_an_activation_past_the_last_is_refused);
    RUN(test_training_refuses_a_value_past_the_last);
    RUN(test_an_init_or_scaling_past_the_last_is_refused);
    return harness_finish();
}
