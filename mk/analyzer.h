/* Included before every file that `make lint` gives to clang-tidy (except
 * the ones that define these functions). The analyzer looks at one file at
 * a time, so it cannot see that the error helpers return the status they
 * are given: without that fact every `return bp_error_set(...)` looks as if
 * it might return BP_OK, and each caller's "the out-parameter is set when
 * the call succeeds" idiom turns into a false report of a garbage value or
 * a null pointer. These macros state the fact and nothing more. */
#include "util/error.h"

#define bp_error_set(err, status, ...) (bp_error_set((err), (status), __VA_ARGS__), (status))
#define bp_error_nomem(err, what) (bp_error_nomem((err), (what)), BP_ERR_NOMEM)

#ifdef BP_LINT_CLI
#include "cli.h"
#define cli_usage_error(...) (cli_usage_error(__VA_ARGS__), EXIT_USAGE)
#endif
