/* backprop predict: a saved model's predictions for the rows of a file. */
#include "cli.h"
#include "diagnostics.h"
#include "html_report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char predict_usage[] =
    "usage: backprop predict MODEL FILE [-o OUT] [--proba] [options]\n"
    "\n"
    "Predicts every row of a CSV file with a model saved by 'backprop train'.\n"
    "The file may have the target column or not. Writes one line per row: the\n"
    "predicted label (or value, for regression).\n"
    "\n"
    "options:\n"
    "  -o, --output OUT         write to OUT (atomically) instead of standard output\n"
    "                           (- is standard output)\n"
    "  --proba                  CSV with a header: label, then one probability\n"
    "                           column per class (with json: a \"proba\" object)\n"
    "  --format F               csv (one line per row) or json (docs/json.md) (csv)\n"
    "  --delimiter C            field delimiter: , ; tab | space (detected)\n"
    "  --decimal C              decimal point of numbers: . or , (detected: , in a\n"
    "                           ;-separated file with numbers like 7,4)\n"
    "  --header, --no-header    whether the first row names the columns (detected\n"
    "                           from the model's column names)\n"
    "  --missing M              mean, error or drop: a missing value (?, empty, NA,\n"
    "                           NaN) is filled with the training mean (a text\n"
    "                           column's most frequent value), refused, or its row\n"
    "                           is left out of the output (mean)\n"
    "  --help                   this text\n";

/* Left-out rows: a note, or a warning when they are more than a tenth. */
static void note_dropped(const char *file, const bp_predict_summary *s)
{
    size_t records = s->rows + s->dropped;
    int many = s->dropped * 10 > records;
    fprintf(stderr, "backprop: %s: %s: left out %zu of %zu rows (%.0f%%) for missing values "
            "(first at line %zu)%s\n",
            many ? "warning" : "note", cli_source_name(file), s->dropped, records,
            100.0 * (double)s->dropped / (double)records, s->dropped_line,
            many ? "; --missing mean fills missing features with the training mean instead" : "");
}

void cli_warn_predictions(const char *file, const bp_predict_summary *s, const bp_predict_options *o)
{
    if (s->decimal == ',' && o->decimal == 0)
        fprintf(stderr,
                "backprop: note: %s: read with ',' as the decimal point (numbers like 7,4); "
                "--decimal . reads it otherwise\n",
                cli_source_name(file));
    cli_warnings w = {.n = 0};
    cli_diagnose_input(&w, file, s);
    cli_warnings_print(&w);
    if (s->dropped) note_dropped(file, s);
}

int cli_read_predict_options(const cli_args *args, bp_predict_options *o)
{
    bp_load_options load;
    bp_load_defaults(&load);
    if (!cli_read_load_options(args, &load)) return 0;
    bp_predict_defaults(o);
    o->delimiter = load.delimiter;
    o->header = load.header;
    o->decimal = load.decimal;
    if (cli_value(args, "missing")) o->missing = load.missing; /* the default is mean, not error */
    o->missing_target = load.missing_target;
    return 1;
}

/* A CSV field, quoted when it has to be. */
static void put_field(FILE *f, const char *text)
{
    size_t len = strlen(text);
    /* Unquoted, a reader would trim surrounding blanks or split the field. */
    int quote = len > 0 && (strchr(" \t", text[0]) || strchr(" \t", text[len - 1]));
    quote |= strpbrk(text, ",\"\r\n") != NULL;
    if (!quote) {
        fputs(text, f);
        return;
    }
    putc('"', f);
    for (const char *p = text; *p; p++) {
        if (*p == '"') putc('"', f);
        putc(*p, f);
    }
    putc('"', f);
}

/* The shortest text that reads back to the same number. */
static void put_number(FILE *f, bp_real v)
{
#ifdef BP_REAL_FLOAT
    fprintf(f, "%.9g", (double)v);
#else
    char buf[40];
    bp_format_double(buf, sizeof buf, v);
    fputs(buf, f);
#endif
}

typedef struct writer {
    FILE *f;
    const char *name;  /* for messages */
    const bp_model *m;
    int proba;
    int json;          /* --format json: the document of docs/json.md */
    cli_json j;
    const char *model_path, *data_path;
} writer;

/* JSON: everything before the predictions. */
static void json_begin(writer *w)
{
    cli_json *j = &w->j;
    int classification = bp_model_task(w->m) == BP_TASK_CLASSIFICATION;
    cli_json_begin_output(j, w->f, "predict");
    cli_json_string(j, "model", w->model_path);
    cli_json_record(j, "data");
    cli_json_string(j, "source", w->data_path);
    cli_json_end(j);
    cli_json_string(j, "task", classification ? "classification" : "regression");
    if (classification) {
        cli_json_row(j, "labels");
        for (size_t k = 0; k < bp_model_classes(w->m); k++)
            cli_json_string(j, NULL, bp_model_class_name(w->m, k));
        cli_json_end(j);
    }
    cli_json_array(j, "predictions");
}

static void json_prediction(writer *w, const bp_prediction *p)
{
    cli_json *j = &w->j;
    cli_json_record(j, NULL);
    cli_json_size(j, "row", p->row + 1);
    cli_json_size(j, "line", p->line);
    if (bp_model_task(w->m) == BP_TASK_REGRESSION) {
        cli_json_real(j, "value", p->value);
        if (p->has_actual) cli_json_real(j, "actual", p->actual_value);
        else cli_json_null(j, "actual");
    } else {
        cli_json_string(j, "label", bp_model_class_name(w->m, p->predicted));
        if (p->has_actual) cli_json_string(j, "actual", bp_model_class_name(w->m, p->actual));
        else cli_json_null(j, "actual");
        if (w->proba) {
            cli_json_record(j, "proba");
            for (size_t k = 0; k < bp_model_classes(w->m); k++)
                cli_json_real(j, bp_model_class_name(w->m, k), p->proba[k]);
            cli_json_end(j);
        }
    }
    cli_json_end(j);
}

/* JSON: everything after the predictions. */
static void json_end(writer *w, const bp_predict_summary *summary)
{
    cli_json *j = &w->j;
    cli_json_end(j);
    cli_json_size(j, "rows", summary->rows);
    cli_json_bool(j, "has_target", summary->has_target);
    cli_json_input(j, "input", summary);
    cli_warnings warnings = {.n = 0};
    cli_diagnose_input(&warnings, w->data_path, summary);
    cli_json_diagnostics(j, &warnings);
    cli_json_end(j);
    cli_json_finish(j);
}

/* 0 when out of memory: the run then fails rather than miss a column. */
static int put_header(writer *w)
{
    if (w->json) {
        json_begin(w);
        return 1;
    }
    if (!w->proba) return 1;
    fputs("label", w->f);
    for (size_t k = 0; k < bp_model_classes(w->m); k++) {
        const char *name = bp_model_class_name(w->m, k);
        size_t size = strlen(name) + 4;
        char *title = malloc(size);
        if (!title) return 0;
        snprintf(title, size, "P(%s)", name);
        putc(',', w->f);
        put_field(w->f, title);
        free(title);
    }
    putc('\n', w->f);
    return 1;
}

static bp_status put_prediction(void *user, const bp_prediction *p, bp_error *err)
{
    writer *w = user;
    if (w->json) {
        json_prediction(w, p);
    } else if (bp_model_task(w->m) == BP_TASK_REGRESSION) {
        put_number(w->f, p->value);
    } else {
        put_field(w->f, bp_model_class_name(w->m, p->predicted));
        for (size_t k = 0; w->proba && k < bp_model_classes(w->m); k++) {
            putc(',', w->f);
            put_number(w->f, p->proba[k]);
        }
    }
    if (!w->json) putc('\n', w->f);
    if (!ferror(w->f)) return BP_OK;
    err->status = BP_ERR_IO;
    snprintf(err->message, sizeof err->message, "cannot write %s: %s", w->name, strerror(errno));
    return BP_ERR_IO;
}

/* Predicts into w->f; the caller commits or discards the output. */
static int predict_into(writer *w, bp_model *m, const char *file, const bp_predict_options *o)
{
    bp_error err;
    bp_predict_summary summary;
    if (!put_header(w)) return cli_usage_error("out of memory");
    bp_status st = bp_model_predict_file(m, file, o, put_prediction, w, &summary, &err);
    if (st != BP_OK) return cli_fail(&err);
    if (w->json) json_end(w, &summary);
    cli_warn_predictions(file, &summary, o);
    return EXIT_OK;
}

static int predict(const cli_args *args, bp_model *m, const bp_predict_options *o)
{
    const char *file = args->positional[1], *out = cli_value(args, "output");
    if (out && strcmp(out, "-") == 0) out = NULL; /* -o -: standard output, as without -o */
    writer w;
    memset(&w, 0, sizeof w);
    w.f = stdout;
    w.name = "standard output";
    w.m = m;
    w.proba = cli_value(args, "proba") != NULL;
    w.model_path = args->positional[0];
    w.data_path = file;
    const char *format = cli_value(args, "format");
    if (format && strcmp(format, "csv") != 0 && strcmp(format, "json") != 0)
        return cli_usage_error("--format must be csv or json, not '%s'", format);
    w.json = format && strcmp(format, "json") == 0;
    bp_error err;
    if (w.proba && bp_model_task(m) != BP_TASK_CLASSIFICATION)
        return cli_usage_error("predict: --proba is for classification models");
    if (!out) {
        int status = predict_into(&w, m, file, o);
        if (fflush(stdout) != 0 || ferror(stdout))
            return status ? status : cli_usage_error("cannot write standard output: %s", strerror(errno));
        return status;
    }
    bp_atomic_file *file_out;
    if (bp_atomic_open(&file_out, out, &w.f, &err) != BP_OK) return cli_fail(&err);
    w.name = out;
    int status = predict_into(&w, m, file, o);
    if (status != EXIT_OK) {
        bp_atomic_discard(file_out);
        return status;
    }
    return bp_atomic_commit(file_out, &err) == BP_OK ? EXIT_OK : cli_fail(&err);
}

static int run_predict(int argc, char **argv)
{
    cli_option options[] = {{"output", 1, NULL},  {"proba", 0, NULL},     {"delimiter", 1, NULL},
                            {"header", 0, NULL},  {"no-header", 0, NULL}, {"help", 0, NULL},
                            {"format", 1, NULL},  {"missing", 1, NULL},   {"decimal", 1, NULL}};
    cli_args args = {options, sizeof options / sizeof *options, {0}, 0};
    if (!cli_parse(&args, argc, argv, "predict")) return EXIT_USAGE;
    if (cli_value(&args, "help")) {
        fputs(predict_usage, stdout);
        return EXIT_OK;
    }
    if (args.n_positional != 2) {
        fputs(predict_usage, stderr);
        return cli_usage_error("predict: expected a model and a data file, got %zu arguments",
                               args.n_positional);
    }
    bp_predict_options o;
    if (!cli_read_predict_options(&args, &o)) return EXIT_USAGE;
    bp_error err;
    bp_model *m;
    if (bp_model_load(&m, args.positional[0], &err) != BP_OK) return cli_fail(&err);
    int status = predict(&args, m, &o);
    bp_model_free(m);
    return status;
}

int cmd_predict(int argc, char **argv)
{
    char **args = cli_long_output(argc, argv);
    if (!args) return cli_usage_error("out of memory");
    int status = run_predict(argc, args);
    free(args);
    return status;
}
