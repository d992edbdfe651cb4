/* Unit tests: resident ID numbers (GB 11643-1999). */
#include "helpers.h"
#include "roster/roster.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#define TODAY 20240615

static void check_char_of_published_example(void **state)
{
    (void)state;
    /* the example printed in GB 11643-1999 itself */
    assert_int_equal(gpi_id_check_char("11010519491231002"), 'X');
    assert_int_equal(gpi_id_validate("11010519491231002X", TODAY, NULL), GPI_ID_OK);
    /* every check character 0-9 and X is reachable and validates */
    bool seen[11] = {false};
    for (int seq = 0; seq < 200; seq++) {
        char id[19];
        make_id(id, "370303", "19900101", seq);
        assert_int_equal(gpi_id_validate(id, TODAY, NULL), GPI_ID_OK);
        seen[id[17] == 'X' ? 10 : id[17] - '0'] = true;
    }
    for (int i = 0; i < 11; i++)
        assert_true(seen[i]);
}

static void wrong_check_char_names_the_right_one(void **state)
{
    (void)state;
    char id[19];
    make_id(id, "370303", "19851120", 123);
    char right = id[17];
    id[17] = right == '0' ? '1' : '0';
    char expected = 0;
    assert_int_equal(gpi_id_validate(id, TODAY, &expected), GPI_ID_CHECKSUM);
    assert_int_equal(expected, right);
    /* a typo in the body is caught too */
    make_id(id, "370303", "19851120", 123);
    id[3] = id[3] == '9' ? '8' : (char)(id[3] + 1);
    assert_int_equal(gpi_id_validate(id, TODAY, &expected), GPI_ID_CHECKSUM);
}

/* every id in the NULL-terminated list gets verdict `want` */
static void expect_verdict(const char *const *ids, gpi_id_verdict want)
{
    for (; *ids; ids++)
        if (gpi_id_validate(*ids, TODAY, NULL) != want)
            fail_msg("%s: verdict %d, expected %d", *ids,
                     (int)gpi_id_validate(*ids, TODAY, NULL), (int)want);
}

static void shapes_that_are_not_ids(void **state)
{
    (void)state;
    static const char *const ids[] = {
        "370303900101123",     /* 15 characters */
        "37030319900101123",   /* 17 */
        "3703031990010112345", /* 19 */
        "37030319900101A234", "37030319900101123x", "X70303199001011234", "",
        "3703031990 0101123",  NULL};
    expect_verdict(ids, GPI_ID_FORMAT);
}

static void excel_scientific_notation(void **state)
{
    (void)state;
    static const char *const scientific[] = {"3.70303E+17", "3.70303e17", "3.70303E17",
                                             "370303E+12", NULL};
    expect_verdict(scientific, GPI_ID_SCIENTIFIC);
    static const char *const not_a_number[] = {"3.E+17", "E+17", NULL};
    expect_verdict(not_a_number, GPI_ID_FORMAT);
}

static gpi_id_verdict verdict_for_date(const char *date)
{
    char id[19];
    make_id(id, "370303", date, 11);
    return gpi_id_validate(id, TODAY, NULL);
}

static void birth_dates(void **state)
{
    (void)state;
    assert_int_equal(verdict_for_date("20000229"), GPI_ID_OK);        /* 400-year leap */
    assert_int_equal(verdict_for_date("20040229"), GPI_ID_OK);
    assert_int_equal(verdict_for_date("19000229"), GPI_ID_BIRTHDATE); /* 100-year, no leap */
    assert_int_equal(verdict_for_date("20030229"), GPI_ID_BIRTHDATE);
    assert_int_equal(verdict_for_date("19990431"), GPI_ID_BIRTHDATE);
    assert_int_equal(verdict_for_date("19991301"), GPI_ID_BIRTHDATE);
    assert_int_equal(verdict_for_date("19990001"), GPI_ID_BIRTHDATE);
    assert_int_equal(verdict_for_date("19990100"), GPI_ID_BIRTHDATE);
    assert_int_equal(verdict_for_date("18991231"), GPI_ID_BIRTHDATE);
    assert_int_equal(verdict_for_date("19991231"), GPI_ID_OK);
    /* today is fine, tomorrow is not */
    assert_int_equal(verdict_for_date("20240615"), GPI_ID_OK);
    assert_int_equal(verdict_for_date("20240616"), GPI_ID_BIRTHDATE);
    assert_int_equal(verdict_for_date("20990101"), GPI_ID_BIRTHDATE);
    /* a bad date is reported before the check character */
    char id[19];
    make_id(id, "370303", "19990230", 11);
    id[17] = id[17] == '0' ? '1' : '0';
    assert_int_equal(gpi_id_validate(id, TODAY, NULL), GPI_ID_BIRTHDATE);
}

static void sex_from_the_17th_digit(void **state)
{
    (void)state;
    char id[19];
    make_id(id, "370303", "19900101", 123);
    assert_int_equal(gpi_id_sex(id), 1);
    make_id(id, "370303", "19900101", 124);
    assert_int_equal(gpi_id_sex(id), 2);
    assert_int_equal(gpi_id_sex("11010519491231002X"), 2);
    assert_int_equal(gpi_id_sex("3.70303E+17"), 0);
    assert_int_equal(gpi_id_sex("1234"), 0);
}

static void today_is_a_real_date(void **state)
{
    (void)state;
    int today = gpi_today();
    assert_true(today > 20240000 && today < 99991231);
    assert_in_range(today / 100 % 100, 1, 12);
    assert_in_range(today % 100, 1, 31);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(check_char_of_published_example),
        cmocka_unit_test(wrong_check_char_names_the_right_one),
        cmocka_unit_test(shapes_that_are_not_ids),
        cmocka_unit_test(excel_scientific_notation),
        cmocka_unit_test(birth_dates),
        cmocka_unit_test(sex_from_the_17th_digit),
        cmocka_unit_test(today_is_a_real_date),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
