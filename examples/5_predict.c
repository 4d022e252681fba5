/* Section 5: predict the contrived data set with a trained network. */
#include "print.h"

int main(void)
{
    static const double layers[2][2][3] = {
        {{-1.482313569067226, 1.8308790073202204, 1.078381922048799},
         {0.23244990332399884, 0.3621998343835864, 0.40289821191094327}},
        {{2.5001872433501404, 0.7887233511355132, -1.1026649757805829},
         {-2.429350576245497, 0.8357651039198697, 1.0699217181280656}}};
    static const bp_real x[10][2] = {
        {2.7810836, 2.550537003},   {1.465489372, 2.362125076}, {3.396561688, 4.400293529},
        {1.38807019, 1.850220317},  {3.06407232, 3.005305973},  {7.627531214, 2.759262235},
        {5.332441248, 2.088626775}, {6.922596716, 1.77106367},  {8.675418651, -0.242068655},
        {7.673756466, 3.508563011}};
    static const int y[10] = {0, 0, 0, 0, 0, 1, 1, 1, 1, 1};
    const size_t widths[] = {2, 2, 2};
    bp_net *net;
    bp_error err;
    if (bp_net_create(&net, 2, widths, NULL, &err) != BP_OK) return 1;
    for (size_t l = 0; l < 2; l++)
        for (size_t j = 0; j < 2; j++) {
            bp_net_weights(net, l)[j * 2] = (bp_real)layers[l][j][0];
            bp_net_weights(net, l)[j * 2 + 1] = (bp_real)layers[l][j][1];
            bp_net_bias(net, l)[j] = (bp_real)layers[l][j][2];
        }
    for (int r = 0; r < 10; r++) printf("Expected=%d, Got=%zu\n", y[r], bp_net_predict(net, x[r]));
    bp_net_free(net);
    return 0;
}
