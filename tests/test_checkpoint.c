/* Checkpoints: a run stopped and resumed ends with the same model, bit for
 * bit, as a run that was never stopped; damaged checkpoints are refused;
 * training that diverges stops with a clear error. */
#include "backprop.h"
#include "harness.h"

#include <stdlib.h>
#include <unistd.h>

enum { N_IN = 3, N_OUT = 3, ROWS = 60 };

typedef struct fixture {
    bp_real x[ROWS * N_IN];
    uint32_t labels[ROWS];
    bp_samples s;
} fixture;

static void make_data(fixture *f)
{
    bp_rng rng;
    bp_rng_seed(&rng, 21);
    for (size_t r = 0; r < ROWS; r++) {
        for (size_t i = 0; i < N_IN; i++) f->x[r * N_IN + i] = (bp_real)bp_rng_random(&rng);
        f->labels[r] = (uint32_t)(f->x[r * N_IN] * 2.9);
    }
    bp_samples s = {f->x, N_IN, f->labels, NULL, N_OUT, NULL, ROWS, NULL};
    f->s = s;
}

static bp_net *fresh_net(bp_rng *rng)
{
    const size_t widths[3] = {N_IN, 7, N_OUT};
    bp_net *net;
    bp_error err;
    if (bp_net_create(&net, 2, widths, NULL, &err) != BP_OK) return NULL;
    bp_net_init(net, BP_INIT_UNIFORM, rng);
    return net;
}

typedef struct stopper {
    volatile sig_atomic_t flag;
    size_t at_epoch;
} stopper;

static int stop_at(void *user, const bp_epoch_report *r)
{
    stopper *s = user;
    if (r->epoch + 1 == s->at_epoch) s->flag = 1;
    return 0;
}

/* Trains with o, stopping as o->stop says and resuming until done; returns
 * the final parameters (caller frees). */
static bp_real *train_with_restarts(fixture *f, bp_train_options *o, size_t *n_params, int *restarts)
{
    bp_rng rng;
    bp_rng_seed(&rng, 8);
    bp_net *net = fresh_net(&rng);
    bp_error err;
    bp_status st = bp_train(net, &f->s, o, &rng, &err);
    *restarts = 0;
    while (st == BP_ERR_INTERRUPTED && *restarts < 10) {
        (*restarts)++;
        bp_net_free(net);
        bp_rng other;
        bp_rng_seed(&other, 999); /* the checkpoint must restore the state */
        net = fresh_net(&other);
        stopper *s = o->user;
        if (s) s->flag = 0;
        bp_train_options again = *o;
        again.resume = o->checkpoint;
        st = bp_train(net, &f->s, &again, &other, &err);
    }
    if (st != BP_OK) fprintf(stderr, "  %s\n", err.message);
    const bp_real *p = bp_net_params(net, n_params);
    bp_real *copy = malloc(*n_params * sizeof *copy);
    memcpy(copy, p, *n_params * sizeof *copy);
    bp_net_free(net);
    return st == BP_OK ? copy : (free(copy), NULL);
}

static void check_resume_identical(bp_train_options base)
{
    fixture f;
    make_data(&f);
    char path[] = "/tmp/bp_checkpoint_XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    size_t n1, n2;
    int restarts;
    bp_real *straight = train_with_restarts(&f, &base, &n1, &restarts);
    stopper s = {0, 4};
    bp_train_options o = base;
    o.checkpoint = path;
    o.checkpoint_every = 3;
    o.on_epoch = stop_at;
    o.user = &s;
    o.stop = &s.flag;
    bp_real *resumed = train_with_restarts(&f, &o, &n2, &restarts);
    CHECK(straight && resumed);
    CHECK_EQ_INT(restarts, 1);
    if (straight && resumed) CHECK(memcmp(straight, resumed, n1 * sizeof *straight) == 0);
    free(straight);
    free(resumed);
    unlink(path);
}

static void test_resume_online_sgd(void)
{
    bp_train_options o;
    bp_train_defaults(&o);
    o.epochs = 9;
    check_resume_identical(o);
}

static void test_resume_adam_batches_shuffle_validation(void)
{
    bp_train_options o;
    bp_train_defaults(&o);
    o.epochs = 12;
    o.batch_size = 8;
    o.shuffle = 1;
    o.optimizer = BP_OPT_ADAM;
    o.learning_rate = 0.01;
    o.validation = 0.25;
    o.patience = 100;
    o.threads = 1;
    check_resume_identical(o);
}

/* A stop requested before training starts ends after the first batch,
 * mid-epoch; resuming from there still gives the uninterrupted model. */
static void test_resume_mid_epoch(void)
{
    fixture f;
    make_data(&f);
    char path[] = "/tmp/bp_checkpoint_XXXXXX";
    close(mkstemp(path));
    bp_train_options o;
    bp_train_defaults(&o);
    o.epochs = 3;
    o.batch_size = 7;
    o.shuffle = 1;
    o.optimizer = BP_OPT_MOMENTUM;
    o.threads = 1;
    size_t n1, n2;
    int restarts;
    bp_real *straight = train_with_restarts(&f, &o, &n1, &restarts);
    volatile sig_atomic_t flag = 1;
    o.checkpoint = path;
    o.stop = &flag;
    bp_rng rng;
    bp_rng_seed(&rng, 8);
    bp_net *net = fresh_net(&rng);
    bp_error err;
    CHECK(bp_train(net, &f.s, &o, &rng, &err) == BP_ERR_INTERRUPTED);
    CHECK(strstr(err.message, path) != NULL);
    bp_net_free(net);
    o.stop = NULL;
    o.resume = path;
    bp_rng_seed(&rng, 77);
    net = fresh_net(&rng);
    CHECK(bp_train(net, &f.s, &o, &rng, &err) == BP_OK);
    const bp_real *p = bp_net_params(net, &n2);
    CHECK(straight && memcmp(straight, p, n1 * sizeof *p) == 0);
    free(straight);
    bp_net_free(net);
    unlink(path);
}

static void test_damaged_checkpoints_refused(void)
{
    fixture f;
    make_data(&f);
    char path[] = "/tmp/bp_checkpoint_XXXXXX";
    close(mkstemp(path));
    bp_train_options o;
    bp_train_defaults(&o);
    o.epochs = 2;
    o.checkpoint = path;
    o.checkpoint_every = 1;
    o.epochs = 3;
    bp_rng rng;
    bp_rng_seed(&rng, 3);
    bp_net *net = fresh_net(&rng);
    bp_error err;
    CHECK(bp_train(net, &f.s, &o, &rng, &err) == BP_OK);
    FILE *in = fopen(path, "rb");
    char *text = calloc(1, 1 << 20);
    size_t len = in ? fread(text, 1, (1 << 20) - 1, in) : 0;
    if (in) fclose(in);
    CHECK(len > 100);
    const size_t cuts[] = {0, 10, 50, len / 2, len - 5};
    o.checkpoint = NULL;
    o.resume = path;
    for (size_t i = 0; i < sizeof cuts / sizeof *cuts; i++) {
        FILE *out = fopen(path, "wb");
        fwrite(text, 1, cuts[i], out);
        fclose(out);
        CHECK(bp_train(net, &f.s, &o, &rng, &err) == BP_ERR_DATA);
        CHECK(strstr(err.message, "checkpoint") != NULL);
    }
    /* A checkpoint of another network is refused, not misread. */
    FILE *out = fopen(path, "wb");
    fwrite(text, 1, len, out);
    fclose(out);
    const size_t widths[3] = {N_IN, 8, N_OUT};
    bp_net *other;
    CHECK(bp_net_create(&other, 2, widths, NULL, &err) == BP_OK);
    CHECK(bp_train(other, &f.s, &o, &rng, &err) == BP_ERR_DATA);
    CHECK(strstr(err.message, "another network") != NULL);
    bp_net_free(other);
    o.resume = "/nonexistent/checkpoint";
    CHECK(bp_train(net, &f.s, &o, &rng, &err) == BP_ERR_IO);
    free(text);
    bp_net_free(net);
    unlink(path);
}

static void test_divergence_is_a_clear_error(void)
{
    fixture f;
    make_data(&f);
    for (size_t r = 0; r < ROWS * N_IN; r++) f.x[r] *= (bp_real)1e30;
    const size_t widths[3] = {N_IN, 7, N_OUT};
    const bp_activation acts[2] = {BP_ACT_LINEAR, BP_ACT_LINEAR};
    bp_net *net;
    bp_error err;
    CHECK(bp_net_create(&net, 2, widths, acts, &err) == BP_OK);
    bp_rng rng;
    bp_rng_seed(&rng, 1);
    bp_net_init(net, BP_INIT_UNIFORM, &rng);
    bp_train_options o;
    bp_train_defaults(&o);
    o.loss = BP_LOSS_MSE;
    o.epochs = 5;
    CHECK(bp_train(net, &f.s, &o, &rng, &err) == BP_ERR_NUMERIC);
    CHECK(strstr(err.message, "epoch 1, batch") != NULL);
    CHECK(strstr(err.message, "lower learning rate") != NULL);
    bp_net_free(net);
}

int main(void)
{
    RUN(test_resume_online_sgd);
    RUN(test_resume_adam_batches_shuffle_validation);
    RUN(test_resume_mid_epoch);
    RUN(test_damaged_checkpoints_refused);
    RUN(test_divergence_is_a_clear_error);
    return harness_finish();
}
