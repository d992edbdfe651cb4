/* The bundle reader against hostile archives built here with libzip: unsafe
 * names, symlinks, duplicate names, zip bombs, truncated and non-zip files,
 * encryption, and the same rules on an extracted folder. */
#include "core/base.h"
#include "core/files.h"
#include "core/profile.h"
#include "verify/reader.h"

#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zip.h>
#include <cmocka.h>

typedef struct fixture {
    char dir[64];
    gp_report *report;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    strcpy(f->dir, "/tmp/gp-verify-test-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    f->report = gp_report_new("verify");
    *state = f;
    return 0;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static int teardown(void **state)
{
    fixture *f = *state;
    nftw(f->dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
    gp_report_free(f->report);
    free(f);
    return 0;
}

static char *path_in(fixture *f, const char *name)
{
    return gpi_path_join(f->dir, name);
}

/* One entry of a test archive. */
typedef struct spec {
    const char *name;
    const void *data;
    size_t len;
    zip_uint32_t unix_mode;  /* 0 = default attributes */
    bool deflate_fast;
    const char *aes_password;
} spec;

static void write_zip(const char *path, const spec *entries, size_t count)
{
    int code = 0;
    zip_t *za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &code);
    assert_non_null(za);
    for (size_t i = 0; i < count; i++) {
        zip_source_t *src = zip_source_buffer(za, entries[i].data, entries[i].len, 0);
        assert_non_null(src);
        zip_int64_t idx = zip_file_add(za, entries[i].name, src, ZIP_FL_ENC_GUESS);
        assert_true(idx >= 0);
        if (entries[i].unix_mode)
            assert_int_equal(zip_file_set_external_attributes(za, (zip_uint64_t)idx, 0,
                                                              ZIP_OPSYS_UNIX,
                                                              entries[i].unix_mode << 16),
                             0);
        if (entries[i].deflate_fast)
            zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_DEFLATE, 1);
        if (entries[i].aes_password)
            assert_int_equal(zip_file_set_encryption(za, (zip_uint64_t)idx, ZIP_EM_AES_256,
                                                     entries[i].aes_password),
                             0);
    }
    assert_int_equal(zip_close(za), 0);
}

static unsigned char *slurp(const char *path, size_t *len)
{
    unsigned char *data = NULL;
    gp_error err = {0};
    assert_true(gpi_read_file(path, 1u << 30, &data, len, &err));
    return data;
}

static void spit(const char *path, const void *data, size_t len)
{
    FILE *out = fopen(path, "wb");
    assert_non_null(out);
    assert_int_equal(fwrite(data, 1, len, out), len);
    assert_int_equal(fclose(out), 0);
}

static void put_le32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

/* Rewrite the uncompressed size the headers declare for the only entry. */
static void patch_declared_size(const char *path, uint32_t size)
{
    size_t len;
    unsigned char *d = slurp(path, &len);
    assert_memory_equal(d, "PK\3\4", 4);
    put_le32(d + 22, size); /* local header */
    bool central = false;
    for (size_t i = 0; i + 46 <= len; i++)
        if (!memcmp(d + i, "PK\1\2", 4)) {
            put_le32(d + i + 24, size);
            central = true;
        }
    assert_true(central);
    spit(path, d, len);
    free(d);
}

static size_t count_code(const gp_report *report, gp_code code)
{
    size_t n = 0;
    for (size_t i = 0; i < gp_report_count(report); i++)
        n += gp_report_get(report, i)->code == code;
    return n;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- tests ------------------------------------------------------------- */

static void test_good_zip_reads_entries(void **state)
{
    fixture *f = *state;
    char *path = path_in(f, "good.zip");
    spec entries[] = {
        {.name = "B/roster.csv", .data = "a,b\r\n", .len = 5},
        {.name = "B/photos/0001.jpg", .data = "\xff\xd8jpeg", .len = 6},
    };
    write_zip(path, entries, 2);
    gp_error err = {0};
    gpi_bundle *b = gpi_bundle_open(path, NULL, "good.zip", f->report, &err);
    assert_non_null(b);
    assert_int_equal(gp_report_count(f->report), 0);
    assert_int_equal(gpi_bundle_count(b), 2);
    long at = gpi_bundle_find(b, "B/photos/0001.jpg");
    assert_int_equal(at, 1);
    assert_int_equal(gpi_bundle_find(b, "B/missing"), -1);
    gpi_bundle_reader *r = gpi_bundle_reader_new(b, &err);
    assert_non_null(r);
    gpi_entry_read got;
    gpi_bundle_read(r, 0, &got);
    assert_int_equal(got.status, GPI_READ_OK);
    assert_int_equal(got.len, 5);
    assert_memory_equal(got.data, "a,b\r\n", 5);
    free(got.data);
    gpi_bundle_reader_free(r);
    gpi_bundle_close(b);
    free(path);
}

static void test_unsafe_names_refused(void **state)
{
    fixture *f = *state;
    char *path = path_in(f, "unsafe.zip");
    spec entries[] = {
        {.name = "../evil.sh", .data = "x", .len = 1},
        {.name = "/etc/cron.d/evil", .data = "x", .len = 1},
        {.name = "B\\..\\evil", .data = "x", .len = 1},
        {.name = "C:/evil", .data = "x", .len = 1},
        {.name = "B/ok.txt", .data = "x", .len = 1},
    };
    write_zip(path, entries, GPI_ARRAY_LEN(entries));
    gp_error err = {0};
    gpi_bundle *b = gpi_bundle_open(path, NULL, "unsafe.zip", f->report, &err);
    assert_non_null(b);
    assert_int_equal(count_code(f->report, GP_BUNDLE_UNSAFE_PATH), 4);
    assert_int_equal(gpi_bundle_count(b), 1);
    assert_string_equal(gpi_bundle_entry_at(b, 0)->name, "B/ok.txt");
    gpi_bundle_close(b);
    free(path);
}

static void test_symlink_refused(void **state)
{
    fixture *f = *state;
    char *path = path_in(f, "link.zip");
    spec entries[] = {
        {.name = "B/passwd", .data = "/etc/passwd", .len = 11, .unix_mode = S_IFLNK | 0777},
        {.name = "B/file.txt", .data = "x", .len = 1, .unix_mode = S_IFREG | 0644},
    };
    write_zip(path, entries, 2);
    gp_error err = {0};
    gpi_bundle *b = gpi_bundle_open(path, NULL, "link.zip", f->report, &err);
    assert_non_null(b);
    assert_int_equal(count_code(f->report, GP_BUNDLE_SYMLINK), 1);
    assert_int_equal(gpi_bundle_count(b), 1);
    assert_int_equal(gpi_bundle_find(b, "B/passwd"), -1);
    gpi_bundle_close(b);
    free(path);
}

static void test_duplicate_names_by_case(void **state)
{
    fixture *f = *state;
    char *path = path_in(f, "case.zip");
    spec entries[] = {
        {.name = "B/photos/0001.jpg", .data = "first", .len = 5},
        {.name = "B/photos/0001.JPG", .data = "second", .len = 6},
    };
    write_zip(path, entries, 2);
    gp_error err = {0};
    gpi_bundle *b = gpi_bundle_open(path, NULL, "case.zip", f->report, &err);
    assert_non_null(b);
    assert_int_equal(count_code(f->report, GP_BUNDLE_DUPLICATE_ENTRY), 1);
    assert_int_equal(gpi_bundle_count(b), 1);
    assert_string_equal(gpi_bundle_entry_at(b, 0)->name, "B/photos/0001.jpg");
    gpi_bundle_close(b);
    free(path);
}

static void test_exact_duplicate_names(void **state)
{
    fixture *f = *state;
    char *path = path_in(f, "dup.zip");
    spec entries[] = {
        {.name = "B/x1", .data = "first", .len = 5},
        {.name = "B/x2", .data = "second", .len = 6},
    };
    write_zip(path, entries, 2);
    /* libzip refuses to write two equal names: rename the second in place */
    size_t len;
    unsigned char *d = slurp(path, &len);
    size_t renamed = 0;
    for (size_t i = 0; i + 4 <= len; i++)
        if (!memcmp(d + i, "B/x2", 4)) {
            d[i + 3] = '1';
            renamed++;
        }
    assert_int_equal(renamed, 2); /* local and central headers */
    spit(path, d, len);
    free(d);
    gp_error err = {0};
    gpi_bundle *b = gpi_bundle_open(path, NULL, "dup.zip", f->report, &err);
    assert_non_null(b);
    assert_int_equal(count_code(f->report, GP_BUNDLE_DUPLICATE_ENTRY), 1);
    assert_int_equal(gpi_bundle_count(b), 1);
    gpi_bundle_close(b);
    free(path);
}

/* An entry that declares 1,000 bytes but inflates to 64 MB of zeros. */
static void test_bomb_stops_at_limit(void **state)
{
    fixture *f = *state;
    char *path = path_in(f, "bomb.zip");
    size_t huge = 64u << 20;
    unsigned char *zeros = calloc(1, huge);
    assert_non_null(zeros);
    spec entries[] = {{.name = "B/roster.csv", .data = zeros, .len = huge, .deflate_fast = true}};
    write_zip(path, entries, 1);
    free(zeros);
    patch_declared_size(path, 1000);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_true(st.st_size < (1 << 20)); /* a small archive */

    gp_error err = {0};
    double start = now_seconds();
    gpi_bundle *b = gpi_bundle_open(path, NULL, "bomb.zip", f->report, &err);
    assert_non_null(b);
    gpi_bundle_reader *r = gpi_bundle_reader_new(b, &err);
    assert_non_null(r);
    gpi_entry_read got;
    gpi_bundle_read(r, 0, &got);
    double elapsed = now_seconds() - start;
    assert_int_equal(got.status, GPI_READ_TOO_LARGE);
    assert_null(got.data);
    /* stopped as soon as it inflated past what it declared */
    assert_true(got.stopped_at > 1000);
    assert_true(got.stopped_at <= 64 * 1024);
    assert_int_equal(got.limit, 1000);
    assert_true(elapsed < 0.5);
    gpi_bundle_report_read(b, 0, &got, "bomb.zip", f->report);
    assert_int_equal(count_code(f->report, GP_BUNDLE_TOO_LARGE), 1);
    gpi_bundle_reader_free(r);
    gpi_bundle_close(b);
    free(path);
}

/* An honest 12 MB of zeros: within the size cap, but over 100:1. */
static void test_ratio_limit(void **state)
{
    fixture *f = *state;
    char *path = path_in(f, "ratio.zip");
    size_t size = 12u << 20;
    unsigned char *zeros = calloc(1, size);
    spec entries[] = {{.name = "B/roster.csv", .data = zeros, .len = size, .deflate_fast = true}};
    write_zip(path, entries, 1);
    free(zeros);
    gp_error err = {0};
    gpi_bundle *b = gpi_bundle_open(path, NULL, "ratio.zip", f->report, &err);
    assert_non_null(b);
    assert_int_equal(gpi_bundle_entry_at(b, 0)->declared_size, size);
    gpi_bundle_reader *r = gpi_bundle_reader_new(b, &err);
    gpi_entry_read got;
    gpi_bundle_read(r, 0, &got);
    assert_int_equal(got.status, GPI_READ_TOO_LARGE);
    assert_non_null(strstr(got.detail, "ratio"));
    assert_true(got.stopped_at > GPI_BUNDLE_RATIO_FLOOR);
    assert_true(got.stopped_at < size);
    gpi_bundle_reader_free(r);
    gpi_bundle_close(b);
    free(path);
}

/* An entry that claims 4 GB is refused before anything is inflated. */
static void test_declared_huge_refused_unread(void **state)
{
    fixture *f = *state;
    char *path = path_in(f, "claims.zip");
    spec entries[] = {{.name = "B/photos/0001.jpg", .data = "tiny", .len = 4}};
    write_zip(path, entries, 1);
    patch_declared_size(path, 0xFFFFFFF0u);
    gp_error err = {0};
    gpi_bundle *b = gpi_bundle_open(path, NULL, "claims.zip", f->report, &err);
    assert_non_null(b);
    gpi_bundle_reader *r = gpi_bundle_reader_new(b, &err);
    gpi_entry_read got;
    gpi_bundle_read(r, 0, &got);
    assert_int_equal(got.status, GPI_READ_TOO_LARGE);
    assert_int_equal(got.stopped_at, 0);
    gpi_bundle_reader_free(r);
    gpi_bundle_close(b);
    free(path);
}

/* A photo over twice the profile's maximum is refused at that limit. */
static void test_photo_limit_from_profile(void **state)
{
    fixture *f = *state;
    char *path = path_in(f, "bigphoto.zip");
    size_t size = 3u << 20;
    unsigned char *data = malloc(size);
    for (size_t i = 0; i < size; i++)
        data[i] = (unsigned char)(i * 2654435761u >> 13);
    spec entries[] = {{.name = "B/photos/0001.jpg", .data = data, .len = size}};
    write_zip(path, entries, 1);
    free(data);
    patch_declared_size(path, 1000); /* lie, so the read itself must stop */
    gp_error err = {0};
    gpi_bundle *b = gpi_bundle_open(path, NULL, "bigphoto.zip", f->report, &err);
    assert_non_null(b);
    gp_profile profile = {.max_bytes = 665600};
    gpi_bundle_limits limits;
    gpi_bundle_limits_for(&profile, &limits);
    assert_int_equal(limits.max_photo_bytes, 2 * 665600);
    gpi_bundle_set_limits(b, &limits);
    gpi_bundle_reader *r = gpi_bundle_reader_new(b, &err);
    gpi_entry_read got;
    gpi_bundle_read(r, 0, &got);
    assert_int_not_equal(got.status, GPI_READ_OK);
    assert_true(got.stopped_at <= limits.max_photo_bytes + 1);
    free(got.data);
    gpi_bundle_reader_free(r);
    gpi_bundle_close(b);
    free(path);
}

static void test_truncated_zip(void **state)
{
    fixture *f = *state;
    char *path = path_in(f, "cut.zip");
    char text[4096];
    memset(text, 'a', sizeof text);
    spec entries[] = {{.name = "B/roster.csv", .data = text, .len = sizeof text},
                      {.name = "B/bundle.json", .data = "{}", .len = 2}};
    write_zip(path, entries, 2);
    size_t len;
    unsigned char *d = slurp(path, &len);
    spit(path, d, len / 2);
    free(d);
    gp_error err = {0};
    gpi_bundle *b = gpi_bundle_open(path, NULL, "cut.zip", f->report, &err);
    assert_null(b);
    assert_int_equal(err.status, GP_OK);
    assert_int_equal(count_code(f->report, GP_BUNDLE_NOT_ZIP), 1);
    free(path);
}

static void test_not_a_zip(void **state)
{
    fixture *f = *state;
    char *text = path_in(f, "letter.zip"), *empty = path_in(f, "empty.zip");
    spit(text, "这不是压缩包\n", strlen("这不是压缩包\n"));
    spit(empty, "", 0);
    gp_error err = {0};
    assert_null(gpi_bundle_open(text, NULL, "letter.zip", f->report, &err));
    assert_null(gpi_bundle_open(empty, NULL, "empty.zip", f->report, &err));
    assert_int_equal(err.status, GP_OK);
    assert_int_equal(count_code(f->report, GP_BUNDLE_NOT_ZIP), 2);
    char *missing = path_in(f, "nowhere.zip");
    assert_null(gpi_bundle_open(missing, NULL, "nowhere.zip", f->report, &err));
    assert_int_equal(err.status, GP_ERR_OPEN);
    free(text);
    free(empty);
    free(missing);
}

static void test_encrypted(void **state)
{
    fixture *f = *state;
    char *path = path_in(f, "secret.zip");
    spec entries[] = {{.name = "B/roster.csv", .data = "secret,data\r\n", .len = 13,
                       .aes_password = "Correct-Horse-7"}};
    write_zip(path, entries, 1);
    gp_error err = {0};
    assert_null(gpi_bundle_open(path, NULL, "secret.zip", f->report, &err));
    assert_int_equal(count_code(f->report, GP_BUNDLE_ENCRYPTED), 1);
    assert_null(gpi_bundle_open(path, "wrong", "secret.zip", f->report, &err));
    assert_int_equal(count_code(f->report, GP_BUNDLE_BAD_PASSWORD), 1);
    assert_int_equal(err.status, GP_OK);
    gpi_bundle *b = gpi_bundle_open(path, "Correct-Horse-7", "secret.zip", f->report, &err);
    assert_non_null(b);
    gpi_bundle_reader *r = gpi_bundle_reader_new(b, &err);
    gpi_entry_read got;
    gpi_bundle_read(r, 0, &got);
    assert_int_equal(got.status, GPI_READ_OK);
    assert_memory_equal(got.data, "secret,data\r\n", 13);
    free(got.data);
    gpi_bundle_reader_free(r);
    gpi_bundle_close(b);
    free(path);
}

static void test_too_many_entries(void **state)
{
    fixture *f = *state;
    char *path = path_in(f, "many.zip");
    int code = 0;
    zip_t *za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &code);
    assert_non_null(za);
    for (int i = 0; i <= GPI_BUNDLE_MAX_ENTRIES; i++) {
        char name[32];
        snprintf(name, sizeof name, "B/%05d", i);
        zip_source_t *src = zip_source_buffer(za, NULL, 0, 0);
        zip_int64_t idx = zip_file_add(za, name, src, 0);
        assert_true(idx >= 0);
        zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
    }
    assert_int_equal(zip_close(za), 0);
    gp_error err = {0};
    assert_null(gpi_bundle_open(path, NULL, "many.zip", f->report, &err));
    assert_int_equal(err.status, GP_OK);
    assert_int_equal(count_code(f->report, GP_BUNDLE_TOO_LARGE), 1);
    free(path);
}

static void test_folder_bundle(void **state)
{
    fixture *f = *state;
    char *root = path_in(f, "folder");
    char *sub = gpi_path_join(root, "B");
    char *file = gpi_path_join(sub, "roster.csv");
    char *link = gpi_path_join(sub, "passwd");
    assert_int_equal(mkdir(root, 0755), 0);
    assert_int_equal(mkdir(sub, 0755), 0);
    spit(file, "0123456789abcdef", 16);
    assert_int_equal(symlink("/etc/passwd", link), 0);
    gp_error err = {0};
    gpi_bundle *b = gpi_bundle_open(root, NULL, "folder", f->report, &err);
    assert_non_null(b);
    assert_true(gpi_bundle_is_folder(b));
    assert_int_equal(count_code(f->report, GP_BUNDLE_SYMLINK), 1);
    assert_int_equal(gpi_bundle_count(b), 1);
    assert_string_equal(gpi_bundle_entry_at(b, 0)->name, "B/roster.csv");
    gpi_bundle_reader *r = gpi_bundle_reader_new(b, &err);
    gpi_entry_read got;
    gpi_bundle_read(r, 0, &got);
    assert_int_equal(got.status, GPI_READ_OK);
    assert_int_equal(got.len, 16);
    free(got.data);
    /* bounded: a file over the limit stops at the limit */
    gpi_bundle_limits small;
    gpi_bundle_limits_for(NULL, &small);
    small.max_file_bytes = 10;
    gpi_bundle_set_limits(b, &small);
    gpi_bundle_read(r, 0, &got);
    assert_int_equal(got.status, GPI_READ_TOO_LARGE);
    gpi_bundle_reader_free(r);
    gpi_bundle_close(b);
    free(root);
    free(sub);
    free(file);
    free(link);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_good_zip_reads_entries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unsafe_names_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_symlink_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_names_by_case, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exact_duplicate_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bomb_stops_at_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ratio_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_declared_huge_refused_unread, setup, teardown),
        cmocka_unit_test_setup_teardown(test_photo_limit_from_profile, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated_zip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_a_zip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_encrypted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_too_many_entries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_folder_bundle, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
