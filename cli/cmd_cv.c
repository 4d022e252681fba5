/* backprop cv: k-fold cross-validation, printed as the tutorial prints it. */
#include "cli.h"

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
    "  --target COL             target column, a header name or 1-based number (last)\n"
    "  --ignore COL[,COL...]    columns to leave out\n"
    "  --delimiter C            field delimiter: , ; tab | space (detected)\n"
    "  --header, --no-header    whether the first row names the columns (detected)\n"
    "  --missing M              error, drop or mean: what to do with missing values\n"
    "                           (?, empty, NA, NaN) (error)\n"
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
    c->cv.net = c->training.net;
    c->cv.train = c->training.train;
    c->cv.scale = c->training.scale;
    if ((v = cli_value(args, "folds")) && !cli_size("folds", v, 2, &c->cv.folds)) return 0;
    c->cv.scale_whole_file = cli_value(args, "tutorial") != NULL;
    return 1;
}

static void print_scores(const bp_cv_result *res)
{
    char num[40];
    fputs("Scores: [", stdout);
    for (size_t f = 0; f < res->folds; f++) {
        bp_format_double(num, sizeof num, res->scores[f]);
        printf("%s%s", f ? ", " : "", num);
    }
    printf("]\nMean Accuracy: %.3f%%\n", res->mean);
}

int cmd_cv(int argc, char **argv)
{
    cli_option options[CLI_TRAINING_OPTIONS + CLI_LOAD_OPTIONS + 3] = {
        {"folds", 1, NULL}, {"tutorial", 0, NULL}, {"help", 0, NULL}};
    size_t n_options = cli_add_load_options(options, 3);
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
    bp_status st = bp_cross_validate(ds, &c.cv, &rng, &res, &err);
    bp_dataset_free(ds);
    if (st != BP_OK) return cli_fail(&err);
    print_scores(&res);
    bp_cv_result_free(&res);
    return EXIT_OK;
}
