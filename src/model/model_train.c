/* Training a model from options: the scalers fitted on the training
 * rows, a network made from the spec and trained, and what the run did
 * recorded in the model's training record. */
#include "model/model.h"

#include "core/net.h"
#include "data/dataset.h"
#include "fast/batch.h"
#include "train/train.h"
#include "util/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Remembers the last epoch's report and passes every report on. */
typedef struct epoch_watch {
    bp_epoch_fn user_fn;
    void *user;
    bp_epoch_report last;
    int seen;
    bp_train_diagnostics diagnostics;
} epoch_watch;

static int watch_epoch(void *user, const bp_epoch_report *report)
{
    epoch_watch *w = user;
    w->last = *report;
    w->seen = 1;
    return w->user_fn ? w->user_fn(w->user, report) : 0;
}

/* Everything a training run allocates besides the model. */
typedef struct training_run {
    bp_scaler *scaler, *target_scaler;
    bp_real *x, *y;  /* scaled features and (regression) targets */
    int x_borrowed;  /* x is the dataset's own matrix, scaled in place */
    bp_net *net;
} training_run;

static void training_run_free(training_run *run)
{
    bp_scaler_free(run->scaler);
    bp_scaler_free(run->target_scaler);
    if (!run->x_borrowed) free(run->x);
    free(run->y);
    bp_net_free(run->net);
}

static bp_status check_trainable(const bp_dataset *ds, bp_error *err)
{
    if (ds->n_rows == 0) return bp_error_set(err, BP_ERR_DATA, "%s: no data rows", ds->source);
    if (ds->task == BP_TASK_CLASSIFICATION && ds->n_classes < 2)
        return bp_error_set(err, BP_ERR_DATA, "%s: only one class ('%s'): nothing to learn",
                            ds->source, ds->n_classes ? ds->class_names[0] : "");
    return BP_OK;
}

/* Scalers fitted on every training row, and the rows as they scale. */
static bp_status scale_training_rows(training_run *run, const bp_dataset *ds, bp_real *in_place,
                                     bp_scale kind, const size_t *rows, size_t n_rows, bp_error *err)
{
    size_t cells;
    if (!bp_mul_size(ds->n_rows, ds->n_features, &cells) || cells > ((size_t)-1) / sizeof *run->x)
        return bp_error_nomem(err, "scaled features");
    bp_status st = bp_scaler_fit_grouped(&run->scaler, kind, ds->x, ds->n_features, ds->groups, rows,
                                         n_rows, err);
    if (st != BP_OK) return st;
    run->x_borrowed = in_place != NULL;
    run->x = in_place ? in_place : malloc(cells * sizeof *run->x + 1);
    if (!run->x) return bp_error_nomem(err, "scaled features");
    bp_scaler_apply(run->scaler, ds->x, run->x, ds->n_rows);
    if (ds->task != BP_TASK_REGRESSION) return BP_OK;
    st = bp_scaler_fit(&run->target_scaler, kind, ds->y, 1, rows, n_rows, err);
    if (st != BP_OK) return st;
    run->y = malloc(ds->n_rows * sizeof *run->y + 1);
    if (!run->y) return bp_error_nomem(err, "scaled targets");
    bp_scaler_apply(run->target_scaler, ds->y, run->y, ds->n_rows);
    return BP_OK;
}

typedef struct accuracy_count {
    const bp_dataset *ds;
    const size_t *rows;
    size_t n_out, correct;
} accuracy_count;

static void count_correct(void *ctx, size_t k, const bp_real *out)
{
    accuracy_count *a = ctx;
    size_t r = a->rows ? a->rows[k] : k;
    a->correct += bp_argmax(out, a->n_out) == a->ds->label[r];
}

/* Accuracy on the training rows. A model trained in mini-batches is scored
 * through the matrix kernels too; online training keeps the tutorial's
 * one-row arithmetic, so the figure equals what `eval` finds row by row. */
static double training_accuracy(training_run *run, const bp_dataset *ds, const size_t *rows,
                                size_t n_rows, const bp_train_options *train)
{
    if (ds->task == BP_TASK_REGRESSION) return NAN;
    accuracy_count a = {ds, rows, ds->n_classes, 0};
    bp_error err;
    if (train->batch_size == 1 ||
        bp_batch_predict(run->net, run->x, rows, n_rows, train->threads, count_correct, &a, &err) != BP_OK) {
        a.correct = 0;
        for (size_t k = 0; k < n_rows; k++)
            count_correct(&a, k, bp_net_forward(run->net, run->x + (rows ? rows[k] : k) * ds->n_features));
    }
    return (double)a.correct / (double)n_rows * 100.0;
}

/* The settings that shape the trained weights (not callbacks, files or
 * the thread count, which do not). */
static void record_train_options(bp_train_options *to, const bp_train_options *from)
{
    bp_train_defaults(to);
    to->learning_rate = from->learning_rate;
    to->epochs = from->epochs;
    to->batch_size = from->batch_size;
    to->loss = from->loss;
    to->shuffle = from->shuffle;
    to->optimizer = from->optimizer;
    to->momentum = from->momentum;
    to->beta1 = from->beta1;
    to->beta2 = from->beta2;
    to->epsilon = from->epsilon;
    to->l2 = from->l2;
    to->schedule = from->schedule;
    to->decay = from->decay;
    to->step_epochs = from->step_epochs;
    to->validation = from->validation;
    to->patience = from->patience;
}

/* The class weights as the model file records them ("" if too long). */
static void record_class_weight(char *out, size_t size, const bp_train_options *o, size_t n_classes)
{
    out[0] = '\0';
    if (o->balanced) {
        snprintf(out, size, "balanced");
        return;
    }
    size_t used = 0;
    for (size_t c = 0; o->class_weight && c < n_classes; c++) {
        char number[32];
        bp_format_double(number, sizeof number, o->class_weight[c]);
        int n = snprintf(out + used, size - used, "%s%s", c ? " " : "", number);
        if (n < 0 || (size_t)n >= size - used) {
            out[0] = '\0';
            return;
        }
        used += (size_t)n;
    }
}

static void record_training(bp_model_info *info, const bp_model_options *o, const bp_dataset *ds,
                            const epoch_watch *watch, double accuracy)
{
    info->trained = 1;
    record_class_weight(info->class_weight, sizeof info->class_weight, &o->train, ds->n_classes);
    record_train_options(&info->train, &o->train);
    info->init = o->net.init;
    if (o->seed && strlen(o->seed) < sizeof info->seed) strcpy(info->seed, o->seed);
    info->rows = o->rows ? o->n_rows : ds->n_rows;
    info->epochs_run = watch->seen ? watch->last.epoch + 1 : 0;
    info->final_loss = watch->seen ? watch->last.loss : NAN;
    info->train_accuracy = accuracy;
    info->diagnostics = watch->diagnostics;
}

/* Trains a model; with in_place, the dataset's own features are scaled
 * instead of a copy of them. */
static bp_status train_model(bp_model **out, const bp_dataset *ds, bp_real *in_place,
                             const bp_model_options *o, bp_rng *rng, bp_error *err)
{
    *out = NULL;
    bp_model_options defaults;
    if (!o) {
        bp_model_defaults(&defaults);
        o = &defaults;
    }
    training_run run = {0};
    bp_status st = check_trainable(ds, err);
    if (st == BP_OK)
        st = bp_check_spec(&o->net, ds->n_features, bp_model_outputs(ds), ds->n_rows, &o->train, err);
    const size_t *rows = o->rows;
    size_t n_rows = rows ? o->n_rows : ds->n_rows;
    if (st == BP_OK && rows && (n_rows == 0 || n_rows > ds->n_rows))
        st = bp_error_set(err, BP_ERR_ARG, "%zu training rows of %zu", n_rows, ds->n_rows);
    for (size_t k = 0; st == BP_OK && rows && k < n_rows; k++)
        if (rows[k] >= ds->n_rows) st = bp_error_set(err, BP_ERR_ARG, "training row %zu out of range", rows[k]);
    if (st == BP_OK) st = scale_training_rows(&run, ds, in_place, o->scale, rows, n_rows, err);
    if (st == BP_OK) st = bp_net_from_spec(&run.net, &o->net, ds->n_features, bp_model_outputs(ds), err);
    epoch_watch watch = {o->train.on_epoch, o->train.user, {0}, 0, {0}};
    if (st == BP_OK) {
        bp_net_init(run.net, o->net.init, rng);
        bp_train_options train = o->train;
        train.on_epoch = watch_epoch;
        train.user = &watch;
        train.diagnostics = &watch.diagnostics;
        bp_samples s = bp_dataset_samples(ds);
        s.x = run.x;
        s.y = run.y;
        s.rows = rows;
        s.n_rows = n_rows;
        st = bp_train(run.net, &s, &train, rng, err);
    }
    if (st == BP_OK) st = bp_model_create(out, ds, run.net, run.scaler, run.target_scaler, err);
    if (st == BP_OK) record_training(&(*out)->info, o, ds, &watch, training_accuracy(&run, ds, rows, n_rows, &o->train));
    training_run_free(&run);
    return st;
}

bp_status bp_model_train(bp_model **out, const bp_dataset *ds, const bp_model_options *o,
                         bp_rng *rng, bp_error *err)
{
    return train_model(out, ds, NULL, o, rng, err);
}

bp_status bp_model_train_in_place(bp_model **out, bp_dataset *ds, const bp_model_options *o,
                                  bp_rng *rng, bp_error *err)
{
    return train_model(out, ds, ds->x, o, rng, err);
}
