/* The backprop command: subcommands over the library. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: backprop COMMAND [options] ARGUMENTS...\n"
    "\n"
    "Train feed-forward neural networks with backpropagation: the classic\n"
    "tutorial's network, bit for bit, grown into a practical trainer for CSV data.\n"
    "\n"
    "commands:\n"
    "  cv FILE                  k-fold cross-validation (the tutorial's case study)\n"
    "  tune FILE                search network and training settings for the data\n"
    "  train FILE -o MODEL      train on every row and save the model\n"
    "  predict MODEL FILE       predict the rows of a file with a saved model\n"
    "  eval MODEL FILE          accuracy, confusion matrix, precision, recall, F1\n"
    "  trace MODEL ROW...       one training step on a row, every number of it\n"
    "                           (--tutorial: the tutorial's 2-1-2 network)\n"
    "  export-c MODEL -o OUT    the model as standalone C99 source (needs only libm)\n"
    "\n"
    "  backprop COMMAND --help  the options of a command\n"
    "  backprop --version       the version and how this build was made\n"
    "\n"
    "examples:\n"
    "  backprop cv --tutorial data/wheat-seeds.csv\n"
    "  backprop train data/wheat-seeds.csv -o seeds.model\n"
    "  backprop predict seeds.model new.csv\n"
    "  backprop trace --tutorial\n"
    "\n"
    "Exit status: 0 success, 1 run-time failure, 2 usage error or bad input,\n"
    "130 interrupted. See backprop(1).\n";

/* The version on the first line as before (scripts read it); then what the
 * build is made of and what it uses on this machine, for bug reports. */
static void print_version(void)
{
    bp_build_info b;
    bp_get_build_info(&b);
    printf("backprop %s (%s)\n", b.version, b.real);
    printf("scalar type:  %s\n", b.real);
    printf("SIMD:         %s (chosen at run time for this CPU)\n", b.simd);
    printf("GEMM:         %s\n", b.gemm);
    printf("BLAS:         %s\n", b.blas);
    printf("threads:      %zu available\n", b.threads);
    printf("compiler:     %s\n", b.compiler);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    const char *command = argv[1];
    if (strcmp(command, "--help") == 0 || strcmp(command, "-h") == 0 || strcmp(command, "help") == 0) {
        fputs(usage, stdout);
        return EXIT_OK;
    }
    if (strcmp(command, "--version") == 0) {
        print_version();
        return EXIT_OK;
    }
    if (strcmp(command, "cv") == 0) return cmd_cv(argc - 2, argv + 2);
    if (strcmp(command, "tune") == 0) return cmd_tune(argc - 2, argv + 2);
    if (strcmp(command, "train") == 0) return cmd_train(argc - 2, argv + 2);
    if (strcmp(command, "predict") == 0) return cmd_predict(argc - 2, argv + 2);
    if (strcmp(command, "eval") == 0) return cmd_eval(argc - 2, argv + 2);
    if (strcmp(command, "trace") == 0) return cmd_trace(argc - 2, argv + 2);
    if (strcmp(command, "export-c") == 0) return cmd_export_c(argc - 2, argv + 2);
    fputs(usage, stderr);
    return cli_usage_error("unknown command '%s'", command);
}
