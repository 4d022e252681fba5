/* libFuzzer target for the CSV reader.
 *
 * Build and run from the repository root:
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -Isrc \
 *       fuzz/fuzz_csv.c src/data/csv.c src/util/error.c -lm -o fuzz_csv
 *   ./fuzz_csv -max_total_time=300 fuzz/corpus/csv tests/data/csv
 *
 * Each input is detected and scanned as a whole file, then scanned again
 * with every delimiter under tight limits, and parsed as one number. Beyond
 * the sanitizers it checks the reader's promises: texts are NUL-terminated
 * at their length, positions are 1-based and never go back, record indices
 * count up, errors are data errors naming the input, and every accepted
 * number is exactly what strtod reads from the same text.
 */
#include "data/csv.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct expectations {
    size_t records;
    size_t line, column; /* where the previous field started */
} expectations;

static void check_number(const char *text, size_t len)
{
    double value;
    if (!bp_csv_parse_number(text, len, &value)) return;
    char *end;
    double expected = strtod(text, &end);
    /* The same bits, not just equal values: -0.0 must stay -0.0. */
    if (!isfinite(value) || end != text + len ||
        memcmp(&value, &expected, sizeof value) != 0) // NOLINT(bugprone-suspicious-memory-comparison,cert-exp42-c,cert-flp37-c)
        abort();
}

static bp_status check_record(void *ctx, size_t record_index, const bp_csv_field *fields,
                              size_t n_fields, bp_error *err)
{
    (void)err;
    expectations *e = ctx;
    if (record_index != e->records || n_fields == 0) abort();
    for (size_t i = 0; i < n_fields; i++) {
        const bp_csv_field *f = &fields[i];
        if (!f->text || strlen(f->text) != f->len) abort();
        if (f->line == 0 || f->column == 0) abort();
        if (f->line < e->line || (f->line == e->line && f->column <= e->column)) abort();
        e->line = f->line;
        e->column = f->column;
        check_number(f->text, f->len);
        (void)bp_csv_is_missing(f->text, f->len);
    }
    e->records++;
    return BP_OK;
}

static void scan_and_check(bp_csv_reader *reader, const bp_csv_dialect *dialect)
{
    expectations e = {0, 0, 0};
    bp_error err;
    bp_status status = bp_csv_scan(reader, dialect, check_record, &e, &err);
    if (status == BP_ERR_DATA && strncmp(err.message, "fuzz:", 5) == 0) return;
    if (status != BP_OK) abort();
}

static void parse_whole_input(const uint8_t *data, size_t size)
{
    if (size > 4096) return;
    char *text = malloc(size + 1);
    if (!text) return;
    memcpy(text, data, size);
    text[size] = '\0';
    if (strlen(text) == size) check_number(text, size);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char delimiters[] = {',', ';', '\t', '|', ' '};
    bp_csv_reader *reader;
    bp_error err;
    parse_whole_input(data, size);
    if (bp_csv_open_memory(&reader, "fuzz", (const char *)data, size, &err) != BP_OK) abort();

    bp_csv_dialect dialect = {0, -1, 0};
    if (bp_csv_detect(reader, &dialect, &err) != BP_OK) abort();
    if (dialect.header != 0 && dialect.header != 1) abort();
    if (!memchr(delimiters, dialect.delimiter, sizeof delimiters)) abort();
    scan_and_check(reader, &dialect);

    bp_csv_set_limits(reader, 64, 8);
    for (size_t i = 0; i < sizeof delimiters; i++) {
        dialect.delimiter = delimiters[i];
        scan_and_check(reader, &dialect);
    }
    bp_csv_close(reader);
    return 0;
}
