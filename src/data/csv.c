/* CSV reading: a streaming tokeniser, dialect detection, strict numbers.
 *
 * The tokeniser is a byte-level state machine fed with chunks: a memory input
 * is one chunk, a file is read through a fixed buffer. Field texts of the
 * current record are unescaped into one growing buffer, each followed by a
 * NUL, so the steady state allocates nothing; memory is bounded by the
 * longest record.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* fseeko, ftello */
#endif
#include "data/csv.h"
#include "util/error.h"
#include "util/limits.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#define READ_CHUNK_BYTES ((size_t)256 << 10)
#define INITIAL_RECORD_BYTES ((size_t)4096)
#define INITIAL_FIELDS ((size_t)64)
/* Detection looks at the first record and the 20 after it. */
#define SAMPLE_RECORDS 21

struct bp_csv_reader {
    char *name;
    FILE *file;                 /* NULL for a memory input */
    int owns_file;              /* 0 for standard input itself */
    off_t start;                /* where the data begins in file */
    const unsigned char *data;  /* memory input */
    size_t data_len;
    unsigned char *chunk;       /* read buffer of READ_CHUNK_BYTES (files only) */
    char *record;               /* unescaped field texts of the current record */
    size_t record_cap;
    bp_csv_field *fields;
    size_t fields_cap;
    size_t max_record_bytes;
    size_t max_fields;
};

/* ------------------------------------------------------------ tokeniser */

/* Byte classes: the low bits say what a byte is, two flag bits say whether
   it ends a run of plain bytes inside an unquoted or a quoted field. */
enum byte_kind { K_PLAIN, K_DELIMITER, K_BLANK, K_LF, K_CR, K_QUOTE, K_NUL };
#define KIND_MASK 7u
#define STOPS_UNQUOTED 8u
#define STOPS_QUOTED 16u

enum tok_state {
    AT_FIELD_START,     /* skipping leading blanks of a field */
    IN_UNQUOTED,
    IN_QUOTED,
    AFTER_QUOTE,        /* a '"' inside a quoted field: closing, or the first of "" */
    AFTER_CLOSED_QUOTE  /* blanks after a closing quote */
};

typedef struct tokenizer {
    bp_csv_reader *reader;
    bp_csv_record_fn fn;
    void *ctx;
    bp_error *err;
    unsigned char cls[256];
    int blank_runs;              /* delimiter ' ': runs of spaces/tabs separate */
    enum tok_state state;
    const unsigned char *chunk;  /* the chunk being fed */
    size_t base;                 /* input offset of chunk[0] */
    size_t line;                 /* current physical line, 1-based */
    size_t line_start;           /* input offset where it begins */
    int seen_cr;
    size_t last_cr;              /* offset of the last CR, to join CRLF */
    size_t record_len;           /* bytes used in reader->record */
    size_t field_start;          /* where the current field's text begins */
    size_t n_fields;             /* completed fields of the current record */
    size_t record_index;
} tokenizer;

static void classify_bytes(tokenizer *t, unsigned char delimiter)
{
    memset(t->cls, K_PLAIN, sizeof t->cls);
    t->blank_runs = delimiter == ' ';
    t->cls[' '] = K_BLANK;
    t->cls['\t'] = K_BLANK;
    if (t->blank_runs) {
        t->cls[' '] = K_DELIMITER | STOPS_UNQUOTED;
        t->cls['\t'] = K_DELIMITER | STOPS_UNQUOTED;
    } else {
        t->cls[delimiter] = K_DELIMITER | STOPS_UNQUOTED;
    }
    t->cls['\n'] = K_LF | STOPS_UNQUOTED | STOPS_QUOTED;
    t->cls['\r'] = K_CR | STOPS_UNQUOTED | STOPS_QUOTED;
    t->cls['\0'] = K_NUL | STOPS_UNQUOTED | STOPS_QUOTED;
    /* A quote inside an unquoted field is an ordinary byte. */
    t->cls['"'] = K_QUOTE | STOPS_QUOTED;
}

static size_t offset_of(const tokenizer *t, const unsigned char *p)
{
    return t->base + (size_t)(p - t->chunk);
}

static size_t column_of(const tokenizer *t, size_t offset)
{
    return offset - t->line_start + 1;
}

/* Syntax errors are about the field being read: the completed ones plus one. */
static bp_status data_error(const tokenizer *t, size_t line, size_t column, const char *what)
{
    return bp_error_set(t->err, BP_ERR_DATA, "%s:%zu:%zu: field %zu: %s", t->reader->name, line,
                        column, t->n_fields + 1, what);
}

static bp_status error_here(const tokenizer *t, const unsigned char *p, const char *what)
{
    return data_error(t, t->line, column_of(t, offset_of(t, p)), what);
}

/* Limits are reported where the current record began: its first field. */
static bp_status record_too_long(const tokenizer *t)
{
    const bp_csv_field *first = &t->reader->fields[0];
    return bp_error_set(t->err, BP_ERR_DATA,
                        "%s:%zu:%zu: record starting here is longer than %zu bytes",
                        t->reader->name, first->line, first->column, t->reader->max_record_bytes);
}

static bp_status record_too_wide(const tokenizer *t)
{
    const bp_csv_field *first = &t->reader->fields[0];
    return bp_error_set(t->err, BP_ERR_DATA,
                        "%s:%zu:%zu: record starting here has more than %zu fields",
                        t->reader->name, first->line, first->column, t->reader->max_fields);
}

static size_t usable_record_cap(const tokenizer *t)
{
    const bp_csv_reader *r = t->reader;
    return r->record_cap < r->max_record_bytes ? r->record_cap : r->max_record_bytes;
}

/* Makes room for `needed` bytes of record text (terminators included). */
static bp_status reserve_record(tokenizer *t, size_t needed)
{
    bp_csv_reader *r = t->reader;
    if (needed <= usable_record_cap(t)) return BP_OK;
    if (needed > r->max_record_bytes)
        return record_too_long(t);
    size_t cap = r->record_cap > ((size_t)-1) / 2 ? (size_t)-1 : r->record_cap * 2;
    if (cap < needed) cap = needed;
    if (cap > r->max_record_bytes) cap = r->max_record_bytes;
    char *grown = realloc(r->record, cap);
    if (!grown) return bp_error_nomem(t->err, "CSV record");
    r->record = grown;
    r->record_cap = cap;
    return BP_OK;
}

static bp_status append_byte(tokenizer *t, unsigned char c)
{
    /* +2 keeps room for the field's terminator. */
    bp_status status = reserve_record(t, t->record_len + 2);
    if (status != BP_OK) return status;
    t->reader->record[t->record_len++] = (char)c;
    return BP_OK;
}

/* Copies plain bytes (those without `stop` in their class) up to the end of
   the chunk or to the first byte that needs a decision, which is left at *pp. */
static bp_status copy_plain_run(tokenizer *t, const unsigned char **pp,
                                const unsigned char *end, unsigned stop)
{
    const unsigned char *p = *pp;
    for (;;) {
        size_t cap = usable_record_cap(t);
        size_t room = cap > t->record_len + 1 ? cap - t->record_len - 1 : 0;
        const unsigned char *limit = (size_t)(end - p) < room ? end : p + room;
        const unsigned char *run = p;
        char *out = t->reader->record + t->record_len;
        while (p < limit && !(t->cls[*p] & stop)) *out++ = (char)*p++;
        t->record_len += (size_t)(p - run);
        if (p == end || p < limit) break;
        if (t->cls[*p] & stop) break;
        bp_status status = reserve_record(t, t->record_len + 2);
        if (status != BP_OK) return status;
    }
    *pp = p;
    return BP_OK;
}

static bp_status reserve_field(tokenizer *t)
{
    bp_csv_reader *r = t->reader;
    if (t->n_fields >= r->max_fields)
        return record_too_wide(t);
    if (t->n_fields < r->fields_cap) return BP_OK;
    size_t cap = r->fields_cap * 2, bytes;
    if (cap > r->max_fields) cap = r->max_fields;
    if (!bp_mul_size(cap, sizeof *r->fields, &bytes))
        return bp_error_nomem(t->err, "CSV fields");
    bp_csv_field *grown = realloc(r->fields, bytes);
    if (!grown) return bp_error_nomem(t->err, "CSV fields");
    r->fields = grown;
    r->fields_cap = cap;
    return BP_OK;
}

static bp_status begin_field(tokenizer *t, size_t offset, int quoted)
{
    bp_status status = reserve_field(t);
    if (status != BP_OK) return status;
    bp_csv_field *f = &t->reader->fields[t->n_fields];
    f->text = NULL;
    f->len = 0;
    f->line = t->line;
    f->column = column_of(t, offset);
    f->quoted = quoted;
    t->field_start = t->record_len;
    return BP_OK;
}

/* 'text' loses its single quotes (csv.h): ARFF-derived files quote labels so. */
static size_t strip_single_quotes(tokenizer *t, char *text, size_t len)
{
    if (len < 2 || text[0] != '\'' || text[len - 1] != '\'') return len;
    memmove(text, text + 1, len - 2);
    t->reader->fields[t->n_fields].quoted = 1;
    return len - 2;
}

/* trim_trailing_blanks is set for an unquoted field. */
static bp_status end_field(tokenizer *t, int trim_trailing_blanks)
{
    char *text = t->reader->record + t->field_start;
    size_t len = t->record_len - t->field_start;
    if (trim_trailing_blanks) {
        while (len > 0 && (t->cls[(unsigned char)text[len - 1]] & KIND_MASK) == K_BLANK) len--;
        len = strip_single_quotes(t, text, len);
    }
    t->record_len = t->field_start + len;
    bp_status status = reserve_record(t, t->record_len + 1);
    if (status != BP_OK) return status;
    t->reader->record[t->record_len++] = '\0';
    t->reader->fields[t->n_fields++].len = len;
    return BP_OK;
}

static bp_status empty_field(tokenizer *t, size_t offset)
{
    bp_status status = begin_field(t, offset, 0);
    return status != BP_OK ? status : end_field(t, 0);
}

/* Texts are placed only now: the record buffer may have moved while growing. */
static bp_status end_record(tokenizer *t)
{
    if (t->n_fields == 0) return BP_OK; /* a blank line */
    bp_csv_field *fields = t->reader->fields;
    const char *text = t->reader->record;
    for (size_t i = 0; i < t->n_fields; i++) {
        fields[i].text = text;
        text += fields[i].len + 1;
    }
    bp_status status = t->fn(t->ctx, t->record_index, fields, t->n_fields, t->err);
    t->record_index++;
    t->record_len = 0;
    t->n_fields = 0;
    return status;
}

/* LF, CR and CRLF each end one physical line. */
static void note_line_break(tokenizer *t, const unsigned char *p)
{
    size_t offset = offset_of(t, p);
    int second_half_of_crlf = *p == '\n' && t->seen_cr && t->last_cr + 1 == offset;
    if (!second_half_of_crlf) t->line++;
    if (*p == '\r') {
        t->seen_cr = 1;
        t->last_cr = offset;
    }
    t->line_start = offset + 1;
}

static bp_status end_line(tokenizer *t, const unsigned char *p)
{
    note_line_break(t, p);
    t->state = AT_FIELD_START;
    return end_record(t);
}

static bp_status at_field_start(tokenizer *t, const unsigned char **pp)
{
    const unsigned char *p = *pp;
    bp_status status = BP_OK;
    switch (t->cls[*p] & KIND_MASK) {
    case K_BLANK:
        break;
    case K_DELIMITER:
        /* With blank runs, leading blanks of a line make no empty field. */
        if (!t->blank_runs) status = empty_field(t, offset_of(t, p));
        break;
    case K_LF:
    case K_CR:
        /* "a,\n" ends with an empty field; a line of blanks is no record. */
        if (t->n_fields > 0 && !t->blank_runs) status = empty_field(t, offset_of(t, p));
        if (status == BP_OK) status = end_line(t, p);
        break;
    case K_QUOTE:
        status = begin_field(t, offset_of(t, p), 1);
        t->state = IN_QUOTED;
        break;
    case K_NUL:
        return error_here(t, p, "NUL byte in input");
    default:
        /* Not consumed: the unquoted state copies it with the rest of the run. */
        t->state = IN_UNQUOTED;
        return begin_field(t, offset_of(t, p), 0);
    }
    *pp = p + 1;
    return status;
}

static bp_status in_unquoted(tokenizer *t, const unsigned char **pp, const unsigned char *end)
{
    bp_status status = copy_plain_run(t, pp, end, STOPS_UNQUOTED);
    const unsigned char *p = *pp;
    if (status != BP_OK || p == end) return status;
    switch (t->cls[*p] & KIND_MASK) {
    case K_DELIMITER:
        t->state = AT_FIELD_START;
        status = end_field(t, 1);
        break;
    case K_LF:
    case K_CR:
        status = end_field(t, 1);
        if (status == BP_OK) status = end_line(t, p);
        break;
    default: /* K_NUL */
        return error_here(t, p, "NUL byte in input");
    }
    *pp = p + 1;
    return status;
}

static bp_status in_quoted(tokenizer *t, const unsigned char **pp, const unsigned char *end)
{
    bp_status status = copy_plain_run(t, pp, end, STOPS_QUOTED);
    const unsigned char *p = *pp;
    if (status != BP_OK || p == end) return status;
    switch (t->cls[*p] & KIND_MASK) {
    case K_QUOTE:
        t->state = AFTER_QUOTE;
        break;
    case K_LF:
    case K_CR:
        note_line_break(t, p);
        status = append_byte(t, *p);
        break;
    default: /* K_NUL */
        return error_here(t, p, "NUL byte in input");
    }
    *pp = p + 1;
    return status;
}

#define TEXT_AFTER_QUOTE "text after closing quote (expected a delimiter or end of line)"

static bp_status after_quote(tokenizer *t, const unsigned char **pp)
{
    const unsigned char *p = *pp;
    bp_status status = BP_OK;
    switch (t->cls[*p] & KIND_MASK) {
    case K_QUOTE:
        if (t->state != AFTER_QUOTE)
            return error_here(t, p, TEXT_AFTER_QUOTE);
        status = append_byte(t, '"'); /* "" stands for one quote */
        t->state = IN_QUOTED;
        break;
    case K_BLANK:
        t->state = AFTER_CLOSED_QUOTE;
        break;
    case K_DELIMITER:
        t->state = AT_FIELD_START;
        status = end_field(t, 0);
        break;
    case K_LF:
    case K_CR:
        status = end_field(t, 0);
        if (status == BP_OK) status = end_line(t, p);
        break;
    case K_NUL:
        return error_here(t, p, "NUL byte in input");
    default:
        return error_here(t, p, TEXT_AFTER_QUOTE);
    }
    *pp = p + 1;
    return status;
}

static bp_status feed(tokenizer *t, const unsigned char *begin, const unsigned char *end)
{
    const unsigned char *p = begin;
    t->chunk = begin;
    while (p < end) {
        bp_status status;
        switch (t->state) {
        case AT_FIELD_START: status = at_field_start(t, &p); break;
        case IN_UNQUOTED: status = in_unquoted(t, &p, end); break;
        case IN_QUOTED: status = in_quoted(t, &p, end); break;
        default: status = after_quote(t, &p); break;
        }
        if (status != BP_OK) return status;
    }
    t->base += (size_t)(end - begin);
    t->chunk = end;
    return BP_OK;
}

/* The end of input ends the last record as a line break would. */
static bp_status finish(tokenizer *t)
{
    bp_status status = BP_OK;
    switch (t->state) {
    case AT_FIELD_START:
        if (t->n_fields > 0 && !t->blank_runs) status = empty_field(t, t->base);
        break;
    case IN_UNQUOTED:
        status = end_field(t, 1);
        break;
    case IN_QUOTED: {
        const bp_csv_field *f = &t->reader->fields[t->n_fields];
        return data_error(t, f->line, f->column, "unterminated quoted field (no closing quote)");
    }
    default:
        status = end_field(t, 0);
        break;
    }
    return status != BP_OK ? status : end_record(t);
}

/* A UTF-8 byte-order mark is not data; columns start after it. */
static const unsigned char *skip_bom(tokenizer *t, const unsigned char *begin,
                                     const unsigned char *end)
{
    if (end - begin >= 3 && begin[0] == 0xEF && begin[1] == 0xBB && begin[2] == 0xBF) {
        t->base = 3;
        t->line_start = 3;
        return begin + 3;
    }
    return begin;
}

static void tokenizer_init(tokenizer *t, bp_csv_reader *r, char delimiter,
                           bp_csv_record_fn fn, void *ctx, bp_error *err)
{
    memset(t, 0, sizeof *t);
    t->reader = r;
    t->fn = fn;
    t->ctx = ctx;
    t->err = err;
    t->line = 1;
    t->state = AT_FIELD_START;
    classify_bytes(t, (unsigned char)delimiter);
}

static bp_status io_error(const bp_csv_reader *r, bp_error *err, const char *what, int errnum)
{
    return bp_error_set(err, BP_ERR_IO, "%s: %s: %s", r->name, what, strerror(errnum));
}

static bp_status scan_file(bp_csv_reader *r, tokenizer *t)
{
    if (fseeko(r->file, r->start, SEEK_SET) != 0)
        return io_error(r, t->err, "cannot rewind", errno);
    clearerr(r->file);
    int first = 1;
    for (;;) {
        errno = 0;
        size_t n = fread(r->chunk, 1, READ_CHUNK_BYTES, r->file);
        if (n < READ_CHUNK_BYTES && ferror(r->file))
            return io_error(r, t->err, "read error", errno ? errno : EIO);
        if (n > 0) {
            const unsigned char *end = r->chunk + n;
            const unsigned char *begin = first ? skip_bom(t, r->chunk, end) : r->chunk;
            bp_status status = feed(t, begin, end);
            if (status != BP_OK) return status;
            first = 0;
        }
        if (n < READ_CHUNK_BYTES) break;
    }
    return finish(t);
}

static bp_status scan_memory(bp_csv_reader *r, tokenizer *t)
{
    if (r->data_len > 0) {
        const unsigned char *end = r->data + r->data_len;
        bp_status status = feed(t, skip_bom(t, r->data, end), end);
        if (status != BP_OK) return status;
    }
    return finish(t);
}

static int usable_delimiter(char c)
{
    return c != '\0' && c != '"' && c != '\n' && c != '\r';
}

static bp_status scan_with(bp_csv_reader *r, char delimiter, bp_csv_record_fn fn,
                           void *ctx, bp_error *err)
{
    tokenizer t;
    tokenizer_init(&t, r, delimiter, fn, ctx, err);
    return r->file ? scan_file(r, &t) : scan_memory(r, &t);
}

/* -------------------------------------------------------- opening, closing */

static bp_status reader_new(bp_csv_reader **out, const char *name, bp_error *err)
{
    bp_csv_reader *r = calloc(1, sizeof *r);
    if (!r) return bp_error_nomem(err, "CSV reader");
    size_t name_len = strlen(name);
    r->name = malloc(name_len + 1);
    r->record = malloc(INITIAL_RECORD_BYTES);
    r->fields = malloc(INITIAL_FIELDS * sizeof *r->fields);
    if (!r->name || !r->record || !r->fields) {
        bp_csv_close(r);
        return bp_error_nomem(err, "CSV reader");
    }
    memcpy(r->name, name, name_len + 1);
    r->record_cap = INITIAL_RECORD_BYTES;
    r->fields_cap = INITIAL_FIELDS;
    r->max_record_bytes = BP_MAX_RECORD_BYTES;
    r->max_fields = BP_MAX_COLUMNS;
    *out = r;
    return BP_OK;
}

/* Copies a non-seekable input (a pipe, a terminal) to a temporary file. */
static bp_status spool_to_tmpfile(bp_csv_reader *r, bp_error *err)
{
    FILE *tmp = tmpfile();
    if (!tmp) return io_error(r, err, "cannot create a temporary copy", errno);
    for (;;) {
        errno = 0;
        size_t n = fread(r->chunk, 1, READ_CHUNK_BYTES, r->file);
        if (n < READ_CHUNK_BYTES && ferror(r->file)) {
            int errnum = errno ? errno : EIO;
            fclose(tmp);
            return io_error(r, err, "read error", errnum);
        }
        if (n > 0 && fwrite(r->chunk, 1, n, tmp) != n) {
            int errnum = errno ? errno : EIO;
            fclose(tmp);
            return io_error(r, err, "cannot write the temporary copy", errnum);
        }
        if (n < READ_CHUNK_BYTES) break;
    }
    if (fflush(tmp) != 0) {
        int errnum = errno;
        fclose(tmp);
        return io_error(r, err, "cannot write the temporary copy", errnum);
    }
    if (r->owns_file) fclose(r->file);
    r->file = tmp;
    r->owns_file = 1;
    r->start = 0;
    return BP_OK;
}

bp_status bp_csv_open(bp_csv_reader **out, const char *path, bp_error *err)
{
    if (!out || !path) return bp_error_set(err, BP_ERR_ARG, "bp_csv_open: no output or path");
    *out = NULL;
    int is_stdin = strcmp(path, "-") == 0;
    bp_csv_reader *r;
    bp_status status = reader_new(&r, is_stdin ? "<stdin>" : path, err);
    if (status != BP_OK) return status;
    r->chunk = malloc(READ_CHUNK_BYTES);
    if (!r->chunk) {
        bp_csv_close(r);
        return bp_error_nomem(err, "CSV read buffer");
    }
    if (is_stdin) {
        r->file = stdin;
    } else {
        r->file = fopen(path, "rb");
        if (!r->file) {
            status = bp_error_set(err, BP_ERR_IO, "cannot open %s: %s", path, strerror(errno));
            bp_csv_close(r);
            return status;
        }
        r->owns_file = 1;
    }
    r->start = ftello(r->file);
    if (r->start < 0 || fseeko(r->file, r->start, SEEK_SET) != 0) {
        status = spool_to_tmpfile(r, err);
        if (status != BP_OK) {
            bp_csv_close(r);
            return status;
        }
    }
    *out = r;
    return BP_OK;
}

bp_status bp_csv_open_memory(bp_csv_reader **out, const char *name, const char *data,
                             size_t len, bp_error *err)
{
    if (!out || (!data && len > 0))
        return bp_error_set(err, BP_ERR_ARG, "bp_csv_open_memory: no output or data");
    *out = NULL;
    bp_csv_reader *r;
    bp_status status = reader_new(&r, name ? name : "<memory>", err);
    if (status != BP_OK) return status;
    r->data = (const unsigned char *)data;
    r->data_len = len;
    *out = r;
    return BP_OK;
}

const char *bp_csv_name(const bp_csv_reader *reader)
{
    return reader ? reader->name : "";
}

void bp_csv_set_limits(bp_csv_reader *reader, size_t max_record_bytes, size_t max_fields)
{
    if (!reader) return;
    if (max_record_bytes) reader->max_record_bytes = max_record_bytes;
    if (max_fields) reader->max_fields = max_fields;
}

void bp_csv_close(bp_csv_reader *reader)
{
    if (!reader) return;
    if (reader->file && reader->owns_file) fclose(reader->file);
    free(reader->chunk);
    free(reader->record);
    free(reader->fields);
    free(reader->name);
    free(reader);
}

/* ----------------------------------------------------------------- scan */

bp_status bp_csv_scan(bp_csv_reader *reader, const bp_csv_dialect *dialect,
                      bp_csv_record_fn fn, void *ctx, bp_error *err)
{
    if (!reader || !fn) return bp_error_set(err, BP_ERR_ARG, "bp_csv_scan: no reader or callback");
    bp_csv_dialect resolved = {dialect ? dialect->delimiter : 0, 0, 0};
    if (resolved.delimiter == 0) {
        bp_status status = bp_csv_detect(reader, &resolved, err);
        if (status != BP_OK) return status;
    }
    if (!usable_delimiter(resolved.delimiter))
        return bp_error_set(err, BP_ERR_ARG, "%s: unusable CSV delimiter (byte %d)",
                            reader->name, (unsigned char)resolved.delimiter);
    return scan_with(reader, resolved.delimiter, fn, ctx, err);
}

/* ------------------------------------------------------------ detection */

/* Scans at most SAMPLE_RECORDS records. A malformed sample is not an error
   here (*malformed is set); I/O and memory errors are. */
static bp_status scan_sample(bp_csv_reader *r, char delimiter, bp_csv_record_fn fn,
                             void *ctx, int *malformed, bp_error *err)
{
    bp_error local;
    local.status = BP_OK;
    local.message[0] = '\0';
    *malformed = 0;
    bp_status status = scan_with(r, delimiter, fn, ctx, &local);
    if (status == BP_ERR_INTERRUPTED) return BP_OK; /* the sample is complete */
    if (status == BP_ERR_DATA) {
        *malformed = 1;
        return BP_OK;
    }
    if (status != BP_OK && err) *err = local;
    return status;
}

typedef struct field_counts {
    size_t counts[SAMPLE_RECORDS];
    size_t n;
} field_counts;

static bp_status count_fields(void *ctx, size_t record_index, const bp_csv_field *fields,
                              size_t n_fields, bp_error *err)
{
    (void)record_index, (void)fields, (void)err;
    field_counts *c = ctx;
    c->counts[c->n++] = n_fields;
    return c->n == SAMPLE_RECORDS ? BP_ERR_INTERRUPTED : BP_OK;
}

/* Orders candidates: higher tier, then a well-formed sample, then higher
   major, then higher minor (see the rule in csv.h). */
typedef struct delimiter_score {
    int tier;
    int well_formed;
    size_t major, minor;
} delimiter_score;

/* A malformed sample is scored on the records before the error. */
static delimiter_score score_delimiter(const field_counts *c, int malformed, int explicit_char)
{
    delimiter_score s = {0, !malformed, 0, 0};
    if (c->n == 0) return s;
    int consistent = 1;
    for (size_t i = 1; i < c->n; i++) consistent &= c->counts[i] == c->counts[0];
    if (consistent && c->counts[0] > 1) {
        s.tier = explicit_char ? 3 : 2;
        s.major = c->counts[0];
        return s;
    }
    for (size_t i = 0; i < c->n; i++) {
        size_t same = 0;
        if (c->counts[i] < 2) continue;
        for (size_t j = 0; j < c->n; j++) same += c->counts[j] == c->counts[i];
        if (same > s.major || (same == s.major && c->counts[i] > s.minor)) {
            s.major = same;
            s.minor = c->counts[i];
        }
    }
    if (s.major > 0) s.tier = 1;
    return s;
}

static int better_score(delimiter_score a, delimiter_score b)
{
    if (a.tier != b.tier) return a.tier > b.tier;
    if (a.well_formed != b.well_formed) return a.well_formed > b.well_formed;
    if (a.major != b.major) return a.major > b.major;
    return a.minor > b.minor;
}

/* ------------------------------------------------------ decimal point */

/* What the decimal rule of csv.h looks at, per column of the sample. */
typedef struct decimal_probe {
    unsigned char *comma_ok;   /* per column: every cell so far reads with ',' */
    unsigned char *has_comma;  /* per column: some cell holds a ',' */
    unsigned char *first_ok, *first_comma; /* the same for the first record alone */
    size_t n_columns;
    size_t n_records;
    int dot_number;            /* some cell is a number with a '.' in it */
} decimal_probe;

static void probe_decimal_cell(decimal_probe *h, unsigned char *ok, unsigned char *comma,
                               const bp_csv_field *f)
{
    double v;
    if (memchr(f->text, '.', f->len) && bp_csv_parse_number(f->text, f->len, &v)) h->dot_number = 1;
    if (bp_csv_is_missing(f->text, f->len)) return;
    if (!bp_csv_parse_number_with(f->text, f->len, ',', &v)) *ok = 0;
    if (memchr(f->text, ',', f->len)) *comma = 1;
}

static bp_status probe_decimal(void *ctx, size_t record_index, const bp_csv_field *fields,
                               size_t n_fields, bp_error *err)
{
    (void)record_index;
    decimal_probe *h = ctx;
    if (h->n_records == 0) {
        h->n_columns = n_fields;
        h->comma_ok = malloc(4 * n_fields);
        if (!h->comma_ok) return bp_error_nomem(err, "CSV decimal detection");
        h->has_comma = h->comma_ok + n_fields;
        h->first_ok = h->has_comma + n_fields;
        h->first_comma = h->first_ok + n_fields;
        memset(h->comma_ok, 1, n_fields);
        memset(h->has_comma, 0, n_fields);
        memset(h->first_ok, 1, n_fields);
        memset(h->first_comma, 0, n_fields);
    }
    for (size_t j = 0; j < n_fields; j++) {
        /* Fields past the first record's width still count for rule b. */
        unsigned char spare_ok = 1, spare_comma = 0;
        unsigned char *ok = &spare_ok, *comma = &spare_comma;
        if (h->n_records == 0) {
            ok = &h->first_ok[j];
            comma = &h->first_comma[j];
        } else if (j < h->n_columns) {
            ok = &h->comma_ok[j];
            comma = &h->has_comma[j];
        }
        probe_decimal_cell(h, ok, comma, &fields[j]);
    }
    h->n_records++;
    return h->n_records == SAMPLE_RECORDS ? BP_ERR_INTERRUPTED : BP_OK;
}

/* 1 when the sample, split by delimiter, is written with decimal commas. */
static bp_status has_decimal_commas(bp_csv_reader *r, char delimiter, int *yes, bp_error *err)
{
    decimal_probe h;
    int malformed;
    memset(&h, 0, sizeof h);
    *yes = 0;
    if (delimiter == ',') return BP_OK;
    bp_status status = scan_sample(r, delimiter, probe_decimal, &h, &malformed, err);
    const unsigned char *ok = h.n_records > 1 ? h.comma_ok : h.first_ok;
    const unsigned char *comma = h.n_records > 1 ? h.has_comma : h.first_comma;
    for (size_t j = 0; status == BP_OK && !h.dot_number && j < h.n_columns; j++)
        if (ok[j] && comma[j]) *yes = 1;
    free(h.comma_ok);
    return status;
}

/* ----------------------------------------------------------- delimiter */

static bp_status detect_delimiter(bp_csv_reader *r, char *delimiter, bp_error *err)
{
    static const char candidates[] = {',', '\t', ';', '|', ' '};
    delimiter_score best = {0, 0, 0, 0}, semicolon = {0, 0, 0, 0};
    *delimiter = ',';
    for (size_t i = 0; i < sizeof candidates; i++) {
        field_counts counts;
        int malformed;
        counts.n = 0;
        bp_status status = scan_sample(r, candidates[i], count_fields, &counts, &malformed, err);
        if (status != BP_OK) return status;
        delimiter_score s = score_delimiter(&counts, malformed, candidates[i] != ' ');
        if (candidates[i] == ';') semicolon = s;
        if (s.tier > 0 && better_score(s, best)) {
            best = s;
            *delimiter = candidates[i];
        }
    }
    /* "7,4;3,2": the European dialect, which ',' would split into nonsense. */
    if (*delimiter == ',' && semicolon.tier >= 2 && semicolon.well_formed) {
        int commas;
        bp_status status = has_decimal_commas(r, ';', &commas, err);
        if (status != BP_OK) return status;
        if (commas) *delimiter = ';';
    }
    return BP_OK;
}

static bp_status detect_decimal(bp_csv_reader *r, char delimiter, char *decimal, bp_error *err)
{
    int commas;
    bp_status status = has_decimal_commas(r, delimiter, &commas, err);
    if (status == BP_OK) *decimal = commas ? ',' : '.';
    return status;
}

/* -------------------------------------------------------------- header */

enum field_class { FIELD_TEXT = 1, FIELD_NUMBER = 2, FIELD_MISSING = 4 };

static enum field_class classify_field(const bp_csv_field *f, char decimal)
{
    double value;
    if (bp_csv_parse_number_with(f->text, f->len, decimal, &value)) return FIELD_NUMBER;
    if (bp_csv_is_missing(f->text, f->len)) return FIELD_MISSING;
    return FIELD_TEXT;
}

typedef struct header_probe {
    char decimal;
    unsigned char *first;  /* class of each field of the first record */
    unsigned char *later;  /* classes seen in that column in later records */
    size_t n_first;
    size_t n_records;
    int later_number;      /* a later record has a number in any column */
} header_probe;

static bp_status probe_header(void *ctx, size_t record_index, const bp_csv_field *fields,
                              size_t n_fields, bp_error *err)
{
    (void)record_index;
    header_probe *h = ctx;
    if (h->n_records == 0) {
        h->first = malloc(n_fields);
        h->later = calloc(n_fields, 1);
        if (!h->first || !h->later) return bp_error_nomem(err, "CSV header detection");
        h->n_first = n_fields;
        for (size_t j = 0; j < n_fields; j++)
            h->first[j] = (unsigned char)classify_field(&fields[j], h->decimal);
    } else {
        for (size_t j = 0; j < n_fields; j++) {
            enum field_class c = classify_field(&fields[j], h->decimal);
            if (j < h->n_first) h->later[j] |= (unsigned char)c;
            if (c == FIELD_NUMBER) h->later_number = 1;
        }
    }
    h->n_records++;
    return h->n_records == SAMPLE_RECORDS ? BP_ERR_INTERRUPTED : BP_OK;
}

static int looks_like_header(const header_probe *h)
{
    int all_text = h->n_first > 0;
    for (size_t j = 0; j < h->n_first; j++) {
        int column_numeric = (h->later[j] & FIELD_NUMBER) && !(h->later[j] & FIELD_TEXT);
        if (h->first[j] == FIELD_TEXT && column_numeric) return 1;
        all_text &= h->first[j] == FIELD_TEXT;
    }
    return all_text && h->later_number;
}

static bp_status detect_header(bp_csv_reader *r, char delimiter, char decimal, int *header,
                               bp_error *err)
{
    header_probe h;
    int malformed;
    memset(&h, 0, sizeof h);
    h.decimal = decimal;
    bp_status status = scan_sample(r, delimiter, probe_header, &h, &malformed, err);
    if (status == BP_OK) *header = h.n_records > 1 && looks_like_header(&h);
    free(h.first);
    free(h.later);
    return status;
}

bp_status bp_csv_detect(bp_csv_reader *reader, bp_csv_dialect *dialect, bp_error *err)
{
    if (!reader || !dialect)
        return bp_error_set(err, BP_ERR_ARG, "bp_csv_detect: no reader or dialect");
    if (dialect->delimiter != 0 && !usable_delimiter(dialect->delimiter))
        return bp_error_set(err, BP_ERR_ARG, "%s: unusable CSV delimiter (byte %d)",
                            reader->name, (unsigned char)dialect->delimiter);
    if (dialect->header < -1 || dialect->header > 1)
        return bp_error_set(err, BP_ERR_ARG, "%s: header must be 1, 0 or -1 (detect)",
                            reader->name);
    if (dialect->decimal != 0 && dialect->decimal != '.' && dialect->decimal != ',')
        return bp_error_set(err, BP_ERR_ARG, "%s: the decimal point must be '.' or ','",
                            reader->name);
    bp_csv_dialect found = *dialect;
    bp_status status = BP_OK;
    if (found.delimiter == 0) status = detect_delimiter(reader, &found.delimiter, err);
    if (status == BP_OK && found.decimal == ',' && found.delimiter == ',')
        return bp_error_set(err, BP_ERR_ARG,
                            "%s: ',' separates the fields, so it cannot be the decimal point too "
                            "(give --delimiter ; or leave --decimal out)",
                            reader->name);
    if (status == BP_OK && found.decimal == 0)
        status = detect_decimal(reader, found.delimiter, &found.decimal, err);
    if (status == BP_OK && found.header == -1)
        status = detect_header(reader, found.delimiter, found.decimal, &found.header, err);
    if (status == BP_OK) *dialect = found;
    return status;
}

/* -------------------------------------------------------------- numbers */

/* Powers of ten that doubles hold exactly. */
static const double exact_powers_of_ten[] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};
#define MAX_EXACT_POWER 22
#define TWO_POW_53 ((uint64_t)1 << 53)
/* Digit and exponent counts saturate here, far beyond any double's range. */
#define COUNT_SATURATION ((int64_t)1 << 50)
/* Significant digits handed to strtod: a halfway point between two doubles
   has at most 767 of them, so digits past 780 only matter as "some nonzero
   digit follows", which one extra '1' preserves. */
#define SLOW_PATH_DIGITS 780

/* A decimal number as 0.DIGITS x 10^point, DIGITS without leading zeros. */
typedef struct decimal {
    int negative;
    uint64_t mantissa;  /* the first 19 significant digits */
    size_t n_digits;    /* significant digits */
    int64_t point;
} decimal;

static int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static int64_t saturate_count(size_t n)
{
    return n > (size_t)COUNT_SATURATION ? COUNT_SATURATION : (int64_t)n;
}

static void take_digit(decimal *d, unsigned digit)
{
    if (d->n_digits == 0 && digit == 0) return; /* a leading zero */
    if (d->n_digits < 19) d->mantissa = d->mantissa * 10 + digit;
    d->n_digits++;
}

/* Checks the grammar and splits the number; 0 when the text is not one. */
static int split_decimal(const unsigned char *s, const unsigned char *end, unsigned char point,
                         decimal *d)
{
    memset(d, 0, sizeof *d);
    if (s < end && (*s == '+' || *s == '-')) d->negative = *s++ == '-';
    size_t n_int = 0, n_frac = 0, frac_leading_zeros = 0;
    for (; s < end && is_digit(*s); s++, n_int++) take_digit(d, *s - '0');
    size_t int_digits = d->n_digits;
    if (s < end && *s == point) {
        for (s++; s < end && is_digit(*s); s++, n_frac++) {
            if (d->n_digits == 0 && *s == '0') frac_leading_zeros++;
            take_digit(d, *s - '0');
        }
    }
    if (n_int + n_frac == 0) return 0;
    int64_t exponent = 0;
    if (s < end && (*s == 'e' || *s == 'E')) {
        int negative_exponent = 0;
        s++;
        if (s < end && (*s == '+' || *s == '-')) negative_exponent = *s++ == '-';
        if (s == end || !is_digit(*s)) return 0;
        for (; s < end && is_digit(*s); s++)
            if (exponent < COUNT_SATURATION) exponent = exponent * 10 + (*s - '0');
        if (negative_exponent) exponent = -exponent;
    }
    if (s != end) return 0;
    d->point = (int_digits > 0 ? saturate_count(int_digits) : -saturate_count(frac_leading_zeros))
               + exponent;
    return 1;
}

/* Exact when the digits fit in 53 bits and the power of ten is exact: one
   correctly rounded multiplication or division then gives the answer. */
static int fast_path(const decimal *d, double *out)
{
    if (d->n_digits > 19 || d->mantissa > TWO_POW_53) return 0;
    int64_t scale = d->point - (int64_t)d->n_digits;
    if (scale >= -MAX_EXACT_POWER && scale < 0) {
        *out = (double)d->mantissa / exact_powers_of_ten[-scale];
        return 1;
    }
    uint64_t mantissa = d->mantissa;
    /* 123e25 is 123000e22: shift the excess power into the integer. */
    for (; scale > MAX_EXACT_POWER; scale--) {
        if (mantissa > TWO_POW_53 / 10) return 0;
        mantissa *= 10;
    }
    if (scale < 0) return 0;
    *out = (double)mantissa * exact_powers_of_ten[scale];
    return 1;
}

#if defined(__SIZEOF_INT128__)
/* Up to 19 digits and moderate exponents, exactly, in 128-bit integers: the
   common case of numbers printed with 16 to 19 significant digits, which
   the 53-bit fast path cannot take and strtod takes slowly. */
__extension__ typedef unsigned __int128 u128;

/* 5^k for k = 0..27, all below 2^63. */
static const uint64_t powers_of_five[] = {
    1ull, 5ull, 25ull, 125ull, 625ull, 3125ull, 15625ull, 78125ull, 390625ull,
    1953125ull, 9765625ull, 48828125ull, 244140625ull, 1220703125ull,
    6103515625ull, 30517578125ull, 152587890625ull, 762939453125ull,
    3814697265625ull, 19073486328125ull, 95367431640625ull, 476837158203125ull,
    2384185791015625ull, 11920928955078125ull, 59604644775390625ull,
    298023223876953125ull, 1490116119384765625ull, 7450580596923828125ull,
};
#define MAX_WIDE_DIVISOR_POWER 27
#define MAX_WIDE_MULTIPLIER_POWER 19 /* 10^19 < 2^64 */

static int bit_length(uint64_t x)
{
    return x ? 64 - __builtin_clzll(x) : 0;
}

/* (q + something below it) x 2^exp2 to nearest, ties to even, where q has
   more than 53 bits and `sticky` says the something is nonzero. The result
   stays in the normal range for every caller, so ldexp is exact. */
static double round_to_double(uint64_t q, int sticky, int exp2)
{
    int drop = bit_length(q) - 53;
    uint64_t half = (uint64_t)1 << (drop - 1);
    uint64_t mantissa = q >> drop, rest = q & ((half << 1) - 1);
    if (rest > half || (rest == half && (sticky || (mantissa & 1)))) mantissa++;
    return ldexp((double)mantissa, exp2 + drop);
}

/* M x 10^e for M < 2^64 and 0 <= e <= 19: the product is exact in 128 bits. */
static double multiply_exactly(uint64_t mantissa, int e)
{
    u128 product = (u128)mantissa * (powers_of_five[e] << e);
    uint64_t high = (uint64_t)(product >> 64), low = (uint64_t)product;
    if (high == 0) {
        if (bit_length(low) <= 53) return (double)low;
        return round_to_double(low, 0, 0);
    }
    int shift = bit_length(high); /* 1..64: keeps the top 64 bits */
    uint64_t top = (uint64_t)(product >> shift);
    int sticky = (product << (128 - shift)) != 0;
    return round_to_double(top, sticky, shift);
}

/* M / 10^k = M / 5^k x 2^-k for 1 <= k <= 27: a 128-by-64-bit division gives
   at least 63 quotient bits, the remainder says whether anything follows. */
static double divide_exactly(uint64_t mantissa, int k)
{
    uint64_t divisor = powers_of_five[k];
    int shift = 63 - bit_length(mantissa) + bit_length(divisor);
    u128 numerator = (u128)mantissa << shift;
    uint64_t quotient = (uint64_t)(numerator / divisor);
    int sticky = numerator % divisor != 0;
    return round_to_double(quotient, sticky, -shift - k);
}

static int wide_path(const decimal *d, double *out)
{
    if (d->n_digits > 19) return 0;
    int64_t scale = d->point - (int64_t)d->n_digits;
    if (scale >= 0 && scale <= MAX_WIDE_MULTIPLIER_POWER) {
        *out = multiply_exactly(d->mantissa, (int)scale);
        return 1;
    }
    if (scale < 0 && scale >= -MAX_WIDE_DIVISOR_POWER) {
        *out = divide_exactly(d->mantissa, (int)-scale);
        return 1;
    }
    return 0;
}
#else
static int wide_path(const decimal *d, double *out)
{
    (void)d, (void)out;
    return 0;
}
#endif

/* Rewrites the number as DIGITSeEXP (no decimal point, so the locale does
   not matter) and lets strtod round it. */
static int slow_path(const unsigned char *s, const unsigned char *end, const decimal *d,
                     double *out)
{
    char text[SLOW_PATH_DIGITS + 32];
    size_t k = 0;
    int dropped_nonzero = 0;
    for (; s < end && *s != 'e' && *s != 'E'; s++) {
        if (!is_digit(*s) || (k == 0 && *s == '0')) continue;
        if (k < SLOW_PATH_DIGITS)
            text[k++] = (char)*s;
        else if (*s != '0')
            dropped_nonzero = 1;
    }
    if (dropped_nonzero) text[k++] = '1';
    snprintf(text + k, sizeof text - k, "e%lld", (long long)(d->point - (int64_t)k));
    int saved_errno = errno;
    double value = strtod(text, NULL);
    errno = saved_errno;
    if (!isfinite(value)) return 0;
    *out = value;
    return 1;
}

int bp_csv_parse_number(const char *text, size_t len, double *out)
{
    return bp_csv_parse_number_with(text, len, '.', out);
}

int bp_csv_parse_number_with(const char *text, size_t len, char decimal_point, double *out)
{
    if (!text || !out) return 0;
    const unsigned char *s = (const unsigned char *)text, *end = s + len;
    decimal d;
    double value;
    unsigned char point = decimal_point == ',' ? ',' : '.';
    if (!split_decimal(s, end, point, &d)) return 0;
    if (d.n_digits == 0 || d.point < -400) {
        value = 0.0; /* below half the smallest subnormal: rounds to zero */
    } else if (d.point > 310) {
        return 0; /* at least 1e310: overflows */
    } else if (!fast_path(&d, &value) && !wide_path(&d, &value)
               && !slow_path(s, end, &d, &value)) {
        return 0;
    }
    *out = d.negative ? -value : value;
    return 1;
}

static int equals_ignoring_case(const char *text, size_t len, const char *lower)
{
    size_t i = 0;
    for (; i < len && lower[i]; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c >= 'A' && c <= 'Z') c = (unsigned char)(c - 'A' + 'a');
        if (c != (unsigned char)lower[i]) return 0;
    }
    return i == len && lower[i] == '\0';
}

int bp_csv_is_missing(const char *text, size_t len)
{
    static const char *const markers[] = {"?", "na", "n/a", "nan", "null"};
    if (len == 0) return 1;
    if (!text || len > 4) return 0;
    for (size_t i = 0; i < sizeof markers / sizeof *markers; i++)
        if (equals_ignoring_case(text, len, markers[i])) return 1;
    return 0;
}
