/* Shared pieces of the backprop command: argument parsing and reporting. */
#ifndef BP_CLI_H
#define BP_CLI_H

#include "backprop.h"

#include <stddef.h>
#include <stdio.h>

/* Exit statuses (see backprop(1)). */
enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

/* An option a command accepts: "--name VALUE" or "--name=VALUE", or a flag. */
typedef struct cli_option {
    const char *name;   /* without the leading dashes */
    int takes_value;
    const char *value;  /* set by cli_parse; "1" for a flag that was given */
} cli_option;

typedef struct cli_args {
    cli_option *options;
    size_t n_options;
    const char *positional[8];
    size_t n_positional;
} cli_args;

/* Parses argv against the options; prints an error and returns 0 on a bad one. */
int cli_parse(cli_args *args, int argc, char **argv, const char *command);
/* The value of an option, or NULL when it was not given. */
const char *cli_value(const cli_args *args, const char *name);

/* Strict conversions for option values; each prints an error on failure. */
int cli_size(const char *option, const char *text, size_t min, size_t *out);
int cli_positive(const char *option, const char *text, double *out);
int cli_size_list(const char *option, const char *text, size_t *out, size_t max, size_t *count);

/* "backprop: error: MESSAGE" on stderr; returns the exit status for it. */
int cli_fail(const bp_error *err);
int cli_usage_error(const char *fmt, ...);

/* Network and training settings shared by the commands that train. */
/* --class-weight L=W,... names at most this many classes. */
enum { CLI_MAX_CLASS_WEIGHTS = 256 };

typedef struct cli_training {
    bp_net_spec net;
    bp_train_options train;
    bp_scale scale;
    const char *seed;
    size_t hidden[BP_MAX_HIDDEN];
    bp_activation acts[BP_MAX_HIDDEN];
    double class_weights[CLI_MAX_CLASS_WEIGHTS]; /* what train.class_weight points at */
} cli_training;

/* Number of options cli_add_training_options appends. */
enum { CLI_TRAINING_OPTIONS = 24 };
size_t cli_add_training_options(cli_option *options, size_t n);
void cli_training_defaults(cli_training *t);
int cli_read_training(const cli_args *args, cli_training *t);
extern const char cli_training_help[];

/* The --help lines of the options that say how a training file is read
 * (cli/loading.c), shared by cv and train. */
#define CLI_READING_HELP \
    "  --delimiter C            field delimiter: , ; tab | space (detected)\n" \
    "  --decimal C              decimal point of numbers: . or , (detected: , in a\n" \
    "                           ;-separated file with numbers like 7,4)\n" \
    "  --header, --no-header    whether the first row names the columns (detected)\n" \
    "  --missing M              error, drop or mean: what to do with missing feature\n" \
    "                           values (?, empty, NA, NaN): refuse the file, leave\n" \
    "                           their rows out, or fill them with the column's mean\n" \
    "                           (a text column's most frequent value) (error)\n" \
    "  --missing-target M       error or drop: refuse the file or leave out the rows\n" \
    "                           whose target is missing, whatever --missing does\n" \
    "                           (auto: drop with --missing drop, error otherwise)\n"

/* Options that say how to read a CSV file: --target, --ignore, --classes,
 * --delimiter, --header/--no-header, --missing, --missing-target, --decimal,
 * --task, --max-memory (default: the memory the system has available). */
enum { CLI_LOAD_OPTIONS = 11 };
size_t cli_add_load_options(cli_option *options, size_t n);
int cli_read_load_options(const cli_args *args, bp_load_options *load);
/* After loading, on stderr: a detected decimal comma (a note) and the rows
 * that missing values left out (a note; a warning above a tenth of them). */
void cli_note_load(const char *file, const bp_dataset *ds, const bp_load_options *load);

/* An epoch report kept for --report and --format json. */
typedef struct cli_epoch {
    size_t run;            /* 0-based training run (fold) */
    bp_epoch_report report;
    double run_best_val_loss; /* the run's best validation loss so far; NaN without */
    int provisional;       /* the run's latest so far, kept only until the next */
} cli_epoch;

/* The live progress line (on a terminal, unless quiet) and --history. */
typedef struct cli_progress {
    int live, shown, seen_epoch;
    size_t run, runs;          /* which training run (fold) of how many */
    double last_draw;
    bp_train_options *train;   /* whose on_epoch this hooks */
    bp_epoch_report last;
    double best_val_loss, best_val_accuracy; /* at the best validation loss; NaN without */
    FILE *history;
    char *history_tmp;
    const char *history_path;
    cli_epoch *epochs;         /* with cli_progress_keep: every run's first and last
                                  epochs and evenly spaced ones between */
    size_t n_epochs, epoch_stride;
} cli_progress;

/* Seconds on the monotonic clock, for the durations the commands print. */
double cli_seconds(void);

/* Hooks the progress display into train's on_epoch; 0 when the history
 * file cannot be created (an error was printed). */
int cli_progress_start(cli_progress *p, bp_train_options *train, int quiet, size_t runs,
                       const char *history_path);
/* Ends the line and moves the history file into place when ok. */
int cli_progress_end(cli_progress *p, int ok);
/* After cli_progress_start: keep epoch reports in memory (at most
 * CLI_KEPT_EPOCHS, thinned evenly); 0 when out of memory (an error was
 * printed). cli_progress_free releases them. */
enum { CLI_KEPT_EPOCHS = 4096 };
int cli_progress_keep(cli_progress *p);
void cli_progress_free(cli_progress *p);

/* Catches SIGINT and SIGTERM (cli/stop.c): the flag they set, for
 * bp_train_options.stop and bp_tune_options.stop. */
const volatile sig_atomic_t *cli_catch_stop_signals(void);
/* Whether one came; the exit status for it: 130, or 143 for SIGTERM. */
int cli_stopped(void);
int cli_interrupted_status(void);

/* After loading: the task the data was read for (chosen from the target
 * unless --task said) into load->task, and its defaults: regression gets a
 * linear output and mse unless --output-activation / --loss say otherwise. */
/* --class-weight (cli/weights.c): its form checked before the data is
 * read; then, with the data's classes, "balanced" or each named class's
 * weight (others 1) into storage, which train->class_weight points at.
 * 0 after a usage error (printed). */
int cli_check_class_weight(const cli_args *args);
int cli_apply_class_weight(const cli_args *args, const bp_dataset *ds, double *storage,
                           bp_train_options *train);
/* What --class-weight was, in words, for summaries ("" without it). */
const char *cli_class_weight_text(const cli_args *args);

void cli_apply_task(const cli_args *args, bp_load_options *load, const bp_dataset *ds,
                    bp_net_spec *net, bp_train_options *train);

/* The confusion matrix and per-class precision, recall, F1 and support. */
void cli_print_confusion(const bp_metrics *m, const bp_dataset *ds);
/* Accuracy (or RMSE, MAE, R2), the class scores and the confusion matrix. */
void cli_print_evaluation(const bp_evaluation *ev, const bp_model *m);
/* Balanced accuracy, macro precision, recall and F1, MCC, log loss and,
 * with probabilities, ROC AUC, PR AUC and the Brier score. */
void cli_print_class_scores(const bp_metrics *m, const bp_dataset *ds);
/* The smallest class among those with rows into *smallest; whether the
 * classes are imbalanced: that class has fewer than 1 / (2 n_classes) of the
 * rows (a quarter with two classes, a sixth with three), where accuracy
 * can look good with the class never found. */
int cli_minority_class(const bp_metrics *m, size_t *smallest);
/* With imbalanced classes, one line beside the accuracy: the smallest
 * class's share and recall, and the balanced accuracy. */
void cli_print_imbalance(const bp_metrics *m, const bp_dataset *ds);

int cmd_cv(int argc, char **argv);
/* A search over network and training settings, each scored by cv. */
int cmd_tune(int argc, char **argv);

/* The model lifecycle: train saves a model, predict and eval use one. */
int cmd_train(int argc, char **argv);
int cmd_predict(int argc, char **argv);
int cmd_eval(int argc, char **argv);
/* A copy of argv with "-o" spelled "--output" (cli_parse reads long
 * options only); NULL when out of memory. Free it with free(). */
char **cli_long_output(int argc, char **argv);
/* --delimiter, --header, --no-header, --decimal, --missing and (eval)
 * --missing-target for reading a file to predict. */
int cli_read_predict_options(const cli_args *args, bp_predict_options *o);
/* "backprop: warning: ..." for unseen categories and filled missing values,
 * and notes for left-out rows and a detected decimal comma. */
void cli_warn_predictions(const char *file, const bp_predict_summary *s, const bp_predict_options *o);

/* Looking inside a model: one training step traced, the model as C source. */
int cmd_trace(int argc, char **argv);
int cmd_export_c(int argc, char **argv);

#endif
