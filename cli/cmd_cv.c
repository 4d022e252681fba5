/* backprop cv: k-fold cross-validation, printed as the tutorial prints it. */
#include "cli.h"
#include "diagnostics.h"
#include "html_report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char cv_usage[] =
    "usage: backprop cv [options] FILE\n"
    "\n"
    "k-fold cross-validation of a network on a CSV file (the class in the last\n"
    "column). Prints the accuracy of each fold and their mean, as the tutorial does.\n"
    "\n"
    "evaluation and data:\n"
    "  --folds K                number of folds (5)\n"
    "  --classes L1,L2,..       class order (default: sorted labels, numerically\n"
    "                           when every label is a number)\n"
    "  --tutorial               run exactly as the tutorial does: scale over the whole\n"
    "                           file before splitting and keep the rows in order\n"
    "                           (default: the scaler is fitted on each fold's training\n"
    "                           rows only, and the rows are reshuffled every epoch)\n"
    "  --stratify               every fold keeps the class proportions\n"
    "  --task T                 auto, classification or regression (auto: regression\n"
    "                           when the target holds numbers with a fraction, or\n"
    "                           more distinct whole numbers than 20 and than a tenth\n"
    "                           of the rows); regression: linear output, mse, scaled\n"
    "                           target\n"
    "  --quiet                  no progress line\n"
    "  --history FILE.csv       write the loss of every epoch of every fold\n"
    "  --report FILE.html       write a self-contained HTML report: learning curves,\n"
    "                           confusion matrix, per-class scores, ROC,\n"
    "                           precision-recall and calibration charts,\n"
    "                           configuration\n"
    "  --format F               text or json (docs/json.md) on standard output (text)\n"
    "  --target COL             target column, a header name or 1-based number (last)\n"
    "  --ignore COL[,COL...]    columns to leave out\n"
    CLI_READING_HELP
    "  --max-memory SIZE        refuse a run that needs more memory, e.g. 512M or 4G\n"
    "                           (default: the memory the system has available)\n"
    "  --help                   this text\n"
    "\n";

typedef struct cv_config {
    const char *file;
    bp_load_options load;
    bp_cv_options cv;
    cli_training training;
    const char *report;  /* --report FILE.html, or NULL */
    int json;            /* --format json */
    int task_chosen;     /* the task was chosen from the target */
} cv_config;

/* What a run ends with: the folds' results and the scores over every row. */
typedef struct cv_outcome {
    const bp_dataset *ds;
    bp_cv_result res;
    int has_metrics;
    bp_metrics metrics;               /* classification, over every row */
    bp_regression_metrics regression; /* regression, over every row */
    const cli_progress *progress;
    size_t *class_counts;             /* for --format json and --report */
    cli_warnings warnings;
} cv_outcome;

static int read_cv_options(cli_args *args, cv_config *c)
{
    const char *v;
    c->file = args->positional[0];
    if (!cli_read_load_options(args, &c->load)) return 0;
    if (!cli_read_training(args, &c->training)) return 0;
    c->cv.net = c->training.net;
    c->cv.train = c->training.train;
    c->cv.scale = c->training.scale;
    c->cv.train.max_memory = c->load.max_memory;
    if ((v = cli_value(args, "folds")) && !cli_size("folds", v, 2, &c->cv.folds)) return 0;
    c->cv.scale_whole_file = cli_value(args, "tutorial") != NULL;
    /* the tutorial trains on the rows in the file's order */
    if (c->cv.scale_whole_file && !cli_value(args, "shuffle")) c->cv.train.shuffle = 0;
    c->cv.stratify = cli_value(args, "stratify") != NULL;
    c->report = cli_value(args, "report");
    if (c->report && strcmp(c->report, "-") == 0)
        return cli_usage_error("cv: --report needs a file name, not standard output"), 0;
    if ((v = cli_value(args, "format")) && strcmp(v, "json") != 0 && strcmp(v, "text") != 0)
        return cli_usage_error("--format must be text or json, not '%s'", v), 0;
    c->json = v && strcmp(v, "json") == 0;
    return 1;
}

static void print_list(const char *title, const double *v, size_t n, size_t stride)
{
    char num[40];
    printf("%s: [", title);
    for (size_t i = 0; i < n; i++) {
        bp_format_double(num, sizeof num, v[i * stride]);
        printf("%s%s", i ? ", " : "", num);
    }
    puts("]");
}

/* Population standard deviation over the folds. */
static double fold_std(const double *v, size_t n, size_t stride, double mean)
{
    double ss = 0;
    for (size_t i = 0; i < n; i++) ss += (v[i * stride] - mean) * (v[i * stride] - mean);
    return sqrt(ss / (double)n);
}

/* The folds' mean RMSE, MAE and R2, and the RMSE's standard deviation. */
typedef struct fold_means {
    bp_regression_metrics mean;
    double std_rmse;
} fold_means;

static fold_means regression_means(const bp_cv_result *res)
{
    const bp_regression_metrics *m = res->fold_regression;
    size_t stride = sizeof *m / sizeof(double), n = res->folds;
    fold_means out = {{0, 0, 0}, 0};
    for (size_t f = 0; f < n; f++) {
        out.mean.rmse += m[f].rmse;
        out.mean.mae += m[f].mae;
        out.mean.r2 += m[f].r2;
    }
    out.mean.rmse /= (double)n;
    out.mean.mae /= (double)n;
    out.mean.r2 /= (double)n;
    out.std_rmse = fold_std(&m[0].rmse, n, stride, out.mean.rmse);
    return out;
}

static void print_regression(const bp_cv_result *res)
{
    const bp_regression_metrics *m = res->fold_regression;
    size_t stride = sizeof *m / sizeof(double), n = res->folds;
    fold_means means = regression_means(res);
    print_list("RMSE", &m[0].rmse, n, stride);
    printf("Mean RMSE: %.4f (std %.4f)\n", means.mean.rmse, means.std_rmse);
    print_list("MAE", &m[0].mae, n, stride);
    printf("Mean MAE: %.4f\n", means.mean.mae);
    print_list("R2", &m[0].r2, n, stride);
    printf("Mean R2: %.4f\n", means.mean.r2);
}

static void print_classification(const cv_outcome *o, int tutorial)
{
    const bp_cv_result *res = &o->res;
    print_list("Scores", res->scores, res->folds, 1);
    printf("Mean Accuracy: %.3f%%\n", res->mean);
    if (tutorial) return; /* exactly the tutorial's two lines */
    const bp_metrics *m = &o->metrics;
    cli_print_imbalance(m, o->ds);
    printf("Std Accuracy: %.3f%%\n", fold_std(res->scores, res->folds, 1, res->mean));
    cli_print_class_scores(m, o->ds); /* over every row, each by the fold that left it out */
    cli_print_confusion(m, o->ds);
}

/* ---------------------------------------------------------------- JSON */

static void json_fold(cli_json *j, const cv_outcome *o, size_t f)
{
    cli_json_record(j, NULL);
    cli_json_size(j, "fold", f + 1);
    if (o->res.values) {
        cli_json_number(j, "rmse", o->res.fold_regression[f].rmse);
        cli_json_number(j, "mae", o->res.fold_regression[f].mae);
        cli_json_number(j, "r2", o->res.fold_regression[f].r2);
    } else {
        cli_json_number(j, "accuracy", o->res.scores[f] / 100); /* JSON rates are fractions */
    }
    const cli_epoch *last = cli_run_last_epoch(o->progress, f);
    if (last) {
        cli_json_size(j, "epochs", last->report.epoch + 1);
        cli_json_number(j, "final_loss", last->report.loss);
        cli_json_number(j, "best_val_loss", last->run_best_val_loss);
        cli_json_number(j, "seconds", last->report.seconds);
    }
    cli_json_end(j);
}

static void json_summary(cli_json *j, const cv_outcome *o)
{
    const bp_cv_result *res = &o->res;
    if (res->values) {
        fold_means means = regression_means(res);
        cli_json_number(j, "mean_rmse", means.mean.rmse);
        cli_json_number(j, "std_rmse", means.std_rmse);
        cli_json_number(j, "mean_mae", means.mean.mae);
        cli_json_number(j, "mean_r2", means.mean.r2);
        cli_json_regression(j, "metrics", &o->regression, res->n_rows);
    } else {
        cli_json_number(j, "mean_accuracy", res->mean / 100);
        cli_json_number(j, "std_accuracy", fold_std(res->scores, res->folds, 1, res->mean) / 100);
        cli_json_metrics(j, "metrics", &o->metrics, o->ds);
    }
}

static int print_json(const cv_outcome *o, const cli_settings *settings)
{
    cli_json j;
    cli_json_begin_output(&j, stdout, "cv");
    cli_json_string(&j, "task", o->res.values ? "regression" : "classification");
    cli_json_data(&j, "data", o->ds, o->class_counts);
    cli_json_settings(&j, "config", settings);
    cli_json_array(&j, "folds");
    for (size_t f = 0; f < o->res.folds; f++) json_fold(&j, o, f);
    cli_json_end(&j);
    json_summary(&j, o);
    cli_json_diagnostics(&j, &o->warnings);
    cli_json_end(&j);
    if (!cli_json_finish(&j)) return cli_usage_error("internal error: malformed JSON"), EXIT_RUNTIME;
    return EXIT_OK;
}

/* -------------------------------------------------------------- report */

static void describe_cv(cli_settings *s, const cli_args *args, const cv_config *c, const bp_dataset *ds)
{
    memset(s, 0, sizeof *s);
    cli_settings_group(s, "Cross-validation");
    cli_describe_count(s, args, "folds", c->cv.folds);
    cli_describe_flag(s, args, "stratify", c->cv.stratify);
    cli_describe_flag(s, args, "tutorial", c->cv.scale_whole_file);
    cli_settings_group(s, "Network and training");
    cli_describe_training(s, args, &c->cv.net, &c->cv.train, c->cv.scale, c->training.seed,
                          bp_dataset_features(ds), bp_dataset_classes(ds) ? bp_dataset_classes(ds) : 1);
    cli_settings_group(s, "Reading the data");
    cli_describe_load(s, args, &c->load, c->task_chosen);
}

static const char *imbalance_note(const bp_metrics *m)
{
    size_t smallest;
    return cli_minority_class(m, &smallest) ? "imbalanced classes: judge by this" : "over every row";
}

static void add_figures(cli_report *r, const cv_outcome *o)
{
    const bp_cv_result *res = &o->res;
    const char *over_folds = "mean over the folds";
    if (res->values) {
        fold_means means = regression_means(res);
        cli_report_figure_add(r, "Mean RMSE", over_folds, "%.4g", means.mean.rmse);
        cli_report_figure_add(r, "Mean R\u00b2", over_folds, "%.4f", means.mean.r2);
        cli_report_figure_add(r, "MAE", "over every row", "%.4g", o->regression.mae);
    } else {
        cli_report_figure_add(r, "Mean accuracy", over_folds, "%.3f%%", res->mean);
        cli_report_figure_add(r, "Std accuracy", "between the folds", "%.3f%%",
                              fold_std(res->scores, res->folds, 1, res->mean));
        cli_report_figure_add(r, "Balanced accuracy", imbalance_note(&o->metrics), "%.3f%%",
                              100 * o->metrics.balanced_accuracy);
        cli_report_figure_add(r, "Macro F1", "over every row", "%.3f%%", 100 * o->metrics.macro_f1);
        cli_report_figure_add(r, "ROC AUC", o->metrics.n_classes == 2 ? "positive class, every row" : "macro, every row",
                              "%.4f", o->metrics.roc_auc);
        cli_report_figure_add(r, "Log loss", "over every row", "%.4f", o->metrics.log_loss);
    }
    cli_report_figure_add(r, "Rows", NULL, "%zu", res->n_rows);
    cli_report_figure_time(r, "every fold");
}

static int write_cv_report(cli_report_file *rf, const cv_outcome *o, const cv_config *c,
                           const cli_settings *settings, int argc, char **argv)
{
    char network[512];
    bp_samples s = bp_dataset_samples(o->ds);
    cli_describe_spec(network, sizeof network, &c->cv.net, s.n_inputs, s.n_outputs);
    cli_report r;
    memset(&r, 0, sizeof r);
    r.command = "cv";
    r.argc = argc;
    r.argv = argv;
    r.ds = o->ds;
    r.class_counts = o->class_counts;
    r.settings = settings;
    r.progress = o->progress;
    r.runs = o->res.folds;
    r.loss = c->cv.train.loss;
    r.network = network;
    r.warnings = &o->warnings;
    add_figures(&r, o);
    if (o->res.values) {
        r.fold_regression = o->res.fold_regression;
        r.regression = &o->regression;
        r.actual = s.y;
        r.predicted = o->res.values;
        r.n_scored = o->res.n_rows;
        r.scored_title = "Every row, predicted by the fold that left it out.";
    } else {
        r.fold_scores = o->res.scores;
        r.metrics = &o->metrics;
        r.metrics_title = "Every row, predicted by the network of the fold that left it out.";
        r.classes = s.label;
        r.proba = o->res.proba;
        r.n_proba = o->res.n_rows;
    }
    return cli_report_commit(rf, &r);
}

/* ----------------------------------------------------------------- run */

static int score_every_row(cv_outcome *o, int need_metrics)
{
    bp_error err;
    const bp_samples s = bp_dataset_samples(o->ds);
    if (o->res.values) {
        o->regression = bp_metrics_regression(s.y, o->res.values, NULL, o->res.n_rows);
        return EXIT_OK;
    }
    if (!need_metrics) return EXIT_OK;
    if (!(o->class_counts = cli_class_counts(o->ds))) return cli_out_of_memory();
    if (bp_metrics_classification(&o->metrics, s.label, o->res.predicted, o->res.proba, o->res.n_rows,
                                  o->res.n_classes, &err) != BP_OK)
        return cli_fail(&err);
    o->has_metrics = 1;
    return EXIT_OK;
}

static int print_results(const cv_outcome *o, const cv_config *c, const cli_settings *settings)
{
    int status = EXIT_OK;
    if (c->json) status = print_json(o, settings);
    else if (o->res.values) print_regression(&o->res);
    else print_classification(o, c->cv.scale_whole_file);
    if (fflush(stdout) != 0 || ferror(stdout))
        return status ? status : cli_usage_error("cannot write standard output");
    return status;
}

/* Cross-validates and reports; the report file is open (or not wanted). */
static int run_cv(cv_config *c, cli_args *args, cli_report_file *rf, int argc, char **argv)
{
    bp_error err;
    bp_rng rng;
    if (bp_rng_seed_decimal(&rng, c->training.seed, &err) != BP_OK) return cli_fail(&err);
    cv_outcome o;
    memset(&o, 0, sizeof o);
    bp_dataset *ds;
    if (bp_dataset_load(&ds, c->file, &c->load, &err) != BP_OK) return cli_fail(&err);
    cli_note_load(c->file, ds, &c->load);
    c->task_chosen = c->load.task == BP_TASK_AUTO;
    cli_apply_task(args, &c->load, ds, &c->cv.net, &c->cv.train);
    if (!cli_apply_class_weight(args, ds, c->training.class_weights, &c->cv.train)) {
        bp_dataset_free(ds);
        return EXIT_USAGE;
    }
    o.ds = ds;
    cli_progress progress;
    bp_cv_options cv = c->cv;
    if (!cli_progress_start(&progress, &cv.train, cli_value(args, "quiet") != NULL, cv.folds,
                            cli_value(args, "history")) ||
        ((c->report || c->json) && !cli_progress_keep(&progress))) {
        cli_progress_end(&progress, 0);
        bp_dataset_free(ds);
        return EXIT_USAGE;
    }
    o.progress = &progress;
    bp_status st = bp_cross_validate(ds, &cv, &rng, &o.res, &err);
    int status = cli_progress_end(&progress, st == BP_OK) ? EXIT_OK : EXIT_RUNTIME;
    if (st != BP_OK) status = cli_fail(&err);
    if (status == EXIT_OK)
        status = score_every_row(&o, c->json || c->report || !c->cv.scale_whole_file);
    if (status == EXIT_OK) {
        cli_diagnose_training(&o.warnings, o.res.fold_diagnostics, o.res.folds, &c->cv.train);
        if (o.has_metrics)
            cli_diagnose_predictions(&o.warnings, &o.metrics, ds, "rows (each by the fold that left it out)");
    }
    cli_settings settings;
    describe_cv(&settings, args, c, ds);
    if (status == EXIT_OK) status = print_results(&o, c, &settings);
    if (status == EXIT_OK) cli_warnings_print(&o.warnings);
    if (status == EXIT_OK && c->report && !write_cv_report(rf, &o, c, &settings, argc, argv))
        status = EXIT_USAGE;
    if (o.has_metrics) bp_metrics_free(&o.metrics);
    free(o.class_counts);
    bp_cv_result_free(&o.res);
    cli_progress_free(&progress);
    bp_dataset_free(ds);
    return status;
}

int cmd_cv(int argc, char **argv)
{
    cli_option options[CLI_TRAINING_OPTIONS + CLI_LOAD_OPTIONS + 8] = {
        {"folds", 1, NULL},   {"tutorial", 0, NULL}, {"help", 0, NULL},   {"stratify", 0, NULL},
        {"history", 1, NULL}, {"quiet", 0, NULL},    {"report", 1, NULL}, {"format", 1, NULL}};
    size_t n_options = cli_add_load_options(options, 8);
    n_options = cli_add_training_options(options, n_options);
    cli_args args = {options, n_options, {0}, 0};
    if (!cli_parse(&args, argc, argv, "cv")) return EXIT_USAGE;
    if (cli_value(&args, "help")) {
        fputs(cv_usage, stdout);
        fputs(cli_training_help, stdout);
        return EXIT_OK;
    }
    if (args.n_positional != 1) {
        fputs(cv_usage, stderr);
        return cli_usage_error("cv: expected one data file, got %zu arguments", args.n_positional);
    }
    cv_config c;
    memset(&c, 0, sizeof c);
    bp_load_defaults(&c.load);
    bp_cv_defaults(&c.cv);
    cli_training_defaults(&c.training);
    if (!read_cv_options(&args, &c)) return EXIT_USAGE;
    cli_report_file rf = {NULL, NULL, NULL};
    if (c.report && !cli_report_open(&rf, c.report)) return EXIT_USAGE;
    int status = run_cv(&c, &args, &rf, argc, argv);
    cli_report_discard(&rf); /* after a failure; a written report is already in place */
    return status;
}
