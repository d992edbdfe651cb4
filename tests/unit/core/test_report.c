/* Unit tests: findings, summary values, tables, sorting and rendering. */
#include "core/base.h"
#include "core/findings.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static void add_and_count(void **state)
{
    (void)state;
    gp_report *r = gp_report_new("check");
    assert_non_null(r);
    gpi_where w = {.row = 4, .seq = "0003", .file = "0003.jpg"};
    assert_true(gpi_report_add(r, GP_PHOTO_FILESIZE, &w, "552960", "563200–665600",
                              "文件大小为 %d 字节", 552960));
    assert_true(gpi_report_add(r, GP_ROSTER_SEQ_PADDED, &(gpi_where){.row = 2, .seq = "0007"},
                              "7", "0007", NULL));
    assert_true(gpi_report_add(r, GP_ROSTER_HEADER_EXTRA, NULL, "备注", NULL, NULL));
    assert_int_equal(gp_report_count(r), 3);
    assert_int_equal(gp_report_count_severity(r, GP_ERROR), 1);
    assert_int_equal(gp_report_count_severity(r, GP_WARNING), 1);
    assert_int_equal(gp_report_count_severity(r, GP_INFO), 1);
    assert_true(gp_report_has(r, GP_PHOTO_FILESIZE));
    assert_false(gp_report_has(r, GP_PHOTO_DPI));
    assert_int_equal(gp_report_exit_status(r), 1);
    const gp_finding *f = gp_report_get(r, 0);
    assert_string_equal(f->message, "文件大小为 552960 字节");
    assert_string_equal(f->seq, "0003");
    assert_string_equal(f->actual, "552960");
    assert_null(f->field);
    /* a NULL message falls back to the code's title */
    assert_string_equal(gp_report_get(r, 1)->message, gp_code_title(GP_ROSTER_SEQ_PADDED));
    assert_null(gp_report_get(r, 3));
    gp_report_free(r);
}

static void sort_groups_rows(void **state)
{
    (void)state;
    gp_report *r = gp_report_new("check");
    gpi_report_add(r, GP_PHOTO_ORPHAN, &(gpi_where){.seq = "0009"}, NULL, NULL, NULL);
    gpi_report_add(r, GP_PHOTO_DPI, &(gpi_where){.row = 5, .seq = "0004"}, NULL, NULL, NULL);
    gpi_report_add(r, GP_ROSTER_HEADER_EXTRA, NULL, NULL, NULL, NULL);
    gpi_report_add(r, GP_ROSTER_SEX_INVALID, &(gpi_where){.row = 2}, NULL, NULL, NULL);
    gpi_report_add(r, GP_PHOTO_ICC, &(gpi_where){.row = 5, .seq = "0004"}, NULL, NULL, NULL);
    gpi_report_add(r, GP_PHOTO_ORPHAN, &(gpi_where){.seq = "0008"}, NULL, NULL, NULL);
    gp_report_sort(r);
    gp_code expected[] = {GP_ROSTER_HEADER_EXTRA, GP_ROSTER_SEX_INVALID, GP_PHOTO_DPI,
                          GP_PHOTO_ICC, GP_PHOTO_ORPHAN, GP_PHOTO_ORPHAN};
    for (size_t i = 0; i < GPI_ARRAY_LEN(expected); i++)
        assert_int_equal(gp_report_get(r, i)->code, expected[i]);
    assert_string_equal(gp_report_get(r, 4)->seq, "0008");
    gp_report_free(r);
}

static void summary_and_tables(void **state)
{
    (void)state;
    gp_report *r = gp_report_new("pack");
    assert_true(gp_report_set_int(r, "rows", 3));
    assert_true(gp_report_set_str(r, "sha256", "abc"));
    assert_true(gp_report_set_int(r, "rows", 4)); /* replaced in place */
    long long v = 0;
    assert_true(gp_report_get_int(r, "rows", &v));
    assert_int_equal(v, 4);
    assert_string_equal(gp_report_get_str(r, "sha256"), "abc");
    assert_null(gp_report_get_str(r, "missing"));
    assert_false(gp_report_cell_str(r, "outputs", "file", "x")); /* no row yet */
    assert_true(gp_report_table_row(r, "outputs"));
    assert_true(gp_report_cell_str(r, "outputs", "file", "a.zip"));
    assert_true(gp_report_cell_int(r, "outputs", "bytes", 10));
    assert_true(gp_report_table_row(r, "outputs"));
    assert_true(gp_report_cell_str(r, "outputs", "file", "b.zip"));

    char *json = gp_report_to_json(r, 0);
    assert_non_null(json);
    json_error_t jerr;
    json_t *root = json_loads(json, 0, &jerr);
    assert_non_null(root);
    assert_string_equal(json_string_value(json_object_get(root, "command")), "pack");
    json_t *summary = json_object_get(root, "summary");
    assert_int_equal(json_integer_value(json_object_get(summary, "rows")), 4);
    assert_int_equal(json_integer_value(json_object_get(summary, "errors")), 0);
    json_t *outputs = json_object_get(root, "outputs");
    assert_int_equal(json_array_size(outputs), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(outputs, 1), "file")),
                        "b.zip");
    json_decref(root);
    free(json);
    gp_report_free(r);
}

static void json_finding_shape(void **state)
{
    (void)state;
    gp_report *r = gp_report_new("check");
    gpi_report_set_profile(r, "xinhua-shandong");
    gpi_report_add(r, GP_PHOTO_FILESIZE, &(gpi_where){.row = 4, .seq = "0003", .file = "0003.jpg"},
                  "552960", "563200–665600", "太小了 \"引号\"");
    char *json = gp_report_to_json(r, 0);
    json_t *root = json_loads(json, 0, NULL);
    assert_non_null(root);
    json_t *f = json_array_get(json_object_get(root, "findings"), 0);
    assert_string_equal(json_string_value(json_object_get(f, "severity")), "error");
    assert_string_equal(json_string_value(json_object_get(f, "code")), "photo.filesize");
    assert_string_equal(json_string_value(json_object_get(f, "seq")), "0003");
    assert_int_equal(json_integer_value(json_object_get(f, "row")), 4);
    assert_true(json_is_null(json_object_get(f, "field")));
    assert_string_equal(json_string_value(json_object_get(f, "message")), "太小了 \"引号\"");
    assert_string_equal(json_string_value(json_object_get(root, "profile")), "xinhua-shandong");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(root, "summary"), "errors")), 1);
    json_decref(root);
    free(json);
    gp_report_free(r);
}

static void text_rendering(void **state)
{
    (void)state;
    gp_report *r = gp_report_new("check");
    gpi_report_add(r, GP_PHOTO_DPI, &(gpi_where){.row = 3, .seq = "0002", .file = "0002.jpg"},
                  "72 dpi", "300 dpi", "分辨率为 72 dpi");
    gpi_report_add(r, GP_ROSTER_SEQ_PADDED, &(gpi_where){.row = 2}, "7", "0007", NULL);
    char *text = gp_report_to_text(r, 0);
    assert_non_null(text);
    assert_non_null(strstr(text, "第 3 行"));
    assert_non_null(strstr(text, "照片 0002"));
    assert_non_null(strstr(text, "0002.jpg"));
    assert_non_null(strstr(text, "分辨率为 72 dpi"));
    assert_non_null(strstr(text, "处理办法："));
    assert_non_null(strstr(text, "[photo.dpi]"));
    assert_non_null(strstr(text, "错误 1 个，警告 1 个"));
    assert_null(strstr(text, "\x1b["));
    free(text);
    /* quiet: the summary line and the verdict only */
    text = gp_report_to_text(r, GP_RENDER_QUIET);
    assert_null(strstr(text, "roster.seq.padded"));
    assert_null(strstr(text, "photo.dpi"));
    assert_non_null(strstr(text, "错误 1 个，警告 1 个"));
    assert_non_null(strstr(text, "结论："));
    free(text);
    text = gp_report_to_text(r, GP_RENDER_COLOR);
    assert_non_null(strstr(text, "\x1b["));
    free(text);
    gp_report_free(r);
}

/* Grouped blocks, aligned tables and the summary escape what came from a
 * bundle as the single findings do: no ESC from a station reaches the
 * terminal (grouping and escaping met in the merge of clerk and main). */
static void text_escapes_grouped_and_tables(void **state)
{
    (void)state;
    gp_report *r = gp_report_new("verify");
    const char *seqs[] = {"0001", "0002", "0003"};
    for (int i = 0; i < 3; i++)
        gpi_report_add(r, GP_PHOTO_DPI,
                      &(gpi_where){.source = "evil\x1b[2J.zip", .seq = seqs[i], .field = "f\x1b]0;x\a"},
                      "72\x1b[31m", "300 dpi", NULL);
    gp_report_table_row(r, "bundles");
    gp_report_cell_str(r, "bundles", "station", "站\x1b[2J");
    gp_report_set_str(r, "output_dir", "out\x1b[2J");
    char *text = gp_report_to_text(r, 0);
    assert_non_null(text);
    assert_non_null(strstr(text, "3 张照片")); /* grouped */
    assert_null(strchr(text, '\x1b'));
    assert_null(strchr(text, '\a'));
    assert_non_null(strstr(text, "evil\\x1B[2J.zip"));
    assert_non_null(strstr(text, "站\\x1B[2J"));
    assert_non_null(strstr(text, "out\\x1B[2J"));
    free(text);
    gp_report_free(r);
}

static void text_tables_speak_chinese(void **state)
{
    (void)state;
    gp_report *r = gp_report_new("verify");
    gp_report_table_row(r, "bundles");
    gp_report_cell_str(r, "bundles", "bundle", "a.zip");
    gp_report_cell_str(r, "bundles", "station", "");
    gp_report_cell_str(r, "bundles", "verdict", "fail");
    gp_report_set_int(r, "encrypted", 1);
    char *text = gp_report_to_text(r, 0);
    /* a column per key, headed in Chinese; a column empty in every row is left out */
    assert_non_null(strstr(text, "  压缩包  结论\n"));
    assert_non_null(strstr(text, "  a.zip   不通过\n"));
    assert_null(strstr(text, "函授站"));
    assert_non_null(strstr(text, "已加密 是"));
    free(text);
    /* JSON keeps the machine words */
    text = gp_report_to_json(r, 0);
    assert_non_null(strstr(text, "\"verdict\": \"fail\""));
    free(text);
    gp_report_free(r);
}

static void absorb_sets_source(void **state)
{
    (void)state;
    gp_report *a = gp_report_new("verify");
    gp_report *b = gp_report_new("check");
    gpi_report_add(b, GP_PHOTO_DPI, &(gpi_where){.seq = "0001"}, NULL, NULL, NULL);
    gpi_report_add(b, GP_PHOTO_ICC, &(gpi_where){.source = "own.zip"}, NULL, NULL, NULL);
    assert_true(gpi_report_absorb(a, b, "x.zip"));
    assert_int_equal(gp_report_count(b), 0);
    assert_int_equal(gp_report_count(a), 2);
    assert_string_equal(gp_report_get(a, 0)->source, "x.zip");
    assert_string_equal(gp_report_get(a, 1)->source, "own.zip");
    gp_report_free(a);
    gp_report_free(b);
}

static void photo_records(void **state)
{
    (void)state;
    gp_report *r = gp_report_new("check");
    assert_true(gp_report_photo_text(r, NULL, "0002", "name", "李四"));
    assert_true(gp_report_photo_number(r, NULL, "0002", "head_top", 150.04));
    assert_true(gp_report_photo_number(r, NULL, "0002", "head_top", 151.26)); /* replaces */
    assert_true(gp_report_photo_text(r, NULL, "0001", "name", "张三"));
    static const unsigned char jpeg[] = {0xFF, 0xD8, 0xFF, 0xD9};
    assert_true(gp_report_photo_thumbnail(r, NULL, "0001", jpeg, sizeof jpeg));
    assert_false(gp_report_photo_text(r, NULL, "toolongseq", "name", "x"));
    assert_int_equal(gp_report_photo_count(r), 2);
    gp_report_sort(r);
    assert_string_equal(gp_report_photo_seq(r, 0), "0001");
    assert_string_equal(gp_report_photo_get_text(r, 0, "name"), "张三");
    size_t len = 0;
    const unsigned char *thumb = gp_report_photo_get_thumbnail(r, 0, &len);
    assert_int_equal(len, sizeof jpeg);
    assert_memory_equal(thumb, jpeg, len);
    double v = 0;
    assert_false(gp_report_photo_get_number(r, 0, "head_top", &v));
    assert_true(gp_report_photo_get_number(r, 1, "head_top", &v));
    assert_true(v > 151.2 && v < 151.3);
    assert_null(gp_report_photo_get_text(r, 1, "student_no"));
    assert_null(gp_report_photo_get_thumbnail(r, 1, &len));
    assert_int_equal(len, 0);

    /* JSON: numbers of photos that have them, one decimal */
    char *json = gp_report_to_json(r, 0);
    json_error_t error;
    json_t *root = json_loads(json, 0, &error);
    assert_non_null(root);
    json_t *m = json_object_get(root, "measurements");
    assert_int_equal(json_array_size(m), 1);
    json_t *o = json_array_get(m, 0);
    assert_string_equal(json_string_value(json_object_get(o, "seq")), "0002");
    assert_true(json_is_null(json_object_get(o, "source")));
    assert_true(fabs(json_real_value(json_object_get(o, "head_top")) - 151.3) < 1e-9);
    assert_null(json_object_get(o, "name")); /* texts are not measurements */
    json_decref(root);
    free(json);
    gp_report_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(add_and_count),
        cmocka_unit_test(sort_groups_rows),
        cmocka_unit_test(summary_and_tables),
        cmocka_unit_test(json_finding_shape),
        cmocka_unit_test(text_rendering),
        cmocka_unit_test(text_tables_speak_chinese),
        cmocka_unit_test(text_escapes_grouped_and_tables),
        cmocka_unit_test(absorb_sets_source),
        cmocka_unit_test(photo_records),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
