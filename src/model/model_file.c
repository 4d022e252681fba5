/* The model file's vocabulary, shared by its reader and its writer
 * (model_file.h). */
#include "model/model_file.h"

#include <stddef.h>

const char *const bp_column_kind_names[4] = {"numeric", "categorical", "target", "ignored"};
const char *const bp_task_names[2] = {"classification", "regression"};

/* The settings in the order they are written. */
#define INFO(member) offsetof(bp_model_info, member)

/* Unsized here: a count unlike the header's BP_MODEL_N_SETTINGS does not compile. */
const bp_model_setting bp_model_settings[] = {
    {"seed", BP_SET_SEED, INFO(seed)},
    {"init", BP_SET_INIT, INFO(init)},
    {"learning_rate", BP_SET_DOUBLE, INFO(train.learning_rate)},
    {"epochs", BP_SET_SIZE, INFO(train.epochs)},
    {"batch_size", BP_SET_SIZE, INFO(train.batch_size)},
    {"loss", BP_SET_LOSS, INFO(train.loss)},
    {"shuffle", BP_SET_FLAG, INFO(train.shuffle)},
    {"optimizer", BP_SET_OPTIMIZER, INFO(train.optimizer)},
    {"momentum", BP_SET_DOUBLE, INFO(train.momentum)},
    {"beta1", BP_SET_DOUBLE, INFO(train.beta1)},
    {"beta2", BP_SET_DOUBLE, INFO(train.beta2)},
    {"epsilon", BP_SET_DOUBLE, INFO(train.epsilon)},
    {"l2", BP_SET_DOUBLE, INFO(train.l2)},
    {"schedule", BP_SET_SCHEDULE, INFO(train.schedule)},
    {"decay", BP_SET_DOUBLE, INFO(train.decay)},
    {"step_epochs", BP_SET_SIZE, INFO(train.step_epochs)},
    {"validation", BP_SET_DOUBLE, INFO(train.validation)},
    {"patience", BP_SET_SIZE, INFO(train.patience)},
    {"class_weight", BP_SET_TEXT, INFO(class_weight)},
    {"rows", BP_SET_SIZE, INFO(rows)},
    {"epochs_run", BP_SET_SIZE, INFO(epochs_run)},
    {"final_loss", BP_SET_DOUBLE, INFO(final_loss)},
    {"train_accuracy", BP_SET_DOUBLE, INFO(train_accuracy)},
};
#undef INFO
