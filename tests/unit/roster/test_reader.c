/* Unit tests: reading the roster file — encodings, CSV forms, the header,
 * and hostile input refused with a finding. */
#include "helpers.h"
#include "core/base.h"
#include "core/fields.h"
#include "core/files.h"
#include "core/profile.h"
#include "roster/roster.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int setup(void **state)
{
    *state = load_profile("xinhua-shandong");
    return 0;
}

static int teardown(void **state)
{
    gp_profile_free(*state);
    return 0;
}

/* A header and `rows` valid rows, photo numbers from 0001. */
static char *roster_text(int rows, const char *eol, bool bom)
{
    gpi_buf csv = {0};
    if (bom)
        gpi_buf_puts(&csv, "\xEF\xBB\xBF");
    gpi_buf_printf(&csv, "%s%s", HEADER, eol);
    for (int i = 1; i <= rows; i++) {
        char seq[8];
        snprintf(seq, sizeof seq, "%04d", i);
        append_row(&csv, i, seq, eol);
    }
    char *text = gpi_buf_take(&csv);
    assert_non_null(text);
    return text;
}

static char *to_gb18030(const char *utf8, size_t *out_len)
{
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    assert_true(cd != (iconv_t)-1);
    size_t in_left = strlen(utf8), cap = in_left * 2 + 1, out_left = cap;
    char *out = malloc(cap), *in = (char *)utf8, *op = out;
    assert_non_null(out);
    assert_int_not_equal(iconv(cd, &in, &in_left, &op, &out_left), (size_t)-1);
    iconv_close(cd);
    *out_len = (size_t)(op - out);
    return out;
}

static void assert_clean(const gp_report *report)
{
    for (size_t i = 0; i < gp_report_count(report); i++) {
        const gp_finding *f = gp_report_get(report, i);
        fail_msg("unexpected finding %s row %d: %s", gp_code_name(f->code), f->row, f->message);
    }
}

static void plain_utf8_with_lf(void **state)
{
    gp_report *report;
    char *text = roster_text(3, "\n", false);
    gpi_roster *roster = parse_text(text, strlen(text), NULL, *state, &report);
    assert_true(roster->usable);
    assert_string_equal(roster->encoding, "UTF-8");
    assert_int_equal(roster->count, 3);
    assert_int_equal(roster->students[0].row, 2);
    assert_int_equal(roster->students[2].row, 4);
    assert_string_equal(roster->students[1].value[GPI_FIELD_SEQ], "0002");
    assert_string_equal(roster->students[1].value[GPI_FIELD_SCHOOL_NAME], "山东理工大学");
    gpi_roster_apply_rules(roster, *state, "roster.csv", report);
    assert_clean(report);
    free(text);
    gpi_roster_free(roster);
    gp_report_free(report);
}

static void utf8_bom_with_crlf(void **state)
{
    gp_report *report;
    char *text = roster_text(2, "\r\n", true);
    gpi_roster *roster = parse_text(text, strlen(text), NULL, *state, &report);
    assert_true(roster->usable);
    assert_string_equal(roster->encoding, "UTF-8-BOM");
    assert_int_equal(roster->count, 2);
    assert_int_equal(roster->students[1].row, 3);
    /* the BOM is not part of the first header cell, CR not part of the last */
    assert_string_equal(roster->students[0].value[GPI_FIELD_SEQ], "0001");
    assert_string_equal(roster->students[1].value[GPI_FIELD_SCHOOL_NAME], "山东理工大学");
    gpi_roster_apply_rules(roster, *state, "roster.csv", report);
    assert_clean(report);
    free(text);
    gpi_roster_free(roster);
    gp_report_free(report);
}

static void gb18030_detected_and_forced(void **state)
{
    char *text = roster_text(2, "\r\n", false);
    size_t len;
    char *gb = to_gb18030(text, &len);
    assert_false(gpi_utf8_valid(gb, len));
    const char *names[] = {NULL, "GB18030", "gbk", "GB2312"};
    for (size_t i = 0; i < GPI_ARRAY_LEN(names); i++) {
        gp_report *report;
        gpi_roster *roster = parse_text(gb, len, names[i], *state, &report);
        assert_true(roster->usable);
        assert_string_equal(roster->encoding, "GB18030");
        assert_int_equal(roster->count, 2);
        assert_string_equal(roster->students[0].value[GPI_FIELD_NAME], "张三");
        assert_string_equal(roster->students[0].value[GPI_FIELD_LEVEL], "成人专科");
        assert_string_equal(roster->students[1].value[GPI_FIELD_LEVEL], "成人本科");
        gpi_roster_apply_rules(roster, *state, "roster.csv", report);
        assert_clean(report);
        gpi_roster_free(roster);
        gp_report_free(report);
    }
    free(gb);
    free(text);
}

static void forced_utf8_on_gb_text_names_the_row(void **state)
{
    gpi_buf csv = {0};
    gpi_buf_printf(&csv, "%s\n", HEADER);
    append_row(&csv, 1, "0001", "\n");
    const char *cells[9] = {"0002", "成人专科", "2019000002", "李四", "男",
                            "11010519491231002X", "普通高校", "10433", "山东理工大学"};
    append_cells(&csv, cells, "\n");
    char *text = gpi_buf_take(&csv);
    size_t len;
    char *gb = to_gb18030(text, &len);
    gp_report *report;
    gpi_roster *roster = parse_text(gb, len, "utf-8", *state, &report);
    assert_false(roster->usable);
    assert_int_equal(roster->count, 0);
    const gp_finding *f = find_code(report, GP_ROSTER_ENCODING, 0);
    assert_non_null(f);
    assert_int_equal(f->row, 1); /* the header is already GB18030 */
    assert_non_null(f->actual);
    assert_string_equal(f->expected, "UTF-8");
    assert_string_equal(f->file, "roster.csv");
    gpi_roster_free(roster);
    gp_report_free(report);
    free(gb);
    free(text);
}

static void damaged_utf8_names_row_and_column(void **state)
{
    char *text = roster_text(3, "\n", false);
    /* break the name cell of row 3 (second data row) with a lone 0xFF */
    char *name = strstr(strstr(text, "0002,"), "张三");
    name[0] = '\xFF';
    gp_report *report;
    gpi_roster *roster = parse_text(text, strlen(text), NULL, *state, &report);
    assert_false(roster->usable);
    assert_string_equal(roster->encoding, "UTF-8"); /* the Chinese header decides */
    const gp_finding *f = find_code(report, GP_ROSTER_ENCODING, 3);
    assert_non_null(f);
    assert_string_equal(f->field, "姓名");
    assert_string_equal(f->actual, "0xFF 0xBC 0xA0 0xE4");
    assert_string_equal(f->expected, "UTF-8");
    assert_non_null(strstr(f->message, "第 4 列"));
    gpi_roster_free(roster);
    gp_report_free(report);
    free(text);
}

static void undecodable_in_any_encoding(void **state)
{
    /* 0xFF is neither UTF-8 nor GB18030; an ASCII header leaves detection to GB18030 */
    const char text[] = "seq,level,student_no,name,sex,id_number,school_type,school_code,"
                        "school_name\n0001,x,1,\xFF\xFF,x,x,x,x,x\n";
    gp_report *report;
    gpi_roster *roster = parse_text(text, strlen(text), NULL, *state, &report);
    assert_false(roster->usable);
    const gp_finding *f = find_code(report, GP_ROSTER_ENCODING, 2);
    assert_non_null(f);
    assert_string_equal(f->field, "姓名");
    assert_string_equal(f->expected, "UTF-8 或 GB18030");
    gpi_roster_free(roster);
    gp_report_free(report);
}

static void unknown_encoding_is_a_usage_error(void **state)
{
    gp_report *report = gp_report_new("check");
    gp_error err = {0};
    gpi_roster *roster = gpi_roster_parse("a\n", 2, "roster.csv", "latin1", *state, report, &err);
    assert_null(roster);
    assert_int_equal(err.status, GP_ERR_USAGE);
    assert_non_null(strstr(err.message, "latin1"));
    gp_report_free(report);
}

static void quoted_cells_and_row_numbers(void **state)
{
    /* an extra 备注 column holds a comma, doubled quotes and two newlines;
     * the spreadsheet rows after it must still be right */
    gpi_buf csv = {0};
    gpi_buf_printf(&csv, "%s,备注\r\n", HEADER);
    const char *first[9] = {"0001", "成人专科", "2019000001", "\"王,小明\"", "男",
                            "11010519491231002X", "普通高校", "10433", "\"山东理工大学\""};
    gpi_buf_printf(&csv, "%s,%s,%s,%s,%s,%s,%s,%s,%s,\"说\"\"明\"\"\r\n第二行\n第三行\"\r\n",
                  first[0], first[1], first[2], first[3], "女", first[5], first[6], first[7],
                  first[8]);
    append_row(&csv, 2, "0002", "\r\n");
    char *text = gpi_buf_take(&csv);
    gp_report *report;
    gpi_roster *roster = parse_text(text, strlen(text), NULL, *state, &report);
    assert_true(roster->usable);
    assert_int_equal(roster->count, 2);
    assert_string_equal(roster->students[0].value[GPI_FIELD_NAME], "王,小明");
    assert_string_equal(roster->students[0].value[GPI_FIELD_SCHOOL_NAME], "山东理工大学");
    assert_int_equal(roster->students[0].row, 2);
    assert_int_equal(roster->students[1].row, 3);
    assert_non_null(find_code(report, GP_ROSTER_HEADER_EXTRA, 1));
    gpi_roster_free(roster);
    gp_report_free(report);
    free(text);
}

static void blank_lines_and_spaces(void **state)
{
    gpi_buf csv = {0};
    gpi_buf_printf(&csv, "\n%s\n\n", HEADER); /* header on row 2, blank row 3 */
    gpi_buf_puts(&csv, "  0001 , 成人专科 ,\t2019000001, 张三\xE3\x80\x80, 男 ,"
                      "11010519491231002X ,普通高校,10433,山东理工大学  \n");
    gpi_buf_puts(&csv, ",,,,,,,,\n   \n"); /* rows 5 and 6: blank */
    append_row(&csv, 2, "0002", "\n");    /* row 7 */
    gpi_buf_puts(&csv, "\n\n");
    char *text = gpi_buf_take(&csv);
    gp_report *report;
    gpi_roster *roster = parse_text(text, strlen(text), NULL, *state, &report);
    assert_true(roster->usable);
    assert_int_equal(roster->count, 2);
    const gpi_student *s = &roster->students[0];
    assert_int_equal(s->row, 4);
    assert_string_equal(s->value[GPI_FIELD_SEQ], "0001");
    assert_string_equal(s->value[GPI_FIELD_LEVEL], "成人专科");
    assert_string_equal(s->value[GPI_FIELD_STUDENT_NO], "2019000001");
    assert_string_equal(s->value[GPI_FIELD_NAME], "张三");
    assert_string_equal(s->value[GPI_FIELD_ID_NUMBER], "11010519491231002X");
    assert_string_equal(s->value[GPI_FIELD_SCHOOL_NAME], "山东理工大学");
    assert_int_equal(roster->students[1].row, 7);
    gpi_roster_free(roster);
    gp_report_free(report);
    free(text);
}

static void aliases_in_any_order(void **state)
{
    const char *text =
        "院校名称, SCHOOL_CODE ,School_Type,身份证号码,Sex,NAME,student_no,Level,照片编号\r\n"
        "山东理工大学,10433,普通高校,11010519491231002X,女,李四,2019000001,成人本科,12\r\n";
    gp_report *report;
    gpi_roster *roster = parse_text(text, strlen(text), NULL, *state, &report);
    assert_true(roster->usable);
    assert_int_equal(roster->count, 1);
    const gpi_student *s = &roster->students[0];
    assert_string_equal(s->value[GPI_FIELD_SEQ], "12");
    assert_string_equal(s->value[GPI_FIELD_NAME], "李四");
    assert_string_equal(s->value[GPI_FIELD_ID_NUMBER], "11010519491231002X");
    assert_string_equal(s->value[GPI_FIELD_SCHOOL_NAME], "山东理工大学");
    assert_string_equal(s->value[GPI_FIELD_SCHOOL_CODE], "10433");
    assert_int_equal(gp_report_count(report), 0);
    gpi_roster_free(roster);
    gp_report_free(report);
}

static void extra_column_is_info(void **state)
{
    gpi_buf csv = {0};
    gpi_buf_printf(&csv, "序号,%s,备注\n", HEADER);
    gpi_buf_puts(&csv, "1,");
    append_row(&csv, 1, "0001", "");
    gpi_buf_puts(&csv, ",补拍\n");
    char *text = gpi_buf_take(&csv);
    gp_report *report;
    gpi_roster *roster = parse_text(text, strlen(text), NULL, *state, &report);
    assert_true(roster->usable);
    assert_int_equal(roster->count, 1);
    assert_string_equal(roster->students[0].value[GPI_FIELD_SEQ], "0001");
    assert_int_equal(count_code(report, GP_ROSTER_HEADER_EXTRA), 2);
    const gp_finding *f = find_code(report, GP_ROSTER_HEADER_EXTRA, 1);
    assert_int_equal(f->severity, GP_INFO);
    assert_string_equal(f->actual, "序号");
    assert_int_equal(gp_report_count_severity(report, GP_ERROR), 0);
    gpi_roster_free(roster);
    gp_report_free(report);
    free(text);
}

static void missing_and_duplicate_columns(void **state)
{
    const char *missing = "学历层次,学号,姓名,性别,身份证号,所在校别,院校代码,学校名称\n"
                          "成人专科,1,张三,男,11010519491231002X,普通高校,10433,山东理工大学\n";
    gp_report *report;
    gpi_roster *roster = parse_text(missing, strlen(missing), NULL, *state, &report);
    assert_false(roster->usable);
    assert_int_equal(roster->count, 0);
    const gp_finding *f = find_code(report, GP_ROSTER_HEADER_MISSING, 1);
    assert_non_null(f);
    assert_string_equal(f->field, "拍摄序号");
    assert_int_equal(f->severity, GP_ERROR);
    assert_non_null(strstr(f->message, "照片编号")); /* the aliases are named */
    assert_int_equal(count_code(report, GP_ROSTER_HEADER_MISSING), 1);
    gpi_roster_free(roster);
    gp_report_free(report);

    const char *twice = HEADER ",照片编号\n0001,成人专科,1,张三,男,x,普通高校,10433,山东理工大学,2\n";
    roster = parse_text(twice, strlen(twice), NULL, *state, &report);
    assert_false(roster->usable);
    f = find_code(report, GP_ROSTER_HEADER_DUPLICATE, 1);
    assert_non_null(f);
    assert_string_equal(f->field, "拍摄序号");
    gpi_roster_free(roster);
    gp_report_free(report);
}

static void extra_and_missing_cells_in_a_row(void **state)
{
    gpi_buf csv = {0};
    gpi_buf_printf(&csv, "%s\n", HEADER);
    append_row(&csv, 1, "0001", "");
    gpi_buf_puts(&csv, ",,多出来的, \n");
    gpi_buf_puts(&csv, "0002,成人专科,2019000002\n");
    append_row(&csv, 3, "0003", "");
    gpi_buf_puts(&csv, ",,\n"); /* empty extra cells are not worth a warning */
    char *text = gpi_buf_take(&csv);
    gp_report *report;
    gpi_roster *roster = parse_text(text, strlen(text), NULL, *state, &report);
    assert_true(roster->usable);
    assert_int_equal(roster->count, 3);
    assert_int_equal(count_code(report, GP_ROSTER_ROW_EXTRA_CELLS), 1);
    const gp_finding *f = find_code(report, GP_ROSTER_ROW_EXTRA_CELLS, 2);
    assert_non_null(f);
    assert_int_equal(f->severity, GP_WARNING);
    assert_string_equal(f->actual, "多出来的");
    assert_string_equal(roster->students[1].value[GPI_FIELD_NAME], "");
    gpi_roster_apply_rules(roster, *state, "roster.csv", report);
    assert_int_equal(count_code(report, GP_ROSTER_FIELD_EMPTY), 6);
    f = find_code(report, GP_ROSTER_FIELD_EMPTY, 3);
    assert_string_equal(f->field, "姓名");
    assert_true(roster->students[1].has_error);
    assert_false(roster->students[0].has_error);
    gpi_roster_free(roster);
    gp_report_free(report);
    free(text);
}

/* A hostile input: refused with this code (at this row when row > 0). */
static void assert_refused(const gp_profile *profile, const char *text, size_t len,
                           gp_code code, int row)
{
    gp_report *report;
    gpi_roster *roster = parse_text(text, len, NULL, profile, &report);
    assert_false(roster->usable);
    assert_int_equal(roster->count, 0);
    const gp_finding *f = find_code(report, code, 0);
    if (!f)
        fail_msg("expected %s", gp_code_name(code));
    assert_int_equal(f->severity, GP_ERROR);
    assert_string_equal(f->file, "roster.csv");
    if (row > 0)
        assert_int_equal(f->row, row);
    gpi_roster_apply_rules(roster, profile, "roster.csv", report); /* judges nothing */
    assert_int_equal(gp_report_count_severity(report, GP_ERROR), 1);
    gpi_roster_free(roster);
    gp_report_free(report);
}

static void empty_inputs(void **state)
{
    assert_refused(*state, "", 0, GP_ROSTER_EMPTY, 0);
    assert_refused(*state, "\xEF\xBB\xBF", 3, GP_ROSTER_EMPTY, 0);
    assert_refused(*state, "\r\n \r\n\t\n", 7, GP_ROSTER_EMPTY, 0);
    assert_refused(*state, ",,,\n,,\n", 7, GP_ROSTER_EMPTY, 0);
    assert_refused(*state, HEADER "\r\n\r\n", strlen(HEADER) + 4, GP_ROSTER_EMPTY, 1);
}

static void binary_inputs(void **state)
{
    char *text = roster_text(2, "\n", false);
    size_t len = strlen(text);
    text[len / 2] = '\0';
    assert_refused(*state, text, len, GP_ROSTER_BINARY, 0);
    free(text);
    assert_refused(*state, "PK\x03\x04rest-of-an-xlsx", 20, GP_ROSTER_BINARY, 0);
    assert_refused(*state, "\xFF\xFEs\0e\0q\0", 8, GP_ROSTER_BINARY, 0);
}

static void broken_quotes(void **state)
{
    gpi_buf csv = {0};
    gpi_buf_printf(&csv, "%s\n", HEADER);
    append_row(&csv, 1, "0001", "\n");
    gpi_buf_puts(&csv, "0002,成人专科,2019000002,\"张三,男,x,普通高校,10433,山东理工大学\n");
    append_row(&csv, 3, "0003", "\n");
    char *text = gpi_buf_take(&csv);
    assert_refused(*state, text, strlen(text), GP_ROSTER_SYNTAX, 3); /* where the quote opened */
    free(text);

    gpi_buf stray = {0};
    gpi_buf_printf(&stray, "%s\r\n\r\n", HEADER);
    append_row(&stray, 1, "0001", "\r\n");
    gpi_buf_puts(&stray, "0002,成人专科,2019000002,张\"三,男,x,普通高校,10433,山东理工大学\r\n");
    text = gpi_buf_take(&stray);
    assert_refused(*state, text, strlen(text), GP_ROSTER_SYNTAX, 4);
    free(text);

    const char *after = HEADER "\n\"0001\"x,a,b,c,d,e,f,g,h\n";
    assert_refused(*state, after, strlen(after), GP_ROSTER_SYNTAX, 2);
}

static void field_too_long(void **state)
{
    gpi_buf csv = {0};
    gpi_buf_printf(&csv, "%s\n", HEADER);
    append_row(&csv, 1, "0001", "\n");
    gpi_buf_puts(&csv, "0002,成人专科,1,");
    for (int i = 0; i <= GPI_MAX_FIELD_BYTES; i++)
        gpi_buf_puts(&csv, "a");
    gpi_buf_puts(&csv, ",男,x,普通高校,10433,山东理工大学\n");
    char *text = gpi_buf_take(&csv);
    assert_refused(*state, text, strlen(text), GP_ROSTER_FIELD_TOO_LONG, 3);
    gp_report *report;
    gpi_roster *roster = parse_text(text, strlen(text), NULL, *state, &report);
    assert_string_equal(find_code(report, GP_ROSTER_FIELD_TOO_LONG, 3)->field, "姓名");
    gpi_roster_free(roster);
    gp_report_free(report);
    free(text);

    /* exactly the limit is accepted */
    gpi_buf fits = {0};
    gpi_buf_printf(&fits, "%s\n0001,成人专科,1,", HEADER);
    for (int i = 0; i < GPI_MAX_FIELD_BYTES; i++)
        gpi_buf_puts(&fits, "a");
    gpi_buf_puts(&fits, ",男,x,普通高校,10433,山东理工大学\n");
    text = gpi_buf_take(&fits);
    roster = parse_text(text, strlen(text), NULL, *state, &report);
    assert_true(roster->usable);
    assert_int_equal(strlen(roster->students[0].value[GPI_FIELD_NAME]), GPI_MAX_FIELD_BYTES);
    gpi_roster_free(roster);
    gp_report_free(report);
    free(text);
}

static void row_limit(void **state)
{
    char *text = roster_text(GPI_MAX_ROWS, "\r\n", true);
    gp_report *report;
    gpi_roster *roster = parse_text(text, strlen(text), NULL, *state, &report);
    assert_true(roster->usable);
    assert_int_equal(roster->count, GPI_MAX_ROWS);
    assert_int_equal(gp_report_count(report), 0);
    gpi_roster_free(roster);
    gp_report_free(report);

    gpi_buf more = {0};
    gpi_buf_puts(&more, text);
    append_row(&more, 1, "0001", "\r\n");
    free(text);
    text = gpi_buf_take(&more);
    assert_refused(*state, text, strlen(text), GP_ROSTER_TOO_MANY_ROWS, GPI_MAX_ROWS + 2);
    free(text);
}

static void column_limit(void **state)
{
    gpi_buf csv = {0};
    gpi_buf_printf(&csv, "%s\n", HEADER);
    append_row(&csv, 1, "0001", "");
    for (int i = 9; i <= GPI_MAX_COLUMNS; i++)
        gpi_buf_puts(&csv, ",z");
    gpi_buf_puts(&csv, "\n");
    char *text = gpi_buf_take(&csv);
    assert_refused(*state, text, strlen(text), GP_ROSTER_TOO_MANY_COLUMNS, 2);
    free(text);
}

static void reading_files(void **state)
{
    char *dir = temp_dir();
    char *path = gpi_path_join(dir, "名单.csv");
    char *text = roster_text(2, "\r\n", true);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    gp_report *report = gp_report_new("check");
    gp_error err = {0};
    gpi_roster *roster = gpi_roster_read(path, NULL, *state, report, &err);
    assert_non_null(roster);
    assert_int_equal(roster->count, 2);
    gpi_roster_free(roster);

    /* a file's findings name the file */
    f = fopen(path, "wb");
    fclose(f);
    roster = gpi_roster_read(path, NULL, *state, report, &err);
    assert_non_null(roster);
    assert_string_equal(find_code(report, GP_ROSTER_EMPTY, 0)->file, "名单.csv");
    gpi_roster_free(roster);

    /* too big to be a roster: refused before it is read */
    int fd = open(path, O_WRONLY | O_TRUNC);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)GPI_MAX_ROSTER_BYTES + 1), 0);
    close(fd);
    assert_null(gpi_roster_read(path, NULL, *state, report, &err));
    assert_int_equal(err.status, GP_ERR_OPEN);
    unlink(path);

    gp_error_clear(&err);
    assert_null(gpi_roster_read(path, NULL, *state, report, &err));
    assert_int_equal(err.status, GP_ERR_OPEN);

    gp_report_free(report);
    free(text);
    free(path);
    remove_dir(dir);
}

/* Damaged copies of a valid roster (bytes changed to quotes, NUL, CR, LF,
 * commas, 0xFF or lead bytes; bytes cut): never a crash, and either a usable
 * roster of at most the rows there were or a refusal with an error. */
static void mutations_never_crash(void **state)
{
    char *text = roster_text(6, "\r\n", true);
    size_t len = strlen(text);
    static const char bytes[] = {'"', '\0', '\r', '\n', ',', '\xFF', '\xE6', '\x81', ' '};
    uint64_t rng = 42;
    for (int round = 0; round < 400; round++) {
        char *copy = malloc(len);
        assert_non_null(copy);
        memcpy(copy, text, len);
        size_t n = len;
        for (int k = 0; k < 1 + round % 4 && n > 0; k++) {
            rng = rng * 6364136223846793005ull + 1442695040888963407ull;
            size_t at = (size_t)(rng >> 33) % n;
            if (round % 5 == 4)
                n = at; /* cut short */
            else
                copy[at] = bytes[(rng >> 20) % sizeof bytes];
        }
        gp_report *report;
        gpi_roster *roster = parse_text(copy, n, NULL, *state, &report);
        if (roster->usable) {
            assert_in_range(roster->count, 1, 6 + 4); /* a new line splits a row */
            gpi_roster_apply_rules(roster, *state, "roster.csv", report);
            for (size_t i = 0; i < roster->count; i++)
                for (int f = 0; f < GPI_FIELD_COUNT; f++)
                    assert_non_null(roster->students[i].value[f]);
        } else {
            assert_int_equal(roster->count, 0);
            assert_true(gp_report_count_severity(report, GP_ERROR) >= 1);
        }
        gpi_roster_free(roster);
        gp_report_free(report);
        free(copy);
    }
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_utf8_with_lf),
        cmocka_unit_test(utf8_bom_with_crlf),
        cmocka_unit_test(gb18030_detected_and_forced),
        cmocka_unit_test(forced_utf8_on_gb_text_names_the_row),
        cmocka_unit_test(damaged_utf8_names_row_and_column),
        cmocka_unit_test(undecodable_in_any_encoding),
        cmocka_unit_test(unknown_encoding_is_a_usage_error),
        cmocka_unit_test(quoted_cells_and_row_numbers),
        cmocka_unit_test(blank_lines_and_spaces),
        cmocka_unit_test(aliases_in_any_order),
        cmocka_unit_test(extra_column_is_info),
        cmocka_unit_test(missing_and_duplicate_columns),
        cmocka_unit_test(extra_and_missing_cells_in_a_row),
        cmocka_unit_test(empty_inputs),
        cmocka_unit_test(binary_inputs),
        cmocka_unit_test(broken_quotes),
        cmocka_unit_test(field_too_long),
        cmocka_unit_test(row_limit),
        cmocka_unit_test(column_limit),
        cmocka_unit_test(reading_files),
        cmocka_unit_test(mutations_never_crash),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
