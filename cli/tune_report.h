/* The HTML report of `backprop tune --report`: the leaderboard, the best
 * settings and the command that reproduces them, the nested estimate, and
 * the score against each dimension of the space, one plot each. A static,
 * self-contained page (inline SVG, no script). */
#ifndef BP_CLI_TUNE_REPORT_H
#define BP_CLI_TUNE_REPORT_H

#include <stddef.h>
#include <stdio.h>

typedef struct cli_tune_row {
    double mean, std, seconds;
    size_t epochs, round;
    int diverged;
    const char *const *values;   /* one per dimension, as given to the option */
} cli_tune_row;

typedef struct cli_tune_page {
    const char *file;            /* the data */
    const char *method, *metric;
    int percent;                 /* show the metric in percent */
    size_t folds;
    double seconds;
    size_t n_dims;
    const char *const *dims;     /* the options the search varied */
    const cli_tune_row *rows;    /* the trials, best first */
    size_t n_rows;
    const char *command;         /* the cv command line of the best */
    int has_nested;
    size_t outer_folds;
    double nested_mean, nested_std;
} cli_tune_page;

void cli_tune_report(FILE *f, const cli_tune_page *p);

#endif
