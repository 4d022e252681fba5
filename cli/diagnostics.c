/* Turning what a run noticed into warnings a person can act on: what went
 * wrong, on how many of the runs, and the flag that would help. */
#include "diagnostics.h"
#include "html_report.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* A loss flat for this many of the last epochs (and a tenth of them) has
 * stopped learning, unless it already fell below half its first value. */
enum { FLAT_EPOCHS_MIN = 5 };

static cli_warning *add(cli_warnings *w, const char *code, int note)
{
    if (w->n == CLI_MAX_WARNINGS) return NULL;
    cli_warning *it = &w->item[w->n++];
    memset(it, 0, sizeof *it);
    it->code = code;
    it->note = note;
    return it;
}

static void set(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, size, fmt, ap);
    va_end(ap);
}

/* " in 3 of 5 folds", or "" for a single run. */
static const char *in_runs(char *buf, size_t size, size_t k, size_t n)
{
    if (n == 1) buf[0] = '\0';
    else set(buf, size, " in %zu of %zu folds", k, n);
    return buf;
}

static int loss_is_flat(const bp_train_diagnostics *d)
{
    size_t need = d->epochs_run / 10 > FLAT_EPOCHS_MIN ? d->epochs_run / 10 : FLAT_EPOCHS_MIN;
    return d->epochs_run > need && d->flat_epochs >= need && d->last_loss > 0.5 * d->first_loss;
}

static void diagnose_flat_loss(cli_warnings *w, const bp_train_diagnostics *d, size_t n,
                               const bp_train_options *train)
{
    size_t runs = 0, longest = 0;
    for (size_t i = 0; i < n; i++)
        if (loss_is_flat(&d[i])) {
            runs++;
            if (d[i].flat_epochs > longest) longest = d[i].flat_epochs;
        }
    cli_warning *it = runs ? add(w, "loss-flat", 0) : NULL;
    if (!it) return;
    char where[64];
    set(it->message, sizeof it->message, "the training loss has not moved for %zu epochs%s", longest,
        in_runs(where, sizeof where, runs, n));
    set(it->hint, sizeof it->hint, "try another --lr (this run: %g), --optimizer adam or --init xavier",
        train->learning_rate);
}

static void diagnose_units(cli_warnings *w, const bp_train_diagnostics *d, size_t n)
{
    size_t sat_runs = 0, sat = 0, squashing = 0, dead_runs = 0, dead = 0, relu = 0;
    for (size_t i = 0; i < n; i++) {
        if (!d[i].rows_checked) continue;
        if (d[i].squashing_units && 2 * d[i].saturated_units > d[i].squashing_units) {
            sat_runs++;
            if (d[i].saturated_units > sat) sat = d[i].saturated_units, squashing = d[i].squashing_units;
        }
        if (d[i].relu_units && 2 * d[i].dead_units > d[i].relu_units) {
            dead_runs++;
            if (d[i].dead_units > dead) dead = d[i].dead_units, relu = d[i].relu_units;
        }
    }
    char where[64];
    cli_warning *it = sat_runs ? add(w, "units-saturated", 0) : NULL;
    if (it) {
        set(it->message, sizeof it->message,
            "%zu of %zu sigmoid and tanh hidden units were saturated after the first epoch%s: they pass "
            "almost no gradient", sat, squashing, in_runs(where, sizeof where, sat_runs, n));
        set(it->hint, sizeof it->hint, "--init xavier or --scale standard keeps them in range; or a lower --lr");
    }
    it = dead_runs ? add(w, "units-dead", 0) : NULL;
    if (it) {
        set(it->message, sizeof it->message,
            "%zu of %zu relu hidden units gave 0 on every row after the first epoch%s: dead units learn "
            "nothing", dead, relu, in_runs(where, sizeof where, dead_runs, n));
        set(it->hint, sizeof it->hint, "a lower --lr, --init he, or --activation leaky");
    }
}

static void diagnose_early_stop(cli_warnings *w, const bp_train_diagnostics *d, size_t n)
{
    size_t runs = 0, first = 0;
    for (size_t i = 0; i < n; i++)
        if (d[i].stopped_epoch && runs++ == 0) first = i;
    cli_warning *it = runs ? add(w, "early-stopped", 1) : NULL;
    if (!it) return;
    if (n == 1)
        set(it->message, sizeof it->message,
            "early stopping ended training after epoch %zu and kept the weights of epoch %zu, the best "
            "validation loss", d[first].stopped_epoch, d[first].best_epoch);
    else
        set(it->message, sizeof it->message,
            "early stopping ended %zu of %zu folds before their last epoch (fold %zu: after epoch %zu, "
            "keeping epoch %zu)", runs, n, first + 1, d[first].stopped_epoch, d[first].best_epoch);
    set(it->hint, sizeof it->hint, "--patience N waits longer for the validation loss to improve");
}

void cli_diagnose_training(cli_warnings *w, const bp_train_diagnostics *d, size_t n,
                           const bp_train_options *train)
{
    if (!d) return;
    diagnose_flat_loss(w, d, n, train);
    diagnose_units(w, d, n);
    diagnose_early_stop(w, d, n);
}

/* Rows predicted as each class: the confusion matrix's column sums. */
static size_t predicted_as(const bp_metrics *m, size_t c)
{
    size_t sum = 0;
    for (size_t a = 0; a < m->n_classes; a++) sum += m->confusion[a * m->n_classes + c];
    return sum;
}

static void diagnose_single_class(cli_warnings *w, const bp_metrics *m, const bp_dataset *ds, const char *rows)
{
    for (size_t c = 0; c < m->n_classes; c++) {
        if (predicted_as(m, c) != m->n) continue;
        cli_warning *it = add(w, "single-class", 0);
        if (!it) return;
        set(it->message, sizeof it->message, "the model predicts class '%s' for all %zu %s",
            bp_dataset_class_name(ds, c), m->n, rows);
        set(it->hint, sizeof it->hint,
            "it has not learnt to tell the classes apart: train for more --epochs, or try --optimizer adam");
        return;
    }
}

static void diagnose_majority(cli_warnings *w, const bp_metrics *m, const bp_dataset *ds)
{
    size_t top = 0;
    for (size_t c = 1; c < m->n_classes; c++)
        if (m->per_class[c].support > m->per_class[top].support) top = c;
    double share = 100.0 * (double)m->per_class[top].support / (double)m->n;
    if (!(m->accuracy <= share + 1e-9)) return;
    cli_warning *it = add(w, "majority-baseline", 0);
    if (!it) return;
    set(it->message, sizeof it->message,
        "the accuracy, %.3f%%, is no better than predicting the majority class '%s' for every row (%.3f%%)",
        m->accuracy, bp_dataset_class_name(ds, top), share);
    set(it->hint, sizeof it->hint, "judge this model by its per-class recall and F1, not its accuracy");
}

static void diagnose_recall_zero(cli_warnings *w, const bp_metrics *m, const bp_dataset *ds)
{
    size_t missed = 0, first = 0;
    for (size_t c = 0; c < m->n_classes; c++)
        if (m->per_class[c].support > 0 && m->per_class[c].recall == 0 && missed++ == 0) first = c;
    cli_warning *it = missed ? add(w, "class-recall-zero", 0) : NULL;
    if (!it) return;
    if (missed == 1)
        set(it->message, sizeof it->message, "class '%s' (%zu rows) is never predicted right: recall 0",
            bp_dataset_class_name(ds, first), m->per_class[first].support);
    else
        set(it->message, sizeof it->message,
            "%zu classes are never predicted right (recall 0), the first '%s' with %zu rows", missed,
            bp_dataset_class_name(ds, first), m->per_class[first].support);
    set(it->hint, sizeof it->hint, "a rare class needs more weight: --class-weight balanced, or train "
        "for more --epochs");
}

void cli_diagnose_predictions(cli_warnings *w, const bp_metrics *m, const bp_dataset *ds, const char *rows)
{
    if (!m || m->n == 0 || m->n_classes < 2) return;
    diagnose_single_class(w, m, ds, rows);
    diagnose_majority(w, m, ds);
    diagnose_recall_zero(w, m, ds);
}

void cli_diagnose_input(cli_warnings *w, const char *file, const bp_predict_summary *s)
{
    const char *name = cli_source_name(file);
    cli_warning *it = s->unseen ? add(w, "unseen-categories", 0) : NULL;
    if (it)
        set(it->message, sizeof it->message, "%zu unseen categor%s (first at %s:%zu: field %zu '%s')", s->unseen,
            s->unseen == 1 ? "y" : "ies", name, s->unseen_line, s->unseen_field, s->unseen_text);
    it = s->missing ? add(w, "missing-filled", 0) : NULL;
    if (it)
        set(it->message, sizeof it->message,
            "%zu missing value%s filled with the training mean or mode (first at %s:%zu: field %zu)", s->missing,
            s->missing == 1 ? "" : "s", name, s->missing_line, s->missing_field);
}

void cli_warnings_append(cli_warnings *w, const cli_warnings *more)
{
    for (size_t i = 0; i < more->n && w->n < CLI_MAX_WARNINGS; i++) w->item[w->n++] = more->item[i];
}

void cli_warnings_print(const cli_warnings *w)
{
    fflush(stdout); /* after the results they are about, in a file too */
    for (size_t i = 0; i < w->n; i++)
        fprintf(stderr, "backprop: %s: %s%s%s\n", w->item[i].note ? "note" : "warning", w->item[i].message,
                w->item[i].hint[0] ? "; " : "", w->item[i].hint);
}

void cli_json_diagnostics(cli_json *j, const cli_warnings *w)
{
    cli_json_array(j, "warnings");
    for (size_t i = 0; i < w->n; i++) {
        cli_json_record(j, NULL);
        cli_json_string(j, "code", w->item[i].code);
        cli_json_string(j, "level", w->item[i].note ? "note" : "warning");
        cli_json_string(j, "message", w->item[i].message);
        cli_json_string(j, "hint", w->item[i].hint);
        cli_json_end(j);
    }
    cli_json_end(j);
}
