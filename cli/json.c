/* A small streaming JSON writer: RFC 8259 output, always valid UTF-8. */
#include "json.h"

#include <math.h>
#include <string.h>

void cli_json_init(cli_json *j, FILE *f, int html_safe)
{
    memset(j, 0, sizeof *j);
    j->f = f;
    j->html_safe = html_safe;
}

/* A continuation byte: 10xxxxxx. */
static int is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

size_t cli_utf8_next(const char *s, uint32_t *code_point)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t len;
    uint32_t cp, min;
    if (u[0] < 0x80) {
        *code_point = u[0];
        return 1;
    }
    if (u[0] >= 0xC0 && u[0] < 0xE0) len = 2, cp = u[0] & 0x1F, min = 0x80;
    else if (u[0] >= 0xE0 && u[0] < 0xF0) len = 3, cp = u[0] & 0x0F, min = 0x800;
    else if (u[0] >= 0xF0 && u[0] < 0xF8) len = 4, cp = u[0] & 0x07, min = 0x10000;
    else len = 0, cp = 0, min = 0;
    /* A NUL is not a continuation byte, so this never reads past the end. */
    for (size_t i = 1; i < len; i++) {
        if (!is_continuation(u[i])) {
            len = 0;
            break;
        }
        cp = (cp << 6) | (u[i] & 0x3F);
    }
    /* Overlong forms, surrogates and code points past U+10FFFF are not UTF-8. */
    if (len == 0 || cp < min || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
        *code_point = 0xFFFD;
        return 1;
    }
    *code_point = cp;
    return len;
}

static void put_escape(FILE *f, uint32_t cp) { fprintf(f, "\\u%04x", (unsigned)cp); }

/* Whether the code point needs \u escaping in a document meant for <script>:
 * "</script>" and "<!--" must not appear, and U+2028/2029 end a line in
 * older JavaScript. */
static int html_special(uint32_t cp)
{
    return cp == '<' || cp == '>' || cp == '&' || cp == 0x2028 || cp == 0x2029;
}

static void put_string(cli_json *j, const char *s)
{
    FILE *f = j->f;
    putc('"', f);
    while (*s) {
        uint32_t cp;
        size_t len = cli_utf8_next(s, &cp);
        const char *short_escape = cp == '"' ? "\\\"" : cp == '\\' ? "\\\\" : cp == '\n' ? "\\n"
                                 : cp == '\r' ? "\\r" : cp == '\t' ? "\\t" : cp == '\b' ? "\\b"
                                 : cp == '\f' ? "\\f" : NULL;
        if (short_escape) fputs(short_escape, f);
        else if (cp < 0x20 || (j->html_safe && html_special(cp))) put_escape(f, cp);
        else if (cp == 0xFFFD && len == 1) fputs("\xEF\xBF\xBD", f); /* an invalid byte */
        else fwrite(s, 1, len, f);
        s += len;
    }
    putc('"', f);
}

static void indent(cli_json *j)
{
    putc('\n', j->f);
    for (size_t i = 0; i < j->depth; i++) fputs("  ", j->f);
}

/* The separator, indentation and key that come before a value. */
static void before_value(cli_json *j, const char *key)
{
    if (j->depth == 0) {
        if (key || j->started) j->misuse = 1;
        j->started = 1;
        return;
    }
    size_t c = j->depth - 1;
    if ((key != NULL) == j->is_array[c]) j->misuse = 1;
    if (!j->empty[c]) putc(',', j->f);
    if (!j->one_line[c]) indent(j);
    else if (!j->empty[c]) putc(' ', j->f);
    j->empty[c] = 0;
    if (key && !j->is_array[c]) {
        put_string(j, key);
        fputs(": ", j->f);
    }
}

static void open_container(cli_json *j, const char *key, int is_array, int one_line)
{
    before_value(j, key);
    if (j->depth == CLI_JSON_MAX_DEPTH) {
        j->misuse = 1;
        return;
    }
    int inherited = j->depth > 0 && j->one_line[j->depth - 1];
    putc(is_array ? '[' : '{', j->f);
    j->empty[j->depth] = 1;
    j->one_line[j->depth] = (unsigned char)(one_line || inherited);
    j->is_array[j->depth] = (unsigned char)is_array;
    j->depth++;
}

void cli_json_object(cli_json *j, const char *key) { open_container(j, key, 0, 0); }
void cli_json_array(cli_json *j, const char *key) { open_container(j, key, 1, 0); }
void cli_json_row(cli_json *j, const char *key) { open_container(j, key, 1, 1); }
void cli_json_record(cli_json *j, const char *key) { open_container(j, key, 0, 1); }

void cli_json_end(cli_json *j)
{
    if (j->depth == 0) {
        j->misuse = 1;
        return;
    }
    size_t c = j->depth - 1;
    j->depth--;
    if (!j->one_line[c] && !j->empty[c]) indent(j);
    putc(j->is_array[c] ? ']' : '}', j->f);
}

void cli_json_string(cli_json *j, const char *key, const char *value)
{
    before_value(j, key);
    if (value) put_string(j, value);
    else fputs("null", j->f);
}

void cli_json_number(cli_json *j, const char *key, double value)
{
    before_value(j, key);
    if (!isfinite(value)) {
        fputs("null", j->f);
        return;
    }
    /* Python's repr: the shortest digits that read back to the same double,
     * always a valid JSON number for a finite value (100.0, 1e-05). */
    char text[40];
    bp_format_double(text, sizeof text, value);
    fputs(text, j->f);
}

void cli_json_real(cli_json *j, const char *key, bp_real value)
{
#ifdef BP_REAL_FLOAT
    before_value(j, key);
    if (isfinite(value)) fprintf(j->f, "%.9g", (double)value);
    else fputs("null", j->f);
#else
    cli_json_number(j, key, value);
#endif
}

void cli_json_size(cli_json *j, const char *key, size_t value)
{
    before_value(j, key);
    fprintf(j->f, "%zu", value);
}

void cli_json_bool(cli_json *j, const char *key, int value)
{
    before_value(j, key);
    fputs(value ? "true" : "false", j->f);
}

void cli_json_null(cli_json *j, const char *key)
{
    before_value(j, key);
    fputs("null", j->f);
}

int cli_json_finish(cli_json *j)
{
    if (j->depth != 0 || !j->started) j->misuse = 1;
    putc('\n', j->f);
    return !j->misuse;
}
