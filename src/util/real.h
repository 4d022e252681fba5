/* libm functions for the build's scalar type (double, or float). */
#ifndef BP_REAL_H
#define BP_REAL_H

#include <math.h>
#include "backprop.h"

#ifdef BP_REAL_FLOAT
#define BP_EXP expf
#define BP_LOG logf
#define BP_SQRT sqrtf
#define BP_FABS fabsf
#define BP_REAL_FMT "float"
#else
#define BP_EXP exp
#define BP_LOG log
#define BP_SQRT sqrt
#define BP_FABS fabs
#define BP_REAL_FMT "double"
#endif

#endif
