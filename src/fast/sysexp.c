/* Finding the system exp()'s core routine (see sysexp.h). */
#if defined(__linux__) && !defined(_GNU_SOURCE)
/* dlvsym is a GNU extension: this is the one file that asks for them. */
#define _GNU_SOURCE // NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp)
#endif
#include "fast/sysexp.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#if defined(__GLIBC__) && defined(__x86_64__) && \
    (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
#define BP_HAVE_EXP_CORE 1 /* dlvsym is in libc itself from glibc 2.34 */
#include <dlfcn.h>
#endif

#if defined(BP_HAVE_EXP_CORE)
/* Whether f gives exp()'s own values: a guard against a library whose
 * routine of that name is something else, not a proof. */
static int agrees_with_exp(bp_exp_fn f)
{
    static const double probes[] = {0.0, 1.0, -1.0, 0.5, -3.75, 1e-9, 20.125, -700.5, 709.0};
    for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
        double want = exp(probes[i]), got = f(probes[i]);
        uint64_t want_bits, got_bits; /* the same bits, not just equal values */
        memcpy(&want_bits, &want, sizeof want_bits);
        memcpy(&got_bits, &got, sizeof got_bits);
        if (want_bits != got_bits) return 0;
    }
    return 1;
}
#endif

bp_exp_fn bp_system_exp(void)
{
#if defined(BP_HAVE_EXP_CORE)
    void *sym = dlvsym(RTLD_DEFAULT, "__exp_finite", "GLIBC_2.15");
    if (sym) {
        bp_exp_fn f;
        memcpy(&f, &sym, sizeof f); /* POSIX: a symbol's address converts to a function pointer */
        if (agrees_with_exp(f)) return f;
    }
#endif
    return exp;
}
