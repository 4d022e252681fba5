/* The system's exp(), called without its errno wrapper (internal). */
#ifndef BP_SYSEXP_H
#define BP_SYSEXP_H

typedef double (*bp_exp_fn)(double);

/* glibc's exp() is a wrapper: it calls the core routine, then looks at the
 * result to set errno on overflow. glibc also exports that core routine,
 * under the versioned name __exp_finite@GLIBC_2.15 that it keeps for old
 * binaries; called directly it returns the very same value (it is what
 * exp() calls) in about two thirds of the time, which counts where the
 * tutorial's sigmoid is half the work. Returns it where it is found and
 * agrees with exp() on a few values; exp() itself everywhere else. */
bp_exp_fn bp_system_exp(void);

#endif
