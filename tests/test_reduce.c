/* The reduce step (backprop.h: bp_grad_part, bp_reducer, bp_reduce_tree).
 *
 * A batch cut into shards gives the same model, bit for bit, whether all
 * the shards are computed and summed in one process or shared out among
 * several "processes" (threads here, each training its own copy of the
 * network) whose reducer exchanges the parts and sums them in the tree's
 * order. The tree's order is checked against an independent definition,
 * and the paths that step straight into the weights refuse a reducer.
 *
 * Checks happen on the main thread only: the harness is not thread-safe. */
#include "backprop.h"
#include "harness.h"

#include "fast/lockstep.h"
#include "train/reduce.h"

#include <pthread.h>

enum { ROWS = 97, INPUTS = 5, CLASSES = 3, MAX_PROCS = 4, MAX_SHARDS_HERE = 8 };

/* A small classification problem, generated: the class is the largest of
 * three sums of the inputs. */
typedef struct problem {
    bp_real x[ROWS * INPUTS];
    uint32_t label[ROWS];
    bp_samples samples;
} problem;

static void make_problem(problem *p)
{
    bp_rng rng;
    bp_rng_seed(&rng, 7);
    for (size_t r = 0; r < ROWS; r++) {
        bp_real *row = p->x + r * INPUTS;
        for (size_t i = 0; i < INPUTS; i++) row[i] = (bp_real)bp_rng_random(&rng);
        bp_real score[CLASSES] = {row[0] + row[1], row[2] + row[3], row[4] + row[0] * row[2]};
        uint32_t best = 0;
        for (uint32_t c = 1; c < CLASSES; c++)
            if (score[c] > score[best]) best = c;
        p->label[r] = best;
    }
    p->samples = (bp_samples){.x = p->x, .n_inputs = INPUTS, .label = p->label, .n_outputs = CLASSES,
                              .n_rows = ROWS};
}

static bp_net *make_net(void)
{
    size_t widths[3] = {INPUTS, 7, CLASSES};
    bp_activation acts[2] = {BP_ACT_TANH, BP_ACT_SOFTMAX};
    bp_net *net;
    bp_error err;
    if (bp_net_create(&net, 2, widths, acts, &err) != BP_OK) return NULL;
    bp_rng rng;
    bp_rng_seed(&rng, 11);
    bp_net_init(net, BP_INIT_XAVIER, &rng);
    return net;
}

static void base_options(bp_train_options *o, bp_optimizer opt, size_t shards)
{
    bp_train_defaults(o);
    o->epochs = 6;
    o->batch_size = 16; /* 97 rows: the last batch has 1 row, fewer than the shards */
    o->loss = BP_LOSS_XENT;
    o->optimizer = opt;
    o->learning_rate = opt == BP_OPT_ADAM ? 0.01 : 0.3;
    o->shuffle = 1;
    o->validation = 0.1;
    o->threads = 1;
    o->shards = shards;
}

/* ------------------------------------------------ the tree's order */

/* The tree by its definition: neighbours added in pairs, level by level,
 * an odd last one going up alone. */
static double tree_by_levels(const double *v, size_t n)
{
    double level[64];
    memcpy(level, v, n * sizeof *v);
    while (n > 1) {
        size_t m = 0;
        for (size_t i = 0; i + 1 < n; i += 2) level[m++] = level[i] + level[i + 1];
        if (n % 2) level[m++] = level[n - 1];
        n = m;
    }
    return level[0];
}

static void test_the_tree_adds_in_its_documented_order(void)
{
    /* magnitudes far apart, so that another order gives other bits */
    double values[40];
    bp_rng rng;
    bp_rng_seed(&rng, 3);
    for (size_t i = 0; i < 40; i++)
        values[i] = (bp_rng_random(&rng) - 0.5) * pow(10.0, (double)(i * 7 % 17) - 8.0);
    int order_matters = 0;
    for (size_t n = 1; n <= 40; n++) {
        bp_real grads[40][3];
        bp_grad_part parts[40];
        double want[3][40];
        for (size_t i = 0; i < n; i++) {
            for (size_t j = 0; j < 3; j++) {
                grads[i][j] = (bp_real)(values[(i + j) % 40] * (double)(j + 1));
                want[j][i] = (double)grads[i][j];
            }
            parts[i] = (bp_grad_part){grads[i], values[i], i % 3};
        }
        bp_real sum[3];
        bp_grad_part total = {sum, 0, 0};
        bp_reduce_tree(parts, n, 3, &total);
        CHECK_EQ_DBL(total.loss, tree_by_levels(values, n));
        double serial = 0;
        for (size_t i = 0; i < n; i++) serial += values[i];
        if (serial != total.loss) order_matters = 1;
        size_t rows = 0;
        for (size_t i = 0; i < n; i++) rows += i % 3;
        CHECK_EQ_INT(total.rows, rows);
        if (sizeof(bp_real) == sizeof(double))
            for (size_t j = 0; j < 3; j++) CHECK_EQ_DBL(sum[j], tree_by_levels(want[j], n));
    }
    CHECK(order_matters); /* else the values would not tell the orders apart */
}

static void test_the_tree_sums_many_parameters_in_blocks(void)
{
    enum { N = 5, P = 101 }; /* more than one block, and a partial last one */
    static bp_real grads[N][P];
    bp_grad_part parts[N];
    for (size_t i = 0; i < N; i++) {
        for (size_t j = 0; j < P; j++) grads[i][j] = (bp_real)(i * 1000 + j);
        parts[i] = (bp_grad_part){grads[i], 1, 1};
    }
    bp_real sum[P];
    bp_grad_part total = {sum, 0, 0};
    bp_reduce_tree(parts, N, P, &total);
    for (size_t j = 0; j < P; j++) CHECK_EQ_DBL(sum[j], 10000.0 + 5.0 * (double)j);
    CHECK_EQ_DBL(total.loss, 5);
    CHECK_EQ_INT(total.rows, 5);
    bp_reduce_tree(parts, 0, P, &total);
    CHECK_EQ_DBL(sum[P - 1], 0);
    CHECK_EQ_INT(total.rows, 0);
}

static void test_shards_cover_the_batch_in_order(void)
{
    size_t sizes[] = {1, 2, 15, 16, 97, 1000003};
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        for (size_t s = 1; s <= 9; s++) {
            size_t n = sizes[k];
            CHECK_EQ_INT(bp_shard_begin(n, s, 0), 0);
            CHECK_EQ_INT(bp_shard_begin(n, s, s), n);
            for (size_t i = 0; i < s; i++) {
                size_t len = bp_shard_begin(n, s, i + 1) - bp_shard_begin(n, s, i);
                CHECK(len == n / s || len == n / s + 1);
            }
        }
    }
    /* a batch far larger than the product i * n could hold */
    size_t big = ((size_t)-1) / 3;
    CHECK_EQ_INT(bp_shard_begin(big, 4, 2), big / 2);
}

/* -------------------------------------- shards shared among processes */

/* What the "processes" share: each one's parts, by shard, and a barrier. */
typedef struct exchange {
    pthread_barrier_t barrier;
    const bp_grad_part *slot[MAX_SHARDS_HERE];
} exchange;

static bp_status exchange_and_sum(void *ctx, const bp_grad_part *parts, size_t first, size_t count,
                                  size_t n_shards, size_t n_params, bp_grad_part *total, bp_error *err)
{
    (void)err;
    exchange *x = ctx;
    for (size_t k = 0; k < count; k++) x->slot[first + k] = &parts[k];
    pthread_barrier_wait(&x->barrier); /* every part is in */
    bp_grad_part all[MAX_SHARDS_HERE];
    for (size_t i = 0; i < n_shards; i++) all[i] = *x->slot[i];
    bp_reduce_tree(all, n_shards, n_params, total);
    pthread_barrier_wait(&x->barrier); /* nobody overwrites a part still being read */
    return BP_OK;
}

typedef struct process {
    const problem *data;
    bp_optimizer opt;
    size_t shards;
    bp_reducer reducer;
    bp_status status;
    bp_real *params;
    size_t n_params;
} process;

static void *run_process(void *arg)
{
    process *p = arg;
    bp_net *net = make_net();
    if (!net) {
        p->status = BP_ERR_NOMEM;
        return NULL;
    }
    bp_train_options o;
    base_options(&o, p->opt, p->shards);
    o.reducer = p->reducer.fn ? &p->reducer : NULL;
    bp_rng rng;
    bp_rng_seed(&rng, 5);
    bp_error err;
    p->status = bp_train(net, &p->data->samples, &o, &rng, &err);
    const bp_real *params = bp_net_params_const(net, &p->n_params);
    p->params = malloc(p->n_params * sizeof *params);
    if (p->params) memcpy(p->params, params, p->n_params * sizeof *params);
    bp_net_free(net);
    return NULL;
}

/* Trains with the shards shared out among n_procs threads; 0 = no
 * reducer, every shard here. Each process's parameters go to out[i]. */
static int train_shared(const problem *data, bp_optimizer opt, size_t shards, size_t n_procs,
                        process *out)
{
    exchange x;
    size_t n = n_procs ? n_procs : 1;
    if (n_procs) pthread_barrier_init(&x.barrier, NULL, (unsigned)n_procs);
    pthread_t tid[MAX_PROCS];
    for (size_t i = 0; i < n; i++) {
        out[i] = (process){.data = data, .opt = opt, .shards = shards};
        if (n_procs) {
            size_t first = shards * i / n_procs, last = shards * (i + 1) / n_procs;
            out[i].reducer = (bp_reducer){exchange_and_sum, &x, first, last - first};
        }
    }
    int started = 1;
    for (size_t i = 0; i < n; i++)
        if (pthread_create(&tid[i], NULL, run_process, &out[i]) != 0) started = 0;
    for (size_t i = 0; i < n && started; i++) pthread_join(tid[i], NULL);
    if (n_procs) pthread_barrier_destroy(&x.barrier);
    return started;
}

static int same_params(const process *a, const process *b)
{
    return a->params && b->params && a->n_params == b->n_params &&
           memcmp(a->params, b->params, a->n_params * sizeof *a->params) == 0;
}

static void test_shared_shards_give_the_model_of_one_process(void)
{
    problem data;
    make_problem(&data);
    bp_optimizer opts[] = {BP_OPT_SGD, BP_OPT_ADAM};
    size_t shard_counts[] = {4, 5};
    size_t proc_counts[] = {1, 2, 4};
    for (size_t a = 0; a < 2; a++) {
        for (size_t b = 0; b < 2; b++) {
            process one;
            CHECK(train_shared(&data, opts[a], shard_counts[b], 0, &one));
            CHECK_EQ_INT(one.status, BP_OK);
            for (size_t c = 0; c < 3; c++) {
                process procs[MAX_PROCS];
                CHECK(train_shared(&data, opts[a], shard_counts[b], proc_counts[c], procs));
                for (size_t i = 0; i < proc_counts[c]; i++) {
                    CHECK_EQ_INT(procs[i].status, BP_OK);
                    if (!same_params(&one, &procs[i]))
                        fprintf(stderr, "  %s, %zu shards, %zu processes: process %zu differs\n",
                                bp_optimizer_name(opts[a]), shard_counts[b], proc_counts[c], i);
                    CHECK(same_params(&one, &procs[i]));
                    free(procs[i].params);
                }
            }
            free(one.params);
        }
    }
}

/* Shards change only the order of the sums: close to the whole batch's
 * model, and not equal to it (else the test would not show the shards). */
static void test_shards_are_the_whole_batch_up_to_rounding(void)
{
    problem data;
    make_problem(&data);
    process whole, cut;
    CHECK(train_shared(&data, BP_OPT_ADAM, 1, 0, &whole));
    CHECK(train_shared(&data, BP_OPT_ADAM, 4, 0, &cut));
    CHECK(whole.params && cut.params && whole.n_params == cut.n_params);
    if (whole.params && cut.params) {
        double worst = 0;
        for (size_t i = 0; i < whole.n_params; i++) {
            double d = fabs((double)whole.params[i] - (double)cut.params[i]);
            if (d > worst) worst = d;
        }
        CHECK(worst < (sizeof(bp_real) == sizeof(double) ? 1e-9 : 1e-3));
        CHECK(!same_params(&whole, &cut));
    }
    free(whole.params);
    free(cut.params);
}

/* ------------------------------------------------------ refusals */

static bp_status failing_reducer(void *ctx, const bp_grad_part *parts, size_t first, size_t count,
                                 size_t n_shards, size_t n_params, bp_grad_part *total, bp_error *err)
{
    (void)ctx, (void)parts, (void)first, (void)count, (void)n_shards, (void)n_params, (void)total;
    err->status = BP_ERR_IO;
    snprintf(err->message, sizeof err->message, "rank 3 is gone");
    return BP_ERR_IO;
}

/* Sums only the parts it is given: rows missing when others computed some. */
static bp_status local_only(void *ctx, const bp_grad_part *parts, size_t first, size_t count,
                            size_t n_shards, size_t n_params, bp_grad_part *total, bp_error *err)
{
    (void)ctx, (void)first, (void)n_shards, (void)err;
    bp_reduce_tree(parts, count, n_params, total);
    return BP_OK;
}

static bp_status train_with(const problem *data, const bp_train_options *o, bp_error *err)
{
    bp_net *net = make_net();
    if (!net) return BP_ERR_NOMEM;
    bp_rng rng;
    bp_rng_seed(&rng, 5);
    bp_status st = bp_train(net, &data->samples, o, &rng, err);
    bp_net_free(net);
    return st;
}

static void test_a_reducer_is_refused_where_it_cannot_work(void)
{
    problem data;
    make_problem(&data);
    bp_train_options o;
    bp_error err;
    bp_reducer r = {local_only, NULL, 0, 1};

    base_options(&o, BP_OPT_SGD, 1); /* online: each row steps into the weights */
    o.batch_size = 1;
    o.reducer = &r;
    CHECK_EQ_INT(train_with(&data, &o, &err), BP_ERR_ARG);
    CHECK(strstr(err.message, "more than one row") != NULL);
    o.reducer = NULL;
    o.shards = 2;
    CHECK_EQ_INT(train_with(&data, &o, &err), BP_ERR_ARG);

    base_options(&o, BP_OPT_SGD, 4);
    r = (bp_reducer){local_only, NULL, 3, 2}; /* shards 4 and 5 of 4 */
    o.reducer = &r;
    CHECK_EQ_INT(train_with(&data, &o, &err), BP_ERR_ARG);
    CHECK(strstr(err.message, "not among") != NULL);
    r = (bp_reducer){local_only, NULL, 0, 0};
    CHECK_EQ_INT(train_with(&data, &o, &err), BP_ERR_ARG);
    r = (bp_reducer){NULL, NULL, 0, 4};
    CHECK_EQ_INT(train_with(&data, &o, &err), BP_ERR_ARG);
    o.reducer = NULL;
    o.shards = BP_MAX_SHARDS + 1;
    CHECK_EQ_INT(train_with(&data, &o, &err), BP_ERR_ARG);

    /* the lanes of cross-validation step straight into the weights */
    bp_activation acts[2] = {BP_ACT_SIGMOID, BP_ACT_SIGMOID};
    bp_train_options lock;
    bp_train_defaults(&lock);
    CHECK(bp_lockstep_applies(&lock, acts, 2));
    lock.shards = 2;
    CHECK(!bp_lockstep_applies(&lock, acts, 2));
    lock.shards = 0;
    lock.reducer = &r;
    CHECK(!bp_lockstep_applies(&lock, acts, 2));
}

static void test_a_reducers_failure_stops_training(void)
{
    problem data;
    make_problem(&data);
    bp_train_options o;
    bp_error err;
    base_options(&o, BP_OPT_ADAM, 2);
    bp_reducer r = {failing_reducer, NULL, 0, 2};
    o.reducer = &r;
    CHECK_EQ_INT(train_with(&data, &o, &err), BP_ERR_IO);
    CHECK_STR(err.message, "rank 3 is gone");

    r = (bp_reducer){local_only, NULL, 0, 1}; /* shard 2 of 2 never arrives */
    CHECK_EQ_INT(train_with(&data, &o, &err), BP_ERR_ARG);
    CHECK(strstr(err.message, "the reducer's total has") != NULL);
}

int main(void)
{
    RUN(test_the_tree_adds_in_its_documented_order);
    RUN(test_the_tree_sums_many_parameters_in_blocks);
    RUN(test_shards_cover_the_batch_in_order);
    RUN(test_shared_shards_give_the_model_of_one_process);
    RUN(test_shards_are_the_whole_batch_up_to_rounding);
    RUN(test_a_reducer_is_refused_where_it_cannot_work);
    RUN(test_a_reducers_failure_stops_training);
    return harness_finish();
}
