/* Allocation-failure injection for the backprop command, as SQLite's
 * out-of-memory tests do it: linked into a test build of the command with
 *
 *   -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,
 *   -Wl,--wrap=strndup,--wrap=aligned_alloc
 *
 * so that every allocation the library and the command make goes through a
 * counter here (allocations inside the C library itself are not counted).
 *
 *   BP_ALLOC_FAIL=K      the K-th allocation (1-based) fails, the others do not
 *   BP_ALLOC_PERSIST=1   ... and so does every allocation after it
 *   BP_ALLOC_COUNT=FILE  at exit, write the number of allocations made to FILE
 *   BP_ALLOC_TRACE=1     print a stack trace at the failing allocation (in a
 *                        sanitizer build)
 *
 * tests/alloc.sh runs a command once to count its allocations, then once for
 * every K and checks that each run fails cleanly.
 *
 * The counter is the one piece of global mutable state in the project: it
 * stands for the allocator's own, and only test builds have it.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// The linker's --wrap dictates these reserved names.
// NOLINTBEGIN(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp)
void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__real_aligned_alloc(size_t alignment, size_t size);

void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);
void *__wrap_aligned_alloc(size_t alignment, size_t size);

/* Present in sanitizer builds only. */
extern void __sanitizer_print_stack_trace(void) __attribute__((weak));

typedef struct injection {
    atomic_ulong calls;
    atomic_int configured;
    unsigned long fail_at; /* 0: never */
    int persist, trace;
    const char *count_file;
} injection;

static injection inj;

static unsigned long env_number(const char *name)
{
    const char *v = getenv(name);
    return v ? strtoul(v, NULL, 10) : 0;
}

static void write_count(void)
{
    FILE *f = fopen(inj.count_file, "w");
    if (!f) return;
    fprintf(f, "%lu\n", (unsigned long)atomic_load(&inj.calls));
    fclose(f);
}

/* Read once, at the first allocation: the command allocates in its main
 * thread before it starts any other. */
static void configure(void)
{
    if (atomic_load(&inj.configured)) return;
    inj.fail_at = env_number("BP_ALLOC_FAIL");
    inj.persist = env_number("BP_ALLOC_PERSIST") != 0;
    inj.trace = env_number("BP_ALLOC_TRACE") != 0;
    inj.count_file = getenv("BP_ALLOC_COUNT");
    atomic_store(&inj.configured, 1);
    if (inj.count_file) atexit(write_count);
}

/* Counts an allocation; nonzero when this one must fail. */
static int should_fail(void)
{
    configure();
    unsigned long k = atomic_fetch_add(&inj.calls, 1) + 1;
    if (inj.fail_at == 0 || k < inj.fail_at || (k > inj.fail_at && !inj.persist)) return 0;
    if (inj.trace && k == inj.fail_at) {
        fprintf(stderr, "alloc-fail: failing allocation %lu\n", k);
        if (__sanitizer_print_stack_trace) __sanitizer_print_stack_trace();
    }
    errno = ENOMEM; /* as the real allocator does */
    return 1;
}

void *__wrap_malloc(size_t size) { return should_fail() ? NULL : __real_malloc(size); }

void *__wrap_calloc(size_t n, size_t size) { return should_fail() ? NULL : __real_calloc(n, size); }

void *__wrap_realloc(void *p, size_t size) { return should_fail() ? NULL : __real_realloc(p, size); }

char *__wrap_strdup(const char *s) { return should_fail() ? NULL : __real_strdup(s); }

char *__wrap_strndup(const char *s, size_t n) { return should_fail() ? NULL : __real_strndup(s, n); }

void *__wrap_aligned_alloc(size_t alignment, size_t size)
{
    return should_fail() ? NULL : __real_aligned_alloc(alignment, size);
}
// NOLINTEND(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp)
