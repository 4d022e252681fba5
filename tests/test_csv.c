/* CSV reader: tokenising (RFC 4180 and the usual deviations), positions,
 * dialect detection, number parsing, missing markers and every error. */
#include "harness.h"

#include "data/csv.h"

#include <errno.h>
#include <stdint.h>
#include <unistd.h>

/* ------------------------------------------------------------- helpers */

#define MAX_SEEN 256

/* Everything a scan reported: a rendering plus per-field positions. */
typedef struct seen {
    char text[16384];    /* fields joined by '|', records ended by '\n' */
    size_t text_len;
    size_t n_records;
    size_t n_fields;     /* over all records */
    size_t line[MAX_SEEN], column[MAX_SEEN];
    int quoted[MAX_SEEN];
    size_t stop_at;      /* return BP_ERR_ARG at this record index, when nonzero */
    int bad_index;       /* record indices did not count 0, 1, 2... */
    int bad_text;        /* a text was not NUL-terminated at len */
    uint64_t hash;       /* of every text, position and quoted flag */
} seen;

static uint64_t hash_bytes(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) h = (h ^ p[i]) * 1099511628211u;
    return h;
}

static void append_text(seen *s, const char *text, size_t len)
{
    if (s->text_len + len >= sizeof s->text) len = sizeof s->text - 1 - s->text_len;
    memcpy(s->text + s->text_len, text, len);
    s->text_len += len;
    s->text[s->text_len] = '\0';
}

static bp_status remember(void *ctx, size_t record_index, const bp_csv_field *fields,
                          size_t n_fields, bp_error *err)
{
    seen *s = ctx;
    if (s->stop_at && record_index == s->stop_at) {
        snprintf(err->message, sizeof err->message, "stopped by the callback");
        err->status = BP_ERR_ARG;
        return BP_ERR_ARG;
    }
    if (record_index != s->n_records) s->bad_index = 1;
    for (size_t i = 0; i < n_fields; i++) {
        if (i) append_text(s, "|", 1);
        append_text(s, fields[i].text, fields[i].len);
        if (fields[i].text[fields[i].len] != '\0') s->bad_text = 1;
        s->hash = hash_bytes(s->hash, fields[i].text, fields[i].len + 1);
        s->hash = hash_bytes(s->hash, &fields[i].line, sizeof fields[i].line);
        s->hash = hash_bytes(s->hash, &fields[i].column, sizeof fields[i].column);
        s->hash = hash_bytes(s->hash, &fields[i].quoted, sizeof fields[i].quoted);
        if (s->n_fields < MAX_SEEN) {
            s->line[s->n_fields] = fields[i].line;
            s->column[s->n_fields] = fields[i].column;
            s->quoted[s->n_fields] = fields[i].quoted;
        }
        s->n_fields++;
    }
    append_text(s, "\n", 1);
    s->n_records++;
    return BP_OK;
}

/* Scans `len` bytes of memory named "t.csv" with a forced delimiter (0 detects). */
static bp_status scan_bytes(const char *data, size_t len, char delimiter, seen *s, bp_error *err)
{
    bp_csv_reader *r;
    bp_status status = bp_csv_open_memory(&r, "t.csv", data, len, err);
    if (status != BP_OK) return status;
    bp_csv_dialect d = {delimiter, 0, 0};
    status = bp_csv_scan(r, &d, remember, s, err);
    bp_csv_close(r);
    return status;
}

static bp_status scan_text(const char *data, char delimiter, seen *s, bp_error *err)
{
    return scan_bytes(data, strlen(data), delimiter, s, err);
}

/* Scans expecting success; returns the rendering. */
static const char *render(const char *data, char delimiter, seen *s)
{
    bp_error err = {BP_OK, ""};
    memset(s, 0, sizeof *s);
    bp_status status = scan_text(data, delimiter, s, &err);
    if (status != BP_OK) {
        fprintf(stderr, "  unexpected error: %s\n", err.message);
        return "(error)";
    }
    CHECK(!s->bad_index);
    CHECK(!s->bad_text);
    return s->text;
}

/* Scans expecting a data error; returns its message. */
static const char *error_of(const char *data, size_t len, char delimiter, bp_error *err)
{
    seen s;
    memset(&s, 0, sizeof s);
    memset(err, 0, sizeof *err);
    bp_status status = scan_bytes(data, len, delimiter, &s, err);
    CHECK_EQ_INT(status, BP_ERR_DATA);
    CHECK_EQ_INT(err->status, BP_ERR_DATA);
    return err->message;
}

static bp_csv_dialect detect_bytes(const char *data, size_t len, bp_csv_dialect d)
{
    bp_csv_reader *r;
    bp_error err = {BP_OK, ""};
    if (bp_csv_open_memory(&r, "t.csv", data, len, &err) != BP_OK) return d;
    bp_status status = bp_csv_detect(r, &d, &err);
    CHECK_EQ_INT(status, BP_OK);
    bp_csv_close(r);
    return d;
}

static bp_csv_dialect detect_text(const char *data)
{
    bp_csv_dialect d = {0, -1, 0};
    return detect_bytes(data, strlen(data), d);
}

static bp_csv_dialect detect_file(const char *path)
{
    bp_csv_dialect d = {0, -1, 0};
    bp_csv_reader *r;
    bp_error err = {BP_OK, ""};
    bp_status status = bp_csv_open(&r, path, &err);
    CHECK_EQ_INT(status, BP_OK);
    if (status != BP_OK) return d;
    status = bp_csv_detect(r, &d, &err);
    CHECK_EQ_INT(status, BP_OK);
    bp_csv_close(r);
    return d;
}

/* Scans a file, detecting the delimiter; returns the status. */
static bp_status scan_file(const char *path, seen *s, bp_error *err)
{
    bp_csv_reader *r;
    memset(s, 0, sizeof *s);
    memset(err, 0, sizeof *err);
    bp_status status = bp_csv_open(&r, path, err);
    if (status != BP_OK) return status;
    bp_csv_dialect d = {0, -1, 0};
    status = bp_csv_detect(r, &d, err);
    if (status == BP_OK) status = bp_csv_scan(r, &d, remember, s, err);
    bp_csv_close(r);
    return status;
}

static int same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

/* ----------------------------------------------------------- tokenising */

static void test_simple_records(void)
{
    seen s;
    CHECK_STR(render("a,b,c\n1,2,3\n", ',', &s), "a|b|c\n1|2|3\n");
    CHECK_EQ_INT(s.n_records, 2);
    CHECK_EQ_INT(s.line[3], 2);
    CHECK_EQ_INT(s.column[3], 1);
    CHECK_EQ_INT(s.column[5], 5);
    CHECK_EQ_INT(s.quoted[0], 0);
}

static void test_no_final_newline(void)
{
    seen s;
    CHECK_STR(render("a,b\n1,2", ',', &s), "a|b\n1|2\n");
    CHECK_STR(render("x", ',', &s), "x\n");
    CHECK_STR(render("a,", ',', &s), "a|\n");
    CHECK_STR(render("\"q\"", ',', &s), "q\n");
    CHECK_STR(render("\"q\"  ", ',', &s), "q\n");
    CHECK_STR(render("", ',', &s), "");
    CHECK_EQ_INT(s.n_records, 0);
}

static void test_crlf_and_lone_cr(void)
{
    seen s;
    CHECK_STR(render("a,b\r\n1,2\r\n", ',', &s), "a|b\n1|2\n");
    CHECK_EQ_INT(s.line[2], 2);
    CHECK_EQ_INT(s.column[3], 3);
    /* Old Mac line ends, and a CR at the very end. */
    CHECK_STR(render("a,b\r1,2\r3,4", ',', &s), "a|b\n1|2\n3|4\n");
    CHECK_EQ_INT(s.line[4], 3);
    CHECK_STR(render("a,b\n1,2\r", ',', &s), "a|b\n1|2\n");
    /* "a,\r\n" ends with one empty field, not two. */
    CHECK_STR(render("a,\r\nb,\r\n", ',', &s), "a|\nb|\n");
    CHECK_EQ_INT(s.line[2], 2);
}

static void test_blank_lines_are_skipped(void)
{
    seen s;
    CHECK_STR(render("\n\na,b\n   \n\t\r\n1,2\n\n \n", ',', &s), "a|b\n1|2\n");
    CHECK_EQ_INT(s.line[0], 3);
    CHECK_EQ_INT(s.line[2], 6);
    /* A line of delimiters is not blank: it holds empty fields. */
    CHECK_STR(render("a,b\n,\n", ',', &s), "a|b\n|\n");
    CHECK_STR(render("a\n\"\"\nb\n", ',', &s), "a\n\nb\n");
    CHECK_EQ_INT(s.quoted[1], 1);
}

static void test_spaces_around_values(void)
{
    seen s;
    CHECK_STR(render("39, State-gov, 77516\n", ',', &s), "39|State-gov|77516\n");
    CHECK_EQ_INT(s.column[0], 1);
    CHECK_EQ_INT(s.column[1], 5);
    CHECK_EQ_INT(s.column[2], 16);
    CHECK_STR(render("  a b \t,\t c  \n", ',', &s), "a b|c\n");
    CHECK_STR(render(" \"x\" , \" y \" \n", ',', &s), "x| y \n");
}

static void test_empty_fields(void)
{
    seen s;
    CHECK_STR(render(",a,,\n", ',', &s), "|a||\n");
    CHECK_EQ_INT(s.n_fields, 4);
    CHECK_EQ_INT(s.column[0], 1);
    CHECK_EQ_INT(s.column[1], 2);
    CHECK_EQ_INT(s.column[2], 4);
    CHECK_EQ_INT(s.column[3], 5);
    CHECK_STR(render("a,,\n", ',', &s), "a||\n");
}

static void test_quoted_fields(void)
{
    seen s;
    CHECK_STR(render("\"a,b\",\"c\"\"d\",\"\",e\n", ',', &s), "a,b|c\"d||e\n");
    CHECK_EQ_INT(s.quoted[0], 1);
    CHECK_EQ_INT(s.quoted[1], 1);
    CHECK_EQ_INT(s.quoted[2], 1);
    CHECK_EQ_INT(s.quoted[3], 0);
    CHECK_EQ_INT(s.column[1], 7);
    CHECK_STR(render("\"\"\"\"\n", ',', &s), "\"\n");
    /* A quote inside an unquoted field is an ordinary byte. */
    CHECK_STR(render("ab\"c,d\"\n", ',', &s), "ab\"c|d\"\n");
    /* Quotes keep spaces that would otherwise be trimmed. */
    CHECK_STR(render("\"  \",x\n", ',', &s), "  |x\n");
}

static void test_quoted_line_breaks_keep_line_numbers(void)
{
    seen s;
    CHECK_STR(render("x,\"line1\nline2\",z\ny,w\n", ',', &s), "x|line1\nline2|z\ny|w\n");
    CHECK_EQ_INT(s.line[1], 1);
    CHECK_EQ_INT(s.column[1], 3);
    CHECK_EQ_INT(s.line[2], 2);
    CHECK_EQ_INT(s.column[2], 8);
    CHECK_EQ_INT(s.line[3], 3);
    CHECK_STR(render("\"a\r\nb\",c\r\nd,\"\r\n\n\"\r\ne\n", ',', &s), "a\r\nb|c\nd|\r\n\n\ne\n");
    CHECK_EQ_INT(s.line[2], 3);
    CHECK_EQ_INT(s.line[4], 6);
    CHECK_STR(render("\"a\rb\"\nc\n", ',', &s), "a\rb\nc\n");
    CHECK_EQ_INT(s.line[1], 3);
}

static void test_byte_order_mark(void)
{
    seen s;
    CHECK_STR(render("\xEF\xBB\xBF" "a,b\n1,2\n", ',', &s), "a|b\n1|2\n");
    CHECK_EQ_INT(s.column[0], 1);
    CHECK_EQ_INT(s.column[1], 3);
    /* Only at the very start. */
    CHECK_STR(render("a\n\xEF\xBB\xBF" "b\n", ',', &s), "a\n\xEF\xBB\xBF" "b\n");
    CHECK_STR(render("\xEF\xBB\xBF", ',', &s), "");
    bp_csv_dialect d = detect_text("\xEF\xBB\xBF" "x;y\n1;2\n");
    CHECK_EQ_INT(d.delimiter, ';');
    CHECK_EQ_INT(d.header, 1);
}

static void test_invalid_utf8_passes_through(void)
{
    seen s;
    CHECK_STR(render("\xff\xfe,\xc3\x28\n", ',', &s), "\xff\xfe|\xc3\x28\n");
}

static void test_blank_runs_delimiter(void)
{
    seen s;
    CHECK_STR(render("  1.5\t\t2  3 \n\t4 5 6\t\n", ' ', &s), "1.5|2|3\n4|5|6\n");
    CHECK_EQ_INT(s.column[0], 3);
    CHECK_EQ_INT(s.column[1], 8);
    CHECK_EQ_INT(s.column[3], 2);
    CHECK_STR(render("\"a b\" c\n\"d\"\t\"\"\n", ' ', &s), "a b|c\nd|\n");
    CHECK_STR(render("   \n\t\n", ' ', &s), "");
}

static void test_tab_delimiter_keeps_empty_fields(void)
{
    seen s;
    CHECK_STR(render("a \t b\n1\t\t3\n", '\t', &s), "a|b\n1||3\n");
    CHECK_STR(render("a;b|c\n", '|', &s), "a;b|c\n");
    CHECK_EQ_INT(s.n_fields, 2);
}

static void test_one_megabyte_line(void)
{
    size_t n = (size_t)1 << 20;
    char *data = malloc(2 * n + 16);
    CHECK(data != NULL);
    if (!data) return;
    memset(data, 'x', n);
    data[n] = ',';
    memset(data + n + 1, 'y', n / 2);
    memcpy(data + n + 1 + n / 2, "\n1,2\n", 6);
    seen *s = calloc(1, sizeof *s);
    bp_error err;
    CHECK_EQ_INT(scan_text(data, ',', s, &err), BP_OK);
    CHECK_EQ_INT(s->n_records, 2);
    CHECK_EQ_INT(s->column[1], n + 2);
    CHECK_EQ_INT(s->line[2], 2);
    free(s);
    free(data);
}

static void test_scanning_twice(void)
{
    const char *data = "a,\"b\nc\",d\n1,2,3\n";
    bp_csv_reader *r;
    bp_error err;
    seen first, second;
    memset(&first, 0, sizeof first);
    memset(&second, 0, sizeof second);
    CHECK_EQ_INT(bp_csv_open_memory(&r, "t.csv", data, strlen(data), &err), BP_OK);
    bp_csv_dialect d = {0, -1, 0};
    CHECK_EQ_INT(bp_csv_detect(r, &d, &err), BP_OK);
    CHECK_EQ_INT(bp_csv_scan(r, &d, remember, &first, &err), BP_OK);
    CHECK_EQ_INT(bp_csv_scan(r, &d, remember, &second, &err), BP_OK);
    CHECK_STR(first.text, second.text);
    CHECK_EQ_INT(second.line[3], 3);
    CHECK_STR(bp_csv_name(r), "t.csv");
    bp_csv_close(r);

    /* The same from a file, twice. */
    CHECK_EQ_INT(bp_csv_open(&r, "tests/data/csv/quoted_newlines.csv", &err), BP_OK);
    memset(&first, 0, sizeof first);
    memset(&second, 0, sizeof second);
    CHECK_EQ_INT(bp_csv_scan(r, &d, remember, &first, &err), BP_OK);
    CHECK_EQ_INT(bp_csv_scan(r, &d, remember, &second, &err), BP_OK);
    CHECK_EQ_INT(first.n_records, 4);
    CHECK_STR(first.text, second.text);
    bp_csv_close(r);
}

/* A pipe cannot be rewound: the reader spools it and still scans twice. */
static void test_pipe_is_spooled(void)
{
    const char *data = "x;y\n1;\"2\n3\"\n";
    int fds[2];
    if (pipe(fds) != 0) SKIP("no pipe");
    CHECK(write(fds[1], data, strlen(data)) == (ssize_t)strlen(data));
    close(fds[1]);
    char path[64];
    snprintf(path, sizeof path, "/dev/fd/%d", fds[0]);
    bp_csv_reader *r;
    bp_error err;
    if (bp_csv_open(&r, path, &err) != BP_OK) {
        close(fds[0]);
        SKIP("no /dev/fd");
    }
    close(fds[0]);
    seen first, second;
    memset(&first, 0, sizeof first);
    memset(&second, 0, sizeof second);
    CHECK_EQ_INT(bp_csv_scan(r, NULL, remember, &first, &err), BP_OK); /* detects ';' */
    bp_csv_dialect d = {0, -1, 0};
    CHECK_EQ_INT(bp_csv_detect(r, &d, &err), BP_OK);
    CHECK_EQ_INT(d.delimiter, ';');
    CHECK_EQ_INT(d.header, 1);
    CHECK_EQ_INT(bp_csv_scan(r, &d, remember, &second, &err), BP_OK);
    CHECK_STR(first.text, "x|y\n1|2\n3\n");
    CHECK_STR(second.text, first.text);
    bp_csv_close(r);
}

static void test_callback_stops_the_scan(void)
{
    seen s;
    bp_error err;
    memset(&s, 0, sizeof s);
    s.stop_at = 1;
    CHECK_EQ_INT(scan_text("a\nb\nc\n", ',', &s, &err), BP_ERR_ARG);
    CHECK_STR(err.message, "stopped by the callback");
    CHECK_EQ_INT(s.n_records, 1);
}

static void test_data_files(void)
{
    seen s;
    bp_error err;
    CHECK_EQ_INT(scan_file("tests/data/csv/quoted_newlines.csv", &s, &err), BP_OK);
    CHECK_STR(s.text, "id|comment|value\n1|first line\nsecond line|10\n"
                      "2|say \"hi\"|20\n3|plain|30\n");
    CHECK_EQ_INT(s.line[9], 6);
    CHECK_EQ_INT(s.line[11], 6);
    CHECK_EQ_INT(s.column[11], 9);

    CHECK_EQ_INT(scan_file("tests/data/csv/bom_crlf_semicolon.csv", &s, &err), BP_OK);
    CHECK_STR(s.text, "x|y|label\n1,5|2|a\n3|4,25|b\n");
    CHECK_EQ_INT(s.line[6], 4);
    CHECK_EQ_INT(s.column[0], 1);

    CHECK_EQ_INT(scan_file("tests/data/csv/seeds_tabs.txt", &s, &err), BP_OK);
    CHECK_EQ_INT(s.n_records, 6);
    CHECK_EQ_INT(s.n_fields, 48);
    CHECK_STR(s.text + 0, "15.26|14.84|0.871|5.763|3.312|2.221|5.22|1\n"
                          "14.88|14.57|0.8811|5.554|3.333|1.018|4.956|1\n"
                          "13.84|13.94|0.8955|5.324|3.379|2.259|4.805|1\n"
                          "16.14|14.99|0.9034|5.658|3.562|1.355|5.175|1\n"
                          "14.11|14.1|0.8911|5.42|3.302|2.7|5|1\n"
                          "16.44|15.25|0.888|5.884|3.505|1.969|5.533|1\n");

    CHECK_EQ_INT(scan_file("tests/data/csv/adult_spaces.csv", &s, &err), BP_OK);
    CHECK_STR(s.text, "39|State-gov|77516|Bachelors\n50|Self-emp-not-inc|83311|Bachelors\n"
                      "38|Private|215646|HS-grad\n");
}

/* Writes `len` bytes to a new temporary file; its path goes to `path`. */
static int write_temp(char *path, size_t path_size, const char *data, size_t len)
{
    const char *dir = getenv("TMPDIR");
    snprintf(path, path_size, "%s/test_csv_XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) return 0;
    FILE *f = fdopen(fd, "wb");
    if (!f) {
        close(fd);
        return 0;
    }
    int ok = fwrite(data, 1, len, f) == len;
    return fclose(f) == 0 && ok;
}

/* Builds valid CSV text with random records and chosen hazards. */
typedef struct builder {
    char *data;
    size_t len, cap;
    uint32_t x;
} builder;

static uint32_t next_random(builder *b)
{
    b->x = b->x * 1664525u + 1013904223u;
    return b->x >> 8;
}

static void put(builder *b, const char *text, size_t n)
{
    if (b->len + n > b->cap) return; /* the test sizes cap generously */
    memcpy(b->data + b->len, text, n);
    b->len += n;
}

static void put_random_field(builder *b)
{
    static const char plain[] = "ab1.x -\t";
    static const char quoted[] = "a,\n\r\"b ;";
    size_t n = next_random(b) % 12;
    switch (next_random(b) % 3) {
    case 0:
        for (size_t i = 0; i < n; i++) put(b, &plain[next_random(b) % (sizeof plain - 1)], 1);
        break;
    case 1:
        put(b, "\"", 1);
        for (size_t i = 0; i < n; i++) {
            const char *c = &quoted[next_random(b) % (sizeof quoted - 1)];
            put(b, c, 1);
            if (*c == '"') put(b, c, 1);
        }
        put(b, "\"", 1);
        break;
    default:
        break; /* empty */
    }
}

static void put_random_records(builder *b, size_t until)
{
    static const char *const endings[] = {"\n", "\r\n", "\r", "\n\n", " \r\n"};
    while (b->len < until) {
        size_t n = 1 + next_random(b) % 5;
        for (size_t i = 0; i < n; i++) {
            if (i) put(b, ",", 1);
            put_random_field(b);
        }
        const char *ending = endings[next_random(b) % 5];
        put(b, ending, strlen(ending));
    }
}

/* Pads the current field with `fill` until `at`, where `text` then begins. */
static void put_at(builder *b, char fill, size_t at, const char *text)
{
    while (b->len < at) put(b, &fill, 1);
    put(b, text, strlen(text));
}

/* Scans bytes from memory and from a file, which is read in 256 KiB chunks;
   the two must agree on everything, errors included. */
static void check_file_matches_memory(const char *data, size_t len)
{
    seen *from_memory = calloc(1, sizeof *from_memory);
    seen *from_file = calloc(1, sizeof *from_file);
    char path[256];
    CHECK(from_memory && from_file);
    CHECK(write_temp(path, sizeof path, data, len));
    if (!from_memory || !from_file) goto done;
    bp_error err_memory = {BP_OK, ""}, err_file = {BP_OK, ""};
    bp_status status_memory = scan_bytes(data, len, ',', from_memory, &err_memory);
    bp_csv_reader *r;
    bp_status status_file = bp_csv_open(&r, path, &err_file);
    CHECK_EQ_INT(status_file, BP_OK);
    if (status_file == BP_OK) {
        bp_csv_dialect d = {',', 0, 0};
        status_file = bp_csv_scan(r, &d, remember, from_file, &err_file);
        bp_csv_close(r);
    }
    CHECK_EQ_INT(status_memory, status_file);
    CHECK(from_memory->hash == from_file->hash);
    CHECK(from_memory->n_records > 1000);
    CHECK_EQ_INT(from_memory->n_records, from_file->n_records);
    CHECK_EQ_INT(from_memory->n_fields, from_file->n_fields);
    /* Messages differ only in the name. */
    if (status_memory != BP_OK)
        CHECK_STR(strchr(err_memory.message, ':'), strchr(err_file.message, ':'));
done:
    remove(path);
    free(from_memory);
    free(from_file);
}

static void test_file_chunks_match_memory(void)
{
    const size_t chunk = (size_t)256 << 10;
    builder b = {NULL, 0, 4 * chunk, 12345};
    b.data = malloc(b.cap);
    CHECK(b.data != NULL);
    if (!b.data) return;
    put_random_records(&b, chunk - 100);
    put_at(&b, 'p', chunk - 1, "\r\n");               /* CRLF across a boundary */
    put_random_records(&b, 2 * chunk - 100);
    put(&b, "\"", 1);
    put_at(&b, 'q', 2 * chunk - 1, "\"\"\"\n");       /* an escaped quote across one */
    put_random_records(&b, 3 * chunk - 100);
    put(&b, "\"", 1);
    put_at(&b, 'q', 3 * chunk - 1, "\r\nq\"\n");      /* a quoted CRLF across one */
    put_random_records(&b, 3 * chunk + 5000);
    size_t valid_len = b.len;
    check_file_matches_memory(b.data, valid_len);
    put(&b, "x,\"never closed", 15);
    check_file_matches_memory(b.data, b.len);
    free(b.data);
}

/* ------------------------------------------------------------ detection */

static void test_detects_every_delimiter(void)
{
    CHECK_EQ_INT(detect_text("a,b,c\n1,2,3\n").delimiter, ',');
    CHECK_EQ_INT(detect_text("a;b;c\n1;2;3\n").delimiter, ';');
    CHECK_EQ_INT(detect_text("a\tb\tc\n1\t2\t3\n").delimiter, '\t');
    CHECK_EQ_INT(detect_text("a|b|c\n1|2|3\n").delimiter, '|');
    CHECK_EQ_INT(detect_text("1.5  2.5   3\n 4 5 6\n").delimiter, ' ');
    /* Decimal commas inside a semicolon file. */
    CHECK_EQ_INT(detect_text("1,5;2;3\n4;5,25;6\n").delimiter, ';');
    /* Spaces after commas are still a comma file. */
    CHECK_EQ_INT(detect_text("39, State-gov, 77516\n50, Private, 83311\n").delimiter, ',');
    /* Quoted delimiters do not count. */
    CHECK_EQ_INT(detect_text("\"a;b\",\"c;d;e\"\n\"f\",\"g\"\n").delimiter, ',');
    /* Runs of tabs (the raw seeds file) are one delimiter. */
    CHECK_EQ_INT(detect_file("tests/data/csv/seeds_tabs.txt").delimiter, ' ');
    CHECK_EQ_INT(detect_file("tests/data/csv/pipe.csv").delimiter, '|');
    CHECK_EQ_INT(detect_file("tests/data/csv/header.tsv").delimiter, '\t');
    CHECK_EQ_INT(detect_file("tests/data/csv/adult_spaces.csv").delimiter, ',');
    CHECK_EQ_INT(detect_file("tests/data/csv/bom_crlf_semicolon.csv").delimiter, ';');
}

static void test_detects_single_column_and_ragged_files(void)
{
    bp_csv_dialect d = detect_text("1\n2\n3\n");
    CHECK_EQ_INT(d.delimiter, ',');
    CHECK_EQ_INT(d.header, 0);
    d = detect_text("value\n1\n2\n");
    CHECK_EQ_INT(d.delimiter, ',');
    CHECK_EQ_INT(d.header, 1);
    CHECK_EQ_INT(detect_text("").delimiter, ',');
    CHECK_EQ_INT(detect_text("").header, 0);
    /* No candidate splits anything: a comma file, whose scan reports the quote. */
    CHECK_EQ_INT(detect_text("a,\"b\n").delimiter, ',');
    /* One short line among many: the majority decides. */
    CHECK_EQ_INT(detect_text("1;2;3\n4;5;6\n7;8\n9;10;11\n").delimiter, ';');
    /* A malformed record under ',' does not count against ';'. */
    CHECK_EQ_INT(detect_text("\"a\";\"b\"\n\"c\";\"d\"\n").delimiter, ';');
    /* Only the first 21 records are looked at. */
    char many[2048] = "";
    for (int i = 0; i < 30; i++) strcat(many, "1;2\n");
    strcat(many, "1;2;3;4\n");
    CHECK_EQ_INT(detect_text(many).delimiter, ';');
}

static void test_detects_header(void)
{
    CHECK_EQ_INT(detect_text("x,y,label\n1,2,a\n3,4,b\n").header, 1);
    CHECK_EQ_INT(detect_text("1,2,a\n3,4,b\n").header, 0);
    /* A string first column (abalone) is data. */
    CHECK_EQ_INT(detect_text("M,0.455,15\nF,0.35,7\nI,0.53,9\n").header, 0);
    /* MNIST-like. */
    CHECK_EQ_INT(detect_text("px0,px1,digit\n0,0,5\n0,255,3\n").header, 1);
    /* Missing markers are neither header text nor evidence against numbers. */
    CHECK_EQ_INT(detect_text("?,?\n1,2\n3,4\n").header, 0);
    CHECK_EQ_INT(detect_text("a,b\n1,?\nNA,3\n").header, 1);
    CHECK_EQ_INT(detect_text(",a,b\n0,1,2\n1,3,4\n").header, 1);
    /* Rule b: all text, and a number shows up later in another place. */
    CHECK_EQ_INT(detect_text("a,b\nx,y\n1,z\n").header, 1);
    /* All text: no header. One record: no header. */
    CHECK_EQ_INT(detect_text("a,b\nc,d\n").header, 0);
    CHECK_EQ_INT(detect_text("a,b\n").header, 0);
    /* A number column that turns into text later is not numeric. */
    CHECK_EQ_INT(detect_text("name,1\nx,2\n3,4\n").header, 0);
    CHECK_EQ_INT(detect_file("tests/data/csv/header.tsv").header, 1);
    CHECK_EQ_INT(detect_file("tests/data/csv/bom_crlf_semicolon.csv").header, 1);
    CHECK_EQ_INT(detect_file("tests/data/csv/seeds_tabs.txt").header, 0);
}

static void test_forced_dialect_is_kept(void)
{
    bp_csv_dialect forced = {';', 1, 0};
    bp_csv_dialect d = detect_bytes("a,b\n1,2\n", 8, forced);
    CHECK_EQ_INT(d.delimiter, ';');
    CHECK_EQ_INT(d.header, 1);
    forced.delimiter = ',';
    forced.header = -1;
    d = detect_bytes("a;b\n1;2\n", 8, forced);
    CHECK_EQ_INT(d.delimiter, ',');
    CHECK_EQ_INT(d.header, 0); /* "a;b" is text over a column of "1;2", also text */
    forced.delimiter = 0;
    forced.header = 0;
    d = detect_bytes("a;b\n1;2\n", 8, forced);
    CHECK_EQ_INT(d.delimiter, ';');
    CHECK_EQ_INT(d.header, 0);
    seen s;
    CHECK_STR(render("a;b\n1;2\n", ',', &s), "a;b\n1;2\n");
}

static void test_bad_arguments(void)
{
    bp_csv_reader *r;
    bp_error err;
    CHECK_EQ_INT(bp_csv_open_memory(&r, NULL, "a", 1, &err), BP_OK);
    CHECK_STR(bp_csv_name(r), "<memory>");
    bp_csv_dialect d = {'"', 0, 0};
    CHECK_EQ_INT(bp_csv_detect(r, &d, &err), BP_ERR_ARG);
    seen s;
    memset(&s, 0, sizeof s);
    CHECK_EQ_INT(bp_csv_scan(r, &d, remember, &s, &err), BP_ERR_ARG);
    d.delimiter = '\n';
    CHECK_EQ_INT(bp_csv_scan(r, &d, remember, &s, &err), BP_ERR_ARG);
    d.delimiter = ',';
    d.header = 2;
    CHECK_EQ_INT(bp_csv_detect(r, &d, &err), BP_ERR_ARG);
    CHECK_EQ_INT(bp_csv_scan(r, &d, NULL, &s, &err), BP_ERR_ARG);
    bp_csv_close(r);
    CHECK_EQ_INT(bp_csv_open_memory(&r, "x", NULL, 3, &err), BP_ERR_ARG);
    CHECK_EQ_INT(bp_csv_open(&r, NULL, &err), BP_ERR_ARG);
    bp_csv_close(NULL);
}

/* -------------------------------------------------------------- numbers */

static double parse(const char *text)
{
    double value = -12345.0;
    CHECK(bp_csv_parse_number(text, strlen(text), &value));
    return value;
}

static int rejects(const char *text)
{
    double value = -12345.0;
    return !bp_csv_parse_number(text, strlen(text), &value) && value == -12345.0;
}

static void test_numbers_accepted(void)
{
    CHECK_EQ_DBL(parse("0"), 0.0);
    CHECK_EQ_DBL(parse("42"), 42.0);
    CHECK_EQ_DBL(parse("-3.25"), -3.25);
    CHECK_EQ_DBL(parse("+7"), 7.0);
    CHECK_EQ_DBL(parse("15.26"), 15.26);
    CHECK_EQ_DBL(parse("0.871"), 0.871);
    CHECK_EQ_DBL(parse(".5"), 0.5);
    CHECK_EQ_DBL(parse("5."), 5.0);
    CHECK_EQ_DBL(parse("-.5e1"), -5.0);
    CHECK_EQ_DBL(parse("1e3"), 1000.0);
    CHECK_EQ_DBL(parse("1E+3"), 1000.0);
    CHECK_EQ_DBL(parse("2.5e-3"), 0.0025);
    CHECK_EQ_DBL(parse("000123.4500"), 123.45);
    CHECK_EQ_DBL(parse("12345678"), 12345678.0);
    CHECK_EQ_DBL(parse("1e22"), 1e22);
    CHECK_EQ_DBL(parse("1e23"), 1e23);
    CHECK_EQ_DBL(parse("123e25"), 123e25);
    CHECK_EQ_DBL(parse("9007199254740993"), 9007199254740992.0);
    CHECK_EQ_DBL(parse("1.7976931348623157e308"), 1.7976931348623157e308);
    CHECK_EQ_DBL(parse("4.9e-324"), 4.9e-324);
    CHECK_EQ_DBL(parse("2.2250738585072011e-308"), 2.2250738585072011e-308);
    CHECK_EQ_DBL(parse("1e-400"), 0.0);
    CHECK_EQ_DBL(parse("0e999999999999999999999"), 0.0);
    CHECK_EQ_DBL(parse("0.000000000000000000000000000001"), 1e-30);
    CHECK(same_bits(parse("-0"), -0.0));
    CHECK(same_bits(parse("-0.0e5"), -0.0));
    CHECK(same_bits(parse("-1e-999"), -0.0));
    /* The length bounds the text: trailing bytes are not looked at. */
    double value;
    CHECK(bp_csv_parse_number("12x", 2, &value));
    CHECK_EQ_DBL(value, 12.0);
}

static void test_numbers_rejected(void)
{
    const char *bad[] = {"", " ", "+", "-", ".", "-.", "e5", ".e5", "1e", "1e+", "1e-",
                         "1.2.3", "1,5", "0x1A", "0x1p3", "inf", "-inf", "Infinity", "nan",
                         "NaN", "1e999", "-1e999", "1.8e308", "1 ", " 1", "1f", "1d",
                         "--1", "+-1", "1e5.5", "1_000", "\xd9\xa1", "12a", "1e+-3"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        if (!rejects(bad[i])) fprintf(stderr, "  accepted \"%s\"\n", bad[i]);
        CHECK(rejects(bad[i]));
    }
    double value;
    CHECK(!bp_csv_parse_number(NULL, 0, &value));
    CHECK(!bp_csv_parse_number("1\0" "2", 3, &value));
    /* 1e310 overflows whatever the digits say. */
    char big[400];
    memset(big, '9', 309);
    big[309] = '\0';
    CHECK(rejects(big));
    big[308] = '\0';
    CHECK_EQ_DBL(parse(big), strtod(big, NULL));
}

/* Compares with strtod bit for bit; reports the first few differences. */
static int matches_strtod(const char *text)
{
    double expected = strtod(text, NULL), got = 0.0;
    int ok = bp_csv_parse_number(text, strlen(text), &got);
    if (!isfinite(expected)) return !ok;
    if (ok && same_bits(got, expected)) return 1;
    static int reported;
    if (reported++ < 5) fprintf(stderr, "  %s: %.17g vs strtod %.17g\n", text, got, expected);
    return 0;
}

static void test_numbers_match_strtod_on_tricky_decimals(void)
{
    const char *tricky[] = {
        "0.1", "0.2", "0.3", "0.7", "1.1", "2.675", "1.005", "0.3333333333333333",
        "9007199254740991", "9007199254740992", "9007199254740993", "9007199254740994",
        "9007199254740995", "18014398509481985", "123456789012345678",
        "1.2345678901234567", "0.1000000000000000055511151231257827",
        "8.98846567431158e307", "1.7976931348623158e308", "1.7976931348623159e308",
        "2.4703282292062327e-324", "2.4703282292062328e-324", "4.9406564584124654e-324",
        "2.2250738585072012e-308", "2.2250738585072014e-308", "1e-320", "3e-324",
        "7.2057594037927933e16", "4.35679e-10", "1e15", "1e16", "1e-22", "1e-23",
        "5e-324", "1e308", "1e309", "123456789e-30", "9999999999999999e290",
        "0.000000000000000000000000000000000000000000001e350",
        "3.141592653589793238462643383279502884197169399375105820974944",
        "2.718281828459045235360287471352662497757247093699959574966967",
        "4503599627370496.5", "4503599627370497.5", "1090544144181609348835077142190",
        "0.500000000000000166533453693773481063544750213623046875",
        "5708990770823839207320493820740630171355185152001e-3",
        "1.00000000000000011102230246251565404236316680908203125",
        "1.000000000000000111022302462515654042363166809082031249",
        "1.000000000000000111022302462515654042363166809082031251",
        "-9.8765432109876543e-100", "6.02214076e23", "1.602176634e-19",
    };
    int all = 1;
    for (size_t i = 0; i < sizeof tricky / sizeof *tricky; i++) all &= matches_strtod(tricky[i]);
    CHECK(all);

    /* The halfway point between 1 and the next double, then a nonzero digit
       far beyond the 780 digits handed to strtod: must round up. */
    char halfway[1200];
    strcpy(halfway, "1.00000000000000011102230246251565404236316680908203125");
    size_t n = strlen(halfway);
    memset(halfway + n, '0', 1000);
    strcpy(halfway + n + 1000, "1");
    CHECK(matches_strtod(halfway));
    CHECK(parse(halfway) > 1.0);
    halfway[n + 1000] = '0';
    CHECK(matches_strtod(halfway));
    CHECK_EQ_DBL(parse(halfway), 1.0);
    /* Many leading zeros, many digits. */
    char tiny[1200] = "0.";
    memset(tiny + 2, '0', 1000);
    strcpy(tiny + 1002, "123456789e1005");
    CHECK(matches_strtod(tiny));
}

static void test_numbers_match_strtod_on_random_text(void)
{
    uint64_t x = 0x9E3779B97F4A7C15u;
    int all = 1;
    char text[64];
    for (int i = 0; i < 300000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        int digits = 1 + (int)(x % 22);
        int point = (int)((x >> 8) % (uint64_t)(digits + 1));
        size_t k = 0;
        if ((x >> 16) & 1) text[k++] = '-';
        uint64_t y = x;
        for (int d = 0; d < digits; d++) {
            if (d == point) text[k++] = '.';
            y = y * 6364136223846793005u + 1442695040888963407u;
            text[k++] = (char)('0' + (y >> 33) % 10);
        }
        if ((x >> 20) % 3 == 0)
            k += (size_t)snprintf(text + k, sizeof text - k, "e%d", (int)((x >> 24) % 660) - 340);
        text[k] = '\0';
        all &= matches_strtod(text);
    }
    /* Shortest and fixed renderings of random doubles read back exactly. */
    for (int i = 0; i < 100000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        double v;
        uint64_t bits = x;
        memcpy(&v, &bits, sizeof v);
        if (!isfinite(v)) continue;
        snprintf(text, sizeof text, "%.17g", v);
        all &= matches_strtod(text);
        snprintf(text, sizeof text, "%.15g", v);
        all &= matches_strtod(text);
        snprintf(text, sizeof text, "%.6f", (double)(x % 100000000) / 977.0);
        all &= matches_strtod(text);
    }
    CHECK(all);
}

/* 16 to 19 significant digits, the numbers %.17g prints: beyond 53 bits,
   so neither the exact double path nor (for short exponents) strtod. */
static void test_numbers_match_strtod_with_long_mantissas(void)
{
    uint64_t x = 0x0123456789ABCDEFu;
    int all = 1;
    char text[64];
    for (int i = 0; i < 300000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        uint64_t mantissa = 1000000000000000u + x % 9999000000000000000u;
        int scale = (int)((x >> 40) % 56) - 32;
        snprintf(text, sizeof text, "%llue%d", (unsigned long long)mantissa, scale);
        all &= matches_strtod(text);
    }
    /* Exact halfway points between doubles: odd m in (2^53, 2^54) over 2^k,
       written out in full (m x 5^k with k decimals), must round to even. */
    for (int i = 0; i < 100000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        uint64_t m = ((uint64_t)1 << 53) | (x >> 11) | 1u;
        int k = (int)(x % 5);
        uint64_t scaled = m;
        for (int j = 0; j < k; j++) scaled *= 5;
        char digits[32];
        int n = snprintf(digits, sizeof digits, "%llu", (unsigned long long)scaled);
        snprintf(text, sizeof text, "%.*s.%s", n - k, digits, digits + n - k);
        all &= matches_strtod(text);
        double expected = ldexp((double)(m - 1), -k); /* the even neighbour below... */
        if ((m >> 1) & 1) expected = ldexp((double)(m + 1), -k); /* ...or above */
        all &= same_bits(parse(text), expected);
    }
    /* Near the edges of the 64-bit mantissa. */
    const char *edges[] = {"9999999999999999999", "9999999999999999999e19",
                           "9999999999999999999e-27", "1844674407370955161.5",
                           "18446744073709551615", "18446744073709551616e-30",
                           "1000000000000000001e-27", "9007199254740993e-27"};
    for (size_t i = 0; i < sizeof edges / sizeof *edges; i++) all &= matches_strtod(edges[i]);
    CHECK(all);
}

static void test_missing_markers(void)
{
    const char *missing[] = {"", "?", "NA", "na", "Na", "N/A", "n/a", "NaN", "nan", "NAN",
                             "null", "NULL", "Null"};
    const char *present[] = {"0", "-", "??", "N", "NAN ", "nul", "nulls", "none", "n.a.",
                             "N/", " ", "NA?"};
    for (size_t i = 0; i < sizeof missing / sizeof *missing; i++)
        CHECK(bp_csv_is_missing(missing[i], strlen(missing[i])));
    for (size_t i = 0; i < sizeof present / sizeof *present; i++)
        CHECK(!bp_csv_is_missing(present[i], strlen(present[i])));
    CHECK(bp_csv_is_missing("NA,b", 2));
}

/* ------------------------------------------------- decimal commas, quotes */

static void test_numbers_with_decimal_comma(void)
{
    double v = 0;
    CHECK(bp_csv_parse_number_with("7,4", 3, ',', &v));
    CHECK_EQ_DBL(v, 7.4);
    CHECK(bp_csv_parse_number_with("-0,5e2", 6, ',', &v));
    CHECK_EQ_DBL(v, -50.0);
    CHECK(bp_csv_parse_number_with(",25", 3, ',', &v));
    CHECK_EQ_DBL(v, 0.25);
    CHECK(bp_csv_parse_number_with("12", 2, ',', &v));
    CHECK_EQ_DBL(v, 12.0);
    /* The other character is no part of a number, nor a thousands separator. */
    CHECK(!bp_csv_parse_number_with("7.4", 3, ',', &v));
    CHECK(!bp_csv_parse_number_with("1.234,5", 7, ',', &v));
    CHECK(!bp_csv_parse_number_with("7,4", 3, '.', &v));
    CHECK(!bp_csv_parse_number("7,4", 3, &v));
    /* Long mantissas take the slow path; it must skip the comma too. */
    const char *pi = "3,14159265358979323846264338327950288";
    CHECK(bp_csv_parse_number_with(pi, strlen(pi), ',', &v));
    CHECK_EQ_DBL(v, 3.14159265358979323846264338327950288);
}

static void test_detect_decimal_comma(void)
{
    bp_csv_dialect d = detect_text("a;b;label\n7,4;3;yes\n6,1;2,5;no\n");
    CHECK_EQ_INT(d.delimiter, ';');
    CHECK_EQ_INT(d.decimal, ',');
    CHECK_EQ_INT(d.header, 1); /* numbers once ',' is the decimal point */
    /* Every field with a decimal comma: ',' splits it consistently too. */
    d = detect_text("7,4;3,2;1,5\n6,1;2,5;0,5\n");
    CHECK_EQ_INT(d.delimiter, ';');
    CHECK_EQ_INT(d.decimal, ',');
    /* One number written with a point: the English way, "7,4" is text. */
    d = detect_text("a;b\n7,4;x\n6.1;y\n");
    CHECK_EQ_INT(d.delimiter, ';');
    CHECK_EQ_INT(d.decimal, '.');
    /* A column with text besides "7,4" is no decimal column. */
    d = detect_text("a;b\n7,4;1\nx,y;2\n");
    CHECK_EQ_INT(d.decimal, '.');
    /* Integers only, and comma files, keep the point. */
    CHECK_EQ_INT(detect_text("a;b\n7;4\n6;1\n").decimal, '.');
    CHECK_EQ_INT(detect_text("a,b\n7,4\n6,1\n").decimal, '.');
    CHECK_EQ_INT(detect_text("a\tb\n7,4\t1\n6,5\t2\n").decimal, ',');
    /* Missing markers do not spoil a decimal column. */
    d = detect_text("a;b\n7,4;1\n?;2\n3,5;NA\n");
    CHECK_EQ_INT(d.decimal, ',');
    /* A forced point is kept; a forced comma with ',' fields is refused. */
    bp_csv_dialect forced = {';', -1, '.'};
    CHECK_EQ_INT(detect_bytes("a;b\n7,4;1\n", 10, forced).decimal, '.');
    bp_csv_reader *r;
    bp_error err;
    CHECK(bp_csv_open_memory(&r, "t.csv", "a,b\n1,2\n", 8, &err) == BP_OK);
    bp_csv_dialect comma = {0, -1, ','};
    CHECK_EQ_INT(bp_csv_detect(r, &comma, &err), BP_ERR_ARG);
    CHECK(strstr(err.message, "cannot be the decimal point too") != NULL);
    bp_csv_close(r);
}

static void test_single_quotes_are_stripped(void)
{
    seen s;
    CHECK_STR(render("'1',x,'Iris-setosa'\n'7.4','',it's\n", ',', &s), "1|x|Iris-setosa\n7.4||it's\n");
    CHECK_EQ_INT(s.quoted[0], 1);
    CHECK_EQ_INT(s.quoted[1], 0);
    /* One quote, or quotes inside: ordinary characters; delimiters split. */
    CHECK_STR(render("',a'b',c\n", ',', &s), "'|a'b'|c\n");
    /* Blanks around are trimmed first; a double-quoted field keeps its text. */
    CHECK_STR(render(" 'x' ,\"'y'\"\n", ',', &s), "x|'y'\n");
}

static void test_errors_name_the_field(void)
{
    bp_error err;
    CHECK_STR(error_of("a,b,c\n1,2,\"3\"x\n", 15, ',', &err),
              "t.csv:2:8: field 3: text after closing quote (expected a delimiter or end of line)");
}

/* --------------------------------------------------------------- errors */

static void test_error_unterminated_quote(void)
{
    bp_error err;
    CHECK_STR(error_of("a,b\n1,\"2\n3\n", 11, ',', &err),
              "t.csv:2:3: field 2: unterminated quoted field (no closing quote)");
    CHECK_STR(error_of("\"", 1, ',', &err),
              "t.csv:1:1: field 1: unterminated quoted field (no closing quote)");
    CHECK_STR(error_of("x,  \"a\"\"", 8, ',', &err),
              "t.csv:1:5: field 2: unterminated quoted field (no closing quote)");
    seen s;
    CHECK_EQ_INT(scan_file("tests/data/csv/unterminated.csv", &s, &err), BP_ERR_DATA);
    CHECK_STR(err.message,
              "tests/data/csv/unterminated.csv:3:3: field 2: unterminated quoted field (no closing quote)");
    CHECK_EQ_INT(s.n_records, 2);
}

static void test_error_text_after_closing_quote(void)
{
    bp_error err;
    CHECK_STR(error_of("\"ab\"c\n", 6, ',', &err),
              "t.csv:1:5: field 1: text after closing quote (expected a delimiter or end of line)");
    CHECK_STR(error_of("x\n\"a\" \"b\"\n", 10, ',', &err),
              "t.csv:2:5: field 1: text after closing quote (expected a delimiter or end of line)");
    CHECK_STR(error_of("\"a\nb\"c", 6, ',', &err),
              "t.csv:2:3: field 1: text after closing quote (expected a delimiter or end of line)");
    seen s;
    CHECK_EQ_INT(scan_file("tests/data/csv/after_quote.csv", &s, &err), BP_ERR_DATA);
    CHECK_STR(err.message, "tests/data/csv/after_quote.csv:2:7: field 2: text after closing quote "
                           "(expected a delimiter or end of line)");
}

static void test_error_nul_byte(void)
{
    bp_error err;
    CHECK_STR(error_of("a,b\n1,\0" "2\n", 9, ',', &err), "t.csv:2:3: field 2: NUL byte in input");
    CHECK_STR(error_of("ab\0", 3, ',', &err), "t.csv:1:3: field 1: NUL byte in input");
    CHECK_STR(error_of("\"a\0\"", 4, ',', &err), "t.csv:1:3: field 1: NUL byte in input");
    CHECK_STR(error_of("\"a\"\0", 4, ',', &err), "t.csv:1:4: field 1: NUL byte in input");
    CHECK_STR(error_of("\"a\" \0", 5, ',', &err), "t.csv:1:5: field 1: NUL byte in input");
    CHECK_STR(error_of("a\n \0", 4, ' ', &err), "t.csv:2:2: field 1: NUL byte in input");
    seen s;
    CHECK_EQ_INT(scan_file("tests/data/csv/nul.csv", &s, &err), BP_ERR_DATA);
    CHECK_STR(err.message, "tests/data/csv/nul.csv:3:3: field 2: NUL byte in input");
    CHECK_EQ_INT(s.n_records, 2);
}

static void test_error_record_limits(void)
{
    const char *data = "a,b\n\n  \"0123456789\",x\ny\n";
    bp_csv_reader *r;
    bp_error err;
    seen s;
    CHECK_EQ_INT(bp_csv_open_memory(&r, "t.csv", data, strlen(data), &err), BP_OK);
    bp_csv_set_limits(r, 12, 0);
    bp_csv_dialect d = {',', 0, 0};
    memset(&s, 0, sizeof s);
    CHECK_EQ_INT(bp_csv_scan(r, &d, remember, &s, &err), BP_ERR_DATA);
    CHECK_STR(err.message, "t.csv:3:3: record starting here is longer than 12 bytes");
    CHECK_EQ_INT(s.n_records, 1);
    /* 13 bytes is enough for "0123456789" and "x" with their terminators. */
    bp_csv_set_limits(r, 13, 0);
    memset(&s, 0, sizeof s);
    CHECK_EQ_INT(bp_csv_scan(r, &d, remember, &s, &err), BP_OK);
    CHECK_EQ_INT(s.n_records, 3);
    bp_csv_set_limits(r, 0, 1);
    memset(&s, 0, sizeof s);
    CHECK_EQ_INT(bp_csv_scan(r, &d, remember, &s, &err), BP_ERR_DATA);
    CHECK_STR(err.message, "t.csv:1:1: record starting here has more than 1 fields");
    bp_csv_close(r);

    /* Many empty fields: the field array grows to the limit, not past it. */
    size_t n = 5000;
    char *commas = malloc(n + 1);
    CHECK(commas != NULL);
    if (!commas) return;
    memset(commas, ',', n);
    commas[n] = '\0';
    CHECK_EQ_INT(bp_csv_open_memory(&r, "t.csv", commas, n, &err), BP_OK);
    bp_csv_set_limits(r, 0, 4096);
    memset(&s, 0, sizeof s);
    CHECK_EQ_INT(bp_csv_scan(r, &d, remember, &s, &err), BP_ERR_DATA);
    CHECK_STR(err.message, "t.csv:1:1: record starting here has more than 4096 fields");
    bp_csv_set_limits(r, 0, n + 1);
    memset(&s, 0, sizeof s);
    CHECK_EQ_INT(bp_csv_scan(r, &d, remember, &s, &err), BP_OK);
    CHECK_EQ_INT(s.n_fields, n + 1);
    bp_csv_close(r);
    free(commas);
}

static void test_io_errors(void)
{
    bp_csv_reader *r = (bp_csv_reader *)&r;
    bp_error err;
    CHECK_EQ_INT(bp_csv_open(&r, "tests/data/csv/no-such-file.csv", &err), BP_ERR_IO);
    CHECK(r == NULL);
    char expected[512];
    snprintf(expected, sizeof expected, "cannot open tests/data/csv/no-such-file.csv: %s",
             strerror(ENOENT));
    CHECK_STR(err.message, expected);
    /* A directory opens but cannot be read. */
    if (bp_csv_open(&r, "tests/data/csv", &err) == BP_OK) {
        seen s;
        memset(&s, 0, sizeof s);
        bp_csv_dialect d = {',', 0, 0};
        CHECK_EQ_INT(bp_csv_scan(r, &d, remember, &s, &err), BP_ERR_IO);
        snprintf(expected, sizeof expected, "tests/data/csv: read error: %s", strerror(EISDIR));
        CHECK_STR(err.message, expected);
        d.delimiter = 0;
        d.header = -1;
        CHECK_EQ_INT(bp_csv_detect(r, &d, &err), BP_ERR_IO);
        bp_csv_close(r);
    } else {
        CHECK_EQ_INT(err.status, BP_ERR_IO);
    }
}

/* ------------------------------------------------------- shared data */

static void test_shared_data_sets(void)
{
    const char *dir = harness_shared_data();
    if (!dir) SKIP("shared data sets not found (../shared/data)");
    char path[512];
    seen *s = calloc(1, sizeof *s);
    bp_error err;
    CHECK(s != NULL);
    if (!s) return;

    snprintf(path, sizeof path, "%s/wheat-seeds.csv", dir);
    bp_csv_dialect d = detect_file(path);
    CHECK_EQ_INT(d.delimiter, ',');
    CHECK_EQ_INT(d.header, 0);
    CHECK_EQ_INT(scan_file(path, s, &err), BP_OK);
    CHECK_EQ_INT(s->n_records, 210);
    CHECK_EQ_INT(s->n_fields, 210 * 8);

    snprintf(path, sizeof path, "%s/mnist-10k.csv", dir);
    d = detect_file(path);
    CHECK_EQ_INT(d.delimiter, ',');
    CHECK_EQ_INT(d.header, 1);

    static const char *const no_header[] = {"iris.csv", "abalone.csv", "sonar.csv",
                                            "ionosphere.csv", "banknote_authentication.csv",
                                            "housing.csv", "pima-indians-diabetes.csv"};
    for (size_t i = 0; i < sizeof no_header / sizeof *no_header; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, no_header[i]);
        d = detect_file(path);
        CHECK_EQ_INT(d.delimiter, ',');
        CHECK_EQ_INT(d.header, 0);
    }
    free(s);
}

int main(void)
{
    RUN(test_simple_records);
    RUN(test_no_final_newline);
    RUN(test_crlf_and_lone_cr);
    RUN(test_blank_lines_are_skipped);
    RUN(test_spaces_around_values);
    RUN(test_empty_fields);
    RUN(test_quoted_fields);
    RUN(test_quoted_line_breaks_keep_line_numbers);
    RUN(test_byte_order_mark);
    RUN(test_invalid_utf8_passes_through);
    RUN(test_blank_runs_delimiter);
    RUN(test_tab_delimiter_keeps_empty_fields);
    RUN(test_one_megabyte_line);
    RUN(test_scanning_twice);
    RUN(test_pipe_is_spooled);
    RUN(test_callback_stops_the_scan);
    RUN(test_data_files);
    RUN(test_file_chunks_match_memory);
    RUN(test_detects_every_delimiter);
    RUN(test_detects_single_column_and_ragged_files);
    RUN(test_detects_header);
    RUN(test_forced_dialect_is_kept);
    RUN(test_bad_arguments);
    RUN(test_numbers_accepted);
    RUN(test_numbers_rejected);
    RUN(test_numbers_match_strtod_on_tricky_decimals);
    RUN(test_numbers_match_strtod_on_random_text);
    RUN(test_numbers_match_strtod_with_long_mantissas);
    RUN(test_numbers_with_decimal_comma);
    RUN(test_detect_decimal_comma);
    RUN(test_single_quotes_are_stripped);
    RUN(test_errors_name_the_field);
    RUN(test_missing_markers);
    RUN(test_error_unterminated_quote);
    RUN(test_error_text_after_closing_quote);
    RUN(test_error_nul_byte);
    RUN(test_error_record_limits);
    RUN(test_io_errors);
    RUN(test_shared_data_sets);
    return harness_finish();
}
