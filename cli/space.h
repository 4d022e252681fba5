/* The search space of `backprop tune`: dimensions over the training
 * options of `cv`, each a list of values or a numeric range, and the
 * points drawn from it (a grid in order, or random draws). */
#ifndef BP_CLI_SPACE_H
#define BP_CLI_SPACE_H

#include "cli.h"

enum { CLI_MAX_DIMS = 16, CLI_MAX_VALUES = 32, CLI_VALUE_LEN = 48 };

typedef struct cli_dim {
    char name[32];        /* the option, without dashes: "lr", "hidden" */
    size_t n_values;      /* a list of values, as the option takes them ("32-16" for --hidden 32,16) */
    char values[CLI_MAX_VALUES][CLI_VALUE_LEN];
    int range;            /* or a range lo..hi */
    double lo, hi;
    int log;              /* drawn on a log scale */
    int integer;          /* the option takes whole numbers */
} cli_dim;

typedef struct cli_space {
    cli_dim dim[CLI_MAX_DIMS];
    size_t n;
} cli_space;

/* One point of the space: a value for each dimension, as option text. */
typedef struct cli_point {
    char value[CLI_MAX_DIMS][CLI_VALUE_LEN];
} cli_point;

/* Adds "name=a,b,c" or "name=lo..hi[:log]"; prints an error and returns 0
 * for a bad one (an option tune cannot vary, an empty list, a range of an
 * option that takes names, a dimension given twice). */
int cli_space_add(cli_space *s, const char *text);
/* The space tune searches when none is given: widths and depth, the
 * activation, the learning rate on a log scale, the batch and L2, for a
 * data set of this many rows. Dimensions for options fixed on the command
 * line are left out. */
void cli_space_default(cli_space *s, size_t rows, const cli_args *fixed);
/* Whether option `name` is a dimension. */
int cli_space_has(const cli_space *s, const char *name);
/* The number of grid points; 0 when a dimension is a range. */
size_t cli_space_grid_size(const cli_space *s);
/* Grid point i, the last dimension varying fastest. */
void cli_space_grid_point(const cli_space *s, size_t i, cli_point *p);
/* A random point: each dimension drawn on its own from rng. */
void cli_space_random_point(const cli_space *s, bp_rng *rng, cli_point *p);
/* The option text of dimension d's value v: "32-16" becomes "32,16". */
void cli_space_option_value(const cli_space *s, size_t d, const char *v, char *out, size_t size);

#endif
