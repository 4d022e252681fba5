/* Loading a large numeric CSV into a dataset (the whole bp_dataset_load:
 * dialect detection, three streaming passes, number parsing): MB/s, and the
 * peak resident memory against the size of the parsed numeric matrix.
 *
 * Build and run from the repository root, after `make`:
 *
 *   cc -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -Iinclude bench/bench_load.c build/libbackprop.a -lm -lpthread -o build/bench_load
 *   build/bench_load FILE.csv
 *
 * Make a test file with bench/bench_csv (BENCH_CSV_KEEP=1 keeps it), or any
 * numeric CSV whose last column is the class.
 */
#include "backprop.h"

#include <stdio.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: bench_load FILE.csv\n");
        return 2;
    }
    struct stat st;
    if (stat(argv[1], &st) != 0) {
        perror(argv[1]);
        return 2;
    }
    bp_load_options o;
    bp_load_defaults(&o);
    o.task = BP_TASK_REGRESSION; /* every column numeric: no label table */
    bp_dataset *ds;
    bp_error err;
    double start = now_seconds();
    if (bp_dataset_load(&ds, argv[1], &o, &err) != BP_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    double seconds = now_seconds() - start;
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    double mib = 1024.0 * 1024.0;
    double matrix = (double)bp_dataset_rows(ds) * (double)(bp_dataset_features(ds) + 1) * sizeof(bp_real);
    printf("file %.1f MiB, %zu rows x %zu features + target\n", (double)st.st_size / mib,
           bp_dataset_rows(ds), bp_dataset_features(ds));
    printf("load %.3f s = %.0f MB/s\n", seconds, (double)st.st_size / 1e6 / seconds);
    printf("matrix %.1f MiB, peak RSS %.1f MiB = %.2fx the matrix\n", matrix / mib,
           (double)usage.ru_maxrss / 1024.0, (double)usage.ru_maxrss * 1024.0 / matrix);
    bp_dataset_free(ds);
    return 0;
}
