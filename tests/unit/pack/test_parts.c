/* Part sizes: --max-part-size parsing and the greedy plan. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "pack/pack_internal.h"

#include <stdlib.h>

static void test_parse_size(void **state)
{
    (void)state;
    uint64_t v = 0;
    assert_true(gp_parse_size("20M", &v));
    assert_int_equal(v, 20u << 20);
    assert_true(gp_parse_size("35MB", &v));
    assert_int_equal(v, 35u << 20);
    assert_true(gp_parse_size("650k", &v));
    assert_int_equal(v, 650u << 10);
    assert_true(gp_parse_size("1G", &v));
    assert_int_equal(v, 1u << 30);
    assert_true(gp_parse_size("2GiB", &v));
    assert_int_equal(v, 2ull << 30);
    assert_true(gp_parse_size("123456", &v));
    assert_int_equal(v, 123456);
    assert_true(gp_parse_size("100B", &v));
    assert_int_equal(v, 100);
}

static void test_parse_size_rejects(void **state)
{
    (void)state;
    uint64_t v = 7;
    const char *bad[] = {"", "M", "-5M", "20X", "20 M", "1.5G", "0", "0M", "20MBB",
                         "99999999999999999999", "17179869184G", NULL};
    for (size_t i = 0; bad[i]; i++)
        assert_false(gp_parse_size(bad[i], &v));
    assert_false(gp_parse_size(NULL, &v));
    assert_int_equal(v, 7);
}

static void test_plan_greedy(void **state)
{
    (void)state;
    uint64_t cost[] = {40, 40, 40, 40, 40};
    gpi_part_range *parts;
    size_t n;
    assert_true(gpi_plan_parts(cost, 5, 20, 100, &parts, &n));
    /* 20 + 40 + 40 = 100 fits; a third would not */
    assert_int_equal(n, 3);
    assert_int_equal(parts[0].first, 0);
    assert_int_equal(parts[0].count, 2);
    assert_int_equal(parts[1].first, 2);
    assert_int_equal(parts[1].count, 2);
    assert_int_equal(parts[2].first, 4);
    assert_int_equal(parts[2].count, 1);
    free(parts);
}

static void test_plan_unlimited_is_one_part(void **state)
{
    (void)state;
    uint64_t cost[] = {1000000, 2000000};
    gpi_part_range *parts;
    size_t n;
    assert_true(gpi_plan_parts(cost, 2, 100, 0, &parts, &n));
    assert_int_equal(n, 1);
    assert_int_equal(parts[0].count, 2);
    free(parts);
}

static void test_plan_refuses_row_too_large(void **state)
{
    (void)state;
    uint64_t cost[] = {10, 90, 10};
    gpi_part_range *parts = (gpi_part_range *)1;
    size_t n = 5;
    assert_false(gpi_plan_parts(cost, 3, 20, 100, &parts, &n));
    assert_null(parts);
    assert_int_equal(n, 0);
    assert_false(gpi_plan_parts(cost, 0, 20, 100, &parts, &n));
}

static void test_costs_are_upper_bounds(void **state)
{
    (void)state;
    /* a row costs more than its photo, and more text costs more */
    uint64_t a = gpi_part_row_cost(20, 600000, 100);
    uint64_t b = gpi_part_row_cost(20, 600000, 200);
    assert_true(a > 600000 + 512);
    assert_true(b > a);
    assert_true(gpi_part_fixed_cost(20, 0) > 32768);
    assert_true(gpi_part_fixed_cost(40, 100) > gpi_part_fixed_cost(20, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_size),
        cmocka_unit_test(test_parse_size_rejects),
        cmocka_unit_test(test_plan_greedy),
        cmocka_unit_test(test_plan_unlimited_is_one_part),
        cmocka_unit_test(test_plan_refuses_row_too_large),
        cmocka_unit_test(test_costs_are_upper_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
