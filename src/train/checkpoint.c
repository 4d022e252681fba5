/* Checkpoint files: plain text, numbers in C99 hexadecimal floating point
 * so that every bit survives the round trip. */
#include "train/checkpoint.h"

#include "util/error.h"
#include "core/net.h"
#include "util/textfile.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAGIC "backprop-checkpoint"
#define FORMAT_VERSION 1

/* ----------------------------------------------------------- writing */

static void write_reals(FILE *f, const char *name, const bp_real *v, size_t n)
{
    fprintf(f, "%s %zu", name, v ? n : 0);
    for (size_t i = 0; v && i < n; i++) fprintf(f, "%s%a", i % 8 ? " " : "\n", (double)v[i]);
    fputc('\n', f);
}

static void write_header(FILE *f, const bp_train_state *s)
{
    const bp_net *net = s->net;
    fprintf(f, "%s %d\nscalar %s\nshape %zu", MAGIC, FORMAT_VERSION,
            sizeof(bp_real) == sizeof(float) ? "float" : "double", net->n_layers + 1);
    for (size_t l = 0; l <= net->n_layers; l++) fprintf(f, " %zu", net->width[l]);
    fputs("\nactivations", f);
    for (size_t l = 0; l < net->n_layers; l++) fprintf(f, " %s", bp_activation_name(net->act[l]));
    fprintf(f, "\nepoch %zu\nposition %zu\npartial_sum %a\nsteps %zu\nbest_val %a\nsince_best %zu\n",
            s->epoch, s->position, s->partial_sum, s->steps, s->best_val, s->since_best);
    fprintf(f, "rng %d", s->rng->index);
    for (size_t i = 0; i < 624; i++) fprintf(f, "%s%08x", i % 8 ? " " : "\n", (unsigned)s->rng->state[i]);
    fprintf(f, "\norder %zu %zu", s->n_rows, s->n_train);
    for (size_t i = 0; i < s->n_rows; i++) fprintf(f, "%s%zu", i % 16 ? " " : "\n", s->order[i]);
    fputc('\n', f);
}

bp_status bp_checkpoint_write(const char *path, const bp_train_state *s, bp_error *err)
{
    bp_atomic_file *a;
    FILE *f;
    bp_status st = bp_atomic_open(&a, path, &f, err);
    if (st != BP_OK) return st;
    write_header(f, s);
    write_reals(f, "params", s->net->params, s->net->n_params);
    write_reals(f, "velocity", s->velocity, s->net->n_params);
    write_reals(f, "second", s->second, s->net->n_params);
    write_reals(f, "best", s->best, s->net->n_params);
    fputs("end\n", f);
    return bp_atomic_commit(a, err);
}

/* ----------------------------------------------------------- reading */

/* Every message says where and that the checkpoint is damaged. */
static bp_status bad(bp_text_reader *r, const char *what) { return bp_text_fail(r, "%s", what); }

/* The next token: the format is a stream of them, across lines. A missing
 * or quoted one is "expected WHAT". */
static bp_status next(bp_text_reader *r, bp_text_token *t, const char *what)
{
    int found;
    bp_status st = bp_text_next_word(r, t, &found);
    if (st == BP_OK && (!found || t->quoted)) return bad(r, what);
    return st;
}

static bp_status expect_word(bp_text_reader *r, const char *word)
{
    char what[120];
    snprintf(what, sizeof what, "expected '%s'", word);
    bp_text_token t;
    bp_status st = next(r, &t, what);
    if (st == BP_OK && strcmp(t.text, word) != 0) return bad(r, what);
    return st;
}

static bp_status read_size(bp_text_reader *r, size_t *out)
{
    bp_text_token t;
    bp_status st = next(r, &t, "expected a count");
    if (st == BP_OK && bp_text_parse_size(&t, (size_t)-1, out) != 0) return bad(r, "expected a count");
    return st;
}

/* Hexadecimal floating point (or any form strtod reads), not NaN. */
static bp_status read_double(bp_text_reader *r, double *out)
{
    bp_text_token t;
    bp_status st = next(r, &t, "expected a number");
    if (st != BP_OK) return st;
    char *end;
    *out = strtod(t.text, &end);
    if (*end || isnan(*out)) return bad(r, "expected a number");
    return BP_OK;
}

static bp_status another_network(bp_text_reader *r)
{
    return bp_error_set(r->err, BP_ERR_DATA, "%s:%zu: the checkpoint is of another network", r->path,
                        r->line_no);
}

static bp_status expect_size(bp_text_reader *r, const char *word, size_t want)
{
    size_t v;
    bp_status st = expect_word(r, word);
    if (st == BP_OK) st = read_size(r, &v);
    if (st == BP_OK && v != want)
        return bp_error_set(r->err, BP_ERR_DATA,
                            "%s:%zu: the checkpoint is of another run (%s %zu, this run has %zu)",
                            r->path, r->line_no, word, v, want);
    return st;
}

static bp_status read_shape(bp_text_reader *r, const bp_net *net)
{
    bp_text_token t;
    bp_status st = expect_word(r, MAGIC);
    if (st == BP_OK && (next(r, &t, "unsupported format version") != BP_OK || strcmp(t.text, "1") != 0))
        return bad(r, "unsupported format version");
    if (st == BP_OK) st = expect_word(r, "scalar");
    if (st == BP_OK && (next(r, &t, "written by a build of another precision") != BP_OK ||
                        strcmp(t.text, sizeof(bp_real) == 4 ? "float" : "double") != 0))
        return bad(r, "written by a build of another precision");
    if (st == BP_OK) st = expect_size(r, "shape", net->n_layers + 1);
    for (size_t l = 0; st == BP_OK && l <= net->n_layers; l++) {
        size_t w;
        st = read_size(r, &w);
        if (st == BP_OK && w != net->width[l]) return another_network(r);
    }
    if (st == BP_OK) st = expect_word(r, "activations");
    for (size_t l = 0; st == BP_OK && l < net->n_layers; l++)
        if (next(r, &t, "another network") != BP_OK || strcmp(t.text, bp_activation_name(net->act[l])) != 0)
            return another_network(r);
    return st;
}

static bp_status read_progress(bp_text_reader *r, bp_train_state *s)
{
    bp_status st = expect_word(r, "epoch");
    if (st == BP_OK) st = read_size(r, &s->epoch);
    if (st == BP_OK) st = expect_word(r, "position");
    if (st == BP_OK) st = read_size(r, &s->position);
    if (st == BP_OK) st = expect_word(r, "partial_sum");
    if (st == BP_OK) st = read_double(r, &s->partial_sum);
    if (st == BP_OK) st = expect_word(r, "steps");
    if (st == BP_OK) st = read_size(r, &s->steps);
    if (st == BP_OK) st = expect_word(r, "best_val");
    if (st == BP_OK) st = read_double(r, &s->best_val);
    if (st == BP_OK) st = expect_word(r, "since_best");
    if (st == BP_OK) st = read_size(r, &s->since_best);
    if (st == BP_OK && s->position > s->n_train) return bad(r, "position past the epoch's end");
    return st;
}

static bp_status read_rng(bp_text_reader *r, bp_rng *rng)
{
    size_t index = 0;
    bp_status st = expect_word(r, "rng");
    if (st == BP_OK) st = read_size(r, &index);
    if (st == BP_OK && index > 624) return bad(r, "random state index out of range");
    for (size_t i = 0; st == BP_OK && i < 624; i++) {
        bp_text_token t;
        char *end;
        if ((st = next(r, &t, "random state too short")) != BP_OK) return st;
        unsigned long v = strtoul(t.text, &end, 16);
        if (*end || v > 0xffffffffUL) return bad(r, "random state word");
        rng->state[i] = (uint32_t)v;
    }
    rng->index = (int)index;
    return st;
}

static bp_status read_reals(bp_text_reader *r, const char *name, bp_real *v, size_t n)
{
    size_t count;
    bp_status st = expect_word(r, name);
    if (st == BP_OK) st = read_size(r, &count);
    if (st != BP_OK) return st;
    if (count != (v ? n : 0)) return bad(r, "a parameter block of the wrong size");
    for (size_t i = 0; i < count; i++) {
        double d;
        st = read_double(r, &d);
        if (st != BP_OK) return st;
        if (!isfinite(d)) return bad(r, "a parameter that is not finite");
        v[i] = (bp_real)d;
    }
    return BP_OK;
}

static bp_status read_rows(bp_text_reader *r, bp_train_state *s)
{
    bp_status st = expect_size(r, "order", s->n_rows);
    size_t n_train;
    if (st == BP_OK) st = read_size(r, &n_train);
    if (st == BP_OK && n_train != s->n_train) return bad(r, "another validation split");
    for (size_t i = 0; st == BP_OK && i < s->n_rows; i++) {
        st = read_size(r, &s->order[i]);
        if (st == BP_OK && s->order[i] >= (size_t)-1 / 2) return bad(r, "row index out of range");
    }
    return st;
}

bp_status bp_checkpoint_read(const char *path, bp_train_state *s, bp_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f) return bp_error_set(err, BP_ERR_IO, "cannot read %s: %s", path, strerror(errno));
    bp_text_reader r;
    bp_text_init(&r, f, path, "checkpoint", err);
    r.context = "damaged checkpoint: ";
    bp_net *net = (bp_net *)s->net;
    size_t n = net->n_params;
    bp_status st = read_shape(&r, net);
    if (st == BP_OK) st = read_progress(&r, s);
    if (st == BP_OK) st = read_rng(&r, s->rng);
    if (st == BP_OK) st = read_rows(&r, s);
    if (st == BP_OK) st = read_reals(&r, "params", net->params, n);
    if (st == BP_OK) st = read_reals(&r, "velocity", s->velocity, n);
    if (st == BP_OK) st = read_reals(&r, "second", s->second, n);
    if (st == BP_OK) st = read_reals(&r, "best", s->best, n);
    if (st == BP_OK) st = expect_word(&r, "end");
    bp_text_free(&r);
    fclose(f);
    return st;
}
