/* Command-line parsing for the subcommands: long options only, checked
 * strictly, with an error that names the option and the value. */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("backprop: error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return EXIT_USAGE;
}

int cli_fail(const bp_error *err)
{
    fprintf(stderr, "backprop: error: %s\n", err->message);
    switch (err->status) {
    case BP_ERR_ARG:
    case BP_ERR_DATA:
    case BP_ERR_IO:
        return EXIT_USAGE;
    case BP_ERR_INTERRUPTED:
        return 130;
    default:
        return EXIT_RUNTIME;
    }
}

static cli_option *find_option(cli_args *args, const char *name, size_t len)
{
    for (size_t i = 0; i < args->n_options; i++)
        if (strlen(args->options[i].name) == len && strncmp(args->options[i].name, name, len) == 0)
            return &args->options[i];
    return NULL;
}

int cli_parse(cli_args *args, int argc, char **argv, const char *command)
{
    args->n_positional = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) != 0 || strcmp(a, "--") == 0 || a[2] == '\0') {
            if (strcmp(a, "--") == 0) continue;
            if (args->n_positional == sizeof args->positional / sizeof *args->positional) {
                cli_usage_error("%s: too many arguments", command);
                return 0;
            }
            args->positional[args->n_positional++] = a;
            continue;
        }
        const char *name = a + 2, *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        cli_option *opt = find_option(args, name, len);
        if (!opt) {
            cli_usage_error("%s: unknown option '--%.*s' (see 'backprop %s --help')", command,
                            (int)len, name, command);
            return 0;
        }
        if (!opt->takes_value) {
            if (eq) {
                cli_usage_error("%s: option '--%s' takes no value", command, opt->name);
                return 0;
            }
            opt->value = "1";
        } else if (eq) {
            opt->value = eq + 1;
        } else if (i + 1 < argc) {
            opt->value = argv[++i];
        } else {
            cli_usage_error("%s: option '--%s' needs a value", command, opt->name);
            return 0;
        }
    }
    return 1;
}

const char *cli_value(const cli_args *args, const char *name)
{
    for (size_t i = 0; i < args->n_options; i++)
        if (strcmp(args->options[i].name, name) == 0) return args->options[i].value;
    return NULL;
}

static int parse_size(const char *text, size_t *out)
{
    if (!text || *text < '0' || *text > '9') return 0;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || *end || v > (unsigned long long)((size_t)-1 / 2)) return 0;
    *out = (size_t)v;
    return 1;
}

int cli_size(const char *option, const char *text, size_t min, size_t *out)
{
    if (!parse_size(text, out) || *out < min) {
        cli_usage_error("--%s must be a whole number >= %zu, not '%s'", option, min, text);
        return 0;
    }
    return 1;
}

int cli_positive(const char *option, const char *text, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (!*text || *end || errno || !isfinite(v) || v <= 0) {
        cli_usage_error("--%s must be a positive number, not '%s'", option, text);
        return 0;
    }
    *out = v;
    return 1;
}

int cli_size_list(const char *option, const char *text, size_t *out, size_t max, size_t *count)
{
    *count = 0;
    const char *p = text;
    while (1) {
        char item[32];
        size_t len = strcspn(p, ",");
        snprintf(item, sizeof item, "%.*s", (int)(len < 31 ? len : 31), p);
        if (*count == max || len == 0 || len > 30 || !parse_size(item, &out[*count]) || out[*count] == 0) {
            cli_usage_error("--%s must be a comma-separated list of up to %zu positive widths, not '%s'",
                            option, max, text);
            return 0;
        }
        (*count)++;
        if (!p[len]) return 1;
        p += len + 1;
    }
}
