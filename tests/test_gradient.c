/* Finite-difference checks of the analytic gradient for every hidden
 * activation x output activation x loss that bp_loss_check_pairing allows
 * (every value of each enum, so a new one is checked as soon as it
 * exists), depths 1-3, batch sizes 1 and > 1, with a floor on the
 * parameters actually compared; and the batch path against the online
 * path. */
#include "backprop.h"
#include "fast/batch.h"
#include "harness.h"
#include "core/net.h"
#include "core/loss.h"

#include <stdlib.h>

#ifdef BP_REAL_FLOAT
#define STEP 1e-3
#define TOL 2e-2
#else
#define STEP 1e-6
#define TOL 1e-6
#endif

enum { N_IN = 4, N_OUT = 3, MAX_ROWS = 5 };

typedef struct pairing {
    bp_activation out;
    bp_loss loss;
} pairing;

/* What the summed loss is multiplied by to give the objective the
 * gradient belongs to: squared errors carry a factor 1/2. */
static double objective_factor(bp_loss loss)
{
    switch (loss) {
    case BP_LOSS_SSE:
    case BP_LOSS_MSE: return 0.5;
    case BP_LOSS_XENT: return 1.0;
    case BP_LOSS_COUNT: break;
    }
    return NAN;
}

static double objective(bp_net *net, const bp_real *x, const bp_real *t, size_t n, bp_loss loss)
{
    double sum = 0;
    size_t last = bp_net_layers(net) - 1;
    for (size_t r = 0; r < n; r++) {
        const bp_real *o = bp_net_forward(net, x + r * N_IN);
        sum += bp_loss_row(loss, bp_net_activation(net, last), o, t + r * N_OUT, N_OUT);
    }
    return objective_factor(loss) * sum / (double)n;
}

static double central_difference(bp_net *net, const bp_batch_ws *ws, size_t n_rows, bp_loss loss,
                                 bp_real *param, double step)
{
    bp_real saved = *param;
    *param = saved + (bp_real)step;
    double up = objective(net, ws->x, ws->t, n_rows, loss);
    *param = saved - (bp_real)step;
    double down = objective(net, ws->x, ws->t, n_rows, loss);
    *param = saved;
    return (up - down) / (2 * step);
}

/* Compares the analytic gradient of one configuration with central
 * differences, parameter by parameter; *compared counts the parameters
 * actually compared, of *total. */
static int check_one(bp_activation hidden, pairing p, size_t depth, size_t n_rows, size_t *compared,
                     size_t *total)
{
    *compared = *total = 0;
    size_t widths[5] = {N_IN, 5, 4, 3, 0};
    bp_activation acts[4] = {hidden, hidden, hidden, hidden};
    widths[depth] = N_OUT;
    acts[depth - 1] = p.out;
    bp_net *net;
    bp_error err;
    if (bp_net_create(&net, depth, widths, acts, &err) != BP_OK) return 0;
    bp_rng rng;
    bp_rng_seed(&rng, 11 + depth);
    bp_net_init(net, BP_INIT_XAVIER, &rng);
    size_t n_params;
    bp_real *params = bp_net_params(net, &n_params);
    for (size_t i = 0; i < n_params; i++) params[i] += (bp_real)(0.1 * (bp_rng_random(&rng) - 0.5));
    bp_batch_ws ws;
    if (bp_batch_ws_init(&ws, net, n_rows, 1, &err) != BP_OK) { bp_net_free(net); return 0; }
    for (size_t r = 0; r < n_rows; r++) {
        for (size_t i = 0; i < N_IN; i++) ws.x[r * N_IN + i] = (bp_real)(2 * bp_rng_random(&rng) - 1);
        for (size_t j = 0; j < N_OUT; j++)
            ws.t[r * N_OUT + j] = p.loss == BP_LOSS_MSE ? (bp_real)bp_rng_random(&rng)
                                                        : (bp_real)(j == r % N_OUT);
    }
    bp_real *grad = calloc(n_params, sizeof *grad);
    bp_batch_gradient(net, &ws, n_rows, p.loss, grad);
    int ok = 1;
    *total = n_params;
    for (size_t i = 0; i < n_params; i++) {
        double numeric = central_difference(net, &ws, n_rows, p.loss, &params[i], STEP);
        double half = central_difference(net, &ws, n_rows, p.loss, &params[i], STEP / 2);
        double tol = TOL * (1 + fabs(numeric));
        /* Two step sizes disagreeing means a ReLU kink lies within the step:
         * the derivative is not defined there, so there is nothing to check. */
        if (fabs(numeric - half) > tol) continue;
        ++*compared;
        if (fabs(numeric - (double)grad[i]) > tol) {
            fprintf(stderr, "  %s hidden, %s/%s, depth %zu, batch %zu: param %zu analytic %.10g numeric %.10g\n",
                    bp_activation_name(hidden), bp_activation_name(p.out), bp_loss_name(p.loss), depth,
                    n_rows, i, (double)grad[i], numeric);
            ok = 0;
            break;
        }
    }
    free(grad);
    bp_batch_ws_free(&ws);
    bp_net_free(net);
    return ok;
}

/* Whether the activation has kinks, where a parameter may be left out. */
static int kinked(bp_activation a)
{
    return a == BP_ACT_RELU || a == BP_ACT_LEAKY;
}

/* Every parameter is compared, except with a kinked hidden activation, where
 * up to one in ten may be left out (a kink within the step); today at most
 * one parameter of a configuration is. A loop that compared nothing fails. */
static void test_gradients_match_finite_differences(void)
{
    size_t pairings = 0;
    for (int loss = 0; loss < BP_LOSS_COUNT; loss++)
        for (int out = 0; out < BP_ACT_COUNT; out++) {
            pairing p = {(bp_activation)out, (bp_loss)loss};
            bp_error err;
            if (bp_loss_check_pairing(p.loss, p.out, N_OUT, &err) != BP_OK) continue;
            pairings++;
            for (int h = 0; h < BP_ACT_COUNT; h++) {
                bp_activation hidden = (bp_activation)h;
                if (hidden == BP_ACT_SOFTMAX) continue; /* for the output layer only */
                for (size_t depth = 1; depth <= 3; depth++)
                    for (size_t b = 0; b < 2; b++) {
                        size_t rows = b == 0 ? 1 : MAX_ROWS, compared, total;
                        CHECK(check_one(hidden, p, depth, rows, &compared, &total));
                        size_t least = kinked(hidden) ? (9 * total + 9) / 10 : total;
                        if (total == 0 || compared < least)
                            fprintf(stderr, "  %s hidden, %s/%s, depth %zu, batch %zu: %zu of %zu parameters compared\n",
                                    bp_activation_name(hidden), bp_activation_name(p.out),
                                    bp_loss_name(p.loss), depth, rows, compared, total);
                        CHECK(total > 0);
                        CHECK(compared >= least);
                    }
            }
        }
    CHECK(pairings >= 6); /* at least the pairings this test was written for */
}

/* The largest |a[i] - b[i]| over n parameters. */
static double largest_difference(const bp_real *a, const bp_real *b, size_t n)
{
    double worst = 0;
    for (size_t i = 0; i < n; i++) worst = fmax(worst, fabs((double)a[i] - (double)b[i]));
    return worst;
}

/* Online SGD and the batch path with one row per batch give the same model. */
static void test_batch_of_one_matches_online(void)
{
    const size_t widths[3] = {N_IN, 6, N_OUT};
    bp_net *online, *batched;
    bp_error err;
    CHECK(bp_net_create(&online, 2, widths, NULL, &err) == BP_OK);
    bp_rng rng;
    bp_rng_seed(&rng, 5);
    bp_net_init(online, BP_INIT_UNIFORM, &rng);
    CHECK(bp_net_clone(&batched, online, &err) == BP_OK);
    bp_real x[20 * N_IN];
    uint32_t labels[20];
    for (size_t r = 0; r < 20; r++) {
        for (size_t i = 0; i < N_IN; i++) x[r * N_IN + i] = (bp_real)bp_rng_random(&rng);
        labels[r] = (uint32_t)(r % N_OUT);
    }
    bp_samples s = {x, N_IN, labels, NULL, N_OUT, NULL, 20, NULL};
    bp_train_options o;
    bp_train_defaults(&o);
    o.epochs = 5;
    CHECK(bp_train(online, &s, &o, &rng, &err) == BP_OK);
    bp_batch_ws ws;
    CHECK(bp_batch_ws_init(&ws, batched, 1, 1, &err) == BP_OK);
    size_t n_params;
    bp_real *params = bp_net_params(batched, &n_params);
    bp_real *grad = calloc(n_params, sizeof *grad);
    for (size_t e = 0; e < 5; e++)
        for (size_t r = 0; r < 20; r++) {
            memcpy(ws.x, x + r * N_IN, sizeof(bp_real) * N_IN);
            for (size_t j = 0; j < N_OUT; j++) ws.t[j] = (bp_real)(j == labels[r]);
            bp_batch_gradient(batched, &ws, 1, BP_LOSS_SSE, grad);
            for (size_t i = 0; i < n_params; i++) params[i] -= (bp_real)0.3 * grad[i];
        }
    double worst = largest_difference(bp_net_params(online, NULL), params, n_params);
    CHECK(worst < (sizeof(bp_real) == 4 ? 1e-4 : 1e-12));
    free(grad);
    bp_batch_ws_free(&ws);
    bp_net_free(online);
    bp_net_free(batched);
}

enum { BATCH_ROWS = 12 };

/* The same batch of random rows and one-hot targets in two workspaces (of
 * BATCH_ROWS rows); returns its length, 8 to 12 rows as the steps go on. */
static size_t same_batch(bp_batch_ws *a, bp_batch_ws *b, size_t step, bp_rng *rng)
{
    size_t n = BATCH_ROWS - step % 5;
    for (size_t k = 0; k < n * N_IN; k++) a->x[k] = b->x[k] = (bp_real)bp_rng_random(rng);
    for (size_t r = 0; r < n; r++)
        for (size_t j = 0; j < N_OUT; j++)
            a->t[r * N_OUT + j] = b->t[r * N_OUT + j] = (bp_real)(j == (r + step) % N_OUT);
    return n;
}

/* Plain SGD on batches, the step taken straight into the weights
 * (bp_batch_sgd), is the gradient followed by the step, up to rounding. */
static void test_fused_batch_sgd_matches_gradient_then_step(void)
{
    const size_t widths[4] = {N_IN, 9, 7, N_OUT};
    const bp_activation acts[3] = {BP_ACT_TANH, BP_ACT_RELU, BP_ACT_SOFTMAX};
    enum { STEPS = 30 };
    bp_net *fused, *stepped;
    bp_error err;
    CHECK(bp_net_create(&fused, 3, widths, acts, &err) == BP_OK);
    bp_rng rng;
    bp_rng_seed(&rng, 8);
    bp_net_init(fused, BP_INIT_XAVIER, &rng);
    bp_net *start;
    CHECK(bp_net_clone(&stepped, fused, &err) == BP_OK);
    CHECK(bp_net_clone(&start, fused, &err) == BP_OK);
    bp_batch_ws ws_a, ws_b;
    CHECK(bp_batch_ws_init(&ws_a, fused, BATCH_ROWS, 1, &err) == BP_OK);
    CHECK(bp_batch_ws_init(&ws_b, stepped, BATCH_ROWS, 2, &err) == BP_OK);
    size_t n_params;
    bp_real *params = bp_net_params(stepped, &n_params);
    bp_real *grad = calloc(n_params, sizeof *grad);
    double loss_a = 0, loss_b = 0;
    for (size_t step = 0; step < STEPS; step++) {
        size_t n = same_batch(&ws_a, &ws_b, step, &rng);
        loss_a += bp_batch_sgd(fused, &ws_a, n, BP_LOSS_XENT, (bp_real)0.2);
        loss_b += bp_batch_gradient(stepped, &ws_b, n, BP_LOSS_XENT, grad);
        for (size_t i = 0; i < n_params; i++) params[i] -= (bp_real)0.2 * grad[i];
    }
    const bp_real *a = bp_net_params(fused, NULL);
    double worst = largest_difference(a, params, n_params);
    double moved = largest_difference(a, bp_net_params(start, NULL), n_params);
    CHECK(moved > 0.01); /* training did move the weights */
    CHECK(worst < (sizeof(bp_real) == 4 ? 1e-4 : 1e-12));
    CHECK(fabs(loss_a - loss_b) < (sizeof(bp_real) == 4 ? 1e-3 : 1e-9));
    free(grad);
    bp_batch_ws_free(&ws_a);
    bp_batch_ws_free(&ws_b);
    bp_net_free(fused);
    bp_net_free(stepped);
    bp_net_free(start);
}

/* Plain SGD with the weights kept as panel matrices (bp_batch_sgd_begin
 * .. _end) gives the same model and losses, bit for bit, as without; here
 * also on 2 threads against 1, with layers wider than a k block of the
 * kernels (300 = two blocks of 150, the second starting inside a panel),
 * and with the weights given back for a few steps now and then. */
static void test_sgd_in_panels_matches_plain_sgd(void)
{
    const size_t widths[4] = {N_IN, 40, 300, N_OUT};
    const bp_activation acts[3] = {BP_ACT_TANH, BP_ACT_RELU, BP_ACT_SOFTMAX};
    enum { STEPS = 20 };
    bp_net *plain, *paneled;
    bp_error err;
    CHECK(bp_net_create(&plain, 3, widths, acts, &err) == BP_OK);
    bp_rng rng;
    bp_rng_seed(&rng, 21);
    bp_net_init(plain, BP_INIT_XAVIER, &rng);
    CHECK(bp_net_clone(&paneled, plain, &err) == BP_OK);
    bp_batch_ws ws_a, ws_b;
    CHECK(bp_batch_ws_init(&ws_a, plain, BATCH_ROWS, 1, &err) == BP_OK);
    CHECK(bp_batch_ws_init(&ws_b, paneled, BATCH_ROWS, 2, &err) == BP_OK);
    CHECK(bp_batch_ws_panels(paneled, &ws_b, &err) == BP_OK);
    size_t n_params;
    const bp_real *start = bp_net_params(plain, &n_params);
    bp_real *before = malloc(n_params * sizeof *before);
    CHECK(before != NULL);
    if (!before) return;
    memcpy(before, start, n_params * sizeof *before);
    int same_losses = 1;
    for (size_t step = 0; step < STEPS; step++) {
        size_t n = same_batch(&ws_a, &ws_b, step, &rng);
        if (step % 7 == 0) bp_batch_sgd_begin(paneled, &ws_b); /* steps 5, 6 of 7 without */
        if (step % 7 == 2) CHECK(ws_b.panels_live == bp_gemm_is_builtin());
        double a = bp_batch_sgd(plain, &ws_a, n, BP_LOSS_XENT, (bp_real)0.1);
        double b = bp_batch_sgd(paneled, &ws_b, n, BP_LOSS_XENT, (bp_real)0.1);
        same_losses &= a == b;
        if (step % 7 == 4) bp_batch_sgd_end(paneled, &ws_b);
    }
    bp_batch_sgd_end(paneled, &ws_b);
    CHECK(!ws_b.panels_live);
    const bp_real *a = bp_net_params(plain, NULL), *b = bp_net_params(paneled, NULL);
    CHECK(largest_difference(a, before, n_params) > 1e-3); /* training did move the weights */
    CHECK(memcmp(a, b, n_params * sizeof *a) == 0);
    CHECK(same_losses);
    free(before);
    bp_batch_ws_free(&ws_a);
    bp_batch_ws_free(&ws_b);
    bp_net_free(plain);
    bp_net_free(paneled);
}

/* Trains the same network from the same seed on 1 and on 2 threads;
 * whether the two models are equal bit for bit. The layers are wide enough
 * for the products to be split between the threads (batch.c,
 * PARALLEL_MIN_WORK). */
static int same_model_on_one_and_two_threads(bp_optimizer optimizer, double lr)
{
    const size_t widths[4] = {N_IN, 512, 256, N_OUT};
    const bp_activation acts[3] = {BP_ACT_RELU, BP_ACT_TANH, BP_ACT_SOFTMAX};
    bp_real x[200 * N_IN];
    uint32_t labels[200];
    bp_rng rng;
    bp_rng_seed(&rng, 9);
    for (size_t r = 0; r < 200; r++) {
        for (size_t i = 0; i < N_IN; i++) x[r * N_IN + i] = (bp_real)bp_rng_random(&rng);
        labels[r] = (uint32_t)(x[r * N_IN] > 0.5) + (uint32_t)(x[r * N_IN + 1] > 0.7);
    }
    bp_samples s = {x, N_IN, labels, NULL, N_OUT, NULL, 200, NULL};
    bp_real *result[2] = {NULL, NULL};
    size_t n_params = 0;
    int ok = 1;
    for (size_t threads = 1; threads <= 2; threads++) {
        bp_net *net;
        bp_error err;
        if (bp_net_create(&net, 3, widths, acts, &err) != BP_OK) return 0;
        bp_rng_seed(&rng, 4);
        bp_net_init(net, BP_INIT_HE, &rng);
        bp_train_options o;
        bp_train_defaults(&o);
        o.epochs = 5;
        o.batch_size = 64;
        o.shuffle = 1;
        o.loss = BP_LOSS_XENT;
        o.optimizer = optimizer;
        o.learning_rate = lr;
        o.threads = threads;
        ok &= bp_train(net, &s, &o, &rng, &err) == BP_OK;
        const bp_real *p = bp_net_params(net, &n_params);
        result[threads - 1] = malloc(n_params * sizeof(bp_real));
        if (result[threads - 1]) memcpy(result[threads - 1], p, n_params * sizeof(bp_real));
        bp_net_free(net);
    }
    ok &= result[0] && result[1] && memcmp(result[0], result[1], n_params * sizeof(bp_real)) == 0;
    free(result[0]);
    free(result[1]);
    return ok;
}

/* The same seed gives the same model with 1 and with 2 threads: with Adam
 * (a gradient, then a step) and with plain SGD (the step inside the
 * product). */
static void test_threads_do_not_change_the_model(void)
{
    CHECK(same_model_on_one_and_two_threads(BP_OPT_ADAM, 0.01));
    CHECK(same_model_on_one_and_two_threads(BP_OPT_SGD, 0.1));
}

int main(void)
{
    RUN(test_gradients_match_finite_differences);
    RUN(test_batch_of_one_matches_online);
    RUN(test_fused_batch_sgd_matches_gradient_then_step);
    RUN(test_sgd_in_panels_matches_plain_sgd);
    RUN(test_threads_do_not_change_the_model);
    return harness_finish();
}
