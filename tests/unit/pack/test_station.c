/* station.ini: fields, warnings for what is missing, placeholders. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/base.h"
#include "core/files.h"
#include "pack/pack_internal.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/gp-station-XXXXXX";

static char *write_ini(const char *name, const char *text)
{
    char *path = gpi_path_join(dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    const char *names[] = {"full.ini", "partial.ini", "bad.ini", "gbk.ini", "long.ini",
                           "comment.ini", "nul.ini", "hidden.ini"};
    for (size_t i = 0; i < GPI_ARRAY_LEN(names); i++) {
        char *p = gpi_path_join(dir, names[i]);
        unlink(p);
        free(p);
    }
    return rmdir(dir);
}

static void test_full_file(void **state)
{
    (void)state;
    char *path = write_ini("full.ini", "\xEF\xBB\xBF; comment\n[station]\nname = 济南函授站\n"
                                       "contact = 王老师\nphone = 0531-12345678\n"
                                       "address = 济南市历下区某路 1 号\nemail = jn@example.com\n"
                                       "extra = ignored\n");
    gp_report *report = gp_report_new("pack");
    gpi_station st;
    gp_error err = {0};
    assert_true(gpi_station_load(path, &st, report, &err));
    assert_true(st.present);
    assert_string_equal(st.value[GPI_STATION_NAME], "济南函授站");
    assert_string_equal(st.value[GPI_STATION_PHONE], "0531-12345678");
    assert_string_equal(st.value[GPI_STATION_ADDRESS], "济南市历下区某路 1 号");
    assert_string_equal(gpi_station_value_or_placeholder(&st, GPI_STATION_CONTACT), "王老师");
    /* an unknown key is named, not silently ignored */
    assert_int_equal(gp_report_count(report), 1);
    assert_int_equal(gp_report_get(report, 0)->code, GP_PACK_STATION_UNKNOWN);
    assert_string_equal(gp_report_get(report, 0)->actual, "extra");
    gpi_station_clear(&st);
    gp_report_free(report);
    free(path);
}

static void test_missing_fields_warn_and_leave_placeholders(void **state)
{
    (void)state;
    char *path = write_ini("partial.ini", "[station]\nname = 淄博站\ncontact =\n");
    gp_report *report = gp_report_new("pack");
    gpi_station st;
    gp_error err = {0};
    assert_true(gpi_station_load(path, &st, report, &err));
    assert_int_equal(gp_report_count(report), 4);
    assert_int_equal(gp_report_count_severity(report, GP_WARNING), 4);
    for (size_t i = 0; i < gp_report_count(report); i++) {
        const gp_finding *f = gp_report_get(report, i);
        assert_int_equal(f->code, GP_PACK_STATION_FIELD);
        assert_string_equal(f->file, "partial.ini");
        assert_non_null(f->field);
    }
    assert_string_equal(gp_report_get(report, 0)->field, "联系人");
    assert_string_equal(gpi_station_value_or_placeholder(&st, GPI_STATION_CONTACT), "【请填写联系人】");
    assert_string_equal(gpi_station_value_or_placeholder(&st, GPI_STATION_NAME), "淄博站");
    gpi_station_clear(&st);
    gp_report_free(report);
    free(path);
}

static void test_no_file_is_a_warning(void **state)
{
    (void)state;
    gp_report *report = gp_report_new("pack");
    gpi_station st;
    gp_error err = {0};
    assert_true(gpi_station_load(NULL, &st, report, &err));
    assert_false(st.present);
    assert_true(gp_report_has(report, GP_PACK_STATION_MISSING));
    assert_string_equal(gpi_station_value_or_placeholder(&st, GPI_STATION_PHONE), "【请填写联系电话】");
    gpi_station_clear(&st);
    gp_report_free(report);
}

static void test_unreadable_or_broken_file_is_an_error(void **state)
{
    (void)state;
    gp_report *report = gp_report_new("pack");
    gpi_station st;
    gp_error err = {0};
    char *missing = gpi_path_join(dir, "nope.ini");
    assert_false(gpi_station_load(missing, &st, report, &err));
    assert_int_equal(err.status, GP_ERR_OPEN);
    free(missing);

    char *bad = write_ini("bad.ini", "[station]\nthis line has no equals sign\n");
    gp_error_clear(&err);
    assert_false(gpi_station_load(bad, &st, report, &err));
    assert_int_equal(err.status, GP_ERR_OPEN);
    assert_non_null(strstr(err.message, "第 2 行"));
    free(bad);

    /* Notepad's "ANSI" on a Chinese Windows is GBK: read as GB18030 */
    char *gbk = write_ini("gbk.ini", "[station]\nname = \xbc\xc3\xc4\xcf\n");
    gp_error_clear(&err);
    assert_true(gpi_station_load(gbk, &st, report, &err));
    assert_string_equal(st.value[GPI_STATION_NAME], "济南");
    gpi_station_clear(&st);
    free(gbk);
    /* neither UTF-8 nor GB18030 */
    char *junk = write_ini("gbk.ini", "[station]\nname = \x80\xff\n");
    gp_error_clear(&err);
    assert_false(gpi_station_load(junk, &st, report, &err));
    assert_int_equal(err.status, GP_ERR_OPEN);
    assert_non_null(strstr(err.message, "UTF-8"));
    free(junk);
    gp_report_free(report);
}

/* inih reads lines of at most 199 bytes and reads the rest of a longer one
 * as a line of its own: a long line is refused by its own number, and the
 * tail of a long comment never becomes a setting */
static void test_long_line_is_named(void **state)
{
    (void)state;
    gp_report *report = gp_report_new("pack");
    gpi_station st;
    gp_error err = {0};
    char text[1024] = "[station]\nname = 济南函授站\naddress = ";
    for (int i = 0; i < 8; i++)
        strcat(text, "山东省济南市历下区");
    strcat(text, "\n");
    char *path = write_ini("long.ini", text);
    assert_false(gpi_station_load(path, &st, report, &err));
    assert_int_equal(err.status, GP_ERR_OPEN);
    assert_non_null(strstr(err.message, "第 3 行"));
    assert_non_null(strstr(err.message, "太长"));
    free(path);
    for (size_t k = 180; k < 210; k++) {
        char comment[1024];
        snprintf(comment, sizeof comment, "[station]\nname = 济南函授站\n;%*sname = evil\n",
                 (int)k, "");
        memset(comment + strlen("[station]\nname = 济南函授站\n;"), 'x', k);
        path = write_ini("comment.ini", comment);
        gp_error_clear(&err);
        if (gpi_station_load(path, &st, report, &err)) {
            assert_string_equal(st.value[GPI_STATION_NAME], "济南函授站");
            gpi_station_clear(&st);
        }
        free(path);
    }
    gp_report_free(report);
}

/* inih stops at a NUL, so would the UTF-8 copy: the rest of the file would
 * be dropped without a word */
static void test_nul_byte_is_named(void **state)
{
    (void)state;
    static const char text[] = "[station]\nname = 济南函授站\x00\ncontact = 王老师\n";
    char *path = gpi_path_join(dir, "nul.ini");
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, sizeof text - 1, f), sizeof text - 1);
    fclose(f);
    gp_report *report = gp_report_new("pack");
    gpi_station st;
    gp_error err = {0};
    assert_false(gpi_station_load(path, &st, report, &err));
    assert_int_equal(err.status, GP_ERR_OPEN);
    assert_non_null(strstr(err.message, "第 2 行有空字符"));
    gp_report_free(report);
    free(path);
}

/* a station name pasted with a zero-width space would reach bundle.json,
 * where verify refuses it: refused here, with the value made visible */
static void test_invisible_character_is_named(void **state)
{
    (void)state;
    char *path = write_ini("hidden.ini", "[station]\nname = 济南\xe2\x80\x8b函授站\ncontact = 王老师\n");
    gp_report *report = gp_report_new("pack");
    gpi_station st;
    gp_error err = {0};
    assert_false(gpi_station_load(path, &st, report, &err));
    assert_int_equal(err.status, GP_ERR_OPEN);
    assert_non_null(strstr(err.message, "函授站名称"));
    assert_non_null(strstr(err.message, "济南\\u200B函授站"));
    gp_report_free(report);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_file),
        cmocka_unit_test(test_missing_fields_warn_and_leave_placeholders),
        cmocka_unit_test(test_no_file_is_a_warning),
        cmocka_unit_test(test_unreadable_or_broken_file_is_an_error),
        cmocka_unit_test(test_long_line_is_named),
        cmocka_unit_test(test_nul_byte_is_named),
        cmocka_unit_test(test_invisible_character_is_named),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
