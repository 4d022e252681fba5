/* The C API in 20 lines: train on a CSV file, save, reload, predict a row. */
#include <stdio.h>
#include "backprop.h"

int main(void)
{
    bp_error err;
    bp_rng rng;
    bp_rng_seed(&rng, 1);
    bp_dataset *data;
    bp_model *model, *loaded;
    if (bp_dataset_load(&data, "data/wheat-seeds.csv", NULL, &err) != BP_OK ||
        bp_model_train(&model, data, NULL, &rng, &err) != BP_OK ||   /* the tutorial's settings */
        bp_model_save(model, "build/seeds.model", &err) != BP_OK ||
        bp_model_load(&loaded, "build/seeds.model", &err) != BP_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    const char *row[] = {"15.26", "14.84", "0.871", "5.763", "3.312", "2.221", "5.22"};
    bp_prediction p;
    if (bp_model_predict_row(loaded, row, 7, &p, NULL, &err) != BP_OK) return 1;
    printf("class %s (p = %.3f)\n", bp_model_class_name(loaded, p.predicted), p.proba[p.predicted]);
    bp_model_free(loaded);
    bp_model_free(model);
    bp_dataset_free(data);
    return 0;
}
