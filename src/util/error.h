/* Filling a bp_error: the one way the library reports what went wrong. */
#ifndef BP_ERROR_H
#define BP_ERROR_H

#include "backprop.h"

#if defined(__GNUC__)
#define BP_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define BP_PRINTF(fmt, args)
#endif

/* Sets err->status and a printf-formatted message (when err is non-NULL);
 * returns status so callers can write `return bp_error_set(...)`. */
bp_status bp_error_set(bp_error *err, bp_status status, const char *fmt, ...)
    BP_PRINTF(3, 4);

/* The common allocation failure: "out of memory (WHAT)". */
bp_status bp_error_nomem(bp_error *err, const char *what);

/* A NUL-terminated copy of len bytes of s; NULL when out of memory. */
char *bp_copy_text(const char *s, size_t len);

/* a * b into *out; 0 on overflow. */
int bp_mul_size(size_t a, size_t b, size_t *out);

#endif
