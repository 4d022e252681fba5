#include "backprop.h"
#include "harness.h"

#include <stdlib.h>
#include <unistd.h>

/* Writes text to a fresh temporary file; returns its path (static buffer). */
static const char *temp_csv(const char *text)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/bp_test_data_XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0) return NULL;
    size_t len = strlen(text);
    if (write(fd, text, len) != (ssize_t)len) path[0] = '\0';
    close(fd);
    return path;
}

static bp_status load(const char *text, const bp_load_options *o, bp_dataset **ds, bp_error *err)
{
    const char *path = temp_csv(text);
    bp_status st = bp_dataset_load(ds, path, o, err);
    unlink(path);
    return st;
}

static void test_seeds_file(void)
{
    bp_dataset *ds;
    bp_error err;
    CHECK(bp_dataset_load(&ds, "data/wheat-seeds.csv", NULL, &err) == BP_OK);
    CHECK_EQ_INT(bp_dataset_rows(ds), 210);
    CHECK_EQ_INT(bp_dataset_features(ds), 7);
    CHECK_EQ_INT(bp_dataset_classes(ds), 3);
    CHECK_STR(bp_dataset_class_name(ds, 0), "1");
    CHECK_STR(bp_dataset_class_name(ds, 2), "3");
    CHECK_EQ_DBL(bp_dataset_x(ds)[0], (bp_real)15.26);
    CHECK_EQ_INT(bp_dataset_samples(ds).label[209], 2);
    bp_dataset_free(ds);
}

static void test_string_labels_sorted_and_given(void)
{
    bp_dataset *ds;
    bp_error err;
    bp_load_options o;
    bp_load_defaults(&o);
    CHECK(load("1,2,setosa\n3,4,virginica\n5,6,setosa\n7,8,versicolor\n", &o, &ds, &err) == BP_OK);
    CHECK_EQ_INT(bp_dataset_classes(ds), 3);
    CHECK_STR(bp_dataset_class_name(ds, 1), "versicolor");
    CHECK_EQ_INT(bp_dataset_samples(ds).label[1], 2);
    bp_dataset_free(ds);
    o.classes = "virginica,setosa,versicolor";
    CHECK(load("1,2,setosa\n3,4,virginica\n5,6,setosa\n7,8,versicolor\n", &o, &ds, &err) == BP_OK);
    CHECK_EQ_INT(bp_dataset_samples(ds).label[0], 1);
    CHECK_EQ_INT(bp_dataset_samples(ds).label[1], 0);
    bp_dataset_free(ds);
}

static void test_numeric_labels_sort_numerically(void)
{
    bp_dataset *ds;
    bp_error err;
    CHECK(load("1,10\n2,9\n3,100\n", NULL, &ds, &err) == BP_OK);
    CHECK_STR(bp_dataset_class_name(ds, 0), "9");
    CHECK_STR(bp_dataset_class_name(ds, 1), "10");
    CHECK_STR(bp_dataset_class_name(ds, 2), "100");
    bp_dataset_free(ds);
}

static void test_header_target_and_categories(void)
{
    bp_dataset *ds;
    bp_error err;
    bp_load_options o;
    bp_load_defaults(&o);
    o.target = "kind";
    CHECK(load("size,kind,colour\n1.5,a,red\n2.5,b,blue\n3.5,a,red\n", &o, &ds, &err) == BP_OK);
    CHECK_EQ_INT(bp_dataset_features(ds), 3); /* size + one-hot(blue, red) */
    const bp_real *x = bp_dataset_x(ds);
    CHECK_EQ_DBL(x[0], 1.5);
    CHECK_EQ_DBL(x[1], 0.0);
    CHECK_EQ_DBL(x[2], 1.0);
    CHECK_EQ_DBL(x[4], 1.0);
    bp_dataset_free(ds);
}

static void test_errors_name_the_cell(void)
{
    bp_dataset *ds;
    bp_error err;
    CHECK(load("1,2,a\n3,4\n", NULL, &ds, &err) == BP_ERR_DATA);
    CHECK(strstr(err.message, ":2:") && strstr(err.message, "expected 3 fields, found 2"));
    CHECK(load("1,2,a\n3,4,b\n5,oops,a\n", NULL, &ds, &err) == BP_ERR_DATA);
    CHECK(strstr(err.message, ":3: field 2: non-numeric value 'oops'") != NULL);
    CHECK(load("1,2,a\n3,?,b\n", NULL, &ds, &err) == BP_ERR_DATA);
    CHECK(strstr(err.message, ":2: field 2: missing value '?'") != NULL);
    CHECK(load("", NULL, &ds, &err) == BP_ERR_DATA);
    CHECK(strstr(err.message, "no data rows") != NULL);
    CHECK(bp_dataset_load(&ds, "/nonexistent/file.csv", NULL, &err) == BP_ERR_IO);
    CHECK(strstr(err.message, "/nonexistent/file.csv") != NULL);
}

static void test_missing_drop_and_mean(void)
{
    bp_dataset *ds;
    bp_error err;
    bp_load_options o;
    bp_load_defaults(&o);
    o.missing = BP_MISSING_DROP;
    CHECK(load("1,2,a\n3,?,b\n5,6,a\n", &o, &ds, &err) == BP_OK);
    CHECK_EQ_INT(bp_dataset_rows(ds), 2);
    bp_dataset_free(ds);
    o.missing = BP_MISSING_MEAN;
    CHECK(load("1,2,a\n3,NA,b\n5,6,a\n", &o, &ds, &err) == BP_OK);
    CHECK_EQ_INT(bp_dataset_rows(ds), 3);
    CHECK(isnan(bp_dataset_x(ds)[3])); /* filled later by the scaler, from training rows */
    bp_dataset_free(ds);
}

static void test_drop_counts_and_target_policy(void)
{
    bp_dataset *ds;
    bp_error err;
    bp_load_options o;
    bp_load_info info;
    bp_load_defaults(&o);
    const char *text = "a,b,class\n1,2,x\n3,?,y\n5,6,?\n7,8,x\n?,1,y\n";
    o.missing = BP_MISSING_DROP;
    CHECK(load(text, &o, &ds, &err) == BP_OK);
    bp_dataset_load_info(ds, &info);
    CHECK_EQ_INT(info.records, 5);
    CHECK_EQ_INT(info.rows, 2);
    CHECK_EQ_INT(info.dropped, 3);
    CHECK_EQ_INT(info.dropped_target, 1);
    CHECK_EQ_INT(info.missing_cells, 3);
    CHECK_EQ_INT(info.filled, 0);
    CHECK_EQ_INT(info.delimiter, ',');
    CHECK_EQ_INT(info.decimal, '.');
    CHECK_EQ_INT(info.header, 1);
    bp_dataset_free(ds);
    /* Fill the features, drop only the rows without a target. */
    o.missing = BP_MISSING_MEAN;
    o.missing_target = BP_MISSING_TARGET_DROP;
    CHECK(load(text, &o, &ds, &err) == BP_OK);
    bp_dataset_load_info(ds, &info);
    CHECK_EQ_INT(info.rows, 4);
    CHECK_EQ_INT(info.dropped, 1);
    CHECK_EQ_INT(info.dropped_target, 1);
    CHECK_EQ_INT(info.filled, 2);
    CHECK(isnan(bp_dataset_x(ds)[3]));
    CHECK_EQ_DBL(bp_dataset_x(ds)[4], 7.0);
    bp_dataset_free(ds);
    /* Drop rows with missing features, refuse a missing target. */
    o.missing = BP_MISSING_DROP;
    o.missing_target = BP_MISSING_TARGET_ERROR;
    CHECK(load(text, &o, &ds, &err) == BP_ERR_DATA);
    CHECK(strstr(err.message, ":4: field 3 (class): missing target value '?'") != NULL);
    CHECK(strstr(err.message, "--missing-target drop") != NULL);
    /* Mean cannot fill a target: the message names the target's cell. */
    o.missing = BP_MISSING_MEAN;
    o.missing_target = BP_MISSING_TARGET_AUTO;
    CHECK(load(text, &o, &ds, &err) == BP_ERR_DATA);
    CHECK(strstr(err.message, ":4: field 3 (class): missing target value") != NULL);
    CHECK(strstr(err.message, "line 3") == NULL); /* feature cells are not listed */
    CHECK_EQ_INT(bp_missing_target_parse("drop", &o.missing_target, &err), BP_OK);
    CHECK_EQ_INT(o.missing_target, BP_MISSING_TARGET_DROP);
    CHECK_STR(bp_missing_target_name(BP_MISSING_TARGET_AUTO), "auto");
    CHECK_EQ_INT(bp_missing_target_parse("mean", &o.missing_target, &err), BP_ERR_ARG);
}

static void test_missing_error_lists_cells(void)
{
    bp_dataset *ds;
    bp_error err;
    CHECK(load("a,b,c,d,e,f,g,h,i,class\n"
               "1,2,3,4,5,6,7,8,9,x\n"
               "1,2,3,4,5,?,7,8,9,y\n"
               "1,2,3,4,5,,7,8,9,x\n",
               NULL, &ds, &err) == BP_ERR_DATA);
    CHECK(strstr(err.message, ":3: field 6 (f): missing value '?' (2 missing values in 2 rows; "
                              "also line 4 field 6 '')") != NULL);
    CHECK(strstr(err.message, "--missing mean") && strstr(err.message, "--missing drop"));
    /* Without a header: the field alone. */
    CHECK(load("1,2,x\n3,?,y\n", NULL, &ds, &err) == BP_ERR_DATA);
    CHECK(strstr(err.message, ":2: field 2: missing value '?'") != NULL);
}

static void test_decimal_comma_and_quoted_labels(void)
{
    bp_dataset *ds;
    bp_error err;
    bp_load_options o;
    bp_load_info info;
    bp_load_defaults(&o);
    CHECK(load("a;b;label\n7,4;1;'yes'\n6,5;2;'no'\n-0,25;3;'yes'\n", &o, &ds, &err) == BP_OK);
    bp_dataset_load_info(ds, &info);
    CHECK_EQ_INT(info.delimiter, ';');
    CHECK_EQ_INT(info.decimal, ',');
    CHECK_EQ_INT(bp_dataset_features(ds), 2);
    CHECK_EQ_DBL(bp_dataset_x(ds)[0], (bp_real)7.4);
    CHECK_EQ_DBL(bp_dataset_x(ds)[4], (bp_real)-0.25);
    CHECK_STR(bp_dataset_class_name(ds, 1), "yes");
    bp_dataset_free(ds);
    /* A decimal comma past the sampled lines: the error says what to give. */
    char text[2048] = "a;b;label\n";
    for (int i = 0; i < 30; i++) snprintf(text + strlen(text), sizeof text - strlen(text), "%d;1;x\n", i);
    strcat(text, "40,5;1;y\n");
    CHECK(load(text, &o, &ds, &err) == BP_ERR_DATA);
    CHECK(strstr(err.message, ":32: field 1 (a): non-numeric value '40,5' in a numeric column; "
                              "if ',' is the decimal point, give --decimal ,") != NULL);
    o.decimal = ',';
    CHECK(load(text, &o, &ds, &err) == BP_OK);
    CHECK_EQ_DBL(bp_dataset_x(ds)[30 * 2], (bp_real)40.5);
    bp_dataset_free(ds);
    /* Single-quoted numbers are numbers; labels sort numerically. */
    bp_load_defaults(&o);
    CHECK(load("'7.5',1,'10'\n'2',2,'9'\n", &o, &ds, &err) == BP_OK);
    CHECK_EQ_DBL(bp_dataset_x(ds)[0], (bp_real)7.5);
    CHECK_STR(bp_dataset_class_name(ds, 0), "9");
    bp_dataset_free(ds);
}

int main(void)
{
    RUN(test_seeds_file);
    RUN(test_string_labels_sorted_and_given);
    RUN(test_numeric_labels_sort_numerically);
    RUN(test_header_target_and_categories);
    RUN(test_errors_name_the_cell);
    RUN(test_missing_drop_and_mean);
    RUN(test_drop_counts_and_target_policy);
    RUN(test_missing_error_lists_cells);
    RUN(test_decimal_comma_and_quoted_labels);
    return harness_finish();
}
