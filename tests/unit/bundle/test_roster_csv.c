/* roster.csv: BOM, CRLF, nine columns, quoting that survives a real parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/fields.h"
#include "bundle/bundle.h"
#include "roster/roster.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>

typedef struct parsed {
    char *cells[8][GPI_FIELD_COUNT];
    size_t rows, col;
    bool overflow;
} parsed;

static void on_field(void *s, size_t len, void *data)
{
    parsed *p = data;
    if (p->rows >= 8 || p->col >= GPI_FIELD_COUNT) {
        p->overflow = true;
        return;
    }
    p->cells[p->rows][p->col++] = strndup(s, len);
}

static void on_row(int c, void *data)
{
    (void)c;
    parsed *p = data;
    if (p->col != GPI_FIELD_COUNT)
        p->overflow = true;
    p->rows++;
    p->col = 0;
}

static void test_round_trip_awkward_values(void **state)
{
    (void)state;
    gpi_student a = {.row = 2, .seq = "0001",
                    .value = {"0001", "成人本科", "2019,001", "王\"小\"明", "男",
                              "370303199001011234", "普通高校", "10433", "山东理工大学"}};
    gpi_student b = {.row = 3, .seq = "0002",
                    .value = {"0002", "成人专科", " 7 ", "李\r\n娜", "女",
                              "37030319900101124X", "普通高校", "10433", "山东理工大学"}};
    const gpi_student *rows[] = {&a, &b};
    size_t len = 0;
    char *csv = gpi_roster_csv(rows, 2, &len);
    assert_non_null(csv);
    assert_memory_equal(csv, "\xEF\xBB\xBF拍摄序号,学历层次,学号,姓名,性别,身份证号,所在校别,院校代码,学校名称\r\n",
                        strlen("\xEF\xBB\xBF拍摄序号,学历层次,学号,姓名,性别,身份证号,所在校别,院校代码,学校名称\r\n"));
    /* quoted only when needed */
    assert_non_null(strstr(csv, "\r\n0001,成人本科,\"2019,001\",\"王\"\"小\"\"明\",男,370303199001011234,"));
    assert_non_null(strstr(csv, "\" 7 \""));
    assert_int_equal(csv[len - 2], '\r');
    assert_int_equal(csv[len - 1], '\n');

    parsed p = {0};
    struct csv_parser parser;
    assert_int_equal(csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI), 0);
    csv_set_opts(&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
    assert_int_equal(csv_parse(&parser, csv + 3, len - 3, on_field, on_row, &p), len - 3);
    assert_int_equal(csv_fini(&parser, on_field, on_row, &p), 0);
    csv_free(&parser);
    assert_false(p.overflow);
    assert_int_equal(p.rows, 3);
    for (int f = 0; f < GPI_FIELD_COUNT; f++) {
        assert_string_equal(p.cells[0][f], gpi_field_label((gpi_field)f));
        assert_string_equal(p.cells[1][f], a.value[f]);
    }
    /* libcsv trims unquoted spaces, keeps quoted ones */
    assert_string_equal(p.cells[2][GPI_FIELD_STUDENT_NO], " 7 ");
    assert_string_equal(p.cells[2][GPI_FIELD_NAME], "李\r\n娜");
    assert_string_equal(p.cells[2][GPI_FIELD_ID_NUMBER], "37030319900101124X");
    for (size_t r = 0; r < p.rows; r++)
        for (int f = 0; f < GPI_FIELD_COUNT; f++)
            free(p.cells[r][f]);
    free(csv);
}

static void test_seq_column_is_normalised_seq(void **state)
{
    (void)state;
    gpi_student a = {.row = 2, .seq = "0007",
                    .value = {"7", "成人本科", "1", "张三", "男", "x", "普通高校", "10433", "山东理工大学"}};
    const gpi_student *rows[] = {&a};
    char *csv = gpi_roster_csv(rows, 1, NULL);
    assert_non_null(strstr(csv, "\r\n0007,"));
    free(csv);
}

static void test_empty_roster_is_header_only(void **state)
{
    (void)state;
    size_t len = 0;
    char *csv = gpi_roster_csv(NULL, 0, &len);
    assert_non_null(csv);
    assert_int_equal(len, strlen(csv));
    assert_non_null(strstr(csv, "学校名称\r\n"));
    assert_int_equal(strstr(csv, "学校名称\r\n") + strlen("学校名称\r\n") - csv, (long)len);
    free(csv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_awkward_values),
        cmocka_unit_test(test_seq_column_is_normalised_seq),
        cmocka_unit_test(test_empty_roster_is_header_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
