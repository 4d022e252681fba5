/* The command's JSON writer (cli/json.c): escaping, UTF-8, numbers, layout. */
#include "../cli/json.c"

#include "harness.h"

#include <stdint.h>
#include <stdlib.h>

/* A writer into memory; text() ends it and returns what was written. */
typedef struct sink {
    char *buf;
    size_t size;
    FILE *f;
    cli_json j;
} sink;

static void sink_open(sink *s, int html_safe)
{
    s->buf = NULL;
    s->size = 0;
    s->f = open_memstream(&s->buf, &s->size);
    cli_json_init(&s->j, s->f, html_safe);
}

static const char *sink_text(sink *s)
{
    fclose(s->f);
    return s->buf;
}

/* The JSON text of one string value. */
static void check_string(const char *value, const char *expected, int html_safe)
{
    sink s;
    sink_open(&s, html_safe);
    cli_json_string(&s.j, NULL, value);
    CHECK(cli_json_finish(&s.j));
    CHECK_STR(sink_text(&s), expected);
    free(s.buf);
}

static void test_escapes(void)
{
    check_string("plain", "\"plain\"\n", 0);
    check_string("a\"b\\c", "\"a\\\"b\\\\c\"\n", 0);
    check_string("\n\r\t\b\f", "\"\\n\\r\\t\\b\\f\"\n", 0);
    check_string("\x01\x1f", "\"\\u0001\\u001f\"\n", 0);
    check_string("\x7f", "\"\x7f\"\n", 0);
    check_string("</script>&", "\"</script>&\"\n", 0);
    check_string("</script>&", "\"\\u003c/script\\u003e\\u0026\"\n", 1);
    check_string("", "\"\"\n", 0);
}

static void test_utf8(void)
{
    check_string("caf\xc3\xa9 \xe2\x98\x95 \xf0\x9f\x8c\x8d", "\"caf\xc3\xa9 \xe2\x98\x95 \xf0\x9f\x8c\x8d\"\n", 0);
    /* Not UTF-8: a lone continuation byte, a truncated sequence, an overlong
     * '/', an encoded surrogate, a code point past U+10FFFF, 0xFF. */
    check_string("a\x80z", "\"a\xef\xbf\xbdz\"\n", 0);
    check_string("a\xc3", "\"a\xef\xbf\xbd\"\n", 0);
    check_string("\xc0\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\"\n", 0);
    check_string("\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"\n", 0);
    check_string("\xf4\x90\x80\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"\n", 0);
    check_string("\xff", "\"\xef\xbf\xbd\"\n", 0);
    /* U+2028 and U+2029 end lines in old JavaScript: escaped for <script>. */
    check_string("\xe2\x80\xa8\xe2\x80\xa9", "\"\xe2\x80\xa8\xe2\x80\xa9\"\n", 0);
    check_string("\xe2\x80\xa8\xe2\x80\xa9", "\"\\u2028\\u2029\"\n", 1);
}

static void test_numbers(void)
{
    sink s;
    sink_open(&s, 0);
    cli_json_row(&s.j, NULL);
    cli_json_number(&s.j, NULL, 0.1);
    cli_json_number(&s.j, NULL, 100.0);
    cli_json_number(&s.j, NULL, 1e-05);
    cli_json_number(&s.j, NULL, -2.5e100);
    cli_json_number(&s.j, NULL, NAN);
    cli_json_number(&s.j, NULL, INFINITY);
    cli_json_number(&s.j, NULL, -INFINITY);
    cli_json_size(&s.j, NULL, SIZE_MAX);
    cli_json_bool(&s.j, NULL, 1);
    cli_json_bool(&s.j, NULL, 0);
    cli_json_null(&s.j, NULL);
    cli_json_end(&s.j);
    CHECK(cli_json_finish(&s.j));
    char expected[128];
    snprintf(expected, sizeof expected, "[0.1, 100.0, 1e-05, -2.5e+100, null, null, null, %zu, true, false, null]\n",
             (size_t)SIZE_MAX);
    CHECK_STR(sink_text(&s), expected);
    free(s.buf);
}

static void test_layout(void)
{
    sink s;
    sink_open(&s, 0);
    cli_json_object(&s.j, NULL);
    cli_json_string(&s.j, "name", "x");
    cli_json_array(&s.j, "rows");
    cli_json_record(&s.j, NULL);
    cli_json_size(&s.j, "a", 1);
    cli_json_row(&s.j, "b");
    cli_json_end(&s.j);
    cli_json_end(&s.j);
    cli_json_end(&s.j);
    cli_json_object(&s.j, "empty");
    cli_json_end(&s.j);
    cli_json_end(&s.j);
    CHECK(cli_json_finish(&s.j));
    CHECK_STR(sink_text(&s), "{\n  \"name\": \"x\",\n  \"rows\": [\n    {\"a\": 1, \"b\": []}\n  ],\n  \"empty\": {}\n}\n");
    free(s.buf);
}

static void test_misuse(void)
{
    sink s;
    sink_open(&s, 0);
    cli_json_object(&s.j, NULL);
    cli_json_size(&s.j, NULL, 1); /* an object member without a key */
    cli_json_end(&s.j);
    CHECK(!cli_json_finish(&s.j));
    sink_text(&s);
    free(s.buf);

    sink_open(&s, 0);
    cli_json_array(&s.j, NULL); /* never ended */
    CHECK(!cli_json_finish(&s.j));
    sink_text(&s);
    free(s.buf);

    sink_open(&s, 0);
    for (int i = 0; i < CLI_JSON_MAX_DEPTH + 2; i++) cli_json_array(&s.j, NULL);
    for (int i = 0; i < CLI_JSON_MAX_DEPTH + 2; i++) cli_json_end(&s.j);
    CHECK(!cli_json_finish(&s.j));
    sink_text(&s);
    free(s.buf);

    sink_open(&s, 0);
    cli_json_size(&s.j, NULL, 1);
    cli_json_size(&s.j, NULL, 2); /* two top-level values */
    CHECK(!cli_json_finish(&s.j));
    sink_text(&s);
    free(s.buf);
}

int main(void)
{
    RUN(test_escapes);
    RUN(test_utf8);
    RUN(test_numbers);
    RUN(test_layout);
    RUN(test_misuse);
    return harness_finish();
}
