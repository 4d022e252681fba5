/* Random draws the library needs beyond the public bp_rng_* calls, kept
 * with the generator so that every caller draws in Python's order. */
#ifndef BP_RNG_H
#define BP_RNG_H

#include "backprop.h"

/* Python's random.shuffle on n indices: from the last position down, swap
 * each with one drawn at or before it. The tutorial's splits and epoch
 * orders depend on exactly this sequence of draws. */
void bp_rng_shuffle(bp_rng *rng, size_t *v, size_t n);

#endif
