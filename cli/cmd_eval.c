/* backprop eval: how well a saved model does on a file with the answers. */
#include "cli.h"

#include <stdio.h>

static const char eval_usage[] =
    "usage: backprop eval MODEL FILE [options]\n"
    "\n"
    "Scores a model saved by 'backprop train' on a CSV file that has the target\n"
    "column: accuracy, macro precision / recall / F1, log loss, the confusion\n"
    "matrix (rows: actual, columns: predicted) and per-class precision, recall,\n"
    "F1 and support. For regression: RMSE, MAE and R2.\n"
    "\n"
    "options:\n"
    "  --delimiter C            field delimiter: , ; tab | space (detected)\n"
    "  --header, --no-header    whether the first row names the columns (detected\n"
    "                           from the model's column names)\n"
    "  --help                   this text\n";

static int evaluate(bp_model *m, const char *file, const bp_predict_options *o)
{
    bp_error err;
    bp_evaluation ev;
    if (bp_model_evaluate(m, file, o, &ev, &err) != BP_OK) return cli_fail(&err);
    cli_warn_predictions(file, &ev.summary);
    cli_print_evaluation(&ev, m);
    bp_evaluation_free(&ev);
    return EXIT_OK;
}

int cmd_eval(int argc, char **argv)
{
    cli_option options[] = {{"delimiter", 1, NULL}, {"header", 0, NULL}, {"no-header", 0, NULL},
                            {"help", 0, NULL}};
    cli_args args = {options, sizeof options / sizeof *options, {0}, 0};
    if (!cli_parse(&args, argc, argv, "eval")) return EXIT_USAGE;
    if (cli_value(&args, "help")) {
        fputs(eval_usage, stdout);
        return EXIT_OK;
    }
    if (args.n_positional != 2) {
        fputs(eval_usage, stderr);
        return cli_usage_error("eval: expected a model and a data file, got %zu arguments",
                               args.n_positional);
    }
    bp_predict_options o;
    if (!cli_read_predict_options(&args, &o)) return EXIT_USAGE;
    bp_error err;
    bp_model *m;
    if (bp_model_load(&m, args.positional[0], &err) != BP_OK) return cli_fail(&err);
    int status = evaluate(m, args.positional[1], &o);
    bp_model_free(m);
    return status;
}
