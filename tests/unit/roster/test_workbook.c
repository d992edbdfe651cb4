/* Unit tests: the workbook readers (workbook_reader.h) on packages built
 * here with libzip — cell types, shared/inline/rich strings, merged ranges,
 * date serials, the limits — and the roster path behind them. */
#include "helpers.h"
#include "core/base.h"
#include "core/fields.h"
#include "roster/roster.h"
#include "roster/reading.h"
#include "roster/workbook_reader.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

static const char content_types[] =
    "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/"
    "content-types\"/>";
static const char workbook_xml[] =
    "<?xml version=\"1.0\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/"
    "2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
    "<sheets><sheet name=\"名单\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char rels_xml[] =
    "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/"
    "2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://x/worksheet\" "
    "Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"http://x/sharedStrings\" "
    "Target=\"sharedStrings.xml\"/><Relationship Id=\"rId3\" Type=\"http://x/styles\" "
    "Target=\"styles.xml\"/></Relationships>";
static const char shared_xml[] =
    "<?xml version=\"1.0\"?><sst><si><t>姓名</t></si><si><r><t>王</t></r><r><t>小明</t></r>"
    "<rPh><t>wang</t></rPh></si></sst>";
static const char styles_xml[] =
    "<?xml version=\"1.0\"?><styleSheet><numFmts><numFmt numFmtId=\"164\" "
    "formatCode=\"yyyy/m/d\"/></numFmts><cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"164\"/>"
    "<xf numFmtId=\"14\"/></cellXfs></styleSheet>";

/* An .xlsx in memory with the given sheet XML (malloc'd, *len). */
static void *package(const char *sheet_xml, const char *drop, size_t *len)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *out = zip_source_buffer_create(NULL, 0, 0, &ze);
    assert_non_null(out);
    zip_source_keep(out);
    zip_t *za = zip_open_from_source(out, ZIP_TRUNCATE, &ze);
    assert_non_null(za);
    const char *names[] = {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                           "xl/sharedStrings.xml", "xl/styles.xml", "xl/worksheets/sheet1.xml"};
    const char *bodies[] = {content_types, workbook_xml, rels_xml, shared_xml, styles_xml,
                            sheet_xml};
    for (size_t i = 0; i < 6; i++) {
        if (drop && !strcmp(drop, names[i]))
            continue;
        zip_source_t *s = zip_source_buffer(za, bodies[i], strlen(bodies[i]), 0);
        assert_true(zip_file_add(za, names[i], s, 0) >= 0);
    }
    assert_int_equal(zip_close(za), 0);
    zip_stat_t st;
    assert_int_equal(zip_source_stat(out, &st), 0);
    assert_int_equal(zip_source_open(out), 0);
    void *data = malloc(st.size);
    assert_int_equal(zip_source_read(out, data, st.size), (zip_int64_t)st.size);
    zip_source_close(out);
    zip_source_free(out);
    *len = st.size;
    return data;
}

#define SHEET(rows)                                                                             \
    "<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/" \
    "2006/main\"><sheetData>" rows "</sheetData></worksheet>"

static const workbook_row *row_at(const workbook_sheet *s, int row)
{
    for (size_t i = 0; i < s->count; i++)
        if (s->rows[i].row == row)
            return &s->rows[i];
    return NULL;
}

static void cell_types(void **state)
{
    (void)state;
    size_t len;
    void *data = package(
        SHEET("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c></row>"
              "<row r=\"3\"><c r=\"A3\"><v>370102197206262561</v></c>"
              "<c r=\"B3\" s=\"1\"><v>36925</v></c><c r=\"C3\" t=\"b\"><v>1</v></c>"
              "<c r=\"D3\" t=\"inlineStr\"><is><t>  行内 </t></is></c>"
              "<c r=\"E3\" t=\"str\"><f>A1&amp;B1</f><v>姓名王小明</v></c>"
              "<c r=\"F3\" t=\"e\"><v>#N/A</v></c><c r=\"G3\" s=\"2\"><v>60</v></c></row>"),
        NULL, &len);
    assert_int_equal(workbook_detect(data, len), WORKBOOK_XLSX);
    workbook_failure f;
    workbook *wb = workbook_read(WORKBOOK_XLSX, data, len, &f);
    assert_non_null(wb);
    assert_int_equal(wb->sheet_count, 1);
    assert_string_equal(wb->sheets[0].name, "名单");
    const workbook_row *r1 = row_at(&wb->sheets[0], 1), *r3 = row_at(&wb->sheets[0], 3);
    assert_non_null(r1);
    assert_null(row_at(&wb->sheets[0], 2));
    assert_string_equal(r1->cells[1], "王小明"); /* runs joined, phonetic guide skipped */
    assert_non_null(r3);
    assert_int_equal(r3->count, 7);
    assert_int_equal(r3->kinds[0], WB_CELL_NUMBER);
    assert_string_equal(r3->cells[0], "370102197206262561");
    assert_int_equal(r3->kinds[1], WB_CELL_DATE);
    assert_string_equal(r3->cells[1], "2001/2/3");
    assert_string_equal(r3->cells[2], "TRUE");
    assert_string_equal(r3->cells[3], "  行内 ");
    assert_int_equal(r3->formula[4], 1);
    assert_string_equal(r3->cells[4], "姓名王小明");
    assert_int_equal(r3->kinds[5], WB_CELL_ERROR);
    assert_string_equal(r3->cells[6], "1900/2/29"); /* Excel's own leap-year bug */
    workbook_free(wb);
    free(data);
}

static void merged_ranges(void **state)
{
    (void)state;
    size_t len;
    void *data = package("<?xml version=\"1.0\"?><worksheet><sheetData><row r=\"2\">"
                         "<c r=\"B2\" t=\"inlineStr\"><is><t>山东理工大学</t></is></c></row>"
                         "</sheetData><mergeCells><mergeCell ref=\"B2:C4\"/></mergeCells>"
                         "</worksheet>",
                         NULL, &len);
    workbook_failure f;
    workbook *wb = workbook_read(WORKBOOK_XLSX, data, len, &f);
    assert_non_null(wb);
    assert_int_equal(wb->sheets[0].count, 3);
    assert_string_equal(row_at(&wb->sheets[0], 4)->cells[2], "山东理工大学");
    assert_string_equal(row_at(&wb->sheets[0], 3)->cells[0], "");
    workbook_free(wb);
    free(data);
}

static void refusals(void **state)
{
    (void)state;
    static const struct {
        const char *sheet, *drop;
        workbook_status status;
        const char *words;
    } cases[] = {
        {SHEET(""), "xl/workbook.xml", WB_DAMAGED, "xl/workbook.xml"},
        {SHEET(""), "xl/worksheets/sheet1.xml", WB_DAMAGED, "sheet1.xml"},
        {SHEET("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>9</v></c></row>"), NULL, WB_DAMAGED,
         "共享字符串"},
        {"<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]><worksheet/>", NULL, WB_LIMIT,
         "DOCTYPE"},
        {SHEET("<row r=\"1\"><c r=\"IW1\" t=\"inlineStr\"><is><t>x</t></is></c></row>"), NULL,
         WB_LIMIT, "256"},
        {SHEET("<row r=\"1\"><c r=\"A1\"><v>1</v></c>"), NULL, WB_DAMAGED, "XML"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len;
        void *data = package(cases[i].sheet, cases[i].drop, &len);
        workbook_failure f;
        assert_null(workbook_read(WORKBOOK_XLSX, data, len, &f));
        assert_int_equal(f.status, cases[i].status);
        assert_non_null(strstr(f.detail, cases[i].words));
        free(data);
    }
    /* nesting beyond the limit */
    gpi_buf deep = {0};
    gpi_buf_puts(&deep, "<worksheet>");
    for (int i = 0; i < WB_MAX_XML_DEPTH + 2; i++)
        gpi_buf_puts(&deep, "<a>");
    for (int i = 0; i < WB_MAX_XML_DEPTH + 2; i++)
        gpi_buf_puts(&deep, "</a>");
    gpi_buf_puts(&deep, "</worksheet>");
    char *xml = gpi_buf_take(&deep);
    size_t len;
    void *data = package(xml, NULL, &len);
    workbook_failure f;
    assert_null(workbook_read(WORKBOOK_XLSX, data, len, &f));
    assert_int_equal(f.status, WB_LIMIT);
    free(data);
    free(xml);
    /* not workbooks at all */
    assert_int_equal(workbook_detect("a,b\r\n", 5), WORKBOOK_NONE);
    assert_int_equal(workbook_detect("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8), WORKBOOK_XLS);
    assert_null(workbook_read(WORKBOOK_XLS, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8, &f));
    assert_int_equal(f.status, WB_DAMAGED);
}

static void serial_dates(void **state)
{
    (void)state;
    char out[32];
    assert_true(workbook_serial_date(1, false, out));
    assert_string_equal(out, "1900/1/1");
    assert_true(workbook_serial_date(61, false, out));
    assert_string_equal(out, "1900/3/1");
    assert_true(workbook_serial_date(44378.75, false, out));
    assert_string_equal(out, "2021/7/1");
    assert_true(workbook_serial_date(0, true, out));
    assert_string_equal(out, "1904/1/1");
    assert_false(workbook_serial_date(-1, false, out));
    assert_false(workbook_serial_date(1e12, false, out));
}

/* The roster path: title row, stored numbers, the sheet chosen by header. */
static void roster_from_workbook(void **state)
{
    size_t len;
    void *data = package(
        SHEET("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>2021年7月毕业生名单</t></is></c></row>"
              "<row r=\"2\">"
              "<c r=\"A2\" t=\"inlineStr\"><is><t>拍摄序号</t></is></c>"
              "<c r=\"B2\" t=\"inlineStr\"><is><t>学历层次</t></is></c>"
              "<c r=\"C2\" t=\"inlineStr\"><is><t>学号</t></is></c>"
              "<c r=\"D2\" t=\"s\"><v>0</v></c>"
              "<c r=\"E2\" t=\"inlineStr\"><is><t>性别</t></is></c>"
              "<c r=\"F2\" t=\"inlineStr\"><is><t>身份证号</t></is></c>"
              "<c r=\"G2\" t=\"inlineStr\"><is><t>所在校别</t></is></c>"
              "<c r=\"H2\" t=\"inlineStr\"><is><t>院校代码</t></is></c>"
              "<c r=\"I2\" t=\"inlineStr\"><is><t>学校名称</t></is></c></row>"
              "<row r=\"4\"><c r=\"A4\"><v>7</v></c>"
              "<c r=\"B4\" t=\"inlineStr\"><is><t>成人专科</t></is></c>"
              "<c r=\"C4\"><v>2019430101</v></c><c r=\"D4\" t=\"s\"><v>1</v></c>"
              "<c r=\"E4\" t=\"inlineStr\"><is><t>男</t></is></c>"
              "<c r=\"F4\"><v>3.70102197206262E+17</v></c>"
              "<c r=\"G4\" t=\"inlineStr\"><is><t>普通高校</t></is></c>"
              "<c r=\"H4\"><v>10433</v></c>"
              "<c r=\"I4\" t=\"inlineStr\"><is><t>山东理工大学</t></is></c></row>"),
        NULL, &len);
    gp_report *report = gp_report_new("test");
    gp_error err = {0};
    gpi_roster *roster = roster_parse_any(data, len, "r.xlsx", NULL, NULL, *state, report, &err);
    assert_non_null(roster);
    assert_true(roster->usable);
    assert_int_equal(roster->count, 1);
    const gpi_student *s = &roster->students[0];
    assert_int_equal(s->row, 4);
    assert_string_equal(s->value[GPI_FIELD_STUDENT_NO], "2019430101");
    assert_string_equal(s->value[GPI_FIELD_NAME], "王小明");
    assert_string_equal(s->value[GPI_FIELD_ID_NUMBER], "370102197206262000");
    assert_true(s->damaged & (1u << GPI_FIELD_ID_NUMBER));
    gpi_roster_apply_rules(roster, *state, "r.xlsx", report);
    assert_true(gp_report_has(report, GP_ROSTER_TITLE_ROWS));
    assert_true(gp_report_has(report, GP_ROSTER_CELL_NUMBER));
    assert_true(gp_report_has(report, GP_ROSTER_EXCEL_TRUNCATED));
    assert_true(gp_report_has(report, GP_ROSTER_SEQ_PADDED));
    assert_false(gp_report_has(report, GP_ROSTER_ID_CHECKSUM));
    assert_false(gp_report_has(report, GP_ROSTER_ID_SEX_MISMATCH));
    gpi_roster_free(roster);
    gp_report_free(report);
    /* a sheet that is not there */
    report = gp_report_new("test");
    roster = roster_parse_any(data, len, "r.xlsx", NULL, "花名册", *state, report, &err);
    assert_non_null(roster);
    assert_false(roster->usable);
    assert_true(gp_report_has(report, GP_ROSTER_WORKBOOK_SHEET));
    gpi_roster_free(roster);
    gp_report_free(report);
    free(data);
}

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cell_types),
        cmocka_unit_test(merged_ranges),
        cmocka_unit_test(refusals),
        cmocka_unit_test(serial_dates),
        cmocka_unit_test(roster_from_workbook),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
