/* The report's charts of a classifier's probabilities: ROC and
 * precision-recall curves and a calibration plot, as inline SVG. */
#ifndef BP_CLI_CURVE_CHARTS_H
#define BP_CLI_CURVE_CHARTS_H

#include "html_report.h"

/* Writes the "Ranking and calibration" section of the report when it has
 * the scored rows' probabilities (r->proba); 0 when out of memory. */
int cli_write_curve_section(FILE *f, const cli_report *r);

#endif
