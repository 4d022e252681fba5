/* libFuzzer target for the model loader: every input is a model file.
 *
 * Build with `make fuzz` (build-fuzz/fuzz_model) and run from the
 * repository root:
 *
 *   build-fuzz/fuzz_model -max_total_time=600 fuzz/corpus/model tests/data/model
 *
 * The input is written to a temporary file and read with bp_model_load, the
 * way `backprop predict` reads a model. Beyond the sanitizers it checks the
 * loader's promises: a refused file is a data error (or out of memory) that
 * names the file; an accepted one encodes and predicts a row, exports as C
 * source, and saving it gives a file that loads again and saves to the very
 * same bytes.
 */
#include "backprop.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The temporary files of this process: the input and two saved copies.
 * They are made once and reused, as creating files per input is slow. */
typedef struct scratch {
    char input[64], saved[80], resaved[80];
    int ready;
} scratch;

static scratch files;

static void remove_scratch(void)
{
    unlink(files.input);
    unlink(files.saved);
    unlink(files.resaved);
}

static int make_scratch(void)
{
    if (files.ready) return 1;
    strcpy(files.input, "/tmp/bp-fuzz-model-XXXXXX");
    int fd = mkstemp(files.input);
    if (fd < 0) return 0;
    close(fd);
    snprintf(files.saved, sizeof files.saved, "%s.saved", files.input);
    snprintf(files.resaved, sizeof files.resaved, "%s.resaved", files.input);
    atexit(remove_scratch);
    files.ready = 1;
    return 1;
}

static void write_input(const uint8_t *data, size_t size)
{
    FILE *f = fopen(files.input, "wb");
    if (!f) abort();
    if (size && fwrite(data, 1, size, f) != size) abort();
    if (fclose(f) != 0) abort();
}

/* The whole content of a file, or NULL; *size gets its length. */
static char *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    while (buf) {
        len += fread(buf + len, 1, cap - len, f);
        if (len < cap) break;
        char *bigger = realloc(buf, cap * 2);
        if (!bigger) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    fclose(f);
    *size = len;
    return buf;
}

/* A refused file: a data error that names it, or a failed allocation. */
static void check_refusal(const bp_model *m, const bp_error *err, bp_status st)
{
    if (m != NULL) abort();
    if (st == BP_ERR_NOMEM) return;
    if (st != BP_ERR_DATA || err->status != BP_ERR_DATA) abort();
    if (strncmp(err->message, files.input, strlen(files.input)) != 0) abort();
    if (!memchr(err->message, '\0', sizeof err->message)) abort();
}

/* One row of zeros (all columns, target included) must predict. */
static void check_prediction(bp_model *m)
{
    size_t n = bp_model_columns(m);
    const char **fields = malloc(n * sizeof *fields);
    if (!fields) return;
    for (size_t i = 0; i < n; i++) fields[i] = "0";
    bp_prediction p;
    bp_error err;
    bp_status st = bp_model_predict_row(m, fields, n, &p, NULL, &err);
    /* A classification target "0" may be an unknown class: that is refused. */
    if (st != BP_OK && !(st == BP_ERR_DATA && bp_model_task(m) == BP_TASK_CLASSIFICATION)) abort();
    if (bp_model_task(m) == BP_TASK_CLASSIFICATION && p.predicted >= bp_model_classes(m)) abort();
    free(fields);
}

/* The encoder agrees with the schema, and the C export of any model that
 * loads succeeds. */
static void check_encode_and_export(const bp_model *m)
{
    size_t n = bp_model_columns(m), n_x = bp_model_features(m);
    const char **fields = malloc(n * sizeof *fields);
    bp_real *x = malloc((n_x ? n_x : 1) * sizeof *x);
    bp_error err;
    if (fields && x) {
        for (size_t i = 0; i < n; i++) fields[i] = i % 2 ? "" : "1";
        bp_status st = bp_model_encode_row(m, fields, n, x, NULL, &err);
        if (st != BP_OK && st != BP_ERR_DATA) abort();
    }
    free(fields);
    free(x);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) return;
    bp_status st = bp_model_export_c(m, NULL, f, &err);
    if (fclose(f) == 0 && st != BP_OK && st != BP_ERR_NOMEM) abort();
    free(text);
}

/* Saving then loading is exact: the second save has the first one's bytes. */
static void check_round_trip(const bp_model *m)
{
    bp_error err;
    if (bp_model_save(m, files.saved, &err) != BP_OK) {
        if (err.status == BP_ERR_NOMEM || err.status == BP_ERR_IO) return;
        abort(); /* a loaded model must be savable */
    }
    bp_model *again;
    if (bp_model_load(&again, files.saved, &err) != BP_OK) abort();
    if (bp_model_save(again, files.resaved, &err) != BP_OK) abort();
    bp_model_free(again);
    size_t a_len, b_len;
    char *a = slurp(files.saved, &a_len), *b = slurp(files.resaved, &b_len);
    if (a && b && (a_len != b_len || memcmp(a, b, a_len) != 0)) abort();
    free(a);
    free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!make_scratch()) return 0;
    write_input(data, size);
    bp_model *m = NULL;
    bp_error err;
    bp_status st = bp_model_load(&m, files.input, &err);
    if (st != BP_OK) {
        check_refusal(m, &err, st);
        return 0;
    }
    if (bp_model_features(m) != bp_net_width(bp_model_net(m), 0)) abort();
    check_prediction(m);
    check_encode_and_export(m);
    check_round_trip(m);
    bp_model_free(m);
    return 0;
}
