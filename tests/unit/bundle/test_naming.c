/* Names: safe as Windows file names, recognisable, ASCII bundle ids. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/base.h"
#include "bundle/bundle.h"

#include <stdlib.h>
#include <string.h>

static void expect_safe(const char *in, const char *want)
{
    char *got = gpi_safe_file_name(in);
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static void test_forbidden_characters_removed(void **state)
{
    (void)state;
    expect_safe("济南/函授站:2021*?\"<>|\\", "济南函授站2021");
    expect_safe("a\tb\nc\x01\x7f" "d", "abcd");
    /* invisible: the name would look like another (and verify refuses it
     * in bundle.json); C1 and bidi likewise */
    expect_safe("济南\xe2\x80\x8b函授站\xef\xbb\xbf", "济南函授站");
    expect_safe("gpj\xe2\x80\xae" "exe\xc2\x9b", "gpjexe");
}

static void test_trailing_dots_and_spaces(void **state)
{
    (void)state;
    expect_safe("  站点名称. . ", "站点名称");
    expect_safe("...", "gradpack");
    expect_safe("", "gradpack");
    expect_safe(NULL, "gradpack");
}

static void test_reserved_names(void **state)
{
    (void)state;
    expect_safe("CON", "CON_");
    expect_safe("nul", "nul_");
    expect_safe("com1", "com1_");
    expect_safe("LPT9.txt", "LPT9_.txt");
    expect_safe("COM0", "COM0");
    expect_safe("CONSOLE", "CONSOLE");
    expect_safe("AUX.", "AUX_");
}

static void test_length_bounded_on_character_boundary(void **state)
{
    (void)state;
    char in[3 * 100 + 1] = "";
    for (int i = 0; i < 100; i++)
        strcat(in, "站");
    char *got = gpi_safe_file_name(in);
    assert_non_null(got);
    size_t n = strlen(got);
    assert_true(n <= 160);
    assert_int_equal(n % 3, 0);
    assert_true(gpi_utf8_valid(got, n));
    free(got);
}

static void test_default_name(void **state)
{
    (void)state;
    char *name = gpi_default_bundle_name("10433", "济南函授站", "0001", "0120");
    assert_string_equal(name, "10433-济南函授站-0001-0120");
    free(name);
    name = gpi_default_bundle_name("10433", NULL, "0007", "0007");
    assert_string_equal(name, "10433-0007");
    free(name);
    name = gpi_default_bundle_name("10433", "淄博/张店:站", "0001", "0002");
    assert_string_equal(name, "10433-淄博张店站-0001-0002");
    free(name);
}

static void test_bundle_id_is_ascii(void **state)
{
    (void)state;
    char *id = gpi_bundle_id_from_name("10433-济南函授站-0001-0120");
    assert_string_equal(id, "10433-0001-0120");
    free(id);
    id = gpi_bundle_id_from_name("济南站");
    assert_string_equal(id, "bundle");
    free(id);
    id = gpi_bundle_id_from_name("..hidden..name--x..");
    assert_string_equal(id, "hidden..name-x");
    free(id);
    id = gpi_bundle_id_from_name("Station A_2021.v2");
    assert_string_equal(id, "Station-A_2021.v2");
    free(id);
}

static void test_part_stem(void **state)
{
    (void)state;
    char *s = gpi_part_stem("NAME", 2, 3);
    assert_string_equal(s, "NAME-part2-of-3");
    free(s);
    s = gpi_part_stem("NAME", 1, 1);
    assert_string_equal(s, "NAME");
    free(s);
}

/* pack and merge choose NAME alike: --name as given when safe, refused
 * with the safe spelling when not, else the default. */
static void test_choose_name(void **state)
{
    (void)state;
    gp_error err = {0};
    char *name = gpi_choose_name("春季-济南", "10433", "站", "0001", "0002", &err);
    assert_string_equal(name, "春季-济南");
    free(name);
    name = gpi_choose_name(NULL, "10433", "汇总", NULL, NULL, &err);
    assert_string_equal(name, "10433-汇总");
    free(name);
    name = gpi_choose_name(NULL, "10433", NULL, "0001", "0120", &err);
    assert_string_equal(name, "10433-0001-0120");
    free(name);
    assert_int_equal(err.status, GP_OK);
    name = gpi_choose_name("a/b", "10433", NULL, "0001", "0002", &err);
    assert_null(name);
    assert_int_equal(err.status, GP_ERR_USAGE);
    assert_non_null(strstr(err.message, "'ab'"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forbidden_characters_removed),
        cmocka_unit_test(test_trailing_dots_and_spaces),
        cmocka_unit_test(test_reserved_names),
        cmocka_unit_test(test_length_bounded_on_character_boundary),
        cmocka_unit_test(test_default_name),
        cmocka_unit_test(test_bundle_id_is_ascii),
        cmocka_unit_test(test_part_stem),
        cmocka_unit_test(test_choose_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
