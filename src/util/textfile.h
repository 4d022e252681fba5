/* Reading the library's own text files (model files, checkpoints): lines
 * with their numbers, blank-separated tokens and quoted strings, whole
 * numbers, and errors that say FILE:LINE: what. The files are hostile
 * input: a line is at most BP_MAX_LINE bytes, a string BP_MAX_STRING, only
 * text bytes are accepted, and the last line must end (a cut file is
 * refused, not half read). What the tokens mean is the format's business. */
#ifndef BP_TEXTFILE_H
#define BP_TEXTFILE_H

#include "util/error.h"

#include <stdio.h>

typedef struct bp_text_reader {
    FILE *f;
    const char *path;
    const char *kind;      /* "model file": names the line buffer when out of memory */
    const char *context;   /* put before every message: "" or "damaged checkpoint: " */
    bp_error *err;
    size_t line_no;        /* of the current line, 1-based */
    char *buf;             /* the current line, NUL-terminated */
    size_t cap;
    char *cursor;          /* the rest of the line; NULL before the first */
    int size_known;        /* a regular file, of `size` bytes */
    int is_directory;
    unsigned long long size;
} bp_text_reader;

typedef struct bp_text_token {
    char *text;            /* NUL-terminated, inside the line buffer */
    size_t len;
    int quoted;            /* a "string", unescaped */
} bp_text_token;

/* Starts reading an open file (the reader does not close it). */
void bp_text_init(bp_text_reader *R, FILE *f, const char *path, const char *kind, bp_error *err);
/* Frees the line buffer. */
void bp_text_free(bp_text_reader *R);

/* BP_ERR_DATA: "PATH:LINE: CONTEXTwhat". */
bp_status bp_text_fail(bp_text_reader *R, const char *fmt, ...) BP_PRINTF(2, 3);

/* Reads the next line; *eof when there is none. */
bp_status bp_text_next_line(bp_text_reader *R, int *eof);
/* The next token of the line, or *found = 0 at its end. */
bp_status bp_text_next_token(bp_text_reader *R, bp_text_token *t, int *found);
/* The next token, reading on over line ends; *found = 0 at the file's end. */
bp_status bp_text_next_word(bp_text_reader *R, bp_text_token *t, int *found);
/* The next token of the line, or "missing WHAT". */
bp_status bp_text_need_token(bp_text_reader *R, const char *what, bp_text_token *t);
/* Nothing more on the line. */
bp_status bp_text_expect_line_end(bp_text_reader *R);
/* An unquoted token that is exactly word. */
int bp_text_is_word(const bp_text_token *t, const char *word);

/* The token as a whole number in [0, max]: 0, or -1 when it is not one
 * (only digits make one), 1 when it is over max. */
int bp_text_parse_size(const bp_text_token *t, size_t max, size_t *out);
/* The next token as a whole number in [min, max], errors naming what. */
bp_status bp_text_read_size(bp_text_reader *R, const char *what, size_t min, size_t max, size_t *out);
/* The next token as a quoted, non-empty string; "-" for none when
 * absent_ok (then *out is NULL). */
bp_status bp_text_read_string(bp_text_reader *R, const char *what, int absent_ok, const char **out,
                              size_t *len);

/* Every counted item takes at least two bytes of the file, so a count the
 * file cannot hold is refused before anything is allocated for it. */
bp_status bp_text_check_fits(bp_text_reader *R, const char *what, size_t count);
/* The next line, which must start with keyword: item `index` of `count`. */
bp_status bp_text_item_line(bp_text_reader *R, const char *keyword, size_t index, size_t count);

#endif
