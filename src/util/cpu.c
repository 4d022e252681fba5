/* Run-time detection of the SIMD level (util/cpu.h). */
#include "util/cpu.h"

/* The SIMD paths exist on x86-64 only; BP_NO_SIMD leaves just the portable
 * one (as on other architectures), e.g. to test that build. */
#if defined(__x86_64__) && !defined(BP_NO_SIMD)
#define BP_X86_SIMD 1
#endif

bp_isa bp_cpu_isa(void)
{
#if defined(BP_X86_SIMD)
    /* The builtins also check that the OS saves the wide registers. */
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx2") &&
        __builtin_cpu_supports("fma"))
        return BP_ISA_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        return BP_ISA_AVX2;
#endif
    return BP_ISA_PORTABLE;
}

const char *bp_isa_name(bp_isa isa)
{
    switch (isa) {
    case BP_ISA_PORTABLE: return "portable";
    case BP_ISA_AVX2: return "avx2";
    case BP_ISA_AVX512: return "avx512";
    }
    return "unknown";
}
