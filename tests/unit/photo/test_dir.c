/* Scanning the photo folder: which names are photos, ambiguity, strays,
 * the litter that is ignored, and files that must never be opened. */
#include "helpers.h"
#include "core/base.h"
#include "core/files.h"
#include "photo/photo.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

static void touch(const char *dir, const char *name, const char *content)
{
    char *path = gpi_path_join(dir, name);
    assert_non_null(path);
    assert_true(photogen_write(path, (const unsigned char *)content, strlen(content)));
    free(path);
}

/* The finding with this code whose file is `file`, or NULL. */
static const gp_finding *find_file(const gp_report *report, gp_code code, const char *file)
{
    for (size_t i = 0; i < gp_report_count(report); i++) {
        const gp_finding *f = gp_report_get(report, i);
        if (f->code == code && f->file && strcmp(f->file, file) == 0)
            return f;
    }
    return NULL;
}

static gpi_photo_dir *scan(const char *dir, gp_report **report)
{
    *report = gp_report_new("check");
    assert_non_null(*report);
    gp_error err = {0};
    gpi_photo_dir *photos = gpi_photo_dir_scan(dir, *report, &err);
    if (!photos)
        fail_msg("scan: %s", err.message);
    return photos;
}

static void names_numbers_and_order(void **state)
{
    (void)state;
    char *dir = temp_dir();
    touch(dir, "0003.JPEG", "c");
    touch(dir, "0010.jpg", "dddd");
    touch(dir, "0002.jpeg", "bb");
    touch(dir, "9999.Jpg", "e");
    gp_report *report;
    gpi_photo_dir *photos = scan(dir, &report);
    assert_int_equal(photos->count, 4);
    assert_string_equal(photos->files[0].seq, "0002");
    assert_string_equal(photos->files[0].name, "0002.jpeg");
    assert_int_equal(photos->files[0].size, 2);
    assert_string_equal(photos->files[1].seq, "0003");
    assert_string_equal(photos->files[2].seq, "0010");
    assert_int_equal(photos->files[2].size, 4);
    assert_string_equal(photos->files[3].seq, "9999");
    char *expected_path = gpi_path_join(dir, "0003.JPEG");
    assert_string_equal(photos->files[1].path, expected_path);
    free(expected_path);
    assert_int_equal(gp_report_count(report), 0);
    gpi_photo_dir_free(photos);
    gp_report_free(report);
    remove_dir(dir);
}

static void two_files_for_one_number_are_ambiguous(void **state)
{
    (void)state;
    char *dir = temp_dir();
    touch(dir, "0001.jpg", "lower");
    touch(dir, "0001.JPG", "upper");
    touch(dir, "0001.jpeg", "long");
    gp_report *report;
    gpi_photo_dir *photos = scan(dir, &report);
    assert_int_equal(photos->count, 1);
    /* byte order: "0001.JPG" < "0001.jpeg" < "0001.jpg"; the first is kept */
    assert_string_equal(photos->files[0].name, "0001.JPG");
    assert_int_equal(count_code(report, GP_PHOTO_AMBIGUOUS), 2);
    const gp_finding *f = find_file(report, GP_PHOTO_AMBIGUOUS, "0001.jpg");
    assert_non_null(f);
    assert_string_equal(f->seq, "0001");
    assert_int_equal(f->severity, GP_ERROR);
    assert_non_null(strstr(f->message, "0001.JPG"));
    assert_non_null(strstr(f->message, "0001.jpg"));
    assert_non_null(find_file(report, GP_PHOTO_AMBIGUOUS, "0001.jpeg"));
    gpi_photo_dir_free(photos);
    gp_report_free(report);
    remove_dir(dir);
}

static void litter_is_silent_and_strays_are_info(void **state)
{
    (void)state;
    char *dir = temp_dir();
    touch(dir, "0001.jpg", "x");
    touch(dir, "Thumbs.db", "x");
    touch(dir, "DESKTOP.INI", "x");
    touch(dir, ".DS_Store", "x");
    touch(dir, "._0001.jpg", "x");
    touch(dir, "notes.txt", "x");
    touch(dir, "0000.jpg", "x");
    touch(dir, "10000.jpg", "x");
    touch(dir, "7.jpg", "x");
    touch(dir, "0002.png", "x");
    touch(dir, "0003.jpg.bak", "x");
    touch(dir, "\xd5\xd5\xc6\xac.jpg", "x"); /* "照片" in GBK: not UTF-8 */
    char *sub = gpi_path_join(dir, "old");
    assert_int_equal(mkdir(sub, 0700), 0);
    touch(sub, "0004.jpg", "x");
    free(sub);

    gp_report *report;
    gpi_photo_dir *photos = scan(dir, &report);
    assert_int_equal(photos->count, 1);
    assert_string_equal(photos->files[0].seq, "0001");
    const char *strays[] = {"._0001.jpg", "notes.txt", "0000.jpg", "10000.jpg", "7.jpg",
                            "0002.png", "0003.jpg.bak", "\\xD5\\xD5\\xC6\\xAC.jpg", "old"};
    for (size_t i = 0; i < sizeof strays / sizeof strays[0]; i++) {
        const gp_finding *f = find_file(report, GP_PHOTO_STRAY_FILE, strays[i]);
        if (!f)
            fail_msg("no stray finding for %s", strays[i]);
        assert_int_equal(f->severity, GP_INFO);
        assert_true(gpi_utf8_valid(f->message, strlen(f->message)));
    }
    assert_int_equal(gp_report_count(report), sizeof strays / sizeof strays[0]);
    assert_non_null(strstr(find_file(report, GP_PHOTO_STRAY_FILE, "7.jpg")->message, "0007.jpg"));
    assert_non_null(strstr(find_file(report, GP_PHOTO_STRAY_FILE, "0000.jpg")->message, "0000"));
    assert_non_null(strstr(find_file(report, GP_PHOTO_STRAY_FILE, "old")->message, "子文件夹"));
    gpi_photo_dir_free(photos);
    gp_report_free(report);
    remove_dir(dir);
}

static void special_files_are_never_listed(void **state)
{
    (void)state;
    char *dir = temp_dir();
    touch(dir, "0002.jpeg", "target");
    char *fifo = gpi_path_join(dir, "0005.jpg");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    free(fifo);
    char *link = gpi_path_join(dir, "0006.jpg");
    assert_int_equal(symlink("0002.jpeg", link), 0);
    free(link);
    char *dangling = gpi_path_join(dir, "0007.jpg");
    assert_int_equal(symlink("nowhere.jpg", dangling), 0);
    free(dangling);

    gp_report *report;
    gpi_photo_dir *photos = scan(dir, &report);
    assert_int_equal(photos->count, 2);
    assert_string_equal(photos->files[0].seq, "0002");
    assert_string_equal(photos->files[1].seq, "0006"); /* a link to a regular file is fine */
    assert_int_equal(photos->files[1].size, 6);
    const gp_finding *f = find_file(report, GP_PHOTO_UNREADABLE, "0005.jpg");
    assert_non_null(f);
    assert_string_equal(f->seq, "0005");
    assert_non_null(find_file(report, GP_PHOTO_UNREADABLE, "0007.jpg"));
    assert_int_equal(gp_report_count(report), 2);
    gpi_photo_dir_free(photos);
    gp_report_free(report);
    remove_dir(dir);
}

static void empty_and_missing_folders(void **state)
{
    (void)state;
    char *dir = temp_dir();
    gp_report *report;
    gpi_photo_dir *photos = scan(dir, &report);
    assert_int_equal(photos->count, 0);
    gpi_photo_dir_free(photos);

    char *missing = gpi_path_join(dir, "no-such-folder");
    gp_error err = {0};
    assert_null(gpi_photo_dir_scan(missing, report, &err));
    assert_int_equal(err.status, GP_ERR_OPEN);
    assert_non_null(strstr(err.message, "no-such-folder"));
    assert_int_equal(gp_report_count(report), 0);
    free(missing);
    gp_report_free(report);
    gpi_photo_dir_free(NULL);
    remove_dir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names_numbers_and_order),
        cmocka_unit_test(two_files_for_one_number_are_ambiguous),
        cmocka_unit_test(litter_is_silent_and_strays_are_info),
        cmocka_unit_test(special_files_are_never_listed),
        cmocka_unit_test(empty_and_missing_folders),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
