/* From CSV records to a dataset. Three streaming passes over the file, so
 * that memory stays at the size of the encoded matrix: (1) shape, column
 * types, labels and missing cells; (2) category names, only when a column
 * holds text; (3) the values themselves. */
#include "data/dataset.h"

#include "data/csv.h"
#include "util/error.h"
#include "util/limits.h"
#include "util/names.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A text column with more distinct values than this is an identifier, not a
 * category: refuse it rather than build a huge one-hot encoding. */

typedef struct loader {
    bp_dataset *ds;
    const bp_load_options *o;
    int header;
    int drop_features;      /* rows with a missing feature are left out */
    int drop_target;        /* rows with a missing target are left out */
    unsigned char *ignored; /* per column: named in --ignore */
} loader;

void bp_load_defaults(bp_load_options *o)
{
    memset(o, 0, sizeof *o);
    o->header = -1;
    o->task = BP_TASK_CLASSIFICATION;
    o->missing = BP_MISSING_ERROR;
    o->missing_target = BP_MISSING_TARGET_AUTO;
}

/* field is the cell's 1-based field number in its record. */
static void remember_cell(bp_cell_pos *pos, const bp_csv_field *f, size_t field)
{
    pos->line = f->line;
    pos->column = f->column;
    pos->field = field;
    snprintf(pos->text, sizeof pos->text, "%.*s", (int)(f->len < 40 ? f->len : 40), f->text);
}

const char *bp_dataset_cell_where(char *buf, size_t size, const bp_dataset *ds, const char *source,
                                  size_t column, size_t line, size_t field)
{
    const char *name = column < ds->n_columns ? ds->columns[column].name : NULL;
    if (name) snprintf(buf, size, "%s:%zu: field %zu (%.200s)", source, line, field, name);
    else snprintf(buf, size, "%s:%zu: field %zu", source, line, field);
    return buf;
}

/* Where a cell of the file being loaded is: its field is its column. */
static const char *cell_at(char *buf, size_t size, const bp_dataset *ds, size_t c, size_t line)
{
    return bp_dataset_cell_where(buf, size, ds, ds->source, c, line, c + 1);
}

/* ------------------------------------------------------- column names */

static int parse_index(const char *text, size_t *out)
{
    if (!*text) return 0;
    size_t v = 0;
    for (const char *p = text; *p; p++) {
        if (*p < '0' || *p > '9' || v > ((size_t)-1) / 10 - 10) return 0;
        v = v * 10 + (size_t)(*p - '0');
    }
    *out = v;
    return 1;
}

bp_status bp_dataset_find_column(const bp_dataset *ds, const char *text, size_t *column,
                                 bp_error *err)
{
    for (size_t c = 0; c < ds->n_columns; c++)
        if (ds->columns[c].name && strcmp(ds->columns[c].name, text) == 0) {
            *column = c;
            return BP_OK;
        }
    size_t index;
    if (parse_index(text, &index) && index >= 1 && index <= ds->n_columns) {
        *column = index - 1;
        return BP_OK;
    }
    return bp_error_set(err, BP_ERR_ARG, "%s: no column '%s' (the file has %zu columns%s)",
                        ds->source, text, ds->n_columns,
                        ds->columns[0].name ? "; use a header name or a 1-based number" : "; use a 1-based number");
}

/* Sets the target and the ignored columns once the column count is known. */
static bp_status resolve_columns(loader *L, bp_error *err)
{
    bp_dataset *ds = L->ds;
    ds->target = ds->n_columns - 1;
    if (L->o->target) {
        bp_status st = bp_dataset_find_column(ds, L->o->target, &ds->target, err);
        if (st != BP_OK) return st;
    }
    L->ignored = calloc(ds->n_columns, 1);
    if (!L->ignored) return bp_error_nomem(err, "columns");
    const char *list = L->o->ignore;
    while (list && *list) {
        char name[256];
        size_t len = strcspn(list, ",");
        snprintf(name, sizeof name, "%.*s", (int)(len < 255 ? len : 255), list);
        size_t c;
        bp_status st = bp_dataset_find_column(ds, name, &c, err);
        if (st != BP_OK) return st;
        if (c == ds->target)
            return bp_error_set(err, BP_ERR_ARG, "column '%s' is the target: it cannot be ignored", name);
        L->ignored[c] = 1;
        list += len + (list[len] == ',');
    }
    for (size_t c = 0; c < ds->n_columns; c++)
        ds->columns[c].kind = c == ds->target ? BP_COL_TARGET
                              : L->ignored[c] ? BP_COL_IGNORED : BP_COL_NUMERIC;
    return BP_OK;
}

static bp_status take_header(loader *L, const bp_csv_field *f, size_t n, bp_error *err)
{
    bp_dataset *ds = L->ds;
    for (size_t c = 0; c < n; c++) {
        if (f[c].len == 0)
            return bp_error_set(err, BP_ERR_DATA, "%s:%zu: field %zu: empty column name in the header",
                                ds->source, f[c].line, c + 1);
        for (size_t d = 0; d < c; d++)
            if (strcmp(ds->columns[d].name, f[c].text) == 0)
                return bp_error_set(err, BP_ERR_DATA,
                                    "%s:%zu: field %zu: duplicate column name '%.200s' (also field %zu)",
                                    ds->source, f[c].line, c + 1, f[c].text, d + 1);
        ds->columns[c].name = malloc(f[c].len + 1);
        if (!ds->columns[c].name) return bp_error_nomem(err, "column names");
        memcpy(ds->columns[c].name, f[c].text, f[c].len + 1);
    }
    return BP_OK;
}

static bp_status start_columns(loader *L, const bp_csv_field *f, size_t n, int is_header,
                               bp_error *err)
{
    bp_dataset *ds = L->ds;
    ds->n_columns = n;
    ds->columns = calloc(n, sizeof *ds->columns);
    if (!ds->columns) return bp_error_nomem(err, "columns");
    for (size_t c = 0; c < n; c++) bp_strmap_init(&ds->columns[c].categories);
    if (is_header) {
        bp_status st = take_header(L, f, n, err);
        if (st != BP_OK) return st;
    }
    if (n < 2)
        return bp_error_set(err, BP_ERR_DATA,
                            "%s:%zu:%zu: only one column: a feature column and a target are needed",
                            ds->source, f[0].line, f[0].column);
    return resolve_columns(L, err);
}

/* ----------------------------------------------------------- pass 1 */

static bp_status check_width(const loader *L, const bp_csv_field *f, size_t n, bp_error *err)
{
    const bp_dataset *ds = L->ds;
    if (n == ds->n_columns) return BP_OK;
    const bp_csv_field *at = n > ds->n_columns ? &f[ds->n_columns] : &f[n - 1];
    return bp_error_set(err, BP_ERR_DATA, "%s:%zu:%zu: expected %zu fields, found %zu",
                        ds->source, at->line, at->column, ds->n_columns, n);
}

/* A missing cell of column c: the first few are kept for the messages. */
static void note_missing(bp_dataset *ds, size_t c, const bp_csv_field *f)
{
    ds->n_missing_cells++;
    bp_column *col = &ds->columns[c];
    if (col->kind == BP_COL_TARGET) {
        if (col->n_missing < BP_MISSING_SHOWN) remember_cell(&ds->target_missing_shown[col->n_missing], f, c + 1);
        col->n_missing++;
        return;
    }
    col->n_missing++;
    if (ds->n_feature_missing_cells < BP_MISSING_SHOWN)
        remember_cell(&ds->missing_shown[ds->n_feature_missing_cells], f, c + 1);
    ds->n_feature_missing_cells++;
}

/* 1 when text is a number written with the other decimal point. */
static int other_decimal_number(const char *text, size_t len, char decimal)
{
    double v;
    char other = decimal == ',' ? '.' : ',';
    return memchr(text, other, len) && bp_csv_parse_number_with(text, len, other, &v);
}

/* The likely slip behind a non-number: the other decimal point. */
static const char *decimal_hint(const char *text, size_t len, char decimal)
{
    if (!other_decimal_number(text, len, decimal)) return "";
    return decimal == ',' ? "; the file is read with ',' as the decimal point: --decimal . reads '.'"
                          : "; if ',' is the decimal point, give --decimal ,";
}

/* Why a cell that should hold a number does not: strtod reads numbers that
 * bp_csv_parse_number refuses because they are not finite. */
static const char *number_problem(const char *text)
{
    char *end;
    double v = strtod(text, &end);
    if (end != text && *end == '\0') {
        if (isinf(v) && (strchr(text, 'e') || strchr(text, 'E') || strspn(text, "+-0123456789.") == strlen(text)))
            return "number out of range";
        return "value that is not a finite number";
    }
    return "non-numeric value";
}

/* Row flags of the first pass: what the missing-value policies look at. */
typedef struct row_missing {
    size_t features;  /* missing feature cells */
    int target;       /* the target is missing */
} row_missing;

static bp_status survey_field(loader *L, size_t c, const bp_csv_field *f, row_missing *row,
                              bp_error *err)
{
    bp_dataset *ds = L->ds;
    bp_column *col = &ds->columns[c];
    if (col->kind == BP_COL_IGNORED) return BP_OK;
    double v;
    /* Numbers first: they are the common case, and no number is a
     * missing-value marker. */
    if (bp_csv_parse_number_with(f->text, f->len, ds->decimal, &v)) {
        col->n_numbers++;
        col->n_fractional += isfinite(v) && v != floor(v);
    } else if (bp_csv_is_missing(f->text, f->len)) {
        note_missing(ds, c, f);
        if (col->kind == BP_COL_TARGET) row->target = 1;
        else row->features++;
        return BP_OK;
    } else {
        col->n_other_decimal += (size_t)other_decimal_number(f->text, f->len, ds->decimal);
        if (col->n_text++ == 0) {
            remember_cell(&col->first_text, f, c + 1);
            col->first_text_problem = number_problem(f->text);
        }
    }
    if (col->kind == BP_COL_TARGET && ds->task != BP_TASK_REGRESSION) {
        size_t index;
        if (bp_strmap_intern(&ds->labels, f->text, f->len, &index) != 0)
            return bp_error_nomem(err, "class labels");
    }
    return BP_OK;
}

static bp_status survey_record(void *ctx, size_t index, const bp_csv_field *f, size_t n,
                               bp_error *err)
{
    loader *L = ctx;
    bp_dataset *ds = L->ds;
    if (index == 0) {
        bp_status st = start_columns(L, f, n, L->header, err);
        if (st != BP_OK || L->header) return st;
    }
    bp_status st = check_width(L, f, n, err);
    if (st != BP_OK) return st;
    row_missing row = {0, 0};
    for (size_t c = 0; c < n; c++) {
        st = survey_field(L, c, f + c, &row, err);
        if (st != BP_OK) return st;
    }
    ds->n_records++;
    ds->n_missing_rows += row.features > 0 || row.target;
    ds->n_feature_missing_rows += row.features > 0;
    if ((L->drop_features && row.features) || (L->drop_target && row.target)) {
        ds->n_dropped++;
        ds->n_dropped_target += (size_t)row.target;
    } else {
        ds->n_filled += row.features;
    }
    return BP_OK;
}

/* ----------------------------------------------- decisions after pass 1 */

/* BP_TASK_AUTO, as scikit-learn's type_of_target reads a target: numbers
 * with a fraction are continuous; whole numbers are classes unless there
 * are too many of them for the rows to teach (a price, a count). */
static void decide_task(bp_dataset *ds)
{
    const bp_column *col = &ds->columns[ds->target];
    ds->target_values = ds->labels.count;
    ds->target_numeric = col->n_text == 0 && col->n_numbers > 0;
    ds->target_fractional = col->n_fractional > 0;
    if (ds->task != BP_TASK_AUTO) return;
    ds->task_chosen = 1;
    size_t many = ds->n_records / 10 > BP_TASK_MAX_CLASSES ? ds->n_records / 10 : BP_TASK_MAX_CLASSES;
    int continuous = ds->target_numeric && (ds->target_fractional || ds->target_values > many);
    ds->task = continuous ? BP_TASK_REGRESSION : BP_TASK_CLASSIFICATION;
}

static bp_status decide_column_kinds(loader *L, int *has_categorical, bp_error *err)
{
    bp_dataset *ds = L->ds;
    *has_categorical = 0;
    for (size_t c = 0; c < ds->n_columns; c++) {
        bp_column *col = &ds->columns[c];
        char where[300];
        int text_in_numbers = col->n_text > 0 && col->n_numbers >= col->n_text;
        int regression_text = col->kind == BP_COL_TARGET && ds->task == BP_TASK_REGRESSION && col->n_text;
        if ((col->kind == BP_COL_NUMERIC && text_in_numbers) || regression_text)
            return bp_error_set(err, BP_ERR_DATA, "%s: %s '%s' in a numeric %s%s",
                                cell_at(where, sizeof where, ds, c, col->first_text.line),
                                col->first_text_problem, col->first_text.text,
                                regression_text ? "target (regression)" : "column",
                                decimal_hint(col->first_text.text, strlen(col->first_text.text), ds->decimal));
        /* Detection chose the other decimal point (a "7.4" elsewhere in the
         * first lines): one-hot encoding such a column would hide it. */
        if (col->kind == BP_COL_NUMERIC && col->n_text > 0 && col->n_other_decimal == col->n_text &&
            L->o->decimal == 0)
            return bp_error_set(err, BP_ERR_DATA,
                                "%s: the column holds numbers written with a '%c' decimal point ('%s'), "
                                "but the file was read with '%c'; give --decimal %c to read them as "
                                "numbers (--decimal %c keeps them as text)",
                                cell_at(where, sizeof where, ds, c, col->first_text.line),
                                ds->decimal == ',' ? '.' : ',', col->first_text.text, ds->decimal,
                                ds->decimal == ',' ? '.' : ',', ds->decimal);
        if (col->kind == BP_COL_NUMERIC && col->n_text > 0) {
            col->kind = BP_COL_CATEGORICAL;
            *has_categorical = 1;
        }
    }
    return BP_OK;
}

/* ", line 41 field 6 '?', line 90 field 2 ''": the cells after the first. */
static void list_cells(char *buf, size_t size, const bp_cell_pos *cells, size_t n, size_t shown)
{
    buf[0] = '\0';
    for (size_t i = 1; i < shown; i++) {
        char one[100];
        snprintf(one, sizeof one, "%sline %zu field %zu '%s'", i > 1 ? ", " : "", cells[i].line,
                 cells[i].field, cells[i].text);
        strncat(buf, one, size - strlen(buf) - 1);
    }
    if (n > shown) strncat(buf, ", ...", size - strlen(buf) - 1);
}

static bp_status missing_features_error(const bp_dataset *ds, bp_error *err)
{
    size_t n = ds->n_feature_missing_cells, shown = n < BP_MISSING_SHOWN ? n : BP_MISSING_SHOWN;
    const bp_cell_pos *first = &ds->missing_shown[0];
    char where[300], others[600], also[700] = "";
    list_cells(others, sizeof others, ds->missing_shown, n, shown);
    if (n > 1)
        snprintf(also, sizeof also, " (%zu missing values in %zu rows; also %s)", n,
                 ds->n_feature_missing_rows, others);
    return bp_error_set(err, BP_ERR_DATA,
                        "%s: missing value '%s'%s; use --missing mean to fill missing values with "
                        "the column's mean, or --missing drop to leave those rows out",
                        cell_at(where, sizeof where, ds, first->field - 1, first->line), first->text,
                        also);
}

static bp_status missing_target_error(const bp_dataset *ds, bp_error *err)
{
    const bp_column *target = &ds->columns[ds->target];
    size_t n = target->n_missing, shown = n < BP_MISSING_SHOWN ? n : BP_MISSING_SHOWN;
    const bp_cell_pos *first = &ds->target_missing_shown[0];
    char where[300], others[600], also[700] = "";
    list_cells(others, sizeof others, ds->target_missing_shown, n, shown);
    if (n > 1) snprintf(also, sizeof also, " (%zu rows have no target; also %s)", n, others);
    return bp_error_set(err, BP_ERR_DATA,
                        "%s: missing target value '%s'%s; a target cannot be filled: use "
                        "--missing-target drop to leave those rows out",
                        cell_at(where, sizeof where, ds, ds->target, first->line), first->text, also);
}

/* The policies that refuse missing values, features first (file order). */
static bp_status check_missing(loader *L, bp_error *err)
{
    bp_dataset *ds = L->ds;
    if (ds->n_feature_missing_cells && L->o->missing == BP_MISSING_ERROR)
        return missing_features_error(ds, err);
    if (ds->columns[ds->target].n_missing && !L->drop_target) return missing_target_error(ds, err);
    return BP_OK;
}

typedef struct label_order {
    const char *name;
    double value;
    int numeric;
} label_order;

static int compare_labels(const void *a, const void *b)
{
    const label_order *x = a, *y = b;
    if (x->numeric && y->numeric && x->value != y->value) return x->value < y->value ? -1 : 1;
    return strcmp(x->name, y->name);
}

static bp_status order_classes_sorted(bp_dataset *ds, bp_error *err)
{
    size_t n = ds->labels.count;
    label_order *order = malloc(n * sizeof *order);
    if (!order) return bp_error_nomem(err, "class labels");
    int all_numeric = 1;
    for (size_t i = 0; i < n; i++) {
        order[i].name = ds->labels.names[i];
        all_numeric &= bp_csv_parse_number_with(order[i].name, strlen(order[i].name), ds->decimal,
                                                &order[i].value);
    }
    for (size_t i = 0; i < n; i++) order[i].numeric = all_numeric;
    qsort(order, n, sizeof *order, compare_labels);
    for (size_t k = 0; k < n; k++) {
        size_t i = bp_strmap_find(&ds->labels, order[k].name, strlen(order[k].name));
        ds->class_of_label[i] = k;
        ds->class_names[k] = ds->labels.names[i];
    }
    free(order);
    ds->n_classes = n;
    return BP_OK;
}

/* --classes L1,L2,...: the given order; every label of the data must be listed. */
static bp_status order_classes_given(bp_dataset *ds, const char *list, bp_error *err)
{
    bp_strmap given;
    bp_strmap_init(&given);
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ","), index;
        if (len == 0 || bp_strmap_find(&given, p, len) != (size_t)-1) {
            bp_strmap_free(&given);
            return bp_error_set(err, BP_ERR_ARG, "--classes: empty or repeated class in '%s'", list);
        }
        if (bp_strmap_intern(&given, p, len, &index) != 0) {
            bp_strmap_free(&given);
            return bp_error_nomem(err, "class list");
        }
        p += len + (p[len] == ',');
    }
    for (size_t i = 0; i < ds->labels.count; i++) {
        const char *name = ds->labels.names[i];
        size_t k = bp_strmap_find(&given, name, strlen(name));
        if (k == (size_t)-1) {
            bp_strmap_free(&given);
            return bp_error_set(err, BP_ERR_DATA, "%s: class '%s' is not in --classes %s",
                                ds->source, name, list);
        }
        ds->class_of_label[i] = k;
    }
    /* Class names must outlive the list: intern the extra ones too. */
    ds->n_classes = given.count;
    char **names = realloc(ds->class_names, given.count * sizeof *names);
    if (!names) { bp_strmap_free(&given); return bp_error_nomem(err, "class list"); }
    ds->class_names = names;
    for (size_t k = 0; k < given.count; k++) {
        size_t i;
        if (bp_strmap_intern(&ds->labels, given.names[k], strlen(given.names[k]), &i) != 0) {
            bp_strmap_free(&given);
            return bp_error_nomem(err, "class list");
        }
        ds->class_names[k] = ds->labels.names[i];
    }
    bp_strmap_free(&given);
    return BP_OK;
}

static bp_status order_classes(loader *L, bp_error *err)
{
    bp_dataset *ds = L->ds;
    if (ds->task != BP_TASK_CLASSIFICATION) return BP_OK;
    size_t n = ds->labels.count;
    if (n == 0) return bp_error_set(err, BP_ERR_DATA, "%s: no class labels", ds->source);
    ds->class_of_label = malloc(n * sizeof *ds->class_of_label);
    ds->class_names = malloc(n * sizeof *ds->class_names);
    if (!ds->class_of_label || !ds->class_names) return bp_error_nomem(err, "class labels");
    if (L->o->classes) return order_classes_given(ds, L->o->classes, err);
    return order_classes_sorted(ds, err);
}

/* ------------------------------------------------ pass 2: categories */

static bp_status collect_category(void *ctx, size_t index, const bp_csv_field *f, size_t n,
                                  bp_error *err)
{
    loader *L = ctx;
    bp_dataset *ds = L->ds;
    (void)n;
    if (index == 0 && L->header) return BP_OK;
    for (size_t c = 0; c < ds->n_columns; c++) {
        bp_column *col = &ds->columns[c];
        if (col->kind != BP_COL_CATEGORICAL || bp_csv_is_missing(f[c].text, f[c].len)) continue;
        size_t k;
        if (bp_strmap_intern(&col->categories, f[c].text, f[c].len, &k) != 0)
            return bp_error_nomem(err, "categories");
        char where[300];
        if (col->categories.count > BP_MAX_CATEGORIES)
            return bp_error_set(err, BP_ERR_DATA,
                                "%s: the column has over %zu distinct text values; "
                                "leave it out with --ignore",
                                cell_at(where, sizeof where, ds, c, f[c].line), BP_MAX_CATEGORIES);
    }
    return BP_OK;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Categories in sorted order, so the encoding does not depend on row order. */
static bp_status sort_categories(bp_column *col, bp_error *err)
{
    bp_strmap sorted;
    bp_strmap_init(&sorted);
    qsort(col->categories.names, col->categories.count, sizeof(char *), compare_strings);
    for (size_t i = 0; i < col->categories.count; i++) {
        size_t k;
        if (bp_strmap_intern(&sorted, col->categories.names[i], strlen(col->categories.names[i]), &k) != 0) {
            bp_strmap_free(&sorted);
            return bp_error_nomem(err, "categories");
        }
    }
    bp_strmap_free(&col->categories);
    col->categories = sorted;
    return BP_OK;
}

/* ------------------------------------------------------ pass 3: fill */

typedef struct filler {
    loader *L;
    size_t row;
} filler;

/* The first pass's verdict on a record, again. */
static int record_dropped(const loader *L, const bp_csv_field *f)
{
    const bp_dataset *ds = L->ds;
    for (size_t c = 0; c < ds->n_columns; c++) {
        bp_column_kind kind = ds->columns[c].kind;
        if (kind == BP_COL_IGNORED || !bp_csv_is_missing(f[c].text, f[c].len)) continue;
        if (kind == BP_COL_TARGET ? L->drop_target : L->drop_features) return 1;
    }
    return 0;
}

static void fill_cell(const bp_dataset *ds, const bp_column *col, const bp_csv_field *f, char decimal,
                      bp_real *x)
{
    double v = NAN;
    if (col->kind == BP_COL_NUMERIC) {
        /* Checked in the first pass: a number, or else a missing cell. */
        if (!bp_csv_parse_number_with(f->text, f->len, decimal, &v)) v = NAN;
        x[col->feature] = (bp_real)v;
        return;
    }
    int missing = bp_csv_is_missing(f->text, f->len);
    size_t n = col->categories.count;
    size_t k = missing ? (size_t)-1 : bp_strmap_find(&col->categories, f->text, f->len);
    for (size_t i = 0; i < n; i++) x[col->feature + i] = missing ? (bp_real)NAN : (bp_real)(i == k);
    (void)ds;
}

static void fill_target(bp_dataset *ds, size_t row, const bp_csv_field *f)
{
    if (ds->task == BP_TASK_REGRESSION) {
        double v = NAN;
        bp_csv_parse_number_with(f->text, f->len, ds->decimal, &v);
        ds->y[row] = (bp_real)v;
        return;
    }
    size_t i = bp_strmap_find(&ds->labels, f->text, f->len);
    ds->label[row] = (uint32_t)ds->class_of_label[i];
}

static bp_status fill_record(void *ctx, size_t index, const bp_csv_field *f, size_t n,
                             bp_error *err)
{
    filler *F = ctx;
    loader *L = F->L;
    bp_dataset *ds = L->ds;
    (void)n;
    (void)err;
    if (index == 0 && L->header) return BP_OK;
    if (ds->n_dropped && record_dropped(L, f)) return BP_OK;
    if (F->row >= ds->n_rows) return BP_OK; /* the file changed between passes */
    bp_real *x = ds->x + F->row * ds->n_features;
    for (size_t c = 0; c < ds->n_columns; c++) {
        const bp_column *col = &ds->columns[c];
        if (col->kind == BP_COL_TARGET) fill_target(ds, F->row, &f[c]);
        else if (col->kind != BP_COL_IGNORED) fill_cell(ds, col, &f[c], ds->decimal, x);
    }
    F->row++;
    return BP_OK;
}

/* One-hot features carry the number of their categorical column. */
static bp_status assign_groups(bp_dataset *ds, bp_error *err)
{
    size_t group = 0;
    for (size_t c = 0; c < ds->n_columns; c++) {
        const bp_column *col = &ds->columns[c];
        if (col->kind != BP_COL_CATEGORICAL) continue;
        if (!ds->groups) {
            ds->groups = calloc(ds->n_features, sizeof *ds->groups);
            if (!ds->groups) return bp_error_nomem(err, "feature groups");
        }
        group++;
        for (size_t i = 0; i < col->categories.count; i++) ds->groups[col->feature + i] = group;
    }
    return BP_OK;
}

bp_status bp_dataset_place_features(bp_dataset *ds, bp_error *err)
{
    size_t n = 0;
    for (size_t c = 0; c < ds->n_columns; c++) {
        bp_column *col = &ds->columns[c];
        col->feature = n;
        if (col->kind == BP_COL_NUMERIC) n++;
        else if (col->kind == BP_COL_CATEGORICAL) n += col->categories.count;
    }
    ds->n_features = n;
    return assign_groups(ds, err);
}

static bp_status allocate_values(bp_dataset *ds, size_t max_memory, bp_error *err)
{
    size_t cells, bytes;
    if (!bp_mul_size(ds->n_rows, ds->n_features, &cells) ||
        !bp_mul_size(cells, sizeof(bp_real), &bytes))
        return bp_error_set(err, BP_ERR_NOMEM, "%s: %zu rows x %zu features is too large",
                            ds->source, ds->n_rows, ds->n_features);
    size_t target_bytes = ds->n_rows * (ds->task == BP_TASK_REGRESSION ? sizeof *ds->y : sizeof *ds->label);
    if (max_memory && (bytes > max_memory || target_bytes > max_memory - bytes))
        return bp_error_set(err, BP_ERR_NOMEM,
                            "%s: %zu rows x %zu features need %.1f MiB, more than the limit of %.1f MiB "
                            "(raise --max-memory)",
                            ds->source, ds->n_rows, ds->n_features,
                            (double)(bytes + target_bytes) / 1048576.0, (double)max_memory / 1048576.0);
    ds->x = malloc(bytes ? bytes : 1);
    if (ds->task == BP_TASK_REGRESSION) ds->y = malloc(ds->n_rows * sizeof *ds->y + 1);
    else ds->label = malloc(ds->n_rows * sizeof *ds->label + 1);
    if (!ds->x || (!ds->y && !ds->label)) return bp_error_nomem(err, "data matrix");
    return BP_OK;
}

static bp_status load_passes(loader *L, bp_csv_reader *reader, bp_error *err)
{
    bp_dataset *ds = L->ds;
    bp_csv_dialect dialect = {L->o->delimiter, L->o->header, L->o->decimal};
    bp_status st = bp_csv_detect(reader, &dialect, err);
    if (st != BP_OK) return st;
    L->header = dialect.header;
    ds->header = dialect.header;
    ds->delimiter = dialect.delimiter;
    ds->decimal = dialect.decimal;
    if ((st = bp_csv_scan(reader, &dialect, survey_record, L, err)) != BP_OK) return st;
    if (ds->n_records == 0) return bp_error_set(err, BP_ERR_DATA, "%s: no data rows", ds->source);
    int has_categorical;
    decide_task(ds);
    if ((st = decide_column_kinds(L, &has_categorical, err)) != BP_OK) return st;
    if ((st = check_missing(L, err)) != BP_OK) return st;
    if ((st = order_classes(L, err)) != BP_OK) return st;
    if (has_categorical) {
        if ((st = bp_csv_scan(reader, &dialect, collect_category, L, err)) != BP_OK) return st;
        for (size_t c = 0; c < ds->n_columns; c++)
            if (ds->columns[c].kind == BP_COL_CATEGORICAL &&
                (st = sort_categories(&ds->columns[c], err)) != BP_OK)
                return st;
    }
    if ((st = bp_dataset_place_features(ds, err)) != BP_OK) return st;
    if (ds->n_features == 0) return bp_error_set(err, BP_ERR_DATA, "%s: no feature columns", ds->source);
    ds->n_rows = ds->n_records - ds->n_dropped;
    if (ds->n_rows == 0)
        return bp_error_set(err, BP_ERR_DATA,
                            "%s: every row was left out for a missing value (%zu rows)%s", ds->source,
                            ds->n_records,
                            ds->n_dropped > ds->n_dropped_target
                                ? "; --missing mean fills missing features with the column's mean"
                                : "");
    if ((st = allocate_values(ds, L->o->max_memory, err)) != BP_OK) return st;
    filler F = {L, 0};
    if ((st = bp_csv_scan(reader, &dialect, fill_record, &F, err)) != BP_OK) return st;
    if (F.row != ds->n_rows)
        return bp_error_set(err, BP_ERR_IO, "%s: the file changed while it was read", ds->source);
    return BP_OK;
}

bp_status bp_dataset_load(bp_dataset **out, const char *path, const bp_load_options *opts,
                          bp_error *err)
{
    bp_load_options defaults;
    if (!opts) {
        bp_load_defaults(&defaults);
        opts = &defaults;
    }
    *out = NULL;
    bp_dataset *ds = calloc(1, sizeof *ds);
    if (!ds) return bp_error_nomem(err, "dataset");
    bp_strmap_init(&ds->labels);
    ds->task = opts->task;
    ds->source = malloc(strlen(path) + 1);
    if (!ds->source) { free(ds); return bp_error_nomem(err, "dataset"); }
    strcpy(ds->source, path);
    bp_csv_reader *reader = NULL;
    bp_status st = bp_csv_open(&reader, path, err);
    loader L = {ds, opts, 0, 0, 0, NULL};
    L.drop_features = opts->missing == BP_MISSING_DROP;
    L.drop_target = opts->missing_target == BP_MISSING_TARGET_DROP ||
                    (opts->missing_target == BP_MISSING_TARGET_AUTO && L.drop_features);
    if (st == BP_OK) st = load_passes(&L, reader, err);
    bp_csv_close(reader);
    free(L.ignored);
    if (st != BP_OK) {
        bp_dataset_free(ds);
        return st;
    }
    *out = ds;
    return BP_OK;
}

void bp_dataset_free(bp_dataset *ds)
{
    if (!ds) return;
    for (size_t c = 0; ds->columns && c < ds->n_columns; c++) {
        free(ds->columns[c].name);
        bp_strmap_free(&ds->columns[c].categories);
    }
    free(ds->columns);
    free(ds->x);
    free(ds->label);
    free(ds->y);
    free(ds->class_of_label);
    free(ds->class_names);
    free(ds->groups);
    bp_strmap_free(&ds->labels);
    free(ds->source);
    free(ds);
}

size_t bp_dataset_rows(const bp_dataset *ds) { return ds->n_rows; }
size_t bp_dataset_features(const bp_dataset *ds) { return ds->n_features; }
size_t bp_dataset_classes(const bp_dataset *ds) { return ds->n_classes; }
bp_real *bp_dataset_x(bp_dataset *ds) { return ds->x; }
const char *bp_dataset_source(const bp_dataset *ds) { return ds->source; }
const size_t *bp_dataset_feature_groups(const bp_dataset *ds) { return ds->groups; }

const char *bp_dataset_class_name(const bp_dataset *ds, size_t k)
{
    return k < ds->n_classes ? ds->class_names[k] : NULL;
}

bp_samples bp_dataset_samples(const bp_dataset *ds)
{
    bp_samples s = {ds->x, ds->n_features, ds->label, ds->y,
                    ds->task == BP_TASK_REGRESSION ? 1 : ds->n_classes, NULL, ds->n_rows, NULL};
    return s;
}

void bp_dataset_load_info(const bp_dataset *ds, bp_load_info *info)
{
    memset(info, 0, sizeof *info);
    info->delimiter = ds->delimiter;
    info->decimal = ds->decimal ? ds->decimal : '.';
    info->header = ds->header;
    info->records = ds->n_records;
    info->rows = ds->n_rows;
    info->dropped = ds->n_dropped;
    info->dropped_target = ds->n_dropped_target;
    info->missing_cells = ds->n_missing_cells;
    info->filled = ds->n_filled;
    info->task = ds->task;
    info->task_chosen = ds->task_chosen;
    info->target_values = ds->target_values;
    info->target_numeric = ds->target_numeric;
    info->target_fractional = ds->target_fractional;
}

static const char *const missing_names[] = {"error", "drop", "mean"};
_Static_assert(BP_COUNT(missing_names) == BP_MISSING_COUNT, "a name for every missing-value policy");

const char *bp_missing_name(bp_missing m)
{
    return bp_name_of(missing_names, BP_COUNT(missing_names), (size_t)m);
}

bp_status bp_missing_parse(const char *name, bp_missing *out, bp_error *err)
{
    size_t i;
    bp_status st = bp_name_parse(missing_names, BP_COUNT(missing_names), "--missing", name, &i, err);
    if (st == BP_OK) *out = (bp_missing)i;
    return st;
}

static const char *const missing_target_names[] = {"auto", "error", "drop"};

const char *bp_missing_target_name(bp_missing_target m)
{
    return bp_name_of(missing_target_names, BP_COUNT(missing_target_names), (size_t)m);
}

bp_status bp_missing_target_parse(const char *name, bp_missing_target *out, bp_error *err)
{
    size_t i;
    bp_status st = bp_name_parse(missing_target_names, BP_COUNT(missing_target_names),
                                 "--missing-target", name, &i, err);
    if (st == BP_OK) *out = (bp_missing_target)i;
    return st;
}

/* ------------------------------------- encoding the rows of a new file */

static void note_first(size_t *count, bp_cell_pos *first, const bp_csv_field *f, size_t field)
{
    if ((*count)++ == 0) remember_cell(first, f, field);
}

static bp_status encode_numeric(const bp_dataset *ds, size_t c, const char *source, const bp_csv_field *f,
                                size_t field, char decimal, bp_real *x, bp_error *err)
{
    double v;
    if (!bp_csv_parse_number_with(f->text, f->len, decimal, &v)) {
        char where[300];
        return bp_error_set(err, BP_ERR_DATA, "%s: %s '%.40s' in a numeric column%s",
                            bp_dataset_cell_where(where, sizeof where, ds, source, c, f->line, field),
                            number_problem(f->text), f->text, decimal_hint(f->text, f->len, decimal));
    }
    x[ds->columns[c].feature] = (bp_real)v;
    return BP_OK;
}

bp_status bp_dataset_encode_record(const bp_dataset *ds, const char *source, const bp_csv_field *f,
                                   const size_t *where, const bp_encode_rules *rules, bp_real *x,
                                   bp_encode_notes *notes, bp_error *err)
{
    char decimal = rules && rules->decimal ? rules->decimal : '.';
    for (size_t c = 0; c < ds->n_columns; c++) {
        const bp_column *col = &ds->columns[c];
        if (col->kind != BP_COL_NUMERIC && col->kind != BP_COL_CATEGORICAL) continue;
        const bp_csv_field *cell = &f[where[c]];
        size_t field = where[c] + 1;
        if (bp_csv_is_missing(cell->text, cell->len)) {
            char at[300];
            if (rules && rules->missing == BP_MISSING_ERROR)
                return bp_error_set(err, BP_ERR_DATA,
                                    "%s: missing value '%.40s'; use --missing mean to fill it with the "
                                    "training mean, or --missing drop to skip the row",
                                    bp_dataset_cell_where(at, sizeof at, ds, source, c, cell->line, field),
                                    cell->text);
            note_first(&notes->n_missing, &notes->first_missing, cell, field);
            fill_cell(ds, col, cell, decimal, x); /* NaN: the scaler fills the mean */
            continue;
        }
        if (col->kind == BP_COL_NUMERIC) {
            bp_status st = encode_numeric(ds, c, source, cell, field, decimal, x, err);
            if (st != BP_OK) return st;
            continue;
        }
        if (bp_strmap_find(&col->categories, cell->text, cell->len) == (size_t)-1)
            note_first(&notes->n_unseen, &notes->first_unseen, cell, field);
        fill_cell(ds, col, cell, decimal, x); /* an unseen category: all zeros */
    }
    return BP_OK;
}
