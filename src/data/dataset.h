/* Internal view of a dataset: the column schema that a model keeps so that
 * new rows can be encoded the same way. */
#ifndef BP_DATASET_H
#define BP_DATASET_H

#include "backprop.h"
#include "data/csv.h"
#include "util/strmap.h"

typedef enum bp_column_kind {
    BP_COL_NUMERIC = 0, /* one feature */
    BP_COL_CATEGORICAL, /* one-hot: one feature per category */
    BP_COL_TARGET,
    BP_COL_IGNORED
} bp_column_kind;

/* Where a cell was seen: for messages that point at the file. */
typedef struct bp_cell_pos {
    size_t line, column;
    size_t field;             /* 1-based field of its record */
    char text[48];
} bp_cell_pos;

typedef struct bp_column {
    char *name;               /* header name, or NULL */
    bp_column_kind kind;
    size_t feature;           /* first feature of this column */
    bp_strmap categories;     /* categorical: category names, in feature order */
    size_t n_numbers, n_text, n_missing;
    size_t n_other_decimal;   /* text cells that are numbers with the other decimal point */
    size_t n_fractional;      /* numbers with a fractional part */
    bp_cell_pos first_text;   /* first non-numeric cell */
    const char *first_text_problem; /* what is wrong with it as a number */
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
    size_t n_missing_cells;   /* in used columns, the target's included */
    size_t n_feature_missing_rows, n_feature_missing_cells;
    size_t n_dropped;         /* records left out by the missing-value policies */
    size_t n_dropped_target;  /* ... of which their target is missing */
    size_t n_filled;          /* missing feature cells of kept rows */
    int task_chosen;          /* the task was chosen from the target (BP_TASK_AUTO) */
    size_t target_values;     /* distinct target values, as written */
    int target_numeric, target_fractional;
    size_t *groups;           /* per feature: 0 numeric, g > 0 one-hot group; or NULL */
    bp_cell_pos missing_shown[BP_MISSING_SHOWN];        /* the first missing feature cells */
    bp_cell_pos target_missing_shown[BP_MISSING_SHOWN]; /* the first missing targets */
    char delimiter, decimal;  /* the dialect the file was read with */
    int header;
};

/* Lays the features out from the columns' kinds: each column's first
 * feature, n_features, and ds->groups (one-hot features carry the number of
 * their categorical column, 1 for the first; NULL without any). */
bp_status bp_dataset_place_features(bp_dataset *ds, bp_error *err);

/* Column index named by text (a header name, or a 1-based number). */
bp_status bp_dataset_find_column(const bp_dataset *ds, const char *text, size_t *column,
                                 bp_error *err);

/* "SOURCE:LINE: field N (NAME)" or, without a header, "SOURCE:LINE: field N":
 * where a cell is, for messages (column is the cell's column of ds). */
const char *bp_dataset_cell_where(char *buf, size_t size, const bp_dataset *ds, const char *source,
                                  size_t column, size_t line, size_t field);

/* How to read the cells of a new file. */
typedef struct bp_encode_rules {
    char decimal;        /* '.' or ',' */
    bp_missing missing;  /* ERROR: a missing cell is BP_ERR_DATA; otherwise it is
                            encoded as NaN (which the scaler fills) and counted */
} bp_encode_rules;

/* What encoding rows of a new file met that training had not. */
typedef struct bp_encode_notes {
    size_t n_unseen;           /* category values not in the schema: all zeros */
    bp_cell_pos first_unseen;
    size_t n_missing;          /* missing cells: NaN, which the scaler fills */
    bp_cell_pos first_missing;
} bp_encode_notes;

/* Encodes one record of a new file with ds's schema into x (n_features
 * values), as the loader encoded the training rows. where[c] is the index in
 * f of column c's field; only feature columns are read. A non-number in a
 * numeric column is BP_ERR_DATA "SOURCE:LINE: field N (NAME): ...". rules
 * may be NULL: '.' decimals, missing cells encoded as NaN. */
bp_status bp_dataset_encode_record(const bp_dataset *ds, const char *source, const bp_csv_field *f,
                                   const size_t *where, const bp_encode_rules *rules, bp_real *x,
                                   bp_encode_notes *notes, bp_error *err);

#endif
