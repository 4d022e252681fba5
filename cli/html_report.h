/* What a run was configured with, and the HTML report of a run (--report). */
#ifndef BP_CLI_HTML_REPORT_H
#define BP_CLI_HTML_REPORT_H

#include "cli.h"
#include "json.h"

/* ------------------------------------------------------------ settings */

typedef enum cli_setting_kind {
    CLI_SETTING_TEXT,   /* a name or a path; JSON string (null when unset) */
    CLI_SETTING_NUMBER, /* JSON number */
    CLI_SETTING_COUNT,  /* a whole number; JSON integer */
    CLI_SETTING_FLAG,   /* JSON true / false */
    CLI_SETTING_LIST    /* comma-separated; a JSON array of numbers or of strings */
} cli_setting_kind;

/* One effective setting of a run, default or given. */
typedef struct cli_setting {
    const char *option;   /* the command-line option, without dashes */
    cli_setting_kind kind;
    int unset;            /* no value: the text says what happens instead */
    int given;            /* set on the command line (not a default) */
    int automatic;        /* chosen to fit the configuration: shown "auto -> value" */
    int numeric_list;     /* a LIST of numbers */
    double number;
    size_t count;
    char text[1536];      /* as a person reads it (64 widths of 20 digits fit) */
} cli_setting;

enum { CLI_MAX_SETTINGS = 48 };

typedef struct cli_settings {
    cli_setting item[CLI_MAX_SETTINGS];
    size_t n;
    const char *group_title[8];  /* headings of the report's settings table */
    size_t group_start[8];
    size_t n_groups;
} cli_settings;

/* Starts a group of settings under a heading (the report shows them so). */
void cli_settings_group(cli_settings *s, const char *title);

/* Describes the network and training settings, then the data settings. */
void cli_describe_training(cli_settings *s, const cli_args *args, const bp_net_spec *net,
                           const bp_train_options *train, bp_scale scale, const char *seed,
                           size_t n_inputs, size_t n_outputs);
/* task_chosen: load->task was chosen from the target (shown as auto). */
void cli_describe_load(cli_settings *s, const cli_args *args, const bp_load_options *load,
                       int task_chosen);
/* Command-specific settings. */
void cli_describe_number(cli_settings *s, const cli_args *args, const char *option, double v);
void cli_describe_count(cli_settings *s, const cli_args *args, const char *option, size_t v);
void cli_describe_flag(cli_settings *s, const cli_args *args, const char *option, int v);
void cli_describe_text(cli_settings *s, const cli_args *args, const char *option,
                       const char *value, const char *when_unset);

/* "config": {...} with the settings' JSON names (dashes become underscores). */
void cli_json_settings(cli_json *j, const char *key, const cli_settings *s);
/* Rows per class of a classification dataset; NULL when out of memory
 * (or for regression). Free with free(). */
size_t *cli_class_counts(const bp_dataset *ds);
/* Prints "out of memory" and returns the exit status for it. */
int cli_out_of_memory(void);
/* Starts a command's JSON document on f (docs/json.md): the top-level
 * object with "command", "schema_version" and "backprop_version". */
void cli_json_begin_output(cli_json *j, FILE *f, const char *command);
/* "delimiter" (null for an unusual one) and "decimal" of the data read. */
void cli_json_dialect(cli_json *j, char delimiter, char decimal);
/* "data": {...}: source, dialect, records and what missing values did to them,
 * rows, features, and the classes with their counts (class_counts) or the
 * regression target's range. */
void cli_json_data(cli_json *j, const char *key, const bp_dataset *ds, const size_t *class_counts);
/* The metrics object of docs/json.md. */
void cli_json_metrics(cli_json *j, const char *key, const bp_metrics *m, const bp_dataset *ds);
void cli_json_regression(cli_json *j, const char *key, const bp_regression_metrics *m, size_t rows);
/* "input": unseen categories, rows left out and filled missing values,
 * each with the first one's place (null when there is none). */
void cli_json_input(cli_json *j, const char *key, const bp_predict_summary *s);
/* The name of the data for people: "standard input" for "-". */
const char *cli_source_name(const char *path);

/* --------------------------------------------------------------- report */

/* A headline figure at the top of the report. */
typedef struct cli_report_figure {
    const char *label;
    char value[64];
    const char *note;
} cli_report_figure;

typedef struct cli_report {
    const char *command;              /* "cv" or "train" */
    int argc;                         /* the command's arguments (after its name) */
    char **argv;
    const bp_dataset *ds;
    const size_t *class_counts;       /* classification: rows per class */
    const cli_settings *settings;
    const cli_progress *progress;     /* kept epochs (cli_progress_keep) */
    size_t runs;                      /* folds, or 1 */
    bp_loss loss;                     /* what the loss curves measure */
    const char *network;              /* e.g. "7 inputs, 5 sigmoid, 3 sigmoid" */
    cli_report_figure figures[10];
    size_t n_figures;
    /* classification: the confusion matrix and per-class scores */
    const bp_metrics *metrics;
    const char *metrics_title;        /* which rows were scored */
    /* ... and, for the ROC, precision-recall and calibration charts, each
     * scored row's class and probabilities (n_proba x the classes) */
    const uint32_t *classes;
    const bp_real *proba;
    size_t n_proba;
    /* cv: per-fold scores (accuracy, or regression metrics) */
    const double *fold_scores;
    const bp_regression_metrics *fold_regression;
    /* regression: actual against predicted values */
    const bp_regression_metrics *regression;
    const bp_real *actual, *predicted; /* indexed by row */
    const size_t *rows;               /* the rows scored, NULL = 0..n_scored-1 */
    size_t n_scored;
    const char *scored_title;
    const struct cli_warnings *warnings; /* or NULL */
} cli_report;

/* The kept epoch report that ends run `run`, or NULL. */
const cli_epoch *cli_run_last_epoch(const cli_progress *p, size_t run);
/* Wall time of every run together, from the kept epochs. */
double cli_training_seconds(const cli_progress *p);
/* Adds a headline figure, formatted with printf. */
void cli_report_figure_add(cli_report *r, const char *label, const char *note, const char *fmt, ...);
/* Adds the wall time of every run, from the kept epochs. */
void cli_report_figure_time(cli_report *r, const char *note);

/* The report's file, opened before training so that a path that cannot be
 * written fails at once, and written atomically at the end. */
typedef struct cli_report_file {
    const char *path;
    bp_atomic_file *atomic;
    FILE *f;
} cli_report_file;

/* Each prints an error and returns 0 on failure. */
int cli_report_open(cli_report_file *rf, const char *path);
int cli_report_commit(cli_report_file *rf, const cli_report *r);
/* Leaves any previous file at the path untouched; NULL atomic is allowed. */
void cli_report_discard(cli_report_file *rf);

/* Text as HTML: escaped, and made valid UTF-8. */
void cli_put_html(FILE *f, const char *s);
/* cli_put_html of printf-formatted text (up to 1,023 bytes). */
void cli_put_htmlf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* What each layer's weights are drawn with ("he,he,xavier"); with
 * collapse, one name when every layer's is the same. */
void cli_describe_inits(char *buf, size_t size, bp_init init, const size_t *widths, const bp_activation *acts,
                        size_t n_layers, int collapse);

/* "7 inputs, 5 sigmoid, 3 softmax outputs" */
void cli_describe_spec(char *buf, size_t size, const bp_net_spec *spec, size_t inputs, size_t outputs);
void cli_describe_net(char *buf, size_t size, const bp_net *net);

#endif
