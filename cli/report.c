/* Printing scores for people: the confusion matrix and per-class metrics. */
#include "cli.h"

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

void cli_print_evaluation(const bp_evaluation *ev, const bp_model *m)
{
    if (ev->task == BP_TASK_REGRESSION) {
        printf("Rows: %zu\nRMSE: %.4f\nMAE: %.4f\nR2: %.4f\n", ev->summary.rows, ev->regression.rmse,
               ev->regression.mae, ev->regression.r2);
        return;
    }
    const bp_metrics *s = &ev->metrics;
    printf("Accuracy: %.3f%%\nRows: %zu\n", s->accuracy, s->n);
    printf("Macro Precision: %.3f%%\nMacro Recall: %.3f%%\nMacro F1: %.3f%%\nLog Loss: %.4f\n",
           100 * s->macro_precision, 100 * s->macro_recall, 100 * s->macro_f1, s->log_loss);
    cli_print_confusion(s, bp_model_schema(m));
}

