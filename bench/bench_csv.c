/* CSV reading throughput: MB/s of a scan that parses every field as a number,
 * and the peak resident memory (which must not grow with the file).
 *
 * Build and run from the repository root:
 *
 *   cc -std=c11 -O2 -ffp-contract=off -D_POSIX_C_SOURCE=200809L \
 *      -Iinclude -Isrc bench/bench_csv.c src/data/csv.c src/util/error.c -lm -o bench_csv
 *   ./bench_csv [megabytes] [path]
 *
 * Generates a numeric CSV file of about `megabytes` MB (default 200) at `path`
 * (default $TMPDIR or /tmp, file bench_csv.csv): rows of random doubles
 * written with 17 significant digits, short decimals and 8-digit integers.
 * Then times detection, and the best of three full scans with
 * bp_csv_parse_number on every field. The file is removed afterwards
 * unless BENCH_CSV_KEEP is set in the environment.
 */
#include "data/csv.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define COLUMNS 10
#define SCANS 3

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double peak_rss_mib(void)
{
    struct rusage usage;
    if (getrusage(RUSAGE_SELF, &usage) != 0) return -1.0;
    return (double)usage.ru_maxrss / 1024.0; /* kilobytes on Linux */
}

static uint64_t next_random(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *state = x;
}

/* Columns 0-3: doubles in [-1000, 1000) with 17 digits; 4-6: decimals with
   four places; 7-9: 8-digit integers. Returns the bytes written, 0 on error. */
static size_t generate(const char *path, size_t target_bytes)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        return 0;
    }
    uint64_t state = 0x2545F4914F6CDD1Du;
    size_t written = 0;
    char line[512];
    while (written < target_bytes) {
        size_t n = 0;
        for (int c = 0; c < COLUMNS; c++) {
            uint64_t r = next_random(&state);
            const char *sep = c + 1 < COLUMNS ? "," : "\n";
            if (c < 4) {
                double v = ((double)(r >> 11) * 0x1.0p-53 - 0.5) * 2000.0;
                n += (size_t)snprintf(line + n, sizeof line - n, "%.17g%s", v, sep);
            } else if (c < 7) {
                n += (size_t)snprintf(line + n, sizeof line - n, "%.4f%s",
                                      (double)(r % 10000000) / 1000.0, sep);
            } else {
                n += (size_t)snprintf(line + n, sizeof line - n, "%llu%s",
                                      (unsigned long long)(10000000 + r % 90000000), sep);
            }
        }
        if (fwrite(line, 1, n, f) != n) break;
        written += n;
    }
    if (fclose(f) != 0 || written < target_bytes) {
        perror(path);
        return 0;
    }
    return written;
}

typedef struct totals {
    size_t records, fields, numbers;
    double sum;
} totals;

static bp_status parse_every_field(void *ctx, size_t record_index, const bp_csv_field *fields,
                                   size_t n_fields, bp_error *err)
{
    (void)record_index, (void)err;
    totals *t = ctx;
    for (size_t i = 0; i < n_fields; i++) {
        double v;
        if (bp_csv_parse_number(fields[i].text, fields[i].len, &v)) {
            t->numbers++;
            t->sum += v;
        }
    }
    t->records++;
    t->fields += n_fields;
    return BP_OK;
}

int main(int argc, char **argv)
{
    double megabytes = argc > 1 ? atof(argv[1]) : 200.0;
    char default_path[512];
    const char *dir = getenv("TMPDIR");
    snprintf(default_path, sizeof default_path, "%s/bench_csv.csv", dir && *dir ? dir : "/tmp");
    const char *path = argc > 2 ? argv[2] : default_path;
    if (!(megabytes > 0)) {
        fprintf(stderr, "usage: bench_csv [megabytes] [path]\n");
        return 2;
    }

    double t0 = now_seconds();
    size_t bytes = generate(path, (size_t)(megabytes * 1e6));
    if (!bytes) return 1;
    printf("generated %s: %.1f MB in %.1f s\n", path, (double)bytes / 1e6, now_seconds() - t0);
    double rss_before = peak_rss_mib();

    bp_error err;
    bp_csv_reader *reader;
    if (bp_csv_open(&reader, path, &err) != BP_OK) {
        fprintf(stderr, "bench_csv: %s\n", err.message);
        return 1;
    }
    bp_csv_dialect dialect = {0, -1};
    t0 = now_seconds();
    bp_status status = bp_csv_detect(reader, &dialect, &err);
    double detect_seconds = now_seconds() - t0;
    double best = 0.0;
    totals t;
    for (int run = 0; run < SCANS && status == BP_OK; run++) {
        memset(&t, 0, sizeof t);
        t0 = now_seconds();
        status = bp_csv_scan(reader, &dialect, parse_every_field, &t, &err);
        double seconds = now_seconds() - t0;
        if (run == 0 || seconds < best) best = seconds;
    }
    bp_csv_close(reader);
    if (!getenv("BENCH_CSV_KEEP")) remove(path);
    if (status != BP_OK) {
        fprintf(stderr, "bench_csv: %s\n", err.message);
        return 1;
    }
    printf("detect: delimiter '%c', header %d, %.2f ms\n", dialect.delimiter, dialect.header,
           1e3 * detect_seconds);
    printf("scan + parse: %zu records, %zu fields (%zu numbers, sum %.6g)\n", t.records,
           t.fields, t.numbers, t.sum);
    printf("scan + parse: %.3f s, %.0f MB/s (best of %d)\n", best, (double)bytes / 1e6 / best,
           SCANS);
    printf("peak RSS: %.1f MiB (%.1f MiB before opening the file)\n", peak_rss_mib(),
           rss_before);
    return 0;
}
