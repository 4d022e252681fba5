#include "util/names.h"

#include "util/error.h"

#include <stdio.h>
#include <string.h>

const char *bp_name_of(const char *const *names, size_t n, size_t i)
{
    return i < n ? names[i] : "?";
}

bp_status bp_name_parse(const char *const *names, size_t n, const char *what, const char *name,
                        size_t *index, bp_error *err)
{
    for (size_t i = 0; name && i < n; i++)
        if (strcmp(names[i], name) == 0) {
            *index = i;
            return BP_OK;
        }
    char expected[256] = "";
    for (size_t i = 0; i < n; i++) {
        const char *sep = i == 0 ? "" : i + 1 == n ? " or " : ", ";
        size_t used = strlen(expected);
        snprintf(expected + used, sizeof expected - used, "%s%s", sep, names[i]);
    }
    return bp_error_set(err, BP_ERR_ARG, "unknown %s '%s' (expected %s)", what, name ? name : "",
                        expected);
}
