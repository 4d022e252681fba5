/* The instruction sets the wide code paths are compiled for, and which one
 * this CPU runs (internal). On the ground floor because the element-wise
 * activation loops (core) and the matrix kernels (fast) both dispatch on
 * it. */
#ifndef BP_CPU_H
#define BP_CPU_H

typedef enum bp_isa { BP_ISA_PORTABLE, BP_ISA_AVX2, BP_ISA_AVX512 } bp_isa;

/* The best code path this CPU (and OS) supports, detected at run time. */
bp_isa bp_cpu_isa(void);

/* "portable", "avx2" or "avx512". */
const char *bp_isa_name(bp_isa isa);

#endif
