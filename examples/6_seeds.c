/* Section 6: the wheat-seeds case study through the library. */
#include "print.h"

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "data/wheat-seeds.csv";
    bp_error err;
    bp_rng rng;
    bp_rng_seed(&rng, 1);
    bp_load_options load;
    bp_load_defaults(&load);
    bp_dataset *ds;
    if (bp_dataset_load(&ds, path, &load, &err) != BP_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 2;
    }
    bp_cv_options cv;
    bp_cv_defaults(&cv);       /* 5 folds, 7-5-3 sigmoid, lr 0.3, 500 epochs */
    cv.scale_whole_file = 1;   /* min-max over the whole file, as the tutorial */
    bp_cv_result res;
    if (bp_cross_validate(ds, &cv, &rng, &res, &err) != BP_OK) {
        fprintf(stderr, "%s\n", err.message);
        bp_dataset_free(ds);
        return 1;
    }
    fputs("Scores: [", stdout);
    for (size_t f = 0; f < res.folds; f++) {
        if (f) fputs(", ", stdout);
        print_number(res.scores[f]);
    }
    printf("]\nMean Accuracy: %.3f%%\n", res.mean);
    bp_cv_result_free(&res);
    bp_dataset_free(ds);
    return 0;
}
