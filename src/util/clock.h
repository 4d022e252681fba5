/* Wall time for durations and deadlines. */
#ifndef BP_CLOCK_H
#define BP_CLOCK_H

/* Seconds on the monotonic clock, from an arbitrary start. */
double bp_clock_seconds(void);

#endif
