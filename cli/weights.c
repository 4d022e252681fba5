/* --class-weight: "balanced", or a weight for each named class. */
#include "cli.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One "NAME=W" of the list starting at text: the name's length, the weight
 * and where the next item starts (NULL at the end); 0 if it is malformed. */
static int next_item(const char *text, size_t *name_len, double *weight, const char **next)
{
    const char *comma = strchr(text, ',');
    const char *end = comma ? comma : text + strlen(text);
    const char *eq = memchr(text, '=', (size_t)(end - text));
    if (!eq || eq == text) return 0;
    /* the last '=' before the comma: class names may hold '=' */
    for (const char *p = eq + 1; p < end; p++)
        if (*p == '=') eq = p;
    char number[64];
    size_t len = (size_t)(end - eq - 1);
    if (len == 0 || len >= sizeof number) return 0;
    memcpy(number, eq + 1, len);
    number[len] = '\0';
    char *stop;
    *weight = strtod(number, &stop);
    if (*stop || !(*weight > 0) || !isfinite(*weight)) return 0;
    *name_len = (size_t)(eq - text);
    *next = comma ? comma + 1 : NULL;
    return 1;
}

int cli_check_class_weight(const cli_args *args)
{
    const char *v = cli_value(args, "class-weight");
    if (!v || strcmp(v, "balanced") == 0) return 1;
    size_t count = 0, len;
    double w;
    for (const char *p = v; p; count++)
        if (!next_item(p, &len, &w, &p))
            return cli_usage_error("--class-weight must be balanced or CLASS=WEIGHT,... with weights "
                                   "above 0, not '%s'", v), 0;
    if (count > CLI_MAX_CLASS_WEIGHTS)
        return cli_usage_error("--class-weight names %zu classes: at most %d", count,
                               (int)CLI_MAX_CLASS_WEIGHTS), 0;
    return 1;
}

/* The index of the class named by the len bytes at name, or the count. */
static size_t class_named(const bp_dataset *ds, const char *name, size_t len)
{
    size_t n = bp_dataset_classes(ds);
    for (size_t c = 0; c < n; c++) {
        const char *label = bp_dataset_class_name(ds, c);
        if (strlen(label) == len && memcmp(label, name, len) == 0) return c;
    }
    return n;
}

int cli_apply_class_weight(const cli_args *args, const bp_dataset *ds, double *storage,
                           bp_train_options *train)
{
    const char *v = cli_value(args, "class-weight");
    train->balanced = 0;
    train->class_weight = NULL;
    if (!v) return 1;
    size_t n = bp_dataset_classes(ds);
    if (n == 0) return cli_usage_error("--class-weight needs a classification target"), 0;
    if (strcmp(v, "balanced") == 0) {
        train->balanced = 1;
        return 1;
    }
    if (n > CLI_MAX_CLASS_WEIGHTS)
        return cli_usage_error("--class-weight: the data has %zu classes; weights can be named for "
                               "at most %d", n, (int)CLI_MAX_CLASS_WEIGHTS), 0;
    for (size_t c = 0; c < n; c++) storage[c] = 1;
    size_t len;
    double w;
    for (const char *p = v, *item = v; p; item = p) {
        if (!next_item(item, &len, &w, &p)) return cli_check_class_weight(args);
        size_t c = class_named(ds, item, len);
        if (c == n)
            return cli_usage_error("--class-weight: the data has no class '%.*s'", (int)len, item), 0;
        storage[c] = w;
    }
    train->class_weight = storage;
    return 1;
}

const char *cli_class_weight_text(const cli_args *args)
{
    const char *v = cli_value(args, "class-weight");
    return v ? v : "";
}
