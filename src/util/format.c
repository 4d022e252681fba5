/* Python-compatible float repr: the shortest digit string that round-trips,
 * laid out as Python does (fixed notation for exponents -4..15, with ".0"
 * for integral values; scientific "1e+16" / "1.5e-05" outside). */
#include "backprop.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Shortest significant digits of x (no dot) and its decimal exponent, such
 * that x == 0.DIGITS * 10^(exp10). */
static void shortest_digits(double x, char *digits, int *decimal_point)
{
    char tmp[40];
    for (int precision = 1; precision <= 17; precision++) {
        snprintf(tmp, sizeof tmp, "%.*e", precision - 1, x);
        if (strtod(tmp, NULL) == x) break;
    }
    /* tmp is "d.ddddde[+-]XX" */
    char *e = strchr(tmp, 'e');
    int exponent = atoi(e + 1);
    size_t n = 0;
    for (char *p = tmp; p < e; p++)
        if (*p >= '0' && *p <= '9') digits[n++] = *p;
    while (n > 1 && digits[n - 1] == '0') n--;
    digits[n] = '\0';
    *decimal_point = exponent + 1;
}

static size_t put(char *buf, size_t size, size_t pos, char c)
{
    if (pos + 1 < size) buf[pos] = c;
    return pos + 1;
}

static size_t fixed_notation(char *buf, size_t size, size_t pos, const char *digits, int point)
{
    int n = (int)strlen(digits);
    if (point <= 0) {
        pos = put(buf, size, pos, '0');
        pos = put(buf, size, pos, '.');
        for (int i = 0; i < -point; i++) pos = put(buf, size, pos, '0');
        for (int i = 0; i < n; i++) pos = put(buf, size, pos, digits[i]);
        return pos;
    }
    for (int i = 0; i < point; i++) pos = put(buf, size, pos, i < n ? digits[i] : '0');
    pos = put(buf, size, pos, '.');
    if (n <= point) return put(buf, size, pos, '0');
    for (int i = point; i < n; i++) pos = put(buf, size, pos, digits[i]);
    return pos;
}

static size_t scientific_notation(char *buf, size_t size, size_t pos, const char *digits, int point)
{
    int n = (int)strlen(digits);
    pos = put(buf, size, pos, digits[0]);
    if (n > 1) {
        pos = put(buf, size, pos, '.');
        for (int i = 1; i < n; i++) pos = put(buf, size, pos, digits[i]);
    }
    char exp[16];
    snprintf(exp, sizeof exp, "e%c%02d", point - 1 < 0 ? '-' : '+', abs(point - 1));
    for (char *p = exp; *p; p++) pos = put(buf, size, pos, *p);
    return pos;
}

size_t bp_format_double(char *buf, size_t size, double x)
{
    size_t pos = 0;
    if (isnan(x)) return (size_t)snprintf(buf, size, "nan");
    if (isinf(x)) return (size_t)snprintf(buf, size, x < 0 ? "-inf" : "inf");
    if (signbit(x)) pos = put(buf, size, pos, '-');
    x = fabs(x);
    if (x == 0) {
        pos = put(buf, size, pos, '0');
        pos = put(buf, size, pos, '.');
        pos = put(buf, size, pos, '0');
    } else {
        char digits[24];
        int point;
        shortest_digits(x, digits, &point);
        if (point > -4 && point <= 16)
            pos = fixed_notation(buf, size, pos, digits, point);
        else
            pos = scientific_notation(buf, size, pos, digits, point);
    }
    if (size) buf[pos < size ? pos : size - 1] = '\0';
    return pos;
}
