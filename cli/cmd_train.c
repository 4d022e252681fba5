/* backprop train: trains on every row of a file and saves the model. */
#include "cli.h"
#include "diagnostics.h"
#include "html_report.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char train_usage[] =
    "usage: backprop train FILE -o MODEL [options]\n"
    "\n"
    "Trains a network on every row of a CSV file and saves a model file that\n"
    "holds everything 'backprop predict' needs: the network, the scaler (fitted\n"
    "on these rows), the class labels and the columns.\n"
    "\n"
    "output and data:\n"
    "  -o, --output MODEL       where to save the model (required)\n"
    "  --task T                 auto, classification or regression (auto: see cv --help)\n"
    "  --quiet                  no progress line\n"
    "  --history FILE.csv       write the loss of every epoch\n"
    "  --report FILE.html       write a self-contained HTML report: learning curves,\n"
    "                           confusion matrix, per-class scores, ROC,\n"
    "                           precision-recall and calibration charts,\n"
    "                           configuration\n"
    "  --test-fraction F        hold out this fraction of the rows, train on the rest,\n"
    "                           and report the model's scores on the held-out rows\n"
    "  --stratify               the held-out rows keep the class proportions\n"
    "  --checkpoint FILE        save the whole training state to FILE (atomically)\n"
    "                           every --checkpoint-every epochs and when interrupted\n"
    "  --checkpoint-every N     epochs between checkpoints (0: only when interrupted)\n"
    "  --resume FILE            continue the run saved in FILE (give the same data and\n"
    "                           options): the model equals an uninterrupted run's\n"
    "  --target COL             target column, a header name or 1-based number (last)\n"
    "  --ignore COL[,COL...]    columns to leave out\n"
    "  --classes L1,L2,..       class order (default: sorted labels, numerically\n"
    "                           when every label is a number)\n"
    CLI_READING_HELP
    "  --max-memory SIZE        refuse a run that needs more memory, e.g. 512M or 4G\n"
    "  --help                   this text\n"
    "\n";

char **cli_long_output(int argc, char **argv)
{
    char **copy = malloc(((size_t)argc + 1) * sizeof *copy);
    if (!copy) return NULL;
    for (int i = 0; i < argc; i++) copy[i] = strcmp(argv[i], "-o") == 0 ? (char *)"--output" : argv[i];
    copy[argc] = NULL;
    return copy;
}

typedef struct train_config {
    const char *file, *output;
    bp_load_options load;
    cli_training training;
    bp_model_options model;
    double test_fraction;
    int stratify;
    size_t *order;           /* with --test-fraction: training rows, then held-out rows */
    int task_chosen;         /* the task was chosen from the target */
} train_config;

static int read_train_options(const cli_args *args, train_config *c)
{
    c->file = args->positional[0];
    c->output = cli_value(args, "output");
    bp_load_defaults(&c->load);
    cli_training_defaults(&c->training);
    if (!cli_read_load_options(args, &c->load)) return 0;
    if (!cli_read_training(args, &c->training)) return 0;
    bp_model_defaults(&c->model);
    c->model.net = c->training.net;
    c->model.train = c->training.train;
    c->model.train.max_memory = c->load.max_memory;
    c->model.scale = c->training.scale;
    c->model.seed = c->training.seed;
    const char *v;
    if ((v = cli_value(args, "test-fraction"))) {
        char *end;
        c->test_fraction = strtod(v, &end);
        if (!*v || *end || !(c->test_fraction > 0 && c->test_fraction < 1))
            return cli_usage_error("--test-fraction must be a number between 0 and 1, not '%s'", v), 0;
    }
    c->model.train.checkpoint = cli_value(args, "checkpoint");
    c->model.train.resume = cli_value(args, "resume");
    if ((v = cli_value(args, "checkpoint-every")) &&
        !cli_size("checkpoint-every", v, 0, &c->model.train.checkpoint_every))
        return 0;
    if (cli_value(args, "checkpoint-every") && !c->model.train.checkpoint)
        return cli_usage_error("--checkpoint-every needs --checkpoint FILE"), 0;
    c->model.train.stop = NULL; /* the signal flag, once training starts */
    return 1;
}


/* Rows to train on and rows held out, when --test-fraction asks for them. */
static int split_rows(train_config *c, const bp_dataset *ds, bp_rng *rng, bp_error *err)
{
    if (c->test_fraction <= 0) return 1;
    size_t n = bp_dataset_rows(ds);
    c->order = malloc((n ? n : 1) * sizeof *c->order);
    if (!c->order) return cli_usage_error("out of memory"), 0;
    bp_samples s = bp_dataset_samples(ds);
    const uint32_t *labels = c->stratify && s.label ? s.label : NULL;
    if (bp_holdout_split(n, c->test_fraction, labels, bp_dataset_classes(ds), rng, c->order,
                         &c->model.n_rows, err) != BP_OK)
        return 0;
    c->model.rows = c->order;
    return 1;
}

static int report_held_out(const train_config *c, bp_model *m, const bp_dataset *ds)
{
    if (!c->model.rows) return EXIT_OK;
    size_t n = bp_dataset_rows(ds), n_train = c->model.n_rows;
    bp_evaluation ev;
    bp_error err;
    if (bp_model_evaluate_rows(m, ds, c->order + n_train, n - n_train, &ev, &err) != BP_OK)
        return cli_fail(&err);
    printf("\nHeld-out rows (%.3g of the file, %s):\n", c->test_fraction,
           c->stratify ? "stratified" : "random");
    cli_print_evaluation(&ev, m);
    bp_evaluation_free(&ev);
    return EXIT_OK;
}

/* The model's scores on the rows it trained on (classification only: for
 * the summary and the diagnostics); ev is empty otherwise. */
static int score_training_rows(const train_config *c, bp_model *m, const bp_dataset *ds, bp_evaluation *ev)
{
    memset(ev, 0, sizeof *ev);
    if (bp_model_task(m) != BP_TASK_CLASSIFICATION) return EXIT_OK;
    size_t n_train = c->model.rows ? c->model.n_rows : bp_dataset_rows(ds);
    bp_error err;
    if (bp_model_evaluate_rows(m, ds, c->model.rows, n_train, ev, &err) != BP_OK) return cli_fail(&err);
    return EXIT_OK;
}

/* What the run noticed about itself, and about its predictions on the
 * rows it trained on. */
static void diagnose_run(const bp_model *m, const bp_evaluation *trained_on, cli_warnings *w)
{
    const bp_model_info *info = bp_model_get_info(m);
    cli_diagnose_training(w, &info->diagnostics, 1, &info->train);
    if (bp_model_task(m) == BP_TASK_CLASSIFICATION)
        cli_diagnose_predictions(w, &trained_on->metrics, bp_model_schema(m), "rows it trained on");
}

/* On a terminal, one line to end the run: final loss, best validation
 * metric and wall time. */
static void print_run_line(const bp_model *m, const cli_progress *p, double seconds, int quiet)
{
    if (quiet || !isatty(STDERR_FILENO)) return;
    const bp_model_info *info = bp_model_get_info(m);
    fprintf(stderr, "trained %zu epochs in %.2fs, final loss %.6g", info->epochs_run, seconds,
            info->final_loss);
    if (!isnan(p->best_val_loss)) fprintf(stderr, ", best validation loss %.6g", p->best_val_loss);
    if (!isnan(p->best_val_accuracy)) fprintf(stderr, " (accuracy %.2f%%)", p->best_val_accuracy);
    fputc('\n', stderr);
}


static void print_widths(const bp_net *net)
{
    for (size_t l = 0; l <= bp_net_layers(net); l++) printf("%s%zu", l ? "-" : "", bp_net_width(net, l));
}

/* The settings chosen for the run rather than given: "auto -> value". */
static void print_chosen(const bp_model *m, const cli_args *args)
{
    const bp_model_info *info = bp_model_get_info(m);
    const bp_net *net = bp_model_net(m);
    size_t n_layers = bp_net_layers(net);
    bp_activation acts[BP_MAX_LAYERS];
    size_t widths[BP_MAX_LAYERS + 1];
    for (size_t l = 0; l < n_layers; l++) acts[l] = bp_net_activation(net, l);
    for (size_t l = 0; l <= n_layers; l++) widths[l] = bp_net_width(net, l);
    char inits[1536];
    cli_describe_inits(inits, sizeof inits, info->init, widths, acts, n_layers, 1);
    printf("Init: %s%s", info->init == BP_INIT_AUTO ? "auto \u2192 " : "", inits);
    printf("\nLearning rate: %s%.6g (%s)\n", cli_value(args, "lr") ? "" : "auto \u2192 ",
           info->train.learning_rate, bp_optimizer_name(info->train.optimizer));
    printf("Shuffled: %s\n", info->train.shuffle ? "every epoch" : "no (the file's order)");
    const char *weights = cli_class_weight_text(args);
    if (strcmp(weights, "balanced") == 0)
        printf("Class weights: balanced (rows / (classes x the class's rows), over the training rows)\n");
    else if (*weights)
        printf("Class weights: %s (other classes 1)\n", weights);
}

static void print_summary(const bp_model *m, const bp_dataset *ds, const char *path, const cli_args *args,
                          const bp_evaluation *trained_on)
{
    const bp_model_info *info = bp_model_get_info(m);
    bp_load_info load;
    bp_dataset_load_info(ds, &load);
    size_t k = bp_model_classes(m);
    printf("Rows: %zu", info->rows);
    if (load.dropped) printf(" (%zu of the file's %zu left out for missing values)", load.dropped, load.records);
    printf("\nFeatures: %zu\n", bp_model_features(m));
    if (bp_model_task(m) == BP_TASK_CLASSIFICATION) {
        printf("Classes: %zu (", k);
        for (size_t i = 0; i < k && i < 10; i++) printf("%s%s", i ? ", " : "", bp_model_class_name(m, i));
        puts(k > 10 ? ", ...)" : ")");
    }
    fputs("Network: ", stdout);
    print_widths(bp_model_net(m));
    putchar('\n');
    print_chosen(m, args);
    printf("Epochs: %zu", info->epochs_run);
    if (info->diagnostics.stopped_epoch)
        printf(" (early stopping kept the weights of epoch %zu)", info->diagnostics.best_epoch);
    printf("\nFinal loss: %.6g (%s, mean per row)\n", info->final_loss,
           bp_loss_name(info->train.loss));
    if (bp_model_task(m) == BP_TASK_CLASSIFICATION) {
        printf("Training accuracy: %.3f%%\n", info->train_accuracy);
        cli_print_imbalance(&trained_on->metrics, bp_model_schema(m));
        printf("Training balanced accuracy: %.3f%%\n", 100 * trained_on->metrics.balanced_accuracy);
    }
    printf("Model: %s\n", path);
}

/* ------------------------------------------------------------- report */

static void describe_train(cli_settings *s, const cli_args *args, const train_config *c, const bp_dataset *ds)
{
    memset(s, 0, sizeof *s);
    cli_settings_group(s, "Training run");
    cli_describe_text(s, args, "output", c->output, NULL);
    if (c->test_fraction > 0) cli_describe_number(s, args, "test-fraction", c->test_fraction);
    else cli_describe_text(s, args, "test-fraction", NULL, "none: every row trains");
    cli_describe_flag(s, args, "stratify", c->stratify);
    cli_describe_text(s, args, "checkpoint", c->model.train.checkpoint, "none");
    cli_describe_count(s, args, "checkpoint-every", c->model.train.checkpoint_every);
    cli_describe_text(s, args, "resume", c->model.train.resume, "no");
    cli_settings_group(s, "Network and training");
    cli_describe_training(s, args, &c->model.net, &c->model.train, c->model.scale, c->training.seed,
                          bp_dataset_features(ds), bp_dataset_classes(ds) ? bp_dataset_classes(ds) : 1);
    cli_settings_group(s, "Reading the data");
    cli_describe_load(s, args, &c->load, c->task_chosen);
}

static void add_train_figures(cli_report *r, const bp_model *m, const bp_evaluation *ev, int held_out)
{
    const bp_model_info *info = bp_model_get_info(m);
    if (ev->task == BP_TASK_CLASSIFICATION) {
        if (held_out) cli_report_figure_add(r, "Held-out accuracy", "rows left out of training", "%.3f%%",
                                            ev->metrics.accuracy);
        cli_report_figure_add(r, "Training accuracy", "the training rows", "%.3f%%", info->train_accuracy);
        const char *rows = held_out ? "held-out rows" : "the training rows";
        size_t smallest;
        cli_report_figure_add(r, "Balanced accuracy",
                              cli_minority_class(&ev->metrics, &smallest) ? "imbalanced classes: judge by this" : rows,
                              "%.3f%%", 100 * ev->metrics.balanced_accuracy);
        cli_report_figure_add(r, "Macro F1", rows, "%.3f%%", 100 * ev->metrics.macro_f1);
        cli_report_figure_add(r, "ROC AUC", rows, "%.4f", ev->metrics.roc_auc);
    } else {
        cli_report_figure_add(r, held_out ? "Held-out RMSE" : "Training RMSE", NULL, "%.4g",
                              ev->regression.rmse);
        cli_report_figure_add(r, "R\u00b2", held_out ? "held-out rows" : "the training rows", "%.4f",
                              ev->regression.r2);
    }
    cli_report_figure_add(r, "Final loss", "mean per row, last epoch", "%.6g", info->final_loss);
    cli_report_figure_add(r, "Epochs", info->epochs_run < info->train.epochs ? "stopped early" : NULL, "%zu",
                          info->epochs_run);
    cli_report_figure_time(r, NULL);
}

typedef struct train_run {
    int argc;
    char **argv;             /* as given, for the report's command line */
    cli_report_file report;
} train_run;

static int write_train_report(train_run *run, const train_config *c, const cli_args *args, bp_model *m,
                              const bp_dataset *ds, const cli_progress *progress, const cli_warnings *warnings)
{
    size_t n = bp_dataset_rows(ds), n_train = c->model.rows ? c->model.n_rows : n;
    int held_out = c->model.rows != NULL;
    bp_evaluation ev;
    bp_error err;
    bp_status st = held_out ? bp_model_evaluate_rows(m, ds, c->order + n_train, n - n_train, &ev, &err)
                            : bp_model_evaluate_rows(m, ds, c->model.rows, n_train, &ev, &err);
    if (st != BP_OK) return cli_fail(&err);
    size_t *counts = NULL;
    if (bp_dataset_classes(ds) && !(counts = cli_class_counts(ds))) {
        bp_evaluation_free(&ev);
        return cli_out_of_memory();
    }
    cli_settings settings;
    describe_train(&settings, args, c, ds);
    char network[512], title[160];
    cli_describe_net(network, sizeof network, bp_model_net(m));
    if (held_out)
        snprintf(title, sizeof title,
                 "The %zu held-out rows (%.3g of the file, %s), which training never saw.", n - n_train,
                 c->test_fraction, c->stratify ? "stratified" : "random");
    else
        snprintf(title, sizeof title, "The %zu training rows (hold some out with --test-fraction F to score "
                 "rows the model has not seen).", n_train);
    cli_report r;
    memset(&r, 0, sizeof r);
    r.command = "train";
    r.argc = run->argc;
    r.argv = run->argv;
    r.ds = ds;
    r.class_counts = counts;
    r.settings = &settings;
    r.progress = progress;
    r.runs = 1;
    r.loss = c->model.train.loss;
    r.network = network;
    r.warnings = warnings;
    add_train_figures(&r, m, &ev, held_out);
    if (ev.task == BP_TASK_CLASSIFICATION) {
        r.metrics = &ev.metrics;
        r.metrics_title = title;
        r.classes = ev.actual;
        r.proba = ev.proba;
        r.n_proba = ev.metrics.n;
    } else {
        r.regression = &ev.regression;
        r.scored_title = title;
    }
    int ok = cli_report_commit(&run->report, &r);
    bp_evaluation_free(&ev);
    free(counts);
    return ok ? EXIT_OK : EXIT_USAGE;
}

/* -------------------------------------------------------------- train */

static int train_and_save(train_config *c, const cli_args *args, train_run *run)
{
    bp_error err;
    bp_rng rng;
    if (bp_rng_seed_decimal(&rng, c->training.seed, &err) != BP_OK) return cli_fail(&err);
    bp_dataset *ds;
    if (bp_dataset_load(&ds, c->file, &c->load, &err) != BP_OK) return cli_fail(&err);
    cli_note_load(c->file, ds, &c->load);
    c->task_chosen = c->load.task == BP_TASK_AUTO;
    cli_apply_task(args, &c->load, ds, &c->model.net, &c->model.train);
    if (!cli_apply_class_weight(args, ds, c->training.class_weights, &c->model.train)) {
        bp_dataset_free(ds);
        return EXIT_USAGE;
    }
    if (!split_rows(c, ds, &rng, &err)) {
        bp_dataset_free(ds);
        return err.status ? cli_fail(&err) : EXIT_USAGE;
    }
    cli_progress progress;
    int quiet = cli_value(args, "quiet") != NULL;
    if (!cli_progress_start(&progress, &c->model.train, quiet, 1, cli_value(args, "history")) ||
        (run->report.atomic && !cli_progress_keep(&progress))) {
        cli_progress_end(&progress, 0);
        bp_dataset_free(ds);
        return EXIT_USAGE;
    }
    c->model.train.stop = cli_catch_stop_signals(); /* training stops after the current batch */
    double start = cli_seconds();
    bp_model *m = NULL;
    /* When no row is scored afterwards (held-out rows, the report, the
     * diagnostics of a classifier's predictions), the data need not be kept
     * unscaled: scaling it in place saves a copy of the whole matrix. */
    int scored_later = c->model.rows || run->report.atomic || bp_dataset_classes(ds) > 0;
    bp_status st = scored_later ? bp_model_train(&m, ds, &c->model, &rng, &err)
                                : bp_model_train_in_place(&m, ds, &c->model, &rng, &err);
    int history_ok = cli_progress_end(&progress, st == BP_OK);
    /* An interrupted run never touches the model file. */
    if (st == BP_ERR_INTERRUPTED) {
        fprintf(stderr, "backprop: %s\n", err.message);
        cli_progress_free(&progress);
        bp_dataset_free(ds);
        return cli_interrupted_status();
    }
    if (st == BP_OK) st = bp_model_save(m, c->output, &err);
    int status = st != BP_OK ? cli_fail(&err) : history_ok ? EXIT_OK : EXIT_USAGE;
    bp_evaluation trained_on;
    int scored = st == BP_OK ? score_training_rows(c, m, ds, &trained_on) : EXIT_RUNTIME;
    if (st == BP_OK && scored != EXIT_OK) status = scored;
    if (st == BP_OK && scored == EXIT_OK) {
        print_summary(m, ds, c->output, args, &trained_on);
        print_run_line(m, &progress, cli_seconds() - start, quiet);
        if (status == EXIT_OK) status = report_held_out(c, m, ds);
        cli_warnings warnings = {.n = 0};
        diagnose_run(m, &trained_on, &warnings);
        if (status == EXIT_OK) cli_warnings_print(&warnings);
        if (status == EXIT_OK && run->report.atomic)
            status = write_train_report(run, c, args, m, ds, &progress, &warnings);
    }
    if (scored == EXIT_OK) bp_evaluation_free(&trained_on);
    cli_progress_free(&progress);
    bp_dataset_free(ds);
    bp_model_free(m);
    return status;
}

static int run_train(int argc, char **argv, char **given)
{
    cli_option options[CLI_TRAINING_OPTIONS + CLI_LOAD_OPTIONS + 10] = {
        {"output", 1, NULL},        {"help", 0, NULL},        {"quiet", 0, NULL},
        {"history", 1, NULL},       {"test-fraction", 1, NULL}, {"stratify", 0, NULL},
        {"checkpoint", 1, NULL},    {"checkpoint-every", 1, NULL}, {"resume", 1, NULL},
        {"report", 1, NULL}};
    size_t n_options = cli_add_load_options(options, 10);
    n_options = cli_add_training_options(options, n_options);
    cli_args args = {options, n_options, {0}, 0};
    if (!cli_parse(&args, argc, argv, "train")) return EXIT_USAGE;
    if (cli_value(&args, "help")) {
        fputs(train_usage, stdout);
        fputs(cli_training_help, stdout);
        return EXIT_OK;
    }
    if (args.n_positional != 1) {
        fputs(train_usage, stderr);
        return cli_usage_error("train: expected one data file, got %zu arguments", args.n_positional);
    }
    if (!cli_value(&args, "output"))
        return cli_usage_error("train: -o MODEL is required (where to save the model)");
    if (strcmp(cli_value(&args, "output"), "-") == 0)
        return cli_usage_error("train: -o needs a file name: a model is not written to standard output");
    const char *report = cli_value(&args, "report");
    if (report && strcmp(report, "-") == 0)
        return cli_usage_error("train: --report needs a file name, not standard output");
    train_config c;
    memset(&c, 0, sizeof c);
    c.stratify = cli_value(&args, "stratify") != NULL;
    if (!read_train_options(&args, &c)) return EXIT_USAGE;
    train_run run = {argc, given, {NULL, NULL, NULL}};
    /* Opened first: a report that cannot be written fails before training. */
    if (report && !cli_report_open(&run.report, report)) return EXIT_USAGE;
    int status = train_and_save(&c, &args, &run);
    cli_report_discard(&run.report);
    free(c.order);
    return status;
}

int cmd_train(int argc, char **argv)
{
    char **args = cli_long_output(argc, argv);
    if (!args) return cli_usage_error("out of memory");
    int status = run_train(argc, args, argv);
    free(args);
    return status;
}
