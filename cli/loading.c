/* The options that say how to read a CSV file, shared by every command
 * that reads one. */
#include "cli.h"

#include <string.h>

static const struct {
    const char *name;
    int takes_value;
} load_option_names[CLI_LOAD_OPTIONS] = {{"target", 1},    {"ignore", 1},    {"classes", 1},
                                         {"delimiter", 1}, {"header", 0},    {"no-header", 0},
                                         {"missing", 1},   {"task", 1}};

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

int cli_read_load_options(const cli_args *args, bp_load_options *load)
{
    const char *v;
    bp_error err;
    load->target = cli_value(args, "target");
    load->ignore = cli_value(args, "ignore");
    load->classes = cli_value(args, "classes");
    if ((v = cli_value(args, "delimiter")) && !read_delimiter(v, &load->delimiter)) return 0;
    if (cli_value(args, "header") && cli_value(args, "no-header"))
        return cli_usage_error("--header and --no-header contradict each other"), 0;
    if (cli_value(args, "header")) load->header = 1;
    if (cli_value(args, "no-header")) load->header = 0;
    if ((v = cli_value(args, "task"))) {
        if (strcmp(v, "classification") == 0) load->task = BP_TASK_CLASSIFICATION;
        else if (strcmp(v, "regression") == 0) load->task = BP_TASK_REGRESSION;
        else return cli_usage_error("--task must be classification or regression, not '%s'", v), 0;
    }
    if ((v = cli_value(args, "missing")) && bp_missing_parse(v, &load->missing, &err) != BP_OK) {
        cli_fail(&err);
        return 0;
    }
    return 1;
}
