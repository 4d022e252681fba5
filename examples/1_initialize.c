/* Section 1: initialise a 2-1-2 network from seed(1). */
#include "print.h"

int main(void)
{
    bp_rng rng;
    bp_rng_seed(&rng, 1);
    const size_t widths[] = {2, 1, 2}; /* inputs, hidden, outputs */
    bp_net *net;
    bp_error err;
    if (bp_net_create(&net, 2, widths, NULL, &err) != BP_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    bp_net_init(net, BP_INIT_UNIFORM, &rng);
    for (size_t layer = 0; layer < bp_net_layers(net); layer++) print_layer(net, layer);
    bp_net_free(net);
    return 0;
}
