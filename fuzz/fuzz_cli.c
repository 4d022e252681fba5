/* libFuzzer target for the command line: every input is an argv.
 *
 * Build with `make fuzz` (build-fuzz/fuzz_cli) and run from the repository
 * root (-close_fd_mask=3 silences the commands' own messages):
 *
 *   build-fuzz/fuzz_cli -close_fd_mask=3 -max_total_time=600 fuzz/corpus/cli
 *
 * The input is split at NUL bytes into arguments, the first one being the
 * command ("cv", "train", "predict", "eval", ..., or anything else), and run
 * through the command's real entry point: every option is parsed and
 * checked, the seed is read, and then loading the data or the model fails on
 * purpose. The target is sandboxed at link time (--wrap): bp_dataset_load
 * and bp_model_load refuse, and so does bp_atomic_open,
 * so nothing is trained, read or written whatever the arguments name (the
 * commands open nothing else before their data). The command must end with
 * status 0 (--help, --version) or 2 (a usage error, or the refused load).
 *
 * The same arguments then go through cli_parse directly, against every
 * option the commands know, to check that each value it returns points into
 * the arguments, and through the strict number readers.
 */
#include "cli.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* cli/backprop.c's main, renamed when built for this target. */
int bp_cli_main(int argc, char **argv);

/* The sandbox: the linker's --wrap dictates these reserved names. */
// NOLINTBEGIN(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp)
bp_status __wrap_bp_dataset_load(bp_dataset **out, const char *path, const bp_load_options *opts,
                                 bp_error *err);
bp_status __wrap_bp_model_load(bp_model **out, const char *path, bp_error *err);
bp_status __wrap_bp_atomic_open(bp_atomic_file **out, const char *path, FILE **stream, bp_error *err);

enum { MAX_ARGS = 64 };

static bp_status refuse(bp_error *err)
{
    err->status = BP_ERR_IO;
    strcpy(err->message, "fuzz: no file is read or written");
    return BP_ERR_IO;
}

bp_status __wrap_bp_dataset_load(bp_dataset **out, const char *path, const bp_load_options *opts,
                                 bp_error *err)
{
    (void)path;
    (void)opts;
    *out = NULL;
    return refuse(err);
}

bp_status __wrap_bp_model_load(bp_model **out, const char *path, bp_error *err)
{
    (void)path;
    *out = NULL;
    return refuse(err);
}

bp_status __wrap_bp_atomic_open(bp_atomic_file **out, const char *path, FILE **stream, bp_error *err)
{
    (void)path;
    *out = NULL;
    *stream = NULL;
    return refuse(err);
}
// NOLINTEND(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp)

/* Splits text (NUL-terminated at size) at its NUL bytes into argv[1..];
 * returns argc. */
static int split_args(char *text, size_t size, char **argv)
{
    int argc = 0;
    argv[argc++] = (char *)"backprop";
    for (size_t i = 0; i < size && argc < MAX_ARGS; i += strlen(text + i) + 1) argv[argc++] = text + i;
    argv[argc] = NULL;
    return argc;
}

static int points_into_args(const char *p, int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (p >= argv[i] && p <= argv[i] + strlen(argv[i])) return 1;
    return 0;
}

/* Every option any command takes, parsed as one table. */
static void check_parser(int argc, char **argv)
{
    static const char *const extra[] = {"folds", "tutorial", "help", "stratify", "history", "quiet",
                                        "output", "test-fraction", "checkpoint", "checkpoint-every",
                                        "resume", "proba"};
    enum { N_EXTRA = sizeof extra / sizeof *extra };
    cli_option options[N_EXTRA + CLI_LOAD_OPTIONS + CLI_TRAINING_OPTIONS];
    for (size_t i = 0; i < N_EXTRA; i++) {
        int flag = !strcmp(extra[i], "tutorial") || !strcmp(extra[i], "help") ||
                   !strcmp(extra[i], "stratify") || !strcmp(extra[i], "quiet") || !strcmp(extra[i], "proba");
        options[i] = (cli_option){extra[i], !flag, NULL};
    }
    size_t n = cli_add_load_options(options, N_EXTRA);
    n = cli_add_training_options(options, n);
    cli_args args = {options, n, {0}, 0};
    if (!cli_parse(&args, argc - 1, argv + 1, "fuzz")) return;
    if (args.n_positional > sizeof args.positional / sizeof *args.positional) abort();
    for (size_t i = 0; i < args.n_positional; i++)
        if (!points_into_args(args.positional[i], argc, argv)) abort();
    for (size_t i = 0; i < n; i++) {
        const char *v = options[i].value;
        if (!v) continue;
        if (options[i].takes_value ? !points_into_args(v, argc, argv) : strcmp(v, "1") != 0) abort();
        if (cli_value(&args, options[i].name) != v) abort();
    }
}

/* The number readers on every argument: they must accept or refuse, and
 * never write past the list they fill. */
static void check_readers(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        size_t widths[3], count = 0, value;
        double x;
        if (cli_size_list("fuzz", argv[i], widths, 3, &count) && (count < 1 || count > 3)) abort();
        if (cli_size("fuzz", argv[i], 1, &value) && value < 1) abort();
        if (cli_positive("fuzz", argv[i], &x) && !(x > 0)) abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096) return 0;
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char *argv[MAX_ARGS + 1];
    int argc = split_args(text, size, argv);
    int status = bp_cli_main(argc, argv);
    if (status != EXIT_OK && status != EXIT_USAGE) abort();
    check_parser(argc, argv);
    check_readers(argc, argv);
    free(text);
    return 0;
}
