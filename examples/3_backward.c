/* Section 3: back-propagate the error of stored outputs against [0, 1]. */
#include "print.h"

int main(void)
{
    const size_t widths[] = {2, 1, 2};
    bp_net *net;
    bp_error err;
    if (bp_net_create(&net, 2, widths, NULL, &err) != BP_OK) return 1;
    bp_net_weights(net, 0)[0] = 0.13436424411240122;
    bp_net_weights(net, 0)[1] = 0.8474337369372327;
    bp_net_bias(net, 0)[0] = 0.763774618976614;
    bp_net_weights(net, 1)[0] = 0.2550690257394217;
    bp_net_bias(net, 1)[0] = 0.49543508709194095;
    bp_net_weights(net, 1)[1] = 0.4494910647887381;
    bp_net_bias(net, 1)[1] = 0.651592972722763;
    /* The outputs of an earlier forward pass, set by hand as the tutorial does. */
    bp_net_outputs(net, 0)[0] = 0.7105668883115941;
    bp_net_outputs(net, 1)[0] = 0.6213859615555266;
    bp_net_outputs(net, 1)[1] = 0.6573693455986976;
    const bp_real expected[] = {0, 1};
    bp_net_backward(net, expected, BP_LOSS_SSE);
    for (size_t layer = 0; layer < bp_net_layers(net); layer++) {
        printf("layer %zu deltas: ", layer);
        print_list(bp_net_deltas(net, layer), bp_net_width(net, layer + 1));
        putchar('\n');
    }
    bp_net_free(net);
    return 0;
}
