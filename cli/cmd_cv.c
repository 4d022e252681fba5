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
    "options (defaults are the tutorial's):\n"
    "  --folds K          number of folds (5)\n"
    "  --lr X             learning rate (0.3)\n"
    "  --epochs N         training epochs (500)\n"
    "  --hidden N[,N...]  hidden layer widths (5)\n"
    "  --seed S           random seed, any non-negative integer (1)\n"
    "  --classes L1,L2,.. class order (default: sorted labels, numerically\n"
    "                     when every label is a number)\n"
    "  --tutorial         scale over the whole file before splitting, exactly as\n"
    "                     the tutorial does (default: the scaler is fitted on\n"
    "                     each fold's training rows only)\n"
    "  --help             this text\n";

typedef struct cv_config {
    const char *file;
    const char *seed;
    bp_load_options load;
    bp_cv_options cv;
    size_t hidden[64];
} cv_config;

static int read_cv_options(cli_args *args, cv_config *c)
{
    const char *v;
    c->file = args->positional[0];
    c->seed = cli_value(args, "seed") ? cli_value(args, "seed") : "1";
    c->load.classes = cli_value(args, "classes");
    if ((v = cli_value(args, "folds")) && !cli_size("folds", v, 2, &c->cv.folds)) return 0;
    if ((v = cli_value(args, "lr")) && !cli_positive("lr", v, &c->cv.train.learning_rate)) return 0;
    if ((v = cli_value(args, "epochs")) && !cli_size("epochs", v, 1, &c->cv.train.epochs)) return 0;
    if ((v = cli_value(args, "hidden"))) {
        if (!cli_size_list("hidden", v, c->hidden, 64, &c->cv.net.n_hidden)) return 0;
        c->cv.net.hidden = c->hidden;
    }
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
    cli_option options[] = {{"folds", 1, NULL},   {"lr", 1, NULL},      {"epochs", 1, NULL},
                            {"hidden", 1, NULL},  {"seed", 1, NULL},    {"classes", 1, NULL},
                            {"tutorial", 0, NULL}, {"help", 0, NULL}};
    cli_args args = {options, sizeof options / sizeof *options, {0}, 0};
    if (!cli_parse(&args, argc, argv, "cv")) return EXIT_USAGE;
    if (cli_value(&args, "help")) {
        fputs(cv_usage, stdout);
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
    if (!read_cv_options(&args, &c)) return EXIT_USAGE;
    bp_error err;
    bp_rng rng;
    if (bp_rng_seed_decimal(&rng, c.seed, &err) != BP_OK) return cli_fail(&err);
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
