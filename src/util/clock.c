/* The monotonic clock: never set back, so a duration is never negative. */
#include "util/clock.h"

#include <time.h>

double bp_clock_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
