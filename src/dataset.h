/* Internal view of a dataset: the column schema that a model keeps so that
 * new rows can be encoded the same way. */
#ifndef BP_DATASET_H
#define BP_DATASET_H

#include "backprop.h"
#include "strmap.h"

typedef enum bp_column_kind {
    BP_COL_NUMERIC = 0, /* one feature */
    BP_COL_CATEGORICAL, /* one-hot: one feature per category */
    BP_COL_TARGET,
    BP_COL_IGNORED
} bp_column_kind;

/* Where a cell was seen: for messages that point at the file. */
typedef struct bp_cell_pos {
    size_t line, column;
    char text[48];
} bp_cell_pos;

typedef struct bp_column {
    char *name;               /* header name, or NULL */
    bp_column_kind kind;
    size_t feature;           /* first feature of this column */
    bp_strmap categories;     /* categorical: category names, in feature order */
    size_t n_numbers, n_text, n_missing;
    bp_cell_pos first_text;   /* first non-numeric cell */
} bp_column;

enum { BP_MISSING_SHOWN = 5 };

struct bp_dataset {
    char *source;
    bp_task task;
    size_t n_rows, n_features, n_columns, target;
    bp_column *columns;
    bp_real *x;               /* n_rows x n_features */
    uint32_t *label;          /* classification: class index per row */
    bp_real *y;               /* regression: target per row */
    bp_strmap labels;         /* label text -> first-seen index */
    size_t *class_of_label;   /* first-seen index -> class index */
    char **class_names;       /* class index -> text (borrowed from labels) */
    size_t n_classes;
    size_t n_records;         /* data records in the file (header excluded) */
    size_t n_missing_rows;    /* records with a missing value in a used column */
    size_t n_missing_cells;
    bp_cell_pos missing_shown[BP_MISSING_SHOWN];
};

/* Column index named by text (a header name, or a 1-based number). */
bp_status bp_dataset_find_column(const bp_dataset *ds, const char *text, size_t *column,
                                 bp_error *err);

#endif
