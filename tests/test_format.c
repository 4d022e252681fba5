#include "backprop.h"
#include "harness.h"

static void check_repr(double x, const char *expected)
{
    char buf[64];
    bp_format_double(buf, sizeof buf, x);
    CHECK_STR(buf, expected);
}

/* Expected strings are what CPython's repr() prints. */
static void test_python_repr(void)
{
    check_repr(92.85714285714286, "92.85714285714286");
    check_repr(100.0, "100.0");
    check_repr(0.0, "0.0");
    check_repr(-0.0, "-0.0");
    check_repr(1.5, "1.5");
    check_repr(0.1, "0.1");
    check_repr(1e-05, "1e-05");
    check_repr(0.0001, "0.0001");
    check_repr(1e16, "1e+16");
    check_repr(1234567890123456.0, "1234567890123456.0");
    check_repr(1.5e-7, "1.5e-07");
    check_repr(-2.5e100, "-2.5e+100");
    check_repr(0.13436424411240122, "0.13436424411240122");
    check_repr(5e-324, "5e-324");
    check_repr(1.7976931348623157e308, "1.7976931348623157e+308");
    check_repr(123.0, "123.0");
    check_repr(1.0 / 0.0, "inf");
}

static void test_truncates_safely(void)
{
    char buf[4];
    size_t n = bp_format_double(buf, sizeof buf, 92.85714285714286);
    CHECK_EQ_INT(n, 17);
    CHECK_STR(buf, "92.");
}

int main(void)
{
    RUN(test_python_repr);
    RUN(test_truncates_safely);
    return harness_finish();
}
