/* The training loop: epochs over the rows, online or in batches, with
 * optional reshuffling, validation and early stopping. With the default
 * options it is the tutorial's train_network(), bit for bit. */
#include "core/net.h"

#include "fast/batch.h"
#include "train/checkpoint.h"
#include "train/diagnose.h"
#include "train/reduce.h"
#include "train/train.h"
#include "train/weights.h"
#include "util/clock.h"
#include "util/error.h"
#include "core/loss.h"
#include "core/optim.h"
#include "core/rng.h"
#include "util/limits.h"
#include "util/real.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void bp_train_defaults(bp_train_options *o)
{
    memset(o, 0, sizeof *o);
    o->learning_rate = 0.3;
    o->epochs = 500;
    o->batch_size = 1;
    o->loss = BP_LOSS_SSE;
    o->optimizer = BP_OPT_SGD;
    o->momentum = 0.9;
    o->beta1 = 0.9;
    o->beta2 = 0.999;
    o->epsilon = 1e-8;
    o->schedule = BP_SCHEDULE_CONSTANT;
    o->decay = 0.5;
    o->step_epochs = 10;
    o->patience = 10;
}

typedef struct trainer {
    bp_net *net;
    const bp_samples *s;
    const bp_train_options *o;
    size_t *order;          /* training rows, in this epoch's order */
    size_t n_train;
    size_t *val_rows;       /* held-out rows for early stopping */
    size_t n_val;
    bp_real *target;        /* one row's expected outputs */
    size_t hot;             /* the index set to 1 in target */
    bp_real *grad;          /* gradient, same layout as the parameters */
    unsigned char *decays;  /* 1 for weights, 0 for biases */
    bp_real *best;          /* parameters at the best validation loss */
    bp_optim optim;
    int fused_sgd;          /* plain SGD without L2: steps in place, no gradient buffer */
    size_t batch;           /* rows per step; 1 = online */
    size_t epoch, position; /* where training starts (a resumed run: mid-way) */
    double partial;         /* loss already summed in that epoch */
    double best_val;        /* best validation loss so far */
    size_t since_best;      /* epochs since it */
    bp_batch_ws ws;         /* matrices for batches of more than one row */
    size_t shards;          /* shards per batch; 1 = the batch whole */
    size_t first, count;    /* the shards computed here */
    bp_grad_part *parts;    /* their parts, count of them */
    bp_status failure;      /* why a step could not finish (the reducer's error) */
    size_t *unit_counts;    /* scratch for the diagnostics, one per hidden unit */
    bp_row_weights weights; /* how much each row counts; off: 1 each */
    bp_error *err;
} trainer;


/* Shards and a reducer need the gradient of a batch of several rows. */
static bp_status check_reduce(const bp_train_options *o, bp_error *err)
{
    if (o->shards > BP_MAX_SHARDS)
        return bp_error_set(err, BP_ERR_ARG, "%zu shards: at most %zu", o->shards, BP_MAX_SHARDS);
    if (!o->reducer && o->shards <= 1) return BP_OK;
    if (o->batch_size == 1)
        return bp_error_set(err, BP_ERR_ARG, "shards and a reducer need batches of more than one row");
    if (!o->reducer) return BP_OK;
    size_t shards = o->shards ? o->shards : 1;
    if (!o->reducer->fn) return bp_error_set(err, BP_ERR_ARG, "the reducer has no function");
    if (o->reducer->count == 0 || o->reducer->first >= shards ||
        o->reducer->count > shards - o->reducer->first)
        return bp_error_set(err, BP_ERR_ARG, "the reducer's shards %zu to %zu are not among the %zu",
                            o->reducer->first + 1, o->reducer->first + o->reducer->count, shards);
    return BP_OK;
}

static bp_status check_options(const bp_net *net, const bp_samples *s,
                               const bp_train_options *o, bp_error *err)
{
    size_t n_out = net->width[net->n_layers];
    if ((unsigned)o->loss >= (unsigned)BP_LOSS_COUNT) return bp_error_set(err, BP_ERR_ARG, "unknown loss");
    if ((unsigned)o->optimizer >= (unsigned)BP_OPT_COUNT)
        return bp_error_set(err, BP_ERR_ARG, "unknown optimizer");
    if ((unsigned)o->schedule >= (unsigned)BP_SCHEDULE_COUNT)
        return bp_error_set(err, BP_ERR_ARG, "unknown schedule");
    if (!(o->learning_rate > 0) || !isfinite(o->learning_rate))
        return bp_error_set(err, BP_ERR_ARG, "learning rate must be a positive number");
    if (s->n_inputs != net->width[0])
        return bp_error_set(err, BP_ERR_ARG, "the data has %zu inputs but the network %zu",
                            s->n_inputs, net->width[0]);
    if (!s->label && !s->y)
        return bp_error_set(err, BP_ERR_ARG, "the samples have no targets");
    if (s->y && s->n_outputs != n_out)
        return bp_error_set(err, BP_ERR_ARG, "the data has %zu targets but the network %zu outputs",
                            s->n_outputs, n_out);
    if (s->n_rows == 0) return bp_error_set(err, BP_ERR_ARG, "no training rows");
    if (o->momentum < 0 || o->momentum >= 1 || o->beta1 < 0 || o->beta1 >= 1 ||
        o->beta2 < 0 || o->beta2 >= 1)
        return bp_error_set(err, BP_ERR_ARG, "momentum, beta1 and beta2 must be in [0, 1)");
    if (!(o->epsilon > 0)) return bp_error_set(err, BP_ERR_ARG, "epsilon must be positive");
    if (!(o->l2 >= 0) || !isfinite(o->l2)) return bp_error_set(err, BP_ERR_ARG, "l2 must be >= 0");
    if (!(o->validation >= 0 && o->validation < 1))
        return bp_error_set(err, BP_ERR_ARG, "validation fraction must be in [0, 1)");
    if (!(o->decay >= 0) || !isfinite(o->decay)) return bp_error_set(err, BP_ERR_ARG, "decay must be >= 0");
    bp_status st = check_reduce(o, err);
    if (st != BP_OK) return st;
    return bp_loss_check_pairing(o->loss, net->act[net->n_layers - 1], n_out, err);
}

static void trainer_free(trainer *t)
{
    free(t->order);
    free(t->val_rows);
    free(t->target);
    free(t->grad);
    free(t->decays);
    free(t->best);
    if (t->parts)
        for (size_t i = 0; i < t->count; i++) free(t->parts[i].grad);
    free(t->parts);
    free(t->unit_counts);
    bp_row_weights_free(&t->weights);
    bp_optim_free(&t->optim);
    bp_batch_ws_free(&t->ws);
}

/* Splits the rows into training and held-out validation rows. */
static bp_status split_validation(trainer *t, bp_rng *rng, bp_error *err)
{
    const bp_samples *s = t->s;
    for (size_t i = 0; i < s->n_rows; i++) t->order[i] = s->rows ? s->rows[i] : i;
    t->n_train = s->n_rows;
    if (t->o->validation <= 0) return BP_OK;
    size_t n_val = (size_t)ceil(t->o->validation * (double)s->n_rows);
    if (n_val < 1 || n_val >= s->n_rows)
        return bp_error_set(err, BP_ERR_ARG,
                            "validation fraction %g of %zu rows leaves no rows to train or to validate",
                            t->o->validation, s->n_rows);
    bp_rng_shuffle(rng, t->order, s->n_rows);
    t->n_train = s->n_rows - n_val;
    t->n_val = n_val;
    t->val_rows = malloc(n_val * sizeof *t->val_rows);
    t->best = malloc(t->net->n_params * sizeof *t->best);
    if (!t->val_rows || !t->best) return bp_error_nomem(err, "validation rows");
    memcpy(t->val_rows, t->order + t->n_train, n_val * sizeof *t->val_rows);
    return BP_OK;
}

/* Whether each batch's gradient goes through the reduce step: cut into
 * shards, or summed with parts computed elsewhere. */
static int reduces(const bp_train_options *o)
{
    return o->shards > 1 || o->reducer;
}

/* Plain SGD without L2 steps in place, with no gradient buffer: one row at
 * a time the tutorial's way, or a batch at a time straight from the
 * products (and, in batches, with the weights as panel matrices). */
static int steps_in_place(const bp_train_options *o)
{
    return o->optimizer == BP_OPT_SGD && o->l2 == 0 && !reduces(o);
}

/* One part per shard computed here. */
static bp_status parts_init(trainer *t, bp_error *err)
{
    const bp_train_options *o = t->o;
    t->shards = o->shards > 1 ? o->shards : 1;
    t->first = o->reducer ? o->reducer->first : 0;
    t->count = o->reducer ? o->reducer->count : t->shards;
    t->parts = calloc(t->count, sizeof *t->parts);
    if (!t->parts) return bp_error_nomem(err, "gradient parts");
    for (size_t i = 0; i < t->count; i++) {
        t->parts[i].grad = malloc(t->net->n_params * sizeof *t->parts[i].grad);
        if (!t->parts[i].grad) return bp_error_nomem(err, "gradient parts");
    }
    return BP_OK;
}

static bp_status trainer_init(trainer *t, bp_net *net, const bp_samples *s,
                              const bp_train_options *o, bp_rng *rng, bp_error *err)
{
    memset(t, 0, sizeof *t);
    t->best_val = INFINITY;
    t->net = net;
    t->s = s;
    t->o = o;
    size_t n_out = net->width[net->n_layers];
    t->order = malloc(s->n_rows * sizeof *t->order);
    t->target = calloc(n_out, sizeof *t->target);
    if (!t->order || !t->target) return bp_error_nomem(err, "training rows");
    bp_status st = split_validation(t, rng, err);
    if (st != BP_OK) return st;
    t->batch = o->batch_size == 0 || o->batch_size > t->n_train ? t->n_train : o->batch_size;
    if (t->batch > 1) {
        st = bp_batch_ws_init(&t->ws, net, t->batch, o->threads, err);
        if (st != BP_OK) return st;
    }
    st = bp_row_weights_init(&t->weights, s, o, n_out, t->order, t->n_train, err);
    if (st != BP_OK) return st;
    if (t->weights.on && t->batch > 1) {
        t->ws.w = malloc(t->batch * sizeof *t->ws.w);
        if (!t->ws.w) return bp_error_nomem(err, "row weights");
    }
    t->fused_sgd = steps_in_place(o);
    if (t->fused_sgd && t->batch > 1) {
        st = bp_batch_ws_panels(net, &t->ws, err);
        if (st != BP_OK) return st;
    }
    if (!t->fused_sgd) {
        t->grad = calloc(net->n_params, sizeof *t->grad);
        t->decays = calloc(net->n_params, 1);
        if (!t->grad || !t->decays) return bp_error_nomem(err, "gradient");
        for (size_t l = 0; l < net->n_layers; l++)
            memset(t->decays + net->w_offset[l], 1, net->width[l] * net->width[l + 1]);
        st = bp_optim_init(&t->optim, o, net->n_params, t->decays, err);
        if (st != BP_OK) return st;
    }
    if (o->diagnostics) {
        memset(o->diagnostics, 0, sizeof *o->diagnostics);
        t->unit_counts = malloc((bp_diagnose_hidden_units(net) + 1) * sizeof *t->unit_counts);
        if (!t->unit_counts) return bp_error_nomem(err, "diagnostics");
    }
    return reduces(o) ? parts_init(t, err) : BP_OK;
}

/* The expected outputs of a row: one-hot class, or the regression targets. */
static const bp_real *row_target(trainer *t, size_t r)
{
    const bp_samples *s = t->s;
    if (s->y) return s->y + r * s->n_outputs;
    /* Only the previous row's 1 needs clearing: no memset per row. */
    size_t n_out = t->net->width[t->net->n_layers];
    if (t->hot < n_out) t->target[t->hot] = 0;
    t->hot = s->label[r];
    if (t->hot < n_out) t->target[t->hot] = 1;
    return t->target;
}

/* Gradient of one row's loss: delta_j * input_i for W, delta_j for b. */
static void row_gradient(bp_net *net, const bp_real *inputs, bp_real *grad)
{
    const bp_real *in = inputs;
    for (size_t l = 0; l < net->n_layers; l++) {
        size_t n_in = net->width[l], n_out = net->width[l + 1];
        const bp_real *delta = bp_net_deltas(net, l);
        bp_real *gW = grad + net->w_offset[l], *gb = grad + net->b_offset[l];
        for (size_t j = 0; j < n_out; j++) {
            for (size_t i = 0; i < n_in; i++) gW[j * n_in + i] = delta[j] * in[i];
            gb[j] = delta[j];
        }
        in = bp_net_outputs(net, l);
    }
}

/* Whether the caller asked training to stop (checked between batches). */
static int stop_requested(const trainer *t)
{
    return t->o->stop && __atomic_load_n(t->o->stop, __ATOMIC_RELAXED); /* set by a signal handler */
}

/* Online training on rows [start, n_train) of the epoch's order; adds their
 * loss to *sum and returns the position reached (n_train unless stopped or
 * the loss stopped being finite). */
static size_t online_rows(trainer *t, double lr, size_t start, double *sum)
{
    bp_net *net = t->net;
    const bp_samples *s = t->s;
    size_t n_out = net->width[net->n_layers];
    bp_activation out_act = net->act[net->n_layers - 1];
    for (size_t k = start; k < t->n_train; k++) {
        size_t r = t->order[k];
        const bp_real *x = s->x + r * s->n_inputs;
        const bp_real *expected = row_target(t, r);
        const bp_real *out = bp_net_forward(net, x);
        bp_real w = t->weights.on ? bp_row_weight(&t->weights, r) : 1;
        double loss = bp_loss_row(t->o->loss, out_act, out, expected, n_out);
        *sum += t->weights.on ? loss * (double)w : loss;
        if (!isfinite(*sum)) return k;
        bp_net_backward(net, expected, t->o->loss);
        if (t->fused_sgd) {
            bp_net_update(net, x, t->weights.on ? (bp_real)lr * w : (bp_real)lr);
        } else {
            row_gradient(net, x, t->grad);
            if (t->weights.on)
                for (size_t j = 0; j < net->n_params; j++) t->grad[j] *= w;
            bp_optim_step(&t->optim, net->params, t->grad, lr);
        }
        if (stop_requested(t)) return k + 1;
    }
    return t->n_train;
}

/* Copies a batch's rows and targets into the workspace matrices. */
static void gather_batch(trainer *t, const size_t *rows, size_t n)
{
    const bp_samples *s = t->s;
    size_t n_in = s->n_inputs, n_out = t->net->width[t->net->n_layers];
    for (size_t k = 0; k < n; k++) {
        memcpy(t->ws.x + k * n_in, s->x + rows[k] * n_in, n_in * sizeof *t->ws.x);
        memcpy(t->ws.t + k * n_out, row_target(t, rows[k]), n_out * sizeof *t->ws.t);
        if (t->ws.w) t->ws.w[k] = bp_row_weight(&t->weights, rows[k]);
    }
}

/* The parts of the shards computed here, of the batch of n rows. */
static void shard_parts(trainer *t, const size_t *rows, size_t n)
{
    for (size_t k = 0; k < t->count; k++) {
        size_t i = t->first + k;
        size_t begin = bp_shard_begin(n, t->shards, i), end = bp_shard_begin(n, t->shards, i + 1);
        bp_grad_part *part = &t->parts[k];
        part->rows = end - begin;
        if (part->rows == 0) {
            memset(part->grad, 0, t->net->n_params * sizeof *part->grad);
            part->loss = 0;
            continue;
        }
        gather_batch(t, rows + begin, part->rows);
        part->loss = bp_batch_gradient_sum(t->net, &t->ws, part->rows, t->o->loss, part->grad);
    }
}

/* The reduce step: the mean gradient of the batch of n rows into t->grad,
 * from the parts of all its shards; returns the summed loss, or NaN with
 * t->failure set. */
static double reduced_gradient(trainer *t, const size_t *rows, size_t n)
{
    shard_parts(t, rows, n);
    size_t n_params = t->net->n_params;
    bp_grad_part total = {t->grad, 0, 0};
    if (t->o->reducer) {
        const bp_reducer *r = t->o->reducer;
        t->failure = r->fn(r->ctx, t->parts, t->first, t->count, t->shards, n_params, &total, t->err);
        if (t->failure == BP_OK && total.rows != n)
            t->failure = bp_error_set(t->err, BP_ERR_ARG,
                                      "the reducer's total has %zu rows, but the batch %zu",
                                      total.rows, n);
        if (t->failure != BP_OK) return NAN;
    } else {
        bp_reduce_tree(t->parts, t->count, n_params, &total);
    }
    const bp_real scale = (bp_real)1 / (bp_real)n;
    for (size_t j = 0; j < n_params; j++) t->grad[j] *= scale;
    return total.loss;
}

/* Batches from position start; as online_rows. */
static size_t batch_steps(trainer *t, double lr, size_t start, double *sum)
{
    for (size_t pos = start; pos < t->n_train;) {
        size_t n = t->n_train - pos < t->batch ? t->n_train - pos : t->batch;
        gather_batch(t, t->order + pos, n);
        if (t->fused_sgd) {
            *sum += bp_batch_sgd(t->net, &t->ws, n, t->o->loss, (bp_real)lr);
            if (!isfinite(*sum)) return pos;
        } else {
            *sum += t->parts ? reduced_gradient(t, t->order + pos, n)
                             : bp_batch_gradient(t->net, &t->ws, n, t->o->loss, t->grad);
            if (!isfinite(*sum)) return pos;
            bp_optim_step(&t->optim, t->net->params, t->grad, lr);
        }
        pos += n;
        if (stop_requested(t)) return pos;
    }
    return t->n_train;
}

/* batch_steps, with the weights in the kernels' layout while it runs (plain
 * SGD; see bp_batch_sgd_begin). */
static size_t batched_rows(trainer *t, double lr, size_t start, double *sum)
{
    bp_batch_sgd_begin(t->net, &t->ws);
    size_t reached = batch_steps(t, lr, start, sum);
    bp_batch_sgd_end(t->net, &t->ws);
    return reached;
}

/* Mean loss per row, for reporting (MSE also averages over outputs). */
static double mean_loss(const trainer *t, double sum, size_t rows)
{
    double n = (double)rows;
    if (bp_loss_averages_outputs(t->o->loss)) n *= (double)t->net->width[t->net->n_layers];
    return rows ? sum / n : NAN;
}

static void validate(trainer *t, double *loss, double *accuracy)
{
    bp_net *net = t->net;
    const bp_samples *s = t->s;
    size_t n_out = net->width[net->n_layers];
    bp_activation out_act = net->act[net->n_layers - 1];
    double sum = 0, weights = 0;
    size_t correct = 0;
    if (t->batch > 1) { /* through the matrix kernels, a batch at a time */
        for (size_t start = 0; start < t->n_val; start += t->batch) {
            size_t n = t->n_val - start < t->batch ? t->n_val - start : t->batch;
            gather_batch(t, t->val_rows + start, n);
            const bp_real *out = bp_batch_forward(net, &t->ws, n);
            for (size_t k = 0; k < n; k++) {
                size_t r = t->val_rows[start + k];
                double w = t->weights.on ? bp_row_weight_raw(&t->weights, r) : 1;
                sum += w * bp_loss_row(t->o->loss, out_act, out + k * n_out, t->ws.t + k * n_out, n_out);
                weights += w;
                if (s->label && bp_argmax(out + k * n_out, n_out) == s->label[r]) correct++;
            }
        }
    } else {
        for (size_t k = 0; k < t->n_val; k++) {
            size_t r = t->val_rows[k];
            const bp_real *out = bp_net_forward(net, s->x + r * s->n_inputs);
            double w = t->weights.on ? bp_row_weight_raw(&t->weights, r) : 1;
            sum += w * bp_loss_row(t->o->loss, out_act, out, row_target(t, r), n_out);
            weights += w;
            if (s->label && bp_argmax(out, n_out) == s->label[r]) correct++;
        }
    }
    /* the weighted mean: as if every row weighed 1 on average */
    if (t->weights.on && weights > 0) sum *= (double)t->n_val / weights;
    *loss = mean_loss(t, sum, t->n_val);
    *accuracy = s->label ? (double)correct / (double)t->n_val * 100.0 : NAN;
}

static void fill_state(trainer *t, bp_train_state *st, bp_rng *rng)
{
    st->net = t->net;
    st->rng = rng;
    st->velocity = t->optim.velocity;
    st->second = t->optim.second;
    st->n_rows = t->s->n_rows;
    st->n_train = t->n_train;
    st->order = t->order;
    st->best = t->best;
}

static bp_status save_checkpoint(trainer *t, bp_rng *rng, size_t epoch, size_t position,
                                 double partial, bp_error *err)
{
    bp_train_state st;
    fill_state(t, &st, rng);
    st.epoch = epoch;
    st.position = position;
    st.partial_sum = partial;
    st.steps = t->optim.steps;
    st.best_val = t->best_val;
    st.since_best = t->since_best;
    return bp_checkpoint_write(t->o->checkpoint, &st, err);
}

static int compare_sizes(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* A resumed order must hold exactly this run's rows, or a damaged file
 * could point training outside the data. */
static bp_status check_resumed_rows(trainer *t, bp_error *err)
{
    size_t n = t->s->n_rows;
    size_t *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    if (!a || !b) {
        free(a);
        free(b);
        return bp_error_nomem(err, "resume");
    }
    for (size_t i = 0; i < n; i++) {
        a[i] = t->order[i];
        b[i] = t->s->rows ? t->s->rows[i] : i;
    }
    qsort(a, n, sizeof *a, compare_sizes);
    qsort(b, n, sizeof *b, compare_sizes);
    int same = memcmp(a, b, n * sizeof *a) == 0;
    free(a);
    free(b);
    return same ? BP_OK
                : bp_error_set(err, BP_ERR_DATA, "%s: the checkpoint's rows are not this run's rows",
                               t->o->resume);
}

static bp_status resume(trainer *t, bp_rng *rng, bp_error *err)
{
    bp_train_state st;
    fill_state(t, &st, rng);
    bp_status status = bp_checkpoint_read(t->o->resume, &st, err);
    if (status != BP_OK) return status;
    if (t->n_val) memcpy(t->val_rows, t->order + t->n_train, t->n_val * sizeof *t->val_rows);
    t->epoch = st.epoch;
    t->position = st.position;
    t->partial = st.partial_sum;
    t->optim.steps = st.steps;
    t->best_val = st.best_val;
    t->since_best = st.since_best;
    return check_resumed_rows(t, err);
}

static bp_status diverged(const trainer *t, size_t epoch, size_t position, bp_error *err)
{
    size_t batch = position / t->batch + 1;
    return bp_error_set(err, BP_ERR_NUMERIC,
                        "training diverged at epoch %zu, batch %zu: the loss is not finite "
                        "(try a lower learning rate, or scale the data)", epoch + 1, batch);
}

static int params_finite(const bp_net *net)
{
    for (size_t i = 0; i < net->n_params; i++)
        if (!isfinite(net->params[i])) return 0;
    return 1;
}

/* Early stopping: remember the best weights; count epochs since them. */
static void track_validation(trainer *t, bp_epoch_report *rep)
{
    validate(t, &rep->val_loss, &rep->val_accuracy);
    if (rep->val_loss < t->best_val) {
        t->best_val = rep->val_loss;
        t->since_best = 0;
        if (t->o->diagnostics) t->o->diagnostics->best_epoch = rep->epoch + 1;
        memcpy(t->best, t->net->params, t->net->n_params * sizeof *t->best);
    } else {
        t->since_best++;
    }
}

/* The diagnostics of an epoch: its loss; after the first, how the hidden
 * units behave on the first training rows of the epoch's order. */
static void diagnose(trainer *t, const bp_epoch_report *rep, int early)
{
    bp_train_diagnostics *d = t->o->diagnostics;
    int first = d->epochs_run == 0;
    bp_diagnose_epoch(d, rep->epoch, rep->loss);
    if (first) bp_diagnose_units(t->net, t->s, t->order, t->n_train, t->unit_counts, d);
    if (early) d->stopped_epoch = rep->epoch + 1;
}

static bp_status run_epochs(trainer *t, bp_rng *rng, bp_error *err)
{
    const bp_train_options *o = t->o;
    double start = bp_clock_seconds();
    for (size_t epoch = t->epoch; epoch < o->epochs; epoch++) {
        double lr = bp_schedule_rate(o, epoch), sum = t->partial;
        size_t from = t->position;
        t->position = 0;
        t->partial = 0;
        if (o->shuffle && from == 0) bp_rng_shuffle(rng, t->order, t->n_train);
        size_t reached = t->batch > 1 ? batched_rows(t, lr, from, &sum) : online_rows(t, lr, from, &sum);
        if (t->failure != BP_OK) return t->failure;
        if (!isfinite(sum) || !params_finite(t->net)) return diverged(t, epoch, reached, err);
        if (reached < t->n_train) { /* asked to stop */
            bp_status st = o->checkpoint ? save_checkpoint(t, rng, epoch, reached, sum, err) : BP_OK;
            if (st != BP_OK) return st;
            return bp_error_set(err, BP_ERR_INTERRUPTED, "training stopped at epoch %zu%s%s", epoch + 1,
                                o->checkpoint ? "; its state is saved in " : "",
                                o->checkpoint ? o->checkpoint : "");
        }
        bp_epoch_report rep = {epoch, o->epochs, sum, mean_loss(t, sum, t->n_train), NAN, NAN,
                               lr, 0, t->n_train};
        if (t->n_val) track_validation(t, &rep);
        rep.seconds = bp_clock_seconds() - start;
        int early = t->n_val && o->patience > 0 && t->since_best >= o->patience;
        if (o->diagnostics) diagnose(t, &rep, early);
        int last = epoch + 1 == o->epochs;
        if (o->checkpoint && o->checkpoint_every && (epoch + 1) % o->checkpoint_every == 0 && !last) {
            bp_status st = save_checkpoint(t, rng, epoch + 1, 0, 0, err);
            if (st != BP_OK) return st;
        }
        if (o->on_epoch && o->on_epoch(o->user, &rep)) break;
        if (early) break;
        if (stop_requested(t) && !last) {
            bp_status st = o->checkpoint ? save_checkpoint(t, rng, epoch + 1, 0, 0, err) : BP_OK;
            if (st != BP_OK) return st;
            return bp_error_set(err, BP_ERR_INTERRUPTED, "training stopped after epoch %zu", epoch + 1);
        }
    }
    if (t->n_val && isfinite(t->best_val))
        memcpy(t->net->params, t->best, t->net->n_params * sizeof *t->best);
    return BP_OK;
}

/* a * b + c, saturating: an estimate must not wrap around to a small number. */
static size_t mul_add(size_t a, size_t b, size_t c)
{
    size_t p;
    if (!bp_mul_size(a, b, &p) || p > SIZE_MAX - c) return SIZE_MAX;
    return p + c;
}

size_t bp_train_memory(size_t n_layers, const size_t *widths, size_t n_rows,
                       const bp_train_options *o)
{
    size_t params = 0, units = 0;
    for (size_t l = 0; l < n_layers; l++) {
        params = mul_add(widths[l] + 1, widths[l + 1], params);
        units = mul_add(widths[l + 1], 1, units);
    }
    size_t copies = 1; /* the network itself */
    if (!steps_in_place(o)) copies += 2; /* gradient, decay mask */
    if (o->optimizer != BP_OPT_SGD) copies += 1;
    if (o->optimizer == BP_OPT_ADAM) copies += 1;
    if (o->validation > 0) copies += 1;
    if (reduces(o)) { /* the parts; a count past the limit is refused anyway */
        size_t parts = o->reducer ? o->reducer->count : o->shards;
        copies += parts < BP_MAX_SHARDS ? parts : BP_MAX_SHARDS;
    }
    size_t bytes = mul_add(params, copies * sizeof(bp_real), 0);
    bytes = mul_add(units, 2 * sizeof(bp_real), bytes);
    bytes = mul_add(n_rows, 2 * sizeof(size_t), bytes);
    size_t batch = o->batch_size == 0 || o->batch_size > n_rows ? n_rows : o->batch_size;
    if (batch > 1) {
        size_t per_row = mul_add(units, 2, mul_add(widths[0], 1, widths[n_layers]));
        bytes = mul_add(mul_add(batch, per_row, 0), sizeof(bp_real), bytes);
        if (steps_in_place(o)) /* the weights as panels (batch.h) */
            bytes = mul_add(params, sizeof(bp_real), bytes);
    }
    return bytes;
}

static double mib(size_t bytes) { return (double)bytes / 1048576.0; }

bp_status bp_check_train_memory(size_t n_layers, const size_t *widths, size_t n_rows,
                                const bp_train_options *o, bp_error *err)
{
    size_t need = bp_train_memory(n_layers, widths, n_rows, o);
    if (need == SIZE_MAX)
        return bp_error_set(err, BP_ERR_NOMEM, "the network is too large to exist in memory");
    if (!o->max_memory || need <= o->max_memory) return BP_OK;
    return bp_error_set(err, BP_ERR_NOMEM,
                        "training needs about %.1f MiB, more than the limit of %.1f MiB "
                        "(use a smaller --batch or network, or raise --max-memory)",
                        mib(need), mib(o->max_memory));
}

bp_status bp_check_spec(const bp_net_spec *spec, size_t n_inputs, size_t n_outputs, size_t n_rows,
                        const bp_train_options *o, bp_error *err)
{
    size_t widths[BP_MAX_LAYERS + 1];
    bp_activation acts[BP_MAX_LAYERS];
    bp_status st = bp_net_spec_shape(spec, n_inputs, n_outputs, widths, acts, err);
    if (st != BP_OK) return st;
    return bp_check_train_memory(spec->n_hidden + 1, widths, n_rows, o, err);
}

bp_status bp_train_check(const bp_net *net, const bp_samples *samples, const bp_train_options *opts,
                         bp_error *err)
{
    bp_status st = check_options(net, samples, opts, err);
    if (st == BP_OK) st = bp_check_train_memory(net->n_layers, net->width, samples->n_rows, opts, err);
    return st;
}

bp_status bp_train(bp_net *net, const bp_samples *samples, const bp_train_options *opts,
                   bp_rng *rng, bp_error *err)
{
    bp_status st = bp_train_check(net, samples, opts, err);
    if (st != BP_OK) return st;
    trainer t;
    st = trainer_init(&t, net, samples, opts, rng, err);
    t.err = err;
    if (st == BP_OK && opts->resume) st = resume(&t, rng, err);
    if (st == BP_OK) st = run_epochs(&t, rng, err);
    trainer_free(&t);
    return st;
}
