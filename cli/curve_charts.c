/* The report's charts of a classifier's probabilities: the ROC curve, the
 * precision-recall curve and a calibration plot of the rows scored. They
 * are drawn here as inline SVG, not by the page's script: they are the
 * same for every reader, need no interaction, and are there without
 * scripts (and in a printed page).
 *
 * Two classes: the curves of the positive class, the second label, as
 * bp_metrics scores it. More: each class against the rest, one colour a
 * class, for the classes that have curves (rows of their own and of
 * another class), at most MAX_CLASSES_DRAWN of them, the largest. */
#include "curve_charts.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

enum {
    CHART_W = 420, CHART_H = 340, LEFT = 54, RIGHT = 16, TOP = 14, BOTTOM = 46,
    MAX_CURVE_POINTS = 1000, /* a curve of a million rows stays a small page */
    MAX_CLASSES_DRAWN = 10,  /* one colour each, the learning curves' palette */
    CALIBRATION_BINS = 10
};

static const char *const colours[MAX_CLASSES_DRAWN] = {"#4e79a7", "#f28e2b", "#e15759", "#59a14f", "#b07aa1",
                                                       "#76b7b2", "#edc948", "#ff9da7", "#9c755f", "#7f7f7f"};

static double to_x(double v) { return LEFT + v * (CHART_W - LEFT - RIGHT); }
static double to_y(double v) { return CHART_H - BOTTOM - v * (CHART_H - TOP - BOTTOM); }

/* The classes drawn, in class order. */
typedef struct drawn {
    size_t n;
    size_t cls[MAX_CLASSES_DRAWN];
    size_t with_curves; /* the classes that have curves, drawn or not */
} drawn;

static int has_curves(const bp_metrics *m, size_t c) { return !isnan(m->per_class[c].roc_auc); }

static int is_drawn(const drawn *d, size_t c)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->cls[i] == c) return 1;
    return 0;
}

/* The unchosen class with curves and the most rows (the first of equals). */
static int largest_left(const bp_metrics *m, const drawn *d, size_t *out)
{
    int found = 0;
    for (size_t c = 0; c < m->n_classes; c++) {
        if (!has_curves(m, c) || is_drawn(d, c)) continue;
        if (!found || m->per_class[c].support > m->per_class[*out].support) *out = c;
        found = 1;
    }
    return found;
}

static void choose_classes(const bp_metrics *m, drawn *d)
{
    memset(d, 0, sizeof *d);
    if (m->n_classes == 2) {
        d->with_curves = has_curves(m, 1);
        if (d->with_curves) d->cls[d->n++] = 1;
        return;
    }
    for (size_t c = 0; c < m->n_classes; c++) d->with_curves += (size_t)has_curves(m, c);
    size_t c = 0;
    while (d->n < MAX_CLASSES_DRAWN && largest_left(m, d, &c)) d->cls[d->n++] = c;
    for (size_t i = 1; i < d->n; i++) /* back to class order */
        for (size_t j = i; j > 0 && d->cls[j - 1] > d->cls[j]; j--) {
            size_t t = d->cls[j];
            d->cls[j] = d->cls[j - 1];
            d->cls[j - 1] = t;
        }
}

/* ------------------------------------------------------------ drawing */

/* A chart's figure, caption and frame: both axes from 0 to 1. */
static void open_chart(FILE *f, const char *title, const char *subtitle, const char *x_label, const char *y_label)
{
    fputs("<figure class=\"chart\"><figcaption><div>", f);
    cli_put_html(f, title);
    fputs("<div class=\"subtitle\">", f);
    cli_put_html(f, subtitle);
    fprintf(f, "</div></div></figcaption>\n<div class=\"plot\"><svg viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"",
            CHART_W, CHART_H);
    cli_put_html(f, title);
    fputs("\">\n<g class=\"grid\">\n", f);
    for (int t = 0; t <= 5; t++) {
        double v = t / 5.0;
        fprintf(f, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>", LEFT, CHART_W - RIGHT, to_y(v), to_y(v));
        fprintf(f, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.1f</text>", LEFT - 8, to_y(v) + 4, v);
        fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"/>", to_x(v), to_x(v), TOP, CHART_H - BOTTOM);
        fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.1f</text>\n", to_x(v), CHART_H - BOTTOM + 18, v);
    }
    fprintf(f, "</g>\n<rect class=\"axis\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>\n", LEFT, TOP,
            CHART_W - LEFT - RIGHT, CHART_H - TOP - BOTTOM);
    fprintf(f, "<text class=\"title\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">", (LEFT + CHART_W - RIGHT) / 2,
            CHART_H - 6);
    cli_put_html(f, x_label);
    fprintf(f, "</text>\n<text class=\"title\" x=\"%d\" y=\"16\" transform=\"rotate(-90)\" text-anchor=\"middle\">",
            -(TOP + CHART_H - BOTTOM) / 2);
    cli_put_html(f, y_label);
    fputs("</text>\n", f);
}

/* A dashed reference line: chance, or perfect calibration. */
static void reference_line(FILE *f, double x0, double y0, double x1, double y1, const char *what)
{
    fprintf(f, "<line class=\"diagonal\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"><title>", to_x(x0), to_y(y0),
            to_x(x1), to_y(y1));
    cli_put_html(f, what);
    fputs("</title></line>\n", f);
}

/* The end of the drawing; the legend's entries follow. */
static void close_drawing(FILE *f) { fputs("</svg></div>\n<div class=\"curve-legend\">", f); }

static void legend_entry(FILE *f, const char *colour, const char *name, const char *figure)
{
    fprintf(f, "<span><span class=\"swatch\" style=\"border-color:%s\"></span>", colour);
    cli_put_html(f, name);
    if (figure) {
        fputs(" ", f);
        cli_put_html(f, figure);
    }
    fputs("</span>", f);
}

static void close_chart(FILE *f) { fputs("</div></figure>\n", f); }

/* A curve as an SVG path through at most MAX_CURVE_POINTS of its points,
 * evenly spaced, the first and the last always. With steps, each point is
 * reached level from the one before at its own height, the precision-recall
 * way: the area under the steps is then the average precision. */
static void put_path(FILE *f, const bp_curve *c, int steps, const char *colour, const char *name)
{
    size_t stride = (c->n + MAX_CURVE_POINTS - 1) / MAX_CURVE_POINTS;
    if (stride == 0) stride = 1;
    fprintf(f, "<path class=\"curve\" stroke=\"%s\" d=\"", colour);
    for (size_t i = 0; c->n > 0;) {
        if (i == 0) fprintf(f, "M%.1f %.1f", to_x(c->x[i]), to_y(c->y[i]));
        else if (steps) fprintf(f, "V%.1fH%.1f", to_y(c->y[i]), to_x(c->x[i]));
        else fprintf(f, "L%.1f %.1f", to_x(c->x[i]), to_y(c->y[i]));
        if (i + 1 >= c->n) break;
        i = i + stride < c->n - 1 ? i + stride : c->n - 1;
    }
    fputs("\"><title>", f);
    cli_put_html(f, name);
    fputs("</title></path>\n", f);
}

/* ------------------------------------------------------------- charts */

/* What the figure of the whole is: the positive class's, or the macro mean. */
static const char *average_name(const bp_metrics *m)
{
    return m->n_classes == 2 ? "positive class" : "macro, each class against the rest";
}

static int write_roc_chart(FILE *f, const cli_report *r, const drawn *d)
{
    const bp_metrics *m = r->metrics;
    char subtitle[128], figure[64];
    snprintf(subtitle, sizeof subtitle, "AUC %.4f (%s)", m->roc_auc, average_name(m));
    open_chart(f, "ROC curve", subtitle, "false positive rate", "true positive rate");
    reference_line(f, 0, 0, 1, 1, "a ranking by chance");
    for (size_t i = 0; i < d->n; i++) {
        bp_curve curve;
        bp_error err;
        if (bp_roc_curve(&curve, r->classes, r->proba, r->n_proba, m->n_classes, d->cls[i], &err) != BP_OK)
            return 0;
        put_path(f, &curve, 0, colours[i], bp_dataset_class_name(r->ds, d->cls[i]));
        bp_curve_free(&curve);
    }
    close_drawing(f);
    for (size_t i = 0; i < d->n; i++) {
        snprintf(figure, sizeof figure, "AUC %.4f", m->per_class[d->cls[i]].roc_auc);
        legend_entry(f, colours[i], bp_dataset_class_name(r->ds, d->cls[i]), figure);
    }
    close_chart(f);
    return 1;
}

static int write_pr_chart(FILE *f, const cli_report *r, const drawn *d)
{
    const bp_metrics *m = r->metrics;
    char subtitle[128], figure[64];
    snprintf(subtitle, sizeof subtitle, "average precision %.4f (%s)", m->pr_auc, average_name(m));
    open_chart(f, "Precision\u2013recall curve", subtitle, "recall", "precision");
    if (d->n == 1) { /* a ranking by chance is as precise as the class is common */
        double share = m->n ? (double)m->per_class[d->cls[0]].support / (double)m->n : 0;
        reference_line(f, 0, share, 1, share, "a ranking by chance: the class's share of the rows");
    }
    for (size_t i = 0; i < d->n; i++) {
        bp_curve curve;
        bp_error err;
        if (bp_pr_curve(&curve, r->classes, r->proba, r->n_proba, m->n_classes, d->cls[i], &err) != BP_OK)
            return 0;
        put_path(f, &curve, 1, colours[i], bp_dataset_class_name(r->ds, d->cls[i]));
        bp_curve_free(&curve);
    }
    close_drawing(f);
    for (size_t i = 0; i < d->n; i++) {
        snprintf(figure, sizeof figure, "AP %.4f", m->per_class[d->cls[i]].pr_auc);
        legend_entry(f, colours[i], bp_dataset_class_name(r->ds, d->cls[i]), figure);
    }
    close_chart(f);
    return 1;
}

/* One class's bins: a line through the bins that have rows, and a point
 * for each, which names its range, rows and figures. */
static void put_calibration(FILE *f, const bp_calibration_bin *bins, const char *colour, const char *name)
{
    fprintf(f, "<path class=\"curve\" stroke=\"%s\" d=\"", colour);
    int pen = 0;
    for (size_t b = 0; b < CALIBRATION_BINS; b++) {
        if (!bins[b].count) continue;
        fprintf(f, "%c%.1f %.1f", pen ? 'L' : 'M', to_x(bins[b].mean_predicted), to_y(bins[b].fraction_positive));
        pen = 1;
    }
    fputs("\"/>\n", f);
    for (size_t b = 0; b < CALIBRATION_BINS; b++) {
        if (!bins[b].count) continue;
        fprintf(f, "<circle class=\"bin\" cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"><title>",
                to_x(bins[b].mean_predicted), to_y(bins[b].fraction_positive), colour);
        cli_put_htmlf(f, "'%s', p from %.1f to %.1f: %zu rows, mean p %.3f, %.1f%% of them of the class", name,
                  bins[b].lo, bins[b].hi, bins[b].count, bins[b].mean_predicted, 100 * bins[b].fraction_positive);
        fputs("</title></circle>\n", f);
    }
}

static int write_calibration_chart(FILE *f, const cli_report *r, const drawn *d)
{
    const bp_metrics *m = r->metrics;
    char subtitle[128];
    snprintf(subtitle, sizeof subtitle, "%d bins of the predicted probability; Brier score %.4f", CALIBRATION_BINS,
             m->brier);
    open_chart(f, "Calibration", subtitle, "mean predicted probability", "share of the rows of the class");
    reference_line(f, 0, 0, 1, 1, "perfectly calibrated");
    for (size_t i = 0; i < d->n; i++) {
        bp_calibration_bin bins[CALIBRATION_BINS];
        bp_error err;
        if (bp_calibration(bins, CALIBRATION_BINS, r->classes, r->proba, r->n_proba, m->n_classes, d->cls[i],
                           &err) != BP_OK)
            return 0;
        put_calibration(f, bins, colours[i], bp_dataset_class_name(r->ds, d->cls[i]));
    }
    close_drawing(f);
    for (size_t i = 0; i < d->n; i++) legend_entry(f, colours[i], bp_dataset_class_name(r->ds, d->cls[i]), NULL);
    close_chart(f);
    return 1;
}

/* ------------------------------------------------------------ section */

static void write_intro(FILE *f, const cli_report *r, const drawn *d)
{
    const bp_metrics *m = r->metrics;
    fputs("<p class=\"note\">", f);
    if (m->n_classes == 2) {
        fputs("The positive class is ", f);
        cli_put_htmlf(f, "'%s'", bp_dataset_class_name(r->ds, 1));
        fputs(", the second label. ", f);
    } else if (d->n < d->with_curves) {
        fprintf(f, "Each class against the rest: the %zu with the most rows of the %zu that have curves. ", d->n,
                d->with_curves);
    } else {
        fputs("Each class against the rest. ", f);
    }
    if (d->with_curves < m->n_classes && m->n_classes > 2)
        fprintf(f, "%zu classes have no curve: the rows hold none of them. ", m->n_classes - d->with_curves);
    fputs("The ROC curve and the precision\u2013recall curve follow the rows from the highest probability of "
          "the class down, one point for each distinct probability; the dashed lines are what a ranking by chance "
          "does. The average precision is the area under the precision\u2013recall steps. The calibration plot "
          "puts the rows in equal-width bins of their probability of the class and sets each bin's mean "
          "probability against the share of its rows that are of the class: on the diagonal, a probability means "
          "what it says.</p>\n",
          f);
}

int cli_write_curve_section(FILE *f, const cli_report *r)
{
    if (!r->metrics || !r->proba || !r->classes) return 1;
    drawn d;
    choose_classes(r->metrics, &d);
    fputs("<section>\n<h2>Ranking and calibration</h2>\n", f);
    if (d.n == 0) {
        fputs("<p class=\"note\">No class has rows both of its own and of another class among the rows scored: "
              "there is no ROC or precision\u2013recall curve to draw.</p>\n</section>\n",
              f);
        return 1;
    }
    write_intro(f, r, &d);
    fputs("<div class=\"charts\" id=\"ranking\">\n", f);
    int ok = write_roc_chart(f, r, &d) && write_pr_chart(f, r, &d) && write_calibration_chart(f, r, &d);
    fputs("</div>\n</section>\n", f);
    return ok;
}
