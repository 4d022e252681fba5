/* backprop cv: k-fold cross-validation, printed as the tutorial prints it. */
#include "cli.h"

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
    "  --tutorial               scale over the whole file before splitting, exactly as\n"
    "                           the tutorial does (default: the scaler is fitted on\n"
    "                           each fold's training rows only)\n"
    "  --stratify               every fold keeps the class proportions\n"
    "  --task T                 classification or regression (classification);\n"
    "                           regression: linear output, mse, scaled target\n"
    "  --quiet                  no progress line\n"
    "  --history FILE.csv       write the loss of every epoch of every fold\n"
    "  --target COL             target column, a header name or 1-based number (last)\n"
    "  --ignore COL[,COL...]    columns to leave out\n"
    "  --delimiter C            field delimiter: , ; tab | space (detected)\n"
    "  --header, --no-header    whether the first row names the columns (detected)\n"
    "  --missing M              error, drop or mean: what to do with missing values\n"
    "                           (?, empty, NA, NaN) (error)\n"
    "  --max-memory SIZE        refuse a run that needs more memory, e.g. 512M or 4G\n"
    "                           (default: the memory the system has available)\n"
    "  --help                   this text\n"
    "\n";

typedef struct cv_config {
    const char *file;
    bp_load_options load;
    bp_cv_options cv;
    cli_training training;
} cv_config;

static int read_cv_options(cli_args *args, cv_config *c)
{
    const char *v;
    c->file = args->positional[0];
    if (!cli_read_load_options(args, &c->load)) return 0;
    if (!cli_read_training(args, &c->training)) return 0;
    cli_apply_task(args, c->load.task, &c->training);
    c->cv.net = c->training.net;
    c->cv.train = c->training.train;
    c->cv.scale = c->training.scale;
    c->cv.train.max_memory = c->load.max_memory;
    if ((v = cli_value(args, "folds")) && !cli_size("folds", v, 2, &c->cv.folds)) return 0;
    c->cv.scale_whole_file = cli_value(args, "tutorial") != NULL;
    c->cv.stratify = cli_value(args, "stratify") != NULL;
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

static void print_regression(const bp_cv_result *res)
{
    const bp_regression_metrics *m = res->fold_regression;
    size_t stride = sizeof *m / sizeof(double), n = res->folds;
    double rmse = 0, mae = 0, r2 = 0;
    for (size_t f = 0; f < n; f++) {
        rmse += m[f].rmse;
        mae += m[f].mae;
        r2 += m[f].r2;
    }
    rmse /= (double)n;
    print_list("RMSE", &m[0].rmse, n, stride);
    printf("Mean RMSE: %.4f (std %.4f)\n", rmse, fold_std(&m[0].rmse, n, stride, rmse));
    print_list("MAE", &m[0].mae, n, stride);
    printf("Mean MAE: %.4f\n", mae / (double)n);
    print_list("R2", &m[0].r2, n, stride);
    printf("Mean R2: %.4f\n", r2 / (double)n);
}

static int print_classification(const bp_cv_result *res, const bp_dataset *ds, int tutorial)
{
    print_list("Scores", res->scores, res->folds, 1);
    printf("Mean Accuracy: %.3f%%\n", res->mean);
    if (tutorial) return EXIT_OK; /* exactly the tutorial's two lines */
    printf("Std Accuracy: %.3f%%\n", fold_std(res->scores, res->folds, 1, res->mean));
    bp_metrics m;
    bp_error err;
    const bp_samples s = bp_dataset_samples(ds);
    if (bp_metrics_classification(&m, s.label, res->predicted, res->proba, res->n_rows,
                                  res->n_classes, &err) != BP_OK)
        return cli_fail(&err);
    printf("Macro Precision: %.3f%%\nMacro Recall: %.3f%%\nMacro F1: %.3f%%\nLog Loss: %.4f\n",
           100 * m.macro_precision, 100 * m.macro_recall, 100 * m.macro_f1, m.log_loss);
    cli_print_confusion(&m, ds);
    bp_metrics_free(&m);
    return EXIT_OK;
}

int cmd_cv(int argc, char **argv)
{
    cli_option options[CLI_TRAINING_OPTIONS + CLI_LOAD_OPTIONS + 6] = {
        {"folds", 1, NULL}, {"tutorial", 0, NULL}, {"help", 0, NULL},
        {"stratify", 0, NULL}, {"history", 1, NULL}, {"quiet", 0, NULL}};
    size_t n_options = cli_add_load_options(options, 6);
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
    bp_error err;
    bp_rng rng;
    if (bp_rng_seed_decimal(&rng, c.training.seed, &err) != BP_OK) return cli_fail(&err);
    bp_dataset *ds;
    if (bp_dataset_load(&ds, c.file, &c.load, &err) != BP_OK) return cli_fail(&err);
    bp_cv_result res;
    cli_progress progress;
    if (!cli_progress_start(&progress, &c.cv.train, cli_value(&args, "quiet") != NULL, c.cv.folds,
                            cli_value(&args, "history"))) {
        bp_dataset_free(ds);
        return EXIT_USAGE;
    }
    bp_status st = bp_cross_validate(ds, &c.cv, &rng, &res, &err);
    if (!cli_progress_end(&progress, st == BP_OK) && st == BP_OK) {
        bp_dataset_free(ds);
        bp_cv_result_free(&res);
        return EXIT_RUNTIME;
    }
    int status = EXIT_OK;
    if (st != BP_OK) status = cli_fail(&err);
    else if (res.values) print_regression(&res);
    else status = print_classification(&res, ds, c.cv.scale_whole_file);
    bp_dataset_free(ds);
    bp_cv_result_free(&res);
    return status;
}
