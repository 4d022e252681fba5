/* backprop export-c: a saved model as one standalone C99 source file, so a
 * trained network runs where the library does not (a microcontroller, a
 * program that wants no dependency). */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char export_usage[] =
    "usage: backprop export-c MODEL -o OUT [--function NAME]\n"
    "\n"
    "Writes a model saved by 'backprop train' as one standalone C99 source file:\n"
    "the weights, the scaler and the class labels as constant arrays, and a\n"
    "function that predicts one row with nothing but libm (link with -lm):\n"
    "\n"
    "  int predict(const double *features, double *probabilities)\n"
    "      classification: returns the class index; probabilities (NULL, or\n"
    "      room for one per class) as 'backprop predict --proba' prints them;\n"
    "      predict_class_name(index) is the class's label\n"
    "  double predict(const double *features)\n"
    "      regression: returns the predicted value\n"
    "\n"
    "features are the feature columns of the training file in its order (the\n"
    "target and ignored columns left out): numbers as in the file, a text\n"
    "column as its category's index (predict_category(feature, \"name\")), NAN\n"
    "for a missing value. The file's opening comment lists them.\n"
    "\n"
    "options:\n"
    "  -o, --output OUT         the C file to write (atomically); - for standard output\n"
    "  --function NAME          the function's name, and the prefix of the file's\n"
    "                           other names (predict)\n"
    "  --help                   this text\n"
    "\n"
    "example:\n"
    "  backprop export-c seeds.model -o seeds.c && cc -c -std=c99 seeds.c\n";

typedef struct export_job {
    bp_model *m;
    const char *name;
} export_job;

static int export_to_stdout(const export_job *j)
{
    bp_error err;
    if (bp_model_export_c(j->m, j->name, stdout, &err) != BP_OK)
        return cli_fail(&err);
    if (fflush(stdout) != 0 || ferror(stdout))
        return cli_usage_error("cannot write standard output: %s", strerror(errno));
    return EXIT_OK;
}

/* The file appears whole or not at all: a failed export leaves no file. */
static int export_to_file(const export_job *j, const char *path)
{
    bp_error err;
    bp_atomic_file *file;
    FILE *out;
    if (bp_atomic_open(&file, path, &out, &err) != BP_OK) return cli_fail(&err);
    if (bp_model_export_c(j->m, j->name, out, &err) != BP_OK) {
        bp_atomic_discard(file);
        return cli_fail(&err);
    }
    return bp_atomic_commit(file, &err) == BP_OK ? EXIT_OK : cli_fail(&err);
}

static int run_export(int argc, char **argv)
{
    cli_option options[] = {{"output", 1, NULL}, {"function", 1, NULL}, {"help", 0, NULL}};
    cli_args args = {options, sizeof options / sizeof *options, {0}, 0};
    if (!cli_parse(&args, argc, argv, "export-c")) return EXIT_USAGE;
    if (cli_value(&args, "help")) {
        fputs(export_usage, stdout);
        return EXIT_OK;
    }
    const char *out = cli_value(&args, "output");
    if (args.n_positional != 1 || !out) {
        fputs(export_usage, stderr);
        if (args.n_positional != 1)
            return cli_usage_error("export-c: expected one model, got %zu arguments", args.n_positional);
        return cli_usage_error("export-c: -o OUT is required (- for standard output)");
    }
    export_job j = {NULL, cli_value(&args, "function")};
    bp_error err;
    if (bp_model_load(&j.m, args.positional[0], &err) != BP_OK)
        return cli_fail(&err);
    int status = strcmp(out, "-") == 0 ? export_to_stdout(&j) : export_to_file(&j, out);
    bp_model_free(j.m);
    return status;
}

int cmd_export_c(int argc, char **argv)
{
    char **args = cli_long_output(argc, argv);
    if (!args) return cli_usage_error("out of memory");
    int status = run_export(argc, args);
    free(args);
    return status;
}
