/* The backprop command: subcommands over the library. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: backprop COMMAND [options] FILE\n"
    "\n"
    "Train feed-forward neural networks with backpropagation.\n"
    "\n"
    "commands:\n"
    "  cv FILE               k-fold cross-validation (the tutorial's case study)\n"
    "  train FILE -o MODEL   train on every row and save the model\n"
    "  predict MODEL FILE    predict the rows of a file with a saved model\n"
    "  eval MODEL FILE       accuracy, confusion matrix, precision, recall, F1\n"
    "\n"
    "  backprop COMMAND --help   options of a command\n"
    "  backprop --version        version and build options\n"
    "\n"
    "example:\n"
    "  backprop cv --tutorial data/wheat-seeds.csv\n";

static void print_version(void)
{
    printf("backprop %s (%s)\n", BP_VERSION, sizeof(bp_real) == sizeof(float) ? "float" : "double");
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
    if (strcmp(command, "train") == 0) return cmd_train(argc - 2, argv + 2);
    if (strcmp(command, "predict") == 0) return cmd_predict(argc - 2, argv + 2);
    if (strcmp(command, "eval") == 0) return cmd_eval(argc - 2, argv + 2);
    fputs(usage, stderr);
    return cli_usage_error("unknown command '%s'", command);
}
