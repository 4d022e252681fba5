/* backprop — feed-forward neural networks trained with backpropagation.
 *
 * The whole public API. Handles are opaque; options are plain structs with
 * a *_defaults() initialiser. Every function that can fail returns a
 * bp_status and, when given a bp_error, fills it with a message that names
 * the file, line and column for data errors. The library never prints,
 * exits or aborts, and keeps no global mutable state.
 */
#ifndef BACKPROP_H
#define BACKPROP_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BP_VERSION "0.1.0"

/* The scalar type: double by default, float when built with REAL=float
 * (which defines BP_REAL_FLOAT for the library and for its users). */
#ifdef BP_REAL_FLOAT
typedef float bp_real;
#else
typedef double bp_real;
#endif

/* ---------------------------------------------------------------- errors */

typedef enum bp_status {
    BP_OK = 0,
    BP_ERR_ARG,        /* a bad argument or option value */
    BP_ERR_DATA,       /* malformed input data or model file */
    BP_ERR_IO,         /* a file could not be read or written */
    BP_ERR_NOMEM,      /* an allocation failed or a size overflowed */
    BP_ERR_NUMERIC,    /* training produced a non-finite value */
    BP_ERR_INTERRUPTED /* stopped on request */
} bp_status;

/* A human-readable error: "file:line:column: what went wrong" for data. */
typedef struct bp_error {
    bp_status status;
    char message[1024];
} bp_error;

/* Short English name of a status code. */
const char *bp_status_name(bp_status status);

/* ------------------------------------------------------------------- rng */

/* Mersenne Twister MT19937, seeded and drawn exactly as Python's `random`. */
typedef struct bp_rng {
    uint32_t state[624];
    int index;
} bp_rng;

/* Seed as Python's random.seed(n) does for a non-negative integer n. */
void bp_rng_seed(bp_rng *rng, uint64_t seed);
/* Seed from the little-endian 32-bit words of an arbitrarily large integer. */
void bp_rng_seed_words(bp_rng *rng, const uint32_t *words, size_t n_words);
/* Seed from a decimal string of any length (Python's seed(int(text))). */
bp_status bp_rng_seed_decimal(bp_rng *rng, const char *text, bp_error *err);
/* Next 32 random bits (genrand_uint32). */
uint32_t bp_rng_next32(bp_rng *rng);
/* A double in [0, 1) with 53 random bits, as random.random(). */
double bp_rng_random(bp_rng *rng);
/* A uniform integer in [0, n) as random.randrange(n); n must be > 0. */
uint64_t bp_rng_randrange(bp_rng *rng, uint64_t n);

/* --------------------------------------------------------------- network */

/* Activation of a layer's neurons. Softmax is for the output layer only. */
typedef enum bp_activation {
    BP_ACT_SIGMOID = 0, /* 1 / (1 + exp(-a)), the tutorial's transfer */
    BP_ACT_TANH,
    BP_ACT_RELU,
    BP_ACT_LEAKY,       /* leaky ReLU, slope 0.01 below zero */
    BP_ACT_LINEAR,
    BP_ACT_SOFTMAX,
    BP_ACT_COUNT        /* not an activation: the number of them */
} bp_activation;

/* Name of an activation ("sigmoid", "tanh", ...). */
const char *bp_activation_name(bp_activation act);
/* Parses an activation name; BP_ERR_ARG for an unknown one. */
bp_status bp_activation_parse(const char *name, bp_activation *out, bp_error *err);
/* Derivative of act at a neuron from its output, as training computes it
 * (sigmoid: output * (1 - output)); 1 for softmax and linear. */
bp_real bp_activation_derivative(bp_activation act, bp_real out);
/* The activation as a sentence, "output = tanh(activation)", for
 * explanations such as backprop trace. */
const char *bp_activation_formula(bp_activation act);
/* Its derivative in terms of the output: "1 - output * output". */
const char *bp_activation_derivative_formula(bp_activation act);
/* That derivative worked out for one output value, with '@' where the
 * value goes: "1 - @ * @ = " (possibly "", or words such as
 * "(output > 0) "). */
const char *bp_activation_derivative_working(bp_activation act, bp_real out);

/* How initial weights are drawn (always from the given seeded rng). */
typedef enum bp_init {
    BP_INIT_UNIFORM = 0, /* the tutorial's uniform [0,1), weights and bias */
    BP_INIT_XAVIER,      /* Glorot uniform in +-sqrt(6/(fan_in+fan_out)), bias 0 */
    BP_INIT_HE,          /* He normal, std sqrt(2/fan_in), bias 0 */
    BP_INIT_AUTO,        /* by each layer's activation (bp_init_for_layer) */
    BP_INIT_COUNT        /* not an init: the number of them */
} bp_init;

const char *bp_init_name(bp_init init);
/* What BP_INIT_AUTO draws for one layer of a network of n_layers weight
 * layers with widths[0 .. n_layers] and activations acts[0 .. n_layers-1]:
 * the tutorial's uniform when every layer is sigmoid with at most
 * BP_INIT_UNIFORM_FAN_IN inputs (the tutorial's network, drawn as it draws
 * it; wider, uniform [0,1) weights saturate the sigmoid), else He for relu
 * and leaky layers and Xavier for the others. Any other init is returned
 * as it is. */
#define BP_INIT_UNIFORM_FAN_IN 16
bp_init bp_init_for_layer(bp_init init, const size_t *widths, const bp_activation *acts, size_t n_layers,
                          size_t layer);
bp_status bp_init_parse(const char *name, bp_init *out, bp_error *err);

/* The loss that training minimises. */
typedef enum bp_loss {
    BP_LOSS_SSE = 0, /* the tutorial's sum of squared errors */
    BP_LOSS_XENT,    /* cross-entropy: softmax multi-class or sigmoid binary */
    BP_LOSS_MSE,     /* mean squared error, for regression */
    BP_LOSS_COUNT    /* not a loss: the number of them */
} bp_loss;

const char *bp_loss_name(bp_loss loss);
bp_status bp_loss_parse(const char *name, bp_loss *out, bp_error *err);
/* The loss of one row's n outputs against its targets, as training sums
 * it (out_act is the output layer's activation; cross-entropy keeps the
 * probabilities off log(0)). */
double bp_loss_value(bp_loss loss, bp_activation out_act, const bp_real *out, const bp_real *expected,
                     size_t n);

typedef struct bp_net bp_net;

/* The largest network the library makes: the most a model file holds, so
 * that every network that trains can be saved. bp_net_create and every
 * training run check them before any work starts (BP_ERR_ARG). */
#define BP_MAX_LAYERS ((size_t)1024)           /* weight layers */
#define BP_MAX_HIDDEN (BP_MAX_LAYERS - 1)      /* hidden layers */
#define BP_MAX_WIDTH ((size_t)65536)           /* neurons of a layer; inputs; outputs */
#define BP_MAX_PARAMS ((size_t)1 << 28)        /* weights and biases in all */

/* Creates a network of n_layers weight layers. widths has n_layers + 1
 * entries (inputs, hidden widths..., outputs); acts has n_layers entries,
 * or is NULL for sigmoid everywhere. Weights start at zero. */
bp_status bp_net_create(bp_net **out, size_t n_layers, const size_t *widths,
                        const bp_activation *acts, bp_error *err);
/* An exact copy (weights and shape) of a network. */
bp_status bp_net_clone(bp_net **out, const bp_net *net, bp_error *err);
/* Frees a network; NULL is allowed. */
void bp_net_free(bp_net *net);

/* Number of weight layers (hidden layers + 1). */
size_t bp_net_layers(const bp_net *net);
/* Width of level i: 0 = inputs, bp_net_layers() = outputs. */
size_t bp_net_width(const bp_net *net, size_t level);
/* Activation of weight layer `layer`. */
bp_activation bp_net_activation(const bp_net *net, size_t layer);
/* Layer weights, n_out x n_in row-major (row j = neuron j's input weights). */
bp_real *bp_net_weights(bp_net *net, size_t layer);
/* Layer biases, n_out entries. */
bp_real *bp_net_bias(bp_net *net, size_t layer);
/* The one contiguous parameter buffer (every layer's W then b). */
bp_real *bp_net_params(bp_net *net, size_t *count);
/* Read-only view of the parameter buffer. */
const bp_real *bp_net_params_const(const bp_net *net, size_t *count);

/* Draws every weight from rng: layer by layer, neuron by neuron, the
 * neuron's input weights first and its bias last (the tutorial's order). */
void bp_net_init(bp_net *net, bp_init init, bp_rng *rng);

/* Forward-propagates one row; returns the output layer's values, which stay
 * valid (with every layer's outputs) until the next call on this network. */
const bp_real *bp_net_forward(bp_net *net, const bp_real *inputs);
/* Outputs of weight layer `layer` from the last forward pass (writable, so a
 * tutorial step can be set up by hand). */
bp_real *bp_net_outputs(bp_net *net, size_t layer);
/* Deltas of weight layer `layer` from the last backward pass. */
const bp_real *bp_net_deltas(const bp_net *net, size_t layer);
/* Back-propagates the error of the stored outputs against `expected`
 * (n_outputs values) under `loss`: with squared error and sigmoid this is the
 * tutorial's delta = (output - expected) * output * (1 - output). */
void bp_net_backward(bp_net *net, const bp_real *expected, bp_loss loss);
/* Online SGD step with the stored deltas: w -= (lr * delta) * input. */
void bp_net_update(bp_net *net, const bp_real *inputs, bp_real learning_rate);
/* Index of the largest output for one row (the first one on ties). */
size_t bp_net_predict(bp_net *net, const bp_real *inputs);

/* -------------------------------------------------------------- training */

typedef enum bp_optimizer {
    BP_OPT_SGD = 0, /* plain stochastic gradient descent (the tutorial) */
    BP_OPT_MOMENTUM,
    BP_OPT_NESTEROV,
    BP_OPT_ADAM,
    BP_OPT_COUNT    /* not an optimizer: the number of them */
} bp_optimizer;

const char *bp_optimizer_name(bp_optimizer opt);
bp_status bp_optimizer_parse(const char *name, bp_optimizer *out, bp_error *err);
/* A learning rate that suits the optimiser when none is chosen: the
 * tutorial's 0.3 for sgd; 0.03 for momentum and nesterov (the same step
 * as sgd's once the velocity builds up with the default momentum 0.9);
 * 0.001 for adam, as in Keras and PyTorch. */
double bp_default_learning_rate(bp_optimizer opt);

typedef enum bp_schedule {
    BP_SCHEDULE_CONSTANT = 0,
    BP_SCHEDULE_STEP,   /* lr * decay ^ floor(epoch / step_epochs) */
    BP_SCHEDULE_INVTIME, /* lr / (1 + decay * epoch) */
    BP_SCHEDULE_COUNT    /* not a schedule: the number of them */
} bp_schedule;

const char *bp_schedule_name(bp_schedule s);
bp_status bp_schedule_parse(const char *name, bp_schedule *out, bp_error *err);

/* Training rows: a row-major feature matrix and, per row, a class index
 * (classification) or n_outputs target values (regression). */
typedef struct bp_samples {
    const bp_real *x;       /* n_total x n_inputs */
    size_t n_inputs;
    const uint32_t *label;  /* class index per row, or NULL */
    const bp_real *y;       /* n_total x n_outputs targets, or NULL */
    size_t n_outputs;
    const size_t *rows;     /* rows to use, in this order; NULL = 0..n_rows-1 */
    size_t n_rows;
    const bp_real *weight;  /* per row of x, how much it counts (> 0); NULL = 1 each */
} bp_samples;

/* What a training run reports after every epoch. */
typedef struct bp_epoch_report {
    size_t epoch;            /* 0-based */
    size_t epochs;           /* planned number of epochs */
    double loss_sum;         /* summed loss over the epoch (the tutorial's sum_error) */
    double loss;             /* mean loss per training row */
    double val_loss;         /* mean validation loss, NaN without validation */
    double val_accuracy;     /* validation accuracy in %, NaN without it or for regression */
    double learning_rate;    /* the rate used in this epoch */
    double seconds;          /* wall time since training started */
    size_t rows;             /* training rows seen per epoch */
} bp_epoch_report;

/* Called after each epoch; return nonzero to stop training early. */
typedef int (*bp_epoch_fn)(void *user, const bp_epoch_report *report);

/* The reduce step of a training step (gradient of the batch -> reduce ->
 * optimiser step). With shards = S > 1 each batch of n rows is cut into S
 * shards, shard i holding the batch's rows [i*n/S, (i+1)*n/S): boundaries
 * that depend on n and S only. Each shard's part is the sum over its rows
 * (not the mean) of the loss gradient, in the network's parameter layout,
 * and of the loss; the batch's gradient is the sum of the S parts, in the
 * fixed order of bp_reduce_tree, divided by n. The model then depends on S
 * but not on who computed which shard. */
typedef struct bp_grad_part {
    bp_real *grad;      /* n_params summed gradients */
    double loss;        /* summed loss of the shard's rows */
    size_t rows;        /* rows in the shard (0 for an empty one) */
} bp_grad_part;

/* A reducer is given the parts of shards [first, first + count) of n_shards,
 * computed here, and must leave in total the sum of all n_shards parts in
 * bp_reduce_tree's order (for example: exchange the parts with the other
 * processes, then bp_reduce_tree over all of them). A status other than
 * BP_OK stops training with that error. */
typedef bp_status (*bp_reduce_fn)(void *ctx, const bp_grad_part *parts, size_t first, size_t count,
                                  size_t n_shards, size_t n_params, bp_grad_part *total,
                                  bp_error *err);

typedef struct bp_reducer {
    bp_reduce_fn fn;
    void *ctx;          /* passed to fn */
    size_t first;       /* the first shard computed here */
    size_t count;       /* how many shards are computed here (>= 1) */
} bp_reducer;

/* total = the sum of parts[0 .. n-1] as a balanced tree whose shape depends
 * on n only: neighbours are added in pairs, level by level, an odd last
 * part going up alone. total->grad must not be any part's buffer. */
void bp_reduce_tree(const bp_grad_part *parts, size_t n, size_t n_params, bp_grad_part *total);

/* What a training run noticed about itself, for warnings that say why a
 * model is poor (bp_train_options.diagnostics). After the first epoch up
 * to BP_DIAGNOSE_ROWS training rows go through the network to see how its
 * hidden units behave. */
#define BP_DIAGNOSE_ROWS 256
typedef struct bp_train_diagnostics {
    size_t epochs_run;
    double first_loss, last_loss; /* mean training loss of the first and the last epoch */
    size_t flat_epochs;     /* the last epochs in a row whose loss moved by less
                               than 1e-5 of itself */
    size_t rows_checked;    /* rows looked at after the first epoch; 0 = not looked */
    size_t squashing_units; /* sigmoid and tanh hidden units */
    size_t saturated_units; /* ... at their limits (within 1e-3) on 95% of those rows or more */
    size_t relu_units;      /* relu hidden units */
    size_t dead_units;      /* ... at 0 on every one of those rows */
    size_t stopped_epoch;   /* early stopping ended training after this epoch (1-based); 0 = it did not */
    size_t best_epoch;      /* the epoch whose weights were kept (1-based), with validation */
} bp_train_diagnostics;

typedef struct bp_train_options {
    double learning_rate;   /* 0.3 */
    size_t epochs;          /* 500 */
    size_t batch_size;      /* 1 = online SGD (the tutorial); 0 = the full batch */
    bp_loss loss;           /* BP_LOSS_SSE */
    int shuffle;            /* reshuffle the rows every epoch (seeded); 0 keeps order */
    bp_optimizer optimizer; /* BP_OPT_SGD */
    double momentum;        /* 0.9, for momentum and nesterov */
    double beta1, beta2;    /* 0.9, 0.999, for adam */
    double epsilon;         /* 1e-8, for adam */
    double l2;              /* L2 weight decay on weights (not biases); 0 */
    bp_schedule schedule;   /* BP_SCHEDULE_CONSTANT */
    double decay;           /* 0.5 for step, 0.01 for invtime */
    size_t step_epochs;     /* 10: epochs per step of the step schedule */
    double validation;      /* fraction of rows held out for early stopping; 0 = none */
    size_t patience;        /* epochs without improvement before stopping; 10 */
    size_t threads;         /* worker threads; 0 = all cores */
    bp_epoch_fn on_epoch;   /* progress callback, or NULL */
    void *user;             /* passed to on_epoch */
    const char *checkpoint; /* save the whole training state here, or NULL */
    size_t checkpoint_every;/* ... every this many epochs (0: only when stopped) */
    const char *resume;     /* continue the run saved in this checkpoint, or NULL */
    size_t max_memory;      /* refuse a run whose estimate (bp_train_memory) is
                               larger; 0 = no limit */
    const volatile sig_atomic_t *stop; /* nonzero (e.g. set by a signal handler):
                               stop after the current batch, saving a checkpoint
                               when one is configured; bp_train then returns
                               BP_ERR_INTERRUPTED */
    size_t shards;          /* cut each batch into this many shards whose parts
                               are reduced (bp_grad_part); 0 or 1 = no cut */
    const bp_reducer *reducer; /* reduces the parts computed here with those
                               computed elsewhere; NULL = all shards here,
                               summed by bp_reduce_tree. Needs batches of more
                               than one row and a step through the gradient:
                               the paths that step straight into the weights
                               are not taken */
    bp_train_diagnostics *diagnostics; /* filled in when not NULL; cross-validation's
                               folds in lockstep (cv --tutorial) leave it zero */
    const double *class_weight; /* classification: per class, how much its rows
                               count (> 0), times their sample weight; NULL = 1 */
    int balanced;           /* class weights n / (n_classes * rows of the class)
                               over the run's training rows (scikit-learn's
                               "balanced"), instead of class_weight */
} bp_train_options;

/* scikit-learn's "balanced" class weights of rows (NULL = the first n) of
 * the labels: n / (n_classes * the class's count), 1 for a class with no
 * rows; into out[n_classes]. Training scales every row's weight so that
 * the training rows' mean is 1: a batch's gradient is the sum of its rows'
 * weighted gradients over its row count, and the reported loss the
 * weighted mean. */
bp_status bp_class_weights_balanced(const uint32_t *label, const size_t *rows, size_t n,
                                    size_t n_classes, double *out, bp_error *err);

/* The tutorial's settings: lr 0.3, 500 epochs, online SGD, squared error. */
void bp_train_defaults(bp_train_options *opts);

/* Bytes a training run allocates besides the data: the network, gradient,
 * optimiser state, best weights, row order and batch matrices, for a network
 * of n_layers weight layers with widths[0..n_layers]. Saturates at SIZE_MAX
 * instead of overflowing. */
size_t bp_train_memory(size_t n_layers, const size_t *widths, size_t n_rows,
                       const bp_train_options *opts);

/* Trains net on the samples. rng supplies shuffling and validation splits.
 * With the defaults this is the tutorial's train_network(), bit for bit. */
bp_status bp_train(bp_net *net, const bp_samples *samples, const bp_train_options *opts,
                   bp_rng *rng, bp_error *err);

/* ------------------------------------------------------------ formatting */

/* Writes x as Python's repr() does (shortest digits that read back to the
 * same double: 92.85714285714286, 100.0, 1e-05, inf, nan). Returns the
 * length; buf should hold at least 32 bytes. */
size_t bp_format_double(char *buf, size_t size, double x);

/* ---------------------------------------------------------------- data */

typedef enum bp_task {
    BP_TASK_CLASSIFICATION = 0, /* the target is a class label (any string) */
    BP_TASK_REGRESSION,         /* the target is a number */
    BP_TASK_AUTO                /* loading only: regression when every target is a
                                   number and some have a fractional part, or they
                                   are whole numbers with more distinct values than
                                   BP_TASK_MAX_CLASSES and than a tenth of the
                                   records; classification otherwise */
} bp_task;

/* The most distinct whole-number targets BP_TASK_AUTO reads as classes
 * whatever the number of rows. */
#define BP_TASK_MAX_CLASSES 20

/* What to do with missing values ("", "?", "NA", "NaN", ...). */
typedef enum bp_missing {
    BP_MISSING_ERROR = 0, /* refuse the file, naming the first cells */
    BP_MISSING_DROP,      /* drop rows that have any */
    BP_MISSING_MEAN,      /* fill with the training mean (mode for categories) */
    BP_MISSING_COUNT      /* not a policy: the number of them */
} bp_missing;

const char *bp_missing_name(bp_missing m);
bp_status bp_missing_parse(const char *name, bp_missing *out, bp_error *err);

/* What to do with rows whose target is missing (a target cannot be filled). */
typedef enum bp_missing_target {
    BP_MISSING_TARGET_AUTO = 0, /* as the features: drop with BP_MISSING_DROP, else error */
    BP_MISSING_TARGET_ERROR,    /* refuse the file, naming the target's missing cells */
    BP_MISSING_TARGET_DROP      /* drop those rows; the features follow `missing` */
} bp_missing_target;

/* "auto", "error" or "drop". */
const char *bp_missing_target_name(bp_missing_target m);
bp_status bp_missing_target_parse(const char *name, bp_missing_target *out, bp_error *err);

typedef struct bp_load_options {
    char delimiter;      /* ',', ';', '\t', '|', ' ' (runs of blanks); 0 = detect */
    int header;          /* 1 = yes, 0 = no, -1 = detect */
    const char *target;  /* target column: name or 1-based index; NULL = last */
    const char *ignore;  /* comma-separated columns to leave out, or NULL */
    const char *classes; /* comma-separated class order; NULL = sorted labels
                            (numeric order when every label is a number) */
    bp_task task;
    bp_missing missing;  /* missing feature values */
    bp_missing_target missing_target; /* missing target values */
    char decimal;        /* decimal point of numbers, '.' or ','; 0 = detect (a ','
                            only in ';'-, tab- or |-separated files: "7,4") */
    size_t max_memory;   /* refuse a file whose values need more bytes; 0 = no limit */
} bp_load_options;

/* Detect the dialect, last column is the class, missing values are errors. */
void bp_load_defaults(bp_load_options *opts);

typedef struct bp_dataset bp_dataset;

/* Reads a CSV file ("-" = standard input) into a dataset: numeric columns
 * become features, text columns are one-hot encoded, the target column
 * becomes a class index or a regression target. */
bp_status bp_dataset_load(bp_dataset **out, const char *path, const bp_load_options *opts,
                          bp_error *err);
void bp_dataset_free(bp_dataset *ds);

size_t bp_dataset_rows(const bp_dataset *ds);
/* Number of input features after encoding. */
size_t bp_dataset_features(const bp_dataset *ds);
/* Number of classes (0 for regression). */
size_t bp_dataset_classes(const bp_dataset *ds);
/* The label string of a class index. */
const char *bp_dataset_class_name(const bp_dataset *ds, size_t class_index);
/* Features, rows x features, row-major (NaN where a value is missing). */
bp_real *bp_dataset_x(bp_dataset *ds);
/* Every row as training samples (class labels, or one regression target). */
bp_samples bp_dataset_samples(const bp_dataset *ds);
/* Per feature: 0 for a numeric feature, g > 0 for one-hot group g (the
 * g-th categorical column); NULL when every feature is numeric. */
const size_t *bp_dataset_feature_groups(const bp_dataset *ds);
/* The name the data was read from (for messages). */
const char *bp_dataset_source(const bp_dataset *ds);

/* How a file was read and what reading it left out. */
typedef struct bp_load_info {
    char delimiter;          /* the field delimiter, given or detected (' ': runs of blanks) */
    char decimal;            /* the decimal point, given or detected: '.' or ',' */
    int header;              /* the first record named the columns */
    size_t records;          /* data records in the file (a header excluded) */
    size_t rows;             /* rows kept: bp_dataset_rows() */
    size_t dropped;          /* records left out for missing values: records - rows */
    size_t dropped_target;   /* ... of which their target was missing */
    size_t missing_cells;    /* missing cells in the used columns, the target's included */
    size_t filled;           /* missing feature cells of kept rows (BP_MISSING_MEAN): NaN in
                                the features, which the scaler fills with the training mean */
    bp_task task;            /* classification or regression */
    int task_chosen;         /* the task was BP_TASK_AUTO's choice */
    size_t target_values;    /* distinct target values (as written) */
    int target_numeric;      /* every target is a number */
    int target_fractional;   /* some target has a fractional part */
} bp_load_info;

/* Fills info for a dataset read by bp_dataset_load (zeros for a model's schema). */
void bp_dataset_load_info(const bp_dataset *ds, bp_load_info *info);

/* -------------------------------------------------------------- scaling */

typedef enum bp_scale {
    BP_SCALE_MINMAX = 0, /* (x - min) / (max - min); a constant column gives 0 */
    BP_SCALE_STANDARD,   /* (x - mean) / std; a constant column gives 0 */
    BP_SCALE_NONE,
    BP_SCALE_COUNT       /* not a scaling: the number of them */
} bp_scale;

const char *bp_scale_name(bp_scale s);
bp_status bp_scale_parse(const char *name, bp_scale *out, bp_error *err);

typedef struct bp_scaler bp_scaler;

/* Fits a scaler on the given rows (NULL = the first n_rows) of a row-major
 * matrix with n_features columns. NaN cells are skipped; apply() fills them
 * with the fitted mean. */
bp_status bp_scaler_fit(bp_scaler **out, bp_scale kind, const bp_real *x, size_t n_features,
                        const size_t *rows, size_t n_rows, bp_error *err);
/* As bp_scaler_fit, for features that come in one-hot groups: groups[j] is
 * 0 for a numeric feature and g > 0 for a feature of one-hot group g. Group
 * features are left unscaled, and a missing group (all NaN) is filled with
 * the group's most frequent category in the fitted rows. */
bp_status bp_scaler_fit_grouped(bp_scaler **out, bp_scale kind, const bp_real *x,
                                size_t n_features, const size_t *groups, const size_t *rows,
                                size_t n_rows, bp_error *err);
/* Scales n_rows rows from src into dst (which may be src). */
void bp_scaler_apply(const bp_scaler *s, const bp_real *src, bp_real *dst, size_t n_rows);
/* Maps a scaled value of feature j back to the original units. */
bp_real bp_scaler_invert(const bp_scaler *s, size_t j, bp_real value);
void bp_scaler_free(bp_scaler *s);

/* -------------------------------------------------------------- metrics */

typedef struct bp_class_metrics {
    double precision, recall, f1; /* in [0, 1]; 0 where undefined */
    size_t support;               /* rows whose actual class this is */
    double roc_auc;               /* this class against the rest: the area under
                                     bp_roc_curve, ties counted half (Mann-Whitney) */
    double pr_auc;                /* this class against the rest: average precision,
                                     sum of (R_i - R_(i-1)) P_i over bp_pr_curve's points;
                                     both NaN without probabilities, or when the rows
                                     hold no row of the class or no row of another */
} bp_class_metrics;

typedef struct bp_metrics {
    size_t n_classes;
    size_t n;                     /* rows scored */
    size_t *confusion;            /* n_classes x n_classes: row = actual, column = predicted */
    bp_class_metrics *per_class;  /* n_classes entries */
    double accuracy;              /* in % */
    double macro_precision, macro_recall, macro_f1;
    double log_loss;              /* mean -log p(actual class); NaN without probabilities */
    double balanced_accuracy;     /* mean recall over the classes that have rows in actual,
                                     in [0, 1] (macro_recall counts every class) */
    double mcc;                   /* Matthews correlation coefficient, multi-class form, in
                                     [-1, 1]; 0 when undefined (one class actual or predicted) */
    double roc_auc, pr_auc;       /* two classes: class 1's (the positive class, the second
                                     label); more: the mean of per_class over the classes
                                     where it is defined (one vs rest, macro); NaN without
                                     probabilities or when it is defined for no class */
    double brier;                 /* mean over rows of the sum over classes of
                                     (p_k - [k == actual])^2, in [0, 2]: with two classes
                                     twice the binary Brier score; NaN without probabilities */
} bp_metrics;

/* Classification metrics of predictions against actual classes; proba
 * (n x n_classes, rows summing to 1) is optional and gives the log loss,
 * ROC AUC, PR AUC and Brier score. */
bp_status bp_metrics_classification(bp_metrics *m, const uint32_t *actual,
                                    const uint32_t *predicted, const bp_real *proba, size_t n,
                                    size_t n_classes, bp_error *err);
void bp_metrics_free(bp_metrics *m);

/* A curve of one class against the rest: one point per distinct probability
 * of the class (equal ones grouped), from the highest threshold down. */
typedef struct bp_curve {
    size_t n;           /* points */
    double *x, *y;      /* ROC: false positive rate, true positive rate;
                           precision-recall: recall, precision */
    double *threshold;  /* the rows with p(class) >= threshold count as positive;
                           the first point's is +infinity (no row) */
} bp_curve;

/* ROC curve of class c against the rest, from (0, 0) to (1, 1);
 * BP_ERR_ARG when the rows hold no row of c or no row of another class. */
bp_status bp_roc_curve(bp_curve *out, const uint32_t *actual, const bp_real *proba, size_t n,
                       size_t n_classes, size_t c, bp_error *err);
/* Precision-recall curve of class c against the rest, from (recall 0,
 * precision 1) to recall 1; refused as bp_roc_curve is. */
bp_status bp_pr_curve(bp_curve *out, const uint32_t *actual, const bp_real *proba, size_t n,
                      size_t n_classes, size_t c, bp_error *err);
void bp_curve_free(bp_curve *curve);

/* One bin of a calibration plot: rows whose p(class) fell in [lo, hi). */
typedef struct bp_calibration_bin {
    double lo, hi;            /* i / n_bins and (i + 1) / n_bins; the last bin holds 1 too */
    size_t count;             /* rows in the bin */
    double mean_predicted;    /* their mean p(class); NaN when the bin is empty */
    double fraction_positive; /* the share of them that are of the class; NaN when empty */
} bp_calibration_bin;

/* Calibration of class c against the rest in n_bins equal-width bins of its
 * probability over [0, 1] (rows with a NaN probability are left out). */
bp_status bp_calibration(bp_calibration_bin *bins, size_t n_bins, const uint32_t *actual,
                         const bp_real *proba, size_t n, size_t n_classes, size_t c, bp_error *err);

typedef struct bp_regression_metrics {
    double rmse, mae, r2;
} bp_regression_metrics;

/* RMSE, MAE and R^2 of predictions (R^2 is 0 when the actual values are constant). */
bp_regression_metrics bp_metrics_regression(const bp_real *actual, const bp_real *predicted,
                                            const size_t *rows, size_t n);

/* ----------------------------------------------------------- evaluation */

/* The tutorial's k-fold split: fold i gets n/k rows, each popped from the
 * rows not yet taken at randrange(len(remaining)); the n % k rows left go
 * round-robin to the first folds. Fills order (n row indices, fold after
 * fold) and fold_start (k + 1 offsets into order). O(n log n). */
bp_status bp_kfold_split(size_t n, size_t k, bp_rng *rng, size_t *order, size_t *fold_start,
                         bp_error *err);

/* Hold-out split: shuffles the rows 0..n-1 into order (Python's shuffle on
 * rng) so that the last round(fraction * n) rows are the test rows, at least
 * one and leaving at least one to train on; *n_train is the rest. With
 * labels (stratified) every class keeps its proportion in both parts. */
bp_status bp_holdout_split(size_t n, double fraction, const uint32_t *labels, size_t n_classes,
                           bp_rng *rng, size_t *order, size_t *n_train, bp_error *err);

/* Percentage of equal entries: correct / n * 100, as the tutorial computes it. */
double bp_accuracy(const uint32_t *actual, const uint32_t *predicted, size_t n);

/* A network shape for training runs that create their own networks. */
typedef struct bp_net_spec {
    size_t n_hidden;                 /* hidden layers */
    const size_t *hidden;            /* their widths */
    const bp_activation *hidden_act; /* n_hidden activations, NULL = sigmoid */
    bp_activation output_act;        /* BP_ACT_SIGMOID */
    bp_init init;                    /* BP_INIT_AUTO */
} bp_net_spec;

/* Builds a network for n_inputs and n_outputs from a spec. */
bp_status bp_net_from_spec(bp_net **out, const bp_net_spec *spec, size_t n_inputs,
                           size_t n_outputs, bp_error *err);

typedef struct bp_cv_options {
    size_t folds;              /* 5 */
    bp_scale scale;            /* BP_SCALE_MINMAX */
    int scale_whole_file;      /* 1 = fit the scaler on every row before the
                                  split, as the tutorial does; 0 = per fold,
                                  on the training rows only */
    int stratify;              /* 1 = every fold keeps the class proportions */
    bp_net_spec net;           /* one hidden layer of 5, sigmoid */
    bp_train_options train;    /* the tutorial's */
    const size_t *rows;        /* cross-validate these rows of the dataset only
                                  (in this order before the split); NULL = all */
    size_t n_rows;             /* ... how many */
} bp_cv_options;

void bp_cv_defaults(bp_cv_options *o);

typedef struct bp_cv_result {
    size_t folds;
    size_t n_rows, n_classes;
    double *scores;        /* accuracy per fold, in % (classification) */
    double mean;           /* sum(scores) / folds, summed in order */
    uint32_t *predicted;   /* per row of the dataset: its predicted class */
    bp_real *proba;        /* n_rows x n_classes: outputs normalised to sum 1 */
    bp_real *values;       /* regression: the predicted value of each row */
    bp_regression_metrics *fold_regression; /* regression: per fold */
    bp_train_diagnostics *fold_diagnostics; /* per fold (zero for folds in lockstep) */
    size_t *fold_rows;     /* the rows cross-validated, fold after fold: fold f holds
                              fold_rows[fold_start[f] .. fold_start[f + 1] - 1]; the
                              per-row arrays above are set for these rows only */
    size_t *fold_start;    /* folds + 1 entries */
} bp_cv_result;

/* Stratified k-fold: each class's rows, shuffled, are dealt round-robin to
 * the folds, so every fold keeps the class proportions. Same outputs as
 * bp_kfold_split. */
bp_status bp_stratified_kfold_split(const uint32_t *labels, size_t n, size_t n_classes, size_t k,
                                    bp_rng *rng, size_t *order, size_t *fold_start, bp_error *err);

/* k-fold cross-validation: split (all rng draws first), then per fold a
 * fresh network initialised from rng, trained, and scored. */
bp_status bp_cross_validate(const bp_dataset *ds, const bp_cv_options *o, bp_rng *rng,
                            bp_cv_result *result, bp_error *err);
void bp_cv_result_free(bp_cv_result *result);

/* ---------------------------------------------------------------- tuning */

/* What a search scores its candidates by. */
typedef enum bp_metric {
    BP_METRIC_ACCURACY = 0, /* classification: the share of rows right, a fraction */
    BP_METRIC_F1,           /* classification: macro F1 */
    BP_METRIC_LOG_LOSS,     /* classification: mean -ln p(actual class); lower is better */
    BP_METRIC_RMSE,         /* regression; lower is better */
    BP_METRIC_MAE,          /* regression; lower is better */
    BP_METRIC_R2,           /* regression */
    BP_METRIC_COUNT         /* not a metric: the number of them */
} bp_metric;

const char *bp_metric_name(bp_metric m);
bp_status bp_metric_parse(const char *name, bp_metric *out, bp_error *err);
/* 1 when a larger value is better (accuracy, f1, r2). */
int bp_metric_higher_is_better(bp_metric m);
/* Whether the metric scores this task's predictions. */
int bp_metric_fits(bp_metric m, bp_task task);

/* A cross-validated result's score: the mean over the folds and their
 * population standard deviation. For f1 and log loss the mean is taken
 * over every row scored, out of fold (what cv prints), the deviation over
 * the folds. */
bp_status bp_cv_score(const bp_dataset *ds, const bp_cv_result *res, bp_metric m, double *mean,
                      double *std, bp_error *err);

/* One candidate's cross-validation in a search. */
typedef struct bp_tune_trial {
    size_t candidate;    /* index into bp_tune_options.candidates */
    size_t rung;         /* successive halving's round, from 0; 0 otherwise */
    size_t epochs;       /* the epochs it was given */
    double mean, std;    /* its score (bp_cv_score) */
    double seconds;      /* wall time */
    bp_status status;    /* BP_OK, or BP_ERR_NUMERIC for a run that diverged (scored worst) */
} bp_tune_trial;

/* Called after each trial, one call at a time (trials may run on several
 * threads); returns nonzero to stop the search. */
typedef int (*bp_tune_fn)(void *user, const bp_tune_trial *trial, size_t done, size_t planned);

typedef struct bp_tune_options {
    const bp_cv_options *candidates; /* the configurations to compare, each a full cv
                               setting (the same folds and seed for all: the
                               rng is copied for each) */
    size_t n_candidates;
    bp_metric metric;        /* BP_METRIC_ACCURACY */
    int halving;             /* successive halving: every candidate on few epochs,
                               the best 1/factor of them on factor times more, ...
                               the last round on each candidate's own epochs */
    size_t factor;           /* 3 */
    size_t max_trials;       /* stop after this many trials; 0 = no limit */
    double max_seconds;      /* start no trial after this many seconds; 0 = no limit */
    size_t threads;          /* trials at once; 0 = every core */
    const size_t *rows;      /* tune on these rows only; NULL = every row */
    size_t n_rows;
    bp_tune_fn on_trial;     /* or NULL */
    void *user;
    const volatile sig_atomic_t *stop; /* nonzero: start no more trials */
    const bp_tune_trial *done; /* trials an earlier run of this search finished (to
                               resume it): a trial of the same round and candidate
                               is taken from here instead of run again; on_trial is
                               not called for it */
    size_t n_done;
} bp_tune_options;

void bp_tune_defaults(bp_tune_options *o);

typedef struct bp_tune_result {
    bp_tune_trial *trials;   /* the trials run, round by round in candidate order */
    size_t n_trials;
    size_t best;             /* index into trials: the best of the last round run
                               (ties: the earlier candidate) */
    size_t planned;          /* the trials the search would run without a limit */
    int cut;                 /* a limit or the stop flag ended it early */
} bp_tune_result;

/* Cross-validates the candidates and finds the best. The trials' scores
 * do not depend on the number of threads; which trials run within
 * max_seconds does. Fails before any training when a candidate is
 * refused (BP_ERR_ARG, naming it) or the metric does not fit the task. */
bp_status bp_tune(const bp_dataset *ds, const bp_tune_options *o, const bp_rng *rng,
                  bp_tune_result *result, bp_error *err);
void bp_tune_result_free(bp_tune_result *result);

/* ----------------------------------------------------------------- model */

/* A model: a trained network and everything needed to go from a raw CSV
 * row to a prediction (feature scaler, column schema, class names). A model
 * is used by one thread at a time: prediction reuses its buffers. */
typedef struct bp_model bp_model;

typedef struct bp_model_options {
    bp_net_spec net;         /* one hidden layer of 5, sigmoid */
    bp_train_options train;  /* the tutorial's */
    bp_scale scale;          /* BP_SCALE_MINMAX, fitted on every training row */
    const char *seed;        /* rng's seed as text, recorded in the model; NULL = not recorded */
    const size_t *rows;      /* the rows to train on; NULL = every row */
    size_t n_rows;           /* how many (with rows) */
} bp_model_options;

/* The tutorial's network and training, min-max scaling. */
void bp_model_defaults(bp_model_options *o);

/* How a model was trained, as recorded in it. */
typedef struct bp_model_info {
    int trained;             /* 0 when assembled by bp_model_create: the rest is unset */
    bp_train_options train;  /* on_epoch, user, threads and diagnostics are not recorded */
    bp_init init;
    char seed[80];           /* decimal seed, "" when not recorded (or longer than this) */
    char class_weight[512];  /* "balanced", or the class weights in class order
                                (shortest exact digits, space-separated); "" = none
                                (or too long to record) */
    size_t rows;             /* training rows */
    size_t epochs_run;       /* epochs run (early stopping may end sooner) */
    double final_loss;       /* mean loss per row in the last epoch */
    double train_accuracy;   /* % of the training rows predicted right; NaN for regression */
    bp_train_diagnostics diagnostics; /* of the training run; not in the model file */
} bp_model_info;

/* Trains a model on every row of ds: fits the scaler (and for regression a
 * target scaler) on them, builds the network of o->net, initialises it from
 * rng and trains it with o->train. */
bp_status bp_model_train(bp_model **out, const bp_dataset *ds, const bp_model_options *o,
                         bp_rng *rng, bp_error *err);
/* As bp_model_train, but scales the dataset's own features instead of a
 * copy of them (they are left scaled): for data too large to copy. */
bp_status bp_model_train_in_place(bp_model **out, bp_dataset *ds, const bp_model_options *o,
                                  bp_rng *rng, bp_error *err);
/* A model from parts, all copied: ds's column schema and classes, a network
 * whose widths fit them, the scaler of the features and, for regression,
 * the target's scaler (NULL otherwise). */
bp_status bp_model_create(bp_model **out, const bp_dataset *ds, const bp_net *net,
                          const bp_scaler *scaler, const bp_scaler *target_scaler, bp_error *err);
void bp_model_free(bp_model *m);

/* Writes the model file (docs/model-format.md) atomically: a temporary file
 * in the same directory, fsync, rename; a failed save leaves any previous
 * file untouched. */
bp_status bp_model_save(const bp_model *m, const char *path, bp_error *err);
/* Reads a model file and checks every count, size and number: a damaged or
 * hostile file is BP_ERR_DATA "PATH:LINE: what"; an unreadable one BP_ERR_IO. */
bp_status bp_model_load(bp_model **out, const char *path, bp_error *err);

bp_task bp_model_task(const bp_model *m);
/* Number of classes (0 for regression) and the label of a class index. */
size_t bp_model_classes(const bp_model *m);
const char *bp_model_class_name(const bp_model *m, size_t class_index);
/* The scaler the model applies to its features. */
const bp_scaler *bp_model_scaler(const bp_model *m);
/* The scaler of the regression target, or NULL for classification. */
const bp_scaler *bp_model_target_scaler(const bp_model *m);
/* Columns of the training file (the target included), a column's header
 * name (NULL when the file had no header) and the target's index. */
size_t bp_model_columns(const bp_model *m);
const char *bp_model_column_name(const bp_model *m, size_t column);
size_t bp_model_target(const bp_model *m);
/* Input features after encoding (the network's input width). */
size_t bp_model_features(const bp_model *m);
const bp_net *bp_model_net(const bp_model *m);
/* The column schema and classes as a dataset without rows. */
const bp_dataset *bp_model_schema(const bp_model *m);
const bp_model_info *bp_model_get_info(const bp_model *m);

/* One row's prediction. */
typedef struct bp_prediction {
    size_t row;            /* 0-based data row of the file */
    size_t line;           /* the row's line in the file (1 for a single row) */
    size_t predicted;      /* class index (classification) */
    bp_real value;         /* predicted value (regression) */
    const bp_real *proba;  /* per class: the outputs normalised to sum 1 (classification);
                              valid until the next prediction */
    int has_actual;        /* the row has a known target value */
    size_t actual;         /* its class index (classification) */
    bp_real actual_value;  /* its value (regression) */
} bp_prediction;

/* Predicts one row given as its CSV fields: every column of the training
 * file, or all but the target. *unseen (when not NULL) is set to the number
 * of categories training never saw (each encoded as all zeros). */
bp_status bp_model_predict_row(bp_model *m, const char *const *fields, size_t n_fields,
                               bp_prediction *out, size_t *unseen, bp_error *err);

typedef struct bp_predict_options {
    char delimiter;   /* 0 = detect */
    int header;       /* 1 = yes, 0 = no, -1 = detect (the model's column names, or the CSV rule) */
    int need_target;  /* 1 = every row must have a known target value (evaluation) */
    bp_missing missing; /* missing feature values: BP_MISSING_MEAN (the default) fills them
                           as the model's scaler does, with the training mean (a category
                           column's most frequent value); ERROR refuses the file; DROP
                           skips the row (no prediction, counted in the summary) */
    bp_missing_target missing_target; /* with need_target: a row whose target is missing
                           is an error, or skipped with DROP (AUTO: as `missing` says) */
    char decimal;     /* '.' or ','; 0 = detect (see bp_load_options) */
} bp_predict_options;

void bp_predict_defaults(bp_predict_options *o);

/* What predicting a file met; the library never prints, the caller warns. */
typedef struct bp_predict_summary {
    size_t rows;                         /* rows predicted */
    int has_target;                      /* the file has the target column */
    size_t unseen;                       /* category values training never saw (all zeros) */
    size_t unseen_line, unseen_column;   /* the first of them */
    char unseen_text[48];
    size_t missing;                      /* missing cells (filled with the training mean,
                                            or a category column's most frequent one) */
    size_t missing_line, missing_column; /* the first of them */
    size_t unseen_field, missing_field;  /* the field (from 1) of those first ones */
    size_t dropped;                      /* rows skipped for a missing value (BP_MISSING_DROP,
                                            BP_MISSING_TARGET_DROP): no prediction */
    size_t dropped_line;                 /* the first of them */
    char delimiter, decimal;             /* the dialect the file was read with */
} bp_predict_summary;

/* Called for every row in file order; anything but BP_OK stops the run. */
typedef bp_status (*bp_prediction_fn)(void *user, const bp_prediction *p, bp_error *err);

/* Predicts every row of a CSV file ("-" = standard input), with or without
 * the target column (told apart by the header names or the field count). */
bp_status bp_model_predict_file(bp_model *m, const char *path, const bp_predict_options *o,
                                bp_prediction_fn fn, void *user, bp_predict_summary *summary,
                                bp_error *err);

typedef struct bp_evaluation {
    bp_task task;
    bp_metrics metrics;                /* classification */
    bp_regression_metrics regression;  /* regression */
    bp_predict_summary summary;
    uint32_t *actual;                  /* classification: each scored row's class, in order */
    bp_real *proba;                    /* ... and its probabilities (metrics.n x n_classes),
                                          for bp_roc_curve, bp_pr_curve and bp_calibration */
} bp_evaluation;

/* Scores a model on a file that has the target column. */
bp_status bp_model_evaluate(bp_model *m, const char *path, const bp_predict_options *o,
                            bp_evaluation *ev, bp_error *err);
/* Scores a model on rows (NULL = all) of a dataset encoded with its schema,
 * such as the held-out rows of the file it was trained on. */
bp_status bp_model_evaluate_rows(bp_model *m, const bp_dataset *ds, const size_t *rows, size_t n,
                                 bp_evaluation *ev, bp_error *err);
void bp_evaluation_free(bp_evaluation *ev);

/* An output file that appears whole or not at all: written to a temporary
 * file in the same directory, then fsync and rename on commit. */
typedef struct bp_atomic_file bp_atomic_file;

/* Creates the temporary file; *stream is where to write. */
bp_status bp_atomic_open(bp_atomic_file **out, const char *path, FILE **stream, bp_error *err);
/* Flushes, syncs and renames over path; frees f, also on failure. */
bp_status bp_atomic_commit(bp_atomic_file *f, bp_error *err);
/* Closes and removes the temporary file; frees f (NULL is allowed). */
void bp_atomic_discard(bp_atomic_file *f);

/* ------------------------------------------------- inspection and export */

/* Encodes one row of raw CSV fields (every column of the training file, in
 * its order, or every column but the target) with the model's columns into
 * x: bp_model_features() values, unscaled, one-hot for text columns, NaN
 * where a value is missing. *unseen (when not NULL) counts the categories
 * training never saw (all zeros). */
bp_status bp_model_encode_row(const bp_model *m, const char *const *fields, size_t n_fields,
                              bp_real *x, size_t *unseen, bp_error *err);
/* Writes a standalone C99 source file that predicts as the model does,
 * needing nothing but libm: for classification
 * `int NAME(const double *features, double *probabilities)`, returning the
 * class index; for regression `double NAME(const double *features)`. The
 * file's opening comment documents its functions and inputs. name is a C
 * identifier (NULL = "predict"). */
bp_status bp_model_export_c(const bp_model *m, const char *name, FILE *out, bp_error *err);

/* How the library was built and what it uses on this machine. */
typedef struct bp_build_info {
    const char *version;  /* BP_VERSION */
    const char *real;     /* scalar type: "double" or "float" */
    const char *simd;     /* kernels chosen at run time: "avx512", "avx2" or "portable" */
    const char *gemm;     /* matrix multiply: "builtin" or "cblas (...)" */
    const char *blas;     /* "none", or the BLAS interface linked in */
    size_t threads;       /* threads available (online cores) */
    const char *compiler; /* compiler name and version */
} bp_build_info;

/* Fills info; every string is constant. */
void bp_get_build_info(bp_build_info *info);

#ifdef __cplusplus
}
#endif

#endif
