/* Checkpoint files: plain text, numbers in C99 hexadecimal floating point
 * so that every bit survives the round trip. */
#include "train/checkpoint.h"

#include "util/error.h"
#include "core/net.h"

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

typedef struct reader {
    FILE *f;
    const char *path;
    size_t line;
    char tok[80];
} reader;

/* The next whitespace-separated token; 0 at the end of the file. */
static int next_token(reader *r)
{
    int c;
    while ((c = getc(r->f)) != EOF && (c == ' ' || c == '\n' || c == '\t' || c == '\r'))
        if (c == '\n') r->line++;
    size_t n = 0;
    while (c != EOF && c != ' ' && c != '\n' && c != '\t' && c != '\r') {
        if (n + 1 >= sizeof r->tok) return -1;
        r->tok[n++] = (char)c;
        c = getc(r->f);
    }
    if (c == '\n') ungetc(c, r->f);
    r->tok[n] = '\0';
    return n > 0;
}

static bp_status bad(reader *r, bp_error *err, const char *what)
{
    return bp_error_set(err, BP_ERR_DATA, "%s:%zu: damaged checkpoint: %s", r->path, r->line, what);
}

static bp_status expect_word(reader *r, const char *word, bp_error *err)
{
    if (next_token(r) != 1 || strcmp(r->tok, word) != 0) {
        char what[120];
        snprintf(what, sizeof what, "expected '%s'", word);
        return bad(r, err, what);
    }
    return BP_OK;
}

static bp_status read_size(reader *r, size_t *out, bp_error *err)
{
    char *end;
    if (next_token(r) != 1 || r->tok[0] < '0' || r->tok[0] > '9') return bad(r, err, "expected a count");
    errno = 0;
    unsigned long long v = strtoull(r->tok, &end, 10);
    if (*end || errno) return bad(r, err, "expected a count");
    *out = (size_t)v;
    return BP_OK;
}

static bp_status read_double(reader *r, double *out, bp_error *err)
{
    char *end;
    if (next_token(r) != 1) return bad(r, err, "expected a number");
    *out = strtod(r->tok, &end);
    if (*end || isnan(*out)) return bad(r, err, "expected a number");
    return BP_OK;
}

static bp_status expect_size(reader *r, const char *word, size_t want, bp_error *err)
{
    size_t v;
    bp_status st = expect_word(r, word, err);
    if (st == BP_OK) st = read_size(r, &v, err);
    if (st == BP_OK && v != want)
        return bp_error_set(err, BP_ERR_DATA,
                            "%s:%zu: the checkpoint is of another run (%s %zu, this run has %zu)",
                            r->path, r->line, word, v, want);
    return st;
}

static bp_status read_shape(reader *r, const bp_net *net, bp_error *err)
{
    bp_status st = expect_word(r, MAGIC, err);
    if (st == BP_OK && (next_token(r) != 1 || strcmp(r->tok, "1") != 0))
        return bad(r, err, "unsupported format version");
    if (st == BP_OK) st = expect_word(r, "scalar", err);
    if (st == BP_OK && (next_token(r) != 1 || strcmp(r->tok, sizeof(bp_real) == 4 ? "float" : "double") != 0))
        return bad(r, err, "written by a build of another precision");
    if (st == BP_OK) st = expect_size(r, "shape", net->n_layers + 1, err);
    for (size_t l = 0; st == BP_OK && l <= net->n_layers; l++) {
        size_t w;
        st = read_size(r, &w, err);
        if (st == BP_OK && w != net->width[l])
            return bp_error_set(err, BP_ERR_DATA, "%s:%zu: the checkpoint is of another network",
                                r->path, r->line);
    }
    if (st == BP_OK) st = expect_word(r, "activations", err);
    for (size_t l = 0; st == BP_OK && l < net->n_layers; l++)
        if (next_token(r) != 1 || strcmp(r->tok, bp_activation_name(net->act[l])) != 0)
            return bp_error_set(err, BP_ERR_DATA, "%s:%zu: the checkpoint is of another network",
                                r->path, r->line);
    return st;
}

static bp_status read_progress(reader *r, bp_train_state *s, bp_error *err)
{
    bp_status st = expect_word(r, "epoch", err);
    if (st == BP_OK) st = read_size(r, &s->epoch, err);
    if (st == BP_OK) st = expect_word(r, "position", err);
    if (st == BP_OK) st = read_size(r, &s->position, err);
    if (st == BP_OK) st = expect_word(r, "partial_sum", err);
    if (st == BP_OK) st = read_double(r, &s->partial_sum, err);
    if (st == BP_OK) st = expect_word(r, "steps", err);
    if (st == BP_OK) st = read_size(r, &s->steps, err);
    if (st == BP_OK) st = expect_word(r, "best_val", err);
    if (st == BP_OK) st = read_double(r, &s->best_val, err);
    if (st == BP_OK) st = expect_word(r, "since_best", err);
    if (st == BP_OK) st = read_size(r, &s->since_best, err);
    if (st == BP_OK && s->position > s->n_train) return bad(r, err, "position past the epoch's end");
    return st;
}

static bp_status read_rng(reader *r, bp_rng *rng, bp_error *err)
{
    size_t index = 0;
    bp_status st = expect_word(r, "rng", err);
    if (st == BP_OK) st = read_size(r, &index, err);
    if (st == BP_OK && index > 624) return bad(r, err, "random state index out of range");
    for (size_t i = 0; st == BP_OK && i < 624; i++) {
        char *end;
        if (next_token(r) != 1) return bad(r, err, "random state too short");
        unsigned long v = strtoul(r->tok, &end, 16);
        if (*end || v > 0xffffffffUL) return bad(r, err, "random state word");
        rng->state[i] = (uint32_t)v;
    }
    rng->index = (int)index;
    return st;
}

static bp_status read_reals(reader *r, const char *name, bp_real *v, size_t n, bp_error *err)
{
    size_t count;
    bp_status st = expect_word(r, name, err);
    if (st == BP_OK) st = read_size(r, &count, err);
    if (st != BP_OK) return st;
    if (count != (v ? n : 0)) return bad(r, err, "a parameter block of the wrong size");
    for (size_t i = 0; i < count; i++) {
        double d;
        st = read_double(r, &d, err);
        if (st != BP_OK) return st;
        if (!isfinite(d)) return bad(r, err, "a parameter that is not finite");
        v[i] = (bp_real)d;
    }
    return BP_OK;
}

static bp_status read_rows(reader *r, bp_train_state *s, bp_error *err)
{
    bp_status st = expect_size(r, "order", s->n_rows, err);
    size_t n_train;
    if (st == BP_OK) st = read_size(r, &n_train, err);
    if (st == BP_OK && n_train != s->n_train) return bad(r, err, "another validation split");
    for (size_t i = 0; st == BP_OK && i < s->n_rows; i++) {
        st = read_size(r, &s->order[i], err);
        if (st == BP_OK && s->order[i] >= (size_t)-1 / 2) return bad(r, err, "row index out of range");
    }
    return st;
}

bp_status bp_checkpoint_read(const char *path, bp_train_state *s, bp_error *err)
{
    reader r = {fopen(path, "r"), path, 1, {0}};
    if (!r.f) return bp_error_set(err, BP_ERR_IO, "cannot read %s: %s", path, strerror(errno));
    bp_net *net = (bp_net *)s->net;
    size_t n = net->n_params;
    bp_status st = read_shape(&r, net, err);
    if (st == BP_OK) st = read_progress(&r, s, err);
    if (st == BP_OK) st = read_rng(&r, s->rng, err);
    if (st == BP_OK) st = read_rows(&r, s, err);
    if (st == BP_OK) st = read_reals(&r, "params", net->params, n, err);
    if (st == BP_OK) st = read_reals(&r, "velocity", s->velocity, n, err);
    if (st == BP_OK) st = read_reals(&r, "second", s->second, n, err);
    if (st == BP_OK) st = read_reals(&r, "best", s->best, n, err);
    if (st == BP_OK) st = expect_word(&r, "end", err);
    fclose(r.f);
    return st;
}
