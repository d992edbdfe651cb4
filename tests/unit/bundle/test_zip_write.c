/* The zip writer: order, names, methods, fixed times and attributes,
 * fetched photos checked against their hash, AES entries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/files.h"
#include "bundle/bundle.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

static char dir[] = "/tmp/gp-bundle-XXXXXX";
static char *zip_path;
static const char photo_bytes[] = "\xff\xd8 not really a jpeg, but bytes to archive \xff\xd9";

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(dir))
        return -1;
    zip_path = gpi_path_join(dir, "out.zip");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(zip_path);
    free(zip_path);
    return rmdir(dir);
}

/* A photo's bytes, as pack's pipeline or merge would hand them over;
 * *fetch_calls counts the calls. */
static bool fetch_photo(void *context, unsigned char **data, size_t *size)
{
    int *fetch_calls = context;
    ++*fetch_calls;
    *data = malloc(sizeof photo_bytes - 1);
    if (!*data)
        return false;
    memcpy(*data, photo_bytes, sizeof photo_bytes - 1);
    *size = sizeof photo_bytes - 1;
    return true;
}

static bool fetch_fails(void *context, unsigned char **data, size_t *size)
{
    (void)context;
    *data = NULL;
    *size = 0;
    return false;
}

static int fetch_calls;

static void make_items(gpi_zip_item items[3])
{
    static const char json[] = "{\"format\": \"gradpack-bundle\"}\n";
    static const char manifest[] = "abc  bundle.json\n";
    items[0] = (gpi_zip_item){.name = "bundle.json", .data = json, .len = sizeof json - 1};
    items[1] = (gpi_zip_item){.name = "photos/0001.jpg", .fetch = fetch_photo,
                             .fetch_context = &fetch_calls, .len = sizeof photo_bytes - 1,
                             .check_sha256 = true, .store = true};
    gpi_sha256(photo_bytes, sizeof photo_bytes - 1, items[1].sha256);
    items[2] = (gpi_zip_item){.name = "MANIFEST.sha256", .data = manifest, .len = sizeof manifest - 1};
}

static unsigned char *slurp(const char *path, size_t *len)
{
    unsigned char *data;
    gp_error err = {0};
    assert_true(gpi_read_file(path, 1 << 20, &data, len, &err));
    return data;
}

static void test_layout_and_fixed_metadata(void **state)
{
    (void)state;
    setenv("SOURCE_DATE_EPOCH", "1609459200", 1); /* 2021-01-01 00:00:00 UTC */
    FILE *f = fopen(zip_path, "wb"); /* the caller's temp file exists already */
    fclose(f);
    gpi_zip_item items[3];
    make_items(items);
    gp_error err = {0};
    fetch_calls = 0;
    assert_true(gpi_bundle_write(zip_path, "B-1", items, 3, NULL, &err));
    assert_false(items[1].changed);
    assert_int_equal(fetch_calls, 1); /* fetched once, when archived */

    int zerr;
    zip_t *za = zip_open(zip_path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
    assert_non_null(za);
    assert_int_equal(zip_get_num_entries(za, 0), 3);
    const char *want[] = {"B-1/bundle.json", "B-1/photos/0001.jpg", "B-1/MANIFEST.sha256"};
    for (zip_uint64_t i = 0; i < 3; i++) {
        zip_stat_t st;
        assert_int_equal(zip_stat_index(za, i, 0, &st), 0);
        assert_string_equal(st.name, want[i]);
        assert_int_equal(st.comp_method, i == 1 ? ZIP_CM_STORE : ZIP_CM_DEFLATE);
        assert_int_equal(st.encryption_method, ZIP_EM_NONE);
        zip_uint8_t opsys;
        zip_uint32_t attr;
        assert_int_equal(zip_file_get_external_attributes(za, i, 0, &opsys, &attr), 0);
        assert_int_equal(opsys, ZIP_OPSYS_UNIX);
        assert_int_equal(attr >> 16, S_IFREG | 0644);
        /* no extra fields at all (no extended timestamps) */
        assert_int_equal(zip_file_extra_fields_count(za, i, ZIP_FL_LOCAL | ZIP_FL_CENTRAL), 0);
    }
    zip_file_t *zf = zip_fopen_index(za, 1, 0);
    char buf[128];
    zip_int64_t got = zip_fread(zf, buf, sizeof buf);
    zip_fclose(zf);
    assert_int_equal(got, sizeof photo_bytes - 1);
    assert_memory_equal(buf, photo_bytes, sizeof photo_bytes - 1);
    zip_close(za);

    /* DOS time and date in the first local header, UTC: 2021-01-01 00:00 */
    size_t len;
    unsigned char *raw = slurp(zip_path, &len);
    assert_int_equal(raw[10] | raw[11] << 8, 0);
    assert_int_equal(raw[12] | raw[13] << 8, (2021 - 1980) << 9 | 1 << 5 | 1);
    free(raw);
    unsetenv("SOURCE_DATE_EPOCH");
}

static void test_reproducible_bytes(void **state)
{
    (void)state;
    gpi_zip_item items[3];
    gp_error err = {0};
    size_t len1, len2;
    make_items(items);
    assert_true(gpi_bundle_write(zip_path, "B", items, 3, NULL, &err));
    unsigned char *first = slurp(zip_path, &len1);
    make_items(items);
    assert_true(gpi_bundle_write(zip_path, "B", items, 3, NULL, &err));
    unsigned char *second = slurp(zip_path, &len2);
    assert_int_equal(len1, len2);
    assert_memory_equal(first, second, len1);
    free(first);
    free(second);
}

static void test_changed_photo_fails(void **state)
{
    (void)state;
    gpi_zip_item items[3];
    make_items(items);
    items[1].sha256[0] ^= 1; /* check saw different bytes */
    gp_error err = {0};
    assert_false(gpi_bundle_write(zip_path, "B", items, 3, NULL, &err));
    assert_true(items[1].changed);
    assert_false(items[0].changed);
    assert_int_equal(err.status, GP_ERR_WRITE);

    make_items(items);
    items[1].len -= 1; /* more bytes than expected */
    gp_error_clear(&err);
    assert_false(gpi_bundle_write(zip_path, "B", items, 3, NULL, &err));
    assert_true(items[1].changed);
}

static void test_missing_photo_fails_without_changed(void **state)
{
    (void)state;
    gpi_zip_item items[3];
    make_items(items);
    items[1].fetch = fetch_fails; /* e.g. the photo could not be read */
    gp_error err = {0};
    assert_false(gpi_bundle_write(zip_path, "B", items, 3, NULL, &err));
    assert_false(items[1].changed);
    assert_int_equal(err.status, GP_ERR_WRITE);
}

static void test_aes_entries(void **state)
{
    (void)state;
    gpi_zip_item items[3];
    make_items(items);
    gp_error err = {0};
    assert_true(gpi_bundle_write(zip_path, "B", items, 3, "Secret-Pass-2345", &err));
    int zerr;
    zip_t *za = zip_open(zip_path, ZIP_RDONLY, &zerr);
    assert_non_null(za);
    for (zip_uint64_t i = 0; i < 3; i++) {
        zip_stat_t st;
        zip_stat_index(za, i, 0, &st);
        assert_int_equal(st.encryption_method, ZIP_EM_AES_256);
    }
    assert_null(zip_fopen_index(za, 1, 0));
    zip_file_t *zf = zip_fopen_index_encrypted(za, 1, 0, "Secret-Pass-2345");
    assert_non_null(zf);
    char buf[128];
    assert_int_equal(zip_fread(zf, buf, sizeof buf), sizeof photo_bytes - 1);
    assert_memory_equal(buf, photo_bytes, sizeof photo_bytes - 1);
    zip_fclose(zf);
    zip_close(za);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout_and_fixed_metadata),
        cmocka_unit_test(test_reproducible_bytes),
        cmocka_unit_test(test_changed_photo_fails),
        cmocka_unit_test(test_missing_photo_fails_without_changed),
        cmocka_unit_test(test_aes_entries),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
