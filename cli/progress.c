/* The live progress line on a terminal, and the per-epoch history file. */
#include "cli.h"

#include <math.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Redraw at most this often: a terminal is slow, training is fast. */
#define REDRAW_SECONDS 0.1

static void show(cli_progress *p, const bp_epoch_report *r)
{
    double rows_per_s = r->seconds > 0 ? (double)r->rows * (double)(r->epoch + 1) / r->seconds : 0;
    double per_epoch = r->seconds / (double)(r->epoch + 1);
    double eta = per_epoch * (double)(r->epochs - r->epoch - 1) +
                 per_epoch * (double)r->epochs * (double)(p->runs - p->run - 1);
    fprintf(stderr, "\r\033[K");
    if (p->runs > 1) fprintf(stderr, "fold %zu/%zu  ", p->run + 1, p->runs);
    fprintf(stderr, "epoch %zu/%zu  loss %.4g", r->epoch + 1, r->epochs, r->loss);
    if (!isnan(r->val_loss)) fprintf(stderr, "  val loss %.4g", r->val_loss);
    if (!isnan(r->val_accuracy)) fprintf(stderr, "  val acc %.2f%%", r->val_accuracy);
    fprintf(stderr, "  %.0f rows/s  ETA %.1fs", rows_per_s, eta);
    fflush(stderr);
    p->shown = 1;
}

static void write_history(cli_progress *p, const bp_epoch_report *r)
{
    if (!p->history) return;
    fprintf(p->history, "%zu,%zu,%.17g,%.17g,%.17g,%.17g,%.17g\n", p->run + 1, r->epoch + 1, r->loss,
            r->val_loss, r->val_accuracy, r->learning_rate, r->seconds);
}

/* Halves the kept epochs: those on the doubled stride stay, and every
 * run's first and last. */
static void thin_epochs(cli_progress *p)
{
    size_t stride = p->epoch_stride * 2, kept = 0;
    for (size_t i = 0; i < p->n_epochs; i++) {
        cli_epoch e = p->epochs[i];
        int first = i == 0 || p->epochs[i - 1].run != e.run;
        int last = i + 1 == p->n_epochs || p->epochs[i + 1].run != e.run;
        int on_stride = e.report.epoch % stride == 0;
        if (!on_stride && !first && !last) continue;
        e.provisional = !on_stride && !first;
        p->epochs[kept++] = e;
    }
    p->n_epochs = kept;
    p->epoch_stride = stride;
}

/* Keeps an epoch report; the latest of a run is kept provisionally, so
 * that each run's last epoch is always there. */
static void keep_epoch(cli_progress *p, const bp_epoch_report *r)
{
    if (!p->epochs) return;
    cli_epoch *prev = p->n_epochs ? &p->epochs[p->n_epochs - 1] : NULL;
    cli_epoch e = {p->run, *r, NAN, 0};
    int first = !prev || prev->run != p->run;
    e.run_best_val_loss = first ? r->val_loss : prev->run_best_val_loss;
    if (!isnan(r->val_loss) && !(r->val_loss >= e.run_best_val_loss)) e.run_best_val_loss = r->val_loss;
    e.provisional = !first && r->epoch % p->epoch_stride != 0;
    if (prev && !first && prev->provisional) {
        *prev = e;
        return;
    }
    if (p->n_epochs == CLI_KEPT_EPOCHS) thin_epochs(p);
    /* Thousands of runs of an epoch or two cannot be thinned: keep the first. */
    if (p->n_epochs < CLI_KEPT_EPOCHS) p->epochs[p->n_epochs++] = e;
}

static int on_epoch(void *user, const bp_epoch_report *r)
{
    cli_progress *p = user;
    if (r->epoch == 0 && p->seen_epoch) p->run++;
    p->seen_epoch = 1;
    p->last = *r;
    if (!isnan(r->val_loss) && !(r->val_loss >= p->best_val_loss)) {
        p->best_val_loss = r->val_loss;
        p->best_val_accuracy = r->val_accuracy;
    }
    keep_epoch(p, r);
    write_history(p, r);
    if (p->live && (r->seconds - p->last_draw >= REDRAW_SECONDS || r->epoch + 1 == r->epochs ||
                    r->epoch < p->last.epoch)) {
        p->last_draw = r->seconds;
        show(p, r);
    }
    if (r->epoch + 1 == r->epochs) p->last_draw = -1; /* redraw at the next run's start */
    return 0;
}

int cli_progress_start(cli_progress *p, bp_train_options *train, int quiet, size_t runs,
                       const char *history_path)
{
    memset(p, 0, sizeof *p);
    p->live = !quiet && isatty(STDERR_FILENO);
    p->runs = runs;
    p->last_draw = -1;
    p->best_val_loss = NAN;
    p->best_val_accuracy = NAN;
    if (history_path) {
        size_t len = strlen(history_path);
        p->history_tmp = malloc(len + 16);
        if (!p->history_tmp) return cli_usage_error("out of memory"), 0;
        snprintf(p->history_tmp, len + 16, "%s.tmp%ld", history_path, (long)getpid());
        p->history = fopen(p->history_tmp, "w");
        if (!p->history) {
            cli_usage_error("cannot write %s: %s", history_path, "check the directory");
            free(p->history_tmp);
            p->history_tmp = NULL;
            return 0;
        }
        p->history_path = history_path;
        fputs("run,epoch,loss,val_loss,val_accuracy,learning_rate,seconds\n", p->history);
    }
    /* Only hook in when something listens: without a hook, cross-validation
     * may train its folds side by side. */
    p->train = train;
    if (p->live || p->history) {
        train->on_epoch = on_epoch;
        train->user = p;
    }
    return 1;
}

/* Ends the live line; moves the history file into place (atomically). */
int cli_progress_end(cli_progress *p, int ok)
{
    int status = 1;
    if (p->shown) fputc('\n', stderr);
    if (p->history) {
        int failed = fflush(p->history) != 0 || fsync(fileno(p->history)) != 0;
        failed |= fclose(p->history) != 0;
        if (ok && !failed && rename(p->history_tmp, p->history_path) != 0) failed = 1;
        if (!ok || failed) remove(p->history_tmp);
        if (failed) {
            cli_usage_error("cannot write %s", p->history_path);
            status = 0;
        }
        free(p->history_tmp);
    }
    p->history = NULL;
    p->history_tmp = NULL;
    return status;
}

int cli_progress_keep(cli_progress *p)
{
    p->epochs = malloc(CLI_KEPT_EPOCHS * sizeof *p->epochs);
    if (!p->epochs) return cli_usage_error("out of memory"), 0;
    p->n_epochs = 0;
    p->epoch_stride = 1;
    p->train->on_epoch = on_epoch;
    p->train->user = p;
    return 1;
}

void cli_progress_free(cli_progress *p)
{
    free(p->epochs);
    p->epochs = NULL;
    p->n_epochs = 0;
}

double cli_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
