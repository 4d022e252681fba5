/* What the model file's reader and writer share: the first line, the
 * names of column kinds and tasks, and the table of the training record's
 * settings (docs/model-format.md). */
#ifndef BP_MODEL_FILE_H
#define BP_MODEL_FILE_H

#include "backprop.h"

#define BP_MODEL_MAGIC "backprop-model"
#define BP_MODEL_VERSION 1

/* Indexed by bp_column_kind and by bp_task. */
extern const char *const bp_column_kind_names[4];
extern const char *const bp_task_names[2];

/* How a setting's value is written and read. */
typedef enum bp_setting_type {
    BP_SET_DOUBLE, BP_SET_SIZE, BP_SET_FLAG, BP_SET_SEED, BP_SET_INIT, BP_SET_LOSS, BP_SET_OPTIMIZER,
    BP_SET_SCHEDULE, BP_SET_TEXT
} bp_setting_type;

/* One line of the training record: its keyword and where its value lives. */
typedef struct bp_model_setting {
    const char *name;
    bp_setting_type type;
    size_t offset; /* in bp_model_info */
} bp_model_setting;

enum { BP_MODEL_N_SETTINGS = 23 };
extern const bp_model_setting bp_model_settings[BP_MODEL_N_SETTINGS];

#endif
