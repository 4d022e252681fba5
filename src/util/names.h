/* Enum values by name: the one table-lookup behind every *_name and
 * *_parse function of the public API. */
#ifndef BP_NAMES_H
#define BP_NAMES_H

#include "backprop.h"

#define BP_COUNT(table) (sizeof(table) / sizeof *(table))

/* names[i], or "?" when i is out of range. */
const char *bp_name_of(const char *const *names, size_t n, size_t i);
/* The index of name in names; otherwise BP_ERR_ARG with
 * "unknown WHAT 'name' (expected a, b or c)". */
bp_status bp_name_parse(const char *const *names, size_t n, const char *what, const char *name,
                        size_t *index, bp_error *err);

#endif
