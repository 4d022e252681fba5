/* A small streaming JSON writer for the command's machine-readable output
 * (docs/json.md) and the data embedded in HTML reports. */
#ifndef BP_CLI_JSON_H
#define BP_CLI_JSON_H

#include "backprop.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Deeper nesting than any document of ours needs; beyond it the writer
 * records an error instead of writing. */
#define CLI_JSON_MAX_DEPTH 16

typedef struct cli_json {
    FILE *f;
    int html_safe;   /* also escape < > & U+2028 U+2029: the text can sit inside <script> */
    size_t depth;
    unsigned char empty[CLI_JSON_MAX_DEPTH];   /* nothing written in this container yet */
    unsigned char one_line[CLI_JSON_MAX_DEPTH]; /* this container is written on one line */
    unsigned char is_array[CLI_JSON_MAX_DEPTH];
    int started;     /* the top-level value has begun */
    int misuse;      /* too deep, unbalanced, or a key where none belongs */
} cli_json;

/* Starts a document on f; values are indented by two spaces per level. */
void cli_json_init(cli_json *j, FILE *f, int html_safe);
/* Every value takes a key inside an object and NULL inside an array or at
 * the top level. */
void cli_json_object(cli_json *j, const char *key);
void cli_json_array(cli_json *j, const char *key);
/* An array, or an object, written on one line (for short lists). */
void cli_json_row(cli_json *j, const char *key);
void cli_json_record(cli_json *j, const char *key);
/* Ends the innermost object or array. */
void cli_json_end(cli_json *j);
/* A string (NULL writes null); bytes that are not UTF-8 become U+FFFD. */
void cli_json_string(cli_json *j, const char *key, const char *value);
/* A number in the shortest form that reads back exactly; NaN and the
 * infinities, which JSON cannot hold, become null. */
void cli_json_number(cli_json *j, const char *key, double value);
/* A value of the library's scalar type: in a float build, with the nine
 * digits that read back to the same float (as predict's CSV output). */
void cli_json_real(cli_json *j, const char *key, bp_real value);
void cli_json_size(cli_json *j, const char *key, size_t value);
void cli_json_bool(cli_json *j, const char *key, int value);
void cli_json_null(cli_json *j, const char *key);
/* Ends the document with a newline; 0 when it was used wrongly. */
int cli_json_finish(cli_json *j);

/* Decodes one UTF-8 character at s (which is not at its terminating NUL):
 * stores the code point, or U+FFFD for a byte that does not start a valid,
 * shortest-form sequence, and returns the bytes consumed (at least 1). */
size_t cli_utf8_next(const char *s, uint32_t *code_point);

#endif
