/* Internal pieces the model file needs from other concepts: the fitted
 * statistics of a scaler (implemented in scale.c), so that a model can
 * save, reload and copy one without the scaler's layout leaking out. */
#ifndef BP_MODEL_H
#define BP_MODEL_H

#include "backprop.h"
#include "data/csv.h"
#include "data/dataset.h"
#include "data/scale.h"

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
