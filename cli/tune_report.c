/* Writing tune's report: tables and one small SVG plot per dimension. */
#include "tune_report.h"

#include "html_report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { PLOT_W = 340, PLOT_H = 200, MARGIN = 56, SHOWN_ROWS = 50 };

static void put_score(FILE *f, const cli_tune_page *p, double v)
{
    if (p->percent) fprintf(f, "%.3f%%", 100 * v);
    else fprintf(f, "%.4g", v);
}

static int is_number(const char *s, double *out)
{
    char *end;
    *out = strtod(s, &end);
    return end != s && *end == '\0' && isfinite(*out);
}

/* Where dimension d's values go on the x axis, 0 .. 1: by value (on a log
 * scale when they span more than a decade and are all above 0), or, for
 * names, at evenly spaced places in the order they first appear. */
typedef struct axis {
    int numeric, log;
    double lo, hi;
    size_t n_names;
    const char *names[64];
} axis;

static size_t name_index(axis *a, const char *v)
{
    for (size_t i = 0; i < a->n_names; i++)
        if (strcmp(a->names[i], v) == 0) return i;
    if (a->n_names < sizeof a->names / sizeof *a->names) a->names[a->n_names++] = v;
    return a->n_names - 1;
}

static void make_axis(const cli_tune_page *p, size_t d, axis *a)
{
    memset(a, 0, sizeof *a);
    a->numeric = 1;
    a->lo = INFINITY;
    a->hi = -INFINITY;
    for (size_t i = 0; i < p->n_rows; i++) {
        double v;
        if (!is_number(p->rows[i].values[d], &v)) a->numeric = 0;
        else {
            a->lo = fmin(a->lo, v);
            a->hi = fmax(a->hi, v);
        }
        name_index(a, p->rows[i].values[d]);
    }
    a->log = a->numeric && a->lo > 0 && a->hi > 10 * a->lo;
}

static double axis_place(axis *a, const char *value)
{
    double v;
    if (a->numeric && is_number(value, &v)) {
        if (a->hi <= a->lo) return 0.5;
        return a->log ? (log(v) - log(a->lo)) / (log(a->hi) - log(a->lo)) : (v - a->lo) / (a->hi - a->lo);
    }
    size_t i = name_index(a, value);
    return a->n_names < 2 ? 0.5 : (double)i / (double)(a->n_names - 1);
}

static void plot_dimension(FILE *f, const cli_tune_page *p, size_t d, double lo, double hi)
{
    axis a;
    make_axis(p, d, &a);
    fprintf(f, "<figure><svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n", PLOT_W, PLOT_H,
            PLOT_W, PLOT_H);
    fprintf(f, "<rect x=\"%d\" y=\"8\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#bbb\"/>\n", MARGIN,
            PLOT_W - MARGIN - 8, PLOT_H - MARGIN - 8);
    double w = PLOT_W - MARGIN - 16, h = PLOT_H - MARGIN - 16;
    for (int end = 0; end < 2; end++) { /* the score's range, top and bottom */
        fprintf(f, "<text x=\"%d\" y=\"%.0f\" font-size=\"10\" text-anchor=\"end\">", MARGIN - 3, end ? 12 + h : 16.0);
        put_score(f, p, end ? lo : hi);
        fputs("</text>\n", f);
    }
    for (size_t i = p->n_rows; i-- > 0;) { /* the best drawn last, on top */
        const cli_tune_row *r = &p->rows[i];
        if (r->diverged) continue;
        double x = MARGIN + 4 + w * axis_place(&a, r->values[d]);
        double y = 12 + h * (hi > lo ? (hi - r->mean) / (hi - lo) : 0.5);
        fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%d\" fill=\"%s\" fill-opacity=\"0.7\"><title>", x, y,
                i == 0 ? 5 : 3, i == 0 ? "#d6336c" : "#3b6ea5");
        cli_put_html(f, r->values[d]);
        fputs(": ", f);
        put_score(f, p, r->mean);
        fputs("</title></circle>\n", f);
    }
    fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"11\">", MARGIN, PLOT_H - 6);
    if (a.numeric) fprintf(f, "%g &#8594; %g%s", a.lo, a.hi, a.log ? " (log)" : "");
    else
        for (size_t i = 0; i < a.n_names; i++) {
            fputs(i ? " &#183; " : "", f);
            cli_put_html(f, a.names[i]);
        }
    fputs("</text>\n</svg><figcaption><code>--", f);
    cli_put_html(f, p->dims[d]);
    fputs("</code></figcaption></figure>\n", f);
}

static void write_leaderboard(FILE *f, const cli_tune_page *p)
{
    fputs("<table>\n<thead><tr><th>rank</th><th>", f);
    cli_put_html(f, p->metric);
    fputs("</th><th>&#177; std</th><th>round</th><th>epochs</th><th>seconds</th>", f);
    for (size_t d = 0; d < p->n_dims; d++) {
        fputs("<th>", f);
        cli_put_html(f, p->dims[d]);
        fputs("</th>", f);
    }
    fputs("</tr></thead>\n<tbody>\n", f);
    for (size_t i = 0; i < p->n_rows && i < SHOWN_ROWS; i++) {
        const cli_tune_row *r = &p->rows[i];
        fprintf(f, "<tr%s><td>%zu</td><td>", i == 0 ? " class=\"best\"" : "", i + 1);
        if (r->diverged) fputs("diverged</td><td>", f);
        else {
            put_score(f, p, r->mean);
            fputs("</td><td>", f);
            put_score(f, p, r->std);
        }
        fprintf(f, "</td><td>%zu</td><td>%zu</td><td>%.2f</td>", r->round + 1, r->epochs, r->seconds);
        for (size_t d = 0; d < p->n_dims; d++) {
            fputs("<td>", f);
            cli_put_html(f, r->values[d]);
            fputs("</td>", f);
        }
        fputs("</tr>\n", f);
    }
    fputs("</tbody>\n</table>\n", f);
    if (p->n_rows > SHOWN_ROWS) fprintf(f, "<p>The best %d of %zu trials; every one is in the plots.</p>\n", SHOWN_ROWS, p->n_rows);
}

void cli_tune_report(FILE *f, const cli_tune_page *p)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>backprop tune: ", f);
    cli_put_html(f, p->file);
    fputs("</title>\n<style>\nbody { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1100px; "
          "color: #222; }\ntable { border-collapse: collapse; margin: 12px 0; }\nth, td { padding: 3px 10px; "
          "border-bottom: 1px solid #e3e3e3; text-align: right; }\ntr.best td { font-weight: 650; }\n"
          "figure { display: inline-block; margin: 8px 12px 8px 0; }\ncode.cmd { display: block; padding: 8px; "
          "background: #f5f5f5; overflow-wrap: anywhere; }\n</style>\n</head>\n<body>\n<h1>backprop tune</h1>\n<p>",
          f);
    cli_put_html(f, p->file);
    fprintf(f, ": %zu trials (%s), each a %zu-fold cross-validation scored by ", p->n_rows, p->method, p->folds);
    cli_put_html(f, p->metric);
    fprintf(f, ", in %.1f s.</p>\n", p->seconds);
    if (p->n_rows > 0) {
        fputs("<h2>Best</h2>\n<p>", f);
        cli_put_html(f, p->metric);
        fputs(" ", f);
        put_score(f, p, p->rows[0].mean);
        fputs(" &#177; ", f);
        put_score(f, p, p->rows[0].std);
        fputs(" over the folds", f);
        if (p->has_nested) {
            fprintf(f, "; nested estimate over %zu outer folds (a search in each, scored on rows it never saw): ",
                    p->outer_folds);
            put_score(f, p, p->nested_mean);
            fputs(" &#177; ", f);
            put_score(f, p, p->nested_std);
        }
        fputs(". Reproduce it with:</p>\n<code class=\"cmd\">", f);
        cli_put_html(f, p->command);
        fputs("</code>\n", f);
    }
    fputs("<h2>Leaderboard</h2>\n", f);
    write_leaderboard(f, p);
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < p->n_rows; i++)
        if (!p->rows[i].diverged) {
            lo = fmin(lo, p->rows[i].mean);
            hi = fmax(hi, p->rows[i].mean);
        }
    fputs("<h2>The score against each dimension</h2>\n<p>Each point a trial, higher on the plot is a higher ", f);
    cli_put_html(f, p->metric);
    fputs("; the best in red.</p>\n", f);
    for (size_t d = 0; d < p->n_dims; d++) plot_dimension(f, p, d, lo, hi);
    fputs("\n<footer>Written by backprop. This file is self-contained: it needs no network access.</footer>\n"
          "</body>\n</html>\n", f);
}
