/* What training notices about itself (backprop.h: bp_train_diagnostics):
 * a loss that stopped moving, and hidden units saturated or dead after the
 * first epoch. */
#ifndef BP_DIAGNOSE_H
#define BP_DIAGNOSE_H

#include "backprop.h"

/* Hidden units of a network: the size of the counts bp_diagnose_units needs. */
size_t bp_diagnose_hidden_units(const bp_net *net);

/* Runs rows (the first BP_DIAGNOSE_ROWS of them) through the network and
 * counts its saturated and dead hidden units into d; counts holds
 * bp_diagnose_hidden_units(net) entries of scratch. */
void bp_diagnose_units(bp_net *net, const bp_samples *s, const size_t *rows, size_t n, size_t *counts,
                       bp_train_diagnostics *d);

/* Records epoch `epoch` (0-based) and its mean training loss. */
void bp_diagnose_epoch(bp_train_diagnostics *d, size_t epoch, double mean_loss);

#endif
