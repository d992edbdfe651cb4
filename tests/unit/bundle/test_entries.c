/* The entries of a bundle: the photo-name rule both ways, the items pack
 * and merge archive, the manifest made as the last entry, the school block. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "bundle/bundle.h"
#include "core/fields.h"
#include "core/files.h"
#include "core/profile.h"
#include "roster/roster.h"

#include <stdlib.h>
#include <string.h>

static void test_seq_format_and_valid(void **state)
{
    (void)state;
    char seq[5];
    gpi_seq_format(7, seq);
    assert_string_equal(seq, "0007");
    gpi_seq_format(9999, seq);
    assert_string_equal(seq, "9999");
    assert_true(gpi_seq_valid("0001"));
    assert_true(gpi_seq_valid("9999"));
    assert_false(gpi_seq_valid("0000"));
    assert_false(gpi_seq_valid("001"));
    assert_false(gpi_seq_valid("00012"));
    assert_false(gpi_seq_valid("00a1"));
    assert_false(gpi_seq_valid(""));
}

static void test_photo_entry_name_round_trip(void **state)
{
    (void)state;
    char name[GPI_PHOTO_ENTRY_SIZE], seq[5];
    gpi_photo_entry_name("0042", name);
    assert_string_equal(name, "photos/0042.jpg");
    assert_true(gpi_photo_entry_seq(name, seq));
    assert_string_equal(seq, "0042");
}

static void test_photo_entry_seq_accepts_what_others_write(void **state)
{
    (void)state;
    char seq[5];
    assert_true(gpi_photo_entry_seq("photos/0001.JPG", seq));
    assert_string_equal(seq, "0001");
    assert_true(gpi_photo_entry_seq("photos/0002.jpeg", seq));
    assert_string_equal(seq, "0002");
}

static void test_photo_entry_seq_refuses(void **state)
{
    (void)state;
    char seq[5];
    const char *bad[] = {"photos/0000.jpg", "photos/001.jpg",  "photos/00001.jpg",
                         "photos/0001.png", "0001.jpg",        "photo/0001.jpg",
                         "photos/0001.jpg.jpg", "photos/sub/0001.jpg", "roster.csv"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_false(gpi_photo_entry_seq(bad[i], seq));
}

static void test_file_items_hashed_and_only_the_workbook_stored(void **state)
{
    (void)state;
    gpi_zip_item items[3];
    gpi_bundle_file_item(&items[0], GPI_ENTRY_META, "{}\n", 3);
    gpi_bundle_file_item(&items[1], GPI_ENTRY_ROSTER, "a,b\r\n", 5);
    gpi_bundle_file_item(&items[2], GPI_ENTRY_WORKBOOK, "PK", 2);
    unsigned char want[32];
    gpi_sha256("{}\n", 3, want);
    assert_memory_equal(items[0].sha256, want, 32);
    assert_false(items[0].store);
    assert_false(items[1].store);
    assert_true(items[2].store);
    assert_string_equal(items[1].name, "roster.csv");
    assert_int_equal(items[2].len, 2);
}

static bool no_fetch(void *context, unsigned char **data, size_t *size)
{
    (void)context, (void)data, (void)size;
    return false;
}

/* The manifest item declares its length before any photo is hashed and
 * makes sha256sum text from the hashes the items have when it is fetched. */
/* pack's and merge's bundles begin alike; merge's alone carries the map */
static void test_head_items_in_the_format_order(void **state)
{
    (void)state;
    gpi_zip_item items[8];
    gpi_bundle_head head = {.json = "{}", .csv = "a,b\n", .csv_len = 4, .xlsx = "PK", .xlsx_len = 2};
    assert_int_equal(gpi_bundle_head_items(items, &head), 3);
    assert_string_equal(items[0].name, GPI_ENTRY_META);
    assert_int_equal(items[0].len, 2);
    assert_string_equal(items[1].name, GPI_ENTRY_ROSTER);
    assert_int_equal(items[1].len, 4);
    assert_string_equal(items[2].name, GPI_ENTRY_WORKBOOK);
    assert_int_equal(gpi_bundle_entry_count(false, 5), 3 + 5 + 1);
    head.mapping = "x";
    head.mapping_len = 1;
    assert_int_equal(gpi_bundle_head_items(items, &head), 4);
    assert_string_equal(items[3].name, GPI_ENTRY_MAPPING);
    assert_int_equal(items[3].len, 1);
    assert_int_equal(gpi_bundle_entry_count(true, 5), 4 + 5 + 1);
}

static void test_manifest_item_is_last_and_sorted(void **state)
{
    (void)state;
    gpi_zip_item items[4];
    char names[2][GPI_PHOTO_ENTRY_SIZE];
    gpi_bundle_file_item(&items[0], GPI_ENTRY_ROSTER, "r", 1);
    gpi_bundle_photo_item(&items[1], names[0], "0002", 10, no_fetch, NULL);
    gpi_bundle_photo_item(&items[2], names[1], "0001", 10, no_fetch, NULL);
    assert_true(items[1].store);
    assert_string_equal(items[2].name, "photos/0001.jpg");
    gpi_manifest_item m;
    gpi_manifest_item_init(&m, items, 3);
    assert_string_equal(items[3].name, "MANIFEST.sha256");
    assert_false(items[3].store);
    assert_int_equal(items[3].len, 3 * 67 + strlen("roster.csv") + 2 * strlen("photos/0001.jpg"));
    /* the photos' hashes arrive while the zip is written */
    gpi_sha256("two", 3, items[1].sha256);
    gpi_sha256("one", 3, items[2].sha256);
    unsigned char *text = NULL;
    size_t len = 0;
    assert_true(items[3].fetch(items[3].fetch_context, &text, &len));
    assert_int_equal(len, items[3].len);
    char hex[65];
    gpi_hex(items[2].sha256, 32, hex);
    assert_memory_equal(text, hex, 64);
    assert_memory_equal(text + 64, "  photos/0001.jpg\n", 18);
    gpi_manifest parsed = {0};
    size_t bad_line = 1;
    assert_true(gpi_manifest_parse((const char *)text, len, &parsed, &bad_line, NULL));
    assert_int_equal(parsed.count, 3);
    assert_string_equal(parsed.entries[2].path, "roster.csv");
    gpi_manifest_clear(&parsed);
    free(text);
}

static void test_school_pinned_else_first_row(void **state)
{
    (void)state;
    gpi_student first = {.row = 2, .seq = "0001"};
    first.value[GPI_FIELD_SCHOOL_TYPE] = "成人高校";
    first.value[GPI_FIELD_SCHOOL_CODE] = "99999";
    first.value[GPI_FIELD_SCHOOL_NAME] = "某学院";
    gp_profile profile = {0};
    gpi_school s = gpi_school_of(&profile, &first);
    assert_string_equal(s.type, "成人高校");
    assert_string_equal(s.code, "99999");
    assert_string_equal(s.name, "某学院");
    profile.school_code = "10433";
    profile.school_name = "山东理工大学";
    s = gpi_school_of(&profile, &first);
    assert_string_equal(s.type, "成人高校");
    assert_string_equal(s.code, "10433");
    assert_string_equal(s.name, "山东理工大学");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seq_format_and_valid),
        cmocka_unit_test(test_photo_entry_name_round_trip),
        cmocka_unit_test(test_photo_entry_seq_accepts_what_others_write),
        cmocka_unit_test(test_photo_entry_seq_refuses),
        cmocka_unit_test(test_file_items_hashed_and_only_the_workbook_stored),
        cmocka_unit_test(test_head_items_in_the_format_order),
        cmocka_unit_test(test_manifest_item_is_last_and_sorted),
        cmocka_unit_test(test_school_pinned_else_first_row),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
