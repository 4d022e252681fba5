/* The reader of the library's line-oriented text files (textfile.h). */
#include "util/textfile.h"

#include "util/limits.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void bp_text_init(bp_text_reader *R, FILE *f, const char *path, const char *kind, bp_error *err)
{
    memset(R, 0, sizeof *R);
    R->f = f;
    R->path = path;
    R->kind = kind;
    R->context = "";
    R->err = err;
    struct stat st;
    if (fstat(fileno(f), &st) == 0) {
        R->is_directory = S_ISDIR(st.st_mode);
        R->size_known = S_ISREG(st.st_mode);
        R->size = (unsigned long long)st.st_size;
    }
}

void bp_text_free(bp_text_reader *R)
{
    free(R->buf);
    R->buf = NULL;
    R->cursor = NULL;
    R->cap = 0;
}

bp_status bp_text_fail(bp_text_reader *R, const char *fmt, ...)
{
    char what[800];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return bp_error_set(R->err, BP_ERR_DATA, "%s:%zu: %s%s", R->path, R->line_no, R->context, what);
}

static bp_status no_memory(bp_text_reader *R)
{
    return bp_error_set(R->err, BP_ERR_NOMEM, "out of memory (%s line)", R->kind);
}

/* 1 when grown, 0 at the line limit, -1 when out of memory. */
static int grow_line(bp_text_reader *R)
{
    if (R->cap > BP_MAX_LINE) return 0;
    size_t cap = R->cap ? R->cap * 2 : 256;
    if (cap > BP_MAX_LINE + 1) cap = BP_MAX_LINE + 1;
    char *buf = realloc(R->buf, cap);
    if (!buf) return -1;
    R->buf = buf;
    R->cap = cap;
    return 1;
}

/* Only text belongs in these files: a control byte means binary junk. */
static bp_status check_line_bytes(bp_text_reader *R, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char b = (unsigned char)R->buf[i];
        if (b == 0) return bp_text_fail(R, "NUL byte at column %zu", i + 1);
        if ((b < 0x20 && b != '\t') || b == 0x7f)
            return bp_text_fail(R, "control byte 0x%02x at column %zu (binary data?)", b, i + 1);
    }
    return BP_OK;
}

/* Every line the writers make ends with a newline, so a last line without
 * one was cut short. */
bp_status bp_text_next_line(bp_text_reader *R, int *eof)
{
    size_t len = 0;
    int c;
    *eof = 0;
    R->line_no++;
    while ((c = getc(R->f)) != EOF && c != '\n') {
        if (len + 1 >= R->cap) {
            int grown = grow_line(R);
            if (grown == 0) return bp_text_fail(R, "line longer than %zu bytes", BP_MAX_LINE);
            if (grown < 0) return no_memory(R);
        }
        R->buf[len++] = (char)c;
    }
    if (ferror(R->f))
        return bp_error_set(R->err, BP_ERR_IO, "%s: read error: %s", R->path, strerror(errno));
    if (c == EOF && len == 0) {
        *eof = 1;
        return BP_OK;
    }
    if (c == EOF) return bp_text_fail(R, "the last line has no end (truncated file?)");
    /* An empty first line leaves no buffer yet to terminate. */
    if (!R->buf && grow_line(R) <= 0) return no_memory(R);
    if (len > 0 && R->buf[len - 1] == '\r') len--; /* tolerate CRLF line ends */
    R->buf[len] = '\0';
    R->cursor = R->buf;
    return check_line_bytes(R, len);
}

static int is_blank(char c) { return c == ' ' || c == '\t'; }

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* One escape after a backslash at *r; the byte goes to *out. */
static bp_status unescape(bp_text_reader *R, char **r, char *out)
{
    char c = *(*r)++;
    switch (c) {
    case '\\': case '"': *out = c; return BP_OK;
    case 'n': *out = '\n'; return BP_OK;
    case 'r': *out = '\r'; return BP_OK;
    case 't': *out = '\t'; return BP_OK;
    case 'x': {
        int hi = hex_value((*r)[0]), lo = hi < 0 ? -1 : hex_value((*r)[1]);
        if (lo < 0) return bp_text_fail(R, "bad \\x escape in a string");
        if (hi == 0 && lo == 0) return bp_text_fail(R, "NUL byte (\\x00) in a string");
        *out = (char)(hi * 16 + lo);
        *r += 2;
        return BP_OK;
    }
    case '\0': return bp_text_fail(R, "unterminated string");
    default: return bp_text_fail(R, "bad escape '\\%c' in a string", c);
    }
}

/* A quoted string, unescaped in place (it only shrinks). */
static bp_status quoted_token(bp_text_reader *R, bp_text_token *t)
{
    char *r = R->cursor + 1, *w = r;
    t->text = r;
    t->quoted = 1;
    for (;;) {
        if (*r == '\0') return bp_text_fail(R, "unterminated string");
        if (*r == '"') break;
        if (*r == '\\') {
            r++;
            bp_status st = unescape(R, &r, w++);
            if (st != BP_OK) return st;
        } else {
            *w++ = *r++;
        }
        if ((size_t)(w - t->text) > BP_MAX_STRING)
            return bp_text_fail(R, "string longer than %zu bytes", BP_MAX_STRING);
    }
    r++;
    if (*r && !is_blank(*r)) return bp_text_fail(R, "text right after a closing quote");
    t->len = (size_t)(w - t->text);
    *w = '\0';
    R->cursor = *r ? r + 1 : r;
    return BP_OK;
}

bp_status bp_text_next_token(bp_text_reader *R, bp_text_token *t, int *found)
{
    *found = 0;
    if (!R->cursor) return BP_OK;
    while (is_blank(*R->cursor)) R->cursor++;
    *found = *R->cursor != '\0';
    if (!*found) return BP_OK;
    if (*R->cursor == '"') return quoted_token(R, t);
    t->text = R->cursor;
    t->quoted = 0;
    while (*R->cursor && !is_blank(*R->cursor)) R->cursor++;
    t->len = (size_t)(R->cursor - t->text);
    if (*R->cursor) *R->cursor++ = '\0';
    return BP_OK;
}

bp_status bp_text_next_word(bp_text_reader *R, bp_text_token *t, int *found)
{
    for (;;) {
        bp_status st = bp_text_next_token(R, t, found);
        if (st != BP_OK || *found) return st;
        int eof;
        if ((st = bp_text_next_line(R, &eof)) != BP_OK) return st;
        if (eof) return BP_OK;
    }
}

bp_status bp_text_need_token(bp_text_reader *R, const char *what, bp_text_token *t)
{
    int found;
    bp_status st = bp_text_next_token(R, t, &found);
    if (st == BP_OK && !found) return bp_text_fail(R, "missing %s", what);
    return st;
}

bp_status bp_text_expect_line_end(bp_text_reader *R)
{
    bp_text_token t;
    int found;
    bp_status st = bp_text_next_token(R, &t, &found);
    if (st == BP_OK && found) return bp_text_fail(R, "unexpected '%.40s' at the end of the line", t.text);
    return st;
}

int bp_text_is_word(const bp_text_token *t, const char *word)
{
    return !t->quoted && strcmp(t->text, word) == 0;
}

int bp_text_parse_size(const bp_text_token *t, size_t max, size_t *out)
{
    size_t v = 0;
    int ok = !t->quoted && t->len > 0, big = 0;
    for (size_t i = 0; ok && i < t->len; i++) {
        ok = t->text[i] >= '0' && t->text[i] <= '9';
        size_t digit = ok ? (size_t)(t->text[i] - '0') : 0;
        if (digit > max || v > (max - digit) / 10) big = 1; /* over max: stop before overflow */
        else v = v * 10 + digit;
    }
    if (!ok) return -1;
    if (big) return 1;
    *out = v;
    return 0;
}

bp_status bp_text_read_size(bp_text_reader *R, const char *what, size_t min, size_t max, size_t *out)
{
    bp_text_token t;
    bp_status st = bp_text_need_token(R, what, &t);
    if (st != BP_OK) return st;
    size_t v = 0;
    int parsed = bp_text_parse_size(&t, max, &v);
    if (parsed < 0) return bp_text_fail(R, "%s '%.40s' is not a whole number", what, t.text);
    if (parsed > 0 || v < min)
        return bp_text_fail(R, "%s %.40s is out of range (%zu to %zu)", what, t.text, min, max);
    *out = v;
    return BP_OK;
}

bp_status bp_text_read_string(bp_text_reader *R, const char *what, int absent_ok, const char **out,
                              size_t *len)
{
    bp_text_token t;
    bp_status st = bp_text_need_token(R, what, &t);
    if (st != BP_OK) return st;
    if (absent_ok && bp_text_is_word(&t, "-")) {
        *out = NULL;
        *len = 0;
        return BP_OK;
    }
    if (!t.quoted) return bp_text_fail(R, "%s must be a quoted string, not '%.40s'", what, t.text);
    if (t.len == 0) return bp_text_fail(R, "empty %s", what);
    if (strlen(t.text) != t.len) return bp_text_fail(R, "NUL byte in %s", what);
    *out = t.text;
    *len = t.len;
    return BP_OK;
}

bp_status bp_text_check_fits(bp_text_reader *R, const char *what, size_t count)
{
    if (R->size_known && (unsigned long long)count > R->size / 2)
        return bp_text_fail(R, "%zu %s cannot fit in a file of %llu bytes (truncated?)", count, what,
                            R->size);
    return BP_OK;
}

bp_status bp_text_item_line(bp_text_reader *R, const char *keyword, size_t index, size_t count)
{
    int eof;
    bp_status st = bp_text_next_line(R, &eof);
    if (st != BP_OK) return st;
    if (eof)
        return bp_text_fail(R, "unexpected end of file: %zu of %zu '%s' lines (truncated?)", index, count,
                            keyword);
    bp_text_token t;
    if ((st = bp_text_need_token(R, keyword, &t)) != BP_OK) return st;
    if (!bp_text_is_word(&t, keyword))
        return bp_text_fail(R, "expected '%s' (%zu of %zu), found '%.40s'", keyword, index + 1, count,
                            t.text);
    return BP_OK;
}
