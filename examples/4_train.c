/* Section 4: train a 2-2-2 network on the contrived data set, 20 epochs. */
#include "print.h"

static const bp_real x[10][2] = {
    {2.7810836, 2.550537003},   {1.465489372, 2.362125076}, {3.396561688, 4.400293529},
    {1.38807019, 1.850220317},  {3.06407232, 3.005305973},  {7.627531214, 2.759262235},
    {5.332441248, 2.088626775}, {6.922596716, 1.77106367},  {8.675418651, -0.242068655},
    {7.673756466, 3.508563011}};
static const uint32_t y[10] = {0, 0, 0, 0, 0, 1, 1, 1, 1, 1};

static int print_epoch(void *user, const bp_epoch_report *r)
{
    const double *lr = user;
    printf(">epoch=%zu, lrate=%.3f, error=%.3f\n", r->epoch, *lr, r->loss_sum);
    return 0;
}

int main(void)
{
    bp_rng rng;
    bp_rng_seed(&rng, 1);
    const size_t widths[] = {2, 2, 2};
    bp_net *net;
    bp_error err;
    if (bp_net_create(&net, 2, widths, NULL, &err) != BP_OK) return 1;
    bp_net_init(net, BP_INIT_UNIFORM, &rng);
    bp_samples samples = {&x[0][0], 2, y, NULL, 2, NULL, 10, NULL};
    bp_train_options opts;
    bp_train_defaults(&opts); /* online SGD, squared error */
    opts.learning_rate = 0.5;
    opts.epochs = 20;
    opts.on_epoch = print_epoch;
    opts.user = &opts.learning_rate;
    if (bp_train(net, &samples, &opts, &rng, &err) != BP_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    for (size_t layer = 0; layer < bp_net_layers(net); layer++) print_layer(net, layer);
    bp_net_free(net);
    return 0;
}
