/* Beyond the tutorial: the model lifecycle. Train on the wheat-seeds data,
 * save the model to a file, load it back and check that the loaded model
 * predicts exactly what the trained one does, probabilities included. */
#include "print.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Three rows of the data, one of each class, as raw CSV fields (no target). */
static const char *const rows[3][7] = {
    {"14.88", "14.57", "0.8811", "5.554", "3.333", "1.018", "4.956"},
    {"18.55", "16.22", "0.8865", "6.153", "3.674", "1.738", "5.894"},
    {"10.79", "12.93", "0.8107", "5.317", "2.648", "5.462", "5.194"},
};
static const char *const actual[3] = {"1", "2", "3"};

static int fail(const bp_error *err)
{
    fprintf(stderr, "%s\n", err->message);
    return 1;
}

static bp_status train(bp_model **model, const char *data, bp_error *err)
{
    bp_dataset *ds;
    bp_status st = bp_dataset_load(&ds, data, NULL, err);
    if (st != BP_OK) return st;
    bp_model_options o;
    bp_model_defaults(&o); /* 7-5-3 sigmoid, lr 0.3, 500 epochs, min-max scaling */
    o.seed = "1";
    bp_rng rng;
    bp_rng_seed(&rng, 1);
    st = bp_model_train(model, ds, &o, &rng, err);
    bp_dataset_free(ds);
    return st;
}

/* Predicts the three rows with both models; 1 when every output is identical. */
static int compare(bp_model *trained, bp_model *loaded, bp_error *err)
{
    int same = 1;
    size_t k = bp_model_classes(trained);
    for (size_t r = 0; r < 3; r++) {
        bp_prediction a, b;
        bp_real proba[16];
        if (bp_model_predict_row(trained, rows[r], 7, &a, NULL, err) != BP_OK) return 0;
        memcpy(proba, a.proba, k * sizeof *proba); /* a.proba lives until the next prediction */
        if (bp_model_predict_row(loaded, rows[r], 7, &b, NULL, err) != BP_OK) return 0;
        same &= a.predicted == b.predicted && memcmp(proba, b.proba, k * sizeof *proba) == 0;
        printf("row of class %s: predicted %s in memory, %s after loading\n", actual[r],
               bp_model_class_name(trained, a.predicted), bp_model_class_name(loaded, b.predicted));
    }
    return same;
}

static int same_weights(const bp_model *a, const bp_model *b)
{
    size_t na, nb;
    const bp_real *pa = bp_net_params_const(bp_model_net(a), &na);
    const bp_real *pb = bp_net_params_const(bp_model_net(b), &nb);
    return na == nb && memcmp(pa, pb, na * sizeof *pa) == 0;
}

int main(int argc, char **argv)
{
    const char *data = argc > 1 ? argv[1] : "data/wheat-seeds.csv";
    const char *tmp = getenv("TMPDIR");
    char dir[512], path[600];
    snprintf(dir, sizeof dir, "%s/backprop-example-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(path, sizeof path, "%s/seeds.model", dir);
    bp_error err;
    bp_model *trained = NULL, *loaded = NULL;
    int status = 1;
    if (train(&trained, data, &err) != BP_OK) status = fail(&err);
    else if (bp_model_save(trained, path, &err) != BP_OK) status = fail(&err);
    else if (bp_model_load(&loaded, path, &err) != BP_OK) status = fail(&err);
    else {
        printf("Trained a %zu-%zu-%zu network on %zu rows, saved it and loaded it back.\n",
               bp_net_width(bp_model_net(loaded), 0), bp_net_width(bp_model_net(loaded), 1),
               bp_net_width(bp_model_net(loaded), 2), bp_model_get_info(loaded)->rows);
        int same = compare(trained, loaded, &err);
        printf("Weights identical: %s\n", same_weights(trained, loaded) ? "yes" : "no");
        printf("Predictions and probabilities identical: %s\n", same ? "yes" : "no");
        status = same ? 0 : 1;
    }
    bp_model_free(trained);
    bp_model_free(loaded);
    unlink(path);
    rmdir(dir);
    return status;
}
