#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *bp_status_name(bp_status status)
{
    switch (status) {
    case BP_OK: return "ok";
    case BP_ERR_ARG: return "invalid argument";
    case BP_ERR_DATA: return "invalid data";
    case BP_ERR_IO: return "input/output error";
    case BP_ERR_NOMEM: return "out of memory";
    case BP_ERR_NUMERIC: return "numeric failure";
    case BP_ERR_INTERRUPTED: return "interrupted";
    }
    return "unknown error";
}

bp_status bp_error_set(bp_error *err, bp_status status, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
        err->status = status;
    }
    return status;
}

bp_status bp_error_nomem(bp_error *err, const char *what)
{
    return bp_error_set(err, BP_ERR_NOMEM, "out of memory (%s)", what);
}

int bp_mul_size(size_t a, size_t b, size_t *out)
{
    if (a != 0 && b > (size_t)-1 / a) return 0;
    *out = a * b;
    return 1;
}

char *bp_copy_text(const char *s, size_t len)
{
    char *copy = malloc(len + 1);
    if (copy) {
        memcpy(copy, s, len);
        copy[len] = '\0';
    }
    return copy;
}
