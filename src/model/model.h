/* The model's insides, shared by the files of src/model: the model object
 * (model.c), its training (model_train.c), its file (model_read.c,
 * model_write.c) and prediction (predict.c, export.c). */
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

/* The network outputs a schema needs: its classes, or 1 for regression. */
size_t bp_model_outputs(const bp_dataset *schema);

/* An empty schema of n columns (kinds and names to be set), named source. */
bp_status bp_model_schema_new(bp_dataset **out, const char *source, bp_task task, size_t n_columns,
                              bp_error *err);
/* Feature offsets and the class arrays, once columns and labels are in. */
bp_status bp_model_schema_finish(bp_dataset *ds, bp_error *err);
/* A model of these parts, checked to fit together; takes ownership of
 * them (freed on failure too). */
bp_status bp_model_assemble(bp_model **out, bp_dataset *schema, bp_net *net, bp_scaler *scaler,
                            bp_scaler *target_scaler, bp_error *err);

#endif
