/* Printing numbers and lists the way Python prints them, for the examples. */
#ifndef EXAMPLES_PRINT_H
#define EXAMPLES_PRINT_H

#include <stdio.h>
#include "backprop.h"

static inline void print_number(double x)
{
    char buf[40];
    bp_format_double(buf, sizeof buf, x);
    fputs(buf, stdout);
}

/* [a, b, c] */
static inline void print_list(const bp_real *v, size_t n)
{
    putchar('[');
    for (size_t i = 0; i < n; i++) {
        if (i) fputs(", ", stdout);
        print_number(v[i]);
    }
    putchar(']');
}

/* One layer as the tutorial prints it: [{'weights': [w..., bias]}, ...]. */
static inline void print_layer(bp_net *net, size_t layer)
{
    size_t n_in = bp_net_width(net, layer), n_out = bp_net_width(net, layer + 1);
    putchar('[');
    for (size_t j = 0; j < n_out; j++) {
        printf("%s{'weights': [", j ? ", " : "");
        for (size_t i = 0; i < n_in; i++) {
            print_number(bp_net_weights(net, layer)[j * n_in + i]);
            fputs(", ", stdout);
        }
        print_number(bp_net_bias(net, layer)[j]);
        fputs("]}", stdout);
    }
    puts("]");
}

#endif
