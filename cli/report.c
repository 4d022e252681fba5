/* Printing scores for people: the summary of a classifier's scores, the
 * confusion matrix and per-class metrics. */
#include "cli.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* On a terminal a matrix wider than this many classes is cut: a 186-class
 * matrix is thousands of characters a line. Pipes and files get it whole. */
enum { CONFUSION_SHOWN = 16 };

void cli_print_confusion(const bp_metrics *m, const bp_dataset *ds)
{
    size_t k = m->n_classes, width = 9;
    size_t shown = k > CONFUSION_SHOWN && isatty(STDOUT_FILENO) ? CONFUSION_SHOWN : k;
    for (size_t c = 0; c < k; c++) {
        size_t len = strlen(bp_dataset_class_name(ds, c));
        if (len + 2 > width) width = len + 2;
    }
    if (width > 24) width = 24;
    printf("Confusion matrix (rows: actual, columns: predicted):\n%*s", (int)width, "");
    for (size_t c = 0; c < shown; c++) printf(" %*.*s", (int)width, (int)width, bp_dataset_class_name(ds, c));
    putchar('\n');
    for (size_t a = 0; a < shown; a++) {
        printf("%*.*s", (int)width, (int)width, bp_dataset_class_name(ds, a));
        for (size_t p = 0; p < shown; p++) printf(" %*zu", (int)width, m->confusion[a * k + p]);
        putchar('\n');
    }

    printf("%*s %9s %9s %9s %9s\n", (int)width, "class", "precision", "recall", "f1", "support");
    for (size_t c = 0; c < shown; c++)
        printf("%*.*s %9.4f %9.4f %9.4f %9zu\n", (int)width, (int)width, bp_dataset_class_name(ds, c),
               m->per_class[c].precision, m->per_class[c].recall, m->per_class[c].f1,
               m->per_class[c].support);
    if (shown < k)
        printf("(%zu classes: the first %zu shown on a terminal; --format json, --report or a pipe "
               "has them all)\n", k, shown);
}

int cli_minority_class(const bp_metrics *m, size_t *smallest)
{
    int found = 0;
    for (size_t c = 0; c < m->n_classes; c++) {
        size_t support = m->per_class[c].support;
        if (support && (!found || support < m->per_class[*smallest].support)) {
            *smallest = c;
            found = 1;
        }
    }
    return found && m->n_classes > 1 &&
           2.0 * (double)m->n_classes * (double)m->per_class[*smallest].support < (double)m->n;
}

void cli_print_imbalance(const bp_metrics *m, const bp_dataset *ds)
{
    size_t c;
    if (!cli_minority_class(m, &c)) return;
    const char *name = bp_dataset_class_name(ds, c);
    printf("Imbalanced classes: '%s' is %.1f%% of the rows; balanced accuracy %.3f%%, recall of '%s' "
           "%.3f%%\n",
           name, 100.0 * (double)m->per_class[c].support / (double)m->n, 100 * m->balanced_accuracy,
           name, 100 * m->per_class[c].recall);
}

/* How an area was averaged: the positive class's, or a mean over classes. */
static void print_area(const char *title, double area, const bp_metrics *m, const bp_dataset *ds,
                       const char *what)
{
    if (isnan(area)) {
        printf("%s: undefined (no class has rows both of its own and of another)\n", title);
        return;
    }
    printf("%s: %.4f", title, area);
    if (m->n_classes == 2) {
        printf(" (%spositive class '%s')\n", what, bp_dataset_class_name(ds, 1));
        return;
    }
    size_t defined = 0;
    for (size_t c = 0; c < m->n_classes; c++) defined += !isnan(m->per_class[c].roc_auc);
    if (defined == m->n_classes) printf(" (%smacro, one class against the rest)\n", what);
    else printf(" (%smacro over the %zu of %zu classes with rows, one against the rest)\n", what, defined,
                m->n_classes);
}

void cli_print_class_scores(const bp_metrics *m, const bp_dataset *ds)
{
    printf("Balanced Accuracy: %.3f%%\n", 100 * m->balanced_accuracy);
    printf("Macro Precision: %.3f%%\nMacro Recall: %.3f%%\nMacro F1: %.3f%%\nMCC: %.4f\nLog Loss: %.4f\n",
           100 * m->macro_precision, 100 * m->macro_recall, 100 * m->macro_f1, m->mcc, m->log_loss);
    if (isnan(m->brier)) return; /* no probabilities */
    print_area("ROC AUC", m->roc_auc, m, ds, "");
    print_area("PR AUC", m->pr_auc, m, ds, "average precision, ");
    printf("Brier Score: %.4f\n", m->brier);
}

void cli_print_evaluation(const bp_evaluation *ev, const bp_model *m)
{
    if (ev->task == BP_TASK_REGRESSION) {
        printf("Rows: %zu\nRMSE: %.4f\nMAE: %.4f\nR2: %.4f\n", ev->summary.rows, ev->regression.rmse,
               ev->regression.mae, ev->regression.r2);
        return;
    }
    const bp_metrics *s = &ev->metrics;
    printf("Accuracy: %.3f%%\n", s->accuracy);
    cli_print_imbalance(s, bp_model_schema(m));
    printf("Rows: %zu\n", s->n);
    cli_print_class_scores(s, bp_model_schema(m));
    cli_print_confusion(s, bp_model_schema(m));
}

