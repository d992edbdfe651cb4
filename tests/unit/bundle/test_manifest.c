/* MANIFEST.sha256: sha256sum format, sorted, parsed back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/base.h"
#include "core/files.h"
#include "bundle/bundle.h"

#include <stdlib.h>
#include <string.h>

static void test_format_sorted_sha256sum_lines(void **state)
{
    (void)state;
    gpi_manifest m = {0};
    unsigned char a[32], b[32], c[32];
    gpi_sha256("abc", 3, a);
    gpi_sha256("", 0, b);
    gpi_sha256("x", 1, c);
    assert_true(gpi_manifest_add(&m, "roster.csv", a));
    assert_true(gpi_manifest_add(&m, "photos/0002.jpg", b));
    assert_true(gpi_manifest_add(&m, "bundle.json", c));
    size_t len = 0;
    char *text = gpi_manifest_format(&m, &len);
    assert_non_null(text);
    assert_int_equal(len, strlen(text));
    assert_int_equal(len, 3 * (64 + 2 + 1) + strlen("bundle.json") + strlen("photos/0002.jpg") +
                              strlen("roster.csv"));
    /* sha256("abc") is the FIPS 180-2 test vector */
    assert_non_null(strstr(text, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  roster.csv\n"));
    assert_non_null(strstr(text, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  photos/0002.jpg\n"));
    const char *first = strstr(text, "bundle.json"), *mid = strstr(text, "photos/"),
               *last = strstr(text, "roster.csv");
    assert_true(first < mid && mid < last);
    gpi_manifest_clear(&m);
    free(text);
}

static void test_parse_round_trip_crlf_and_binary_marker(void **state)
{
    (void)state;
    const char *text =
        "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD  roster.csv\r\n"
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 *photos/0001.jpg\n"
        "\n";
    gpi_manifest m = {0};
    size_t bad = 99;
    gp_error err = {0};
    assert_true(gpi_manifest_parse(text, strlen(text), &m, &bad, &err));
    assert_int_equal(bad, 0);
    assert_int_equal(m.count, 2);
    /* entries stay in file order */
    const gpi_manifest_entry *e = &m.entries[0];
    assert_string_equal(e->path, "roster.csv");
    unsigned char abc[32];
    gpi_sha256("abc", 3, abc);
    assert_memory_equal(e->sha256, abc, 32);
    assert_string_equal(m.entries[1].path, "photos/0001.jpg");
    gpi_manifest_clear(&m);
}

static void test_parse_rejects_bad_lines(void **state)
{
    (void)state;
    const char *cases[] = {
        "zz7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  a\n",
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015  a\n",
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad a\n",
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  \n",
        "just text\n",
    };
    for (size_t i = 0; i < GPI_ARRAY_LEN(cases); i++) {
        gpi_manifest m = {0};
        size_t bad = 0;
        gp_error err = {0};
        assert_false(gpi_manifest_parse(cases[i], strlen(cases[i]), &m, &bad, &err));
        assert_int_equal(bad, 1);
        assert_int_equal(err.status, GP_OK);
        gpi_manifest_clear(&m);
    }
}

/* The line a refused manifest is refused at (not for lack of memory). */
static size_t refused_at(const char *text, size_t len)
{
    gpi_manifest m = {0};
    size_t bad = 0;
    gp_error err = {0};
    assert_false(gpi_manifest_parse(text, len, &m, &bad, &err));
    assert_int_equal(err.status, GP_OK);
    gpi_manifest_clear(&m);
    return bad;
}

static void test_parse_rejects_duplicate_path(void **state)
{
    (void)state;
    const char *text =
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  a.jpg\n"
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  b.jpg\n"
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  a.jpg\n";
    assert_int_equal(refused_at(text, strlen(text)), 3);
}

/* Duplicates are found by sorting: the reported line is the first repeat
 * in file order, wherever the paths sort. */
static void test_parse_reports_first_repeat_in_file_order(void **state)
{
    (void)state;
    const char *text =
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  z.jpg\n"
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  a.jpg\n"
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  z.jpg\n"
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  a.jpg\n";
    assert_int_equal(refused_at(text, strlen(text)), 3);
}

static void test_parse_embedded_nul(void **state)
{
    (void)state;
    char text[] = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  a\0b\n";
    assert_int_equal(refused_at(text, sizeof text - 1), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_sorted_sha256sum_lines),
        cmocka_unit_test(test_parse_round_trip_crlf_and_binary_marker),
        cmocka_unit_test(test_parse_rejects_bad_lines),
        cmocka_unit_test(test_parse_rejects_duplicate_path),
        cmocka_unit_test(test_parse_reports_first_repeat_in_file_order),
        cmocka_unit_test(test_parse_embedded_nul),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
