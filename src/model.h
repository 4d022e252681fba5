/* Internal pieces the model file needs from other concepts: the fitted
 * statistics of a scaler (implemented in scale.c), so that a model can
 * save, reload and copy one without the scaler's layout leaking out. */
#ifndef BP_MODEL_H
#define BP_MODEL_H

#include "backprop.h"
#include "csv.h"
#include "dataset.h"

/* What a scaler learned about one feature. */
typedef struct bp_scaler_stats {
    double min, max, mean, std;
} bp_scaler_stats;

bp_scale bp_scaler_kind(const bp_scaler *s);
size_t bp_scaler_features(const bp_scaler *s);
/* Per feature its one-hot group (0 for numeric), or NULL when the scaler
 * treats every feature alike. */
const size_t *bp_scaler_groups(const bp_scaler *s);
/* The statistics of feature j (j < bp_scaler_features(s)). */
bp_scaler_stats bp_scaler_get_stats(const bp_scaler *s, size_t j);
/* A scaler of n features from their statistics (as bp_scaler_fit left them)
 * and, when not NULL, their one-hot groups (as bp_scaler_fit_grouped). */
bp_status bp_scaler_from_stats(bp_scaler **out, bp_scale kind, const bp_scaler_stats *stats,
                               const size_t *groups, size_t n, bp_error *err);

/* A model: the trained network with everything that turns a raw CSV row
 * into its input, and the buffers prediction reuses row after row. */
struct bp_model {
    bp_dataset *schema;        /* columns, target and classes; no rows */
    bp_net *net;
    bp_scaler *scaler;         /* of the features */
    bp_scaler *target_scaler;  /* regression: of the target */
    bp_model_info info;
    bp_real *row;              /* the row being predicted, encoded */
    bp_real *proba;            /* its class probabilities */
    size_t *where;             /* per column: its field in the record, or NO_FIELD */
    bp_csv_field *fields;      /* bp_model_predict_row's fields */
};

/* A column's field that a record does not have. */
#define NO_FIELD ((size_t)-1)

/* Whether the column feeds the network (numeric or categorical). */
int bp_column_is_feature(const bp_column *col);

#endif
