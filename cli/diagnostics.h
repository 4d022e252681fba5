/* Warnings that say why a model may be poor, each with a stable code and
 * the flag that would help: printed on stderr, listed in JSON
 * ("warnings") and in the HTML report. */
#ifndef BP_CLI_DIAGNOSTICS_H
#define BP_CLI_DIAGNOSTICS_H

#include "cli.h"
#include "json.h"

typedef struct cli_warning {
    const char *code;   /* stable: docs/json.md lists them */
    int note;           /* a note rather than a warning */
    char message[400];
    char hint[200];     /* the flag that would help */
} cli_warning;

enum { CLI_MAX_WARNINGS = 12 };

typedef struct cli_warnings {
    cli_warning item[CLI_MAX_WARNINGS];
    size_t n;
} cli_warnings;

/* From the runs' own diagnostics (n runs: the folds, or 1). */
void cli_diagnose_training(cli_warnings *w, const bp_train_diagnostics *d, size_t n,
                           const bp_train_options *train);
/* From the predictions of a classification: one class for every row, no
 * better than the majority class, a class never predicted right. `rows`
 * says which rows were scored ("every row, out of fold"). */
void cli_diagnose_predictions(cli_warnings *w, const bp_metrics *m, const bp_dataset *ds, const char *rows);

/* What reading a file to predict met: categories the model never saw,
 * missing values filled (bp_predict_summary). */
void cli_diagnose_input(cli_warnings *w, const char *file, const bp_predict_summary *s);

/* Adds the warnings of `more` after those of w (as many as fit). */
void cli_warnings_append(cli_warnings *w, const cli_warnings *more);

/* "backprop: warning: MESSAGE; HINT" lines on stderr (without a hint,
 * the message alone). */
void cli_warnings_print(const cli_warnings *w);
/* "warnings": [{"code", "level", "message", "hint"}, ...] */
void cli_json_diagnostics(cli_json *j, const cli_warnings *w);

#endif
