/* Networks of one shape trained side by side, one row each per step (see
 * lockstep.h). Each function here is the lane-wise twin of a one-row step
 * in net.c or loss.c and must keep its order of operations exactly. */
#include "fast/lockstep.h"

#include "core/activation.h"
#include "util/error.h"
#include "core/loss.h"
#include "core/net.h"
#include "core/optim.h"
#include "core/tanh.h"
#include "util/real.h"
#include "fast/sysexp.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LANES BP_LOCKSTEP_LANES

/* The SIMD variants exist on x86-64 only (as in kernels.c). */
#if defined(__x86_64__) && !defined(BP_NO_SIMD)
#define LOCKSTEP_X86 1
#endif

/* One value for every lane: element m is lane m's. Vector types (a GCC and
 * clang extension) keep a whole row of lanes in registers, at whatever
 * vector width the function is compiled for. */
typedef bp_real lane_v __attribute__((vector_size(LANES * sizeof(bp_real))));
typedef double lane_sum_v __attribute__((vector_size(LANES * sizeof(double))));

#define INLINE static inline __attribute__((always_inline))

typedef struct lanes {
    const bp_net *shape;     /* the first network: widths, activations, offsets */
    size_t n;                /* lanes in use */
    lane_v *params;          /* n_params */
    lane_v *out, *delta;     /* n_units: one row's outputs and deltas */
    lane_v *next_out;        /* n_units: the next row's outputs, while out is still needed */
    const lane_v *x, *target; /* this row's inputs and targets (n_inputs, n_outputs) */
    const lane_v *next_x;    /* the next row's inputs */
    lane_v *cache_x, *cache_t; /* rows [cache_first, cache_first + cache_rows) of every lane */
    size_t cache_rows, cache_first; /* cache_first == NO_ROWS: none yet */
    bp_real *one, *one_t;    /* one lane's outputs and targets, for the shared loss code */
    bp_real (*exp)(bp_real); /* exp(), or the same values faster (sysexp.h) */
    size_t rows[LANES];      /* rows per epoch; 0 once a lane has diverged */
    lane_sum_v sum;          /* this epoch's loss, per lane */
} lanes;

/* lane_output_deltas() below handles each of these by name. */
int bp_lockstep_accepts_loss(bp_loss loss)
{
    switch (loss) {
    case BP_LOSS_SSE:
    case BP_LOSS_XENT:
    case BP_LOSS_MSE: return 1;
    case BP_LOSS_COUNT: break;
    }
    return 0;
}

/* lane_activate() and times_derivative() below handle each of these. */
int bp_lockstep_accepts_activation(bp_activation act)
{
    switch (act) {
    case BP_ACT_SIGMOID:
    case BP_ACT_TANH:
    case BP_ACT_RELU:
    case BP_ACT_LEAKY:
    case BP_ACT_LINEAR:
    case BP_ACT_SOFTMAX: return 1;
    case BP_ACT_COUNT: break;
    }
    return 0;
}

/* The lanes step w -= (lr * delta) * input in place: plain SGD only. */
int bp_lockstep_accepts_optimizer(bp_optimizer opt)
{
    switch (opt) {
    case BP_OPT_SGD: return 1;
    case BP_OPT_MOMENTUM:
    case BP_OPT_NESTEROV:
    case BP_OPT_ADAM:
    case BP_OPT_COUNT: break;
    }
    return 0;
}

int bp_lockstep_applies(const bp_train_options *o, const bp_activation *acts, size_t n_layers)
{
    if (!bp_lockstep_accepts_loss(o->loss) || !bp_lockstep_accepts_optimizer(o->optimizer)) return 0;
    for (size_t l = 0; l < n_layers; l++)
        if (!bp_lockstep_accepts_activation(acts[l])) return 0;
    /* The lanes step straight into the weights: no reduce step. */
    if (o->reducer || o->shards > 1) return 0;
    if (o->balanced || o->class_weight) return 0; /* the lanes weigh every row 1 */
    return o->batch_size == 1 && o->l2 == 0 && !o->shuffle && o->validation <= 0 && !o->on_epoch &&
           !o->checkpoint && !o->resume;
}

static size_t n_outputs(const lanes *ls) { return ls->shape->width[ls->shape->n_layers]; }

INLINE lane_v *lane_outputs(const lanes *ls, size_t layer)
{
    return ls->out + ls->shape->unit_offset[layer];
}

INLINE lane_v *lane_deltas(const lanes *ls, size_t layer)
{
    return ls->delta + ls->shape->unit_offset[layer];
}

/* Whole cache lines: lockstep groups train on different threads, and two
 * groups' buffers sharing a line would make the cores fight over it. */
enum { CACHE_LINE = 64 };

static lane_v *lane_alloc(size_t n)
{
    size_t bytes = (n ? n : 1) * sizeof(lane_v);
    bytes = (bytes + CACHE_LINE - 1) / CACHE_LINE * CACHE_LINE;
    lane_v *v = aligned_alloc(CACHE_LINE, bytes);
    if (v) memset(v, 0, bytes);
    return v;
}

#define NO_ROWS ((size_t)-1)

/* Rows the cache holds: every row of the longest epoch where they fit in
 * BP_LOCKSTEP_ROW_CACHE_BYTES, else as many as fit, and never fewer than
 * the two a step reads (this row and the next). Filling it writes each
 * value into its lane one by one; kept across epochs, that is done once
 * instead of at every step. */
static size_t cache_rows(const bp_net *net, const bp_samples *samples, size_t n)
{
    size_t most = 2;
    for (size_t m = 0; m < n; m++)
        if (samples[m].n_rows > most) most = samples[m].n_rows;
    size_t per_row = (net->width[0] + net->width[net->n_layers]) * sizeof(lane_v);
    size_t fit = BP_LOCKSTEP_ROW_CACHE_BYTES / per_row;
    return fit < 2 ? 2 : fit < most ? fit : most;
}

static bp_status lanes_init(lanes *ls, bp_net *const *nets, const bp_samples *samples, size_t n,
                            bp_error *err)
{
    memset(ls, 0, sizeof *ls);
    const bp_net *net = nets[0];
    ls->shape = net;
    ls->n = n;
    for (size_t m = 0; m < n; m++) ls->rows[m] = samples[m].n_rows;
#ifdef BP_REAL_FLOAT
    ls->exp = expf;
#else
    ls->exp = bp_system_exp();
#endif
    ls->params = lane_alloc(net->n_params);
    ls->out = lane_alloc(net->n_units);
    ls->next_out = lane_alloc(net->n_units);
    ls->delta = lane_alloc(net->n_units);
    ls->cache_rows = cache_rows(net, samples, n);
    ls->cache_first = NO_ROWS;
    ls->cache_x = lane_alloc(ls->cache_rows * net->width[0]);
    ls->cache_t = lane_alloc(ls->cache_rows * n_outputs(ls));
    ls->one = (bp_real *)lane_alloc((n_outputs(ls) * 3 + LANES - 1) / LANES);
    if (!ls->params || !ls->out || !ls->next_out || !ls->delta || !ls->cache_x || !ls->cache_t ||
        !ls->one)
        return bp_error_nomem(err, "networks trained side by side");
    ls->one_t = ls->one + n_outputs(ls);
    for (size_t m = 0; m < n; m++)
        for (size_t p = 0; p < net->n_params; p++) ls->params[p][m] = nets[m]->params[p];
    return BP_OK;
}

static void lanes_free(lanes *ls)
{
    free(ls->params);
    free(ls->out);
    free(ls->next_out);
    free(ls->delta);
    free(ls->cache_x);
    free(ls->cache_t);
    free(ls->one);
}

/* Rows first.. of every lane's epoch into the cache, as many as it holds:
 * the inputs, and the targets (the one-hot class, or the regression
 * targets); a lane past its last row gets zeros. */
static void fill_cache(lanes *ls, const bp_samples *samples, size_t first)
{
    size_t n_in = ls->shape->width[0], n_out = n_outputs(ls);
    memset(ls->cache_x, 0, ls->cache_rows * n_in * sizeof(lane_v));
    memset(ls->cache_t, 0, ls->cache_rows * n_out * sizeof(lane_v));
    for (size_t c = 0; c < ls->cache_rows; c++) {
        size_t k = first + c;
        lane_v *cx = ls->cache_x + c * n_in, *ct = ls->cache_t + c * n_out;
        for (size_t m = 0; m < ls->n; m++) {
            if (k >= ls->rows[m]) continue;
            const bp_samples *s = &samples[m];
            size_t r = s->rows ? s->rows[k] : k;
            const bp_real *x = s->x + r * s->n_inputs;
            for (size_t i = 0; i < n_in; i++) cx[i][m] = x[i];
            if (s->y) {
                for (size_t j = 0; j < n_out; j++) ct[j][m] = s->y[r * s->n_outputs + j];
            } else if (s->label[r] < n_out) {
                ct[s->label[r]][m] = 1;
            }
        }
    }
    ls->cache_first = first;
}

/* x and target at row k, next_x at row k + 1 (when there is one); the
 * cache is refilled from row k when it does not hold both. */
INLINE void point_at_row(lanes *ls, const bp_samples *samples, size_t k, size_t most)
{
    size_t last = k + 1 < most ? k + 1 : k;
    if (ls->cache_first == NO_ROWS || k < ls->cache_first || last - ls->cache_first >= ls->cache_rows)
        fill_cache(ls, samples, k);
    size_t n_in = ls->shape->width[0], at = k - ls->cache_first;
    ls->x = ls->cache_x + at * n_in;
    ls->next_x = ls->x + n_in;
    ls->target = ls->cache_t + at * n_outputs(ls);
}

/* weighted_sums() of net.c, lane by lane: bias first, then += w * x in order. */
INLINE void lane_sums(const lane_v *restrict W, const lane_v *restrict b, const lane_v *restrict in,
                      size_t n_in, lane_v *restrict out, size_t n_out)
{
    for (size_t j = 0; j < n_out; j++) {
        lane_v a = b[j];
        const lane_v *w = W + j * n_in;
        for (size_t i = 0; i < n_in; i++) a += w[i] * in[i];
        out[j] = a;
    }
}

/* Copies lane m of n values out of (or back into) the interleaved layout. */
static void lane_get(const lane_v *v, size_t n, size_t m, bp_real *one)
{
    for (size_t j = 0; j < n; j++) one[j] = v[j][m];
}

static void lane_put(lane_v *v, size_t n, size_t m, const bp_real *one)
{
    for (size_t j = 0; j < n; j++) v[j][m] = one[j];
}

/* bp_activate() on every lane in use. */
INLINE void lane_activate(lanes *ls, bp_activation act, lane_v *v, size_t n)
{
    switch (act) {
    case BP_ACT_SIGMOID: {
        /* bp_sigmoid() in two passes: first every exp() (the calls do not
         * wait on one another), then 1 / (1 + e) a whole vector at a time.
         * Reading a vector back right after writing its lanes one by one
         * stalls the processor; a pass in between hides that. */
        const lane_v one = (lane_v){0} + 1;
        for (size_t j = 0; j < n; j++)
            for (size_t m = 0; m < ls->n; m++) v[j][m] = ls->exp(-v[j][m]);
        for (size_t j = 0; j < n; j++) v[j] = one / (one + v[j]);
        return;
    }
    case BP_ACT_TANH:
        for (size_t j = 0; j < n; j++)
            for (size_t m = 0; m < ls->n; m++) v[j][m] = bp_tanh(v[j][m]);
        return;
    case BP_ACT_RELU:
        for (size_t j = 0; j < n; j++)
            for (size_t m = 0; m < LANES; m++) v[j][m] = bp_relu(v[j][m]);
        return;
    case BP_ACT_LEAKY:
        for (size_t j = 0; j < n; j++)
            for (size_t m = 0; m < LANES; m++) v[j][m] = bp_leaky_relu(v[j][m]);
        return;
    case BP_ACT_LINEAR:
        return;
    case BP_ACT_SOFTMAX:
        for (size_t m = 0; m < ls->n; m++) {
            lane_get(v, n, m, ls->one);
            bp_activate(act, ls->one, n);
            lane_put(v, n, m, ls->one);
        }
        return;
    case BP_ACT_COUNT: /* not an activation: never in a network */
        return;
    }
}

INLINE void lane_forward(lanes *ls)
{
    const bp_net *net = ls->shape;
    const lane_v *in = ls->x;
    for (size_t l = 0; l < net->n_layers; l++) {
        lane_v *out = lane_outputs(ls, l);
        size_t n_out = net->width[l + 1];
        lane_sums(ls->params + net->w_offset[l], ls->params + net->b_offset[l], in, net->width[l], out,
                  n_out);
        lane_activate(ls, net->act[l], out, n_out);
        in = out;
    }
}

/* d[k] *= the activation's derivative at out[k]: error *
 * transfer_derivative(output), lane by lane. bp_times_derivative computes
 * the same values, but as a call compiled for the baseline ISA it made the
 * tutorial's case study 12-15% slower: this one is inlined into each
 * vector width's epoch. */
INLINE void times_derivative(bp_activation act, lane_v *restrict d, const lane_v *restrict out,
                             size_t n)
{
    const lane_v one = (lane_v){0} + 1;
    switch (act) {
    case BP_ACT_SIGMOID:
        for (size_t k = 0; k < n; k++) d[k] = d[k] * (out[k] * (one - out[k]));
        return;
    case BP_ACT_TANH:
        for (size_t k = 0; k < n; k++) d[k] = d[k] * (one - out[k] * out[k]);
        return;
    case BP_ACT_RELU:
        for (size_t k = 0; k < n; k++)
            for (size_t m = 0; m < LANES; m++) d[k][m] = d[k][m] * bp_relu_derivative(out[k][m]);
        return;
    case BP_ACT_LEAKY:
        for (size_t k = 0; k < n; k++)
            for (size_t m = 0; m < LANES; m++) d[k][m] = d[k][m] * bp_leaky_relu_derivative(out[k][m]);
        return;
    case BP_ACT_LINEAR:
    case BP_ACT_SOFTMAX:
        for (size_t k = 0; k < n; k++) d[k] = d[k] * one;
        return;
    case BP_ACT_COUNT: /* not an activation: never in a network */
        return;
    }
}

/* Squared error through an element-wise output: bp_loss_row() and
 * bp_loss_output_delta() lane by lane. */
INLINE void lane_squared_error(lanes *ls, bp_activation act)
{
    size_t n = n_outputs(ls);
    const lane_v *o = lane_outputs(ls, ls->shape->n_layers - 1), *t = ls->target;
    lane_v *d = lane_deltas(ls, ls->shape->n_layers - 1);
    lane_sum_v row = {0};
    for (size_t j = 0; j < n; j++) {
        lane_sum_v e = __builtin_convertvector(t[j], lane_sum_v) - __builtin_convertvector(o[j], lane_sum_v);
        row += e * e;
    }
    ls->sum += row;
    for (size_t k = 0; k < n; k++) d[k] = o[k] - t[k];
    times_derivative(act, d, o, n);
}

/* The output layer's loss and deltas of each lane in turn, through loss.c
 * itself. */
static void lane_loss_one_by_one(lanes *ls, bp_loss loss, bp_activation act)
{
    size_t last = ls->shape->n_layers - 1, n = n_outputs(ls);
    lane_v *o = lane_outputs(ls, last), *d = lane_deltas(ls, last);
    bp_real *one_d = ls->one_t + n;
    for (size_t m = 0; m < ls->n; m++) {
        lane_get(o, n, m, ls->one);
        lane_get(ls->target, n, m, ls->one_t);
        ls->sum[m] += bp_loss_row(loss, act, ls->one, ls->one_t, n);
        bp_loss_output_delta(loss, act, ls->one, ls->one_t, n, one_d);
        lane_put(d, n, m, one_d);
    }
}

/* The output layer's loss and deltas, loss by loss (each one that
 * bp_lockstep_accepts_loss() accepts): the squared error of an element-wise
 * output side by side, the rest one lane at a time through loss.c. */
INLINE void lane_output_deltas(lanes *ls, bp_loss loss)
{
    bp_activation act = ls->shape->act[ls->shape->n_layers - 1];
    switch (loss) {
    case BP_LOSS_SSE:
    case BP_LOSS_MSE: /* the same sum and deltas: MSE only reports it averaged */
        if (act == BP_ACT_SOFTMAX) break; /* the outputs are coupled */
        lane_squared_error(ls, act);
        return;
    case BP_LOSS_XENT: break;
    case BP_LOSS_COUNT: return; /* refused by bp_lockstep_applies() */
    }
    lane_loss_one_by_one(ls, loss, act);
}

/* hidden_deltas() of net.c: sum over the next layer of weight * delta,
 * from 0 in the next layer's order, then times the derivative. */
INLINE void lane_hidden_deltas(lanes *ls, size_t l)
{
    const bp_net *net = ls->shape;
    const lane_v *restrict W_next = ls->params + net->w_offset[l + 1];
    const lane_v *restrict d_next = lane_deltas(ls, l + 1);
    lane_v *restrict delta = lane_deltas(ls, l);
    size_t n = net->width[l + 1], n_next = net->width[l + 2];
    for (size_t j = 0; j < n; j++) {
        lane_v e = {0};
        for (size_t k = 0; k < n_next; k++) e += W_next[k * n + j] * d_next[k];
        delta[j] = e;
    }
    times_derivative(net->act[l], delta, lane_outputs(ls, l), n);
}

INLINE void lane_backward(lanes *ls, bp_loss loss)
{
    lane_output_deltas(ls, loss);
    for (size_t l = ls->shape->n_layers - 1; l-- > 0;) lane_hidden_deltas(ls, l);
}

/* update_layer() of net.c: w -= (lr * delta) * input, then b -= lr * delta. */
INLINE void lane_update_layer(lane_v *restrict W, lane_v *restrict b, const lane_v *restrict delta,
                              const lane_v *restrict in, size_t n_in, size_t n_out, bp_real lr)
{
    for (size_t j = 0; j < n_out; j++) {
        const lane_v step = lr * delta[j];
        lane_v *restrict w = W + j * n_in;
        for (size_t i = 0; i < n_in; i++) w[i] -= step * in[i];
        b[j] -= step;
    }
}

/* The same for the last rows of an epoch, when some lanes have no row left:
 * their weights must stay exactly as they are. */
static void lane_update_layer_masked(lane_v *restrict W, lane_v *restrict b,
                                     const lane_v *restrict delta, const lane_v *restrict in,
                                     size_t n_in, size_t n_out, bp_real lr,
                                     const unsigned char *active)
{
    for (size_t j = 0; j < n_out; j++)
        for (size_t m = 0; m < LANES; m++) {
            if (!active[m]) continue;
            const bp_real step = lr * delta[j][m];
            lane_v *w = W + j * n_in;
            for (size_t i = 0; i < n_in; i++) w[i][m] -= step * in[i][m];
            b[j][m] -= step;
        }
}

INLINE void lane_update(lanes *ls, bp_real lr, const unsigned char *active)
{
    const bp_net *net = ls->shape;
    const lane_v *in = ls->x;
    for (size_t l = 0; l < net->n_layers; l++) {
        lane_v *W = ls->params + net->w_offset[l], *b = ls->params + net->b_offset[l];
        const lane_v *delta = lane_deltas(ls, l);
        if (active)
            lane_update_layer_masked(W, b, delta, in, net->width[l], net->width[l + 1], lr, active);
        else
            lane_update_layer(W, b, delta, in, net->width[l], net->width[l + 1], lr);
        in = lane_outputs(ls, l);
    }
}

/* lane_update() for this row and lane_forward() for the next in one pass
 * over each layer's weights: a weight is updated and at once multiplied by
 * the next row's input. Every value is computed by the same operations as
 * in the two passes (the bias first, as the forward sum starts from it; it
 * does not depend on the weights), so the results are bit for bit the
 * same, with each weight loaded and stored once. The next row's outputs go
 * to next_out, as the update of the layer after needs this row's. */
INLINE void lane_update_forward(lanes *ls, bp_real lr)
{
    const bp_net *net = ls->shape;
    const lane_v *in = ls->x, *next_in = ls->next_x;
    for (size_t l = 0; l < net->n_layers; l++) {
        lane_v *restrict W = ls->params + net->w_offset[l], *restrict b = ls->params + net->b_offset[l];
        const lane_v *restrict delta = lane_deltas(ls, l);
        lane_v *restrict out = ls->next_out + net->unit_offset[l];
        size_t n_in = net->width[l], n_out = net->width[l + 1];
        for (size_t j = 0; j < n_out; j++) {
            const lane_v step = lr * delta[j];
            lane_v *restrict w = W + j * n_in;
            b[j] -= step;
            lane_v a = b[j];
            for (size_t i = 0; i < n_in; i++) {
                w[i] -= step * in[i];
                a += w[i] * next_in[i];
            }
            out[j] = a;
        }
        lane_activate(ls, net->act[l], out, n_out);
        in = lane_outputs(ls, l);
        next_in = out;
    }
    lane_v *o = ls->out;
    ls->out = ls->next_out;
    ls->next_out = o;
}

static int lane_params_finite(const lanes *ls, size_t m)
{
    for (size_t p = 0; p < ls->shape->n_params; p++)
        if (!isfinite(ls->params[p][m])) return 0;
    return 1;
}

/* Rows this epoch: the fewest and the most of the lanes still training. */
static void row_span(const lanes *ls, size_t *fewest, size_t *most)
{
    *fewest = (size_t)-1;
    *most = 0;
    for (size_t m = 0; m < ls->n; m++) {
        if (!ls->rows[m]) continue;
        if (ls->rows[m] < *fewest) *fewest = ls->rows[m];
        if (ls->rows[m] > *most) *most = ls->rows[m];
    }
}

/* One epoch over every lane's rows. Returns 0, or 1 when asked to stop. */
INLINE int lane_epoch_body(lanes *ls, const bp_samples *samples, const bp_train_options *o,
                           bp_real lr)
{
    size_t fewest, most;
    row_span(ls, &fewest, &most);
    unsigned char active[LANES] = {0};
    ls->sum = (lane_sum_v){0};
    if (!most) return 0;
    point_at_row(ls, samples, 0, most);
    lane_forward(ls);
    for (size_t k = 0; k < most; k++) {
        lane_backward(ls, o->loss);
        if (k >= fewest)
            for (size_t m = 0; m < ls->n; m++) active[m] = k < ls->rows[m];
        if (k + 1 < most && k < fewest) {
            lane_update_forward(ls, lr);
            point_at_row(ls, samples, k + 1, most);
        } else {
            lane_update(ls, lr, k < fewest ? NULL : active);
            if (k + 1 < most) {
                point_at_row(ls, samples, k + 1, most);
                lane_forward(ls);
            }
        }
        if (o->stop && __atomic_load_n(o->stop, __ATOMIC_RELAXED)) return 1; /* set on another thread */
    }
    return 0;
}

/* Each epoch function starts on a cache line of its own, so that its hot
 * loop sits the same way whatever code is linked before it. Its speed
 * moved with that code: a three-fold group of the tutorial ran in 13.4-13.7
 * ms aligned so, against 14.1 and 14.1-15.8 ms in the two builds before. */
#define ALIGNED_HOT __attribute__((aligned(64)))

/* The epoch compiled for each vector width; the arithmetic is the same
 * in every one (no contraction into fused multiply-adds: -ffp-contract=off). */
ALIGNED_HOT static int lane_epoch_plain(lanes *ls, const bp_samples *samples,
                                        const bp_train_options *o, bp_real lr)
{
    return lane_epoch_body(ls, samples, o, lr);
}

#if defined(LOCKSTEP_X86)
ALIGNED_HOT __attribute__((target("avx2"))) static int lane_epoch_avx2(
    lanes *ls, const bp_samples *samples, const bp_train_options *o, bp_real lr)
{
    return lane_epoch_body(ls, samples, o, lr);
}

ALIGNED_HOT __attribute__((target("avx512f,avx2"))) static int lane_epoch_avx512(
    lanes *ls, const bp_samples *samples, const bp_train_options *o, bp_real lr)
{
    return lane_epoch_body(ls, samples, o, lr);
}
#endif

typedef int (*lane_epoch_fn)(lanes *, const bp_samples *, const bp_train_options *, bp_real);

static lane_epoch_fn pick_lane_epoch(void)
{
#if defined(LOCKSTEP_X86)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return lane_epoch_avx512;
    if (__builtin_cpu_supports("avx2")) return lane_epoch_avx2;
#endif
    return lane_epoch_plain;
}

/* As train.c: a lane whose epoch loss or weights are not finite has
 * diverged; it stops here and is handed back untrained. */
static size_t drop_diverged(lanes *ls)
{
    size_t live = 0;
    for (size_t m = 0; m < ls->n; m++) {
        if (ls->rows[m] && (!isfinite(ls->sum[m]) || !lane_params_finite(ls, m))) ls->rows[m] = 0;
        live += ls->rows[m] != 0;
    }
    return live;
}

bp_status bp_train_lockstep(bp_net *const *nets, const bp_samples *samples, size_t n,
                            const bp_train_options *o, unsigned char *trained, bp_error *err)
{
    if (n == 0 || n > LANES)
        return bp_error_set(err, BP_ERR_ARG, "1 to %d networks train side by side, not %zu", LANES, n);
    if (!bp_lockstep_applies(o, nets[0]->act, nets[0]->n_layers))
        return bp_error_set(err, BP_ERR_ARG, "these training options cannot run side by side");
    for (size_t m = 0; m < n; m++)
        if (nets[m]->n_params != nets[0]->n_params || nets[m]->n_layers != nets[0]->n_layers ||
            memcmp(nets[m]->width, nets[0]->width, (nets[0]->n_layers + 1) * sizeof *nets[0]->width) != 0 ||
            memcmp(nets[m]->act, nets[0]->act, nets[0]->n_layers * sizeof *nets[0]->act) != 0)
            return bp_error_set(err, BP_ERR_ARG, "networks trained side by side need one shape");
    lanes ls;
    bp_status st = lanes_init(&ls, nets, samples, n, err);
    lane_epoch_fn lane_epoch = pick_lane_epoch();
    for (size_t epoch = 0; st == BP_OK && epoch < o->epochs; epoch++) {
        if (lane_epoch(&ls, samples, o, (bp_real)bp_schedule_rate(o, epoch)))
            st = bp_error_set(err, BP_ERR_INTERRUPTED, "training stopped at epoch %zu", epoch + 1);
        else if (drop_diverged(&ls) == 0)
            break;
    }
    for (size_t m = 0; st == BP_OK && m < n; m++) {
        trained[m] = ls.rows[m] != 0;
        if (trained[m])
            for (size_t p = 0; p < ls.shape->n_params; p++)
                nets[m]->params[p] = ls.params[p][m];
    }
    lanes_free(&ls);
    return st;
}
