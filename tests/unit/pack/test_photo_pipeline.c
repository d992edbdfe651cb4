/* The reading pipeline: photos handed over in order with the bytes that
 * were hashed, an unreadable photo reported without blocking the rest, and
 * every photo inspected even when the writer stops early. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "pack/pack_internal.h"
#include "check/check.h"
#include "core/base.h"
#include "core/files.h"
#include "photo/photo.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define COUNT 40

static char dir[] = "/tmp/gp-pipeline-XXXXXX";
static gpi_photo_file files[COUNT];

static void contents(size_t i, unsigned char *buf, size_t *len)
{
    *len = 1000 + i * 37;
    for (size_t b = 0; b < *len; b++)
        buf[b] = (unsigned char)(i * 131 + b * 7);
}

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(dir))
        return -1;
    unsigned char buf[4096];
    for (size_t i = 0; i < COUNT; i++) {
        size_t len;
        contents(i, buf, &len);
        snprintf(files[i].seq, sizeof files[i].seq, "%04zu", i + 1);
        files[i].name = gpi_asprintf("%s.jpg", files[i].seq);
        files[i].path = gpi_path_join(dir, files[i].name);
        files[i].size = len;
        FILE *f = fopen(files[i].path, "wb");
        if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0)
            return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT; i++) {
        unlink(files[i].path);
        free(files[i].path);
        free(files[i].name);
    }
    return rmdir(dir);
}

static void test_taken_in_order_with_their_hashes(void **state)
{
    (void)state;
    gpi_photo_result *results = calloc(COUNT, sizeof *results);
    gp_error err = {0};
    gpi_photo_pipeline *p = gpi_photo_pipeline_start(files, results, COUNT, 3, false, &err);
    assert_non_null(p);
    for (size_t i = 0; i < COUNT; i++) {
        unsigned char *data, want[4096], sha[32];
        size_t len, want_len;
        assert_true(gpi_photo_pipeline_take(p, i, &data, &len));
        contents(i, want, &want_len);
        assert_int_equal(len, want_len);
        assert_memory_equal(data, want, len);
        gpi_sha256(want, want_len, sha);
        assert_true(results[i].read_ok);
        assert_int_equal(results[i].size, want_len);
        assert_memory_equal(results[i].sha256, sha, 32);
        assert_false(results[i].info.is_jpeg);
        free(data);
    }
    gpi_photo_pipeline_finish(p);
    free(results);
}

static void test_out_of_order_take_refused(void **state)
{
    (void)state;
    gpi_photo_result *results = calloc(COUNT, sizeof *results);
    gp_error err = {0};
    gpi_photo_pipeline *p = gpi_photo_pipeline_start(files, results, COUNT, 2, false, &err);
    unsigned char *data;
    size_t len;
    assert_false(gpi_photo_pipeline_take(p, 5, &data, &len));
    assert_null(data);
    assert_true(gpi_photo_pipeline_take(p, 0, &data, &len));
    free(data);
    gpi_photo_pipeline_finish(p);
    free(results);
}

static void test_unreadable_photo_does_not_block(void **state)
{
    (void)state;
    gpi_photo_file copy[COUNT];
    memcpy(copy, files, sizeof copy);
    copy[3].path = "/nonexistent/gp-pipeline/0004.jpg";
    gpi_photo_result *results = calloc(COUNT, sizeof *results);
    gp_error err = {0};
    gpi_photo_pipeline *p = gpi_photo_pipeline_start(copy, results, COUNT, 2, false, &err);
    for (size_t i = 0; i < COUNT; i++) {
        unsigned char *data;
        size_t len;
        bool ok = gpi_photo_pipeline_take(p, i, &data, &len);
        assert_int_equal(ok, i != 3);
        assert_int_equal(results[i].read_ok, i != 3);
        free(data);
    }
    gpi_photo_pipeline_finish(p);
    free(results);
}

static void test_stopping_early_still_inspects_all(void **state)
{
    (void)state;
    gpi_photo_result *results = calloc(COUNT, sizeof *results);
    gp_error err = {0};
    gpi_photo_pipeline *p = gpi_photo_pipeline_start(files, results, COUNT, 2, false, &err);
    for (size_t i = 0; i < 5; i++) {
        unsigned char *data;
        size_t len;
        assert_true(gpi_photo_pipeline_take(p, i, &data, &len));
        free(data);
    }
    gpi_photo_pipeline_finish(p); /* the writer gave up after five */
    for (size_t i = 0; i < COUNT; i++) {
        assert_true(results[i].read_ok);
        assert_int_equal(results[i].size, files[i].size);
    }
    free(results);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_taken_in_order_with_their_hashes),
        cmocka_unit_test(test_out_of_order_take_refused),
        cmocka_unit_test(test_unreadable_photo_does_not_block),
        cmocka_unit_test(test_stopping_early_still_inspects_all),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
