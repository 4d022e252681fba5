#include "fast/batch.h"

#include "core/activation.h"
#include "util/error.h"
#include "core/loss.h"
#include "core/net.h"
#include "util/vec.h"

#include <stdlib.h>
#include <string.h>

bp_status bp_batch_ws_init(bp_batch_ws *ws, const bp_net *net, size_t capacity, size_t threads,
                           bp_error *err)
{
    memset(ws, 0, sizeof *ws);
    ws->capacity = capacity;
    size_t units = net->n_units, cells_x, cells_t, cells_a;
    if (!bp_mul_size(capacity, net->width[0], &cells_x) ||
        !bp_mul_size(capacity, net->width[net->n_layers], &cells_t) ||
        !bp_mul_size(capacity, units, &cells_a) || cells_a > ((size_t)-1) / 2 / sizeof(bp_real))
        return bp_error_set(err, BP_ERR_NOMEM, "batch of %zu rows is too large", capacity);
    ws->x = malloc(cells_x * sizeof *ws->x);
    ws->t = malloc(cells_t * sizeof *ws->t);
    ws->act = malloc(cells_a * sizeof *ws->act);
    ws->delta = malloc(cells_a * sizeof *ws->delta);
    ws->offset = malloc(net->n_layers * sizeof *ws->offset);
    size_t widest = 1; /* never a malloc of 0 bytes */
    for (size_t l = 1; l <= net->n_layers; l++)
        if (net->width[l] > widest) widest = net->width[l];
    ws->bias_step = malloc(widest * sizeof *ws->bias_step);
    if (!ws->x || !ws->t || !ws->act || !ws->delta || !ws->offset || !ws->bias_step) {
        bp_batch_ws_free(ws);
        return bp_error_nomem(err, "batch workspace");
    }
    for (size_t l = 0; l < net->n_layers; l++) ws->offset[l] = capacity * net->unit_offset[l];
    ws->isa = bp_cpu_isa();
    bp_status st = bp_pool_create(&ws->pool, threads, err);
    if (st != BP_OK) bp_batch_ws_free(ws);
    return st;
}

void bp_batch_ws_free(bp_batch_ws *ws)
{
    free(ws->x);
    free(ws->t);
    free(ws->w);
    free(ws->act);
    free(ws->delta);
    free(ws->offset);
    free(ws->bias_step);
    free(ws->panels);
    free(ws->panel_offset);
    bp_pool_free(ws->pool);
    memset(ws, 0, sizeof *ws);
}

/* Waking the other threads costs microseconds: a product smaller than this
 * (in multiply-adds) runs on the calling thread alone. The result is the
 * same bit for bit either way. */
#define PARALLEL_MIN_WORK ((size_t)1 << 19)

static bp_pool *pool_for(const bp_batch_ws *ws, size_t m, size_t n, size_t k)
{
    return m * n * k >= PARALLEL_MIN_WORK ? ws->pool : NULL;
}

/* acc[j] += v[j] for j < n, a vector at a time (vec.h). */
static void add_to(bp_real *acc, const bp_real *v, size_t n)
{
    size_t j = 0;
    for (; j + BP_VEC <= n; j += BP_VEC) {
        bp_vec a, b;
        bp_vec_load(&a, acc + j);
        bp_vec_load(&b, v + j);
        a += b;
        bp_vec_store(acc + j, &a);
    }
    for (; j < n; j++) acc[j] += v[j];
}

/* ------------------------------------------------ element-wise passes
 *
 * The passes between the products (bias and activation, derivative, bias
 * sums) go element by element or column by column, so they are split
 * between the pool's threads in parts whose results do not depend on how
 * the work is cut: the same bits on any number of threads. Below this
 * many elements a pass stays on the calling thread. */
#define PARALLEL_MIN_ELEMENTS ((size_t)1 << 15)

/* A pass over [0, count) cut into one part per worker, each part a
 * multiple of `grain` long (except the last). */
typedef struct split_pass {
    void (*run)(const struct split_pass *pass, size_t begin, size_t end);
    size_t count, grain, parts;
    bp_net *net;
    size_t layer, n_rows, width;
    bp_real scale;
    bp_real *data;
    const bp_real *other;
} split_pass;

static void split_pass_part(void *ctx, size_t part)
{
    const split_pass *pass = ctx;
    size_t per = (pass->count + pass->parts - 1) / pass->parts;
    per = (per + pass->grain - 1) / pass->grain * pass->grain;
    size_t begin = part * per, end = begin + per;
    if (end > pass->count) end = pass->count;
    if (begin < end) pass->run(pass, begin, end);
}

static void run_split(bp_batch_ws *ws, split_pass *pass, size_t elements)
{
    pass->parts = elements >= PARALLEL_MIN_ELEMENTS ? bp_pool_size(ws->pool) : 1;
    if (pass->parts > 1) {
        bp_pool_run(ws->pool, split_pass_part, pass, pass->parts);
    } else {
        pass->run(pass, 0, pass->count);
    }
}

/* Rows [begin, end) of layer `layer`'s outputs: + bias, then the activation. */
static void bias_and_activation(const split_pass *pass, size_t begin, size_t end)
{
    const bp_real *b = bp_net_bias(pass->net, pass->layer);
    bp_activation act = pass->net->act[pass->layer];
    for (size_t r = begin; r < end; r++) add_to(pass->data + r * pass->width, b, pass->width);
    if (act != BP_ACT_SOFTMAX) { /* element by element: the rows as one run */
        bp_activate(act, pass->data + begin * pass->width, (end - begin) * pass->width);
        return;
    }
    for (size_t r = begin; r < end; r++) bp_activate(act, pass->data + r * pass->width, pass->width);
}

/* Elements [begin, end) of the deltas times the derivative at the outputs. */
static void times_derivative_part(const split_pass *pass, size_t begin, size_t end)
{
    bp_times_derivative(pass->net->act[pass->layer], pass->data + begin, pass->other + begin,
                        end - begin);
}

/* Columns [begin, end) of the sum over the rows of the deltas, times scale. */
static void bias_gradient_part(const split_pass *pass, size_t begin, size_t end)
{
    const bp_real scale = pass->scale;
    bp_real *gb = pass->data + begin;
    size_t cols = end - begin;
    for (size_t j = 0; j < cols; j++) gb[j] = 0;
    for (size_t r = 0; r < pass->n_rows; r++) add_to(gb, pass->other + r * pass->width + begin, cols);
    for (size_t j = 0; j < cols; j++) gb[j] *= scale;
}

/* Layer l's W^T as a panel matrix (n_in x n_out), while the panels are live. */
static bp_real *layer_panels(const bp_batch_ws *ws, size_t l)
{
    return ws->panels + ws->panel_offset[l];
}

/* Layer l's weights as the B operand of a product, op(B) = W^T (transposed)
 * or W: from the panels while they are live. Either way ldb = n_in. */
static const bp_real *weights_operand(bp_net *net, const bp_batch_ws *ws, size_t l,
                                      int transposed, bp_trans *tb)
{
    if (ws->panels_live) {
        *tb = transposed ? BP_PANELS : BP_PANELS_TRANS;
        return layer_panels(ws, l);
    }
    *tb = transposed ? BP_TRANS : BP_NO_TRANS;
    return bp_net_weights(net, l);
}

/* Z = X W^T + b, then the activation, row by row. */
static void forward_layer(bp_net *net, bp_batch_ws *ws, size_t l, const bp_real *in, size_t n)
{
    size_t n_in = net->width[l], n_out = net->width[l + 1];
    bp_real *out = ws->act + ws->offset[l];
    bp_trans tb;
    const bp_real *w = weights_operand(net, ws, l, 1, &tb);
    bp_gemm(pool_for(ws, n, n_out, n_in), ws->isa, BP_NO_TRANS, tb, n, n_out, n_in, 1, in, n_in, w,
            n_in, 0, out, n_out);
    split_pass pass = {.run = bias_and_activation, .count = n, .grain = 1, .net = net, .layer = l,
                       .width = n_out, .data = out};
    run_split(ws, &pass, n * n_out);
}

/* Sum over the batch of layer l's deltas, times scale: the bias gradient. */
static void bias_gradient(bp_batch_ws *ws, const bp_real *d, size_t n, size_t n_out, bp_real scale,
                          bp_real *gb)
{
    split_pass pass = {.run = bias_gradient_part, .count = n_out, .grain = BP_VEC, .n_rows = n,
                       .width = n_out, .scale = scale, .data = gb, .other = d};
    run_split(ws, &pass, n * n_out);
}

/* The deltas of layer l - 1 from those of layer l (through its weights as
 * they are now). */
static void deltas_below(bp_net *net, bp_batch_ws *ws, size_t l, size_t n)
{
    size_t n_in = net->width[l], n_out = net->width[l + 1];
    const bp_real *d = ws->delta + ws->offset[l];
    bp_real *d_prev = ws->delta + ws->offset[l - 1];
    const bp_real *a_prev = ws->act + ws->offset[l - 1];
    bp_trans tb;
    const bp_real *w = weights_operand(net, ws, l, 0, &tb);
    bp_gemm(pool_for(ws, n, n_in, n_out), ws->isa, BP_NO_TRANS, tb, n, n_in, n_out, 1, d, n_out, w,
            n_in, 0, d_prev, n_in);
    split_pass pass = {.run = times_derivative_part, .count = n * n_in, .grain = BP_VEC, .net = net,
                       .layer = l - 1, .data = d_prev, .other = a_prev};
    run_split(ws, &pass, n * n_in);
}

/* gW = alpha * d^T in (+ gW when accumulate): the weight gradient of layer
 * l scaled by alpha, or, straight into the weights, an SGD step. */
static void weight_product(bp_net *net, bp_batch_ws *ws, size_t l, size_t n, bp_real alpha,
                           bp_real *gW, int accumulate)
{
    size_t n_in = net->width[l], n_out = net->width[l + 1];
    const bp_real *d = ws->delta + ws->offset[l];
    const bp_real *in = l ? ws->act + ws->offset[l - 1] : ws->x;
    bp_gemm(pool_for(ws, n_out, n_in, n), ws->isa, BP_TRANS, BP_NO_TRANS, n_out, n_in, n, alpha, d, n_out,
            in, n_in, accumulate ? 1 : 0, gW, n_in);
}

/* Gradient of layer l from its deltas, times scale; then the deltas of
 * layer l - 1. */
static void backward_layer(bp_net *net, bp_batch_ws *ws, size_t l, size_t n, bp_real scale,
                           bp_real *grad)
{
    size_t n_out = net->width[l + 1];
    weight_product(net, ws, l, n, scale, grad + net->w_offset[l], 0);
    bias_gradient(ws, ws->delta + ws->offset[l], n, n_out, scale, grad + net->b_offset[l]);
    if (l > 0) deltas_below(net, ws, l, n);
}

/* W^T += alpha in^T d, into layer l's panels: the same sums as
 * weight_product's, each element's in the same order. */
static void panel_step(bp_net *net, bp_batch_ws *ws, size_t l, size_t n, bp_real alpha)
{
    size_t n_in = net->width[l], n_out = net->width[l + 1];
    const bp_real *d = ws->delta + ws->offset[l];
    const bp_real *in = l ? ws->act + ws->offset[l - 1] : ws->x;
    bp_gemm_to_panels(pool_for(ws, n_in, n_out, n), ws->isa, BP_TRANS, BP_NO_TRANS, n_in, n_out, n,
                      alpha, in, n_in, d, n_out, 1, layer_panels(ws, l));
}

/* Plain SGD on layer l: its deltas first go down a layer (through the
 * weights before the step), then the step goes straight into the weights,
 * W += (-lr / n) d^T in, with no gradient buffer to write and read back. */
static void sgd_layer(bp_net *net, bp_batch_ws *ws, size_t l, size_t n, bp_real lr)
{
    size_t n_out = net->width[l + 1];
    if (l > 0) deltas_below(net, ws, l, n);
    if (ws->panels_live) panel_step(net, ws, l, n, -lr / (bp_real)n);
    else weight_product(net, ws, l, n, -lr / (bp_real)n, bp_net_weights(net, l), 1);
    bp_real *b = bp_net_bias(net, l);
    bias_gradient(ws, ws->delta + ws->offset[l], n, n_out, (bp_real)1 / (bp_real)n, ws->bias_step);
    for (size_t j = 0; j < n_out; j++) b[j] -= lr * ws->bias_step[j];
}

const bp_real *bp_batch_forward(bp_net *net, bp_batch_ws *ws, size_t n)
{
    const bp_real *in = ws->x;
    for (size_t l = 0; l < net->n_layers; l++) {
        forward_layer(net, ws, l, in, n);
        in = ws->act + ws->offset[l];
    }
    return in;
}

bp_status bp_batch_predict(bp_net *net, const bp_real *x, const size_t *rows, size_t n,
                           size_t threads, bp_batch_fn emit, void *ctx, bp_error *err)
{
    enum { CHUNK = 256 };
    bp_batch_ws ws;
    bp_status st = bp_batch_ws_init(&ws, net, n < CHUNK ? (n ? n : 1) : CHUNK, threads, err);
    if (st != BP_OK) return st;
    size_t n_in = net->width[0], n_out = net->width[net->n_layers];
    for (size_t start = 0; start < n; start += ws.capacity) {
        size_t m = n - start < ws.capacity ? n - start : ws.capacity;
        for (size_t k = 0; k < m; k++) {
            size_t r = rows ? rows[start + k] : start + k;
            memcpy(ws.x + k * n_in, x + r * n_in, n_in * sizeof *ws.x);
        }
        const bp_real *out = bp_batch_forward(net, &ws, m);
        for (size_t k = 0; k < m; k++) emit(ctx, start + k, out + k * n_out);
    }
    bp_batch_ws_free(&ws);
    return BP_OK;
}

/* Forward pass, loss and output deltas of a batch; returns the summed loss. */
static double forward_and_output_deltas(bp_net *net, bp_batch_ws *ws, size_t n, bp_loss loss)
{
    bp_batch_forward(net, ws, n);
    size_t last = net->n_layers - 1, n_out = net->width[net->n_layers];
    const bp_real *out = ws->act + ws->offset[last];
    bp_real *d = ws->delta + ws->offset[last];
    double sum = 0;
    for (size_t r = 0; r < n; r++) {
        const bp_real *o = out + r * n_out, *t = ws->t + r * n_out;
        double row_loss = bp_loss_row(loss, net->act[last], o, t, n_out);
        bp_loss_output_delta(loss, net->act[last], o, t, n_out, d + r * n_out);
        if (ws->w) { /* a weighted row: its loss and its whole gradient scaled */
            row_loss *= (double)ws->w[r];
            for (size_t j = 0; j < n_out; j++) d[r * n_out + j] *= ws->w[r];
        }
        sum += row_loss;
    }
    return sum;
}

double bp_batch_gradient(bp_net *net, bp_batch_ws *ws, size_t n, bp_loss loss, bp_real *grad)
{
    double sum = forward_and_output_deltas(net, ws, n, loss);
    for (size_t l = net->n_layers; l-- > 0;) backward_layer(net, ws, l, n, (bp_real)1 / (bp_real)n, grad);
    return sum;
}

double bp_batch_gradient_sum(bp_net *net, bp_batch_ws *ws, size_t n, bp_loss loss, bp_real *grad)
{
    double sum = forward_and_output_deltas(net, ws, n, loss);
    for (size_t l = net->n_layers; l-- > 0;) backward_layer(net, ws, l, n, 1, grad);
    return sum;
}

double bp_batch_sgd(bp_net *net, bp_batch_ws *ws, size_t n, bp_loss loss, bp_real lr)
{
    double sum = forward_and_output_deltas(net, ws, n, loss);
    for (size_t l = net->n_layers; l-- > 0;) sgd_layer(net, ws, l, n, lr);
    return sum;
}

/* Room for every layer's panels; offsets in ws->panel_offset. */
static bp_status allocate_panels(const bp_net *net, bp_batch_ws *ws, bp_error *err)
{
    size_t total = 0;
    ws->panel_offset = malloc(net->n_layers * sizeof *ws->panel_offset);
    if (!ws->panel_offset) return bp_error_nomem(err, "weight panels");
    for (size_t l = 0; l < net->n_layers; l++) {
        size_t size = bp_panels_size(ws->isa, net->width[l], net->width[l + 1]);
        ws->panel_offset[l] = total;
        if (size == 0 || total + size < total)
            return bp_error_set(err, BP_ERR_NOMEM, "weight panels of layer %zu are too large", l + 1);
        total += size;
    }
    if (total > ((size_t)-1) / sizeof(bp_real)) return bp_error_nomem(err, "weight panels");
    /* zeroed: the padding columns of the last panels stay zero */
    ws->panels = calloc(total, sizeof *ws->panels);
    return ws->panels ? BP_OK : bp_error_nomem(err, "weight panels");
}

bp_status bp_batch_ws_panels(const bp_net *net, bp_batch_ws *ws, bp_error *err)
{
    if (!bp_gemm_is_builtin() || ws->panels) return BP_OK;
    bp_status st = allocate_panels(net, ws, err);
    if (st != BP_OK) {
        free(ws->panel_offset);
        ws->panel_offset = NULL;
    }
    return st;
}

void bp_batch_sgd_begin(bp_net *net, bp_batch_ws *ws)
{
    if (!ws->panels || ws->panels_live) return;
    for (size_t l = 0; l < net->n_layers; l++)
        bp_panels_pack(ws->isa, BP_TRANS, net->width[l], net->width[l + 1], bp_net_weights(net, l),
                       net->width[l], layer_panels(ws, l));
    ws->panels_live = 1;
}

void bp_batch_sgd_end(bp_net *net, bp_batch_ws *ws)
{
    if (!ws->panels_live) return;
    for (size_t l = 0; l < net->n_layers; l++)
        bp_panels_unpack(ws->isa, net->width[l], net->width[l + 1], layer_panels(ws, l), BP_TRANS,
                         bp_net_weights(net, l), net->width[l]);
    ws->panels_live = 0;
}
