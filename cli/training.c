/* The network and training options shared by the commands that train:
 * parsed once, checked strictly, defaults the tutorial's. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const training_option_names[] = {
    "lr", "epochs", "hidden", "seed", "activation", "output-activation", "loss", "init",
    "batch", "optimizer", "momentum", "beta1", "beta2", "l2", "schedule", "decay",
    "step-epochs", "validation", "patience", "threads", "scale", "class-weight"};

static const char *const training_flag_names[] = {"shuffle", "no-shuffle"};

static size_t add_options(cli_option *options, size_t n, const char *const *names, size_t count,
                          int takes_value)
{
    for (size_t i = 0; i < count; i++) {
        options[n].name = names[i];
        options[n].takes_value = takes_value;
        options[n].value = NULL;
        n++;
    }
    return n;
}

size_t cli_add_training_options(cli_option *options, size_t n)
{
    n = add_options(options, n, training_option_names,
                    sizeof training_option_names / sizeof *training_option_names, 1);
    return add_options(options, n, training_flag_names,
                       sizeof training_flag_names / sizeof *training_flag_names, 0);
}

void cli_training_defaults(cli_training *t)
{
    memset(t, 0, sizeof *t);
    bp_cv_options cv;
    bp_cv_defaults(&cv);
    t->net = cv.net;
    t->train = cv.train;
    t->scale = BP_SCALE_MINMAX;
    t->seed = "1";
    t->train.shuffle = 1;
}

/* A fraction in [lo, hi). */
static int cli_fraction(const char *option, const char *text, double lo, double hi, double *out)
{
    char *end;
    double v = strtod(text, &end);
    if (!*text || *end || !(v >= lo && v < hi)) {
        cli_usage_error("--%s must be a number in [%g, %g), not '%s'", option, lo, hi, text);
        return 0;
    }
    *out = v;
    return 1;
}

static int cli_status(bp_status st, const bp_error *err)
{
    if (st == BP_OK) return 1;
    cli_fail(err);
    return 0;
}

/* --activation relu or relu,tanh: one for all hidden layers, or one each. */
static int read_activations(const char *text, cli_training *t)
{
    size_t n = 0;
    bp_error err;
    for (const char *p = text;;) {
        char name[32];
        size_t len = strcspn(p, ",");
        snprintf(name, sizeof name, "%.*s", (int)(len < 31 ? len : 31), p);
        if (n == BP_MAX_HIDDEN) return cli_usage_error("--activation: too many entries"), 0;
        if (!cli_status(bp_activation_parse(name, &t->acts[n], &err), &err)) return 0;
        if (t->acts[n] == BP_ACT_SOFTMAX)
            return cli_usage_error("--activation: softmax is for the output layer (--output-activation softmax)"), 0;
        n++;
        if (!p[len]) break;
        p += len + 1;
    }
    if (n != 1 && n != t->net.n_hidden)
        return cli_usage_error("--activation lists %zu activations for %zu hidden layers", n,
                               t->net.n_hidden), 0;
    for (size_t l = n; l < t->net.n_hidden; l++) t->acts[l] = t->acts[0];
    t->net.hidden_act = t->acts;
    return 1;
}

static int read_batch(const char *text, cli_training *t)
{
    if (strcmp(text, "all") == 0) {
        t->train.batch_size = 0;
        return 1;
    }
    return cli_size("batch", text, 0, &t->train.batch_size);
}

static int read_network(const cli_args *args, cli_training *t)
{
    const char *v;
    bp_error err;
    if ((v = cli_value(args, "hidden"))) {
        if (!cli_size_list("hidden", v, t->hidden, BP_MAX_HIDDEN, &t->net.n_hidden)) return 0;
        t->net.hidden = t->hidden;
    }
    if ((v = cli_value(args, "activation")) && !read_activations(v, t)) return 0;
    if ((v = cli_value(args, "output-activation"))) {
        if (!cli_status(bp_activation_parse(v, &t->net.output_act, &err), &err)) return 0;
        if (t->net.output_act == BP_ACT_RELU || t->net.output_act == BP_ACT_LEAKY ||
            t->net.output_act == BP_ACT_TANH)
            return cli_usage_error("--output-activation must be sigmoid, softmax or linear, not %s", v), 0;
    }
    if ((v = cli_value(args, "init")) && !cli_status(bp_init_parse(v, &t->net.init, &err), &err)) return 0;
    return 1;
}

static int read_optimizer(const cli_args *args, cli_training *t)
{
    const char *v;
    bp_error err;
    bp_train_options *o = &t->train;
    if ((v = cli_value(args, "optimizer")) && !cli_status(bp_optimizer_parse(v, &o->optimizer, &err), &err)) return 0;
    if (!cli_value(args, "lr")) o->learning_rate = bp_default_learning_rate(o->optimizer);
    if ((v = cli_value(args, "momentum")) && !cli_fraction("momentum", v, 0, 1, &o->momentum)) return 0;
    if ((v = cli_value(args, "beta1")) && !cli_fraction("beta1", v, 0, 1, &o->beta1)) return 0;
    if ((v = cli_value(args, "beta2")) && !cli_fraction("beta2", v, 0, 1, &o->beta2)) return 0;
    if ((v = cli_value(args, "l2")) && !cli_fraction("l2", v, 0, 1e9, &o->l2)) return 0;
    if ((v = cli_value(args, "schedule")) && !cli_status(bp_schedule_parse(v, &o->schedule, &err), &err)) return 0;
    if (o->schedule == BP_SCHEDULE_INVTIME) o->decay = 0.01;
    if ((v = cli_value(args, "decay")) && !cli_fraction("decay", v, 0, 1e9, &o->decay)) return 0;
    if ((v = cli_value(args, "step-epochs")) && !cli_size("step-epochs", v, 1, &o->step_epochs)) return 0;
    return 1;
}

int cli_read_training(const cli_args *args, cli_training *t)
{
    const char *v;
    bp_error err;
    bp_train_options *o = &t->train;
    if ((v = cli_value(args, "seed"))) t->seed = v;
    if ((v = cli_value(args, "lr")) && !cli_positive("lr", v, &o->learning_rate)) return 0;
    if ((v = cli_value(args, "epochs")) && !cli_size("epochs", v, 1, &o->epochs)) return 0;
    if (!read_network(args, t)) return 0;
    if ((v = cli_value(args, "loss")) && !cli_status(bp_loss_parse(v, &o->loss, &err), &err)) return 0;
    if ((v = cli_value(args, "batch")) && !read_batch(v, t)) return 0;
    if (cli_value(args, "shuffle") && cli_value(args, "no-shuffle"))
        return cli_usage_error("--shuffle and --no-shuffle contradict each other"), 0;
    if (cli_value(args, "no-shuffle")) o->shuffle = 0;
    if (!read_optimizer(args, t)) return 0;
    if ((v = cli_value(args, "validation")) && !cli_fraction("validation", v, 0, 1, &o->validation)) return 0;
    if ((v = cli_value(args, "patience")) && !cli_size("patience", v, 1, &o->patience)) return 0;
    if ((v = cli_value(args, "threads")) && !cli_size("threads", v, 0, &o->threads)) return 0;
    if ((v = cli_value(args, "scale")) && !cli_status(bp_scale_parse(v, &t->scale, &err), &err)) return 0;
    if (o->loss == BP_LOSS_XENT && !cli_value(args, "output-activation")) t->net.output_act = BP_ACT_SOFTMAX;
    return cli_check_class_weight(args);
}

const char cli_training_help[] =
    "network and training (the defaults: the tutorial's network, trained online):\n"
    "  --hidden N[,N...]        hidden layer widths (5)\n"
    "  --activation A[,A...]    hidden activation: sigmoid, tanh, relu, leaky, linear\n"
    "                           (sigmoid); one for all layers or one per layer\n"
    "  --output-activation A    sigmoid, softmax or linear (sigmoid; softmax with --loss xent)\n"
    "  --loss L                 sse (the tutorial's squared error), xent, mse\n"
    "  --init I                 uniform (the tutorial's [0,1)), xavier, he, auto\n"
    "                           (auto: uniform for an all-sigmoid network, as the\n"
    "                           tutorial; else he for relu and leaky layers,\n"
    "                           xavier for the others)\n"
    "  --lr X                   learning rate (auto: 0.3 for sgd, 0.03 for momentum\n"
    "                           and nesterov, 0.001 for adam)\n"
    "  --epochs N               training epochs (500)\n"
    "  --batch N|all            rows per step: 1 = online SGD (the tutorial), 0 or\n"
    "                           all = the full batch\n"
    "  --shuffle, --no-shuffle  reshuffle the training rows every epoch, seeded (on;\n"
    "                           off under cv --tutorial, which keeps the file's order)\n"
    "  --optimizer O            sgd, momentum, nesterov, adam (sgd)\n"
    "  --momentum X             for momentum and nesterov (0.9)\n"
    "  --beta1 X, --beta2 X     for adam (0.9, 0.999)\n"
    "  --l2 X                   L2 weight decay (0)\n"
    "  --schedule S             constant, step (lr * decay^(epoch / step-epochs)),\n"
    "                           invtime (lr / (1 + decay * epoch))\n"
    "  --decay X                schedule decay (0.5 for step, 0.01 for invtime)\n"
    "  --step-epochs N          epochs per step of the step schedule (10)\n"
    "  --validation F           hold out this fraction of the training rows and stop\n"
    "                           early when their loss stops improving (0: off)\n"
    "  --patience N             epochs without improvement before stopping (10)\n"
    "  --class-weight W         balanced (each class weighs n / (classes * its rows),\n"
    "                           over the training rows) or L1=W1,L2=W2,... (others 1):\n"
    "                           how much each class's rows count in the loss\n"
    "  --threads N              threads for batches and folds; 0 = all cores (0)\n"
    "  --scale S                minmax (the tutorial's), standard, none\n"
    "  --seed S                 random seed, any non-negative integer (1)\n";

void cli_apply_task(const cli_args *args, bp_load_options *load, const bp_dataset *ds,
                    bp_net_spec *net, bp_train_options *train)
{
    bp_load_info info;
    bp_dataset_load_info(ds, &info);
    load->task = info.task;
    if (info.task != BP_TASK_REGRESSION) return;
    if (!cli_value(args, "output-activation")) net->output_act = BP_ACT_LINEAR;
    if (!cli_value(args, "loss")) train->loss = BP_LOSS_MSE;
}
