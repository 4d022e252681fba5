/* backprop eval: how well a saved model does on a file with the answers. */
#include "cli.h"
#include "diagnostics.h"
#include "html_report.h"

#include <stdio.h>
#include <string.h>

static const char eval_usage[] =
    "usage: backprop eval MODEL FILE [options]\n"
    "\n"
    "Scores a model saved by 'backprop train' on a CSV file that has the target\n"
    "column: accuracy, balanced accuracy, macro precision / recall / F1, MCC, log\n"
    "loss, ROC AUC and PR AUC (of the second label with two classes, else the\n"
    "macro average of each class against the rest), the Brier score, the\n"
    "confusion matrix (rows: actual, columns: predicted) and per-class precision,\n"
    "recall, F1 and support. With imbalanced classes (the smallest under\n"
    "1/(2 x classes) of the rows) a line under the accuracy gives the balanced\n"
    "accuracy and the smallest class's recall. For regression: RMSE, MAE and R2.\n"
    "\n"
    "options:\n"
    "  --delimiter C            field delimiter: , ; tab | space (detected)\n"
    "  --decimal C              decimal point of numbers: . or , (detected: , in a\n"
    "                           ;-separated file with numbers like 7,4)\n"
    "  --header, --no-header    whether the first row names the columns (detected\n"
    "                           from the model's column names)\n"
    "  --missing M              mean, error or drop: a missing feature value (?,\n"
    "                           empty, NA, NaN) is filled with the training mean (a\n"
    "                           text column's most frequent value), refused, or its\n"
    "                           row is not scored (mean)\n"
    "  --missing-target M       error or drop: a row whose target is missing is\n"
    "                           refused, or not scored (auto: drop with --missing\n"
    "                           drop, error otherwise)\n"
    "  --format F               text or json (docs/json.md) (text)\n"
    "  --help                   this text\n";

static void print_json(const bp_evaluation *ev, const bp_model *m, const char *model, const char *file,
                       const cli_warnings *warnings)
{
    cli_json j;
    cli_json_begin_output(&j, stdout, "eval");
    cli_json_string(&j, "model", model);
    cli_json_record(&j, "data");
    cli_json_string(&j, "source", file);
    cli_json_size(&j, "rows", ev->summary.rows);
    cli_json_dialect(&j, ev->summary.delimiter, ev->summary.decimal);
    cli_json_end(&j);
    if (ev->task == BP_TASK_REGRESSION) {
        cli_json_string(&j, "task", "regression");
        cli_json_regression(&j, "metrics", &ev->regression, ev->summary.rows);
    } else {
        cli_json_string(&j, "task", "classification");
        cli_json_metrics(&j, "metrics", &ev->metrics, bp_model_schema(m));
    }
    cli_json_input(&j, "input", &ev->summary);
    cli_json_diagnostics(&j, warnings);
    cli_json_end(&j);
    cli_json_finish(&j);
}

static int evaluate(bp_model *m, const cli_args *args, const bp_predict_options *o, int json)
{
    const char *model = args->positional[0], *file = args->positional[1];
    bp_error err;
    bp_evaluation ev;
    if (bp_model_evaluate(m, file, o, &ev, &err) != BP_OK) return cli_fail(&err);
    cli_warn_predictions(file, &ev.summary, o);
    /* The input's warnings went out above; what the predictions show
     * follows the scores. JSON lists them all. */
    cli_warnings all = {.n = 0}, found = {.n = 0};
    cli_diagnose_input(&all, file, &ev.summary);
    if (ev.task == BP_TASK_CLASSIFICATION)
        cli_diagnose_predictions(&found, &ev.metrics, bp_model_schema(m), "rows scored");
    cli_warnings_append(&all, &found);
    if (json) print_json(&ev, m, model, file, &all);
    else cli_print_evaluation(&ev, m);
    cli_warnings_print(&found);
    bp_evaluation_free(&ev);
    if (fflush(stdout) != 0 || ferror(stdout)) return cli_usage_error("cannot write standard output");
    return EXIT_OK;
}

int cmd_eval(int argc, char **argv)
{
    cli_option options[] = {{"delimiter", 1, NULL}, {"header", 0, NULL},  {"no-header", 0, NULL},
                            {"help", 0, NULL},      {"format", 1, NULL},  {"missing", 1, NULL},
                            {"missing-target", 1, NULL}, {"decimal", 1, NULL}};
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
    const char *format = cli_value(&args, "format");
    if (format && strcmp(format, "text") != 0 && strcmp(format, "json") != 0)
        return cli_usage_error("--format must be text or json, not '%s'", format);
    bp_predict_options o;
    if (!cli_read_predict_options(&args, &o)) return EXIT_USAGE;
    bp_error err;
    bp_model *m;
    if (bp_model_load(&m, args.positional[0], &err) != BP_OK) return cli_fail(&err);
    int status = evaluate(m, &args, &o, format && strcmp(format, "json") == 0);
    bp_model_free(m);
    return status;
}
