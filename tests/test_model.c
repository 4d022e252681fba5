/* Models: save / load round trips, atomic saving, hostile model files,
 * prediction of new files (header and target detection, unseen categories)
 * and evaluation. */
#include "backprop.h"
#include "harness.h"

#include <dirent.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#define SEEDS "data/wheat-seeds.csv"
#define MODEL_DIR "tests/data/model"

/* ------------------------------------------------------------ helpers */

static char tmp_dir[64];

static const char *tmp_path(const char *name)
{
    static char path[4][128];
    static int next;
    char *p = path[next++ % 4];
    snprintf(p, sizeof path[0], "%s/%s", tmp_dir, name);
    return p;
}

static int write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    int ok = fwrite(data, 1, len, f) == len;
    return fclose(f) == 0 && ok;
}

static int write_text(const char *path, const char *text) { return write_file(path, text, strlen(text)); }

/* The whole file, NUL-terminated; NULL when it cannot be read. */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *bigger = realloc(buf, cap * 2 + 1);
            if (!bigger) { free(buf); buf = NULL; break; }
            buf = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf) buf[n] = '\0';
    if (len) *len = n;
    return buf;
}

static size_t files_in(const char *dir)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    if (d) closedir(d);
    return n;
}

static bp_model *train_file(const char *path, const bp_load_options *load, size_t epochs, size_t hidden)
{
    static size_t widths[1];
    bp_error err;
    bp_dataset *ds;
    if (bp_dataset_load(&ds, path, load, &err) != BP_OK) {
        fprintf(stderr, "  %s\n", err.message);
        return NULL;
    }
    bp_model_options o;
    bp_model_defaults(&o);
    o.train.epochs = epochs;
    o.seed = "1";
    if (hidden) {
        widths[0] = hidden;
        o.net.hidden = widths;
    }
    if (load && load->task == BP_TASK_REGRESSION) {
        o.net.output_act = BP_ACT_LINEAR;
        o.train.loss = BP_LOSS_MSE;
        o.train.learning_rate = 0.05;
    }
    bp_rng rng;
    bp_rng_seed(&rng, 1);
    bp_model *m = NULL;
    if (bp_model_train(&m, ds, &o, &rng, &err) != BP_OK) fprintf(stderr, "  %s\n", err.message);
    bp_dataset_free(ds);
    return m;
}

static bp_model *train_seeds(size_t epochs, size_t hidden) { return train_file(SEEDS, NULL, epochs, hidden); }

/* Every prediction of a file, kept for comparison. */
typedef struct collected {
    size_t n, k;
    size_t predicted[512];
    bp_real proba[512 * 4];
    bp_real value[512];
    int has_actual[512];
    size_t actual[512];
    size_t line[512];
} collected;

static bp_status collect(void *user, const bp_prediction *p, bp_error *err)
{
    collected *c = user;
    (void)err;
    if (c->n == 512) return BP_OK;
    c->predicted[c->n] = p->predicted;
    c->value[c->n] = p->value;
    c->has_actual[c->n] = p->has_actual;
    c->actual[c->n] = p->actual;
    c->line[c->n] = p->line;
    for (size_t k = 0; p->proba && k < c->k && k < 4; k++) c->proba[c->n * 4 + k] = p->proba[k];
    c->n++;
    return BP_OK;
}

static bp_status predict_all(bp_model *m, const char *path, collected *c, bp_predict_summary *s,
                             bp_error *err)
{
    memset(c, 0, sizeof *c);
    c->k = bp_model_classes(m);
    return bp_model_predict_file(m, path, NULL, collect, c, s, err);
}

/* ------------------------------------------------------- round trips */

static void test_round_trip_is_bit_identical(void)
{
    bp_model *a = train_seeds(100, 0), *b = NULL;
    bp_error err;
    CHECK(a != NULL);
    if (!a) return;
    CHECK(bp_model_save(a, tmp_path("seeds.model"), &err) == BP_OK);
    CHECK(bp_model_load(&b, tmp_path("seeds.model"), &err) == BP_OK);
    if (!b) { bp_model_free(a); return; }
    size_t na, nb;
    const bp_real *pa = bp_net_params_const(bp_model_net(a), &na);
    const bp_real *pb = bp_net_params_const(bp_model_net(b), &nb);
    CHECK_EQ_INT(na, nb);
    CHECK(na == nb && memcmp(pa, pb, na * sizeof *pa) == 0);
    CHECK_EQ_INT(bp_model_classes(b), 3);
    CHECK_STR(bp_model_class_name(b, 2), "3");
    CHECK_EQ_INT(bp_model_columns(b), 8);
    CHECK_EQ_INT(bp_model_target(b), 7);
    CHECK(bp_model_column_name(b, 0) == NULL);
    CHECK_EQ_INT(bp_model_features(b), 7);
    const bp_model_info *ia = bp_model_get_info(a), *ib = bp_model_get_info(b);
    CHECK(ib->trained);
    CHECK_STR(ib->seed, "1");
    CHECK_EQ_INT(ib->train.epochs, 100);
    CHECK_EQ_INT(ib->epochs_run, 100);
    CHECK_EQ_INT(ib->rows, 210);
    CHECK_EQ_DBL(ib->train.learning_rate, 0.3);
    CHECK_EQ_DBL(ib->final_loss, ia->final_loss);
    CHECK_EQ_DBL(ib->train_accuracy, ia->train_accuracy);
    static collected ca, cb;
    CHECK(predict_all(a, SEEDS, &ca, NULL, &err) == BP_OK);
    CHECK(predict_all(b, SEEDS, &cb, NULL, &err) == BP_OK);
    CHECK_EQ_INT(ca.n, 210);
    CHECK(memcmp(ca.predicted, cb.predicted, sizeof ca.predicted) == 0);
    CHECK(memcmp(ca.proba, cb.proba, sizeof ca.proba) == 0);
    bp_model_free(a);
    bp_model_free(b);
}

static void test_resave_gives_the_same_bytes(void)
{
    bp_model *a = train_seeds(20, 4), *b = NULL;
    bp_error err;
    CHECK(a && bp_model_save(a, tmp_path("first.model"), &err) == BP_OK);
    CHECK(bp_model_load(&b, tmp_path("first.model"), &err) == BP_OK);
    CHECK(b && bp_model_save(b, tmp_path("second.model"), &err) == BP_OK);
    size_t la, lb;
    char *fa = read_file(tmp_path("first.model"), &la), *fb = read_file(tmp_path("second.model"), &lb);
    CHECK(fa && fb && la == lb && memcmp(fa, fb, la) == 0);
    CHECK(fa && strncmp(fa, "backprop-model 1\n", 17) == 0);
    free(fa);
    free(fb);
    bp_model_free(a);
    bp_model_free(b);
}

/* Evaluating on the training file predicts the rows exactly as training
 * scored them: raw rows are encoded and scaled the same way. */
static void test_eval_on_training_rows_matches_training_accuracy(void)
{
    bp_model *m = train_seeds(200, 0);
    bp_error err;
    bp_evaluation ev;
    CHECK(m && bp_model_evaluate(m, SEEDS, NULL, &ev, &err) == BP_OK);
    if (!m) return;
    CHECK_EQ_INT(ev.metrics.n, 210);
    CHECK_EQ_DBL(ev.metrics.accuracy, bp_model_get_info(m)->train_accuracy);
    size_t total = 0;
    for (size_t i = 0; i < 9; i++) total += ev.metrics.confusion[i];
    CHECK_EQ_INT(total, 210);
    CHECK_EQ_INT(ev.metrics.per_class[0].support, 70);
    CHECK_EQ_INT(ev.summary.rows, 210);
    CHECK(ev.summary.has_target);
    /* the rows' classes and probabilities are kept, and give the same AUC */
    CHECK(ev.actual && ev.proba && ev.actual[0] == 0 && ev.actual[209] == 2);
    bp_metrics again;
    memset(&again, 0, sizeof again);
    uint32_t predicted[210] = {0};
    CHECK(ev.actual && bp_metrics_classification(&again, ev.actual, predicted, ev.proba, 210, 3, &err) == BP_OK);
    CHECK_EQ_DBL(again.roc_auc, ev.metrics.roc_auc);
    CHECK(ev.metrics.roc_auc > 0.9 && ev.metrics.roc_auc <= 1);
    bp_metrics_free(&again);
    bp_evaluation_free(&ev);
    CHECK(ev.actual == NULL && ev.proba == NULL);
    bp_model_free(m);
}

static void test_predict_row_matches_file(void)
{
    bp_model *m = train_seeds(50, 0);
    bp_error err;
    static collected c;
    CHECK(m && predict_all(m, SEEDS, &c, NULL, &err) == BP_OK);
    if (!m) return;
    const char *with_target[] = {"15.26", "14.84", "0.871", "5.763", "3.312", "2.221", "5.22", "1"};
    bp_prediction p;
    size_t unseen = 9;
    CHECK(bp_model_predict_row(m, with_target, 8, &p, &unseen, &err) == BP_OK);
    CHECK_EQ_INT(unseen, 0);
    CHECK_EQ_INT(p.predicted, c.predicted[0]);
    for (size_t k = 0; k < 3; k++) CHECK_EQ_DBL(p.proba[k], c.proba[k]);
    CHECK(p.has_actual && p.actual == 0);
    CHECK(bp_model_predict_row(m, with_target, 7, &p, NULL, &err) == BP_OK); /* no target */
    CHECK_EQ_INT(p.predicted, c.predicted[0]);
    CHECK(!p.has_actual);
    double sum = 0;
    for (size_t k = 0; k < 3; k++) sum += p.proba[k];
    CHECK_NEAR(sum, 1.0, 1e-6);
    CHECK(bp_model_predict_row(m, with_target, 5, &p, NULL, &err) == BP_ERR_ARG);
    CHECK(strstr(err.message, "needs 8 fields (7 without the target), not 5") != NULL);
    const char *bad[] = {"15.26", "x", "0.871", "5.763", "3.312", "2.221", "5.22"};
    CHECK(bp_model_predict_row(m, bad, 7, &p, NULL, &err) == BP_ERR_DATA);
    CHECK_STR(err.message, "row:1: field 2: non-numeric value 'x' in a numeric column");
    bp_model_free(m);
}

/* ------------------------------------------------------ atomic saving */

static int same_file(const char *path, const char *text, size_t len)
{
    size_t n;
    char *now = read_file(path, &n);
    int same = now && n == len && memcmp(now, text, len) == 0;
    free(now);
    return same;
}

/* A file size limit makes the write fail part way (EFBIG): the old model
 * must stay whole and no temporary file may be left behind. */
static void test_failed_save_keeps_the_old_file(void)
{
    bp_model *small = train_seeds(5, 2), *big = train_seeds(5, 64);
    bp_error err;
    const char *path = tmp_path("atomic/model");
    mkdir(tmp_path("atomic"), 0777);
    CHECK(small && big && bp_model_save(small, path, &err) == BP_OK);
    size_t len;
    char *old = read_file(path, &len);
    CHECK(old != NULL && len < 4000);
    struct rlimit saved, limit;
    getrlimit(RLIMIT_FSIZE, &saved);
    limit = saved;
    limit.rlim_cur = 8192;
    void (*previous)(int) = signal(SIGXFSZ, SIG_IGN);
    CHECK(setrlimit(RLIMIT_FSIZE, &limit) == 0);
    bp_status st = big ? bp_model_save(big, path, &err) : BP_OK;
    setrlimit(RLIMIT_FSIZE, &saved);
    signal(SIGXFSZ, previous);
    CHECK_EQ_INT(st, BP_ERR_IO);
    CHECK(strstr(err.message, path) != NULL);
    CHECK(old && same_file(path, old, len));
    CHECK_EQ_INT(files_in(tmp_path("atomic")), 1);
    CHECK(bp_model_save(big, path, &err) == BP_OK); /* and a save that can finish replaces it */
    CHECK(!same_file(path, old, len));
    CHECK_EQ_INT(files_in(tmp_path("atomic")), 1);
    free(old);
    bp_model_free(small);
    bp_model_free(big);
}

static void test_save_into_unwritable_directory(void)
{
    if (geteuid() == 0) SKIP("root may write into a read-only directory");
    bp_model *m = train_seeds(5, 2);
    bp_error err;
    const char *dir = tmp_path("readonly"), *path = tmp_path("readonly/model");
    mkdir(dir, 0777);
    CHECK(m && bp_model_save(m, path, &err) == BP_OK);
    size_t len;
    char *old = read_file(path, &len);
    chmod(dir, 0555);
    CHECK(bp_model_save(m, path, &err) == BP_ERR_IO);
    chmod(dir, 0777);
    CHECK(old && same_file(path, old, len));
    free(old);
    bp_model_free(m);
}

static void test_save_errors(void)
{
    bp_model *m = train_seeds(5, 2);
    bp_error err;
    CHECK(m && bp_model_save(m, tmp_path("no/such/dir/model"), &err) == BP_ERR_IO);
    CHECK(strstr(err.message, "no/such/dir/model") != NULL);
    mkdir(tmp_path("a_directory"), 0777);
    CHECK(bp_model_save(m, tmp_path("a_directory"), &err) == BP_ERR_IO);
    CHECK(strstr(err.message, "not a regular file") != NULL);
    bp_model_free(m);
}

static int count_epoch(void *user, const bp_epoch_report *report)
{
    (void)report;
    ++*(size_t *)user;
    return 0;
}

/* A network wider than a model file holds would train to the end and then
 * fail to save: it is refused before the first epoch, by train and cv. */
static void test_unsavable_network_is_refused_before_training(void)
{
    bp_error err;
    bp_dataset *ds;
    CHECK(bp_dataset_load(&ds, SEEDS, NULL, &err) == BP_OK);
    static const size_t hidden[1] = {BP_MAX_WIDTH + 1};
    size_t epochs = 0;
    bp_model_options o;
    bp_model_defaults(&o);
    o.net.hidden = hidden;
    o.train.on_epoch = count_epoch;
    o.train.user = &epochs;
    bp_rng rng;
    bp_rng_seed(&rng, 1);
    bp_model *m = NULL;
    CHECK_EQ_INT(bp_model_train(&m, ds, &o, &rng, &err), BP_ERR_ARG);
    CHECK(m == NULL);
    CHECK(strstr(err.message, "hidden layer 1 has 65537 neurons; a layer may have at most 65536") != NULL);
    bp_cv_options cv;
    bp_cv_defaults(&cv);
    cv.net.hidden = hidden;
    cv.train.on_epoch = count_epoch;
    cv.train.user = &epochs;
    bp_cv_result res;
    CHECK_EQ_INT(bp_cross_validate(ds, &cv, &rng, &res, &err), BP_ERR_ARG);
    CHECK(strstr(err.message, "hidden layer 1 has 65537 neurons") != NULL);
    CHECK_EQ_INT(epochs, 0);
    bp_dataset_free(ds);
}

static void test_non_finite_weights_are_not_saved(void)
{
    bp_dataset *ds;
    bp_error err;
    CHECK(bp_dataset_load(&ds, SEEDS, NULL, &err) == BP_OK);
    size_t widths[] = {7, 3};
    bp_net *net;
    bp_scaler *scaler;
    CHECK(bp_net_create(&net, 1, widths, NULL, &err) == BP_OK);
    CHECK(bp_scaler_fit(&scaler, BP_SCALE_MINMAX, bp_dataset_x(ds), 7, NULL, 210, &err) == BP_OK);
    bp_net_weights(net, 0)[4] = (bp_real)NAN;
    bp_model *m;
    CHECK(bp_model_create(&m, ds, net, scaler, NULL, &err) == BP_OK);
    CHECK(!bp_model_get_info(m)->trained);
    CHECK(bp_model_save(m, tmp_path("nan.model"), &err) == BP_ERR_NUMERIC);
    CHECK(access(tmp_path("nan.model"), F_OK) != 0);
    bp_net_weights(net, 0)[4] = 0.5;
    bp_model_free(m);
    CHECK(bp_model_create(&m, ds, net, scaler, NULL, &err) == BP_OK);
    CHECK(bp_model_save(m, tmp_path("parts.model"), &err) == BP_OK);
    bp_model_free(m);
    CHECK(bp_model_load(&m, tmp_path("parts.model"), &err) == BP_OK);
    CHECK(m && !bp_model_get_info(m)->trained);
    bp_model_free(m);
    size_t wrong[] = {6, 3};
    bp_net *small;
    CHECK(bp_net_create(&small, 1, wrong, NULL, &err) == BP_OK);
    CHECK(bp_model_create(&m, ds, small, scaler, NULL, &err) == BP_ERR_ARG);
    CHECK(bp_model_create(&m, ds, net, scaler, scaler, &err) == BP_ERR_ARG);
    bp_net_free(small);
    bp_net_free(net);
    bp_scaler_free(scaler);
    bp_dataset_free(ds);
}

static void test_atomic_file_discard(void)
{
    bp_atomic_file *f;
    FILE *out;
    bp_error err;
    mkdir(tmp_path("discard"), 0777);
    CHECK(bp_atomic_open(&f, tmp_path("discard/out.csv"), &out, &err) == BP_OK);
    fputs("partial", out);
    bp_atomic_discard(f);
    CHECK_EQ_INT(files_in(tmp_path("discard")), 0);
    CHECK(bp_atomic_open(&f, tmp_path("discard/out.csv"), &out, &err) == BP_OK);
    fputs("whole\n", out);
    CHECK(bp_atomic_commit(f, &err) == BP_OK);
    CHECK(same_file(tmp_path("discard/out.csv"), "whole\n", 6));
    CHECK_EQ_INT(files_in(tmp_path("discard")), 1);
}

/* ---------------------------------------------------- hostile files */

static void test_valid_model_file(void)
{
    bp_model *m;
    bp_error err;
    CHECK(bp_model_load(&m, MODEL_DIR "/valid.model", &err) == BP_OK);
    if (!m) return;
    CHECK_EQ_INT(bp_model_columns(m), 4);
    CHECK_EQ_INT(bp_model_features(m), 3);
    CHECK_STR(bp_model_column_name(m, 1), "color");
    CHECK_STR(bp_model_class_name(m, 1), "yes");
    CHECK_STR(bp_model_get_info(m)->seed, "7");
    CHECK_EQ_INT(bp_model_get_info(m)->train.epochs, 10);
    CHECK_EQ_DBL(bp_model_get_info(m)->train.learning_rate, 0.5);
    /* a = 5 scales to 0.5; red is the second category: inputs (0.5, 0, 1). */
    const char *row[] = {"5", "red", "id-1", "yes"};
    bp_prediction p;
    size_t unseen;
    CHECK(bp_model_predict_row(m, row, 4, &p, &unseen, &err) == BP_OK);
    double h1 = 1 / (1 + exp(-(0.125 + 0.5 * 0.5 + 1.0))), h2 = 1 / (1 + exp(-(-0.5 - 1 * 0.5 + 0.5)));
    double o1 = 1 / (1 + exp(-(0.25 + 1.5 * h1 - 2 * h2))), o2 = 1 / (1 + exp(-(-0.25 - 1.5 * h1 + 2 * h2)));
    CHECK_NEAR(p.proba[0], o1 / (o1 + o2), 1e-6);
    CHECK_EQ_INT(p.predicted, o1 > o2 ? 0 : 1);
    CHECK(p.has_actual && p.actual == 1);
    const char *green[] = {"5", "green", "id-1"};
    CHECK(bp_model_predict_row(m, green, 3, &p, &unseen, &err) == BP_OK);
    CHECK_EQ_INT(unseen, 1);
    bp_model_free(m);
}

static void test_crlf_model_loads(void)
{
    size_t len;
    char *text = read_file(MODEL_DIR "/valid.model", &len);
    CHECK(text != NULL);
    if (!text) return;
    char *crlf = malloc(2 * len + 1), *w = crlf;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n') *w++ = '\r';
        *w++ = text[i];
    }
    CHECK(write_file(tmp_path("crlf.model"), crlf, (size_t)(w - crlf)));
    bp_model *m;
    bp_error err;
    CHECK(bp_model_load(&m, tmp_path("crlf.model"), &err) == BP_OK);
    bp_model_free(m);
    free(crlf);
    free(text);
}

static int listed(char names[][64], size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0) return 1;
    return 0;
}

/* Every file in tests/data/model but valid.model is refused with exactly
 * the message tests/data/model/expected.txt gives. */
static void test_malformed_model_files(void)
{
    static char names[256][64];
    size_t n = 0;
    char *list = read_file(MODEL_DIR "/expected.txt", NULL);
    CHECK(list != NULL);
    if (!list) return;
    for (char *line = strtok(list, "\n"); line; line = strtok(NULL, "\n")) {
        char *tab = strchr(line, '\t');
        if (line[0] == '#' || !tab || n == 256) continue;
        *tab = '\0';
        snprintf(names[n++], sizeof names[0], "%s", line);
        char path[256], want[1200];
        snprintf(path, sizeof path, MODEL_DIR "/%s", line);
        snprintf(want, sizeof want, "%s:%s", path, tab + 1);
        bp_model *m = NULL;
        bp_error err;
        bp_status st = bp_model_load(&m, path, &err);
        if (st != BP_ERR_DATA || strcmp(err.message, want) != 0)
            fprintf(stderr, "  %s: status %d, message\n    %s\n  expected\n    %s\n", line, st,
                    st == BP_OK ? "(loaded)" : err.message, want);
        CHECK_EQ_INT(st, BP_ERR_DATA);
        CHECK(st == BP_OK || strcmp(err.message, want) == 0);
        CHECK(m == NULL);
        bp_model_free(m);
    }
    free(list);
    CHECK(n >= 15);
    DIR *d = opendir(MODEL_DIR);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        size_t len = strlen(e->d_name);
        int is_model = len > 6 && strcmp(e->d_name + len - 6, ".model") == 0;
        if (!is_model || strcmp(e->d_name, "valid.model") == 0) continue;
        if (!listed(names, n, e->d_name)) fprintf(stderr, "  %s has no expected message\n", e->d_name);
        CHECK(listed(names, n, e->d_name));
    }
    if (d) closedir(d);
}

static void test_missing_and_unreadable_files(void)
{
    bp_model *m;
    bp_error err;
    CHECK(bp_model_load(&m, tmp_path("nothing-here.model"), &err) == BP_ERR_IO);
    CHECK(strstr(err.message, "nothing-here.model") != NULL);
    CHECK(bp_model_load(&m, tmp_dir, &err) == BP_ERR_IO);
    CHECK(m == NULL);
}

static void test_overlong_line(void)
{
    size_t len = (5u << 20) + 100;
    char *big = malloc(len);
    CHECK(big != NULL);
    if (!big) return;
    size_t head = (size_t)snprintf(big, len, "backprop-model 1\ntask classification\n"
                                             "columns 2\ncolumn numeric ");
    memset(big + head, '7', len - head - 1);
    big[len - 1] = '\n';
    CHECK(write_file(tmp_path("long.model"), big, len));
    free(big);
    bp_model *m;
    bp_error err;
    CHECK(bp_model_load(&m, tmp_path("long.model"), &err) == BP_ERR_DATA);
    CHECK(strstr(err.message, "long.model:4: line longer than") != NULL);
}

/* Every cut of a valid file is refused cleanly: no prefix is a model. */
static void test_every_truncation_is_refused(void)
{
    size_t len;
    char *text = read_file(MODEL_DIR "/valid.model", &len);
    CHECK(text != NULL);
    size_t refused = 0;
    for (size_t cut = 0; text && cut < len; cut++) {
        bp_model *m;
        bp_error err;
        write_file(tmp_path("cut.model"), text, cut);
        bp_status st = bp_model_load(&m, tmp_path("cut.model"), &err);
        refused += st == BP_ERR_DATA;
        if (st == BP_OK) bp_model_free(m);
    }
    CHECK_EQ_INT(refused, len);
    free(text);
}

/* Random damage never crashes the reader: each file loads or is refused. */
static void test_random_damage(void)
{
    size_t len;
    char *text = read_file(MODEL_DIR "/valid.model", &len);
    CHECK(text != NULL);
    if (!text) return;
    bp_rng rng;
    bp_rng_seed(&rng, 2024);
    size_t loaded = 0, refused = 0;
    for (int round = 0; round < 1500; round++) {
        char *copy = malloc(len);
        memcpy(copy, text, len);
        int hits = 1 + (int)bp_rng_randrange(&rng, 3);
        for (int h = 0; h < hits; h++)
            copy[bp_rng_randrange(&rng, len)] = (char)bp_rng_randrange(&rng, 256);
        write_file(tmp_path("damaged.model"), copy, len);
        free(copy);
        bp_model *m;
        bp_error err;
        bp_status st = bp_model_load(&m, tmp_path("damaged.model"), &err);
        if (st == BP_OK) {
            loaded++;
            const char *row[] = {"1", "red", "x"};
            bp_prediction p;
            bp_model_predict_row(m, row, 3, &p, NULL, &err);
            bp_model_free(m);
        } else {
            refused += st == BP_ERR_DATA;
        }
    }
    CHECK_EQ_INT(loaded + refused, 1500);
    CHECK(refused > 1000);
    free(text);
}

/* --------------------------------------------- predicting new files */

static const char animals[] =
    "size,color,id,kind\n"
    "1.0,red,a1,small\n2.0,blue,a2,small\n1.5,red,a3,small\n2.5,green,a4,small\n"
    "8.0,blue,a5,large\n9.0,red,a6,large\n7.5,green,a7,large\n8.5,blue,a8,large\n";

static bp_model *animal_model(void)
{
    bp_load_options load;
    bp_load_defaults(&load);
    load.ignore = "id";
    if (!write_text(tmp_path("animals.csv"), animals)) return NULL;
    return train_file(tmp_path("animals.csv"), &load, 300, 3);
}

static void test_predict_detects_header_and_target(void)
{
    bp_model *m = animal_model();
    bp_error err;
    bp_predict_summary s;
    static collected base, c;
    CHECK(m != NULL);
    if (!m) return;
    CHECK_STR(bp_model_column_name(m, 1), "color");
    CHECK(predict_all(m, tmp_path("animals.csv"), &base, &s, &err) == BP_OK);
    CHECK_EQ_INT(base.n, 8);
    CHECK(s.has_target && base.has_actual[0] && base.actual[4] == 0); /* "large" sorts first */
    CHECK_EQ_INT(base.line[0], 2);
    /* the columns by name, in another order, without the target */
    write_text(tmp_path("reordered.csv"), "id,color,size\na1,red,1.0\na2,blue,2.0\na3,red,1.5\na4,green,2.5\n"
                                          "a5,blue,8.0\na6,red,9.0\na7,green,7.5\na8,blue,8.5\n");
    CHECK(predict_all(m, tmp_path("reordered.csv"), &c, &s, &err) == BP_OK);
    CHECK(!s.has_target && c.n == 8 && !c.has_actual[0]);
    CHECK(memcmp(c.proba, base.proba, sizeof c.proba) == 0);
    /* no header, no target: by position */
    write_text(tmp_path("bare.csv"), "1.0,red,a1\n2.0,blue,a2\n1.5,red,a3\n2.5,green,a4\n"
                                     "8.0,blue,a5\n9.0,red,a6\n7.5,green,a7\n8.5,blue,a8\n");
    CHECK(predict_all(m, tmp_path("bare.csv"), &c, &s, &err) == BP_OK);
    CHECK(!s.has_target && c.n == 8 && c.line[0] == 1);
    CHECK(memcmp(c.proba, base.proba, sizeof c.proba) == 0);
    bp_model_free(m);
}

static void test_unseen_and_missing_values_are_counted(void)
{
    bp_model *m = animal_model();
    bp_error err;
    bp_predict_summary s;
    static collected c;
    if (!m) { CHECK(m != NULL); return; }
    write_text(tmp_path("new.csv"), "size,color,id\n1.0,purple,b1\n?,red,b2\n3,pink,b3\n");
    CHECK(predict_all(m, tmp_path("new.csv"), &c, &s, &err) == BP_OK);
    CHECK_EQ_INT(c.n, 3);
    CHECK_EQ_INT(s.unseen, 2);
    CHECK_EQ_INT(s.unseen_line, 2);
    CHECK_EQ_INT(s.unseen_column, 5);
    CHECK_STR(s.unseen_text, "purple");
    CHECK_EQ_INT(s.missing, 1);
    CHECK_EQ_INT(s.missing_line, 3);
    bp_model_free(m);
}

static void test_predict_file_errors(void)
{
    bp_model *m = animal_model();
    bp_error err;
    static collected c;
    if (!m) { CHECK(m != NULL); return; }
    write_text(tmp_path("short.csv"), "1.0,red\n2.0,blue\n");
    CHECK(predict_all(m, tmp_path("short.csv"), &c, NULL, &err) == BP_ERR_DATA);
    CHECK(strstr(err.message,
                 "short.csv:1:1: expected 4 fields (or 3 without the target column 'kind'), found 2"));
    write_text(tmp_path("ragged.csv"), "1.0,red,a1\n2.0,blue\n");
    CHECK(predict_all(m, tmp_path("ragged.csv"), &c, NULL, &err) == BP_ERR_DATA);
    CHECK(strstr(err.message, "ragged.csv:2:5: expected 3 fields, found 2"));
    write_text(tmp_path("text.csv"), "1.0,red,a1\nbig,blue,a2\n");
    CHECK(predict_all(m, tmp_path("text.csv"), &c, NULL, &err) == BP_ERR_DATA);
    CHECK(strstr(err.message, "text.csv:2: field 1 (size): non-numeric value 'big' in a numeric column"));
    write_text(tmp_path("header-only.csv"), "size,color,id\n");
    CHECK(predict_all(m, tmp_path("header-only.csv"), &c, NULL, &err) == BP_ERR_DATA);
    CHECK(strstr(err.message, "no data rows"));
    CHECK(predict_all(m, tmp_path("absent.csv"), &c, NULL, &err) == BP_ERR_IO);
    bp_evaluation ev;
    CHECK(bp_model_evaluate(m, tmp_path("bare.csv"), NULL, &ev, &err) == BP_ERR_DATA);
    CHECK(strstr(err.message, "no target column 'kind'"));
    write_text(tmp_path("odd.csv"), "size,color,id,kind\n1.0,red,a1,small\n2.0,blue,a2,medium\n");
    CHECK(bp_model_evaluate(m, tmp_path("odd.csv"), NULL, &ev, &err) == BP_ERR_DATA);
    CHECK(strstr(err.message, "odd.csv:3: field 4 (kind): class 'medium' is not one of the model's 2 classes"));
    CHECK(predict_all(m, tmp_path("odd.csv"), &c, NULL, &err) == BP_OK); /* predicting needs no answers */
    CHECK(c.has_actual[0] && !c.has_actual[1]);
    bp_model_free(m);
}

static void test_categorical_round_trip(void)
{
    bp_model *a = animal_model(), *b = NULL;
    bp_error err;
    static collected ca, cb;
    CHECK(a && bp_model_save(a, tmp_path("animals.model"), &err) == BP_OK);
    CHECK(bp_model_load(&b, tmp_path("animals.model"), &err) == BP_OK);
    if (!a || !b) { bp_model_free(a); bp_model_free(b); return; }
    CHECK(predict_all(a, tmp_path("animals.csv"), &ca, NULL, &err) == BP_OK);
    CHECK(predict_all(b, tmp_path("animals.csv"), &cb, NULL, &err) == BP_OK);
    CHECK(ca.n == 8 && memcmp(ca.proba, cb.proba, sizeof ca.proba) == 0);
    /* A missing colour takes the most frequent one: blue and red tie (3 of
     * 8 rows each), and the first of them, blue, wins, in both models. */
    const char *missing[] = {"1.0", "?", "x"}, *blue[] = {"1.0", "blue", "x"};
    bp_prediction p;
    bp_real expected[2];
    CHECK(bp_model_predict_row(a, blue, 3, &p, NULL, &err) == BP_OK);
    memcpy(expected, p.proba, sizeof expected);
    CHECK(bp_model_predict_row(a, missing, 3, &p, NULL, &err) == BP_OK);
    CHECK(memcmp(expected, p.proba, sizeof expected) == 0);
    CHECK(bp_model_predict_row(b, missing, 3, &p, NULL, &err) == BP_OK);
    CHECK(memcmp(expected, p.proba, sizeof expected) == 0);
    char *text = read_file(tmp_path("animals.model"), NULL);
    CHECK(text && strstr(text, "\nscaler minmax 4 grouped\n"));
    CHECK(text && strstr(text, "column categorical \"color\" 3\ncategory \"blue\"\ncategory \"green\"\n"));
    CHECK(text && strstr(text, "column ignored \"id\"\n"));
    free(text);
    bp_model_free(a);
    bp_model_free(b);
}

static void test_regression_round_trip(void)
{
    bp_load_options load;
    bp_load_defaults(&load);
    load.task = BP_TASK_REGRESSION;
    char csv[2048] = "x1,x2,y\n";
    for (int i = 0; i < 40; i++) {
        char row[64];
        snprintf(row, sizeof row, "%d,%d,%d\n", i % 7, i % 5, 2 * (i % 7) + (i % 5) + 10);
        strcat(csv, row);
    }
    write_text(tmp_path("line.csv"), csv);
    bp_model *a = train_file(tmp_path("line.csv"), &load, 200, 4), *b = NULL;
    bp_error err;
    static collected ca, cb;
    CHECK(a && bp_model_save(a, tmp_path("line.model"), &err) == BP_OK);
    CHECK(bp_model_load(&b, tmp_path("line.model"), &err) == BP_OK);
    if (!a || !b) { bp_model_free(a); bp_model_free(b); return; }
    CHECK(bp_model_task(b) == BP_TASK_REGRESSION && bp_model_classes(b) == 0);
    CHECK(predict_all(a, tmp_path("line.csv"), &ca, NULL, &err) == BP_OK);
    CHECK(predict_all(b, tmp_path("line.csv"), &cb, NULL, &err) == BP_OK);
    CHECK(ca.n == 40 && memcmp(ca.value, cb.value, sizeof ca.value) == 0);
    CHECK(cb.has_actual[0] && cb.value[0] > 0);
    bp_evaluation ev;
    CHECK(bp_model_evaluate(b, tmp_path("line.csv"), NULL, &ev, &err) == BP_OK);
    CHECK(ev.task == BP_TASK_REGRESSION && isfinite(ev.regression.rmse) && ev.regression.rmse < 5);
    bp_evaluation_free(&ev);
    char *text = read_file(tmp_path("line.model"), NULL);
    CHECK(text && strstr(text, "task regression\n") && strstr(text, "\nclasses 0\n"));
    CHECK(text && strstr(text, "\ntarget "));
    free(text);
    bp_model_free(a);
    bp_model_free(b);
}

static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) remove_tree(path);
        else unlink(path);
    }
    if (d) closedir(d);
    rmdir(dir);
}

int main(void)
{
    snprintf(tmp_dir, sizeof tmp_dir, "/tmp/bp_test_model_XXXXXX");
    if (!mkdtemp(tmp_dir)) {
        perror("mkdtemp");
        return 1;
    }
    RUN(test_round_trip_is_bit_identical);
    RUN(test_resave_gives_the_same_bytes);
    RUN(test_eval_on_training_rows_matches_training_accuracy);
    RUN(test_predict_row_matches_file);
    RUN(test_failed_save_keeps_the_old_file);
    RUN(test_save_into_unwritable_directory);
    RUN(test_save_errors);
    RUN(test_unsavable_network_is_refused_before_training);
    RUN(test_non_finite_weights_are_not_saved);
    RUN(test_atomic_file_discard);
    RUN(test_valid_model_file);
    RUN(test_crlf_model_loads);
    RUN(test_malformed_model_files);
    RUN(test_missing_and_unreadable_files);
    RUN(test_overlong_line);
    RUN(test_every_truncation_is_refused);
    RUN(test_random_damage);
    RUN(test_predict_detects_header_and_target);
    RUN(test_unseen_and_missing_values_are_counted);
    RUN(test_predict_file_errors);
    RUN(test_categorical_round_trip);
    RUN(test_regression_round_trip);
    remove_tree(tmp_dir);
    return harness_finish();
}
