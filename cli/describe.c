/* Describing a run for machines and reports: its effective settings, its
 * data and its scores (docs/json.md). */
#include "html_report.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *cli_source_name(const char *path)
{
    return strcmp(path, "-") == 0 ? "standard input" : path;
}

/* The next free setting, or NULL when the list is full (it never is: the
 * commands describe fewer settings than CLI_MAX_SETTINGS). */
static cli_setting *add(cli_settings *s, const cli_args *args, const char *option,
                        cli_setting_kind kind)
{
    if (s->n == CLI_MAX_SETTINGS) return NULL;
    cli_setting *it = &s->item[s->n++];
    memset(it, 0, sizeof *it);
    it->option = option;
    it->kind = kind;
    it->given = args && cli_value(args, option) != NULL;
    return it;
}

static void set_text(cli_setting *it, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(it->text, sizeof it->text, fmt, ap);
    va_end(ap);
}

void cli_settings_group(cli_settings *s, const char *title)
{
    if (s->n_groups == sizeof s->group_start / sizeof *s->group_start) return;
    s->group_title[s->n_groups] = title;
    s->group_start[s->n_groups++] = s->n;
}

void cli_describe_number(cli_settings *s, const cli_args *args, const char *option, double v)
{
    cli_setting *it = add(s, args, option, CLI_SETTING_NUMBER);
    if (!it) return;
    it->number = v;
    set_text(it, "%.15g", v);
}

void cli_describe_count(cli_settings *s, const cli_args *args, const char *option, size_t v)
{
    cli_setting *it = add(s, args, option, CLI_SETTING_COUNT);
    if (!it) return;
    it->count = v;
    set_text(it, "%zu", v);
}

void cli_describe_flag(cli_settings *s, const cli_args *args, const char *option, int v)
{
    cli_setting *it = add(s, args, option, CLI_SETTING_FLAG);
    if (!it) return;
    it->number = v != 0;
    set_text(it, "%s", v ? "yes" : "no");
}

void cli_describe_text(cli_settings *s, const cli_args *args, const char *option,
                       const char *value, const char *when_unset)
{
    cli_setting *it = add(s, args, option, CLI_SETTING_TEXT);
    if (!it) return;
    it->unset = value == NULL;
    set_text(it, "%s", value ? value : when_unset);
}

/* A comma-separated list of widths. */
static void describe_widths(cli_settings *s, const cli_args *args, const bp_net_spec *net)
{
    cli_setting *it = add(s, args, "hidden", CLI_SETTING_LIST);
    if (!it) return;
    it->numeric_list = 1;
    size_t len = 0;
    for (size_t l = 0; l < net->n_hidden && len < sizeof it->text; l++)
        len += (size_t)snprintf(it->text + len, sizeof it->text - len, "%s%zu", l ? "," : "",
                                net->hidden[l]);
}

static void describe_activations(cli_settings *s, const cli_args *args, const bp_net_spec *net)
{
    cli_setting *it = add(s, args, "activation", CLI_SETTING_LIST);
    if (!it) return;
    size_t len = 0;
    for (size_t l = 0; l < net->n_hidden && len < sizeof it->text; l++) {
        bp_activation a = net->hidden_act ? net->hidden_act[l] : BP_ACT_SIGMOID;
        len += (size_t)snprintf(it->text + len, sizeof it->text - len, "%s%s", l ? "," : "",
                                bp_activation_name(a));
    }
}

void cli_describe_inits(char *buf, size_t size, bp_init init, const size_t *widths, const bp_activation *acts,
                        size_t n_layers, int collapse)
{
    int same = 1;
    for (size_t l = 1; l < n_layers; l++)
        same &= bp_init_for_layer(init, widths, acts, n_layers, l) == bp_init_for_layer(init, widths, acts, n_layers, 0);
    size_t shown = collapse && same ? 1 : n_layers, len = 0;
    buf[0] = '\0';
    for (size_t l = 0; l < shown && len < size; l++)
        len += (size_t)snprintf(buf + len, size - len, "%s%s", l ? "," : "",
                                bp_init_name(bp_init_for_layer(init, widths, acts, n_layers, l)));
}

/* --init auto as what it draws, layer by layer: "he,he,xavier". */
static void describe_init(cli_settings *s, const cli_args *args, const bp_net_spec *net, size_t n_inputs,
                          size_t n_outputs)
{
    cli_describe_text(s, args, "init", bp_init_name(net->init), NULL);
    if (net->init != BP_INIT_AUTO || net->n_hidden >= BP_MAX_LAYERS) return;
    cli_setting *it = &s->item[s->n - 1];
    bp_activation acts[BP_MAX_LAYERS];
    size_t widths[BP_MAX_LAYERS + 1];
    size_t n_layers = net->n_hidden + 1;
    for (size_t l = 0; l < net->n_hidden; l++) acts[l] = net->hidden_act ? net->hidden_act[l] : BP_ACT_SIGMOID;
    acts[net->n_hidden] = net->output_act;
    widths[0] = n_inputs;
    for (size_t l = 0; l < net->n_hidden; l++) widths[l + 1] = net->hidden[l];
    widths[n_layers] = n_outputs;
    it->automatic = 1;
    cli_describe_inits(it->text, sizeof it->text, net->init, widths, acts, n_layers, 0);
}

static void describe_network(cli_settings *s, const cli_args *args, const bp_net_spec *net, size_t n_inputs,
                             size_t n_outputs)
{
    describe_widths(s, args, net);
    describe_activations(s, args, net);
    cli_describe_text(s, args, "output-activation", bp_activation_name(net->output_act), NULL);
    describe_init(s, args, net, n_inputs, n_outputs);
}

void cli_describe_training(cli_settings *s, const cli_args *args, const bp_net_spec *net,
                           const bp_train_options *t, bp_scale scale, const char *seed,
                           size_t n_inputs, size_t n_outputs)
{
    describe_network(s, args, net, n_inputs, n_outputs);
    cli_describe_text(s, args, "loss", bp_loss_name(t->loss), NULL);
    cli_describe_number(s, args, "lr", t->learning_rate);
    if (!s->item[s->n - 1].given) s->item[s->n - 1].automatic = 1; /* bp_default_learning_rate */
    cli_describe_count(s, args, "epochs", t->epochs);
    cli_describe_count(s, args, "batch", t->batch_size);
    if (t->batch_size == 0) set_text(&s->item[s->n - 1], "all (the full batch)");
    cli_describe_flag(s, args, "shuffle", t->shuffle);
    if (args && cli_value(args, "no-shuffle")) s->item[s->n - 1].given = 1;
    cli_describe_text(s, args, "optimizer", bp_optimizer_name(t->optimizer), NULL);
    cli_describe_number(s, args, "momentum", t->momentum);
    cli_describe_number(s, args, "beta1", t->beta1);
    cli_describe_number(s, args, "beta2", t->beta2);
    cli_describe_number(s, args, "l2", t->l2);
    cli_describe_text(s, args, "schedule", bp_schedule_name(t->schedule), NULL);
    cli_describe_number(s, args, "decay", t->decay);
    cli_describe_count(s, args, "step-epochs", t->step_epochs);
    cli_describe_number(s, args, "validation", t->validation);
    cli_describe_count(s, args, "patience", t->patience);
    cli_describe_text(s, args, "class-weight", args ? cli_value(args, "class-weight") : NULL, "none");
    cli_describe_count(s, args, "threads", t->threads);
    if (t->threads == 0) set_text(&s->item[s->n - 1], "0 (every core)");
    cli_describe_text(s, args, "scale", bp_scale_name(scale), NULL);
    cli_describe_text(s, args, "seed", seed, NULL);
}

static const char *delimiter_name(char d)
{
    switch (d) {
    case ',': return ",";
    case ';': return ";";
    case '|': return "|";
    case '\t': return "tab";
    case ' ': return "space";
    default: return NULL;
    }
}

/* The limit the user gave, or (null in JSON, so that the output does not
 * depend on the machine's state) the memory that was available. */
static void describe_memory(cli_settings *s, const cli_args *args, size_t bytes)
{
    cli_describe_count(s, args, "max-memory", bytes);
    cli_setting *it = &s->item[s->n - 1];
    double mib = (double)bytes / (1024.0 * 1024.0);
    char size[64];
    if (mib >= 1024) snprintf(size, sizeof size, "%.1f GiB", mib / 1024);
    else snprintf(size, sizeof size, "%.1f MiB", mib);
    it->unset = !it->given;
    if (!bytes) set_text(it, "no limit");
    else if (it->given) set_text(it, "%s", size);
    else set_text(it, "the available memory, %s", size);
}

void cli_describe_load(cli_settings *s, const cli_args *args, const bp_load_options *load,
                       int task_chosen)
{
    cli_describe_text(s, args, "task", load->task == BP_TASK_REGRESSION ? "regression" : "classification",
                      NULL);
    s->item[s->n - 1].automatic = task_chosen;
    cli_describe_text(s, args, "target", load->target, "the last column");
    cli_describe_text(s, args, "ignore", load->ignore, "none");
    cli_describe_text(s, args, "classes", load->classes, "sorted labels");
    cli_describe_text(s, args, "delimiter", delimiter_name(load->delimiter), "detected");
    cli_describe_text(s, args, "decimal", load->decimal == ',' ? "," : load->decimal == '.' ? "." : NULL,
                      "detected");
    if (load->header >= 0) {
        cli_describe_flag(s, args, "header", load->header);
        if (cli_value(args, "no-header")) s->item[s->n - 1].given = 1;
    } else {
        cli_describe_text(s, args, "header", NULL, "detected");
    }
    cli_describe_text(s, args, "missing", bp_missing_name(load->missing), NULL);
    cli_describe_text(s, args, "missing-target", bp_missing_target_name(load->missing_target), NULL);
    describe_memory(s, args, load->max_memory);
}

/* --------------------------------------------------------------- JSON */

/* A comma-separated list as a JSON array; numbers stay numbers. */
static void json_list(cli_json *j, const char *key, const cli_setting *it)
{
    cli_json_row(j, key);
    for (const char *p = it->text; *p;) {
        size_t len = strcspn(p, ",");
        char item[64];
        snprintf(item, sizeof item, "%.*s", (int)(len < 63 ? len : 63), p);
        if (it->numeric_list) cli_json_size(j, NULL, (size_t)strtoull(item, NULL, 10));
        else cli_json_string(j, NULL, item);
        p += len;
        if (*p == ',') p++;
    }
    cli_json_end(j);
}

/* "output-activation" becomes "output_activation". */
static void json_key(char *out, size_t size, const char *option)
{
    snprintf(out, size, "%s", option);
    for (char *p = out; *p; p++)
        if (*p == '-') *p = '_';
}

void cli_json_begin_output(cli_json *j, FILE *f, const char *command)
{
    cli_json_init(j, f, 0);
    cli_json_object(j, NULL);
    cli_json_string(j, "command", command);
    cli_json_size(j, "schema_version", 2);
    cli_json_string(j, "backprop_version", BP_VERSION);
}

void cli_json_settings(cli_json *j, const char *key, const cli_settings *s)
{
    cli_json_object(j, key);
    for (size_t i = 0; i < s->n; i++) {
        const cli_setting *it = &s->item[i];
        char name[64];
        json_key(name, sizeof name, it->option);
        if (it->unset) cli_json_null(j, name);
        else if (it->kind == CLI_SETTING_NUMBER) cli_json_number(j, name, it->number);
        else if (it->kind == CLI_SETTING_COUNT) cli_json_size(j, name, it->count);
        else if (it->kind == CLI_SETTING_FLAG) cli_json_bool(j, name, it->number != 0);
        else if (it->kind == CLI_SETTING_LIST) json_list(j, name, it);
        else cli_json_string(j, name, it->text);
    }
    cli_json_array(j, "automatic");
    for (size_t i = 0; i < s->n; i++) {
        char name[64];
        json_key(name, sizeof name, s->item[i].option);
        if (s->item[i].automatic) cli_json_string(j, NULL, name);
    }
    cli_json_end(j);
    cli_json_end(j);
}

/* Feature counts: numeric features, and one-hot encoded text columns. */
static void count_features(const bp_dataset *ds, size_t *numeric, size_t *categorical)
{
    const size_t *groups = bp_dataset_feature_groups(ds);
    size_t n = bp_dataset_features(ds);
    *numeric = 0;
    *categorical = 0;
    for (size_t f = 0; f < n; f++) {
        if (!groups || groups[f] == 0) (*numeric)++;
        else if (groups[f] > *categorical) *categorical = groups[f];
    }
}

size_t *cli_class_counts(const bp_dataset *ds)
{
    size_t k = bp_dataset_classes(ds), n = bp_dataset_rows(ds);
    if (k == 0) return NULL;
    size_t *counts = calloc(k, sizeof *counts);
    if (!counts) return NULL;
    bp_samples s = bp_dataset_samples(ds);
    for (size_t i = 0; i < n; i++)
        if (s.label[i] < k) counts[s.label[i]]++;
    return counts;
}

int cli_out_of_memory(void)
{
    bp_error err = {BP_ERR_NOMEM, "out of memory"};
    return cli_fail(&err);
}

static void json_classes(cli_json *j, const bp_dataset *ds, const size_t *counts)
{
    cli_json_array(j, "classes");
    for (size_t c = 0; c < bp_dataset_classes(ds); c++) {
        cli_json_record(j, NULL);
        cli_json_string(j, "label", bp_dataset_class_name(ds, c));
        cli_json_size(j, "rows", counts[c]);
        cli_json_end(j);
    }
    cli_json_end(j);
}

/* The regression target's range, mean and (population) standard deviation. */
static void json_target(cli_json *j, const bp_dataset *ds)
{
    bp_samples s = bp_dataset_samples(ds);
    size_t n = bp_dataset_rows(ds);
    double lo = INFINITY, hi = -INFINITY, sum = 0, ss = 0;
    for (size_t i = 0; i < n; i++) {
        double y = (double)s.y[i];
        lo = y < lo ? y : lo;
        hi = y > hi ? y : hi;
        sum += y;
    }
    double mean = n ? sum / (double)n : NAN;
    for (size_t i = 0; i < n; i++) ss += ((double)s.y[i] - mean) * ((double)s.y[i] - mean);
    cli_json_object(j, "target");
    cli_json_number(j, "min", lo);
    cli_json_number(j, "max", hi);
    cli_json_number(j, "mean", mean);
    cli_json_number(j, "std", n ? sqrt(ss / (double)n) : NAN);
    cli_json_end(j);
}

/* How the file was read: its dialect, given or detected. */
void cli_json_dialect(cli_json *j, char delimiter, char decimal)
{
    const char *name = delimiter_name(delimiter);
    if (name) cli_json_string(j, "delimiter", name);
    else cli_json_null(j, "delimiter");
    cli_json_string(j, "decimal", decimal == ',' ? "," : ".");
}

void cli_json_data(cli_json *j, const char *key, const bp_dataset *ds, const size_t *class_counts)
{
    size_t numeric, categorical;
    bp_load_info info;
    bp_dataset_load_info(ds, &info);
    count_features(ds, &numeric, &categorical);
    cli_json_object(j, key);
    cli_json_string(j, "source", bp_dataset_source(ds));
    cli_json_dialect(j, info.delimiter, info.decimal);
    cli_json_bool(j, "header", info.header);
    cli_json_size(j, "records", info.records);
    cli_json_size(j, "dropped_rows", info.dropped);
    cli_json_size(j, "dropped_for_target", info.dropped_target);
    cli_json_size(j, "filled_values", info.filled);
    cli_json_size(j, "rows", bp_dataset_rows(ds));
    cli_json_size(j, "features", bp_dataset_features(ds));
    cli_json_size(j, "numeric_features", numeric);
    cli_json_size(j, "categorical_columns", categorical);
    if (bp_dataset_classes(ds) > 0 && class_counts) json_classes(j, ds, class_counts);
    else json_target(j, ds);
    cli_json_end(j);
}

void cli_json_metrics(cli_json *j, const char *key, const bp_metrics *m, const bp_dataset *ds)
{
    size_t k = m->n_classes;
    cli_json_object(j, key);
    cli_json_size(j, "rows", m->n);
    cli_json_number(j, "accuracy", m->accuracy / 100); /* JSON rates are fractions */
    cli_json_number(j, "macro_precision", m->macro_precision);
    cli_json_number(j, "macro_recall", m->macro_recall);
    cli_json_number(j, "macro_f1", m->macro_f1);
    cli_json_number(j, "log_loss", m->log_loss);
    cli_json_number(j, "balanced_accuracy", m->balanced_accuracy);
    cli_json_number(j, "mcc", m->mcc);
    cli_json_number(j, "roc_auc", m->roc_auc);
    cli_json_number(j, "pr_auc", m->pr_auc);
    cli_json_string(j, "auc_average", k == 2 ? "binary" : "macro");
    cli_json_number(j, "brier", m->brier);
    size_t smallest = 0;
    cli_json_bool(j, "imbalanced", cli_minority_class(m, &smallest));
    cli_json_row(j, "labels");
    for (size_t c = 0; c < k; c++) cli_json_string(j, NULL, bp_dataset_class_name(ds, c));
    cli_json_end(j);
    cli_json_array(j, "confusion");
    for (size_t a = 0; a < k; a++) {
        cli_json_row(j, NULL);
        for (size_t p = 0; p < k; p++) cli_json_size(j, NULL, m->confusion[a * k + p]);
        cli_json_end(j);
    }
    cli_json_end(j);
    cli_json_array(j, "per_class");
    for (size_t c = 0; c < k; c++) {
        cli_json_record(j, NULL);
        cli_json_string(j, "label", bp_dataset_class_name(ds, c));
        cli_json_number(j, "precision", m->per_class[c].precision);
        cli_json_number(j, "recall", m->per_class[c].recall);
        cli_json_number(j, "f1", m->per_class[c].f1);
        cli_json_size(j, "support", m->per_class[c].support);
        cli_json_number(j, "roc_auc", m->per_class[c].roc_auc);
        cli_json_number(j, "pr_auc", m->per_class[c].pr_auc);
        cli_json_end(j);
    }
    cli_json_end(j);
    cli_json_end(j);
}

void cli_json_regression(cli_json *j, const char *key, const bp_regression_metrics *m, size_t rows)
{
    cli_json_object(j, key);
    cli_json_size(j, "rows", rows);
    cli_json_number(j, "rmse", m->rmse);
    cli_json_number(j, "mae", m->mae);
    cli_json_number(j, "r2", m->r2);
    cli_json_end(j);
}

/* Appends to buf, which always stays terminated. */
static void append(char *buf, size_t size, const char *fmt, ...)
{
    size_t len = strlen(buf);
    if (len + 1 >= size) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + len, size - len, fmt, ap);
    va_end(ap);
}

void cli_describe_spec(char *buf, size_t size, const bp_net_spec *spec, size_t inputs, size_t outputs)
{
    buf[0] = '\0';
    append(buf, size, "%zu inputs", inputs);
    for (size_t l = 0; l < spec->n_hidden; l++)
        append(buf, size, ", %zu %s", spec->hidden[l],
               bp_activation_name(spec->hidden_act ? spec->hidden_act[l] : BP_ACT_SIGMOID));
    append(buf, size, ", %zu %s output%s", outputs, bp_activation_name(spec->output_act),
           outputs == 1 ? "" : "s");
}

void cli_describe_net(char *buf, size_t size, const bp_net *net)
{
    size_t layers = bp_net_layers(net), outputs = bp_net_width(net, layers);
    buf[0] = '\0';
    append(buf, size, "%zu inputs", bp_net_width(net, 0));
    for (size_t l = 1; l < layers; l++)
        append(buf, size, ", %zu %s", bp_net_width(net, l),
               bp_activation_name(bp_net_activation(net, l - 1)));
    append(buf, size, ", %zu %s output%s", outputs, bp_activation_name(bp_net_activation(net, layers - 1)),
           outputs == 1 ? "" : "s");
}

void cli_json_input(cli_json *j, const char *key, const bp_predict_summary *s)
{
    cli_json_object(j, key);
    cli_json_size(j, "unseen_categories", s->unseen);
    if (s->unseen) {
        cli_json_record(j, "first_unseen");
        cli_json_size(j, "line", s->unseen_line);
        cli_json_size(j, "field", s->unseen_field);
        cli_json_size(j, "column", s->unseen_column);
        cli_json_string(j, "text", s->unseen_text);
        cli_json_end(j);
    } else {
        cli_json_null(j, "first_unseen");
    }
    cli_json_size(j, "dropped_rows", s->dropped);
    cli_json_size(j, "missing_values", s->missing);
    if (s->missing) {
        cli_json_record(j, "first_missing");
        cli_json_size(j, "line", s->missing_line);
        cli_json_size(j, "field", s->missing_field);
        cli_json_size(j, "column", s->missing_column);
        cli_json_end(j);
    } else {
        cli_json_null(j, "first_missing");
    }
    cli_json_end(j);
}
