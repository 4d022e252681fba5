/* Section 2: forward-propagate the row [1, 0] through a fixed network. */
#include "print.h"

int main(void)
{
    const size_t widths[] = {2, 1, 2};
    bp_net *net;
    bp_error err;
    if (bp_net_create(&net, 2, widths, NULL, &err) != BP_OK) return 1;
    const bp_real hidden[] = {0.13436424411240122, 0.8474337369372327};
    const bp_real out_w[] = {0.2550690257394217, 0.4494910647887381};
    const bp_real out_b[] = {0.49543508709194095, 0.651592972722763};
    bp_net_weights(net, 0)[0] = hidden[0];
    bp_net_weights(net, 0)[1] = hidden[1];
    bp_net_bias(net, 0)[0] = 0.763774618976614;
    for (int j = 0; j < 2; j++) {
        bp_net_weights(net, 1)[j] = out_w[j];
        bp_net_bias(net, 1)[j] = out_b[j];
    }
    const bp_real row[] = {1, 0};
    print_list(bp_net_forward(net, row), 2);
    putchar('\n');
    bp_net_free(net);
    return 0;
}
