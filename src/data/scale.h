/* A fitted scaler's statistics, for the model file and export (internal):
 * the scaler itself is public (backprop.h); what it learned is read and
 * restored through these. */
#ifndef BP_SCALE_H
#define BP_SCALE_H

#include "backprop.h"

/* What a scaler learned about one feature. */
typedef struct bp_scaler_stats {
    double min, max, mean, std;
} bp_scaler_stats;

bp_scale bp_scaler_kind(const bp_scaler *s);
size_t bp_scaler_features(const bp_scaler *s);
/* Per feature its one-hot group (0 for numeric), or NULL when the scaler
 * treats every feature alike. */
const size_t *bp_scaler_groups(const bp_scaler *s);
/* The statistics of feature j (j < bp_scaler_features(s)). */
bp_scaler_stats bp_scaler_get_stats(const bp_scaler *s, size_t j);
/* A scaler of n features from their statistics (as bp_scaler_fit left them)
 * and, when not NULL, their one-hot groups (as bp_scaler_fit_grouped). */
bp_status bp_scaler_from_stats(bp_scaler **out, bp_scale kind, const bp_scaler_stats *stats,
                               const size_t *groups, size_t n, bp_error *err);

#endif
