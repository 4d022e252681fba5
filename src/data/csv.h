/* CSV reading: tokenising, dialect detection and strict number parsing.
 *
 * The reader streams records to a callback; it knows nothing about columns,
 * labels or missing values (that is the data layer's job). It treats its input
 * as hostile: every malformed construct is a BP_ERR_DATA with
 * "NAME:LINE:COLUMN: what", and memory is bounded by the longest record, never
 * by the file size.
 *
 * Syntax accepted (RFC 4180 plus what real files contain):
 *  - records end at LF, CRLF or a lone CR; the input need not end with one;
 *  - a UTF-8 byte-order mark at the very start is skipped;
 *  - blank lines (nothing but spaces, tabs or CR) are skipped;
 *  - a field may be quoted with '"': it may then hold delimiters, line breaks
 *    and doubled quotes ("" for one "); blanks around the quotes are ignored,
 *    any other text after the closing quote is an error;
 *  - an unquoted field loses its leading and trailing spaces/tabs, and a '"'
 *    inside it is an ordinary character;
 *  - an unquoted field wrapped in single quotes ('1', 'Iris-setosa', '7.4', as
 *    ARFF-derived files write labels) loses that one pair of quotes, so that
 *    labels, categories and numbers read as they do unquoted; unlike '"',
 *    single quotes do not protect delimiters, quotes or line breaks, and a
 *    single quote anywhere else (it's) is an ordinary character;
 *  - a NUL byte anywhere is an error; other bytes (invalid UTF-8 included)
 *    are passed through untouched.
 *
 * Line and column numbers are 1-based; lines are physical lines (a line break
 * inside a quoted field starts a new one), columns count bytes after the BOM.
 * A syntax error names the field too, counted from 1 in its record:
 * "NAME:LINE:COLUMN: field N: what".
 * A field's position is that of its first byte after leading blanks (its
 * opening quote when quoted); an empty field is placed at the delimiter or
 * line end that closes it.
 */
#ifndef BP_CSV_H
#define BP_CSV_H

#include "backprop.h"

typedef struct bp_csv_dialect {
    char delimiter;   /* ',', ';', '\t', '|', or ' ' meaning "runs of spaces/tabs are one
                         delimiter" (the raw UCI seeds file has runs of tabs); 0 = detect */
    int  header;      /* 1 = first record is a header, 0 = no header, -1 = detect */
    char decimal;     /* the decimal point of numbers: '.' or ','; 0 = detect */
} bp_csv_dialect;

typedef struct bp_csv_field {
    const char *text;  /* field content: quotes removed, "" unescaped, surrounding
                          spaces/tabs trimmed when unquoted; NUL-terminated */
    size_t len;
    size_t line;       /* 1-based physical line where the field starts */
    size_t column;     /* 1-based byte column where the field starts */
    int quoted;        /* the field was quoted (with '"', or in a pair of single quotes) */
} bp_csv_field;

/* Called once per record with its fields. Blank lines (nothing but spaces/tabs/CR)
   are skipped and never reported. record_index counts reported records from 0 (the
   header, when there is one, is record 0: the reader reports everything).
   Return BP_OK to continue; anything else stops the scan and is returned.
   The fields and their texts are only valid during the call. */
typedef bp_status (*bp_csv_record_fn)(void *ctx, size_t record_index,
                                      const bp_csv_field *fields, size_t n_fields,
                                      bp_error *err);

typedef struct bp_csv_reader bp_csv_reader;

/* Opens a file; path "-" reads standard input (a non-seekable input, such as a
   pipe, is spooled to a tmpfile() so that it can be scanned more than once). */
bp_status bp_csv_open(bp_csv_reader **out, const char *path, bp_error *err);
/* name is used in error messages; data is not copied and must outlive the reader. */
bp_status bp_csv_open_memory(bp_csv_reader **out, const char *name,
                             const char *data, size_t len, bp_error *err);
/* The name used in messages (the path, or the name given to open_memory). */
const char *bp_csv_name(const bp_csv_reader *reader);
/* Changes the limits on one record: its bytes (text plus one terminator per
   field) and its number of fields; 0 keeps the current value. */
void bp_csv_set_limits(bp_csv_reader *reader, size_t max_record_bytes, size_t max_fields);

/* Resolves delimiter == 0 and header == -1 by looking at the first records
   (forced values are kept). Fails only on I/O and memory errors and on a
   delimiter that cannot be used; a malformed record is left for the scan to
   report with its position.

   Delimiter rule, over the first 20 records of the sample (21 with the header):
     1. a candidate among ',', '\t', ';', '|' (in that order of preference) that
        splits every sampled record into the same number of fields, more than
        one; when several do, the one giving the most fields wins;
     2. otherwise ' ' (runs of blanks) under the same condition;
     3. otherwise the candidate (same order, ' ' last) for which the most
        records share one field count greater than one: a ragged file is still
        split the way most of its lines say, and the scan reports the odd ones;
     4. otherwise ',' (a single-column file).
   When the sample is malformed under a candidate (an unterminated quote, or
   "a";b read with ','), the candidate is judged on the records before the
   error and loses ties within a step to well-formed ones; so a comma file with
   a broken quote stays a comma file and its scan reports the error.

   Header rule: the first record is a header when
     a. some field of it is text (neither a number nor a missing marker) while
        the same column holds numbers, and only numbers or missing markers, in
        the following sampled records; or
     b. every field of it is text and some following sampled record has a
        number in any column.
   A file of one record, or of text only, has no header.

   Decimal rule (the "European" dialect: ';' between fields, ',' in numbers).
   A ',' delimiter always means a '.' decimal point. Otherwise the decimal
   point is ',' when, in the sampled records after the first (the first alone
   when it is the only one):
     a. some column has a ',' in at least one cell and every cell of it that
        is not a missing marker reads as a number once ',' is taken for the
        decimal point ("7,4", "-0,5", "3"); and
     b. no sampled cell anywhere (the first record included) is a number with
        a '.' in it ("7.4"): a file that writes one number the English way is
        read the English way, and its "7,4" cells are then text.
   Thousands separators are not read in either dialect ("1.234,5" is text).
   The delimiter rule knows this dialect: when ',' would win but ';' also
   splits every sampled record into the same number of fields, more than one,
   and the decimal rule finds ',' decimals in the ';' split, ';' wins
   ("7,4;3,2" is two numbers, not the fields "7", "4;3" and "2").
   A forced decimal ',' with a ',' delimiter (forced or detected) is a
   BP_ERR_ARG. */
bp_status bp_csv_detect(bp_csv_reader *reader, bp_csv_dialect *dialect, bp_error *err);
/* Streams every record from the start of the input; may be called again (rewinds).
   Only dialect->delimiter is used (detected first when 0); any byte but '"',
   CR, LF and NUL may be a delimiter. */
bp_status bp_csv_scan(bp_csv_reader *reader, const bp_csv_dialect *dialect,
                      bp_csv_record_fn fn, void *ctx, bp_error *err);
/* Closes the reader (NULL is allowed); standard input itself is left open. */
void bp_csv_close(bp_csv_reader *reader);

/* Strict number parsing of a whole field: optional sign, digits, optional fraction,
   optional exponent; nothing else (no hex, no "inf"/"nan", no trailing junk, no empty).
   Digits may be omitted on one side of the point (".5", "5."), not on both.
   Correctly rounded like strtod (exact fast path for up to 2^53 with small powers
   of ten, strtod otherwise; never depends on the locale). Returns 1 and sets *out
   when the text is a finite number; 0 otherwise (also for overflow to infinity,
   e.g. "1e999"; underflow gives a subnormal or a signed zero). */
int bp_csv_parse_number(const char *text, size_t len, double *out);
/* As bp_csv_parse_number with `decimal` ('.' or ',') as the decimal point; the
   other character is then not part of any number ("7,4" is 7.4 with ',', and
   "7.4" is not a number). */
int bp_csv_parse_number_with(const char *text, size_t len, char decimal, double *out);
/* 1 when the field is a missing-value marker: empty, "?", "NA", "N/A", "NaN", "nan",
   "null" (case-insensitive). */
int bp_csv_is_missing(const char *text, size_t len);

#endif
