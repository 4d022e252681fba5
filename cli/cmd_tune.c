/* backprop tune: a search over network and training settings, every
 * candidate scored by k-fold cross-validation on the same folds, the best
 * printed as the cv command line that reproduces its score, and a nested
 * estimate of how well the search itself does on rows it never saw. */
#include "cli.h"
#include "diagnostics.h"
#include "html_report.h"
#include "space.h"
#include "tune_report.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char tune_usage[] =
    "usage: backprop tune [options] FILE\n"
    "\n"
    "Searches network and training settings for the data: each candidate is\n"
    "cross-validated on the same folds, the best is printed with the 'backprop cv'\n"
    "command that reproduces its score, and a nested estimate (a search within\n"
    "each outer fold, scored on the rows it left out) says how well the search\n"
    "does on rows it never saw.\n"
    "\n"
    "search:\n"
    "  --space NAME=V1,V2,...   a dimension: the values of a training option\n"
    "  --space NAME=LO..HI[:log] ... or a range of a numeric one (repeat --space\n"
    "                           for more; hidden takes widths like 32-16 for two\n"
    "                           layers). Default: hidden, activation, lr (log),\n"
    "                           batch and l2, less the options given on the line\n"
    "  --method M               grid, random or halving (successive halving: all\n"
    "                           on a few epochs, the best third on three times\n"
    "                           more, ...) (random)\n"
    "  --trials N               at most N candidates (grid: every point; halving:\n"
    "                           180; random: 60)\n"
    "  --budget T               start no trial after T: 90s, 10m, 1h (no limit);\n"
    "                           shared evenly by the search and the outer folds'\n"
    "  --metric M               accuracy, f1 or logloss; rmse, mae or r2 for\n"
    "                           regression (accuracy; rmse)\n"
    "  --folds K                folds of each candidate's cross-validation (5)\n"
    "  --outer-folds K          folds of the nested estimate; 0: none (3)\n"
    "  --stratify               every fold keeps the class proportions\n"
    "  --seed S                 the folds, the initial weights and the random\n"
    "                           candidates (1)\n"
    "  --threads N              trials at once; 0 = all cores (0)\n"
    "  --resume FILE            keep each finished trial in FILE; run again after an\n"
    "                           interruption (Ctrl-C, kill), the same command takes\n"
    "                           them from there and reaches the same result\n"
    "\n"
    "output:\n"
    "  -o, --output MODEL       train the best candidate on every row and save it\n"
    "  --top N                  rows of the leaderboard (10)\n"
    "  --history FILE.csv       every trial of the search: its score, time and settings\n"
    "  --report FILE.html       a self-contained page: the leaderboard, the best and\n"
    "                           its command line, the score against each dimension\n"
    "  --format F               text or json (docs/json.md) on standard output (text)\n"
    "  --quiet                  no progress line\n"
    "\n"
    "data (as for cv):\n"
    "  --target COL             target column, a header name or 1-based number (last)\n"
    "  --ignore COL[,COL...]    columns to leave out\n"
    "  --classes L1,L2,..       class order\n"
    "  --task T                 auto, classification or regression (auto)\n"
    CLI_READING_HELP
    "  --max-memory SIZE        refuse a run that needs more memory, e.g. 512M\n"
    "  --help                   this text\n"
    "\n"
    "Any training option of cv (see below) fixes that setting for every candidate.\n"
    "Not given, tune uses --optimizer adam --scale standard, --loss xent for\n"
    "classification; under 1,000 rows --validation 0 --epochs 300, else\n"
    "--validation 0.1 --patience 20 and epochs for the data's size.\n"
    "\n";

/* 60 random candidates: 95% of the time one of them is in the best 5% of
 * the space; more, on the same folds, mostly pick the luckiest (the nested
 * estimate falls). Halving's candidates are mostly short. */
enum { TUNE_OPTIONS = 17, DEFAULT_TRIALS = 60, DEFAULT_HALVING = 180, DEFAULT_TOP = 10,
       SMALL_ROWS = 1000 };

typedef struct tune_config {
    const char *file;
    cli_args args;             /* as parsed: tune's, then the load and training options */
    size_t first_load, first_training, n_options;
    bp_load_options load;
    cli_space space;
    int method_grid, method_halving;
    size_t trials, folds, outer_folds, top, threads;
    double budget;
    bp_metric metric;
    int metric_given, stratify, json, quiet;
    const char *output, *seed;
    const char *resume;        /* --resume FILE */
    const char *history, *report;
} tune_config;

/* A candidate: its point in the space and what cv would make of it. */
typedef struct candidate {
    cli_point point;
    char text[CLI_MAX_DIMS][CLI_VALUE_LEN]; /* the dimensions' values as option text */
    cli_training training;
    bp_cv_options cv;
} candidate;

/* ------------------------------------------------------------ options */

/* "90s", "10m", "1h" or plain seconds. */
static int read_budget(const char *text, double *out)
{
    char *end;
    double v = strtod(text, &end);
    double unit = strcmp(end, "") == 0 || strcmp(end, "s") == 0 ? 1 : strcmp(end, "m") == 0 ? 60
                  : strcmp(end, "h") == 0                        ? 3600 : 0;
    if (end == text || unit == 0 || !(v > 0) || !isfinite(v))
        return cli_usage_error("--budget must be a positive time such as 90s, 10m or 1h, not '%s'", text), 0;
    *out = v * unit;
    return 1;
}

/* Every --space of the command line (the parser keeps only the last). */
static int read_spaces(int argc, char **argv, cli_space *s)
{
    for (int i = 0; i < argc; i++) {
        const char *v = NULL;
        if (strcmp(argv[i], "--space") == 0 && i + 1 < argc) v = argv[++i];
        else if (strncmp(argv[i], "--space=", 8) == 0) v = argv[i] + 8;
        if (v && !cli_space_add(s, v)) return 0;
    }
    return 1;
}

static int read_method(const char *v, tune_config *c)
{
    if (!v || strcmp(v, "random") == 0) return 1;
    if (strcmp(v, "grid") == 0) c->method_grid = 1;
    else if (strcmp(v, "halving") == 0) c->method_halving = 1;
    else return cli_usage_error("--method must be grid, random or halving, not '%s'", v), 0;
    return 1;
}

static int read_tune_options(tune_config *c, int argc, char **argv)
{
    const cli_args *a = &c->args;
    const char *v;
    c->file = a->positional[0];
    c->folds = 5;
    c->outer_folds = 3;
    c->top = DEFAULT_TOP;
    c->seed = cli_value(a, "seed") ? cli_value(a, "seed") : "1";
    if (!read_spaces(argc, argv, &c->space)) return 0;
    if (!read_method(cli_value(a, "method"), c)) return 0;
    if ((v = cli_value(a, "trials")) && !cli_size("trials", v, 1, &c->trials)) return 0;
    if ((v = cli_value(a, "budget")) && !read_budget(v, &c->budget)) return 0;
    if ((v = cli_value(a, "metric"))) {
        bp_error err;
        if (bp_metric_parse(v, &c->metric, &err) != BP_OK) return cli_fail(&err), 0;
        c->metric_given = 1;
    }
    if ((v = cli_value(a, "folds")) && !cli_size("folds", v, 2, &c->folds)) return 0;
    if ((v = cli_value(a, "outer-folds")) && !cli_size("outer-folds", v, 0, &c->outer_folds)) return 0;
    if (c->outer_folds == 1) return cli_usage_error("--outer-folds must be 0 (none) or at least 2"), 0;
    if ((v = cli_value(a, "top")) && !cli_size("top", v, 1, &c->top)) return 0;
    if ((v = cli_value(a, "threads")) && !cli_size("threads", v, 0, &c->threads)) return 0;
    if ((v = cli_value(a, "format")) && strcmp(v, "json") != 0 && strcmp(v, "text") != 0)
        return cli_usage_error("--format must be text or json, not '%s'", v), 0;
    c->json = v && strcmp(v, "json") == 0;
    c->quiet = cli_value(a, "quiet") != NULL;
    c->stratify = cli_value(a, "stratify") != NULL;
    c->output = cli_value(a, "output");
    c->resume = cli_value(a, "resume");
    c->history = cli_value(a, "history");
    c->report = cli_value(a, "report");
    if ((c->history && strcmp(c->history, "-") == 0) || (c->report && strcmp(c->report, "-") == 0))
        return cli_usage_error("tune: --history and --report need a file name, not standard output"), 0;
    if (c->output && strcmp(c->output, "-") == 0)
        return cli_usage_error("tune: -o needs a file name: a model is not written to standard output"), 0;
    for (size_t d = 0; d < c->space.n; d++)
        if (cli_value(a, c->space.dim[d].name))
            return cli_usage_error("--%s is fixed on the command line and also a dimension of the space",
                                   c->space.dim[d].name), 0;
    bp_load_defaults(&c->load);
    return cli_read_load_options(a, &c->load);
}

/* -------------------------------------------------------- candidates */

/* The settings tune fixes when the command line does not. */
static const char *tune_default(const bp_dataset *ds, const char *name, char *buf, size_t size)
{
    size_t rows = bp_dataset_rows(ds);
    if (strcmp(name, "optimizer") == 0) return "adam";
    if (strcmp(name, "scale") == 0) return "standard";
    /* A tenth of a small file is too few rows to stop on: their loss is
     * noise, and stopping on it cost the nested estimate several points
     * (bench/README.md, W5). Small files train a fixed number of epochs. */
    int small = rows < SMALL_ROWS;
    if (strcmp(name, "validation") == 0) return small ? "0" : "0.1";
    if (strcmp(name, "patience") == 0) return small ? NULL : "20";
    if (strcmp(name, "loss") == 0 && bp_dataset_classes(ds) > 0) return "xent";
    if (strcmp(name, "epochs") == 0) {
        snprintf(buf, size, "%d", small ? 300 : rows <= 2000 ? 200 : rows <= 20000 ? 50 : 20);
        return buf;
    }
    return NULL;
}

/* The value a candidate gives training option `name`: a dimension's, the
 * command line's, tune's default, or none (cv's default). */
static const char *candidate_value(const tune_config *c, const candidate *k, const bp_dataset *ds,
                                   const char *name, char *buf, size_t size)
{
    for (size_t d = 0; d < c->space.n; d++)
        if (strcmp(c->space.dim[d].name, name) == 0) return k->text[d];
    const char *v = cli_value(&c->args, name);
    return v ? v : tune_default(ds, name, buf, size);
}

/* Reads a candidate's training settings as cv reads its options, so that a
 * value cv would refuse is refused here, before anything trains. */
static int make_candidate(const tune_config *c, const bp_dataset *ds, candidate *k, size_t index)
{
    cli_option opts[CLI_TRAINING_OPTIONS];
    size_t n = cli_add_training_options(opts, 0);
    char defaults[CLI_TRAINING_OPTIONS][32];
    for (size_t i = 0; i < n; i++) opts[i].value = candidate_value(c, k, ds, opts[i].name, defaults[i], sizeof defaults[i]);
    cli_args args = {opts, n, {0}, 0};
    cli_training_defaults(&k->training);
    if (!cli_read_training(&args, &k->training)) {
        fprintf(stderr, "backprop: error: tune: candidate %zu is refused (see the line above)\n", index + 1);
        return 0;
    }
    bp_load_options load = c->load;
    cli_apply_task(&args, &load, ds, &k->training.net, &k->training.train);
    if (!cli_apply_class_weight(&args, ds, k->training.class_weights, &k->training.train)) return 0;
    bp_cv_defaults(&k->cv);
    k->cv.folds = c->folds;
    k->cv.stratify = c->stratify;
    k->cv.scale = k->training.scale;
    k->cv.net = k->training.net;
    k->cv.train = k->training.train;
    k->cv.train.max_memory = c->load.max_memory;
    return 1;
}

/* The candidates in the order the search takes them: the grid's points, or
 * random points drawn from the seed. */
static candidate *make_candidates(const tune_config *c, const bp_dataset *ds, size_t *count)
{
    size_t grid = cli_space_grid_size(&c->space);
    if (c->method_grid && grid == 0) {
        cli_usage_error("--method grid needs lists: a --space range has no grid (or the grid is too large)");
        return NULL;
    }
    size_t n = c->method_grid ? grid : c->trials ? c->trials : c->method_halving ? DEFAULT_HALVING : DEFAULT_TRIALS;
    if (c->method_grid && c->trials && c->trials < n) n = c->trials;
    candidate *k = calloc(n, sizeof *k);
    if (!k) {
        cli_usage_error("out of memory for %zu candidates", n);
        return NULL;
    }
    bp_rng rng;
    bp_error err;
    bp_rng_seed_decimal(&rng, c->seed, &err);
    bp_rng_randrange(&rng, 2); /* the candidates' draws apart from the folds' */
    for (size_t i = 0; i < n; i++) {
        if (c->method_grid) cli_space_grid_point(&c->space, i, &k[i].point);
        else cli_space_random_point(&c->space, &rng, &k[i].point);
        for (size_t d = 0; d < c->space.n; d++)
            cli_space_option_value(&c->space, d, k[i].point.value[d], k[i].text[d], CLI_VALUE_LEN);
        if (!make_candidate(c, ds, &k[i], i)) {
            free(k);
            return NULL;
        }
    }
    *count = n;
    return k;
}

/* ----------------------------------------------------------- progress */

/* The trials an earlier run left in the --resume file, and where this run
 * adds its own. */
typedef struct resume_log {
    FILE *f;                 /* open for appending, or NULL */
    bp_tune_trial *trials;   /* read back, with the search each belongs to */
    size_t *search;
    size_t n;
} resume_log;

typedef struct progress {
    int live;
    const tune_config *c;
    const candidate *k;
    const bp_cv_options *cvs; /* the candidates' cv options, side by side, as bp_tune takes them */
    const volatile sig_atomic_t *stop;
    double start;
    char stage[96];          /* "search", or which outer fold */
    size_t search;           /* 0: the search; 1 ... K: the outer folds' */
    double best;
    int have_best;
    resume_log *log;
} progress;


/* The metric as people read it: accuracy and f1 in percent. */
static void format_score(char *buf, size_t size, bp_metric m, double v)
{
    if (m == BP_METRIC_ACCURACY || m == BP_METRIC_F1) snprintf(buf, size, "%.3f%%", 100 * v);
    else snprintf(buf, size, "%.4g", v);
}

/* A candidate's dimensions as one word: "hidden=16;lr=0.003". */
static void put_settings(FILE *f, const tune_config *c, const candidate *k)
{
    for (size_t d = 0; d < c->space.n; d++) fprintf(f, "%s%s=%s", d ? ";" : "", c->space.dim[d].name, k->point.value[d]);
}

/* One finished trial, a line in the --resume file (hexadecimal floats: the
 * scores read back are the very numbers), flushed at once: a run killed
 * next loses nothing before it. */
static void log_trial(const progress *p, const bp_tune_trial *t)
{
    FILE *f = p->log->f;
    fprintf(f, "trial %zu %zu %zu %zu %a %a %a %d ", p->search, t->rung, t->candidate, t->epochs, t->mean, t->std,
            t->seconds, t->status == BP_OK ? 0 : 1);
    put_settings(f, p->c, &p->k[t->candidate]);
    fputc('\n', f);
    fflush(f);
}

static int on_trial(void *user, const bp_tune_trial *t, size_t done, size_t planned)
{
    progress *p = user;
    if (p->log && p->log->f) log_trial(p, t);
    if (t->status == BP_OK &&
        (!p->have_best || (bp_metric_higher_is_better(p->c->metric) ? t->mean > p->best : t->mean < p->best))) {
        p->best = t->mean;
        p->have_best = 1;
    }
    if (!p->live) return 0;
    char best[32] = "-";
    if (p->have_best) format_score(best, sizeof best, p->c->metric, p->best);
    double spent = cli_seconds() - p->start;
    fprintf(stderr, "\r%s: trial %zu of %zu, best %s, %.0fs", p->stage, done, planned, best, spent);
    if (p->c->budget > 0) fprintf(stderr, ", %.0fs of the budget left  ", p->c->budget > spent ? p->c->budget - spent : 0);
    fflush(stderr);
    return 0;
}

/* ------------------------------------------------------ command lines */

/* A word for the shell: quoted when it holds anything but the plain
 * characters of paths, numbers and names. */
static void put_word(FILE *f, const char *w)
{
    if (*w && strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./,:=+-") == strlen(w)) {
        fputs(w, f);
        return;
    }
    fputc('\'', f);
    for (const char *p = w; *p; p++) {
        if (*p == '\'') fputs("'\\''", f);
        else fputc(*p, f);
    }
    fputc('\'', f);
}

static void put_option(FILE *f, const char *name, const char *value)
{
    fprintf(f, " --%s", name);
    if (value) {
        fputc(' ', f);
        put_word(f, value);
    }
}

/* The candidate's dimensions, as options: "--hidden 32,16 --lr 0.003". */
static void put_dimensions(FILE *f, const tune_config *c, const candidate *k)
{
    for (size_t d = 0; d < c->space.n; d++) put_option(f, c->space.dim[d].name, k->text[d]);
}

/* The settings every candidate shares, as cv options: the folds, the seed,
 * how the file is read, the training options fixed on the command line or
 * by tune. */
static void put_fixed(FILE *f, const tune_config *c, const bp_dataset *ds)
{
    fprintf(f, "--folds %zu --seed ", c->folds);
    put_word(f, c->seed);
    if (c->stratify) fputs(" --stratify", f);
    for (size_t i = c->first_load; i < c->first_training; i++)
        if (c->args.options[i].value)
            put_option(f, c->args.options[i].name, c->args.options[i].takes_value ? c->args.options[i].value : NULL);
    cli_option opts[CLI_TRAINING_OPTIONS];
    size_t n = cli_add_training_options(opts, 0);
    for (size_t i = 0; i < n; i++) {
        char buf[32];
        if (!opts[i].takes_value) {
            if (cli_value(&c->args, opts[i].name)) put_option(f, opts[i].name, NULL);
            continue;
        }
        if (cli_space_has(&c->space, opts[i].name) || strcmp(opts[i].name, "seed") == 0 ||
            strcmp(opts[i].name, "threads") == 0)
            continue;
        const char *v = candidate_value(c, NULL, ds, opts[i].name, buf, sizeof buf); /* not a dimension */
        if (v) put_option(f, opts[i].name, v);
    }
}

/* The cv command line that reproduces candidate k's score. */
static void put_command(FILE *f, const tune_config *c, const candidate *k, const bp_dataset *ds)
{
    fputs("backprop cv ", f);
    put_fixed(f, c, ds);
    put_dimensions(f, c, k);
    fputc(' ', f);
    put_word(f, c->file);
}

/* ------------------------------------------------------------- resume */

/* The first line of a --resume file: everything the trials depend on but
 * the candidates' own settings (each trial's line holds those). NULL when
 * out of memory. */
static char *resume_header(const tune_config *c, const bp_dataset *ds)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (!m) return NULL;
    fputs("# backprop tune trials of: ", m);
    put_fixed(m, c, ds);
    fprintf(m, " --metric %s --method %s --outer-folds %zu ", bp_metric_name(c->metric),
            c->method_grid ? "grid" : c->method_halving ? "halving" : "random", c->outer_folds);
    put_word(m, c->file);
    fputc('\n', m);
    fclose(m);
    return text;
}

/* One "trial" line into log; 0 when it is not one (a line cut short by a kill). */
static int parse_trial(const char *line, bp_tune_trial *t, size_t *search, char *settings, size_t size)
{
    int failed, used = 0;
    double mean, std, seconds;
    if (sscanf(line, "trial %zu %zu %zu %zu %la %la %la %d %n", search, &t->rung, &t->candidate, &t->epochs, &mean,
               &std, &seconds, &failed, &used) != 8 || used == 0)
        return 0;
    size_t len = strcspn(line + used, "\n");
    if (line[used + len] != '\n' || len == 0 || len >= size) return 0;
    snprintf(settings, size, "%.*s", (int)len, line + used);
    t->mean = mean;
    t->std = std;
    t->seconds = seconds;
    t->status = failed ? BP_ERR_NUMERIC : BP_OK;
    return 1;
}

static int add_logged(resume_log *log, const bp_tune_trial *t, size_t search)
{
    bp_tune_trial *trials = realloc(log->trials, (log->n + 1) * sizeof *trials);
    if (trials) log->trials = trials;
    size_t *searches = trials ? realloc(log->search, (log->n + 1) * sizeof *searches) : NULL;
    if (searches) log->search = searches;
    if (!trials || !searches) return cli_usage_error("out of memory"), 0;
    log->trials[log->n] = *t;
    log->search[log->n++] = search;
    return 1;
}

/* Whether a logged trial is one of this search's: its candidate, with the
 * same settings. */
static int logged_fits(const tune_config *c, const candidate *k, size_t n, const bp_tune_trial *t, size_t search,
                       const char *settings)
{
    if (t->candidate >= n || search > c->outer_folds) return 0;
    char *mine = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&mine, &len);
    if (!m) return 0;
    put_settings(m, c, &k[t->candidate]);
    fclose(m);
    int same = mine && strcmp(mine, settings) == 0;
    free(mine);
    return same;
}

/* Reads what an earlier run left in the file, drops a last line a kill cut
 * short, and opens it to add this run's trials. */
static int open_resume(const tune_config *c, const bp_dataset *ds, const candidate *k, size_t n, resume_log *log)
{
    char *header = resume_header(c, ds), *line = NULL, settings[512];
    size_t cap = 0, good = 0, lines = 0;
    if (!header) return cli_usage_error("out of memory"), 0;
    FILE *f = fopen(c->resume, "r");
    if (!f && errno != ENOENT) {
        free(header);
        return cli_usage_error("cannot read %s: %s", c->resume, strerror(errno)), 0;
    }
    int ok = 1;
    for (ssize_t got; f && ok && (got = getline(&line, &cap, f)) > 0; lines++) {
        bp_tune_trial t;
        size_t search;
        if (lines == 0) {
            if (strcmp(line, header) != 0) {
                cli_usage_error("%s holds the trials of another search (its first line: %.*s); give another "
                                "--resume file", c->resume, (int)strcspn(line, "\n"), line);
                ok = 0;
            }
        } else if (!parse_trial(line, &t, &search, settings, sizeof settings)) {
            break; /* cut short: what follows is not to be trusted */
        } else if (!logged_fits(c, k, n, &t, search, settings)) {
            cli_usage_error("%s:%zu: a trial of another search (candidate %zu is not %s here); give another "
                            "--resume file", c->resume, lines + 1, t.candidate + 1, settings);
            ok = 0;
        } else {
            ok = add_logged(log, &t, search);
        }
        if (ok) good += (size_t)got;
    }
    free(line);
    if (f) fclose(f);
    if (!ok) {
        free(header);
        return 0;
    }
    if (f && truncate(c->resume, (off_t)good) != 0) {
        free(header);
        return cli_usage_error("cannot write %s: %s", c->resume, strerror(errno)), 0;
    }
    log->f = fopen(c->resume, "a");
    if (log->f && good == 0) {
        fputs(header, log->f);
        fflush(log->f);
    }
    free(header);
    if (!log->f) return cli_usage_error("cannot write %s: %s", c->resume, strerror(errno)), 0;
    return 1;
}

static void close_resume(resume_log *log)
{
    if (log->f) fclose(log->f);
    free(log->trials);
    free(log->search);
}

/* The logged trials of one search, for bp_tune_options.done. */
static bp_tune_trial *logged_trials(const resume_log *log, size_t search, size_t *count)
{
    *count = 0;
    bp_tune_trial *out = malloc((log->n ? log->n : 1) * sizeof *out);
    for (size_t i = 0; out && i < log->n; i++)
        if (log->search[i] == search) out[(*count)++] = log->trials[i];
    return out;
}

/* -------------------------------------------------------------- search */

static bp_status out_of_memory(bp_error *err)
{
    err->status = BP_ERR_NOMEM;
    snprintf(err->message, sizeof err->message, "out of memory");
    return BP_ERR_NOMEM;
}

static void tune_options(const tune_config *c, const progress *p, size_t n, double budget, size_t max_trials,
                         bp_tune_options *o)
{
    bp_tune_defaults(o);
    o->candidates = p->cvs;
    o->n_candidates = n;
    o->metric = c->metric;
    o->halving = c->method_halving;
    o->max_trials = c->method_halving ? 0 : max_trials;
    o->max_seconds = budget;
    o->threads = c->threads;
}

typedef struct outcome {
    bp_tune_result search;
    double nested_mean, nested_std;
    double *nested;          /* per outer fold */
    size_t *nested_best;     /* the candidate each outer search chose */
} outcome;

static bp_status search_rows(const tune_config *c, const bp_dataset *ds, size_t n, const size_t *rows,
                             size_t n_rows, double budget, size_t max_trials, progress *p, bp_tune_result *res,
                             bp_error *err)
{
    bp_tune_options o;
    tune_options(c, p, n, budget, max_trials, &o);
    o.rows = rows;
    o.n_rows = n_rows;
    o.on_trial = on_trial;
    o.user = p;
    o.stop = p->stop;
    p->have_best = 0;
    bp_tune_trial *done = p->log ? logged_trials(p->log, p->search, &o.n_done) : NULL;
    o.done = done;
    bp_rng rng;
    bp_status st = p->log && !done ? out_of_memory(err) : bp_rng_seed_decimal(&rng, c->seed, err);
    if (st == BP_OK) st = bp_tune(ds, &o, &rng, res, err);
    free(done);
    return st;
}

/* The score of candidate k trained on rows train, on rows test. */
static bp_status score_held_out(const tune_config *c, const bp_dataset *ds, const candidate *k, const size_t *train,
                                size_t n_train, const size_t *test, size_t n_test, double *out, bp_error *err)
{
    bp_model_options mo;
    bp_model_defaults(&mo);
    mo.net = k->cv.net;
    mo.train = k->cv.train;
    mo.scale = k->cv.scale;
    mo.rows = train;
    mo.n_rows = n_train;
    bp_rng rng;
    bp_status st = bp_rng_seed_decimal(&rng, c->seed, err);
    bp_model *m = NULL;
    if (st == BP_OK) st = bp_model_train(&m, ds, &mo, &rng, err);
    bp_evaluation ev;
    if (st == BP_OK) st = bp_model_evaluate_rows(m, ds, test, n_test, &ev, err);
    if (st == BP_OK) {
        switch (c->metric) {
        case BP_METRIC_ACCURACY: *out = ev.metrics.accuracy / 100; break;
        case BP_METRIC_F1: *out = ev.metrics.macro_f1; break;
        case BP_METRIC_LOG_LOSS: *out = ev.metrics.log_loss; break;
        case BP_METRIC_RMSE: *out = ev.regression.rmse; break;
        case BP_METRIC_MAE: *out = ev.regression.mae; break;
        case BP_METRIC_R2: *out = ev.regression.r2; break;
        case BP_METRIC_COUNT: *out = NAN; break;
        }
        bp_evaluation_free(&ev);
    }
    bp_model_free(m);
    return st;
}

/* Each search's share of --budget: the search and each outer fold's the
 * same, so that the nested estimate measures a search like the one reported. */
static double search_budget(const tune_config *c)
{
    return c->budget > 0 ? c->budget / (double)(c->outer_folds + 1) : 0;
}

/* The trials of an outer fold's search: as many as the search itself ran
 * when the budget cut it, so that the two searches are alike. */
static size_t outer_trials(const tune_config *c, const bp_tune_result *search)
{
    return search->cut && c->budget > 0 ? search->n_trials : c->trials;
}

/* A search within each outer fold, its best trained on the fold's other
 * rows and scored on the fold's own. */
static bp_status nested_estimate(const tune_config *c, const bp_dataset *ds, const candidate *k, size_t n,
                                 progress *p, outcome *out, bp_error *err)
{
    size_t rows = bp_dataset_rows(ds), K = c->outer_folds;
    size_t *order = malloc(rows * sizeof *order), *start = malloc((K + 1) * sizeof *start);
    size_t *train = malloc(rows * sizeof *train);
    out->nested = calloc(K, sizeof *out->nested);
    out->nested_best = calloc(K, sizeof *out->nested_best);
    bp_status st = order && start && train && out->nested && out->nested_best ? BP_OK
                                                                               : out_of_memory(err);
    bp_rng rng;
    if (st == BP_OK) st = bp_rng_seed_decimal(&rng, c->seed, err);
    if (st == BP_OK) st = bp_kfold_split(rows, K, &rng, order, start, err);
    double sum = 0;
    for (size_t f = 0; st == BP_OK && f < K; f++) {
        size_t n_train = 0;
        for (size_t i = 0; i < rows; i++)
            if (i < start[f] || i >= start[f + 1]) train[n_train++] = order[i];
        snprintf(p->stage, sizeof p->stage, "nested, outer fold %zu of %zu", f + 1, K);
        p->search = f + 1;
        bp_tune_result res;
        st = search_rows(c, ds, n, train, n_train, search_budget(c), outer_trials(c, &out->search), p, &res, err);
        if (st != BP_OK) break;
        out->nested_best[f] = res.trials[res.best].candidate;
        bp_tune_result_free(&res);
        st = score_held_out(c, ds, &k[out->nested_best[f]], train, n_train, order + start[f], start[f + 1] - start[f],
                            &out->nested[f], err);
        sum += out->nested[f];
    }
    if (st == BP_OK) {
        out->nested_mean = sum / (double)K;
        double ss = 0;
        for (size_t f = 0; f < K; f++) ss += (out->nested[f] - out->nested_mean) * (out->nested[f] - out->nested_mean);
        out->nested_std = sqrt(ss / (double)K);
    }
    free(order);
    free(start);
    free(train);
    return st;
}

/* ------------------------------------------------------------- output */

/* Trials best first: indices into the search's trials (the last round's
 * ahead of earlier rounds'). */
static size_t *rank_trials(const tune_config *c, const bp_tune_result *r)
{
    if (!r->trials || r->n_trials == 0) return NULL;
    size_t *order = malloc(r->n_trials * sizeof *order);
    if (!order) return NULL;
    size_t last = r->trials[r->best].rung;
    int higher = bp_metric_higher_is_better(c->metric);
    for (size_t i = 0; i < r->n_trials; i++) {
        size_t j = i;
        const bp_tune_trial *t = &r->trials[i];
        while (j > 0) {
            const bp_tune_trial *u = &r->trials[order[j - 1]];
            int t_last = t->rung == last, u_last = u->rung == last;
            int ahead = t_last != u_last ? t_last
                        : t->mean != u->mean ? (higher ? t->mean > u->mean : t->mean < u->mean)
                                             : t->candidate < u->candidate;
            if (!ahead) break;
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
    return order;
}

static void print_text(const tune_config *c, const bp_dataset *ds, const candidate *k, size_t n_candidates,
                       const outcome *o, const size_t *ranked, double seconds)
{
    const bp_tune_result *r = &o->search;
    char a[32], b[32];
    printf("Searched %zu trials over %zu candidates (%s, %zu-fold cv, %s) in %.1fs%s\n", r->n_trials,
           n_candidates, c->method_grid ? "grid" : c->method_halving ? "halving" : "random",
           c->folds, bp_metric_name(c->metric), seconds, r->cut ? ", cut short by the budget" : "");
    printf("rank  %-20s  epochs  seconds  settings\n", bp_metric_name(c->metric));
    size_t shown = r->n_trials < c->top ? r->n_trials : c->top;
    for (size_t i = 0; i < shown; i++) {
        const bp_tune_trial *t = &r->trials[ranked[i]];
        format_score(a, sizeof a, c->metric, t->mean);
        format_score(b, sizeof b, c->metric, t->std);
        char score[96];
        if (t->status == BP_OK) snprintf(score, sizeof score, "%s ± %s", a, b);
        else snprintf(score, sizeof score, "diverged");
        printf("%4zu  %-20s  %6zu  %7.2f ", i + 1, score, t->epochs, t->seconds);
        put_dimensions(stdout, c, &k[t->candidate]);
        putchar('\n');
    }
    const bp_tune_trial *best = &r->trials[r->best];
    format_score(a, sizeof a, c->metric, best->mean);
    format_score(b, sizeof b, c->metric, best->std);
    printf("\nBest:");
    put_dimensions(stdout, c, &k[best->candidate]);
    printf("\nCross-validated %s: %s ± %s\n", bp_metric_name(c->metric), a, b);
    if (o->nested) {
        format_score(a, sizeof a, c->metric, o->nested_mean);
        format_score(b, sizeof b, c->metric, o->nested_std);
        printf("Nested estimate (%zu outer folds, a search in each, scored on rows it never saw): %s ± %s\n",
               c->outer_folds, a, b);
    }
    printf("Reproduce the cross-validation:\n  ");
    put_command(stdout, c, &k[best->candidate], ds);
    putchar('\n');
    if (c->output) printf("Model: %s (the best, trained on every row)\n", c->output);
}

static void json_settings(cli_json *j, const tune_config *c, const candidate *k)
{
    cli_json_record(j, "settings");
    for (size_t d = 0; d < c->space.n; d++) cli_json_string(j, c->space.dim[d].name, k->point.value[d]);
    cli_json_end(j);
}

static void print_json(const tune_config *c, const bp_dataset *ds, const candidate *k, const outcome *o,
                       const size_t *ranked, double seconds)
{
    const bp_tune_result *r = &o->search;
    cli_json j;
    cli_json_begin_output(&j, stdout, "tune");
    cli_json_string(&j, "task", bp_dataset_classes(ds) ? "classification" : "regression");
    size_t *counts = bp_dataset_classes(ds) ? cli_class_counts(ds) : NULL;
    cli_json_data(&j, "data", ds, counts);
    free(counts);
    cli_json_string(&j, "method", c->method_grid ? "grid" : c->method_halving ? "halving" : "random");
    cli_json_string(&j, "metric", bp_metric_name(c->metric));
    cli_json_bool(&j, "higher_is_better", bp_metric_higher_is_better(c->metric));
    cli_json_size(&j, "folds", c->folds);
    cli_json_size(&j, "planned", r->planned);
    cli_json_bool(&j, "cut", r->cut);
    cli_json_number(&j, "seconds", seconds);
    cli_json_array(&j, "trials");
    for (size_t i = 0; i < r->n_trials; i++) {
        const bp_tune_trial *t = &r->trials[ranked[i]];
        cli_json_record(&j, NULL);
        cli_json_size(&j, "rank", i + 1);
        cli_json_size(&j, "candidate", t->candidate + 1);
        cli_json_size(&j, "round", t->rung + 1);
        cli_json_size(&j, "epochs", t->epochs);
        cli_json_number(&j, "mean", t->mean);
        cli_json_number(&j, "std", t->std);
        cli_json_bool(&j, "diverged", t->status != BP_OK);
        cli_json_number(&j, "seconds", t->seconds);
        json_settings(&j, c, &k[t->candidate]);
        cli_json_end(&j);
    }
    cli_json_end(&j);
    const bp_tune_trial *best = &r->trials[r->best];
    cli_json_object(&j, "best");
    cli_json_size(&j, "candidate", best->candidate + 1);
    cli_json_number(&j, "mean", best->mean);
    cli_json_number(&j, "std", best->std);
    json_settings(&j, c, &k[best->candidate]);
    char *line = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&line, &len);
    if (mem) {
        put_command(mem, c, &k[best->candidate], ds);
        fclose(mem);
    }
    cli_json_string(&j, "command", line ? line : "");
    free(line);
    cli_json_end(&j);
    if (o->nested) {
        cli_json_object(&j, "nested");
        cli_json_size(&j, "outer_folds", c->outer_folds);
        cli_json_number(&j, "mean", o->nested_mean);
        cli_json_number(&j, "std", o->nested_std);
        cli_json_row(&j, "scores");
        for (size_t f = 0; f < c->outer_folds; f++) cli_json_number(&j, NULL, o->nested[f]);
        cli_json_end(&j);
        cli_json_end(&j);
    } else {
        cli_json_null(&j, "nested");
    }
    if (c->output) cli_json_string(&j, "model", c->output);
    else cli_json_null(&j, "model");
    cli_warnings none = {.n = 0};
    cli_json_diagnostics(&j, &none);
    cli_json_end(&j);
    cli_json_finish(&j);
}

/* --history FILE.csv: every trial of the search, best first. */
static void write_history(FILE *f, const tune_config *c, const candidate *k, const outcome *o, const size_t *ranked)
{
    fputs("rank,round,candidate,epochs,mean,std,seconds,diverged", f);
    for (size_t d = 0; d < c->space.n; d++) fprintf(f, ",%s", c->space.dim[d].name);
    fputc('\n', f);
    for (size_t i = 0; i < o->search.n_trials; i++) {
        const bp_tune_trial *t = &o->search.trials[ranked[i]];
        fprintf(f, "%zu,%zu,%zu,%zu,%.17g,%.17g,%.6f,%d", i + 1, t->rung + 1, t->candidate + 1, t->epochs, t->mean,
                t->std, t->seconds, t->status != BP_OK);
        for (size_t d = 0; d < c->space.n; d++) fprintf(f, ",%s", k[t->candidate].point.value[d]);
        fputc('\n', f);
    }
}

/* --report FILE.html. */
static int write_report(FILE *f, const tune_config *c, const bp_dataset *ds, const candidate *k, const outcome *o,
                        const size_t *ranked, double seconds)
{
    size_t n = o->search.n_trials;
    cli_tune_row *rows = calloc(n, sizeof *rows);
    const char **dims = calloc(c->space.n ? c->space.n : 1, sizeof *dims);
    const char **values = calloc((n ? n : 1) * (c->space.n ? c->space.n : 1), sizeof *values);
    char *line = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&line, &len);
    int ok = rows && dims && values && m;
    if (m) {
        put_command(m, c, &k[o->search.trials[o->search.best].candidate], ds);
        fclose(m);
    }
    if (ok) {
        for (size_t d = 0; d < c->space.n; d++) dims[d] = c->space.dim[d].name;
        for (size_t i = 0; i < n; i++) {
            const bp_tune_trial *t = &o->search.trials[ranked[i]];
            for (size_t d = 0; d < c->space.n; d++) values[i * c->space.n + d] = k[t->candidate].point.value[d];
            rows[i] = (cli_tune_row){t->mean, t->std, t->seconds, t->epochs, t->rung, t->status != BP_OK,
                                     values + i * c->space.n};
        }
        cli_tune_page page = {c->file, c->method_grid ? "grid" : c->method_halving ? "halving" : "random",
                              bp_metric_name(c->metric), c->metric == BP_METRIC_ACCURACY || c->metric == BP_METRIC_F1,
                              c->folds, seconds, c->space.n, dims, rows, n, line ? line : "", o->nested != NULL,
                              c->outer_folds, o->nested_mean, o->nested_std};
        cli_tune_report(f, &page);
    }
    free(rows);
    free(dims);
    free(values);
    free(line);
    return ok ? 1 : (cli_usage_error("out of memory"), 0);
}

/* An output file opened before the search, so that a path that cannot be
 * written fails at once, and put in place at the end. */
typedef struct output_file {
    const char *path;
    bp_atomic_file *atomic;
    FILE *f;
} output_file;

static int open_output(output_file *o, const char *path)
{
    bp_error err;
    o->path = path;
    if (!path) return 1;
    if (bp_atomic_open(&o->atomic, path, &o->f, &err) != BP_OK) return cli_fail(&err), 0;
    return 1;
}

static int commit_output(output_file *o)
{
    bp_error err;
    if (!o->atomic) return 1;
    bp_atomic_file *a = o->atomic;
    o->atomic = NULL;
    if (ferror(o->f)) {
        bp_atomic_discard(a);
        return cli_usage_error("cannot write %s", o->path), 0;
    }
    if (bp_atomic_commit(a, &err) != BP_OK) return cli_fail(&err), 0;
    return 1;
}

static void discard_output(output_file *o)
{
    if (o->atomic) bp_atomic_discard(o->atomic);
    o->atomic = NULL;
}

/* ----------------------------------------------------------------- run */

static bp_status save_best(const tune_config *c, const bp_dataset *ds, const candidate *k, bp_error *err)
{
    bp_model_options mo;
    bp_model_defaults(&mo);
    mo.net = k->cv.net;
    mo.train = k->cv.train;
    mo.scale = k->cv.scale;
    mo.seed = c->seed;
    bp_rng rng;
    bp_status st = bp_rng_seed_decimal(&rng, c->seed, err);
    bp_model *m = NULL;
    if (st == BP_OK) st = bp_model_train(&m, ds, &mo, &rng, err);
    if (st == BP_OK) st = bp_model_save(m, c->output, err);
    bp_model_free(m);
    return st;
}

static int run_tune(tune_config *c, int argc, char **argv)
{
    if (!read_tune_options(c, argc, argv)) return EXIT_USAGE;
    bp_error err;
    bp_dataset *ds;
    if (bp_dataset_load(&ds, c->file, &c->load, &err) != BP_OK) return cli_fail(&err);
    cli_note_load(c->file, ds, &c->load);
    bp_load_info info;
    bp_dataset_load_info(ds, &info);
    if (!c->metric_given) c->metric = info.task == BP_TASK_REGRESSION ? BP_METRIC_RMSE : BP_METRIC_ACCURACY;
    if (c->space.n == 0) cli_space_default(&c->space, bp_dataset_rows(ds), &c->args);
    size_t n = 0;
    candidate *k = c->space.n ? make_candidates(c, ds, &n) : NULL;
    int status = k ? EXIT_OK : EXIT_USAGE;
    if (!c->space.n) cli_usage_error("tune: nothing to search: every option of the default space is fixed");
    outcome o;
    memset(&o, 0, sizeof o);
    output_file history = {NULL, NULL, NULL}, report = {NULL, NULL, NULL};
    if (status == EXIT_OK && (!open_output(&history, c->history) || !open_output(&report, c->report)))
        status = EXIT_USAGE;
    resume_log log = {NULL, NULL, NULL, 0};
    bp_cv_options *cvs = k ? malloc(n * sizeof *cvs) : NULL;
    if (cvs)
        for (size_t i = 0; i < n; i++) cvs[i] = k[i].cv;
    else if (status == EXIT_OK) status = cli_usage_error("out of memory");
    progress p = {isatty(STDERR_FILENO) && !c->quiet, c, k, cvs, cli_catch_stop_signals(), cli_seconds(), "search",
                  0, 0, 0, c->resume ? &log : NULL};
    if (status == EXIT_OK && c->resume && !open_resume(c, ds, k, n, &log)) status = EXIT_USAGE;
    int found = 0;
    double start = cli_seconds();
    bp_status st = BP_OK;
    if (status == EXIT_OK) {
        st = search_rows(c, ds, n, NULL, 0, search_budget(c), c->trials, &p, &o.search, &err);
        if (st == BP_OK && c->outer_folds) st = nested_estimate(c, ds, k, n, &p, &o, &err);
        if (p.live) fputs("\r\033[K", stderr);
        if (cli_stopped()) {
            fprintf(stderr, "backprop: tune stopped%s%s%s\n", c->resume ? "; its finished trials are in " : "",
                    c->resume ? c->resume : " (--resume FILE keeps finished trials for the next run)",
                    c->resume ? ": run the same command again to go on" : "");
            status = cli_interrupted_status();
        } else if (st != BP_OK) {
            status = cli_fail(&err);
        }
        found = st == BP_OK && o.search.trials && o.search.n_trials > 0;
    }
    double seconds = cli_seconds() - start;
    if (status == EXIT_OK && !found) status = cli_usage_error("tune: no trial finished");
    if (status == EXIT_OK && c->output) {
        st = save_best(c, ds, &k[o.search.trials[o.search.best].candidate], &err);
        if (st != BP_OK) status = cli_fail(&err);
    }
    size_t *ranked = status == EXIT_OK ? rank_trials(c, &o.search) : NULL;
    if (status == EXIT_OK && !ranked) status = cli_usage_error("out of memory");
    if (status == EXIT_OK) {
        if (c->json) print_json(c, ds, k, &o, ranked, seconds);
        else print_text(c, ds, k, n, &o, ranked, seconds);
        if (fflush(stdout) != 0 || ferror(stdout)) status = cli_usage_error("cannot write standard output");
    }
    if (status == EXIT_OK && history.f) {
        write_history(history.f, c, k, &o, ranked);
        if (!commit_output(&history)) status = EXIT_USAGE;
    }
    if (status == EXIT_OK && report.f) {
        if (!write_report(report.f, c, ds, k, &o, ranked, seconds) || !commit_output(&report)) status = EXIT_USAGE;
    }
    discard_output(&history);
    discard_output(&report);
    close_resume(&log);
    free(ranked);
    free(o.nested);
    free(o.nested_best);
    bp_tune_result_free(&o.search);
    free(cvs);
    free(k);
    bp_dataset_free(ds);
    return status;
}

int cmd_tune(int argc, char **argv)
{
    char **args = cli_long_output(argc, argv);
    if (!args) return cli_usage_error("out of memory");
    cli_option options[TUNE_OPTIONS + CLI_LOAD_OPTIONS + CLI_TRAINING_OPTIONS] = {
        {"help", 0, NULL},   {"space", 1, NULL},  {"method", 1, NULL},      {"trials", 1, NULL},
        {"budget", 1, NULL}, {"metric", 1, NULL}, {"folds", 1, NULL},       {"outer-folds", 1, NULL},
        {"stratify", 0, NULL}, {"output", 1, NULL}, {"top", 1, NULL},       {"format", 1, NULL},
        {"quiet", 0, NULL},  {"threads", 1, NULL}, {"resume", 1, NULL},
        {"history", 1, NULL}, {"report", 1, NULL}};
    tune_config *c = calloc(1, sizeof *c); /* large: the space */
    if (!c) {
        free(args);
        return cli_usage_error("out of memory");
    }
    c->first_load = TUNE_OPTIONS;
    c->first_training = cli_add_load_options(options, TUNE_OPTIONS);
    /* --threads is tune's (trials at once): found first, it shadows the
     * training option of that name */
    c->n_options = cli_add_training_options(options, c->first_training);
    c->args = (cli_args){options, c->n_options, {0}, 0};
    int status;
    if (!cli_parse(&c->args, argc, args, "tune")) {
        status = EXIT_USAGE;
    } else if (cli_value(&c->args, "help")) {
        fputs(tune_usage, stdout);
        fputs(cli_training_help, stdout);
        status = EXIT_OK;
    } else if (c->args.n_positional != 1) {
        fputs(tune_usage, stderr);
        status = cli_usage_error("tune: expected one data file, got %zu arguments", c->args.n_positional);
    } else {
        status = run_tune(c, argc, args);
    }
    free(c);
    free(args);
    return status;
}
