/* The options that say how to read a CSV file, shared by every command
 * that reads one. */
#include "cli.h"
#include "html_report.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    int takes_value;
} load_option_names[CLI_LOAD_OPTIONS] = {{"target", 1},    {"ignore", 1},    {"classes", 1},
                                         {"delimiter", 1}, {"header", 0},    {"no-header", 0},
                                         {"missing", 1},   {"task", 1},
                                         {"max-memory", 1}, {"missing-target", 1},
                                         {"decimal", 1}};

size_t cli_add_load_options(cli_option *options, size_t n)
{
    for (size_t i = 0; i < CLI_LOAD_OPTIONS; i++) {
        options[n].name = load_option_names[i].name;
        options[n].takes_value = load_option_names[i].takes_value;
        options[n].value = NULL;
        n++;
    }
    return n;
}

static int read_delimiter(const char *text, char *out)
{
    if (strcmp(text, "tab") == 0 || strcmp(text, "\\t") == 0) *out = '\t';
    else if (strcmp(text, "space") == 0) *out = ' ';
    else if (strlen(text) == 1 && strchr(",;|\t ", text[0])) *out = text[0];
    else return cli_usage_error("--delimiter must be one of , ; | tab space, not '%s'", text), 0;
    return 1;
}

static int read_decimal(const char *text, char *out)
{
    if (strcmp(text, ".") == 0 || strcmp(text, ",") == 0) *out = text[0];
    else return cli_usage_error("--decimal must be . or , (the decimal point of numbers), not '%s'", text), 0;
    return 1;
}

/* MemAvailable from /proc/meminfo, in bytes; 0 where it cannot be read. */
static size_t available_memory(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    if (!f) return 0;
    char line[256];
    size_t kib = 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "MemAvailable: %zu kB", &kib) == 1) break;
    fclose(f);
    return kib > SIZE_MAX / 1024 ? SIZE_MAX : kib * 1024;
}

/* 512M, 2G, 100000K or plain bytes. */
static int read_memory_size(const char *text, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    unsigned shift = 0;
    if (*end == 'K' || *end == 'k') shift = 10;
    else if (*end == 'M' || *end == 'm') shift = 20;
    else if (*end == 'G' || *end == 'g') shift = 30;
    else if (*end == 'T' || *end == 't') shift = 40;
    if (shift) end++;
    if (*text < '0' || *text > '9' || *end || errno || v == 0 || v > (SIZE_MAX >> shift))
        return cli_usage_error("--max-memory must be a size such as 512M or 4G, not '%s'", text), 0;
    *out = (size_t)v << shift;
    return 1;
}

int cli_read_load_options(const cli_args *args, bp_load_options *load)
{
    const char *v;
    bp_error err;
    load->max_memory = available_memory();
    if ((v = cli_value(args, "max-memory")) && !read_memory_size(v, &load->max_memory)) return 0;
    load->target = cli_value(args, "target");
    load->ignore = cli_value(args, "ignore");
    load->classes = cli_value(args, "classes");
    if ((v = cli_value(args, "delimiter")) && !read_delimiter(v, &load->delimiter)) return 0;
    if (cli_value(args, "header") && cli_value(args, "no-header"))
        return cli_usage_error("--header and --no-header contradict each other"), 0;
    if (cli_value(args, "header")) load->header = 1;
    if (cli_value(args, "no-header")) load->header = 0;
    load->task = BP_TASK_AUTO;
    if ((v = cli_value(args, "task"))) {
        if (strcmp(v, "classification") == 0) load->task = BP_TASK_CLASSIFICATION;
        else if (strcmp(v, "regression") == 0) load->task = BP_TASK_REGRESSION;
        else if (strcmp(v, "auto") != 0)
            return cli_usage_error("--task must be auto, classification or regression, not '%s'", v), 0;
    }
    if ((v = cli_value(args, "missing")) && bp_missing_parse(v, &load->missing, &err) != BP_OK) {
        cli_fail(&err);
        return 0;
    }
    if ((v = cli_value(args, "missing-target")) &&
        bp_missing_target_parse(v, &load->missing_target, &err) != BP_OK) {
        cli_fail(&err);
        return 0;
    }
    if ((v = cli_value(args, "decimal")) && !read_decimal(v, &load->decimal)) return 0;
    if (load->decimal == ',' && load->delimiter == ',')
        return cli_usage_error("--decimal , cannot go with --delimiter ,: one character cannot "
                               "separate the fields and the decimals"), 0;
    return 1;
}

/* "with ';' between fields": how the dialect is named in notes. */
static const char *delimiter_words(char d)
{
    switch (d) {
    case ';': return "';'-separated";
    case '\t': return "tab-separated";
    case '|': return "'|'-separated";
    case ' ': return "blank-separated";
    default: return "comma-separated";
    }
}

/* Rows left out: a note, or a warning when they are more than a tenth. */
static void note_dropped(const char *file, const bp_load_info *info)
{
    if (!info->dropped) return;
    size_t for_features = info->dropped - info->dropped_target;
    int many = info->dropped * 10 > info->records;
    fprintf(stderr, "backprop: %s: %s: %s left out %zu of %zu rows (%.0f%%) %s",
            many ? "warning" : "note", cli_source_name(file),
            for_features ? "--missing drop" : "--missing-target drop", info->dropped, info->records,
            100.0 * (double)info->dropped / (double)info->records,
            for_features ? "for missing values" : "whose target is missing");
    if (many && for_features) {
        fputs("; --missing mean fills missing features with the column's mean instead", stderr);
        if (info->dropped_target)
            fprintf(stderr, " (with --missing-target drop to leave out only the %zu row%s without a target)",
                    info->dropped_target, info->dropped_target == 1 ? "" : "s");
    }
    fputc('\n', stderr);
}

/* Rows per class below this make a class too rare to learn. */
enum { FEW_ROWS_PER_CLASS = 5 };

/* The task chosen from a numeric target, and classes too many for the rows. */
static void note_task(const char *file, const bp_dataset *ds, const bp_load_info *info)
{
    const char *name = cli_source_name(file);
    if (info->task == BP_TASK_REGRESSION && info->task_chosen) {
        fprintf(stderr,
                "backprop: note: %s: regression: the target holds %zu distinct numbers in %zu rows%s "
                "(--task classification reads them as classes)\n",
                name, info->target_values, info->records,
                info->target_fractional ? ", some with a fraction" : "");
        return;
    }
    size_t k = bp_dataset_classes(ds);
    if (info->task != BP_TASK_CLASSIFICATION || k <= 2 || info->rows >= FEW_ROWS_PER_CLASS * k) return;
    fprintf(stderr, "backprop: warning: %s: %zu classes for %zu rows (%.1f rows a class): too few to learn "
            "each class%s\n", name, k, info->rows, (double)info->rows / (double)k,
            info->target_numeric ? "; if the target is a quantity, --task regression predicts it as a number"
                                 : "");
}

void cli_note_load(const char *file, const bp_dataset *ds, const bp_load_options *load)
{
    bp_load_info info;
    bp_dataset_load_info(ds, &info);
    if (info.decimal == ',' && load->decimal == 0)
        fprintf(stderr,
                "backprop: note: %s: read with ',' as the decimal point (a %s file with numbers "
                "like 7,4); --decimal . reads it otherwise\n",
                cli_source_name(file), delimiter_words(info.delimiter));
    note_dropped(file, &info);
    note_task(file, ds, &info);
}
