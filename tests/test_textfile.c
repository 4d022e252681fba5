/* The text-file reader the model file and the checkpoint share: line
 * numbers, tokens within a line and across lines, quoted strings, whole
 * numbers, and errors that name the file and line. */
#include "backprop.h"
#include "harness.h"
#include "util/textfile.h"

/* A reader over text in a temporary file (closed by done()). */
static FILE *open_text(bp_text_reader *R, const char *text, bp_error *err)
{
    FILE *f = tmpfile();
    if (!f) return NULL;
    fputs(text, f);
    rewind(f);
    bp_text_init(R, f, "t.txt", "test file", err);
    return f;
}

static void done(bp_text_reader *R, FILE *f)
{
    bp_text_free(R);
    if (f) fclose(f);
}

static void test_lines_and_tokens(void)
{
    bp_text_reader R;
    bp_error err;
    const char *text = "alpha 12 \"a \\\"b\\\"\\x41\"\n\n  - last\r\n";
    FILE *f = open_text(&R, text, &err);
    CHECK(f != NULL);
    if (!f) return;
    CHECK(R.size_known && R.size == strlen(text));
    int eof, found;
    bp_text_token t;
    CHECK(bp_text_next_line(&R, &eof) == BP_OK && !eof);
    CHECK(bp_text_need_token(&R, "word", &t) == BP_OK && bp_text_is_word(&t, "alpha"));
    size_t n = 0;
    CHECK(bp_text_read_size(&R, "count", 1, 20, &n) == BP_OK);
    CHECK_EQ_INT(n, 12);
    const char *s;
    size_t len;
    CHECK(bp_text_read_string(&R, "name", 0, &s, &len) == BP_OK);
    CHECK_STR(s, "a \"b\"A");
    CHECK(bp_text_expect_line_end(&R) == BP_OK);
    /* across the empty line; the CR of a CRLF end is not part of a token */
    CHECK(bp_text_next_word(&R, &t, &found) == BP_OK && found && bp_text_is_word(&t, "-"));
    CHECK_EQ_INT(R.line_no, 3);
    CHECK(bp_text_next_word(&R, &t, &found) == BP_OK && found && bp_text_is_word(&t, "last"));
    CHECK(bp_text_next_word(&R, &t, &found) == BP_OK && !found);
    done(&R, f);
}

static void test_errors_name_file_and_line(void)
{
    bp_text_reader R;
    bp_error err;
    FILE *f = open_text(&R, "ok\n99999999999999999999999 x\nnot-ended", &err);
    if (!f) return;
    R.context = "damaged test: ";
    int eof;
    size_t n;
    CHECK(bp_text_next_line(&R, &eof) == BP_OK);
    CHECK(bp_text_read_size(&R, "count", 0, 10, &n) == BP_ERR_DATA);
    CHECK_STR(err.message, "t.txt:1: damaged test: count 'ok' is not a whole number");
    CHECK(bp_text_next_line(&R, &eof) == BP_OK);
    CHECK(bp_text_read_size(&R, "count", 0, (size_t)-1, &n) == BP_ERR_DATA);
    CHECK(strstr(err.message, "t.txt:2: damaged test: count 99999999999999999999999 is out of range") != NULL);
    CHECK(bp_text_expect_line_end(&R) == BP_ERR_DATA);
    CHECK_STR(err.message, "t.txt:2: damaged test: unexpected 'x' at the end of the line");
    CHECK(bp_text_next_line(&R, &eof) == BP_ERR_DATA);
    CHECK_STR(err.message, "t.txt:3: damaged test: the last line has no end (truncated file?)");
    done(&R, f);

    f = open_text(&R, "a\001b\n", &err);
    if (!f) return;
    CHECK(bp_text_next_line(&R, &eof) == BP_ERR_DATA);
    CHECK_STR(err.message, "t.txt:1: control byte 0x01 at column 2 (binary data?)");
    done(&R, f);

    f = open_text(&R, "\"open\n", &err);
    if (!f) return;
    bp_text_token t;
    CHECK(bp_text_next_line(&R, &eof) == BP_OK);
    CHECK(bp_text_need_token(&R, "name", &t) == BP_ERR_DATA);
    CHECK_STR(err.message, "t.txt:1: unterminated string");
    done(&R, f);
}

static void test_parse_size(void)
{
    char text[32];
    bp_text_token t = {text, 0, 0};
    size_t v = 0;
    strcpy(text, "18446744073709551615");
    t.len = strlen(text);
    CHECK_EQ_INT(bp_text_parse_size(&t, (size_t)-1, &v), sizeof(size_t) == 8 ? 0 : 1);
    strcpy(text, "18446744073709551616");
    CHECK_EQ_INT(bp_text_parse_size(&t, (size_t)-1, &v), 1);
    strcpy(text, "1e3");
    t.len = strlen(text);
    CHECK_EQ_INT(bp_text_parse_size(&t, 5000, &v), -1);
    t.quoted = 1;
    strcpy(text, "7");
    t.len = 1;
    CHECK_EQ_INT(bp_text_parse_size(&t, 10, &v), -1);
}

int main(void)
{
    RUN(test_lines_and_tokens);
    RUN(test_errors_name_file_and_line);
    RUN(test_parse_size);
    return harness_finish();
}
