/* Unit tests: the field rules (issue 2, "Field rules"), each code with its
 * row, photo number, field, file, actual and expected values. */
#include "helpers.h"
#include "core/base.h"
#include "core/fields.h"
#include "core/profile.h"
#include "roster/roster.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

typedef struct fixture {
    gp_profile *xinhua;  /* school pinned: 普通高校, 10433, 山东理工大学 */
    gp_profile *generic; /* nothing pinned */
    char id_male[19], id_female[19], id_other[19];
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    fx->xinhua = load_profile("xinhua-shandong");
    fx->generic = load_profile("generic");
    make_id(fx->id_male, "370303", "19900101", 123);
    make_id(fx->id_female, "370302", "19951231", 124);
    make_id(fx->id_other, "371302", "20000229", 555);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    gp_profile_free(fx->xinhua);
    gp_profile_free(fx->generic);
    free(fx);
    return 0;
}

/* A roster of the given rows (nine cells each) under the canonical header. */
static char *rows_text(const char *const (*rows)[9], size_t count)
{
    gpi_buf csv = {0};
    gpi_buf_printf(&csv, "%s\r\n", HEADER);
    for (size_t i = 0; i < count; i++)
        append_cells(&csv, rows[i], "\r\n");
    char *text = gpi_buf_take(&csv);
    assert_non_null(text);
    return text;
}

typedef struct judged {
    gpi_roster *roster;
    gp_report *report;
} judged;

static judged judge(const gp_profile *profile, const char *const (*rows)[9], size_t count)
{
    char *text = rows_text(rows, count);
    judged j;
    j.roster = parse_and_judge(text, profile, &j.report);
    free(text);
    return j;
}

static void judged_free(judged *j)
{
    gpi_roster_free(j->roster);
    gp_report_free(j->report);
}

/* The finding with this code at this row (and field, unless NULL), with its
 * severity, file, message, actual and expected values present. */
static const gp_finding *expect(const judged *j, gp_code code, int row, const char *field)
{
    const gp_finding *f = NULL;
    for (size_t i = 0; !f && i < gp_report_count(j->report); i++) {
        const gp_finding *x = gp_report_get(j->report, i);
        if (x->code == code && x->row == row && (!field || (x->field && !strcmp(x->field, field))))
            f = x;
    }
    if (!f)
        fail_msg("expected %s at row %d (%s)", gp_code_name(code), row, field ? field : "");
    assert_int_equal(f->severity, gp_code_severity(code));
    assert_string_equal(f->file, "roster.csv");
    assert_non_null(f->message);
    assert_non_null(f->actual);
    assert_non_null(f->expected);
    return f;
}

#define ROW(seq, level, sno, name, sex, id, type, code, school) \
    {seq, level, sno, name, sex, id, type, code, school}

static void clean_roster_has_no_findings(void **state)
{
    fixture *fx = *state;
    const char *const rows[][9] = {
        ROW("0001", "成人专科", "2019001", "张三", "男", fx->id_male, "普通高校", "10433", "山东理工大学"),
        ROW("0002", "成人本科", "2019002", "李四", "女", fx->id_female, "普通高校", "10433", "山东理工大学"),
        ROW("9999", "成人本科", "2019003", "王五", "男", fx->id_other, "普通高校", "10433", "山东理工大学"),
    };
    judged j = judge(fx->xinhua, rows, 3);
    assert_int_equal(gp_report_count(j.report), 0);
    for (size_t i = 0; i < 3; i++)
        assert_false(j.roster->students[i].has_error);
    assert_string_equal(j.roster->students[2].seq, "9999");
    assert_ptr_equal(gpi_roster_find_seq(j.roster, "0002"), &j.roster->students[1]);
    assert_null(gpi_roster_find_seq(j.roster, "0003"));
    assert_null(gpi_roster_find_seq(j.roster, ""));
    judged_free(&j);
}

static void photo_numbers(void **state)
{
    fixture *fx = *state;
    char ids[7][19];
    for (int i = 0; i < 7; i++)
        make_id(ids[i], "370303", "19900101", 2 * i + 1);
    const char *const rows[][9] = {
        ROW("7", "成人专科", "1", "甲", "男", ids[0], "普通高校", "10433", "山东理工大学"),
        ROW("0008", "成人专科", "2", "乙", "男", ids[1], "普通高校", "10433", "山东理工大学"),
        ROW("12a", "成人专科", "3", "丙", "男", ids[2], "普通高校", "10433", "山东理工大学"),
        ROW("10000", "成人专科", "4", "丁", "男", ids[3], "普通高校", "10433", "山东理工大学"),
        ROW("0", "成人专科", "5", "戊", "男", ids[4], "普通高校", "10433", "山东理工大学"),
        ROW("0000", "成人专科", "6", "己", "男", ids[5], "普通高校", "10433", "山东理工大学"),
        ROW("-1", "成人专科", "7", "庚", "男", ids[6], "普通高校", "10433", "山东理工大学"),
    };
    judged j = judge(fx->xinhua, rows, 7);
    const gp_finding *f = expect(&j, GP_ROSTER_SEQ_PADDED, 2, "拍摄序号");
    assert_string_equal(f->actual, "7");
    assert_string_equal(f->expected, "0007");
    assert_string_equal(f->seq, "0007");
    assert_string_equal(j.roster->students[0].seq, "0007");
    assert_string_equal(j.roster->students[0].value[GPI_FIELD_SEQ], "0007");
    assert_false(j.roster->students[0].has_error);
    assert_null(find_code(j.report, GP_ROSTER_SEQ_PADDED, 3));
    assert_null(find_code(j.report, GP_ROSTER_SEQ_FORMAT, 3));
    for (int row = 4; row <= 8; row++) {
        f = expect(&j, GP_ROSTER_SEQ_FORMAT, row, "拍摄序号");
        assert_null(f->seq);
        assert_string_equal(f->actual, rows[row - 2][0]);
        assert_string_equal(j.roster->students[row - 2].seq, "");
        assert_true(j.roster->students[row - 2].has_error);
    }
    assert_int_equal(count_code(j.report, GP_ROSTER_SEQ_FORMAT), 5);
    judged_free(&j);
}

static void repeated_values_blame_the_later_row(void **state)
{
    fixture *fx = *state;
    char id4[19];
    make_id(id4, "370303", "19900101", 7);
    const char *const rows[][9] = {
        ROW("0001", "成人专科", "S1", "甲", "男", fx->id_male, "普通高校", "10433", "山东理工大学"),
        ROW("0002", "成人专科", "S2", "乙", "女", fx->id_female, "普通高校", "10433", "山东理工大学"),
        ROW("1", "成人专科", "S3", "丙", "男", id4, "普通高校", "10433", "山东理工大学"),
        ROW("0004", "成人专科", "S2", "丁", "男", fx->id_male, "普通高校", "10433", "山东理工大学"),
        ROW("0001", "成人专科", "S5", "戊", "女", fx->id_female, "普通高校", "10433", "山东理工大学"),
    };
    judged j = judge(fx->xinhua, rows, 5);
    assert_false(j.roster->students[0].has_error);
    assert_false(j.roster->students[1].has_error);
    /* "1" is padded to 0001 and then repeats row 2 */
    const gp_finding *f = expect(&j, GP_ROSTER_SEQ_DUPLICATE, 4, "拍摄序号");
    assert_string_equal(f->actual, "0001");
    assert_string_equal(f->seq, "0001");
    assert_non_null(strstr(f->message, "第 2 行"));
    f = expect(&j, GP_ROSTER_SEQ_DUPLICATE, 6, "拍摄序号");
    assert_non_null(strstr(f->message, "第 2 行"));
    assert_int_equal(count_code(j.report, GP_ROSTER_SEQ_DUPLICATE), 2);
    f = expect(&j, GP_ROSTER_STUDENT_NO_DUPLICATE, 5, "学号");
    assert_string_equal(f->actual, "S2");
    assert_non_null(strstr(f->message, "第 3 行"));
    f = expect(&j, GP_ROSTER_ID_DUPLICATE, 5, "身份证号");
    assert_non_null(strstr(f->message, "第 2 行"));
    f = expect(&j, GP_ROSTER_ID_DUPLICATE, 6, "身份证号");
    assert_non_null(strstr(f->message, "第 3 行"));
    assert_int_equal(count_code(j.report, GP_ROSTER_ID_DUPLICATE), 2);
    assert_int_equal(count_code(j.report, GP_ROSTER_STUDENT_NO_DUPLICATE), 1);
    for (size_t i = 2; i < 5; i++)
        assert_true(j.roster->students[i].has_error);
    /* the first row with a repeated number is the one photos match */
    assert_ptr_equal(gpi_roster_find_seq(j.roster, "0001"), &j.roster->students[0]);
    judged_free(&j);
}

static void every_empty_field_is_named(void **state)
{
    fixture *fx = *state;
    const char *const rows[][9] = {
        ROW("", "", "", "", "", "", "", "", ""),
        ROW("0002", "成人专科", "S2", "", "女", fx->id_female, "普通高校", "10433", "山东理工大学"),
    };
    gpi_buf csv = {0};
    gpi_buf_printf(&csv, "%s\n", HEADER);
    gpi_buf_puts(&csv, "0001,,,,,,,,,备注\n"); /* only the photo number */
    append_cells(&csv, rows[1], "\n");
    char *text = gpi_buf_take(&csv);
    judged j;
    j.roster = parse_and_judge(text, fx->xinhua, &j.report);
    free(text);
    assert_int_equal(count_code(j.report, GP_ROSTER_FIELD_EMPTY), 9);
    for (int f = GPI_FIELD_LEVEL; f < GPI_FIELD_COUNT; f++) {
        bool found = false;
        for (size_t i = 0; i < gp_report_count(j.report); i++) {
            const gp_finding *x = gp_report_get(j.report, i);
            found |= x->code == GP_ROSTER_FIELD_EMPTY && x->row == 2 &&
                     !strcmp(x->field, gpi_field_label((gpi_field)f)) && !strcmp(x->seq, "0001");
        }
        assert_true(found);
    }
    expect(&j, GP_ROSTER_FIELD_EMPTY, 3, "姓名");
    assert_true(j.roster->students[0].has_error);
    assert_true(j.roster->students[1].has_error);
    judged_free(&j);
}

static void levels_and_sexes(void **state)
{
    fixture *fx = *state;
    char ids[5][19];
    for (int i = 0; i < 5; i++)
        make_id(ids[i], "370303", "19900101", 2 * i + 1);
    const char *const rows[][9] = {
        ROW("0001", "高起专", "1", "甲", "男", ids[0], "普通高校", "10433", "山东理工大学"),
        ROW("0002", "专升本", "2", "乙", "男", ids[1], "普通高校", "10433", "山东理工大学"),
        ROW("0003", "高起本", "3", "丙", "男", ids[2], "普通高校", "10433", "山东理工大学"),
        ROW("0004", "本科", "4", "丁", "男", ids[3], "普通高校", "10433", "山东理工大学"),
        ROW("0005", "成人专科", "5", "戊", "M", ids[4], "普通高校", "10433", "山东理工大学"),
    };
    judged j = judge(fx->xinhua, rows, 5);
    const gp_finding *f = expect(&j, GP_ROSTER_LEVEL_MAPPED, 2, "学历层次");
    assert_string_equal(f->actual, "高起专");
    assert_string_equal(f->expected, "成人专科");
    assert_string_equal(j.roster->students[0].value[GPI_FIELD_LEVEL], "成人专科");
    assert_string_equal(j.roster->students[1].value[GPI_FIELD_LEVEL], "成人本科");
    assert_string_equal(j.roster->students[2].value[GPI_FIELD_LEVEL], "成人本科");
    assert_int_equal(count_code(j.report, GP_ROSTER_LEVEL_MAPPED), 3);
    assert_false(j.roster->students[0].has_error);
    f = expect(&j, GP_ROSTER_LEVEL_INVALID, 5, "学历层次");
    assert_string_equal(f->actual, "本科");
    assert_non_null(strstr(f->expected, "成人专科"));
    assert_true(j.roster->students[3].has_error);
    f = expect(&j, GP_ROSTER_SEX_INVALID, 6, "性别");
    assert_string_equal(f->actual, "M");
    assert_string_equal(f->seq, "0005");
    assert_null(find_code(j.report, GP_ROSTER_ID_SEX_MISMATCH, 0)); /* not judged on M */
    judged_free(&j);
}

static void full_width_and_lower_case(void **state)
{
    fixture *fx = *state;
    /* 11010519491231002X is female with check character X */
    const char *const rows[][9] = {
        ROW("０００３", "成人专科", "２０１９００１", "甲", "女", "11010519491231002Ｘ", "普通高校",
            "１０４３３", "山东理工大学"),
        ROW("0004", "成人专科", "2019002", "乙", "女", "１１０１０５１９４９１２３１００２x",
            "普通高校", "10433", "山东理工大学"),
    };
    judged j = judge(fx->xinhua, rows, 2);
    const gpi_student *s = &j.roster->students[0];
    assert_string_equal(s->seq, "0003");
    assert_string_equal(s->value[GPI_FIELD_SEQ], "0003");
    assert_string_equal(s->value[GPI_FIELD_STUDENT_NO], "2019001");
    assert_string_equal(s->value[GPI_FIELD_ID_NUMBER], "11010519491231002X");
    assert_string_equal(s->value[GPI_FIELD_SCHOOL_CODE], "10433");
    assert_false(s->has_error);
    const gp_finding *f = expect(&j, GP_ROSTER_FIELD_FULLWIDTH, 2, "拍摄序号");
    assert_string_equal(f->actual, "０００３");
    assert_string_equal(f->expected, "0003");
    assert_string_equal(f->seq, "0003");
    assert_int_equal(count_code(j.report, GP_ROSTER_FIELD_FULLWIDTH), 5);
    /* the second row: full-width digits and then a lower-case x */
    assert_string_equal(j.roster->students[1].value[GPI_FIELD_ID_NUMBER], "11010519491231002X");
    f = expect(&j, GP_ROSTER_ID_LOWERCASE, 3, "身份证号");
    assert_string_equal(f->actual, "11010519491231002x");
    assert_string_equal(f->expected, "11010519491231002X");
    /* the same number twice, after normalising */
    expect(&j, GP_ROSTER_ID_DUPLICATE, 3, "身份证号");
    assert_int_equal(gp_report_count_severity(j.report, GP_ERROR), 1);
    judged_free(&j);
}

static void id_number_defects(void **state)
{
    fixture *fx = *state;
    char checksum[19], impossible[19], future[19], female[19], leap_ok[19];
    make_id(checksum, "370303", "19900101", 123);
    char right = checksum[17];
    checksum[17] = right == '5' ? '6' : '5';
    make_id(impossible, "370303", "19990230", 123);
    make_id(future, "370303", "20990101", 123);
    make_id(female, "370303", "19900101", 124);
    make_id(leap_ok, "370303", "20000229", 123);
    const char *const rows[][9] = {
        ROW("0001", "成人专科", "1", "甲", "男", "3.70303E+17", "普通高校", "10433", "山东理工大学"),
        ROW("0002", "成人专科", "2", "乙", "男", "3.70303e17", "普通高校", "10433", "山东理工大学"),
        ROW("0003", "成人专科", "3", "丙", "男", "370303900101123", "普通高校", "10433", "山东理工大学"),
        ROW("0004", "成人专科", "4", "丁", "男", checksum, "普通高校", "10433", "山东理工大学"),
        ROW("0005", "成人专科", "5", "戊", "男", impossible, "普通高校", "10433", "山东理工大学"),
        ROW("0006", "成人专科", "6", "己", "男", future, "普通高校", "10433", "山东理工大学"),
        ROW("0007", "成人专科", "7", "庚", "男", female, "普通高校", "10433", "山东理工大学"),
        ROW("0008", "成人专科", "8", "辛", "男", leap_ok, "普通高校", "10433", "山东理工大学"),
        ROW("0009", "成人专科", "9", "壬", "男", "37030319900101123Z", "普通高校", "10433", "山东理工大学"),
    };
    judged j = judge(fx->xinhua, rows, 9);
    const gp_finding *f = expect(&j, GP_ROSTER_ID_SCIENTIFIC, 2, "身份证号");
    assert_string_equal(f->actual, "3.70303E+17");
    assert_string_equal(f->seq, "0001");
    expect(&j, GP_ROSTER_ID_SCIENTIFIC, 3, "身份证号");
    assert_null(find_code(j.report, GP_ROSTER_ID_DUPLICATE, 0)); /* mangled alike, not equal */
    f = expect(&j, GP_ROSTER_ID_FORMAT, 4, "身份证号");
    assert_non_null(strstr(f->message, "15 位"));
    f = expect(&j, GP_ROSTER_ID_CHECKSUM, 5, "身份证号");
    char expected[2] = {right, '\0'};
    assert_string_equal(f->expected, expected);
    f = expect(&j, GP_ROSTER_ID_BIRTHDATE, 6, "身份证号");
    assert_string_equal(f->actual, "19990230");
    f = expect(&j, GP_ROSTER_ID_BIRTHDATE, 7, "身份证号");
    assert_string_equal(f->actual, "20990101");
    assert_non_null(strstr(f->message, "今天之后"));
    f = expect(&j, GP_ROSTER_ID_SEX_MISMATCH, 8, NULL);
    assert_string_equal(f->actual, "男");
    assert_string_equal(f->expected, "女");
    assert_null(find_code(j.report, GP_ROSTER_ID_BIRTHDATE, 9));
    assert_false(j.roster->students[7].has_error);
    expect(&j, GP_ROSTER_ID_FORMAT, 10, "身份证号");
    for (size_t i = 0; i < 9; i++)
        assert_true(j.roster->students[i].has_error == (i != 7));
    assert_int_equal(gp_report_count_severity(j.report, GP_ERROR), 8);
    judged_free(&j);
}

static void school_values(void **state)
{
    fixture *fx = *state;
    char ids[5][19];
    for (int i = 0; i < 5; i++)
        make_id(ids[i], "370303", "19900101", 2 * i + 1);
    const char *const rows[][9] = {
        ROW("0001", "成人专科", "1", "甲", "男", ids[0], "普通高校", "10433", "山东理工大学"),
        ROW("0002", "成人专科", "2", "乙", "男", ids[1], "普通高校", "1043", "山东理工大学"),
        ROW("0003", "成人专科", "3", "丙", "男", ids[2], "成人高校", "10433", "山东理工大学"),
        ROW("0004", "成人专科", "4", "丁", "男", ids[3], "普通高校", "10434", "山东大学"),
        ROW("0005", "成人专科", "5", "戊", "男", ids[4], "普通高校", "10433", "山东理工大学"),
    };
    /* nothing pinned: differences from the first row are warnings */
    judged j = judge(fx->generic, rows, 5);
    const gp_finding *f = expect(&j, GP_ROSTER_EXCEL_LEADING_ZEROS, 3, "院校代码");
    assert_string_equal(f->actual, "1043");
    f = expect(&j, GP_ROSTER_SCHOOL_INCONSISTENT, 4, "所在校别");
    assert_string_equal(f->actual, "成人高校");
    assert_string_equal(f->expected, "普通高校");
    assert_non_null(strstr(f->message, "第 2 行"));
    expect(&j, GP_ROSTER_SCHOOL_INCONSISTENT, 5, "院校代码");
    expect(&j, GP_ROSTER_SCHOOL_INCONSISTENT, 5, "学校名称");
    assert_int_equal(count_code(j.report, GP_ROSTER_SCHOOL_INCONSISTENT), 3);
    assert_int_equal(count_code(j.report, GP_ROSTER_SCHOOL_MISMATCH), 0);
    assert_false(j.roster->students[2].has_error);
    assert_true(j.roster->students[1].has_error);
    judged_free(&j);

    /* pinned by the profile: a differing row is an error */
    j = judge(fx->xinhua, rows, 5);
    f = expect(&j, GP_ROSTER_SCHOOL_MISMATCH, 4, "所在校别");
    assert_string_equal(f->expected, "普通高校");
    f = expect(&j, GP_ROSTER_SCHOOL_MISMATCH, 5, "院校代码");
    assert_string_equal(f->actual, "10434");
    assert_string_equal(f->expected, "10433");
    expect(&j, GP_ROSTER_SCHOOL_MISMATCH, 5, "学校名称");
    assert_int_equal(count_code(j.report, GP_ROSTER_SCHOOL_MISMATCH), 3);
    assert_true(j.roster->students[2].has_error);
    assert_false(j.roster->students[4].has_error);
    judged_free(&j);

    /* a wrong first row: the right rows after it are not "inconsistent" */
    const char *const first_wrong[][9] = {
        ROW("0001", "成人专科", "1", "甲", "男", ids[0], "普通高校", "10433", "山东理工"),
        ROW("0002", "成人专科", "2", "乙", "男", ids[1], "普通高校", "10433", "山东理工大学"),
    };
    j = judge(fx->xinhua, first_wrong, 2);
    expect(&j, GP_ROSTER_SCHOOL_MISMATCH, 2, "学校名称");
    assert_int_equal(gp_report_count(j.report), 1);
    judged_free(&j);
}

static void rules_skip_an_unusable_roster(void **state)
{
    fixture *fx = *state;
    gp_report *report;
    gpi_roster *roster = parse_text("", 0, NULL, fx->xinhua, &report);
    assert_false(roster->usable);
    gpi_roster_apply_rules(roster, fx->xinhua, "roster.csv", report);
    assert_int_equal(gp_report_count(report), 1);
    gpi_roster_free(roster);
    gp_report_free(report);
    gpi_roster_apply_rules(NULL, fx->xinhua, "roster.csv", NULL);
    gpi_roster_free(NULL);
}

/* The finding with this code at this row, whatever its severity. */
static const gp_finding *find_any(const judged *j, gp_code code, int row)
{
    for (size_t i = 0; i < gp_report_count(j->report); i++) {
        const gp_finding *x = gp_report_get(j->report, i);
        if (x->code == code && x->row == row)
            return x;
    }
    return NULL;
}

/* Excel's damage in the digit-only columns (issue 14): one code each, and no
 * misleading checksum, sex or school finding on a damaged value. */
static void excel_damage(void **state)
{
    fixture *fx = *state;
    char cut[19];
    make_id(cut, "370102", "19720626", 200); /* 370102197206262000: check digit 0 passes */
    assert_string_equal(cut, "370102197206262000");
    const char *const rows[][9] = {
        ROW("0001", "成人专科", "2019001", "甲", "男", fx->id_male, "普通高校", "10433", "山东理工大学"),
        ROW("0002", "成人专科", "2.01943E+12", "乙", "女", fx->id_female, "普通高校", "10433", "山东理工大学"),
        ROW("0003", "成人专科", "2019003", "丙", "男", cut, "普通高校", "10433", "山东理工大学"),
        ROW("0004", "成人专科", "2019004", "丁", "男", fx->id_other, "普通高校", "433", "山东理工大学"),
        ROW("2001/2/3", "成人专科", "2019005", "戊", "男", fx->id_male, "普通高校", "10433", "山东理工大学"),
        ROW("0006", "成人专科", "201", "己", "女", fx->id_female, "普通高校", "10433", "山东理工大学"),
    };
    judged j = judge(fx->xinhua, rows, 6);
    const gp_finding *f = expect(&j, GP_ROSTER_EXCEL_SCIENTIFIC, 3, "学号");
    assert_string_equal(f->actual, "2.01943E+12");
    assert_non_null(strstr(f->message, "“学号”列设为“文本”"));
    f = find_any(&j, GP_ROSTER_EXCEL_TRUNCATED, 4);
    assert_non_null(f);
    assert_int_equal(f->severity, GP_WARNING); /* one ID alone, checksum right */
    assert_null(find_any(&j, GP_ROSTER_ID_SEX_MISMATCH, 4));
    assert_null(find_any(&j, GP_ROSTER_ID_CHECKSUM, 4));
    f = expect(&j, GP_ROSTER_EXCEL_LEADING_ZEROS, 5, "院校代码");
    assert_string_equal(f->expected, "00433");
    assert_null(find_any(&j, GP_ROSTER_SCHOOL_CODE_FORMAT, 5));
    assert_null(find_any(&j, GP_ROSTER_SCHOOL_MISMATCH, 5));
    f = expect(&j, GP_ROSTER_EXCEL_DATE, 6, "拍摄序号");
    assert_null(find_any(&j, GP_ROSTER_SEQ_FORMAT, 6));
    f = find_any(&j, GP_ROSTER_EXCEL_LEADING_ZEROS, 7);
    assert_non_null(f);
    assert_int_equal(f->severity, GP_WARNING);
    assert_string_equal(f->expected, "0000201");
    judged_free(&j);

    /* two IDs of three ending in 000: the column was a number, both errors */
    char cut2[19];
    make_id(cut2, "370303", "19900101", 100);
    const char *const column[][9] = {
        ROW("0001", "成人专科", "1", "甲", "女", cut, "普通高校", "10433", "山东理工大学"),
        ROW("0002", "成人专科", "2", "乙", "女", fx->id_female, "普通高校", "10433", "山东理工大学"),
        ROW("0003", "成人专科", "3", "丙", "男", strcmp(cut2 + 15, "000") ? "370303199001011000" : cut2,
            "普通高校", "10433", "山东理工大学"),
    };
    j = judge(fx->xinhua, column, 3);
    assert_int_equal(find_any(&j, GP_ROSTER_EXCEL_TRUNCATED, 2)->severity, GP_ERROR);
    assert_int_equal(find_any(&j, GP_ROSTER_EXCEL_TRUNCATED, 4)->severity, GP_ERROR);
    assert_null(find_any(&j, GP_ROSTER_ID_CHECKSUM, 4));
    judged_free(&j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(clean_roster_has_no_findings),
        cmocka_unit_test(photo_numbers),
        cmocka_unit_test(repeated_values_blame_the_later_row),
        cmocka_unit_test(every_empty_field_is_named),
        cmocka_unit_test(levels_and_sexes),
        cmocka_unit_test(full_width_and_lower_case),
        cmocka_unit_test(id_number_defects),
        cmocka_unit_test(school_values),
        cmocka_unit_test(rules_skip_an_unusable_roster),
        cmocka_unit_test(excel_damage),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
