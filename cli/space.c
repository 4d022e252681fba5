/* Reading a search space from --space and drawing points from it. */
#include "space.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum kind { KIND_NAMES, KIND_REAL, KIND_WHOLE } kind;

/* The training options a search may vary (not the seed or the threads,
 * which change no model's quality), and what they take. */
static const struct {
    const char *name;
    kind kind;
} options[] = {
    {"hidden", KIND_NAMES},     {"activation", KIND_NAMES}, {"output-activation", KIND_NAMES},
    {"loss", KIND_NAMES},       {"init", KIND_NAMES},       {"optimizer", KIND_NAMES},
    {"schedule", KIND_NAMES},   {"scale", KIND_NAMES},      {"lr", KIND_REAL},
    {"momentum", KIND_REAL},    {"beta1", KIND_REAL},       {"beta2", KIND_REAL},
    {"l2", KIND_REAL},          {"decay", KIND_REAL},       {"validation", KIND_REAL},
    {"epochs", KIND_WHOLE},     {"batch", KIND_WHOLE},      {"step-epochs", KIND_WHOLE},
    {"patience", KIND_WHOLE},
};

static int option_kind(const char *name, kind *out)
{
    for (size_t i = 0; i < sizeof options / sizeof *options; i++)
        if (strcmp(options[i].name, name) == 0) {
            *out = options[i].kind;
            return 1;
        }
    return 0;
}

int cli_space_has(const cli_space *s, const char *name)
{
    for (size_t d = 0; d < s->n; d++)
        if (strcmp(s->dim[d].name, name) == 0) return 1;
    return 0;
}

/* "1e-4..1e-1" or "1e-4..1e-1:log". */
static int read_range(cli_dim *d, const char *text, kind k)
{
    /* split at ".." first: strtod would take "1." of "1..9" */
    const char *dots = strstr(text, "..");
    char lo[CLI_VALUE_LEN], *end;
    if (!dots || dots == text || (size_t)(dots - text) >= sizeof lo) return 0;
    snprintf(lo, sizeof lo, "%.*s", (int)(dots - text), text);
    d->lo = strtod(lo, &end);
    if (*end) return 0;
    const char *hi = dots + 2;
    d->hi = strtod(hi, &end);
    if (end == hi) return 0;
    if (strcmp(end, ":log") == 0) d->log = 1;
    else if (*end) return 0;
    d->range = 1;
    d->integer = k == KIND_WHOLE;
    return isfinite(d->lo) && isfinite(d->hi);
}

static int read_list(cli_dim *d, const char *text)
{
    for (const char *p = text;;) {
        size_t len = strcspn(p, ",");
        if (len == 0 || len >= CLI_VALUE_LEN) return 0;
        if (d->n_values == CLI_MAX_VALUES) return 0;
        snprintf(d->values[d->n_values++], CLI_VALUE_LEN, "%.*s", (int)len, p);
        if (!p[len]) return 1;
        p += len + 1;
    }
}

int cli_space_add(cli_space *s, const char *text)
{
    const char *eq = strchr(text, '=');
    if (!eq || eq == text || (size_t)(eq - text) >= sizeof s->dim[0].name)
        return cli_usage_error("--space wants NAME=V1,V2,... or NAME=LO..HI[:log], not '%s'", text), 0;
    if (s->n == CLI_MAX_DIMS) return cli_usage_error("--space: at most %d dimensions", CLI_MAX_DIMS), 0;
    cli_dim *d = &s->dim[s->n];
    memset(d, 0, sizeof *d);
    snprintf(d->name, sizeof d->name, "%.*s", (int)(eq - text), text);
    kind k;
    if (!option_kind(d->name, &k))
        return cli_usage_error("--space %s: not a training option tune can vary (see backprop tune --help)",
                               d->name), 0;
    if (cli_space_has(s, d->name)) return cli_usage_error("--space %s is given twice", d->name), 0;
    const char *v = eq + 1;
    if (strstr(v, "..")) {
        if (k == KIND_NAMES)
            return cli_usage_error("--space %s takes a list of values, not a range", d->name), 0;
        if (!read_range(d, v, k))
            return cli_usage_error("--space %s: '%s' is not a range LO..HI or LO..HI:log", d->name, v), 0;
        if (!(d->lo < d->hi)) return cli_usage_error("--space %s: the range %s is empty", d->name, v), 0;
        if (d->log && !(d->lo > 0))
            return cli_usage_error("--space %s: a log range must start above 0, not at %g", d->name, d->lo), 0;
    } else if (!read_list(d, v)) {
        return cli_usage_error("--space %s: '%s' is not a list of values (an empty one, or too many)", d->name,
                               v), 0;
    }
    s->n++;
    return 1;
}

/* A default dimension, unless the option was given on the command line. */
static void add_default(cli_space *s, const cli_args *fixed, const char *text)
{
    char name[32];
    size_t len = strcspn(text, "=");
    snprintf(name, sizeof name, "%.*s", (int)len, text);
    if (cli_value(fixed, name) || cli_space_has(s, name)) return;
    cli_space_add(s, text);
}

void cli_space_default(cli_space *s, size_t rows, const cli_args *fixed)
{
    add_default(s, fixed, rows > 5000 ? "hidden=32,64,128,64-32" : "hidden=8,16,32,64,32-16");
    add_default(s, fixed, "activation=relu,tanh");
    add_default(s, fixed, "lr=0.0003..0.03:log");
    add_default(s, fixed, rows > 5000 ? "batch=32,128" : "batch=8,16,32");
    add_default(s, fixed, "l2=0,0.0001,0.001");
}

size_t cli_space_grid_size(const cli_space *s)
{
    size_t n = 1;
    for (size_t d = 0; d < s->n; d++) {
        if (s->dim[d].range) return 0;
        if (n > ((size_t)1 << 40) / s->dim[d].n_values) return 0; /* too many to list */
        n *= s->dim[d].n_values;
    }
    return n;
}

void cli_space_grid_point(const cli_space *s, size_t i, cli_point *p)
{
    for (size_t d = s->n; d-- > 0;) {
        const cli_dim *dim = &s->dim[d];
        snprintf(p->value[d], CLI_VALUE_LEN, "%s", dim->values[i % dim->n_values]);
        i /= dim->n_values;
    }
}

void cli_space_random_point(const cli_space *s, bp_rng *rng, cli_point *p)
{
    for (size_t d = 0; d < s->n; d++) {
        const cli_dim *dim = &s->dim[d];
        if (!dim->range) {
            snprintf(p->value[d], CLI_VALUE_LEN, "%s", dim->values[bp_rng_randrange(rng, dim->n_values)]);
            continue;
        }
        double u = bp_rng_random(rng);
        double v = dim->log ? exp(log(dim->lo) + u * (log(dim->hi) - log(dim->lo))) : dim->lo + u * (dim->hi - dim->lo);
        if (dim->integer) snprintf(p->value[d], CLI_VALUE_LEN, "%.0f", floor(v + 0.5));
        else snprintf(p->value[d], CLI_VALUE_LEN, "%.3g", v);
    }
}

void cli_space_option_value(const cli_space *s, size_t d, const char *v, char *out, size_t size)
{
    snprintf(out, size, "%s", v);
    if (strcmp(s->dim[d].name, "hidden") != 0) return;
    for (char *c = out; *c; c++)
        if (*c == '-') *c = ',';
}
