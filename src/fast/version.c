/* What this build of the library is made of and what it will use on this
 * machine: for `backprop --version` and for bug reports, since results of
 * wide kernels depend on the SIMD level and speed on all of these. */
#include "backprop.h"

#include "fast/kernels.h"
#include "fast/threads.h"

#include <unistd.h>

/* Cores a thread pool of "all cores" would use (threads.c's rule). */
static size_t online_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1) return 1;
    if ((unsigned long)n > BP_MAX_THREADS) return BP_MAX_THREADS;
    return (size_t)n;
}

#define BP_STRING(x) #x
#define BP_EXPAND(x) BP_STRING(x)

static const char *compiler_name(void)
{
#if defined(__clang__)
    return "clang " BP_EXPAND(__clang_major__) "." BP_EXPAND(__clang_minor__) "." BP_EXPAND(
        __clang_patchlevel__);
#elif defined(__GNUC__)
    return "gcc " __VERSION__;
#else
    return "unknown";
#endif
}

void bp_get_build_info(bp_build_info *info)
{
    info->version = BP_VERSION;
    info->real = sizeof(bp_real) == sizeof(float) ? "float" : "double";
    info->simd = bp_isa_name(bp_cpu_isa());
    info->gemm = bp_gemm_backend();
#ifdef BP_USE_CBLAS
    info->blas = "cblas";
#else
    info->blas = "none";
#endif
    info->threads = online_cores();
    info->compiler = compiler_name();
}
